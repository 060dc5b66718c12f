//! Secrets recognised by what names them: `NAME=value`, `name: value`, `"name": "value"`,
//! `--name value`, `?name=value`, `Authorization:`, `Cookie:`, `curl -u user:password`,
//! `scheme://user:password@host`.
//!
//! A name says secret ([`says_secret`]) when its last part is a strong word (`password`,
//! `passwd`, `passphrase`, `secret`, `token`, `credential(s)`, also glued: `PGPASSWORD`,
//! `apiKey`), or a weak word (`key`, `auth`, `pwd`, `sig`, `signature`) qualified by the part
//! before it (`api_key`, `MYSQL_PWD`, `AccountKey`, `http_auth`) but not by one that makes it
//! something else (`primary_key`, `sort_key`, `public_key`). A bare weak word counts in a URL's
//! query (`?key=`), or with a value that looks random. Names that ask about a secret rather
//! than hold one (`no_password`, `with_token`, `max_tokens`, `next_token`) do not count.
//!
//! Only the value is masked, and values that are references, placeholders or code are left
//! alone; with spaces around `=` (code, not shell) only a quoted value counts.

use std::ops::Range;

use super::{Found, looks_random, run_end, starts_word};

/// How a name says its value is secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Says {
    No,
    Yes,
    /// A bare weak word (`key`, `auth`): only with a value that looks random.
    IfRandom,
}

/// Words whose name always holds a secret, also at the end of a glued name (`PGPASSWORD`).
const STRONG: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "credentials",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
];

/// Words that hold a secret when another part qualifies them (`api_key`, `MYSQL_PWD`).
const WEAK: &[&str] = &["key", "auth", "pwd", "sig", "signature"];

/// First parts of names that ask about a secret rather than hold one.
const ASKING: &[&str] = &[
    "no", "skip", "disable", "disabled", "enable", "enabled", "with", "without", "use", "ask",
    "prompt", "require", "required", "allow", "insecure", "show", "hide", "is", "has", "needs",
    "reset", "forgot", "forget", "remember", "read", "print", "generate", "gen", "rotate",
    "revoke", "list", "check", "verify", "validate", "max", "min", "num", "count", "total",
];

/// Parts that make `key` or `token` something other than a secret.
const NOT_SECRET: &[&str] = &[
    "primary",
    "foreign",
    "public",
    "publishable",
    "pub",
    "sort",
    "partition",
    "range",
    "hash",
    "cache",
    "dict",
    "map",
    "lookup",
    "group",
    "index",
    "unique",
    "composite",
    "row",
    "column",
    "object",
    "idempotency",
    "routing",
    "shard",
    "sub",
    "s3",
    "i18n",
    "translation",
    "natural",
    "surrogate",
    "registry",
    "keyboard",
    "hot",
    "shortcut",
    "next",
    "prev",
    "previous",
    "page",
    "pagination",
    "continuation",
    "sync",
    "cancellation",
    "cancel",
    "resume",
    "lexer",
    "parser",
    "syntax",
    "eof",
    "end",
    "start",
    "input",
    "output",
    "stop",
    "special",
    "bos",
    "eos",
    "pad",
    "unk",
    "mask",
    "sep",
    "cls",
    "ssh",
    "gpg",
    "pgp",
    "the",
    "my",
    "this",
    "sorting",
    "dedup",
    "dedupe",
    "table",
    "file",
    "path",
];

/// The parts of a name, lower-cased: split at separators and case changes
/// (`spring.datasource.password`, `X-Api-Key`, `accountKey`, `APIKey`).
fn parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_ascii_uppercase()
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(char::is_ascii_lowercase));
        if boundary && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether `name` could say secret at all: it holds one of the words, in any case. Most
/// names are turned away here, without splitting them.
fn mentions_secret(name: &str) -> bool {
    const STEMS: &[&[u8]] = &[
        b"pass",
        b"pwd",
        b"secret",
        b"token",
        b"credential",
        b"key",
        b"auth",
        b"sig",
    ];
    name.as_bytes().windows(3).any(|w| {
        let w = [
            w[0].to_ascii_lowercase(),
            w[1].to_ascii_lowercase(),
            w[2].to_ascii_lowercase(),
        ];
        STEMS.iter().any(|stem| stem[..3] == w)
    })
}

