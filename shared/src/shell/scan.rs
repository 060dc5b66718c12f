//! A linear pre-scan that bounds how deeply a command line nests before the parser, which
//! recurses once per level, sees it.
//!
//! It counts opening brackets (`(`, `{`, `$(`, `${`, backquotes) and compound-command keywords
//! (`if`, `while`, `until`, `for`, `case`, `select`) outside single quotes, minus their closers.
//! Single-quoted text and here-document bodies are skipped, so a Python file written through a
//! here-document does not count its `if`s. The count may overestimate, never underestimate.
//!
//! The same pass finds three shapes the parser cannot read in bounded time: `(` stacked on open
//! `(` (its time grows fourfold with each), here-documents without a delimiter word, and a line
//! that ends inside an open `$(` with a here-document whose body never starts (it can loop
//! without end on the last two).

/// The deepest nesting in `line`, as described in the module docs.
#[cfg(test)]
pub(super) fn nesting_depth(line: &str) -> usize {
    measure(line).depth
}

/// What the pre-scan found.
#[derive(Debug, Clone, Copy)]
pub(super) struct Measure {
    /// The deepest nesting.
    pub(super) depth: usize,
    /// Bytes outside here-document bodies and single quotes: what costs parsing time.
    pub(super) dense_bytes: usize,
    /// The most `(` open at once that directly follow another `(` (blanks between them
    /// allowed): `((`, `( (`, `$((`. The parser tries both arithmetic and a subshell at each,
    /// so its time grows fourfold with every one of them that is still open.
    pub(super) stacked_parens: usize,
    /// A here-document operator (`<<`, `<<-`) without a delimiter word, or with an empty one
    /// (`<<""`), outside arithmetic. Bash rejects the first and the second is never needed;
    /// the parser can loop on both without end.
    pub(super) empty_heredoc_delimiter: bool,
    /// The line ends inside something still open (`$(`, a group, a keyword) right after a
    /// here-document operator whose body never starts. The line cannot be complete Bash, and
    /// the parser can loop without end on it (`$(<<  a ` with a blank at the end).
    pub(super) unfinished_heredoc: bool,
}

/// An open `(` on the pre-scan's stack.
#[derive(Debug, Clone, Copy)]
struct OpenParen {
    /// The `(` follows another `(`, with at most blanks between them.
    stacked: bool,
    /// The `(` directly follows another `(`: an arithmetic `((` or `$((`.
    arithmetic: bool,
}

/// Measures `line` as described in the module docs.
pub(super) fn measure(line: &str) -> Measure {
    let mut skipped: usize = 0;
    let bytes = line.as_bytes();
    let mut depth: usize = 0;
    let mut deepest: usize = 0;
    let mut in_double = false;
    let mut backquotes: usize = 0;
    let mut pending_heredocs: Vec<String> = Vec::new();
    let mut word_start = true;
    let mut parens = ParenStack::default();
    let mut empty_heredoc_delimiter = false;
    // The byte before this one, blanks left out: tells `( (` (stacked) from `(x (`.
    let mut before: u8 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let previous = before;
        if !is_blank(c) {
            before = c;
        }
        match c {
            b'\\' => {
                i += 2;
                word_start = false;
                continue;
            }
            b'\'' if !in_double => {
                let end = skip_past(bytes, i + 1, b'\'');
                skipped += end - i;
                i = end;
                word_start = false;
                continue;
            }
            b'"' => in_double = !in_double,
            b'`' => {
                // Backquotes cannot nest without escaping; count each opening one.
                if backquotes.is_multiple_of(2) {
                    depth += 1;
                } else {
                    depth = depth.saturating_sub(1);
                }
                backquotes += 1;
            }
            b'(' => {
                depth += 1;
                let adjacent = i > 0 && bytes[i - 1] == b'(';
                parens.open(previous == b'(', adjacent);
            }
            b'{' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                parens.close();
            }
            b'}' => depth = depth.saturating_sub(1),
            b'<' if is_heredoc_operator(bytes, i) => {
                let (tag, next) = heredoc_tag(bytes, i + 2);
                empty_heredoc_delimiter |= tag.is_none() && !is_shift(bytes, next, &parens);
                // Inside double quotes the tag is not skipped: it may hold the closing quote.
                if !in_double {
                    pending_heredocs.extend(tag);
                    i = next;
                    before = b'<';
                    continue;
                }
            }
            b'\n' if !in_double && !pending_heredocs.is_empty() => {
                let end = skip_heredoc_bodies(line, i + 1, &mut pending_heredocs);
                skipped += end - i;
                i = end;
                word_start = true;
                continue;
            }
            _ => {}
        }
        if !in_double && word_start && c.is_ascii_alphabetic() {
            let end = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric() && *b != b'_')
                .map_or(bytes.len(), |p| i + p);
            depth = match &line[i..end] {
                "if" | "while" | "until" | "for" | "case" | "select" => depth + 1,
                "fi" | "done" | "esac" => depth.saturating_sub(1),
                _ => depth,
            };
            i = end;
            word_start = false;
            deepest = deepest.max(depth);
            continue;
        }
        word_start = matches!(
            c,
            b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'{' | b'}'
        );
        deepest = deepest.max(depth);
        i += 1;
    }
    Measure {
        depth: deepest,
        stacked_parens: parens.most_stacked,
        empty_heredoc_delimiter,
        unfinished_heredoc: !pending_heredocs.is_empty() && depth > 0,
        dense_bytes: bytes.len().saturating_sub(skipped),
    }
}

