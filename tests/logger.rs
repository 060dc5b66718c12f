//! `permission-denied-logger` as a hook: the retry answer and its policy, the record it
//! appends, and that it answers even when the log cannot be written.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::util::{Sandbox, fixture_json};

pub(crate) const LOGGER: &str = env!("CARGO_BIN_EXE_permission-denied-logger");

/// The default log of a sandbox's project.
pub(crate) fn default_log(sandbox: &Sandbox) -> PathBuf {
    sandbox.project().join(".claude/logs/hookkit-audit.jsonl")
}

pub(crate) fn records(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_else(|e| panic!("reading {}: {e}", log.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A PermissionDenied payload for a Bash command, shaped like the real capture.
pub(crate) fn denied_bash(command: &str) -> Value {
    let mut payload = fixture_json("captures/permissiondenied-bash.json");
    payload["tool_input"]["command"] = json!(command);
    payload
}

fn retry_of(reply: &Value) -> bool {
    assert_eq!(
        reply["hookSpecificOutput"]["hookEventName"],
        json!("PermissionDenied")
    );
    reply["hookSpecificOutput"]["retry"].as_bool().unwrap()
}

#[test]
fn answers_retry_and_records_the_classifiers_denial() {
    let sandbox = Sandbox::new();
    let run = sandbox
        .hook(LOGGER)
        .fixture("captures/permissiondenied-auto-flagged.json")
        .run()
        .code(0);
    assert_eq!(
        run.protocol_reply(),
        json!({"hookSpecificOutput": {"hookEventName": "PermissionDenied", "retry": true}})
    );
    assert_eq!(run.stderr(), "");
    let log = default_log(&sandbox);
    let [record] = records(&log).try_into().unwrap();
    assert_eq!(record["binary"], json!("permission-denied-logger"));
    assert_eq!(record["event"], json!("PermissionDenied"));
    assert_eq!(record["decision"], json!("denied"));
    assert_eq!(
        record["reason"],
        json!("e2e mock classifier: deleting outside the project is blocked")
    );
    assert_eq!(record["tool"], json!("Bash"));
    assert_eq!(record["input"], json!("rm -rf ../outside"));
    assert_eq!(record["tool_use_id"], json!("toolu_mock41a7d0_0001"));
    assert_eq!(record["permission_mode"], json!("auto"));
    assert_eq!(record["rule_id"], json!("auto-mode"));
    assert_eq!(
        record["session_id"],
        json!("205642a2-e4b3-49d3-81f5-f5564df91808")
    );
    assert_eq!(record["version"], json!(env!("CARGO_PKG_VERSION")));
    assert_eq!(record["seq"], json!(1));
    assert_eq!(record["prev"], json!("0".repeat(64)));
    assert_eq!(record["input_sha256"].as_str().unwrap().len(), 64);
    assert!(record["latency_us"].is_u64());
    let time = record["time"].as_str().unwrap();
    assert!(time.ends_with('Z') && time.len() == 27, "{time}");
}

#[cfg(unix)]
#[test]
fn the_log_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("ls"))
        .run()
        .code(0);
    let log = default_log(&sandbox);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&log), 0o600);
    assert_eq!(mode(log.parent().unwrap()), 0o700);
}

#[test]
fn retry_follows_the_policy_and_its_first_matching_override() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "project/.claude/hookkit.toml",
        r#"
[permission_denied]
retry = true
[[permission_denied.override]]
tool = "Bash"
command_prefix = "git push"
retry = false
[[permission_denied.override]]
tool = "mcp__deploy__*"
retry = false
"#,
    );
    let retry = |payload: Value| {
        retry_of(
            &sandbox
                .hook(LOGGER)
                .payload(payload)
                .run()
                .code(0)
                .protocol_reply(),
        )
    };
    assert!(!retry(denied_bash("git push origin main")));
    assert!(!retry(denied_bash("cd repo && git push --force")));
    assert!(retry(denied_bash("git status")));
    assert!(retry(denied_bash("npm publish --access public")));
    let mut mcp = denied_bash("x");
    mcp["tool_name"] = json!("mcp__deploy__release");
    mcp["tool_input"] = json!({"version": "1.2.3"});
    assert!(!retry(mcp));
    // Every denial is recorded, whatever the answer.
    assert_eq!(records(&default_log(&sandbox)).len(), 5);
}

