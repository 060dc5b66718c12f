//! Any text as a command line: the shell reader either reads it or says why not, and the
//! classifier assesses the calls built from it without panicking: as Bash (with what each
//! command touches), as PowerShell, as an MCP tool's command, and as a file written where a
//! later command runs it (a Makefile, a package.json, a workflow).
#![no_main]

use hookkit::classify::{self, Context};
use hookkit::protocol::ToolCall;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|command: &str| {
    if let Ok(commands) = hookkit::shell::parse(command) {
        for simple in &commands {
            let _ = simple.program();
        }
    }
    let ctx = Context {
        cwd: "/work/project".into(),
        project_dir: "/work/project".into(),
        home: Some("/home/user".into()),
        allowed_hosts: vec!["github.com".into()],
    };
    let calls = [
        ToolCall::new("Bash", json!({ "command": command })),
        ToolCall::new("PowerShell", json!({ "command": command })),
        ToolCall::new("mcp__shell__run", json!({ "command": command, "path": command })),
        ToolCall::new(
            "Write",
            json!({ "file_path": "/work/project/Makefile", "content": command }),
        ),
        ToolCall::new(
            "Write",
            json!({ "file_path": "/work/project/package.json", "content": command }),
        ),
        ToolCall::new(
            "Write",
            json!({ "file_path": "/work/project/.github/workflows/ci.yml", "content": command }),
        ),
    ];
    for call in &calls {
        if let Ok(assessment) = classify::assess(call, &ctx) {
            let _ = assessment.worst();
            for touched in &assessment.touches {
                let _ = (touched.writes.len(), touched.names.len(), touched.read_only);
            }
        }
    }
});
