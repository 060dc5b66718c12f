//! Decisions the agent cannot forge. The agent can write the queue files (code it runs does so
//! as the user), so each test plays an agent that rewrites an item, copies another call's
//! approval, replays a used one or resumes under other conditions, and checks that the hook
//! denies the call with a clear reason, records it, and never runs it.

use serde_json::{Value, json};

use hookkit::review::decision::Verdict;

use super::{
    BIN, audit, bare_headless, bash_call, edit_item, headless, item_of, items, queue_dir, resumed,
    reviewer, reviewer_pair, statement_for, user_review_policy,
};
use crate::util::Sandbox;

/// Defers `call` and returns its item id.
fn defer(sandbox: &Sandbox, call: &Value) -> String {
    let run = headless(sandbox).payload(call.clone()).run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    item_of(sandbox, call["tool_use_id"].as_str().unwrap())["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Resumes `call` and asserts a denial recorded under `rule` whose reason says `why`.
fn assert_refused(sandbox: &Sandbox, call: &Value, rule: &str, why: &str) {
    let run = headless(sandbox).payload(resumed(call.clone())).run();
    assert_eq!(run.decision(), "deny", "{rule}: {}", run.reason());
    assert!(run.reason().contains(why), "{rule}: {}", run.reason());
    let record = audit(sandbox).pop().unwrap();
    assert_eq!(record["decision"], "deny");
    assert!(
        record["rule_id"].as_str().unwrap().starts_with(rule),
        "{record}"
    );
}

#[test]
fn a_status_edited_to_approved_is_denied_as_unsigned() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_jq", "rm -rf build");
    let id = defer(&sandbox, &call);
    // What `jq '.status="approved"'` on the queue file does.
    edit_item(&sandbox, &id, |item| {
        item["status"] = json!("approved");
        item["decided_by"] = json!("alice");
        item["expires_at"] = json!("2999-01-01T00:00:00Z");
    });
    assert_refused(
        &sandbox,
        &call,
        &format!("review.unsigned:{id}"),
        "carries no signed decision",
    );
    // Its label says what the hook makes of it.
    reviewer(&sandbox, &["list", "--all"])
        .code(0)
        .stdout_contains("approved (unsigned: not honoured)");
    // A person can still decide it for real.
    reviewer(&sandbox, &["approve", &id]).code(0);
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );
}

#[test]
fn an_approval_signed_by_an_untrusted_key_is_denied() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_forged", "rm -rf build");
    let id = defer(&sandbox, &call);
    let mallory = hookkit::crypto::KeyPair::generate("mallory").unwrap();
    let forged = statement_for(&sandbox, &call, &id, Verdict::Approve)
        .sign(&mallory)
        .unwrap();
    edit_item(&sandbox, &id, |item| {
        item["decision"] = serde_json::to_value(&forged).unwrap();
    });
    assert_refused(
        &sandbox,
        &call,
        "review.untrusted-key:",
        "not in `[review] trusted_keys`",
    );

    // A project file cannot make its key trusted.
    sandbox.write(
        "project/.claude/hookkit.toml",
        &format!("[review]\ntrusted_keys = [\"{}\"]\n", mallory.public_key()),
    );
    assert_refused(
        &sandbox,
        &call,
        "review.untrusted-key:",
        "not in `[review] trusted_keys`",
    );

    // Naming the trusted key does not make the signature its.
    let mut claimed = forged;
    claimed.key = reviewer_pair(&sandbox).public_key().to_string();
    edit_item(&sandbox, &id, |item| {
        item["decision"] = serde_json::to_value(&claimed).unwrap();
    });
    assert_refused(
        &sandbox,
        &call,
        "review.forged:",
        "signature does not verify",
    );

    // With no trusted key at all, nothing is honoured, and the reason says how to fix it.
    user_review_policy(&sandbox, "");
    let text = std::fs::read_to_string(sandbox.home().join(".claude/hookkit.toml")).unwrap();
    let without: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("trusted_keys"))
        .collect();
    let without = without.join("\n") + "\n";
    sandbox.write("home/.claude/hookkit.toml", &without);
    assert_refused(&sandbox, &call, "review.no-trusted-keys:", "keygen");
}

#[test]
fn editing_any_signed_field_breaks_the_signature() {
    let edits: [(&str, Value); 12] = [
        ("decision", json!("approve")),
        ("expires_at", json!("2999-12-31T00:00:00.000Z")),
        ("session_id", json!("another-session")),
        ("tool_use_id", json!("toolu_other")),
        ("cwd", json!("/")),
        ("permission_mode", json!("bypassPermissions")),
        ("tool", json!("Write")),
        ("input_sha256", json!("0".repeat(64))),
        ("shown_sha256", json!("0".repeat(64))),
        ("reviewer", json!("root")),
        ("reason", json!("edited")),
        ("item", json!("ffffff")),
    ];
    for (field, value) in edits {
        let sandbox = Sandbox::new();
        let call = bash_call("toolu_edit", "rm -rf build");
        let id = defer(&sandbox, &call);
        if field == "decision" {
            reviewer(&sandbox, &["deny", &id, "--reason", "no"]).code(0);
        } else {
            reviewer(&sandbox, &["approve", &id, "--ttl", "5m"]).code(0);
        }
        edit_item(&sandbox, &id, |item| {
            item["decision"]["statement"][field] = value.clone();
        });
        assert_refused(
            &sandbox,
            &call,
            "review.forged:",
            "signature does not verify",
        );
    }
}

