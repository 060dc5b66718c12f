//! `defer-for-review` in `claude -p`: a sensitive call stops the run with `deferred_tool_use`,
//! waits in the review queue, and `approve` or `deny` plus `claude -p --resume` decides whether
//! it runs. Nothing is lost when the deferred call shares its assistant message with another.

use super::fake_api::{FakeApi, Script, bash};
use super::harness::{ClaudeResult, Scenario, require_finished};

/// The call that needs a person.
const DEPLOY: &str = "touch deployed.txt";

/// Who answers the review hook.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reviewer {
    /// Our `defer-for-review`.
    Ours,
    /// A shell stand-in that defers calls mentioning "deployed" until a decision file exists:
    /// proves the defer/resume plumbing of the CLI and the harness on its own.
    StandIn,
}

/// The stand-in review hook.
const STAND_IN: &str = r#"#!/bin/sh
input=$(cat)
case "$input" in *deployed*) ;; *) echo '{}'; exit 0 ;; esac
id=$(printf '%s' "$input" | grep -o '"tool_use_id":"[^"]*"' | cut -d'"' -f4)
decision="$CLAUDE_PROJECT_DIR/.review-$id"
answer() {
  printf '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"%s","permissionDecisionReason":"%s"}}
' "$1" "$2"
}
if [ -f "$decision" ]; then
  read -r verdict reason < "$decision"
  answer "$verdict" "$reason"
else
  answer defer "needs review"
fi
"#;

/// A project wired with review, whose policy sends exactly the Bash calls mentioning
/// "deployed" to review (no risk-based reviews, so the scenarios stay deterministic).
fn review_project(reviewer: Reviewer) -> Option<Scenario> {
    let s = Scenario::new()?;
    if reviewer == Reviewer::Ours {
        require_finished("defer-for-review");
    }
    s.install(&["--with-review"]);
    if reviewer == Reviewer::StandIn {
        s.write_script(".claude/hooks/defer-for-review", STAND_IN);
    }
    s.write(
        ".claude/hookkit.toml",
        "[review]\n\
         headless = \"always\"\n\
         tools = [\"Bash\"]\n\
         risk = []\n\
         when = ['(.tool_input.command // \"\") | test(\"deployed\")']\n",
    );
    Some(s)
}

/// Asserts the run stopped on the deferred call `id`, and returns its session.
fn assert_deferred(run: &ClaudeResult, id: &str) -> String {
    run.assert_completed();
    assert_eq!(
        run.stop_reason(),
        "tool_deferred",
        "the review hook must defer `{DEPLOY}` and stop the run:\n{}",
        run.output
    );
    assert_eq!(run.result["deferred_tool_use"]["id"], id, "{}", run.output);
    assert_eq!(run.result["deferred_tool_use"]["input"]["command"], DEPLOY);
    run.session_id()
}

/// Approves (`None`) or denies (`Some(reason)`) the call `deferred` stopped on. Ours picks
/// the queue item from the CLI's JSON result (`--from-result`), as a CI job would.
fn decide(s: &Scenario, reviewer: Reviewer, deferred: &ClaudeResult, deny: Option<&str>) {
    let tool_use_id = deferred.result["deferred_tool_use"]["id"]
        .as_str()
        .expect("a deferred result");
    if reviewer == Reviewer::StandIn {
        let verdict = deny.map_or_else(|| "allow approved".to_owned(), |r| format!("deny {r}"));
        s.write(&format!(".review-{tool_use_id}"), &format!("{verdict}\n"));
        return;
    }
    let result_file = s.root().join("deferred-result.json");
    std::fs::write(&result_file, deferred.result.to_string()).expect("saving the result");
    let result_file = result_file.display().to_string();
    let passphrase = reviewer_key(s);
    let key = ["--passphrase-file", passphrase.as_str()];
    let output = match deny {
        None => s.ours(
            "defer-for-review",
            &[&["approve", "--from-result", &result_file][..], &key].concat(),
        ),
        Some(reason) => s.ours(
            "defer-for-review",
            &[
                &["deny", "--from-result", &result_file, "--reason", reason][..],
                &key,
            ]
            .concat(),
        ),
    };
    assert_eq!(
        output.code,
        0,
        "defer-for-review approve/deny --from-result failed:\n{output}\nqueue: {}",
        s.ours("defer-for-review", &["list", "--all"])
    );
}

