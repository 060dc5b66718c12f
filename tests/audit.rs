//! The audit trail through the real `permission-denied-logger`: concurrent appends stay whole
//! and chained, every kind of tampering is caught by `verify`, rotation keeps the chain, and the
//! `report` and `tail` outputs people read.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hookkit::audit::{self, Record, Trail};
use hookkit::locations::DEFAULT_AUDIT_MAX_BYTES;
use serde_json::Value;

use crate::logger::LOGGER;
use crate::util::{Run, Sandbox, fixture_path};

/// Logs that are links, hard links, FIFOs or someone else's: never written, never read.
mod links;
/// Each way of rewriting a trail, caught by the key and the checkpoint.
mod tamper;
/// A log from before sealing: moved aside, never continued; `verify` says what it is.
mod upgrade;

/// Environment variable that turns [`append_worker`] into a helper process.
const WORKER_LOG: &str = "HOOKKIT_TEST_APPEND_WORKER_LOG";
/// The state directory (key and checkpoints) the helper appends with.
const WORKER_STATE: &str = "HOOKKIT_TEST_APPEND_WORKER_STATE";
/// The rotation size the helper appends with.
const WORKER_MAX_BYTES: &str = "HOOKKIT_TEST_APPEND_WORKER_MAX_BYTES";
/// How many records the helper appends.
const WORKER_COUNT: &str = "HOOKKIT_TEST_APPEND_WORKER_COUNT";
const PROCESSES: usize = 64;
const APPENDS_PER_PROCESS: usize = 100;

pub(crate) fn record(n: usize) -> Record {
    Record {
        binary: "audit-test".into(),
        event: "PreToolUse".into(),
        session_id: format!("session-{}", n % 3),
        cwd: "/project".into(),
        tool: Some("Bash".into()),
        input: Some(serde_json::json!({ "command": format!("echo {n}") })),
        decision: if n.is_multiple_of(2) { "deny" } else { "ask" }.into(),
        rule_id: Some(format!("rule-{}", n % 4)),
        reason: Some(format!("reason {n}")),
        ..Record::default()
    }
}

/// hookkit's state directory in a sandbox, where a person's `verify` (with the sandbox's
/// `HOME`) finds the audit key and the checkpoints.
pub(crate) fn state_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.home().join(".local/state/hookkit")
}

/// The trail at `log`, sealed and anchored in the sandbox's state directory, as the hooks
/// write it.
pub(crate) fn trail(sandbox: &Sandbox, log: &Path) -> Trail {
    Trail {
        state_dir: Some(state_dir(sandbox)),
        ..Trail::at(log)
    }
}

/// Appends `n` records to `log` through the library.
fn append_records(sandbox: &Sandbox, log: &Path, n: usize) {
    let trail = trail(sandbox, log);
    for i in 0..n {
        trail.append(&record(i)).unwrap();
    }
}

pub(crate) fn verify(sandbox: &Sandbox, log: &Path, extra: &[&str]) -> Run {
    sandbox
        .hook(LOGGER)
        .args(["verify", "--log"])
        .args([log])
        .args(extra)
        .run()
}

/// Runs as a helper process only: appends records to the log named by [`WORKER_LOG`] as fast
/// as it can, through the library's one-call append.
#[test]
#[ignore = "helper process of the concurrency tests"]
fn append_worker() {
    let Some(log) = std::env::var_os(WORKER_LOG) else {
        return;
    };
    let number = |key: &str, default: u64| {
        std::env::var(key)
            .ok()
            .map_or(default, |v| v.parse().unwrap())
    };
    let trail = Trail {
        max_bytes: number(WORKER_MAX_BYTES, DEFAULT_AUDIT_MAX_BYTES),
        state_dir: std::env::var_os(WORKER_STATE).map(PathBuf::from),
        ..Trail::at(PathBuf::from(log))
    };
    for i in 0..number(WORKER_COUNT, APPENDS_PER_PROCESS as u64) {
        trail.append(&record(usize::try_from(i).unwrap())).unwrap();
    }
}

