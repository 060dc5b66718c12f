//! `keygen` and signing: the key file, the passphrase, the user's policy, the reviewer's name.

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;

use super::{BIN, bash_call, headless, item_of, resumed};
use crate::util::Sandbox;

fn keygen(sandbox: &Sandbox, args: &[&str]) -> crate::util::Run {
    sandbox
        .hook(BIN)
        .env("USER", "alice")
        .args(["keygen"])
        .args(args)
        .run()
}

#[test]
fn keygen_encrypts_by_default_and_signing_needs_the_passphrase() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "home/.claude/hookkit.toml",
        "[review]\nrisk = []\nwhen = ['(.tool_input.command // \"\") | test(\"^rm \")']\n",
    );
    let pass = sandbox.write("pass", "correct horse battery staple\n");
    let pass = pass.display().to_string();
    let run = keygen(&sandbox, &["--passphrase-file", &pass]).code(0);
    assert!(run.stdout().contains("encrypted with your passphrase"));
    assert!(run.stdout().contains("added it to [review] trusted_keys"));
    assert!(
        run.stdout().contains("code the agent runs as you"),
        "{}",
        run.stdout()
    );
    let key = sandbox.home().join(".config/hookkit/reviewer.key");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(key.parent().unwrap()), 0o700);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    assert_eq!(file["encryption"]["kdf"], "pbkdf2-hmac-sha256");
    assert_eq!(file["encryption"]["cipher"], "chacha20-poly1305");
    assert!(file["encryption"]["iterations"].as_u64().unwrap() >= 600_000);
    let public = file["public_key"].as_str().unwrap();
    let policy = std::fs::read_to_string(sandbox.home().join(".claude/hookkit.toml")).unwrap();
    assert!(policy.contains(public), "{policy}");
    assert!(
        policy.contains("when = "),
        "the rest of the policy stays: {policy}"
    );

    let call = bash_call("toolu_pass", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_pass")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = sandbox.write("wrong", "tr0ub4dor\n").display().to_string();
    sandbox
        .hook(BIN)
        .env("USER", "alice")
        .args(["approve", &id, "--passphrase-file", &wrong])
        .run()
        .code(1)
        .stderr_contains("wrong passphrase");
    assert_eq!(item_of(&sandbox, "toolu_pass")["status"], "pending");
    // HOOKKIT_PASSPHRASE counts for a person's command.
    sandbox
        .hook(BIN)
        .env("USER", "alice")
        .env("HOOKKIT_PASSPHRASE", "correct horse battery staple")
        .args(["approve", &id])
        .run()
        .code(0);
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );
}

#[test]
fn keygen_never_replaces_a_key_unless_forced() {
    let sandbox = Sandbox::new();
    keygen(&sandbox, &["--no-passphrase"])
        .code(0)
        .stderr_contains("without a passphrase");
    let key = sandbox.home().join(".config/hookkit/reviewer.key");
    let first = std::fs::read_to_string(&key).unwrap();
    keygen(&sandbox, &["--no-passphrase"])
        .code(1)
        .stderr_contains("already exists");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), first);
    keygen(&sandbox, &["--no-passphrase", "--force"]).code(0);
    assert_ne!(std::fs::read_to_string(&key).unwrap(), first);
    // Both public keys are trusted now, once each.
    let policy = std::fs::read_to_string(sandbox.home().join(".claude/hookkit.toml")).unwrap();
    assert_eq!(policy.matches("ed25519:").count(), 2, "{policy}");
}

#[test]
fn keygen_edits_the_users_policy_carefully_or_prints_the_line() {
    let sandbox = Sandbox::new();
    let kept = "# my policy\n[gate]\nmode = \"guard\" # keep\n\n[review]\nrisk = [\"high\"]\n";
    let path = sandbox.write("home/.claude/hookkit.toml", kept);
    keygen(&sandbox, &["--no-passphrase", "--name", "alice@laptop"]).code(0);
    let edited = std::fs::read_to_string(&path).unwrap();
    let mut rest = edited.as_str();
    for line in kept.lines() {
        let at = rest
            .find(line)
            .unwrap_or_else(|| panic!("lost {line:?}:\n{edited}"));
        rest = &rest[at + line.len()..];
    }
    assert!(edited.contains(" alice@laptop\""), "{edited}");

    let sandbox = Sandbox::new();
    let odd = "review.risk = [\"high\"]\n";
    let path = sandbox.write("home/.claude/hookkit.toml", odd);
    let run = keygen(&sandbox, &["--no-passphrase"]).code(0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), odd);
    assert!(
        run.stdout().contains("trusted_keys = [\"ed25519:"),
        "{}",
        run.stdout()
    );

    let sandbox = Sandbox::new();
    let run = keygen(&sandbox, &["--no-passphrase", "--no-trust", "--service"]).code(0);
    assert!(sandbox.home().join(".config/hookkit/service.key").is_file());
    assert!(!sandbox.home().join(".claude/hookkit.toml").exists());
    assert!(run.stdout().contains(" review-service"), "{}", run.stdout());
}

#[test]
fn a_key_the_policy_does_not_trust_signs_with_a_warning_and_is_refused() {
    let sandbox = Sandbox::new();
    super::deterministic_policy(&sandbox);
    let other = sandbox.root().join("other.key").display().to_string();
    keygen(
        &sandbox,
        &["--no-passphrase", "--no-trust", "--key", &other],
    )
    .code(0);
    let call = bash_call("toolu_other_key", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_other_key")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sandbox
        .hook(BIN)
        .env("USER", "alice")
        .args(["approve", &id, "--key", &other])
        .run()
        .code(0)
        .stderr_contains("is not in [review] trusted_keys");
    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "deny", "{}", run.reason());
}

#[test]
fn the_reviewer_is_the_account_when_no_name_is_given() {
    let sandbox = Sandbox::new();
    super::deterministic_policy(&sandbox);
    let call = bash_call("toolu_who", "rm -rf build");
    assert_eq!(headless(&sandbox).payload(call).run().decision(), "defer");
    let id = item_of(&sandbox, "toolu_who")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    super::trust_reviewer(&sandbox);
    // No USER, no LOGNAME, no --reviewer: the name of the account running the command.
    sandbox.hook(BIN).args(["approve", &id]).run().code(0);
    let account = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let account = String::from_utf8(account.stdout).unwrap();
    assert_eq!(item_of(&sandbox, "toolu_who")["decided_by"], account.trim());
}
