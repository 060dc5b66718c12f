#!/usr/bin/env bash
# Benchmarks the built-in classifier.
#
# 1. Instructions per call under callgrind, for four typical inputs, minus a baseline run of
#    the same binary that classifies nothing (process start, argument handling, allocator).
# 2. Wall time per call for the largest inputs: the largest accepted dense command, the largest
#    accepted here-document, a 1 MiB command (refused as too long) and 10,000 nested `$(`.
#
# Usage: bench/classify/run.sh   (builds the `classify_bench` example with the profiling profile)
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --quiet --profile profiling -p hookkit --example classify_bench
bin=target/profiling/examples/classify_bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$out/$1.cg" "$bin" "$1" >/dev/null 2>"$out/$1.log"
    grep -E '^summary:|^totals:' "$out/$1.cg" | head -1 | awk '{print $2}'
}

baseline=$(instructions empty)
printf '%-12s %12s\n' "baseline" "$baseline"
printf '%-12s %12s %14s %8s\n' "case" "total" "per call" "goal"
for case in git-status rm-root compound python-c; do
    total=$(instructions "$case")
    per_call=$((total - baseline))
    status=$([ "$per_call" -lt 3000000 ] && echo ok || echo OVER)
    printf '%-12s %12s %14s %8s\n' "$case" "$total" "$per_call" "$status (<3M)"
done

echo
echo "wall time (goal: every input answered in < 50 ms)"
for case in max-dense heredoc-500k one-mib nested-10k; do
    printf '%-14s %s\n' "$case" "$("$bin" --time "$case")"
done
