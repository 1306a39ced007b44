//! Times as people write them: with an offset (`2024-05-01T20:00:00+02:00`), in UTC
//! (`…Z`), or as local wall-clock time (`2024-05-01T20:00`, `2024-05-01 20:00`) or a date
//! (`2024-05-01`, meaning local midnight), interpreted in the configured zone with DST.

use jiff::{Timestamp, civil, tz::TimeZone};

/// Parses a time; the error says which forms are accepted.
pub fn parse_time(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let local = s.parse::<civil::DateTime>().or_else(|_| {
        s.parse::<civil::Date>()
            .map(|d| d.to_datetime(civil::Time::midnight()))
    });
    match local {
        Ok(dt) => dt
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| format!("{s:?} is not a valid local time: {e}")),
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
}
