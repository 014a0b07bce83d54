#!/usr/bin/env bash
# The scale run (issue #19): 1,000,000 keys and 100,000 organisations loaded server-side, then
# uncached key verification p50/p99 (`latchkey-bench scale`), then the survey list with a key
# on that world against the same list on a small world: two release servers side by side, five
# interleaved pairs of wrk runs, medians (goal: within 10%).
#   deploy/bench.sh scale [seconds per run, default 4]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-4}"

deploy/setup.sh wrk curl
if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL="$(deploy/local-postgres.sh start)"
fi
export DATABASE_URL
swift build -c release --product LatchkeyBench >&2
swift build -c release --product latchkey >&2
bin=.build/release/latchkey
.build/release/LatchkeyBench scale

database_url() {
    case "$DATABASE_URL" in
        postgres://*|postgresql://*) printf '%s' "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$1#" ;;
        *) printf '%s dbname=%s' "$DATABASE_URL" "$1" ;;
    esac
}
small="$(database_url latchkey_bench_small)"
large="$(database_url latchkey_bench_scale)"
psql "$DATABASE_URL" -q -c "DROP DATABASE IF EXISTS latchkey_bench_small WITH (FORCE)" -c "CREATE DATABASE latchkey_bench_small"
DATABASE_URL="$small" "$bin" migrate >/dev/null

# The HTTP benchmark's surveys in both worlds: 50 visible to the key, 950 of someone else.
fixture="$(mktemp)"
trap 'rm -f "$fixture"' EXIT
{
    printf '{"users":[{"ref":"bench","username":"bench","email":"bench@example.com","tier":"enterprise"},'
    printf '{"ref":"other","username":"other","email":"other@example.com","tier":"pro"}],'
    printf '"organisations":[{"ref":"org","slug":"bench-org","name":"Bench","owner":"bench","members":[{"user":"bench","role":"admin"}]}],'
    printf '"surveys":['
    for i in $(seq 1 1000); do
        owner=bench; org='"org"'
        if [ "$i" -gt 50 ]; then owner=other; org=null; fi
        [ "$i" -gt 1 ] && printf ','
        printf '{"ref":"s%d","name":"Survey %d","slug":"survey-%d","owner":"%s","organisation":%s,"status":"published"}' "$i" "$i" "$i" "$owner" "$org"
    done
    printf '],"keys":[{"ref":"k","user":"bench","name":"bench","organisation":"org","capabilities":["view"]}]}'
} >"$fixture"
key_small="$(DATABASE_URL="$small" "$bin" import "$fixture" | sed -E 's/.*"k":"(ct_live_[A-Za-z0-9]+)".*/\1/')"
key_large="$(DATABASE_URL="$large" "$bin" import "$fixture" | sed -E 's/.*"k":"(ct_live_[A-Za-z0-9]+)".*/\1/')"
psql "$large" -q -c "ANALYZE"

free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}
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
for _ in 1 2 3 4 5; do
    for which in small large; do
        port="$port_small"; key="$key_small"
        [ "$which" = large ] && { port="$port_large"; key="$key_large"; }
        printf '%s ' "$which"
        wrk -t2 -c32 -d"${seconds}s" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" | awk '/Requests\/sec/ { print $2 }'
    done
done | awk '
    { runs[$1] = runs[$1] " " $2 }
    function median(list,   values, n, i, j, t) {
        n = split(list, values, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] + 0 < values[i] + 0) { t = values[i]; values[i] = values[j]; values[j] = t }
        return values[int((n + 1) / 2)]
    }
    END {
        small = median(runs["small"]); large = median(runs["large"])
        printf "GET /api/surveys/ at scale        %10.2f req/s   (median of 5; small world %.2f: %+.1f%%; goal within 10%%)\n", large, small, (large / small - 1) * 100
    }'
