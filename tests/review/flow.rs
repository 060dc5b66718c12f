//! The hook's decision paths, first sight and resume.

use hookkit::review::decision::Verdict;
use serde_json::{Value, json};

use super::{
    BIN, audit, bare_headless, bash_call, deterministic_policy, edit_item, headless, item_of,
    items, queue_dir, resumed, reviewer, tool_call,
};
use crate::util::Sandbox;

#[test]
fn calls_that_need_no_review_get_no_opinion() {
    let sandbox = Sandbox::new();
    for payload in [
        bash_call("toolu_read", "git status"),
        crate::util::fixture_json("captures/pretooluse-webfetch.json"),
        crate::util::fixture_json("captures/posttooluse-bash.json"),
        crate::util::fixture_json("captures/sessionstart-resume.json"),
    ] {
        let run = headless(&sandbox).payload(payload).run();
        assert_eq!(run.decision(), "none", "{}", run.stdout());
        assert_eq!(run.stdout().trim(), "{}");
    }
    let run = headless(&sandbox)
        .tool("Read", json!({"file_path": "/tmp/x"}))
        .run();
    assert_eq!(run.decision(), "none");
    assert!(items(&queue_dir(&sandbox)).is_empty());
}

#[test]
fn headless_run_defers_and_queues_the_call() {
    let sandbox = Sandbox::new();
    let mut call = crate::util::fixture_json("captures/pretooluse-defer-on-resume.json");
    call["tool_input"]["command"] = json!("rm -rf build");
    let run = headless(&sandbox).payload(call).run();
    assert_eq!(run.decision(), "defer", "{}", run.stderr());
    let item = item_of(&sandbox, "toolu_mock4b107c_0001");
    let id = item["id"].as_str().unwrap();
    assert_eq!(id.len(), 6);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(queue_dir(&sandbox).join(format!("{id}.json")).is_file());
    assert!(
        run.reason()
            .contains(&format!("defer-for-review approve {id}")),
        "{}",
        run.reason()
    );
    assert_eq!(item["status"], "pending");
    assert_eq!(item["session_id"], "3406f058-4219-454d-bcc3-d075ed47b032");
    assert_eq!(item["permission_mode"], "default");
    assert_eq!(item["tool"], "Bash");
    assert_eq!(item["input"]["command"], "rm -rf build");
    assert_eq!(item["risk"], Value::Null);
    assert_eq!(item["rule"], "review.when");
    assert_eq!(item["input_sha256"].as_str().unwrap().len(), 64);
    assert!(item["queued_at"].as_str().unwrap().ends_with('Z'));
    let records = audit(&sandbox);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["decision"], "defer");
    assert_eq!(records[0]["rule_id"], format!("review.queued:{id}"));
}

#[test]
fn attended_zero_alone_counts_as_headless() {
    let sandbox = Sandbox::new();
    deterministic_policy(&sandbox);
    let run = sandbox
        .hook(BIN)
        .env("CLAUDE_CODE_SESSION_ATTENDED", "0")
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "defer");
}

#[test]
fn interactive_sessions_get_ask_and_nothing_is_queued() {
    let sandbox = Sandbox::new();
    deterministic_policy(&sandbox);
    let run = sandbox.hook(BIN).bash("rm -rf build").run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("Needs review"), "{}", run.reason());
    assert!(
        run.reason().contains("review condition"),
        "{}",
        run.reason()
    );

    let run = headless(&sandbox)
        .args(["--interactive"])
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "ask");

    sandbox.write(
        "project/.claude/hookkit.toml",
        "[review]\nheadless = \"never\"\n",
    );
    let run = headless(&sandbox).bash("rm -rf build").run();
    assert_eq!(run.decision(), "ask");
    assert!(items(&queue_dir(&sandbox)).is_empty());
    assert_eq!(audit(&sandbox).last().unwrap()["decision"], "ask");

    // The flag wins over the policy file.
    let run = sandbox
        .hook(BIN)
        .args(["--headless"])
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "defer");
}

