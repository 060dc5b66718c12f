//! One finding: what is wrong, where, how bad, and how to fix it.

use std::fmt;

use super::catalog;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// The configuration works, but does less than it reads or is risky.
    Warning,
    /// Claude Code rejects or ignores this, or it leaves a guard open.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }

    /// The SARIF `level` for this severity.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Self::Info => "note",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The stable id, such as `HK201`; `rules-lint --explain ID` describes it.
    pub id: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// Index of the file in [`super::Report::files`].
    pub file: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is a concrete suggestion.
    pub fix: Option<String>,
}

/// Collects findings for one file, turning byte offsets into lines and columns.
pub(crate) struct Sink<'a> {
    pub(crate) file: usize,
    pub(crate) text: &'a str,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: usize, text: &'a str) -> Self {
        Self {
            file,
            text,
            findings: Vec::new(),
        }
    }

    /// Records finding `id` at byte `offset`, with the catalogue's default severity.
    pub(crate) fn report(&mut self, id: &'static str, offset: usize, message: impl Into<String>) {
        self.report_fix(id, offset, message, None::<String>);
    }

    /// Records finding `id` at byte `offset` with a fix.
    pub(crate) fn report_fix(
        &mut self,
        id: &'static str,
        offset: usize,
        message: impl Into<String>,
        fix: Option<impl Into<String>>,
    ) {
        let severity = catalog::lookup(id).map_or(Severity::Error, |entry| entry.severity);
        self.report_as(id, severity, offset, message, fix);
    }

    /// Records a finding with an explicit severity.
    pub(crate) fn report_as(
        &mut self,
        id: &'static str,
        severity: Severity,
        offset: usize,
        message: impl Into<String>,
        fix: Option<impl Into<String>>,
    ) {
        let (line, column) = line_column(self.text, offset);
        self.findings.push(Finding {
            id,
            severity,
            file: self.file,
            line,
            column,
            message: message.into(),
            fix: fix.map(Into::into),
        });
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// The byte offset of 1-based `line` and `column` (characters) in `text`.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_both_ways() {
        let text = "ab\ncdé f\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        let f = text.find('f').unwrap();
        assert_eq!(line_column(text, f), (2, 5));
        assert_eq!(offset_of(text, 2, 5), f);
    }
}
