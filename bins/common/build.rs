//! Records the git commit the binaries are built from, for `--version`.
//!
//! `HOOKKIT_GIT_COMMIT` in the build's environment wins (scripts/build-release.sh sets it, and a
//! build from a source archive without `.git` can set it by hand); otherwise `git` is asked, and
//! without either the version line says `unknown commit`. Cargo reruns this only when HEAD or a
//! branch moves, so a plain `cargo build` stays incremental.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn main() {
    println!("cargo:rerun-if-env-changed=HOOKKIT_GIT_COMMIT");
    let commit = std::env::var("HOOKKIT_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| {
            // Rerun when HEAD or any ref moves; both paths come from git itself, so worktrees
            // (whose `.git` is a file) work too.
            for (flag, file) in [("--git-dir", "HEAD"), ("--git-common-dir", "refs/heads")] {
                if let Some(dir) = git(&["rev-parse", flag]) {
                    println!("cargo:rerun-if-changed={dir}/{file}");
                }
            }
            if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
                println!("cargo:rerun-if-changed={common}/packed-refs");
            }
            git(&["rev-parse", "--short=12", "HEAD"])
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=HOOKKIT_GIT_COMMIT={commit}");
}
