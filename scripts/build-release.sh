#!/usr/bin/env bash
# Builds hookkit's release binaries the way install.sh ships them, and prints the directory
# they are in (the only line on stdout; cargo's output goes to stderr).
#
#   scripts/build-release.sh                    # every binary: the hooks, rules-lint, hookkit
#   scripts/build-release.sh --bin pretooluse-gate
#
# On Linux with glibc the binaries are linked statically (`-C target-feature=+crt-static`).
# Every tool call starts a hook process, and a dynamically linked one spends about a quarter of
# its life in the dynamic loader: statically linked, the gate answers in 0.75x the time (see
# docs/benchmarks.md). Host name lookups (the review endpoint) still read
# /etc/nsswitch.conf, /etc/hosts and the DNS servers as before. The flag is given for the
# target triple only, so build scripts and proc-macros stay dynamic, and an explicit RUSTFLAGS
# still wins. Elsewhere (macOS, musl) this is a plain `cargo build --release`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
if [ "$#" -eq 0 ]; then
  set -- -p hookkit-bins --bins
fi
# `--version` names the commit; the build script asks git itself when this is not set.
if [ -z "${HOOKKIT_GIT_COMMIT:-}" ] && commit="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null)"; then
  export HOOKKIT_GIT_COMMIT="$commit"
fi

host="$(rustc -vV | sed -n 's/^host: //p')"
case "$host" in
  *-linux-gnu*)
    flags_var="CARGO_TARGET_$(echo "$host" | tr '[:lower:]-' '[:upper:]_')_RUSTFLAGS"
    export "$flags_var=${!flags_var:-} -C target-feature=+crt-static"
    (cd "$repo" && cargo build --release --locked --target "$host" "$@") >&2
    echo "$target_dir/$host/release"
    ;;
  *)
    (cd "$repo" && cargo build --release --locked "$@") >&2
    echo "$target_dir/release"
    ;;
esac
