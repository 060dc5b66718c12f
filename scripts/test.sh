#!/usr/bin/env bash
# The whole test suite, end-to-end tests with the real Claude Code CLI included:
#
#   scripts/test.sh [cargo test arguments...]
#
# 1. Installs the Claude Code CLI the end-to-end tests are pinned to (tests/e2e/install-claude.sh,
#    into ~/.cache/hookkit-e2e; nothing is done when it is there already).
# 2. Runs `cargo test --workspace --locked`.
#
# When the CLI cannot be installed (npm missing, or its registry unreachable), the end-to-end
# scenarios that need it are skipped, and listed at the end as SKIPPED: a skipped test is not
# reported as passed. With CI=true a missing CLI fails instead, unless npm's registry was
# unreachable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

claude=""
why=""
if [ -n "${HOOKKIT_E2E_CLAUDE:-}" ] || command -v npm >/dev/null 2>&1; then
  claude="$(tests/e2e/install-claude.sh | tail -n 1)" ||
    { echo "test.sh: installing the Claude Code CLI failed (see above)" >&2; exit 1; }
  [ -n "$claude" ] || why="npm's registry cannot be reached"
else
  why="npm is not installed"
fi
[ -n "$claude" ] && export HOOKKIT_E2E_CLAUDE="$claude"

skipped="$(mktemp)"
trap 'rm -f "$skipped"' EXIT
export HOOKKIT_E2E_SKIPPED="$skipped"
cargo test --workspace --locked "$@"

if [ -s "$skipped" ]; then
  count="$(sort -u "$skipped" | wc -l | tr -d ' ')"
  echo
  echo "SKIPPED: $count end-to-end test(s) need the Claude Code CLI, which is not installed (${why:-see tests/e2e/install-claude.sh}):"
  sort -u "$skipped" | sed 's/^/  /'
else
  echo
  echo "every test ran (Claude Code CLI: ${claude:-not needed})"
fi
