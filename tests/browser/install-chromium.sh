#!/bin/sh
# Installs Debian's chromium and chromium-driver for the browser tests, when they are missing.
# Usage: tests/browser/install-chromium.sh
# Exit 0 when both are there afterwards; 1 (with the reason) when they cannot be installed
# here (no apt-get, not root and no sudo, no network). The tests then report themselves
# skipped, except in CI (CI=true), where they fail.
set -eu

have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }

if have; then
    echo "chromium and chromedriver are installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "cannot install chromium: no apt-get (install chromium and chromedriver yourself)" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    echo "cannot install chromium: not root and no password-less sudo" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $as_root apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null 2>&1; then
    # The package lists may be missing or stale.
    $as_root apt-get update >/dev/null 2>&1 || true
    if ! $as_root apt-get install -y --no-install-recommends chromium chromium-driver; then
        echo "cannot install chromium: apt-get failed (network?)" >&2
        exit 1
    fi
fi
if have; then
    echo "installed chromium and chromedriver"
    exit 0
fi
echo "apt-get ran, but chromium or chromedriver is still missing" >&2
exit 1
