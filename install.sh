#!/usr/bin/env bash
# Installs hookkit into a Claude Code project (or your user settings): builds the binaries
# unless told not to, then hands over to `hookkit install`, which copies them into
# .claude/hooks/, merges the wiring into the settings, keeps the new files out of git and lints
# the result. No jq or python is needed, and with --no-build no Rust toolchain either.
#
#   ./install.sh                       this project, for this checkout only (settings.local.json)
#   ./install.sh --shared              wire the committed .claude/settings.json (+ .gitignore)
#   ./install.sh --project ~/code/app  another project
#   ./install.sh --user                ~/.claude: every project, with absolute paths
#   ./install.sh --mode auto           opt this project into a mode (in ~/.claude/hookkit.toml)
#   ./install.sh --with-review         also wire defer-for-review (headless claude -p review)
#   ./install.sh --uninstall           take hookkit out again (restores the backup if untouched)
#   ./install.sh --plugin-bin          put the binaries in ./bin for the Claude Code plugin
#                                      (--plugin-dir DIR: another copy of the plugin)
#
# Options: --no-build (never run cargo: use --bin-dir, the bin/ of a release archive, or an
# earlier build), --bin-dir DIR (take the binaries from DIR), --no-logger (leave
# permission-denied-logger out), -h/--help. From an unpacked release archive, nothing is built.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "install.sh: $*" >&2; exit 1; }

project=""
user=0
uninstall=0
build=1
bin_dir=""
plugin_bin=0
plugin_dir="$repo"
forward=()

while [ $# -gt 0 ]; do
  case "$1" in
    --project) [ $# -ge 2 ] || die "--project needs a directory"; project="$2"; shift 2 ;;
    --project=*) project="${1#*=}"; shift ;;
    --user) user=1; forward+=(--user); shift ;;
    --uninstall) uninstall=1; shift ;;
    --no-build) build=0; shift ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a directory"; bin_dir="$2"; shift 2 ;;
    --bin-dir=*) bin_dir="${1#*=}"; shift ;;
    --shared|--with-review|--no-logger) forward+=("$1"); shift ;;
    --mode) [ $# -ge 2 ] || die "--mode needs guard, strict or auto"; forward+=(--mode "$2"); shift 2 ;;
    --mode=*) forward+=(--mode "${1#*=}"); shift ;;
    --plugin-bin) plugin_bin=1; shift ;;
    --plugin-dir) [ $# -ge 2 ] || die "--plugin-dir needs a directory"; plugin_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[ "$user" = 1 ] && [ -n "$project" ] && die "--user and --project exclude each other"
if [ -n "$project" ]; then
  [ -d "$project" ] || die "project directory '$project' does not exist"
  project="$(cd "$project" && pwd)"
fi

# An unpacked release archive (scripts/dist.sh) has bin/ and no sources: nothing to build.
archive=0
if [ -x "$repo/bin/hookkit" ] && [ ! -f "$repo/Cargo.toml" ]; then
  archive=1
  build=0
fi

# Where an earlier build put the binaries: scripts/build-release.sh builds for the host triple
# (statically linked on Linux with glibc), a plain `cargo build --release` builds in release/.
earlier_build() {
  local target_dir="${CARGO_TARGET_DIR:-$repo/target}" dir
  for dir in "$target_dir"/*/release "$target_dir/release"; do
    if [ -x "$dir/hookkit" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# 1. The binaries: --bin-dir, the archive's bin/, a fresh build, or an earlier one.
if [ -n "$bin_dir" ]; then
  src="$(cd "$bin_dir" 2>/dev/null && pwd)" || die "--bin-dir '$bin_dir' does not exist"
elif [ "$archive" = 1 ]; then
  src="$repo/bin"
elif [ "$build" = 1 ] && [ "$uninstall" = 0 ]; then
  command -v cargo >/dev/null 2>&1 ||
    die "cargo is not installed: get Rust from https://rustup.rs, or use a release archive (scripts/dist.sh), or pass --no-build --bin-dir DIR"
  echo "building hookkit (scripts/build-release.sh: cargo build --release --locked)..."
  src="$("$repo/scripts/build-release.sh")"
else
  src="$(earlier_build)" || src=""
fi

# An archive's checksums catch a truncated or corrupted download before anything is copied.
if [ "$archive" = 1 ] && [ -f "$repo/SHA256SUMS" ]; then
  if command -v sha256sum >/dev/null 2>&1; then
    (cd "$repo" && sha256sum --quiet -c SHA256SUMS) || die "the archive's files do not match SHA256SUMS"
  elif command -v shasum >/dev/null 2>&1; then
    (cd "$repo" && shasum -a 256 --quiet -c SHA256SUMS) || die "the archive's files do not match SHA256SUMS"
  fi
fi

# 2. The `hookkit` command does the rest.
hookkit=""
if [ -n "$src" ] && [ -x "$src/hookkit" ]; then
  hookkit="$src/hookkit"
elif [ "$uninstall" = 1 ]; then
  for candidate in "${project:-$PWD}/.claude/hooks/hookkit" "${HOME:-/nonexistent}/.claude/hooks/hookkit"; do
    if [ -x "$candidate" ]; then
      hookkit="$candidate"
      break
    fi
  done
fi
[ -n "$hookkit" ] || die "${src:-the build directory}/hookkit is missing: build first (scripts/build-release.sh), or pass --bin-dir with the directory of hookkit's binaries"

where=()
[ -n "$project" ] && where=(--project-dir "$project")

# (`${a[@]+"${a[@]}"}`: an empty array under `set -u`, for the bash 3.2 of macOS.)
if [ "$plugin_bin" = 1 ]; then
  exec "$hookkit" install --bin-dir "$src" --plugin "$plugin_dir"
fi
if [ "$uninstall" = 1 ]; then
  user_flag=()
  [ "$user" = 1 ] && user_flag=(--user)
  exec "$hookkit" ${where[@]+"${where[@]}"} uninstall ${user_flag[@]+"${user_flag[@]}"}
fi
exec "$hookkit" ${where[@]+"${where[@]}"} install --bin-dir "$src" ${forward[@]+"${forward[@]}"}
