#!/usr/bin/env bash
# The console in a real headless Chromium (SPEC §10): signs in, enrols MFA, generates a key with
# an expiry, reads it once, uses it, revokes it, generates a fine-grained key limited to one of
# ada's surveys and checks its reach, uses keys and reads their usage (a key's page, the
# organisation's usage page, Revoke of a stale key), changes the password, then uses passkeys with
# Chromium's virtual authenticator (add, passwordless sign-in, second factor, remove) and decodes the
# TOTP enrolment's QR code with zxing-cpp; screenshots of every
# page at 1280×800 and 390×844 (the usage pages whole) go to .build/screenshots/. Installs Chromium, chromedriver and
# Selenium (in a virtual environment under .build/) when missing. Run by deploy/test.sh.
#   deploy/browser-test.sh [latchkey binary]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
bin="${1:-.build/debug/latchkey}"

deploy/setup.sh chromium chromedriver=chromium-driver python3 curl
venv="$(python_venv browser-venv selenium selenium)"
[ -x "$bin" ] || swift build --product latchkey >&2

scratch="latchkey_browser_$$"
use_scratch_database "$scratch"
export LATCHKEY_SECRET_KEY="$(head -c 32 /dev/urandom | base64 -w0)"
"$bin" migrate >/dev/null
fixture="$(mktemp)"
cat > "$fixture" <<'JSON'
{"users": [{"ref": "ada", "username": "ada", "email": "ada@example.com", "password": "browser-test-password", "tier": "pro"},
           {"ref": "erin", "username": "erin", "email": "erin@example.com", "tier": "enterprise"},
           {"ref": "mia", "username": "mia", "email": "mia@example.com", "password": "browser-test-password", "tier": "organisation"}],
 "organisations": [{"ref": "example", "slug": "example", "name": "Example", "members": [{"user": "erin", "role": "viewer"}, {"user": "ada", "role": "admin"}]},
                   {"ref": "guarded", "slug": "guarded", "name": "Guarded", "members": [{"user": "mia", "role": "viewer"}, {"user": "ada", "role": "admin"}]}],
 "surveys": [{"ref": "ada-one", "name": "Ada's first", "slug": "ada-one", "owner": "ada"},
             {"ref": "ada-two", "name": "Ada's second", "slug": "ada-two", "owner": "ada"}]}
JSON
"$bin" import "$fixture" >/dev/null
rm -f "$fixture"
"$bin" orgs policy guarded --require-approval true >/dev/null
# A second key, issued elsewhere: the password change must revoke it too.
other_key="$("$bin" keys issue --user ada --name "issued by the operator" 2>/dev/null)"
# Keys of the organisation for its usage page (SPEC §13): one used by the test, one used before
# it, and one nobody has used for over a month (stale). The 29 days before today get made-up
# uses, so the charts have days to lay out; today's come from the test's own requests.
org_key="$("$bin" keys issue --user erin --org example --name "Survey sync" 2>/dev/null)"
"$bin" keys issue --user erin --org example --name "Reporting dashboard" >/dev/null 2>&1
"$bin" keys issue --user erin --org example --name "Nightly export" >/dev/null 2>&1
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET client_min_messages = warning;
SELECT key_usage_maintain(now() - interval '31 days', 2, NULL);
INSERT INTO key_usage (key_id, hour, outcome, count)
SELECT k.id, date_trunc('hour', now()) - make_interval(days => d, hours => 3), o.outcome, o.base + (d * 7 + length(k.name)) % 13
FROM api_keys k, generate_series(1, 29) d, (VALUES ('valid', 12), ('denied', 2), ('rate_limited', 1), ('expired', 1)) o(outcome, base)
WHERE k.name IN ('issued by the operator', 'Survey sync', 'Reporting dashboard') AND d % 6 <> 0
  AND (o.outcome = 'valid' OR (d + length(k.name)) % (3 + length(o.outcome) % 4) = 0);
UPDATE api_keys SET created_at = now() - interval '45 days', last_used_at = now() - interval '33 days' WHERE name = 'Nightly export';
UPDATE api_keys SET last_used_at = now() - interval '1 day' WHERE name = 'Reporting dashboard';
SQL

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
"$bin" serve --port "$port" --throttle off >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    psql "${DATABASE_URL%/*}/postgres" -q -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    sleep 0.1
done

mkdir -p .build/screenshots
status=0
SE_OFFLINE=true "$venv/bin/python" deploy/browser_test.py "http://127.0.0.1:$port" "$other_key" .build/screenshots "$org_key" || status=$?
# The TOTP enrolment's QR code (inline SVG) decodes, with zxing-cpp, to the otpauth:// URI shown.
qr_venv="$(python_venv qr-venv zxingcpp zxing-cpp pillow)"
if ! "$qr_venv/bin/python" - .build/screenshots/mfa-qr.png .build/screenshots/mfa-qr.txt <<'PY'
import sys, zxingcpp
from PIL import Image
found = [r.text for r in zxingcpp.read_barcodes(Image.open(sys.argv[1]))]
expected = open(sys.argv[2], encoding="utf-8").read().strip()
if found != [expected] or not expected.startswith("otpauth://totp/"):
    sys.exit(f"the QR code reads {found!r}, not {expected!r}")
print("qr code: decodes to the otpauth:// URI shown", file=sys.stderr)
PY
then
    echo "browser test: the enrolment's QR code does not decode to its URI" >&2
    status=1
fi
# The README's worked SSO example against the same server: an ID token minted with openssl
# becomes a key of the organisation, which then works.
exchanged="$(LATCHKEY_BIN="$bin" deploy/sso-example.sh "http://127.0.0.1:$port" example erin@example.com 2>/dev/null || true)"
sso_key="$(printf '%s' "$exchanged" | sed -nE 's/.*"access_token":"(ct_live_[0-9A-Za-z]+)".*/\1/p')"
if [ -z "$sso_key" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $sso_key" "http://127.0.0.1:$port/api/surveys/")" != 200 ]; then
    echo "browser test: the SSO example did not give a working key: $exchanged" >&2
    status=1
else
    echo "sso example: exchanged an ID token for a working key" >&2
fi
# No raw key, password or code in the server's log, and nothing of a passkey ceremony (challenges,
# client data, authenticator data, signatures travel only in form fields and JSON bodies).
if grep -Eq "ct_live_[0-9A-Za-z]{49}" "$log" || grep -q "browser-test-password" "$log" || grep -Eqi "challenge|client_data|clientDataJSON|authenticator_data|attestation" "$log"; then
    echo "browser test: a secret reached the server's log" >&2
    status=1
fi
rm -f "$log"
exit $status
