//! Wiring hookkit into Claude Code: merging its hook handlers into a `settings.json` (or a
//! plugin's `hooks/hooks.json`) and taking them out again, installing the binaries
//! ([`setup`]), recording an opt-in mode in the user's own policy ([`optin`]), and telling a
//! person whether it all works ([`status`]).
//!
//! The merge keeps whatever the user already has: every key it does not own survives, running
//! it twice changes nothing, and removing takes out exactly the handlers that run one of our
//! binaries. Guard entries (the gate and the review hook) carry `onFailure: "block"`, so a
//! crash or a timeout of the hook blocks the call instead of letting it through.
//!
//! # How a hook is named
//!
//! Every command is a path Claude Code itself resolves, never a bare program name: a
//! project's settings `env` block reaches hooks, `PATH` included, so a name looked up in
//! `PATH` could be another program. Handlers use the exec form (`"args": []`, Claude Code
//! 2.1.139 and later), which starts the binary without a shell: Claude Code substitutes
//! `${CLAUDE_PROJECT_DIR}` and `${CLAUDE_PLUGIN_ROOT}` itself (with the real project, whatever
//! a settings `env` block says), and no shell start-up (`BASH_ENV`, `ENV`) or quoting is
//! involved.

pub mod ignore;
pub mod optin;
pub mod setup;
pub mod status;
pub mod template;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::{Error, Result};

/// The gate: PreToolUse, PermissionRequest and UserPromptSubmit.
pub const GATE: &str = "pretooluse-gate";
/// The PermissionDenied hook.
pub const LOGGER: &str = "permission-denied-logger";
/// The headless review hook.
pub const REVIEW: &str = "defer-for-review";
/// The linter (installed, not wired).
pub const LINT: &str = "rules-lint";
/// The command for people (installed, not wired).
pub const HOOKKIT: &str = "hookkit";

/// Every binary an install copies, the hooks first.
pub const BINARIES: [&str; 5] = [GATE, LOGGER, REVIEW, LINT, HOOKKIT];

/// Where the wired commands find the binaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryLocation {
    /// `${CLAUDE_PROJECT_DIR}/.claude/hooks/<bin>`: a project install, valid wherever the
    /// project is checked out.
    Project,
    /// An absolute directory, for a user install (`~/.claude/hooks`).
    Absolute(String),
    /// `${CLAUDE_PLUGIN_ROOT}/bin/<bin>`: a plugin's `hooks/hooks.json`.
    Plugin,
}

impl BinaryLocation {
    /// The `command` (exec form: the program itself) that runs `binary`.
    pub fn command(&self, binary: &str) -> String {
        match self {
            Self::Project => format!("${{CLAUDE_PROJECT_DIR}}/.claude/hooks/{binary}"),
            Self::Absolute(dir) => format!("{}/{binary}", dir.trim_end_matches('/')),
            Self::Plugin => format!("${{CLAUDE_PLUGIN_ROOT}}/bin/{binary}"),
        }
    }
}

/// Which hooks to wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Where the binaries live.
    pub location: BinaryLocation,
    /// Also wire `defer-for-review` on PreToolUse (headless review of sensitive calls).
    pub with_review: bool,
    /// Also wire `permission-denied-logger` on PermissionDenied.
    pub with_logger: bool,
}

/// One handler to wire: the event, its matcher (`None` for events without one) and the handler.
struct Entry {
    event: &'static str,
    matcher: Option<&'static str>,
    handler: Value,
}

impl Plan {
    /// The handlers this plan wires, in order.
    fn entries(&self) -> Vec<Entry> {
        let guard = |binary: &str, timeout: u64| {
            json!({
                "type": "command",
                "command": self.location.command(binary),
                "args": [],
                "timeout": timeout,
                "onFailure": "block",
            })
        };
        let mut entries = vec![Entry {
            event: "PreToolUse",
            matcher: Some("*"),
            handler: guard(GATE, 10),
        }];
        if self.with_review {
            entries.push(Entry {
                event: "PreToolUse",
                matcher: Some("*"),
                handler: guard(REVIEW, 30),
            });
        }
        entries.push(Entry {
            event: "PermissionRequest",
            matcher: Some("*"),
            handler: guard(GATE, 10),
        });
        entries.push(Entry {
            event: "UserPromptSubmit",
            matcher: None,
            handler: guard(GATE, 10),
        });
        if self.with_logger {
            entries.push(Entry {
                event: "PermissionDenied",
                matcher: Some("*"),
                handler: json!({
                    "type": "command",
                    "command": self.location.command(LOGGER),
                    "args": [],
                    "timeout": 10,
                }),
            });
        }
        entries
    }

