//! The text as the receiver reads it: percent-decoded (a server decodes `%67hp_...` before it
//! sees `ghp_...`) and with shell quoting removed (`'ghp_'"AbC..."`, `gh\p_...` and
//! `$'\x67hp_...'` are each one word `ghp_...` to the shell).
//!
//! A view is built only when the text holds what it undoes, and each byte of it remembers the
//! range of the original it came from, so that what is found in a view is masked in the
//! original.

use std::ops::Range;

/// A transformed text and, for each of its bytes, the original range it came from.
pub(super) struct View {
    pub(super) text: String,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl View {
    /// The original range of a range of this view.
    pub(super) fn original(&self, range: Range<usize>) -> Option<Range<usize>> {
        let last = range.end.checked_sub(1)?;
        (!range.is_empty()).then(|| self.starts[range.start]..self.ends[last])
    }
}

/// The views of `text` worth scanning besides the text itself. Only the lines that hold
/// something to undo are taken into a view, so that a large file with a few such lines costs
/// little more than one scan.
pub(super) fn of(text: &str) -> Vec<View> {
    let mut views = Vec::new();
    let percent = lines_where(text, has_percent_escape);
    let shell = lines_where(text, has_shell_quoting);
    if !percent.is_empty() {
        views.push(percent_decode(&copy(text, &percent)));
    }
    if !shell.is_empty() {
        let shell = unquote(text, &shell);
        if has_percent_escape(&shell.text) {
            views.push(percent_decode(&shell));
        }
        views.push(shell);
    }
    views
}

/// The byte ranges of the lines of `text` for which `wanted` holds.
fn lines_where(text: &str, wanted: impl Fn(&str) -> bool) -> Vec<Range<usize>> {
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        if wanted(line) {
            match lines.last_mut() {
                Some(last) if last.end == start => last.end = end,
                _ => lines.push(start..end),
            }
        }
        start = end;
    }
    lines
}

/// The lines `ranges` of `text`, as they are.
fn copy(text: &str, ranges: &[Range<usize>]) -> View {
    let mut view = Bytes::new(text.len().min(ranges.iter().map(|r| r.len() + 1).sum()));
    for range in ranges {
        view.separate(range.start);
        for at in range.clone() {
            view.push(text.as_bytes()[at], at..at + 1);
        }
    }
    view.into_view()
}

fn has_percent_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'%', bytes).any(|at| escape_at(bytes, at).is_some())
}

/// The ASCII byte a `%XX` at `at` stands for.
fn escape_at(bytes: &[u8], at: usize) -> Option<u8> {
    let hex = bytes.get(at + 1..at + 3)?;
    let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    value.is_ascii().then_some(value)
}

fn percent_decode(source: &View) -> View {
    let bytes = source.text.as_bytes();
    let mut view = Bytes::new(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if let Some(value) = (bytes[at] == b'%').then(|| escape_at(bytes, at)).flatten() {
            view.push(value, source.starts[at]..source.ends[at + 2]);
            at += 3;
        } else {
            view.push(bytes[at], source.starts[at]..source.ends[at]);
            at += 1;
        }
    }
    view.into_view()
}

fn word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b'@')
}

/// Quotes glued between two word characters (`'ghp_'"AbC"`, `gh''p_`), a backslash inside a
/// word (`gh\p_`), or an ANSI-C string (`$'...'`).
fn has_shell_quoting(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"$'").is_some() {
        return true;
    }
    let mut i = 0;
    while let Some(n) = memchr::memchr3(b'\'', b'"', b'\\', &bytes[i..]) {
        let start = i + n;
        let end = if bytes[start] == b'\\' {
            start + 1
        } else {
            start
                + bytes[start..]
                    .iter()
                    .take_while(|&&b| b == b'\'' || b == b'"')
                    .count()
        };
        let before = start.checked_sub(1).map(|p| bytes[p]);
        let after = if bytes[start] == b'\\' {
            bytes.get(end + 1).copied()
        } else {
            bytes.get(end).copied()
        };
        if before.is_some_and(word_char) && after.is_some_and(word_char) {
            return true;
        }
        i = end.max(start + 1);
    }
    false
}

/// The text with shell quoting removed, as the shell would pass the words on. Works on
/// bytes: the quoting characters are ASCII, and any other byte is copied as it is.
fn unquote(text: &str, ranges: &[Range<usize>]) -> View {
    let mut out = Bytes::new(ranges.iter().map(|r| r.len() + 1).sum());
    for range in ranges {
        out.separate(range.start);
        unquote_into(&text.as_bytes()[..range.end], range.start, &mut out);
    }
    out.into_view()
}

/// Appends `bytes[start..]` with shell quoting removed.
fn unquote_into(bytes: &[u8], start: usize, out: &mut Bytes) {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                // `\x` is `x`; `\` and a newline join the lines.
                if let Some(&next) = bytes.get(i + 1)
                    && next != b'\n'
                {
                    out.push(next, i..i + 2);
                }
                i += 2;
            }
            b'\'' => {
                let close =
                    memchr::memchr(b'\'', &bytes[i + 1..]).map_or(bytes.len(), |n| i + 1 + n);
                for (j, &b) in bytes.iter().enumerate().take(close).skip(i + 1) {
                    out.push(b, j..j + 1);
                }
                i = close + 1;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    let escaped = bytes.get(i + 1).copied();
                    if bytes[i] == b'\\'
                        && matches!(escaped, Some(b'$' | b'`' | b'"' | b'\\' | b'\n'))
                    {
                        if let Some(next) = escaped.filter(|&n| n != b'\n') {
                            out.push(next, i..i + 2);
                        }
                        i += 2;
                    } else {
                        out.push(bytes[i], i..i + 1);
                        i += 1;
                    }
                }
                i += 1;
            }
            b'$' if bytes.get(i + 1) == Some(&b'\'') => i = ansi_c(bytes, i + 2, out),
            b => {
                out.push(b, i..i + 1);
                i += 1;
            }
        }
    }
}