/// Whether `name` says its value is a secret; `query` when it is a URL query parameter.
fn says_secret(name: &str, query: bool) -> Says {
    if !mentions_secret(name) {
        return Says::No;
    }
    let parts = parts(name);
    let Some(last) = parts.last() else {
        return Says::No;
    };
    let before = parts.len().checked_sub(2).map(|i| parts[i].as_str());
    if parts.len() > 1 && ASKING.contains(&parts[0].as_str())
        || parts
            .iter()
            .any(|p| matches!(p.as_str(), "public" | "publishable"))
    {
        return Says::No;
    }
    // `primary_key`, `next_token`: a qualifier that makes the word something else.
    let qualified_away = before.is_some_and(|b| NOT_SECRET.contains(&b));
    let glued: String = parts.concat();
    if STRONG.iter().any(|w| glued.ends_with(w)) {
        return if qualified_away && last == "token" {
            Says::No
        } else {
            Says::Yes
        };
    }
    if !WEAK.contains(&last.as_str()) || qualified_away {
        return Says::No;
    }
    if query || before.is_some() || name.starts_with("_auth") {
        Says::Yes
    } else {
        Says::IfRandom
    }
}

/// Values that name a secret rather than hold one: references, templates, masks, examples.
pub(super) fn is_placeholder(value: &str) -> bool {
    let Some(first) = value.bytes().next() else {
        return true;
    };
    let lower = value.to_ascii_lowercase();
    matches!(first, b'$' | b'{' | b'<' | b'%' | b'(' | b'`' | b'[' | b'@' | b'*')
        || value.bytes().all(|b| b == first)
        || matches!(
            lower.as_str(),
            "password" | "passwd" | "pass" | "pw" | "secret" | "token" | "key" | "changeme"
                | "none" | "null"
                | "nil" | "true" | "false" | "undefined" | "yes" | "no" | "on" | "off"
                | "required" | "optional" | "string" | "str" | "bool" | "boolean" | "number"
                | "int" | "bytes" | "any" | "unknown" | "object" | "env" | "default" | "empty"
                | "unset" | "hidden" | "redacted" | "masked" | "dummy" | "fake"
        )
        || ["your_", "your-", "xxxx", "example", "placeholder", "changeme"]
            .iter()
            .any(|p| lower.contains(p))
        // `API_KEY`, `MY_TOKEN`: the name of a variable, not its value.
        || value.contains('_') && value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

/// A value a bare weak name (`KEY=`, `"auth":`) must have: long, mixed, not a path.
fn random_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 12
        && !matches!(bytes[0], b'/' | b'~' | b'.')
        && !bytes.iter().any(u8::is_ascii_whitespace)
        && (looks_random(bytes)
            || bytes.iter().any(u8::is_ascii_uppercase) && bytes.iter().any(u8::is_ascii_lowercase))
}

/// Whether `value` may be masked for a name that says `says`.
fn worth_masking(says: Says, value: &str) -> bool {
    match says {
        Says::No => false,
        Says::Yes => !is_placeholder(value),
        Says::IfRandom => !is_placeholder(value) && random_value(value),
    }
}

fn name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

fn blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Where an unquoted value ends: at a blank, a quote, or a shell or code separator.
fn unquoted_end(bytes: &[u8], start: usize, query: bool) -> usize {
    run_end(bytes, start, |b| {
        let separator = b.is_ascii_whitespace()
            || matches!(
                b,
                b';' | b'&' | b'|' | b'"' | b'\'' | b'`' | b'<' | b'>' | b')' | b'}' | b']' | b','
            )
            || query && b == b'#';
        !separator
    })
}

