//! Checks of the `hooks` object: events, matcher groups, handlers, matchers, commands.

use std::path::{Path, PathBuf};

use super::finding::Sink;
use super::json::{Key, Node, Value};
use super::settings::unknown_key;
use super::{FileKind, Options, SourceFile, suggest};
use crate::permission::PermissionRule;

/// The 33 hook events of Claude Code 2.1.329, in its own order.
pub(crate) const EVENTS: &[&str] = &[
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PostToolBatch",
    "Notification",
    "UserPromptSubmit",
    "UserPromptExpansion",
    "SessionStart",
    "SessionEnd",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "PreCompact",
    "PostCompact",
    "PreModelSwitch",
    "PostModelSwitch",
    "PermissionRequest",
    "PermissionDenied",
    "Setup",
    "TeammateIdle",
    "TaskCreated",
    "TaskCompleted",
    "Elicitation",
    "ElicitationResult",
    "ConfigChange",
    "WorktreeCreate",
    "WorktreeRemove",
    "InstructionsLoaded",
    "CwdChanged",
    "FileChanged",
    "DirectoryAdded",
    "MessageDisplay",
];

/// Events that have no matcher: every group runs.
const NO_MATCHER: &[&str] = &[
    "UserPromptSubmit",
    "Stop",
    "TeammateIdle",
    "TaskCreated",
    "TaskCompleted",
    "PostToolBatch",
    "CwdChanged",
    "WorktreeCreate",
    "WorktreeRemove",
    "MessageDisplay",
];

/// Events whose matcher is compared with a tool name.
const TOOL_EVENTS: &[&str] = &[
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PermissionRequest",
    "PermissionDenied",
];

/// Events that guard a call: a hook failing there lets the call through.
const GUARD_EVENTS: &[&str] = &["PreToolUse", "PermissionRequest"];

/// Built-in tool names, for matchers written in the wrong case.
const TOOLS: &[&str] = &[
    "Bash",
    "Read",
    "Edit",
    "Write",
    "MultiEdit",
    "Glob",
    "Grep",
    "NotebookEdit",
    "WebFetch",
    "WebSearch",
    "Agent",
    "Task",
    "TodoWrite",
    "KillShell",
    "TaskStop",
    "BashOutput",
    "ExitPlanMode",
    "Skill",
    "SlashCommand",
    "PowerShell",
    "AskUserQuestion",
];

const GROUP_KEYS: &[&str] = &["matcher", "hooks"];
const HANDLER_TYPES: &[&str] = &["command", "prompt", "agent", "http", "mcp_tool"];
const COMMON_FIELDS: &[&str] = &["type", "if", "timeout", "statusMessage", "once"];

/// The default timeout of command, http and mcp_tool handlers, in seconds.
const DEFAULT_TIMEOUT: f64 = 600.0;
/// Below this, a guard hook may time out on a cold start before it decides.
const GUARD_MIN_TIMEOUT: f64 = 2.0;

fn fields_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "command" => &[
            "command",
            "args",
            "shell",
            "onFailure",
            "async",
            "asyncRewake",
        ],
        "prompt" => &["prompt", "model", "continueOnBlock"],
        "agent" => &["prompt", "model"],
        "http" => &["url", "onFailure", "headers", "allowedEnvVars", "async"],
        "mcp_tool" => &["server", "tool", "input", "onFailure"],
        _ => &[],
    }
}

/// A PreToolUse command hook that the settings wire, for `--verify`.
#[derive(Debug, Clone)]
pub struct WiredHook {
    /// Index of the file that wires it.
    pub file: usize,
    /// Byte offset of its `command` value in the file.
    pub offset: usize,
    /// The group's matcher (`None` when it matches every tool).
    pub matcher: Option<String>,
    /// The command as written.
    pub command: String,
    /// The exec-form arguments, when given.
    pub args: Option<Vec<String>>,
    /// Its timeout in seconds, when set.
    pub timeout: Option<f64>,
    /// The plugin root for `${CLAUDE_PLUGIN_ROOT}`, for plugin hooks.
    pub plugin_root: Option<PathBuf>,
    /// `"onFailure": "block"`: a crash or timeout then blocks the call.
    pub blocks_on_failure: bool,
}

