#!/usr/bin/env bash
# Runs every fuzz target for a set time, two at a time, at the lowest CPU priority, and copies
# what they find (crashes, hangs, out-of-memory inputs) to tests/fixtures/robust/<target>/,
# where the regression tests replay them.
#
#   fuzz/run.sh [seconds] [target...]     # default: 600 seconds, every target in Cargo.toml
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); the targets are built
# with `cargo +nightly fuzz build` (address sanitizer, debug assertions) and run directly. Each target starts
# from its committed seeds (fuzz/seeds/<target>/) plus the corpus of earlier runs
# (fuzz/corpus/<target>/, not committed). libFuzzer runs in fork mode and carries on after a
# finding, so one run reports every distinct failure it meets.
set -euo pipefail

seconds="${1:-600}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
parallel="${HOOKKIT_FUZZ_JOBS:-2}"

# HOOKKIT_FUZZ_PREBUILT=1 runs the binaries of the last build as they are.
if [ -z "${HOOKKIT_FUZZ_PREBUILT:-}" ]; then
    nice -n 19 cargo +nightly fuzz build
fi
bin_dir="$here/target/x86_64-unknown-linux-gnu/release"

mkdir -p logs
run_one() {
    local target="$1"
    mkdir -p "corpus/$target" "artifacts/$target" "seeds/$target"
    local started
    started=$(date +%s)
    nice -n 19 "$bin_dir/$target" "corpus/$target" "seeds/$target" \
        -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=2 \
        -max_len=65536 -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="artifacts/$target/" >"logs/$target.log" 2>&1 || true
    local ran=$(($(date +%s) - started))
    local execs
    execs=$(grep -oE '^#[0-9]+' "logs/$target.log" | tail -1 | tr -d '#')
    local found
    found=$(find "artifacts/$target" -type f | wc -l)
    mkdir -p "$root/tests/fixtures/robust/$target"
    find "artifacts/$target" -type f -exec cp {} "$root/tests/fixtures/robust/$target/" \;
    printf '%-16s ran %5ss  %10s execs  %3s finding(s)\n' "$target" "$ran" "${execs:-?}" "$found"
}

running=0
for target in "${targets[@]}"; do
    run_one "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