/// The quoted string whose opening quote is at `start`: its inside, to the closing quote or
/// the end of the line.
fn quoted(text: &str, start: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let quote = bytes[start];
    let inner = start + 1;
    let mut end = inner;
    while end < bytes.len() && bytes[end] != quote && bytes[end] != b'\n' {
        end += if bytes[end] == b'\\' && quote == b'"' {
            2
        } else {
            1
        };
    }
    inner..end.min(bytes.len())
}

/// A quote around a literal. A backquote is not one: it runs a command (and in Markdown it
/// marks code), so what it encloses is never a literal secret.
fn is_quote(b: u8) -> bool {
    matches!(b, b'"' | b'\'')
}

/// An unquoted value that is code rather than a literal: a call, an index, or an identifier
/// passed on (`password=pw)`, `token=tok,`).
fn looks_like_code(bytes: &[u8], value: Range<usize>) -> bool {
    let v = &bytes[value.clone()];
    let identifier = v
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    v.iter().any(|b| matches!(b, b'(' | b'[' | b'{'))
        || identifier && matches!(bytes.get(value.end), Some(b',' | b')'))
}

/// The name that ends at `end` (exclusive): quoted (`"password"`, its quotes given back) or
/// a bare run of name characters.
fn name_before(text: &str, end: usize) -> Option<(Range<usize>, Option<u8>)> {
    let bytes = text.as_bytes();
    let last = *bytes.get(end.checked_sub(1)?)?;
    if is_quote(last) {
        let close = end - 1;
        let open = bytes[..close]
            .iter()
            .rposition(|&b| b == last || b == b'\n')?;
        return (bytes[open] == last && open < close).then_some((open + 1..close, Some(last)));
    }
    let start = (0..end).rev().take_while(|&i| name_char(bytes[i])).last()?;
    Some((start..end, None))
}

/// `NAME=value`, `db.password=x`, `--password=x`, `?key=x`, `name => 'x'`, `PASSWORD = "x"`.
pub(super) fn assignment(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let next = bytes.get(at + 1).copied();
    let arrow = next == Some(b'>');
    if matches!(next, Some(b'=' | b'~'))
        || at > 0
            && matches!(
                bytes[at - 1],
                b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^'
            )
    {
        return;
    }
    // `:=` (Go) is code: the name is before the colon.
    let op_start = if at > 0 && bytes[at - 1] == b':' {
        at - 1
    } else {
        at
    };
    let name_end = run_end_back(bytes, op_start, blank);
    let Some((name, name_quote)) = name_before(text, name_end) else {
        return;
    };
    let value_start = run_end(bytes, if arrow { at + 2 } else { at + 1 }, blank);
    let spaced = name_end < op_start || value_start > at + 1 || op_start < at || arrow;
    let query = name.start > 0 && matches!(bytes[name.start - 1], b'?' | b'&');
    let raw_name = &text[name.clone()];
    let option = raw_name.starts_with('-');
    let says = says_secret(raw_name.trim_start_matches('-'), query);
    if says == Says::No || name_quote.is_some() && !arrow {
        return;
    }
    let value = match bytes.get(value_start) {
        Some(&q) if is_quote(q) => quoted(text, value_start),
        Some(_) if !spaced => {
            let end = unquoted_end(bytes, value_start, query);
            if !query && looks_like_code(bytes, value_start..end) {
                return;
            }
            value_start..end
        }
        _ => return,
    };
    if worth_masking(says, &text[value.clone()]) {
        let (kind, priority) = match (option, query) {
            (true, _) => ("secret-argument", 3),
            (false, true) => ("url-secret", 4),
            (false, false) => ("secret-assignment", 4),
        };
        found.push(kind, value, priority);
    }
}

/// The start of the run of bytes accepted by `accept` that ends at `end`.
fn run_end_back(bytes: &[u8], end: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes[..end]
        .iter()
        .rposition(|&b| !accept(b))
        .map_or(0, |p| p + 1)
}

