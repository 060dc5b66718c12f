//! Stress cases through the real binaries: inputs built to exhaust a parser's stack, memory or
//! patience (10,000 nested `$(`, a 1 MiB command, 5,000 chained `&&`, 100,000 nested JSON
//! arrays, invalid UTF-8, a 5,000-rule policy, a torn audit log, a corrupt review queue).
//! Each must end in a protocol-correct answer that is never an allow and, where the hook
//! refuses, gives a reason; the builder's timeout turns a hang into a failure. How fast they
//! are is a benchmark's business, not a test's.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::robust::decision::{Decision, Strength, bash_payload};
use crate::util::{Run, Sandbox};

const GATE: &str = env!("CARGO_BIN_EXE_pretooluse-gate");
const LOGGER: &str = env!("CARGO_BIN_EXE_permission-denied-logger");
const REVIEW: &str = env!("CARGO_BIN_EXE_defer-for-review");

/// Asserts the protocol, that the decision is at least `floor`, and that a refusal says why.
fn assert_safe(run: &Run, what: &str, floor: Strength) -> Decision {
    let decision = Decision::from_wire(&run.decision());
    assert!(
        decision.strength >= floor,
        "{what}: decided {decision}, expected at least {floor:?}\n--- stderr\n{}",
        run.stderr()
    );
    if decision.strength >= Strength::Ask {
        assert!(
            !run.reason().trim().is_empty(),
            "{what}: {decision} without a reason"
        );
    }
    decision
}

fn gate_on(sandbox: &Sandbox, command: &str) -> Run {
    sandbox
        .hook(GATE)
        .payload(bash_payload(command, &sandbox.project()))
        .run()
}

#[test]
fn ten_thousand_nested_command_substitutions_are_not_allowed() {
    let sandbox = Sandbox::new();
    let depth = 10_000;
    let closed = format!("{}rm -rf /{}", "$(".repeat(depth), ")".repeat(depth));
    let run = gate_on(&sandbox, &closed);
    assert_safe(&run, "10,000 nested $( around rm -rf /", Strength::Ask);
    let unclosed = format!("{}rm -rf /", "$(".repeat(depth));
    let run = gate_on(&sandbox, &unclosed);
    assert_safe(&run, "10,000 unclosed $( before rm -rf /", Strength::Ask);
}

#[test]
fn a_one_mebibyte_command_is_decided() {
    let sandbox = Sandbox::new();
    let filler = "a".repeat(1024 * 1024);
    let run = gate_on(&sandbox, &format!("echo {filler} && rm -rf /"));
    assert_safe(&run, "1 MiB echo followed by rm -rf /", Strength::Ask);
    let words = "x ".repeat(512 * 1024);
    let run = gate_on(&sandbox, &format!("rm -rf / {words}"));
    assert_safe(&run, "rm -rf / with 512 Ki arguments", Strength::Ask);
}

#[test]
fn five_thousand_chained_commands_are_decided() {
    let sandbox = Sandbox::new();
    let chain = "true && ".repeat(5_000);
    let run = gate_on(&sandbox, &format!("{chain}rm -rf /"));
    assert_safe(&run, "rm -rf / after 5,000 `true &&`", Strength::Ask);
    let run = gate_on(&sandbox, &format!("rm -rf / && {chain}true"));
    assert_safe(&run, "rm -rf / before 5,000 `&& true`", Strength::Ask);
}

