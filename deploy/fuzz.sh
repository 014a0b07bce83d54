#!/usr/bin/env bash
# libFuzzer (issue #20): one target per reader of client input, in the package under fuzz/,
# built in release with AddressSanitizer and libFuzzer's coverage counters in Latchkey's own
# modules (LATCHKEY_FUZZ, see Package.swift), and run from the seed corpus in fuzz/corpus/TARGET (copied: the repository keeps only
# the small seeds). Fails on any crash, leak, timeout, memory blow-up or broken property (a
# reader that refuses input with anything but a 400).
#   deploy/fuzz.sh TARGET|all [SECONDS, default 30]     targets: json key jose query bodies webauthn
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:-all}"
seconds="${2:-30}"
out=.build/fuzz
scratch=.build/fuzz-package
mkdir -p "$out"
targets=(json key jose query bodies webauthn)

executable() {
    case "$1" in
        json) echo FuzzJSON ;; key) echo FuzzKey ;; jose) echo FuzzJOSE ;; query) echo FuzzQuery ;; bodies) echo FuzzBodies ;; webauthn) echo FuzzWebAuthn ;;
        *) echo "fuzz: unknown target $1 (${targets[*]})" >&2; exit 2 ;;
    esac
}

build() {
    # The sanitizer runtime makes the linker chatty; its output is shown only on failure.
    (cd fuzz && LATCHKEY_FUZZ=1 swift build -c release --scratch-path "../$scratch") \
        >"$out/build.log" 2>&1 || { tail -60 "$out/build.log" >&2; return 1; }
}

run() {
    local name="$1" corpus binary
    binary="$scratch/release/$(executable "$name")"
    corpus="$(mktemp -d)"
    cp fuzz/corpus/"$name"/* "$corpus"/
    local log="$out/$name.log"
    if "$binary" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -artifact_prefix="$out/$name-" "$corpus" >"$log" 2>&1; then
        awk -v name="$name" '/^Done [0-9]+ runs in [0-9]+ second/ { printf "fuzz %-6s %d executions in %d s (%d/s), %d corpus entries, nothing found\n", name, $2, $5, $2 / ($5 ? $5 : 1), entries }
                             /^#[0-9]+.*corp: / { split($0, f, "corp: "); split(f[2], g, "/"); entries = g[1] }' "$log"
        rm -rf "$corpus"
    else
        rm -rf "$corpus"
        echo "fuzz $name FOUND A PROBLEM (artifact in $out/$name-*):" >&2
        tail -40 "$log" >&2
        return 1
    fi
}

[ "$target" = all ] || executable "$target" >/dev/null
build
if [ "$target" = all ]; then
    for name in "${targets[@]}"; do run "$name"; done
else
    run "$target"
fi
