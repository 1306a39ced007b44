//! The demo city's geography: approximate district centres and hot spots in Uppsala, a hand-drawn
//! city boundary, and Voronoi districts cut from it.
//!
//! The districts are *not* Uppsala's official boundaries. They are Voronoi cells around
//! approximate district centres, clipped to a convex polygon around the urban area, so that they
//! tile the city without gaps or overlaps. All construction happens on SWEREF 99 TM metres; the
//! rings are then converted to WGS84 and rounded to six decimals (about 0.1 m), and membership
//! tests run on exactly those WGS84 rings, so that what a caller stores is what the tests check.

use trygg_geo::{Sweref99Tm, Wgs84, sweref99tm_to_wgs84, wgs84_to_sweref99tm};

/// A district's fixed description: where its centre is and what kind of place it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DistrictSpec {
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Relative number of residents (activity of every kind scales with it).
    pub population: f64,
    /// Relative socio-economic vulnerability: drives gatherings, vandalism, drug dealing.
    pub vulnerability: f64,
    /// Relative share of houses and ground-floor flats: drives residential burglary.
    pub houses: f64,
    /// Relative nightlife: drives disturbances and violence at night.
    pub nightlife: f64,
}

const fn d(
    name: &'static str,
    lat: f64,
    lon: f64,
    population: f64,
    vulnerability: f64,
    houses: f64,
    nightlife: f64,
) -> DistrictSpec {
    DistrictSpec {
        name,
        lat,
        lon,
        population,
        vulnerability,
        houses,
        nightlife,
    }
}

/// Approximate centres of 21 Uppsala districts (WGS84). The order fixes the codes
/// `DEMO-01` … `DEMO-21`; append, never reorder.
pub(crate) const DISTRICTS: &[DistrictSpec] = &[
    d("Centrum/Fjärdingen", 59.8580, 17.6400, 1.0, 0.8, 0.2, 3.0),
    d("Luthagen", 59.8655, 17.6265, 1.2, 0.5, 0.3, 1.0),
    d("Svartbäcken", 59.8710, 17.6440, 1.0, 0.7, 0.6, 0.6),
    d("Kvarngärdet", 59.8690, 17.6600, 1.0, 1.0, 0.3, 0.6),
    d("Gränby", 59.8760, 17.6700, 1.1, 1.6, 0.5, 0.6),
    d("Löten", 59.8790, 17.6300, 0.6, 0.4, 1.5, 0.3),
    d("Tunabackar", 59.8800, 17.6480, 0.6, 0.6, 0.8, 0.3),
    d("Salabacke", 59.8660, 17.6800, 0.9, 1.3, 0.3, 0.4),
    d("Årsta", 59.8600, 17.7000, 1.0, 1.0, 1.0, 0.4),
    d("Sävja", 59.8190, 17.7000, 0.8, 1.3, 1.2, 0.4),
    d("Boländerna/Fyrislund", 59.8470, 17.6800, 0.4, 0.8, 0.2, 0.6),
    d("Fålhagen/Vaksala", 59.8570, 17.6600, 1.0, 0.8, 0.2, 1.0),
    d("Kungsgärdet", 59.8480, 17.6200, 0.7, 0.4, 1.0, 0.4),
    d("Rickomberga", 59.8590, 17.6080, 0.6, 0.6, 0.8, 0.3),
    d("Eriksberg", 59.8440, 17.6000, 0.8, 0.6, 1.2, 0.3),
    d("Flogsta", 59.8516, 17.5874, 1.0, 0.8, 0.1, 1.2),
    d("Stenhagen", 59.8600, 17.5620, 1.1, 1.8, 0.6, 0.5),
    d("Gottsunda", 59.8080, 17.6120, 1.1, 1.9, 0.5, 0.5),
    d("Valsätra", 59.8170, 17.6330, 1.0, 2.0, 0.6, 0.4),
    d("Norby", 59.8330, 17.6100, 0.6, 0.4, 1.6, 0.2),
    d("Ultuna/Sunnersta", 59.8050, 17.6550, 0.8, 0.3, 1.8, 0.3),
];

/// Index of a district in [`DISTRICTS`] by name; panics on a typo (a programming error).
pub(crate) fn district_index(name: &str) -> usize {
    DISTRICTS
        .iter()
        .position(|d| d.name == name)
        .unwrap_or_else(|| panic!("no demo district named {name}"))
}

/// What kind of place a hot spot is; categories are drawn to the kinds that suit them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpotKind {
    /// A square in the city centre.
    Square,
    /// A station or bus hub.
    Transit,
    /// A shopping centre with its square.
    Mall,
    /// A student housing area.
    Student,
    /// A park.
    Park,
}

