//! `install.sh` as a user runs it: it copies the binaries into `.claude/hooks/`, merges the
//! wiring into `settings.json` without losing anything, is idempotent, lints the result, and
//! `--uninstall` takes out exactly what it added.

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use super::fake_api::{FakeApi, Script, bash};
use super::harness::{Scenario, read_json, repo_root};

/// Every `command` wired under `event`.
fn commands(settings: &Value, event: &str) -> Vec<String> {
    settings["hooks"][event]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["hooks"].as_array().cloned().unwrap_or_default())
        .filter_map(|handler| handler["command"].as_str().map(str::to_owned))
        .collect()
}

/// The user's own settings, in their own formatting.
const USER_SETTINGS: &str = r#"{
    "model": "opus",
    "permissions": { "allow": ["Bash(cargo test:*)"], "defaultMode": "default" },
    "env": { "RUST_LOG": "info" },
    "hooks": {
        "PreToolUse": [
            { "matcher": "Bash", "hooks": [ { "type": "command", "command": "./my-guard.sh" } ] }
        ],
        "Stop": [ { "hooks": [ { "type": "command", "command": "./notify.sh" } ] } ]
    }
}
"#;

#[test]
fn install_keeps_the_users_settings_backs_them_up_and_is_idempotent() {
    let s = Scenario::offline();
    let settings_path = s.write(".claude/settings.json", USER_SETTINGS);
    s.install(&[]);

    let backup = s.path(".claude/settings.json.hookkit-backup");
    assert_eq!(
        std::fs::read_to_string(&backup).expect("a backup"),
        USER_SETTINGS,
        "the backup must hold the user's file byte for byte"
    );
    let settings = read_json(&settings_path);
    let user: Value = serde_json::from_str(USER_SETTINGS).expect("valid JSON");
    for key in ["model", "permissions", "env"] {
        assert_eq!(settings[key], user[key], "{key} was changed");
    }
    assert_eq!(
        settings["hooks"]["PreToolUse"][0], user["hooks"]["PreToolUse"][0],
        "the user's own guard was changed"
    );
    assert_eq!(settings["hooks"]["Stop"], user["hooks"]["Stop"]);

    let gate = "\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/pretooluse-gate";
    for event in ["PreToolUse", "PermissionRequest", "UserPromptSubmit"] {
        assert!(
            commands(&settings, event).iter().any(|c| c == gate),
            "{event} lacks the gate: {settings:#}"
        );
    }
    assert_eq!(
        commands(&settings, "PermissionDenied"),
        ["\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/permission-denied-logger"]
    );
    assert!(
        !commands(&settings, "PreToolUse")
            .iter()
            .any(|c| c.contains("defer-for-review")),
        "review is opt-in"
    );
    for group in settings["hooks"]["PreToolUse"].as_array().expect("groups") {
        for handler in group["hooks"].as_array().expect("handlers") {
            if handler["command"] == gate {
                assert_eq!(handler["onFailure"], "block", "guards must fail closed");
                assert_eq!(group["matcher"], "*", "the gate sees every tool");
            }
        }
    }
    for binary in [
        "pretooluse-gate",
        "permission-denied-logger",
        "defer-for-review",
        "rules-lint",
    ] {
        let installed = s.path(&format!(".claude/hooks/{binary}"));
        let meta = std::fs::symlink_metadata(&installed)
            .unwrap_or_else(|e| panic!("{} missing: {e}", installed.display()));
        assert!(meta.is_file(), "{binary} must be a copy, not a link");
        assert!(
            meta.permissions().mode() & 0o111 != 0,
            "{binary} is not executable"
        );
    }

    let first = std::fs::read(&settings_path).expect("settings");
    let again = s.install(&[]);
    assert_eq!(
        std::fs::read(&settings_path).expect("settings"),
        first,
        "a second run changed settings.json"
    );
    assert!(again.stdout.contains("unchanged"), "{again}");
    assert_eq!(
        std::fs::read_to_string(&backup).expect("a backup"),
        USER_SETTINGS,
        "a second run must not overwrite the backup with wired settings"
    );
}

