//! hookkit's own commands and other coding agents.
//!
//! The agent must not drive hookkit: approving its own deferred call, installing or
//! uninstalling the wiring, making keys, rotating the audit log. Those commands are high by
//! any path or wrapper (`./.claude/hooks/defer-for-review approve x`, `bash -c '...'`);
//! hookkit's read-only commands are low. An agent run nested in a session that switches its
//! guards off (`claude --dangerously-skip-permissions`, `codex --full-auto`, `gemini --yolo`)
//! is high too: it would do unguarded what this session may not.

use serde_json::Value;

use super::catalog::{self as c, Class};
use super::subject::{Subject, Verdict};

/// hookkit's binaries.
const HOOKKIT: &[&str] = &[
    "hookkit",
    "pretooluse-gate",
    "permission-denied-logger",
    "defer-for-review",
    "rules-lint",
    "hookkit-wiring",
];

/// Subcommands of hookkit's binaries that only read.
const HOOKKIT_READS: &[&str] = &[
    "list",
    "ls",
    "show",
    "verify",
    "report",
    "tail",
    "status",
    "explain",
    "replay",
    "doctor",
    "lint",
    "check",
    "help",
    "--help",
    "-h",
    "--version",
    "-V",
    "version",
    "log",
    "decisions",
    "classes",
    "schema",
    "completions",
    "--generate",
    "diff",
    "print",
    "which",
];

/// Judges hookkit's commands and coding agents; returns whether `program` is one.
pub(super) fn judge(program: &str, s: &Subject<'_>, v: &mut Verdict) -> bool {
    let args = s.args();
    if HOOKKIT.contains(&program) {
        hookkit(program, args, s, v);
        return true;
    }
    if (crate::shell::is_shell(program) || program == "source" || program == ".")
        && let Some(script) = args.iter().find(|a| !a.starts_with('-'))
        && is_hookkit_script(script, args)
    {
        v.add(
            &c::HOOKKIT_STATE_CHANGE,
            format!("runs hookkit's `{script}`, which changes its wiring"),
            s.text(),
        );
        return true;
    }
    if (program == "install.sh" || program == "uninstall.sh")
        && is_hookkit_script(&s.command.effective[0], args)
    {
        v.add(
            &c::HOOKKIT_STATE_CHANGE,
            format!("runs hookkit's `{program}`, which changes its wiring"),
            s.text(),
        );
        return true;
    }
    match program {
        "claude" | "claude-code" => claude(args, s, v),
        "codex" | "gemini" | "gemini-cli" | "aider" | "cursor-agent" | "cursor" | "amp"
        | "goose" | "opencode" | "qwen" | "crush" | "droid" | "cline" | "kiro" | "kiro-cli"
        | "plandex" | "openhands" | "auggie" | "jules" => {
            other_agent(program, args, s, v);
        }
        _ => return false,
    }
    true
}

/// Whether a script is hookkit's installer: named `install.sh` or `uninstall.sh` inside a
/// hookkit checkout, or given hookkit's installer options.
fn is_hookkit_script(script: &str, args: &[String]) -> bool {
    let name = script.rsplit('/').next().unwrap_or(script);
    matches!(name, "install.sh" | "uninstall.sh")
        && (script.to_ascii_lowercase().contains("hookkit")
            || args.iter().any(|a| {
                matches!(
                    a.as_str(),
                    "--mode"
                        | "--with-review"
                        | "--bin-dir"
                        | "--no-build"
                        | "--shared"
                        | "--uninstall"
                        | "--plugin"
                ) || a.starts_with("--mode=")
            }))
}

