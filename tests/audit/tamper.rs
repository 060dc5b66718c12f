//! Rewriting the trail the ways an agent could, on a log the real hook wrote: every one is
//! caught by `verify`, and the next hook run neither hides the break nor stops recording.
//!
//! The forger here has everything but the audit key and the checkpoint (which live outside
//! the project, where the gate keeps the agent's tools away): it can recompute every hash.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::state_dir;
use crate::logger::{LOGGER, default_log, denied_bash};
use crate::util::{Run, Sandbox};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Runs the PermissionDenied hook `n` times; returns the log and its lines.
fn hook_runs(sandbox: &Sandbox, n: usize) -> (PathBuf, Vec<String>) {
    for i in 0..n {
        let run = sandbox
            .hook(LOGGER)
            .payload(denied_bash(&format!("echo {i}")))
            .run()
            .code(0);
        assert_eq!(run.stderr(), "", "a clean append warns about nothing");
    }
    let log = default_log(sandbox);
    let lines = lines(&log);
    assert_eq!(lines.len(), n);
    (log, lines)
}

fn lines(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn write_lines(log: &Path, lines: &[String]) {
    std::fs::write(log, lines.join("\n") + "\n").unwrap();
}

/// `verify` as a person runs it in the project.
fn verify(sandbox: &Sandbox) -> Run {
    sandbox.hook(LOGGER).args(["verify"]).run()
}

/// Verify fails and its one line, with the log's path as `LOG`, is `expected`.
fn assert_broken(sandbox: &Sandbox, expected: &str) {
    let run = verify(sandbox).code(1);
    let log = default_log(sandbox).display().to_string();
    assert_eq!(run.stdout().replace(&log, "LOG").trim_end(), expected);
}

/// The seal of a line: the `,"hash":…` member and the `,"mac":…` member after it.
fn body(line: &str) -> String {
    let seal = line.rfind(",\"hash\":\"").unwrap();
    format!("{}}}", &line[..seal])
}

fn sha256(text: &str) -> String {
    use std::fmt::Write as _;
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// What a forger without the key does with the MAC of a record it rewrote.
#[derive(Clone, Copy)]
enum Mac {
    /// Keeps the old one (which no longer matches).
    Keep,
    /// Drops it.
    Drop,
}

/// Rewrites `lines` from `from` (0-based) on as a forger would: `edit` applied to that line,
/// then every `prev` and `hash` recomputed, so that the chain alone is consistent again.
fn rechain(lines: &[String], from: usize, edit: impl Fn(&str) -> String, mac: Mac) -> Vec<String> {
    let mut out: Vec<String> = lines[..from].to_vec();
    let mut prev = match from {
        0 => GENESIS.to_owned(),
        _ => serde_json::from_str::<Value>(&lines[from - 1]).unwrap()["hash"]
            .as_str()
            .unwrap()
            .to_owned(),
    };
    for (i, line) in lines.iter().enumerate().skip(from) {
        let record: Value = serde_json::from_str(line).unwrap();
        let old_prev = record["prev"].as_str().unwrap();
        let mut body = body(line).replace(
            &format!("\"prev\":\"{old_prev}\""),
            &format!("\"prev\":\"{prev}\""),
        );
        if i == from {
            body = edit(&body);
        }
        let hash = sha256(&body);
        let mac = match (mac, record["mac"].as_str()) {
            (Mac::Keep, Some(old)) => format!(",\"mac\":\"{old}\""),
            _ => String::new(),
        };
        out.push(format!(
            "{},\"hash\":\"{hash}\"{mac}}}",
            &body[..body.len() - 1]
        ));
        prev = hash;
    }
    out
}

#[test]
fn every_record_the_hook_writes_is_sealed_and_checkpointed() {
    let sandbox = Sandbox::new();
    let (_, lines) = hook_runs(&sandbox, 3);
    for line in &lines {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["mac"].as_str().unwrap().len(), 64, "{line}");
    }
    let last: Value = serde_json::from_str(&lines[2]).unwrap();
    let heads: Vec<PathBuf> = std::fs::read_dir(state_dir(&sandbox).join("audit-heads"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let [checkpoint] = heads.as_slice() else {
        panic!("one checkpoint expected: {heads:?}");
    };
    assert_eq!(
        std::fs::read_to_string(checkpoint).unwrap(),
        format!("3:{}\n", last["hash"].as_str().unwrap())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&state_dir(&sandbox).join("audit.key")), 0o600);
        assert_eq!(mode(checkpoint), 0o600);
        assert_eq!(mode(&state_dir(&sandbox)), 0o700);
    }
    verify(&sandbox)
        .code(0)
        .stdout_contains("ok: 3 records in 1 file")
        .stdout_contains("sealed: every record carries a MAC")
        .stdout_contains("anchored: the log still holds record seq 3")
        .stdout_contains("cannot prove:");
}

#[test]
fn a_cut_at_a_record_boundary_is_caught_then_shown_by_the_next_record() {
    let sandbox = Sandbox::new();
    let (log, lines) = hook_runs(&sandbox, 5);
    write_lines(&log, &lines[..3]);
    assert_broken(
        &sandbox,
        "broken: LOG: the log no longer holds record seq 5, the last one hookkit wrote (its checkpoint): records were cut from the end, or the log was replaced",
    );

    // The next record continues from the checkpoint, not from the cut, and says so.
    let run = sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo after"))
        .run()
        .code(0)
        .stderr_contains("the audit log ends at record seq 3, but hookkit last wrote record seq 5");
    assert!(run.stdout().contains("\"retry\":true"), "{}", run.stdout());
    assert_broken(
        &sandbox,
        "broken: line 4 of LOG (seq 6): records seq 4-5 before it were removed",
    );
}

#[test]
fn a_removed_or_moved_middle_record_is_caught() {
    let sandbox = Sandbox::new();
    let (log, lines) = hook_runs(&sandbox, 5);
    let mut removed = lines.clone();
    removed.remove(2);
    write_lines(&log, &removed);
    assert_broken(
        &sandbox,
        "broken: line 3 of LOG (seq 4): record seq 3 before it was removed",
    );
    let mut swapped = lines.clone();
    swapped.swap(1, 2);
    write_lines(&log, &swapped);
    assert_broken(
        &sandbox,
        "broken: line 2 of LOG (seq 3): records reordered (seq 2 expected here)",
    );
}

#[test]
fn an_edit_with_every_hash_recomputed_is_caught_by_the_mac() {
    let sandbox = Sandbox::new();
    let (log, lines) = hook_runs(&sandbox, 5);
    let allow = |body: &str| body.replace("\"decision\":\"denied\"", "\"decision\":\"allow\"");
    write_lines(&log, &rechain(&lines, 2, allow, Mac::Keep));
    assert_broken(
        &sandbox,
        "broken: line 3 of LOG (seq 3): record not sealed with this machine's audit key (forged, edited and re-hashed, or the key was replaced)",
    );
    write_lines(&log, &rechain(&lines, 2, allow, Mac::Drop));
    assert_broken(
        &sandbox,
        "broken: line 3 of LOG (seq 3): record carries no MAC, where this machine's audit key seals the log (forged, or written while the key could not be opened)",
    );
}

#[test]
fn a_fresh_self_consistent_chain_in_place_of_the_log_is_caught() {
    let sandbox = Sandbox::new();
    let (log, lines) = hook_runs(&sandbox, 5);
    // The same records, re-chained from scratch without the key, and a shorter forgery.
    let benign = |body: &str| body.replace("echo 0", "echo hello");
    write_lines(&log, &rechain(&lines, 0, benign, Mac::Drop));
    assert_broken(
        &sandbox,
        "broken: line 1 of LOG (seq 1): record carries no MAC, where this machine's audit key seals the log (forged, or written while the key could not be opened)",
    );
    write_lines(&log, &rechain(&lines[..2], 0, benign, Mac::Drop));
    assert_broken(
        &sandbox,
        "broken: line 1 of LOG (seq 1): record carries no MAC, where this machine's audit key seals the log (forged, or written while the key could not be opened)",
    );

    // A chain hookkit itself sealed, with another key (another state directory), copied over.
    let other = Sandbox::new();
    let (other_log, _) = hook_runs(&other, 5);
    std::fs::copy(&other_log, &log).unwrap();
    assert_broken(
        &sandbox,
        "broken: line 1 of LOG (seq 1): record not sealed with this machine's audit key (forged, edited and re-hashed, or the key was replaced)",
    );
}

#[test]
fn a_deleted_log_is_caught_while_its_checkpoint_remains() {
    let sandbox = Sandbox::new();
    let (log, _) = hook_runs(&sandbox, 4);
    std::fs::remove_file(&log).unwrap();
    assert_broken(
        &sandbox,
        "broken: LOG: the log is gone, but hookkit wrote 4 records to it (its checkpoint)",
    );
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo after"))
        .run()
        .code(0)
        .stderr_contains("the audit log holds no record, but hookkit last wrote record seq 4");
    assert_broken(
        &sandbox,
        "broken: line 1 of LOG (seq 5): chains to a record that is not there (the start of the log was removed)",
    );
}

#[test]
fn a_log_sealed_here_whose_checkpoint_was_removed_is_caught() {
    let sandbox = Sandbox::new();
    hook_runs(&sandbox, 3);
    std::fs::remove_dir_all(state_dir(&sandbox).join("audit-heads")).unwrap();
    assert_broken(
        &sandbox,
        "broken: LOG: its records are sealed with this machine's audit key, but its checkpoint is missing (removed; or the log was moved: check a moved log with --head SEQ:HASH)",
    );
}

#[test]
fn a_replaced_key_is_caught() {
    let sandbox = Sandbox::new();
    hook_runs(&sandbox, 3);
    let key = state_dir(&sandbox).join("audit.key");
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    assert_broken(
        &sandbox,
        "broken: line 1 of LOG (seq 1): record not sealed with this machine's audit key (forged, edited and re-hashed, or the key was replaced)",
    );
}

#[test]
fn a_log_copied_to_another_machine_verifies_by_its_chain_and_says_so() {
    let sandbox = Sandbox::new();
    let (log, _) = hook_runs(&sandbox, 3);
    let elsewhere = Sandbox::new();
    let copy = elsewhere.root().join("copied.jsonl");
    std::fs::copy(&log, &copy).unwrap();
    // A machine with no key at all, then one with a key of its own.
    super::verify(&elsewhere, &copy, &[])
        .code(0)
        .stdout_contains("not sealed: no audit key")
        .stdout_contains("not anchored: no checkpoint");
    hook_runs(&elsewhere, 1);
    super::verify(&elsewhere, &copy, &[])
        .code(0)
        .stdout_contains(
            "not sealed here: the records are not sealed with this machine's audit key",
        );
}

#[cfg(unix)]
#[test]
fn records_written_while_the_key_was_out_of_reach_stay_as_evidence() {
    let sandbox = Sandbox::new();
    hook_runs(&sandbox, 2);
    // The state directory swapped for a link to one the attacker made.
    let state = state_dir(&sandbox);
    let moved = sandbox.root().join("state-moved");
    std::fs::rename(&state, &moved).unwrap();
    std::fs::create_dir_all(sandbox.root().join("fake-state")).unwrap();
    std::os::unix::fs::symlink(sandbox.root().join("fake-state"), &state).unwrap();
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo while unanchored"))
        .run()
        .code(0)
        .stderr_contains("written without its seal and checkpoint")
        .stderr_contains("it is a symbolic link");
    verify(&sandbox)
        .code(1)
        .stderr_contains("it is a symbolic link");
    // Put back, the record written meanwhile shows.
    std::fs::remove_file(&state).unwrap();
    std::fs::rename(&moved, &state).unwrap();
    assert_broken(
        &sandbox,
        "broken: line 3 of LOG (seq 3): record carries no MAC, where this machine's audit key seals the log (forged, or written while the key could not be opened)",
    );
}

#[test]
fn a_log_sealed_here_rewritten_without_macs_is_not_taken_for_an_old_one() {
    // Records without a MAC in a log whose checkpoint says hookkit sealed it: a forgery that
    // must stay where it is and show, not be moved aside as a log from before sealing.
    let sandbox = Sandbox::new();
    let (log, written) = hook_runs(&sandbox, 3);
    write_lines(&log, &rechain(&written, 0, str::to_owned, Mac::Drop));
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo after the forgery"))
        .run()
        .code(0);
    let names: Vec<String> = std::fs::read_dir(log.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("unsealed")),
        "nothing moved aside: {names:?}"
    );
    assert_eq!(lines(&log).len(), 4, "the forged records stay in the log");
    verify(&sandbox).code(1).stdout_contains("broken:");
}
