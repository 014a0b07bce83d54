#!/usr/bin/env bash
# Sets up and runs Latchkey on this machine: installs what is missing, starts a private
# PostgreSQL cluster unless DATABASE_URL is set, builds, migrates and serves.
# Extra arguments go to `latchkey serve` (e.g. --port 9090).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

deploy/setup.sh
if [ -z "${DATABASE_URL:-}" ]; then
    DATABASE_URL="$(deploy/local-postgres.sh start)"
    export DATABASE_URL
fi
swift build -c release --product latchkey >&2
bin=.build/release/latchkey
"$bin" migrate
port="${LATCHKEY_PORT:-8080}"
echo "Latchkey is starting on http://127.0.0.1:$port — try: curl -s http://127.0.0.1:$port/api/health" >&2
exec "$bin" serve "$@"
