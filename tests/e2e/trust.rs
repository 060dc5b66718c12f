//! The trust model against the real CLI: installing hookkit never lets a call through that
//! Claude Code alone would have refused, and the tools hookkit models are the tools the CLI
//! offers.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::fake_api::{FakeApi, Script, ToolUse, bash, tool};
use super::harness::{ClaudeResult, Scenario, require_finished};

/// The calls of the scenario: each refused by Claude Code alone in `default` mode, except
/// the last (`ls`), which it runs.
fn calls(s: &Scenario) -> Vec<ToolUse> {
    let outside = s.home().join("outside.txt").display().to_string();
    vec![
        bash("rm old.log"),
        bash("git push origin HEAD:refs/heads/feature"),
        tool(
            "Write",
            json!({"file_path": outside, "content": "written from the project\n"}),
        ),
        bash("npm publish"),
        bash("curl -X DELETE https://api.example.com/items/1"),
        bash("ssh prod 'sudo systemctl stop nginx'"),
        bash("gh pr merge 7 --admin"),
        bash("touch witness.txt"),
        bash("ls"),
    ]
}

/// A project with a file to delete, a real remote to push to and shims that record any run
/// of the network programs.
fn prepared() -> Option<Scenario> {
    let s = Scenario::new()?;
    s.git_init();
    s.write("old.log", "old\n");
    let remote = s.root().join("remote.git");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(s.project())
            .env("HOME", s.home())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("running git");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "--bare", &remote.display().to_string()]);
    git(&["remote", "add", "origin", &remote.display().to_string()]);
    for program in ["npm", "curl", "ssh", "gh"] {
        s.shim(program);
    }
    Some(s)
}

fn denied(run: &ClaudeResult) -> BTreeSet<String> {
    run.result["permission_denials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["tool_use_id"].as_str().map(str::to_owned))
        .collect()
}

/// Runs the scenario in `mode`, with hookkit installed or not; returns the ids refused and
/// what ran, as seen on disk.
fn run_scenario(installed: bool, mode: &str) -> Option<(BTreeSet<String>, Vec<String>)> {
    let s = prepared()?;
    if installed {
        require_finished("pretooluse-gate");
        s.install(&[]);
    }
    let script = calls(&s);
    let count = script.len();
    let api = FakeApi::start(Script::calls(script));
    let run = s.claude(&api).args(&["--permission-mode", mode]).run();
    assert_eq!(run.output.code, 0, "claude failed:\n{}", run.output);
    assert_eq!(
        api.tool_results().len(),
        count,
        "every call must get a result:\n{}",
        api.dump()
    );
    let mut ran = Vec::new();
    if !s.path("old.log").exists() {
        ran.push("rm old.log".to_owned());
    }
    let branches = std::process::Command::new("git")
        .args(["branch", "--list", "feature"])
        .current_dir(s.root().join("remote.git"))
        .output()
        .expect("git branch");
    if !String::from_utf8_lossy(&branches.stdout).trim().is_empty() {
        ran.push("git push".to_owned());
    }
    if s.home().join("outside.txt").exists() {
        ran.push("Write outside".to_owned());
    }
    for program in ["npm", "curl", "ssh", "gh"] {
        if !s.shim_calls(program).is_empty() {
            ran.push(program.to_owned());
        }
    }
    if s.path("witness.txt").exists() {
        ran.push("touch".to_owned());
    }
    Some((denied(&run), ran))
}

#[test]
fn the_default_wiring_never_lets_through_what_claude_code_alone_refuses() {
    for mode in ["default", "acceptEdits"] {
        let Some((bare_denied, bare_ran)) = run_scenario(false, mode) else {
            return;
        };
        let (hooked_denied, hooked_ran) = run_scenario(true, mode).expect("the CLI was found once");
        assert!(
            !bare_denied.is_empty(),
            "{mode}: the bare CLI refused nothing; the scenario proves nothing"
        );
        let let_through: Vec<&String> = bare_denied.difference(&hooked_denied).collect();
        assert!(
            let_through.is_empty(),
            "{mode}: with hookkit installed these calls ran although Claude Code alone refused \
             them: {let_through:?}"
        );
        for ran in &hooked_ran {
            assert!(
                bare_ran.contains(ran),
                "{mode}: `{ran}` ran only with hookkit installed (bare ran {bare_ran:?})"
            );
        }
    }
}

/// The tools a real run announces in its `system`/`init` line.
fn announced_tools(extra_env: &[(&str, &str)]) -> Option<Vec<String>> {
    let s = Scenario::new()?;
    let api = FakeApi::start(Script::calls([]));
    let mut run = s
        .claude(&api)
        .args(&["--output-format", "stream-json", "--verbose"]);
    for (key, value) in extra_env {
        run = run.env(key, value);
    }
    let run = run.run();
    let init = run
        .output
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["type"] == "system" && v["subtype"] == "init")
        .unwrap_or_else(|| panic!("no init line:\n{}", run.output));
    Some(
        init["tools"]
            .as_array()
            .expect("the init line lists tools")
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
    )
}

#[test]
fn every_tool_the_cli_offers_is_one_hookkit_models() {
    for env in [&[][..], &[("CLAUDE_CODE_USE_POWERSHELL_TOOL", "1")][..]] {
        let Some(tools) = announced_tools(env) else {
            return;
        };
        assert!(tools.iter().any(|t| t == "Bash"), "{tools:?}");
        let unknown: Vec<&String> = tools
            .iter()
            .filter(|t| !t.starts_with("mcp__"))
            .filter(|t| hookkit::protocol::tool_kind(t).is_none())
            .collect();
        assert!(
            unknown.is_empty(),
            "the CLI offers tools hookkit does not model (add them to protocol::KNOWN_TOOLS \
             with what they do): {unknown:?}"
        );
    }
}