fn hookkit(program: &str, args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-') || HOOKKIT_READS.contains(a))
        .collect();
    let read_only = match (program, words.as_slice()) {
        ("rules-lint", _) => !args.iter().any(|a| a == "--fix" || a == "--write"),
        // A hook binary run by hand reads a payload and records it: it changes hookkit's state.
        ("pretooluse-gate" | "permission-denied-logger" | "defer-for-review", []) => {
            args.iter().any(|a| HOOKKIT_READS.contains(&a.as_str()))
        }
        ("hookkit", ["status" | "doctor", ..]) => !args.iter().any(|a| a == "--fix"),
        (
            "hookkit",
            [
                "review" | "log" | "audit" | "gate" | "policy" | "wiring",
                sub,
                ..,
            ],
        )
        | (_, [sub, ..]) => HOOKKIT_READS.contains(sub),
        (_, []) => args.iter().any(|a| HOOKKIT_READS.contains(&a.as_str())),
    };
    let what = words.first().copied().unwrap_or("(hook mode)");
    if read_only {
        v.add(
            &c::HOOKKIT_READ,
            format!("{program} {what} only reads"),
            s.text(),
        );
    } else {
        v.add(
            &c::HOOKKIT_STATE_CHANGE,
            format!("{program} {what} changes hookkit's own state; only a person may do that"),
            s.text(),
        );
    }
}

/// Flags of agent CLIs that switch approvals, permissions or sandboxes off.
pub(super) fn unguarded_flags(args: &[String]) -> bool {
    args.iter().any(|a| {
        let lower = a.to_ascii_lowercase();
        lower.starts_with("--dangerously")
            || lower.starts_with("--allow-dangerously")
            || matches!(
                lower.as_str(),
                "--yolo"
                    | "--yes-always"
                    | "--full-auto"
                    | "--skip-permissions-unsafe"
                    | "--bypass-approvals"
                    | "--no-approval"
                    | "--auto-approve-all"
                    | "--trust-all-tools"
                    | "--allow-all-tools"
                    | "--allow-all"
                    | "--no-confirm"
                    | "--auto-accept"
            )
    })
}

/// Settings given inline as JSON that switch the guards off.
fn unguarded_settings(value: &Value) -> bool {
    value
        .get("disableAllHooks")
        .is_some_and(|d| d.as_bool() != Some(false))
        || value
            .pointer("/permissions/defaultMode")
            .and_then(Value::as_str)
            .is_some_and(|m| matches!(m, "bypassPermissions" | "acceptEdits" | "auto"))
        || value.get("hooks").is_some()
        || value
            .pointer("/permissions/allow")
            .and_then(Value::as_array)
            .is_some_and(|allow| allow.iter().filter_map(Value::as_str).any(broad_allow))
        || value.get("apiKeyHelper").is_some()
        || value.get("env").is_some()
}

/// An allow rule that lets every command or every tool run unasked.
fn broad_allow(rule: &str) -> bool {
    let rule = rule.trim();
    matches!(
        rule,
        "Bash"
            | "Bash(*)"
            | "Bash(:*)"
            | "*"
            | "Write"
            | "Edit"
            | "Write(*)"
            | "Edit(*)"
            | "PowerShell"
            | "mcp__*"
    )
}

fn claude(args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let mut unguarded: Option<String> = None;
    for (i, a) in args.iter().enumerate() {
        let value = |name: &str| -> Option<&str> {
            a.strip_prefix(&format!("{name}=")).or_else(|| {
                (a == name)
                    .then(|| args.get(i + 1).map(String::as_str))
                    .flatten()
            })
        };
        if let Some(mode) = value("--permission-mode")
            && matches!(mode, "bypassPermissions" | "acceptEdits" | "auto")
        {
            unguarded = Some(format!("--permission-mode {mode}"));
        }
        if let Some(settings) = value("--settings") {
            match serde_json::from_str::<Value>(settings) {
                Ok(json) if unguarded_settings(&json) => {
                    unguarded = Some("--settings that switch hooks or permissions off".into());
                }
                Ok(_) => {}
                Err(_) => {
                    unguarded.get_or_insert_with(|| {
                        format!("--settings from `{settings}`, which is not read")
                    });
                }
            }
        }
        for name in ["--allowedTools", "--allowed-tools"] {
            if let Some(tools) = value(name)
                && tools.split([',', ' ']).any(broad_allow)
            {
                unguarded = Some(format!("{name} {tools}"));
            }
        }
        if matches!(a.as_str(), "--mcp-config" | "--plugin-dir") && args.get(i + 1).is_some() {
            unguarded.get_or_insert_with(|| format!("{a}, which adds tools that are not read"));
        }
    }
    if unguarded_flags(args) {
        unguarded = Some("--dangerously-skip-permissions".into());
    }
    let sub = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map_or("", String::as_str);
    if let Some(why) = unguarded {
        v.add(
            &c::AGENT_UNGUARDED,
            format!("runs Claude Code with {why}"),
            text,
        );
    } else if matches!(
        sub,
        "mcp"
            | "config"
            | "plugin"
            | "plugins"
            | "install"
            | "update"
            | "migrate-installer"
            | "setup-token"
    ) && args.iter().any(|a| {
        matches!(
            a.as_str(),
            "add"
                | "add-json"
                | "remove"
                | "set"
                | "add-from-claude-desktop"
                | "install"
                | "enable"
                | "disable"
                | "uninstall"
                | "reset-project-choices"
        )
    }) || matches!(
        sub,
        "update" | "install" | "migrate-installer" | "setup-token"
    ) {
        v.add(
            &c::AGENT_UNGUARDED,
            format!("claude {sub} changes Claude Code's settings, tools or installation"),
            text,
        );
    } else if matches!(sub, "mcp" | "config" | "doctor" | "plugin" | "plugins")
        || args
            .iter()
            .any(|a| matches!(a.as_str(), "--version" | "-v" | "--help" | "-h"))
    {
        v.add(&c::READ_EVERYDAY, "reads Claude Code's configuration", text);
    } else {
        v.add(
            &c::AGENT_RUN,
            "runs another Claude Code session with its approvals in place",
            text,
        );
    }
}

