//! The gate, wired by `install.sh`, in front of the real CLI: what it denies never runs, what
//! it allows runs and its output reaches the model, what it asks is a denial in `claude -p`,
//! and a prompt carrying a secret never reaches the model.

use serde_json::Value;

use super::fake_api::{FakeApi, Script, bash, tool};
use super::harness::{ClaudeResult, Scenario, require_classified, require_finished};

/// The ids of the calls the CLI reported as denied.
fn denied_ids(run: &ClaudeResult) -> Vec<String> {
    run.result["permission_denials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["tool_use_id"].as_str().map(str::to_owned))
        .collect()
}

/// The gate's audit record for the call `id` (the audit trail is on by default).
fn gate_record(s: &Scenario, id: &str) -> Value {
    let path = s.path(".claude/logs/hookkit-audit.jsonl");
    let log = std::fs::read_to_string(&path).unwrap_or_default();
    log.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|r| r["binary"] == "pretooluse-gate" && r["tool_use_id"] == id)
        .unwrap_or_else(|| {
            panic!(
                "no pretooluse-gate audit record for {id} in {}:\n{log}",
                path.display()
            )
        })
}

#[test]
fn gate_blocks_rm_rf_root_and_lets_ls_run() {
    let Some(s) = Scenario::new() else { return };
    s.install(&[]);
    s.write("README.md", "hello\n");
    // Witness and safety net: if the gate ever let this through, the fake rm records it.
    s.shim("rm");
    let api = FakeApi::start(Script::calls([bash("rm -rf /"), bash("ls")]));
    let run = s.claude(&api).run();
    run.assert_completed();

    let (rm, ls) = (Script::tool_use_id(0, 0), Script::tool_use_id(1, 0));
    assert!(
        s.shim_calls("rm").is_empty(),
        "rm ran: {:?}",
        s.shim_calls("rm")
    );
    let denial = api
        .tool_result(&rm)
        .unwrap_or_else(|| panic!("no tool_result for rm:\n{}", api.dump()));
    assert!(
        denial.starts_with("PreToolUse:Bash hook error"),
        "the rm denial must come from our PreToolUse hook, got: {denial}"
    );
    assert!(denied_ids(&run).contains(&rm), "{}", run.output);

    let listing = api
        .tool_result(&ls)
        .unwrap_or_else(|| panic!("no tool_result for ls:\n{}", api.dump()));
    assert!(
        listing.contains("README.md"),
        "ls must run and its output reach the model, got: {listing}"
    );
    assert!(!denied_ids(&run).contains(&ls), "{}", run.output);
    assert_eq!(run.result["result"], "done");
    // Three turns (two calls, then the final text), and nothing but the Messages API.
    assert_eq!(api.agent_turns().len(), 3, "{}", api.dump());
    for request in api.requests() {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/v1/messages?beta=true"),
            "the CLI called an endpoint the fake does not serve"
        );
    }
}

#[test]
fn gate_allows_git_status_and_its_output_reaches_the_model() {
    let Some(s) = Scenario::new() else { return };
    s.git_init();
    s.install(&[]);
    s.write("untracked.txt", "new\n");
    let api = FakeApi::start(Script::calls([bash("git status")]));
    let run = s.claude(&api).run();
    run.assert_completed();
    let id = Script::tool_use_id(0, 0);
    let status = api
        .tool_result(&id)
        .unwrap_or_else(|| panic!("no tool_result for git status:\n{}", api.dump()));
    assert!(
        status.contains("On branch main") && status.contains("untracked.txt"),
        "git status must run in the project, got: {status}"
    );
    assert!(denied_ids(&run).is_empty(), "{}", run.output);
}

#[test]
fn gate_denies_rm_rf_of_a_source_directory_and_it_survives() {
    let Some(s) = Scenario::new() else { return };
    require_finished("pretooluse-gate");
    require_classified("rm -rf src");
    s.install(&[]);
    // Opted into auto mode in the user's own file: local, reversible work runs silently.
    s.user_policy("[gate]\nmode = \"auto\"\n");
    s.write("src/main.rs", "fn main() {}\n");
    s.write("target/debug/junk", "build output\n");
    let api = FakeApi::start(Script::calls([bash("rm -rf src"), bash("rm -rf target")]));
    let run = s.claude(&api).run();
    run.assert_completed();
    let (src, target) = (Script::tool_use_id(0, 0), Script::tool_use_id(1, 0));
    assert!(
        s.path("src/main.rs").is_file(),
        "rm -rf src ran: src/ is gone"
    );
    let denial = api.tool_result(&src).unwrap_or_default();
    assert!(
        denial.starts_with("PreToolUse:Bash hook error"),
        "rm -rf src must be denied by our gate, got: {denial:?}\n{}",
        api.dump()
    );
    // Build output is fair game in auto mode: the same command on target/ is allowed and runs.
    assert!(
        !s.path("target").exists(),
        "rm -rf target (build output) must be allowed and run; tool_result: {:?}",
        api.tool_result(&target)
    );
    assert!(denied_ids(&run).contains(&src) && !denied_ids(&run).contains(&target));
}

