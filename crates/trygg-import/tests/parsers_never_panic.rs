//! The parsers never panic: whatever bytes a person uploads or Polisen sends, the answer is a
//! batch or a list of errors (a panic is exit code 101 in the CLI and a 500 in the API).
//!
//! Property tests over arbitrary bytes and strings, and over mutations of valid inputs (bytes
//! flipped, inserted, deleted, the file cut short, and tricky text spliced in: en dashes,
//! no-break spaces, multi-byte letters, NUL, absurd years and numbers). The number of cases is
//! fixed and the seed too, so a run takes a few seconds and fails the same way every time.
//! Fixtures: `fixtures/SOURCE.md`.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed};
use trygg_domain::OrganisationId;
use trygg_import::areas::{read_areas_geojson, read_areas_geoparquet};
use trygg_import::category_map::read_category_map;
use trygg_import::csv::{CsvOptions, parse_csv};
use trygg_import::geojson::parse_geojson_points;
use trygg_import::indicators::{IndicatorFormat, parse_indicators};
use trygg_import::polisen::{PolisenOptions, parse_polisen};

/// Cases per property: enough to reach the odd corners, few enough for a debug build.
const CASES: u32 = 512;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x0074_7279_6767),
        ..Config::default()
    }
}

const CSV: &str = "Datum;Klockslag;Kategori;Lat;Lon;Plats;Beskrivning;Ärendenr\r\n\
    2023-05-01;14:30;Klotter;59,8586;17,6389;Stora torget;Nytt klotter på elskåpet;K-1\r\n\
    2023-05-02;;Inbrott;59,8586;17,6389;Gränby;Källarförråd;K-2\r\n\
    1/5/2023;kl 9.05;ordning.brak;59,86;17,64;Gottsunda;Bråk;K-3\r\n";

const CSV_SWEREF: &str = "Från,Till,Händelsetyp,X,Y,Beskrivning\n\
    2023-05-01 22:00,2023-05-02 06:00,Skadegörelse,6638604,648000,\"Krossad ruta, \"\"entrén\"\"\"\n\
    2023-05-03T12:30:00Z,,Glaskross,6638700,648100,\n";

const POINTS: &str = r#"{"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.6389, 59.8586]},
     "properties": {"Datum": "2023-05-01", "Klockslag": "22:15", "Kategori": "Glaskross", "Ärendenr": 4711}},
    {"type": "Feature", "geometry": null,
     "properties": {"Datum": "2023-05-02", "Kategori": "otrygg-plats.belysning", "Plats": "Tunneln"}}]}"#;

const INDICATORS_LONG: &[u8] = include_bytes!("fixtures/indicators_long.csv");
const TRYGGHETSMATNING: &[u8] = include_bytes!("fixtures/indicators_trygghetsmatning.csv");
const NTU: &[u8] = include_bytes!("fixtures/indicators_ntu.csv");
const SCB_POPULATION: &[u8] = include_bytes!("fixtures/scb_population_deso_cp1252.csv");

const AREAS: &[u8] = include_bytes!("fixtures/scb_uppsala_kommun_0380_wgs84.geojson");
const POLISEN: &[u8] = include_bytes!("fixtures/events_fixture_small.json");
const PARQUET: &[u8] = include_bytes!("fixtures/scb_lan_wgs84.geoparquet");

/// Text that has broken parsers before, or could.
const TRICKY: &[&str] = &[
    "–",
    "—",
    "\u{2212}",
    "\u{a0}",
    "\u{202f}",
    "\u{feff}",
    "ö",
    "Å",
    "€",
    "𝟠",
    "８",
    "\0",
    "\r",
    "\n",
    ";",
    ",",
    "\t",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    ":",
    "null",
    "-",
    "+",
    ".",
    "/",
    "9999",
    "-1",
    "0",
    "1e400",
    "NaN",
    "inf",
    "2024-03-01 9:30–10:00",
    "2024-02-30",
    "99:99",
    "kl",
    "811228-9874",
    "59,8586",
    "6638604",
    "\"gps\": \"\"",
    "\"coordinates\": []",
    "T",
    "Z",
];

