//! The reviewer's commands: `list`, `show`, `approve`, `deny`, `resume`, `--from-result`.

use serde_json::{Value, json};

use super::{bash_call, edit_item, headless, item_of, resumed, reviewer, tool_call};
use crate::util::{Sandbox, fixture_json, fixture_path};

/// Asserts a snapshot with what changes from run to run filtered out: the sandbox path,
/// times and ages.
fn snapshot(name: &str, text: &str, sandbox: &Sandbox) {
    let mut settings = insta::Settings::clone_current();
    let root = sandbox.root().display().to_string();
    settings.add_filter(&regex_escape(&root), "[SANDBOX]");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[TIME]");
    settings.add_filter(r"(?m)^(\w{6}  )\d+s +", "$1[AGE]  ");
    settings.add_filter(r"\(\d+s ago\)", "([AGE] ago)");
    // Every sandbox makes its own reviewer key.
    settings.add_filter(r"ed25519:[A-Za-z0-9+/=]+", "ed25519:[KEY]");
    settings.add_filter(
        r#""signature": "[A-Za-z0-9+/=]+""#,
        r#""signature": "[SIGNATURE]""#,
    );
    settings.add_filter(r"key [0-9a-f]{16}", "key [KEY ID]");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

fn queue_three(sandbox: &Sandbox) {
    let first = bash_call("toolu_list_1", "rm -rf build");
    assert_eq!(headless(sandbox).payload(first).run().decision(), "defer");
    let id = item_of(sandbox, "toolu_list_1")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(
        sandbox,
        &["deny", &id, "--reason", "no", "--reviewer", "bob"],
    )
    .code(0);
    let second = bash_call("toolu_list_2", "git push origin main");
    assert_eq!(headless(sandbox).payload(second).run().decision(), "defer");
    // A search for a leaked key: the gate's input filter stops a Bash call that carries a
    // secret, but not a search, and the queue must not store it in the clear.
    let mut other = tool_call(
        "toolu_list_3",
        "Grep",
        json!({"pattern": "sk-ant-api03-Xb7kPq2ZrT9wLm4NvC8sDf3Gh6Jk1Lp0QaWe", "path": "."}),
    );
    other["session_id"] = json!("5b1e2c3d-other-session");
    other["permission_mode"] = json!("acceptEdits");
    assert_eq!(
        headless(sandbox)
            .args(["--when", ".tool_name == \"Grep\""])
            .payload(other)
            .run()
            .decision(),
        "defer"
    );
}

#[test]
fn list_shows_a_table_of_pending_items() {
    let sandbox = Sandbox::new();
    let run = reviewer(&sandbox, &["list"]).code(0);
    assert!(
        run.stdout().starts_with("no pending items in "),
        "{}",
        run.stdout()
    );
    queue_three(&sandbox);
    let run = reviewer(&sandbox, &["list"]).code(0);
    snapshot("list_pending", &run.stdout(), &sandbox);
    let run = reviewer(&sandbox, &["list", "--all"]).code(0);
    snapshot("list_all", &run.stdout(), &sandbox);
}

#[test]
fn list_json_holds_every_field() {
    let sandbox = Sandbox::new();
    queue_three(&sandbox);
    let run = reviewer(&sandbox, &["list", "--json", "--all"]).code(0);
    let value: Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(value["items"].as_array().unwrap().len(), 3);
    snapshot("list_json", &run.stdout(), &sandbox);
}

#[test]
fn show_prints_the_redacted_input_hash_and_decision() {
    let sandbox = Sandbox::new();
    queue_three(&sandbox);
    let id = item_of(&sandbox, "toolu_list_3")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = reviewer(&sandbox, &["show", &id]).code(0);
    assert!(!run.stdout().contains("Lp0QaWe"), "{}", run.stdout());
    snapshot("show_pending", &run.stdout(), &sandbox);
    let denied = item_of(&sandbox, "toolu_list_1")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = reviewer(&sandbox, &["show", &denied[..4]]).code(0);
    snapshot("show_denied", &run.stdout(), &sandbox);
    reviewer(&sandbox, &["show", "ffffff"])
        .code(1)
        .stderr_contains("no item `ffffff`");
}

#[test]
fn resume_prints_a_command_that_keeps_the_permission_mode() {
    let sandbox = Sandbox::new();
    queue_three(&sandbox);
    let id = item_of(&sandbox, "toolu_list_2")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = reviewer(&sandbox, &["resume", &id]).code(0);
    assert_eq!(
        run.stdout(),
        "claude -p --resume ef2b9a22-ced5-44f0-9071-951a7fad02a5 --permission-mode default\n"
    );
    let other = item_of(&sandbox, "toolu_list_3")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    edit_item(&sandbox, &other, |item| {
        item["session_id"] = json!("it's $(odd) session");
    });
    let run = reviewer(
        &sandbox,
        &["resume", &other, "--claude", "/opt/claude code/claude"],
    )
    .code(0);
    assert_eq!(
        run.stdout(),
        "'/opt/claude code/claude' -p --resume 'it'\\''s $(odd) session' --permission-mode acceptEdits\n"
    );
    // What the shell makes of it is exactly the stored words.
    let echoed = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\n' {}", run.stdout().trim()))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(echoed.stdout).unwrap(),
        "/opt/claude code/claude\n-p\n--resume\nit's $(odd) session\n--permission-mode\nacceptEdits\n"
    );
}

