//! Finding and masking secrets: API keys, tokens, private keys, passwords.
//!
//! The gate calls [`scan`] on every tool input and prompt to block secrets, and the audit trail
//! calls [`redact`] on everything it writes, so precision matters as much as recall: ordinary
//! code (`let password = prompt()?`, `mkdir -p`, `Authorization: Bearer $TOKEN`) must not match.
//! Three habits keep it precise:
//!
//! - vendor tokens are matched by their documented prefix, alphabet and length, must start at
//!   a word boundary and must look random (a digit and a letter at least);
//! - generic forms (`PASSWORD=...`, `--token x`, `"secret": "..."`) mask only the value, and
//!   skip values that are references or placeholders (`$TOKEN`, `${X}`, `<token>`, `****`);
//! - private key blocks need a base64 body, so a PEM parser's header constant is left alone.
//!
//! No regular expressions: each rule finds its anchor with a substring search and checks the
//! characters around it by hand, so a scan over a large `Write` costs a few passes of `find`.

use std::ops::Range;

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// What kind of secret, such as `aws-access-key` or `private-key`.
    pub kind: &'static str,
    /// Byte range of the secret in the text.
    pub range: std::ops::Range<usize>,
}

/// Finds secrets in a text, sorted by position and never overlapping.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    vendor_tokens(text, &mut found);
    json_web_tokens(text, &mut found);
    private_keys(text, &mut found);
    aws_secret_keys(text, &lower, &mut found);
    url_passwords(text, &mut found);
    secret_arguments(text, &lower, &mut found);
    mysql_password_arguments(text, &lower, &mut found);
    authorization_headers(text, &lower, &mut found);
    secret_assignments(text, &mut found);
    secret_json_fields(text, &lower, &mut found);
    without_overlaps(found)
}

/// Returns the text with every secret replaced by `[REDACTED:<kind>]`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in scan(text) {
        out.push_str(&text[last..m.range.start]);
        out.push_str("[REDACTED:");
        out.push_str(m.kind);
        out.push(']');
        last = m.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// A found secret with its rule's priority (lower wins when two rules find the same text).
struct Candidate {
    kind: &'static str,
    range: Range<usize>,
    priority: u8,
}

fn push(found: &mut Vec<Candidate>, kind: &'static str, range: Range<usize>, priority: u8) {
    if !range.is_empty() {
        found.push(Candidate {
            kind,
            range,
            priority,
        });
    }
}

/// Keeps the earliest, longest, most specific match wherever matches overlap.
fn without_overlaps(mut found: Vec<Candidate>) -> Vec<SecretMatch> {
    found.sort_by_key(|c| (c.range.start, std::cmp::Reverse(c.range.end), c.priority));
    let mut kept: Vec<SecretMatch> = Vec::with_capacity(found.len());
    for c in found {
        if kept.last().is_some_and(|k| c.range.start < k.range.end) {
            continue;
        }
        kept.push(SecretMatch {
            kind: c.kind,
            range: c.range,
        });
    }
    kept
}

/// Every byte offset where `needle` occurs in `haystack`.
fn occurrences<'a>(haystack: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + haystack.get(from..)?.find(needle)?;
        from = at + needle.len().max(1);
        Some(at)
    })
}

/// Whether a token may start at `at`: the text starts there or the byte before is not a word
/// character, so `risk-assessment` holds no `sk-` key.
fn starts_word(bytes: &[u8], at: usize) -> bool {
    at == 0 || !bytes[at - 1].is_ascii_alphanumeric()
}

/// The end of the run of bytes accepted by `accept` starting at `from`.
fn run_end(bytes: &[u8], from: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| !accept(b))
        .map_or(bytes.len(), |n| from + n)
}

/// Random key material has both digits and letters and is not one repeated character.
fn looks_random(body: &[u8]) -> bool {
    body.iter().any(u8::is_ascii_digit)
        && body.iter().any(u8::is_ascii_alphabetic)
        && body.iter().any(|&b| b != body[0])
}