/// `name: value` (YAML, headers, Ruby), `"name": "value"` (JSON), `'X-Api-Key: value'`.
pub(super) fn colon_value(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let next = bytes.get(at + 1).copied();
    if !matches!(next, Some(b' ' | b'\t' | b'"' | b'\'')) || at > 0 && bytes[at - 1] == b':' {
        return;
    }
    let name_end = run_end_back(bytes, at, blank);
    let Some((name, name_quote)) = name_before(text, name_end) else {
        return;
    };
    let says = says_secret(&text[name.clone()], false);
    // JSON fields named `auth` hold credentials (a registry's `auths`, npm).
    let says = match (says, name_quote) {
        (Says::IfRandom, Some(_)) if text[name.clone()].eq_ignore_ascii_case("auth") => Says::Yes,
        (says, _) => says,
    };
    if says == Says::No {
        return;
    }
    // A bare name right after a quote is inside a string (`'X-Api-Key: abc'`): the value
    // ends where that string does.
    let string = match (name_quote, name.start.checked_sub(1).map(|i| bytes[i])) {
        (None, Some(q)) if is_quote(q) => Some(q),
        _ => None,
    };
    let value_start = run_end(bytes, at + 1, blank);
    let value = match bytes.get(value_start) {
        Some(&q) if string == Some(q) => return,
        Some(&q) if is_quote(q) => quoted(text, value_start),
        Some(_) if next == Some(b' ') || next == Some(b'\t') => {
            let end = match string {
                Some(q) => run_end(bytes, value_start, |b| b != q && !b.is_ascii_whitespace()),
                None => unquoted_end(bytes, value_start, false),
            };
            if string.is_none() && !literal_after_colon(bytes, value_start..end) {
                return;
            }
            value_start..end
        }
        _ => return,
    };
    if worth_masking(says, &text[value.clone()]) {
        found.push("secret-field", value, 4);
    }
}

/// Whether an unquoted value after `name:` is a literal that ends its line (YAML, a header)
/// rather than a type, an expression or prose (`password: String,`, `token: Option<T>`,
/// `key: &str`, `pin: u32)`, `a secret: keys and credentials`).
fn literal_after_colon(bytes: &[u8], value: Range<usize>) -> bool {
    let v = &bytes[value.clone()];
    let Some(&first) = v.first() else {
        return false;
    };
    let after = run_end(bytes, value.end, blank);
    let type_like = first.is_ascii_uppercase()
        && v.iter().all(u8::is_ascii_alphanumeric)
        && !v.iter().any(u8::is_ascii_digit);
    let ends_line = matches!(bytes.get(after), None | Some(b'\n' | b'\r' | b'#'));
    ends_line
        && !matches!(first, b'&' | b'*' | b'!' | b'|' | b'>')
        && !type_like
        && !looks_like_code(bytes, value)
}

/// The program names on the line that holds `at`, looked at only a few KiB back so that a
/// huge line stays linear.
fn line_runs(text: &str, at: usize, programs: &[&str]) -> bool {
    let bytes = text.as_bytes();
    let window = &bytes[at.saturating_sub(4096)..at];
    let line = window
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(window, |n| &window[n + 1..]);
    line.split(|b| {
        b.is_ascii_whitespace() || matches!(b, b';' | b'|' | b'&' | b'(' | b'\'' | b'"' | b'`')
    })
    .any(|word| {
        let program = word.rsplit(|&b| b == b'/').next().unwrap_or_default();
        programs.iter().any(|p| p.as_bytes() == program)
    })
}

/// Programs whose `-u`/`--user` takes `user:password`.
const HTTP_CLIENTS: &[&str] = &["curl", "wget", "http", "https", "xh", "httpie", "aria2c"];

/// The word at `start`: inside its quotes when quoted, else up to a blank or separator.
fn word_at(text: &str, start: usize) -> Range<usize> {
    match text.as_bytes().get(start) {
        Some(&q) if is_quote(q) => quoted(text, start),
        _ => start..unquoted_end(text.as_bytes(), start, false),
    }
}

