//! Behaviour a user of the demo city would notice: enough valid data, districts that tile the
//! city, and every planted pattern present strongly enough for an analysis to find it. Each
//! pattern test would fail if the pattern were missing from the generator.

use std::sync::OnceLock;

use jiff::civil::{Date, DateTime, date};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use trygg_demo::{DemoCity, DemoConfig, DemoOrganisations, generate};
use trygg_domain::{Channel, NewIncident, OrganisationId, Precision, Visibility, pnr};

const ORGS: DemoOrganisations = DemoOrganisations {
    kommun: OrganisationId(11),
    police: OrganisationId(12),
    housing: OrganisationId(13),
};

/// Four years and the whole planted intervention (which ends 2024-03-01).
fn config() -> DemoConfig {
    DemoConfig {
        end: date(2024, 3, 1),
        ..DemoConfig::new(ORGS)
    }
}

fn city() -> &'static DemoCity {
    static CITY: OnceLock<DemoCity> = OnceLock::new();
    CITY.get_or_init(|| generate(&config()))
}

fn stockholm() -> TimeZone {
    TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
}

fn local(t: Timestamp) -> DateTime {
    t.to_zoned(stockholm()).datetime()
}

/// Midpoint of an incident's time window.
fn mid(i: &NewIncident) -> Timestamp {
    let (a, b) = (
        i.occurred_from.as_second(),
        i.occurred_to_or_from().as_second(),
    );
    Timestamp::from_second(a + (b - a) / 2).unwrap()
}

fn is_point(i: &NewIncident) -> bool {
    i.position.is_some_and(|p| p.precision.is_point())
}

fn distance_m(i: &NewIncident, lat: f64, lon: f64) -> f64 {
    let p = i.position.unwrap();
    let q = trygg_domain::Position::from_wgs84(lat, lon, Precision::Exact).unwrap();
    ((p.n - q.n).powi(2) + (p.e - q.e).powi(2)).sqrt()
}

fn in_period(i: &NewIncident, from: Date, to: Date) -> bool {
    let d = local(i.occurred_from).date();
    from <= d && d < to
}

