#!/usr/bin/env bash
# A private PostgreSQL cluster for development, tests and benchmarks.
#
#   deploy/local-postgres.sh [start]   start (or reuse) the cluster and print its DATABASE_URL
#   deploy/local-postgres.sh stop      stop it
#   deploy/local-postgres.sh url       print the DATABASE_URL of the running cluster
#
# The data lives in $LATCHKEY_PG_DIR (default: a folder under /tmp named after this checkout), listens
# on 127.0.0.1 only, on a free port from 25430 up (below the kernel's ephemeral range, 32768 and up, where an outgoing connection can hold a port), with trust authentication for the `latchkey`
# role. PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user
# (or a `latchkey` system user created for it). Durability is off (fsync=off): it is a scratch cluster.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
key="$(printf '%s' "$here" | md5sum | cut -c1-8)"
dir="${LATCHKEY_PG_DIR:-${TMPDIR:-/tmp}/latchkey-pg-$key}"
command="${1:-start}"

bin="$(dirname "$(command -v pg_ctl 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")"
if [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/initdb" ]; then
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

owner="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then
        owner=postgres
    else
        id latchkey >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin latchkey
        owner=latchkey
    fi
fi

url() { echo "postgresql://latchkey@127.0.0.1:$(cat "$dir/latchkey.port")/latchkey"; }

running() { [ -f "$dir/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; }

# A port no server listens on and no other private cluster has claimed (a stopped one keeps its
# port for its restart). Called under the ports lock, held until the server listens.
free_port() {
    local port=25430
    local claimed
    claimed=" $(cat "${TMPDIR:-/tmp}"/latchkey-pg-*/latchkey.port 2>/dev/null | tr '\n' ' ') "
    while [[ "$claimed" == *" $port "* ]] || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

case "$command" in
stop)
    if running; then as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2; fi
    exit 0
    ;;
url)
    running || { echo "local-postgres: not running" >&2; exit 1; }
    url
    exit 0
    ;;
start) ;;
*)
    echo "usage: $0 [start|stop|url]" >&2
    exit 2
    ;;
esac

mkdir -p "$dir"
chown "$owner" "$dir" 2>/dev/null || true
chmod 700 "$dir"
exec 9>"$dir.lock"
flock 9

if [ ! -f "$dir/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir" -U latchkey --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
        || as_owner "$bin/initdb" -D "$dir" -U latchkey --auth=trust -E UTF8 --no-locale >"$dir.initdb.log" 2>&1 \
        || { cat "$dir.initdb.log" >&2; exit 1; }
fi

if ! running; then
    # Several clusters may start at once (tests that stop or freeze a server of their own):
    # choosing a port and binding it happen under one lock for all of them.
    exec 8>"${TMPDIR:-/tmp}/latchkey-pg-ports.lock"
    flock 8
    port="${LATCHKEY_PG_PORT:-$(cat "$dir/latchkey.port" 2>/dev/null || free_port)}"
    echo "$port" | as_owner tee "$dir/latchkey.port" >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start 8>&- 9>&- -o \
        "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=1000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB" >&2 \
        || { tail -n 30 "$dir/server.log" >&2; exit 1; }
    exec 8>&-
fi

port="$(cat "$dir/latchkey.port")"
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U latchkey -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'latchkey'" | grep -q 1; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U latchkey latchkey
fi
url
