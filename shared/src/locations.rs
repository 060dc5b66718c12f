//! Where hookkit keeps its files: the one owner of every path hookkit reads or writes.
//!
//! Every binary resolves its paths here ([`Locations::resolve`]); the file names inside the state
//! and key directories are constants of the modules that write them, listed below.
//! The agent's own tools may write none of these: each is in the protected set
//! ([`crate::protect`]), most refused outright, and the key material refused for reading too.
//! Code the agent gets run (a test suite, a build script) runs as the user and is not stopped
//! by hookkit; that limit is stated wherever it matters (`docs/review.md`, `hookkit log verify`).
//!
//! # Every path
//!
//! `<project>` is the project root, `<state>` the state directory and `<keys>` the key
//! directory below.
//!
//! | what | where | chosen by | written by |
//! |---|---|---|---|
//! | user policy | `~/.claude/hookkit.toml`, with `[project."/abs/path"]` sections | fixed | the user; `hookkit init` (opt-ins), `install --mode`, `review keygen` (`trusted_keys`) |
//! | project policy | `<project>/.claude/hookkit.toml` | fixed | whoever controls the repository: it can only tighten |
//! | Claude Code settings | `<project>/.claude/settings.local.json` (default), `settings.json` (`--shared`), `~/.claude/settings.json` (`--user`) | install target | the user; `hookkit install`, `uninstall`, `status --fix` (backup: `<file>.hookkit-backup`) |
//! | hook binaries | `<project>/.claude/hooks/`, `~/.claude/hooks/`, the plugin's `bin/` | install target | `hookkit install` (copy, then rename over) |
//! | git exclusions | `<project>/.git/info/exclude` (default), `<project>/.claude/.gitignore` (`--shared`) | install target | `hookkit install`, `uninstall` (a marked block) |
//! | audit log | `<project>/.claude/logs/hookkit-audit.jsonl`, rotated `<log>.1`, `<log>.2`, ... | `--log`, `[audit] log` (user file), `HOOKKIT_AUDIT_LOG` (person) | every binary, append only, through [`crate::audit`]: no link followed, only a regular file with one link owned by the user |
//! | review queue | `<project>/.claude/reviews/<id>.json`, `.locks/<hash of the session>.lock` | `--queue`, `[review] queue_dir` (user file), `HOOKKIT_REVIEW_DIR` (person) | `defer-for-review` (new items), the reviewer's commands and the review service (signed decisions) |
//! | state | `~/.local/state/hookkit/` (`<project>/.claude/hookkit-state/` without a home) | `HOOKKIT_STATE_DIR` (person) | see below |
//! | denial streaks | `<state>/streaks/` | | the gate, one file per session, under a lock |
//! | audit key | `<state>/audit.key` (`0600`) | | the first audit append, once (never rewritten) |
//! | audit checkpoints | `<state>/audit-heads/<SHA-256 of the log's path>` | | every audit append, under the log's lock |
//! | used approvals | `<state>/review-used/<SHA-256 of the signature>` | | `defer-for-review` on resume, created once (`O_EXCL`) |
//! | install records | `<state>/installs/<hash of the .claude directory>.json` | | `hookkit install`, `uninstall` |
//! | keys | `~/.config/hookkit/` (none without a home) | fixed | see below |
//! | reviewer's signing key | `<keys>/reviewer.key` (`0600`, passphrase-encrypted by default) | `--key` | `hookkit review keygen` |
//! | review service's signing key | `<keys>/service.key` | `--key` | `hookkit review keygen --service` |
//! | review page logins | `<keys>/reviewers` (`0600`, salted hashes only) | fixed | `hookkit review reviewer add`, `remove` |
//!
//! The names inside the state and key directories: [`crate::audit::KEY_FILE`],
//! [`crate::audit::HEADS_DIR`], [`crate::review::decision::USED_DIR`],
//! [`crate::wiring::setup::RECORDS`], [`Locations::streak_dir`],
//! [`crate::review::keys::REVIEWER_KEY`], [`crate::review::keys::SERVICE_KEY`] and
//! [`crate::review::service::auth::REVIEWERS_FILE`].
//!
//! Locations named by the environment count only for a person at a terminal (see
//! [`crate::env`]); a hook takes them from flags on its command line (the wiring) and the
//! user's own file, because a committed settings `env` block reaches every hook and could aim
//! the audit trail at a start-up file or give the review queue a fresh, empty copy. Location
//! keys of a policy are read from trusted layers only. XDG variables are not read, for the
//! same reason.