/// Starts `processes` helper processes appending `count` records each, and waits for them.
fn run_workers(sandbox: &Sandbox, log: &Path, processes: usize, count: usize, max_bytes: u64) {
    let this_test_binary = std::env::current_exe().unwrap();
    let workers: Vec<_> = (0..processes)
        .map(|_| {
            Command::new(&this_test_binary)
                .args([
                    "audit::append_worker",
                    "--exact",
                    "--ignored",
                    "--test-threads=1",
                ])
                .env(WORKER_LOG, log)
                .env(WORKER_STATE, state_dir(sandbox))
                .env(WORKER_COUNT, count.to_string())
                .env(WORKER_MAX_BYTES, max_bytes.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for worker in workers {
        let out = worker.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn concurrent_appends_stay_whole_and_chained() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("logs/concurrent.jsonl");
    run_workers(
        &sandbox,
        &log,
        PROCESSES,
        APPENDS_PER_PROCESS,
        DEFAULT_AUDIT_MAX_BYTES,
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let total = PROCESSES * APPENDS_PER_PROCESS;
    let mut seqs: Vec<u64> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_u64()
                .unwrap()
        })
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=total as u64).collect::<Vec<_>>());
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains(&format!("ok: {total} records in 1 file"));
}

#[test]
fn concurrent_appends_across_rotations_stay_chained() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("rotating/concurrent.jsonl");
    run_workers(&sandbox, &log, 16, 50, 20_000);
    let files = audit::rotated_files(&log);
    assert!(files.len() >= 10, "{files:?}");
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains(&format!("ok: 800 records in {} files", files.len()));
}

#[test]
fn concurrent_hook_runs_stay_whole_and_chained() {
    let sandbox = Sandbox::new();
    let payload = std::fs::read(fixture_path("captures/permissiondenied-bash.json")).unwrap();
    let hooks: Vec<_> = (0..16)
        .map(|_| {
            let mut child = Command::new(LOGGER)
                .env("CLAUDE_PROJECT_DIR", sandbox.project())
                .env("HOME", sandbox.home())
                .current_dir(sandbox.project())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), &payload).unwrap();
            child
        })
        .collect();
    for hook in hooks {
        let out = hook.wait_with_output().unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"retry\":true"));
    }
    let log = sandbox.project().join(".claude/logs/hookkit-audit.jsonl");
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains("ok: 16 records");
}

/// A fresh log of ten records, and its lines.
fn ten_records(sandbox: &Sandbox) -> (PathBuf, Vec<String>) {
    let log = sandbox.root().join("tamper.jsonl");
    append_records(sandbox, &log, 10);
    let lines = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (log, lines)
}

fn write_lines(log: &Path, lines: &[String]) {
    std::fs::write(log, lines.join("\n") + "\n").unwrap();
}

/// Verify fails (exit 1) and names the place and the problem.
fn assert_broken(sandbox: &Sandbox, log: &Path, expected: &str) {
    let run = verify(sandbox, log, &[]).code(1);
    let message = run.stdout().replace(&log.display().to_string(), "LOG");
    assert_eq!(message.trim_end(), expected);
}

#[test]
fn an_intact_log_verifies_and_prints_its_head() {
    let sandbox = Sandbox::new();
    let (log, lines) = ten_records(&sandbox);
    let last: Value = serde_json::from_str(&lines[9]).unwrap();
    let head = format!("10:{}", last["hash"].as_str().unwrap());
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains("ok: 10 records in 1 file, chain intact (seq 1-10)")
        .stdout_contains(&format!("head: {head}"));
    verify(&sandbox, &log, &["--head", &head]).code(0);
}

#[test]
fn an_altered_field_is_caught() {
    let sandbox = Sandbox::new();
    let (log, mut lines) = ten_records(&sandbox);
    lines[3] = lines[3].replace("\"decision\":\"ask\"", "\"decision\":\"allow\"");
    write_lines(&log, &lines);
    assert_broken(
        &sandbox,
        &log,
        "broken: line 4 of LOG (seq 4): record altered (its hash does not match its content)",
    );
}

#[test]
fn a_removed_record_is_caught() {
    let sandbox = Sandbox::new();
    let (log, mut lines) = ten_records(&sandbox);
    lines.remove(4);
    write_lines(&log, &lines);
    assert_broken(
        &sandbox,
        &log,
        "broken: line 5 of LOG (seq 6): record seq 5 before it was removed",
    );
}

#[test]
fn reordered_records_are_caught() {
    let sandbox = Sandbox::new();
    let (log, mut lines) = ten_records(&sandbox);
    lines.swap(2, 3);
    write_lines(&log, &lines);
    assert_broken(
        &sandbox,
        &log,
        "broken: line 3 of LOG (seq 4): records reordered (seq 3 expected here)",
    );
}

#[test]
fn a_truncated_file_is_caught() {
    let sandbox = Sandbox::new();
    let (log, _) = ten_records(&sandbox);
    let len = std::fs::metadata(&log).unwrap().len();
    std::fs::File::options()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(len - 40)
        .unwrap();
    assert_broken(
        &sandbox,
        &log,
        "broken: line 10 of LOG: incomplete last record (file truncated or write torn)",
    );
}

