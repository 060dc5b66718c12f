//! Gitignore-style path globs: `*`, `?`, `[...]`, `**`, a trailing `/`.
//!
//! A [`Pattern`] matches a whole `/`-separated path. Where a pattern is anchored (the project
//! root, home, cwd) is the caller's business: resolve both sides to the same root first.
//!
//! - `*` matches any run of characters within one segment, `?` one character, `[a-z]` and
//!   `[!a-z]` (or `[^a-z]`) one character of a class; `\` escapes the next character.
//! - `**` as a whole segment matches zero or more segments: `src/**/*.rs`, `**/.env`.
//! - A trailing `/` (or `/**`) matches everything below the directory; a trailing `/` also
//!   matches the directory itself.

use crate::{Error, Result};

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `**`: zero or more whole segments.
    AnyDepth,
    /// A segment pattern, as characters with escapes resolved into [`Token`]s.
    Tokens(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    AnyRun,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A compiled glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    segments: Vec<Segment>,
    absolute: bool,
}

impl Pattern {
    /// Compiles a pattern. An unterminated `[` or a trailing lone `\` is an error.
    pub fn new(pattern: &str) -> Result<Self> {
        let fail = |message: &str| Error::Other(format!("glob `{pattern}`: {message}"));
        if pattern.is_empty() {
            return Err(fail("empty pattern"));
        }
        let absolute = pattern.starts_with('/');
        let mut body = pattern.trim_start_matches('/').to_owned();
        if body.ends_with('/') {
            body.push_str("**");
        }
        let mut segments = Vec::new();
        for raw in body.split('/').filter(|s| !s.is_empty()) {
            if raw == "**" {
                if segments.last() != Some(&Segment::AnyDepth) {
                    segments.push(Segment::AnyDepth);
                }
                continue;
            }
            segments.push(Segment::Tokens(tokens(raw).map_err(|m| fail(&m))?));
        }
        Ok(Self {
            source: pattern.to_owned(),
            segments,
            absolute,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern starts at `/`.
    pub fn is_absolute(&self) -> bool {
        self.absolute
    }

    /// Whether the pattern matches the whole path. A trailing `/dir/**` also matches `dir`
    /// itself when the pattern was written with a trailing `/`.
    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if match_segments(&self.segments, &parts) {
            return true;
        }
        self.source.ends_with('/')
            && matches!(self.segments.last(), Some(Segment::AnyDepth))
            && match_segments(&self.segments[..self.segments.len() - 1], &parts)
    }

    /// Whether the pattern matches the path or any trailing part of it, as an unanchored
    /// gitignore pattern (`.env` matches `a/b/.env`).
    pub fn matches_anywhere(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        (0..=parts.len()).any(|start| self.matches(&parts[start..].join("/")))
    }
}

fn tokens(segment: &str) -> std::result::Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(Token::Literal(chars.next().ok_or("trailing `\\`")?)),
            '?' => out.push(Token::AnyChar),
            '*' => {
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                out.push(Token::AnyRun);
            }
            '[' => {
                let negated = matches!(chars.peek(), Some('!' | '^'));
                if negated {
                    chars.next();
                }
                let mut ranges = Vec::new();
                let mut closed = false;
                let mut first = true;
                while let Some(c) = chars.next() {
                    if c == ']' && !first {
                        closed = true;
                        break;
                    }
                    first = false;
                    let start = if c == '\\' {
                        chars.next().ok_or("trailing `\\`")?
                    } else {
                        c
                    };
                    if chars.peek() == Some(&'-') {
                        chars.next();
                        match chars.next() {
                            Some(']') => {
                                ranges.push((start, start));
                                ranges.push(('-', '-'));
                                closed = true;
                                break;
                            }
                            Some(end) => ranges.push((start, end)),
                            None => return Err("unterminated `[`".into()),
                        }
                    } else {
                        ranges.push((start, start));
                    }
                }
                if !closed {
                    return Err("unterminated `[`".into());
                }
                out.push(Token::Class { negated, ranges });
            }
            c => out.push(Token::Literal(c)),
        }
    }
    Ok(out)
}

