#!/usr/bin/env bash
# The gateway check behind a real nginx (SPEC §16, issue #30): Debian's nginx runs the shipped
# deploy/gateway/nginx.conf (ports moved) in front of a tiny upstream that logs what reaches it,
# with Latchkey as its auth_request. Checked: a valid key passes and its identity reaches the
# upstream (a client's forged identity headers do not); no key or a bad key is 401 and the
# upstream sees nothing; a method the key may not use is 403; a key over its own rate is 429
# (with Retry-After and RateLimit); a public route passes without a key; a key revoked through the command line is refused within a second. `nginx -t` validates
# the shipped file as it is. Then Debian's Caddy runs the shipped deploy/gateway/Caddyfile
# (forward_auth) in front of the same upstream: allow with the identity, 401, 403, public.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

deploy/setup.sh curl nginx caddy
nginx="$(command -v nginx || echo /usr/sbin/nginx)"
latchkey=.build/debug/latchkey
[ -x "$latchkey" ] || swift build --product latchkey >&2
use_scratch_database latchkey_gateway_test
work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-gateway-XXXXXX")"
pids=()
cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    [ -n "${caddy_pid:-}" ] && kill "$caddy_pid" 2>/dev/null || true
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$nginx" -t -q -c "$PWD/deploy/gateway/nginx.conf"

"$latchkey" migrate >/dev/null
"$latchkey" users create --username olive --email olive@example.com --tier organisation >/dev/null
"$latchkey" orgs create --slug acme --name Acme --owner olive >/dev/null
viewer="$("$latchkey" keys issue --user olive --name viewer --org acme 2>/dev/null)"
doomed="$("$latchkey" keys issue --user olive --name doomed --org acme 2>/dev/null)"
limited="$("$latchkey" keys issue --user olive --name limited --org acme --rate-limit 2/min 2>/dev/null)"
doomed_id="$(psql "$DATABASE_URL" -tAc "SELECT id FROM api_keys WHERE name = 'doomed'")"
printf '[{"path":"/public/*","permission":"public"}]\n' >"$work/routes.json"

check="$(free_port 18560)"; upstream="$(free_port $((check + 1)))"; front="$(free_port $((upstream + 1)))"
LATCHKEY_GATEWAY_ROUTES="$work/routes.json" LATCHKEY_TRUSTED_PROXIES=127.0.0.1 \
    LATCHKEY_LOG_LEVEL=error LATCHKEY_DRAIN_SECONDS=0 "$latchkey" serve --port "$check" 2>>"$work/latchkey.log" &
pids+=($!)
python3 deploy/gateway/echo_upstream.py "$upstream" "$work/upstream.log" &
pids+=($!)
touch "$work/upstream.log"
sed -e "s#127.0.0.1:8080#127.0.0.1:$check#" -e "s#127.0.0.1:9000#127.0.0.1:$upstream#" -e "s#127.0.0.1:8000#127.0.0.1:$front#" \
    -e "s#/tmp/latchkey-gateway-nginx.pid#$work/nginx.pid#" -e "s#error_log stderr warn;#error_log $work/nginx-error.log warn;#" \
    deploy/gateway/nginx.conf >"$work/nginx.conf"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$check/api/ready" >/dev/null && break; sleep 0.1; done
"$nginx" -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log"
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$front") 2>/dev/null && break; sleep 0.1; done

python3 - "$front" "$work/upstream.log" "$viewer" "$doomed" "$doomed_id" "$latchkey" "$limited" <<'PY'
import subprocess, sys, time
sys.path.insert(0, "deploy/gateway")
from proxy_checks import Proxy
front, log, viewer, doomed, doomed_id, latchkey, limited = sys.argv[1:]
nginx = Proxy("nginx", front, log)
request, expect = nginx.request, nginx.expect

identity = nginx.passes_with_identity(viewer)
expect(identity.get("x-latchkey-permissions") == "view", f"permissions: {identity}")
status, _, _ = request("GET", "/orders/7", {"X-API-Key": viewer})
expect(status == 200, f"X-API-Key: {status}")
nginx.refuses_unseen(viewer, more=[
    ("GET", "/orders/7", {"Authorization": "Bearer ct_live_" + "x" * 49}, 401, "a bad key"),
    ("GET", "/public/../orders/7", {}, 401, "a dot segment out of the public area"),
])
expect("x-latchkey-user" not in nginx.public(), "public: a forged identity reached the upstream")

statuses = [request("GET", "/orders/7", {"Authorization": "Bearer " + limited}) for _ in range(3)]
expect([s for s, _, _ in statuses] == [200, 200, 429], f"a key of 2/min: {[s for s, _, _ in statuses]}")
expect("retry-after" in statuses[2][1] and statuses[2][1].get("ratelimit", "").startswith('"key";r=0'), f"429 headers: {statuses[2][1]}")

status, _, _ = request("GET", "/orders/7", {"Authorization": "Bearer " + doomed})
expect(status == 200, f"the doomed key before revocation: {status}")
subprocess.run([latchkey, "keys", "revoke", doomed_id], check=True, stdout=subprocess.DEVNULL)
revoked = time.monotonic()
while True:
    status, _, _ = request("GET", "/orders/7", {"Authorization": "Bearer " + doomed})
    elapsed = time.monotonic() - revoked
    if status == 401:
        break
    expect(elapsed < 1.0, f"a revoked key still passed after {elapsed:.2f} s")
    time.sleep(0.01)
print(f"gateway: nginx in front of an upstream: allow, 401 (none, bad), 403 (method), 429 (a key's rate), public, identity headers; "
      f"a revoked key refused after {elapsed * 1000:.0f} ms")
PY

# Caddy's forward_auth, with the shipped Caddyfile (ports moved, its admin endpoint off).
caddy="$(command -v caddy || echo /usr/bin/caddy)"
caddy_front="$(free_port $((front + 1)))"
{ printf '{\n\tadmin off\n}\n'
  sed -e "s#127.0.0.1:8080#127.0.0.1:$check#" -e "s#127.0.0.1:9000#127.0.0.1:$upstream#" -e "s#^:8000 {#:$caddy_front {#" deploy/gateway/Caddyfile
} >"$work/Caddyfile"
"$caddy" validate --config "$work/Caddyfile" --adapter caddyfile >/dev/null 2>"$work/caddy-validate.log" \
    || { cat "$work/caddy-validate.log" >&2; exit 1; }
HOME="$work" XDG_DATA_HOME="$work" XDG_CONFIG_HOME="$work" \
    "$caddy" run --config "$work/Caddyfile" --adapter caddyfile >"$work/caddy.log" 2>&1 &
caddy_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$caddy_front") 2>/dev/null && break; sleep 0.1; done
python3 - "$caddy_front" "$work/upstream.log" "$viewer" <<'PY' || { tail -20 "$work/caddy.log" >&2; exit 1; }
import json, sys
sys.path.insert(0, "deploy/gateway")
from proxy_checks import Proxy
front, log, viewer = sys.argv[1:]
caddy = Proxy("Caddy", front, log)
caddy.passes_with_identity(viewer)
_, _, body = caddy.refuses_unseen(viewer)
caddy.expect(json.loads(body).get("detail"), f"the 401 body: {body[:200]}")
caddy.expect(caddy.public().get("x-latchkey-user") in (None, ""), "public: a forged identity reached the upstream")
print("gateway: Caddy (forward_auth) in front of the upstream: allow with identity, 401, 403 (method), public")
PY
