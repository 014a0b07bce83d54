#!/usr/bin/env bash
# Runs a benchmark in a release build against the private PostgreSQL cluster (unless DATABASE_URL is set).
#   deploy/bench.sh db        pool point reads next to pgbench -S
#   deploy/bench.sh policy    in-process policy decisions
#   deploy/bench.sh crypto    key parse/hash/generate
#   deploy/bench.sh sso       ID-token verification µs per RS256-2048 and ES256 token
#   deploy/bench.sh http      wrk against a release server (see deploy/bench-http.sh)
#   deploy/bench.sh scale     1,000,000 keys, 100,000 organisations: uncached verify, the list (deploy/bench-scale.sh)
#   deploy/bench.sh usage     10,000 keys with 90 days of hourly usage: p50/p99 of the usage questions
#                             (--organisations 1: one organisation of 10,000; --keep leaves the database)
#   deploy/bench.sh gateway   nginx direct / + auth_request to a static 200 / + Latchkey's check, and the
#                             check alone against the Bearer list (deploy/bench-gateway.sh)
#   deploy/bench.sh compare BASELINE_LATCHKEY   this build against another's release executable,
#                             interleaved pairs of the key list, the session list and verify (deploy/bench-compare.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
if [ "${1:-}" = "http" ]; then
    shift
    exec deploy/bench-http.sh "$@"
fi
if [ "${1:-}" = "compare" ]; then
    shift
    exec deploy/bench-compare.sh "$@"
fi
if [ "${1:-}" = "gateway" ]; then
    shift
    exec deploy/bench-gateway.sh "$@"
fi
if [ "${1:-}" = "scale" ]; then
    shift
    exec deploy/bench-scale.sh "$@"
fi

deploy/setup.sh
use_database
swift build -c release --product LatchkeyBench >&2
if [ "${1:-}" = "policy" ] && command -v cc >/dev/null; then
    # Count heap allocations per decision with a preloaded malloc counter.
    counter=.build/libmalloc_count.so
    [ "$counter" -nt deploy/malloc_count.c ] || cc -shared -fPIC -O2 -o "$counter" deploy/malloc_count.c
    export LD_PRELOAD="$PWD/$counter"
fi
exec .build/release/LatchkeyBench "$@"
