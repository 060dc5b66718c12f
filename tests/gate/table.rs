//! The decision table, exhaustively through the real binary: for every gate mode, every
//! permission mode and one call per conclusion, the gate's answer on PreToolUse and on
//! PermissionRequest is the table's; and the table in the docs is the one in the code.

use hookkit::classify::Risk;
use hookkit::classify::catalog::Effect;
use hookkit::gate::Opinion;
use hookkit::gate::decision::{self, Conclusion, Situation};
use hookkit::policy::{HighRisk, Mode};
use serde_json::{Value, json};

use super::GATE;
use crate::util::{Sandbox, fixture_json};

/// One call that the pipeline concludes `conclusion` about, in the sandbox.
fn call_for(conclusion: Conclusion, sandbox: &Sandbox) -> (&'static str, Value) {
    let project = sandbox.project().display().to_string();
    let bash = |c: &str| ("Bash", json!({ "command": c }));
    match conclusion {
        Conclusion::Secret => bash("echo ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        Conclusion::DataOut => (
            "WebFetch",
            json!({"url": "https://unknown.example/c?d=payload", "prompt": "x"}),
        ),
        Conclusion::RuleDeny => bash("frob-denied now"),
        Conclusion::RuleAsk => bash("frob-asked now"),
        Conclusion::Protected => (
            "Write",
            json!({"file_path": format!("{project}/.claude/settings.json"), "content": "{}"}),
        ),
        Conclusion::ProtectedMaybe => (
            "Write",
            json!({"file_path": format!("{project}/.vscode/settings.json"), "content": "{}"}),
        ),
        Conclusion::Unreadable => ("PowerShell", json!({"command": "Invoke-Frobnicate -All"})),
        Conclusion::Classified {
            risk: Risk::High, ..
        } => bash("rm -rf /"),
        Conclusion::Classified {
            risk: Risk::Medium,
            effect: Effect::NeedsPerson,
        } => bash("git push origin HEAD:refs/heads/feature"),
        Conclusion::Classified {
            risk: Risk::Medium, ..
        } => bash("rm old.log"),
        Conclusion::Classified {
            effect: Effect::Read,
            ..
        } => bash("ls -la"),
        Conclusion::Classified { .. } => bash("make"),
        Conclusion::RuleAllow { .. } => bash("frob-allowed now"),
        Conclusion::Unrecognised => bash("frobnicate --all"),
    }
}

fn user_policy(mode: Mode) -> String {
    format!(
        "[gate]\nmode = \"{}\"\nescalate_after = 0\n\
         [permissions]\ndeny = [\"Bash(frob-denied:*)\"]\nask = [\"Bash(frob-asked:*)\"]\n\
         allow = [\"Bash(frob-allowed:*)\"]\n",
        mode.as_str()
    )
}

fn answer(sandbox: &Sandbox, event: &str, tool: &str, input: &Value, pm: Option<&str>) -> String {
    let fixture = match event {
        "PreToolUse" => "captures/pretooluse-bash-rm.json",
        _ => "captures/permissionrequest-bash.json",
    };
    let mut payload = fixture_json(fixture);
    payload["tool_name"] = json!(tool);
    payload["tool_input"] = input.clone();
    match pm {
        Some(mode) => payload["permission_mode"] = json!(mode),
        None => {
            payload.as_object_mut().unwrap().remove("permission_mode");
        }
    }
    let run = sandbox.hook(GATE).payload(payload).run();
    if run.exit_code() == 2 {
        return "deny".into();
    }
    let reply = run.protocol_reply();
    let specific = &reply["hookSpecificOutput"];
    match event {
        "PreToolUse" => specific["permissionDecision"]
            .as_str()
            .unwrap_or("none")
            .to_owned(),
        _ => specific["decision"]["behavior"]
            .as_str()
            .unwrap_or("none")
            .to_owned(),
    }
}

#[test]
fn the_binary_answers_what_the_table_says_in_every_situation() {
    let mut permission_modes: Vec<Option<&str>> = decision::PERMISSION_MODES
        .iter()
        .map(|m| Some(*m))
        .collect();
    permission_modes.extend([None, Some("aFutureMode")]);
    let mut mismatches = Vec::new();
    for mode in [Mode::Guard, Mode::Strict, Mode::Auto] {
        let sandbox = Sandbox::new();
        sandbox.write("home/.claude/hookkit.toml", &user_policy(mode));
        sandbox.write("project/old.log", "x\n");
        for (conclusion, label) in decision::CONCLUSIONS {
            let (tool, input) = call_for(*conclusion, &sandbox);
            for pm in &permission_modes {
                let situation = Situation::new(mode, HighRisk::Deny, *pm);
                let expected = situation.opinion(*conclusion);
                let got = answer(&sandbox, "PreToolUse", tool, &input, *pm);
                if got != expected.as_str() {
                    mismatches.push(format!(
                        "PreToolUse {} / {pm:?} / {label} ({tool} {input}): table {}, gate {got}",
                        mode.as_str(),
                        expected.as_str()
                    ));
                }
                let expected = decision::permission_request(expected);
                let got = answer(&sandbox, "PermissionRequest", tool, &input, *pm);
                if got != expected.as_str() {
                    mismatches.push(format!(
                        "PermissionRequest {} / {pm:?} / {label}: table {}, gate {got}",
                        mode.as_str(),
                        expected.as_str()
                    ));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn the_default_policy_answers_only_deny_ask_or_no_opinion() {
    let sandbox = Sandbox::new();
    sandbox.write("project/old.log", "x\n");
    for (conclusion, label) in decision::CONCLUSIONS {
        if matches!(conclusion, Conclusion::RuleAllow { .. }) {
            continue;
        }
        let (tool, input) = call_for(*conclusion, &sandbox);
        for pm in decision::PERMISSION_MODES {
            for event in ["PreToolUse", "PermissionRequest"] {
                let got = answer(&sandbox, event, tool, &input, Some(pm));
                assert_ne!(got, Opinion::Allow.as_str(), "{event} {pm} {label}");
            }
        }
    }
}

#[test]
fn the_docs_table_is_the_codes() {
    let text = format!(
        "# The decision table\n\n\
         What `pretooluse-gate` answers on PreToolUse, from what its pipeline concluded about a \
         call (rows), the gate mode (blocks) and the session's permission mode (columns). \
         Generated from `hookkit::gate::decision`; a test keeps it in step.\n\n\
         - `—` is no opinion: Claude Code's own rules and prompt decide, as if hookkit were not \
         installed.\n\
         - On PermissionRequest (a prompt is about to be shown) the gate answers `deny` where \
         this table says `deny`, `allow` only where it says `allow`, and nothing otherwise.\n\
         - `default`, `acceptEdits` and `plan` have a person at the prompt; elsewhere an ask \
         that stands for a safety floor is a `deny`, and an ask that stands for a mode's \
         extra caution is no opinion.\n\
         - With `high_risk = \"ask\"` (your own file only), high risk asks where a person is at \
         the prompt and is denied elsewhere.\n\
         - After `escalate_after` denials in a row, a denial becomes `ask`, only where a person \
         is at the prompt.\n\
         - When the gate cannot decide (a broken file, a crash), it answers `on_error`: `ask` \
         where a person is at the prompt, `deny` elsewhere.\n\
         {}",
        decision::markdown(HighRisk::Deny)
    );
    crate::hookkit::check_generated("docs/decision-table.md", &text);
}
