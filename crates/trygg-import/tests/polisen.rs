//! The Polisen importer against real feed responses (fixtures: see `fixtures/SOURCE.md`).

use trygg_domain::{Channel, OrganisationId, Precision};
use trygg_import::polisen::{PolisenOptions, parse_polisen};

const OPTS: PolisenOptions = PolisenOptions {
    source_org: OrganisationId(7),
};

fn small() -> trygg_import::ImportBatch {
    parse_polisen(include_bytes!("fixtures/events_fixture_small.json"), OPTS).unwrap()
}

fn by_id(batch: &trygg_import::ImportBatch, id: i64) -> usize {
    batch
        .polisen
        .iter()
        .position(|m| m.id == id)
        .unwrap_or_else(|| panic!("event {id} missing"))
}

#[test]
fn the_small_fixture_imports_with_summaries_skipped() {
    let b = small();
    assert_eq!(b.summary.skipped_summaries, 1);
    assert_eq!(b.incidents.len(), 22);
    assert_eq!(b.polisen.len(), b.incidents.len());
    assert_eq!(b.summary.imported, 22);
    assert!(b.summary.unmapped_types.is_empty());
    let text = b.summary.to_string();
    assert!(text.contains("Skipped 1 Polisen summaries"), "{text}");
    for (i, m) in b.incidents.iter().zip(&b.polisen) {
        assert_eq!(i.channel, Channel::Polisen);
        assert_eq!(i.external_id.as_deref(), Some(m.id.to_string().as_str()));
        assert_eq!(i.position.unwrap().precision, Precision::Area);
        assert_eq!(i.source_org, OrganisationId(7));
        assert!(
            m.url.starts_with("https://polisen.se/aktuellt/"),
            "{}",
            m.url
        );
        assert!(i.created_by.is_none());
    }
}

#[test]
fn the_incident_time_comes_from_the_title_in_local_time() {
    let b = small();
    // "22 augusti 06.29, Stöld/inbrott, Knivsta", published 10:35 +02:00.
    let i = &b.incidents[by_id(&b, 650281)];
    assert_eq!(i.occurred_from.to_string(), "2026-08-22T04:29:00Z");
    assert_eq!(i.reported_at.unwrap().to_string(), "2026-08-22T08:35:23Z");
    // Unpadded hour in datetime "2023-03-21 1:15:53 +01:00"; the title says 20 mars 23:52.
    let i = &b.incidents[by_id(&b, 410639)];
    assert_eq!(i.reported_at.unwrap().to_string(), "2023-03-21T00:15:53Z");
    assert_eq!(i.occurred_from.to_string(), "2023-03-20T22:52:00Z");
}

#[test]
fn a_type_with_a_comma_maps_and_keeps_its_kommun() {
    let b = small();
    let n = by_id(&b, 411010); // "23 mars 14:08, Rån, försök, Hallsberg"
    assert_eq!(b.incidents[n].category, "ordning.ran");
    assert_eq!(b.polisen[n].event_type, "Rån, försök");
    assert_eq!(b.polisen[n].kommun.as_ref().unwrap().name, "Hallsberg");
    assert_eq!(b.incidents[n].place.as_deref(), Some("Hallsberg"));
}

#[test]
fn county_only_locations_take_the_kommun_from_the_title() {
    let b = small();
    let n = by_id(&b, 650281);
    assert_eq!(b.polisen[n].location_name, "Uppsala län");
    let k = b.polisen[n].kommun.as_ref().unwrap();
    assert_eq!((k.name, k.code, k.county_code), ("Knivsta", "0330", "03"));
    assert_eq!(b.incidents[n].place.as_deref(), Some("Knivsta"));
    assert!(
        b.summary
            .notes
            .iter()
            .any(|n| n.contains("taken from the title"))
    );
}

#[test]
fn an_empty_suffix_leaves_the_county() {
    let b = small();
    let n = by_id(&b, 586066); // "20 maj 13.09, Trafikkontroll, "
    assert!(b.polisen[n].kommun.is_none());
    assert_eq!(b.incidents[n].place.as_deref(), Some("Västerbottens län"));
    assert_eq!(b.incidents[n].category, "trafik.kontroll");
}

