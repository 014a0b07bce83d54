# Shell helpers shared by the scripts of deploy/ (sourced: `source deploy/common.sh`).

# The URL of database $1 on the server of $DATABASE_URL (a URI or a conninfo).
database_url() {
    case "$DATABASE_URL" in
        postgres://*|postgresql://*) printf '%s' "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$1#" ;;
        *) printf '%s dbname=%s' "$DATABASE_URL" "$1" ;;
    esac
}

# A free loopback port from $1 up.
free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

# The benchmark world as a fixture on stdout: user `bench` (enterprise, an admin of `bench-org`)
# owning 50 surveys there, `other` owning 950 more, `many` (filled by the search benchmark);
# key `k` of bench in bench-org, and `kc`, the same with an IP allowlist of 8 ranges (loopback last).
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
    printf '"allowed_cidrs":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16","198.51.100.0/24","203.0.113.0/24","2001:db8::/32","::1/128","127.0.0.0/8"]}]}'
}

# The key of fixture ref $1 in the JSON `latchkey import` printed ($2).
imported_key() { printf '%s' "$2" | sed -E "s/.*\"$1\":\"(ct_live_[A-Za-z0-9]+)\".*/\1/"; }

# A difference of a few percent is below the noise of one run: five interleaved pairs of wrk
# runs of GET /api/surveys/, one against the baseline, one against the candidate, and their
# medians compared.
#   compare_pairs LABEL BASELINE_NAME BASELINE_PORT BASELINE_KEY CANDIDATE_PORT CANDIDATE_KEY SECONDS
compare_pairs() {
    local label="$1" baseline="$2" port_a="$3" key_a="$4" port_b="$5" key_b="$6" run_seconds="$7"
    for _ in 1 2 3 4 5; do
        printf 'a '
        wrk -t2 -c32 -d"${run_seconds}s" -H "Authorization: Bearer $key_a" "http://127.0.0.1:$port_a/api/surveys/" | awk '/Requests\/sec/ { print $2 }'
        printf 'b '
        wrk -t2 -c32 -d"${run_seconds}s" -H "Authorization: Bearer $key_b" "http://127.0.0.1:$port_b/api/surveys/" | awk '/Requests\/sec/ { print $2 }'
    done | awk -v label="$label" -v baseline="$baseline" '
        { runs[$1] = runs[$1] " " $2 }
        function median(list,   values, n, i, j, t) {
            n = split(list, values, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] + 0 < values[i] + 0) { t = values[i]; values[i] = values[j]; values[j] = t }
            return values[int((n + 1) / 2)]
        }
        END {
            a = median(runs["a"]); b = median(runs["b"])
            printf "%-32s %10.2f req/s   (median of 5; %s %.2f: %+.1f%%)\n", label, b, baseline, a, (b / a - 1) * 100
        }'
}