/// Matches whole segments, one pattern segment at a time over the set of path positions it can
/// reach: time is the product of the two lengths however many `**` the pattern has (a
/// backtracking search is exponential in them), and nothing recurses.
fn match_segments(pattern: &[Segment], path: &[&str]) -> bool {
    let mut reach = vec![false; path.len() + 1];
    reach[0] = true;
    for (i, segment) in pattern.iter().enumerate() {
        let mut next = vec![false; path.len() + 1];
        match segment {
            Segment::AnyDepth => {
                // A trailing `**` means "everything inside": at least one segment.
                let least = usize::from(i + 1 == pattern.len());
                if let Some(first) = reach.iter().position(|&r| r) {
                    for slot in next.iter_mut().skip(first + least) {
                        *slot = true;
                    }
                }
            }
            Segment::Tokens(tokens) => {
                for (at, part) in path.iter().enumerate() {
                    if reach[at] && match_tokens(tokens, part) {
                        next[at + 1] = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach[path.len()]
}

/// Matches one segment; iterative with a single backtrack point for `*`, so it is linear in
/// practice and never recursive.
fn match_tokens(tokens: &[Token], text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let (mut t, mut c) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while c < chars.len() {
        match tokens.get(t) {
            Some(Token::AnyRun) => {
                star = Some((t, c));
                t += 1;
            }
            Some(token) if token_matches(token, chars[c]) => {
                t += 1;
                c += 1;
            }
            _ => match star {
                Some((star_t, star_c)) => {
                    t = star_t + 1;
                    c = star_c + 1;
                    star = Some((star_t, star_c + 1));
                }
                None => return false,
            },
        }
    }
    tokens[t.min(tokens.len())..]
        .iter()
        .all(|tok| *tok == Token::AnyRun)
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyChar => true,
        Token::AnyRun => false,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        Pattern::new(pattern).unwrap().matches(path)
    }

    #[test]
    fn stars_stay_within_a_segment() {
        assert!(m("*.rs", "main.rs"));
        assert!(!m("*.rs", "src/main.rs"));
        assert!(m("src/*.rs", "src/main.rs"));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(!m("a*b*c", "aXXbYY"));
    }

    #[test]
    fn double_star_spans_directories() {
        assert!(m("src/**", "src/a/b/c.rs"));
        assert!(!m("src/**", "src"));
        assert!(m("src/**/*.rs", "src/main.rs"));
        assert!(m("src/**/*.rs", "src/a/b/main.rs"));
        assert!(m("**/.env", ".env"));
        assert!(m("**/.env", "deep/dir/.env"));
        assert!(m("//etc/**", "/etc/passwd"));
    }

    #[test]
    fn trailing_slash_is_the_directory_and_below() {
        assert!(m(".git/", ".git"));
        assert!(m(".git/", ".git/config"));
        assert!(!m(".git/", ".gitignore"));
    }

    #[test]
    fn classes_and_escapes() {
        assert!(m("file[0-9].txt", "file7.txt"));
        assert!(!m("file[!0-9].txt", "file7.txt"));
        assert!(m("file[!0-9].txt", "fileX.txt"));
        assert!(m(r"a\*b", "a*b"));
        assert!(!m(r"a\*b", "aXb"));
        assert!(m("?.env", "x.env"));
    }

    #[test]
    fn anywhere_matches_trailing_parts() {
        let p = Pattern::new(".env").unwrap();
        assert!(p.matches_anywhere("project/.env"));
        assert!(!p.matches_anywhere("project/.envrc"));
        let p = Pattern::new("secrets/**").unwrap();
        assert!(p.matches_anywhere("project/secrets/key.pem"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(Pattern::new("[abc").is_err());
        assert!(Pattern::new("abc\\").is_err());
        assert!(Pattern::new("").is_err());
    }

    #[test]
    fn many_double_stars_stay_fast() {
        let pattern = Pattern::new(&format!("{}x", "**/*/".repeat(16))).unwrap();
        let path = format!("{}y", "a/".repeat(80));
        assert!(!pattern.matches(&path));
        assert!(pattern.matches(&format!("{}x", "a/".repeat(80))));
    }

    #[test]
    fn pathological_stars_stay_fast() {
        let pattern = Pattern::new(&"*a".repeat(50)).unwrap();
        assert!(!pattern.matches(&"a".repeat(49)));
    }
}
