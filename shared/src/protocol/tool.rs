//! Tool calls and typed views of the tool inputs hookkit understands.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::input::McpServer;

/// One tool call as Claude Code describes it in a tool event.
#[derive(Debug, Clone)]
pub struct ToolCall {
    /// `Bash`, `Write`, `mcp__github__create_issue`, ...
    pub name: String,
    /// The parsed tool input, with schema defaults filled in; kept as JSON.
    pub input: Value,
    /// Provenance of an MCP tool.
    pub mcp_server: Option<McpServer>,
}

/// Input of the `Bash` tool.
#[derive(Debug, Clone, Deserialize)]
pub struct BashInput {
    /// The command line.
    pub command: String,
    /// What the model says the command does.
    #[serde(default)]
    pub description: Option<String>,
    /// Timeout in milliseconds.
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Whether the command runs in the background.
    #[serde(default)]
    pub run_in_background: Option<bool>,
    /// Whether the model asked to run outside the sandbox.
    #[serde(default, rename = "dangerouslyDisableSandbox")]
    pub dangerously_disable_sandbox: Option<bool>,
}

/// Input of the `Edit` tool.
#[derive(Debug, Clone, Deserialize)]
pub struct EditInput {
    /// The absolute path of the file.
    pub file_path: String,
    /// The text to replace.
    #[serde(default)]
    pub old_string: String,
    /// The replacement.
    #[serde(default)]
    pub new_string: String,
    /// Whether every occurrence is replaced.
    #[serde(default)]
    pub replace_all: bool,
}

/// Input of the `WebFetch` tool.
#[derive(Debug, Clone, Deserialize)]
pub struct WebFetchInput {
    /// The URL to fetch.
    pub url: String,
    /// What to extract from the page.
    #[serde(default)]
    pub prompt: String,
}

/// Input of the `WebSearch` tool.
#[derive(Debug, Clone, Deserialize)]
pub struct WebSearchInput {
    /// The search query.
    pub query: String,
    /// Only these domains.
    #[serde(default)]
    pub allowed_domains: Option<Vec<String>>,
    /// Never these domains.
    #[serde(default)]
    pub blocked_domains: Option<Vec<String>>,
}

/// Whether a file tool reads or changes a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAccess {
    /// `Read`, `Glob`, `Grep`.
    Read,
    /// `Write`, `Edit`, `MultiEdit`, `NotebookEdit`.
    Write,
}

/// A typed view of a tool call, for the tools hookkit reasons about.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ToolView {
    /// `Bash`, and `Monitor` with a `command` (its shells are Bash's).
    Bash(BashInput),
    /// `PowerShell` (where Claude Code enables it): a PowerShell command line, with Bash's
    /// input fields.
    PowerShell(BashInput),
    /// A tool that reads or writes one path: `Read`, `Write`, `Edit`, `MultiEdit`,
    /// `NotebookEdit`, `Glob`, `Grep` (for `Glob` and `Grep`, the searched directory, which is
    /// the session cwd when the model gave none).
    File {
        /// Reading or writing.
        access: FileAccess,
        /// The path as given (absolute for Claude Code 2.1.89+), or empty for a search in cwd.
        path: String,
        /// The text written, for `Write` (`content`) and `Edit` (`new_string`).
        content: Option<String>,
    },
    /// `WebFetch`, and `Monitor` watching a WebSocket (`ws.url`).
    WebFetch(WebFetchInput),
    /// `WebSearch`.
    WebSearch(WebSearchInput),
    /// An MCP tool, `mcp__<server>__<tool>`.
    Mcp {
        /// The server part of the name.
        server: String,
        /// The tool part of the name.
        tool: String,
    },
    /// Any other tool; its input is only available as JSON.
    Other,
}

impl ToolCall {
    /// Reads `tool_name`, `tool_input` and `mcp_server` from a tool event.
    pub(crate) fn from_event(map: &Map<String, Value>) -> Result<Self, String> {
        let name = match map.get("tool_name") {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            _ => return Err("missing string field `tool_name`".into()),
        };
        let input = map.get("tool_input").cloned().unwrap_or(Value::Null);
        let mcp_server = map
            .get("mcp_server")
            .and_then(|v| McpServer::deserialize(v).ok());
        Ok(Self {
            name,
            input,
            mcp_server,
        })
    }

