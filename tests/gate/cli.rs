//! `explain` and `replay`: what a person reads, as snapshots with the sandbox paths filtered.

use crate::util::{Sandbox, fixture_path};

use super::{GATE, with_project_policy};

/// Guard mode: the snapshots show rules at work and do not move when the classifier learns
/// more commands.
const POLICY: &str = r#"[gate]
mode = "guard"

[permissions]
deny = ["Bash(rm:*)"]
ask = ["Bash(git push:*)"]

[[rule]]
id = "git.push-force"
tools = ["Bash"]
program = "git"
args = ["push", "--force"]
decision = "deny"
reason = "force-pushing rewrites shared history"
message = "Force-pushing is blocked. Do not try another way; ask the user."
"#;

fn settings(sandbox: &Sandbox) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        &regex_escape(&sandbox.root().display().to_string()),
        "[SANDBOX]",
    );
    settings.add_filter(
        &regex_escape(&fixture_path("").display().to_string()),
        "[FIXTURES]/",
    );
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

#[test]
fn explain_shows_each_stage_with_the_rule_source() {
    let sandbox = Sandbox::new();
    let run = with_project_policy(&sandbox, POLICY)
        .args(["explain", "git push --force origin main"])
        .run()
        .code(0);
    settings(&sandbox).bind(|| insta::assert_snapshot!("explain_force_push", run.stdout()));
}

#[test]
fn explain_a_protected_write_and_a_secret() {
    let sandbox = Sandbox::new();
    let write = sandbox
        .hook(GATE)
        .args([
            "explain",
            "--tool",
            "Write",
            "--path",
            ".git/config",
            "--content",
            "x",
        ])
        .run()
        .code(0);
    let secret = sandbox
        .hook(GATE)
        .args([
            "explain",
            "export TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        ])
        .run()
        .code(0);
    assert!(!secret.stdout().contains("ghp_aBcD"));
    settings(&sandbox).bind(|| {
        insta::assert_snapshot!("explain_protected_write", write.stdout());
        insta::assert_snapshot!("explain_secret", secret.stdout());
    });
}

#[test]
fn explain_json_from_a_payload() {
    let sandbox = Sandbox::new();
    let payload = fixture_path("payloads/pretooluse-bash-compound.json");
    let run = with_project_policy(&sandbox, POLICY)
        .args([
            "explain".as_ref(),
            "--json".as_ref(),
            "--input".as_ref(),
            payload.as_os_str(),
        ])
        .run()
        .code(0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(value["decision"], "ask");
    settings(&sandbox).bind(|| insta::assert_json_snapshot!("explain_payload_json", value));
}

#[test]
fn replay_reports_what_would_have_been_denied_with_counts_per_rule() {
    let sandbox = Sandbox::new();
    let transcript = fixture_path("gate/transcript.jsonl");
    let text = with_project_policy(&sandbox, POLICY)
        .args(["replay".as_ref(), transcript.as_os_str()])
        .run()
        .code(0)
        .stdout();
    let json = sandbox
        .hook(GATE)
        .args(["replay".as_ref(), transcript.as_os_str(), "--json".as_ref()])
        .run()
        .code(0)
        .stdout();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["calls"], 5);
    assert_eq!(value["by_rule"]["Bash(rm:*)"]["deny"], 1);
    settings(&sandbox).bind(|| {
        insta::assert_snapshot!("replay_text", text);
        insta::assert_json_snapshot!("replay_json", value);
    });
}

#[test]
fn replay_reads_every_transcript_in_a_directory() {
    let sandbox = Sandbox::new();
    let sample = std::fs::read_to_string(fixture_path("captures/transcript-sample.jsonl")).unwrap();
    sandbox.write("transcripts/a.jsonl", &sample);
    sandbox.write("transcripts/sub/b.jsonl", &sample);
    sandbox.write("transcripts/notes.txt", "not a transcript");
    let run = with_project_policy(&sandbox, POLICY)
        .args([
            "replay".as_ref(),
            sandbox.root().join("transcripts").as_os_str(),
        ])
        .run()
        .code(0);
    assert!(
        run.stdout()
            .contains("4 tool call(s) in 2 transcript(s): 2 denied"),
        "{}",
        run.stdout()
    );
}

#[test]
fn help_has_examples() {
    Sandbox::new()
        .hook(GATE)
        .args(["--help"])
        .run()
        .code(0)
        .stdout_contains("Examples:")
        .stdout_contains("explain 'git push --force origin main'");
}