    /// `settings` with this plan's handlers merged in. An existing handler of ours that runs
    /// the same binary under the same event and matcher (in any form an earlier release wrote)
    /// is replaced in place, so the result of a second run equals the first and an upgrade
    /// never wires a binary twice.
    pub fn install(&self, settings: &Value) -> Result<Value> {
        let mut settings = settings.clone();
        let root = settings
            .as_object_mut()
            .ok_or_else(|| shape("the settings file must hold a JSON object"))?;
        let hooks = root
            .entry("hooks")
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| shape("`hooks` must be an object"))?;
        for entry in self.entries() {
            let groups = hooks
                .entry(entry.event)
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
                .ok_or_else(|| shape(&format!("`hooks.{}` must be an array", entry.event)))?;
            merge_handler(groups, entry.matcher, entry.handler);
        }
        Ok(settings)
    }

    /// The plugin form: `{"description", "hooks"}` for `hooks/hooks.json`.
    pub fn plugin_hooks(&self) -> Value {
        let mut wired = self
            .install(&json!({}))
            .expect("an empty object always takes the wiring");
        json!({
            "description": "hookkit: policy gate on every tool call and prompt, audit of auto mode denials",
            "hooks": wired["hooks"].take(),
        })
    }
}

/// A settings file whose shape the wiring cannot merge into.
fn shape(message: &str) -> Error {
    Error::Other(format!("settings: {message}"))
}

/// Adds `handler` to the group with `matcher`, replacing a handler of ours for the same binary.
fn merge_handler(groups: &mut Vec<Value>, matcher: Option<&str>, handler: Value) {
    let wanted = matcher.unwrap_or("");
    let group = groups.iter_mut().find(|group| {
        group.get("hooks").is_some_and(Value::is_array)
            && group.get("matcher").and_then(Value::as_str).unwrap_or("") == wanted
    });
    let Some(group) = group else {
        let mut fresh = Map::new();
        if let Some(matcher) = matcher {
            fresh.insert("matcher".into(), Value::String(matcher.into()));
        }
        fresh.insert("hooks".into(), Value::Array(vec![handler]));
        groups.push(Value::Object(fresh));
        return;
    };
    let handlers = group["hooks"]
        .as_array_mut()
        .expect("checked to be an array above");
    let binary = binary_of(&handler);
    match handlers.iter_mut().find(|h| {
        h.get("command") == handler.get("command") || (binary.is_some() && binary_of(h) == binary)
    }) {
        Some(existing) => *existing = handler,
        None => handlers.push(handler),
    }
}

/// Which of our binaries a handler runs, if it runs one from a hookkit install (any location,
/// exec or shell form, as this and earlier releases wrote them).
pub fn binary_of(handler: &Value) -> Option<&'static str> {
    let command = handler.get("command").and_then(Value::as_str)?;
    let path = command.trim().trim_matches('"');
    BINARIES.into_iter().find(|binary| {
        path.ends_with(&format!("/.claude/hooks/{binary}"))
            || path.ends_with(&format!("/.claude/hooks\"/{binary}"))
            || path.ends_with(&format!("}}\"/bin/{binary}"))
            || path.ends_with(&format!("}}/bin/{binary}"))
    })
}

/// Whether a handler runs one of our binaries from a hookkit install.
pub fn is_ours(handler: &Value) -> bool {
    binary_of(handler).is_some()
}

/// `settings` without any of our handlers. Groups and events left empty are removed, and so
/// is `hooks` itself when nothing else remains in it; every other key is kept.
pub fn uninstall(settings: &Value) -> Value {
    let mut settings = settings.clone();
    let Some(root) = settings.as_object_mut() else {
        return settings;
    };
    let Some(hooks) = root.get_mut("hooks").and_then(Value::as_object_mut) else {
        return settings;
    };
    for groups in hooks.values_mut() {
        let Some(groups) = groups.as_array_mut() else {
            continue;
        };
        for group in groups.iter_mut() {
            if let Some(handlers) = group.get_mut("hooks").and_then(Value::as_array_mut) {
                handlers.retain(|h| !is_ours(h));
            }
        }
        groups.retain(|group| {
            group
                .get("hooks")
                .and_then(Value::as_array)
                .is_none_or(|handlers| !handlers.is_empty())
        });
    }
    hooks.retain(|_, groups| groups.as_array().is_none_or(|g| !g.is_empty()));
    if hooks.is_empty() {
        root.remove("hooks");
    }
    settings
}