/// Checks the `hooks` object of a file. Returns whether a PreToolUse or PermissionRequest
/// entry is broken in a way that makes Claude Code skip the file's permissions.
pub(crate) fn check(
    file: &SourceFile,
    options: &Options,
    hooks: &Node,
    sink: &mut Sink<'_>,
) -> bool {
    if !matches!(hooks.value, Value::Object(_)) {
        sink.report(
            "HK004",
            hooks.start,
            format!("`hooks` must be an object, not {}", hooks.type_name()),
        );
        return false;
    }
    let mut broken_guard = false;
    for (key, groups) in hooks.members() {
        let event = key.name.as_str();
        if !EVENTS.contains(&event) {
            let hint = suggest::did_you_mean(event, EVENTS);
            sink.report_fix(
                "HK101",
                key.start,
                format!("unknown hook event `{event}`: its hooks never run"),
                hint,
            );
            continue;
        }
        let Some(groups) = groups.as_array() else {
            sink.report(
                "HK004",
                groups.start,
                format!(
                    "`hooks.{event}` must be an array of matcher groups, not {}",
                    groups.type_name()
                ),
            );
            broken_guard |= GUARD_EVENTS.contains(&event);
            continue;
        };
        for group in groups {
            let errors_before = count_schema_errors(sink);
            check_group(file, options, event, group, sink);
            if GUARD_EVENTS.contains(&event) && count_schema_errors(sink) > errors_before {
                broken_guard = true;
            }
        }
    }
    broken_guard
}

/// Findings that mean Claude Code's settings schema rejects the entry.
fn count_schema_errors(sink: &Sink<'_>) -> usize {
    sink.findings
        .iter()
        .filter(|f| matches!(f.id, "HK004" | "HK102" | "HK103"))
        .count()
}

fn check_group(
    file: &SourceFile,
    options: &Options,
    event: &str,
    group: &Node,
    sink: &mut Sink<'_>,
) {
    if !matches!(group.value, Value::Object(_)) {
        sink.report(
            "HK004",
            group.start,
            format!(
                "a matcher group must be an object `{{\"matcher\", \"hooks\"}}`, not {}",
                group.type_name()
            ),
        );
        return;
    }
    for (key, _) in group.members() {
        if !GROUP_KEYS.contains(&key.name.as_str()) {
            unknown_key(sink, key, "matcher-group key", GROUP_KEYS);
        }
    }
    if let Some(matcher) = group.get("matcher") {
        match matcher.as_str() {
            Some(m) => check_matcher(event, m, matcher, file, sink),
            None => sink.report(
                "HK004",
                matcher.start,
                format!("`matcher` must be a string, not {}", matcher.type_name()),
            ),
        }
    }
    let Some(handlers) = group.get("hooks") else {
        sink.report("HK102", group.start, "matcher group without `hooks`");
        return;
    };
    let Some(handlers) = handlers.as_array() else {
        sink.report(
            "HK004",
            handlers.start,
            format!(
                "`hooks` must be an array of handlers, not {}",
                handlers.type_name()
            ),
        );
        return;
    };
    for handler in handlers {
        check_handler(file, options, event, handler, sink);
    }
}

