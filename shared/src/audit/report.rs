//! What was denied and asked, by tool, rule and session: one streaming pass over the log.
//!
//! Lines are parsed into a borrowed [`RecordView`] one at a time through a reused buffer, so
//! memory stays constant in the number of records (it grows only with the number of distinct
//! tools, rules and sessions) and a million records take well under a second.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::ops::ControlFlow;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use super::Trail;
use super::files::LogFiles;
use super::flat::for_each_member;
use super::tail::{Style, last_line_of};
use super::view::{Outcome, RecordView};
use crate::{Error, Result};

/// Rows shown per section of the table (`--json` has them all).
const TABLE_ROWS: usize = 10;
/// The widest bar, in characters.
const BAR_WIDTH: u64 = 30;

/// Which records a report covers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only records at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only this session.
    pub session: Option<String>,
}

/// Reads `--since` relative to the current time; see [`parse_since`].
pub fn since(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    parse_since(text, Utc::now())
}

/// Reads `--since`: a duration back from `now` (`30m`, `24h`, `7d`, `2w`), a date
/// (`2026-11-01`, midnight UTC) or an RFC 3339 time.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> std::result::Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Some(unit) = text.chars().last().filter(char::is_ascii_alphabetic) {
        let amount = &text[..text.len() - 1];
        if let Ok(amount) = amount.parse::<i64>() {
            let span = match unit {
                's' => Duration::try_seconds(amount),
                'm' => Duration::try_minutes(amount),
                'h' => Duration::try_hours(amount),
                'd' => Duration::try_days(amount),
                'w' => Duration::try_weeks(amount),
                _ => None,
            };
            return span
                .and_then(|span| now.checked_sub_signed(span))
                .ok_or_else(|| format!("`{text}`: expected a number followed by s, m, h, d or w"));
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{text}`: expected 7d, 24h, 30m, 2w, a date or an RFC 3339 time"))
}

/// Counts of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// `deny`, `denied`, `block`.
    pub denied: u64,
    /// `ask`, `defer`.
    pub asked: u64,
    /// `allow`, `approve`.
    pub allowed: u64,
    /// Everything else.
    pub other: u64,
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Denied => self.denied += 1,
            Outcome::Asked => self.asked += 1,
            Outcome::Allowed => self.allowed += 1,
            Outcome::Other => self.other += 1,
        }
    }
}

/// One row of a section: a tool, rule or session and how often it was denied and asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The tool, rule id or session id.
    pub name: String,
    /// Denials.
    pub denied: u64,
    /// Asks and defers.
    pub asked: u64,
}

/// A report over the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Records that matched the filter.
    pub records: u64,
    /// The time of the first matching record.
    pub first: Option<String>,
    /// The time of the last matching record.
    pub last: Option<String>,
    /// The `--since` cutoff.
    pub since: Option<String>,
    /// The `--session` filter.
    pub session: Option<String>,
    /// Lines that were not records.
    pub unreadable: u64,
    /// All matching records by outcome.
    pub totals: Counts,
    /// Denied and asked, by tool, most first.
    pub by_tool: Vec<Row>,
    /// Denied and asked, by rule or class id (`-` when none), most first.
    pub by_rule: Vec<Row>,
    /// Denied and asked, by session, most first.
    pub by_session: Vec<Row>,
}

/// The fields a report counts by, borrowed from the line.
#[derive(Default)]
struct Counted<'a> {
    time: Cow<'a, str>,
    event: Cow<'a, str>,
    session_id: Cow<'a, str>,
    tool: Option<Cow<'a, str>>,
    decision: Cow<'a, str>,
    rule_id: Option<Cow<'a, str>>,
}

impl<'a> Counted<'a> {
    /// Reads the counted fields of a record line, stopping at the first field the writer puts
    /// after all of them, or right after `time` when the record is older than `since`.
    fn read(line: &'a [u8], since: Option<&str>) -> Read<'a> {
        let mut c = Counted::default();
        let mut has_time = false;
        let mut too_old = false;
        let flat = for_each_member(line, |key, value| {
            let text = || value.text().unwrap_or_default();
            match key {
                b"time" => {
                    c.time = text();
                    has_time = true;
                    if since.is_some_and(|cutoff| c.time.as_ref() < cutoff) {
                        too_old = true;
                        return ControlFlow::Break(());
                    }
                }
                b"event" => c.event = text(),
                b"session_id" => c.session_id = text(),
                b"tool" => c.tool = value.text(),
                b"decision" => c.decision = text(),
                b"rule_id" => c.rule_id = value.text(),
                b"rule_source" | b"reason" | b"latency_us" | b"seq" if !c.decision.is_empty() => {
                    return ControlFlow::Break(());
                }
                _ => {}
            }
            ControlFlow::Continue(())
        });
        match (flat && has_time, too_old) {
            (false, _) => Read::Unreadable,
            (true, true) => Read::TooOld,
            (true, false) => Read::Record(c),
        }
    }
}

/// What [`Counted::read`] found.
enum Read<'a> {
    Record(Counted<'a>),
    TooOld,
    Unreadable,
}

/// Tallies of one section, keyed without allocating for keys already seen.
#[derive(Default)]
struct Tally(HashMap<String, (u64, u64)>);

impl Tally {
    fn add(&mut self, key: &str, outcome: Outcome) {
        let slot = if let Some(slot) = self.0.get_mut(key) {
            slot
        } else {
            self.0.entry(key.to_owned()).or_default()
        };
        match outcome {
            Outcome::Denied => slot.0 += 1,
            Outcome::Asked => slot.1 += 1,
            _ => {}
        }
    }

    fn rows(self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .0
            .into_iter()
            .map(|(name, (denied, asked))| Row {
                name,
                denied,
                asked,
            })
            .collect();
        rows.sort_by(|a, b| {
            (b.denied + b.asked, b.denied)
                .cmp(&(a.denied + a.asked, a.denied))
                .then_with(|| a.name.cmp(&b.name))
        });
        rows
    }
}

/// Builds a report over the log at `path` and its rotated files, in one streaming pass.
/// Rotated files that end before `since` are skipped without being read.
pub fn build(trail: &Trail, filter: &Filter) -> Result<Report> {
    let log = LogFiles::open(trail, false)?;
    let since = filter
        .since
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true));
    let mut report = Report {
        records: 0,
        first: None,
        last: None,
        since: since.clone(),
        session: filter.session.clone(),
        unreadable: 0,
        totals: Counts::default(),
        by_tool: Vec::new(),
        by_rule: Vec::new(),
        by_session: Vec::new(),
    };
    let (mut tools, mut rules, mut sessions) =
        (Tally::default(), Tally::default(), Tally::default());
    let mut last_time = String::new();
    let mut buf = Vec::with_capacity(1024);
    let names = log.existing()?;
    for name in names {
        let file_path = log.path_of(&name);
        let read_err = |e| Error::io("reading audit log", &file_path, e);
        let mut file = log.read_existing(&name)?;
        if let Some(cutoff) = &since {
            let last = last_line_of(&mut file).map_err(read_err)?;
            let ends_before = last
                .as_deref()
                .and_then(RecordView::parse)
                .is_some_and(|r| r.time.as_ref() < cutoff.as_str());
            if ends_before {
                continue;
            }
            file.seek(SeekFrom::Start(0)).map_err(read_err)?;
        }
        let mut reader = BufReader::with_capacity(1 << 20, file);
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf).map_err(read_err)? == 0 {
                break;
            }
            let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let r = match Counted::read(line, since.as_deref()) {
                Read::Record(r) => r,
                Read::TooOld => continue,
                Read::Unreadable => {
                    report.unreadable += 1;
                    continue;
                }
            };
            if filter.session.as_deref().is_some_and(|s| s != r.session_id) {
                continue;
            }
            report.records += 1;
            if report.first.is_none() {
                report.first = Some(r.time.to_string());
            }
            last_time.clear();
            last_time.push_str(&r.time);
            let outcome = Outcome::of(&r.decision);
            report.totals.add(outcome);
            if matches!(outcome, Outcome::Denied | Outcome::Asked) {
                tools.add(r.tool.as_deref().unwrap_or(&r.event), outcome);
                rules.add(r.rule_id.as_deref().unwrap_or("-"), outcome);
                sessions.add(&r.session_id, outcome);
            }
        }
    }
    if report.records > 0 {
        report.last = Some(last_time);
    }
    report.by_tool = tools.rows();
    report.by_rule = rules.rows();
    report.by_session = sessions.rows();
    Ok(report)
}

/// The report as a table with bar charts, for people.
pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let span = match (&report.first, &report.last) {
        (Some(first), Some(last)) => format!(", {} to {}", short_time(first), short_time(last)),
        _ => String::new(),
    };
    let _ = writeln!(out, "{} records{span}", thousands(report.records));
    let mut scope = Vec::new();
    if let Some(since) = &report.since {
        scope.push(format!("since {}", short_time(since)));
    }
    if let Some(session) = &report.session {
        scope.push(format!("session {session}"));
    }
    if !scope.is_empty() {
        let _ = writeln!(out, "({})", scope.join(", "));
    }
    let t = &report.totals;
    let _ = writeln!(
        out,
        "{} {}   {} {}   allowed {}   other {}",
        style.paint("1;31", "denied"),
        thousands(t.denied),
        style.paint("1;33", "asked"),
        thousands(t.asked),
        thousands(t.allowed),
        thousands(t.other)
    );
    if report.unreadable > 0 {
        let _ = writeln!(
            out,
            "{} lines were not records (run verify)",
            report.unreadable
        );
    }
    if t.denied + t.asked == 0 {
        let _ = writeln!(out, "\nnothing was denied or asked");
        return out;
    }
    section(&mut out, "by tool", &report.by_tool, style);
    section(&mut out, "by rule", &report.by_rule, style);
    section(&mut out, "by session", &report.by_session, style);
    let _ = writeln!(
        out,
        "\n{} denied  {} asked or deferred",
        style.paint("31", "█"),
        style.paint("33", "▒")
    );
    out
}

fn section(out: &mut String, title: &str, rows: &[Row], style: Style) {
    let width = rows
        .iter()
        .take(TABLE_ROWS)
        .map(|r| r.name.chars().count().min(36))
        .max()
        .unwrap_or(0)
        .max(title.len());
    let most = rows
        .iter()
        .map(|r| r.denied + r.asked)
        .max()
        .unwrap_or(1)
        .max(1);
    let heading = format!("{title:<width$}");
    let _ = writeln!(
        out,
        "\n{}  {:>7}  {:>7}",
        style.paint("1", &heading),
        "denied",
        "asked"
    );
    for row in rows.iter().take(TABLE_ROWS) {
        let name = clip(&row.name, 36);
        let denied_bar = bar_len(row.denied, most);
        let asked_bar = bar_len(row.denied + row.asked, most) - denied_bar;
        let _ = writeln!(
            out,
            "{name:<width$}  {:>7}  {:>7}  {}{}",
            thousands(row.denied),
            thousands(row.asked),
            style.paint("31", &"█".repeat(denied_bar)),
            style.paint("33", &"▒".repeat(asked_bar)),
        );
    }
    if rows.len() > TABLE_ROWS {
        let _ = writeln!(out, "… and {} more", rows.len() - TABLE_ROWS);
    }
}

/// Bar length for `value` out of `most`, at least one character for a non-zero value.
fn bar_len(value: u64, most: u64) -> usize {
    if value == 0 {
        return 0;
    }
    let scaled = (value * BAR_WIDTH).div_ceil(most).clamp(1, BAR_WIDTH);
    usize::try_from(scaled).unwrap_or(0)
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max - 1).collect();
        format!("{kept}…")
    }
}

/// `2026-11-21T10:40:59.123456Z` as `2026-11-21 10:40:59`.
fn short_time(time: &str) -> String {
    time.get(..19)
        .map_or_else(|| time.to_owned(), |t| t.replacen('T', " ", 1))
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_durations_dates_and_times() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| {
            parse_since(s, now)
                .unwrap()
                .to_rfc3339_opts(SecondsFormat::Secs, true)
        };
        assert_eq!(at("7d"), "2026-11-14T12:00:00Z");
        assert_eq!(at("24h"), "2026-11-20T12:00:00Z");
        assert_eq!(at("2w"), "2026-11-07T12:00:00Z");
        assert_eq!(at("2026-11-01"), "2026-11-01T00:00:00Z");
        assert_eq!(at("2026-11-20T08:00:00+02:00"), "2026-11-20T06:00:00Z");
        assert!(parse_since("7x", now).is_err());
        assert!(parse_since("soon", now).is_err());
    }

    #[test]
    fn numbers_get_separators_and_bars_scale() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bar_len(1, 1000), 1);
        assert_eq!(bar_len(1000, 1000), 30);
        assert_eq!(bar_len(0, 10), 0);
    }
}
