//! A private home and project for the targets that reach code which reads policy files or
//! writes state: whatever a fuzzed input names as its cwd, nothing outside this directory is
//! read or written.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The sandbox's project directory, created (with the environment pointed at it) on first use.
pub fn project() -> &'static PathBuf {
    static PROJECT: OnceLock<PathBuf> = OnceLock::new();
    PROJECT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("hookkit-fuzz-{}", std::process::id()));
        let home = root.join("home");
        let project = root.join("project");
        for dir in [&home, &project, &root.join("state"), &root.join("reviews")] {
            std::fs::create_dir_all(dir).expect("creating the fuzz sandbox");
        }
        // SAFETY: runs once, from the fuzzing thread, before any code under test reads the
        // environment; libFuzzer runs targets on a single thread.
        unsafe {
            std::env::set_var(hookkit::env::HOME, &home);
            std::env::set_var(hookkit::env::PROJECT_DIR, &project);
            std::env::set_var(hookkit::env::STATE_DIR, root.join("state"));
            std::env::set_var(hookkit::env::REVIEW_DIR, root.join("reviews"));
            std::env::set_var(hookkit::env::AUDIT_LOG, root.join("audit.jsonl"));
            std::env::remove_var(hookkit::env::POLICY);
        }
        project
    })
}
