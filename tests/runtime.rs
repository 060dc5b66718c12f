//! The hook runtime, through the real `pretooluse-gate`: every real payload gets a
//! schema-correct answer, and every failure path ends in ask or a block, never in an allow.

use serde_json::{Value, json};

use crate::util::{Sandbox, fixture_json, fixture_path};

const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");

fn captures() -> Vec<String> {
    let dir = fixture_path("captures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e == "json")
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "expected the real captures, found {names:?}"
    );
    names
}

#[test]
fn every_real_capture_gets_a_protocol_correct_answer() {
    let sandbox = Sandbox::new();
    for name in captures() {
        let payload = fixture_json(&format!("captures/{name}"));
        let event = payload["hook_event_name"].as_str().unwrap().to_owned();
        let run = sandbox.hook(GATE).payload(payload).run();
        let reply = run.protocol_reply();
        if let Some(specific) = reply.get("hookSpecificOutput") {
            assert_eq!(
                specific["hookEventName"],
                json!(event),
                "{name}: hookEventName must echo the input"
            );
        }
    }
}

#[test]
fn every_sanitised_fixture_gets_a_protocol_correct_answer() {
    let sandbox = Sandbox::new();
    for entry in std::fs::read_dir(fixture_path("payloads")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let payload = fixture_json(&format!("payloads/{name}"));
        let event = payload["hook_event_name"].as_str().unwrap().to_owned();
        let reply = sandbox.hook(GATE).payload(payload).run().protocol_reply();
        if let Some(specific) = reply.get("hookSpecificOutput") {
            assert_eq!(specific["hookEventName"], json!(event), "{name}");
        }
    }
}

#[test]
fn unknown_events_and_fields_are_tolerated() {
    let payload = json!({
        "session_id": "s", "transcript_path": "", "cwd": "/tmp", "hook_event_name": "FutureEvent",
        "brand_new_field": {"nested": [1, 2, 3]}
    });
    let run = Sandbox::new().hook(GATE).payload(payload).run();
    assert_eq!(run.code(0).protocol_reply(), json!({}));
}

#[test]
fn invalid_json_blocks() {
    Sandbox::new()
        .hook(GATE)
        .stdin("{not json")
        .run()
        .code(2)
        .stderr_contains("not valid hook JSON");
}

#[test]
fn invalid_utf8_blocks() {
    Sandbox::new()
        .hook(GATE)
        .stdin(vec![0xff, 0xfe, b'{', b'}'])
        .run()
        .code(2);
}

#[test]
fn empty_stdin_blocks() {
    Sandbox::new()
        .hook(GATE)
        .stdin("")
        .run()
        .code(2)
        .stderr_contains("pretooluse-gate:");
}

#[test]
fn missing_tool_name_asks_instead_of_guessing() {
    let mut payload = fixture_json("captures/pretooluse-bash-rm.json");
    payload.as_object_mut().unwrap().remove("tool_name");
    let run = Sandbox::new().hook(GATE).payload(payload).run();
    // The event is unknown until the input parses, so the failure blocks.
    run.code(2).stderr_contains("tool_name");
}

#[test]
fn bash_without_command_asks() {
    let run = Sandbox::new()
        .hook(GATE)
        .tool("Bash", json!({"description": "no command"}))
        .run();
    assert_eq!(run.decision(), "ask", "{}", run.stderr());
    assert!(run.reason().contains("command"));
}

#[test]
fn oversized_input_is_drained_and_blocked() {
    // 17 MiB: over the 16 MiB cap. The whole input must be read (no EPIPE for the writer).
    let mut big = br#"{"hook_event_name":"PreToolUse","x":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 17 * 1024 * 1024));
    big.extend(br#""}"#);
    Sandbox::new()
        .hook(GATE)
        .stdin(big)
        .run()
        .code(2)
        .stderr_contains("limit");
}

#[test]
fn a_panic_in_the_handler_blocks_with_a_reason() {
    Sandbox::new()
        .hook(GATE)
        .env("HOOKKIT_FAULT", "panic@handler")
        .fixture("captures/pretooluse-bash-rm.json")
        .run()
        .code(2)
        .stderr_contains("internal error");
}

#[test]
fn a_panic_before_input_is_read_blocks() {
    Sandbox::new()
        .hook(GATE)
        .env("HOOKKIT_FAULT", "panic@start")
        .fixture("captures/pretooluse-bash-rm.json")
        .run()
        .code(2)
        .stderr_contains("internal error");
}

#[test]
fn a_hang_ends_in_ask_at_the_deadline() {
    let run = Sandbox::new()
        .hook(GATE)
        .env("HOOKKIT_FAULT", "hang@handler")
        .fixture("captures/pretooluse-bash-rm.json")
        .run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("deadline"), "{}", run.reason());
}

#[test]
fn a_memory_hog_ends_in_ask_before_the_kernel_kills_it() {
    let run = Sandbox::new()
        .hook(GATE)
        .env("HOOKKIT_FAULT", "hog@handler")
        .fixture("captures/pretooluse-bash-rm.json")
        .run();
    assert_eq!(run.decision(), "ask");
    assert!(run.reason().contains("memory use of"), "{}", run.reason());
    assert!(run.reason().contains("bound of 64 MiB"), "{}", run.reason());
}

#[test]
fn replies_are_single_compact_lines() {
    let run = Sandbox::new().hook(GATE).bash("rm -rf /").run();
    let text = run.stdout();
    assert!(
        text.ends_with('\n') && !text.trim_end().contains('\n'),
        "{text:?}"
    );
    let reply: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reply["hookSpecificOutput"]["hookEventName"], "PreToolUse");
}

/// Runs `binary` with a terminal on stdin (through `script`, which gives it a pty) and returns
/// how long it took, its exit code and what it printed.
fn on_a_terminal(binary: &str) -> Option<(std::time::Duration, i32, String)> {
    let script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .ok()?;
    if !script.status.success() {
        return None;
    }
    let started = std::time::Instant::now();
    let output = std::process::Command::new("timeout")
        .args(["10", "script", "-qec", binary, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("running script");
    Some((
        started.elapsed(),
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

#[test]
fn a_hook_run_by_hand_on_a_terminal_prints_usage_at_once() {
    for binary in [
        GATE,
        env!("CARGO_BIN_EXE_permission-denied-logger"),
        env!("CARGO_BIN_EXE_defer-for-review"),
    ] {
        let Some((took, code, printed)) = on_a_terminal(binary) else {
            eprintln!("skipped: `script` (util-linux) is not installed, so no pty can be made");
            return;
        };
        assert_eq!(code, 2, "{binary}: {printed}");
        assert!(printed.contains("Claude Code hook"), "{binary}: {printed}");
        assert!(
            took < std::time::Duration::from_secs(1),
            "{binary} took {took:?}"
        );
    }
}
