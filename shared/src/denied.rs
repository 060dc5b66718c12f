//! The PermissionDenied hook behind `permission-denied-logger`: record the auto-mode
//! classifier's denial in the audit trail, and tell the model whether it may retry another way.
//!
//! The denial itself stands whatever the hook answers (Claude Code only adds a note for the
//! model), so this hook never blocks: an audit log that cannot be written, or a policy file that
//! does not load, is reported on stderr and the answer still goes out with exit 0.
//!
//! Retry is policy (`[permission_denied]`): `retry` is the default, and the first
//! `[[permission_denied.override]]` whose conditions all hold decides instead:
//!
//! - `tool`: the tool name, exactly, or a prefix ending in `*` (`mcp__github__*`);
//! - `command_prefix`: Bash only; some simple command of the line, wrappers such as `sudo` or
//!   `env` removed, starts with these words (`git push` matches `sudo git push -f origin`);
//! - `rule`: a class id of the built-in classifier's findings for the call (`git.push`), or a
//!   prefix ending in `*`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

use crate::audit::{Record, Trail};
use crate::classify::{self, Context};
use crate::config::{Discovery, Effective, Layer};
use crate::env::{Env, Role};
use crate::locations::{Flags, Locations};
use crate::protocol::{Event, HookInput, Reply, ToolCall, ToolView};
use crate::{Outcome, Result, shell};

/// The binary's name, as recorded in the trail and prefixed to messages.
pub const BINARY: &str = "permission-denied-logger";
/// The `rule_id` recorded for a classifier denial.
pub const RULE_ID: &str = "auto-mode";
/// The `rule_source` recorded for a classifier denial.
pub const RULE_SOURCE: &str = "auto-mode classifier";

/// The `[permission_denied]` section.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Settings {
    /// Whether to answer retry when no override applies (default `true`).
    pub retry: Option<bool>,
    /// Exceptions, first match wins.
    #[serde(default, rename = "override")]
    pub overrides: Vec<Override>,
}

/// One `[[permission_denied.override]]`: when every condition given holds, `retry` decides.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The tool name, or a prefix ending in `*`.
    pub tool: Option<String>,
    /// Bash: the leading words of some simple command, wrappers removed.
    pub command_prefix: Option<String>,
    /// A classifier class id, or a prefix ending in `*`.
    pub rule: Option<String>,
    /// The answer when this override applies.
    pub retry: bool,
}

impl Settings {
    /// Whether the model may retry after `call` was denied.
    pub fn retry_for(&self, call: &ToolCall, ctx: &Context) -> bool {
        let mut classes: Option<Vec<String>> = None;
        for rule in &self.overrides {
            let tool_ok = rule
                .tool
                .as_deref()
                .is_none_or(|t| pattern_matches(t, &call.name));
            let command_ok = rule
                .command_prefix
                .as_deref()
                .is_none_or(|prefix| command_starts_with(call, prefix));
            let rule_ok = rule.rule.as_deref().is_none_or(|wanted| {
                classes
                    .get_or_insert_with(|| finding_classes(call, ctx))
                    .iter()
                    .any(|class| pattern_matches(wanted, class))
            });
            if tool_ok && command_ok && rule_ok {
                return rule.retry;
            }
        }
        self.retry.unwrap_or(true)
    }
}

/// `pattern` equals `value`, or ends in `*` and `value` starts with the rest.
fn pattern_matches(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

/// Whether some simple command of a Bash call, wrappers removed, starts with the words of
/// `prefix`. A command line that does not parse matches nothing.
fn command_starts_with(call: &ToolCall, prefix: &str) -> bool {
    let Ok(ToolView::Bash(bash)) = call.view() else {
        return false;
    };
    let wanted: Vec<&str> = prefix.split_whitespace().collect();
    if wanted.is_empty() {
        return true;
    }
    shell::parse(&bash.command).is_ok_and(|commands| {
        commands.iter().any(|c| {
            c.effective.len() >= wanted.len()
                && c.effective
                    .iter()
                    .zip(&wanted)
                    .all(|(word, want)| word == want)
        })
    })
}

fn finding_classes(call: &ToolCall, ctx: &Context) -> Vec<String> {
    classify::assess(call, ctx)
        .map(|a| a.findings.into_iter().map(|f| f.class).collect())
        .unwrap_or_default()
}

/// What a run works with: the environment, read once in `main`, and the command line's flags.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The environment.
    pub env: Env,
    /// `--log`.
    pub log: Option<PathBuf>,
    /// `--policy`.
    pub policy: Option<PathBuf>,
}