#[test]
fn uninstall_restores_an_untouched_backup_byte_for_byte() {
    let s = Scenario::offline();
    let settings_path = s.write(".claude/settings.json", USER_SETTINGS);
    s.install(&["--with-review"]);
    let out = s.install_sh(
        &[
            "--uninstall",
            "--project",
            &s.project().display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        std::fs::read_to_string(&settings_path).expect("settings"),
        USER_SETTINGS
    );
    assert!(!s.path(".claude/settings.json.hookkit-backup").exists());
    assert!(
        !s.path(".claude/hooks").exists(),
        "the binaries (and their now empty directory) must go"
    );
}

#[test]
fn uninstall_after_edits_removes_only_our_entries() {
    let s = Scenario::offline();
    s.install(&["--with-review"]);
    let mut settings = s.settings();
    settings["env"] = json!({"EDITED": "after install"});
    settings["hooks"]["PreToolUse"][0]["hooks"]
        .as_array_mut()
        .expect("handlers")
        .push(json!({"type": "command", "command": "./mine.sh"}));
    s.set_settings(&settings);
    let out = s.install_sh(
        &[
            "--uninstall",
            "--project",
            &s.project().display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        s.settings(),
        json!({
            "env": {"EDITED": "after install"},
            "hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "./mine.sh"}]}]}
        })
    );
}

#[test]
fn with_review_wires_defer_for_review_as_a_guard() {
    let s = Scenario::offline();
    s.install(&["--with-review"]);
    let settings = s.settings();
    let review = settings["hooks"]["PreToolUse"][0]["hooks"]
        .as_array()
        .expect("handlers")
        .iter()
        .find(|h| h["command"] == "\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/defer-for-review")
        .unwrap_or_else(|| panic!("no review hook: {settings:#}"))
        .clone();
    assert_eq!(review["onFailure"], "block");
}

/// Replaces the linked rules-lint by a script with this body (after `--help` succeeds).
fn fake_lint(s: &Scenario, body: &str) {
    let path = s.bin_dir().join("rules-lint");
    std::fs::remove_file(&path).expect("removing the linked rules-lint");
    std::fs::write(
        &path,
        format!("#!/bin/sh\n[ \"$1\" = --help ] && exit 0\n{body}\n"),
    )
    .expect("writing a fake rules-lint");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("making it executable");
}

#[test]
fn lint_findings_are_reported_and_a_usage_error_fails_the_install() {
    let s = Scenario::offline();
    fake_lint(
        &s,
        "echo \"$1: warning: Bash(curl:*) in allow is shadowed\"\nexit 1",
    );
    let out = s.install(&[]);
    assert!(
        out.stdout.contains("is shadowed") && out.stdout.contains("settings.json"),
        "lint findings must be shown and name the file:\n{out}"
    );

    let s = Scenario::offline();
    fake_lint(&s, "echo 'rules-lint: unknown argument' >&2\nexit 2");
    let out = s.install_sh(
        &[
            "--project",
            &s.project().display().to_string(),
            "--no-build",
            "--bin-dir",
            &s.bin_dir().display().to_string(),
        ],
        &[],
    );
    assert_eq!(
        out.code, 1,
        "a lint usage error must fail the install:\n{out}"
    );
    assert!(out.stderr.contains("unknown argument"), "{out}");
}

#[test]
fn missing_binaries_and_bad_options_fail_clearly() {
    let s = Scenario::offline();
    std::fs::remove_file(s.bin_dir().join("defer-for-review")).expect("removing a binary");
    let out = s.install_sh(
        &[
            "--project",
            &s.project().display().to_string(),
            "--no-build",
            "--bin-dir",
            &s.bin_dir().display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stderr.contains("defer-for-review is missing"), "{out}");
    assert!(
        !s.path(".claude/settings.json").exists(),
        "nothing may be wired half-way"
    );

    let out = s.install_sh(&["--frobnicate"], &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr.contains("unknown option '--frobnicate'"),
        "{out}"
    );
    let help = s.install_sh(&["--help"], &[]);
    assert_eq!(help.code, 0, "{help}");
    assert!(help.stdout.contains("--uninstall"), "{help}");

    std::os::unix::fs::symlink(
        super::harness::binary_path("defer-for-review"),
        s.bin_dir().join("defer-for-review"),
    )
    .expect("putting the binary back");
    let broken = s.write(".claude/settings.json", "{ \"model\": ");
    let out = s.install_sh(
        &[
            "--project",
            &s.project().display().to_string(),
            "--no-build",
            "--bin-dir",
            &s.bin_dir().display().to_string(),
        ],
        &[],
    );
    assert_ne!(out.code, 0, "{out}");
    assert!(out.stderr.contains("not valid JSON"), "{out}");
    assert_eq!(
        std::fs::read_to_string(broken).expect("settings"),
        "{ \"model\": ",
        "a broken settings file must be left as it was"
    );
}

#[test]
fn user_install_guards_every_project_with_absolute_paths() {
    let Some(s) = Scenario::new() else { return };
    let out = s.install_sh(
        &[
            "--user",
            "--no-build",
            "--bin-dir",
            &s.bin_dir().display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out}");
    let settings = read_json(&s.home().join(".claude/settings.json"));
    let gate = format!(
        "\"{}\"",
        s.home().join(".claude/hooks/pretooluse-gate").display()
    );
    assert!(
        commands(&settings, "PreToolUse").contains(&gate),
        "user installs use absolute paths: {settings:#}"
    );
    assert!(!s.path(".claude/settings.json").exists());

    s.shim("rm");
    let api = FakeApi::start(Script::calls([bash("rm -rf /")]));
    let run = s.claude(&api).run();
    run.assert_completed();
    assert!(
        s.shim_calls("rm").is_empty(),
        "rm ran despite the user-wide gate"
    );
    let denial = api
        .tool_result(&Script::tool_use_id(0, 0))
        .unwrap_or_default();
    assert!(
        denial.starts_with("PreToolUse:Bash hook error"),
        "the user-wide gate must deny: {denial:?}"
    );
}

#[test]
fn install_script_is_executable_and_passes_bash_syntax_check() {
    for script in ["install.sh", "tests/e2e/install-claude.sh"] {
        let path = repo_root().join(script);
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{script}: {e}"))
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "{script} is not executable");
        let status = std::process::Command::new("bash")
            .arg("-n")
            .arg(&path)
            .status()
            .expect("running bash -n");
        assert!(status.success(), "{script} has a syntax error");
    }
}

/// Runs `tests/e2e/install-claude.sh` with a private cache, a fake `npm` first on `PATH`, and
/// `extra_env`.
fn install_claude(
    s: &Scenario,
    npm_body: &str,
    extra_env: &[(&str, &str)],
) -> super::harness::Output {
    let fake_bin = s.root().join("fake-npm");
    std::fs::create_dir_all(&fake_bin).expect("a fake bin dir");
    let npm = fake_bin.join("npm");
    std::fs::write(&npm, format!("#!/bin/sh\n{npm_body}\n")).expect("a fake npm");
    std::fs::set_permissions(&npm, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut path = fake_bin.into_os_string();
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut cmd = std::process::Command::new(repo_root().join("tests/e2e/install-claude.sh"));
    cmd.env_clear()
        .env("HOME", s.home())
        .env("PATH", path)
        .env("HOOKKIT_E2E_CACHE", s.root().join("cache"));
    for (key, value) in extra_env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("running install-claude.sh");
    super::harness::Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn install_claude_records_an_unreachable_registry_and_exits_0() {
    let s = Scenario::offline();
    let out = install_claude(&s, "echo 'npm error network' >&2\nexit 1", &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.trim().is_empty(),
        "no binary path may be printed: {out}"
    );
    let marker = s.root().join("cache/npm-unreachable");
    assert!(marker.is_file(), "the marker was not written: {out}");
    assert!(out.stderr.contains("cannot be reached"), "{out}");
}

#[test]
fn install_claude_uses_a_pinned_binary_without_npm_and_rejects_another_version() {
    let s = Scenario::offline();
    let pinned = s.write_script("fake-claude", "#!/bin/sh\necho '2.1.329 (Claude Code)'\n");
    let npm_never = "echo npm must not run >&2\nexit 99";
    let out = install_claude(
        &s,
        npm_never,
        &[("HOOKKIT_E2E_CLAUDE", pinned.to_str().expect("utf-8"))],
    );
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.stdout.trim(), pinned.display().to_string(), "{out}");

    let other = s.write_script("other-claude", "#!/bin/sh\necho '2.1.197 (Claude Code)'\n");
    let out = install_claude(
        &s,
        "case \"$1\" in ping|view) exit 0;; *) echo installing >&2; exit 0;; esac",
        &[("HOOKKIT_E2E_CLAUDE", other.to_str().expect("utf-8"))],
    );
    assert_eq!(
        out.code, 1,
        "a wrong version must not be used, and an install that yields no binary fails: {out}"
    );
    assert!(out.stderr.contains("no native claude 2.1.329"), "{out}");
}
