//! `defer-for-review` in `claude -p`: a sensitive call stops the run with `deferred_tool_use`,
//! waits in the review queue, and `approve` or `deny` plus `claude -p --resume` decides whether
//! it runs. Nothing is lost when the deferred call shares its assistant message with another.

use super::fake_api::{FakeApi, Script, bash};
use super::harness::{ClaudeResult, Scenario, finished};

/// The call that needs a person.
const DEPLOY: &str = "touch deployed.txt";

/// A project wired with review, whose policy sends anything mentioning "deployed" to review.
fn review_project() -> Option<Scenario> {
    let s = Scenario::new()?;
    if !finished("defer-for-review") {
        return None;
    }
    s.install(&["--with-review"]);
    s.write(
        ".claude/hookkit.toml",
        "[review]\nheadless = \"always\"\nwhen = ['(.tool_input.command // \"\") | test(\"deployed\")']\n",
    );
    Some(s)
}

/// The review id `defer-for-review list` shows for the call `tool_use_id` (first column of
/// the line naming the call or its command), falling back to the tool_use_id itself.
fn review_id(s: &Scenario, tool_use_id: &str) -> String {
    let list = s.ours("defer-for-review", &["list"]);
    assert_eq!(list.code, 0, "defer-for-review list failed:\n{list}");
    list.stdout
        .lines()
        .find(|line| line.contains(tool_use_id) || line.contains(DEPLOY))
        .and_then(|line| line.split_whitespace().next())
        .map_or_else(|| tool_use_id.to_owned(), str::to_owned)
}

/// Asserts the run stopped on the deferred call `id`, and returns its session.
fn assert_deferred(run: &ClaudeResult, id: &str) -> String {
    run.assert_completed();
    assert_eq!(run.stop_reason(), "tool_deferred", "{}", run.output);
    assert_eq!(run.result["deferred_tool_use"]["id"], id, "{}", run.output);
    assert_eq!(run.result["deferred_tool_use"]["input"]["command"], DEPLOY);
    run.session_id()
}

fn resume(s: &Scenario, api: &FakeApi, session: &str) -> ClaudeResult {
    s.claude(api)
        .no_prompt()
        .args(&["--resume", session, "--permission-mode", "default"])
        .run()
}

#[test]
fn approved_deferral_runs_on_resume() {
    let Some(s) = review_project() else { return };
    let api = FakeApi::start(Script::calls([bash(DEPLOY)]));
    let id = Script::tool_use_id(0, 0);
    let session = assert_deferred(&s.claude(&api).run(), &id);
    assert!(
        !s.path("deployed.txt").exists(),
        "the deferred call ran before review"
    );

    let approve = s.ours("defer-for-review", &["approve", &review_id(&s, &id)]);
    assert_eq!(approve.code, 0, "approve failed:\n{approve}");
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

#[test]
fn denied_deferral_does_not_run_on_resume() {
    let Some(s) = review_project() else { return };
    let api = FakeApi::start(Script::calls([bash(DEPLOY)]));
    let id = Script::tool_use_id(0, 0);
    let session = assert_deferred(&s.claude(&api).run(), &id);

    let reason = "deploys wait for the release window";
    let deny = s.ours(
        "defer-for-review",
        &["deny", &review_id(&s, &id), "--reason", reason],
    );
    assert_eq!(deny.code, 0, "deny failed:\n{deny}");
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

#[test]
fn one_deferral_among_two_calls_loses_nothing() {
    let Some(s) = review_project() else { return };
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

    let approve = s.ours("defer-for-review", &["approve", &review_id(&s, &deploy)]);
    assert_eq!(approve.code, 0, "approve failed:\n{approve}");
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
