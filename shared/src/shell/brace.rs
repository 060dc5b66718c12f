//! Brace expansion (`{rm,-rf,~}`, `/bin/{r,}m`, `x{1..3}`), done on a word's source text before
//! any other expansion, as Bash does.
//!
//! Braces inside quotes, after a backslash, in `${...}`, `$(...)` or backquotes do not count, and a
//! brace pair needs an unquoted comma or a sequence (`a..c`, `1..9..2`) to expand. A word that
//! would expand into more than [`MAX_BRACE_WORDS`] words is not expanded: the caller keeps it as
//! written and marks it unresolved.

/// The most words one word may brace-expand into.
pub(super) const MAX_BRACE_WORDS: usize = 256;

/// The most bytes the words of one brace expansion may hold together.
const MAX_BRACE_BYTES: usize = 64 * 1024;

/// The most `{` of one word read as a possible expansion and found not to be one: each costs a
/// scan to its `}`.
const MAX_BRACE_CANDIDATES: usize = 1024;

/// The words `raw` expands into: `Some(vec![raw])` when it holds no brace expansion, `None` when
/// the expansion would exceed [`MAX_BRACE_WORDS`].
pub(super) fn expand(raw: &str) -> Option<Vec<String>> {
    if !raw.contains('{') || !raw.contains('}') {
        return Some(vec![raw.to_owned()]);
    }
    let mut out = Vec::new();
    let mut budget = Budget {
        candidates: MAX_BRACE_CANDIDATES,
        bytes: MAX_BRACE_BYTES,
    };
    expand_into(raw, &mut out, 0, &mut budget)?;
    Some(out)
}

/// What one word's expansion may still spend.
struct Budget {
    candidates: usize,
    bytes: usize,
}

fn expand_into(raw: &str, out: &mut Vec<String>, depth: usize, budget: &mut Budget) -> Option<()> {
    // Each level applies one expansion; a sequence of one member (`{1..1}`) does not multiply
    // the words, so depth needs its own bound.
    if depth > 64 {
        return None;
    }
    let found = match find_expansion(raw, budget) {
        Scan::Spent => return None,
        Scan::Nothing => {
            budget.bytes = budget.bytes.checked_sub(raw.len())?;
            out.push(raw.to_owned());
            return (out.len() <= MAX_BRACE_WORDS).then_some(());
        }
        Scan::Found(found) => found,
    };
    let prefix = &raw[..found.open];
    let suffix = &raw[found.close + 1..];
    let members = match found.kind {
        Kind::List(commas) => {
            let mut members = Vec::with_capacity(commas.len() + 1);
            let mut start = found.open + 1;
            for comma in commas {
                members.push(raw[start..comma].to_owned());
                start = comma + 1;
            }
            members.push(raw[start..found.close].to_owned());
            members
        }
        Kind::Sequence(items) => items,
        Kind::TooLarge => return None,
    };
    for member in members {
        // The member may hold further expansions, and so may the suffix.
        expand_into(&format!("{prefix}{member}{suffix}"), out, depth + 1, budget)?;
        if out.len() > MAX_BRACE_WORDS {
            return None;
        }
    }
    Some(())
}

struct Found {
    open: usize,
    close: usize,
    kind: Kind,
}

enum Kind {
    /// The byte offsets of the top-level commas.
    List(Vec<usize>),
    /// The generated members.
    Sequence(Vec<String>),
    /// A sequence with more than [`MAX_BRACE_WORDS`] members.
    TooLarge,
}

enum Sequence {
    NotOne,
    TooLarge,
    Items(Vec<String>),
}

/// What a scan for a brace expansion found.
enum Scan {
    Found(Found),
    Nothing,
    /// The budget of candidates is spent.
    Spent,
}

/// The first brace expansion in `raw`, scanning left to right as Bash does.
fn find_expansion(raw: &str, budget: &mut Budget) -> Scan {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if i == 0 || bytes[i - 1] != b'$' => {
                if let Some(found) = read_braces(raw, i) {
                    return Scan::Found(found);
                }
                match budget.candidates.checked_sub(1) {
                    Some(left) => budget.candidates = left,
                    None => return Scan::Spent,
                }
                i += 1;
            }
            _ => i = skip_quoted(bytes, i),
        }
    }
    Scan::Nothing
}

/// Skips one character, or a whole quoted or substituted region starting at `i`.
fn skip_quoted(bytes: &[u8], i: usize) -> usize {
    match bytes[i] {
        b'\\' => i + 2,
        b'\'' => close_of(bytes, i + 1, b'\'', false),
        b'"' => close_of(bytes, i + 1, b'"', true),
        b'`' => close_of(bytes, i + 1, b'`', true),
        b'$' if matches!(bytes.get(i + 1), Some(b'{' | b'(')) => {
            let (open, close) = if bytes[i + 1] == b'{' {
                (b'{', b'}')
            } else {
                (b'(', b')')
            };
            let mut depth = 0usize;
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b if b == open => depth += 1,
                    b if b == close => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    b'\\' | b'\'' | b'"' | b'`' => {
                        j = skip_quoted(bytes, j);
                        continue;
                    }
                    _ => {}
                }
                j += 1;
            }
            bytes.len()
        }
        b'$' if bytes.get(i + 1) == Some(&b'\'') => close_of(bytes, i + 2, b'\'', true),
        _ => i + 1,
    }
}

/// The index after the closing `quote`, from `from`; `escapes`: a backslash escapes the next.
fn close_of(bytes: &[u8], mut from: usize, quote: u8, escapes: bool) -> usize {
    while from < bytes.len() {
        if escapes && bytes[from] == b'\\' {
            from += 2;
            continue;
        }
        if bytes[from] == quote {
            return from + 1;
        }
        from += 1;
    }
    bytes.len()
}

