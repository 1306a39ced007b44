//! Polisen's public events feed (`https://polisen.se/api/events`) as incidents.
//!
//! The feed is the one source every Swedish partnership has, and it is quirky (see
//! `shared/data/polisen/README.md`): the publication time has an unpadded hour; the incident
//! time exists only in the title ("22 augusti 06.29, Stöld/inbrott, Knivsta"), without a year;
//! types contain commas; the place after the last comma may be empty; since 2026 the location
//! is only the county, so the kommun must come from the title; URLs are relative; positions are
//! kommun or county centroids, never the incident's place; and county summaries
//! ("Sammanfattning natt") are mixed in. All of that is handled here, once.
//!
//! Since 2026 every event gives the county centroid, which lies in one particular kommun; left
//! there, every event in the county would be counted in that kommun. So a county-only event
//! whose title names a kommun is placed at a point inside that kommun
//! ([`trygg_geo::kommun_interior_point`]); the published position is kept in
//! [`PolisenMeta::feed_position`]. Precision stays `area` either way.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::Deserialize;
use serde_json::value::RawValue;
use trygg_domain::category::{POLISEN_UNMAPPED, PolisenType, polisen_type};
use trygg_domain::incident::{DESCRIPTION_MAX_CHARS, check_text};
use trygg_domain::{Channel, NewIncident, OrganisationId, Position, Precision, Visibility};

use crate::kommuner;
pub use crate::report::PolisenMeta;
use crate::report::{Errors, ImportBatch, ImportErrors, ImportSummary, Location};
use crate::when::local_to_timestamp;

/// Polisen's site, for the relative URLs in the feed.
pub const POLISEN_BASE_URL: &str = "https://polisen.se";

/// The organisation every event of Polisen's public feed is filed under, whoever imports it
/// (poller, CLI, API, demo), so that the same event is always the same stored incident:
/// incidents are unique per (channel, organisation, external id).
pub const FEED_ORGANISATION: &str = "Polisen (öppna händelser)";

/// Settings for a Polisen import.
#[derive(Debug, Clone, Copy)]
pub struct PolisenOptions {
    /// The organisation the incidents are filed under (the local police, or a "Polisen (öppna
    /// data)" organisation).
    pub source_org: OrganisationId,
}

#[derive(Deserialize)]
struct RawEvent {
    id: i64,
    datetime: String,
    name: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    url: String,
    #[serde(rename = "type")]
    event_type: String,
    location: RawLocation,
}

#[derive(Deserialize)]
struct RawLocation {
    name: String,
    gps: String,
}

/// Parses a response of `https://polisen.se/api/events` (a JSON array of events).
///
/// Summaries are skipped and counted; unmapped types go under `ovrigt.polisen` and are listed
/// in the summary. Each incident gets `external_id` = Polisen's id, so storing the batch again
/// updates rather than duplicates. On any bad event nothing is returned and every bad event is
/// listed with its line.
pub fn parse_polisen(json: &[u8], options: PolisenOptions) -> Result<ImportBatch, ImportErrors> {
    let items: Vec<&RawValue> = serde_json::from_slice(json).map_err(|e| {
        let hint = if e.is_eof() {
            " The file ends too early: was the download cut off? Fetch it again."
        } else if e.is_data() {
            " Polisen's feed is a JSON array of events: [ {\"id\": …}, … ]."
        } else {
            ""
        };
        ImportErrors::file(format!("The file is not valid JSON ({e}).{hint}"))
    })?;
    let mut errors = Errors::default();
    let mut summary = ImportSummary {
        source: "polisen".into(),
        ..Default::default()
    };
    let mut incidents = Vec::with_capacity(items.len());
    let mut metas = Vec::with_capacity(items.len());
    let mut county_only = 0;
    let mut lines = LineCounter::default();
    for raw in items {
        let line = lines.line_of(json, raw.get());
        let ev: RawEvent = match serde_json::from_str(raw.get()) {
            Ok(ev) => ev,
            Err(e) => {
                errors.push(
                    Location::Line(line),
                    format!("this is not a Polisen event ({e}); every event needs id, datetime, name, type and location"),
                );
                continue;
            }
        };
        let category = match polisen_type(&ev.event_type) {
            PolisenType::Summary => {
                summary.skipped_summaries += 1;
                continue;
            }
            PolisenType::Category(code) => code,
            PolisenType::Unmapped => {
                *summary
                    .unmapped_types
                    .entry(ev.event_type.trim().to_string())
                    .or_default() += 1;
                POLISEN_UNMAPPED
            }
        };
        match convert(&ev, category, options) {
            Ok((incident, meta)) => {
                if meta.kommun.is_some() && kommuner::is_county(&meta.location_name) {
                    county_only += 1;
                }
                *summary.by_category.entry(category.to_string()).or_default() += 1;
                incidents.push(incident);
                metas.push(meta);
            }
            Err(message) => errors.push(
                Location::Line(line),
                format!("event {} ({:?}): {message}", ev.id, ev.name),
            ),
        }
    }
    let duplicates = keep_latest_versions(&mut incidents, &mut metas, &mut summary);
    if duplicates > 0 {
        summary.notes.push(format!(
            "{duplicates} older versions of updated events were dropped; the latest version of each is imported."
        ));
    }
    summary.imported = incidents.len();
    if county_only > 0 {
        summary.notes.push(format!(
            "{county_only} events named only their county; their kommun was taken from the title \
             and they were placed at a point inside that kommun instead of the county centroid."
        ));
    }
    summary.notes.push(
        "Polisen positions stand for a whole kommun or county, not the incident's place: stored \
         with precision \"area\", counted per area, never used in point statistics."
            .into(),
    );
    errors.into_result(ImportBatch {
        incidents,
        polisen: metas,
        summary,
    })
}

