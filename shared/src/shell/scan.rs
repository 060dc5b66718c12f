//! A linear pre-scan that bounds how deeply a command line nests before the parser, which
//! recurses once per level, sees it.
//!
//! It counts opening brackets (`(`, `{`, `$(`, `${`, backquotes) and compound-command keywords
//! (`if`, `while`, `until`, `for`, `case`, `select`) outside single quotes, minus their closers.
//! Single-quoted text and here-document bodies are skipped, so a Python file written through a
//! here-document does not count its `if`s. The count may overestimate, never underestimate.

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
    /// The longest run of adjacent `(` outside single quotes. The parser tries arithmetic
    /// `((` and a subshell at each one, so its time doubles with every `(` of such a run.
    pub(super) paren_run: usize,
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
    let (mut run, mut longest_run) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'(' {
            run += 1;
            longest_run = longest_run.max(run);
        } else {
            run = 0;
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
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            b'<' if !in_double
                && bytes.get(i + 1) == Some(&b'<')
                && bytes.get(i + 2) != Some(&b'<') =>
            {
                let (tag, next) = heredoc_tag(bytes, i + 2);
                if let Some(tag) = tag {
                    pending_heredocs.push(tag);
                }
                i = next;
                continue;
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
            match &line[i..end] {
                "if" | "while" | "until" | "for" | "case" | "select" => depth += 1,
                "fi" | "done" | "esac" => depth = depth.saturating_sub(1),
                _ => {}
            }
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
        paren_run: longest_run,
        dense_bytes: bytes.len().saturating_sub(skipped),
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
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
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
