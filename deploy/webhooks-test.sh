#!/usr/bin/env bash
# Webhooks verify with the Standard Webhooks reference library (SPEC §14): a Latchkey instance
# (LATCHKEY_WEBHOOK_TARGETS=any) and a receiver in Python; an admin makes an endpoint through the
# API, then a key is issued in the organisation from the command line (another writer: the outbox
# row is written in its transaction) and revoked from it too. Each delivery must verify with
# PyPI's `standardwebhooks` (`Webhook(secret).verify(body, headers)`), a changed body must not,
# and the first answer (a 500) must be retried with the same `webhook-id`.
#
# Then nothing is lost when no instance runs: the server is killed with SIGKILL, a key expiring
# within a day is issued from the command line while none runs (its `key.issued` is only in the
# outbox, and its `key.expiring` not even written yet), and a new server delivers both — the
# second noticed by its scan within LATCHKEY_KEY_NOTICE_SECONDS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

deploy/setup.sh curl
latchkey=.build/debug/latchkey
[ -x "$latchkey" ] || swift build --product latchkey >&2
venv="$(python_venv webhooks-venv standardwebhooks standardwebhooks)"
use_scratch_database latchkey_webhooks_test
work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-webhooks-XXXXXX")"
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$latchkey" migrate >/dev/null
"$latchkey" users create --username olive --email olive@example.com --tier organisation >/dev/null
"$latchkey" users create --username ada --email ada@example.com --tier pro >/dev/null
"$latchkey" orgs create --slug acme --name Acme --owner olive >/dev/null
"$latchkey" members add --user ada --org acme --role viewer >/dev/null
admin="$("$latchkey" keys issue --user olive --name webhooks --org acme --capabilities view,superuser 2>/dev/null)"

port="$(free_port 18580)"; hooks="$(free_port $((port + 1)))"
LATCHKEY_SECRET_KEY="$(openssl rand -base64 32)"
export LATCHKEY_SECRET_KEY LATCHKEY_WEBHOOK_TARGETS=any LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=error \
    LATCHKEY_DRAIN_SECONDS=0 LATCHKEY_KEY_NOTICE_SECONDS=1
"$latchkey" serve --port "$port" 2>>"$work/latchkey.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.1; done

"$venv/bin/python" - "$port" "$hooks" "$admin" "$latchkey" "${pids[0]}" "$work/latchkey.log" <<'PY'
import http.client, http.server, json, os, signal, subprocess, sys, threading, time, urllib.request
import standardwebhooks
port, hooks, admin, latchkey = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
server_pid, server_log = int(sys.argv[5]), sys.argv[6]
received, answers = [], [500]
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received.append(({name.lower(): value for name, value in self.headers.items()}, body))
        status = answers.pop(0) if answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", hooks), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()

def api(method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=json.dumps(body) if body is not None else None,
                       headers={"Authorization": "Bearer " + admin, "Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)

status, endpoint = api("POST", "/api/organisations/acme/webhooks/",
                       {"url": f"http://127.0.0.1:{hooks}/hook", "events": ["key.issued", "key.revoked", "key.expiring"]})
assert status == 201, (status, endpoint)
secret = endpoint["secret"]
status, listed = api("GET", "/api/organisations/acme/webhooks/")
assert status == 200 and "secret" not in listed["results"][0], listed

issued = subprocess.run([latchkey, "keys", "issue", "--user", "ada", "--name", "from-cli", "--org", "acme"],
                        check=True, capture_output=True, text=True).stdout.strip()
def wait_for(count, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(received) < count:
        time.sleep(0.1)
    if len(received) < count:
        sys.exit(f"webhooks PROBLEM: {len(received)} deliveries, expected {count}")
# The first answer is a 500: the event comes again after about 5 s, with the same webhook-id.
wait_for(2, seconds=30)
(first_headers, first_body), (headers, body) = received[0], received[1]
assert first_headers["webhook-id"] == headers["webhook-id"], (first_headers, headers)
webhook = standardwebhooks.Webhook(secret)
payload = webhook.verify(body, headers)
assert payload["type"] == "key.issued" and payload["data"]["name"] == "from-cli", payload
assert issued not in body.decode(), "the raw key was sent"
try:
    webhook.verify(body.replace(b"from-cli", b"from-elsewhere"), headers)
    sys.exit("webhooks PROBLEM: a changed body verified")
except standardwebhooks.webhooks.WebhookVerificationError:
    pass

key_id = payload["data"]["id"]
revoked = subprocess.run([latchkey, "keys", "revoke", key_id], capture_output=True, text=True)
if revoked.returncode != 0:
    sys.exit(f"webhooks PROBLEM: could not revoke: {revoked.stderr}")
wait_for(3)
headers, body = received[2]
payload = webhook.verify(body, headers)
assert payload["type"] == "key.revoked" and payload["data"]["id"] == key_id, payload
# The sender records an attempt after its answer arrives: the list may lag the receiver briefly.
for _ in range(50):
    status, deliveries = api("GET", f"/api/organisations/acme/webhooks/{endpoint['id']}/deliveries/")
    if status != 200 or len(deliveries["results"]) >= 3:
        break
    time.sleep(0.1)
assert status == 200 and [d["status"] for d in deliveries["results"]] == [200, 200, 500], deliveries

# SIGKILL: no instance runs while a key expiring within a day is issued from the command line.
os.kill(server_pid, signal.SIGKILL)
try:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=1)
    sys.exit("webhooks PROBLEM: the server still answers after SIGKILL")
except OSError:
    pass
subprocess.run([latchkey, "keys", "issue", "--user", "ada", "--name", "while-down", "--org", "acme", "--expires-days", "1"],
               check=True, capture_output=True, text=True)
time.sleep(2)
assert len(received) == 3, "a delivery arrived while no instance ran"
started = time.monotonic()
with open(server_log, "a") as log:
    restarted = subprocess.Popen([latchkey, "serve", "--port", str(port)], stderr=log)
try:
    wait_for(5, seconds=60)
    elapsed = time.monotonic() - started
    later = {}
    for headers, body in received[3:5]:
        payload = webhook.verify(body, headers)
        later[payload["type"]] = payload
    assert set(later) == {"key.issued", "key.expiring"}, list(later)
    assert all(payload["data"]["name"] == "while-down" for payload in later.values()), later
    assert later["key.expiring"]["data"]["expires_at"], later["key.expiring"]
    time.sleep(3)
    assert len(received) == 5, f"{len(received)} deliveries: a notice was given twice"
finally:
    restarted.send_signal(signal.SIGTERM)
    restarted.wait(timeout=20)
print(f"webhooks: {len(received)} deliveries verified with standardwebhooks {getattr(standardwebhooks, '__version__', '')}; "
      "the 500 retried with the same webhook-id; a changed body refused; after SIGKILL, the event written while no instance ran "
      f"and the key's expiry notice delivered {elapsed:.1f} s after a new server started", file=sys.stderr)
server.shutdown()
PY