#[test]
fn approve_then_resume_allows_and_everything_is_audited() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_approve", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_approve")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Still pending on resume: defer again, nothing new queued.
    let run = headless(&sandbox).payload(resumed(call.clone())).run();
    assert_eq!(run.decision(), "defer");
    assert_eq!(items(&queue_dir(&sandbox)).len(), 1);

    reviewer(
        &sandbox,
        &["approve", &id, "--reason", "build dir only", "--ttl", "1h"],
    )
    .code(0)
    .stdout_contains(&format!("approved {id}"));
    let item = item_of(&sandbox, "toolu_approve");
    assert_eq!(item["status"], "approved");
    assert_eq!(item["decided_by"], "alice");
    assert_eq!(item["decision_reason"], "build dir only");
    assert!(item["expires_at"].as_str().unwrap() > item["decided_at"].as_str().unwrap());

    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "allow", "{}", run.reason());
    assert!(run.reason().contains("alice"), "{}", run.reason());
    assert!(run.reason().contains("build dir only"), "{}", run.reason());
    assert!(item_of(&sandbox, "toolu_approve")["resumed_at"].is_string());

    let decisions: Vec<String> = audit(&sandbox)
        .iter()
        .map(|r| r["decision"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(decisions, ["defer", "defer", "approve", "allow"]);

    // A decided item cannot be decided again.
    reviewer(&sandbox, &["deny", &id, "--reason", "changed my mind"])
        .code(1)
        .stderr_contains("already approved by alice");
}

#[test]
fn deny_then_resume_denies_with_the_reviewers_reason() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_deny", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_deny")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["deny", &id, "--reason", "keep the build cache"])
        .code(0)
        .stdout_contains(&format!("denied {id}"));
    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason().contains("keep the build cache"),
        "{}",
        run.reason()
    );
    assert!(run.reason().contains("alice"), "{}", run.reason());
    let records = audit(&sandbox);
    assert_eq!(records[1]["decision"], "deny");
    assert_eq!(records[1]["event"], "Review");
    assert_eq!(records[2]["decision"], "deny");
    assert_eq!(records[2]["event"], "PreToolUse");

    // A denial needs a reason: the model is told it.
    reviewer(&sandbox, &["deny", &id])
        .code(2)
        .stderr_contains("--reason");
}

#[test]
fn an_approval_binds_the_exact_input() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_changed", "rm -rf build");
    assert_eq!(headless(&sandbox).payload(call).run().decision(), "defer");
    let old = item_of(&sandbox, "toolu_changed");
    let old_id = old["id"].as_str().unwrap().to_owned();
    reviewer(&sandbox, &["approve", &old_id]).code(0);

    // The same tool_use_id comes back with other input: denied, and queued anew.
    let changed = resumed(bash_call("toolu_changed", "rm -rf dist"));
    let run = headless(&sandbox).payload(changed).run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason().contains("differs from the input"),
        "{}",
        run.reason()
    );
    let new = item_of(&sandbox, "toolu_changed");
    assert_ne!(new["id"], old["id"]);
    assert_eq!(new["status"], "pending");
    assert_eq!(new["replaces"], old_id.as_str());
    assert_eq!(new["input"]["command"], "rm -rf dist");
    assert_ne!(new["input_sha256"], old["input_sha256"]);
    assert!(run.reason().contains(new["id"].as_str().unwrap()));
    let all = items(&queue_dir(&sandbox));
    assert_eq!(all.len(), 2);
    let approved = all.iter().find(|i| i["id"] == old["id"]).unwrap();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["replaced_by"], new["id"]);

    // The denied re-queue does not block the session: it is not a deferral anyone resumes.
    let other = bash_call("toolu_next", "make deploy");
    assert_eq!(headless(&sandbox).payload(other).run().decision(), "defer");
}

