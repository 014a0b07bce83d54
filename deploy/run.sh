#!/usr/bin/env bash
# Sets up and runs Latchkey on this machine: installs what is missing, starts a private
# PostgreSQL cluster unless DATABASE_URL is set, builds, migrates, loads the demo data once,
# issues a fresh demo key, prints a working curl line and serves.
# Extra arguments go to `latchkey serve` (e.g. --port 9090).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

deploy/setup.sh
use_database
swift build -c release --product latchkey >&2
bin=.build/release/latchkey
# The console's secret (SPEC §10): made once for this checkout, kept out of git under .build/.
if [ -z "${LATCHKEY_SECRET_KEY:-}" ]; then
    secret_file=.build/latchkey-secret-key
    [ -s "$secret_file" ] || (umask 077 && head -c 32 /dev/urandom | base64 -w0 > "$secret_file")
    LATCHKEY_SECRET_KEY="$(cat "$secret_file")"
    export LATCHKEY_SECRET_KEY
fi
"$bin" migrate >&2

if [ "$(psql "$DATABASE_URL" -tAc 'SELECT count(*) FROM users')" = "0" ]; then
    echo "run: loading the demo data (deploy/demo.json; passwords are demo-password-<username>)" >&2
    "$bin" import deploy/demo.json >/dev/null
fi
# A new key on each run: the raw key is shown only here, once.
key="$("$bin" keys issue --user erin --org globex --name "demo $(date -u +%Y-%m-%dT%H:%M:%SZ)" 2>/dev/null)"

port="${LATCHKEY_PORT:-8080}"
previous=""
for arg in "$@"; do
    if [ "$previous" = "--port" ]; then port="$arg"; fi
    case "$arg" in --port=*) port="${arg#--port=}" ;; esac
    previous="$arg"
done
cat >&2 <<MSG

Latchkey is starting on http://127.0.0.1:$port (Ctrl-C stops it). Try:
  curl -s http://127.0.0.1:$port/api/health
  curl -s -H "Authorization: Bearer $key" http://127.0.0.1:$port/api/surveys/

Web console: http://127.0.0.1:$port/account/login
  sign in as erin / demo-password-erin, then set up MFA with any authenticator app

MSG
# Ctrl-C stops at once: a development server has no balancer to drain from.
LATCHKEY_DRAIN_SECONDS="${LATCHKEY_DRAIN_SECONDS:-0}" exec "$bin" serve "$@"