/// Reads the brace pair opening at `open`; `None` when it is not a brace expansion.
fn read_braces(raw: &str, open: usize) -> Option<Found> {
    let bytes = raw.as_bytes();
    let mut depth = 0usize;
    let mut commas = Vec::new();
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if i == open || bytes[i - 1] != b'$' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    if !commas.is_empty() {
                        return Some(Found {
                            open,
                            close: i,
                            kind: Kind::List(commas),
                        });
                    }
                    return match sequence(&raw[open + 1..i]) {
                        Sequence::NotOne => None,
                        Sequence::TooLarge => Some(Found {
                            open,
                            close: i,
                            kind: Kind::TooLarge,
                        }),
                        Sequence::Items(items) => Some(Found {
                            open,
                            close: i,
                            kind: Kind::Sequence(items),
                        }),
                    };
                }
            }
            b',' if depth == 1 => commas.push(i),
            b'\\' | b'\'' | b'"' | b'`' | b'$' => {
                i = skip_quoted(bytes, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The members of a sequence `a..e`, `1..10`, `01..10..3`.
fn sequence(inner: &str) -> Sequence {
    let parts: Vec<&str> = inner.split("..").collect();
    let (start, end, step) = match parts.as_slice() {
        [a, b] => (*a, *b, None),
        [a, b, c] => match c.parse::<i64>() {
            Ok(step) => (*a, *b, Some(step)),
            Err(_) => return Sequence::NotOne,
        },
        _ => return Sequence::NotOne,
    };
    numbers(start, end, step)
        .or_else(|| letters(start, end, step))
        .unwrap_or(Sequence::NotOne)
}

fn numbers(start: &str, end: &str, step: Option<i64>) -> Option<Sequence> {
    let step = step.map_or(1, i64::unsigned_abs).max(1);
    let (Ok(a), Ok(b)) = (start.parse::<i64>(), end.parse::<i64>()) else {
        return None;
    };
    {
        let count = a.abs_diff(b) / step + 1;
        if count > MAX_BRACE_WORDS as u64 {
            return Some(Sequence::TooLarge);
        }
        let padded = [start, end].iter().any(|s| {
            s.trim_start_matches('-').len() > 1 && s.trim_start_matches('-').starts_with('0')
        });
        let width = if padded {
            start.len().max(end.len())
        } else {
            0
        };
        let step = i64::try_from(step).ok()?;
        let mut items = Vec::new();
        let mut n = a;
        for _ in 0..count {
            items.push(if n < 0 {
                format!("-{:0>w$}", n.unsigned_abs(), w = width.saturating_sub(1))
            } else {
                format!("{n:0>width$}")
            });
            n = if a <= b { n + step } else { n - step };
        }
        Some(Sequence::Items(items))
    }
}

fn letters(start: &str, end: &str, step: Option<i64>) -> Option<Sequence> {
    let step = step.map_or(1, i64::unsigned_abs).max(1);
    let (mut a, mut b) = (start.chars(), end.chars());
    let (Some(a), None, Some(b), None) = (a.next(), a.next(), b.next(), b.next()) else {
        return None;
    };
    if !(a.is_ascii_alphabetic() && b.is_ascii_alphabetic()) {
        return None;
    }
    let (lo, hi) = (a as u8, b as u8);
    let step = usize::try_from(step).ok()?;
    let items: Vec<String> = if lo <= hi {
        (lo..=hi)
            .step_by(step)
            .map(|c| char::from(c).to_string())
            .collect()
    } else {
        (hi..=lo)
            .rev()
            .step_by(step)
            .map(|c| char::from(c).to_string())
            .collect()
    };
    Some(Sequence::Items(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(raw: &str) -> Vec<String> {
        expand(raw).unwrap()
    }

    #[test]
    fn expands_lists_and_sequences() {
        assert_eq!(e("{rm,-rf,~}"), ["rm", "-rf", "~"]);
        assert_eq!(e("/bin/{r,}m"), ["/bin/rm", "/bin/m"]);
        assert_eq!(e("a{b,c{d,e}}f"), ["abf", "acdf", "acef"]);
        assert_eq!(e("x{1..3}"), ["x1", "x2", "x3"]);
        assert_eq!(e("{3..1}"), ["3", "2", "1"]);
        assert_eq!(e("{01..03}"), ["01", "02", "03"]);
        assert_eq!(e("{a..e..2}"), ["a", "c", "e"]);
        assert_eq!(e("{a,b}{1,2}"), ["a1", "a2", "b1", "b2"]);
    }

    #[test]
    fn leaves_what_bash_leaves() {
        for word in [
            "{}",
            "{x}",
            "${a,b}",
            "'{a,b}'",
            "\"{a,b}\"",
            r"\{a,b}",
            "{a,b",
            "$(echo {a,b})",
            "{1..x}",
        ] {
            assert_eq!(e(word), [word], "{word}");
        }
        assert_eq!(e("{'a,b',c}"), ["'a,b'", "c"]);
    }

    #[test]
    fn refuses_what_is_too_large() {
        assert!(expand("{1..100000}").is_none());
        assert!(expand("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}").is_none());
        assert!(expand("{1..99999999999999999999999}").unwrap().len() == 1);
        // Each `{` here costs a scan to the end: the number of them is bounded.
        assert!(expand(&format!("{}x}}", "{".repeat(10_000))).is_none());
        assert_eq!(
            expand("{x}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}")
                .unwrap()
                .len(),
            128
        );
    }
}
