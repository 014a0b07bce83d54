#!/usr/bin/env bash
# HTTP benchmark: one release-build server (throttling and the decision log off) on a scratch
# database with 50 surveys visible to the benchmark key; wrk measures req/s and p50/p99 for the
# resource API, the decision API (single AuthZEN evaluations, 1,000-item batches, verify), the
# session login + status round trip, and then the list again on servers with throttling on
# (a limit never reached: the cost of counting; the default limit: the 429 path), a flood
# of unknown keys from one client against the failed-authentication limit, and the list with a
# key that carries an IP allowlist against the same key without (BENCH_FILTER=allowlist), and a
# fine-grained key against a plain one (BENCH_FILTER=fine-grained).
# The list is also compared with a server whose metrics listener is on (BENCH_FILTER=metrics),
# and the list and verify with a server that does not count key uses, LATCHKEY_USAGE=off
# (BENCH_FILTER=usage: what counting costs, SPEC §13).
#   deploy/bench.sh http [seconds]      (BENCH_FILTER=oauth: only the lines whose label contains it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
seconds="${1:-10}"

bench_world latchkey_bench_http
cidr_key="$(imported_key kc "$imported")"
fine_key="$(imported_key kf "$imported")"
survey="$(psql "$DATABASE_URL" -tAc "SELECT id FROM surveys WHERE slug = 'survey-1'")"
# 10,000 surveys of one user, for the resource search (SPEC §6).
many="$(psql "$DATABASE_URL" -tAc "SELECT id FROM users WHERE username = 'many'")"
psql "$DATABASE_URL" -q -c "INSERT INTO surveys (name, slug, description, owner_id, status, start_at)
    SELECT 'Many ' || i, 'many-' || i, '', $many, 'published', now() FROM generate_series(1, 10000) i" -c "ANALYZE surveys"
service="$("$bin" services issue --name bench | tail -1)"

port="$(free_port 18080)"
# The first server's settings (a second server that differs in one setting takes them too).
serve_env=(LATCHKEY_SECRET_KEY="$(head -c 32 /dev/urandom | base64 -w0)" LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=warning)
env "${serve_env[@]}" "$bin" serve --port "$port" &
server=$!
scripts="$(mktemp -d)"
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$scripts"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
count="$(curl -s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" | grep -o '"slug"' | wc -l)"
echo "surveys visible to the benchmark key: $count"

measure() {
    local label="$1"; shift
    # BENCH_FILTER=text measures only the lines whose label contains it.
    [[ -n "${BENCH_FILTER:-}" && "$label" != *"$BENCH_FILTER"* ]] && return 0
    local c="${connections:-32}" t=2
    [ "$c" -lt 2 ] && t=1
    wrk -t"$t" -c"$c" -d"${seconds}s" --latency "$@" | awk -v label="$label" '
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        /Non-2xx/ { non2xx = $NF }
        END { printf "%-32s %10s req/s   p50 %8s   p99 %8s%s\n", label, rps, p50, p99, (non2xx ? "   (non-2xx: " non2xx ")" : "") }'
}
measure "GET /api/health" "http://127.0.0.1:$port/api/health"
measure "GET /api/surveys/ (key, $count)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/"
# The allowlist's cost is a few percent at most, below the noise of one run: five interleaved
# pairs of runs, and the medians compared.
if [[ -z "${BENCH_FILTER:-}" || "allowlist" == *"$BENCH_FILTER"* ]]; then
    wrk_pairs "GET /api/surveys/ (allowlist of 8)" "without an allowlist" "$(( (seconds + 1) / 2 ))" \
        -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" -- -H "Authorization: Bearer $cidr_key" "http://127.0.0.1:$port/api/surveys/"
fi
# A fine-grained key (two types, a selection of the same 50 surveys) against the plain key.
if [[ -z "${BENCH_FILTER:-}" || "fine-grained" == *"$BENCH_FILTER"* ]]; then
    wrk_pairs "GET /api/surveys/ (fine-grained key)" "a plain key" "$(( (seconds + 1) / 2 ))" \
        -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" -- -H "Authorization: Bearer $fine_key" "http://127.0.0.1:$port/api/surveys/"
fi
measure "GET /api/surveys/{id}/ (key)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/$survey/"
measure "GET /api/surveys/ (invalid key)" -H "Authorization: Bearer ct_live_invalid" "http://127.0.0.1:$port/api/surveys/"
# The same at 8 connections, where latency rather than throughput is the question.
connections=8 measure "GET /api/health (8 connections)" "http://127.0.0.1:$port/api/health"
connections=8 measure "GET /api/surveys/ (8 connections)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/"