/// One edit of an input.
#[derive(Debug, Clone)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index),
    Splice(Index, Index),
    Truncate(Index),
    Repeat(Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Edit::Splice(i, t)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Edit::Splice(i, t)),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), any::<Index>()).prop_map(|(i, n)| Edit::Repeat(i, n)),
    ]
}

/// A valid input with a few edits applied.
fn mutated(valid: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(edit(), 1..6).prop_map(move |edits| {
        let mut b = valid.to_vec();
        for e in edits {
            let at = |i: &Index, len: usize| i.index(len + 1);
            match e {
                Edit::Flip(i, x) if !b.is_empty() => {
                    let k = i.index(b.len());
                    b[k] = x;
                }
                Edit::Flip(..) => {}
                Edit::Insert(i, x) => {
                    let k = at(&i, b.len());
                    b.insert(k, x);
                }
                Edit::Delete(i) if !b.is_empty() => {
                    let k = i.index(b.len());
                    b.remove(k);
                }
                Edit::Delete(_) => {}
                Edit::Splice(i, t) => {
                    let k = at(&i, b.len());
                    let text = TRICKY[t.index(TRICKY.len())].as_bytes();
                    b.splice(k..k, text.iter().copied());
                }
                Edit::Truncate(i) => {
                    let k = at(&i, b.len());
                    b.truncate(k);
                }
                Edit::Repeat(i, n) => {
                    let k = at(&i, b.len());
                    let end = (k + 1 + n.index(64)).min(b.len());
                    let copy = b[k..end].to_vec();
                    b.splice(k..k, copy);
                }
            }
        }
        b
    })
}

/// A CSV built from known headers and tricky cells, to get past the header checks.
fn csv_rows() -> impl Strategy<Value = Vec<u8>> {
    const HEADERS: &[&str] = &[
        "Datum",
        "Kategori",
        "Klockslag",
        "Från",
        "Till",
        "Lat",
        "Lon",
        "N",
        "E",
        "X",
        "Y",
        "Plats",
        "Beskrivning",
        "Ärendenr",
    ];
    const CELLS: &[&str] = &[
        "",
        "2023-05-01",
        "2023-05-01 14:30",
        "2024-03-01 9:30–10:00",
        "2024-03-31 02:30",
        "2024-10-27 02:30",
        "9999-12-31T23:59",
        "1899-01-01",
        "2023-05-01T12:30:00Z",
        "2023-05-01 09:30-10:00",
        "14:30",
        "kl 9.05",
        "25:61",
        "Klotter",
        "skadegorelse.klotter",
        "Okänd",
        "59,8586",
        "17,6389",
        "6638604",
        "648000",
        "6 638 604",
        "1e400",
        "NaN",
        "-0",
        "Stora torget",
        "Pojke 811228-9874",
        "811228–9875",
        "a\0b",
        "ååå–ööö",
        "\"citat\"",
    ];
    // Distinct headers in any order, always with a date and a category so rows are read.
    let header = prop::sample::subsequence(&HEADERS[2..], 0..8)
        .prop_map(|mut h| {
            h.extend(["Datum", "Kategori"]);
            h
        })
        .prop_shuffle();
    let cell = prop::sample::select(CELLS);
    (header, prop::sample::select(&[";", ",", "\t"][..])).prop_flat_map(move |(h, sep)| {
        let n = h.len();
        // Rows of the header's width, now and then one cell short or long.
        let row = prop::collection::vec(cell.clone(), n.saturating_sub(1)..n + 2);
        prop::collection::vec(row, 1..6).prop_map(move |rows| {
            let mut s = h.join(sep);
            for r in rows {
                s.push('\n');
                s.push_str(&r.join(sep));
            }
            s.into_bytes()
        })
    })
}