fn key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn alphanumeric(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn alphanumeric_or_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn alphanumeric_or_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A vendor token: a documented prefix, then a body of `min..=max` bytes from one alphabet.
struct TokenShape {
    kind: &'static str,
    prefix: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
}

const TOKEN_SHAPES: &[TokenShape] = &[
    TokenShape {
        kind: "anthropic-key",
        prefix: "sk-ant-",
        body: key_char,
        min: 20,
        max: 400,
    },
    TokenShape {
        kind: "openai-key",
        prefix: "sk-proj-",
        body: key_char,
        min: 20,
        max: 400,
    },
    TokenShape {
        kind: "openai-key",
        prefix: "sk-svcacct-",
        body: key_char,
        min: 20,
        max: 400,
    },
    TokenShape {
        kind: "openai-key",
        prefix: "sk-",
        body: key_char,
        min: 32,
        max: 400,
    },
    TokenShape {
        kind: "aws-access-key",
        prefix: "AKIA",
        body: upper_or_digit,
        min: 16,
        max: 16,
    },
    TokenShape {
        kind: "aws-access-key",
        prefix: "ASIA",
        body: upper_or_digit,
        min: 16,
        max: 16,
    },
    TokenShape {
        kind: "github-token",
        prefix: "ghp_",
        body: alphanumeric,
        min: 36,
        max: 255,
    },
    TokenShape {
        kind: "github-token",
        prefix: "gho_",
        body: alphanumeric,
        min: 36,
        max: 255,
    },
    TokenShape {
        kind: "github-token",
        prefix: "ghs_",
        body: alphanumeric,
        min: 36,
        max: 255,
    },
    TokenShape {
        kind: "github-token",
        prefix: "ghu_",
        body: alphanumeric,
        min: 36,
        max: 255,
    },
    TokenShape {
        kind: "github-token",
        prefix: "ghr_",
        body: alphanumeric,
        min: 36,
        max: 255,
    },
    TokenShape {
        kind: "github-token",
        prefix: "github_pat_",
        body: alphanumeric_or_underscore,
        min: 22,
        max: 255,
    },
    TokenShape {
        kind: "gitlab-token",
        prefix: "glpat-",
        body: key_char,
        min: 20,
        max: 100,
    },
    TokenShape {
        kind: "slack-token",
        prefix: "xoxb-",
        body: alphanumeric_or_dash,
        min: 10,
        max: 255,
    },
    TokenShape {
        kind: "slack-token",
        prefix: "xoxa-",
        body: alphanumeric_or_dash,
        min: 10,
        max: 255,
    },
    TokenShape {
        kind: "slack-token",
        prefix: "xoxp-",
        body: alphanumeric_or_dash,
        min: 10,
        max: 255,
    },
    TokenShape {
        kind: "slack-token",
        prefix: "xoxr-",
        body: alphanumeric_or_dash,
        min: 10,
        max: 255,
    },
    TokenShape {
        kind: "stripe-key",
        prefix: "sk_live_",
        body: alphanumeric,
        min: 16,
        max: 255,
    },
    TokenShape {
        kind: "stripe-key",
        prefix: "rk_live_",
        body: alphanumeric,
        min: 16,
        max: 255,
    },
    TokenShape {
        kind: "google-api-key",
        prefix: "AIza",
        body: key_char,
        min: 35,
        max: 35,
    },
    TokenShape {
        kind: "npm-token",
        prefix: "npm_",
        body: alphanumeric,
        min: 36,
        max: 36,
    },
];

fn vendor_tokens(text: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for shape in TOKEN_SHAPES {
        // The bare `sk-` shape also matches `sk-ant-` and `sk-proj-` keys; those name it better.
        let priority = u8::from(shape.prefix == "sk-");
        for at in occurrences(text, shape.prefix) {
            if !starts_word(bytes, at) {
                continue;
            }
            let body_start = at + shape.prefix.len();
            let end = run_end(bytes, body_start, shape.body);
            let body = &bytes[body_start..end];
            if (shape.min..=shape.max).contains(&body.len()) && looks_random(body) {
                push(found, shape.kind, at..end, priority);
            }
        }
    }
}

/// `header.payload.signature`, each base64url, the first two starting `eyJ` (`{"`).
fn json_web_tokens(text: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    for at in occurrences(text, "eyJ") {
        if !starts_word(bytes, at) {
            continue;
        }
        let header_end = run_end(bytes, at, base64url);
        if header_end - at < 10 || !text[header_end..].starts_with(".eyJ") {
            continue;
        }
        let payload_end = run_end(bytes, header_end + 1, base64url);
        if payload_end - header_end < 10 || bytes.get(payload_end) != Some(&b'.') {
            continue;
        }
        let signature_end = run_end(bytes, payload_end + 1, base64url);
        if signature_end - payload_end > 10 {
            push(found, "jwt", at..signature_end, 0);
        }
    }
}

/// `-----BEGIN <label> PRIVATE KEY-----` followed by a base64 body, through its `-----END`
/// line when there is one.
fn private_keys(text: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in occurrences(text, "-----BEGIN ") {
        let label_start = at + "-----BEGIN ".len();
        let label_end = run_end(bytes, label_start, |b| b.is_ascii_uppercase() || b == b' ');
        let label = &text[label_start..label_end];
        if !label.contains("PRIVATE KEY") || !text[label_end..].starts_with("-----") {
            continue;
        }
        let body_start = label_end + "-----".len();
        // The body: base64 lines, possibly written with literal `\n` escapes or with
        // `Proc-Type:`-style headers, which the base64 alphabet plus `:`, `,`, `\` covers.
        let body_end = run_end(bytes, body_start, |b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'+' | b'/' | b'=' | b'\\' | b':' | b',' | b'-')
                || b.is_ascii_whitespace()
        });
        let body = &text[body_start..body_end];
        let base64 = body
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
            .count();
        if base64 < 32 {
            continue;
        }
        let end = match body.find("-----END ") {
            Some(footer) => {
                let after = body_start + footer + "-----END ".len();
                text[after..]
                    .find("-----")
                    .map_or(body_end, |close| after + close + "-----".len())
            }
            None => body_end,
        };
        push(found, "private-key", at..end, 0);
    }
}