    /// Builds a call from its parts, as replay and explain do.
    pub fn new(name: impl Into<String>, input: Value) -> Self {
        Self {
            name: name.into(),
            input,
            mcp_server: None,
        }
    }

    /// The typed view of this call.
    ///
    /// A known tool whose input lacks a required field (a `Bash` call without `command`) is an
    /// error: the caller must not guess what such a call would do.
    pub fn view(&self) -> Result<ToolView, String> {
        let typed = |what: &str| format!("{} input: {what}", self.name);
        let text = |key: &str| -> Result<String, String> {
            match self.input.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(typed(&format!("`{key}` is not a string"))),
                None => Err(typed(&format!("missing `{key}`"))),
            }
        };
        let optional_text = |key: &str| {
            self.input
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let bash = || BashInput::deserialize(&self.input).map_err(|e| typed(&e.to_string()));
        Ok(match self.name.as_str() {
            "Bash" => ToolView::Bash(bash()?),
            "PowerShell" => ToolView::PowerShell(bash()?),
            "Monitor" => match (self.input.get("command"), self.input.pointer("/ws/url")) {
                (Some(_), _) => ToolView::Bash(bash()?),
                (None, Some(Value::String(url))) => ToolView::WebFetch(WebFetchInput {
                    url: url.clone(),
                    prompt: String::new(),
                }),
                _ => return Err(typed("neither `command` nor `ws.url`")),
            },
            "Read" => file(FileAccess::Read, text("file_path")?, None),
            "Write" => file(
                FileAccess::Write,
                text("file_path")?,
                optional_text("content"),
            ),
            "Edit" => file(
                FileAccess::Write,
                text("file_path")?,
                optional_text("new_string"),
            ),
            "MultiEdit" => file(FileAccess::Write, text("file_path")?, self.edits_text()),
            "NotebookEdit" => file(
                FileAccess::Write,
                text("notebook_path")?,
                optional_text("new_source"),
            ),
            "Glob" | "Grep" => file(
                FileAccess::Read,
                optional_text("path").unwrap_or_default(),
                None,
            ),
            "WebFetch" => ToolView::WebFetch(
                WebFetchInput::deserialize(&self.input).map_err(|e| typed(&e.to_string()))?,
            ),
            "WebSearch" => ToolView::WebSearch(
                WebSearchInput::deserialize(&self.input).map_err(|e| typed(&e.to_string()))?,
            ),
            name => match split_mcp_name(name) {
                Some((server, tool)) => ToolView::Mcp {
                    server: server.to_owned(),
                    tool: tool.to_owned(),
                },
                None => ToolView::Other,
            },
        })
    }
}

impl ToolCall {
    /// The new text of every edit of a `MultiEdit` call, one per line.
    fn edits_text(&self) -> Option<String> {
        let edits = self.input.get("edits")?.as_array()?;
        let texts: Vec<&str> = edits
            .iter()
            .filter_map(|e| e.get("new_string").and_then(Value::as_str))
            .collect();
        Some(texts.join("\n"))
    }
}

/// What a tool does, as far as hookkit's judgement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    /// Runs shell commands: judged as Bash.
    Shell,
    /// Runs PowerShell commands.
    PowerShell,
    /// Reads files.
    ReadsFiles,
    /// Writes files.
    WritesFiles,
    /// Reaches the network.
    Network,
    /// Starts another agent or workflow, whose own tool calls pass through the hooks.
    Agent,
    /// Changes what runs later or where (schedules, worktrees).
    Schedules,
    /// Claude Code's own bookkeeping, with no effect outside the session.
    Session,
}

