//! When the gate cannot decide: broken policy files and unreadable commands end in the
//! failure decision (`on_error`), never in an allow.

use super::{GATE, with_project_policy};
use crate::util::Sandbox;

#[test]
fn a_broken_project_file_asks_by_default() {
    let sandbox = Sandbox::new();
    let run = with_project_policy(&sandbox, "[gate\nmode = ")
        .bash("ls")
        .run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("hookkit.toml"), "{}", run.reason());
}

#[test]
fn a_broken_project_file_uses_the_user_files_on_error() {
    let sandbox = Sandbox::new();
    sandbox.write("home/.claude/hookkit.toml", "[gate]\non_error = \"deny\"\n");
    let run = with_project_policy(&sandbox, "[permissions]\ndeny = [\"bash(ls)\"]\n")
        .bash("ls")
        .run();
    run.code(2)
        .stderr_contains("Tool names must start with uppercase");
}

#[test]
fn an_explicit_file_with_on_error_deny_and_a_bad_rule_denies() {
    let sandbox = Sandbox::new();
    let explicit = sandbox.write(
        "ci.toml",
        "[gate]\non_error = \"deny\"\n[[rule]]\nid = \"x\"\ndecision = \"maybe\"\n",
    );
    sandbox
        .hook(GATE)
        .args(["--policy".as_ref(), explicit.as_os_str()])
        .bash("ls")
        .run()
        .code(2)
        .stderr_contains("ci.toml");
}

#[test]
fn a_broken_project_file_cannot_downgrade_the_users_deny() {
    let sandbox = Sandbox::new();
    sandbox.write("home/.claude/hookkit.toml", "[gate]\non_error = \"deny\"\n");
    with_project_policy(&sandbox, "[gate]\non_error = \"ask\"\nescalate_afer = 5\n")
        .bash("ls")
        .run()
        .code(2)
        .stderr_contains("escalate_after");
}

#[test]
fn failures_never_ask_where_nobody_is_at_the_prompt() {
    let sandbox = Sandbox::new();
    for mode in ["bypassPermissions", "dontAsk", "auto"] {
        let mut payload = crate::util::fixture_json("captures/pretooluse-bash-rm.json");
        payload["permission_mode"] = serde_json::json!(mode);
        payload["tool_input"] = serde_json::json!({"command": "echo 'unterminated"});
        sandbox.hook(GATE).payload(payload).run().code(2);
    }
}

#[test]
fn a_missing_explicit_file_asks() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .hook(GATE)
        .env("HOOKKIT_POLICY", sandbox.root().join("missing.toml"))
        .bash("ls")
        .run();
    assert_eq!(run.decision(), "ask");
}

#[test]
fn a_command_that_does_not_parse_gets_the_failure_decision() {
    let sandbox = Sandbox::new();
    assert_eq!(
        sandbox
            .hook(GATE)
            .bash("echo 'unterminated")
            .run()
            .decision(),
        "ask"
    );
    with_project_policy(&sandbox, "[gate]\non_error = \"deny\"\n")
        .bash("echo 'unterminated")
        .run()
        .code(2);
}

#[test]
fn a_failing_condition_gets_the_failure_decision() {
    let sandbox = Sandbox::new();
    let policy = "[[rule]]\nid = \"bad\"\nwhen = '.tool_input.command | error(\"boom\")'\ndecision = \"ask\"\n";
    let run = with_project_policy(&sandbox, policy).bash("ls").run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("bad"), "{}", run.reason());
}

#[test]
fn a_mistyped_flag_in_the_wiring_reads_the_input_and_fails_closed() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .hook(GATE)
        .args(["--polcy", "x.toml"])
        .bash("rm -rf /")
        .run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("--polcy"), "{}", run.reason());
    assert!(
        run.stderr().contains("--policy"),
        "clap's suggestion: {}",
        run.stderr()
    );
    // Where nobody is at the prompt, the failure is a denial.
    let mut payload = crate::util::fixture_json("captures/pretooluse-bash-rm.json");
    payload["permission_mode"] = serde_json::json!("bypassPermissions");
    sandbox
        .hook(GATE)
        .args(["--polcy", "x.toml"])
        .payload(payload)
        .run()
        .code(2);
    // A person's typo of a subcommand gets clap's error and suggestion.
    sandbox
        .hook(GATE)
        .args(["explian", "ls"])
        .run()
        .code(2)
        .stderr_contains("explain");
}
