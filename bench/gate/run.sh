#!/usr/bin/env bash
# Measures pretooluse-gate's wall time per call against a floor binary that only reads stdin
# and prints `{}`, on typical payloads, and prints the medians side by side with their ratio.
#
# The gate is built the way install.sh ships it (scripts/build-release.sh: statically linked on
# Linux with glibc). The floor is built twice: the way rustc builds any program (dynamically
# linked: the floor every hook is measured against), and linked the same way as the gate, so
# that the second ratio is the cost of the gate's own work alone.
#
#   bench/gate/run.sh            # builds release, runs hyperfine (or a loop timer without it)
#   RUNS=500 bench/gate/run.sh   # more runs per payload
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
runs="${RUNS:-300}"

gate="$("$root/scripts/build-release.sh" --bin pretooluse-gate 2>/dev/null)/pretooluse-gate"
floor="$work/floor"
rustc --edition 2024 -O -C strip=symbols -o "$floor" "$root/bench/gate/floor.rs"
# Linked like the gate; where static linking does not apply, the same as the floor.
floor_alike="$work/floor-alike"
# scripts/build-release.sh links statically exactly when it builds for a linux-gnu triple.
linking="dynamically linked"
if [[ "$gate" == */*-linux-gnu*/release/* ]]; then
  linking="statically linked"
  rustc --edition 2024 -O -C strip=symbols -C target-feature=+crt-static -o "$floor_alike" "$root/bench/gate/floor.rs"
else
  cp "$floor" "$floor_alike"
fi
timer="$work/timer"
rustc --edition 2024 -O -o "$timer" "$root/bench/gate/timer.rs"

# A project and home of their own, so no real policy file or state is read or written.
mkdir -p "$work/home" "$work/project/.claude"
export HOME="$work/home" CLAUDE_PROJECT_DIR="$work/project"
cat > "$work/project/.claude/hookkit.toml" <<'TOML'
[permissions]
deny = ["Bash(curl:*)", "Read(./.env)"]
ask = ["Bash(git push:*)"]
allow = ["Bash(npm run test:*)", "mcp__github__get_*"]

[[rule]]
id = "deploy.prod"
program = "kubectl"
command_regex = '--context[= ]prod'
decision = "deny"
TOML

payload() { # name tool input-json
  printf '{"session_id":"bench","transcript_path":"","cwd":"%s","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"%s","tool_input":%s,"tool_use_id":"toolu_bench"}\n' \
    "$work/project" "$2" "$3" > "$work/$1.json"
}
payload git-status Bash '{"command":"git status","description":"Show status"}'
payload rm-rf Bash '{"command":"rm -rf /","description":"Remove everything"}'
payload write Write "{\"file_path\":\"$work/project/src/main.rs\",\"content\":\"fn main() {}\\n\"}"
payload mcp mcp__github__create_issue '{"owner":"acme","repo":"widgets","title":"Flaky test","body":"fails"}'
# An event the gate ignores: the cost of the binary and the runner alone, no policy work.
printf '{"session_id":"bench","transcript_path":"","cwd":"%s","hook_event_name":"Stop","stop_hook_active":false}\n' \
  "$work/project" > "$work/ignored-event.json"
names=(git-status rm-rf write mcp ignored-event)

if command -v hyperfine >/dev/null && hyperfine --help | grep -q -- '--input'; then
  how="hyperfine -N --input"
else
  how="loop timer (bench/gate/timer.rs, runs interleaved; hyperfine here has no --input)"
fi

medians_ms() { # payload -> "gate floor floor-alike" median milliseconds per call
  if [[ "$how" == hyperfine* ]]; then
    hyperfine --runs "$runs" --warmup 20 -N --input "$1" --export-json "$work/h.json" "$gate" "$floor" "$floor_alike" >/dev/null 2>&1
    python3 -c 'import json,sys; print(" ".join("%.3f" % (r["median"]*1000) for r in json.load(open(sys.argv[1]))["results"]))' "$work/h.json"
  else
    "$timer" "$runs" "$1" "$gate" "$floor" "$floor_alike"
  fi
}

echo "median wall time per call, $runs runs each, measured with $how"
echo "floor: reads stdin and prints {} (rustc -O); floor-alike: the same, $linking like the gate"
printf '%-14s %10s %11s %8s %18s %8s\n' payload "gate (ms)" "floor (ms)" ratio "floor-alike (ms)" ratio
for name in "${names[@]}"; do
  read -r g f a < <(medians_ms "$work/$name.json")
  printf '%-14s %10s %11s %8s %18s %8s\n' "$name" "$g" "$f" "$(python3 -c "print('%.2fx' % ($g / $f))")" \
    "$a" "$(python3 -c "print('%.2fx' % ($g / $a))")"
done
echo "decisions:"
for name in "${names[@]}"; do
  printf '  %-14s %s\n' "$name" "$("$gate" < "$work/$name.json")"
done
