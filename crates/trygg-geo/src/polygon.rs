//! Polygons in SWEREF 99 TM metres, read from GeoJSON and checked before anyone relies on them.
//!
//! Areas arrive as GeoJSON in WGS84 (kommun and län files, user-drawn districts) or as WKB from a
//! GeoPackage. Whatever the source, a boundary that does not close, has too few corners or
//! crosses itself would silently give wrong counts per area, so it is refused here with a
//! sentence that says what is wrong and where. Holes are kept; a point in a hole is outside.

use std::fmt;

use serde_json::Value;

use crate::crs::{Sweref99Tm, Wgs84, sweref99tm_to_wgs84, wgs84_to_sweref99tm};

/// A vertex in SWEREF 99 TM: `[easting, northing]` in metres, i.e. planar `[x, y]`.
pub type XyMetres = [f64; 2];

/// One polygon: an outer ring and any holes, each ring closed (first vertex repeated last).
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// The outer boundary.
    pub exterior: Vec<XyMetres>,
    /// Holes (lakes, enclaves).
    pub holes: Vec<Vec<XyMetres>>,
}

impl Polygon {
    /// All rings, outer first.
    pub fn rings(&self) -> impl Iterator<Item = &[XyMetres]> {
        std::iter::once(self.exterior.as_slice()).chain(self.holes.iter().map(Vec::as_slice))
    }

    /// `[min_x, min_y, max_x, max_y]` in metres.
    pub fn bbox(&self) -> [f64; 4] {
        bbox_of(&self.exterior)
    }

    /// Area in square metres (outer ring minus holes).
    pub fn area_m2(&self) -> f64 {
        ring_area(&self.exterior).abs() - self.holes.iter().map(|h| ring_area(h).abs()).sum::<f64>()
    }