fn convert(
    ev: &RawEvent,
    category: &'static str,
    options: PolisenOptions,
) -> Result<(NewIncident, PolisenMeta), String> {
    let published = parse_published(&ev.datetime)?;
    let title = parse_title(&ev.name)?;
    let occurred = incident_time(published, &title)?;
    let (lat, lon) = parse_gps(&ev.location.gps)?;
    let feed_position = Position::from_wgs84(lat, lon, Precision::Area).map_err(|e| e.message)?;
    let location = ev.location.name.trim();
    let kommun = kommuner::by_name(location)
        .or_else(|| kommuner::by_name(&title.place))
        .cloned();
    // A county-only event whose kommun the title names is placed in that kommun, not at the
    // county centroid (which lies in some other kommun and would be counted there).
    let position = match &kommun {
        Some(k) if kommuner::by_name(location).is_none() => {
            match trygg_geo::kommun_interior_point(k.code) {
                Some(p) => {
                    Position::from_wgs84(p.lat, p.lon, Precision::Area).map_err(|e| e.message)?
                }
                None => feed_position,
            }
        }
        _ => feed_position,
    };
    let place = match &kommun {
        Some(k) => Some(k.name.to_string()),
        None if !location.is_empty() => Some(location.to_string()),
        None => None,
    };
    let description = Some(ev.summary.trim().to_string()).filter(|s| !s.is_empty());
    check_text("description", description.as_deref(), DESCRIPTION_MAX_CHARS)
        .map_err(|e| e.message)?;
    let url = if ev.url.starts_with('/') {
        format!("{POLISEN_BASE_URL}{}", ev.url)
    } else {
        ev.url.clone()
    };
    let incident = NewIncident {
        occurred_from: occurred,
        occurred_to: None,
        reported_at: Some(published),
        category: category.to_string(),
        place_type: None,
        position: Some(position),
        place,
        source_org: options.source_org,
        channel: Channel::Polisen,
        external_id: Some(ev.id.to_string()),
        description,
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    };
    incident.validate().map_err(|e| e.to_string())?;
    Ok((
        incident,
        PolisenMeta {
            id: ev.id,
            event_type: ev.event_type.trim().to_string(),
            url,
            kommun,
            location_name: location.to_string(),
            published_at: published,
            feed_position,
        },
    ))
}

/// Polisen updates events under the same id; a file (e.g. an archive) can hold several versions.
/// Keeps the one published last, in file order, and corrects the per-category counts.
fn keep_latest_versions(
    incidents: &mut Vec<NewIncident>,
    metas: &mut Vec<PolisenMeta>,
    summary: &mut ImportSummary,
) -> usize {
    let mut latest: std::collections::HashMap<i64, (Timestamp, usize)> = Default::default();
    for (i, m) in metas.iter().enumerate() {
        let e = latest.entry(m.id).or_insert((m.published_at, i));
        if m.published_at >= e.0 {
            *e = (m.published_at, i);
        }
    }
    if latest.len() == metas.len() {
        return 0;
    }
    let keep: Vec<bool> = (0..metas.len())
        .map(|i| latest[&metas[i].id].1 == i)
        .collect();
    for (i, inc) in incidents.iter().enumerate() {
        if !keep[i]
            && let Some(n) = summary.by_category.get_mut(&inc.category)
        {
            *n -= 1;
        }
    }
    summary.by_category.retain(|_, n| *n > 0);
    let mut k = keep.iter();
    incidents.retain(|_| *k.next().expect("same length"));
    let mut k = keep.iter();
    metas.retain(|_| *k.next().expect("same length"));
    keep.len() - metas.len()
}