#[test]
fn unmapped_types_go_under_ovrigt_polisen_and_are_listed() {
    let json = String::from_utf8(include_bytes!("fixtures/events_fixture_small.json").to_vec())
        .unwrap()
        .replace(
            "\"type\": \"Knivlagen\"",
            "\"type\": \"Helt ny händelsetyp\"",
        );
    let b = parse_polisen(json.as_bytes(), OPTS).unwrap();
    assert_eq!(
        b.summary.unmapped_types.get("Helt ny händelsetyp"),
        Some(&2)
    );
    assert_eq!(b.summary.by_category.get("ovrigt.polisen"), Some(&2));
    assert!(b.summary.to_string().contains("Helt ny händelsetyp: 2"));
}

#[test]
fn an_updated_event_keeps_only_its_latest_version() {
    let v: serde_json::Value =
        serde_json::from_slice(include_bytes!("fixtures/events_fixture_small.json")).unwrap();
    let mut events = v.as_array().unwrap().clone();
    let mut older = events.iter().find(|e| e["id"] == 650281).unwrap().clone();
    older["datetime"] = "2026-08-22 7:00:00 +02:00".into();
    older["summary"] = "Preliminär uppgift.".into();
    events.push(older);
    let b = parse_polisen(serde_json::to_vec(&events).unwrap().as_slice(), OPTS).unwrap();
    assert_eq!(b.incidents.len(), 22);
    let n = by_id(&b, 650281);
    assert_eq!(
        b.incidents[n].description.as_deref(),
        Some("Inbrott i fristående byggnad i Knivsta.")
    );
    assert_eq!(b.summary.by_category.values().sum::<usize>(), 22);
    assert!(
        b.summary.notes.iter().any(|n| n.contains("older versions")),
        "{:?}",
        b.summary.notes
    );
}

#[test]
fn truncated_json_is_refused_with_its_position() {
    let full = include_bytes!("fixtures/events_fixture_small.json");
    let e = parse_polisen(&full[..full.len() / 2], OPTS).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("Nothing was imported"), "{text}");
    assert!(text.contains("not valid JSON"), "{text}");
    assert!(text.contains("line") && text.contains("column"), "{text}");
    assert!(text.contains("cut off"), "{text}");
}

#[test]
fn every_bad_event_is_listed_with_its_line_and_nothing_is_returned() {
    let json = String::from_utf8(include_bytes!("fixtures/events_fixture_small.json").to_vec())
        .unwrap()
        .replacen("\"gps\": \"", "\"gps\": \"x", 2);
    let e = parse_polisen(json.as_bytes(), OPTS).unwrap_err();
    assert_eq!(e.errors.len(), 2, "{e}");
    for err in &e.errors {
        assert!(
            matches!(err.at, trygg_import::Location::Line(n) if n > 1),
            "{err}"
        );
        assert!(err.message.contains("location.gps"), "{err}");
    }
}

#[test]
fn every_polisen_file_imports() {
    for (name, bytes, min) in [
        (
            "latest",
            &include_bytes!("fixtures/events_latest_2026-08-22.json")[..],
            300,
        ),
        (
            "earliest",
            &include_bytes!("fixtures/events_earliest_2023-03-25.json")[..],
            300,
        ),
        (
            "uppsala",
            &include_bytes!("fixtures/events_uppsala_lan_2023-03_to_2026-08.json")[..],
            2000,
        ),
    ] {
        let b = parse_polisen(bytes, OPTS).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(b.incidents.len() >= min, "{name}: {}", b.summary);
        assert!(
            b.summary.unmapped_types.is_empty(),
            "{name}: {:?}",
            b.summary.unmapped_types
        );
        // Every event in Uppsala län has its kommun, from location or title.
        if name == "uppsala" {
            let without = b.polisen.iter().filter(|m| m.kommun.is_none()).count();
            let county_titles = b
                .polisen
                .iter()
                .filter(|m| m.kommun.is_none() && m.location_name == "Uppsala län")
                .count();
            assert_eq!(
                without, county_titles,
                "only county-level events lack a kommun"
            );
            assert!(
                b.polisen
                    .iter()
                    .filter_map(|m| m.kommun.as_ref())
                    .all(|k| k.county_code == "03")
            );
        }
    }
}
