//! `defer-for-review` through the real binary: the hook's decisions on first sight and on
//! resume, the one-deferral-per-session guard under parallel hooks, the approval service, the
//! reviewer's commands and keys, and decisions the agent cannot forge.

mod commands;
mod endpoint;
mod flow;
mod forgery;
mod guard;
mod keys;
pub(crate) mod service;

use std::path::{Path, PathBuf};

use hookkit::review::decision::{STATEMENT_TYPE, Statement, Verdict};
use serde_json::Value;

use crate::util::{Hook, Run, Sandbox, fixture_json};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_defer-for-review");

/// A hook run as Claude Code starts it in `claude -p`, with [`deterministic_policy`].
pub(crate) fn headless(sandbox: &Sandbox) -> Hook {
    deterministic_policy(sandbox);
    bare_headless(sandbox)
}

/// A hook run as in `claude -p`, with whatever policy the sandbox has (the built-in one).
pub(crate) fn bare_headless(sandbox: &Sandbox) -> Hook {
    sandbox
        .hook(BIN)
        .env("CLAUDE_CODE_ENTRYPOINT", "sdk-cli")
        .env("USER", "alice")
}

/// A user policy under which exactly the Bash commands starting with `rm`, `make`, `git push`
/// or `curl` need review, whatever the classifier makes of them, trusting the sandbox
/// reviewer's key; a project file in a test can still override it.
pub(crate) fn deterministic_policy(sandbox: &Sandbox) {
    let existing = std::fs::read_to_string(sandbox.home().join(".claude/hookkit.toml"));
    // A file that only trusts the reviewer (see `trust_reviewer`) is replaced.
    if existing.is_err() || existing.is_ok_and(|text| !text.contains("when =")) {
        user_review_policy(sandbox, "");
    }
}

/// The deterministic user policy plus more `[review]` keys of the user's own file (the only
/// file that may name an approval service, its timeout or trusted keys).
pub(crate) fn user_review_policy(sandbox: &Sandbox, extra: &str) {
    let key = reviewer_key(sandbox);
    sandbox.write(
        "home/.claude/hookkit.toml",
        &format!(
            "[review]\nrisk = []\n\
             when = ['(.tool_input.command // \"\") | test(\"^(rm|make|git push|curl) \")']\n\
             trusted_keys = [\"{key}\"]\n{extra}"
        ),
    );
}

/// The sandbox reviewer's public key line, making the key (unencrypted, in the sandbox's
/// key directory) on first use.
pub(crate) fn reviewer_key(sandbox: &Sandbox) -> String {
    let saved = sandbox.root().join("reviewer.pub");
    if let Ok(line) = std::fs::read_to_string(&saved) {
        return line;
    }
    let run = sandbox
        .hook(BIN)
        .env("USER", "alice")
        .args(["keygen", "--no-passphrase", "--no-trust"])
        .run()
        .code(0);
    let line = public_key_in(&run.stdout());
    std::fs::write(&saved, &line).unwrap();
    line
}

/// The public key line `keygen` printed (`public key <id>: ed25519:... <name>`).
pub(crate) fn public_key_in(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| {
            l.strip_prefix("public key ")?
                .split_once(": ")
                .map(|(_, k)| k.to_owned())
        })
        .unwrap_or_else(|| panic!("keygen printed no public key:\n{stdout}"))
}

