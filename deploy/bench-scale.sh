#!/usr/bin/env bash
# The scale run (issue #19): 1,000,000 keys and 100,000 organisations loaded server-side, then
# uncached key verification p50/p99 (`latchkey-bench scale`), then the survey list with a key
# on that world against the same list on a small world: two release servers side by side, five
# interleaved pairs of wrk runs, medians (goal: within 10%).
#   deploy/bench.sh scale [seconds per run, default 4]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
seconds="${1:-4}"

deploy/setup.sh wrk curl
use_database
swift build -c release --product LatchkeyBench >&2
swift build -c release --product latchkey >&2
bin=.build/release/latchkey
.build/release/LatchkeyBench scale

small="$(database_url latchkey_bench_small)"
large="$(database_url latchkey_bench_scale)"
psql "$DATABASE_URL" -q -c "DROP DATABASE IF EXISTS latchkey_bench_small WITH (FORCE)" -c "CREATE DATABASE latchkey_bench_small"
DATABASE_URL="$small" "$bin" migrate >/dev/null

# The HTTP benchmark's world in both: 50 surveys visible to the key, 950 of someone else.
fixture="$(mktemp)"
trap 'rm -f "$fixture"' EXIT
bench_fixture >"$fixture"
key_small="$(imported_key k "$(DATABASE_URL="$small" "$bin" import "$fixture")")"
key_large="$(imported_key k "$(DATABASE_URL="$large" "$bin" import "$fixture")")"
psql "$large" -q -c "ANALYZE"

port_small="$(free_port 18180)"
port_large="$(free_port $((port_small + 1)))"
export LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=warning
DATABASE_URL="$small" "$bin" serve --port "$port_small" 2>/dev/null & server_small=$!
DATABASE_URL="$large" "$bin" serve --port "$port_large" 2>/dev/null & server_large=$!
trap 'kill $server_small $server_large 2>/dev/null; wait 2>/dev/null || true; rm -f "$fixture"' EXIT
for port in "$port_small" "$port_large"; do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
done
for pair in "$port_small:$key_small" "$port_large:$key_large"; do
    count="$(curl -s -H "Authorization: Bearer ${pair#*:}" "http://127.0.0.1:${pair%%:*}/api/surveys/" | grep -o '"slug"' | wc -l)"
    [ "$count" = 50 ] || { echo "expected 50 surveys, got $count" >&2; exit 1; }
done
wrk_pairs "GET /api/surveys/ at scale" "small world" "$seconds" \
    -- -H "Authorization: Bearer $key_small" "http://127.0.0.1:$port_small/api/surveys/" -- -H "Authorization: Bearer $key_large" "http://127.0.0.1:$port_large/api/surveys/"
echo "(goal: within 10% of the small world)"