fn of<'a>(codes: &'a [&'a str]) -> impl Fn(&&NewIncident) -> bool + 'a {
    move |i| codes.contains(&i.category.as_str())
}

#[test]
fn four_years_give_over_fifty_thousand_valid_incidents() {
    let c = city();
    assert!(c.incidents.len() >= 50_000, "{}", c.incidents.len());
    for i in &c.incidents {
        i.validate().unwrap_or_else(|e| panic!("{e:?} in {i:?}"));
        for text in [&i.description, &i.place, &i.external_id]
            .into_iter()
            .flatten()
        {
            assert!(pnr::find(text).is_none(), "{text}");
        }
    }
    let first = local(c.incidents.first().unwrap().occurred_from).date();
    let last = local(c.incidents.last().unwrap().occurred_from).date();
    assert!(
        first <= date(2020, 1, 2) && last >= date(2023, 12, 30),
        "{first} … {last}"
    );
    assert!(c.incidents.is_sorted_by_key(|i| i.occurred_from));
    for year in 2020..2024 {
        let n = c
            .incidents
            .iter()
            .filter(|i| in_period(i, date(year, 1, 1), date(year + 1, 1, 1)))
            .count();
        assert!((12_000..19_000).contains(&n), "{year}: {n}");
    }
}

#[test]
fn districts_are_labelled_approximate_and_tile_the_city() {
    let c = city();
    assert!(c.districts.len() >= 20);
    for d in &c.districts {
        assert!(d.code.starts_with("DEMO-"), "{}", d.code);
        assert!(d.area.name.contains("(ungefärlig)"), "{}", d.area.name);
        assert_eq!(d.area.code.as_deref(), Some(d.code.as_str()));
        assert_eq!(d.area.kind, trygg_domain::AreaKind::District);
        let ring = d.area.geometry["coordinates"][0].as_array().unwrap();
        assert_eq!(d.area.geometry["type"], "Polygon");
        assert!(ring.len() >= 4);
        assert_eq!(ring.first(), ring.last(), "{} ring is not closed", d.name);
        let pts: Vec<(f64, f64)> = ring
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        // Counter-clockwise (RFC 7946) and without zero-length edges.
        let twice_area: f64 = pts
            .windows(2)
            .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
            .sum();
        assert!(twice_area > 0.0, "{} ring is clockwise", d.name);
        assert!(
            pts.windows(2).all(|w| w[0] != w[1]),
            "{} repeats a corner",
            d.name
        );
        assert!(d.contains(d.centre_lat, d.centre_lon), "{}", d.name);
    }
    // A fine grid over the city: no point in two districts, and the districts cover one
    // connected stretch from Stenhagen to Sävja without holes.
    let (mut covered, mut holes) = (0, 0);
    for a in 0..200 {
        for b in 0..200 {
            let lat = 59.78 + 0.12 * f64::from(a) / 200.0;
            let lon = 17.53 + 0.21 * f64::from(b) / 200.0;
            let n = c.districts.iter().filter(|d| d.contains(lat, lon)).count();
            assert!(n <= 1, "{lat},{lon} is in {n} districts");
            covered += n;
            // Inside the urban core every point must be covered.
            if (59.81..59.88).contains(&lat) && (17.57..17.70).contains(&lon) && n == 0 {
                holes += 1;
            }
        }
    }
    assert_eq!(holes, 0);
    assert!(covered > 40 * 200 / 2, "{covered}");
    for p in &c.places {
        let d = c.district(&p.district_code).unwrap();
        assert!(d.contains(p.lat, p.lon), "{} not in {}", p.name, d.name);
    }
    // The displacement district borders the treated one.
    let vertices = |code: &str| -> Vec<(i64, i64)> {
        c.district(code).unwrap().area.geometry["coordinates"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let q = |k: usize| (p[k].as_f64().unwrap() * 1e4).round() as i64;
                (q(0), q(1))
            })
            .collect()
    };
    let treated = vertices(&c.planted.treated_district);
    let shared = vertices(&c.planted.displacement_district)
        .iter()
        .filter(|v| treated.contains(v))
        .count();
    assert!(
        shared >= 2,
        "treated and displacement districts share {shared} vertices"
    );
}

#[test]
fn positions_lie_in_their_intended_district_or_hot_spot() {
    let c = city();
    let mut checked = 0;
    for i in c.incidents.iter().step_by(5) {
        let pos = i.position.unwrap();
        let place = i.place.as_deref().unwrap();
        if i.channel == Channel::Polisen {
            assert_eq!(pos.precision, Precision::Area);
            assert!((pos.lat - 59.858564).abs() < 1e-9 && (pos.lon - 17.638927).abs() < 1e-9);
            continue;
        }
        if let Some(d) = c.districts.iter().find(|d| d.name == place) {
            assert!(d.contains(pos.lat, pos.lon), "{place}: {pos:?}");
        } else {
            let spot = c.places.iter().find(|s| s.name == place).unwrap();
            let d = c.district(&spot.district_code).unwrap();
            assert!(d.contains(pos.lat, pos.lon), "{place}: {pos:?}");
            let dist = distance_m(i, spot.lat, spot.lon);
            assert!(dist <= spot.radius_m + 1.0, "{place}: {dist} m");
        }
        checked += 1;
    }
    assert!(checked > 10_000);
}

#[test]
fn the_same_seed_gives_the_same_city_and_another_seed_another() {
    let short = DemoConfig {
        end: date(2021, 1, 1),
        ..config()
    };
    let a = generate(&short);
    assert_eq!(a, generate(&short));
    let mut streamed = Vec::new();
    let c = trygg_demo::generate_with(&short, |i| streamed.push(i));
    assert!(c.incidents.is_empty() && c.districts == a.districts);
    assert_eq!(streamed, a.incidents);
    let b = generate(&DemoConfig { seed: 7, ..short });
    assert_ne!(a.incidents, b.incidents);
    assert_eq!(a.districts, b.districts);
}