/// What a file operation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file already held exactly this wiring.
    Unchanged,
    /// The file was written; the previous version, if any, was saved to the backup path.
    Written {
        /// Where the previous version was saved (`None` when there was no file).
        backup: Option<PathBuf>,
    },
    /// The backup was put back, as nothing but our wiring had changed since.
    Restored,
    /// The file was removed, as it held nothing but our wiring.
    Removed,
}

/// The backup path of a settings file: `<file>.hookkit-backup`.
pub fn backup_path(settings: &Path) -> PathBuf {
    let mut name = settings.as_os_str().to_owned();
    name.push(".hookkit-backup");
    PathBuf::from(name)
}

/// Reads a settings file; a missing or blank file is `None`.
fn read_settings(path: &Path) -> Result<Option<Value>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("reading settings file", path, e)),
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Error::Other(format!(
            "settings file `{}` is not valid JSON ({e}); fix it first, nothing was changed",
            path.display()
        ))
    })
}

/// Writes JSON (pretty, with a final newline) through a temporary file and a rename, so a
/// crash never leaves half a settings file.
fn write_settings(path: &Path, value: &Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Other(format!("serialising settings: {e}")))?;
    text.push('\n');
    setup::write_atomically(path, text.as_bytes())
}

/// Merges `plan` into the settings file at `path`, saving the previous version to
/// [`backup_path`] first. Running it again with the same plan changes nothing.
pub fn install_file(path: &Path, plan: &Plan) -> Result<Change> {
    let existing = read_settings(path)?;
    let current = existing.clone().unwrap_or_else(|| json!({}));
    let wired = plan.install(&current)?;
    if existing.is_some() && wired == current {
        return Ok(Change::Unchanged);
    }
    let backup = if existing.is_some() {
        let backup = backup_path(path);
        std::fs::copy(path, &backup)
            .map_err(|e| Error::io("backing up settings file", &backup, e))?;
        Some(backup)
    } else {
        None
    };
    write_settings(path, &wired)?;
    Ok(Change::Written { backup })
}

