//! Exports: CSV for Swedish Excel and GeoJSON in WGS84, never with who filed a report.

use trygg_domain::{
    Channel, Incident, IncidentId, OrganisationId, Position, Precision, Taxonomy, UserId,
    Visibility,
};
use trygg_import::csv::{CsvOptions, parse_csv};
use trygg_import::export::{incidents_to_csv, incidents_to_geojson};

fn incident() -> Incident {
    Incident {
        id: IncidentId(42),
        occurred_from: "2023-07-01T20:15:00Z".parse().unwrap(),
        occurred_to: "2023-07-01T20:15:00Z".parse().unwrap(),
        reported_at: "2023-07-02T06:00:00Z".parse().unwrap(),
        category: "skadegorelse.klotter".into(),
        place_type: None,
        position: Some(Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap()),
        place: Some("Stora torget".into()),
        areas: vec![],
        source_org: OrganisationId(1),
        channel: Channel::Est,
        external_id: None,
        description: Some("Klotter; på \"elskåpet\"".into()),
        visibility: Visibility::Shared,
        report_id: None,
        created_by: Some(UserId(99)),
    }
}

fn label(code: &str) -> Option<String> {
    Taxonomy.get(code).map(|c| c.label_sv.to_string())
}

#[test]
fn csv_opens_in_swedish_excel() {
    let bytes = incidents_to_csv(&[incident()], &label);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("Id;Från;Till;Rapporterad;Kategorikod;Kategori;Plats;Lat;Lon"),
        "{header}"
    );
    let row = lines.next().unwrap();
    assert!(row.contains(";2023-07-01 22:15;"), "local time: {row}");
    assert!(
        row.contains(";59,858600;17,638900;"),
        "decimal comma: {row}"
    );
    assert!(row.contains(";Klotter;Stora torget;"), "{row}");
    assert!(
        row.contains("\"Klotter; på \"\"elskåpet\"\"\""),
        "quoted: {row}"
    );
    assert!(!text.contains("99"), "created_by never exported: {text}");
}

#[test]
fn the_csv_export_reads_back_in() {
    let bytes = incidents_to_csv(&[incident()], &label);
    let mut o = CsvOptions::new(OrganisationId(1));
    o.mapping = vec![trygg_import::csv::parse_mapping("category=Kategorikod").unwrap()];
    let b = parse_csv(&bytes, &o).unwrap();
    assert_eq!(b.incidents[0].category, "skadegorelse.klotter");
    assert_eq!(b.incidents[0].occurred_from, incident().occurred_from);
}

#[test]
fn geojson_is_wgs84_without_created_by() {
    let v = incidents_to_geojson(&[incident()], &label);
    assert_eq!(v["type"], "FeatureCollection");
    let f = &v["features"][0];
    assert_eq!(f["geometry"]["coordinates"][0].as_f64().unwrap(), 17.6389);
    assert_eq!(f["geometry"]["coordinates"][1].as_f64().unwrap(), 59.8586);
    assert_eq!(f["properties"]["category_label"], "Klotter");
    assert!(f["properties"].get("created_by").is_none());
    assert!(!v.to_string().contains("99,") && !v.to_string().contains(":99"));
}