#[test]
fn an_expired_approval_queues_the_call_again() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_expired", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_expired")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["approve", &id, "--ttl", "1s"]).code(0);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // The label is for people: moving it into the future changes nothing.
    edit_item(&sandbox, &id, |item| {
        item["expires_at"] = json!("2999-01-01T00:00:00Z");
    });

    let run = headless(&sandbox).payload(resumed(call.clone())).run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    assert!(run.reason().contains("expired at"), "{}", run.reason());
    let new = item_of(&sandbox, "toolu_expired");
    assert_eq!(new["status"], "pending");
    assert_eq!(new["replaces"], id.as_str());
    let all = items(&queue_dir(&sandbox));
    let old = all.iter().find(|i| i["id"] == id.as_str()).unwrap();
    assert_eq!(old["status"], "expired");
    let record = audit(&sandbox).pop().unwrap();
    assert_eq!(record["decision"], "defer");
    assert_eq!(record["rule_id"], format!("review.expired:{id}"));

    // Approved again, the call runs.
    let new_id = new["id"].as_str().unwrap();
    reviewer(&sandbox, &["approve", new_id]).code(0);
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );
}

#[test]
fn a_signed_approval_without_an_expiry_counts_as_expired() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_noexpiry", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_noexpiry")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut statement = super::statement_for(&sandbox, &call, &id, Verdict::Approve);
    statement.expires_at = None;
    let signed = statement.sign(&super::reviewer_pair(&sandbox)).unwrap();
    edit_item(&sandbox, &id, |item| {
        item["decision"] = serde_json::to_value(&signed).unwrap();
        item["status"] = json!("approved");
    });
    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    assert!(
        run.reason().contains("no readable expiry"),
        "{}",
        run.reason()
    );
    assert_eq!(item_of(&sandbox, "toolu_noexpiry")["replaces"], id.as_str());
}

#[test]
fn review_settings_from_policy_and_flags() {
    let sandbox = Sandbox::new();
    // Flags: only Write calls, and anything under deploy/.
    let flags = ["--tools", "Write", "--path", "deploy/**"];
    let run = bare_headless(&sandbox)
        .args(flags)
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "none");
    let deploy = sandbox.project().join("deploy/prod.yaml");
    let run = bare_headless(&sandbox)
        .args(flags)
        .payload(tool_call(
            "toolu_deploy",
            "Read",
            json!({"file_path": deploy}),
        ))
        .run();
    assert_eq!(run.decision(), "defer");
    assert!(run.reason().contains("deploy/**"), "{}", run.reason());

    // Policy: a jq condition and a class id; risk limited to high.
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[review]\nrisk = []\nrule_ids = [\"fs.rm-temp\"]\n\
         when = ['.tool_input.url // \"\" | test(\"internal\")']\n",
    );
    assert_eq!(
        bare_headless(&sandbox)
            .payload(bash_call("toolu_a", "rm -rf build"))
            .run()
            .decision(),
        "none"
    );
    reviewer(&sandbox, &["approve", "--from-result", "-"]).code(1);
    let deploy_item = item_of(&sandbox, "toolu_deploy")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["deny", &deploy_item, "--reason", "no"]).code(0);
    let fetch = json!({"url": "https://internal.example.com", "prompt": "p"});
    let run = bare_headless(&sandbox)
        .payload(tool_call("toolu_fetch", "WebFetch", fetch))
        .run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    let run = bare_headless(&sandbox)
        .payload(bash_call("toolu_b", "rm -rf /tmp/scratch"))
        .run();
    // The session already waits on the WebFetch call.
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains("Retry this call"), "{}", run.reason());
    let run = bare_headless(&sandbox)
        .args(["--risk", "low,medium,high"])
        .payload(
            json!({"session_id": "other", "cwd": "/", "hook_event_name": "PreToolUse",
            "tool_name": "Bash", "tool_input": {"command": "rm -rf build"}, "tool_use_id": "t9"}),
        )
        .run();
    assert_eq!(run.decision(), "defer");
    assert_eq!(item_of(&sandbox, "t9")["session_id"], "other");
}