#[test]
fn gate_ask_on_force_push_to_main_is_a_denial_in_print_mode() {
    let Some(s) = Scenario::new() else { return };
    require_finished("pretooluse-gate");
    require_classified("git push --force origin main");
    s.git_init();
    // A real remote, so a push that got through would show on disk.
    let remote = s.root().join("remote.git");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(s.project())
            .env("HOME", s.home())
            .output()
            .expect("running git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    git(&["init", "-q", "--bare", remote.to_str().expect("utf-8 path")]);
    git(&[
        "remote",
        "add",
        "origin",
        remote.to_str().expect("utf-8 path"),
    ]);
    git(&["push", "-q", "origin", "main"]);
    let pushed = git(&["rev-parse", "origin/main"]);
    git(&[
        "-c",
        "user.name=e2e",
        "-c",
        "user.email=e2e@example.invalid",
        "commit",
        "-q",
        "--amend",
        "-m",
        "rewritten",
    ]);
    s.install(&[]);

    let api = FakeApi::start(Script::calls([bash("git push --force origin main")]));
    let run = s.claude(&api).run();
    run.assert_completed();
    let id = Script::tool_use_id(0, 0);
    let remote_head = std::process::Command::new("git")
        .args([
            "--git-dir",
            remote.to_str().expect("utf-8 path"),
            "rev-parse",
            "main",
        ])
        .output()
        .expect("reading the remote");
    assert_eq!(
        String::from_utf8_lossy(&remote_head.stdout).trim(),
        pushed,
        "the force push reached the remote"
    );
    assert!(denied_ids(&run).contains(&id), "{}", run.output);
    let record = gate_record(&s, &id);
    assert!(
        record["decision"] == "ask" || record["decision"] == "deny",
        "the gate must ask or deny a force push to main: {record}"
    );
    // The CLI's own "needs approval" text would also be a denial; the gate's ask reason must
    // be what the model reads.
    let result = api.tool_result(&id).unwrap_or_default();
    assert!(
        result.to_lowercase().contains("force"),
        "the model must read the gate's reason for asking, got: {result:?}"
    );
}

#[test]
fn gate_blocks_a_prompt_carrying_a_secret_before_the_model_sees_it() {
    let Some(s) = Scenario::new() else { return };
    require_finished("pretooluse-gate");
    s.install(&[]);
    let key = "AKIAZ7VQ3XKP4MNB2RTE";
    let secret = "q9Xv2Lr8Tb5Wn1Kd7Hs3Jf6Pz0Mc4Yg8Ue2Ra5Vx";
    let api = FakeApi::start(Script::calls([bash("ls")]));
    let run = s
        .claude(&api)
        .prompt(&format!(
            "deploy with aws_access_key_id={key} aws_secret_access_key={secret}"
        ))
        .run();
    let sent = api.everything_sent_to_model();
    assert!(
        !sent.contains(key) && !sent.contains(secret),
        "the secret reached the model:\n{sent}"
    );
    assert!(
        api.agent_turns().is_empty(),
        "a blocked prompt must not start a turn:\n{}",
        api.dump()
    );
    // The CLI reports the block and (its own choice) echoes the original prompt back to the
    // user after it; the hook's reason, before that echo, must not repeat the secret.
    let report = run.result["result"].as_str().unwrap_or_default();
    assert!(
        report.starts_with("UserPromptSubmit operation blocked by hook"),
        "the prompt must be blocked by our hook:\n{}",
        run.output
    );
    let reason = report.split("Original prompt:").next().unwrap_or_default();
    assert!(
        !reason.contains(secret) && !reason.contains(key),
        "the block reason must not echo the secret:\n{reason}"
    );
    assert_ne!(run.result, Value::Null, "no JSON result:\n{}", run.output);
}

#[test]
fn gate_keeps_the_agent_out_of_git_config() {
    let Some(s) = Scenario::new() else { return };
    require_finished("pretooluse-gate");
    s.git_init();
    s.install(&[]);
    let config = s.path(".git/config");
    let before = std::fs::read_to_string(&config).expect("git config");
    let api = FakeApi::start(Script::calls([tool(
        "Write",
        serde_json::json!({
            "file_path": config.display().to_string(),
            "content": "[core]\n\thooksPath = /tmp/elsewhere\n",
        }),
    )]));
    let run = s.claude(&api).run();
    run.assert_completed();
    let id = Script::tool_use_id(0, 0);
    assert_eq!(
        std::fs::read_to_string(&config).expect("git config"),
        before,
        ".git/config was rewritten"
    );
    assert!(denied_ids(&run).contains(&id), "{}", run.output);
    // Without the gate the CLI refuses too, in its own words, and in `-p` a hook's ask ends
    // in that same text; the gate's audit record shows that it decided.
    let record = gate_record(&s, &id);
    assert!(
        record["decision"] == "ask" || record["decision"] == "deny",
        "the gate must ask or deny a write to .git/config: {record}"
    );
}
