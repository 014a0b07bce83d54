#!/usr/bin/env bash
# libFuzzer (issue #20): each target is built from the sources it exercises with
# `swiftc -sanitize=fuzzer,address` and run from the seed corpus in fuzz/corpus/TARGET (copied:
# the repository keeps only the small seeds). Fails on any crash, leak, timeout or memory blow-up.
#   deploy/fuzz.sh TARGET|all [SECONDS, default 30]     targets: json key jose
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:-all}"
seconds="${2:-30}"
out=.build/fuzz
mkdir -p "$out/mod"
flags=(-sanitize=fuzzer,address -parse-as-library -O)

build() {
    case "$1" in
        json)
            swiftc "${flags[@]}" -module-name FuzzJSON Sources/JSON/JSONReader.swift Sources/JSON/JSONValue.swift fuzz/json/main.swift -o "$out/json" ;;
        key)
            swiftc "${flags[@]}" -module-name FuzzKey -I Sources/COpenSSL \
                Sources/Vault/{KeyFormat,ParsedKey,KeyKind,KeyFormatError,Base62,CRC32,SHA256Digest,SecureRandom,CryptoError}.swift \
                fuzz/key/main.swift -lcrypto -o "$out/key" ;;
        jose)
            swiftc "${flags[@]}" -module-name JSON -emit-module -emit-module-path "$out/mod/JSON.swiftmodule" -emit-library -static \
                -o "$out/mod/libJSON.a" Sources/JSON/JSONReader.swift Sources/JSON/JSONValue.swift
            swiftc "${flags[@]}" -module-name FuzzJOSE -I Sources/COpenSSL -I "$out/mod" -L "$out/mod" -lJSON \
                Sources/Federation/{JWS,JWKS,Base64URL,FederationError,PublicKey}.swift fuzz/jose/main.swift -lcrypto -o "$out/jose" ;;
        *) echo "fuzz: unknown target $1 (json, key, jose)" >&2; exit 2 ;;
    esac
}

run() {
    local name="$1" corpus
    # The sanitizer runtime makes the linker chatty; its output is shown only on failure.
    build "$name" >"$out/$name-build.log" 2>&1 || { cat "$out/$name-build.log" >&2; return 1; }
    corpus="$(mktemp -d)"
    cp fuzz/corpus/"$name"/* "$corpus"/
    local log="$out/$name.log"
    if "$out/$name" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -artifact_prefix="$out/$name-" "$corpus" >"$log" 2>&1; then
        awk -v name="$name" '/^Done [0-9]+ runs in [0-9]+ second/ { printf "fuzz %-5s %d executions in %d s (%d/s), %d corpus entries, nothing found\n", name, $2, $5, $2 / ($5 ? $5 : 1), entries }
                             /^#[0-9]+.*corp: / { split($0, f, "corp: "); split(f[2], g, "/"); entries = g[1] }' "$log"
        rm -rf "$corpus"
    else
        rm -rf "$corpus"
        echo "fuzz $name FOUND A PROBLEM (artifact in $out/$name-*):" >&2
        tail -40 "$log" >&2
        return 1
    fi
}

if [ "$target" = all ]; then
    for name in json key jose; do run "$name"; done
else
    run "$target"
fi
