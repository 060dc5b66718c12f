//! Every input the fuzz targets ever found (`tests/fixtures/robust/<target>/`), replayed in the
//! normal suite through the same surface the target drives: each must finish, without a panic,
//! and the hook inputs must get a protocol-correct answer from the real `pretooluse-gate`.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use hookkit::config::{self, Layer, LayerSource};
use hookkit::glob::Pattern;
use hookkit::jq::Condition;
use hookkit::permission::PermissionRule;
use serde_json::{Value, json};

use crate::util::{Sandbox, fixture_path};

/// How long one replay may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(30);

/// The found inputs of one target, by file name.
fn found(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fixture_path("robust").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut inputs: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    inputs.sort();
    inputs
}

/// Runs `replay` on every found input of `target` on a thread with the main thread's stack,
/// failing on a panic or a hang and naming the input.
fn replay_all(target: &str, replay: fn(&[u8])) {
    for (name, bytes) in found(target) {
        let (done, wait) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name(format!("{target}/{name}"))
            .stack_size(8 * 1024 * 1024)
            .spawn(move || {
                replay(&bytes);
                let _ = done.send(());
            })
            .unwrap();
        match wait.recv_timeout(HANG) {
            Ok(()) => worker.join().unwrap(),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("{target}/{name}: still running after {HANG:?}")
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = worker.join();
                panic!("{target}/{name}: panicked (see above)")
            }
        }
    }
}

/// The stdin bytes the `hook_input` target builds from a found input (see its first byte).
fn hook_input_stdin(data: &[u8]) -> Option<Vec<u8>> {
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
    let payload = |tool: &str, tool_input: Value| {
        serde_json::to_vec(&json!({
            "session_id": "fuzz", "transcript_path": "", "cwd": "/tmp", "permission_mode": "default",
            "hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": tool_input,
            "tool_use_id": "toolu_fuzz",
        }))
        .unwrap()
    };
    let (&mode, rest) = data.split_first()?;
    Some(match mode % 3 {
        0 => rest.to_vec(),
        1 => payload(
            "Bash",
            json!({ "command": String::from_utf8_lossy(rest), "description": "fuzz" }),
        ),
        _ => {
            let (&tool, input) = rest.split_first()?;
            let tool_input = serde_json::from_slice::<Value>(input).ok()?;
            payload(TOOLS[usize::from(tool) % TOOLS.len()], tool_input)
        }
    })
}

#[test]
fn found_hook_inputs_get_a_protocol_correct_answer() {
    let sandbox = Sandbox::new();
    for (name, data) in found("hook_input") {
        let Some(stdin) = hook_input_stdin(&data) else {
            continue;
        };
        let run = sandbox
            .hook(env!("CARGO_BIN_EXE_pretooluse-gate"))
            .stdin(stdin)
            .run();
        let decision = run.decision();
        assert!(
            ["allow", "ask", "deny", "defer", "none", "block"].contains(&decision.as_str()),
            "hook_input/{name}: {decision}"
        );
    }
}

#[test]
fn found_rules_parse_or_fail_in_place() {
    replay_all("permission_rule", |data| {
        let text = String::from_utf8_lossy(data);
        if let Err(error) = PermissionRule::parse(&text) {
            assert!(error.column <= text.len(), "{error}");
        }
    });
}

#[test]
fn found_globs_compile_and_match_in_time() {
    replay_all("glob_pattern", |data| {
        let text = String::from_utf8_lossy(data);
        let (pattern, path) = text.split_once('\n').unwrap_or((&text, "src/main.rs"));
        if let Ok(compiled) = Pattern::new(pattern) {
            let _ = compiled.matches(path);
            let _ = compiled.matches_anywhere(path);
        }
    });
}

#[test]
fn found_jq_conditions_compile_and_run_in_time() {
    replay_all("jq_condition", |data| {
        let text = String::from_utf8_lossy(data);
        let (program, input) = text.split_once('\n').unwrap_or((&text, ""));
        if let Ok(condition) = Condition::compile(program) {
            let input = serde_json::from_str::<Value>(input)
                .ok()
                .filter(|_| input.len() <= 4096)
                .unwrap_or_else(|| json!({"tool_input": {"command": "ls"}}));
            let _ = condition.is_true(&input);
        }
    });
}

#[test]
fn found_policy_files_parse_or_fail_with_the_file_named() {
    replay_all("policy_layer", |data| {
        let text = String::from_utf8_lossy(data).into_owned();
        let source = LayerSource::Project(PathBuf::from("fuzz/.claude/hookkit.toml"));
        match Layer::parse(source, text) {
            Ok(layer) => {
                if let Ok(effective) = config::Effective::of(&[layer]) {
                    let _ = effective.section::<Value>("gate");
                }
            }
            Err(error) => assert!(error.to_string().contains("hookkit.toml"), "{error}"),
        }
    });
}

#[test]
fn found_command_lines_are_read_and_assessed() {
    replay_all("shell_classify", |data| {
        let command = String::from_utf8_lossy(data);
        let _ = hookkit::shell::parse(&command);
        let call = hookkit::protocol::ToolCall::new("Bash", json!({ "command": command }));
        let _ = hookkit::classify::assess(&call, &hookkit::classify::Context::default());
    });
}