/// The 40-character secret after `aws_secret_access_key` (`=`, `:`, quoted or not).
fn aws_secret_keys(text: &str, lower: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for name in ["aws_secret_access_key", "secretaccesskey"] {
        for at in occurrences(lower, name) {
            let mut i = at + name.len();
            i = skip(bytes, i, |b| matches!(b, b'"' | b'\'' | b' ' | b'\t'));
            if !matches!(bytes.get(i), Some(b'=' | b':')) {
                continue;
            }
            i = skip(bytes, i + 1, |b| matches!(b, b'"' | b'\'' | b' ' | b'\t'));
            let end = run_end(bytes, i, |b| {
                b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b'=')
            });
            if end - i == 40 && looks_random(&bytes[i..end]) {
                push(found, "aws-secret-key", i..end, 1);
            }
        }
    }
}

fn skip(bytes: &[u8], from: usize, what: impl Fn(u8) -> bool) -> usize {
    run_end(bytes, from, what)
}

/// The password of `scheme://user:password@host`.
fn url_passwords(text: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in occurrences(text, "://") {
        let scheme_start = (0..at)
            .rev()
            .take_while(|&i| {
                bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'+' | b'.' | b'-')
            })
            .last();
        if !scheme_start.is_some_and(|s| bytes[s].is_ascii_alphabetic()) {
            continue;
        }
        let authority_start = at + 3;
        let authority_end = run_end(bytes, authority_start, |b| {
            !matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`') && !b.is_ascii_whitespace()
        });
        let authority = &text[authority_start..authority_end];
        let Some(at_sign) = authority.rfind('@') else {
            continue;
        };
        let Some(colon) = authority[..at_sign].find(':') else {
            continue;
        };
        let password = authority_start + colon + 1..authority_start + at_sign;
        if !is_placeholder(&text[password.clone()]) {
            push(found, "url-password", password, 2);
        }
    }
}

/// Values that name a secret rather than hold one: references, templates, masks.
fn is_placeholder(value: &str) -> bool {
    let Some(first) = value.bytes().next() else {
        return true;
    };
    matches!(first, b'$' | b'{' | b'<' | b'%' | b'(' | b'`' | b'[' | b'@')
        || value.bytes().all(|b| b == first)
        || matches!(
            value.to_ascii_lowercase().as_str(),
            "password" | "secret" | "token" | "changeme" | "none" | "null" | "true" | "false"
        )
}

/// Long options whose value is a secret.
const SECRET_OPTIONS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "api-key",
    "apikey",
    "api-token",
    "access-token",
    "auth-token",
    "secret",
    "client-secret",
    "secret-key",
    "private-token",
];

/// `--password=x`, `--password x`, `--token x`, `--api-key=x`, ...
fn secret_arguments(text: &str, lower: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in occurrences(lower, "--") {
        if at > 0 && !matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'"' | b'\'') {
            continue;
        }
        let name_end = run_end(bytes, at + 2, |b| b.is_ascii_alphanumeric() || b == b'-');
        if !SECRET_OPTIONS.contains(&&lower[at + 2..name_end]) {
            continue;
        }
        let value_start = match bytes.get(name_end) {
            Some(b'=') => name_end + 1,
            Some(b' ' | b'\t') => skip(bytes, name_end, |b| b == b' ' || b == b'\t'),
            _ => continue,
        };
        let value = word_at(text, value_start);
        if !text[value.clone()].starts_with('-') && !is_placeholder(&text[value.clone()]) {
            push(found, "secret-argument", value, 3);
        }
    }
}

/// The shell word at `start`: inside its quotes when quoted, else up to a space or operator.
fn word_at(text: &str, start: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    match bytes.get(start) {
        Some(&quote @ (b'"' | b'\'')) => {
            let inner = start + 1;
            let end = text[inner..]
                .find(|c: char| c == char::from(quote) || c == '\n')
                .map_or(text.len(), |n| inner + n);
            inner..end
        }
        _ => {
            start..run_end(bytes, start, |b| {
                !b.is_ascii_whitespace() && !matches!(b, b';' | b'&' | b'|' | b')' | b'"' | b'\'')
            })
        }
    }
}

/// `mysql -psecret` and friends: `-p` glued to the password, only after a MySQL client on the
/// same line (elsewhere `-p` is a port, `mkdir -p`, `-pthread`...).
fn mysql_password_arguments(text: &str, lower: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in occurrences(lower, " -p") {
        // The line so far, looked at only a few KiB back so that a huge line stays linear.
        let window = &lower.as_bytes()[at.saturating_sub(4096)..at];
        let line = window
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(window, |n| &window[n + 1..]);
        let is_mysql = line.split(u8::is_ascii_whitespace).any(|word| {
            let program = word.rsplit(|&b| b == b'/').next().unwrap_or_default();
            [&b"mysql"[..], b"mysqldump", b"mysqladmin", b"mariadb"].contains(&program)
        });
        let value_start = at + 3;
        if !is_mysql
            || matches!(
                bytes.get(value_start),
                None | Some(b' ' | b'\t' | b'\n' | b'-')
            )
        {
            continue;
        }
        let value = word_at(text, value_start);
        if !is_placeholder(&text[value.clone()]) {
            push(found, "secret-argument", value, 3);
        }
    }
}

/// `Authorization: Bearer x`, `Authorization: token x`, and a long random `Bearer x` anywhere.
fn authorization_headers(text: &str, lower: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let token_char = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-' | b':')
    };
    for at in occurrences(lower, "authorization") {
        let mut i = skip(bytes, at + "authorization".len(), |b| {
            matches!(b, b'"' | b'\'' | b' ')
        });
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        i = skip(bytes, i + 1, |b| matches!(b, b' ' | b'\t' | b'"' | b'\''));
        let scheme_end = run_end(bytes, i, token_char);
        let scheme = &lower[i..scheme_end];
        let value = if matches!(scheme, "bearer" | "basic" | "token" | "digest" | "bot") {
            let start = skip(bytes, scheme_end, |b| b == b' ');
            start..run_end(bytes, start, token_char)
        } else {
            i..scheme_end
        };
        if !is_placeholder(&text[value.clone()]) {
            push(found, "authorization", value, 2);
        }
    }
    for at in occurrences(lower, "bearer ") {
        if !starts_word(bytes, at) {
            continue;
        }
        let start = skip(bytes, at + "bearer".len(), |b| b == b' ');
        let end = run_end(bytes, start, token_char);
        if end - start >= 16 && looks_random(&bytes[start..end]) {
            push(found, "authorization", start..end, 2);
        }
    }
}

