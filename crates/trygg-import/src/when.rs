//! Dates and times as people write them, turned into instants in Swedish local time.
//!
//! Incident times in Swedish files are wall-clock times in Europe/Stockholm. They become
//! instants here, once, with daylight saving handled by jiff's bundled time-zone database and
//! its `Disambiguation::Compatible` rule (as RFC 5545 and `java.time` do):
//!
//! - a time in the spring-forward **gap** does not exist and is shifted forward by the length of
//!   the gap: 2024-03-31 02:30 becomes 03:30 CEST (01:30 UTC);
//! - a time in the autumn **overlap** happens twice and is taken as the **earlier** instant:
//!   2024-10-27 02:30 becomes 02:30 CEST (00:30 UTC), not 02:30 CET.
//!
//! Years are 1970–2100 ([`trygg_domain::incident::EARLIEST_YEAR`], `LATEST_YEAR`); a time more
//! than a day ahead is refused when the incident is stored (`NewIncident::validate_at`), since
//! parsing here has no clock.
//!
//! Accepted dates: `2023-05-01` (ISO; also with `/` or `.`), `20230501`, and day-first
//! `1/5/2023`, `1.5.2023`, `01-05-2023` (Swedish/European order: 1 May — never US month-first).
//! Two-digit years are refused. Accepted times: `14:30`, `14.30`, `14:30:15`, `1430`, `9:05`,
//! optionally after `kl`/`kl.`. A date and a time may share a cell, separated by a space or `T`.
//! A full RFC 3339 instant with an offset (`2023-05-01T12:30:00Z`) is taken as it stands.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use trygg_domain::incident::{EARLIEST_YEAR, LATEST_YEAR};

/// Europe/Stockholm, loaded once from the bundled database.
pub(crate) fn stockholm() -> &'static TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    TZ.get_or_init(|| TimeZone::get("Europe/Stockholm").expect("bundled tzdb has Europe/Stockholm"))
}

/// A Swedish wall-clock time as an instant.
pub(crate) fn local_to_timestamp(dt: DateTime) -> Timestamp {
    stockholm()
        .to_ambiguous_zoned(dt)
        .compatible()
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| dt.to_zoned(TimeZone::UTC).expect("in range").timestamp())
}

/// An instant as Swedish wall-clock time.
pub(crate) fn timestamp_to_local(ts: Timestamp) -> DateTime {
    stockholm().to_datetime(ts)
}

fn num(s: &str) -> Option<i32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The dashes people write between two times (`9:30-10:00`, `9:30–10:00`, `9.30—10.00`).
const DASHES: [char; 5] = ['-', '\u{2010}', '\u{2013}', '\u{2014}', '\u{2212}'];

/// Why a date or time was refused; the caller names the column.
pub(crate) type WhenError = String;

fn make_date(y: i32, m: i32, d: i32, raw: &str) -> Result<Date, WhenError> {
    let (first, last) = (i32::from(EARLIEST_YEAR), i32::from(LATEST_YEAR));
    if !(first..=last).contains(&y) {
        return Err(format!(
            "{raw:?} has year {y}; trygg takes dates from {first} to {last}: check the year and \
             write it with four digits, such as 2023-05-01"
        ));
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|_| {
        format!("{raw:?} is not a date that exists (month {m}, day {d}); check the day and month")
    })
}

/// Parses a date in the forms listed in the module documentation.
pub(crate) fn parse_date(raw: &str) -> Result<Date, WhenError> {
    let s = raw.trim();
    let bad = || {
        format!("{raw:?} is not a date; write it as 2023-05-01 (also accepted: 20230501, 1/5/2023)")
    };
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (num(&s[..4]), num(&s[4..6]), num(&s[6..]));
        return make_date(
            y.ok_or_else(bad)?,
            m.ok_or_else(bad)?,
            d.ok_or_else(bad)?,
            raw,
        );
    }
    let sep = s
        .bytes()
        .find(|b| matches!(b, b'-' | b'/' | b'.'))
        .ok_or_else(bad)?;
    let parts: Vec<&str> = s.split(sep as char).collect();
    if parts.len() != 3 {
        return Err(bad());
    }
    let n: Vec<i32> = parts
        .iter()
        .map(|p| num(p))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if parts[0].len() == 4 {
        make_date(n[0], n[1], n[2], raw)
    } else if parts[2].len() == 4 {
        make_date(n[2], n[1], n[0], raw)
    } else {
        Err(format!(
            "{raw:?} is ambiguous or has a two-digit year; write it as 2023-05-01"
        ))
    }
}

