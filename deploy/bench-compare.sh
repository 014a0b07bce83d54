#!/usr/bin/env bash
# A build against an earlier one, on one machine in one run: both release servers (throttling
# and the decision log off) on the same scratch database and benchmark world, and five
# interleaved pairs of wrk runs for each line, medians compared. The lines: the Bearer-key
# list (GET /api/surveys/), the same through an authtoken session, and POST /v1/keys/verify.
#   deploy/bench.sh compare BASELINE_LATCHKEY [seconds per run, default 5]
# BASELINE_LATCHKEY is another build's release executable (e.g. from a git worktree at the
# earlier commit: `swift build -c release --product latchkey`). The database is migrated by
# this build; an earlier build must read a schema that has only grown since.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
baseline_bin="$(realpath "${1:?usage: deploy/bench.sh compare BASELINE_LATCHKEY [seconds]}")"
seconds="${2:-5}"

bench_world latchkey_bench_compare
service="$("$bin" services issue --name bench 2>/dev/null | tail -1)"

a="$(free_port 18680)"; b="$(free_port $((a + 1)))"
for side in "$baseline_bin:$a" "$PWD/$bin:$b"; do
    LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=warning "${side%:*}" serve --port "${side##*:}" &
done
scripts="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null || true; rm -rf "$scripts"' EXIT
for port in "$a" "$b"; do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
done
session() { curl -s -H 'Content-Type: application/json' -d '{"apikey":"'"$key"'"}' "http://127.0.0.1:$1/api/auth/login/" | sed -E 's/.*"token-id":"([A-Za-z0-9]+)".*/\1/'; }
session_a="$(session "$a")"; session_b="$(session "$b")"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{"key":"%s"}]]\n' "$key" >"$scripts/verify.lua"

pairs() { local label="$1"; shift; wrk_pairs "$label" baseline "$seconds" "$@"; }
pairs "GET /api/surveys/ (key)" -- -H "Authorization: Bearer $key" "http://127.0.0.1:$a/api/surveys/" \
    -- -H "Authorization: Bearer $key" "http://127.0.0.1:$b/api/surveys/"
pairs "GET /api/surveys/ (authtoken)" -- -H "authtoken: $session_a" "http://127.0.0.1:$a/api/surveys/" \
    -- -H "authtoken: $session_b" "http://127.0.0.1:$b/api/surveys/"
pairs "POST /v1/keys/verify" -- -s "$scripts/verify.lua" -H "Authorization: Bearer $service" "http://127.0.0.1:$a/v1/keys/verify" \
    -- -s "$scripts/verify.lua" -H "Authorization: Bearer $service" "http://127.0.0.1:$b/v1/keys/verify"
