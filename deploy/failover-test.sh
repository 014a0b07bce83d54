#!/usr/bin/env bash
# PostgreSQL failover under load (issue #20): a primary and a streaming-replication standby
# (pg_basebackup, synchronous replication), two Latchkey instances whose DATABASE_URL names both
# hosts with target_session_attrs=read-write, clients on both. The primary is stopped, the
# standby promoted. Checked: only 200s and 503s during the switch (no other 5xx); service back
# within 5 s of the promotion; a key issued before the stop still works (nothing lost); a
# revocation on one instance after the failover reaches the other (its listener re-attached).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

deploy/setup.sh curl
bin_pg="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin_pg/pg_basebackup" ] || bin_pg="$(dirname "$(command -v pg_ctl)")"
latchkey=.build/debug/latchkey
[ -x "$latchkey" ] || swift build --product latchkey >&2

owner="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else
        id latchkey >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin latchkey
        owner=latchkey
    fi
fi
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }

work="$(mktemp -d "${TMPDIR:-/tmp}/latchkey-failover-XXXXXX")"
chown "$owner" "$work"; chmod 700 "$work"
primary="$work/primary" standby="$work/standby"
p1="$(free_port 25400)"; p2="$(free_port $((p1 + 1)))"
pids=()
cleanup() {
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    for dir in "$primary" "$standby"; do [ -f "$dir/postmaster.pid" ] && as_owner "$bin_pg/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1; done
    rm -rf "$work"
}
trap cleanup EXIT

as_owner "$bin_pg/initdb" -D "$primary" -U latchkey --auth=trust -E UTF8 --no-locale >/dev/null
options="-c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=4 -c fsync=off -c full_page_writes=off -c synchronous_commit=on -c wal_sender_timeout=5s"
as_owner "$bin_pg/pg_ctl" -D "$primary" -l "$work/primary.log" -w start -o "-p $p1 -k $work $options" >/dev/null
"$bin_pg/createdb" -h 127.0.0.1 -p "$p1" -U latchkey latchkey
as_owner "$bin_pg/pg_basebackup" -h 127.0.0.1 -p "$p1" -U latchkey -D "$standby" -R -X stream >/dev/null
as_owner "$bin_pg/pg_ctl" -D "$standby" -l "$work/standby.log" -w start -o "-p $p2 -k $work $options" >/dev/null
# Synchronous from now on: a commit returns once the standby has it.
"$bin_pg/psql" -q -h 127.0.0.1 -p "$p1" -U latchkey -d latchkey -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 100); do
    [ "$("$bin_pg/psql" -h 127.0.0.1 -p "$p1" -U latchkey -d latchkey -tAc "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'")" = 1 ] && break
    sleep 0.1
done
echo "failover: primary :$p1, synchronous standby :$p2" >&2

export DATABASE_URL="postgresql://latchkey@127.0.0.1:$p1,127.0.0.1:$p2/latchkey?target_session_attrs=read-write&connect_timeout=2"
"$latchkey" migrate >/dev/null
"$latchkey" users create --username alice --email alice@example.com --tier pro >/dev/null
used="$("$latchkey" keys issue --user alice --name used 2>/dev/null)"
revoked="$("$latchkey" keys issue --user alice --name revoked-later 2>/dev/null)"

a="$(free_port 18380)"; b="$(free_port $((a + 1)))"
for port in "$a" "$b"; do
    LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=error LATCHKEY_DRAIN_SECONDS=0 \
        LATCHKEY_DB_STATEMENT_TIMEOUT=2 "$latchkey" serve --port "$port" 2>>"$work/latchkey.log" &
    pids+=($!)
done
for port in "$a" "$b"; do
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.1; done
    curl -sf -H "Authorization: Bearer $revoked" "http://127.0.0.1:$port/api/surveys/" >/dev/null  # cached on both
done
# The key issued just before the stop: committed only once the standby has it.
last="$("$latchkey" keys issue --user alice --name last-before-stop 2>/dev/null)"

python3 - "$a" "$b" "$used" "$last" "$revoked" "$bin_pg" "$primary" "$standby" "$owner" <<'PY'
import http.client, os, subprocess, sys, threading, time
a, b, used, last, revoked, bin_pg, primary, standby, owner = sys.argv[1:]
ports = [int(a), int(b)]
def as_owner(*command):
    prefix = ["runuser", "-u", owner, "--"] if os.getuid() == 0 else []
    subprocess.run(prefix + list(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def get(port, key, path="/api/surveys/", method="GET"):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(method, path, headers={"Authorization": "Bearer " + key})
        status = connection.getresponse().status
        connection.close()
        return status
    except Exception:
        return 0
results, stop = [], False
def client(port):
    # The list (the key and surveys may come from the caches) and the health check (a query
    # every time), so the switch is seen by the database path too.
    while not stop:
        results.append((time.monotonic(), port, get(port, used)))
        results.append((time.monotonic(), port, get(port, used, "/api/health")))
        time.sleep(0.005)
threads = [threading.Thread(target=client, args=(port,)) for port in ports for _ in range(2)]
for thread in threads: thread.start()
time.sleep(1.5)
stopped = time.monotonic()
as_owner(f"{bin_pg}/pg_ctl", "-D", primary, "-m", "immediate", "stop")
time.sleep(1.0)
as_owner(f"{bin_pg}/pg_ctl", "-D", standby, "-w", "promote")
promoted = time.monotonic()
time.sleep(8)
stop = True
for thread in threads: thread.join()

problems = []
statuses = sorted({status for _, _, status in results})
during = [status for t, _, status in results if t >= stopped]
other = sorted({s for s in during if s not in (200, 503)})
if other: problems.append(f"answers other than 200/503 during the switch: {other}")
# Back: from some moment after the promotion, every answer on both instances is 200.
back = None
for t, _, status in sorted(results):
    if t < promoted: continue
    if status != 200: back = None
    elif back is None: back = t
recovery = (back - promoted) if back is not None else None
if recovery is None or recovery > 5: problems.append(f"service not back within 5 s of the promotion ({recovery})")
# Nothing lost: the key committed just before the stop works on the new primary.
if get(ports[0], last) != 200: problems.append("the key issued before the stop was lost")
# The listener re-attached: a revocation on A reaches B, whose cache held the key.
start = time.monotonic()
if get(ports[0], revoked, "/api/keys/current/", "DELETE") != 204: problems.append("revocation after failover failed")
spread = None
while time.monotonic() - start < 5:
    if get(ports[1], revoked) == 401:
        spread = time.monotonic() - start
        break
    time.sleep(0.01)
if spread is None: problems.append("the other instance never heard the revocation after failover")
errors = sum(1 for s in during if s == 503)
if errors == 0: problems.append("no 503 during the switch: the outage was not seen")
print(f"failover: {len(results)} requests, {errors} answered 503 during the switch, statuses {statuses}; "
      f"service back {recovery:.2f} s after the promotion; revocation heard by the other instance in {spread if spread is None else round(spread * 1000)} ms")
if problems:
    print("failover PROBLEMS: " + "; ".join(problems), file=sys.stderr)
    sys.exit(1)
PY
