//! Times as people write them: with an offset (`2024-05-01T20:00:00+02:00`), in UTC
//! (`…Z`), or as local wall-clock time (`2024-05-01T20:00`, `2024-05-01 20:00`) or a date
//! (`2024-05-01`, meaning local midnight), interpreted in the configured zone with DST as the
//! importers do (`trygg_import`'s `when`): a time in the spring-forward gap is shifted forward
//! by the gap (2024-03-31 02:30 → 03:30 CEST), one in the autumn overlap is the earlier instant
//! (2024-10-27 02:30 → 02:30 CEST). Years outside 1970–2100 are refused with a sentence.

use jiff::{Timestamp, civil, tz::TimeZone};
use trygg_domain::incident::{EARLIEST_YEAR, LATEST_YEAR, check_year};

/// Parses a time; the error says which forms are accepted.
pub fn parse_time(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let s = s.trim();
    let year_range = |year: i16| {
        if (EARLIEST_YEAR..=LATEST_YEAR).contains(&year) {
            Ok(())
        } else {
            Err(format!(
                "{s:?} is in the year {year}; trygg takes times from {EARLIEST_YEAR} to \
                 {LATEST_YEAR}: check the year, e.g. 2024-05-01T20:00"
            ))
        }
    };
    if let Ok(t) = s.parse::<Timestamp>() {
        if check_year("", t).is_err() {
            year_range(t.to_zoned(TimeZone::UTC).year())?;
        }
        return Ok(t);
    }
    let local = s.parse::<civil::DateTime>().or_else(|_| {
        s.parse::<civil::Date>()
            .map(|d| d.to_datetime(civil::Time::midnight()))
    });
    match local {
        Ok(dt) => {
            year_range(dt.year())?;
            // `to_zoned` disambiguates as `Disambiguation::Compatible`: gap forward, overlap
            // earlier.
            dt.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|_| {
                format!(
                    "{s:?} is not a valid local time in {}.",
                    tz.iana_name().unwrap_or("the configured zone")
                )
            })
        }
        Err(_) => Err(format!(
            "{s:?} is not a time. Use e.g. 2024-05-01T20:00:00+02:00, 2024-05-01T20:00 (local time) or 2024-05-01."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_forms_use_the_zone_with_dst() {
        let tz = TimeZone::get("Europe/Stockholm").unwrap();
        let summer = parse_time("2024-07-01T12:00", &tz).unwrap();
        assert_eq!(summer, "2024-07-01T10:00:00Z".parse().unwrap());
        let winter = parse_time("2024-01-01 12:00", &tz).unwrap();
        assert_eq!(winter, "2024-01-01T11:00:00Z".parse().unwrap());
        assert_eq!(
            parse_time("2024-01-01", &tz).unwrap(),
            "2023-12-31T23:00:00Z".parse().unwrap()
        );
        assert_eq!(
            parse_time("2024-01-01T12:00:00+01:00", &tz).unwrap(),
            winter
        );
        assert!(
            parse_time("2023-02-30", &tz)
                .unwrap_err()
                .contains("not a time")
        );
        assert!(parse_time("igår", &tz).is_err());
    }

    #[test]
    fn years_outside_1970_to_2100_are_refused_with_a_sentence() {
        let tz = TimeZone::get("Europe/Stockholm").unwrap();
        for s in [
            "9999-12-31T23:59",
            "9999-12-30T00:00:00Z",
            "1969-12-31",
            "2101-01-01T00:00",
        ] {
            let e = parse_time(s, &tz).unwrap_err();
            assert!(
                e.contains("trygg takes times from 1970 to 2100"),
                "{s}: {e}"
            );
            assert!(!e.contains("parameter"), "no library internals: {e}");
        }
        assert!(parse_time("1970-01-01T01:00", &tz).is_ok());
    }

    #[test]
    fn a_gap_moves_forward_and_an_overlap_takes_the_earlier_instant() {
        let tz = TimeZone::get("Europe/Stockholm").unwrap();
        assert_eq!(
            parse_time("2024-03-31T02:30", &tz).unwrap(),
            "2024-03-31T01:30:00Z".parse().unwrap()
        );
        assert_eq!(
            parse_time("2024-10-27 02:30", &tz).unwrap(),
            "2024-10-27T00:30:00Z".parse().unwrap()
        );
    }
}