/// Parses a time of day in the forms listed in the module documentation.
pub(crate) fn parse_time(raw: &str) -> Result<Time, WhenError> {
    let mut s = raw.trim();
    for prefix in ["kl.", "kl", "Kl.", "Kl"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start();
            break;
        }
    }
    if let Some((from, to)) = s.split_once(DASHES)
        && !from.trim().is_empty()
        && !to.trim().is_empty()
    {
        return Err(format!(
            "{raw:?} is a time span, not a time of day: write the start ({}) in a Från column and \
             the end ({}) in a Till column, each with its date, or give only the start",
            from.trim(),
            to.trim()
        ));
    }
    let bad = || format!("{raw:?} is not a time of day; write it as 14:30");
    let (h, m, sec) = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        (num(&s[..2]), num(&s[2..]), Some(0))
    } else {
        let mut it = s.split([':', '.']);
        let h = it.next().and_then(num);
        let m = it.next().and_then(num);
        let sec = match it.next() {
            None => Some(0),
            Some(x) => num(x.split(['.', ','].as_slice()).next().unwrap_or("")),
        };
        if it.next().is_some() {
            return Err(bad());
        }
        (h, m, sec)
    };
    let (Some(h), Some(m), Some(sec)) = (h, m, sec) else {
        return Err(bad());
    };
    Time::new(h as i8, m as i8, sec as i8, 0)
        .map_err(|_| format!("{raw:?} is not a time that exists; hours run 0–23, minutes 0–59"))
}

/// A full RFC 3339 instant with an offset or `Z` (`2023-05-01T12:30:00Z`,
/// `2023-05-01 14:30:00+02:00`), as machine exports write; `None` for anything else.
pub(crate) fn parse_instant(raw: &str) -> Option<Timestamp> {
    let s = raw.trim();
    // RFC 3339 has seconds (`12:30:00`): without them `09:30-10:00`, a time span, would read
    // as 09:30 at offset −10:00. `get`, not indexing: a byte offset may fall inside a
    // multi-byte character (`9:30–10:00`).
    let b = s.as_bytes();
    let seconds = b.get(13) == Some(&b':') && b.get(16) == Some(&b':');
    let offset = s.get(19..).is_some_and(|tail| tail.contains(['+', '-']));
    if s.len() < 20 || !seconds || !(s.ends_with('Z') || s.ends_with('z') || offset) {
        return None;
    }
    s.replacen(' ', "T", 1).parse().ok()
}