#[test]
fn retry_can_be_turned_off_by_an_explicit_policy() {
    let sandbox = Sandbox::new();
    let policy = sandbox.write("policy.toml", "[permission_denied]\nretry = false\n");
    let run = sandbox
        .hook(LOGGER)
        .env("HOOKKIT_POLICY", &policy)
        .payload(denied_bash("npm publish"))
        .run()
        .code(0);
    assert!(!retry_of(&run.protocol_reply()));
}

#[test]
fn a_broken_policy_still_gets_an_answer_and_a_record() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[permission_denied\nretry = ",
    );
    let run = sandbox
        .hook(LOGGER)
        .payload(denied_bash("npm publish"))
        .run()
        .code(0)
        .stderr_contains("skipping that file");
    assert!(retry_of(&run.protocol_reply()));
    assert_eq!(records(&default_log(&sandbox)).len(), 1);
}

#[test]
fn other_events_get_no_opinion_and_no_record() {
    let sandbox = Sandbox::new();
    for fixture in [
        "captures/pretooluse-bash-rm.json",
        "captures/sessionstart-startup.json",
        "captures/stop.json",
    ] {
        let run = sandbox.hook(LOGGER).fixture(fixture).run().code(0);
        assert_eq!(run.protocol_reply(), json!({}), "{fixture}");
    }
    assert!(!default_log(&sandbox).exists());
}

#[test]
fn bad_input_takes_the_failure_path() {
    let sandbox = Sandbox::new();
    let run = sandbox.hook(LOGGER).stdin("not json").run().code(2);
    assert!(run.stdout().is_empty());
    assert!(
        run.stderr().contains("permission-denied-logger"),
        "{}",
        run.stderr()
    );
    let run = sandbox
        .hook(LOGGER)
        .payload(json!({"session_id": "s", "cwd": "/", "hook_event_name": "PermissionDenied"}))
        .run()
        .code(2);
    assert!(run.stderr().contains("tool_name"), "{}", run.stderr());
}

#[test]
fn an_unwritable_log_still_answers_and_says_so() {
    let sandbox = Sandbox::new();
    let not_a_dir = sandbox.write("project/plain-file", "x");
    let cases = [not_a_dir.join("audit.jsonl"), PathBuf::from("/dev/full")];
    for log in cases {
        if !log.starts_with(sandbox.root()) && !log.exists() {
            continue;
        }
        let run = sandbox
            .hook(LOGGER)
            .args(["--log".as_ref(), log.as_os_str()])
            .payload(denied_bash("npm publish"))
            .run()
            .code(0)
            .stderr_contains("the decision was not audited");
        assert!(retry_of(&run.protocol_reply()), "{}", log.display());
    }
}

#[test]
fn the_log_location_follows_the_flag_and_the_users_policy_only() {
    let sandbox = Sandbox::new();
    // A project file cannot move the log (it could aim it at a start-up file).
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[audit]\nlog = \"../home/.bashrc\"\n",
    );
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[audit]\nlog = \"audit/trail.jsonl\"\n",
    );
    sandbox.hook(LOGGER).payload(denied_bash("a")).run().code(0);
    assert_eq!(
        records(&sandbox.project().join("audit/trail.jsonl")).len(),
        1
    );
    assert!(!sandbox.home().join(".bashrc").exists());

    // Nor can the environment, which a committed settings file can set.
    let from_env = sandbox.root().join("env.jsonl");
    sandbox
        .hook(LOGGER)
        .env("HOOKKIT_AUDIT_LOG", &from_env)
        .payload(denied_bash("b"))
        .run()
        .code(0);
    assert!(!from_env.exists());
    assert_eq!(
        records(&sandbox.project().join("audit/trail.jsonl")).len(),
        2
    );

    let from_flag = sandbox.root().join("flag.jsonl");
    sandbox
        .hook(LOGGER)
        .env("HOOKKIT_AUDIT_LOG", &from_env)
        .args(["--log".as_ref(), from_flag.as_os_str()])
        .payload(denied_bash("c"))
        .run()
        .code(0);
    assert_eq!(records(&from_flag).len(), 1);
    assert!(!from_env.exists());
}