#[test]
fn resume_exec_runs_claude_and_passes_its_exit_code_through() {
    let sandbox = Sandbox::new();
    queue_three(&sandbox);
    let fake = sandbox.write(
        "bin/claude",
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\nexit 3\n",
    );
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&fake).unwrap().permissions(),
        0o755,
    );
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let id = item_of(&sandbox, "toolu_list_2")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fake_path = fake.display().to_string();
    let args = ["resume", &id, "--exec", "--claude", &fake_path];
    reviewer(&sandbox, &args).code(3);
    let seen = std::fs::read_to_string(sandbox.root().join("bin/args")).unwrap();
    assert_eq!(
        seen,
        "-p\n--resume\nef2b9a22-ced5-44f0-9071-951a7fad02a5\n--permission-mode\ndefault\n"
    );
    let with_extra = [
        "resume",
        &id,
        "--exec",
        "--claude",
        &fake_path,
        "--",
        "--output-format",
        "json",
    ];
    reviewer(&sandbox, &with_extra).code(3);
    let seen = std::fs::read_to_string(sandbox.root().join("bin/args")).unwrap();
    assert!(seen.ends_with("default\n--output-format\njson\n"), "{seen}");
}

#[test]
fn from_result_finds_the_item_of_a_real_deferred_run() {
    let sandbox = Sandbox::new();
    // The captured run deferred `rm -rf victim`, which today's gate denies outright (and a
    // call the gate denies is never queued); the same call on the build directory defers.
    let mut call = fixture_json("captures/pretooluse-defer-on-resume.json");
    call["tool_input"]["command"] = json!("rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let result = fixture_path("captures/results/pretooluse-defer--run-1.stdout.json");
    let result = result.display().to_string();
    let id = item_of(&sandbox, "toolu_mock4b107c_0001")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let run = reviewer(&sandbox, &["show", "--from-result", &result]).code(0);
    assert!(
        run.stdout()
            .starts_with(&format!("id:               {id}\n")),
        "{}",
        run.stdout()
    );
    let run = reviewer(&sandbox, &["resume", "--from-result", &result]).code(0);
    assert_eq!(
        run.stdout(),
        "claude -p --resume 3406f058-4219-454d-bcc3-d075ed47b032 --permission-mode default\n"
    );
    // From stdin, as in `claude -p ... --output-format json | defer-for-review approve --from-result -`.
    let text = std::fs::read_to_string(&result).unwrap();
    sandbox
        .hook(super::BIN)
        .env("USER", "carol")
        .args(["approve", "--from-result", "-", "--reason", "ok"])
        .stdin(text)
        .run()
        .code(0)
        .stdout_contains(&format!("approved {id}"));
    assert_eq!(
        item_of(&sandbox, "toolu_mock4b107c_0001")["decided_by"],
        "carol"
    );
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );

    // A result that did not stop on a deferred call.
    let finished = fixture_path("captures/results/pretooluse-defer--run-2.stdout.json");
    reviewer(
        &sandbox,
        &[
            "deny",
            "--from-result",
            &finished.display().to_string(),
            "--reason",
            "x",
        ],
    )
    .code(1)
    .stderr_contains("stop_reason: end_turn");
    // A deferred run of another queue.
    let other = fixture_path("captures/results/pretooluse-defer-twice--run-1.stdout.json");
    reviewer(
        &sandbox,
        &["show", "--from-result", &other.display().to_string()],
    )
    .code(1)
    .stderr_contains("toolu_mock06a2e5_0002");
}