fn check_matcher(event: &str, matcher: &str, node: &Node, file: &SourceFile, sink: &mut Sink<'_>) {
    if matcher.is_empty() || matcher == "*" {
        return;
    }
    let at = node.start;
    if NO_MATCHER.contains(&event) {
        sink.report_fix(
            "HK108",
            at,
            format!(
                "`{event}` has no matcher: `{matcher}` is ignored and the hooks run every time"
            ),
            Some("remove the matcher"),
        );
        return;
    }
    let names_only = matcher
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '|' | ',' | '-' | ' '));
    if names_only {
        for name in matcher
            .split(['|', ','])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let column = matcher.find(name).unwrap_or(0);
            let offset = node.string_offset(&file.text, column);
            if let Some(server) = name.strip_prefix("mcp__").filter(|s| !s.contains("__")) {
                sink.report_fix(
                    "HK107",
                    offset,
                    format!(
                        "matcher `{name}` names an MCP server, not a tool: it matches no tool call"
                    ),
                    Some(format!(
                        "use `mcp__{server}__.*` to match every tool of the server"
                    )),
                );
            } else if TOOL_EVENTS.contains(&event)
                && !TOOLS.contains(&name)
                && !name.starts_with("mcp__")
                && let Some(tool) = TOOLS.iter().find(|t| t.eq_ignore_ascii_case(name))
            {
                sink.report_fix("HK107", offset, format!("matcher `{name}` is compared exactly and case-sensitively: it matches no tool"), Some(format!("write `{tool}`")));
            }
        }
        return;
    }
    if looks_like_rule(matcher) {
        let tool = matcher.split('(').next().unwrap_or("");
        sink.report_fix("HK106", at, format!("matcher `{matcher}` is permission-rule syntax; matchers see only the tool name, so this group never runs"), Some(format!("use `\"matcher\": \"{tool}\"` and put `\"if\": \"{matcher}\"` on the handler")));
        return;
    }
    if let Err(e) = regex_lite::Regex::new(matcher) {
        if uses_js_only_syntax(matcher) {
            sink.report_as("HK105", super::Severity::Info, at, format!("matcher `{matcher}` uses lookaround or backreferences, which JavaScript accepts but rules-lint cannot check"), None::<String>);
        } else {
            let reason = e.to_string();
            let reason = reason
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ");
            sink.report("HK105", at, format!("matcher `{matcher}` is not a valid regular expression ({reason}): the group never runs"));
        }
    }
}