#[test]
fn queue_location_flag_and_environment() {
    let sandbox = Sandbox::new();
    let custom = sandbox.root().join("elsewhere");
    // A hook ignores a queue named by the environment (a repository's settings could give it
    // an empty one): the call is queued in the project's queue.
    let run = headless(&sandbox)
        .env("HOOKKIT_REVIEW_DIR", &custom)
        .bash("rm -rf build")
        .run();
    assert_eq!(run.decision(), "defer");
    assert!(!custom.exists());
    assert_eq!(items(&queue_dir(&sandbox)).len(), 1);
    let flag = sandbox.root().join("flagged");
    let run = headless(&sandbox)
        .args(["--queue".as_ref(), flag.as_os_str()])
        .payload(bash_call("toolu_flag", "rm -rf build"))
        .run();
    // Another queue: no pending item there, so this one defers too.
    assert_eq!(run.decision(), "defer");
    assert_eq!(items(&flag).len(), 1);
    // And the help says so.
    let help = sandbox.hook(BIN).args(["--help"]).run().code(0).stdout();
    assert!(
        help.contains("$HOOKKIT_REVIEW_DIR first,") && help.contains("which the hook ignores"),
        "{help}"
    );
    // A person's command follows the variable.
    let listed = sandbox
        .hook(BIN)
        .env("HOOKKIT_REVIEW_DIR", &flag)
        .args(["list", "--json"])
        .run()
        .code(0);
    assert!(
        listed.stdout().contains("toolu_flag"),
        "{}",
        listed.stdout()
    );
}

#[test]
fn a_call_without_a_tool_use_id_is_asked_not_deferred() {
    let sandbox = Sandbox::new();
    let mut call = bash_call("", "rm -rf build");
    call.as_object_mut().unwrap().remove("tool_use_id");
    let run = headless(&sandbox).payload(call).run();
    assert_eq!(run.decision(), "ask");
    assert!(items(&queue_dir(&sandbox)).is_empty());
}

#[test]
fn the_built_in_policy_reviews_risky_bash_calls_only() {
    let sandbox = Sandbox::new();
    let run = bare_headless(&sandbox).bash("rm -rf victim").run();
    assert_eq!(run.decision(), "defer", "{}", run.reason());
    let item = item_of(&sandbox, "toolu_01RmRfBuildDir0000000001");
    assert_eq!(item["rule"], "fs.rm-tree");
    assert_eq!(item["risk"], "medium");
    let quiet = bash_call("toolu_quiet", "git status");
    assert_eq!(
        bare_headless(&sandbox).payload(quiet).run().decision(),
        "none"
    );
    let read = tool_call("toolu_read", "Read", json!({"file_path": "/tmp/x"}));
    assert_eq!(
        bare_headless(&sandbox).payload(read).run().decision(),
        "none"
    );
}

#[test]
fn the_gate_does_not_ask_again_about_a_call_a_person_approved() {
    let sandbox = Sandbox::new();
    let key = super::reviewer_key(&sandbox);
    // The user asks about `make deploy`, and review sends it to a person.
    sandbox.write(
        "home/.claude/hookkit.toml",
        &format!(
            "[permissions]\nask = [\"Bash(make deploy)\"]\n\
             [review]\nrisk = []\nwhen = ['(.tool_input.command // \"\") | test(\"^make \")']\n\
             trusted_keys = [\"{key}\"]\n"
        ),
    );
    let gate = env!("CARGO_BIN_EXE_pretooluse-gate");
    let call = bash_call("toolu_deploy", "make deploy");
    assert_eq!(
        sandbox.hook(gate).payload(call.clone()).run().decision(),
        "ask"
    );
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_deploy")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["approve", &id]).code(0);
    // On resume the gate leaves it to the review's allow; Claude Code ranks ask above allow.
    let gate_run = sandbox.hook(gate).payload(resumed(call.clone())).run();
    assert_eq!(gate_run.decision(), "none", "{}", gate_run.reason());
    assert_eq!(
        headless(&sandbox)
            .payload(resumed(call.clone()))
            .run()
            .decision(),
        "allow"
    );
    // Used once: a replay is denied by review, whatever the gate says.
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "deny"
    );
    // Another call is asked about as before.
    let other = bash_call("toolu_other", "make deploy");
    assert_eq!(sandbox.hook(gate).payload(other).run().decision(), "ask");
}
