//! Layering: an explicit policy replaces the user and project files; a deny anywhere wins.

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
    for run in [
        sandbox
            .hook(GATE)
            .args(["--policy".as_ref(), explicit.as_os_str()]),
        sandbox.hook(GATE).env("HOOKKIT_POLICY", &explicit),
    ] {
        assert_eq!(run.bash("ls").run().decision(), "allow");
    }
    let echo = sandbox
        .hook(GATE)
        .env("HOOKKIT_POLICY", &explicit)
        .bash("echo hi")
        .run();
    assert_eq!(echo.decision(), "deny");
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
