//! The other events the gate answers, and its audit records.

use serde_json::{Value, json};

use super::{GATE, with_project_policy};
use crate::util::{Sandbox, fixture_json};

fn permission_request(sandbox: &Sandbox, command: &str) -> Value {
    let mut payload = fixture_json("captures/permissionrequest-bash.json");
    payload["tool_input"]["command"] = json!(command);
    sandbox
        .hook(GATE)
        .payload(payload)
        .run()
        .code(0)
        .protocol_reply()
}

#[test]
fn permission_request_denies_allows_or_leaves_the_prompt() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[permissions]\ndeny = [\"Bash(npm publish:*)\"]\nask = [\"Bash(npm install:*)\"]\n",
    );
    let deny = permission_request(&sandbox, "npm publish");
    assert_eq!(
        deny["hookSpecificOutput"]["hookEventName"],
        "PermissionRequest"
    );
    assert_eq!(deny["hookSpecificOutput"]["decision"]["behavior"], "deny");
    assert!(
        deny["hookSpecificOutput"]["decision"]["message"]
            .as_str()
            .unwrap()
            .contains("npm publish")
    );
    let high = permission_request(&sandbox, "rm -rf /");
    assert_eq!(high["hookSpecificOutput"]["decision"]["behavior"], "deny");
    // The default policy never approves a prompt on the user's behalf.
    assert_eq!(permission_request(&sandbox, "ls"), json!({}));
    assert_eq!(
        permission_request(&sandbox, "npm install left-pad"),
        json!({})
    );
    assert_eq!(permission_request(&sandbox, "frobnicate"), json!({}));
    // Only an opt-in in the user's own file approves, and only local, reversible work.
    sandbox.write("home/.claude/hookkit.toml", "[gate]\nmode = \"auto\"\n");
    let allow = permission_request(&sandbox, "ls");
    assert_eq!(allow["hookSpecificOutput"]["decision"]["behavior"], "allow");
    assert_eq!(
        permission_request(&sandbox, "git push origin HEAD:refs/heads/feature"),
        json!({}),
        "a push reaches outside the machine: the prompt is shown"
    );
}

#[test]
fn permission_request_leaves_high_risk_to_the_person_who_asked_for_it() {
    let sandbox = Sandbox::new();
    sandbox.write("home/.claude/hookkit.toml", "[gate]\nhigh_risk = \"ask\"\n");
    assert_eq!(
        sandbox.hook(GATE).bash("rm -rf /srv/data").run().decision(),
        "ask"
    );
    assert_eq!(permission_request(&sandbox, "rm -rf /srv/data"), json!({}));
    // A project file cannot ask for that.
    let other = Sandbox::new();
    other.write(
        "project/.claude/hookkit.toml",
        "[gate]\nhigh_risk = \"ask\"\n",
    );
    assert_eq!(
        other.hook(GATE).bash("rm -rf /srv/data").run().decision(),
        "deny"
    );
}

#[test]
fn a_prompt_with_a_secret_is_blocked_without_echoing_it() {
    let sandbox = Sandbox::new();
    let secret = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    let mut payload = fixture_json("captures/userpromptsubmit.json");
    payload["prompt"] = json!(format!("use my token {secret} to push"));
    let run = sandbox.hook(GATE).payload(payload).run().code(0);
    let reply = run.protocol_reply();
    assert_eq!(reply["decision"], "block");
    assert!(reply["reason"].as_str().unwrap().contains("github-token"));
    assert!(!run.stdout().contains(secret));
    let clean = sandbox
        .hook(GATE)
        .fixture("captures/userpromptsubmit.json")
        .run();
    assert_eq!(clean.code(0).protocol_reply(), json!({}));
}

#[test]
fn other_events_get_no_opinion() {
    let sandbox = Sandbox::new();
    for capture in [
        "captures/posttooluse-bash.json",
        "captures/sessionstart-startup.json",
        "captures/stop.json",
        "captures/permissiondenied-bash.json",
    ] {
        let reply = sandbox
            .hook(GATE)
            .fixture(capture)
            .run()
            .code(0)
            .protocol_reply();
        assert_eq!(reply, json!({}), "{capture}");
    }
}

fn audit_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn denials_are_audited_and_low_risk_allows_are_not() {
    let sandbox = Sandbox::new();
    let log = sandbox.project().join(".claude/logs/hookkit-audit.jsonl");
    let run = with_project_policy(&sandbox, "[permissions]\ndeny = [\"Bash(curl:*)\"]\n")
        .bash("curl x")
        .run();
    assert_eq!(run.decision(), "deny");
    sandbox.hook(GATE).bash("ls").run();
    let records = audit_lines(&log);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["decision"], "deny");
    assert_eq!(records[0]["rule_id"], "Bash(curl:*)");
    assert!(
        records[0]["rule_source"]
            .as_str()
            .unwrap()
            .ends_with(".claude/hookkit.toml:2")
    );
}

#[test]
fn log_allows_all_and_an_explicit_log_path() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("elsewhere/audit.jsonl");
    let from_env = sandbox.root().join("from-env/audit.jsonl");
    sandbox.write("home/.claude/hookkit.toml", "[gate]\nmode = \"auto\"\n");
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[audit]\nlog_allows = \"all\"\n",
    );
    sandbox
        .hook(GATE)
        .args(["--log".as_ref(), log.as_os_str()])
        .bash("ls")
        .run();
    // A hook ignores a log named by the environment, which a repository's settings can set.
    sandbox
        .hook(GATE)
        .env("HOOKKIT_AUDIT_LOG", &from_env)
        .bash("pwd")
        .run();
    let records = audit_lines(&log);
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(records.iter().all(|r| r["decision"] == "allow"));
    assert!(!from_env.exists());
    let default = audit_lines(&sandbox.project().join(".claude/logs/hookkit-audit.jsonl"));
    assert_eq!(default.len(), 1, "{default:?}");
}

#[test]
fn an_audit_failure_never_changes_the_decision() {
    let sandbox = Sandbox::new();
    // A directory where the log file should be: every append fails.
    std::fs::create_dir_all(sandbox.root().join("log-is-a-dir")).unwrap();
    let log_dir = sandbox.root().join("log-is-a-dir");
    let run = sandbox
        .hook(GATE)
        .args(["--log".as_ref(), log_dir.as_os_str()])
        .bash("rm -rf /")
        .run();
    assert_eq!(run.decision(), "deny");
    // The failure is reported, on stderr only (stdout holds the one reply).
    assert!(
        run.stderr()
            .contains("warning: the decision was not audited"),
        "{}",
        run.stderr()
    );
}