fn looks_like_rule(matcher: &str) -> bool {
    matcher.ends_with(')')
        && matcher.split_once('(').is_some_and(|(tool, _)| {
            tool.len() > 1
                && tool.starts_with(|c: char| c.is_ascii_uppercase())
                && tool.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn uses_js_only_syntax(matcher: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|s| matcher.contains(s))
        || (1..=9).any(|d| matcher.contains(&format!("\\{d}")))
}

fn field<'a>(handler: &'a Node, name: &str) -> Option<(&'a Key, &'a Node)> {
    handler
        .members()
        .iter()
        .find(|(k, _)| k.name == name)
        .map(|(k, v)| (k, v))
}

fn check_handler(
    file: &SourceFile,
    options: &Options,
    event: &str,
    handler: &Node,
    sink: &mut Sink<'_>,
) {
    if !matches!(handler.value, Value::Object(_)) {
        sink.report(
            "HK004",
            handler.start,
            format!(
                "a hook handler must be an object, not {}",
                handler.type_name()
            ),
        );
        return;
    }
    let kind = match field(handler, "type").map(|(_, v)| v) {
        None => {
            sink.report_fix(
                "HK102",
                handler.start,
                "hook handler without `type`",
                Some("add `\"type\": \"command\"`"),
            );
            return;
        }
        Some(node) => match node.as_str() {
            Some(kind) if HANDLER_TYPES.contains(&kind) => kind,
            other => {
                let hint = other
                    .and_then(|k| suggest::did_you_mean(k, HANDLER_TYPES))
                    .unwrap_or_else(|| format!("use one of {}", HANDLER_TYPES.join(", ")));
                sink.report_fix(
                    "HK102",
                    node.start,
                    format!(
                        "unknown hook type {}",
                        other.map_or_else(|| node.type_name().to_owned(), |k| format!("`{k}`"))
                    ),
                    Some(hint),
                );
                return;
            }
        },
    };
    if matches!(kind, "prompt" | "agent")
        && matches!(event, "SessionStart" | "Setup" | "SubagentStart")
    {
        sink.report(
            "HK102",
            handler.start,
            format!("`{kind}` hooks cannot be used on {event}"),
        );
    }
    let known: Vec<&str> = COMMON_FIELDS
        .iter()
        .chain(fields_of(kind))
        .copied()
        .collect();
    for (key, _) in handler.members() {
        if !known.contains(&key.name.as_str()) {
            unknown_key(sink, key, &format!("field of a `{kind}` hook"), &known);
        }
    }
    check_required(kind, handler, sink);
    let is_guard = GUARD_EVENTS.contains(&event);
    let is_async = field(handler, "async").is_some_and(|(_, v)| v.value == Value::Bool(true));
    if let Some((_, timeout)) = field(handler, "timeout") {
        check_timeout(timeout, is_guard, sink);
    }
    if let Some((_, cond)) = field(handler, "if") {
        check_if(event, cond, file, sink);
    }
    if is_guard && !is_async && matches!(kind, "command" | "http" | "mcp_tool") {
        let blocks = field(handler, "onFailure").and_then(|(_, v)| v.as_str()) == Some("block");
        if !blocks {
            sink.report_fix("HK111", handler.start, format!("{event} hook without `\"onFailure\": \"block\"`: if it crashes or times out, the call goes ahead"), Some("add `\"onFailure\": \"block\"`"));
        }
    }
    if kind == "command"
        && let Some((_, command)) = field(handler, "command")
        && let Some(text) = command.as_str()
    {
        let spawn = Spawn {
            exec_form: field(handler, "args").is_some(),
            blocks: field(handler, "onFailure").and_then(|(_, v)| v.as_str()) == Some("block"),
        };
        check_command(file, options, event, text, spawn, command, sink);
    }
}

fn check_required(kind: &str, handler: &Node, sink: &mut Sink<'_>) {
    let required: &[&str] = match kind {
        "command" => &["command"],
        "prompt" | "agent" => &["prompt"],
        "http" => &["url"],
        _ => &["server", "tool"],
    };
    for name in required {
        match field(handler, name) {
            None => sink.report(
                "HK102",
                handler.start,
                format!("`{kind}` hook without `{name}`"),
            ),
            Some((_, v)) if v.as_str().is_none_or(str::is_empty) => sink.report(
                "HK102",
                v.start,
                format!("`{name}` must be a non-empty string"),
            ),
            Some(_) => {}
        }
    }
}

fn check_timeout(value: &Node, is_guard: bool, sink: &mut Sink<'_>) {
    let Value::Number(seconds) = value.value else {
        sink.report_fix(
            "HK103",
            value.start,
            format!(
                "`timeout` must be a number of seconds, not {}",
                value.type_name()
            ),
            Some("write a number such as `10`"),
        );
        return;
    };
    if seconds <= 0.0 {
        sink.report_fix(
            "HK103",
            value.start,
            format!("`timeout` must be greater than 0, not {seconds}"),
            Some("write a number of seconds such as `10`"),
        );
        return;
    }
    if seconds > DEFAULT_TIMEOUT {
        sink.report_fix("HK104", value.start, format!("`timeout` of {seconds} s is above the 600 s default: a hung hook stalls the agent that long"), Some("use a timeout of a few seconds for guards, at most 600"));
    } else if is_guard && seconds < GUARD_MIN_TIMEOUT {
        sink.report_fix("HK104", value.start, format!("`timeout` of {seconds} s is too short for a guard: a cold start can exceed it and the call then goes ahead"), Some("use at least 2 seconds, and `\"onFailure\": \"block\"`"));
    }
}

fn check_if(event: &str, cond: &Node, file: &SourceFile, sink: &mut Sink<'_>) {
    let Some(text) = cond.as_str() else {
        sink.report(
            "HK004",
            cond.start,
            format!(
                "`if` must be a permission rule string, not {}",
                cond.type_name()
            ),
        );
        return;
    };
    if !TOOL_EVENTS.contains(&event) {
        sink.report_fix(
            "HK112",
            cond.start,
            format!("`if` is not evaluated on {event}: this hook never runs"),
            Some("remove `if`, or move the hook to a tool event"),
        );
        return;
    }
    if let Err(e) = PermissionRule::parse(text) {
        sink.report_fix(
            "HK113",
            cond.string_offset(&file.text, e.column),
            format!(
                "`if` rule `{text}` is invalid: {}; the hook never runs",
                e.message
            ),
            e.fix.map(|f| format!("write `{f}`")),
        );
    }
}

/// Where `${CLAUDE_PLUGIN_ROOT}` points for a plugin hooks file: the folder above `hooks/`.
fn plugin_root(file: &SourceFile) -> Option<PathBuf> {
    (file.kind == FileKind::PluginHooks)
        .then(|| {
            file.path
                .parent()
                .and_then(Path::parent)
                .map(Path::to_path_buf)
        })
        .flatten()
}

/// The first shell word of a command, with quotes removed; `None` when it is computed.
fn first_word(command: &str) -> Option<String> {
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut words = Vec::new();
    for c in command.trim_start().chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                    let last = words.last().map_or("", String::as_str);
                    let assignment = last.split_once('=').is_some_and(|(n, _)| {
                        !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    });
                    if !assignment {
                        break;
                    }
                }
            }
            (None, ';' | '|' | '&') => break,
            (_, c) => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.into_iter().find(|w| {
        !w.split_once('=').is_some_and(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// Replaces the variables Claude Code sets or substitutes, and `~`.
pub(crate) fn expand(word: &str, options: &Options, plugin_root: Option<&Path>) -> String {
    let project = options.project_dir.display().to_string();
    let mut out = word
        .replace("${CLAUDE_PROJECT_DIR}", &project)
        .replace("$CLAUDE_PROJECT_DIR", &project);
    if let Some(root) = plugin_root {
        let root = root.display().to_string();
        out = out
            .replace("${CLAUDE_PLUGIN_ROOT}", &root)
            .replace("$CLAUDE_PLUGIN_ROOT", &root);
    }
    if let (Some(rest), Some(home)) = (out.strip_prefix('~'), options.home.as_ref())
        && (rest.is_empty() || rest.starts_with('/'))
    {
        out = format!("{}{rest}", home.display());
    }
    out
}

const SHELL_BUILTINS: &[&str] = &[
    "cd", "echo", "exec", "test", "[", "true", "false", ":", "printf", "exit", "export", "set",
    "if", "for", "while", "case", "source", ".", "read", "eval", "{", "(",
];

/// How Claude Code starts a command hook, and what it does when the hook fails.
#[derive(Clone, Copy)]
struct Spawn {
    /// `args` is given: the command is the program, run without a shell.
    exec_form: bool,
    /// `"onFailure": "block"`.
    blocks: bool,
}

/// What Claude Code does when a hook on `event` cannot start.
fn failure_effect(event: &str, blocks: bool) -> &'static str {
    match (blocks, event) {
        (true, "UserPromptSubmit") => {
            "with \"onFailure\": \"block\", Claude Code blocks every prompt until it is fixed"
        }
        (true, _) => {
            "with \"onFailure\": \"block\", Claude Code blocks every call it guards until it is fixed"
        }
        (false, _) if GUARD_EVENTS.contains(&event) => {
            "Claude Code logs a non-blocking error and carries on: the calls it should guard go ahead"
        }
        (false, _) => "Claude Code logs a non-blocking error and carries on",
    }
}

fn check_command(
    file: &SourceFile,
    options: &Options,
    event: &str,
    text: &str,
    spawn: Spawn,
    node: &Node,
    sink: &mut Sink<'_>,
) {
    let exec_form = spawn.exec_form;
    let program = if exec_form {
        Some(text.to_owned())
    } else {
        first_word(text)
    };
    let Some(program) = program else {
        return;
    };
    let root = plugin_root(file);
    let expanded = expand(&program, options, root.as_deref());
    if event == "PreToolUse" {
        let words: Vec<&str> = text.split_whitespace().collect();
        let launcher = match words.as_slice() {
            [npx, ..]
                if npx.ends_with("npx") && words.iter().any(|w| matches!(*w, "-y" | "--yes")) =>
            {
                Some("npx -y")
            }
            [uvx, ..] if uvx.ends_with("uvx") => Some("uvx"),
            [pipx, "run", ..] if pipx.ends_with("pipx") => Some("pipx run"),
            _ => None,
        };
        if let Some(launcher) = launcher {
            sink.report_fix("HK110", node.start, format!("`{launcher}` resolves the package on every tool call: seconds per call, and it fails offline"), Some("install the tool once and call its binary directly"));
        }
    }
    if is_defer_for_review(&expanded) && !options.headless {
        sink.report_fix("HK114", node.start, "`defer-for-review` is wired into interactive settings; Claude Code honours defer only in print mode (`claude -p`)", Some("wire it in a settings file passed only to headless runs (`claude -p --settings headless.json`), or run rules-lint with --headless"));
    }
    if expanded.contains('$') || expanded.contains('`') {
        sink.report_as("HK116", super::Severity::Info, node.start, format!("the program `{program}` is computed at run time; rules-lint cannot check that it exists"), None::<String>);
        return;
    }
    if !exec_form && SHELL_BUILTINS.contains(&expanded.as_str()) {
        return;
    }
    if let Err(problem) = resolve(&expanded, options) {
        let shown = if expanded == program {
            format!("`{program}`")
        } else {
            format!("`{program}` (`{expanded}`)")
        };
        sink.report_fix(
            "HK109",
            node.start,
            format!(
                "hook command {shown} {problem}: {}",
                failure_effect(event, spawn.blocks)
            ),
            Some("fix the path, install the program, or `chmod +x` it"),
        );
    }
}

fn is_defer_for_review(program: &str) -> bool {
    Path::new(program).file_name().and_then(|n| n.to_str()) == Some("defer-for-review")
}

/// Finds `program` as Claude Code's shell would: a path (relative to the project) or a PATH
/// lookup. `Err` says what is wrong.
pub(crate) fn resolve(program: &str, options: &Options) -> Result<PathBuf, &'static str> {
    if program.contains('/') {
        let path = Path::new(program);
        let path = if path.is_absolute() {
            path.to_path_buf()
        } else {
            options.project_dir.join(path)
        };
        return check_executable(&path).map(|()| path);
    }
    let path_var = options.path_var.clone().unwrap_or_default();
    for dir in std::env::split_paths(&path_var) {
        let candidate = dir.join(program);
        if check_executable(&candidate).is_ok() {
            return Ok(candidate);
        }
    }
    Err("is not found in PATH")
}

fn check_executable(path: &Path) -> Result<(), &'static str> {
    let meta = std::fs::metadata(path).map_err(|_| "does not exist")?;
    if meta.is_dir() {
        return Err("is a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err("is not executable");
        }
    }
    Ok(())
}