fn opts() -> CsvOptions {
    CsvOptions::new(OrganisationId(1))
}

const POLISEN_OPTS: PolisenOptions = PolisenOptions {
    source_org: OrganisationId(1),
};

/// Every parser over the same input: none may panic; what they answer does not matter here.
fn all_parsers(bytes: &[u8]) {
    let _ = parse_csv(bytes, &opts());
    let _ = parse_geojson_points(bytes, &opts());
    let _ = read_areas_geojson(bytes, None, None, None);
    let _ = parse_polisen(bytes, POLISEN_OPTS);
    let _ = read_category_map(bytes, &mut trygg_domain::CategoryMap::new());
    for format in IndicatorFormat::ALL {
        let _ = parse_indicators(bytes, format);
    }
}

#[test]
fn the_valid_inputs_parse() {
    assert!(parse_csv(CSV.as_bytes(), &opts()).is_ok());
    assert!(parse_csv(CSV_SWEREF.as_bytes(), &opts()).is_ok());
    assert!(parse_geojson_points(POINTS.as_bytes(), &opts()).is_ok());
    assert!(read_areas_geojson(AREAS, None, None, None).is_ok());
    assert!(parse_polisen(POLISEN, POLISEN_OPTS).is_ok());
    assert!(read_areas_geoparquet(PARQUET, None, None, None).is_ok());
    for (bytes, format) in [
        (INDICATORS_LONG, IndicatorFormat::Long),
        (TRYGGHETSMATNING, IndicatorFormat::Trygghetsmatning),
        (NTU, IndicatorFormat::Ntu),
        (SCB_POPULATION, IndicatorFormat::ScbPopulation),
    ] {
        assert!(parse_indicators(bytes, format).is_ok(), "{format:?}");
    }
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        all_parsers(&bytes);
    }

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        all_parsers(text.as_bytes());
    }

    #[test]
    fn csv_of_known_headers_and_tricky_cells(bytes in csv_rows()) {
        let _ = parse_csv(&bytes, &opts());
    }

    #[test]
    fn mutated_csv(bytes in mutated(CSV.as_bytes())) {
        let _ = parse_csv(&bytes, &opts());
    }

    #[test]
    fn mutated_csv_in_sweref(bytes in mutated(CSV_SWEREF.as_bytes())) {
        let _ = parse_csv(&bytes, &opts());
    }

    #[test]
    fn mutated_geojson_points(bytes in mutated(POINTS.as_bytes())) {
        let _ = parse_geojson_points(&bytes, &opts());
    }

    #[test]
    fn mutated_geojson_areas(bytes in mutated(AREAS)) {
        let _ = read_areas_geojson(&bytes, None, None, None);
    }

    #[test]
    fn mutated_indicator_files(
        (bytes, format) in prop_oneof![
            mutated(INDICATORS_LONG).prop_map(|b| (b, IndicatorFormat::Long)),
            mutated(TRYGGHETSMATNING).prop_map(|b| (b, IndicatorFormat::Trygghetsmatning)),
            mutated(NTU).prop_map(|b| (b, IndicatorFormat::Ntu)),
            mutated(SCB_POPULATION).prop_map(|b| (b, IndicatorFormat::ScbPopulation)),
        ]
    ) {
        let _ = parse_indicators(&bytes, format);
    }

    #[test]
    fn mutated_polisen_feed(bytes in mutated(POLISEN)) {
        let _ = parse_polisen(&bytes, POLISEN_OPTS);
    }
}

proptest! {
    // Each case decodes a whole file: fewer of them.
    #![proptest_config(config(CASES / 4))]

    #[test]
    fn mutated_geoparquet_areas(bytes in mutated(PARQUET)) {
        let _ = read_areas_geoparquet(&bytes, None, None, None);
    }
}
