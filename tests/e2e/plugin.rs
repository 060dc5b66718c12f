//! The Claude Code plugin layout: `.claude-plugin/plugin.json` plus `hooks/hooks.json`, whose
//! commands run `${CLAUDE_PLUGIN_ROOT}/bin/<binary>`. The real CLI validates it strictly, and
//! loads it with `--plugin-dir` so the gate guards a project that has no settings of its own.

use serde_json::Value;

use super::fake_api::{FakeApi, Script, bash};
use super::harness::{Scenario, read_json, repo_root};
use crate::hookkit::check_generated;

#[test]
fn plugin_hooks_equal_what_the_wiring_generates() {
    let plan = hookkit::wiring::Plan {
        location: hookkit::wiring::BinaryLocation::Plugin,
        with_review: false,
        with_logger: true,
    };
    let mut generated =
        serde_json::to_string_pretty(&plan.plugin_hooks()).expect("serialising hooks.json");
    generated.push('\n');
    check_generated("hooks/hooks.json", &generated);
    let committed: Value = read_json(&repo_root().join("hooks/hooks.json"));
    assert!(committed["hooks"]["PreToolUse"].is_array());
    let manifest = read_json(&repo_root().join(".claude-plugin/plugin.json"));
    assert_eq!(manifest["name"], "hookkit");
    assert_eq!(
        manifest["version"],
        env!("CARGO_PKG_VERSION"),
        "the plugin version follows the crate version"
    );
}

/// A copy of the plugin with our binaries in its `bin/`, as `install.sh --plugin-bin` makes.
fn plugin_dir(s: &Scenario) -> std::path::PathBuf {
    let dir = s.root().join("plugin");
    for file in [".claude-plugin/plugin.json", "hooks/hooks.json"] {
        let target = dir.join(file);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("plugin dirs");
        std::fs::copy(repo_root().join(file), target).expect("copying a plugin file");
    }
    let out = s.install_sh(
        &[
            "--plugin-bin",
            "--plugin-dir",
            &dir.display().to_string(),
            "--no-build",
            "--bin-dir",
            &s.bin_dir().display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "install.sh --plugin-bin failed:\n{out}");
    dir
}

#[test]
fn the_cli_validates_the_plugin_strictly() {
    let Some(s) = Scenario::new() else { return };
    let dir = plugin_dir(&s);
    let out = s.cli(&["plugin", "validate", "--strict", &dir.display().to_string()]);
    assert_eq!(
        out.code, 0,
        "claude plugin validate --strict failed:\n{out}"
    );
    assert!(out.stdout.contains("Validation passed"), "{out}");
    assert!(
        out.stdout.contains("PreToolUse * command"),
        "the plugin must provide the PreToolUse gate:\n{out}"
    );
}

#[test]
fn the_plugin_gate_guards_a_project_without_settings() {
    let Some(s) = Scenario::new() else { return };
    let dir = plugin_dir(&s);
    s.shim("rm");
    let api = FakeApi::start(Script::calls([bash("rm -rf /"), bash("ls")]));
    let run = s
        .claude(&api)
        .args(&["--plugin-dir", &dir.display().to_string()])
        .run();
    run.assert_completed();
    assert!(
        s.shim_calls("rm").is_empty(),
        "rm ran despite the plugin's gate"
    );
    let denial = api
        .tool_result(&Script::tool_use_id(0, 0))
        .unwrap_or_default();
    assert!(
        denial.starts_with("PreToolUse:Bash hook error"),
        "the plugin's gate must deny: {denial:?}\n{}",
        api.dump()
    );
    assert!(
        api.tool_result(&Script::tool_use_id(1, 0)).is_some(),
        "the run must go on after the denial"
    );
}
