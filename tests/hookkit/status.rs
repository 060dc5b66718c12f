//! `hookkit status` on a working and on a broken install, and `--fix`, which repairs what the
//! install put there the way the installer would.

use serde_json::Value;

use super::{HOOKKIT, installed, person};
use crate::util::Sandbox;

fn status(sandbox: &Sandbox, args: &[&str]) -> super::Ran {
    let mut all = vec!["status"];
    all.extend_from_slice(args);
    person(sandbox, HOOKKIT, &sandbox.project().join("src/deep"), &all)
}

#[test]
fn a_fresh_install_is_working() {
    let sandbox = installed();
    let run = status(&sandbox, &[]).expect(0);
    let text = run.stdout();
    for needle in [
        "hookkit is working",
        "pretooluse-gate on PermissionRequest, PreToolUse, UserPromptSubmit",
        "pretooluse-gate 0.1.0 (commit",
        "mode guard",
        "sandbox",
    ] {
        assert!(text.contains(needle), "status lacks {needle:?}:\n{text}");
    }
}

#[test]
fn a_missing_binary_is_reported_and_fixed() {
    let sandbox = installed();
    let gate = sandbox.project().join(".claude/hooks/pretooluse-gate");
    std::fs::remove_file(&gate).expect("removing the gate");
    let run = status(&sandbox, &[]).expect(1);
    assert!(
        run.stdout().contains("pretooluse-gate is missing") && run.stdout().contains("NOT working"),
        "{}",
        run.stdout()
    );
    status(&sandbox, &["--fix"]).expect(0);
    assert!(gate.is_file(), "--fix put the binary back");
}

#[test]
fn a_removed_hook_entry_is_reported_and_fixed() {
    let sandbox = installed();
    let path = sandbox.project().join(".claude/settings.local.json");
    let mut settings: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("settings")).expect("JSON");
    settings["hooks"]
        .as_object_mut()
        .expect("hooks")
        .remove("PreToolUse");
    std::fs::write(&path, settings.to_string()).expect("writing settings");
    let run = status(&sandbox, &[]).expect(1);
    assert!(
        run.stdout()
            .contains("pretooluse-gate is no longer wired on PreToolUse"),
        "{}",
        run.stdout()
    );
    status(&sandbox, &["--fix"]).expect(0);
    let fixed: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("settings")).expect("JSON");
    assert!(fixed["hooks"]["PreToolUse"].is_array(), "{fixed:#}");
}

#[test]
fn a_policy_the_gate_refuses_and_switched_off_hooks_are_not_working() {
    let sandbox = installed();
    sandbox.write("project/.claude/hookkit.toml", "[gate]\nmode = \"loose\"\n");
    let run = status(&sandbox, &[]).expect(1);
    assert!(
        run.stdout().contains("the gate refuses the policy"),
        "{}",
        run.stdout()
    );
    std::fs::remove_file(sandbox.project().join(".claude/hookkit.toml")).expect("removing it");
    sandbox.write(
        "project/.claude/settings.json",
        r#"{"disableAllHooks": true}"#,
    );
    let run = status(&sandbox, &[]).expect(1);
    assert!(run.stdout().contains("disableAllHooks"), "{}", run.stdout());
}

#[test]
fn nothing_installed_is_not_working_and_cannot_be_fixed() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.project().join(".git")).expect("a git root");
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["status"]).expect(1);
    assert!(run.stdout().contains("hookkit install"), "{}", run.stdout());
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["status", "--fix"]).expect(1);
    assert!(
        run.stderr().contains("no install of hookkit is recorded"),
        "{}",
        run.stderr()
    );
}

#[test]
fn values_a_project_file_tried_to_set_are_shown_as_ignored() {
    let sandbox = installed();
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[audit]\nlog = \"/tmp/elsewhere.jsonl\"\n",
    );
    let run = status(&sandbox, &[]).expect(0);
    assert!(
        run.stdout().contains("`audit.log` is not honoured"),
        "{}",
        run.stdout()
    );
}

#[test]
fn status_never_runs_a_program_a_checkout_brought() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.project().join(".git")).expect("a git root");
    // A repository that ships its own "gate" and wires it in its committed settings.
    let witness = sandbox.root().join("it-ran");
    let gate = sandbox.write(
        "project/.claude/hooks/pretooluse-gate",
        &format!(
            "#!/bin/sh\ntouch '{}'\necho 'pretooluse-gate 0.1.0'\n",
            witness.display()
        ),
    );
    std::fs::set_permissions(&gate, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    sandbox.write(
        "project/.claude/settings.json",
        r#"{"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command",
            "command": "${CLAUDE_PROJECT_DIR}/.claude/hooks/pretooluse-gate", "args": []}]}]}}"#,
    );
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["status"]).expect(1);
    assert!(
        !witness.exists(),
        "status ran a program the repository shipped"
    );
    assert!(
        run.stdout()
            .contains("is not the file hookkit installed here"),
        "{}",
        run.stdout()
    );
    // After an install, the installed file is run (and the repository's is replaced).
    let bins = super::bin_dir().display().to_string();
    person(
        &sandbox,
        HOOKKIT,
        &sandbox.project(),
        &["install", "--shared", "--bin-dir", &bins],
    )
    .expect(0);
    person(&sandbox, HOOKKIT, &sandbox.project(), &["status"]).expect(0);
    assert!(!witness.exists());
}

#[test]
fn an_audit_log_from_before_sealing_is_a_note_not_a_failure() {
    let sandbox = installed();
    let log = sandbox.project().join(".claude/logs/hookkit-audit.jsonl");
    std::fs::create_dir_all(log.parent().expect("a parent")).expect("the log directory");
    std::fs::copy(crate::util::fixture_path("audit/sample.jsonl"), &log).expect("an old log");
    let run = status(&sandbox, &[]).expect(0);
    let text = run.stdout();
    assert!(
        text.contains("note  audit log  12 records, chain intact")
            && text.contains("the log predates sealing")
            && text.contains("hookkit is working"),
        "{text}"
    );
    // The next hook moves it aside; status then shows the sealed log and where the old one is.
    sandbox
        .hook(crate::logger::LOGGER)
        .payload(crate::logger::denied_bash("echo x"))
        .run()
        .code(0);
    let run = status(&sandbox, &[]).expect(0);
    let text = run.stdout();
    assert!(
        text.contains("ok    audit log  1 records, chain intact")
            && text.contains("kept aside, from before records were sealed: ")
            && text.contains("hookkit-audit.jsonl.unsealed-"),
        "{text}"
    );
}
