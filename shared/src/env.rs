//! The process environment, read once at a binary's entry point into one [`Env`] value that
//! the library receives.
//!
//! Nothing else in the library reads environment variables: a hook's environment is part of
//! the attack surface (a committed `.claude/settings.json` can set an `env` block that every
//! hook inherits), so what each variable may change is decided in one place, by [`Role`]:
//!
//! - In [`Role::Hook`] (a binary answering Claude Code on stdin), `HOOKKIT_*` variables may
//!   only tighten: `HOOKKIT_POLICY` adds a layer with the trust of a project file, and the
//!   location variables (`HOOKKIT_AUDIT_LOG`, `HOOKKIT_STATE_DIR`, `HOOKKIT_REVIEW_DIR`) are
//!   ignored, because a location chosen by the repository could aim the audit trail at a
//!   start-up file or give the review store a fresh, empty copy.
//! - In [`Role::Person`] (a person running a subcommand in a terminal), they mean what they
//!   say: the person typed them.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The project root, set by Claude Code for every hook.
pub const PROJECT_DIR: &str = "CLAUDE_PROJECT_DIR";
/// The plugin's root, set by Claude Code for a plugin's hooks.
pub const PLUGIN_ROOT: &str = "CLAUDE_PLUGIN_ROOT";
/// How Claude Code was started; `sdk-cli` in every observed `claude -p` run.
pub const ENTRYPOINT: &str = "CLAUDE_CODE_ENTRYPOINT";
/// `0` in every observed `claude -p` run: nobody is at a prompt.
pub const SESSION_ATTENDED: &str = "CLAUDE_CODE_SESSION_ATTENDED";
/// An explicit policy file.
pub const POLICY: &str = "HOOKKIT_POLICY";
/// An explicit audit log path (person role only).
pub const AUDIT_LOG: &str = "HOOKKIT_AUDIT_LOG";
/// Where hookkit keeps its state (person role only).
pub const STATE_DIR: &str = "HOOKKIT_STATE_DIR";
/// The review queue directory of `defer-for-review` (person role only).
pub const REVIEW_DIR: &str = "HOOKKIT_REVIEW_DIR";
/// The passphrase of a secret key file (person role only).
pub const PASSPHRASE: &str = "HOOKKIT_PASSPHRASE";
/// The user's home directory.
pub const HOME: &str = "HOME";
/// The user's login name.
pub const USER: &str = "USER";
/// The user's login name, where `USER` is not set.
pub const LOGNAME: &str = "LOGNAME";
/// Disables colour in human-facing output when set to a non-empty value.
pub const NO_COLOR: &str = "NO_COLOR";
/// Where programs are looked up.
pub const PATH: &str = "PATH";

/// Who is running a binary, which decides what the environment may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Answering Claude Code on stdin: the environment may have been set by the repository.
    #[default]
    Hook,
    /// A person at a terminal running a subcommand.
    Person,
}

/// The environment variables hookkit reads, captured once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `USER`, else `LOGNAME`.
    pub user: Option<String>,
    /// `CLAUDE_PROJECT_DIR`.
    pub project_dir: Option<PathBuf>,
    /// `CLAUDE_PLUGIN_ROOT`.
    pub plugin_root: Option<PathBuf>,
    /// `CLAUDE_CODE_ENTRYPOINT`.
    pub entrypoint: Option<String>,
    /// `CLAUDE_CODE_SESSION_ATTENDED`.
    pub session_attended: Option<String>,
    /// `HOOKKIT_POLICY`.
    pub policy: Option<PathBuf>,
    /// `HOOKKIT_AUDIT_LOG`.
    pub audit_log: Option<PathBuf>,
    /// `HOOKKIT_STATE_DIR`.
    pub state_dir: Option<PathBuf>,
    /// `HOOKKIT_REVIEW_DIR`.
    pub review_dir: Option<PathBuf>,
    /// `HOOKKIT_PASSPHRASE`.
    pub passphrase: Option<crate::crypto::Secret>,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// `PATH`.
    pub path: Option<OsString>,
    /// The process's working directory, if it can be read.
    pub cwd: Option<PathBuf>,
    /// The running binary, if it can be found (its directory holds hookkit's other binaries).
    pub exe: Option<PathBuf>,
}