/// The reviewer's key, made once per scenario with a passphrase (kept in a file outside the
/// project, as a person's password manager would hand it over) and trusted in the user's
/// own policy by `keygen`. Returns the passphrase file.
fn reviewer_key(s: &Scenario) -> String {
    let passphrase = s.root().join("passphrase");
    if !passphrase.exists() {
        std::fs::write(&passphrase, "correct horse battery staple\n").expect("a passphrase file");
        let made = s.ours(
            "defer-for-review",
            &[
                "keygen",
                "--passphrase-file",
                &passphrase.display().to_string(),
            ],
        );
        assert_eq!(made.code, 0, "keygen failed:\n{made}");
    }
    passphrase.display().to_string()
}

fn resume(s: &Scenario, api: &FakeApi, session: &str) -> ClaudeResult {
    s.claude(api)
        .no_prompt()
        .args(&["--resume", session, "--permission-mode", "default"])
        .run()
}

fn approved_deferral_runs_on_resume(reviewer: Reviewer) {
    let Some(s) = review_project(reviewer) else {
        return;
    };
    let api = FakeApi::start(Script::calls([bash(DEPLOY)]));
    let id = Script::tool_use_id(0, 0);
    let deferred = s.claude(&api).run();
    let session = assert_deferred(&deferred, &id);
    assert!(
        !s.path("deployed.txt").exists(),
        "the deferred call ran before review"
    );

    decide(&s, reviewer, &deferred, None);
    let resumed = resume(&s, &api, &session);
    resumed.assert_completed();
    assert_eq!(resumed.stop_reason(), "end_turn", "{}", resumed.output);
    assert!(
        s.path("deployed.txt").exists(),
        "approved call did not run on resume:\n{}",
        api.dump()
    );
    assert!(
        api.everything_sent_to_model()
            .contains("Continue from where you left off."),
        "the model was not told to continue:\n{}",
        api.dump()
    );
}

fn denied_deferral_does_not_run_on_resume(reviewer: Reviewer) {
    let Some(s) = review_project(reviewer) else {
        return;
    };
    let api = FakeApi::start(Script::calls([bash(DEPLOY)]));
    let id = Script::tool_use_id(0, 0);
    let deferred = s.claude(&api).run();
    let session = assert_deferred(&deferred, &id);

    let reason = "deploys wait for the release window";
    decide(&s, reviewer, &deferred, Some(reason));
    let resumed = resume(&s, &api, &session);
    resumed.assert_completed();
    assert!(
        !s.path("deployed.txt").exists(),
        "a denied call ran on resume"
    );
    let result = api.tool_result(&id).unwrap_or_default();
    assert!(
        result.contains(reason),
        "the reviewer's reason must reach the model, got: {result:?}"
    );
}

fn one_deferral_among_two_calls_loses_nothing(reviewer: Reviewer) {
    let Some(s) = review_project(reviewer) else {
        return;
    };
    let api = FakeApi::start(Script::turns(vec![vec![
        bash("touch first.txt"),
        bash(DEPLOY),
    ]]));
    let (first, deploy) = (Script::tool_use_id(0, 0), Script::tool_use_id(0, 1));
    let run = s
        .claude(&api)
        .args(&["--allowedTools", "Bash(touch first.txt)"])
        .run();
    let session = assert_deferred(&run, &deploy);
    assert!(
        s.path("first.txt").exists(),
        "the undeferred call must run:\n{}",
        run.output
    );
    assert!(
        !s.path("deployed.txt").exists(),
        "the deferred call ran before review"
    );

    decide(&s, reviewer, &run, None);
    let resumed = resume(&s, &api, &session);
    resumed.assert_completed();
    assert!(
        s.path("deployed.txt").exists(),
        "approved call did not run on resume"
    );
    for id in [&first, &deploy] {
        assert!(
            api.tool_result(id).is_some(),
            "the model never got a result for {id}:\n{}",
            api.dump()
        );
    }
}

