//! Never lose a call: one undecided deferral per session, even under parallel hooks, and a
//! queue that cannot be read never lets a call through.

use serde_json::Value;

use super::{bare_headless, bash_call, headless, item_of, items, queue_dir, resumed, reviewer};
use crate::util::Sandbox;

const RETRY: &str = "Retry this call unchanged after that review is decided";

#[test]
fn parallel_hooks_of_one_message_defer_exactly_one_call() {
    let sandbox = Sandbox::new();
    let hooks: Vec<_> = (0..8)
        .map(|n| {
            headless(&sandbox).payload(bash_call(
                &format!("toolu_par_{n}"),
                &format!("make deploy-{n}"),
            ))
        })
        .collect();
    let runs = super::run_all(hooks);
    let decisions: Vec<String> = runs.iter().map(crate::util::Run::decision).collect();
    assert_eq!(
        decisions.iter().filter(|d| *d == "defer").count(),
        1,
        "{decisions:?}"
    );
    assert_eq!(
        decisions.iter().filter(|d| *d == "deny").count(),
        7,
        "{decisions:?}"
    );
    let queued = items(&queue_dir(&sandbox));
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["status"], "pending");
    let waiting = queued[0]["id"].as_str().unwrap();
    for run in runs.iter().filter(|r| r.decision() == "deny") {
        assert!(run.reason().contains(RETRY), "{}", run.reason());
        assert!(run.reason().contains(waiting), "{}", run.reason());
    }
}

#[test]
fn a_waiting_session_denies_further_sensitive_calls_until_decided() {
    let sandbox = Sandbox::new();
    let first = bash_call("toolu_first", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(first.clone()).run().decision(),
        "defer"
    );
    let second = bash_call("toolu_second", "rm -rf dist");
    let run = headless(&sandbox).payload(second.clone()).run();
    assert_eq!(run.decision(), "deny");
    assert!(run.reason().contains(RETRY), "{}", run.reason());
    assert!(run.reason().contains("rm -rf build"), "{}", run.reason());
    // Calls that need no review are not held up.
    assert_eq!(
        headless(&sandbox)
            .payload(bash_call("toolu_ls", "ls"))
            .run()
            .decision(),
        "none"
    );
    // Other sessions are not held up either.
    let mut other = bash_call("toolu_other", "rm -rf dist");
    other["session_id"] = Value::String("another-session".into());
    assert_eq!(headless(&sandbox).payload(other).run().decision(), "defer");
    // The waiting call itself still defers on resume.
    assert_eq!(
        headless(&sandbox)
            .payload(resumed(first.clone()))
            .run()
            .decision(),
        "defer"
    );

    let id = item_of(&sandbox, "toolu_first")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["approve", &id]).code(0);
    assert_eq!(
        headless(&sandbox).payload(resumed(first)).run().decision(),
        "allow"
    );
    // Decided: the retried call can wait for review now.
    assert_eq!(headless(&sandbox).payload(second).run().decision(), "defer");
}

#[test]
fn an_unreadable_queue_file_denies_sensitive_calls_and_names_the_file() {
    let sandbox = Sandbox::new();
    let bad = sandbox.write("project/.claude/reviews/abc123.json", "{\"id\": \"abc1");
    let run = headless(&sandbox).bash("rm -rf build").run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason().contains(&bad.display().to_string()),
        "{}",
        run.reason()
    );
    let json_files = std::fs::read_dir(queue_dir(&sandbox))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(json_files, 1, "nothing was queued next to the bad file");
    // What needs no review is not affected.
    assert_eq!(
        headless(&sandbox).bash("git status").run().decision(),
        "none"
    );
    reviewer(&sandbox, &["list"])
        .code(0)
        .stdout_contains("unreadable: ");
    reviewer(&sandbox, &["show", "abc123"])
        .code(1)
        .stderr_contains("abc123.json");
}

#[test]
fn a_corrupted_item_is_never_read_as_an_approval() {
    let sandbox = Sandbox::new();
    let call = bash_call("toolu_corrupt", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_corrupt")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["approve", &id]).code(0);
    let path = queue_dir(&sandbox).join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let run = headless(&sandbox).payload(resumed(call)).run();
    assert_eq!(run.decision(), "deny");
    assert!(
        run.reason().contains(&format!("{id}.json")),
        "{}",
        run.reason()
    );
    assert!(run.reason().contains("unreadable"), "{}", run.reason());
}

#[test]
fn failures_ask_and_never_allow() {
    let sandbox = Sandbox::new();
    // A flag value that does not parse, an unknown flag, a jq condition that does not
    // compile, a policy that does not parse: the runner asks.
    for args in [
        vec!["--risk", "severe"],
        vec!["--bogus"],
        vec!["--when", "(((("],
    ] {
        let run = bare_headless(&sandbox)
            .args(&args)
            .bash("rm -rf /tmp/scratch")
            .run();
        assert_eq!(run.decision(), "ask", "{args:?}: {}", run.stdout());
        assert!(
            run.reason().contains("could not decide"),
            "{}",
            run.reason()
        );
    }
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[review]\ntools = \"Bash\"\n",
    );
    let run = headless(&sandbox).bash("rm -rf build").run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("hookkit.toml"), "{}", run.reason());

    let sandbox = Sandbox::new();
    let run = headless(&sandbox)
        .env("HOOKKIT_FAULT", "panic@handler")
        .bash("rm -rf build")
        .run()
        .code(2);
    assert_eq!(run.decision(), "block");
    let run = headless(&sandbox).stdin("not json").run();
    assert_eq!(run.decision(), "block");
    // The queue directory is a file: the call cannot be queued, so the runner asks.
    sandbox.write("project/.claude/reviews", "a file");
    let run = headless(&sandbox).bash("rm -rf build").run();
    assert_eq!(run.decision(), "ask");
}