/// `PASSWORD=x`, `DB_PASSWORD="x"`, `export GITHUB_TOKEN=x`, `API_KEY = "x"`: an upper-case
/// name whose last part says secret. With spaces around `=` (code, not shell) only a quoted
/// value counts, so `TOKEN = compute()` is left alone.
fn secret_assignments(text: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in occurrences(text, "=") {
        if matches!(bytes.get(at + 1), Some(b'=' | b'~'))
            || at > 0
                && matches!(
                    bytes[at - 1],
                    b'=' | b'!'
                        | b'<'
                        | b'>'
                        | b'+'
                        | b'-'
                        | b'*'
                        | b'/'
                        | b'%'
                        | b'&'
                        | b'|'
                        | b'^'
                        | b':'
                )
        {
            continue;
        }
        let name_end = (0..at)
            .rev()
            .find(|&i| bytes[i] != b' ')
            .map_or(0, |i| i + 1);
        let name_start = (0..name_end)
            .rev()
            .take_while(|&i| {
                bytes[i].is_ascii_uppercase() || bytes[i].is_ascii_digit() || bytes[i] == b'_'
            })
            .last()
            .unwrap_or(name_end);
        if name_start == name_end
            || name_start > 0
                && (bytes[name_start - 1].is_ascii_alphanumeric() || bytes[name_start - 1] == b'_')
            || !names_a_secret(&text[name_start..name_end])
        {
            continue;
        }
        let value_start = skip(bytes, at + 1, |b| b == b' ');
        let spaced = name_end < at || value_start > at + 1;
        let quoted = matches!(bytes.get(value_start), Some(b'"' | b'\''));
        if spaced && !quoted {
            continue;
        }
        let value = word_at(text, value_start);
        if !is_placeholder(&text[value.clone()]) {
            push(found, "secret-assignment", value, 4);
        }
    }
}

