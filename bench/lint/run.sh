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
  # Built the way install.sh ships it.
  lint="$("$root/scripts/build-release.sh" --bin rules-lint 2>/dev/null)/rules-lint"
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

# Prints "wall-median-ms cpu-mean-ms" for a command: the wall median is the figure; the CPU
# time (user + system) is steadier on a loaded machine, where the wall time also counts waiting
# for a core.
measure() {
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/h.json" "$*" >/dev/null 2>&1 || true
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f" % (r["median"]*1000, (r["user"]+r["system"])*1000))' "$work/h.json"
  else
    python3 - "$runs" "$@" <<'PY'
import os, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times, cpu = [], []
for _ in range(runs):
    before = os.times(); t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t); after = os.times()
    cpu.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
print("%.2f %.2f" % (statistics.median(times) * 1000, statistics.mean(cpu) * 1000))
PY
  fi
}

read -r base base_cpu < <(measure "$lint" --version)
read -r full full_cpu < <(measure "$lint" --format json)
python3 - "$base" "$full" "$base_cpu" "$full_cpu" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')" <<'PY'
import sys
base, full, base_cpu, full_cpu = map(float, sys.argv[1:5])
print(f"baseline  rules-lint --version        wall median {base:8.2f} ms   cpu {base_cpu:6.2f} ms")
print(f"lint      3 files x 300 rules          wall median {full:8.2f} ms   cpu {full_cpu:6.2f} ms"
      f"  (wall x{full / base:.1f} the baseline, +{full - base:.2f} ms)")
print(f"budget    50 ms: {'within' if full < 50 else 'OVER'} (load average {sys.argv[5]})")
PY