/// Runs hooks side by side, as Claude Code runs the hooks of one message's calls.
pub(crate) fn run_all(hooks: Vec<Hook>) -> Vec<Run> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = hooks
            .into_iter()
            .map(|hook| scope.spawn(move || hook.run()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Makes sure the user's policy trusts the sandbox reviewer's key (writing a policy that
/// holds only that key when there is none).
pub(crate) fn trust_reviewer(sandbox: &Sandbox) {
    let key = reviewer_key(sandbox);
    let path = sandbox.home().join(".claude/hookkit.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => assert!(
            text.contains(&key),
            "the user policy does not trust the reviewer:\n{text}"
        ),
        Err(_) => {
            sandbox.write(
                "home/.claude/hookkit.toml",
                &format!("[review]\ntrusted_keys = [\"{key}\"]\n"),
            );
        }
    }
}

/// A reviewer's command in the sandbox's project, as the sandbox reviewer (whose key the user
/// policy trusts).
pub(crate) fn reviewer(sandbox: &Sandbox, args: &[&str]) -> Run {
    trust_reviewer(sandbox);
    sandbox.hook(BIN).env("USER", "alice").args(args).run()
}

/// A `PreToolUse` Bash payload of the capture's session with its own `tool_use_id`.
pub(crate) fn bash_call(tool_use_id: &str, command: &str) -> Value {
    let mut payload = fixture_json("captures/pretooluse-bash-rm.json");
    payload["tool_use_id"] = Value::String(tool_use_id.to_owned());
    payload["tool_input"] = serde_json::json!({ "command": command, "description": "test" });
    payload
}

/// A `PreToolUse` payload of the capture's session for any tool.
pub(crate) fn tool_call(tool_use_id: &str, tool: &str, input: Value) -> Value {
    let mut payload = bash_call(tool_use_id, "");
    payload["tool_name"] = Value::String(tool.to_owned());
    payload["tool_input"] = input;
    payload
}

/// The same call as Claude Code re-sends it on resume: no `prompt_id`.
pub(crate) fn resumed(mut payload: Value) -> Value {
    if let Some(map) = payload.as_object_mut() {
        map.remove("prompt_id");
    }
    payload
}

/// The default queue directory of the sandbox's project.
pub(crate) fn queue_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.project().join(".claude/reviews")
}

/// Every item file in a queue directory, parsed, oldest first.
pub(crate) fn items(dir: &Path) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut items: Vec<Value> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap())
        .collect();
    items.sort_by(|a, b| {
        (a["queued_at"].as_str(), a["id"].as_str())
            .cmp(&(b["queued_at"].as_str(), b["id"].as_str()))
    });
    items
}

/// The one item of a call.
pub(crate) fn item_of(sandbox: &Sandbox, tool_use_id: &str) -> Value {
    let mut found: Vec<Value> = items(&queue_dir(sandbox))
        .into_iter()
        .filter(|i| i["tool_use_id"] == tool_use_id && i["replaced_by"].is_null())
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one current item for {tool_use_id}: {found:?}"
    );
    found.remove(0)
}

/// Rewrites an item file (as a person with an editor would).
pub(crate) fn edit_item(sandbox: &Sandbox, id: &str, edit: impl FnOnce(&mut Value)) {
    let path = queue_dir(sandbox).join(format!("{id}.json"));
    let mut item: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut item);
    std::fs::write(&path, serde_json::to_string_pretty(&item).unwrap()).unwrap();
}

/// The audit records written so far.
pub(crate) fn audit(sandbox: &Sandbox) -> Vec<Value> {
    let path = sandbox.project().join(".claude/logs/hookkit-audit.jsonl");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The sandbox reviewer's key pair (made on first use).
pub(crate) fn reviewer_pair(sandbox: &Sandbox) -> hookkit::crypto::KeyPair {
    reviewer_key(sandbox);
    hookkit::crypto::KeyPair::read(&sandbox.home().join(".config/hookkit/reviewer.key"), || {
        panic!("the sandbox key has no passphrase")
    })
    .unwrap()
}

/// A statement that names exactly the call of `payload` as the hook sees it in the sandbox
/// (its cwd is the sandbox project), decided by alice and expiring far in the future.
pub(crate) fn statement_for(
    sandbox: &Sandbox,
    payload: &Value,
    item: &str,
    decision: Verdict,
) -> Statement {
    let tool = payload["tool_name"].as_str().unwrap();
    let input = &payload["tool_input"];
    Statement {
        kind: STATEMENT_TYPE.into(),
        item: item.into(),
        decision,
        session_id: payload["session_id"].as_str().unwrap().into(),
        tool_use_id: payload["tool_use_id"].as_str().unwrap().into(),
        cwd: sandbox.project().display().to_string(),
        permission_mode: payload["permission_mode"].as_str().map(str::to_owned),
        tool: tool.into(),
        input_sha256: hookkit::review::input_sha256(tool, input),
        shown_sha256: hookkit::review::input_sha256(tool, &hookkit::review::redact_value(input)),
        expires_at: Some("2999-01-01T00:00:00.000Z".into()),
        reviewer: "alice".into(),
        decided_at: "2026-01-01T00:00:00.000Z".into(),
        reason: Some("signed in the test".into()),
    }
}