    /// Whether the point lies inside (even–odd rule over all rings; boundary cases are
    /// decided consistently but arbitrarily). This is the naive twin of the indexed test in
    /// [`crate::AreaIndex`].
    pub fn contains(&self, p: XyMetres) -> bool {
        let mut inside = false;
        for ring in self.rings() {
            for w in ring.windows(2) {
                if crosses(w[0], w[1], p) {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// One or more polygons making up one area (a kommun with islands).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MultiPolygon(pub Vec<Polygon>);

impl MultiPolygon {
    /// Reads a GeoJSON `Polygon` or `MultiPolygon` geometry in WGS84 (`[lon, lat]`) and projects
    /// it to SWEREF 99 TM. The result is validated: see [`MultiPolygon::validate`].
    pub fn from_geojson_wgs84(geometry: &Value) -> Result<Self, GeometryError> {
        Self::from_geojson_with(geometry, |lon, lat| {
            let g = wgs84_to_sweref99tm(Wgs84 { lat, lon });
            [g.e, g.n]
        })
    }

    /// Reads a GeoJSON-shaped geometry whose coordinates are already SWEREF 99 TM
    /// `[easting, northing]` metres.
    pub fn from_geojson_sweref99tm(geometry: &Value) -> Result<Self, GeometryError> {
        Self::from_geojson_with(geometry, |e, n| [e, n])
    }

    fn from_geojson_with(
        geometry: &Value,
        project: impl Fn(f64, f64) -> XyMetres,
    ) -> Result<Self, GeometryError> {
        let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
        let coords = geometry.get("coordinates").ok_or_else(|| {
            GeometryError::Malformed("the geometry has no \"coordinates\"".into())
        })?;
        let polygons: Vec<&Value> = match kind {
            "Polygon" => vec![coords],
            "MultiPolygon" => coords
                .as_array()
                .ok_or_else(|| {
                    GeometryError::Malformed("MultiPolygon coordinates must be an array".into())
                })?
                .iter()
                .collect(),
            "" => {
                return Err(GeometryError::Malformed(
                    "the geometry has no \"type\"".into(),
                ));
            }
            other => return Err(GeometryError::NotAPolygon(other.to_string())),
        };
        let mut out = Vec::with_capacity(polygons.len());
        for poly in polygons {
            let rings = poly.as_array().ok_or_else(|| {
                GeometryError::Malformed("a polygon must be an array of rings".into())
            })?;
            let mut parsed = Vec::with_capacity(rings.len());
            for ring in rings {
                let pts = ring.as_array().ok_or_else(|| {
                    GeometryError::Malformed("a ring must be an array of positions".into())
                })?;
                let mut r = Vec::with_capacity(pts.len());
                for pt in pts {
                    let xy = pt.as_array().filter(|a| a.len() >= 2).ok_or_else(|| {
                        GeometryError::Malformed("a position must be [x, y]".into())
                    })?;
                    let (Some(x), Some(y)) = (xy[0].as_f64(), xy[1].as_f64()) else {
                        return Err(GeometryError::Malformed(
                            "a position must hold two numbers".into(),
                        ));
                    };
                    r.push(project(x, y));
                }
                parsed.push(r);
            }
            let mut it = parsed.into_iter();
            let exterior = it
                .next()
                .ok_or_else(|| GeometryError::Malformed("a polygon has no rings".into()))?;
            out.push(Polygon {
                exterior,
                holes: it.collect(),
            });
        }
        let mp = MultiPolygon(out);
        mp.validate()?;
        Ok(mp)
    }

    /// Builds from rings already in SWEREF 99 TM metres, validating them.
    pub fn from_polygons(polygons: Vec<Polygon>) -> Result<Self, GeometryError> {
        let mp = MultiPolygon(polygons);
        mp.validate()?;
        Ok(mp)
    }

    /// Checks that every ring has at least four positions, is closed, has finite coordinates,
    /// and that no two edges of a polygon cross or overlap (a "bow-tie" or a hole poking out of
    /// its shell). Rings that merely touch at a vertex are accepted, as in most published data.
    pub fn validate(&self) -> Result<(), GeometryError> {
        if self.0.is_empty() {
            return Err(GeometryError::Malformed(
                "the geometry has no polygons".into(),
            ));
        }
        for (pi, poly) in self.0.iter().enumerate() {
            for (ri, ring) in poly.rings().enumerate() {
                if ring.iter().any(|p| !p[0].is_finite() || !p[1].is_finite()) {
                    return Err(GeometryError::Malformed(
                        "a coordinate is not a finite number".into(),
                    ));
                }
                if ring.len() < 4 {
                    return Err(GeometryError::TooFewPositions {
                        polygon: pi,
                        ring: ri,
                        count: ring.len(),
                    });
                }
                if ring.first() != ring.last() {
                    return Err(GeometryError::NotClosed {
                        polygon: pi,
                        ring: ri,
                    });
                }
            }
            if let Some(at) = find_crossing(poly) {
                return Err(GeometryError::SelfIntersection { polygon: pi, at });
            }
        }
        Ok(())
    }

    /// `[min_x, min_y, max_x, max_y]` in metres.
    pub fn bbox(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in &self.0 {
            let q = p.bbox();
            b = [
                b[0].min(q[0]),
                b[1].min(q[1]),
                b[2].max(q[2]),
                b[3].max(q[3]),
            ];
        }
        b
    }

    /// Whether any polygon contains the point (naive: every edge is tested).
    pub fn contains(&self, p: XyMetres) -> bool {
        self.0.iter().any(|poly| poly.contains(p))
    }

    /// Area in square metres.
    pub fn area_m2(&self) -> f64 {
        self.0.iter().map(Polygon::area_m2).sum()
    }

    /// A point guaranteed to lie inside the largest polygon (not on a hole or outside, as a
    /// centroid of a crescent-shaped kommun can): the middle of the widest stretch of the
    /// horizontal line through the polygon's vertical middle. `None` for an empty geometry.
    pub fn interior_point(&self) -> Option<XyMetres> {
        let poly = self
            .0
            .iter()
            .max_by(|a, b| a.area_m2().total_cmp(&b.area_m2()))?;
        let [_, min_y, _, max_y] = poly.bbox();
        // Nudge off the exact middle so the line is unlikely to pass through a vertex.
        let y = min_y + (max_y - min_y) * 0.500_123_4;
        let mut xs: Vec<f64> = poly
            .rings()
            .flat_map(|r| r.windows(2))
            .filter(|w| (w[0][1] > y) != (w[1][1] > y))
            .map(|w| w[0][0] + (y - w[0][1]) * (w[1][0] - w[0][0]) / (w[1][1] - w[0][1]))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.chunks_exact(2)
            .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
            .map(|pair| [(pair[0] + pair[1]) / 2.0, y])
    }

    /// The geometry as a GeoJSON `MultiPolygon` in WGS84, coordinates rounded to 7 decimals
    /// (about a centimetre).
    pub fn to_geojson_wgs84(&self) -> Value {
        let round = |v: f64| (v * 1e7).round() / 1e7;
        let polys: Vec<Value> = self
            .0
            .iter()
            .map(|poly| {
                Value::Array(
                    poly.rings()
                        .map(|ring| {
                            Value::Array(
                                ring.iter()
                                    .map(|&[e, n]| {
                                        let w = sweref99tm_to_wgs84(Sweref99Tm { n, e });
                                        serde_json::json!([round(w.lon), round(w.lat)])
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        serde_json::json!({ "type": "MultiPolygon", "coordinates": polys })
    }
}

/// Why a geometry was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum GeometryError {
    /// Not a Polygon or MultiPolygon.
    NotAPolygon(String),
    /// Structurally wrong (missing fields, non-numbers).
    Malformed(String),
    /// A ring has fewer than four positions.
    TooFewPositions {
        /// Polygon number within the multipolygon, from 0.
        polygon: usize,
        /// Ring number within the polygon (0 = outer).
        ring: usize,
        /// Positions found.
        count: usize,
    },
    /// A ring's last position differs from its first.
    NotClosed {
        /// Polygon number, from 0.
        polygon: usize,
        /// Ring number (0 = outer).
        ring: usize,
    },
    /// Two edges cross.
    SelfIntersection {
        /// Polygon number, from 0.
        polygon: usize,
        /// Where, in SWEREF 99 TM `[E, N]` metres.
        at: XyMetres,
    },
}

impl fmt::Display for GeometryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeometryError::NotAPolygon(kind) => write!(
                f,
                "the geometry is a {kind}, but an area must be a Polygon or MultiPolygon"
            ),
            GeometryError::Malformed(what) => write!(f, "the geometry is malformed: {what}"),
            GeometryError::TooFewPositions {
                polygon,
                ring,
                count,
            } => write!(
                f,
                "ring {ring} of polygon {polygon} has {count} positions; a closed ring needs at least 4"
            ),
            GeometryError::NotClosed { polygon, ring } => write!(
                f,
                "ring {ring} of polygon {polygon} is not closed: repeat the first position at the end"
            ),
            GeometryError::SelfIntersection { polygon, at } => {
                let w = sweref99tm_to_wgs84(Sweref99Tm { n: at[1], e: at[0] });
                write!(
                    f,
                    "polygon {polygon} intersects itself near lat {:.5}, lon {:.5}: \
                     fix the boundary in a GIS (e.g. QGIS \"Fix geometries\") and import again",
                    w.lat, w.lon
                )
            }
        }
    }
}

impl std::error::Error for GeometryError {}

fn bbox_of(ring: &[XyMetres]) -> [f64; 4] {
    ring.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

fn ring_area(ring: &[XyMetres]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum::<f64>()
        / 2.0
}

/// Whether the horizontal ray from `p` towards +x crosses the edge `a`–`b` (half-open in y, so
/// a vertex on the ray is counted once).
#[inline(always)]
pub(crate) fn crosses(a: XyMetres, b: XyMetres, p: XyMetres) -> bool {
    ((a[1] > p[1]) != (b[1] > p[1])) && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
}

fn orient(a: XyMetres, b: XyMetres, c: XyMetres) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Where segments `p1p2` and `q1q2` cross properly (interiors meet in one point) or overlap
/// along a stretch; `None` if they are disjoint or only touch at an end.
fn segment_crossing(p1: XyMetres, p2: XyMetres, q1: XyMetres, q2: XyMetres) -> Option<XyMetres> {
    let d1 = orient(q1, q2, p1);
    let d2 = orient(q1, q2, p2);
    let d3 = orient(p1, p2, q1);
    let d4 = orient(p1, p2, q2);
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        let t = d1 / (d1 - d2);
        return Some([p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1])]);
    }
    if d1 == 0.0 && d2 == 0.0 {
        // Collinear: refuse an overlap of positive length.
        let axis = if (p2[0] - p1[0]).abs() >= (p2[1] - p1[1]).abs() {
            0
        } else {
            1
        };
        let (a0, a1) = (p1[axis].min(p2[axis]), p1[axis].max(p2[axis]));
        let (b0, b1) = (q1[axis].min(q2[axis]), q1[axis].max(q2[axis]));
        let (lo, hi) = (a0.max(b0), a1.min(b1));
        if hi > lo {
            let mid = (lo + hi) / 2.0;
            let pt = if axis == 0 {
                [mid, p1[1]]
            } else {
                [p1[0], mid]
            };
            return Some(pt);
        }
    }
    None
}

/// Finds a crossing between any two non-adjacent edges of the polygon's rings, by a sweep over
/// edges sorted by their smallest x: only edges whose x-ranges overlap are compared.
fn find_crossing(poly: &Polygon) -> Option<XyMetres> {
    struct Seg {
        a: XyMetres,
        b: XyMetres,
        ring: usize,
        idx: usize,
        min_x: f64,
        max_x: f64,
        ring_len: usize,
    }
    let mut segs = Vec::new();
    for (ri, ring) in poly.rings().enumerate() {
        let n = ring.len() - 1;
        for (i, w) in ring.windows(2).enumerate() {
            if w[0] == w[1] {
                continue;
            }
            segs.push(Seg {
                a: w[0],
                b: w[1],
                ring: ri,
                idx: i,
                min_x: w[0][0].min(w[1][0]),
                max_x: w[0][0].max(w[1][0]),
                ring_len: n,
            });
        }
    }
    segs.sort_by(|s, t| s.min_x.total_cmp(&t.min_x));
    for (i, s) in segs.iter().enumerate() {
        for t in &segs[i + 1..] {
            if t.min_x > s.max_x {
                break;
            }
            if s.ring == t.ring {
                let d = s.idx.abs_diff(t.idx);
                if d <= 1 || d == s.ring_len - 1 {
                    continue; // neighbours share a vertex
                }
            }
            let (s_min_y, s_max_y) = (s.a[1].min(s.b[1]), s.a[1].max(s.b[1]));
            if t.a[1].max(t.b[1]) < s_min_y || t.a[1].min(t.b[1]) > s_max_y {
                continue;
            }
            if let Some(at) = segment_crossing(s.a, s.b, t.a, t.b) {
                return Some(at);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x0: f64, y0: f64, side: f64) -> Vec<XyMetres> {
        vec![
            [x0, y0],
            [x0 + side, y0],
            [x0 + side, y0 + side],
            [x0, y0 + side],
            [x0, y0],
        ]
    }

    #[test]
    fn a_square_with_a_hole() {
        let p = Polygon {
            exterior: square(0.0, 0.0, 10.0),
            holes: vec![square(4.0, 4.0, 2.0)],
        };
        let mp = MultiPolygon::from_polygons(vec![p]).unwrap();
        assert!(mp.contains([1.0, 1.0]));
        assert!(!mp.contains([5.0, 5.0]), "in the hole");
        assert!(!mp.contains([11.0, 5.0]));
        assert!((mp.area_m2() - 96.0).abs() < 1e-9);
    }

    #[test]
    fn the_interior_point_of_a_u_shape_is_inside() {
        let u = vec![
            [0.0, 0.0],
            [30.0, 0.0],
            [30.0, 30.0],
            [20.0, 30.0],
            [20.0, 10.0],
            [10.0, 10.0],
            [10.0, 30.0],
            [0.0, 30.0],
            [0.0, 0.0],
        ];
        let mp = MultiPolygon::from_polygons(vec![Polygon {
            exterior: u,
            holes: vec![],
        }])
        .unwrap();
        let p = mp.interior_point().unwrap();
        assert!(mp.contains(p), "{p:?}");
        assert!(!(10.0..=20.0).contains(&p[0]), "not in the notch: {p:?}");
    }

    #[test]
    fn a_bow_tie_is_refused() {
        let bow = vec![
            [0.0, 0.0],
            [10.0, 10.0],
            [10.0, 0.0],
            [0.0, 10.0],
            [0.0, 0.0],
        ];
        let e = MultiPolygon::from_polygons(vec![Polygon {
            exterior: bow,
            holes: vec![],
        }])
        .unwrap_err();
        match e {
            GeometryError::SelfIntersection { polygon: 0, at } => {
                assert!((at[0] - 5.0).abs() < 1e-9 && (at[1] - 5.0).abs() < 1e-9)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_hole_crossing_its_shell_is_refused() {
        let p = Polygon {
            exterior: square(0.0, 0.0, 10.0),
            holes: vec![square(8.0, 4.0, 4.0)],
        };
        assert!(matches!(
            MultiPolygon::from_polygons(vec![p]),
            Err(GeometryError::SelfIntersection { .. })
        ));
    }

    #[test]
    fn open_and_short_rings_are_refused() {
        let g = json!({"type": "Polygon", "coordinates": [[[17.0, 59.0], [17.1, 59.0], [17.1, 59.1], [17.0, 59.1]]]});
        let e = MultiPolygon::from_geojson_wgs84(&g).unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let g =
            json!({"type": "Polygon", "coordinates": [[[17.0, 59.0], [17.1, 59.0], [17.0, 59.0]]]});
        let e = MultiPolygon::from_geojson_wgs84(&g).unwrap_err();
        assert!(e.to_string().contains("at least 4"), "{e}");
        let g = json!({"type": "Point", "coordinates": [17.0, 59.0]});
        let e = MultiPolygon::from_geojson_wgs84(&g).unwrap_err();
        assert!(e.to_string().contains("Point"), "{e}");
    }

    #[test]
    fn geojson_round_trips_through_sweref() {
        let g = json!({"type": "Polygon", "coordinates": [[[17.6, 59.8], [17.7, 59.8], [17.7, 59.9], [17.6, 59.9], [17.6, 59.8]]]});
        let mp = MultiPolygon::from_geojson_wgs84(&g).unwrap();
        let back = mp.to_geojson_wgs84();
        assert_eq!(back["type"], "MultiPolygon");
        let first = &back["coordinates"][0][0][0];
        assert!((first[0].as_f64().unwrap() - 17.6).abs() < 1e-7);
        assert!((first[1].as_f64().unwrap() - 59.8).abs() < 1e-7);
        // Stora torget, Uppsala, is inside.
        let p = wgs84_to_sweref99tm(Wgs84 {
            lat: 59.8586,
            lon: 17.6389,
        });
        assert!(mp.contains([p.e, p.n]));
    }
}