#[test]
fn a_later_end_date_keeps_the_earlier_history() {
    // The caller passes today as the end: tomorrow's city must tell the same past. Windows
    // (≤ 4 days) and reporting lags (≤ 7 days) only touch the last days before the end.
    let early = generate(&DemoConfig {
        end: date(2020, 7, 1),
        ..config()
    });
    let late = generate(&DemoConfig {
        end: date(2020, 9, 1),
        ..config()
    });
    let cut = stockholm()
        .to_timestamp(date(2020, 6, 19).at(0, 0, 0, 0))
        .unwrap();
    let before = |c: &DemoCity| -> Vec<NewIncident> {
        c.incidents
            .iter()
            .filter(|i| i.occurred_from < cut)
            .cloned()
            .collect()
    };
    let (a, b) = (before(&early), before(&late));
    assert!(a.len() > 5000);
    assert_eq!(a, b);
}

#[test]
fn a_large_share_of_events_lies_at_the_hot_spots() {
    let c = city();
    let points: Vec<&NewIncident> = c.incidents.iter().filter(|i| is_point(i)).collect();
    let near = |lat: f64, lon: f64| {
        points
            .iter()
            .filter(|i| distance_m(i, lat, lon) < 250.0)
            .count()
    };
    let at_spots: usize = c.places.iter().map(|p| near(p.lat, p.lon)).sum();
    // The same number of circles around the centres of districts without a hot spot.
    let ordinary: usize = c
        .districts
        .iter()
        .filter(|d| c.places.iter().all(|p| p.district_code != d.code))
        .take(c.places.len())
        .map(|d| near(d.centre_lat, d.centre_lon))
        .sum();
    let share = at_spots as f64 / points.len() as f64;
    assert!(share > 0.2, "{share}");
    assert!(at_spots > 4 * ordinary, "{at_spots} vs {ordinary}");
}

#[test]
fn disorder_peaks_on_friday_and_saturday_nights() {
    let c = city();
    // Night of a weekday d: d 22–24 and d+1 00–03.
    let night_of = |t: DateTime| -> Option<jiff::civil::Weekday> {
        match t.hour() {
            22..=23 => Some(t.weekday()),
            0..=2 => Some(t.weekday().wrapping_sub(1)),
            _ => None,
        }
    };
    use jiff::civil::Weekday::*;
    let (mut weekend, mut weekday) = (0.0, 0.0);
    for i in c
        .incidents
        .iter()
        .filter(of(&["ordning.brak", "samling.utomhus", "ordning.vald"]))
    {
        match night_of(local(i.occurred_from)) {
            Some(Friday | Saturday) => weekend += 1.0,
            Some(Monday | Tuesday | Wednesday | Thursday) => weekday += 1.0,
            _ => {}
        }
    }
    let ratio = (weekend / 2.0) / (weekday / 4.0);
    assert!(ratio > 1.8, "per-night ratio {ratio}");
}

#[test]
fn burglaries_happen_on_weekday_daytime_and_disorder_does_not() {
    let c = city();
    let share = |codes: &[&str]| {
        let all: Vec<DateTime> = c
            .incidents
            .iter()
            .filter(of(codes))
            .filter(|i| {
                i.occurred_to_or_from().as_second() - i.occurred_from.as_second() <= 4 * 3600
            })
            .map(|i| local(mid(i)))
            .collect();
        let day = all
            .iter()
            .filter(|t| t.weekday().to_monday_zero_offset() < 5 && (8..17).contains(&t.hour()))
            .count();
        day as f64 / all.len() as f64
    };
    let burglary = share(&["ordning.inbrott"]);
    let disorder = share(&["ordning.brak"]);
    assert!(burglary > 0.5, "{burglary}");
    assert!(disorder < 0.2, "{disorder}");
}

