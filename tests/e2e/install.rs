//! `install.sh` as a user runs it, with no Rust toolchain on `PATH`: it copies the binaries
//! into `.claude/hooks/`, merges the wiring into the settings without losing anything (the
//! uncommitted `settings.local.json` unless `--shared`), keeps the new files out of git, is
//! idempotent, lints the result, and `--uninstall` takes out exactly what it added. A release
//! archive made by `scripts/dist.sh` installs the same way and guards a real `claude -p` run.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::cli::CLAUDE_VERSION;
use super::fake_api::{FakeApi, Script, bash};
use super::harness::{Output, Scenario, path_without_cargo, read_json, repo_root};

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

const GATE: &str = "${CLAUDE_PROJECT_DIR}/.claude/hooks/pretooluse-gate";

fn project_flags(s: &Scenario) -> Vec<String> {
    vec![
        "--project".into(),
        s.project().display().to_string(),
        "--no-build".into(),
        "--bin-dir".into(),
        s.bin_dir().display().to_string(),
    ]
}

fn install_with(s: &Scenario, extra: &[&str]) -> Output {
    let flags = project_flags(s);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    s.install_sh(&flags, extra)
}

/// `git` in the project, as the scenario's user.
fn git(s: &Scenario, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(s.project())
        .env("HOME", s.home())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("running git");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_shared_install_keeps_the_users_settings_backs_them_up_and_is_idempotent() {
    let s = Scenario::offline();
    let settings_path = s.write(".claude/settings.json", USER_SETTINGS);
    s.install(&["--shared"]);

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
    for event in ["PreToolUse", "PermissionRequest", "UserPromptSubmit"] {
        assert!(
            commands(&settings, event).iter().any(|c| c == GATE),
            "{event} lacks the gate: {settings:#}"
        );
    }
    assert_eq!(
        commands(&settings, "PermissionDenied"),
        ["${CLAUDE_PROJECT_DIR}/.claude/hooks/permission-denied-logger"]
    );
    assert!(
        !commands(&settings, "PreToolUse")
            .iter()
            .any(|c| c.contains("defer-for-review")),
        "review is opt-in"
    );
    for group in settings["hooks"]["PreToolUse"].as_array().expect("groups") {
        for handler in group["hooks"].as_array().expect("handlers") {
            if handler["command"] == GATE {
                assert_eq!(handler["onFailure"], "block", "guards must fail closed");
                assert_eq!(handler["args"], json!([]), "exec form: no shell");
                assert_eq!(group["matcher"], "*", "the gate sees every tool");
            }
        }
    }
    for binary in [
        "pretooluse-gate",
        "permission-denied-logger",
        "rules-lint",
        "hookkit",
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
    let again = s.install(&["--shared"]);
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
fn the_default_install_leaves_nothing_for_git_and_a_shared_one_only_what_to_commit() {
    let s = Scenario::offline();
    s.git_init();
    let out = s.install(&[]);
    assert!(
        out.stdout.contains("for this checkout only"),
        "the install must say that nothing is to be committed:\n{out}"
    );
    assert!(s.path(".claude/settings.local.json").is_file());
    assert!(!s.path(".claude/settings.json").exists());
    let status = git(&s, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status, "", "git sees files the install made:\n{status}");
    // What the hooks write later is ignored too.
    s.write(".claude/logs/hookkit-audit.jsonl", "{}\n");
    s.write(".claude/reviews/x.json", "{}\n");
    let status = git(&s, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status, "", "hook output shows up in git:\n{status}");

    let out = s.install(&["--shared"]);
    assert!(
        out.stdout.contains("Teammates need the binaries too"),
        "a shared install must say how teammates get the binaries:\n{out}"
    );
    let status = git(&s, &["status", "--porcelain", "--untracked-files=all"]);
    let mut lines: Vec<&str> = status.lines().collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        ["?? .claude/.gitignore", "?? .claude/settings.json"],
        "a shared install leaves exactly the files to commit"
    );
    // A teammate's checkout ignores the binaries through the committed .gitignore alone.
    let exclude = s.path(".git/info/exclude");
    std::fs::write(&exclude, "").expect("clearing info/exclude");
    let status = git(&s, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(
        !status.contains(".claude/hooks") && !status.contains(".claude/logs"),
        "{status}"
    );
}

#[test]
fn install_never_runs_cargo_with_no_build_or_from_an_archive() {
    let s = Scenario::offline();
    // A cargo that records being run, first on PATH.
    let shims = s.root().join("cargo-shim");
    std::fs::create_dir_all(&shims).expect("shim dir");
    let log = s.root().join("cargo-ran.log");
    let cargo = shims.join("cargo");
    std::fs::write(
        &cargo,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 1\n", log.display()),
    )
    .expect("a fake cargo");
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut path = shims.into_os_string();
    path.push(":");
    path.push(path_without_cargo());
    let flags = project_flags(&s);
    let output = Command::new(repo_root().join("install.sh"))
        .args(&flags)
        .env_clear()
        .env("HOME", s.home())
        .env("PATH", &path)
        .current_dir(s.project())
        .output()
        .expect("running install.sh");
    assert!(output.status.success(), "{output:?}");
    assert!(!log.exists(), "--no-build ran cargo");

    // Without cargo at all, building is impossible and says what to do instead.
    let out = s.install_sh(&["--project", &s.project().display().to_string()], &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stderr.contains("cargo is not installed") && out.stderr.contains("--no-build"),
        "{out}"
    );
}

#[test]
fn uninstall_restores_an_untouched_backup_byte_for_byte() {
    let s = Scenario::offline();
    s.git_init();
    let settings_path = s.write(".claude/settings.json", USER_SETTINGS);
    s.install(&["--shared", "--with-review"]);
    s.install(&[]);
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
    assert!(!s.path(".claude/settings.local.json").exists());
    assert!(!s.path(".claude/.gitignore").exists());
    assert!(
        !s.path(".claude/hooks").exists(),
        "the binaries (and their now empty directory) must go"
    );
    let exclude = std::fs::read_to_string(s.path(".git/info/exclude")).unwrap_or_default();
    assert!(!exclude.contains("hookkit"), "{exclude}");
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
        read_json(&s.path(".claude/settings.local.json")),
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
        .find(|h| h["command"] == "${CLAUDE_PROJECT_DIR}/.claude/hooks/defer-for-review")
        .unwrap_or_else(|| panic!("no review hook: {settings:#}"))
        .clone();
    assert_eq!(review["onFailure"], "block");
}

#[test]
fn the_mode_opt_in_goes_to_the_users_file_with_one_line_saying_what_it_changes() {
    let s = Scenario::offline();
    s.git_init();
    let out = s.install(&["--mode", "auto"]);
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("mode auto for "))
        .unwrap_or_else(|| panic!("no mode line:\n{out}"));
    assert!(
        line.contains("without a prompt") && line.contains("still needs a person"),
        "{line}"
    );
    let user = std::fs::read_to_string(s.home().join(".claude/hookkit.toml"))
        .expect("the opt-in is in the user's file");
    let table: toml::Table = user.parse().expect("the user's file parses");
    let project = std::fs::canonicalize(s.project()).expect("the project");
    assert_eq!(
        table["project"][&project.display().to_string()]["gate"]["mode"].as_str(),
        Some("auto"),
        "{user}"
    );
    assert!(
        !s.path(".claude/hookkit.toml").exists(),
        "an opt-in is never written into the repository"
    );
    let status = git(&s, &["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status, "", "{status}");
}

#[test]
fn lint_findings_of_the_wired_file_are_reported_without_failing_the_install() {
    let s = Scenario::offline();
    s.write(
        ".claude/settings.local.json",
        r#"{"permissions": {"allow": ["Bash"]}}"#,
    );
    let out = s.install(&[]);
    assert!(
        out.stdout.contains("lint found issues") && out.stdout.contains("HK206"),
        "lint findings must be shown and name the file:\n{out}"
    );
}

#[test]
fn missing_binaries_and_bad_options_fail_clearly() {
    let s = Scenario::offline();
    std::fs::remove_file(s.bin_dir().join("pretooluse-gate")).expect("removing a binary");
    let out = install_with(&s, &[]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stderr.contains("pretooluse-gate is missing"), "{out}");
    assert!(
        !s.path(".claude/settings.local.json").exists(),
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
    assert!(
        help.stdout.contains("--uninstall") && help.stdout.contains("--shared"),
        "{help}"
    );

    std::os::unix::fs::symlink(
        super::harness::binary_path("pretooluse-gate"),
        s.bin_dir().join("pretooluse-gate"),
    )
    .expect("putting the binary back");
    let broken = s.write(".claude/settings.local.json", "{ \"model\": ");
    let out = install_with(&s, &[]);
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
    let gate = s
        .home()
        .join(".claude/hooks/pretooluse-gate")
        .display()
        .to_string();
    assert!(
        commands(&settings, "PreToolUse").contains(&gate),
        "user installs use absolute paths: {settings:#}"
    );
    assert!(!s.path(".claude/settings.json").exists());
    assert!(!s.path(".claude/settings.local.json").exists());

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

/// Builds a release archive of this test run's binaries with `scripts/dist.sh` and unpacks it
/// under the scenario; returns the unpacked directory.
fn unpacked_release(s: &Scenario) -> PathBuf {
    let out = s.root().join("dist");
    let made = s.script(
        &repo_root().join("scripts/dist.sh"),
        &[
            "--bin-dir",
            &s.bin_dir().display().to_string(),
            "--out",
            &out.display().to_string(),
        ],
        &[],
    );
    assert_eq!(made.code, 0, "scripts/dist.sh failed:\n{made}");
    let archive = PathBuf::from(made.stdout.trim());
    assert!(archive.is_file(), "{made}");
    let sum = std::fs::read_to_string(format!("{}.sha256", archive.display()))
        .expect("the archive's checksum file");
    assert!(
        sum.contains(archive.file_name().unwrap().to_str().unwrap()),
        "{sum}"
    );
    let unpack = s.root().join("unpacked");
    std::fs::create_dir_all(&unpack).expect("unpack dir");
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpack)
        .status()
        .expect("running tar");
    assert!(status.success());
    let dir = std::fs::read_dir(&unpack)
        .expect("unpacked")
        .next()
        .expect("one directory")
        .expect("readable")
        .path();
    for file in [
        "install.sh",
        "SHA256SUMS",
        "README.md",
        "bin/hookkit",
        "bin/pretooluse-gate",
        "hooks-examples/README.md",
    ] {
        assert!(dir.join(file).exists(), "the archive lacks {file}");
    }
    dir
}

fn install_from(release: &Path, s: &Scenario) -> Output {
    s.script(
        &release.join("install.sh"),
        &["--project", &s.project().display().to_string()],
        &[],
    )
}

#[test]
fn a_release_archive_installs_without_a_toolchain_and_checks_its_sums() {
    let s = Scenario::offline();
    s.git_init();
    let release = unpacked_release(&s);
    let out = install_from(&release, &s);
    assert_eq!(out.code, 0, "installing from the archive failed:\n{out}");
    assert!(!out.stdout.contains("building"), "{out}");
    assert_eq!(
        std::fs::read(s.path(".claude/hooks/pretooluse-gate")).expect("installed"),
        std::fs::read(release.join("bin/pretooluse-gate")).expect("archived"),
    );
    assert_eq!(
        git(&s, &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );

    // A corrupted download is refused before anything is copied.
    let other = Scenario::offline();
    let gate = release.join("bin/pretooluse-gate");
    let mut bytes = std::fs::read(&gate).expect("the gate");
    bytes.extend_from_slice(b"tampered");
    std::fs::remove_file(&gate).expect("replacing the gate");
    std::fs::write(&gate, bytes).expect("a tampered gate");
    std::fs::set_permissions(&gate, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = install_from(&release, &other);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stderr.contains("SHA256SUMS"), "{out}");
    assert!(!other.path(".claude/hooks").exists());
}

#[test]
fn a_project_installed_from_the_release_archive_is_guarded_in_a_real_run() {
    let Some(s) = Scenario::new() else { return };
    let release = unpacked_release(&s);
    let out = install_from(&release, &s);
    assert_eq!(out.code, 0, "{out}");
    s.shim("rm");
    let api = FakeApi::start(Script::calls([bash("rm -rf /"), bash("ls")]));
    let run = s.claude(&api).run();
    run.assert_completed();
    assert!(s.shim_calls("rm").is_empty(), "rm ran despite the gate");
    let denial = api
        .tool_result(&Script::tool_use_id(0, 0))
        .unwrap_or_default();
    assert!(
        denial.starts_with("PreToolUse:Bash hook error"),
        "the gate installed from the archive must deny: {denial:?}\n{}",
        api.dump()
    );
    let status = s.script(&release.join("bin/hookkit"), &["status"], &[]);
    assert_eq!(status.code, 0, "{status}");
    assert!(
        status.stdout.contains("deny"),
        "the decision is in the status screen:\n{status}"
    );
}

#[test]
fn scripts_are_executable_and_pass_bash_syntax_check() {
    for script in [
        "install.sh",
        "tests/e2e/install-claude.sh",
        "scripts/build-release.sh",
        "scripts/dist.sh",
        "scripts/test.sh",
        ".ci/run",
    ] {
        let path = repo_root().join(script);
        let mode = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{script}: {e}"))
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "{script} is not executable");
        let status = Command::new("bash")
            .arg("-n")
            .arg(&path)
            .status()
            .expect("running bash -n");
        assert!(status.success(), "{script} has a syntax error");
    }
    let ci = std::fs::read_to_string(repo_root().join(".ci/run")).expect(".ci/run");
    assert_eq!(
        ci.lines().last(),
        Some("scripts/test.sh"),
        "CI runs the README's test command"
    );
}

/// Runs `tests/e2e/install-claude.sh` with a private cache, a fake `npm` first on `PATH`, and
/// `extra_env`.
fn install_claude(s: &Scenario, npm_body: &str, extra_env: &[(&str, &str)]) -> Output {
    let fake_bin = s.root().join("fake-npm");
    std::fs::create_dir_all(&fake_bin).expect("a fake bin dir");
    let npm = fake_bin.join("npm");
    std::fs::write(&npm, format!("#!/bin/sh\n{npm_body}\n")).expect("a fake npm");
    std::fs::set_permissions(&npm, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut path = fake_bin.into_os_string();
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut cmd = Command::new(repo_root().join("tests/e2e/install-claude.sh"));
    cmd.env_clear()
        .env("HOME", s.home())
        .env("PATH", path)
        .env("HOOKKIT_E2E_CACHE", s.root().join("cache"));
    for (key, value) in extra_env {
        cmd.env(key, value);
    }
    let output = cmd.output().expect("running install-claude.sh");
    Output {
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
    let pinned = s.write_script(
        "fake-claude",
        &format!("#!/bin/sh\necho '{CLAUDE_VERSION} (Claude Code)'\n"),
    );
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
    assert!(
        out.stderr
            .contains(&format!("no native claude {CLAUDE_VERSION}")),
        "{out}"
    );
}
