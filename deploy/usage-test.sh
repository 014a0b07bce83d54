#!/usr/bin/env bash
# Usage counts are exact across instances and restarts (SPEC §13, issue #28): two Latchkey
# instances on one database, N requests with one key spread over both; the key's usage must
# show N within 10 s. Then M more, and both instances are stopped with SIGTERM at once (no
# flush waited for): after both restart the usage shows N + M — what each counted in memory was
# flushed on the way out. Read through the API, by an admin of the key's organisation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

deploy/setup.sh curl
latchkey=.build/debug/latchkey
[ -x "$latchkey" ] || swift build --product latchkey >&2
use_scratch_database latchkey_usage_test
work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-usage-XXXXXX")"
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$latchkey" migrate >/dev/null
"$latchkey" users create --username olive --email olive@example.com --tier organisation >/dev/null
"$latchkey" orgs create --slug acme --name Acme --owner olive >/dev/null
measured="$("$latchkey" keys issue --user olive --name measured --org acme 2>/dev/null)"
admin="$("$latchkey" keys issue --user olive --name reader --org acme 2>/dev/null)"
id="$(psql "$DATABASE_URL" -tAc "SELECT id FROM api_keys WHERE name = 'measured'")"

a="$(free_port 18480)"; b="$(free_port $((a + 1)))"
start_instances() {
    pids=()
    for port in "$a" "$b"; do
        LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=error LATCHKEY_DRAIN_SECONDS=0 \
            "$latchkey" serve --port "$port" 2>>"$work/latchkey.log" &
        pids+=($!)
    done
    for port in "$a" "$b"; do
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.1; done
    done
}
start_instances

python3 - "$a" "$b" "$measured" "$admin" "$id" "${pids[@]}" <<'PY'
import http.client, json, os, signal, sys, time
a, b, measured, admin, key_id, *pids = sys.argv[1:]
ports = [int(a), int(b)]
def get(port, key, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Authorization": "Bearer " + key})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body
def use(count):
    for index in range(count):
        status, _ = get(ports[index % 2], measured, "/api/surveys/")
        assert status == 200, status
def total():
    status, body = get(ports[0], admin, f"/api/usage/?key={key_id}&granularity=hour")
    assert status == 200, (status, body)
    return json.loads(body)["totals"]["valid"]
N, M = 600, 250
use(N)
sent = time.monotonic()
seen = None
while time.monotonic() - sent < 10:
    if total() == N:
        seen = time.monotonic() - sent
        break
    time.sleep(0.2)
if seen is None:
    sys.exit(f"usage PROBLEM: {N} uses did not show within 10 s (saw {total()})")
use(M)
for pid in pids: os.kill(int(pid), signal.SIGTERM)
for pid in pids:
    while True:
        try:
            os.kill(int(pid), 0)
            time.sleep(0.05)
        except ProcessLookupError:
            break
print(f"usage: {N} uses over two instances showed as {N} after {seen:.2f} s; {M} more sent, both stopped with SIGTERM")
PY
wait "${pids[@]}" 2>/dev/null || true
start_instances
shown="$(curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$a/api/usage/?key=$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["valid"])')"
if [ "$shown" != 850 ]; then
    echo "usage PROBLEM: after both instances restarted the key shows $shown uses, not 850" >&2
    exit 1
fi
echo "usage: after both instances restarted the key shows all 850 uses" >&2