#[test]
fn outdoor_gatherings_peak_in_summer_and_dark_places_in_winter() {
    let c = city();
    let count = |code: &str, months: &[i8]| {
        c.incidents
            .iter()
            .filter(|i| i.category == code && months.contains(&local(i.occurred_from).month()))
            .count() as f64
    };
    let (summer, winter) = ([6, 7, 8], [12, 1, 2]);
    let outdoors = count("samling.utomhus", &summer) / count("samling.utomhus", &winter);
    let lighting =
        count("otrygg-plats.belysning", &winter) / count("otrygg-plats.belysning", &summer);
    assert!(outdoors > 1.6, "{outdoors}");
    assert!(lighting > 2.5, "{lighting}");
}

#[test]
fn local_hours_follow_summer_time() {
    let c = city();
    // Theft's hour profile is the same all year in local time, so in UTC it sits an hour
    // earlier in summer (CEST) than in winter (CET).
    let mean_hour = |months: &[i8], utc: bool| {
        let hours: Vec<f64> = c
            .incidents
            .iter()
            .filter(|i| i.category == "brott.stold" && i.occurred_to.is_none())
            .filter(|i| months.contains(&local(i.occurred_from).month()))
            .map(|i| {
                let t = if utc {
                    i.occurred_from.to_zoned(TimeZone::UTC).datetime()
                } else {
                    local(i.occurred_from)
                };
                f64::from(t.hour()) + f64::from(t.minute()) / 60.0
            })
            .collect();
        hours.iter().sum::<f64>() / hours.len() as f64
    };
    let (summer, winter) = ([4, 5, 6, 7, 8, 9], [11, 12, 1, 2]);
    let local_shift = mean_hour(&winter, false) - mean_hour(&summer, false);
    let utc_shift = mean_hour(&winter, true) - mean_hour(&summer, true);
    assert!(local_shift.abs() < 0.5, "{local_shift}");
    assert!((utc_shift - 1.0).abs() < 0.5, "{utc_shift}");
}

#[test]
fn burglaries_have_time_windows_and_most_others_do_not() {
    let c = city();
    let burglaries: Vec<&NewIncident> = c
        .incidents
        .iter()
        .filter(|i| i.category == "ordning.inbrott" && i.channel == Channel::Import)
        .collect();
    let mut windows = 0;
    for b in &burglaries {
        if let Some(to) = b.occurred_to {
            let hours = (to.as_second() - b.occurred_from.as_second()) as f64 / 3600.0;
            assert!((0.0..=96.0).contains(&hours), "{hours}");
            windows += 1;
        }
    }
    assert_eq!(windows, burglaries.len());
    let long = burglaries
        .iter()
        .filter(|b| b.occurred_to.unwrap().as_second() - b.occurred_from.as_second() > 86_400)
        .count();
    assert!(long > burglaries.len() / 10, "{long}");
    let est: Vec<&NewIncident> = c
        .incidents
        .iter()
        .filter(|i| i.channel == Channel::Est)
        .collect();
    let points = est.iter().filter(|i| i.occurred_to.is_none()).count();
    assert!(points as f64 > 0.7 * est.len() as f64);
    for i in &c.incidents {
        let reported = i.reported_at.unwrap();
        assert!(reported >= i.occurred_to_or_from(), "{i:?}");
    }
}

#[test]
fn burglaries_repeat_near_in_space_and_time_more_than_chance() {
    let c = city();
    let burglaries: Vec<(f64, f64, i64)> = c
        .incidents
        .iter()
        .filter(|i| i.category == "ordning.inbrott" && is_point(i))
        .filter(|i| in_period(i, date(2021, 1, 1), date(2023, 1, 1)))
        .map(|i| {
            let p = i.position.unwrap();
            (p.e, p.n, mid(i).as_second())
        })
        .collect();
    assert!(burglaries.len() > 2000, "{}", burglaries.len());
    let close_pairs = |times: &[i64]| {
        let mut n = 0;
        for a in 0..burglaries.len() {
            for b in a + 1..burglaries.len() {
                let (dx, dy) = (
                    burglaries[a].0 - burglaries[b].0,
                    burglaries[a].1 - burglaries[b].1,
                );
                if dx * dx + dy * dy < 200.0 * 200.0 && (times[a] - times[b]).abs() <= 14 * 86_400 {
                    n += 1;
                }
            }
        }
        n
    };
    let times: Vec<i64> = burglaries.iter().map(|b| b.2).collect();
    let observed = close_pairs(&times) as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut null = 0.0;
    for _ in 0..5 {
        let mut shuffled = times.clone();
        shuffled.shuffle(&mut rng);
        null += close_pairs(&shuffled) as f64 / 5.0;
    }
    assert!(
        observed > 2.0 * null,
        "observed {observed}, shuffled {null}"
    );
}

