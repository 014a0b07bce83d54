# Shell helpers shared by the scripts of deploy/ (sourced: `source deploy/common.sh`).

# The URL of database $1 on the server of $DATABASE_URL (a URI or a conninfo).
database_url() {
    case "$DATABASE_URL" in
        postgres://*|postgresql://*) printf '%s' "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$1#" ;;
        *) printf '%s dbname=%s' "$DATABASE_URL" "$1" ;;
    esac
}


# Exports DATABASE_URL: as given, else the private PostgreSQL cluster's (started if need be).
use_database() {
    if [ -z "${DATABASE_URL:-}" ]; then DATABASE_URL="$(deploy/local-postgres.sh start)"; fi
    export DATABASE_URL
}

# A new, empty database $1 on that server, which DATABASE_URL names from then on.
use_scratch_database() {
    use_database
    psql "$DATABASE_URL" -q -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
    DATABASE_URL="$(database_url "$1")"
}


# The demo world for the latchkey the tests built (debug, built if missing): a new scratch database
# $1, migrated, with deploy/demo.json loaded. Sets bin.
demo_world() {
    bin=.build/debug/latchkey
    [ -x "$bin" ] || swift build --product latchkey >&2
    use_scratch_database "$1"
    "$bin" migrate >/dev/null
    "$bin" import deploy/demo.json >/dev/null
}

# The benchmark world (bench_fixture) for a release latchkey built now: a new scratch database $1,
# migrated, the fixture loaded. Sets bin, imported (what the import printed) and key (key `k`).
bench_world() {
    deploy/setup.sh wrk curl
    use_scratch_database "$1"
    swift build -c release --product latchkey >&2
    bin=.build/release/latchkey
    "$bin" migrate >/dev/null 2>&1
    local fixture; fixture="$(mktemp)"
    bench_fixture >"$fixture"
    imported="$("$bin" import "$fixture" 2>/dev/null)"
    rm -f "$fixture"
    key="$(imported_key k "$imported")"
}
# The folder of a Python virtual environment, .build/$1, holding PACKAGEs (installed once;
# MODULE is imported to tell they are there).   python_venv NAME MODULE PACKAGE...
python_venv() {
    local venv=".build/$1" module="$2"; shift 2
    if ! "$venv/bin/python" -c "import $module" 2>/dev/null; then
        python3 -m venv "$venv" 2>/dev/null || { deploy/setup.sh ensurepip=python3-venv >&2; rm -rf "$venv"; python3 -m venv "$venv"; }
        "$venv/bin/pip" install -q "$@" >&2
    fi
    printf '%s' "$venv"
}
# A free loopback port from $1 up.
free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

# The benchmark world as a fixture on stdout: user `bench` (enterprise, an admin of `bench-org`)
# owning 50 surveys there, `other` owning 950 more, `many` (filled by the search benchmark);
# key `k` of bench in bench-org, `kc`, the same with an IP allowlist of 8 ranges (loopback last),
# and `kf`, the same fine-grained: surveys and datasets, selecting bench's 50 surveys.
bench_fixture() {
    printf '{"users":[{"ref":"bench","username":"bench","email":"bench@example.com","tier":"enterprise","password":"bench-console-password"},'
    printf '{"ref":"other","username":"other","email":"other@example.com","tier":"pro"},'
    printf '{"ref":"many","username":"many","email":"many@example.com","tier":"pro"}],'
    printf '"organisations":[{"ref":"org","slug":"bench-org","name":"Bench","owner":"bench","members":[{"user":"bench","role":"admin"}]}],'
    printf '"surveys":['
    for i in $(seq 1 1000); do
        owner=bench; org='"org"'
        if [ "$i" -gt 50 ]; then owner=other; org=null; fi
        [ "$i" -gt 1 ] && printf ','
        printf '{"ref":"s%d","name":"Survey %d","slug":"survey-%d","owner":"%s","organisation":%s,"status":"published","responses":[{"submitted_at":"2026-11-20T10:00:00Z"}]}' "$i" "$i" "$i" "$owner" "$org"
    done
    printf '],"keys":[{"ref":"k","user":"bench","name":"bench","organisation":"org","capabilities":["view"]},'
    printf '{"ref":"kc","user":"bench","name":"bench-cidr","organisation":"org","capabilities":["view"],'
    printf '"allowed_cidrs":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16","198.51.100.0/24","203.0.113.0/24","2001:db8::/32","::1/128","127.0.0.0/8"]},'
    # kf: fine-grained (SPEC §15), two types, selecting bench's 50 surveys: the same list as k.
    printf '{"ref":"kf","user":"bench","name":"bench-fine","organisation":"org","permissions":{"surveys":["view"],"datasets":["view"]},"resources":{"surveys":['
    for i in $(seq 1 50); do [ "$i" -gt 1 ] && printf ','; printf '"s%d"' "$i"; done
    printf ']}}]}'
}

# The key of fixture ref $1 in the JSON `latchkey import` printed ($2).
imported_key() { printf '%s' "$2" | sed -E "s/.*\"$1\":\"(ct_live_[A-Za-z0-9]+)\".*/\1/"; }

# A difference of a few percent is below the noise of one run: five interleaved pairs of wrk
# runs, one with ARGS_A (the baseline, called BASELINE_NAME), one with ARGS_B, medians compared.
#   wrk_pairs LABEL BASELINE_NAME SECONDS -- ARGS_A -- ARGS_B
wrk_pairs() {
    local label="$1" baseline="$2" run_seconds="$3"; shift 4
    local -a left=() right=()
    while [ "$1" != "--" ]; do left+=("$1"); shift; done; shift
    right=("$@")
    for _ in 1 2 3 4 5; do
        printf 'a '; wrk -t2 -c32 -d"${run_seconds}s" "${left[@]}" | awk '/Requests\/sec/ { print $2 }'
        printf 'b '; wrk -t2 -c32 -d"${run_seconds}s" "${right[@]}" | awk '/Requests\/sec/ { print $2 }'
    done | awk -v label="$label" -v baseline="$baseline" '
        { runs[$1] = runs[$1] " " $2; all[$1] = all[$1] sprintf(" %.0f", $2) }
        function median(list,   values, n, i, j, t) {
            n = split(list, values, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] + 0 < values[i] + 0) { t = values[i]; values[i] = values[j]; values[j] = t }
            return values[int((n + 1) / 2)]
        }
        END {
            a = median(runs["a"]); b = median(runs["b"])
            printf "%-32s %9.0f req/s, %s %9.0f: %+.1f%%   (runs:%s; %s:%s)\n", label, b, baseline, a, (b / a - 1) * 100, all["b"], baseline, all["a"]
        }'
}
