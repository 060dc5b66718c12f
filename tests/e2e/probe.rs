use serde_json::json;
use super::fake_api::{FakeApi, Script, bash};
use super::harness::{Scenario, BINARIES};

#[test]
fn probe() {
    let Some(s) = Scenario::new() else { return };
    let gate = BINARIES[0].1;
    s.set_settings(&json!({"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": gate}]}]}}));
    let api = FakeApi::start(Script::calls([bash("ls -la"), bash("echo $PATH; which rm")]));
    let r = s.claude(&api).run();
    eprintln!("{}", r.output);
    for q in api.requests() { eprintln!("{} {} tools={} stream={} model={} nmsg={}", q.method, q.path, q.body["tools"].as_array().map_or(0, Vec::len), q.body["stream"], q.body["model"], q.body["messages"].as_array().map_or(0, Vec::len)); }
    eprintln!("{:#?}", api.tool_results());
    panic!("probe");
}