impl Env {
    /// Reads the variables hookkit uses, the working directory and the running binary's path.
    /// Call it once, in `main`.
    pub fn capture() -> Self {
        let text = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.trim().is_empty())
        };
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        };
        Self {
            home: path(HOME),
            user: text(USER).or_else(|| text(LOGNAME)),
            project_dir: path(PROJECT_DIR),
            plugin_root: path(PLUGIN_ROOT),
            entrypoint: text(ENTRYPOINT),
            session_attended: text(SESSION_ATTENDED),
            policy: path(POLICY),
            audit_log: path(AUDIT_LOG),
            state_dir: path(STATE_DIR),
            review_dir: path(REVIEW_DIR),
            passphrase: std::env::var(PASSPHRASE)
                .ok()
                .filter(|value| !value.is_empty())
                .map(crate::crypto::Secret::new),
            no_color: std::env::var_os(NO_COLOR).is_some_and(|v| !v.is_empty()),
            path: std::env::var_os(PATH),
            cwd: std::env::current_dir().ok(),
            exe: std::env::current_exe().ok(),
        }
    }

    /// The project root for a session running in `cwd`: `CLAUDE_PROJECT_DIR` when Claude Code
    /// set it, else `cwd`.
    pub fn project_dir_for(&self, cwd: &Path) -> PathBuf {
        self.project_dir
            .clone()
            .unwrap_or_else(|| cwd.to_path_buf())
    }

    /// Whether the environment says the run is headless (`claude -p`): `CLAUDE_CODE_ENTRYPOINT`
    /// starts with `sdk` or `CLAUDE_CODE_SESSION_ATTENDED=0`, as in every observed `-p` run.
    pub fn looks_headless(&self) -> bool {
        self.entrypoint
            .as_deref()
            .is_some_and(|e| e.starts_with("sdk"))
            || self.session_attended.as_deref().map(str::trim) == Some("0")
    }

    /// The explicit policy file the environment names, which in [`Role::Hook`] can only add
    /// restrictions (see the module docs).
    pub fn policy_file(&self) -> Option<&Path> {
        self.policy.as_deref()
    }

    /// The user's name: `USER`, else `LOGNAME`, else the name the system's user database gives
    /// the process's user id (read only when asked: hooks rarely need it).
    pub fn user_name(&self) -> Option<String> {
        self.user
            .clone()
            .or_else(|| name_of_uid(rustix::process::getuid().as_raw()))
    }

    /// `HOOKKIT_AUDIT_LOG`, for a person only.
    pub fn audit_log_for(&self, role: Role) -> Option<PathBuf> {
        person_only(role, self.audit_log.as_ref())
    }

    /// `HOOKKIT_STATE_DIR`, for a person only.
    pub fn state_dir_for(&self, role: Role) -> Option<PathBuf> {
        person_only(role, self.state_dir.as_ref())
    }

    /// `HOOKKIT_PASSPHRASE`, for a person only: a hook never unlocks a key.
    pub fn passphrase_for(&self, role: Role) -> Option<crate::crypto::Secret> {
        person_only(role, self.passphrase.as_ref())
    }

    /// `HOOKKIT_REVIEW_DIR`, for a person only.
    pub fn review_dir_for(&self, role: Role) -> Option<PathBuf> {
        person_only(role, self.review_dir.as_ref())
    }
}

/// The login name of `uid` in `/etc/passwd`, if it is listed there.
fn name_of_uid(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd_name(&passwd, uid)
}

fn passwd_name(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_owned())
    })
}

/// A variable honoured only for [`Role::Person`].
fn person_only<T: Clone>(role: Role, value: Option<&T>) -> Option<T> {
    match role {
        Role::Person => value.cloned(),
        Role::Hook => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_variables_are_ignored_in_hook_mode() {
        let env = Env {
            audit_log: Some("/home/u/.bashrc".into()),
            state_dir: Some("/tmp/fresh".into()),
            review_dir: Some("/tmp/q".into()),
            ..Env::default()
        };
        assert_eq!(env.audit_log_for(Role::Hook), None);
        assert_eq!(env.state_dir_for(Role::Hook), None);
        assert_eq!(env.review_dir_for(Role::Hook), None);
        assert_eq!(
            env.audit_log_for(Role::Person),
            Some(PathBuf::from("/home/u/.bashrc"))
        );
    }

    #[test]
    fn the_user_name_falls_back_to_the_user_database() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n";
        assert_eq!(passwd_name(passwd, 1000).as_deref(), Some("alice"));
        assert_eq!(passwd_name(passwd, 7), None);
        let env = Env {
            user: Some("bob".into()),
            ..Env::default()
        };
        assert_eq!(env.user_name().as_deref(), Some("bob"));
        assert!(
            Env::default().user_name().is_some(),
            "the test's own user is listed"
        );
    }

    #[test]
    fn headless_is_guessed_from_claude_codes_variables() {
        let mut env = Env::default();
        assert!(!env.looks_headless());
        env.entrypoint = Some("sdk-cli".into());
        assert!(env.looks_headless());
        env.entrypoint = Some("cli".into());
        env.session_attended = Some("0".into());
        assert!(env.looks_headless());
    }
}
