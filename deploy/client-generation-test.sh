#!/usr/bin/env bash
# The OpenAPI document as a product (issue #27): typed clients generated from /api/schema by
# openapi-python-client with its default settings and by swift-openapi-generator (its build plugin)
# each work against a running server (list, retrieve, the presenting key, a 404 parsed as `Error`,
# an enum query parameter).
# Runs the latchkey the tests built (debug) on a scratch database with deploy/demo.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

venv="$(python_venv client-venv openapi_python_client openapi-python-client)"
demo_world latchkey_clients
key="$("$bin" keys issue --user adam --org acme --name client --capabilities view,superuser 2>/dev/null)"

port="$(free_port 18480)"
work="$(mktemp -d)"
LATCHKEY_THROTTLE=off LATCHKEY_LOG_LEVEL=error LATCHKEY_DRAIN_SECONDS=0 "$bin" serve --port "$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/api/schema" >"$work/schema.json"
# Default settings; only the formatting hook is left out (ruff is not needed to use the client).
printf 'post_hooks: []\n' >"$work/config.yaml"
"$venv/bin/openapi-python-client" generate --path "$work/schema.json" --config "$work/config.yaml" --output-path "$work/client" >"$work/generate.log" 2>&1 \
    || { cat "$work/generate.log" >&2; echo "client-generation: openapi-python-client failed" >&2; exit 1; }
if grep -q "Warning" "$work/generate.log"; then cat "$work/generate.log" >&2; echo "client-generation: warnings while generating" >&2; exit 1; fi
"$venv/bin/pip" install -q "$work/client" >&2
"$venv/bin/python" deploy/clients/check_python_client.py "http://127.0.0.1:$port" "$key"

# Swift: the package in deploy/clients/swift, built in .build/ (its packages stay there between runs).
swift_client=.build/swift-client
mkdir -p "$swift_client"
cp -R deploy/clients/swift/. "$swift_client/"
cp "$work/schema.json" "$swift_client/Sources/LatchkeyClientCheck/openapi.json"
(cd "$swift_client" && swift build) >"$work/swift-build.log" 2>&1 \
    || { tail -n 40 "$work/swift-build.log" >&2; echo "client-generation: the Swift client did not build" >&2; exit 1; }
# The generator skips a bare `{"type": "null"}` (a field that is always null, the null branch of a
# nullable reference: apple/swift-openapi-generator#906); any other warning is a fault of the document.
if grep -oE "warning: .*\[context: .*" "$work/swift-build.log" | grep -v 'Schema "null" is not supported'; then
    echo "client-generation: warnings while generating the Swift client" >&2; exit 1
fi
"$swift_client/.build/debug/LatchkeyClientCheck" "http://127.0.0.1:$port" "$key"
