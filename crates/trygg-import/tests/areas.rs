//! Area import from the shipped kommun and county files, GeoPackages, and broken boundaries.

use std::path::PathBuf;

use serde_json::json;
use sqlx::{Connection, SqliteConnection, sqlite::SqliteConnectOptions};
use trygg_domain::AreaKind;
use trygg_geo::{AreaIndex, MultiPolygon, Wgs84, wgs84_to_sweref99tm};
use trygg_import::Location;
use trygg_import::areas::{read_areas_geojson, read_areas_geopackage};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn every_shipped_boundary_file_imports_with_default_properties() {
    for (file, count, kind, sample) in [
        (
            "scb_kommun_wgs84.geojson",
            290,
            AreaKind::Kommun,
            ("Uppsala", "0380"),
        ),
        (
            "scb_lan_wgs84.geojson",
            21,
            AreaKind::County,
            ("Uppsala län", "03"),
        ),
        (
            "scb_uppsala_lan_kommuner_wgs84.geojson",
            8,
            AreaKind::Kommun,
            ("Knivsta", "0330"),
        ),
        (
            "scb_uppsala_kommun_0380_wgs84.geojson",
            1,
            AreaKind::Kommun,
            ("Uppsala", "0380"),
        ),
        (
            "okfse_swedish_municipalities.geojson",
            290,
            AreaKind::Kommun,
            ("Uppsala", "0380"),
        ),
        (
            "okfse_uppsala_lan_municipalities.geojson",
            8,
            AreaKind::Kommun,
            ("Heby", "0331"),
        ),
        (
            "okfse_swedish_regions_lan.geojson",
            21,
            AreaKind::County,
            ("Uppsala", "03"),
        ),
    ] {
        let bytes = std::fs::read(fixture(file)).unwrap();
        let areas =
            read_areas_geojson(&bytes, None, None, None).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(areas.len(), count, "{file}");
        assert!(areas.iter().all(|a| a.kind == kind), "{file}");
        assert!(
            areas
                .iter()
                .any(|a| a.name == sample.0 && a.code.as_deref() == Some(sample.1)),
            "{file}: no {sample:?}"
        );
    }
}

#[test]
fn explicit_properties_and_kind() {
    let bytes = std::fs::read(fixture("okfse_uppsala_lan_municipalities.geojson")).unwrap();
    let areas = read_areas_geojson(
        &bytes,
        Some("kom_namn"),
        Some("lan_code"),
        Some(AreaKind::Custom),
    )
    .unwrap();
    assert!(
        areas
            .iter()
            .all(|a| a.code.as_deref() == Some("03") && a.kind == AreaKind::Custom)
    );
    let e = read_areas_geojson(&bytes, Some("namn"), None, None).unwrap_err();
    assert!(
        e.to_string().contains("\"namn\" is not in the file") && e.to_string().contains("kom_namn"),
        "{e}"
    );
}

#[test]
fn a_self_intersecting_area_is_refused_with_its_feature() {
    let square = json!([[
        [17.60, 59.85],
        [17.70, 59.85],
        [17.70, 59.90],
        [17.60, 59.90],
        [17.60, 59.85]
    ]]);
    let bow_tie = json!([[
        [17.60, 59.85],
        [17.70, 59.90],
        [17.70, 59.85],
        [17.60, 59.90],
        [17.60, 59.85]
    ]]);
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"namn": "Centrum", "kod": "A"}, "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "properties": {"namn": "Fjärilen", "kod": "B"}, "geometry": {"type": "Polygon", "coordinates": bow_tie}},
    ]});
    let e = read_areas_geojson(fc.to_string().as_bytes(), None, None, None).unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].at, Location::Feature(1));
    let m = e.to_string();
    assert!(
        m.contains("feature 1: Fjärilen (B): polygon 0 intersects itself near lat 59.875"),
        "{m}"
    );
    assert!(m.contains("Nothing was imported"), "{m}");
}

#[test]
fn a_truncated_area_file_is_refused() {
    let bytes = std::fs::read(fixture("scb_uppsala_lan_kommuner_wgs84.geojson")).unwrap();
    let e = read_areas_geojson(&bytes[..1000], None, None, None).unwrap_err();
    assert!(e.to_string().contains("cut off"), "{e}");
}

