//! The latest records, read from the end of the log, and following it as it grows.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::time::Duration;

use super::Trail;
use super::files::LogFiles;
use super::view::{Outcome, RecordView};
use crate::{Error, Result};

/// How human output is decorated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// ANSI colours (only on a terminal, and never with `NO_COLOR`).
    pub color: bool,
}

impl Style {
    /// Colour when `is_terminal` and `NO_COLOR` is unset or empty.
    pub fn detect(is_terminal: bool, no_color: bool) -> Self {
        Self {
            color: is_terminal && !no_color,
        }
    }

    /// `text` in the ANSI colour `code` when colour is on.
    pub(crate) fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// The last `n` lines of the log, oldest first, reading back into rotated files when the
/// current one holds fewer. Only the end of each file is read.
pub fn last_lines(trail: &Trail, n: usize) -> Result<Vec<Vec<u8>>> {
    let log = LogFiles::open(trail, false)?;
    let names = log.existing()?;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for name in names.iter().rev() {
        if lines.len() >= n {
            break;
        }
        let mut file = log.read_existing(name)?;
        let mut older = last_lines_of(&mut file, n - lines.len())
            .map_err(|e| Error::io("reading audit log", log.path_of(name), e))?;
        older.append(&mut lines);
        lines = older;
    }
    Ok(lines)
}

/// The current log's length, 0 when it does not exist.
pub fn current_len(trail: &Trail) -> Result<u64> {
    let log = LogFiles::open(trail, false)?;
    match log.read(log.name()) {
        Ok(Some(file)) => file
            .metadata()
            .map(|m| m.len())
            .map_err(|e| Error::io("reading audit log", log.path(), e)),
        Ok(None) => Ok(0),
        Err(e) => Err(Error::io("reading audit log", log.path(), e)),
    }
}

/// The last `n` lines of one file, oldest first.
fn last_lines_of(file: &mut File, n: usize) -> io::Result<Vec<Vec<u8>>> {
    const CHUNK: u64 = 64 * 1024;
    let len = file.metadata()?.len();
    let mut start = len;
    let mut tail: Vec<u8> = Vec::new();
    while start > 0 && newlines(&tail) <= n {
        let from = start.saturating_sub(CHUNK);
        let mut chunk = vec![0; usize::try_from(start - from).unwrap_or(usize::MAX)];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        start = from;
    }
    let mut lines: Vec<Vec<u8>> = tail
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    // When we stopped before the start of the file, the first piece may be cut.
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    let skip = lines.len().saturating_sub(n);
    Ok(lines.split_off(skip))
}

/// The last line of one file, if any.
pub(crate) fn last_line_of(file: &mut File) -> io::Result<Option<Vec<u8>>> {
    Ok(last_lines_of(file, 1)?.pop())
}

fn newlines(bytes: &[u8]) -> usize {
    bytes.split(|&b| b == b'\n').count() - 1
}

/// One record as people read it: time, decision, tool and input, then the reason, then where
/// it came from.
pub fn render(line: &[u8], style: Style) -> String {
    let Some(r) = RecordView::parse(line) else {
        let text = String::from_utf8_lossy(line);
        let shown: String = text.chars().take(80).collect();
        return format!("{} {shown}\n", style.paint("31", "not a record:"));
    };
    let time = r
        .time
        .get(..19)
        .map_or_else(|| r.time.to_string(), |t| t.replacen('T', " ", 1));
    let decision = match Outcome::of(&r.decision) {
        Outcome::Denied => style.paint("1;31", &format!("{:<7}", r.decision)),
        Outcome::Asked => style.paint("1;33", &format!("{:<7}", r.decision)),
        Outcome::Allowed => style.paint("32", &format!("{:<7}", r.decision)),
        Outcome::Other => format!("{:<7}", r.decision),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "{} {decision} {}",
        style.paint("2", &time),
        r.tool.as_deref().unwrap_or(&r.event)
    );
    if let Some(input) = r.input.as_deref() {
        let _ = write!(out, "  {input}");
    }
    out.push('\n');
    if let Some(reason) = r.reason.as_deref().filter(|r| !r.is_empty()) {
        let _ = writeln!(out, "    {reason}");
    }
    let mut origin = format!("{} {}", r.binary, r.event);
    if let Some(rule) = r.rule_id.as_deref() {
        let _ = write!(origin, ", rule {rule}");
    }
    let session: String = r.session_id.chars().take(8).collect();
    let _ = write!(origin, ", session {session}, seq {}", r.seq);
    let _ = writeln!(out, "    {}", style.paint("2", &origin));
    out
}

/// Follows the log from byte `offset` (its length when the caller last read it, so that
/// nothing appended in between is missed), calling `on_line` for each new complete line, and
/// carrying on into the new file after a rotation. Returns only on an error.
pub fn follow(
    trail: &Trail,
    offset: u64,
    mut on_line: impl FnMut(&[u8]) -> io::Result<()>,
) -> Result<()> {
    let log = LogFiles::open(trail, false)?;
    let io_err = |e| Error::io("following audit log", log.path(), e);
    let mut file = log.read_existing(log.name())?;
    let mut offset = offset;
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let len = file.metadata().map_err(io_err)?.len();
        if len > offset {
            let mut chunk = vec![0; usize::try_from(len - offset).unwrap_or(usize::MAX)];
            file.seek(SeekFrom::Start(offset)).map_err(io_err)?;
            file.read_exact(&mut chunk).map_err(io_err)?;
            offset = len;
            pending.extend_from_slice(&chunk);
            while let Some(end) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                on_line(&line[..line.len() - 1]).map_err(io_err)?;
            }
        } else if !log.dir().holds(log.name(), &file).unwrap_or(true) {
            // Rotated: the name now holds a new file (once it exists).
            if let Ok(Some(next)) = log.read(log.name()) {
                file = next;
                offset = 0;
                pending.clear();
                continue;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &[u8] = br#"{"time":"2026-11-21T10:00:00.000001Z","binary":"b","event":"PreToolUse","session_id":"0123456789","tool":"Bash","input":"ls","decision":"deny","reason":"r","seq":3}"#;

    #[test]
    fn colour_only_when_asked_for() {
        let plain = render(LINE, Style::detect(false, false));
        assert_eq!(
            plain,
            "2026-11-21 10:00:00 deny    Bash  ls\n    r\n    b PreToolUse, session 01234567, seq 3\n"
        );
        let coloured = render(LINE, Style { color: true });
        assert!(
            coloured.contains("\x1b[1;31mdeny   \x1b[0m"),
            "{coloured:?}"
        );
    }

    #[test]
    fn a_line_that_is_not_a_record_is_shown_as_such() {
        assert_eq!(
            render(b"garbage", Style::default()),
            "not a record: garbage\n"
        );
    }
}
