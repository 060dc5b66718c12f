//! Any text as a policy file: it parses or fails with a message naming the file, and every
//! section of the policy format reads into its settings or fails the same way. Permission
//! rules found in the file go through the rule parser.
#![no_main]

use std::path::PathBuf;

use hookkit::FailureDecision;
use hookkit::config::{self, Layer, LayerSource};
use hookkit::permission::PermissionRule;
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[expect(
    dead_code,
    reason = "the fields are read only to exercise deserialisation"
)]
struct Gate {
    mode: Option<String>,
    on_error: Option<FailureDecision>,
    high_risk: Option<String>,
    escalate_after: Option<u32>,
    allowed_hosts: Option<Vec<String>>,
    protected_paths: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct Permissions {
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    ask: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[expect(
    dead_code,
    reason = "the fields are read only to exercise deserialisation"
)]
struct Audit {
    log: Option<PathBuf>,
    log_allows: Option<String>,
    max_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[expect(
    dead_code,
    reason = "the fields are read only to exercise deserialisation"
)]
struct Review {
    tools: Option<Vec<String>>,
    risk: Option<Vec<String>>,
    rule_ids: Option<Vec<String>>,
    paths: Option<Vec<String>>,
    when: Option<Vec<String>>,
    headless: Option<String>,
    queue_dir: Option<PathBuf>,
    endpoint: Option<String>,
    endpoint_timeout_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[expect(
    dead_code,
    reason = "the fields are read only to exercise deserialisation"
)]
struct Rule {
    id: String,
    tools: Option<Vec<String>>,
    program: Option<String>,
    args: Option<Vec<String>>,
    command_regex: Option<String>,
    paths: Option<Vec<String>>,
    when: Option<String>,
    decision: String,
    reason: Option<String>,
    message: Option<String>,
}

fuzz_target!(|text: &str| {
    let source = LayerSource::Project(PathBuf::from("fuzz/.claude/hookkit.toml"));
    let layer = match Layer::parse(source, text.to_owned()) {
        Ok(layer) => layer,
        Err(error) => {
            assert!(error.to_string().contains("hookkit.toml"), "{error}");
            return;
        }
    };
    let builtin = Layer::parse(LayerSource::BuiltIn, config::BUILT_IN.to_owned())
        .expect("the built-in policy parses");
    let layers = [builtin, layer];
    let _ = config::section::<Gate>(&layers, "gate");
    let _ = config::section::<Audit>(&layers, "audit");
    let _ = config::section::<Review>(&layers, "review");
    if let Ok(permissions) = config::section::<Permissions>(&layers, "permissions") {
        for rule in permissions
            .deny
            .iter()
            .chain(&permissions.ask)
            .chain(&permissions.allow)
        {
            let _ = PermissionRule::parse(rule);
        }
    }
    if let Some(toml::Value::Array(rules)) = layers[1].table.get("rule") {
        for rule in rules {
            let _ = rule.clone().try_into::<Rule>();
        }
    }
    for line in text.lines().take(8) {
        let _ = layers[1].line_of(line);
    }
});
