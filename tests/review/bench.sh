#!/bin/sh
# Latency of defer-for-review per hook call, as a ratio against pretooluse-gate measured in the
# same run. Usage: tests/review/bench.sh [BIN_DIR] [RUNS]   (BIN_DIR defaults to target/release)
set -eu
bin_dir=${1:-target/release}
runs=${2:-200}
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project" "$work/home"
export HOME="$work/home" CLAUDE_PROJECT_DIR="$work/project" CLAUDE_CODE_ENTRYPOINT=sdk-cli
quiet=$(mktemp -p "$work")
sed 's/"rm -rf build"/"git status"/' "$fixtures/captures/pretooluse-bash-rm.json" > "$quiet"

# Seconds for $runs calls of "$@" with stdin from $payload.
time_calls() {
    start=$(date +%s%N)
    i=0
    while [ "$i" -lt "$runs" ]; do
        "$@" < "$payload" > /dev/null
        i=$((i + 1))
    done
    end=$(date +%s%N)
    echo $(( (end - start) / runs / 1000 ))
}

# A queue of 500 decided items, as a long-lived project accumulates.
mkdir -p "$work/project/.claude/reviews"
n=0
while [ "$n" -lt 500 ]; do
    id=$(printf '%06x' "$n")
    printf '{"id":"%s","status":"denied","session_id":"old","tool_use_id":"old_%s","cwd":"/","permission_mode":null,"tool":"Bash","summary":"x","input":{},"input_sha256":"0","rule":"r","risk":null,"reason":"r","queued_at":"2026-01-01T00:00:00.000Z","last_answer":"deny"}\n' "$id" "$n" > "$work/project/.claude/reviews/$id.json"
    n=$((n + 1))
done

payload=$quiet
gate=$(time_calls "$bin_dir/pretooluse-gate")
no_review=$(time_calls "$bin_dir/defer-for-review")
payload=$fixtures/captures/pretooluse-bash-rm.json
# Every call re-defers the same pending item: queue scan, lock, update, audit.
defer=$(time_calls "$bin_dir/defer-for-review")
echo "pretooluse-gate (baseline)          ${gate} us/call"
echo "defer-for-review, no review needed  ${no_review} us/call  ratio $(echo "scale=2; $no_review / $gate" | bc)"
echo "defer-for-review, defer (500 items) ${defer} us/call  ratio $(echo "scale=2; $defer / $gate" | bc)"

# With signed decisions (binaries that have `keygen`): the resumed call carries an approval,
# which is verified (Ed25519), bound to the call and checked against the used-approvals
# directory on every run (the first run uses it; the rest are replays, denied after the same
# checks).
if "$bin_dir/defer-for-review" --help 2>/dev/null | grep -q keygen; then
    "$bin_dir/defer-for-review" keygen --no-passphrase > /dev/null 2>&1
    pending=$(grep -l '"status": "pending"' "$work/project/.claude/reviews/"*.json | head -n 1)
    id=$(basename "$pending" .json)
    USER=bench "$bin_dir/defer-for-review" approve "$id" > /dev/null
    signed=$(time_calls "$bin_dir/defer-for-review")
    echo "defer-for-review, signed decision   ${signed} us/call  ratio $(echo "scale=2; $signed / $gate" | bc)"
fi
