//! Every sample file in the project's shared data directory parses, when that directory is
//! there (`../shared/data` next to the checkout, or `TRYGG_SHARED_DATA`). Copies of the files
//! are also tested directly as fixtures, so nothing is lost when it is absent.
//!
//! Skipped on purpose: `README.md`.

use std::path::PathBuf;

use trygg_domain::OrganisationId;
use trygg_import::areas::{read_areas_geojson, read_areas_geoparquet};
use trygg_import::polisen::{PolisenOptions, parse_polisen};

fn shared() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TRYGG_SHARED_DATA").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")),
        Some(PathBuf::from("/work/shared/data")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("polisen").is_dir())
}

#[test]
fn every_shared_sample_file_parses() {
    let Some(root) = shared() else {
        println!(
            "SKIPPED: the shared data directory is not here; the fixture copies are tested instead"
        );
        return;
    };
    let mut checked = 0;
    for dir in ["polisen", "geo"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let bytes = std::fs::read(&path).unwrap();
            if name.ends_with(".json") {
                let b = parse_polisen(
                    &bytes,
                    PolisenOptions {
                        source_org: OrganisationId(1),
                    },
                )
                .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!b.incidents.is_empty(), "{name}");
            } else if name.ends_with(".geojson") {
                let a = read_areas_geojson(&bytes, None, None, None)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!a.is_empty(), "{name}");
            } else if name == "event_types.csv" {
                // Every listed Polisen type has a category (the domain's own test checks the
                // mapping; here: the file is what the fixture copy says it is).
                assert_eq!(bytes, include_bytes!("fixtures/event_types.csv"));
            } else if name == "swedish_admin_areas_kommun_lan_codes.csv" {
                assert_eq!(
                    bytes,
                    include_bytes!("../src/swedish_admin_areas_kommun_lan_codes.csv")
                );
            } else if name.ends_with(".geoparquet") {
                let a = read_areas_geoparquet(&bytes, None, None, None)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(!a.is_empty(), "{name}");
            } else if name == "README.md" {
                continue;
            } else {
                panic!("{name}: a new sample file; add it to this test");
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked, 15,
        "4 Polisen JSON, event_types.csv, 7 GeoJSON, 2 GeoParquet, the code table"
    );
}
