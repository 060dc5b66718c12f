//! A log written before records were sealed (no `mac`, no checkpoint): the first hook that
//! seals moves it aside with its rotated files instead of continuing it, so that no sealed
//! record ever vouches for records anyone could have written; `verify` keeps checking the old
//! chain and says that it predates sealing, with an exit code of its own; and the agent's tools
//! cannot touch the file set aside.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::verify;
use crate::gate::GATE;
use crate::logger::{LOGGER, default_log, denied_bash, records};
use crate::util::{Sandbox, fixture_path};

/// `verify`'s exit code for an intact log that predates sealing.
const PREDATES_SEALING: i32 = 3;

/// Puts the sample log (12 records, from before sealing) in place as `log` and `<log>.1`,
/// split after its fifth record as a rotation would have left it; returns both contents.
fn old_log_at(log: &Path) -> (String, String) {
    let sample = std::fs::read_to_string(fixture_path("audit/sample.jsonl")).unwrap();
    let lines: Vec<&str> = sample.lines().collect();
    let older = lines[..5].join("\n") + "\n";
    let newer = lines[5..].join("\n") + "\n";
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    std::fs::write(rotated(log, "1"), &older).unwrap();
    std::fs::write(log, &newer).unwrap();
    (older, newer)
}

/// `<log>.<suffix>`.
fn rotated(log: &Path, suffix: &str) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(format!(".{suffix}"));
    PathBuf::from(name)
}

/// The files beside `log` whose names start with `<log>.unsealed-`, sorted.
fn set_aside(log: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}.unsealed-", log.file_name().unwrap().to_string_lossy());
    let mut found: Vec<PathBuf> = std::fs::read_dir(log.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_log_from_before_sealing_is_moved_aside_and_a_sealed_one_begins() {
    let sandbox = Sandbox::new();
    let log = default_log(&sandbox);
    let (older, newer) = old_log_at(&log);
    verify(&sandbox, &log, &[])
        .code(PREDATES_SEALING)
        .stdout_contains("ok: 12 records in 2 files")
        .stdout_contains("the log predates sealing");

    let run = sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo after the upgrade"))
        .run()
        .code(0);
    let aside = set_aside(&log);
    assert_eq!(aside.len(), 2, "the log and its rotated file: {aside:?}");
    let (old_log, old_rotated) = (&aside[0], &aside[1]);
    assert_eq!(*old_rotated, rotated(old_log, "1"));
    run.stderr_contains("predates sealing")
        .stderr_contains(&old_log.display().to_string());
    // Kept byte for byte; nothing of the old chain is left where the hooks write.
    assert_eq!(std::fs::read_to_string(old_log).unwrap(), newer);
    assert_eq!(std::fs::read_to_string(old_rotated).unwrap(), older);
    assert!(!rotated(&log, "1").exists());

    // The new log starts its own chain, sealed and anchored, and does not point into the old.
    let new = records(&log);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["seq"], json!(1));
    assert_eq!(new[0]["prev"], json!("0".repeat(64)));
    assert!(new[0]["mac"].is_string(), "{}", new[0]);
    sandbox
        .hook(LOGGER)
        .args(["verify"])
        .run()
        .code(0)
        .stdout_contains("ok: 1 records in 1 file")
        .stdout_contains("sealed: every record carries a MAC")
        .stdout_contains("anchored:");
    // The next append continues the new log: nothing else moves.
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo again"))
        .run()
        .code(0);
    assert_eq!(set_aside(&log).len(), 2);
    assert_eq!(records(&log).len(), 2);

    // The old chain still verifies, as what it is.
    verify(&sandbox, old_log, &[])
        .code(PREDATES_SEALING)
        .stdout_contains("ok: 12 records in 2 files")
        .stdout_contains("the log predates sealing");
}

#[test]
fn verify_tells_a_log_from_before_sealing_from_a_tampered_one() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("old.jsonl");
    let sample = std::fs::read_to_string(fixture_path("audit/sample.jsonl")).unwrap();
    std::fs::write(&log, &sample).unwrap();
    verify(&sandbox, &log, &[]).code(PREDATES_SEALING);
    std::fs::write(&log, sample.replacen("\"deny\"", "\"allow\"", 1)).unwrap();
    verify(&sandbox, &log, &[])
        .code(1)
        .stdout_contains("record altered");
}

#[test]
fn an_empty_log_after_an_old_rotation_moves_the_rotated_files_aside() {
    // The old build rotated, and the hooks had written nothing since: the record the next one
    // would chain to is in `<log>.1`.
    let sandbox = Sandbox::new();
    let log = default_log(&sandbox);
    old_log_at(&log);
    std::fs::write(&log, "").unwrap();
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo x"))
        .run()
        .code(0)
        .stderr_contains("predates sealing");
    assert!(!rotated(&log, "1").exists());
    assert_eq!(records(&log)[0]["seq"], json!(1));
    sandbox.hook(LOGGER).args(["verify"]).run().code(0);
}

#[test]
fn the_agent_cannot_touch_a_log_set_aside() {
    let sandbox = Sandbox::new();
    // The default log under the project, and one the user's own policy puts elsewhere.
    let elsewhere = sandbox.root().join("var/log/hk/audit.jsonl");
    // Every refusal is a denial here: no streak of them turns into a question.
    let policy = "[gate]\nescalate_after = 0\n";
    sandbox.write("home/.claude/hookkit.toml", policy);
    for log in [default_log(&sandbox), elsewhere.clone()] {
        let aside = rotated(&log, "unsealed-20260101T000000Z");
        let paths = [aside.clone(), rotated(&aside, "1")];
        for path in &paths {
            let path = path.display().to_string();
            for run in [
                sandbox
                    .hook(GATE)
                    .tool("Write", json!({ "file_path": path, "content": "{}\n" })),
                sandbox.hook(GATE).bash(&format!("rm -f {path}")),
                sandbox.hook(GATE).bash(&format!("echo x > {path}")),
            ] {
                let run = run.run();
                assert_eq!(run.decision(), "deny", "{path}: {}", run.reason());
            }
        }
        sandbox.write(
            "home/.claude/hookkit.toml",
            &format!("{policy}[audit]\nlog = \"{}\"\n", elsewhere.display()),
        );
    }
}