/// Masks the password of `user:password` in `value`, when there is one.
fn user_password(text: &str, value: Range<usize>, found: &mut Found<'_>) {
    let Some(colon) = text[value.clone()].find(':') else {
        return;
    };
    let password = value.start + colon + 1..value.end;
    let secret = &text[password.clone()];
    if !secret.bytes().all(|b| b.is_ascii_digit()) && !is_placeholder(secret) {
        found.push("basic-auth", password, 2);
    }
}

/// `--password x`, `--api-key x`, `--user u:p` (HTTP clients), `--cookie 'a=b'`. The `=`
/// forms are read by [`assignment`].
pub(super) fn long_option(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if at > 0 && !matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'"' | b'\'') {
        return;
    }
    let name_start = at + 2;
    if !bytes.get(name_start).is_some_and(u8::is_ascii_alphanumeric) {
        return;
    }
    let name_end = run_end(bytes, name_start, |b| {
        b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
    });
    if !matches!(bytes.get(name_end), Some(b' ' | b'\t')) {
        return;
    }
    let value = word_at(text, run_end(bytes, name_end, blank));
    let name = &text[name_start..name_end];
    let literal = &text[value.clone()];
    if matches!(name, "user" | "proxy-user") {
        if line_runs(text, at, HTTP_CLIENTS) {
            user_password(text, value, found);
        }
        return;
    }
    if name == "cookie" {
        if literal.contains('=') && !is_placeholder(literal) {
            found.push("cookie", value, 2);
        }
        return;
    }
    let path_like = literal.starts_with(['/', '~', '.'])
        || [
            ".pem", ".key", ".json", ".txt", ".p12", ".pfx", ".crt", ".gpg", ".asc",
        ]
        .iter()
        .any(|ext| literal.ends_with(ext));
    if !literal.starts_with('-') && !path_like && worth_masking(says_secret(name, false), literal) {
        found.push("secret-argument", value, 3);
    }
}

/// `curl -u user:password` and `-U` (proxy), glued or not; only after an HTTP client on the
/// same line (elsewhere `-u` is a user id, `git push -u`, `sort -u`).
pub(super) fn user_option(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if at == 0 || !bytes[at - 1].is_ascii_whitespace() || !line_runs(text, at, HTTP_CLIENTS) {
        return;
    }
    let start = run_end(bytes, at + 2, blank);
    let value = word_at(text, start);
    if start == at + 2 || bytes.get(at + 2).is_some_and(|b| blank(*b)) {
        user_password(text, value, found);
    }
}

/// `mysql -psecret` and friends: `-p` glued to the password, only after a MySQL client on the
/// same line (elsewhere `-p` is a port, `mkdir -p`, `-pthread`...).
pub(super) fn mysql_password(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let value_start = at + 2;
    if at == 0
        || !bytes[at - 1].is_ascii_whitespace()
        || bytes[at + 1] != b'p'
        || matches!(
            bytes.get(value_start),
            None | Some(b' ' | b'\t' | b'\n' | b'-')
        )
        || !line_runs(text, at, &["mysql", "mysqldump", "mysqladmin", "mariadb"])
    {
        return;
    }
    let value = word_at(text, value_start);
    if !is_placeholder(&text[value.clone()]) {
        found.push("secret-argument", value, 3);
    }
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-' | b':')
}

/// `Authorization: Bearer x`, `Authorization: token x`, `Proxy-Authorization: Basic x`.
pub(super) fn authorization(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let mut i = run_end(bytes, at + "authorization".len(), |b| {
        matches!(b, b'"' | b'\'' | b' ')
    });
    if bytes.get(i) != Some(&b':') {
        return;
    }
    i = run_end(bytes, i + 1, |b| matches!(b, b' ' | b'\t' | b'"' | b'\''));
    let scheme_end = run_end(bytes, i, token_char);
    let scheme = text[i..scheme_end].to_ascii_lowercase();
    let value = if matches!(
        scheme.as_str(),
        "bearer" | "basic" | "token" | "digest" | "bot"
    ) {
        let start = run_end(bytes, scheme_end, |b| b == b' ');
        start..run_end(bytes, start, token_char)
    } else if scheme_end - i >= 8 {
        i..scheme_end
    } else {
        return;
    };
    if !is_placeholder(&text[value.clone()]) {
        found.push("authorization", value, 2);
    }
}

