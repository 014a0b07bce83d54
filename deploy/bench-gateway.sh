#!/usr/bin/env bash
# Gateway benchmark (SPEC §16, issue #30), in one run on one machine: one nginx (one worker) in
# front of a static upstream (an nginx `return 200`), three ways —
#   direct:    nginx → upstream;
#   floor:     the same with an auth_request proxied to a static 200 (what any auth subrequest
#              costs nginx, whoever answers it), two ways: over kept-alive connections, and with
#              a new connection per subrequest (nginx's plain `proxy_pass` to an address, the
#              setup that measures the issue's "about 0.29× the direct path");
#   latchkey:  the same with the auth_request answered by a release Latchkey's gateway check
#              (deploy/gateway/nginx.conf's locations), with a valid key;
# then the check alone against the Bearer-key list of the resource API, straight at Latchkey.
# Each comparison is five interleaved pairs of runs, medians compared (wrk_pairs).
#   deploy/bench.sh gateway [seconds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
seconds="${1:-10}"
deploy/setup.sh nginx
nginx="$(command -v nginx || echo /usr/sbin/nginx)"

bench_world latchkey_bench_gateway
port="$(free_port 18180)"
work="$(mktemp -d)"
LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=warning LATCHKEY_TRUSTED_PROXIES=127.0.0.1 \
    "$bin" serve --port "$port" &
server=$!
trap '[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done

upstream="$(free_port 18190)"; static="$(free_port $((upstream + 1)))"; direct="$(free_port $((static + 1)))"
floor="$(free_port $((direct + 1)))"; gate="$(free_port $((floor + 1)))"; plain="$(free_port $((gate + 1)))"
# The Latchkey locations are the shipped file's, with its upstreams (kept-alive connections).
shipped="$(sed -n '/^        location \/ {/,/^    }$/p' deploy/gateway/nginx.conf | sed '$d')"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
    access_log off;
    upstream api { server 127.0.0.1:$upstream; keepalive 64; }
    upstream latchkey { server 127.0.0.1:$port; keepalive 64; }
    upstream allow { server 127.0.0.1:$static; keepalive 64; }
    server { listen 127.0.0.1:$upstream; location / { return 200 "ok\n"; } }
    server { listen 127.0.0.1:$static; location / { return 200; } }
    server {
        listen 127.0.0.1:$direct;
        location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://api; }
    }
    server {
        listen 127.0.0.1:$floor;
        location / { auth_request /_auth; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://api; }
        location = /_auth {
            internal; proxy_pass http://allow/; proxy_pass_request_body off; proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri; proxy_http_version 1.1; proxy_set_header Connection "";
        }
    }
    server {
        listen 127.0.0.1:$plain;
        location / { auth_request /_auth; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://api; }
        location = /_auth {
            internal; proxy_pass http://127.0.0.1:$static/; proxy_pass_request_body off; proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI \$request_uri;
        }
    }
    server {
        listen 127.0.0.1:$gate;
$shipped
    }
}
CONF
"$nginx" -t -q -c "$work/nginx.conf" -p "$work"
"$nginx" -c "$work/nginx.conf" -p "$work" -e stderr
sleep 0.5
auth=(-H "Authorization: Bearer $key")
for target in "$direct" "$floor" "$gate" "$plain"; do
    status="$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "http://127.0.0.1:$target/orders/1")"
    [ "$status" = 200 ] || { echo "bench gateway: port $target answered $status" >&2; exit 1; }
done
half=$(( (seconds + 1) / 2 ))
echo "gateway benchmark: $(nproc) cores, nginx with one worker, wrk -t2 -c32, ${half} s runs, five pairs each (a shared machine: compare within a run)"
wrk_pairs "nginx + auth_request (static)" "nginx direct" "$half" \
    -- "${auth[@]}" "http://127.0.0.1:$direct/orders/1" -- "${auth[@]}" "http://127.0.0.1:$floor/orders/1"
wrk_pairs "nginx + auth_request (static, new connection each)" "nginx direct" "$half" \
    -- "${auth[@]}" "http://127.0.0.1:$direct/orders/1" -- "${auth[@]}" "http://127.0.0.1:$plain/orders/1"
wrk_pairs "nginx + Latchkey check" "static, new connection each" "$half" \
    -- "${auth[@]}" "http://127.0.0.1:$plain/orders/1" -- "${auth[@]}" "http://127.0.0.1:$gate/orders/1"
wrk_pairs "nginx + Latchkey check" "the static floor" "$half" \
    -- "${auth[@]}" "http://127.0.0.1:$floor/orders/1" -- "${auth[@]}" "http://127.0.0.1:$gate/orders/1"
wrk_pairs "GET /v1/gateway/check alone" "the Bearer list" "$half" \
    -- "${auth[@]}" "http://127.0.0.1:$port/api/surveys/" \
    -- "${auth[@]}" -H "X-Original-Method: GET" -H "X-Original-URI: /orders/1" "http://127.0.0.1:$port/v1/gateway/check"