#[test]
fn the_planted_intervention_is_there_to_be_found() {
    let c = city();
    let p = &c.planted;
    assert_eq!(p.start, date(2022, 3, 1));
    assert!(p.category_codes.iter().any(|c| c == "samling.utomhus"));
    assert!(p.category_codes.iter().any(|c| c == "skadegorelse.klotter"));
    let count = |code: &str, from: Date, to: Date| {
        let d = c.district(code).unwrap();
        c.incidents
            .iter()
            .filter(|i| is_point(i) && p.category_codes.contains(&i.category))
            .filter(|i| in_period(i, from, to))
            .filter(|i| {
                let pos = i.position.unwrap();
                d.contains(pos.lat, pos.lon)
            })
            .count() as f64
    };
    let change = |code: &str, months: i8| {
        let before = count(code, p.start - Span::new().months(months), p.start);
        let after = count(code, p.start, p.start + Span::new().months(months));
        (before, after, after / before)
    };
    // Over 12 + 12 months the drop is plainly significant (Poisson z), the rise next door
    // is visible.
    let (tb, ta, _) = change(&p.treated_district, 12);
    assert!((tb - ta) / (tb + ta).sqrt() > 5.0, "{tb} → {ta}");
    let (db, da, _) = change(&p.displacement_district, 12);
    assert!(da > db, "{db} → {da}");
    // Over the whole 24 months of the intervention the estimates come close to the truth.
    let (_, _, treated) = change(&p.treated_district, 24);
    let (_, _, displaced) = change(&p.displacement_district, 24);
    let (_, _, control) = change(&p.control_district, 24);
    assert!(
        (treated - (1.0 + p.expected_effect)).abs() < 0.07,
        "treated {treated}"
    );
    assert!(
        (1.03..1.30).contains(&displaced),
        "displacement {displaced}"
    );
    assert!((control - 1.0).abs() < 0.1, "control {control}");
    // Categories the intervention did not target stay put in the treated district.
    let d = c.district(&p.treated_district).unwrap();
    let other = |from: Date, to: Date| {
        c.incidents
            .iter()
            .filter(|i| is_point(i) && !p.category_codes.contains(&i.category))
            .filter(|i| in_period(i, from, to))
            .filter(|i| {
                let pos = i.position.unwrap();
                d.contains(pos.lat, pos.lon)
            })
            .count() as f64
    };
    let untouched = other(p.start, p.end) / other(date(2020, 3, 1), p.start);
    assert!((untouched - 1.0).abs() < 0.12, "{untouched}");
}

