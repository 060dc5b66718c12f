//! A jq condition and a JSON input, split at the first newline: compiling never panics, and a
//! run on a bounded input ends in a truth value or an error. The input is a real PreToolUse
//! payload when the second part is not JSON.
#![no_main]

use hookkit::jq::Condition;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// Inputs larger than this are replaced by the default payload: the point is the program.
const MAX_INPUT: usize = 4096;

fuzz_target!(|text: &str| {
    let (program, input) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(condition) = Condition::compile(program) else {
        return;
    };
    assert_eq!(condition.source(), program);
    let input = (input.len() <= MAX_INPUT)
        .then(|| serde_json::from_str::<Value>(input).ok())
        .flatten()
        .unwrap_or_else(|| {
            json!({
                "hook_event_name": "PreToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": "kubectl --context prod delete pod x"},
            })
        });
    let _ = condition.is_true(&input);
});
