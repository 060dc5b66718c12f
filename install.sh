#!/usr/bin/env bash
# Builds hookkit and wires its hooks into a Claude Code project (or your user settings).
#
#   ./install.sh                       build, then wire into the current directory's project
#   ./install.sh --project ~/code/app  wire into another project
#   ./install.sh --user                wire into ~/.claude (every project), absolute paths
#   ./install.sh --with-review         also wire defer-for-review (headless claude -p review)
#   ./install.sh --uninstall           take hookkit out again (restores the backup if untouched)
#   ./install.sh --plugin-bin          put the binaries in ./bin for the Claude Code plugin
#                                      (--plugin-dir DIR: another copy of the plugin)
#
# Options: --no-build (use binaries already built), --bin-dir DIR (take the binaries from DIR),
# --no-logger (leave permission-denied-logger out), -h/--help.
#
# The settings merge is done by the `hookkit-wiring` helper (Rust, built with the hooks), so no
# jq or python is needed. Your settings.json is backed up to settings.json.hookkit-backup before
# the first change; running the script twice changes nothing.
set -euo pipefail

BINARIES=(pretooluse-gate permission-denied-logger defer-for-review rules-lint)
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

project=""
user=0
uninstall=0
build=1
bin_dir=""
with_review=0
with_logger=1
plugin_bin=0
plugin_dir="$repo"

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --project) [ $# -ge 2 ] || die "--project needs a directory"; project="$2"; shift 2 ;;
    --project=*) project="${1#*=}"; shift ;;
    --user) user=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --no-build) build=0; shift ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a directory"; bin_dir="$2"; shift 2 ;;
    --bin-dir=*) bin_dir="${1#*=}"; shift ;;
    --with-review) with_review=1; shift ;;
    --no-logger) with_logger=0; shift ;;
    --plugin-bin) plugin_bin=1; shift ;;
    --plugin-dir) [ $# -ge 2 ] || die "--plugin-dir needs a directory"; plugin_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[ "$user" = 1 ] && [ -n "$project" ] && die "--user and --project exclude each other"

target_dir="${CARGO_TARGET_DIR:-$repo/target}"

# 1. The binaries: build them, or take them from --bin-dir / an earlier build.
if [ "$uninstall" = 0 ] && [ "$build" = 1 ]; then
  command -v cargo >/dev/null 2>&1 ||
    die "cargo is not installed: get Rust from https://rustup.rs, or pass --no-build --bin-dir DIR"
  echo "building hookkit (scripts/build-release.sh: cargo build --release --locked)..."
  built_dir="$("$repo/scripts/build-release.sh")"
fi

# Where an earlier build put the binaries: scripts/build-release.sh builds for the host triple
# on Linux with glibc (statically linked), a plain `cargo build --release` builds in release/.
earlier_build() {
  local host=""
  command -v rustc >/dev/null 2>&1 && host="$(rustc -vV | sed -n 's/^host: //p')"
  if [ -n "$host" ] && [ -x "$target_dir/$host/release/pretooluse-gate" ]; then
    echo "$target_dir/$host/release"
  else
    echo "$target_dir/release"
  fi
}
src="${bin_dir:-${built_dir:-$(earlier_build)}}"

# The settings merge helper: next to the binaries, or built by cargo as an example.
find_wiring() {
  local candidate
  for candidate in "${HOOKKIT_WIRING:-}" "$src/hookkit-wiring" "$src/examples/hookkit-wiring" \
    "$(earlier_build)/examples/hookkit-wiring" "$target_dir/debug/examples/hookkit-wiring"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v cargo >/dev/null 2>&1; then
    local dir
    dir="$("$repo/scripts/build-release.sh" -p hookkit --example hookkit-wiring)" || return 1
    echo "$dir/examples/hookkit-wiring"
    return 0
  fi
  return 1
}

copy_binaries() { # copy_binaries DEST
  local dest="$1" name
  for name in "${BINARIES[@]}"; do
    [ -x "$src/$name" ] || die "$src/$name is missing: build first (scripts/build-release.sh) or pass --bin-dir"
  done
  mkdir -p "$dest"
  for name in "${BINARIES[@]}"; do
    # Copy then rename, so a hook that is running right now keeps its old file.
    cp -L "$src/$name" "$dest/.$name.hookkit-tmp"
    chmod 0755 "$dest/.$name.hookkit-tmp"
    mv -f "$dest/.$name.hookkit-tmp" "$dest/$name"
  done
}

# 2. The plugin layout only needs the binaries under ./bin.
if [ "$plugin_bin" = 1 ]; then
  [ -f "$plugin_dir/.claude-plugin/plugin.json" ] || die "$plugin_dir has no .claude-plugin/plugin.json"
  copy_binaries "$plugin_dir/bin"
  echo "plugin binaries installed in $plugin_dir/bin"
  echo "try it:   claude --plugin-dir $plugin_dir"
  exit 0
fi

# 3. Where to wire.
if [ "$user" = 1 ]; then
  [ -n "${HOME:-}" ] || die "HOME is not set"
  claude_dir="$HOME/.claude"
else
  project="${project:-$PWD}"
  [ -d "$project" ] || die "project directory '$project' does not exist"
  project="$(cd "$project" && pwd)"
  claude_dir="$project/.claude"
fi
hooks_dir="$claude_dir/hooks"
settings="$claude_dir/settings.json"

wiring="$(find_wiring)" || die "the hookkit-wiring helper is not built and cargo is missing"

if [ "$uninstall" = 1 ]; then
  "$wiring" uninstall --settings "$settings"
  for name in "${BINARIES[@]}"; do
    rm -f "$hooks_dir/$name"
  done
  rmdir "$hooks_dir" 2>/dev/null || true
  echo "hookkit removed from $claude_dir"
  exit 0
fi

copy_binaries "$hooks_dir"
echo "binaries installed in $hooks_dir"

wire_args=(install --settings "$settings")
[ "$user" = 1 ] && wire_args+=(--bin-dir "$hooks_dir")
[ "$with_review" = 1 ] && wire_args+=(--with-review)
[ "$with_logger" = 0 ] && wire_args+=(--no-logger)
"$wiring" "${wire_args[@]}"

# 4. Lint what we wired: findings (exit 1) are reported, a usage error (exit 2) or a crash is
#    fatal. A rules-lint without a command line (an early build) cannot lint and is skipped.
lint="$hooks_dir/rules-lint"
if "$lint" --help </dev/null >/dev/null 2>&1; then
  set +e
  # The linter resolves "$CLAUDE_PROJECT_DIR" in the wired commands against the project.
  lint_output="$(CLAUDE_PROJECT_DIR="${project:-$PWD}" "$lint" "$settings" </dev/null 2>&1)"
  lint_status=$?
  set -e
  case "$lint_status" in
    0) echo "rules-lint: no errors in $settings"
       [ -n "$lint_output" ] && echo "$lint_output" ;;
    1) echo "rules-lint found issues in $settings (hookkit is installed; review them):"
       echo "$lint_output" ;;
    *) echo "$lint_output" >&2
       die "rules-lint failed on $settings (exit $lint_status)" ;;
  esac
else
  echo "rules-lint: skipped (this build of rules-lint cannot lint files)"
fi

echo "hookkit is wired into $settings"
[ "$with_review" = 1 ] && echo "review queue: .claude/reviews (defer-for-review list | approve ID | deny ID)"
echo "undo with: $0 --uninstall${project:+ --project $project}$( [ "$user" = 1 ] && echo ' --user')"
