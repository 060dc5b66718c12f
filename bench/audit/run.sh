#!/usr/bin/env bash
# Audit trail benchmark, through the release `permission-denied-logger`:
#
#   1. append cost on an empty log and on a 1 GiB log (the writer reads only the end of the
#      file and the checkpoint, so the ratio should be close to 1), measured against a baseline
#      run of the same binary that appends nothing; every append is sealed with the audit key
#      and updates the log's checkpoint, as in real use;
#   2. `report` and `verify` over 1,000,000 records: time, throughput and peak memory. The
#      records carry MACs made with the audit key and the log has its checkpoint, so `verify`
#      checks all three (chain, MACs, checkpoint).
#
# Needs hyperfine, jq and python3. Writes only under a temporary directory (about 1.5 GB, removed at
# the end). Usage: bench/audit/run.sh [RUNS]   (default 300 hook runs per series)
set -euo pipefail

runs=${1:-300}
root=$(cd "$(dirname "$0")/../.." && pwd)
# Built the way install.sh ships it.
bin="$("$root/scripts/build-release.sh" --bin permission-denied-logger 2>/dev/null)/permission-denied-logger"
work=$(mktemp -d "${TMPDIR:-/tmp}/hookkit-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

denied="$root/tests/fixtures/captures/permissiondenied-bash.json"
# Another event: the same binary, policy-free, and no append. The baseline process cost.
other="$root/tests/fixtures/captures/stop.json"
export CLAUDE_PROJECT_DIR="$work"
# The audit key and the checkpoints go to the state directory under HOME: keep them here.
export HOME="$work/home"
mkdir -p "$HOME/.claude"
# No rotation during the run. The user's own file: a hook reads location and size keys only
# from trusted layers.
printf '[audit]\nmax_bytes = 4000000000\n' >"$HOME/.claude/hookkit.toml"

echo "== building a 1 GiB log of real records"
for _ in $(seq 2000); do "$bin" --log "$work/block.jsonl" <"$denied" >/dev/null; done
block_bytes=$(stat -c %s "$work/block.jsonl")
block_records=$(wc -l <"$work/block.jsonl")
target=$((1024 * 1024 * 1024))
: >"$work/big.jsonl"
while [ "$(stat -c %s "$work/big.jsonl")" -lt "$target" ]; do
	cat "$work/block.jsonl" >>"$work/big.jsonl"
done
big_bytes=$(stat -c %s "$work/big.jsonl")
echo "block: $block_records records, $block_bytes bytes ($((block_bytes / block_records)) bytes a record)"
echo "big:   $big_bytes bytes"

echo
echo "== append cost ($runs hook runs per series, interleaved, medians)"
# The series run in turn (baseline, new, empty, 1 GiB, baseline, ...) so that load from other
# processes falls on all of them alike, and medians ignore the spikes.
python3 - "$bin" "$work" "$denied" "$other" "$runs" <<'PY'
import hashlib, os, statistics, subprocess, sys, time
binary, work, denied, other, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
fresh = os.path.join(work, "fresh.jsonl")
small = os.path.join(work, "small.jsonl")
big = os.path.join(work, "big.jsonl")
series = {
    "baseline": (small, other),   # same binary, another event: no policy, no append
    "new": (fresh, denied),       # the log is removed before each run: create + first append
    "empty": (small, denied),     # starts empty, ends with a few hundred records
    "1GiB": (big, denied),
}
payloads = {path: open(path, "rb").read() for path in (denied, other)}
times = {name: [] for name in series}
for round in range(runs + 10):
    for name, (log, payload) in series.items():
        if name == "new" and os.path.exists(fresh):
            # A new log: its checkpoint goes too (else the append reports a deleted log).
            os.remove(fresh)
            heads = os.path.join(os.environ["HOME"], ".local/state/hookkit/audit-heads")
            head = os.path.join(heads, hashlib.sha256(os.path.realpath(fresh).encode()).hexdigest())
            if os.path.exists(head):
                os.remove(head)
        start = time.perf_counter_ns()
        subprocess.run([binary, "--log", log], input=payloads[payload], stdout=subprocess.DEVNULL, check=True)
        elapsed = (time.perf_counter_ns() - start) / 1000
        if round >= 10:  # warm-up rounds are not counted
            times[name].append(elapsed)
median = {name: statistics.median(values) for name, values in times.items()}
b, n, e, g = median["baseline"], median["new"], median["empty"], median["1GiB"]
print(f"hook run, another event (baseline): {b:8.0f} us")
print(f"hook run, new log each time:        {n:8.0f} us  (+{n - b:.0f} us over baseline)")
print(f"hook run, empty log growing to {runs + 10} records: {e:8.0f} us  (+{e - b:.0f} us over baseline)")
print(f"hook run, 1 GiB log:                {g:8.0f} us  (+{g - b:.0f} us over baseline)")
print(f"ratio 1 GiB / empty, whole run:     {g / e:8.2f}")
if e - b > 0:
    print(f"ratio 1 GiB / empty, above baseline: {(g - b) / (e - b):.2f}")
PY
tail -n 1 "$work/big.jsonl" | jq -c '{seq, prev: .prev[0:12], hash: .hash[0:12]}'

echo
echo "== reading 1,000,000 records"
# A chained log (so that verify has something to check), in the writer's format, with a mix
# of binaries, tools, decisions, rules and 500 sessions.
python3 - "$work/million.jsonl" "$HOME/.local/state/hookkit" <<'PY'
import hashlib, hmac, json, os, sys
state = sys.argv[2]
key = bytes.fromhex(open(os.path.join(state, "audit.key")).read().strip())
tools = ["Bash", "Bash", "Bash", "Write", "Edit", "Read", "WebFetch", "mcp__github__create_issue"]
decisions = ["allow", "allow", "allow", "allow", "deny", "ask", "denied", "defer"]
rules = ["fs.delete-outside", "git.push", "net.unlisted-host", "auto-mode", "deploy.prod", None]
prev = "0" * 64
with open(sys.argv[1], "w") as out:
    for seq in range(1, 1_000_001):
        record = {
            "time": "2026-11-%02dT%02d:%02d:%02d.%06dZ" % (1 + seq // 50_000, seq // 3600 % 24, seq // 60 % 60, seq % 60, seq % 1_000_000),
            "version": "0.1.0", "binary": "pretooluse-gate", "event": "PreToolUse",
            "session_id": "session-%04d" % (seq % 500), "tool_use_id": "toolu_%012d" % seq,
            "cwd": "/home/dev/projects/acme-api", "permission_mode": "auto",
            "tool": tools[seq % len(tools)], "input": "cargo test --workspace -- --nocapture %d" % seq,
            "input_sha256": hashlib.sha256(b"%d" % seq).hexdigest(),
            "decision": decisions[seq % len(decisions)],
        }
        rule = rules[seq % len(rules)]
        if rule:
            record.update(rule_id=rule, rule_source="built-in")
        record.update(reason="a reason of ordinary length for a decision", latency_us=120, seq=seq, prev=prev)
        body = json.dumps(record, separators=(",", ":"))
        prev = hashlib.sha256(body.encode()).hexdigest()
        mac = hmac.new(key, prev.encode(), hashlib.sha256).hexdigest()
        out.write(body[:-1] + ',"hash":"' + prev + '","mac":"' + mac + '"}\n')
# The checkpoint hookkit would have written after the last append.
name = hashlib.sha256(os.path.realpath(sys.argv[1]).encode()).hexdigest()
with open(os.path.join(state, "audit-heads", name), "w") as head:
    head.write("%d:%s\n" % (seq, prev))
PY
echo "million: $(stat -c %s "$work/million.jsonl") bytes"
# Best of 3 runs, elapsed and CPU (user + sys) time: on a shared machine the elapsed time
# depends on the load; the CPU time is what the command costs.
measure() {
	local name=$1 best=""
	shift
	for _ in 1 2 3; do
		/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
		read -r elapsed user sys rss <"$work/time"
		line=$(awk -v e="$elapsed" -v u="$user" -v s="$sys" -v m="$rss" \
			'BEGIN { printf "%.3f %.3f %d", e, u + s, m }')
		if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN { split(a, x); split(b, y); exit !(x[1] < y[1]) }'; then
			best=$line
		fi
	done
	read -r elapsed cpu rss <<<"$best"
	printf "%-34s elapsed %6.2f s, cpu %5.2f s, peak memory %6d KiB\n" "$name" "$elapsed" "$cpu" "$rss"
}
measure "report (1,000,000 records)" "$bin" report --log "$work/million.jsonl"
measure "report --json (1,000,000 records)" "$bin" report --json --log "$work/million.jsonl"
measure "report --since (last 2 of 21 days)" "$bin" report --since 2026-11-20 --log "$work/million.jsonl"
measure "verify (1,000,000 records)" "$bin" verify --log "$work/million.jsonl"
measure "tail -n 20 (1 GiB log)" "$bin" tail -n 20 --log "$work/big.jsonl"
records_big=$(wc -l <"$work/big.jsonl")
measure "report (1 GiB log, $records_big records)" "$bin" report --log "$work/big.jsonl"
"$bin" verify --log "$work/million.jsonl" | sed -n 1,3p
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