#[test]
fn review_approved_deferral_runs_on_resume() {
    approved_deferral_runs_on_resume(Reviewer::Ours);
}

#[test]
fn review_denied_deferral_does_not_run_on_resume() {
    denied_deferral_does_not_run_on_resume(Reviewer::Ours);
}

#[test]
fn review_one_deferral_among_two_calls_loses_nothing() {
    one_deferral_among_two_calls_loses_nothing(Reviewer::Ours);
}

#[test]
fn plumbing_approved_deferral_runs_on_resume() {
    approved_deferral_runs_on_resume(Reviewer::StandIn);
}

#[test]
fn plumbing_denied_deferral_does_not_run_on_resume() {
    denied_deferral_does_not_run_on_resume(Reviewer::StandIn);
}

#[test]
fn plumbing_one_deferral_among_two_calls_loses_nothing() {
    one_deferral_among_two_calls_loses_nothing(Reviewer::StandIn);
}

#[test]
fn review_two_sensitive_calls_in_one_message_defer_one_and_deny_the_other() {
    // Claude Code keeps only the last of two deferrals of one message (the first never runs
    // and never gets a result), so the review hook must defer one and deny the other with a
    // reason that tells the model to retry after the review.
    let Some(s) = review_project(Reviewer::Ours) else {
        return;
    };
    let api = FakeApi::start(Script::turns(vec![vec![
        bash("touch deployed-a.txt"),
        bash("touch deployed-b.txt"),
    ]]));
    let run = s.claude(&api).run();
    run.assert_completed();
    assert_eq!(run.stop_reason(), "tool_deferred", "{}", run.output);
    let deferred = run.result["deferred_tool_use"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no deferred_tool_use:\n{}", run.output))
        .to_owned();
    let (a, b) = (Script::tool_use_id(0, 0), Script::tool_use_id(0, 1));
    let (held, other_file, held_file) = if deferred == a {
        (b, "deployed-b.txt", "deployed-a.txt")
    } else {
        (a, "deployed-a.txt", "deployed-b.txt")
    };

    decide(&s, Reviewer::Ours, &run, None);
    let resumed = resume(&s, &api, &run.session_id());
    resumed.assert_completed();
    assert!(
        s.path(held_file).exists(),
        "the approved call did not run on resume"
    );
    assert!(
        !s.path(other_file).exists(),
        "the second sensitive call ran without a review"
    );
    let told = api.tool_result(&held).unwrap_or_else(|| {
        panic!(
            "the second call got no result at all (lost):\n{}",
            api.dump()
        )
    });
    assert!(
        told.to_lowercase().contains("review") && told.to_lowercase().contains("retry"),
        "the model must be told to retry after the pending review, got: {told:?}"
    );
    assert!(
        api.tool_result(&deferred).is_some(),
        "the approved call's result never reached the model"
    );
}

/// The review service on "another machine" (its own home, key and queue), and the runner's
/// user policy pointing the hook at it and trusting its key.
struct ServiceMachine {
    sandbox: crate::util::Sandbox,
    port: u16,
    secret: String,
    _server: crate::review::service::Server,
}

impl ServiceMachine {
    fn start(s: &Scenario) -> Self {
        use crate::review::service::{Server, add_reviewer, free_port};
        let sandbox = crate::util::Sandbox::new();
        let made = std::process::Command::new(super::harness::binary_path("defer-for-review"))
            .args(["keygen", "--service", "--no-passphrase", "--no-trust"])
            .env_clear()
            .env("HOME", sandbox.home())
            .env("CLAUDE_PROJECT_DIR", sandbox.project())
            .current_dir(sandbox.project())
            .output()
            .expect("keygen on the service's machine");
        assert!(made.status.success(), "{made:?}");
        let key = String::from_utf8_lossy(&made.stdout)
            .lines()
            .find_map(|l| {
                l.strip_prefix("public key ")?
                    .split_once(": ")
                    .map(|(_, k)| k.to_owned())
            })
            .expect("the service's public key");
        let secret = add_reviewer(&sandbox, "alice");
        let port = free_port();
        let server = Server::start(&sandbox, port, &[]);
        // The runner's user policy: the endpoint and the service's key, from the user's own
        // file only.
        s.user_policy(&format!(
            "[review]\nendpoint = \"http://127.0.0.1:{port}/approve\"\ntrusted_keys = [\"{key}\"]\n"
        ));
        Self {
            sandbox,
            port,
            secret,
            _server: server,
        }
    }

    /// The items the service holds.
    fn items(&self) -> Vec<serde_json::Value> {
        crate::review::items(&self.sandbox.project().join(".claude/reviews"))
    }
}

/// The CI recipe of `docs/ci-review.md`, end to end: job 1 runs `claude -p` on a runner whose
/// user policy points the hook at the review service (another machine here: its own home and
/// queue); the run defers and stops; a person approves on the service's page; job 2 starts
/// from a fresh runner that keeps only the session transcript and the result JSON, resumes,
/// and exactly the approved call runs, once.
#[test]
fn review_ci_jobs_defer_to_the_service_and_resume_after_a_page_approval() {
    use crate::review::service::{decide, login};
    let Some(s) = review_project(Reviewer::Ours) else {
        return;
    };
    let machine = ServiceMachine::start(&s);
    let (port, secret) = (machine.port, &machine.secret);

    // Job 1.
    let api = FakeApi::start(Script::calls([bash(DEPLOY)]));
    let id = Script::tool_use_id(0, 0);
    let deferred = s.claude(&api).run();
    let session = assert_deferred(&deferred, &id);
    assert!(!s.path("deployed.txt").exists());
    let held = machine.items();
    assert_eq!(held.len(), 1, "the service holds the call");
    assert_eq!(held[0]["tool_use_id"], id.as_str());
    assert!(
        crate::review::items(&s.path(".claude/reviews")).is_empty(),
        "the runner keeps nothing the next job needs"
    );
    // What job 1 uploads: the transcript and the result JSON.
    let artifacts = s.root().join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::write(artifacts.join("result.json"), deferred.result.to_string()).unwrap();
    let transcripts = s.home().join(".claude/projects");
    std::fs::rename(&transcripts, artifacts.join("projects")).unwrap();

    // The person approves on the page.
    let item = held[0]["id"].as_str().unwrap();
    let (cookie, csrf) = login(port, "alice", secret);
    let (status, body) = decide(
        port,
        &cookie,
        &format!("csrf={csrf}&item={item}&action=approve&ttl=1h"),
        &[],
    );
    assert_eq!(status, 303, "{body}");

    // Job 2: a fresh runner (no state, no queue, no logs), the artifacts restored.
    for gone in [
        s.home().join(".local/state"),
        s.path(".claude/reviews"),
        s.path(".claude/logs"),
    ] {
        let _ = std::fs::remove_dir_all(gone);
    }
    std::fs::rename(artifacts.join("projects"), &transcripts).unwrap();
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(artifacts.join("result.json")).unwrap())
            .unwrap();
    assert_eq!(result["session_id"], session.as_str());
    let resumed = resume(&s, &api, &session);
    resumed.assert_completed();
    assert!(
        s.path("deployed.txt").exists(),
        "the approved call did not run in job 2:\n{}",
        api.dump()
    );
    // A retried job 2 does not run it again.
    std::fs::remove_file(s.path("deployed.txt")).unwrap();
    let _ = std::fs::remove_dir_all(s.home().join(".local/state"));
    let again = resume(&s, &api, &session);
    assert!(
        !s.path("deployed.txt").exists(),
        "an approval ran twice:\n{}",
        again.output
    );
}