/// Collects the PreToolUse command hooks of a file for `--verify`.
pub(crate) fn collect_guards(
    index: usize,
    file: &SourceFile,
    root: &Node,
    out: &mut Vec<WiredHook>,
) {
    let Some(groups) = root
        .get("hooks")
        .and_then(|h| h.get("PreToolUse"))
        .and_then(Node::as_array)
    else {
        return;
    };
    for group in groups {
        let matcher = group
            .get("matcher")
            .and_then(Node::as_str)
            .filter(|m| !m.is_empty() && *m != "*")
            .map(str::to_owned);
        for handler in group.get("hooks").and_then(Node::as_array).unwrap_or(&[]) {
            if handler.get("type").and_then(Node::as_str) != Some("command") {
                continue;
            }
            let Some(command_node) = handler.get("command") else {
                continue;
            };
            let Some(command) = command_node.as_str() else {
                continue;
            };
            let args = handler.get("args").and_then(Node::as_array).map(|items| {
                items
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect()
            });
            let timeout = match handler.get("timeout").map(|t| &t.value) {
                Some(Value::Number(n)) => Some(*n),
                _ => None,
            };
            out.push(WiredHook {
                file: index,
                offset: command_node.start,
                matcher: matcher.clone(),
                command: command.to_owned(),
                args,
                timeout,
                plugin_root: plugin_root(file),
                blocks_on_failure: handler.get("onFailure").and_then(Node::as_str) == Some("block"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_word_skips_assignments_and_quotes() {
        assert_eq!(
            first_word("\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/guard --x").as_deref(),
            Some("$CLAUDE_PROJECT_DIR/.claude/hooks/guard")
        );
        assert_eq!(
            first_word("FOO=1 cc-guard pretooluse").as_deref(),
            Some("cc-guard")
        );
        assert_eq!(first_word("gate|tee x").as_deref(), Some("gate"));
    }

    #[test]
    fn recognises_rule_syntax_matchers() {
        assert!(looks_like_rule("Bash(git *)"));
        assert!(!looks_like_rule("(Edit|Write)"));
        assert!(uses_js_only_syntax("^(?!Bash).*"));
    }
}
