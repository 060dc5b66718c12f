//! `rules-lint`: one fixture folder per finding id under `tests/fixtures/lint/`, linted by the
//! real binary; snapshots of the text, JSON and SARIF output; exit codes; discovery; verify.

use std::path::{Path, PathBuf};

use hookkit::lint::catalog;
use serde_json::Value;

use crate::util::{Run, Sandbox, fixture_path};

const BIN: &str = env!("CARGO_BIN_EXE_rules-lint");

/// Copies `from` into `to`, keeping file modes (the hook scripts are executable).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The files of a case folder that rules-lint reads (`*.json`, `*.toml`), relative, sorted.
fn lintable(dir: &Path, prefix: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            lintable(&path, prefix, out);
        } else if path.extension().is_some_and(|e| e == "json" || e == "toml") {
            out.push(
                path.strip_prefix(prefix)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

/// A sandbox with a fake `npx` first in PATH, so that no case depends on what the machine
/// has installed.
fn sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    let npx = sandbox.write("bin/npx", "#!/bin/sh\nexit 0\n");
    set_executable(&npx);
    sandbox
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn path_var(sandbox: &Sandbox) -> String {
    format!("{}:/usr/bin:/bin", sandbox.root().join("bin").display())
}

/// Lints fixture case `case` (copied into the sandbox's project) with extra `args`.
fn lint_case(case: &str, args: &[&str]) -> (Run, Sandbox) {
    let sandbox = sandbox();
    copy_tree(&fixture_path(&format!("lint/{case}")), &sandbox.project());
    let mut files = Vec::new();
    lintable(&sandbox.project(), &sandbox.project(), &mut files);
    let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    all.extend(files);
    let run = sandbox
        .hook(BIN)
        .env("PATH", path_var(&sandbox))
        .args(all)
        .run();
    (run, sandbox)
}

fn case_args(id: &str) -> Vec<&'static str> {
    if id.starts_with("HK5") {
        vec!["--verify"]
    } else {
        Vec::new()
    }
}

/// Checks a snapshot kept in `tests/lint/snapshots/`.
fn snapshot(name: &str, value: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("lint/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

/// Replaces the sandbox's temporary path in `text`.
fn scrub(text: &str, sandbox: &Sandbox) -> String {
    text.replace(&sandbox.root().display().to_string(), "[TMP]")
}

fn ids_of(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_case_reports_its_id_with_a_text_snapshot() {
    for entry in catalog::ENTRIES {
        let mut args = case_args(entry.id);
        args.extend(["--format", "json"]);
        let (run, sandbox) = lint_case(entry.id, &args);
        let json: Value = serde_json::from_str(&run.stdout())
            .unwrap_or_else(|e| panic!("{}: output is not JSON ({e}): {}", entry.id, run.stdout()));
        assert!(
            ids_of(&json).iter().any(|id| id == entry.id),
            "case {} does not report its id: {json:#}",
            entry.id
        );
        let expected = i32::from(json["summary"]["errors"].as_u64().unwrap() > 0);
        assert_eq!(run.exit_code(), expected, "{}: {}", entry.id, run.stdout());

        let (run, sandbox_text) = lint_case(entry.id, &case_args(entry.id));
        assert!(!run.stdout().contains('\x1b'), "colour on a pipe");
        snapshot(
            &format!("text_{}", entry.id),
            &scrub(&run.stdout(), &sandbox_text),
        );
        drop(sandbox);
    }
}

#[test]
fn clean_cases_have_no_findings() {
    for case in ["clean", "plugin-clean"] {
        let (run, _sandbox) = lint_case(case, &["--verify", "--strict"]);
        let run = run.code(0);
        assert!(
            run.stdout().starts_with("no problems found in"),
            "{case}: {}",
            run.stdout()
        );
    }
}

#[test]
fn json_output_snapshot() {
    for case in ["HK201", "HK204", "HK301"] {
        let (run, sandbox) = lint_case(case, &["--format", "json"]);
        snapshot(&format!("json_{case}"), &scrub(&run.stdout(), &sandbox));
    }
}

#[test]
fn sarif_output_snapshot() {
    let (run, sandbox) = lint_case("HK202", &["--format", "sarif"]);
    let mut sarif: Value = serde_json::from_str(&run.stdout()).unwrap();
    // The rule table is the catalogue, checked on its own below; keep the snapshot readable.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].take();
    assert_eq!(rules.as_array().unwrap().len(), catalog::ENTRIES.len());
    sarif["runs"][0]["tool"]["driver"]["version"] = Value::from("[VERSION]");
    snapshot(
        "sarif_HK202",
        &scrub(&serde_json::to_string_pretty(&sarif).unwrap(), &sandbox),
    );
}

#[test]
fn sarif_has_the_2_1_0_shape() {
    let (run, _sandbox) = lint_case("HK201", &["--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout()).unwrap();
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "rules-lint");
    let rules = driver["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for rule in rules {
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert!(results.len() >= 7, "{results:#?}");
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        assert!(rule_ids.contains(&id), "{id} is not in the rule table");
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rule_ids[index], id);
        assert!(["none", "note", "warning", "error"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.is_empty() && !uri.contains('\\'));
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn every_id_has_an_explanation_and_a_fixture() {
    let sandbox = Sandbox::new();
    for entry in catalog::ENTRIES {
        let run = sandbox
            .hook(BIN)
            .args(["--explain", &entry.id.to_lowercase()])
            .run()
            .code(0);
        assert!(run.stdout().starts_with(entry.id));
        assert!(run.stdout().contains(entry.explain));
        assert!(entry.explain.len() > 80, "{} explains too little", entry.id);
        assert!(
            fixture_path(&format!("lint/{}", entry.id)).is_dir(),
            "{} has no fixture folder",
            entry.id
        );
    }
    sandbox
        .hook(BIN)
        .args(["--explain", "HK999"])
        .run()
        .code(2)
        .stderr_contains("unknown finding id");
}

#[test]
fn exit_codes() {
    // Warnings only: clean exit, unless --strict.
    lint_case("HK206", &[]).0.code(0);
    lint_case("HK206", &["--strict"]).0.code(1);
    lint_case("HK201", &[]).0.code(1);
    let sandbox = Sandbox::new();
    sandbox
        .hook(BIN)
        .args(["no-such-settings.json"])
        .run()
        .code(2)
        .stderr_contains("no-such-settings.json");
    sandbox.hook(BIN).args(["--no-such-flag"]).run().code(2);
    sandbox.hook(BIN).args(["--format", "xml"]).run().code(2);
}

#[test]
fn finds_the_layers_of_the_project_without_arguments() {
    let sandbox = sandbox();
    sandbox.write(
        "home/.claude/settings.json",
        r#"{"permissions": {"allow": ["Bash(git push origin main)"]}}"#,
    );
    sandbox.write(
        "project/.claude/settings.local.json",
        r#"{"permissions": {"deny": ["Bash(git push:*)"]}}"#,
    );
    sandbox.write(
        "project/.claude/hookkit.toml",
        "[gate]\nmode = \"strict\"\nmodee = 1\n",
    );
    let run = sandbox
        .hook(BIN)
        .env("PATH", path_var(&sandbox))
        .args(["--format", "json"])
        .run()
        .code(1);
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    let layers: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["user", "local", "policy"]);
    let ids = ids_of(&json);
    assert!(ids.contains(&"HK204".to_owned()), "{json:#}");
    // The binaries refuse an unknown key: an error, not a warning.
    assert!(ids.contains(&"HK407".to_owned()), "{json:#}");
    let text = sandbox
        .hook(BIN)
        .env("PATH", path_var(&sandbox))
        .run()
        .stdout();
    snapshot("discovery_text", &scrub(&text, &sandbox));
}

#[test]
fn verify_reports_a_guard_that_fails_open() {
    let (run, _sandbox) = lint_case("HK501", &["--verify", "--format", "json"]);
    let json: Value = serde_json::from_str(&run.code(1).stdout()).unwrap();
    let open: Vec<&Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "HK501")
        .collect();
    // Three dangerous payloads each for the `{}` hook and the crashing hook; the crashing
    // hook with `"onFailure": "block"` blocks, so it is not reported.
    assert_eq!(open.len(), 6, "{json:#}");
    let messages: Vec<&str> = open
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages
            .iter()
            .filter(|m| m.contains("no decision"))
            .count(),
        3
    );
    assert_eq!(messages.iter().filter(|m| m.contains("exit 1")).count(), 3);
    assert!(
        !messages.iter().any(|m| m.contains("--blocked")),
        "{messages:#?}"
    );
    // Without --verify the hooks are not run: only the missing onFailure is reported.
    let (run, _sandbox) = lint_case("HK501", &["--format", "json"]);
    let json: Value = serde_json::from_str(&run.code(0).stdout()).unwrap();
    assert_eq!(ids_of(&json), ["HK111"]);
}

#[test]
fn an_explicit_policy_replaces_the_policy_layers() {
    let sandbox = sandbox();
    sandbox.write("project/.claude/hookkit.toml", "[gate]\nmode = \"nope\"\n");
    sandbox.write("elsewhere/policy.toml", "[gate]\nmode = \"guard\"\n");
    let run = sandbox
        .hook(BIN)
        .env(
            "HOOKKIT_POLICY",
            sandbox.root().join("elsewhere/policy.toml"),
        )
        .args(["--format", "json"])
        .run()
        .code(0);
    let json: Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(json["files"].as_array().unwrap().len(), 1, "{json:#}");
    assert!(
        json["files"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("elsewhere/policy.toml")
    );
    sandbox
        .hook(BIN)
        .env("HOOKKIT_POLICY", sandbox.root().join("missing.toml"))
        .run()
        .code(2)
        .stderr_contains("missing.toml");
}
