#!/usr/bin/env bash
# Schemathesis over /api/schema (issue #20) with each kind of credential in turn — a view-only
# key, a read-write organisation key, a superuser key, a session token and a service credential
# — checking that no answer is a server error and every answer matches the documented schema.
# Runs the latchkey the tests built (debug) on a scratch database with deploy/demo.json. The
# operations that end the credential itself (revoke or roll the presenting key, log out) are
# left out: the rest of the run would see only 401s; the Swift tests cover them.
#   deploy/schemathesis.sh [seconds per credential, default 30]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
budget="${1:-30}"

venv="$(python_venv schemathesis-venv schemathesis schemathesis)"
demo_world latchkey_schemathesis
view="$("$bin" keys issue --user erin --org globex --name view --capabilities view 2>/dev/null)"
write="$("$bin" keys issue --user erin --org globex --name write --capabilities view,add,edit,delete 2>/dev/null)"
super="$("$bin" keys issue --user erin --org globex --name super --capabilities view,add,edit,delete,superuser 2>/dev/null)"
service="$("$bin" services issue --name schemathesis 2>/dev/null)"

port=18280
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=error LATCHKEY_DRAIN_SECONDS=0 "$bin" serve --port "$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
session="$(curl -s -H 'Content-Type: application/json' -d '{"apikey":"'"$write"'"}' "http://127.0.0.1:$port/api/auth/login/" \
    | sed -E 's/.*"token-id":"([A-Za-z0-9]+)".*/\1/')"

status=0
run() {
    local label="$1"; shift
    echo "schemathesis: $label" >&2
    "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/schema" --url "http://127.0.0.1:$port" \
        --checks not_a_server_error,response_schema_conformance --max-time "$budget" --workers 1 \
        --suppress-health-check all --no-color \
        --exclude-operation-id revokeCurrentKey --exclude-operation-id rollCurrentKey --exclude-operation-id logout "$@" \
        >"$log" 2>&1 || status=1
    grep -E "generated|Failures" "$log" | sed "s/^/  /" >&2
    [ $status -eq 0 ] || cat "$log" >&2
}
log="$(mktemp)"
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$log"' EXIT
run "view-only key" -H "Authorization: Bearer $view"
run "read-write organisation key" -H "Authorization: Bearer $write"
run "superuser key" -H "Authorization: Bearer $super"
run "session token" -H "authtoken: $session"
run "service credential" -H "Authorization: Bearer $service"
exit $status
