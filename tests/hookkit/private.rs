//! Everything hookkit creates under its state and key directories is the user's alone:
//! directories `0700`, files `0600`, from creation and whatever the umask lets through. `status`
//! warns about a state or key directory other users can enter, and `status --fix` closes it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{HOOKKIT, installed, person};
use crate::gate::GATE;
use crate::logger::{LOGGER, denied_bash};
use crate::review::{bash_call, headless, item_of, resumed, reviewer};
use crate::util::Sandbox;

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// Every entry under `dir` (itself included) whose mode is not `0700` for a directory or
/// `0600` for a file, with its mode.
fn not_private(dir: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        let expected = if path.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            0o700
        } else {
            0o600
        };
        if mode(&path) != expected {
            wrong.push(format!("{} ({:04o})", path.display(), mode(&path)));
        }
    }
    wrong
}

/// Whether this process's umask lets the group or others in (`022`, the usual one): only then
/// can a test tell a mode hookkit chose from one the umask imposed.
fn umask_is_permissive(sandbox: &Sandbox) -> bool {
    let probe = sandbox.root().join("umask-probe");
    std::fs::create_dir(&probe).unwrap();
    mode(&probe) & 0o077 != 0
}

#[test]
fn everything_hookkit_creates_under_its_state_and_key_directories_is_private() {
    let sandbox = installed();
    if !umask_is_permissive(&sandbox) {
        eprintln!("skipped: the umask already keeps others out, so modes prove nothing here");
        return;
    }
    // An approval used on resume (with the reviewer's key), review page logins, the audit key
    // and checkpoint (every hook), a denial streak (the gate), an install record (above).
    let call = bash_call("toolu_private", "rm -rf build");
    assert_eq!(
        headless(&sandbox).payload(call.clone()).run().decision(),
        "defer"
    );
    let id = item_of(&sandbox, "toolu_private")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reviewer(&sandbox, &["approve", &id, "--ttl", "1h"]).code(0);
    assert_eq!(
        headless(&sandbox).payload(resumed(call)).run().decision(),
        "allow"
    );
    person(
        &sandbox,
        HOOKKIT,
        &sandbox.project(),
        &["review", "reviewer", "add", "bob"],
    )
    .expect(0);
    sandbox
        .hook(LOGGER)
        .payload(denied_bash("echo x"))
        .run()
        .code(0);
    let secret = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    let run = sandbox.hook(GATE).bash(&format!("echo {secret}")).run();
    assert_eq!(run.decision(), "deny", "{}", run.reason());
    // A denial a run of denials may escalate starts the session's streak file.
    let run = sandbox.hook(GATE).bash("rm -rf /srv/data").run();
    assert_eq!(run.decision(), "deny", "{}", run.reason());

    let state = sandbox.home().join(".local/state/hookkit");
    let keys = sandbox.home().join(".config/hookkit");
    for made in [
        state.join("streaks"),
        state.join("installs"),
        state.join("review-used"),
        state.join("audit-heads"),
        state.join("audit.key"),
        keys.join("reviewer.key"),
        keys.join("reviewers"),
    ] {
        assert!(made.exists(), "{} was not made", made.display());
    }
    for dir in [&state, &keys] {
        let wrong = not_private(dir);
        assert!(wrong.is_empty(), "not private: {wrong:?}");
    }
}

#[test]
fn a_state_or_key_directory_others_can_enter_is_warned_about_and_fixed() {
    let sandbox = installed();
    let state = sandbox.home().join(".local/state/hookkit");
    let keys = sandbox.home().join(".config/hookkit");
    std::fs::create_dir_all(&keys).unwrap();
    for dir in [&state, &keys] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let status = |args: &[&str]| {
        let mut all = vec!["status"];
        all.extend_from_slice(args);
        person(&sandbox, HOOKKIT, &sandbox.project(), &all)
    };
    let run = status(&[]).expect(0);
    let text = run.stdout();
    for dir in [&state, &keys] {
        assert!(
            text.contains(&format!(
                "{} is open to other users (mode 0755)",
                dir.display()
            )),
            "{text}"
        );
    }
    assert!(text.contains("warn  privacy"), "{text}");
    // Nothing is changed without --fix.
    assert_eq!((mode(&state), mode(&keys)), (0o755, 0o755));

    let run = status(&["--fix"]).expect(0);
    assert!(
        run.stdout().contains(&format!(
            "tightened: {} is now yours alone",
            state.display()
        )),
        "{}",
        run.stdout()
    );
    assert_eq!((mode(&state), mode(&keys)), (0o700, 0o700));
    let run = status(&[]).expect(0);
    assert!(!run.stdout().contains("privacy"), "{}", run.stdout());
}

#[test]
fn a_linked_state_directory_is_reported_but_its_target_is_not_changed_by_fix() {
    let sandbox = installed();
    let state = sandbox.home().join(".local/state/hookkit");
    let real = sandbox.root().join("real-state");
    std::fs::rename(&state, &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink(&real, &state).unwrap();
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["status"]).expect(0);
    assert!(
        run.stdout().contains("is open to other users"),
        "{}",
        run.stdout()
    );
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["status", "--fix"]).expect(1);
    assert!(
        run.stderr().contains("not a directory (a link?)"),
        "{}",
        run.stderr()
    );
    assert_eq!(mode(&real), 0o755);
}