impl SpotKind {
    pub(crate) const COUNT: usize = 5;
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// A fixed hot spot: a real place where events concentrate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpotSpec {
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Events fall within this distance, Gaussian with σ = radius / 2, truncated.
    pub radius_m: f64,
    pub kind: SpotKind,
    /// Relative attraction among spots of a kind.
    pub weight: f64,
    /// The district that holds the spot.
    pub district: &'static str,
}

const fn s(
    name: &'static str,
    lat: f64,
    lon: f64,
    radius_m: f64,
    kind: SpotKind,
    weight: f64,
    district: &'static str,
) -> SpotSpec {
    SpotSpec {
        name,
        lat,
        lon,
        radius_m,
        kind,
        weight,
        district,
    }
}

/// Real places (approximate WGS84 positions).
pub(crate) const SPOTS: &[SpotSpec] = &[
    s(
        "Stora torget",
        59.8586,
        17.6389,
        120.0,
        SpotKind::Square,
        1.5,
        "Centrum/Fjärdingen",
    ),
    s(
        "Uppsala resecentrum",
        59.8585,
        17.6466,
        150.0,
        SpotKind::Transit,
        1.5,
        "Centrum/Fjärdingen",
    ),
    s(
        "Forumgallerian/Kungsgatan",
        59.8597,
        17.6412,
        80.0,
        SpotKind::Mall,
        0.9,
        "Centrum/Fjärdingen",
    ),
    s(
        "Vaksala torg",
        59.8606,
        17.6527,
        120.0,
        SpotKind::Square,
        0.8,
        "Fålhagen/Vaksala",
    ),
    s(
        "Stadsträdgården",
        59.8532,
        17.6405,
        150.0,
        SpotKind::Park,
        1.0,
        "Centrum/Fjärdingen",
    ),
    s(
        "Gottsunda centrum",
        59.8068,
        17.6133,
        200.0,
        SpotKind::Mall,
        1.6,
        "Gottsunda",
    ),
    s(
        "Gränby centrum",
        59.8771,
        17.6745,
        220.0,
        SpotKind::Mall,
        1.3,
        "Gränby",
    ),
    s(
        "Stenhagen centrum",
        59.8598,
        17.5652,
        180.0,
        SpotKind::Mall,
        1.3,
        "Stenhagen",
    ),
    s(
        "Flogsta",
        59.8516,
        17.5874,
        250.0,
        SpotKind::Student,
        1.0,
        "Flogsta",
    ),
];

/// A convex polygon around Uppsala's urban area, counter-clockwise, (lat, lon).
const BOUNDARY: &[(f64, f64)] = &[
    (59.790, 17.590),
    (59.782, 17.640),
    (59.795, 17.700),
    (59.810, 17.730),
    (59.850, 17.737),
    (59.880, 17.722),
    (59.895, 17.685),
    (59.898, 17.620),
    (59.887, 17.570),
    (59.868, 17.540),
    (59.838, 17.543),
];

/// A point on the SWEREF 99 TM grid: x = easting, y = northing, metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Xy {
    pub x: f64,
    pub y: f64,
}

pub(crate) fn to_xy(lat: f64, lon: f64) -> Xy {
    let g = wgs84_to_sweref99tm(Wgs84 { lat, lon });
    Xy { x: g.e, y: g.n }
}

pub(crate) fn to_latlon(p: Xy) -> (f64, f64) {
    let w = sweref99tm_to_wgs84(Sweref99Tm { n: p.y, e: p.x });
    (w.lat, w.lon)
}

/// The city boundary on the grid, counter-clockwise.
pub(crate) fn boundary_xy() -> Vec<Xy> {
    BOUNDARY.iter().map(|&(lat, lon)| to_xy(lat, lon)).collect()
}

/// Keeps the part of `poly` on the side of the line through `m` where
/// `(p − m) · normal ≤ 0` (Sutherland–Hodgman against one half-plane).
fn clip_half_plane(poly: &[Xy], m: Xy, normal: Xy) -> Vec<Xy> {
    let side = |p: Xy| (p.x - m.x) * normal.x + (p.y - m.y) * normal.y;
    let mut out = Vec::with_capacity(poly.len() + 1);
    for i in 0..poly.len() {
        let a = poly[i];
        let b = poly[(i + 1) % poly.len()];
        let (sa, sb) = (side(a), side(b));
        if sa <= 0.0 {
            out.push(a);
        }
        if (sa <= 0.0) != (sb <= 0.0) {
            let t = sa / (sa - sb);
            out.push(Xy {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            });
        }
    }
    out
}

