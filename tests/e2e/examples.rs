//! Every wiring example under `hooks-examples/` parses, equals what `install.sh` writes for
//! its use case, and its policy loads as a hookkit policy layer.

use std::path::Path;

use serde_json::Value;

use super::harness::{read_json, repo_root, wiring_helper};

/// Each example folder and the `hookkit-wiring install` flags that produce its settings.
const EXAMPLES: [(&str, &[&str]); 3] = [
    ("gate-only", &["--no-logger"]),
    ("gate-and-logger", &[]),
    ("headless-review", &["--with-review"]),
];

#[test]
fn every_example_folder_is_covered() {
    let mut folders: Vec<String> = std::fs::read_dir(repo_root().join("hooks-examples"))
        .expect("hooks-examples/")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let mut covered: Vec<String> = EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
    covered.sort();
    assert_eq!(folders, covered, "add new example folders to EXAMPLES");
}

#[test]
fn example_settings_equal_what_install_writes() {
    for (name, flags) in EXAMPLES {
        let example = read_json(&repo_root().join(format!("hooks-examples/{name}/settings.json")));
        let dir = tempfile::tempdir().expect("a temp dir");
        let settings = dir.path().join("settings.json");
        let status = std::process::Command::new(wiring_helper())
            .args(["install", "--settings"])
            .arg(&settings)
            .args(flags)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("running hookkit-wiring");
        assert!(status.success());
        assert_eq!(
            example,
            read_json(&settings),
            "hooks-examples/{name}/settings.json differs from `hookkit-wiring install {flags:?}`"
        );
        assert!(example["hooks"].is_object(), "{name}");
    }
}

#[test]
fn example_policies_parse_as_toml_and_as_hookkit_layers() {
    for (name, _) in EXAMPLES {
        let path = repo_root().join(format!("hooks-examples/{name}/hookkit.toml"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let table: toml::Table =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            table.contains_key("gate"),
            "{name}: every example sets [gate]"
        );
        hookkit::config::Layer::parse(hookkit::config::LayerSource::Project(path.clone()), text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn plugin_manifest_and_hooks_are_json() {
    for file in [".claude-plugin/plugin.json", "hooks/hooks.json"] {
        let value: Value = read_json(&repo_root().join(file));
        assert!(value.is_object(), "{file}");
    }
    assert!(Path::new(&repo_root().join("hooks-examples/README.md")).is_file());
}