/// A cell holding a date, optionally followed by a time. Returns the date and the time if one
/// was given.
pub(crate) fn parse_date_time(raw: &str) -> Result<(Date, Option<Time>), WhenError> {
    let s = raw.trim();
    let split = s.find(['T', ' ']);
    match split {
        Some(i) => {
            let date = parse_date(&s[..i])?;
            let time = parse_time(s[i + 1..].trim())?;
            Ok((date, Some(time)))
        }
        None => Ok((parse_date(s)?, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_in_every_accepted_form() {
        let may1 = date(2023, 5, 1);
        for s in [
            "2023-05-01",
            "2023/05/01",
            "2023.5.1",
            "20230501",
            "1/5/2023",
            "01.05.2023",
            "1-5-2023",
        ] {
            assert_eq!(parse_date(s).unwrap(), may1, "{s}");
        }
        assert!(parse_date("2023-02-30").unwrap_err().contains("exists"));
        assert!(parse_date("1/5/23").unwrap_err().contains("two-digit"));
        assert!(parse_date("igår").is_err());
        for s in ["1969-12-31", "2101-01-01", "9999-12-31"] {
            let e = parse_date(s).unwrap_err();
            assert!(e.contains("from 1970 to 2100"), "{s}: {e}");
        }
        assert_eq!(parse_date("1970-01-01").unwrap(), date(1970, 1, 1));
        assert_eq!(parse_date("2100-12-31").unwrap(), date(2100, 12, 31));
    }

    #[test]
    fn a_time_span_in_one_cell_says_what_to_write_instead() {
        // Byte 16 of this cell is inside the en dash: it must not panic.
        assert_eq!(parse_instant("2024-03-01 9:30–10:00"), None);
        for cell in [
            "2024-03-01 9:30–10:00",
            "2024-03-01 9:30-10:00",
            "2024-03-01 09.30—10.00",
        ] {
            let e = parse_date_time(cell).unwrap_err();
            assert!(
                e.contains("time span") && e.contains("Från") && e.contains("Till"),
                "{e}"
            );
        }
        assert!(parse_instant("2024-03-01 09:30:00–01:00").is_none());
        // Not 09:30 at offset −10:00.
        assert_eq!(parse_instant("2024-03-01 09:30-10:00"), None);
        assert!(
            parse_date_time("2024-03-01 09:30-10:00")
                .unwrap_err()
                .contains("time span")
        );
        assert_eq!(
            parse_instant("2024-03-01T09:30:00-10:00")
                .unwrap()
                .to_string(),
            "2024-03-01T19:30:00Z"
        );
        assert!(parse_instant("ååååååååååååååååååååå").is_none());
        assert!(parse_date_time("2024-03-01 ö").is_err());
    }

    #[test]
    fn times_in_every_accepted_form() {
        for s in ["14:30", "14.30", "kl 14.30", "1430", "14:30:00"] {
            assert_eq!(
                parse_time(s).unwrap(),
                Time::new(14, 30, 0, 0).unwrap(),
                "{s}"
            );
        }
        assert_eq!(parse_time("9:05").unwrap(), Time::new(9, 5, 0, 0).unwrap());
        assert!(parse_time("25:00").is_err());
        assert_eq!(
            parse_instant("2023-05-01 14:30:00+02:00")
                .unwrap()
                .to_string(),
            "2023-05-01T12:30:00Z"
        );
        assert!(parse_instant("2023-05-01T12:30:00Z").is_some());
        assert!(parse_instant("2023-05-01 14:30").is_none());
        assert_eq!(
            parse_date_time("2023-05-01 14:30").unwrap(),
            (date(2023, 5, 1), Some(Time::new(14, 30, 0, 0).unwrap()))
        );
    }

    #[test]
    fn local_times_follow_daylight_saving() {
        let winter = local_to_timestamp(date(2023, 1, 15).at(12, 0, 0, 0));
        let summer = local_to_timestamp(date(2023, 7, 15).at(12, 0, 0, 0));
        assert_eq!(winter.to_string(), "2023-01-15T11:00:00Z");
        assert_eq!(summer.to_string(), "2023-07-15T10:00:00Z");
        // 02:30 on 26 March 2023 does not exist in Sweden; it moves forward to 03:30 CEST.
        let gap = local_to_timestamp(date(2023, 3, 26).at(2, 30, 0, 0));
        assert_eq!(gap.to_string(), "2023-03-26T01:30:00Z");
        // The rule of the module documentation, for 2024: the gap shifts forward …
        let gap = local_to_timestamp(date(2024, 3, 31).at(2, 30, 0, 0));
        assert_eq!(gap.to_string(), "2024-03-31T01:30:00Z");
        assert_eq!(timestamp_to_local(gap), date(2024, 3, 31).at(3, 30, 0, 0));
        // … and the overlap takes the earlier of its two instants (CEST, +02:00).
        let overlap = local_to_timestamp(date(2024, 10, 27).at(2, 30, 0, 0));
        assert_eq!(overlap.to_string(), "2024-10-27T00:30:00Z");
        let later = local_to_timestamp(date(2024, 10, 27).at(3, 30, 0, 0));
        assert_eq!(
            later.to_string(),
            "2024-10-27T02:30:00Z",
            "CET after the overlap"
        );
        assert_eq!(
            timestamp_to_local(summer),
            date(2023, 7, 15).at(12, 0, 0, 0)
        );
    }
}