#[test]
fn an_approval_runs_its_call_once() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_replay", "rm -rf build");
    let id = defer(&sandbox, &call);
    reviewer(&sandbox, &["approve", &id]).code(0);
    assert_eq!(
        headless(&sandbox)
            .payload(resumed(call.clone()))
            .run()
            .decision(),
        "allow"
    );
    assert_refused(&sandbox, &call, "review.replayed:", "already used once");
    // Restoring the item's labels does not bring the approval back.
    edit_item(&sandbox, &id, |item| {
        item["last_answer"] = json!("defer");
        item["resumed_at"] = Value::Null;
    });
    assert_refused(&sandbox, &call, "review.replayed:", "already used once");
}

#[test]
fn of_concurrent_resumes_exactly_one_runs_the_call() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_race", "rm -rf build");
    let id = defer(&sandbox, &call);
    reviewer(&sandbox, &["approve", &id]).code(0);
    let hooks: Vec<_> = (0..8)
        .map(|_| headless(&sandbox).payload(resumed(call.clone())))
        .collect();
    let decisions: Vec<String> = super::run_all(hooks)
        .iter()
        .map(crate::util::Run::decision)
        .collect();
    assert_eq!(
        decisions.iter().filter(|d| *d == "allow").count(),
        1,
        "{decisions:?}"
    );
    assert_eq!(
        decisions.iter().filter(|d| *d == "deny").count(),
        7,
        "{decisions:?}"
    );
}

#[test]
fn another_calls_approval_does_not_carry_over() {
    let sandbox = Sandbox::new();
    let a = bash_call("toolu_a", "rm -rf build");
    let mut b = bash_call("toolu_b", "make deploy");
    b["session_id"] = json!("session-b");
    let id_a = defer(&sandbox, &a);
    let id_b = defer(&sandbox, &b);
    reviewer(&sandbox, &["approve", &id_a]).code(0);
    let approval = item_of(&sandbox, "toolu_a")["decision"].clone();
    edit_item(&sandbox, &id_b, |item| {
        item["decision"] = approval.clone();
        item["status"] = json!("approved");
    });
    assert_refused(
        &sandbox,
        &b,
        &format!("review.swapped:{id_b}"),
        "signed for another call",
    );
    // Giving B's item A's input hash as well only makes B a changed call.
    edit_item(&sandbox, &id_b, |item| {
        item["input_sha256"] = approval["statement"]["input_sha256"].clone();
    });
    let run = headless(&sandbox).payload(resumed(b)).run();
    assert_eq!(run.decision(), "deny", "{}", run.reason());
    assert!(
        run.reason().contains("differs from the input"),
        "{}",
        run.reason()
    );
    // A's approval still runs A, once.
    assert_eq!(
        headless(&sandbox).payload(resumed(a)).run().decision(),
        "allow"
    );
}

#[test]
fn an_approval_holds_only_in_its_session_cwd_and_permission_mode() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_bound", "rm -rf build");
    let id = defer(&sandbox, &call);
    reviewer(&sandbox, &["approve", &id]).code(0);
    std::fs::create_dir_all(sandbox.project().join("sub")).unwrap();
    let sub = sandbox.project().join("sub").display().to_string();
    let variants: [(&str, &str, Value, &str); 3] = [
        (
            "session_id",
            "session",
            json!("another-session"),
            "signed for another call",
        ),
        ("cwd", "cwd", json!(sub), "signed for another call"),
        (
            "permission_mode",
            "mode",
            json!("bypassPermissions"),
            "resume with `--permission-mode default`",
        ),
    ];
    for (field, name, value, why) in variants {
        let mut other = resumed(call.clone());
        other["cwd"] = json!(sandbox.project());
        other[field] = value;
        // Sent as is: the builder would point `cwd` back at the project.
        let run = headless(&sandbox)
            .stdin(serde_json::to_vec(&other).unwrap())
            .run();
        assert_eq!(run.decision(), "deny", "{name}: {}", run.reason());
        assert!(run.reason().contains(why), "{name}: {}", run.reason());
    }
    let rules: Vec<String> = audit(&sandbox)
        .iter()
        .rev()
        .take(3)
        .map(|r| r["rule_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        rules,
        [
            format!("review.other-mode:{id}"),
            format!("review.swapped:{id}"),
            format!("review.swapped:{id}"),
        ]
    );
    // None of them used the approval: the call itself still runs, once.
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );
}

