//! The input filter's side of the scanner: every text of a tool call that is written, sent or
//! run, scanned as the receiver reads it.
//!
//! Which fields count, by tool:
//!
//! | tool | scanned |
//! |---|---|
//! | `Bash`, `Monitor`, `PowerShell` | `command` (and the words the shell passes on, when the caller parsed them), with any other field |
//! | `Write` | `content` |
//! | `Edit` | `new_string` |
//! | `MultiEdit` | every `edits[].new_string` |
//! | `NotebookEdit` | `new_source` |
//! | `WebFetch` | `url` (percent-decoded) |
//! | `WebSearch` | `query` |
//! | `Read`, `Glob`, `Grep`, `LS`, `NotebookRead`, `TodoWrite` | nothing: they send nothing out |
//! | MCP tools and anything else | every string in the input, and the input as JSON (so that `"password": "x"` is read with its name) |
//!
//! What an edit replaces (`old_string`) is not scanned: it is already in the file.

use serde_json::Value;

use super::scan;
use crate::protocol::ToolCall;

/// A secret found in a tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSecret {
    /// What kind of secret, such as `github-token`.
    pub kind: &'static str,
    /// Where: a JSON pointer into the input (`/command`, `/edits/2/new_string`), or
    /// `/command (as the shell reads it)` for the words the caller passed.
    pub field: String,
}

/// Tools that send nothing out of the machine and write nothing.
const READ_ONLY: &[&str] = &["Read", "Glob", "Grep", "LS", "NotebookRead", "TodoWrite"];

/// The secrets a tool call would write, send or run, one per kind (the first field where it
/// was found). `words` are the words of the Bash line as the shell passes them on (quotes
/// removed, variables the caller resolved), joined per simple command, when the caller parsed
/// the line; the scanner also reads shell quoting by itself (see [`super::scan`]).
pub fn scan_call(call: &ToolCall, words: Option<&[String]>) -> Vec<CallSecret> {
    let mut found: Vec<CallSecret> = Vec::new();
    let mut note = |kind: &'static str, field: &str| {
        if !found.iter().any(|f| f.kind == kind) {
            found.push(CallSecret {
                kind,
                field: field.to_owned(),
            });
        }
    };
    let mut text = |pointer: &str| {
        if let Some(value) = call.input.pointer(pointer).and_then(Value::as_str) {
            for m in scan(value) {
                note(m.kind, pointer);
            }
        }
    };
    match call.name.as_str() {
        name if READ_ONLY.contains(&name) => {}
        "Write" => text("/content"),
        "Edit" => text("/new_string"),
        "NotebookEdit" => text("/new_source"),
        "WebFetch" => text("/url"),
        "WebSearch" => text("/query"),
        "MultiEdit" => {
            let edits = call.input.get("edits").and_then(Value::as_array);
            for i in 0..edits.map_or(0, Vec::len) {
                text(&format!("/edits/{i}/new_string"));
            }
            text("/new_string");
        }
        _ => {
            let mut leaves = Vec::new();
            strings(&call.input, String::new(), &mut leaves);
            // A description says what the call is for; it is neither sent nor run.
            for (pointer, value) in leaves.into_iter().filter(|(p, _)| p != "/description") {
                for m in scan(value) {
                    note(m.kind, &pointer);
                }
            }
            if call.input.is_object()
                && !matches!(call.name.as_str(), "Bash" | "Monitor" | "PowerShell")
            {
                for m in scan(&call.input.to_string()) {
                    note(m.kind, "");
                }
            }
        }
    }
    if let Some(words) = words {
        for kind in scan_shell_words(words) {
            note(kind, "/command (as the shell reads it)");
        }
    }
    found
}

/// The kinds of secret in a command's words as the shell passes them on (quotes removed),
/// joined with spaces, so that `curl -u user:pass` is read across its words.
pub fn scan_shell_words(words: &[String]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = scan(&words.join(" ")).into_iter().map(|m| m.kind).collect();
    kinds.dedup();
    kinds
}

/// Every string in `value`, with its JSON pointer.
fn strings<'a>(value: &'a Value, pointer: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::String(text) => out.push((pointer, text)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                strings(item, format!("{pointer}/{key}"), out);
            }
        }
        _ => {}
    }
}