/// A long random `Bearer <token>` anywhere.
pub(super) fn bearer(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if !starts_word(bytes, at) {
        return;
    }
    let start = run_end(bytes, at + "bearer".len(), |b| b == b' ');
    let end = run_end(bytes, start, token_char);
    if end - start >= 16 && looks_random(&bytes[start..end]) {
        found.push("authorization", start..end, 2);
    }
}

/// `Cookie: a=b; c=d` (and `Set-Cookie:`): the whole value, to the end of the header.
pub(super) fn cookie(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
        return;
    }
    let mut i = run_end(bytes, at + "cookie".len(), |b| matches!(b, b'"' | b'\''));
    if bytes.get(i) != Some(&b':') {
        return;
    }
    i = run_end(bytes, i + 1, |b| matches!(b, b' ' | b'\t' | b'"' | b'\''));
    let end = run_end(bytes, i, |b| !matches!(b, b'"' | b'\'' | b'\n' | b'\r'));
    let value = text[i..end].trim_end();
    if value.contains('=') && !is_placeholder(value) {
        found.push("cookie", i..i + value.len(), 2);
    }
}

/// The password of `scheme://user:password@host`.
pub(super) fn url_password(text: &str, at: usize, found: &mut Found<'_>) {
    let bytes = text.as_bytes();
    let scheme_start = (0..at)
        .rev()
        .take_while(|&i| bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'+' | b'.' | b'-'))
        .last();
    if !scheme_start.is_some_and(|s| bytes[s].is_ascii_alphabetic()) {
        return;
    }
    let authority_start = at + 3;
    let authority_end = run_end(bytes, authority_start, |b| {
        !matches!(b, b'/' | b'?' | b'#' | b'"' | b'\'' | b'`') && !b.is_ascii_whitespace()
    });
    let authority = &text[authority_start..authority_end];
    let Some(at_sign) = authority.rfind('@') else {
        return;
    };
    let Some(colon) = authority[..at_sign].find(':') else {
        return;
    };
    let password = authority_start + colon + 1..authority_start + at_sign;
    if !is_placeholder(&text[password.clone()]) {
        found.push("url-password", password, 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_parts_at_separators_and_case_changes() {
        assert_eq!(
            parts("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(parts("X-Api-Key"), ["x", "api", "key"]);
        assert_eq!(parts("accountKey"), ["account", "key"]);
        assert_eq!(parts("APIKey"), ["api", "key"]);
        assert_eq!(
            parts("SharedAccessSignature"),
            ["shared", "access", "signature"]
        );
        assert_eq!(parts("_authToken"), ["auth", "token"]);
    }

    #[test]
    fn names_say_secret_by_their_last_part() {
        for name in [
            "PASSWORD",
            "PGPASSWORD",
            "MYSQL_PWD",
            "db_password",
            "dbPassword",
            "client_secret",
            "GITHUB_TOKEN",
            "api_key",
            "X-Api-Key",
            "AccountKey",
            "Private-Token",
            "aws_secret_access_key",
            "credentials",
            "http_auth",
            "SharedAccessSignature",
            "_authToken",
            "new_password",
            "ssh_password",
        ] {
            assert_eq!(says_secret(name, false), Says::Yes, "{name}");
        }
        for name in [
            "TOKEN_URL",
            "PWD_DIR",
            "primary_key",
            "sort_key",
            "public_key",
            "max_tokens",
            "next_token",
            "no_password",
            "with-token",
            "token_type",
            "password_file",
            "keyboard",
            "secret_name",
            "key_id",
            "author",
            "publishable_key",
            "pad_token",
        ] {
            assert_eq!(says_secret(name, false), Says::No, "{name}");
        }
        for name in ["key", "auth", "KEY", "pwd", "sig"] {
            assert_eq!(says_secret(name, false), Says::IfRandom, "{name}");
            assert_eq!(says_secret(name, true), Says::Yes, "{name}");
        }
    }
}
