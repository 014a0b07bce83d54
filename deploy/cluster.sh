#!/usr/bin/env bash
# Two Latchkey instances on loopback behind nginx (round robin, health-aware), on one PostgreSQL
# (the private cluster unless DATABASE_URL is set): what a deployment of several instances looks
# like, on one machine. Ctrl-C stops everything.
#   deploy/cluster.sh [balancer port, default 8090]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

front="${1:-8090}"
deploy/setup.sh nginx curl
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
use_database
swift build -c release --product latchkey >&2
bin=.build/release/latchkey
# One secret for both instances: console sessions and search page tokens work on either.
secret_file=.build/latchkey-secret-key
[ -s "$secret_file" ] || (umask 077 && head -c 32 /dev/urandom | base64 -w0 > "$secret_file")
export LATCHKEY_SECRET_KEY="$(cat "$secret_file")"
"$bin" migrate >&2
if [ "$(psql "$DATABASE_URL" -tAc 'SELECT count(*) FROM users')" = "0" ]; then
    "$bin" import deploy/demo.json >/dev/null
fi
key="$("$bin" keys issue --user erin --org globex --name "cluster $(date -u +%Y-%m-%dT%H:%M:%SZ)" 2>/dev/null)"

a="$(free_port $((front + 1)))"
b="$(free_port $((a + 1)))"
metrics_a="$(free_port $((b + 1)))"
metrics_b="$(free_port $((metrics_a + 1)))"
work="$(mktemp -d)"
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Each instance trusts nginx's X-Forwarded-For (client addresses for throttling and allowlists).
for pair in "$a:$metrics_a" "$b:$metrics_b"; do
    LATCHKEY_TRUSTED_PROXIES=127.0.0.1 LATCHKEY_METRICS_PORT="${pair#*:}" LATCHKEY_DRAIN_SECONDS=2 \
        LATCHKEY_PUBLIC_URL="http://127.0.0.1:$front" "$bin" serve --port "${pair%%:*}" 2>>"$work/latchkey.log" &
    pids+=($!)
done
for port in "$a" "$b"; do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.1; done
done

mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    upstream latchkey {
        server 127.0.0.1:$a max_fails=1 fail_timeout=2s;
        server 127.0.0.1:$b max_fails=1 fail_timeout=2s;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$front;
        location / {
            proxy_pass http://latchkey;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_next_upstream error timeout http_503;
        }
    }
}
NGINX
"$nginx_bin" -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$front/api/health" >/dev/null && break; sleep 0.1; done

cat >&2 <<MSG

Two Latchkey instances (127.0.0.1:$a and :$b) behind nginx on http://127.0.0.1:$front,
one PostgreSQL ($(printf '%s' "${DATABASE_URL%%\?*}" | sed -E 's#//[^@]*@#//#')). Try:
  curl -s -H "Authorization: Bearer $key" http://127.0.0.1:$front/api/surveys/
  curl -s http://127.0.0.1:$front/api/ready
  curl -s http://127.0.0.1:$metrics_a/metrics | grep hb_requests     # the first instance's metrics
  curl -s http://127.0.0.1:$metrics_b/metrics | grep hb_requests     # the second's
Revoke the key through the balancer (DELETE /api/keys/current/): both instances refuse it at once.
Stop one instance (kill -TERM <pid>): it drains (/api/ready 503) and nginx sends everything to the other.
Instance pids: ${pids[0]} ${pids[1]}; logs: $work/latchkey.log. Ctrl-C stops the cluster.

MSG
wait "${pids[@]}"
