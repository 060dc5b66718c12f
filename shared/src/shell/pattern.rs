//! Shell patterns (`*`, `?`, `[...]`), as `${x%pat}`, `${x/pat/rep}` and globs use them.
//!
//! Matching is the classic two-pointer algorithm (linear backtracking to the last `*`), so it
//! costs at most the product of the two lengths. Extended patterns (`@(a|b)`) are not read:
//! [`Pattern::new`] returns `None` for them, and the caller treats the result as unknown.

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `*`
    Any,
    /// `[...]`: ranges, and whether it is negated (`[!...]`, `[^...]`).
    Class(Vec<(char, char)>, bool),
}

/// A compiled shell pattern.
#[derive(Debug, Clone)]
pub(super) struct Pattern(Vec<Token>);

impl Pattern {
    /// Compiles `source`, where a backslash makes the next character literal. `None` for an
    /// extended pattern.
    pub(super) fn new(source: &str) -> Option<Self> {
        let chars: Vec<char> = source.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if matches!(c, '?' | '*' | '+' | '@' | '!') && chars.get(i + 1) == Some(&'(') {
                return None;
            }
            match c {
                '\\' => {
                    tokens.push(Token::Char(chars.get(i + 1).copied().unwrap_or('\\')));
                    i += 2;
                    continue;
                }
                '?' => tokens.push(Token::One),
                '*' => {
                    if tokens.last() != Some(&Token::Any) {
                        tokens.push(Token::Any);
                    }
                }
                '[' => {
                    if let Some((class, end)) = class(&chars, i) {
                        tokens.push(class);
                        i = end;
                        continue;
                    }
                    tokens.push(Token::Char('['));
                }
                _ => tokens.push(Token::Char(c)),
            }
            i += 1;
        }
        Some(Self(tokens))
    }

    /// Whether the pattern has a wildcard, so that it can match more than one string.
    pub(super) fn is_wild(&self) -> bool {
        self.0.iter().any(|t| !matches!(t, Token::Char(_)))
    }

    /// Whether the whole of `text` matches.
    pub(super) fn matches(&self, text: &[char]) -> bool {
        let p = &self.0;
        let (mut pi, mut ti) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while ti < text.len() {
            match p.get(pi) {
                Some(Token::Any) => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                Some(token) if token_matches(token, text[ti]) => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
            match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            }
        }
        p[pi..].iter().all(|t| *t == Token::Any)
    }

    /// Whether `text` matches.
    pub(super) fn matches_str(&self, text: &str) -> bool {
        self.matches(&text.chars().collect::<Vec<_>>())
    }
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Char(x) => *x == c,
        Token::One => true,
        Token::Any => false,
        Token::Class(ranges, negated) => {
            ranges.iter().any(|(a, b)| (*a..=*b).contains(&c)) != *negated
        }
    }
}

/// Reads a bracket expression starting at `chars[start] == '['`: the token and where it ends.
/// `None` when it is not closed (the `[` is then an ordinary character).
fn class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let first = i;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && i > first {
            return Some((Token::Class(ranges, negated), i + 1));
        }
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let close = (i + 2..chars.len().saturating_sub(1))
                .find(|&j| chars[j] == ':' && chars[j + 1] == ']')?;
            let name: String = chars[i + 2..close].iter().collect();
            ranges.extend(named_class(&name)?);
            i = close + 2;
            continue;
        }
        let c = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|e| *e != ']') {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
}

