#!/usr/bin/env bash
# HTTP benchmark: one release-build server (throttling off) on a scratch database with 50 surveys
# visible to the benchmark key; wrk measures req/s and p50/p99 for four requests.
#   deploy/bench.sh http [seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-10}"

deploy/setup.sh wrk curl
if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL="$(deploy/local-postgres.sh start)"
fi
scratch=latchkey_bench_http
psql "$DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" -c "CREATE DATABASE $scratch"
case "$DATABASE_URL" in
    postgres://*|postgresql://*) url="$(printf '%s' "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$scratch#")" ;;
    *) url="$DATABASE_URL dbname=$scratch" ;;
esac
export DATABASE_URL="$url"

swift build -c release --product latchkey >&2
bin=.build/release/latchkey
"$bin" migrate >/dev/null

fixture="$(mktemp)"
{
    printf '{"users":[{"ref":"bench","username":"bench","email":"bench@example.com","tier":"enterprise"},'
    printf '{"ref":"other","username":"other","email":"other@example.com","tier":"pro"}],'
    printf '"organisations":[{"ref":"org","slug":"bench-org","name":"Bench","owner":"bench","members":[{"user":"bench","role":"admin"}]}],'
    printf '"surveys":['
    for i in $(seq 1 60); do
        owner=bench; org='"org"'
        if [ "$i" -gt 50 ]; then owner=other; org=null; fi
        [ "$i" -gt 1 ] && printf ','
        printf '{"ref":"s%d","name":"Survey %d","slug":"survey-%d","owner":"%s","organisation":%s,"status":"published","responses":[{"submitted_at":"2026-11-20T10:00:00Z"}]}' "$i" "$i" "$i" "$owner" "$org"
    done
    printf '],"keys":[{"ref":"k","user":"bench","name":"bench","organisation":"org","capabilities":["view"]}]}'
} >"$fixture"
key="$("$bin" import "$fixture" | sed -E 's/.*"k":"(ct_live_[A-Za-z0-9]+)".*/\1/')"
survey="$(psql "$url" -tAc "SELECT id FROM surveys WHERE slug = 'survey-1'")"
rm -f "$fixture"

port=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
LATCHKEY_THROTTLE=off LATCHKEY_LOG_LEVEL=warning "$bin" serve --port "$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
count="$(curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" | grep -o '"slug"' | wc -l)"
echo "surveys visible to the benchmark key: $count"

measure() {
    local label="$1"; shift
    wrk -t2 -c32 -d"${seconds}s" --latency "$@" | awk -v label="$label" '
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        /Non-2xx/ { non2xx = $NF }
        END { printf "%-32s %10s req/s   p50 %8s   p99 %8s%s\n", label, rps, p50, p99, (non2xx ? "   (non-2xx: " non2xx ")" : "") }'
}
measure "GET /api/health" "http://127.0.0.1:$port/api/health"
measure "GET /api/surveys/ (key, $count)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/"
measure "GET /api/surveys/{id}/ (key)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/$survey/"
measure "GET /api/surveys/ (invalid key)" -H "Authorization: Bearer ct_live_invalid" "http://127.0.0.1:$port/api/surveys/"
