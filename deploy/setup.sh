#!/usr/bin/env bash
# Installs what Latchkey needs to build, test and run, when it is missing (Debian/Ubuntu).
# Safe to run repeatedly: it does nothing when everything is already present.
set -euo pipefail

missing=()
pkg-config --version >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists libpq 2>/dev/null || missing+=(libpq-dev)
pkg-config --exists libcrypto 2>/dev/null || missing+=(libssl-dev)
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    missing+=(postgresql)
fi
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
# Extra commands, each `command` or `command=package` when the package is named otherwise.
for extra in "$@"; do
    command -v "${extra%%=*}" >/dev/null 2>&1 || missing+=("${extra#*=}")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain (6.1 or newer) is required: https://www.swift.org/install" >&2
    exit 1
fi