use std::path::{Path, PathBuf};

use crate::config::Effective;
use crate::env::{Env, Role};

/// The policy file's name, in `~/.claude/` and `<project>/.claude/`.
pub const POLICY_FILE: &str = "hookkit.toml";
/// The audit log under the project, by default.
pub const AUDIT_LOG: &str = ".claude/logs/hookkit-audit.jsonl";
/// The review queue under the project, by default.
pub const REVIEW_QUEUE: &str = ".claude/reviews";
/// The installed hook binaries under a `.claude` directory.
pub const HOOKS_DIR: &str = ".claude/hooks";
/// The state directory under the project, where no home is known.
pub const PROJECT_STATE: &str = ".claude/hookkit-state";
/// hookkit's state under the home.
pub const USER_STATE: &str = ".local/state/hookkit";
/// hookkit's key material under the home.
pub const USER_KEYS: &str = ".config/hookkit";
/// The rotation size of the audit log when the policy sets none: 10 MiB.
pub const DEFAULT_AUDIT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Locations given on the command line, which win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--log FILE`.
    pub log: Option<PathBuf>,
    /// `--queue DIR`.
    pub queue: Option<PathBuf>,
}

/// Every location of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locations {
    /// The project root.
    pub project_dir: PathBuf,
    /// The user's home, if known.
    pub home: Option<PathBuf>,
    /// The current audit log.
    pub audit_log: PathBuf,
    /// Rotate the audit log past this size.
    pub audit_max_bytes: u64,
    /// The review queue directory.
    pub queue_dir: PathBuf,
    /// hookkit's state: denial streaks, audit checkpoints, used approvals.
    pub state_dir: PathBuf,
    /// hookkit's key material, if a home is known.
    pub key_dir: Option<PathBuf>,
}

impl Locations {
    /// Resolves every location for `project_dir`. `effective` is the merged policy, whose
    /// location keys come from trusted layers only.
    pub fn resolve(
        env: &Env,
        role: Role,
        project_dir: &Path,
        effective: &Effective,
        flags: &Flags,
    ) -> Self {
        let from_policy = |section: &str, key: &str| {
            effective
                .value(section, key)
                .and_then(toml::Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(|s| under(project_dir, env.home.as_deref(), s))
        };
        let audit_log = flags
            .log
            .clone()
            .or_else(|| env.audit_log_for(role))
            .or_else(|| from_policy("audit", "log"))
            .unwrap_or_else(|| project_dir.join(AUDIT_LOG));
        let audit_max_bytes = effective
            .value("audit", "max_bytes")
            .and_then(toml::Value::as_integer)
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_AUDIT_MAX_BYTES);
        let queue_dir = flags
            .queue
            .clone()
            .or_else(|| env.review_dir_for(role))
            .or_else(|| from_policy("review", "queue_dir"))
            .unwrap_or_else(|| project_dir.join(REVIEW_QUEUE));
        let state_dir = env
            .state_dir_for(role)
            .or_else(|| env.home.as_ref().map(|h| h.join(USER_STATE)))
            .unwrap_or_else(|| project_dir.join(PROJECT_STATE));
        Self {
            project_dir: project_dir.to_path_buf(),
            home: env.home.clone(),
            audit_log,
            audit_max_bytes,
            queue_dir,
            state_dir,
            key_dir: env.home.as_ref().map(|h| h.join(USER_KEYS)),
        }
    }

    /// The locations of a project with no policy and no environment: every default.
    pub fn defaults(project_dir: &Path, home: Option<&Path>) -> Self {
        let env = Env {
            home: home.map(Path::to_path_buf),
            ..Env::default()
        };
        Self::resolve(
            &env,
            Role::Hook,
            project_dir,
            &Effective::default(),
            &Flags::default(),
        )
    }

    /// The directory of the denial streaks.
    pub fn streak_dir(&self) -> PathBuf {
        self.state_dir.join("streaks")
    }
}

/// The project a person means: `flag` (`--project-dir`, which must exist), else
/// `CLAUDE_PROJECT_DIR`, else the nearest directory from the working directory up that has a
/// `.claude/` directory or is a git root (`.git`), as git and cargo find theirs; the search
/// stops below the home directory, whose `.claude/` is the user's, never a project's. Without
/// any, the working directory.
pub fn find_project(env: &Env, flag: Option<&Path>) -> crate::Result<PathBuf> {
    let cwd = env.cwd.clone().unwrap_or_else(|| PathBuf::from("."));
    if let Some(flag) = flag {
        let dir = cwd.join(flag);
        if !dir.is_dir() {
            return Err(crate::Error::Other(format!(
                "the project directory `{}` does not exist",
                flag.display()
            )));
        }
        return Ok(dir);
    }
    if let Some(dir) = &env.project_dir {
        return Ok(dir.clone());
    }
    let home = env.home.as_deref();
    for dir in cwd.ancestors() {
        if Some(dir) == home {
            break;
        }
        if dir.join(".claude").is_dir() || dir.join(".git").exists() {
            return Ok(dir.to_path_buf());
        }
    }
    Ok(cwd)
}

/// `path` as written in a policy: `~/x` under the home, relative paths under the project.
fn under(project_dir: &Path, home: Option<&Path>, path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => project_dir.join(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_live_in_the_project_and_the_home() {
        let l = Locations::defaults(Path::new("/p"), Some(Path::new("/home/u")));
        assert_eq!(
            l.audit_log,
            PathBuf::from("/p/.claude/logs/hookkit-audit.jsonl")
        );
        assert_eq!(l.queue_dir, PathBuf::from("/p/.claude/reviews"));
        assert_eq!(l.state_dir, PathBuf::from("/home/u/.local/state/hookkit"));
        assert_eq!(l.key_dir, Some(PathBuf::from("/home/u/.config/hookkit")));
        let homeless = Locations::defaults(Path::new("/p"), None);
        assert_eq!(
            homeless.state_dir,
            PathBuf::from("/p/.claude/hookkit-state")
        );
    }

    #[test]
    fn a_person_in_a_subdirectory_finds_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let project = home.join("code/app");
        std::fs::create_dir_all(project.join(".claude")).unwrap();
        std::fs::create_dir_all(project.join("src/deep")).unwrap();
        std::fs::create_dir_all(home.join(".claude")).unwrap();
        let env = |cwd: &Path| Env {
            home: Some(home.clone()),
            cwd: Some(cwd.to_path_buf()),
            ..Env::default()
        };
        assert_eq!(
            find_project(&env(&project.join("src/deep")), None).unwrap(),
            project
        );
        // Home's `.claude/` is the user's: a directory under home without a project is its own.
        let loose = home.join("notes");
        std::fs::create_dir_all(&loose).unwrap();
        assert_eq!(find_project(&env(&loose), None).unwrap(), loose);
        assert!(find_project(&env(&project), Some(Path::new("/nonexistent"))).is_err());
    }

    #[test]
    fn the_environment_chooses_locations_for_a_person_only() {
        let env = Env {
            audit_log: Some("/elsewhere/log".into()),
            ..Env::default()
        };
        let for_role = |role| {
            Locations::resolve(
                &env,
                role,
                Path::new("/p"),
                &Effective::default(),
                &Flags::default(),
            )
            .audit_log
        };
        assert_eq!(for_role(Role::Person), PathBuf::from("/elsewhere/log"));
        assert_eq!(
            for_role(Role::Hook),
            PathBuf::from("/p/.claude/logs/hookkit-audit.jsonl")
        );
    }
}