/// A PreToolUse payload whose `tool_input` carries `nested` as a raw JSON fragment.
fn payload_with_raw_input(sandbox: &Sandbox, fragment: &str) -> Vec<u8> {
    let mut payload = bash_payload("rm -rf /", &sandbox.project());
    payload["tool_input"] = json!("@@INPUT@@");
    let text = payload.to_string();
    text.replace(
        "\"@@INPUT@@\"",
        &format!(r#"{{"command":"rm -rf /","x":{fragment}}}"#),
    )
    .into_bytes()
}

#[test]
fn deeply_nested_json_in_the_tool_input_blocks() {
    let sandbox = Sandbox::new();
    let depth = 100_000;
    let balanced = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for (what, fragment) in [
        ("100,000 nested arrays", balanced),
        ("100,000 unclosed arrays", "[".repeat(depth)),
        (
            "100,000 nested objects",
            format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth)),
        ),
    ] {
        let run = sandbox
            .hook(GATE)
            .stdin(payload_with_raw_input(&sandbox, &fragment))
            .run();
        assert_safe(&run, what, Strength::Ask);
    }
}

#[test]
fn invalid_utf8_and_lone_surrogates_never_allow() {
    let sandbox = Sandbox::new();
    let valid = serde_json::to_vec(&bash_payload("git status", &sandbox.project())).unwrap();
    let at = valid
        .windows(10)
        .position(|w| w == b"git status")
        .expect("the command is in the payload");
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    for (what, bytes) in [
        ("an invalid byte in the command", &b"\xff"[..]),
        (
            "a truncated UTF-8 sequence in the command",
            &b"\xe2\x82"[..],
        ),
        ("an overlong encoding in the command", &b"\xc0\xaf"[..]),
        ("an encoded surrogate in the command", &b"\xed\xa0\x80"[..]),
        ("a lone surrogate escape in the command", &br"\ud800"[..]),
    ] {
        let mut payload = valid.clone();
        payload.splice(at..at, bytes.iter().copied());
        cases.push((what, payload));
    }
    cases.push(("a NUL byte before the JSON", [&b"\0"[..], &valid].concat()));
    cases.push(("a UTF-16 payload", {
        let text = String::from_utf8(valid.clone()).unwrap();
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }));
    for (what, stdin) in cases {
        let run = sandbox.hook(GATE).stdin(stdin).run();
        assert_safe(&run, what, Strength::Ask);
    }
}

#[test]
fn a_policy_with_five_thousand_rules_still_decides() {
    let sandbox = Sandbox::new();
    let count = 5_000;
    let mut policy = String::from("[permissions]\ndeny = [\n");
    for n in 0..count {
        let _ = writeln!(policy, "  \"Bash(stress-tool-{n}:*)\",");
    }
    policy.push_str("]\n");
    for n in 0..count {
        let _ = write!(
            policy,
            "\n[[rule]]\nid = \"stress.{n}\"\ntools = [\"Bash\"]\nprogram = \"stress-tool-{n}\"\n\
             args = [\"--now\"]\ndecision = \"deny\"\nreason = \"stress rule {n}\"\n\
             message = \"Stress rule {n} denies this.\"\n"
        );
    }
    sandbox.write("project/.claude/hookkit.toml", &policy);
    let last = count - 1;
    let run = gate_on(&sandbox, &format!("stress-tool-{last} --now"));
    let decision = assert_safe(&run, "the last of 5,000 deny rules", Strength::Deny);
    assert_eq!(
        decision.wire, "deny",
        "a deny rule answers deny, not {decision}"
    );
    let run = gate_on(&sandbox, "rm -rf /");
    assert_safe(&run, "rm -rf / under a 5,000-rule policy", Strength::Ask);
}

/// A PermissionDenied payload for a Bash command, in the shape Claude Code sends.
fn permission_denied(sandbox: &Sandbox) -> Value {
    let mut payload = crate::util::fixture_json("captures/permissiondenied-bash.json");
    payload["cwd"] = json!(sandbox.project().display().to_string());
    payload
}