#[test]
fn secrets_never_reach_the_log() {
    let sandbox = Sandbox::new();
    let token = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    let mut payload = denied_bash(&format!(
        "curl -H 'Authorization: Bearer {token}' https://deploy:hunter22@ci.example.com/run"
    ));
    payload["reason"] = json!(format!("the command sends {token} to a remote host"));
    sandbox.hook(LOGGER).payload(payload).run().code(0);
    let text = std::fs::read_to_string(default_log(&sandbox)).unwrap();
    assert!(
        !text.contains(token) && !text.contains("hunter22"),
        "{text}"
    );
    let [record] = records(&default_log(&sandbox)).try_into().unwrap();
    assert_eq!(
        record["input"],
        json!(
            "curl -H 'Authorization: Bearer [REDACTED:github-token]' https://deploy:[REDACTED:url-password]@ci.example.com/run"
        )
    );
    assert_eq!(
        record["reason"],
        json!("the command sends [REDACTED:github-token] to a remote host")
    );
}

#[test]
fn long_inputs_are_capped() {
    let sandbox = Sandbox::new();
    sandbox
        .hook(LOGGER)
        .payload(denied_bash(&format!("echo {}", "x".repeat(5000))))
        .run()
        .code(0);
    let [record] = records(&default_log(&sandbox)).try_into().unwrap();
    let input = record["input"].as_str().unwrap();
    assert_eq!(input.chars().count(), 500);
    assert!(input.ends_with('…'));
}

#[test]
fn a_log_held_locked_by_another_process_still_gets_an_answer() {
    let sandbox = Sandbox::new();
    let log = sandbox.root().join("locked.jsonl");
    let holder = std::fs::File::create(&log).unwrap();
    holder.lock().unwrap();
    let run = sandbox
        .hook(LOGGER)
        .args(["--log".as_ref(), log.as_os_str()])
        .payload(denied_bash("npm publish"))
        .run()
        .code(0)
        .stderr_contains("another process held the lock");
    assert!(retry_of(&run.protocol_reply()));
    drop(holder);
    assert_eq!(std::fs::metadata(&log).unwrap().len(), 0);
}

#[test]
fn person_commands_find_the_project_from_a_subdirectory_despite_a_broken_policy() {
    let sandbox = Sandbox::new();
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("ls"))
        .run()
        .code(0);
    sandbox.write("project/.claude/hookkit.toml", "[audit\nlog = ");
    let deep = sandbox.project().join("src/deep");
    std::fs::create_dir_all(&deep).unwrap();
    for command in [&["verify"][..], &["report"], &["tail", "-n", "1"]] {
        // As a person types it: no CLAUDE_PROJECT_DIR, in a subdirectory of the project.
        let out = std::process::Command::new(LOGGER)
            .args(command)
            .env_clear()
            .env("HOME", sandbox.home())
            .env("NO_COLOR", "1")
            .current_dir(&deep)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{command:?}\n{stdout}\n{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{command:?}: {stderr}");
        assert!(
            stderr.contains("warning") && stderr.contains("hookkit.toml"),
            "{stderr}"
        );
        assert!(!stdout.is_empty(), "{command:?}");
        if command == ["verify"] {
            assert!(
                stdout.contains("anchored: the log still holds record seq 1"),
                "{stdout}"
            );
        }
    }
}

