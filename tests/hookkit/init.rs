//! `hookkit init`: a commented user policy, and an opt-in for one project kept in the user's
//! own file, keyed by the project's path, never in the repository.

use super::{HOOKKIT, installed, person};
use crate::util::Sandbox;

const LINT: &str = env!("CARGO_BIN_EXE_rules-lint");

#[test]
fn init_writes_a_commented_user_policy_once() {
    let sandbox = Sandbox::new();
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["init"]).expect(0);
    let file = sandbox.home().join(".claude/hookkit.toml");
    assert!(run.stdout().contains("written"), "{}", run.stdout());
    let text = std::fs::read_to_string(&file).expect("the user policy");
    assert!(
        text.contains("mode = \"guard\"") && text.contains("# escalate_after = 3"),
        "{text}"
    );
    person(&sandbox, LINT, &sandbox.project(), &["--strict"]).expect(0);
    std::fs::write(&file, "# mine\n").expect("editing it");
    let run = person(&sandbox, HOOKKIT, &sandbox.project(), &["init"]).expect(0);
    assert!(run.stdout().contains("left as it is"), "{}", run.stdout());
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "# mine\n");
}

#[test]
fn a_mode_for_this_project_is_recorded_in_the_users_file_and_used() {
    let sandbox = installed();
    let deep = sandbox.project().join("src/deep");
    let run = person(&sandbox, HOOKKIT, &deep, &["init", "--mode", "strict"]).expect(0);
    assert!(
        run.stdout().contains("mode strict for "),
        "{}",
        run.stdout()
    );
    assert!(!sandbox.project().join(".claude/hookkit.toml").exists());
    let status = person(&sandbox, HOOKKIT, &deep, &["status"]).expect(0);
    assert!(
        status.stdout().contains("mode strict"),
        "{}",
        status.stdout()
    );
    // Another project of the same user keeps the default.
    let other = sandbox.root().join("other");
    std::fs::create_dir_all(other.join(".git")).expect("another project");
    let run = person(&sandbox, HOOKKIT, &other, &["status"]);
    assert!(run.stdout().contains("mode guard"), "{}", run.stdout());
}

#[test]
fn a_mode_outside_any_project_needs_one_named() {
    let sandbox = Sandbox::new();
    let loose = sandbox.root().join("loose");
    std::fs::create_dir_all(&loose).expect("a loose directory");
    let run = person(&sandbox, HOOKKIT, &loose, &["init", "--mode", "auto"]).expect(1);
    assert!(run.stderr().contains("no project here"), "{}", run.stderr());
}