#[test]
fn a_swapped_display_cannot_carry_an_approval_to_the_real_call() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_display", "rm -rf build");
    let id = defer(&sandbox, &call);
    // The agent makes the item show a harmless command, keeping the real call's hash.
    edit_item(&sandbox, &id, |item| {
        item["input"]["command"] = json!("ls");
        item["summary"] = json!("ls");
    });
    reviewer(&sandbox, &["approve", &id]).code(0);
    assert_refused(
        &sandbox,
        &call,
        &format!("review.swapped:{id}"),
        "shown input hash",
    );
}

#[test]
fn a_changed_input_is_denied_and_queued_with_its_own_rating() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_requeue", "rm -rf victim");
    let run = bare_headless(&sandbox).payload(call.clone()).run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    let old = item_of(&sandbox, "toolu_requeue");
    reviewer(&sandbox, &["approve", old["id"].as_str().unwrap()]).code(0);

    let changed = resumed(bash_call("toolu_requeue", "git push origin main"));
    let run = bare_headless(&sandbox).payload(changed).run();
    assert_eq!(run.decision(), "deny", "{}", run.reason());
    let new = item_of(&sandbox, "toolu_requeue");
    assert_eq!(new["replaces"], old["id"]);

    // The rating the same call gets when it is queued on its own.
    let fresh = Sandbox::new();
    let run = bare_headless(&fresh)
        .payload(bash_call("toolu_fresh", "git push origin main"))
        .run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    let own = item_of(&fresh, "toolu_fresh");
    assert_eq!((&new["rule"], &new["risk"]), (&own["rule"], &own["risk"]));
    assert_ne!(new["rule"], old["rule"]);
}

#[test]
fn a_call_the_gate_denies_is_never_queued_and_takes_no_review_slot() {
    let sandbox = Sandbox::new();
    // The gate denies this delete of the project's whole source tree; the review policy
    // would defer it.
    let denied = bash_call("toolu_ghost", "rm -rf src");
    let gate = sandbox
        .hook(env!("CARGO_BIN_EXE_pretooluse-gate"))
        .payload(denied.clone())
        .run();
    assert_eq!(gate.decision(), "deny", "{}", gate.reason());
    let run = headless(&sandbox).payload(denied).run();
    assert_eq!(run.decision(), "none", "{}", run.reason());
    assert!(items(&queue_dir(&sandbox)).is_empty());

    // The same policy: a deny rule of the project file counts as well.
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[permissions]\ndeny = [\"Bash(make deploy)\"]\n",
    );
    let run = headless(&sandbox)
        .payload(bash_call("toolu_ghost2", "make deploy"))
        .run();
    assert_eq!(run.decision(), "none", "{}", run.reason());
    assert!(items(&queue_dir(&sandbox)).is_empty());

    // The session's one review slot is free: the next call defers normally.
    let run = headless(&sandbox)
        .payload(bash_call("toolu_next", "rm -rf build"))
        .run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    assert_eq!(items(&queue_dir(&sandbox)).len(), 1);
}

#[test]
fn a_reviewer_cannot_sign_twice_and_the_binary_never_allows_on_its_own() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_twice", "rm -rf build");
    let id = defer(&sandbox, &call);
    reviewer(&sandbox, &["approve", &id]).code(0);
    reviewer(&sandbox, &["deny", &id, "--reason", "changed my mind"])
        .code(1)
        .stderr_contains("already approved by alice");
    // Deleting the queue item takes the call back to review, never to an allow.
    std::fs::remove_file(queue_dir(&sandbox).join(format!("{id}.json"))).unwrap();
    let run = sandbox
        .hook(BIN)
        .env("CLAUDE_CODE_ENTRYPOINT", "sdk-cli")
        .payload(resumed(call))
        .run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
}

#[test]
fn the_gate_can_ask_whether_an_approval_holds_without_using_it() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_holds", "rm -rf build");
    let id = defer(&sandbox, &call);
    let env = hookkit::env::Env {
        home: Some(sandbox.home()),
        project_dir: Some(sandbox.project()),
        ..hookkit::env::Env::default()
    };
    let mut seen = resumed(call.clone());
    seen["cwd"] = json!(sandbox.project());
    let input =
        |payload: &Value| hookkit::protocol::HookInput::from_value(payload.clone()).unwrap();
    let overrides = hookkit::review::policy::Overrides::default();
    let holds =
        |payload: &Value| hookkit::review::hook::approval_holds(&input(payload), &env, &overrides);
    assert!(!holds(&seen), "pending");
    reviewer(&sandbox, &["approve", &id]).code(0);
    assert!(holds(&seen));
    assert!(holds(&seen), "asking does not use it");
    let mut other_mode = seen.clone();
    other_mode["permission_mode"] = json!("bypassPermissions");
    assert!(!holds(&other_mode));
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );
}