/// A command holding each shape of secret, and the secret (or the part of it) that must never
/// be written to the log.
const SECRET_COMMANDS: &[(&str, &str)] = &[
    ("PGPASSWORD=hunter2x psql -h db app", "hunter2x"),
    ("MYSQL_PWD=s3cretpw mysql -u root app", "s3cretpw"),
    (
        "curl -u admin:hunter22pw https://ci.example.com/api",
        "hunter22pw",
    ),
    (
        "curl --user admin:hunter22pw https://ci.example.com/api",
        "hunter22pw",
    ),
    (
        "curl -H 'X-Api-Key: 8f2b1c9d7e6a5f4b' https://api.example.com",
        "8f2b1c9d7e6a5f4b",
    ),
    (
        "curl -H 'Private-Token: 8f2b1c9d7e6a5f4c' https://gitlab.example.com",
        "8f2b1c9d7e6a5f4c",
    ),
    (
        "curl -H 'Cookie: session=9f8e7d6c5b4a' https://x.example.com",
        "9f8e7d6c5b4a",
    ),
    ("db_password=hunter2db ./migrate", "hunter2db"),
    ("deploy --db-password hunter2cli", "hunter2cli"),
    (
        "curl 'https://api.example.com/v1?key=a1b2c3d4e5f6&q=1'",
        "a1b2c3d4e5f6",
    ),
    (
        "curl 'https://api.example.com/v1?x=1&access_token=a1b2c3d4e5f7'",
        "a1b2c3d4e5f7",
    ),
    (
        "huggingface-cli login --token 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",
        "ujzPdeIgxLdGncfBAepfJBdKhoOOLdKLzd",
    ),
    (
        "SENDGRID=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 ./mail",
        "MFxFkM_R5Kjp1vRt",
    ),
    (
        "doctl auth init -t dop_v1_6947ccf25ec84d8dbc74254770f58904dba41ecccc3fc1626e53a13043b026c4",
        "6947ccf25ec84d8dbc7425",
    ),
    (
        "az storage blob list --connection-string 'AccountName=a;AccountKey=UIQfHOJMaidDn87XG3/q/xbMtEPO6Ukz==;EndpointSuffix=x'",
        "UIQfHOJMaidDn87XG3",
    ),
    (
        "vault login hvs.gcF_Ha6ili8GjHEAD6-Wj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IX",
        "gcF_Ha6ili8GjHEAD6",
    ),
    (
        "curl https://api.telegram.org/bot123456789:AAGSU8po_799NksnRH9ucAUsdMlHUvTCQCy/getMe",
        "AAGSU8po_799NksnRH9uc",
    ),
    (
        "echo 'ghp_'\"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8\" | gh auth login --with-token",
        "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    ),
    (
        "curl 'https://x.example.com/?t=%67hp_B1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'",
        "B1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    ),
    (
        "databricks configure --token dapi2824c1c099724caf4941d4072014b3ce",
        "2824c1c099724caf4941d4072014b3ce",
    ),
    (
        "curl -X POST https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/AbC123dEf456GhI789jKl012",
        "AbC123dEf456GhI789jKl012",
    ),
];

#[test]
fn no_shape_of_secret_reaches_the_log() {
    let sandbox = Sandbox::new();
    for (command, _) in SECRET_COMMANDS {
        let mut payload = denied_bash(command);
        // The classifier's reason quotes the command.
        payload["reason"] = json!(format!("`{command}` sends a credential out"));
        sandbox.hook(LOGGER).payload(payload).run().code(0);
    }
    let log = default_log(&sandbox);
    let text = std::fs::read_to_string(&log).unwrap();
    for (command, secret) in SECRET_COMMANDS {
        assert!(
            !text.contains(secret),
            "{secret} of {command:?} is in the log"
        );
    }
    let records = records(&log);
    assert_eq!(records.len(), SECRET_COMMANDS.len());
    for record in &records {
        assert!(
            record["input"].as_str().unwrap().contains("[REDACTED:"),
            "{record}"
        );
        assert!(
            record["reason"].as_str().unwrap().contains("[REDACTED:"),
            "{record}"
        );
    }
}

#[test]
fn the_input_filter_finds_each_shape_of_secret_in_a_call() {
    use hookkit::protocol::ToolCall;
    use hookkit::secrets::scan_call;
    for (command, _) in SECRET_COMMANDS {
        let call = ToolCall {
            name: "Bash".into(),
            input: json!({ "command": command, "description": "d" }),
            mcp_server: None,
        };
        assert!(
            !scan_call(&call, None).is_empty(),
            "no secret found in {command:?}"
        );
        for (tool, input) in [
            ("WebSearch", json!({ "query": command })),
            (
                "Write",
                json!({ "file_path": "/p/run.sh", "content": command }),
            ),
            ("mcp__shell__run", json!({ "cmd": command })),
        ] {
            let call = ToolCall {
                name: tool.into(),
                input,
                mcp_server: None,
            };
            assert!(!scan_call(&call, None).is_empty(), "{tool}: {command:?}");
        }
    }
}
