//! Layering: an explicit policy replaces the user and project files; a deny anywhere wins; the
//! environment's policy can only add restrictions in a hook.

use super::{GATE, with_project_policy};
use crate::util::Sandbox;

#[test]
fn explicit_policy_replaces_user_and_project_files() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[permissions]\ndeny = [\"Bash(ls)\"]\n",
    );
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[permissions]\ndeny = [\"Bash(pwd)\"]\n",
    );
    assert_eq!(sandbox.hook(GATE).bash("ls").run().decision(), "deny");
    assert_eq!(sandbox.hook(GATE).bash("pwd").run().decision(), "deny");
    let explicit = sandbox.write(
        "explicit.toml",
        "[permissions]\ndeny = [\"Bash(echo:*)\"]\n",
    );
    let flag = || {
        sandbox
            .hook(GATE)
            .args(["--policy".as_ref(), explicit.as_os_str()])
    };
    assert_eq!(flag().bash("ls").run().decision(), "none");
    assert_eq!(flag().bash("echo hi").run().decision(), "deny");
    // In a hook, HOOKKIT_POLICY adds a layer that can only tighten: the user's deny stays.
    let env = || sandbox.hook(GATE).env("HOOKKIT_POLICY", &explicit);
    assert_eq!(env().bash("ls").run().decision(), "deny");
    assert_eq!(env().bash("echo hi").run().decision(), "deny");
}

#[test]
fn the_environments_policy_cannot_loosen_a_hook() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[gate]\non_error = \"deny\"\n[permissions]\ndeny = [\"Bash(curl:*)\"]\n",
    );
    let loose = sandbox.write(
        "loose.toml",
        "[gate]\nmode = \"auto\"\nhigh_risk = \"ask\"\n[permissions]\nallow = [\"Bash\"]\n",
    );
    let run = |command: &str| {
        sandbox
            .hook(GATE)
            .env("HOOKKIT_POLICY", &loose)
            .bash(command)
            .run()
            .decision()
    };
    assert_eq!(run("curl https://example.com"), "deny");
    assert_eq!(run("rm -rf /"), "deny");
    assert_eq!(run("ls"), "none");
}

#[test]
fn a_user_deny_beats_a_project_allow() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[permissions]\ndeny = [\"Bash(curl:*)\"]\n",
    );
    let run = with_project_policy(
        &sandbox,
        "[permissions]\nallow = [\"Bash(curl:*)\", \"Bash\"]\n",
    )
    .bash("curl https://example.com")
    .run();
    assert_eq!(run.decision(), "deny");
}
