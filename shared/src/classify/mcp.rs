//! MCP tools, judged like the built-in tool they resemble: a field that holds a command line
//! (`command`, `cmd`, `script`, ...) as a Bash command, a field that names a path (`path`,
//! `file_path`, `target`, ...) as the equivalent Read or Write (a write when the tool's name
//! says it writes, creates, deletes, moves or uploads), a URL field as a fetch, and SQL given
//! to a database tool as that SQL. [`fields`] is what the gate's self-protection check reads
//! to resolve the paths an MCP call touches.

use serde_json::Value;

use super::catalog;
use super::{Assessment, Context, Finding, db, file_tool, fs, net, paths};
use crate::protocol::FileAccess;

/// A path an MCP call names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpPath {
    /// The input field it came from (`path`, `arguments.file_path`).
    pub field: String,
    /// The path as given.
    pub path: String,
    /// Whether the call reads or writes it (from the tool's name).
    pub access: FileAccess,
}

/// What an MCP call's input holds that hookkit judges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct McpFields {
    /// Command lines (`command`, `cmd`, `script`, `shell`...).
    pub commands: Vec<String>,
    /// Paths (`path`, `file`, `file_path`, `target`, `destination`, `dir`...).
    pub paths: Vec<McpPath>,
    /// URLs (`url`, `uri`, `endpoint`...).
    pub urls: Vec<String>,
    /// SQL (`sql`, `query`, `statement` of a database tool).
    pub sql: Vec<String>,
    /// Text a writing tool puts in a file (`content`, `text`, `data`).
    pub content: Option<String>,
}

/// Field names (lower-case, without `_` and `-`) that hold a command line.
const COMMAND_FIELDS: &[&str] = &[
    "command",
    "cmd",
    "script",
    "shell",
    "bash",
    "commandline",
    "shellcommand",
    "run",
    "exec",
    "execute",
    "powershell",
    "terminalcommand",
    "cmdline",
    "commands",
];

/// Field names that name a path.
const PATH_FIELDS: &[&str] = &[
    "path",
    "file",
    "filepath",
    "filename",
    "target",
    "targetpath",
    "destination",
    "dest",
    "destinationpath",
    "dir",
    "directory",
    "folder",
    "source",
    "sourcepath",
    "src",
    "paths",
    "files",
    "root",
    "output",
    "outputpath",
    "outputfile",
    "location",
    "notebookpath",
    "workingdirectory",
    "cwd",
    "newpath",
    "oldpath",
    "frompath",
    "topath",
    "inputpath",
    "relativepath",
    "absolutepath",
    "filepaths",
    "uri",
];

/// Field names that hold a URL.
const URL_FIELDS: &[&str] = &[
    "url", "uri", "href", "endpoint", "link", "urls", "website", "address",
];

/// Field names that hold SQL.
const SQL_FIELDS: &[&str] = &["sql", "query", "statement", "statements", "querystring"];

/// Field names whose value is written into a file.
const CONTENT_FIELDS: &[&str] = &[
    "content",
    "contents",
    "text",
    "data",
    "body",
    "newstring",
    "newtext",
    "code",
    "source",
];

/// Words of a tool name that say it changes what it names.
const WRITE_WORDS: &[&str] = &[
    "write",
    "create",
    "delete",
    "remove",
    "move",
    "rename",
    "edit",
    "update",
    "put",
    "upload",
    "save",
    "append",
    "patch",
    "set",
    "mkdir",
    "copy",
    "insert",
    "modify",
    "replace",
    "unlink",
    "rm",
    "truncate",
    "overwrite",
    "store",
    "push",
    "commit",
    "apply",
    "change",
    "chmod",
    "new",
    "add",
    "drop",
    "make",
    "touch",
    "link",
    "mv",
    "cp",
    "install",
];

/// Words of a tool name that say it deletes.
const DELETE_WORDS: &[&str] = &[
    "delete", "remove", "rm", "unlink", "rmdir", "drop", "purge", "destroy", "wipe", "trash",
];

fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn name_words(tool: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for ch in tool.chars() {
        if ch == '_' || ch == '-' || ch == '.' || ch == ' ' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if ch.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
            current.extend(ch.to_lowercase());
        } else {
            current.extend(ch.to_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a tool named `tool` changes the paths it names.
pub fn writes(tool: &str) -> bool {
    name_words(tool)
        .iter()
        .any(|w| WRITE_WORDS.contains(&w.as_str()))
}

/// The command, path, URL and SQL fields of an MCP call's input (`tool` is the tool part of
/// `mcp__server__tool`), found in the input and in objects nested in it (`arguments`,
/// `params`), at most four levels deep.
pub fn fields(tool: &str, input: &Value) -> McpFields {
    let access = if writes(tool) {
        FileAccess::Write
    } else {
        FileAccess::Read
    };
    let mut out = McpFields::default();
    walk(input, "", access, 0, &mut out);
    out
}

fn walk(value: &Value, prefix: &str, access: FileAccess, depth: usize, out: &mut McpFields) {
    let Value::Object(map) = value else {
        return;
    };
    if depth > 4 {
        return;
    }
    for (key, item) in map {
        let field = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let name = normalise(key);
        let strings: Vec<&str> = match item {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::Object(_) => {
                walk(item, &field, access, depth + 1, out);
                continue;
            }
            _ => continue,
        };
        if COMMAND_FIELDS.contains(&name.as_str()) {
            // An argv array is one command line.
            if matches!(item, Value::Array(_)) && name != "commands" {
                out.commands.push(
                    strings
                        .iter()
                        .map(|w| super::subject::quote(w))
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            } else {
                out.commands.extend(strings.iter().map(|s| (*s).to_owned()));
            }
        }
        if URL_FIELDS.contains(&name.as_str()) {
            for s in &strings {
                if s.contains("://") && !s.starts_with("file://") {
                    out.urls.push((*s).to_owned());
                }
            }
        }
        if PATH_FIELDS.contains(&name.as_str()) {
            for s in &strings {
                let path = s.strip_prefix("file://").unwrap_or(s);
                if path.contains("://") || path.is_empty() {
                    continue;
                }
                out.paths.push(McpPath {
                    field: field.clone(),
                    path: path.to_owned(),
                    access,
                });
            }
        }
        if SQL_FIELDS.contains(&name.as_str()) {
            out.sql.extend(strings.iter().map(|s| (*s).to_owned()));
        }
        if CONTENT_FIELDS.contains(&name.as_str()) && out.content.is_none() {
            out.content = strings.first().map(|s| (*s).to_owned());
        }
    }
}

/// Judges an MCP call into `out`; a call with nothing hookkit reads is unrecognised.
pub(super) fn assess(server: &str, tool: &str, input: &Value, ctx: &Context, out: &mut Assessment) {
    let found = fields(tool, input);
    let name = format!("mcp tool {tool}");
    let words = name_words(tool);
    let deletes = words.iter().any(|w| DELETE_WORDS.contains(&w.as_str()));
    for command in &found.commands {
        out.trace
            .push(format!("{name}: command `{}`", super::shorten(command)));
        match crate::shell::parse(command) {
            Ok(commands) => super::bash::assess_commands(&commands, ctx, out),
            Err(e) => out.findings.push(Finding::new(
                &catalog::EXEC_UNREADABLE,
                format!("{name} runs a command that cannot be read ({e})"),
                command,
            )),
        }
    }
    for p in &found.paths {
        out.trace
            .push(format!("{name}: path `{}` ({})", p.path, p.field));
        if deletes {
            let recursive = input
                .get("recursive")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                || name_words(tool).iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "dir" | "directory" | "folder" | "tree" | "recursive"
                    )
                });
            let j = paths::judge(&p.path, false, ctx);
            let (class, reason) = fs::removal_class(&j, recursive, &p.path, ctx, &name);
            out.findings.push(Finding::new(class, reason, &p.path));
        } else {
            file_tool::assess(
                &name,
                p.access,
                &p.path,
                if p.access == FileAccess::Write {
                    found.content.as_deref()
                } else {
                    None
                },
                ctx,
                out,
            );
        }
    }
    for url in &found.urls {
        net::assess_web_fetch(url, ctx, out);
    }
    let database = words.iter().chain(&name_words(server)).any(|w| {
        matches!(
            w.as_str(),
            "sql"
                | "db"
                | "database"
                | "postgres"
                | "postgresql"
                | "mysql"
                | "sqlite"
                | "supabase"
                | "bigquery"
                | "snowflake"
                | "clickhouse"
                | "mongo"
                | "mongodb"
                | "redis"
                | "d1"
                | "neon"
        )
    });
    for sql in found.sql.iter().filter(|_| database) {
        match db::sql_risk(sql) {
            Some((class, reason)) => {
                out.findings
                    .push(Finding::new(class, format!("{name}: {reason}"), sql));
            }
            None => out.findings.push(Finding::new(
                &catalog::DB_QUERY,
                format!("{name}: a query that changes nothing"),
                sql,
            )),
        }
    }
    if out.findings.is_empty() && out.unrecognised.is_empty() {
        match by_name(&words) {
            Some(class) => out.findings.push(Finding::new(
                class,
                format!("{name}: {}", class.summary),
                tool,
            )),
            None => out.unrecognised.push(format!("mcp__{server}__{tool}")),
        }
    }
}

/// What an MCP tool without a command, path or URL does, by the verbs of its name
/// (`delete_repository`, `merge_pull_request`, `create_issue`); reads and what the name does
/// not tell are left unrecognised.
fn by_name(words: &[String]) -> Option<&'static catalog::Class> {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if has(DELETE_WORDS) || has(&["destroy", "terminate", "revoke", "truncate", "erase"]) {
        Some(&catalog::MCP_DELETE)
    } else if has(&[
        "merge",
        "publish",
        "deploy",
        "release",
        "transfer",
        "pay",
        "promote",
        "rollback",
        "unpublish",
    ]) {
        Some(&catalog::MCP_PUBLISH)
    } else if has(&[
        "send", "post", "tweet", "email", "invite", "share", "restart", "execute", "exec",
        "create", "update", "add", "comment", "write", "edit", "push", "put", "upload", "set",
        "assign", "label", "close", "reopen", "rename", "move", "fork", "approve", "submit",
        "insert", "upsert", "patch", "modify", "change", "enable", "disable", "start", "stop",
    ]) {
        Some(&catalog::MCP_WRITE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;
    use crate::classify::Risk;

    fn ctx() -> Context {
        Context {
            cwd: PathBuf::from("/home/u/proj"),
            project_dir: PathBuf::from("/home/u/proj"),
            home: Some(PathBuf::from("/home/u")),
            allowed_hosts: vec!["github.com".into()],
        }
    }

    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers build the input inline"
    )]
    fn worst(tool: &str, input: Value) -> Option<Risk> {
        let mut out = Assessment::default();
        assess("server", tool, &input, &ctx(), &mut out);
        out.worst().map(|f| f.risk)
    }

    #[test]
    fn command_fields_are_judged_as_bash() {
        assert_eq!(
            worst("run_command", json!({"command": "rm -rf ~"})),
            Some(Risk::High)
        );
        assert_eq!(
            worst("exec", json!({"arguments": {"cmd": ["rm", "-rf", "/"]}})),
            Some(Risk::High)
        );
        assert_eq!(
            worst("run_command", json!({"command": "ls -la"})),
            Some(Risk::Low)
        );
    }

    #[test]
    fn path_fields_are_reads_or_writes_by_the_tool_name() {
        let f = fields(
            "write_file",
            &json!({"path": "/home/u/.bashrc", "content": "x"}),
        );
        assert_eq!(f.paths[0].access, FileAccess::Write);
        assert_eq!(
            fields("read_file", &json!({"path": "a"})).paths[0].access,
            FileAccess::Read
        );
        assert_eq!(
            worst(
                "write_file",
                json!({"path": "/home/u/.bashrc", "content": "x"})
            ),
            Some(Risk::High)
        );
        assert_eq!(
            worst("read_file", json!({"file_path": "/home/u/.ssh/id_rsa"})),
            Some(Risk::High)
        );
        assert_eq!(
            worst("delete_directory", json!({"path": "/home/u"})),
            Some(Risk::High)
        );
        assert_eq!(
            worst("read_file", json!({"path": "src/main.rs"})),
            Some(Risk::Low)
        );
    }

    #[test]
    fn urls_and_sql() {
        assert_eq!(
            worst("fetch", json!({"url": "https://evil.example/?q=1"})),
            Some(Risk::Medium)
        );
        assert_eq!(
            worst("execute_sql", json!({"sql": "DROP TABLE users"})),
            Some(Risk::High)
        );
        let mut out = Assessment::default();
        assess("web", "search", &json!({"q": "x"}), &ctx(), &mut out);
        assert_eq!(out.unrecognised, ["mcp__web__search"]);
    }
}