/// `"2023-03-21 1:15:53 +01:00"` (hour not zero-padded) → instant.
fn parse_published(s: &str) -> Result<Timestamp, String> {
    let bad = || format!("datetime {s:?} is not of the form \"2026-08-22 10:35:23 +02:00\"");
    let mut parts = s.split_whitespace();
    let (Some(date), Some(time), Some(offset), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let time = if time.find(':') == Some(1) {
        format!("0{time}")
    } else {
        time.to_string()
    };
    format!("{date}T{time}{offset}")
        .parse::<Timestamp>()
        .map_err(|_| bad())
}

/// The parts of a title: day, month, time and the place after the last comma.
#[derive(Debug, PartialEq)]
struct Title {
    day: i8,
    month: i8,
    time: Time,
    place: String,
}

use trygg_domain::week::MONTHS_SV as MONTHS;

/// `"22 augusti 06.29, Stöld/inbrott, Knivsta"`; the type may contain commas, the place may be
/// empty, the time uses `.` (2024 on) or `:` (2023).
fn parse_title(name: &str) -> Result<Title, String> {
    let bad = || {
        format!(
            "the title {name:?} does not start with \"<day> <month> <HH.MM>, \" as Polisen's titles do"
        )
    };
    let (head, _) = name.split_once(',').ok_or_else(bad)?;
    let mut w = head.split_whitespace();
    let (Some(day), Some(month), Some(time), None) = (w.next(), w.next(), w.next(), w.next())
    else {
        return Err(bad());
    };
    let day: i8 = day.parse().map_err(|_| bad())?;
    let month = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))
        .ok_or_else(bad)? as i8
        + 1;
    let (h, m) = time.split_once(['.', ':']).ok_or_else(bad)?;
    let time = Time::new(
        h.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        0,
        0,
    )
    .map_err(|_| bad())?;
    let place = name
        .rsplit_once(',')
        .map_or("", |(_, p)| p)
        .trim()
        .to_string();
    Ok(Title {
        day,
        month,
        time,
        place,
    })
}

/// The incident time: the title's day and time in Swedish local time, in the year of
/// publication — or the year before, when an event from late December is published in January.
fn incident_time(published: Timestamp, title: &Title) -> Result<Timestamp, String> {
    let pub_year = crate::when::timestamp_to_local(published).year();
    for year in [pub_year, pub_year - 1] {
        let Ok(date) = Date::new(year, title.month, title.day) else {
            continue; // 29 februari in a non-leap year: try the year before
        };
        let at = local_to_timestamp(date.to_datetime(title.time));
        // An event is published after it happens; allow a day of slack for clock skew.
        if at <= published + jiff::SignedDuration::from_hours(24) {
            return Ok(at);
        }
    }
    Err(format!(
        "the title's date ({} {}) is not a day in the year before publication",
        title.day,
        MONTHS[(title.month - 1) as usize]
    ))
}

/// `"59.858564,17.638927"` → (lat, lon).
fn parse_gps(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("location.gps {s:?} is not \"lat,lng\" in decimal degrees");
    let (lat, lon) = s.split_once(',').ok_or_else(bad)?;
    Ok((
        lat.trim().parse().map_err(|_| bad())?,
        lon.trim().parse().map_err(|_| bad())?,
    ))
}

/// Line numbers of successive slices of one input, counted incrementally (the events come in
/// order, so each newline is counted once).
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    /// The 1-based line at which `part` (a slice of `whole`, after the previous one) starts.
    fn line_of(&mut self, whole: &[u8], part: &str) -> u64 {
        let offset = (part.as_ptr() as usize)
            .saturating_sub(whole.as_ptr() as usize)
            .min(whole.len());
        if offset < self.offset {
            *self = LineCounter::default();
        }
        self.line += whole[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = offset;
        self.line + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_in_both_time_styles_with_commas_and_empty_places() {
        let t = parse_title("22 augusti 06.29, Stöld/inbrott, Knivsta").unwrap();
        assert_eq!((t.day, t.month, t.place.as_str()), (22, 8, "Knivsta"));
        assert_eq!(t.time, Time::new(6, 29, 0, 0).unwrap());
        let t = parse_title("1 mars 15:58, Rån, försök, Uppsala").unwrap();
        assert_eq!((t.day, t.month, t.place.as_str()), (1, 3, "Uppsala"));
        let t = parse_title("20 maj 13.09, Trafikkontroll, ").unwrap();
        assert_eq!(t.place, "");
        assert!(parse_title("Sammanfattning natt").is_err());
    }

    #[test]
    fn unpadded_hours_in_datetime() {
        let t = parse_published("2023-03-21 1:15:53 +01:00").unwrap();
        assert_eq!(t.to_string(), "2023-03-21T00:15:53Z");
    }

    #[test]
    fn december_events_published_in_january_belong_to_the_year_before() {
        let published = parse_published("2025-01-01 2:10:00 +01:00").unwrap();
        let t = parse_title("31 december 23.40, Brand, Uppsala").unwrap();
        assert_eq!(
            incident_time(published, &t).unwrap().to_string(),
            "2024-12-31T22:40:00Z"
        );
        let t = parse_title("1 januari 00.30, Brand, Uppsala").unwrap();
        assert_eq!(
            incident_time(published, &t).unwrap().to_string(),
            "2024-12-31T23:30:00Z"
        );
    }
}
