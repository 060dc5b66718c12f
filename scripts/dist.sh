#!/usr/bin/env bash
# Builds a release archive for this platform and prints its path (the only line on stdout):
#
#   dist/hookkit-<version>-<target>.tar.gz     bin/ (hookkit and the hook binaries), install.sh,
#                                              hooks-examples/, README.md, CHANGELOG.md, docs/,
#                                              SHA256SUMS
#   dist/hookkit-<version>-<target>.tar.gz.sha256
#
#   scripts/dist.sh                    build with scripts/build-release.sh, then package
#   scripts/dist.sh --bin-dir DIR      package binaries that are already built (the tests do)
#   scripts/dist.sh --out DIR          write the archive to DIR instead of dist/
#
# Unpacked, `./install.sh` installs from bin/ without a Rust toolchain and checks SHA256SUMS
# first; the .sha256 file next to the archive is what to publish with it.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BINARIES=(hookkit pretooluse-gate permission-denied-logger defer-for-review rules-lint)

die() { echo "dist.sh: $*" >&2; exit 1; }

bin_dir=""
out="$repo/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a directory"; bin_dir="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a directory"; out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

sha256() { # sha256 FILE...: lines of `<hash>  <file>`
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi
}

version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$repo/Cargo.toml")"
[ -n "$version" ] || die "no version in Cargo.toml's [workspace.package]"
if command -v rustc >/dev/null 2>&1; then
  target="$(rustc -vV | sed -n 's/^host: //p')"
else
  target="$(uname -m)-$(uname -s | tr '[:upper:]' '[:lower:]')"
fi

if [ -z "$bin_dir" ]; then
  bin_dir="$("$repo/scripts/build-release.sh")"
fi
for name in "${BINARIES[@]}"; do
  [ -x "$bin_dir/$name" ] || die "$bin_dir/$name is missing: build first"
done

name="hookkit-$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
mkdir -p "$root/bin"
for binary in "${BINARIES[@]}"; do
  cp -L "$bin_dir/$binary" "$root/bin/$binary"
  chmod 0755 "$root/bin/$binary"
done
cp "$repo/install.sh" "$root/"
cp -R "$repo/hooks-examples" "$root/"
cp "$repo/README.md" "$repo/CHANGELOG.md" "$root/"
[ -d "$repo/docs" ] && cp -R "$repo/docs" "$root/"
(cd "$root" && find bin install.sh -type f | LC_ALL=C sort | while read -r file; do sha256 "$file"; done >SHA256SUMS)

mkdir -p "$out"
out="$(cd "$out" && pwd)"
archive="$out/$name.tar.gz"
tar -C "$stage" -czf "$archive" "$name"
(cd "$out" && sha256 "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$archive"
