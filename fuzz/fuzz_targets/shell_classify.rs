//! Any text as a Bash command line: the shell reader either reads it or says why not, and the
//! classifier assesses the Bash call built from it without panicking.
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
    let call = ToolCall::new("Bash", json!({ "command": command }));
    let ctx = Context {
        cwd: "/work/project".into(),
        project_dir: "/work/project".into(),
        home: Some("/home/user".into()),
        allowed_hosts: vec!["github.com".into()],
    };
    if let Ok(assessment) = classify::assess(&call, &ctx) {
        let _ = assessment.worst();
    }
});