#[test]
fn a_torn_audit_log_does_not_stop_the_hooks() {
    let sandbox = Sandbox::new();
    let log = sandbox.project().join(hookkit::locations::AUDIT_LOG);
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let intact = concat!(
        r#"{"seq":1,"binary":"pretooluse-gate","event":"PreToolUse","decision":"deny"}"#,
        "\n"
    );
    let torn = format!(r#"{intact}{{"seq":2,"binary":"pretooluse-gate","event":"PreTo"#);
    std::fs::write(&log, &torn).unwrap();

    let run = gate_on(&sandbox, "rm -rf /");
    assert_safe(&run, "the gate over a torn audit log", Strength::Ask);
    let run = sandbox
        .hook(LOGGER)
        .payload(permission_denied(&sandbox))
        .run();
    run.protocol_reply();

    let after = std::fs::read(&log).unwrap();
    assert!(
        after.starts_with(intact.as_bytes()),
        "the complete records before the tear were rewritten"
    );
    let text = String::from_utf8_lossy(&after);
    let appended = &text[torn.len().min(text.len())..];
    assert!(
        !appended.trim().is_empty(),
        "the logger recorded nothing after a torn line:\n{text}"
    );
    let last = text.lines().last().unwrap_or_default();
    assert!(
        serde_json::from_str::<Value>(last).is_ok(),
        "the record written after a torn line is not a JSON line of its own: {last:?}"
    );
}

#[test]
fn a_corrupt_review_queue_never_approves() {
    let sandbox = Sandbox::new();
    let queue = sandbox.project().join(".claude/reviews");
    std::fs::create_dir_all(queue.join("a-directory.json")).unwrap();
    let call = bash_payload("rm -rf /", &sandbox.project());
    let id = call["tool_use_id"].as_str().unwrap().to_owned();
    let approved =
        json!({"tool_use_id": id, "status": "approved", "decision": "allow"}).to_string();
    let files: Vec<(String, Vec<u8>)> = vec![
        ("empty.json".into(), Vec::new()),
        ("garbage.json".into(), b"\x00\xff\xfe not json".to_vec()),
        (
            "truncated.json".into(),
            approved.as_bytes()[..approved.len() / 2].to_vec(),
        ),
        (
            format!("{id}.json"),
            approved.as_bytes()[..approved.len() - 1].to_vec(),
        ),
        (format!("{id}.tmp"), approved.clone().into_bytes()),
        ("array.json".into(), b"[1,2,3]".to_vec()),
        ("deep.json".into(), "[".repeat(100_000).into_bytes()),
        ("huge.json".into(), vec![b' '; 4 * 1024 * 1024]),
        (
            "wrong-types.json".into(),
            br#"{"tool_use_id": 7, "status": ["approved"]}"#.to_vec(),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(queue.join(name), bytes).unwrap();
    }
    let run = sandbox
        .hook(REVIEW)
        .args(["--queue".as_ref(), queue.as_os_str()])
        .payload(call)
        .run();
    assert_safe(
        &run,
        "defer-for-review over a corrupt queue",
        Strength::NoOpinion,
    );
}

#[test]
fn policy_conditions_that_cannot_be_evaluated_never_allow() {
    let deep = format!("{}.{}", "(".repeat(30_000), ")".repeat(30_000));
    let long_pipe = format!(".{}", "|.".repeat(30_000));
    let conditions = [
        (
            "a condition that recurses without end",
            "def f: 1 + f; f".to_owned(),
        ),
        (
            "a condition that loops without end",
            "def f: f; f".to_owned(),
        ),
        ("a condition nested 30,000 deep", deep),
        ("a pipeline of 30,000 stages", long_pipe),
    ];
    for (what, when) in conditions {
        let sandbox = Sandbox::new();
        sandbox.write(
            "project/.claude/hookkit.toml",
            &format!(
                "[[rule]]\nid = \"stress.when\"\ntools = [\"Bash\"]\nwhen = '''{when}'''\n\
                 decision = \"allow\"\nreason = \"stress\"\n"
            ),
        );
        let run = gate_on(&sandbox, "rm -rf /");
        assert_safe(&run, &format!("rm -rf / under {what}"), Strength::Ask);
    }
}
