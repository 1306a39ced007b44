//! GeoJSON point import: properties read like CSV headers, the geometry is the position.

use serde_json::json;
use trygg_domain::OrganisationId;
use trygg_import::Location;
use trygg_import::csv::CsvOptions;
use trygg_import::geojson::parse_geojson_points;

fn opts() -> CsvOptions {
    CsvOptions::new(OrganisationId(2))
}

#[test]
fn points_with_swedish_properties_import() {
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.6389, 59.8586]},
         "properties": {"Datum": "2023-05-01", "Klockslag": "22:15", "Kategori": "Glaskross", "Ärendenr": 4711}},
        {"type": "Feature", "geometry": null,
         "properties": {"Datum": "2023-05-02", "Kategori": "otrygg-plats.belysning", "Plats": "Gång- och cykeltunneln"}},
    ]});
    let b = parse_geojson_points(fc.to_string().as_bytes(), &opts()).unwrap();
    assert_eq!(b.incidents.len(), 2);
    let i = &b.incidents[0];
    assert_eq!(i.category, "skadegorelse.glaskross");
    assert_eq!(i.external_id.as_deref(), Some("4711"));
    assert_eq!(i.occurred_from.to_string(), "2023-05-01T20:15:00Z");
    assert!((i.position.unwrap().lat - 59.8586).abs() < 1e-9);
    assert!(b.incidents[1].position.is_none());
    assert_eq!(b.summary.source, "geojson");
}

#[test]
fn bad_points_are_listed_by_feature() {
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [59.8586, 17.6389]},
         "properties": {"Datum": "2023-05-01", "Kategori": "Klotter"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [19.5, 62.0]},
         "properties": {"Datum": "2023-05-01", "Kategori": "Klotter"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[17.6, 59.8], [17.7, 59.9]]},
         "properties": {"Datum": "2023-05-01", "Kategori": "Klotter"}},
        {"type": "Feature", "geometry": null, "properties": {"Datum": "2023-02-30", "Kategori": "Klotter"}},
    ]});
    let e = parse_geojson_points(fc.to_string().as_bytes(), &opts()).unwrap_err();
    let at: Vec<Location> = e.errors.iter().map(|x| x.at).collect();
    assert_eq!(at, (0..4).map(Location::Feature).collect::<Vec<_>>(), "{e}");
    assert!(e.errors[0].message.contains("swapped"), "{e}");
    assert!(e.errors[1].message.contains("in the sea"), "{e}");
    assert!(e.errors[2].message.contains("LineString"), "{e}");
    assert!(e.errors[3].message.contains("2023-02-30"), "{e}");
}

#[test]
fn points_declared_in_sweref_99_tm_are_read_as_easting_northing() {
    let fc = json!({"type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [647795.0, 6638604.0]},
            "properties": {"Datum": "2023-05-01", "Kategori": "Klotter"}}]});
    let b = parse_geojson_points(fc.to_string().as_bytes(), &opts()).unwrap();
    let p = b.incidents[0].position.unwrap();
    assert!(
        (p.n - 6_638_604.0).abs() < 1e-6 && (p.lat - 59.8586).abs() < 1e-3,
        "{p:?}"
    );
    let mut other = fc.clone();
    other["crs"]["properties"]["name"] = json!("EPSG:3021");
    let e = parse_geojson_points(other.to_string().as_bytes(), &opts()).unwrap_err();
    assert!(e.to_string().contains("EPSG:3021"), "{e}");
}

#[test]
fn a_truncated_or_foreign_file_is_refused() {
    let e = parse_geojson_points(
        b"{\"type\": \"FeatureCollection\", \"features\": [",
        &opts(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cut off"), "{e}");
    let e = parse_geojson_points(b"[1, 2]", &opts()).unwrap_err();
    assert!(e.to_string().contains("FeatureCollection"), "{e}");
    let e = parse_geojson_points(
        br#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {"when": "x"}}]}"#,
        &opts(),
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("Missing properties") && e.to_string().contains("\"when\""),
        "{e}"
    );
}

#[test]
fn points_take_the_category_map_too() {
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.6389, 59.8586]},
         "properties": {"Datum": "2023-05-01", "Kategori": "Ordningsstörning"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.6389, 59.8586]},
         "properties": {"Datum": "2023-05-01", "Kategori": "Langning"}},
    ]});
    let bytes = fc.to_string();
    let e = parse_geojson_points(bytes.as_bytes(), &opts()).unwrap_err();
    let m = e.messages();
    assert_eq!(m.len(), 2, "{e}");
    assert!(
        m[0].contains("unknown category \"Ordningsstörning\" (1 row, first on feature 0)"),
        "{e}"
    );
    assert!(
        m[1].contains("\"Langning\" (1 row, first on feature 1)"),
        "{e}"
    );
    let mut o = opts();
    o.category_map
        .insert("Ordningsstörning", "ordning.ovrigt")
        .unwrap();
    o.category_map
        .insert("langning", "ordning.narkotika")
        .unwrap();
    let b = parse_geojson_points(bytes.as_bytes(), &o).unwrap();
    assert_eq!(b.incidents[0].category, "ordning.ovrigt");
    assert_eq!(b.incidents[1].category, "ordning.narkotika");
    assert_eq!(b.summary.mapped_categories["langning"].rows, 1);
}