# The decision API: POST bodies through wrk's Lua hook.
post_script() {
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$2" >"$scripts/$1.lua"
    printf '%s' "$scripts/$1.lua"
}
single='{"subject":{"type":"api_key","id":"'"$key"'"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"'"$survey"'"}}'
# A batch asks about 1,000 distinct surveys: 50 the key's user owns, 950 they may not see.
items="$(for i in $(seq 0 999); do [ "$i" -gt 0 ] && printf ','; printf '{"resource":{"type":"survey","id":"%d"}}' $(( i + survey )); done)"
batch='{"subject":{"type":"api_key","id":"'"$key"'"},"action":{"name":"survey.retrieve"},"evaluations":['"$items"']}'
auth=(-H "Authorization: Bearer $service")
decided="$(curl -s "${auth[@]}" -H 'Content-Type: application/json' -d "$batch" "http://127.0.0.1:$port/access/v1/evaluations" | grep -o '"decision":' | wc -l)"
echo "decisions in one batch answer: $decided"
measure "POST /access/v1/evaluation" -s "$(post_script single "$single")" "${auth[@]}" "http://127.0.0.1:$port/access/v1/evaluation"
measure "POST /v1/keys/verify" -s "$(post_script verify '{"key":"'"$key"'"}')" "${auth[@]}" "http://127.0.0.1:$port/v1/keys/verify"
measure "POST /access/v1/evaluations (1000)" -s "$(post_script batch "$batch")" "${auth[@]}" "http://127.0.0.1:$port/access/v1/evaluations"
# One connection: the latency of a 1,000-item batch is the server's time plus loopback and
# wrk reading the answer. The server's own time is what it reports in `Server-Timing`.
cat >"$scripts/timing.lua" <<'LUA'
durations = {}
response = function(status, headers, body)
    local timing = headers["Server-Timing"]
    if timing then durations[#durations + 1] = tonumber(string.match(timing, "dur=([%d.]+)")) end
end
threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
    local all = {}
    for _, thread in ipairs(threads) do
        for _, value in ipairs(thread:get("durations")) do all[#all + 1] = value end
    end
    table.sort(all)
    if #all > 0 then
        io.write(string.format("%-32s %10s req/s   p50 %6.2fms   p99 %6.2fms   (Server-Timing, %d answers)\n", label,
            "", all[math.floor(#all * 0.5) + 1], all[math.floor(#all * 0.99) + 1], #all))
    end
end
LUA
# The server's own time for the POST `script` to `path`, on one connection.
server_time() {
    local label="$1" script="$2" path="$3"
    [[ -n "${BENCH_FILTER:-}" && "$label" != *"$BENCH_FILTER"* ]] && return 0
    { printf 'label = "%s"\n' "$label"; cat "$scripts/$script.lua" "$scripts/timing.lua"; } >"$scripts/$script-timing.lua"
    wrk -t1 -c1 -d"${seconds}s" -s "$scripts/$script-timing.lua" "${auth[@]}" "http://127.0.0.1:$port$path" | grep 'Server-Timing'
}
connections=1 measure "  same, one connection" -s "$scripts/batch.lua" "${auth[@]}" "http://127.0.0.1:$port/access/v1/evaluations"
server_time "  same, server time" batch /access/v1/evaluations

# AuthZEN search (SPEC §6): the first page of 1,000 of the 10,000 surveys a user may read, and
# the users who may edit one survey.
resource_search='{"subject":{"type":"user","id":"'"$many"'"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"limit":1000}}'
subject_search='{"subject":{"type":"user"},"action":{"name":"survey.update"},"resource":{"type":"survey","id":"'"$survey"'"}}'
found="$(curl -s "${auth[@]}" -H 'Content-Type: application/json' -d "$resource_search" "http://127.0.0.1:$port/access/v1/search/resource" | grep -o '"type":"survey"' | wc -l)"
echo "surveys on the first page of the resource search: $found"
post_script resource_search "$resource_search" >/dev/null
post_script subject_search "$subject_search" >/dev/null
measure "POST /access/v1/search/resource" -s "$scripts/resource_search.lua" "${auth[@]}" "http://127.0.0.1:$port/access/v1/search/resource"
server_time "  search/resource, server time" resource_search /access/v1/search/resource
measure "POST /access/v1/search/subject" -s "$scripts/subject_search.lua" "${auth[@]}" "http://127.0.0.1:$port/access/v1/search/subject"
server_time "  search/subject, server time" subject_search /access/v1/search/subject

# Sessions: each connection logs in with the key, then asks for the status of that session.
cat >"$scripts/session.lua" <<LUA
local tokens = {}
local login = wrk.format("POST", "/api/auth/login/", {["Content-Type"] = "application/json"}, '{"apikey":"$key"}')
request = function()
    local token = table.remove(tokens)
    if token then return wrk.format("GET", "/api/auth/status/", {["authtoken"] = token}) end
    return login
end
response = function(status, headers, body)
    local token = string.match(body, '"token%-id":"(%w+)"')
    if token then table.insert(tokens, token) end
end
LUA
measure "login + status (2 requests each)" -s "$scripts/session.lua" "http://127.0.0.1:$port/"
token="$(curl -s -H 'Content-Type: application/json' -d '{"apikey":"'"$key"'"}' "http://127.0.0.1:$port/api/auth/login/" | sed -E 's/.*"token-id":"([A-Za-z0-9]+)".*/\1/')"
measure "GET /api/surveys/ (authtoken)" -H "authtoken: $token" "http://127.0.0.1:$port/api/surveys/"

# The web console: sign in, enrol MFA (the code computed from the shown secret), then the API
# Keys page of that signed-in session (SPEC §10 goal: at least half of /api/health).
cookie="$(python3 - "http://127.0.0.1:$port" <<'PY'
import base64, hashlib, hmac, http.cookiejar, re, struct, sys, time, urllib.parse, urllib.request
base = sys.argv[1]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def page(path, form=None):
    data = urllib.parse.urlencode(form).encode() if form else None
    with opener.open(base + path, data) as response:
        return response.read().decode()
csrf = lambda html: re.search(r'name="csrf" value="([^"]*)"', html).group(1)
login = page("/account/login")
mfa = page("/account/login", {"csrf": csrf(login), "username": "bench", "password": "bench-console-password"})
secret = re.search(r'<code id="mfa-secret">([A-Z2-7]+)<', mfa).group(1)
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = digest[-1] & 15
code = "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
keys = page("/account/mfa", {"csrf": csrf(mfa), "code": code})
assert "<h1>API Keys</h1>" in keys, keys[:300]
jar = next(h.cookiejar for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
print(next(f"lk_session={c.value}" for c in jar if c.name == "lk_session"))
PY
)"
measure "GET /account/keys (signed in)" -H "Cookie: $cookie" "http://127.0.0.1:$port/account/keys"

# SSO token exchange (SPEC §11): whole exchanges (form, ES256 verification, trust, member
# lookup, issuance with its audit event and single-use claim) at 8 concurrent clients. Each
# request carries its own ID token (a token works once), minted beforehand; each wrk thread
# takes every other line. Token verification alone: `deploy/bench.sh sso`.
swift build -c release --product LatchkeyBench >&2
.build/release/LatchkeyBench mint --email bench@example.com --count $((seconds * 6000)) \
    --jwks "$scripts/jwks.json" --tokens "$scripts/tokens.txt"
"$bin" sso trust --org bench-org --issuer https://idp.bench.example --audience latchkey-bench --jwks "$scripts/jwks.json" >/dev/null
cat >"$scripts/sso.lua" <<LUA
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args)
  tokens, n = {}, 0
  local i = 0
  for line in io.lines("$scripts/tokens.txt") do
    if i % 2 == id then tokens[#tokens + 1] = line end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
    .. "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token&subject_token=" .. (tokens[n] or "spent"))
end
LUA
connections=8 measure "POST /oauth/token (8 clients)" -s "$scripts/sso.lua" "http://127.0.0.1:$port/oauth/token"
echo "SSO keys issued: $(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM api_keys WHERE name LIKE 'SSO %'")"

# Metrics (SPEC §12): a server with the Prometheus listener on, beside the first (both with
# throttling off); five interleaved pairs of list runs, medians compared (goal: at most 5% fewer).
if [[ -z "${BENCH_FILTER:-}" || "metrics" == *"$BENCH_FILTER"* ]]; then
    port3="$(free_port $((port + 2)))"
    metrics_port=$((port3 + 1))
    LATCHKEY_THROTTLE=off LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=warning LATCHKEY_METRICS_PORT="$metrics_port" \
        "$bin" serve --port "$port3" 2>/dev/null &
    server3=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port3/api/health" >/dev/null && break; sleep 0.1; done
    wrk_pairs "GET /api/surveys/ (metrics on)" "metrics off" "$(( (seconds + 1) / 2 ))" \
        -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port3/api/surveys/"
    echo "metrics families after the runs: $(curl -s "http://127.0.0.1:$metrics_port/metrics" | grep -c '^# TYPE')"
    kill "$server3"; wait "$server3" 2>/dev/null || true
fi

# Usage counting (SPEC §13): a server with LATCHKEY_USAGE=off and otherwise the first's settings
# beside the first (which counts, the default, flushing every 2 s into key_usage); five interleaved
# pairs of the list and five of verify, counting off the baseline, medians compared (goal: within 3%).
if [[ -z "${BENCH_FILTER:-}" || "usage" == *"$BENCH_FILTER"* ]]; then
    port4="$(free_port $((port + 4)))"
    env "${serve_env[@]}" LATCHKEY_USAGE=off "$bin" serve --port "$port4" &
    server4=$!
    trap 'kill $server $server4 2>/dev/null; wait 2>/dev/null || true; rm -rf "$scripts"' EXIT
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port4/api/health" >/dev/null && break; sleep 0.1; done
    counted() { psql "$DATABASE_URL" -tAc "SELECT coalesce(sum(count), 0) FROM key_usage"; }
    sleep 3; before="$(counted)"  # what the first server counted before, flushed
    verify="$(post_script verify '{"key":"'"$key"'"}')"
    wrk_pairs "GET /api/surveys/ (usage counted)" "usage off" "$(( (seconds + 1) / 2 ))" \
        -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port4/api/surveys/" -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/"
    wrk_pairs "POST /v1/keys/verify (usage counted)" "usage off" "$(( (seconds + 1) / 2 ))" \
        -- -s "$verify" "${auth[@]}" "http://127.0.0.1:$port4/v1/keys/verify" -- -s "$verify" "${auth[@]}" "http://127.0.0.1:$port/v1/keys/verify"
    sleep 3  # a flush (every 2 s)
    echo "uses counted during the usage pairs (the counting server's requests): $(( $(counted) - before ))"
    kill "$server4"; wait "$server4" 2>/dev/null || true
fi

# Sessions and uncached reads at key speed (issue #32): the list with the `authtoken` session
# made from the key against the key itself (five interleaved pairs, goal ≥ 0.9×); and a server
# with LATCHKEY_READ_CACHE=off (every list reaches PostgreSQL) against pgbench running the list's
# SQL for that key's user (prepared, 32 clients, in the same run; goal ≥ 0.5×).
if [[ -z "${BENCH_FILTER:-}" || "sessions" == *"$BENCH_FILTER"* ]]; then
    wrk_pairs "GET /api/surveys/ (authtoken)" "key" "$(( (seconds + 1) / 2 ))" \
        -- -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/" -- -H "authtoken: $token" "http://127.0.0.1:$port/api/surveys/"
    port5="$(free_port $((port + 6)))"
    env "${serve_env[@]}" LATCHKEY_READ_CACHE=off "$bin" serve --port "$port5" &
    server5=$!
    trap 'kill $server $server5 2>/dev/null; wait 2>/dev/null || true; rm -rf "$scripts"' EXIT
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port5/api/health" >/dev/null && break; sleep 0.1; done
    # The list's SQL as SurveyRepository renders it for the key's user (no confinement): owner,
    # organisations, organisations owned, survey memberships.
    user_id="$(psql "$DATABASE_URL" -tAc "SELECT user_id FROM api_keys WHERE prefix = '${key:0:12}'")"
    orgs="$(psql "$DATABASE_URL" -tAc "SELECT coalesce(array_agg(organisation_id), '{}') FROM organisation_memberships WHERE user_id = $user_id")"
    cat >"$scripts/list.sql" <<SQL
SELECT s.id, s.name, s.slug, s.description, s.status, s.start_at, s.end_at, s.organisation_id, s.team_id, s.owner_id, o.owner_id AS organisation_owner_id
FROM surveys s LEFT JOIN organisations o ON o.id = s.organisation_id
WHERE ((s.owner_id = $user_id) OR (s.organisation_id = ANY('$orgs'::int8[]))
    OR (s.organisation_id = ANY(ARRAY(SELECT lk_o.id FROM organisations lk_o WHERE lk_o.owner_id = $user_id)))
    OR (s.id = ANY(ARRAY(SELECT m.survey_id FROM survey_memberships m WHERE m.user_id = $user_id)))) ORDER BY id;
SQL
    # Five interleaved rounds (the machine's speed drifts by up to 2× within minutes, and it
    # moves pgbench and the server differently): each round's ratio, then their median.
    ratios=()
    for round in 1 2 3 4 5; do
        line="$(measure "GET /api/surveys/ (sessions: read cache off)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port5/api/surveys/")"
        echo "$line"
        rps="$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "req/s") print $i }' <<<"$line")"
        tps="$(pgbench -n -M prepared -c 32 -j 2 -T "$seconds" -f "$scripts/list.sql" "$DATABASE_URL" 2>/dev/null | awk '/^tps/ { print $3 }')"
        ratio="$(awk -v a="$rps" -v b="$tps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
        ratios+=("$ratio")
        printf "%-32s %10.2f tx/s   round %d: %s×\n" "pgbench, the list's SQL" "$tps" "$round" "$ratio"
    done
    printf "%-32s median %s× (rounds: %s; goal ≥ 0.5×)\n" "read cache off / pgbench" \
        "$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 3p)" "${ratios[*]}"
    kill "$server5"; wait "$server5" 2>/dev/null || true
fi

# Throttling: a second server with throttling on, beside the first. With a limit the benchmark
# never reaches, the list measures what counting costs (alternating with the first server, so
# the machine's drift hits both alike); with the default 120/min per key, nearly every request
# is the 429 answer.
port2=$((port + 1)); server2=
while (exec 3<>"/dev/tcp/127.0.0.1/$port2") 2>/dev/null; do port2=$((port2 + 1)); done
throttled() {
    env LATCHKEY_DECISION_LOG=off LATCHKEY_LOG_LEVEL=warning LATCHKEY_THROTTLE=on "$@" "$bin" serve --port "$port2" &
    server2=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port2/api/health" >/dev/null && break; sleep 0.1; done
}
trap 'kill $server $server2 2>/dev/null; wait 2>/dev/null || true; rm -rf "$scripts"' EXIT
throttled LATCHKEY_THROTTLE_USER=1000000000/min
for round in 1 2; do
    measure "GET /api/surveys/ (throttle off)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/surveys/"
    measure "GET /api/surveys/ (throttle on)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port2/api/surveys/"
done
kill "$server2"; wait "$server2" 2>/dev/null || true
throttled LATCHKEY_THROTTLE_USER=120/min
measure "GET /api/surveys/ (over 120/min)" -H "Authorization: Bearer $key" "http://127.0.0.1:$port2/api/surveys/"

# Abuse resistance (issue 13): one client floods the throttled server with random well-formed
# keys that do not exist. Failed authentications count against its address (60/min, the
# anonymous rate), so past the limit each answer is a 429 decided in memory: the flood should
# run about as fast as malformed keys (no database at all), and the database should see no more
# key lookups than the limit allows, however long the flood lasts.
# Both floods send 20,000 distinct keys through the same Lua script, so wrk's own cost is alike.
python3 - "$scripts/unknown.lua" "$scripts/malformed.lua" <<'PY'
import secrets, sys, zlib
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def base62(value, digits):
    out = []
    for _ in range(digits):
        value, digit = divmod(value, 62)
        out.append(alphabet[digit])
    return "".join(reversed(out))
def script(path, keys):
    with open(path, "w") as lua:
        lua.write("local keys = {" + ",".join('"%s"' % key for key in keys) + "}\n")
        lua.write("local n = 0\nrequest = function()\n  n = n % #keys + 1\n")
        lua.write('  return wrk.format("GET", "/api/surveys/", {["Authorization"] = "Bearer " .. keys[n]})\nend\n')
unknown, malformed = [], []
for _ in range(20000):
    head = "ct_live_" + base62(int.from_bytes(secrets.token_bytes(32), "big"), 43)
    unknown.append(head + base62(zlib.crc32(head.encode()), 6))
    malformed.append(head + base62((zlib.crc32(head.encode()) + 1) % 2**32, 6))  # checksum off by one
script(sys.argv[1], unknown)
script(sys.argv[2], malformed)
PY
lookups() { psql "$DATABASE_URL" -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
# The unknown keys first, on a fresh failure window: at most 60 reach the database.
sleep 11; before="$(lookups)"
measure "GET /api/surveys/ (unknown-key flood)" -s "$scripts/unknown.lua" "http://127.0.0.1:$port2/api/surveys/"
sleep 11; after="$(lookups)"
measure "GET /api/surveys/ (malformed-key flood)" -s "$scripts/malformed.lua" "http://127.0.0.1:$port2/api/surveys/"
# One of the transactions is this script's own first `lookups` query; the two servers' change
# listeners each add a heartbeat (`SELECT 1`) per 10 s of silence.
echo "database transactions during the unknown-key flood: $(( after - before - 1 )) (limit 60/min per address, plus heartbeats)"
