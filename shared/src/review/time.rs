//! Timestamps (RFC 3339, UTC, milliseconds) and the short durations reviewers type.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Error, Result};

/// A timestamp as the queue stores it: `2026-11-21T10:42:32.125Z` (milliseconds, so that
/// items queued within one second still sort in queue order).
pub(crate) fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored timestamp; `None` when it is not RFC 3339.
pub(crate) fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Reads a duration such as `90s`, `30m`, `1h`, `2d` or a bare number of seconds.
pub fn parse_ttl(text: &str) -> Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || {
        Error::Other(format!(
            "duration `{text}`: expected a number with s, m, h or d, such as 30m or 1h"
        ))
    };
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    if number == 0 {
        return Err(Error::Other(format!(
            "duration `{text}`: an approval must last longer than zero"
        )));
    }
    number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(bad)
}

/// How long ago something happened, in the largest whole unit: `42s`, `5m`, `3h`, `2d`.
pub fn format_age(since: Duration) -> String {
    let s = since.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_ttl("30m").unwrap(), Duration::from_mins(30));
        assert_eq!(parse_ttl("1h").unwrap(), Duration::from_hours(1));
        assert_eq!(parse_ttl("2d").unwrap(), Duration::from_hours(48));
        assert!(parse_ttl("1w").is_err());
        assert!(parse_ttl("h").is_err());
        assert!(parse_ttl("0m").is_err());
    }

    #[test]
    fn ages_and_stamps() {
        assert_eq!(format_age(Duration::from_secs(59)), "59s");
        assert_eq!(format_age(Duration::from_secs(3599)), "59m");
        assert_eq!(format_age(Duration::from_hours(2)), "2h");
        let now = parse_stamp("2026-11-21T10:42:32Z").unwrap();
        assert_eq!(stamp(now), "2026-11-21T10:42:32.000Z");
        assert!(parse_stamp("yesterday").is_none());
    }
}