#[test]
fn a_removed_start_is_caught() {
    let sandbox = Sandbox::new();
    let (log, lines) = ten_records(&sandbox);
    write_lines(&log, &lines[2..]);
    assert_broken(
        &sandbox,
        &log,
        "broken: line 1 of LOG (seq 3): chains to a record that is not there (the start of the log was removed)",
    );
}

#[test]
fn records_cut_from_the_end_are_caught_against_a_noted_head() {
    // Without a checkpoint (a copy read elsewhere), the head a person noted catches the cut.
    let sandbox = Sandbox::new();
    let (log, lines) = ten_records(&sandbox);
    let last: Value = serde_json::from_str(&lines[9]).unwrap();
    let head = format!("10:{}", last["hash"].as_str().unwrap());
    write_lines(&log, &lines[..8]);
    std::fs::remove_dir_all(state_dir(&sandbox)).unwrap();
    let run = verify(&sandbox, &log, &["--head", &head]).code(1);
    assert!(
        run.stdout().contains("the log ends before record seq 10"),
        "{}",
        run.stdout()
    );
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains("not anchored: no checkpoint")
        .stdout_contains("not sealed: no audit key");
}

#[test]
fn a_line_that_is_not_a_record_is_caught() {
    let sandbox = Sandbox::new();
    let (log, mut lines) = ten_records(&sandbox);
    lines.insert(5, "{\"decision\":\"allow\"}".into());
    write_lines(&log, &lines);
    assert_broken(&sandbox, &log, "broken: line 6 of LOG: not an audit record");
}

#[test]
fn a_torn_last_line_is_caught_then_skipped_and_flagged_by_the_next_append() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("torn.jsonl");
    append_records(&sandbox, &log, 9);
    // An append that died half way through its line, before it could update the checkpoint.
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut file, br#"{"time":"2026-11-21T10:00:00Z","binary":"#).unwrap();
    drop(file);
    assert_broken(
        &sandbox,
        &log,
        "broken: line 10 of LOG: incomplete last record (file truncated or write torn)",
    );

    let appended = trail(&sandbox, &log).append(&record(10)).unwrap();
    assert_eq!((appended.seq, appended.notice), (10, None));
    let text = std::fs::read_to_string(&log).unwrap();
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["seq"], 10);
    assert_eq!(last["after_torn"], true);
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains("ok: 10 records")
        .stdout_contains("1 torn line(s)");
}

#[test]
fn rotation_keeps_the_chain_across_files() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("rotating.jsonl");
    let trail = Trail {
        max_bytes: 2000,
        ..trail(&sandbox, &log)
    };
    for i in 0..30 {
        trail.append(&record(i)).unwrap();
    }
    let files = audit::rotated_files(&log);
    assert!(files.len() >= 4, "{files:?}");
    for file in &files {
        // A file passes max_bytes by at most one record before it rotates.
        assert!(
            std::fs::metadata(file).unwrap().len() < 2000 + 700,
            "{}",
            file.display()
        );
    }
    let last_of = |p: &Path| -> Value {
        serde_json::from_str(std::fs::read_to_string(p).unwrap().lines().last().unwrap()).unwrap()
    };
    let first_of = |p: &Path| -> Value {
        serde_json::from_str(std::fs::read_to_string(p).unwrap().lines().next().unwrap()).unwrap()
    };
    let rotated = PathBuf::from(format!("{}.1", log.display()));
    assert_eq!(first_of(&log)["prev"], last_of(&rotated)["hash"]);
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains(&format!("ok: 30 records in {} files", files.len()));

    // Losing a rotated file in the middle breaks the chain.
    std::fs::remove_file(PathBuf::from(format!("{}.2", log.display()))).unwrap();
    let run = verify(&sandbox, &log, &[]).code(1);
    assert!(
        run.stdout().contains("before it were removed"),
        "{}",
        run.stdout()
    );
}

#[test]
fn rotation_size_comes_from_the_users_policy() {
    let sandbox = Sandbox::new();
    sandbox.write("home/.claude/hookkit.toml", "[audit]\nmax_bytes = 1500\n");
    for _ in 0..8 {
        sandbox
            .hook(LOGGER)
            .fixture("captures/permissiondenied-bash.json")
            .run()
            .code(0);
    }
    let log = sandbox.project().join(".claude/logs/hookkit-audit.jsonl");
    assert!(audit::rotated_files(&log).len() >= 3);
    sandbox
        .hook(LOGGER)
        .args(["verify"])
        .run()
        .code(0)
        .stdout_contains("ok: 8 records");
}

