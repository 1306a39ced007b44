//! Weeks and months: ISO weeks as people write them: `2024-W47`, `2024W47`, `2024-w7`, with spaces around. The
//! one parser for the CLI, the reports and the EST meetings; the Swedish month names.

use jiff::civil::{ISOWeekDate, Weekday};

/// The Swedish month names, January first: the one list for reports, Polisen's titles and the
/// pages.
pub const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// The months in English, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The Swedish months abbreviated as Swedish charts write them (`jan`, `maj`, `okt`).
pub const MONTHS_SV_SHORT: [&str; 12] = [
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// Parses an ISO week; the error says how to write one, or that the week does not exist.
pub fn parse_iso_week(s: &str) -> Result<ISOWeekDate, String> {
    let bad = || format!("\"{s}\" is not an ISO week; write it as YYYY-Www, e.g. 2024-W47");
    let t = s.trim().to_ascii_uppercase();
    let (y, w) = t.split_once('W').ok_or_else(bad)?;
    let y: i16 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
    let w: i8 = w.parse().map_err(|_| bad())?;
    ISOWeekDate::new(y, w, Weekday::Monday)
        .map_err(|_| format!("week {w} does not exist in {y} (ISO years have 52 or 53 weeks)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_people_write_a_week() {
        for s in ["2024-W07", "2024W7", "2024-w7", " 2024-W7 "] {
            let w = parse_iso_week(s).unwrap();
            assert_eq!((w.year(), w.week()), (2024, 7), "{s}");
        }
        assert!(parse_iso_week("2020-W53").is_ok());
        assert!(
            parse_iso_week("2021-W53")
                .unwrap_err()
                .contains("does not exist")
        );
        assert!(parse_iso_week("vecka 18").unwrap_err().contains("YYYY-Www"));
    }
}
