#!/usr/bin/env bash
# Installs the Claude Code CLI the end-to-end suite is pinned to, idempotently, and prints the
# path of its native binary on the last line of stdout:
#
#   export HOOKKIT_E2E_CLAUDE="$(tests/e2e/install-claude.sh | tail -n 1)"
#
# Cache: $HOOKKIT_E2E_CACHE, default $HOME/.cache/hookkit-e2e/claude-<version>. With
# HOOKKIT_E2E_CLAUDE already pointing at a working binary of that version, nothing is done.
#
# When npm is installed but the registry cannot be reached, the script writes the marker file
# <cache>/npm-unreachable and exits 0 without a path: the suite then skips instead of failing,
# even in CI. Every other failure (no npm, a broken download, a wrong version) exits 1.
set -euo pipefail

VERSION=2.1.332
PACKAGE=@anthropic-ai/claude-code
cache="${HOOKKIT_E2E_CACHE:-${HOME:?HOME is not set}/.cache/hookkit-e2e/claude-$VERSION}"
marker="$cache/npm-unreachable"

say() { echo "install-claude: $*" >&2; }

is_pinned() { # is_pinned BINARY
  [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "^$VERSION "
}

find_native() {
  local candidate
  for candidate in "$cache"/node_modules/@anthropic-ai/claude-code-linux-x64/claude \
    "$cache"/node_modules/@anthropic-ai/claude-code-linux-x64-musl/claude \
    "$cache"/node_modules/@anthropic-ai/claude-code-linux-arm64/claude \
    "$cache"/node_modules/@anthropic-ai/claude-code-linux-arm64-musl/claude \
    "$cache"/node_modules/@anthropic-ai/claude-code-darwin-*/claude; do
    if is_pinned "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if [ -n "${HOOKKIT_E2E_CLAUDE:-}" ] && is_pinned "$HOOKKIT_E2E_CLAUDE"; then
  say "using HOOKKIT_E2E_CLAUDE ($HOOKKIT_E2E_CLAUDE)"
  echo "$HOOKKIT_E2E_CLAUDE"
  exit 0
fi

if native="$(find_native)"; then
  rm -f "$marker"
  say "Claude Code $VERSION already installed"
  echo "$native"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { say "npm is not installed; install Node.js (npm) first"; exit 1; }

mkdir -p "$cache"
if ! npm ping >/dev/null 2>&1 && ! npm view "$PACKAGE@$VERSION" version >/dev/null 2>&1; then
  say "the npm registry cannot be reached; recording $marker so the suite skips"
  echo "npm registry unreachable at $(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$marker"
  exit 0
fi

say "installing $PACKAGE@$VERSION into $cache (about 370 MB)"
[ -f "$cache/package.json" ] || echo '{"private": true}' >"$cache/package.json"
# --ignore-scripts: the package's postinstall would fetch more; the native binary in the
# platform package is all the suite runs. Node older than 22 prints EBADENGINE: harmless.
(cd "$cache" && npm install --ignore-scripts --no-audit --no-fund --save-exact \
  "$PACKAGE@$VERSION" >&2)

if native="$(find_native)"; then
  rm -f "$marker"
  say "installed: $("$native" --version)"
  echo "$native"
else
  say "npm finished but no native claude $VERSION binary was found under $cache/node_modules"
  exit 1
fi
