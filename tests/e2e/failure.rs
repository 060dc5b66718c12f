//! A guard hook that crashes, is killed or hangs must not let the call through: `install.sh`
//! wires guards with `onFailure: "block"`, and the gate fails closed on its own faults. Each
//! scenario has a control run showing the same call does go through when nothing blocks it, so
//! the assertion can fail.

use serde_json::Value;

use super::fake_api::{FakeApi, Script, bash};
use super::harness::Scenario;

/// The call every scenario makes: harmless, and allowed by `--allowedTools`, so only a hook
/// can stop it.
const WITNESS: &str = "touch ran.txt";

/// Replaces the gate's PreToolUse handler by `command`, with `on_failure` and `timeout`.
fn rewire_gate(s: &Scenario, command: &str, on_failure: Option<&str>, timeout: Option<u64>) {
    let mut settings = s.settings();
    {
        let groups = &mut settings["hooks"]["PreToolUse"];
        for group in groups.as_array_mut().expect("PreToolUse groups") {
            for handler in group["hooks"].as_array_mut().expect("handlers") {
                if handler["command"]
                    .as_str()
                    .is_some_and(|c| c.ends_with("/pretooluse-gate") || c.ends_with("/broken-gate"))
                {
                    handler["command"] = Value::String(command.into());
                    match on_failure {
                        Some(value) => handler["onFailure"] = Value::String(value.into()),
                        None => {
                            handler
                                .as_object_mut()
                                .expect("handler")
                                .remove("onFailure");
                        }
                    }
                    if let Some(timeout) = timeout {
                        handler["timeout"] = Value::from(timeout);
                    }
                }
            }
        }
    }
    s.set_settings(&settings);
}

/// Runs the witness call with `--allowedTools` and reports whether it ran.
fn witness_ran(s: &Scenario, env: &[(&str, &str)]) -> (bool, FakeApi) {
    let api = FakeApi::start(Script::calls([bash(WITNESS)]));
    let mut run = s
        .claude(&api)
        .args(&["--allowedTools", &format!("Bash({WITNESS})")]);
    for (key, value) in env {
        run = run.env(key, value);
    }
    let result = run.run();
    result.assert_completed();
    let ran = s.path("ran.txt").exists();
    if ran {
        std::fs::remove_file(s.path("ran.txt")).expect("resetting the witness");
    }
    (ran, api)
}

fn crashing_wrapper(s: &Scenario, body: &str) -> String {
    s.write_script(
        ".claude/hooks/broken-gate",
        &format!("#!/bin/sh\ncat >/dev/null\n{body}\n"),
    );
    // Braces: Claude Code substitutes `${CLAUDE_PROJECT_DIR}` itself in the exec form the
    // installer writes, and the shell does in the shell form.
    "${CLAUDE_PROJECT_DIR}/.claude/hooks/broken-gate".into()
}

#[test]
fn a_hook_that_exits_1_blocks_the_call_with_on_failure_block() {
    let Some(s) = Scenario::new() else { return };
    s.install(&[]);
    let wrapper = crashing_wrapper(&s, "echo 'gate crashed' >&2\nexit 1");

    rewire_gate(&s, &wrapper, None, None);
    let (ran, _) = witness_ran(&s, &[]);
    assert!(
        ran,
        "control: without onFailure the CLI lets a crashed hook's call run"
    );

    rewire_gate(&s, &wrapper, Some("block"), None);
    let (ran, api) = witness_ran(&s, &[]);
    assert!(
        !ran,
        "a crashing guard let the call through despite onFailure: block"
    );
    let result = api
        .tool_result(&Script::tool_use_id(0, 0))
        .unwrap_or_default();
    assert!(
        result.contains("gate crashed"),
        "the model should see why: {result:?}"
    );
}

#[test]
fn a_killed_hook_blocks_the_call() {
    let Some(s) = Scenario::new() else { return };
    s.install(&[]);
    let wrapper = crashing_wrapper(&s, "kill -9 $$");
    rewire_gate(&s, &wrapper, None, None);
    let (ran, _) = witness_ran(&s, &[]);
    assert!(
        ran,
        "control: without onFailure the CLI lets a killed hook's call run"
    );

    rewire_gate(&s, &wrapper, Some("block"), None);
    let (ran, api) = witness_ran(&s, &[]);
    assert!(!ran, "a killed guard let the call through");
    let result = api
        .tool_result(&Script::tool_use_id(0, 0))
        .unwrap_or_default();
    assert!(
        result.contains("onFailure"),
        "the model should see why: {result:?}"
    );
}

#[test]
fn a_hanging_hook_times_out_into_a_block() {
    let Some(s) = Scenario::new() else { return };
    s.install(&[]);
    let wrapper = crashing_wrapper(&s, "sleep 60");
    rewire_gate(&s, &wrapper, None, Some(2));
    let (ran, _) = witness_ran(&s, &[]);
    assert!(
        ran,
        "control: without onFailure a timed-out hook's call runs"
    );

    rewire_gate(&s, &wrapper, Some("block"), Some(2));
    let started = std::time::Instant::now();
    let (ran, _) = witness_ran(&s, &[]);
    assert!(
        !ran,
        "a hanging guard let the call through after its timeout"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(40),
        "the CLI must give up on the hook after its 2 s timeout, took {:?}",
        started.elapsed()
    );
}

#[test]
fn the_gate_fails_closed_when_it_panics_or_hangs() {
    // HOOKKIT_FAULT exists in debug builds only, which is what the suite installs.
    let Some(s) = Scenario::new() else { return };
    s.install(&[]);
    // The fault hits every event the gate sees; keep the prompt hook out of it so the run
    // reaches the tool call.
    let mut settings = s.settings();
    settings["hooks"]
        .as_object_mut()
        .expect("hooks")
        .remove("UserPromptSubmit");
    s.set_settings(&settings);
    let (ran, _) = witness_ran(&s, &[]);
    assert!(
        ran,
        "control: the gate leaves `{WITNESS}` to the allow rule"
    );
    for fault in ["panic@handler", "hang@handler", "panic@start"] {
        let (ran, api) = witness_ran(&s, &[("HOOKKIT_FAULT", fault)]);
        assert!(!ran, "the gate let the call through on {fault}");
        let result = api
            .tool_result(&Script::tool_use_id(0, 0))
            .unwrap_or_default();
        assert!(
            !result.is_empty(),
            "{fault}: the model got no tool_result:\n{}",
            api.dump()
        );
    }
}
