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
    /// `Bash`.
    Bash(BashInput),
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
    /// `WebFetch`.
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
        Ok(match self.name.as_str() {
            "Bash" => ToolView::Bash(
                BashInput::deserialize(&self.input).map_err(|e| typed(&e.to_string()))?,
            ),
            "Read" => file(FileAccess::Read, text("file_path")?, None),
            "Write" => file(
                FileAccess::Write,
                text("file_path")?,
                optional_text("content"),
            ),
            "Edit" | "MultiEdit" => file(
                FileAccess::Write,
                text("file_path")?,
                optional_text("new_string"),
            ),
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
    fn glob_without_path_searches_cwd() {
        let call = ToolCall::new("Glob", json!({"pattern": "**/*.rs"}));
        assert!(
            matches!(call.view(), Ok(ToolView::File { access: FileAccess::Read, path, .. }) if path.is_empty())
        );
    }
}