/// Headless Chromium on the review page.
#[path = "../browser/webdriver.rs"]
mod webdriver;

/// Defers `DEPLOY` through the service and has alice log in on the page in a real browser;
/// returns the deferred run, its session, the item id and the browser on the item's page.
fn deferred_on_the_page(
    s: &Scenario,
    api: &FakeApi,
    machine: &ServiceMachine,
) -> Option<(String, String, webdriver::Browser)> {
    let browser = webdriver::browser()?;
    let deferred = s.claude(api).run();
    let session = assert_deferred(&deferred, &Script::tool_use_id(0, 0));
    let held = machine.items();
    assert_eq!(held.len(), 1, "the service holds the call");
    let item = held[0]["id"].as_str().unwrap().to_owned();
    let base = format!("http://127.0.0.1:{}", machine.port);

    // Anyone on this machine can read the page: the call is listed, with no forms.
    browser.goto(&format!("{base}/"));
    let page = browser.wait_for(&format!("id=\"{item}\""));
    assert!(page.contains(DEPLOY), "{page}");
    assert!(page.contains("Waiting for review (1)"), "{page}");
    assert!(!page.contains("button class=\"approve\""), "{page}");

    // The reviewer logs in.
    browser.goto(&format!("{base}/login"));
    browser.type_into("input[name=name]", "alice");
    browser.type_into("input[name=secret]", &machine.secret);
    browser.click("form[action='/login'] button[type=submit]");
    browser.wait_for("signed in as <strong>alice</strong>");
    Some((session, item, browser))
}

