#!/usr/bin/env bash
# Measures rules-lint on three settings layers of 300 permission rules each (user, project,
# local: 900 rules, found by discovery as in a real project) against `rules-lint --version`
# (process start and argument parsing only), in the same run, and prints both medians, the
# difference (the lint's own cost) and the ratio. The budget is 50 ms for the whole run.
#
#   bench/lint/run.sh              # builds release, runs hyperfine (or a loop timer without it)
#   RUNS=200 bench/lint/run.sh     # more runs
#   PROFILE=dev bench/lint/run.sh  # the debug build, for a quick look
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
runs="${RUNS:-100}"
profile="${PROFILE:-release}"

if [ "$profile" = release ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin rules-lint
  lint="$root/target/release/rules-lint"
else
  cargo build --quiet --manifest-path "$root/Cargo.toml" --bin rules-lint
  lint="$root/target/debug/rules-lint"
fi

mkdir -p "$work/home" "$work/project"
python3 "$root/bench/lint/gen.py" "$work/home" "$work/project"
export HOME="$work/home" CLAUDE_PROJECT_DIR="$work/project"
cd "$work/project"

# Sanity: the lint reads the three files and finds the seeded problems.
"$lint" --format json > "$work/out.json" || true
files=$(grep -c '"layer"' "$work/out.json")
findings=$(grep -c '"id": "HK' "$work/out.json")
echo "rules-lint ($profile): 3 settings files found: $files, 900 rules, findings: $findings"

median_ms() { # command...
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" "$*" >/dev/null 2>&1 || true
    python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/h.json"
  else
    python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); times.append(time.perf_counter() - t)
print("%.2f" % (statistics.median(times) * 1000))
PY
  fi
}

base=$(median_ms "$lint" --version)
full=$(median_ms "$lint" --format json)
python3 - "$base" "$full" <<'PY'
import sys
base, full = float(sys.argv[1]), float(sys.argv[2])
print(f"baseline  rules-lint --version        median {base:8.2f} ms")
print(f"lint      3 files x 300 rules          median {full:8.2f} ms  (x{full / base:.1f} the baseline, +{full - base:.2f} ms)")
print(f"budget    50 ms: {'within' if full < 50 else 'OVER'}")
PY