/// Handles one hook input: `PermissionDenied` is recorded and answered with retry per
/// policy; any other event gets no opinion.
pub fn handle(input: &HookInput, options: &Options) -> Result<Outcome> {
    let started = Instant::now();
    let Event::PermissionDenied { call, reason, .. } = &input.event else {
        return Ok(Outcome::Reply(Reply::no_opinion()));
    };
    let project_dir = options.env.project_dir_for(&input.common.cwd);
    let layers = load_layers(options, &project_dir);
    let effective = Effective::of(&layers).unwrap_or_else(|e| {
        warn(&format!("{e}; using the built-in policy"));
        Effective::default()
    });
    let settings: Settings = effective.section("permission_denied").unwrap_or_else(|e| {
        warn(&format!("{e}; using retry = true"));
        Settings::default()
    });
    let ctx = Context {
        cwd: input.common.cwd.clone(),
        project_dir: project_dir.clone(),
        home: options.env.home.clone(),
        allowed_hosts: Vec::new(),
    };
    let retry = settings.retry_for(call, &ctx);

    let mut record = Record::from_input(BINARY, input);
    record.decision = "denied".into();
    record.reason = Some(reason.clone());
    record.rule_id = Some(RULE_ID.into());
    record.rule_source = Some(RULE_SOURCE.into());
    record.latency = started.elapsed();
    let flags = Flags {
        log: options.log.clone(),
        queue: None,
    };
    let trail = Trail::of(&Locations::resolve(
        &options.env,
        Role::Hook,
        &project_dir,
        &effective,
        &flags,
    ));
    trail.append_or_warn(BINARY, &record);
    Ok(Outcome::Reply(Reply::permission_denied_retry(
        &input.event_name,
        retry,
    )))
}

/// The policy layers that load; a broken file is skipped with a warning, because this hook
/// must answer whatever happens.
fn load_layers(options: &Options, project_dir: &Path) -> Vec<Layer> {
    let discovery = Discovery::new(
        &options.env,
        Role::Hook,
        options.policy.clone(),
        project_dir.to_path_buf(),
    );
    let (layers, errors) = discovery.load_lenient();
    for error in errors {
        warn(&format!("{error}; skipping that file"));
    }
    layers
}

fn warn(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{BINARY}: {message}");
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config;

    fn settings(toml: &str) -> Settings {
        let layer = Layer::parse(config::LayerSource::BuiltIn, toml.to_owned()).unwrap();
        Effective::of(&[layer])
            .unwrap()
            .section("permission_denied")
            .unwrap()
    }

    fn bash(command: &str) -> ToolCall {
        ToolCall::new("Bash", json!({ "command": command }))
    }

    #[test]
    fn retry_defaults_to_true_and_follows_the_setting() {
        let ctx = Context::default();
        assert!(settings("").retry_for(&bash("ls"), &ctx));
        assert!(!settings("[permission_denied]\nretry = false\n").retry_for(&bash("ls"), &ctx));
    }

    #[test]
    fn overrides_match_tool_and_effective_command_prefix() {
        let s = settings(
            "[permission_denied]\nretry = true\n\
             [[permission_denied.override]]\ntool = \"Bash\"\ncommand_prefix = \"git push\"\nretry = false\n\
             [[permission_denied.override]]\ntool = \"mcp__github__*\"\nretry = false\n",
        );
        let ctx = Context::default();
        assert!(!s.retry_for(&bash("git push origin main"), &ctx));
        assert!(!s.retry_for(&bash("cd repo && git push"), &ctx));
        assert!(s.retry_for(&bash("git pushy"), &ctx));
        assert!(s.retry_for(&bash("git status"), &ctx));
        assert!(s.retry_for(&bash("echo git push"), &ctx));
        assert!(!s.retry_for(&ToolCall::new("mcp__github__merge", json!({})), &ctx));
        assert!(s.retry_for(&ToolCall::new("Write", json!({"file_path": "/x"})), &ctx));
    }

    #[test]
    fn overrides_can_name_a_classifier_class() {
        let s = settings("[[permission_denied.override]]\nrule = \"fs.*\"\nretry = false\n");
        let ctx = Context::default();
        assert!(!s.retry_for(&bash("rm -rf /"), &ctx));
        assert!(s.retry_for(&bash("ls"), &ctx));
    }

    #[test]
    fn unknown_override_keys_are_errors() {
        let layer = Layer::parse(
            config::LayerSource::BuiltIn,
            "[[permission_denied.override]]\ntool = \"Bash\"\nretri = false\n".into(),
        )
        .unwrap();
        assert!(Effective::of(&[layer]).is_err());
    }
}