/// Runs a reading subcommand over the sample log.
fn read_sample(args: &[&str]) -> String {
    read_sample_ending(args, 0)
}

/// The sample log read by `args`, which must exit with `code`.
fn read_sample_ending(args: &[&str], code: i32) -> String {
    let sandbox = Sandbox::new();
    let sample = fixture_path("audit/sample.jsonl");
    sandbox
        .hook(LOGGER)
        .args(args)
        .args(["--log".as_ref(), sample.as_os_str()])
        .run()
        .code(code)
        .stdout()
}

#[test]
fn report_table() {
    insta::assert_snapshot!(read_sample(&["report"]));
}

#[test]
fn report_json_for_a_session_since_a_date() {
    insta::assert_snapshot!(read_sample(&[
        "report",
        "--json",
        "--session",
        "sess-cccc-3333",
        "--since",
        "2026-11-21"
    ]));
}

#[test]
fn report_since_filters_by_time() {
    insta::assert_snapshot!(read_sample(&["report", "--since", "2026-11-20T00:00:00Z"]));
}

#[test]
fn tail_shows_the_latest_records() {
    insta::assert_snapshot!(read_sample(&["tail", "-n", "3"]));
}

#[test]
fn the_sample_log_predates_sealing_and_verifies_by_its_chain_alone() {
    // Its records carry no MAC: the chain is checked, the output says what that cannot prove,
    // and the exit code (3) is neither success nor the tampering one.
    insta::with_settings!({filters => vec![
        (r"/\S*/home/\.local/state/hookkit/", "[STATE]/"),
        (r"audit-heads/[0-9a-f]{64}", "audit-heads/[LOG]"),
    ]}, {
        insta::assert_snapshot!(read_sample_ending(&["verify"], 3));
    });
}

#[test]
fn report_over_an_empty_selection_says_so() {
    let out = read_sample(&["report", "--session", "nobody"]);
    assert!(out.contains("nothing was denied or asked"), "{out}");
}

#[test]
fn tail_reads_back_into_rotated_files() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("t.jsonl");
    let trail = Trail {
        max_bytes: 1200,
        ..trail(&sandbox, &log)
    };
    for i in 0..12 {
        trail.append(&record(i)).unwrap();
    }
    let out = sandbox
        .hook(LOGGER)
        .args(["tail", "-n", "7", "--log"])
        .args([&log])
        .run()
        .code(0)
        .stdout();
    let seqs: Vec<&str> = out
        .lines()
        .filter_map(|l| l.rsplit_once(", seq ").map(|(_, s)| s))
        .collect();
    assert_eq!(seqs, ["6", "7", "8", "9", "10", "11", "12"]);
}

#[test]
fn reading_a_missing_log_is_an_error() {
    let sandbox = Sandbox::new();
    for command in ["verify", "report", "tail"] {
        sandbox
            .hook(LOGGER)
            .args([command])
            .run()
            .code(1)
            .stderr_contains("no such log");
    }
}

#[test]
fn tail_follow_prints_records_as_they_come() {
    use std::io::BufRead;
    use std::sync::mpsc;
    use std::time::Duration;

    let sandbox = Sandbox::new();
    let log = sandbox.root().join("follow.jsonl");
    append_records(&sandbox, &log, 1);
    let mut child = Command::new(LOGGER)
        .args(["tail", "-n", "1", "-f", "--log"])
        .arg(&log)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Killed even when an assertion below fails, so that no follower outlives the test.
    let child = KillOnDrop(child);
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| loop {
        let line = received
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("no line with {needle:?}: {e}"));
        if line.contains(needle) {
            break;
        }
    };
    wait_for("seq 1");
    trail(&sandbox, &log).append(&record(1)).unwrap();
    wait_for("seq 2");
    drop(child);
}

/// A child process that is killed and reaped when dropped.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_record_longer_than_the_tail_window_still_chains() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("long.jsonl");
    let mut oversized = record(0);
    oversized.cwd = "/very/long/path".repeat(5_000);
    let trail = trail(&sandbox, &log);
    trail.append(&record(1)).unwrap();
    trail.append(&oversized).unwrap();
    trail.append(&record(2)).unwrap();
    verify(&sandbox, &log, &[])
        .code(0)
        .stdout_contains("ok: 3 records");
}