#[tokio::test]
async fn a_geopackage_in_sweref_99_tm_made_by_gdal_imports_in_wgs84() {
    let areas = read_areas_geopackage(
        &fixture("uppsala_lan_kommuner_3006.gpkg"),
        None,
        None,
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(areas.len(), 8);
    let uppsala = areas
        .iter()
        .find(|a| a.code.as_deref() == Some("0380"))
        .unwrap();
    assert_eq!(
        (uppsala.name.as_str(), uppsala.kind),
        ("Uppsala", AreaKind::Kommun)
    );
    // Back in WGS84: Stora torget is inside, Knivsta's centre is not.
    let mp = MultiPolygon::from_geojson_wgs84(&uppsala.geometry).unwrap();
    let index = AreaIndex::new([&mp]);
    let at = |lat, lon| wgs84_to_sweref99tm(Wgs84 { lat, lon });
    assert!(index.contains(at(59.8586, 17.6389)));
    assert!(!index.contains(at(59.7261, 17.7920)));
    // Same vertices as the GeoJSON it was made from, to a centimetre.
    let src = std::fs::read(fixture("scb_uppsala_lan_kommuner_wgs84.geojson")).unwrap();
    let src = read_areas_geojson(&src, None, None, None).unwrap();
    let orig = src
        .iter()
        .find(|a| a.code.as_deref() == Some("0380"))
        .unwrap();
    let a = MultiPolygon::from_geojson_wgs84(&orig.geometry).unwrap();
    assert!((a.area_m2() - mp.area_m2()).abs() / a.area_m2() < 1e-6);
}

/// A GeoPackage written here, from WKB built by hand: one good square, one bow-tie, both in
/// EPSG:3006, plus a big-endian and a 3D (ISO Z) polygon to exercise the WKB reader.
async fn make_gpkg(path: &std::path::Path, srs: i64) {
    let _ = std::fs::remove_file(path);
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut c = SqliteConnection::connect_with(&opts).await.unwrap();
    for sql in [
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT)",
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('SWEREF99 TM', 3006, 'EPSG', 3006, '', ''), ('RT90', 3021, 'EPSG', 3021, '', '')",
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER)",
        "CREATE TABLE omraden (fid INTEGER PRIMARY KEY, geom BLOB, namn TEXT, kod INTEGER)",
    ] {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO gpkg_geometry_columns VALUES ('omraden', 'geom', 'POLYGON', $1, 0, 0)",
    )
    .bind(srs)
    .execute(&mut c)
    .await
    .unwrap();
    let (e0, n0) = (647_000.0, 6_638_000.0);
    let square = [
        [e0, n0],
        [e0 + 500.0, n0],
        [e0 + 500.0, n0 + 500.0],
        [e0, n0 + 500.0],
        [e0, n0],
    ];
    let bow = [
        [e0, n0],
        [e0 + 500.0, n0 + 500.0],
        [e0 + 500.0, n0],
        [e0, n0 + 500.0],
        [e0, n0],
    ];
    let rows: [(&str, Vec<u8>); 4] = [
        ("Torget", gpkg(&wkb_polygon(&square, true, false), srs)),
        ("Fjärilen", gpkg(&wkb_polygon(&bow, true, false), srs)),
        ("Storkyrkan", gpkg(&wkb_polygon(&square, false, false), srs)),
        ("Slottet", gpkg(&wkb_polygon(&square, true, true), srs)),
    ];
    for (i, (name, blob)) in rows.into_iter().enumerate() {
        sqlx::query("INSERT INTO omraden (fid, geom, namn, kod) VALUES ($1, $2, $3, $4)")
            .bind(i as i64 + 1)
            .bind(blob)
            .bind(name)
            .bind(100 + i as i64)
            .execute(&mut c)
            .await
            .unwrap();
    }
    c.close().await.unwrap();
}

fn wkb_polygon(ring: &[[f64; 2]], little: bool, z: bool) -> Vec<u8> {
    let mut b = vec![u8::from(little)];
    let u32b = |v: u32| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let f64b = |v: f64| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    b.extend(u32b(if z { 1003 } else { 3 }));
    b.extend(u32b(1));
    b.extend(u32b(ring.len() as u32));
    for p in ring {
        b.extend(f64b(p[0]));
        b.extend(f64b(p[1]));
        if z {
            b.extend(f64b(12.5));
        }
    }
    b
}

/// GeoPackage header: "GP", version 0, flags (little-endian, 32-byte envelope), srs id, envelope.
fn gpkg(wkb: &[u8], srs: i64) -> Vec<u8> {
    let mut b = vec![b'G', b'P', 0, 0b0000_0011];
    b.extend((srs as i32).to_le_bytes());
    for v in [0.0f64, 1.0, 0.0, 1.0] {
        b.extend(v.to_le_bytes());
    }
    b.extend_from_slice(wkb);
    b
}

#[tokio::test]
async fn a_geopackage_with_a_self_intersecting_polygon_is_refused() {
    let path = std::env::temp_dir().join(format!("trygg-areas-{}.gpkg", std::process::id()));
    make_gpkg(&path, 3006).await;
    let e = read_areas_geopackage(&path, None, None, None, None)
        .await
        .unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].at, Location::Row(2));
    assert!(
        e.to_string()
            .contains("row fid 2: Fjärilen (101): polygon 0 intersects itself"),
        "{e}"
    );

    // Without the bow-tie, the other three (little/big-endian, 3D) import.
    let opts = SqliteConnectOptions::new().filename(&path);
    let mut c = SqliteConnection::connect_with(&opts).await.unwrap();
    sqlx::query("DELETE FROM omraden WHERE fid = 2")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    let areas = read_areas_geopackage(&path, None, None, None, Some(AreaKind::District))
        .await
        .unwrap();
    assert_eq!(areas.len(), 3);
    assert_eq!(areas[1].code.as_deref(), Some("102"));
    assert_eq!(
        areas[0].geometry, areas[2].geometry,
        "3D and 2D read the same"
    );
    assert_eq!(
        areas[0].geometry, areas[1].geometry,
        "big- and little-endian read the same"
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn a_geopackage_in_another_crs_is_refused_with_advice() {
    let path = std::env::temp_dir().join(format!("trygg-areas-rt90-{}.gpkg", std::process::id()));
    make_gpkg(&path, 3021).await;
    let e = read_areas_geopackage(&path, None, None, None, None)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("EPSG:3021") && e.to_string().contains("Reproject"),
        "{e}"
    );
    let _ = std::fs::remove_file(&path);
    let e = read_areas_geopackage(
        &fixture("events_fixture_small.json"),
        None,
        None,
        None,
        None,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("GeoPackage"), "{e}");
}