/// Whether an upper-case variable name holds a secret: `PASSWORD`, `DB_PASSWORD`,
/// `GITHUB_TOKEN`, `API_KEY`, `AWS_SECRET_ACCESS_KEY`; not `TOKEN_URL` or `PWD`.
fn names_a_secret(name: &str) -> bool {
    let mut parts = name.rsplit('_').filter(|p| !p.is_empty());
    let last = parts.next().unwrap_or_default();
    let before = parts.next().unwrap_or_default();
    matches!(
        last,
        "PASSWORD" | "PASSWD" | "PASSPHRASE" | "SECRET" | "TOKEN" | "APIKEY" | "CREDENTIALS"
    ) || last == "KEY" && matches!(before, "API" | "SECRET" | "PRIVATE" | "ACCESS" | "AUTH")
}

/// JSON fields whose value is a secret: `"password": "x"`, `"api_key": "x"`.
fn secret_json_fields(text: &str, lower: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for name in [
        "\"password\"",
        "\"passwd\"",
        "\"secret\"",
        "\"token\"",
        "\"api_key\"",
        "\"apikey\"",
        "\"access_token\"",
        "\"refresh_token\"",
        "\"client_secret\"",
        "\"private_key\"",
        "\"auth_token\"",
    ] {
        for at in occurrences(lower, name) {
            let mut i = skip(bytes, at + name.len(), |b| b == b' ');
            if bytes.get(i) != Some(&b':') {
                continue;
            }
            i = skip(bytes, i + 1, |b| b == b' ');
            if bytes.get(i) != Some(&b'"') {
                continue;
            }
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let end = end.min(bytes.len());
            if !is_placeholder(&text[start..end]) {
                push(found, "secret-field", start..end, 4);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        scan(text).into_iter().map(|m| m.kind).collect()
    }

    /// Each secret kind, with the text that must be masked and the kind it is reported as.
    const SECRETS: &[(&str, &str, &str)] = &[
        (
            "curl -H 'x-api-key: sk-ant-api03-Xb7kPq2ZrT9wLm4NvC8sDf3Gh6Jk1Lp0QaWeRtYuIoPa-AbCdEf12' https://api.anthropic.com",
            "sk-ant-api03-Xb7kPq2ZrT9wLm4NvC8sDf3Gh6Jk1Lp0QaWeRtYuIoPa-AbCdEf12",
            "anthropic-key",
        ),
        (
            "OPENAI=sk-proj-4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab",
            "sk-proj-4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab",
            "openai-key",
        ),
        (
            "key: sk-T3BlbkFJ4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab12",
            "sk-T3BlbkFJ4fGh7Jk9Lm2Np5Qr8St1Uv3Wx6Yz0Ab12",
            "openai-key",
        ),
        (
            "id=AKIAIOSFODNN7EXAMPLE;",
            "AKIAIOSFODNN7EXAMPLE",
            "aws-access-key",
        ),
        (
            "ASIAY34FZKBOKMUTVV7A",
            "ASIAY34FZKBOKMUTVV7A",
            "aws-access-key",
        ),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws-secret-key",
        ),
        (
            "git remote add o https://ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8@github.com/x/y",
            "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            "github-token",
        ),
        (
            "gho_16C7e42F292c6912E7710c838347Ae178B4a",
            "gho_16C7e42F292c6912E7710c838347Ae178B4a",
            "github-token",
        ),
        (
            "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
            "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
            "github-token",
        ),
        (
            "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
            "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
            "github-token",
        ),
        (
            "glpat-xT9wLm4NvC8sDf3Gh6Jk",
            "glpat-xT9wLm4NvC8sDf3Gh6Jk",
            "gitlab-token",
        ),
        (
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "slack-token",
        ),
        (
            "xoxp-123456789012-abcdef",
            "xoxp-123456789012-abcdef",
            "slack-token",
        ),
        (
            "stripe.api_key = sk_live_51H8kPq2ZrT9wLm4NvC8sDf3G",
            "sk_live_51H8kPq2ZrT9wLm4NvC8sDf3G",
            "stripe-key",
        ),
        (
            "maps?key=AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q&x",
            "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
            "google-api-key",
        ),
        (
            "//registry.npmjs.org/:_authToken=npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            "npm_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            "npm-token",
        ),
        (
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U done",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "jwt",
        ),
        (
            "cat > id <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBz\n-----END OPENSSH PRIVATE KEY-----\nEOF",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBz\n-----END OPENSSH PRIVATE KEY-----",
            "private-key",
        ),
        (
            "git clone https://deploy:s3cr3tPass@git.example.com/repo.git",
            "s3cr3tPass",
            "url-password",
        ),
        (
            "psql postgres://app:hunter2@db:5432/app",
            "hunter2",
            "url-password",
        ),
        (
            "tool --password=hunter2 --verbose",
            "hunter2",
            "secret-argument",
        ),
        (
            "gh api --token abc123def456",
            "abc123def456",
            "secret-argument",
        ),
        ("cli --api-key \"k-98765\"", "k-98765", "secret-argument"),
        ("mysql -u root -phunter2 app", "hunter2", "secret-argument"),
        (
            "curl -H 'Authorization: Bearer abc.def.ghi123' https://x",
            "abc.def.ghi123",
            "authorization",
        ),
        (
            "Authorization: token 0123456789abcdef",
            "0123456789abcdef",
            "authorization",
        ),
        ("PASSWORD=hunter2 ./run.sh", "hunter2", "secret-assignment"),
        (
            "export DB_PASSWORD='correct horse'",
            "correct horse",
            "secret-assignment",
        ),
        ("SECRET=s3cr3t npm start", "s3cr3t", "secret-assignment"),
        ("TOKEN=t0k3n make deploy", "t0k3n", "secret-assignment"),
        ("API_KEY = \"abc123\"", "abc123", "secret-assignment"),
        ("{\"password\": \"hunter2\"}", "hunter2", "secret-field"),
    ];

    #[test]
    fn finds_and_masks_every_kind() {
        for (text, secret, kind) in SECRETS {
            let found = scan(text);
            assert_eq!(
                found
                    .iter()
                    .map(|m| (m.kind, &text[m.range.clone()]))
                    .collect::<Vec<_>>(),
                vec![(*kind, *secret)],
                "in {text:?}"
            );
            let masked = redact(text);
            assert!(!masked.contains(secret), "{masked}");
            assert!(masked.contains(&format!("[REDACTED:{kind}]")), "{masked}");
        }
    }

    #[test]
    fn leaves_ordinary_code_alone() {
        let ordinary = [
            "let password = prompt_password()?;",
            "if token.is_empty() { return Err(Error::NoToken); }",
            "const MAX_TOKENS: usize = 4096;",
            "mkdir -p build/output && cp -pr src dst",
            "gcc -pthread -O2 main.c -o main",
            "ssh -p 2222 deploy@example.com",
            "psql -h localhost -p 5432 -U postgres",
            "docker run -p 8080:80 nginx",
            "git clone git@github.com:org/repo.git",
            "curl https://example.com/api?page=2&per_page=100",
            "export PATH=$HOME/bin:$PATH",
            "echo $GITHUB_TOKEN | gh auth login --with-token",
            "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com",
            "git clone https://x-access-token:${GH_TOKEN}@github.com/o/r.git",
            "<div class=\"sk-button-primary-large-outline-variant\">",
            "risk-assessment-for-the-deployment-pipeline-config",
            "TOKEN_URL=https://auth.example.com/token ./login",
            "PWD=/home/dev/project",
            "if TOKEN == expected:",
            "API_KEY = os.environ[\"API_KEY\"]",
            "PASSWORD = get_password()",
            "const HEADER: &str = \"-----BEGIN PRIVATE KEY-----\";",
            "fn tokenize(input: &str) -> Vec<Token> { input.split(' ').map(Token::from).collect() }",
            "assert_eq!(config.secret, None);",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "git log --pretty=format:%H -n 1 --since=2.weeks",
            "uuid: 123e4567-e89b-12d3-a456-426614174000",
            "aws s3 ls s3://bucket/prefix --profile prod --region eu-west-1",
            "cargo test -- --nocapture --test-threads=1",
            "npm_config_cache=/tmp/npm npm ci",
            "AKIAXXXXXXXXXXXXXXXX is the placeholder in the docs",
            "kubectl create secret generic app --from-literal=user=admin",
            "\"token\": \"<your-token-here>\"",
            "tool --password-file ~/.pw --token-file /run/secrets/t",
            "read -s -p 'Password: ' PASSWORD",
            "https://docs.rs/sha2/latest/sha2/struct.Sha256.html#method.digest",
            "x = a != b && c >= d",
        ];
        for line in ordinary {
            assert_eq!(
                kinds(line),
                Vec::<&str>::new(),
                "false positive in {line:?}"
            );
            assert_eq!(redact(line), line);
        }
    }

    #[test]
    fn redaction_is_idempotent_and_keeps_the_rest() {
        let text = "PASSWORD=hunter2 curl -u x https://u:p4ss@h/ -H 'Authorization: Bearer zzz123'";
        let once = redact(text);
        assert_eq!(
            once,
            "PASSWORD=[REDACTED:secret-assignment] curl -u x https://u:[REDACTED:url-password]@h/ -H 'Authorization: Bearer [REDACTED:authorization]'"
        );
        assert_eq!(redact(&once), once);
    }

    #[test]
    fn an_unterminated_private_key_is_masked_to_the_end_of_its_body() {
        let text =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
        assert_eq!(redact(text), "[REDACTED:private-key]");
    }

    #[test]
    fn multibyte_text_never_splits_a_character() {
        for text in [
            "é=é",
            "ÉTÉ_TOKEN=é",
            "--é",
            "--password=é",
            " -pé mysql",
            "mysql -pé",
            "mysql -p",
            "https://é:é@é",
            "ftp://:@",
            "-----BEGIN é PRIVATE KEY-----",
            "Authorization:é",
            "\"password\":\"é\\",
            "aws_secret_access_key=é",
            "sk-",
            "eyJé.eyJ",
            "=",
            "",
        ] {
            let _ = redact(text);
        }
        assert_eq!(
            redact("mot de passe: PASSWORD=été"),
            "mot de passe: PASSWORD=[REDACTED:secret-assignment]"
        );
    }

    #[test]
    fn a_specific_kind_wins_over_a_generic_one() {
        assert_eq!(
            kinds("GITHUB_TOKEN=ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"),
            vec!["github-token"]
        );
    }
}
