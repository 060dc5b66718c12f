#!/usr/bin/env bash
# Audit trail benchmark, through the release `permission-denied-logger`:
#
#   1. append cost on an empty log and on a 1 GiB log (the writer reads only the end of the
#      file, so the ratio should be close to 1), measured against a baseline run of the same
#      binary that appends nothing;
#   2. `report` and `verify` over 1,000,000 records: time, throughput and peak memory.
#
# Needs hyperfine and jq. Writes only under a temporary directory (about 1.5 GB, removed at
# the end). Usage: bench/audit/run.sh [RUNS]   (default 300 hook runs per series)
set -euo pipefail

runs=${1:-300}
root=$(cd "$(dirname "$0")/../.." && pwd)
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin permission-denied-logger
bin="$root/target/release/permission-denied-logger"
work=$(mktemp -d "${TMPDIR:-/tmp}/hookkit-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

denied="$root/tests/fixtures/captures/permissiondenied-bash.json"
# Another event: the same binary, policy-free, and no append. The baseline process cost.
other="$root/tests/fixtures/captures/stop.json"
export HOOKKIT_POLICY="$work/policy.toml"
printf '[audit]\nmax_bytes = 4000000000\n' >"$HOOKKIT_POLICY" # no rotation during the run
export CLAUDE_PROJECT_DIR="$work"

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
echo "== append cost ($runs hook runs per series)"
hyperfine --style none --warmup 20 --runs "$runs" --export-json "$work/append.json" \
	--prepare "rm -f '$work/empty.jsonl'" \
	-n baseline "'$bin' --log '$work/empty.jsonl' < '$other'" \
	-n empty "'$bin' --log '$work/empty.jsonl' < '$denied'" \
	-n 1GiB "'$bin' --log '$work/big.jsonl' < '$denied'" >/dev/null
mean_us() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .mean * 1e6' "$work/append.json"; }
base=$(mean_us baseline)
empty=$(mean_us empty)
big=$(mean_us 1GiB)
awk -v b="$base" -v e="$empty" -v g="$big" 'BEGIN {
	printf "hook run, no append (baseline): %8.0f us\n", b
	printf "hook run, empty log:            %8.0f us  (+%.0f us over baseline)\n", e, e - b
	printf "hook run, 1 GiB log:            %8.0f us  (+%.0f us over baseline)\n", g, g - b
	printf "ratio 1 GiB / empty, whole run: %8.2f\n", g / e
	if (e - b > 0) printf "ratio 1 GiB / empty, above baseline: %.2f\n", (g - b) / (e - b)
}'
tail -n 1 "$work/big.jsonl" | jq -c '{seq, prev: .prev[0:12], hash: .hash[0:12]}'

echo
echo "== reading 1,000,000 records"
# A chained log (so that verify has something to check), in the writer's format, with a mix
# of binaries, tools, decisions, rules and 500 sessions.
python3 - "$work/million.jsonl" <<'PY'
import hashlib, json, sys
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
        out.write(body[:-1] + ',"hash":"' + prev + '"}\n')
PY
echo "million: $(stat -c %s "$work/million.jsonl") bytes"
hyperfine --style none --warmup 1 --runs 5 --export-json "$work/read.json" \
	-n report "'$bin' report --log '$work/million.jsonl'" \
	-n report-json "'$bin' report --json --log '$work/million.jsonl'" \
	-n verify "'$bin' verify --log '$work/million.jsonl'" \
	-n tail-1GiB "'$bin' tail -n 20 --log '$work/big.jsonl'" >/dev/null
for name in report report-json verify tail-1GiB; do
	jq -r --arg n "$name" '.results[] | select(.command == $n) |
		"\(.command): mean \(.mean * 1000 | floor) ms, min \(.min * 1000 | floor) ms"' "$work/read.json"
done
jq -r '.results[] | select(.command == "report") |
	"report throughput: \(1 / .mean * 100 | floor / 100) M records/s"' "$work/read.json"
"$bin" verify --log "$work/million.jsonl" | head -n 1
rss=$(/usr/bin/time -f %M "$bin" report --log "$work/million.jsonl" 2>&1 >/dev/null | tail -n 1)
rss_big=$(/usr/bin/time -f %M "$bin" report --log "$work/big.jsonl" 2>&1 >/dev/null | tail -n 1)
records_big=$(wc -l <"$work/big.jsonl")
echo "report peak memory: ${rss} KiB over 1,000,000 records, ${rss_big} KiB over the 1 GiB log ($records_big records)"
