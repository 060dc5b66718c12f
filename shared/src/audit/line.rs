//! The record as written: field order, the input summary, redaction and the input hash.

use serde::Serialize;
use serde_json::Value;

use super::Record;
use super::chain::{self, sha256_hex};
use super::mac::AuditKey;
use crate::digest::canonical_json;
use crate::secrets;

/// The longest input summary kept, in characters.
pub const INPUT_SUMMARY_LIMIT: usize = 500;
/// The longest reason kept, in characters.
pub const REASON_LIMIT: usize = 1000;

/// A record in the order its fields are written; `hash` is added by [`chain::seal`].
#[derive(Serialize)]
struct Entry<'a> {
    time: &'a str,
    version: &'static str,
    binary: &'a str,
    event: &'a str,
    session_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_use_id: Option<&'a str>,
    cwd: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    permission_mode: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    input_sha256: Option<&'a str>,
    decision: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    latency_us: u64,
    seq: u64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    after_torn: bool,
    prev: &'a str,
}

/// The parts of a record that do not depend on its place in the chain, computed before the
/// lock is taken so that the lock is held as briefly as possible.
pub(crate) struct Prepared<'a> {
    record: &'a Record,
    input: Option<String>,
    input_sha256: Option<String>,
    reason: Option<String>,
}

impl<'a> Prepared<'a> {
    /// Summarises, redacts and hashes what needs it.
    pub(crate) fn new(record: &'a Record) -> Self {
        let input = record
            .input
            .as_ref()
            .map(|value| summarise_input(record.tool.as_deref(), value));
        let input_sha256 = record
            .input
            .as_ref()
            .map(|value| sha256_hex(canonical_json(value).as_bytes()));
        let reason = record
            .reason
            .as_deref()
            .map(|reason| cap(&secrets::redact(reason), REASON_LIMIT));
        Self {
            record,
            input,
            input_sha256,
            reason,
        }
    }

    /// The sealed line (newline included) and its hash, at `seq` after `prev`.
    pub(crate) fn seal(
        &self,
        time: &str,
        seq: u64,
        prev: &str,
        after_torn: bool,
        key: Option<&AuditKey>,
    ) -> (String, String) {
        let r = self.record;
        let entry = Entry {
            time,
            version: crate::VERSION,
            binary: &r.binary,
            event: &r.event,
            session_id: &r.session_id,
            tool_use_id: r.tool_use_id.as_deref(),
            cwd: &r.cwd,
            permission_mode: r.permission_mode.as_deref(),
            tool: r.tool.as_deref(),
            input: self.input.as_deref(),
            input_sha256: self.input_sha256.as_deref(),
            decision: &r.decision,
            rule_id: r.rule_id.as_deref(),
            rule_source: r.rule_source.as_deref(),
            reason: self.reason.as_deref(),
            latency_us: u64::try_from(r.latency.as_micros()).unwrap_or(u64::MAX),
            seq,
            after_torn,
            prev,
        };
        // Serialising borrowed strings and integers into a String cannot fail.
        let body = serde_json::to_string(&entry).unwrap_or_default();
        chain::seal(&body, key)
    }
}

/// A short, redacted, human-readable summary of a tool input: the Bash command, the file path,
/// the URL or the query when there is one, else the input as compact JSON; at most
/// [`INPUT_SUMMARY_LIMIT`] characters.
pub fn summarise_input(tool: Option<&str>, input: &Value) -> String {
    let field = |key: &str| input.get(key).and_then(Value::as_str);
    let summary = match (tool, input) {
        (_, Value::String(text)) => text.clone(),
        (Some("Glob" | "Grep"), _) if field("pattern").is_some() => match field("path") {
            Some(path) => format!("{} in {path}", field("pattern").unwrap_or_default()),
            None => field("pattern").unwrap_or_default().to_owned(),
        },
        _ => ["command", "file_path", "notebook_path", "url", "query"]
            .into_iter()
            .find_map(field)
            .map_or_else(|| canonical_json(input), str::to_owned),
    };
    cap(&secrets::redact(&summary), INPUT_SUMMARY_LIMIT)
}

/// At most `limit` characters, ending in `…` when cut.
fn cap(text: &str, limit: usize) -> String {
    if text.char_indices().nth(limit).is_none() {
        return text.to_owned();
    }
    let keep = text
        .char_indices()
        .nth(limit - 1)
        .map_or(text.len(), |(at, _)| at);
    format!("{}…", &text[..keep])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn summaries_pick_the_telling_field_and_redact_it() {
        assert_eq!(
            summarise_input(
                Some("Bash"),
                &json!({"command": "PASSWORD=x1 make", "description": "d"})
            ),
            "PASSWORD=[REDACTED:secret-assignment] make"
        );
        assert_eq!(
            summarise_input(
                Some("Write"),
                &json!({"file_path": "/p/a.rs", "content": "x"})
            ),
            "/p/a.rs"
        );
        assert_eq!(
            summarise_input(Some("Grep"), &json!({"pattern": "fn main", "path": "src"})),
            "fn main in src"
        );
        assert_eq!(
            summarise_input(Some("mcp__x__y"), &json!({"b": 1, "a": [true, null]})),
            r#"{"a":[true,null],"b":1}"#
        );
    }

    #[test]
    fn summaries_are_capped_in_characters() {
        let long = "é".repeat(INPUT_SUMMARY_LIMIT + 10);
        let summary = summarise_input(Some("Bash"), &json!({ "command": long }));
        assert_eq!(summary.chars().count(), INPUT_SUMMARY_LIMIT);
        assert!(summary.ends_with('…'));
    }

    #[test]
    fn canonical_json_ignores_key_order() {
        let a: Value = serde_json::from_str(r#"{"x":1,"y":{"b":2,"a":"\n"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"y":{"a":"\n","b":2},"x":1}"#).unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&a), r#"{"x":1,"y":{"a":"\n","b":2}}"#);
    }
}
