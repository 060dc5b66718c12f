//! Any bytes as a hook input: parsing, the typed view of the tool call, and the gate's
//! decision on whatever parses. The first byte picks how the rest is used, so that the gate is
//! reached often: raw stdin bytes, a Bash command in a real PreToolUse payload, or a
//! `tool_input` object for a chosen tool.
#![no_main]

mod sandbox;

use hookkit::protocol::HookInput;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const TOOLS: &[&str] = &[
    "Bash",
    "Read",
    "Write",
    "Edit",
    "MultiEdit",
    "NotebookEdit",
    "Glob",
    "Grep",
    "WebFetch",
    "WebSearch",
    "mcp__github__create_issue",
    "Agent",
    "Skill",
    "",
];

fn payload(tool: &str, tool_input: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "session_id": "fuzz",
        "transcript_path": "",
        "cwd": sandbox::project(),
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "toolu_fuzz",
    }))
    .expect("a JSON value always serialises")
}

fuzz_target!(|data: &[u8]| {
    let project = sandbox::project();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = match mode % 3 {
        0 => rest.to_vec(),
        1 => payload(
            "Bash",
            json!({ "command": String::from_utf8_lossy(rest), "description": "fuzz" }),
        ),
        _ => {
            let Some((&tool, input)) = rest.split_first() else {
                return;
            };
            let Ok(tool_input) = serde_json::from_slice::<Value>(input) else {
                return;
            };
            payload(TOOLS[usize::from(tool) % TOOLS.len()], tool_input)
        }
    };
    let Ok(mut input) = HookInput::parse(&bytes) else {
        return;
    };
    if let Some(call) = input.tool_call() {
        let _ = call.view();
    }
    let _ = input.tool_use_id();
    // Whatever cwd the input names, decide inside the sandbox.
    input.common.cwd.clone_from(project);
    // The sandbox's own audit log; the policy is discovered from the sandbox project.
    let options = hookkit::gate::Options {
        policy: None,
        log: Some(project.join("fuzz-audit.jsonl")),
    };
    let _ = hookkit::gate::handle(&input, &options);
});
