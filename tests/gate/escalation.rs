//! Repeated denials in a session turn into an ask, also when hook processes run in parallel;
//! a state problem never turns into an allow.

use super::{GATE, with_project_policy, with_user_policy};
use crate::util::Sandbox;

#[test]
fn asks_after_n_consecutive_denials_and_an_allow_resets() {
    let sandbox = Sandbox::new();
    let policy = "[gate]\nmode = \"auto\"\nescalate_after = 2\n\
                  [permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    let first = with_user_policy(&sandbox, policy).bash("curl a").run();
    assert_eq!(first.decision(), "deny");
    assert_eq!(sandbox.hook(GATE).bash("curl b").run().decision(), "deny");
    let third = sandbox.hook(GATE).bash("curl c").run();
    assert_eq!(third.decision(), "ask");
    assert!(
        third.reason().contains("denied 2 times in a row"),
        "{}",
        third.reason()
    );
    assert_eq!(sandbox.hook(GATE).bash("curl d").run().decision(), "ask");
    assert_eq!(sandbox.hook(GATE).bash("ls").run().decision(), "allow");
    assert_eq!(sandbox.hook(GATE).bash("curl e").run().decision(), "deny");
}

#[test]
fn escalation_never_asks_where_nobody_is_at_the_prompt() {
    let sandbox = Sandbox::new();
    let policy = "[gate]\nescalate_after = 1\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    sandbox.write("home/.claude/hookkit.toml", policy);
    for mode in ["bypassPermissions", "dontAsk", "auto"] {
        let mut payload = crate::util::fixture_json("captures/pretooluse-bash-rm.json");
        payload["permission_mode"] = serde_json::json!(mode);
        payload["tool_input"] = serde_json::json!({"command": "curl x"});
        for _ in 0..3 {
            let run = sandbox.hook(GATE).payload(payload.clone()).run();
            assert_eq!(run.decision(), "deny", "{mode}");
        }
    }
}

#[test]
fn a_project_file_cannot_make_escalation_come_sooner() {
    let sandbox = Sandbox::new();
    let policy = "[gate]\nescalate_after = 1\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    sandbox.write("project/.claude/hookkit.toml", policy);
    for _ in 0..3 {
        assert_eq!(sandbox.hook(GATE).bash("curl a").run().decision(), "deny");
    }
    assert_eq!(sandbox.hook(GATE).bash("curl a").run().decision(), "ask");
}

#[test]
fn zero_never_escalates() {
    let sandbox = Sandbox::new();
    let policy = "[gate]\nescalate_after = 0\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    with_project_policy(&sandbox, policy).bash("curl a").run();
    for _ in 0..4 {
        assert_eq!(sandbox.hook(GATE).bash("curl a").run().decision(), "deny");
    }
}

#[test]
fn parallel_hook_processes_lose_no_denial() {
    let sandbox = Sandbox::new();
    let policy = "[gate]\nescalate_after = 12\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    sandbox.write("project/.claude/hookkit.toml", policy);
    let decisions: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..12)
            .map(|_| scope.spawn(|| sandbox.hook(GATE).bash("curl x").run().decision()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(decisions.iter().all(|d| d == "deny"), "{decisions:?}");
    assert_eq!(
        sandbox.hook(GATE).bash("curl x").run().decision(),
        "ask",
        "the 13th denial must see all 12 before it"
    );
}

#[test]
fn a_broken_state_directory_keeps_the_deny() {
    let sandbox = Sandbox::new();
    // hookkit's state directory cannot be created: ~/.local/state is a file.
    sandbox.write("home/.local/state", "x");
    let policy = "[gate]\nescalate_after = 1\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    sandbox.write("home/.claude/hookkit.toml", policy);
    for _ in 0..3 {
        let run = sandbox.hook(GATE).bash("curl x").run();
        assert_eq!(run.decision(), "deny");
    }
}

#[test]
fn state_lives_in_the_users_state_dir_per_session() {
    let sandbox = Sandbox::new();
    let dir = sandbox.home().join(".local/state/hookkit/streaks");
    let elsewhere = sandbox.root().join("state");
    let policy = "[gate]\nescalate_after = 1\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n";
    sandbox.write("home/.claude/hookkit.toml", policy);
    let run = |session: &str| {
        let mut payload = crate::util::fixture_json("captures/pretooluse-bash-rm.json");
        payload["session_id"] = serde_json::json!(session);
        payload["tool_input"] = serde_json::json!({"command": "curl x"});
        // A state directory named by the environment is ignored in a hook: a repository could
        // set it to start every streak afresh.
        sandbox
            .hook(GATE)
            .env("HOOKKIT_STATE_DIR", &elsewhere)
            .payload(payload)
            .run()
            .decision()
    };
    assert_eq!(run("one"), "deny");
    assert_eq!(run("two"), "deny", "streaks are per session");
    assert_eq!(run("one"), "ask");
    assert!(dir.read_dir().unwrap().count() > 0);
    assert!(!elsewhere.exists());
    assert!(!sandbox.project().join(".claude/hookkit-state").exists());
}