fn named_class(name: &str) -> Option<Vec<(char, char)>> {
    Some(match name {
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "digit" => vec![('0', '9')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => vec![(' ', ' '), ('\t', '\r')],
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "word" => vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
        _ => return None,
    })
}

/// Whether `text` holds a wildcard the shell would expand (an unclosed `[` does not count).
pub(super) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?', '[']) && Pattern::new(text).is_none_or(|p| p.is_wild())
}

impl Pattern {
    /// How much matching `text` against this pattern costs, in steps.
    pub(super) fn cost(&self, chars: usize) -> usize {
        chars.saturating_mul(self.0.len() + 1)
    }

    /// The lengths of the prefixes of `text` the whole pattern matches: the shortest and the
    /// longest, in one pass (a set of pattern positions is carried along the text).
    fn prefix_matches(&self, text: &[char]) -> (Option<usize>, Option<usize>) {
        let tokens = &self.0;
        let m = tokens.len();
        let close = |set: &mut Vec<bool>| {
            for p in 0..m {
                if set[p] && tokens[p] == Token::Any {
                    set[p + 1] = true;
                }
            }
        };
        let mut set = vec![false; m + 1];
        let mut next = vec![false; m + 1];
        set[0] = true;
        close(&mut set);
        let mut shortest = None;
        let mut longest = None;
        if set[m] {
            shortest = Some(0);
            longest = Some(0);
        }
        for (i, &c) in text.iter().enumerate() {
            next.fill(false);
            let mut any = false;
            for p in 0..m {
                if !set[p] {
                    continue;
                }
                match &tokens[p] {
                    Token::Any => next[p] = true,
                    token if token_matches(token, c) => next[p + 1] = true,
                    _ => continue,
                }
                any = true;
            }
            if !any {
                break;
            }
            close(&mut next);
            std::mem::swap(&mut set, &mut next);
            if set[m] {
                shortest.get_or_insert(i + 1);
                longest = Some(i + 1);
            }
        }
        (shortest, longest)
    }

    fn reversed(&self) -> Self {
        Self(self.0.iter().rev().cloned().collect())
    }
}

/// `${x#pat}` (`longest`: `##`) on `value`.
pub(super) fn remove_prefix(value: &str, pattern: &Pattern, longest: bool) -> String {
    let chars: Vec<char> = value.chars().collect();
    let (short, long) = pattern.prefix_matches(&chars);
    match if longest { long } else { short } {
        Some(i) => chars[i..].iter().collect(),
        None => value.to_owned(),
    }
}

/// `${x%pat}` (`longest`: `%%`) on `value`.
pub(super) fn remove_suffix(value: &str, pattern: &Pattern, longest: bool) -> String {
    let reversed: Vec<char> = value.chars().rev().collect();
    let (short, long) = pattern.reversed().prefix_matches(&reversed);
    match if longest { long } else { short } {
        Some(n) => reversed[n..].iter().rev().collect(),
        None => value.to_owned(),
    }
}

/// Where a replacement may match.
#[derive(Debug, Clone, Copy)]
pub(super) enum Anchor {
    /// `${x/p/r}`: the first match.
    First,
    /// `${x//p/r}`: every match.
    All,
    /// `${x/#p/r}`: a match at the start.
    Start,
    /// `${x/%p/r}`: a match at the end.
    End,
}

/// `${x/pat/rep}` and its variants on `value`; an empty pattern changes nothing.
pub(super) fn replace(value: &str, pattern: &Pattern, replacement: &str, anchor: Anchor) -> String {
    let chars: Vec<char> = value.chars().collect();
    if pattern.0.is_empty() {
        return value.to_owned();
    }
    let n = chars.len();
    match anchor {
        Anchor::Start => match pattern.prefix_matches(&chars).1 {
            Some(end) => format!("{replacement}{}", chars[end..].iter().collect::<String>()),
            None => value.to_owned(),
        },
        Anchor::End => {
            let reversed: Vec<char> = chars.iter().rev().copied().collect();
            match pattern.reversed().prefix_matches(&reversed).1 {
                Some(len) => format!(
                    "{}{replacement}",
                    chars[..n - len].iter().collect::<String>()
                ),
                None => value.to_owned(),
            }
        }
        Anchor::First | Anchor::All => {
            let mut out = String::new();
            let mut i = 0;
            let mut replaced = false;
            while i < n {
                if !(replaced && matches!(anchor, Anchor::First))
                    && let Some(len) = pattern.prefix_matches(&chars[i..]).1.filter(|l| *l > 0)
                {
                    out.push_str(replacement);
                    i += len;
                    replaced = true;
                    continue;
                }
                out.push(chars[i]);
                i += 1;
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::new(s).unwrap()
    }

    #[test]
    fn matches_wildcards_and_classes() {
        assert!(p("r?").matches_str("rm"));
        assert!(p("*").matches_str(""));
        assert!(p("/bin/r[m]").matches_str("/bin/rm"));
        assert!(!p("/bin/r[!m]").matches_str("/bin/rm"));
        assert!(p("a*b*c").matches_str("axxbyyc"));
        assert!(!p("a*b*c").matches_str("axxbyy"));
        assert!(p(r"\*").matches_str("*"));
        assert!(!p(r"\*").matches_str("x"));
        assert!(p("[[:alpha:]]m").matches_str("rm"));
        assert!(Pattern::new("@(a|b)").is_none());
        assert!(!has_wildcard("["));
        assert!(has_wildcard("r?"));
    }

    #[test]
    fn removes_and_replaces_like_bash() {
        assert_eq!(remove_suffix("/home/dev", &p("/*"), false), "/home");
        assert_eq!(remove_suffix("a.b.c", &p(".*"), true), "a");
        assert_eq!(remove_prefix("a/b/c", &p("*/"), false), "b/c");
        assert_eq!(remove_prefix("a/b/c", &p("*/"), true), "c");
        assert_eq!(replace("xmxm", &p("x"), "r", Anchor::First), "rmxm");
        assert_eq!(replace("xmxm", &p("x"), "r", Anchor::All), "rmrm");
        assert_eq!(replace("abc", &p("a"), "", Anchor::Start), "bc");
        assert_eq!(replace("abc", &p("c"), "d", Anchor::End), "abd");
        assert_eq!(replace("aXbXc", &p("X*"), "-", Anchor::First), "a-");
        assert_eq!(remove_suffix("a.tar.gz", &p(".*"), false), "a.tar");
        assert_eq!(remove_prefix("abc", &p("x"), true), "abc");
    }
}