#[test]
fn channels_sources_and_ids_look_like_the_real_thing() {
    let c = city();
    let count = |ch: Channel| c.incidents.iter().filter(|i| i.channel == ch).count();
    let (est, import, polisen) = (
        count(Channel::Est),
        count(Channel::Import),
        count(Channel::Polisen),
    );
    assert!(
        est > import && import > polisen && polisen > 1000,
        "{est} {import} {polisen}"
    );
    let mut ids: Vec<&str> = Vec::new();
    for i in &c.incidents {
        match i.channel {
            Channel::Polisen => {
                assert_eq!(i.source_org, ORGS.police);
                assert!(i.external_id.as_deref().unwrap().starts_with("demo-"));
                assert_ne!(i.category, "ovrigt.polisen", "every demo Polisen type maps");
            }
            Channel::Import => {
                assert_eq!(i.source_org, ORGS.police);
                assert_eq!(i.position.unwrap().precision, Precision::Address);
                let id = i.external_id.as_deref().unwrap();
                let parts: Vec<&str> = id.split('-').collect();
                assert_eq!(parts.len(), 3, "{id}");
                assert_eq!(parts[0], "5000");
                assert!(parts[1].starts_with('K') && parts[1][1..].parse::<u32>().is_ok());
                assert!(
                    parts[2].len() == 2 && parts[2].parse::<u8>().is_ok(),
                    "{id}"
                );
            }
            Channel::Est => {
                assert!(i.external_id.is_none());
                assert!(i.place_type.is_some() && i.description.is_some());
                assert_eq!(i.position.unwrap().precision, Precision::Exact);
                let est_code = trygg_domain::Taxonomy.get(&i.category).unwrap().est;
                assert!(est_code, "{} is not an EST category", i.category);
            }
            Channel::Api | Channel::Tips => panic!("the demo has no API incidents and no tips"),
        }
        if i.visibility == Visibility::Internal {
            assert_eq!(i.source_org, ORGS.housing);
        }
        if let Some(id) = &i.external_id {
            ids.push(id);
        }
    }
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "external ids are unique");
    let housing = c
        .incidents
        .iter()
        .filter(|i| i.source_org == ORGS.housing)
        .count();
    let internal = c
        .incidents
        .iter()
        .filter(|i| i.visibility == Visibility::Internal)
        .count();
    assert!(housing > 2000 && internal > housing / 8 && internal < housing / 2);
}

#[test]
fn scale_changes_volume_and_a_bad_config_is_refused() {
    let base = DemoConfig {
        end: date(2020, 7, 1),
        ..config()
    };
    let one = generate(&base).incidents.len() as f64;
    let three = generate(&DemoConfig {
        scale: 3.0,
        ..base.clone()
    })
    .incidents
    .len() as f64;
    assert!((three / one - 3.0).abs() < 0.2, "{}", three / one);
    assert!(
        DemoConfig {
            scale: f64::NAN,
            ..base.clone()
        }
        .check()
        .is_err()
    );
    assert!(
        DemoConfig {
            end: base.start,
            ..base.clone()
        }
        .check()
        .is_err()
    );
}

#[test]
fn the_emerging_problem_stands_out_against_its_own_history() {
    let c = city();
    let s = &c.emerging;
    let d = c.district(&s.district).unwrap();
    let count = |year: i16| {
        c.incidents
            .iter()
            .filter(|i| i.category == s.category && is_point(i))
            .filter(|i| {
                in_period(
                    i,
                    s.start.with().year(year).build().unwrap(),
                    s.end.with().year(year).build().unwrap(),
                )
            })
            .filter(|i| {
                let p = i.position.unwrap();
                d.contains(p.lat, p.lon)
            })
            .count() as f64
    };
    let surge = count(s.start.year());
    let usual = (count(2020) + count(2021) + count(2022)) / 3.0;
    assert!(surge > 4.0 * usual && surge > 20.0, "{surge} vs {usual}");
}

#[test]
fn the_invented_indicators_are_valid_labelled_and_bracket_the_planted_intervention() {
    let c = city();
    let values = trygg_demo::indicators::indicators(c, 2024);
    assert!(
        values.iter().all(|v| v.check().is_ok()),
        "every value valid"
    );
    assert!(
        values.iter().all(|v| v.source.contains("påhittad")),
        "labelled as invented"
    );
    let start = c.planted.start.year();
    let treated: Vec<_> = values
        .iter()
        .filter(|v| {
            v.area == c.planted.treated_district && v.unit == trygg_domain::indicator::Unit::Percent
        })
        .collect();
    assert!(
        treated.iter().any(|v| v.period.last < start),
        "a survey before"
    );
    assert!(
        treated.iter().any(|v| v.period.first >= start),
        "a survey after"
    );
    let populated = values
        .iter()
        .filter(|v| v.indicator.code == trygg_domain::indicator::POPULATION)
        .count();
    assert_eq!(populated, 2 * c.districts.len(), "two years per district");
}