fn is_blank(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n')
}

fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// In arithmetic, `<<` shifts, and may shift by a parenthesised amount: `$(( 1 << (n) ))`.
fn is_shift(bytes: &[u8], after_operator: usize, parens: &ParenStack) -> bool {
    parens.in_arithmetic() && bytes.get(skip_blanks(bytes, after_operator)) == Some(&b'(')
}

/// `<<` or `<<-` at `i`, but not part of a here-string's `<<<`.
fn is_heredoc_operator(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1) == Some(&b'<')
        && bytes.get(i + 2) != Some(&b'<')
        && (i == 0 || bytes[i - 1] != b'<')
}

/// The `(` still open at each point of the scan, and the most of them that were stacked.
#[derive(Debug, Default)]
struct ParenStack {
    open: Vec<OpenParen>,
    stacked: usize,
    arithmetic: usize,
    most_stacked: usize,
}

impl ParenStack {
    fn open(&mut self, stacked: bool, arithmetic: bool) {
        self.open.push(OpenParen {
            stacked,
            arithmetic,
        });
        self.stacked += usize::from(stacked);
        self.arithmetic += usize::from(arithmetic);
        self.most_stacked = self.most_stacked.max(self.stacked);
    }

    /// A `)` without an open `(` (a `case` pattern) changes nothing.
    fn close(&mut self) {
        if let Some(paren) = self.open.pop() {
            self.stacked -= usize::from(paren.stacked);
            self.arithmetic -= usize::from(paren.arithmetic);
        }
    }

    fn in_arithmetic(&self) -> bool {
        self.arithmetic > 0
    }
}

fn skip_past(bytes: &[u8], from: usize, close: u8) -> usize {
    bytes[from.min(bytes.len())..]
        .iter()
        .position(|b| *b == close)
        .map_or(bytes.len(), |p| from + p + 1)
}

/// Reads the delimiter after `<<` or `<<-`: returns it without quotes, and where it ends.
fn heredoc_tag(bytes: &[u8], mut i: usize) -> (Option<String>, usize) {
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    i = skip_blanks(bytes, i);
    let start = i;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')') {
            break;
        }
        i += 1;
    }
    let tag: String = String::from_utf8_lossy(&bytes[start..i])
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    ((!tag.is_empty()).then_some(tag), i)
}

/// Skips the bodies of the pending here-documents, which start at `from`.
fn skip_heredoc_bodies(line: &str, mut from: usize, pending: &mut Vec<String>) -> usize {
    for tag in pending.drain(..) {
        loop {
            if from >= line.len() {
                return line.len();
            }
            let end = line[from..].find('\n').map_or(line.len(), |p| from + p);
            let is_end = line[from..end].trim_start_matches('\t') == tag;
            from = (end + 1).min(line.len());
            if is_end {
                break;
            }
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_and_keywords() {
        assert_eq!(nesting_depth("ls"), 0);
        assert_eq!(nesting_depth("echo $(echo $(ls))"), 2);
        assert_eq!(nesting_depth("if true; then for x in a; do :; done; fi"), 2);
        assert_eq!(nesting_depth(&"$(".repeat(500)), 500);
    }

    #[test]
    fn skips_single_quotes_and_heredoc_bodies() {
        assert_eq!(nesting_depth("echo '((((((('"), 0);
        let body = "if x:\n".repeat(200);
        assert_eq!(
            nesting_depth(&format!("cat > f.py <<'EOF'\n{body}EOF\nls")),
            0
        );
    }
}