fn other_agent(program: &str, args: &[String], s: &Subject<'_>, v: &mut Verdict) {
    let text = s.text();
    let value = |names: &[&str]| -> Option<String> {
        args.iter().enumerate().find_map(|(i, a)| {
            names.iter().find_map(|n| {
                a.strip_prefix(&format!("{n}="))
                    .map(str::to_owned)
                    .or_else(|| (a == n).then(|| args.get(i + 1).cloned()).flatten())
            })
        })
    };
    let approval = value(&[
        "-a",
        "--ask-for-approval",
        "--approval-mode",
        "--approval-policy",
        "--mode",
        "--auto",
    ]);
    let sandbox = value(&["-s", "--sandbox"]);
    let config_values: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(_, a)| matches!(a.as_str(), "-c" | "--config"))
        .filter_map(|(i, _)| args.get(i + 1).cloned())
        .collect();
    let sub = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map_or("", String::as_str);
    let mut unguarded = unguarded_flags(args)
        || approval.as_deref().is_some_and(|m| {
            matches!(
                m.to_ascii_lowercase().as_str(),
                "never"
                    | "yolo"
                    | "auto_edit"
                    | "full-auto"
                    | "high"
                    | "auto"
                    | "bypass"
                    | "allow-all"
            )
        })
        || sandbox
            .as_deref()
            .is_some_and(|m| m.contains("danger") || m == "none" || m == "off")
        || config_values
            .iter()
            .any(|c| c.contains("never") || c.contains("danger-full-access") || c.contains("yolo"))
        || (program == "aider" && args.iter().any(|a| a == "--yes"))
        || (matches!(program, "cursor-agent" | "cursor")
            && args.iter().any(|a| matches!(a.as_str(), "--force" | "-f")))
        || (program == "droid" && args.iter().any(|a| a.starts_with("--skip-permissions")));
    // goose and opencode run tools without asking by default.
    if matches!(program, "goose" | "opencode")
        && matches!(sub, "run" | "session" | "")
        && !args
            .iter()
            .any(|a| a.contains("approve") || a.contains("--help") || a.contains("--version"))
    {
        unguarded = true;
    }
    let class: &'static Class = if unguarded {
        &c::AGENT_UNGUARDED
    } else if args
        .iter()
        .any(|a| matches!(a.as_str(), "--version" | "-v" | "--help" | "-h"))
        || matches!(
            sub,
            "login" | "auth" | "logout" | "version" | "help" | "--version"
        )
    {
        &c::READ_EVERYDAY
    } else {
        &c::AGENT_RUN
    };
    let reason = if unguarded {
        format!("runs {program} with its approvals or sandbox switched off")
    } else {
        format!("runs {program}, another coding agent")
    };
    v.add(class, reason, text);
}