/// A view being built byte by byte.
struct Bytes {
    text: Vec<u8>,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Bytes {
    fn new(capacity: usize) -> Self {
        Self {
            text: Vec::with_capacity(capacity),
            starts: Vec::with_capacity(capacity),
            ends: Vec::with_capacity(capacity),
        }
    }

    fn push(&mut self, b: u8, from: Range<usize>) {
        self.text.push(b);
        self.starts.push(from.start);
        self.ends.push(from.end);
    }

    /// Starts a piece taken from the original at `at`: after a newline of its own, so that
    /// two pieces never read as one word.
    fn separate(&mut self, at: usize) {
        if self.text.last().is_some_and(|&b| b != b'\n') {
            self.push(b'\n', at..at + 1);
        }
    }

    fn push_char(&mut self, c: char, from: Range<usize>) {
        let mut buf = [0; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.push(b, from.clone());
        }
    }

    /// The view; bytes that do not form UTF-8 (a quote that split a character, a decoded
    /// byte) are each replaced by `?`, which keeps every offset.
    fn into_view(self) -> View {
        let text = match String::from_utf8(self.text) {
            Ok(text) => text,
            Err(e) => e
                .into_bytes()
                .utf8_chunks()
                .flat_map(|chunk| {
                    let invalid = "?".repeat(chunk.invalid().len());
                    [chunk.valid().to_owned(), invalid]
                })
                .collect(),
        };
        View {
            text,
            starts: self.starts,
            ends: self.ends,
        }
    }
}

/// Decodes a `$'...'` string whose content starts at `i`; returns the index after it.
fn ansi_c(bytes: &[u8], mut i: usize, out: &mut Bytes) -> usize {
    while i < bytes.len() && bytes[i] != b'\'' {
        if bytes[i] != b'\\' {
            out.push(bytes[i], i..i + 1);
            i += 1;
            continue;
        }
        let Some(&kind) = bytes.get(i + 1) else {
            break;
        };
        let digits = |from: usize, max: usize, radix: u32| {
            bytes[from.min(bytes.len())..]
                .iter()
                .take(max)
                .take_while(|d| char::from(**d).is_digit(radix))
                .count()
        };
        let numeric = |from: usize, count: usize, radix: u32| {
            std::str::from_utf8(&bytes[from..from + count])
                .ok()
                .and_then(|digits| u32::from_str_radix(digits, radix).ok())
                .and_then(char::from_u32)
        };
        let (decoded, used) = match kind {
            b'x' => {
                let n = digits(i + 2, 2, 16);
                (numeric(i + 2, n, 16).filter(|_| n > 0), 2 + n)
            }
            b'u' | b'U' => {
                let n = digits(i + 2, if kind == b'u' { 4 } else { 8 }, 16);
                (numeric(i + 2, n, 16).filter(|_| n > 0), 2 + n)
            }
            b'0'..=b'7' => {
                let n = digits(i + 1, 3, 8);
                (numeric(i + 1, n, 8), 1 + n)
            }
            b'n' => (Some('\n'), 2),
            b't' => (Some('\t'), 2),
            b'r' => (Some('\r'), 2),
            other => (Some(char::from(other)), 2),
        };
        let end = (i + used).min(bytes.len());
        match decoded {
            // Another byte of a UTF-8 character after the backslash is copied as it is.
            Some(_) if !kind.is_ascii() => out.push(kind, i..end),
            Some(c) => out.push_char(c, i..end),
            None => {}
        }
        i = end;
    }
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        of(text).into_iter().map(|v| v.text).collect()
    }

    #[test]
    fn views_are_made_only_when_there_is_something_to_undo() {
        assert!(texts("git status && cargo test -- --nocapture").is_empty());
        assert!(texts(r#"print("a", 'b') # "c" 'd'"#).is_empty());
        assert!(texts("50% off, 100%").is_empty());
    }

    #[test]
    fn percent_escapes_and_shell_quoting_are_undone() {
        assert_eq!(texts("https://x/?t=%67hp_1"), ["https://x/?t=ghp_1"]);
        assert_eq!(texts(r#"echo 'ghp_'"AbC" x"#), ["echo ghp_AbC x"]);
        assert_eq!(texts(r"echo gh\p_x"), ["echo ghp_x"]);
        assert_eq!(texts(r"echo $'\x67hp_\101' x"), ["echo ghp_A x"]);
        assert_eq!(
            texts("echo 'a'%67'b'"),
            ["echo 'a'g'b'", "echo agb", "echo a%67b"]
        );
    }

    #[test]
    fn a_range_of_a_view_maps_back_onto_the_original() {
        let text = r#"x 'ghp_'"AbC" y"#;
        let [view] = of(text).try_into().ok().unwrap();
        let at = view.text.find("ghp_AbC").unwrap();
        let original = view.original(at..at + "ghp_AbC".len()).unwrap();
        assert_eq!(&text[original], r#"ghp_'"AbC"#);
        let text = "é%41é";
        let [view] = of(text).try_into().ok().unwrap();
        assert_eq!(view.text, "éAé");
        assert_eq!(&text[view.original(2..3).unwrap()], "%41");
        assert_eq!(&text[view.original(0..5).unwrap()], text);
    }
}