/// The Voronoi cell of `sites[i]` within `boundary` (convex), counter-clockwise.
pub(crate) fn voronoi_cell(sites: &[Xy], i: usize, boundary: &[Xy]) -> Vec<Xy> {
    let mut cell = boundary.to_vec();
    let si = sites[i];
    for (j, &sj) in sites.iter().enumerate() {
        if j == i {
            continue;
        }
        let m = Xy {
            x: (si.x + sj.x) / 2.0,
            y: (si.y + sj.y) / 2.0,
        };
        let normal = Xy {
            x: sj.x - si.x,
            y: sj.y - si.y,
        };
        cell = clip_half_plane(&cell, m, normal);
    }
    cell
}

/// A closed WGS84 ring as `[lon, lat]` pairs (GeoJSON order), first point repeated at the end.
pub(crate) fn ring_wgs84(cell: &[Xy]) -> Vec<[f64; 2]> {
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let mut ring: Vec<[f64; 2]> = cell
        .iter()
        .map(|&p| {
            let (lat, lon) = to_latlon(p);
            [round(lon), round(lat)]
        })
        .collect();
    // A bisector through an existing corner leaves two corners a rounding apart; keep one, so
    // that no edge has zero length (area importers refuse such rings as degenerate).
    ring.dedup();
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    ring
}

/// Whether (lon, lat) lies inside a closed ring (even–odd rule; points on an edge may go
/// either way).
pub(crate) fn ring_contains(ring: &[[f64; 2]], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let ([x1, y1], [x2, y2]) = (w[0], w[1]);
        if (y1 > lat) != (y2 > lat) && lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1) {
            inside = !inside;
        }
    }
    inside
}

/// Bounding box of a ring on the grid: (min, max).
pub(crate) fn bbox(cell: &[Xy]) -> (Xy, Xy) {
    let mut lo = Xy {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut hi = Xy {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in cell {
        lo.x = lo.x.min(p.x);
        lo.y = lo.y.min(p.y);
        hi.x = hi.x.max(p.x);
        hi.y = hi.y.max(p.y);
    }
    (lo, hi)
}

#[cfg(test)]
/// Signed area of a grid polygon, m² (positive when counter-clockwise).
pub(crate) fn signed_area(poly: &[Xy]) -> f64 {
    let mut a = 0.0;
    for i in 0..poly.len() {
        let (p, q) = (poly[i], poly[(i + 1) % poly.len()]);
        a += p.x * q.y - q.x * p.y;
    }
    a / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_is_convex_and_counter_clockwise() {
        let b = boundary_xy();
        for i in 0..b.len() {
            let (p, q, r) = (b[i], b[(i + 1) % b.len()], b[(i + 2) % b.len()]);
            let cross = (q.x - p.x) * (r.y - q.y) - (q.y - p.y) * (r.x - q.x);
            assert!(cross > 0.0, "not convex at vertex {}", i + 1);
        }
        // Uppsala's urban area is on the order of 100–200 km².
        let km2 = signed_area(&b) / 1e6;
        assert!((80.0..250.0).contains(&km2), "{km2} km²");
    }

    #[test]
    fn voronoi_cells_tile_the_boundary() {
        let b = boundary_xy();
        let sites: Vec<Xy> = DISTRICTS.iter().map(|d| to_xy(d.lat, d.lon)).collect();
        let total: f64 = (0..sites.len())
            .map(|i| signed_area(&voronoi_cell(&sites, i, &b)))
            .sum();
        assert!((total - signed_area(&b)).abs() < 1.0, "{total}");
    }

    #[test]
    fn half_plane_clipping_of_a_square() {
        let sq = [
            Xy { x: 0.0, y: 0.0 },
            Xy { x: 2.0, y: 0.0 },
            Xy { x: 2.0, y: 2.0 },
            Xy { x: 0.0, y: 2.0 },
        ];
        let half = clip_half_plane(&sq, Xy { x: 1.0, y: 0.0 }, Xy { x: 1.0, y: 0.0 });
        assert!((signed_area(&half) - 2.0).abs() < 1e-12);
        let ring = ring_wgs84(&[
            to_xy(59.85, 17.60),
            to_xy(59.85, 17.62),
            to_xy(59.86, 17.62),
            to_xy(59.86, 17.60),
        ]);
        assert!(ring_contains(&ring, 17.61, 59.855));
        assert!(!ring_contains(&ring, 17.63, 59.855));
    }
}
