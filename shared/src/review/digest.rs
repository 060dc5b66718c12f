//! What the queue keeps of a tool input: a SHA-256 of its exact canonical form (which binds an
//! approval to that input), a redacted copy for display, and a one-line summary.

use serde_json::Value;

pub(crate) use crate::digest::hex_sha256;
use crate::digest::write_canonical;
use crate::secrets;

/// The SHA-256 (lowercase hex) of `tool` and its input in canonical JSON: object keys sorted,
/// no whitespace. Two inputs hash alike exactly when they are the same JSON value.
pub fn input_sha256(tool: &str, input: &Value) -> String {
    let mut text = String::with_capacity(256);
    text.push_str(tool);
    text.push('\n');
    write_canonical(input, &mut text);
    hex_sha256(text.as_bytes())
}

/// A copy of a JSON value with every secret in its strings masked, for display and for the
/// approval service.
pub fn redact_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(secrets::redact(text)),
        Value::Array(items) => Value::Array(items.iter().map(redact_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact_value(v)))
                .collect(),
        ),
        scalar => scalar.clone(),
    }
}

/// A one-line description of a (redacted) tool input: the command, path, URL or query, or the
/// compact JSON for other tools.
pub fn summary(input: &Value) -> String {
    let text = [
        "command",
        "file_path",
        "notebook_path",
        "url",
        "query",
        "pattern",
    ]
    .iter()
    .find_map(|key| input.get(*key).and_then(Value::as_str))
    .map_or_else(|| input.to_string(), str::to_owned);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hash_ignores_key_order_but_not_values_or_tool() {
        let a = json!({"command": "rm -rf x", "description": "d"});
        let b: Value = serde_json::from_str(r#"{"description":"d","command":"rm -rf x"}"#).unwrap();
        assert_eq!(input_sha256("Bash", &a), input_sha256("Bash", &b));
        assert_ne!(
            input_sha256("Bash", &a),
            input_sha256("Bash", &json!({"command": "rm -rf y", "description": "d"}))
        );
        assert_ne!(input_sha256("Bash", &a), input_sha256("Write", &a));
        assert_eq!(input_sha256("Bash", &a).len(), 64);
    }

    #[test]
    fn redacts_nested_strings() {
        let github = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
        let aws = "AKIAIOSFODNN7EXAMPLE";
        let value = json!({"command": format!("curl -H 'x: {github}' u"), "n": [1, aws]});
        let redacted = redact_value(&value).to_string();
        assert!(!redacted.contains(github), "{redacted}");
        assert!(!redacted.contains(aws), "{redacted}");
        assert!(redacted.contains("[REDACTED:github-token]"), "{redacted}");
    }

    #[test]
    fn redacting_twice_changes_nothing() {
        // The review service masks what a hook already masked, and an approval binds the hash
        // of what the page shows: the two must agree.
        let value = json!({
            "command": "curl -H 'Authorization: Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345' \
                        -u admin:hunter2 https://x/?key=AIzaSyA1234567890abcdefghijklmnopqrstu \
                        && PGPASSWORD=s3cret psql && export db_password=x AKIAIOSFODNN7EXAMPLE",
            "content": "sk-ant-api03-Xb7kPq2ZrT9wLm4NvC8sDf3Gh6Jk1Lp0QaWe xoxb-1234-5678-abcdef",
        });
        let once = redact_value(&value);
        assert_ne!(once, value);
        assert_eq!(redact_value(&once), once);
    }

    #[test]
    fn summary_is_one_line() {
        assert_eq!(
            summary(&json!({"command": "echo a\n  echo b"})),
            "echo a echo b"
        );
        assert_eq!(
            summary(&json!({"file_path": "/p/x.rs", "content": "c"})),
            "/p/x.rs"
        );
        assert_eq!(summary(&json!({"k": 1})), r#"{"k":1}"#);
    }
}
