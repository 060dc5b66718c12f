//! Finding and masking secrets: API keys, tokens, private keys, passwords.
//!
//! INTERFACE STUB (foundation): a few well-known token shapes. The audit work replaces the body
//! and keeps this interface.

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// What kind of secret, such as `aws-access-key` or `private-key`.
    pub kind: &'static str,
    /// Byte range of the secret in the text.
    pub range: std::ops::Range<usize>,
}

/// Finds secrets in a text.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    let mut found = Vec::new();
    for (kind, marker) in [
        ("private-key", "-----BEGIN"),
        ("aws-access-key", "AKIA"),
        ("github-token", "ghp_"),
        ("anthropic-key", "sk-ant-"),
    ] {
        let mut from = 0;
        while let Some(pos) = text[from..].find(marker) {
            let start = from + pos;
            let end = text[start..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .map_or(text.len(), |e| start + e);
            found.push(SecretMatch {
                kind,
                range: start..end,
            });
            from = end.max(start + marker.len());
        }
    }
    found.sort_by_key(|m| m.range.start);
    found
}

/// Returns the text with every secret replaced by `[REDACTED:<kind>]`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in scan(text) {
        if m.range.start < last {
            continue;
        }
        out.push_str(&text[last..m.range.start]);
        out.push_str("[REDACTED:");
        out.push_str(m.kind);
        out.push(']');
        last = m.range.end;
    }
    out.push_str(&text[last..]);
    out
}