/// Takes our wiring out of the settings file at `path`. When the backup equals the file minus
/// our wiring, the backup is put back byte for byte; when nothing else is left, the file is
/// removed; otherwise only our handlers are removed.
pub fn uninstall_file(path: &Path) -> Result<Change> {
    let Some(current) = read_settings(path)? else {
        return Ok(Change::Unchanged);
    };
    let stripped = uninstall(&current);
    let backup = backup_path(path);
    if let Ok(Some(saved)) = read_settings(&backup)
        && saved == stripped
    {
        std::fs::rename(&backup, path)
            .map_err(|e| Error::io("restoring settings backup", &backup, e))?;
        return Ok(Change::Restored);
    }
    if stripped == json!({}) && !backup.exists() {
        std::fs::remove_file(path).map_err(|e| Error::io("removing settings file", path, e))?;
        return Ok(Change::Removed);
    }
    if stripped == current {
        return Ok(Change::Unchanged);
    }
    write_settings(path, &stripped)?;
    Ok(Change::Written { backup: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_plan() -> Plan {
        Plan {
            location: BinaryLocation::Project,
            with_review: false,
            with_logger: true,
        }
    }

    #[test]
    fn keeps_every_user_key_and_handler() {
        let user = json!({
            "model": "opus",
            "permissions": {"allow": ["Bash(git status)"]},
            "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "my-guard"}]}]}
        });
        let wired = project_plan().install(&user).unwrap();
        assert_eq!(wired["model"], "opus");
        assert_eq!(wired["permissions"], user["permissions"]);
        assert_eq!(
            wired["hooks"]["PreToolUse"][0],
            user["hooks"]["PreToolUse"][0]
        );
        assert_eq!(
            wired["hooks"]["PreToolUse"][1]["hooks"][0]["command"],
            "${CLAUDE_PROJECT_DIR}/.claude/hooks/pretooluse-gate"
        );
        assert_eq!(
            wired["hooks"]["PreToolUse"][1]["hooks"][0]["args"],
            json!([])
        );
        assert_eq!(
            wired["hooks"]["PreToolUse"][1]["hooks"][0]["onFailure"],
            "block"
        );
        assert!(
            wired["hooks"]["UserPromptSubmit"][0]
                .get("matcher")
                .is_none()
        );
    }

    #[test]
    fn installing_twice_changes_nothing() {
        let once = project_plan().install(&json!({"env": {"A": "1"}})).unwrap();
        let twice = project_plan().install(&once).unwrap();
        assert_eq!(once, twice);
    }

    #[test]
    fn an_upgrade_replaces_the_shell_form_of_an_earlier_release() {
        let earlier = json!({"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
            {"type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/pretooluse-gate", "timeout": 10},
            {"type": "command", "command": "./mine.sh"}
        ]}]}});
        let wired = project_plan().install(&earlier).unwrap();
        let handlers = wired["hooks"]["PreToolUse"][0]["hooks"].as_array().unwrap();
        assert_eq!(handlers.len(), 2, "{wired:#}");
        assert_eq!(
            handlers[0]["command"],
            "${CLAUDE_PROJECT_DIR}/.claude/hooks/pretooluse-gate"
        );
        assert_eq!(handlers[1]["command"], "./mine.sh");
    }

    #[test]
    fn uninstall_removes_exactly_ours() {
        let user = json!({
            "env": {"A": "1"},
            "hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "my-guard"}]}]}
        });
        let plan = Plan {
            with_review: true,
            ..project_plan()
        };
        let wired = plan.install(&user).unwrap();
        assert_eq!(
            wired["hooks"]["PreToolUse"][0]["hooks"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert_eq!(uninstall(&wired), user);
        assert_eq!(
            uninstall(&project_plan().install(&json!({})).unwrap()),
            json!({})
        );
    }

    #[test]
    fn user_and_plugin_locations_are_recognised_as_ours() {
        for location in [
            BinaryLocation::Absolute("/home/me/.claude/hooks".into()),
            BinaryLocation::Plugin,
            BinaryLocation::Project,
        ] {
            for binary in BINARIES {
                let handler = json!({"command": location.command(binary)});
                assert!(is_ours(&handler), "{handler}");
            }
        }
        assert!(!is_ours(&json!({"command": "pretooluse-gate"})));
        assert!(!is_ours(&json!({"command": "/usr/bin/my-gate"})));
    }

    #[test]
    fn file_round_trip_restores_the_users_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let original = "{ \"model\":   \"opus\" }\n";
        std::fs::write(&path, original).unwrap();
        let plan = project_plan();
        assert!(matches!(
            install_file(&path, &plan).unwrap(),
            Change::Written { backup: Some(_) }
        ));
        let after_first = std::fs::read(&path).unwrap();
        assert_eq!(install_file(&path, &plan).unwrap(), Change::Unchanged);
        assert_eq!(std::fs::read(&path).unwrap(), after_first);
        assert_eq!(
            std::fs::read_to_string(backup_path(&path)).unwrap(),
            original
        );
        assert_eq!(uninstall_file(&path).unwrap(), Change::Restored);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
        assert!(!backup_path(&path).exists());
    }

    #[test]
    fn file_edited_after_install_keeps_the_edit_on_uninstall() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{}").unwrap();
        install_file(&path, &project_plan()).unwrap();
        let mut edited: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        edited["env"] = json!({"B": "2"});
        std::fs::write(&path, edited.to_string()).unwrap();
        assert_eq!(
            uninstall_file(&path).unwrap(),
            Change::Written { backup: None }
        );
        let left: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(left, json!({"env": {"B": "2"}}));
    }

    #[test]
    fn a_file_we_created_is_removed_on_uninstall() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude/settings.json");
        assert_eq!(
            install_file(&path, &project_plan()).unwrap(),
            Change::Written { backup: None }
        );
        assert_eq!(uninstall_file(&path).unwrap(), Change::Removed);
        assert!(!path.exists());
    }

    #[test]
    fn invalid_json_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{ not json").unwrap();
        let error = install_file(&path, &project_plan())
            .unwrap_err()
            .to_string();
        assert!(error.contains("not valid JSON"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
        assert!(!backup_path(&path).exists());
    }

    #[test]
    fn refuses_settings_that_are_not_objects() {
        assert!(project_plan().install(&json!([])).is_err());
        assert!(
            project_plan()
                .install(&json!({"hooks": {"PreToolUse": {}}}))
                .is_err()
        );
    }
}
