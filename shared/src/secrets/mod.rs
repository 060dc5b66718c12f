//! Finding and masking secrets: API keys, tokens, private keys, passwords.
//!
//! One scanner serves both sides: the gate's input filter ([`scan_call`]) refuses a tool call
//! that would write or send a secret, and the audit trail and the review queue mask secrets
//! ([`redact`]) before anything is written. Precision matters as much as recall, since the
//! scan runs on every call and ordinary code must pass (`let password = prompt()?`,
//! `primary_key = True`, `Authorization: Bearer $TOKEN`). Four habits keep it precise:
//!
//! - vendor tokens are matched by their documented prefix, alphabet and length, must start at
//!   a word boundary and must look random (a digit and a letter at least);
//! - named values (`PASSWORD=...`, `db_password: ...`, `"api_key": "..."`, `--token x`,
//!   `?key=...`, `X-Api-Key: ...`) need a name that says secret (a password, secret, token or qualified key), mask
//!   only the value, and skip values that are references, placeholders or code (`$TOKEN`,
//!   `${X}`, `<token>`, `****`, `password=pw)`, `token: String,`);
//! - private key blocks need a key body, so a PEM parser's header constant is left alone;
//! - generic forms with spaces around `=` (code, not shell) count only with a quoted value.
//!
//! # Cost
//!
//! No regular expressions and nothing built at start-up: one pass over the text looks up each
//! pair of bytes in a table of anchors made at compile time, and only where an
//! anchor is found does its rule look at the bytes around it. A text holding percent escapes
//! (`%67hp_...`), glued shell quotes (`'ghp_'"AbC..."`), backslashes inside words or ANSI-C
//! strings (`$'\x67hp_...'`) is also scanned as the server or the shell would read it
//! (a view), and what is found there is mapped back onto the original text.

mod anchors;
mod call;
mod named;
mod shapes;
mod views;

use std::ops::Range;

pub use call::{CallSecret, scan_call, scan_shell_words};

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// What kind of secret, such as `aws-access-key` or `private-key`.
    pub kind: &'static str,
    /// Byte range of the secret in the text.
    pub range: Range<usize>,
}

/// Finds secrets in a text, sorted by position and never overlapping. The text is also read
/// percent-decoded and with shell quotes removed, when it holds those.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    let mut found = Vec::new();
    scan_into(text, &mut found);
    for view in views::of(text) {
        let mut inside = Vec::new();
        scan_into(&view.text, &mut inside);
        found.extend(inside.into_iter().filter_map(|c| {
            Some(Candidate {
                range: view.original(c.range)?,
                ..c
            })
        }));
    }
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

/// The secrets of one text, as the rules find them (overlaps not yet resolved).
fn scan_into(text: &str, found: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    anchors::for_each(bytes, |at, rule| {
        rule.apply(text, at, &mut Found(found));
    });
}

/// A found secret with its rule's priority (lower wins when two rules find the same text).
#[derive(Debug, Clone)]
struct Candidate {
    kind: &'static str,
    range: Range<usize>,
    priority: u8,
}

/// Where the rules put what they find.
struct Found<'a>(&'a mut Vec<Candidate>);

impl Found<'_> {
    fn push(&mut self, kind: &'static str, range: Range<usize>, priority: u8) {
        if !range.is_empty() {
            self.0.push(Candidate {
                kind,
                range,
                priority,
            });
        }
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

/// Whether a token may start at `at`: the text starts there or the byte before is not a word
/// character, so `risk-assessment` holds no `sk-` key.
fn starts_word(bytes: &[u8], at: usize) -> bool {
    at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_')
}

/// The end of the run of bytes accepted by `accept` starting at `from`.
fn run_end(bytes: &[u8], from: usize, accept: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| !accept(b)))
        .map_or(bytes.len().max(from), |n| from + n)
}

/// Random key material has both digits and letters and is not one repeated character.
fn looks_random(body: &[u8]) -> bool {
    body.iter().any(u8::is_ascii_digit)
        && body.iter().any(u8::is_ascii_alphabetic)
        && body.iter().any(|&b| b != body[0])
}

#[cfg(test)]
mod tests;