#[test]
fn browser_approval_on_the_page_runs_exactly_that_call_on_resume() {
    let Some(s) = review_project(Reviewer::Ours) else {
        return;
    };
    let machine = ServiceMachine::start(&s);
    // After the approved call, the model tries a second call that needs review too.
    let api = FakeApi::start(Script::calls([
        bash(DEPLOY),
        bash("touch deployed-again.txt"),
    ]));
    let Some((session, item, browser)) = deferred_on_the_page(&s, &api, &machine) else {
        return;
    };
    browser.click(&format!("article[id='{item}'] button.approve"));
    let page = browser.wait_for("Recent decisions");
    assert!(
        !page.contains(&format!("article class=\"item\" id=\"{item}\"")),
        "{page}"
    );
    let decided = machine.items();
    assert_eq!(decided[0]["decision"]["statement"]["reviewer"], "alice");
    assert_eq!(decided[0]["decision"]["statement"]["decision"], "approve");

    let resumed = resume(&s, &api, &session);
    resumed.assert_completed();
    assert!(
        s.path("deployed.txt").exists(),
        "the approved call did not run:\n{}",
        api.dump()
    );
    // Exactly that call: the next one waits for its own review.
    assert_eq!(resumed.stop_reason(), "tool_deferred", "{}", resumed.output);
    assert_eq!(
        resumed.result["deferred_tool_use"]["id"],
        Script::tool_use_id(1, 0).as_str()
    );
    assert!(!s.path("deployed-again.txt").exists());
    assert_eq!(machine.items().len(), 2);
}

#[test]
fn browser_denial_on_the_page_leaves_the_target_untouched_and_tells_the_model() {
    let Some(s) = review_project(Reviewer::Ours) else {
        return;
    };
    let machine = ServiceMachine::start(&s);
    let api = FakeApi::start(Script::calls([bash(DEPLOY)]));
    let Some((session, item, browser)) = deferred_on_the_page(&s, &api, &machine) else {
        return;
    };
    let reason = "deploys wait for the release window";
    browser.type_into(&format!("article[id='{item}'] input[name=reason]"), reason);
    browser.click(&format!("article[id='{item}'] button.deny"));
    browser.wait_for("Recent decisions");
    assert_eq!(machine.items()[0]["status"], "denied");

    let resumed = resume(&s, &api, &session);
    resumed.assert_completed();
    assert!(!s.path("deployed.txt").exists(), "a denied call ran");
    let told = api
        .tool_result(&Script::tool_use_id(0, 0))
        .unwrap_or_default();
    assert!(told.contains(reason), "the model was not told: {told:?}");
}
