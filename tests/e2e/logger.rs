//! `permission-denied-logger` behind a real auto mode denial. The fake API gives the auto mode
//! classifier no verdict, so the CLI denies the call with "Classifier unavailable" and fires
//! PermissionDenied; the logger must record it and answer `retry`, which the CLI turns into a
//! meta message for the model.

use serde_json::Value;

use super::fake_api::{FakeApi, Script, bash};
use super::harness::{Scenario, require_finished};

/// The meta message Claude Code 2.1.332 adds after a denial when the PermissionDenied hook
/// answers `retry: true` (2.1.329 said "The PermissionDenied hook indicated you may retry").
const RETRY_MESSAGE: &str = "the PermissionDenied hook set up for this session allows one more try";

/// A local build the gate leaves to auto mode (guard mode has no opinion on medium risk and
/// never allows), with `make` shimmed so nothing runs even if the call got through.
fn auto_mode_denial(s: &Scenario) -> (FakeApi, super::harness::ClaudeResult) {
    s.write(".claude/hookkit.toml", "[gate]\nmode = \"guard\"\n");
    s.shim("make");
    let api = FakeApi::start(Script::calls([bash("make release")]));
    let run = s.claude(&api).args(&["--permission-mode", "auto"]).run();
    // With no classifier verdict the CLI refuses the call, says why and exits 1.
    assert_eq!(run.result["is_error"], Value::Bool(false), "{}", run.output);
    assert_eq!(run.output.code, 1, "{}", run.output);
    assert!(
        run.output.stderr.contains("Auto mode can't check actions"),
        "expected the CLI's no-classifier notice:\n{}",
        run.output
    );
    assert!(
        s.shim_calls("make").is_empty(),
        "make ran in auto mode without a classifier verdict"
    );
    (api, run)
}

#[test]
fn auto_mode_denial_reaches_permission_denied_hooks() {
    // The plumbing, with a stand-in for the logger: proves the fake API produces the event.
    let Some(s) = Scenario::new() else { return };
    s.install(&[]);
    s.write_script(
        ".claude/hooks/permission-denied-logger",
        "#!/bin/sh\ncat > \"$CLAUDE_PROJECT_DIR/permission-denied.json\"\n\
         echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionDenied\",\"retry\":true}}'\n",
    );
    let (api, _run) = auto_mode_denial(&s);
    let payload: Value = serde_json::from_str(
        &std::fs::read_to_string(s.path("permission-denied.json"))
            .expect("PermissionDenied never fired"),
    )
    .expect("the PermissionDenied payload is JSON");
    assert_eq!(payload["hook_event_name"], "PermissionDenied");
    assert_eq!(payload["reason"], "Classifier unavailable");
    assert_eq!(payload["tool_use_id"], Script::tool_use_id(0, 0));
    assert!(
        api.everything_sent_to_model().contains(RETRY_MESSAGE),
        "the retry meta message never reached the model:\n{}",
        api.dump()
    );
}

#[test]
fn logger_records_an_auto_mode_denial_and_lets_the_model_retry() {
    let Some(s) = Scenario::new() else { return };
    require_finished("permission-denied-logger");
    s.install(&[]);
    let (api, run) = auto_mode_denial(&s);
    let id = Script::tool_use_id(0, 0);

    let log_path = s.path(".claude/logs/hookkit-audit.jsonl");
    let log = std::fs::read_to_string(&log_path).unwrap_or_else(|e| {
        panic!(
            "no audit log at {} ({e})\n{}",
            log_path.display(),
            run.output
        )
    });
    let records: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).expect("every audit line is JSON"))
        .collect();
    let record = records
        .iter()
        .find(|r| r["event"] == "PermissionDenied" && r.to_string().contains(&id))
        .unwrap_or_else(|| panic!("no PermissionDenied audit record mentions {id}:\n{log}"));
    // The audit record shape (hookkit::audit::Record): event, tool, tool_use_id, reason.
    assert_eq!(record["tool"], "Bash", "{record}");
    assert_eq!(record["tool_use_id"], Value::String(id.clone()), "{record}");
    assert!(
        record.to_string().contains("Classifier unavailable"),
        "the record must keep auto mode's denial reason: {record}"
    );
    assert!(
        api.everything_sent_to_model().contains(RETRY_MESSAGE),
        "the logger must answer retry:true, and the CLI pass it on:\n{}",
        api.dump()
    );
    let verify = s.ours("permission-denied-logger", &["verify"]);
    assert_eq!(verify.code, 0, "the audit chain must verify:\n{verify}");
}