/// Every built-in tool of Claude Code hookkit knows, with what it does. A tool the CLI offers
/// that is missing here is noticed by the end-to-end suite, which compares this table with
/// the tools a real run announces.
pub const KNOWN_TOOLS: &[(&str, ToolKind)] = &[
    ("Bash", ToolKind::Shell),
    ("Monitor", ToolKind::Shell),
    ("PowerShell", ToolKind::PowerShell),
    ("Read", ToolKind::ReadsFiles),
    ("Glob", ToolKind::ReadsFiles),
    ("Grep", ToolKind::ReadsFiles),
    ("LSP", ToolKind::ReadsFiles),
    ("Write", ToolKind::WritesFiles),
    ("Edit", ToolKind::WritesFiles),
    ("MultiEdit", ToolKind::WritesFiles),
    ("NotebookEdit", ToolKind::WritesFiles),
    ("WebFetch", ToolKind::Network),
    ("WebSearch", ToolKind::Network),
    ("Agent", ToolKind::Agent),
    ("Task", ToolKind::Agent),
    ("Workflow", ToolKind::Agent),
    ("Skill", ToolKind::Agent),
    ("SendMessage", ToolKind::Agent),
    ("ListAgents", ToolKind::Session),
    ("TaskStop", ToolKind::Session),
    ("CronCreate", ToolKind::Schedules),
    ("CronDelete", ToolKind::Schedules),
    ("CronList", ToolKind::Session),
    ("ScheduleWakeup", ToolKind::Schedules),
    ("EnterWorktree", ToolKind::Schedules),
    ("ExitWorktree", ToolKind::Schedules),
    ("ToolSearch", ToolKind::Session),
    ("ReportFindings", ToolKind::Session),
    ("TodoWrite", ToolKind::Session),
    ("ExitPlanMode", ToolKind::Session),
    ("AskUserQuestion", ToolKind::Session),
];

/// What `name` does, for a built-in tool hookkit knows.
pub fn tool_kind(name: &str) -> Option<ToolKind> {
    KNOWN_TOOLS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
}

fn file(access: FileAccess, path: String, content: Option<String>) -> ToolView {
    ToolView::File {
        access,
        path,
        content,
    }
}

/// Splits `mcp__server__tool` into its server and tool; `None` for any other name.
pub(crate) fn split_mcp_name(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("mcp__")?;
    let (server, tool) = rest.split_once("__")?;
    (!server.is_empty() && !tool.is_empty()).then_some((server, tool))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_mcp_names() {
        assert_eq!(
            split_mcp_name("mcp__github__create_issue"),
            Some(("github", "create_issue"))
        );
        assert_eq!(
            split_mcp_name("mcp__brave-search__web"),
            Some(("brave-search", "web"))
        );
        assert_eq!(split_mcp_name("mcp__github"), None);
        assert_eq!(split_mcp_name("Bash"), None);
    }

    #[test]
    fn bash_without_command_is_an_error() {
        let call = ToolCall::new("Bash", json!({"description": "x"}));
        assert!(call.view().unwrap_err().contains("command"));
    }

    #[test]
    fn monitor_is_bash_or_a_fetch_and_multiedit_writes_every_edit() {
        let monitor = ToolCall::new(
            "Monitor",
            json!({"command": "tail -f log", "description": "d"}),
        );
        assert!(matches!(monitor.view(), Ok(ToolView::Bash(b)) if b.command == "tail -f log"));
        let ws = ToolCall::new("Monitor", json!({"ws": {"url": "wss://x.example/s"}}));
        assert!(matches!(ws.view(), Ok(ToolView::WebFetch(f)) if f.url == "wss://x.example/s"));
        assert!(
            ToolCall::new("Monitor", json!({"description": "d"}))
                .view()
                .is_err()
        );
        let ps = ToolCall::new("PowerShell", json!({"command": "Get-ChildItem"}));
        assert!(matches!(ps.view(), Ok(ToolView::PowerShell(_))));
        let multi = ToolCall::new(
            "MultiEdit",
            json!({"file_path": "/p/a", "edits": [{"old_string": "a", "new_string": "b"},
                   {"old_string": "c", "new_string": "d"}]}),
        );
        assert!(matches!(multi.view(), Ok(ToolView::File { content: Some(c), .. }) if c == "b\nd"));
    }

    #[test]
    fn glob_without_path_searches_cwd() {
        let call = ToolCall::new("Glob", json!({"pattern": "**/*.rs"}));
        assert!(
            matches!(call.view(), Ok(ToolView::File { access: FileAccess::Read, path, .. }) if path.is_empty())
        );
    }
}
