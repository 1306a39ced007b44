//! WGS84 ⇄ SWEREF 99 TM (EPSG:3006).
//!
//! SWEREF 99 TM is a transverse Mercator projection of the GRS 80 ellipsoid: central meridian
//! 15° E, scale 0.9996, false easting 500 000 m, false northing 0. SWEREF 99 coincides with
//! WGS84 to well within a metre, so no datum shift is applied (as PROJ does for EPSG:4326 →
//! 3006). The formulas are Lantmäteriet's Gauss–Krüger series ("Gauss conformal projection
//! (Transverse Mercator), Krüger's formulas"), exact to about a millimetre within the zone.

use std::f64::consts::PI;

/// A WGS84 position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wgs84 {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// A SWEREF 99 TM position in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sweref99Tm {
    /// Northing (N), metres.
    pub n: f64,
    /// Easting (E), metres.
    pub e: f64,
}

// GRS 80 and the SWEREF 99 TM projection parameters.
const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_222_101;
const CENTRAL_MERIDIAN_DEG: f64 = 15.0;
const SCALE: f64 = 0.9996;
const FALSE_NORTHING: f64 = 0.0;
const FALSE_EASTING: f64 = 500_000.0;

/// Series constants derived once from the ellipsoid.
struct Series {
    a_roof: f64,
    // Forward (geodetic → grid).
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    beta: [f64; 4],
    // Inverse (grid → geodetic).
    a_star: f64,
    b_star: f64,
    c_star: f64,
    d_star: f64,
    delta: [f64; 4],
}

fn series() -> Series {
    let e2 = F * (2.0 - F);
    let n = F / (2.0 - F);
    let (n2, n3, n4) = (n * n, n * n * n, n * n * n * n);
    let (e4, e6, e8) = (e2 * e2, e2 * e2 * e2, e2 * e2 * e2 * e2);
    Series {
        a_roof: A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0),
        a: e2,
        b: (5.0 * e4 - e6) / 6.0,
        c: (104.0 * e6 - 45.0 * e8) / 120.0,
        d: (1237.0 * e8) / 1260.0,
        beta: [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0,
            49561.0 * n4 / 161_280.0,
        ],
        a_star: e2 + e4 + e6 + e8,
        b_star: -(7.0 * e4 + 17.0 * e6 + 30.0 * e8) / 6.0,
        c_star: (224.0 * e6 + 889.0 * e8) / 120.0,
        d_star: -(4279.0 * e8) / 1260.0,
        delta: [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0,
            n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0,
            17.0 * n3 / 480.0 - 37.0 * n4 / 840.0,
            4397.0 * n4 / 161_280.0,
        ],
    }
}

/// Projects a WGS84 position to SWEREF 99 TM.
pub fn wgs84_to_sweref99tm(p: Wgs84) -> Sweref99Tm {
    let s = series();
    let phi = p.lat.to_radians();
    let lambda = p.lon.to_radians();
    let lambda0 = CENTRAL_MERIDIAN_DEG.to_radians();
    let sin2 = phi.sin().powi(2);
    let phi_star =
        phi - phi.sin() * phi.cos() * (s.a + s.b * sin2 + s.c * sin2 * sin2 + s.d * sin2.powi(3));
    let d_lambda = lambda - lambda0;
    let xi = (phi_star.tan() / d_lambda.cos()).atan();
    let eta = (phi_star.cos() * d_lambda.sin()).atanh();
    let (mut x, mut y) = (xi, eta);
    for (k, beta) in s.beta.iter().enumerate() {
        let m = 2.0 * (k as f64 + 1.0);
        x += beta * (m * xi).sin() * (m * eta).cosh();
        y += beta * (m * xi).cos() * (m * eta).sinh();
    }
    Sweref99Tm {
        n: SCALE * s.a_roof * x + FALSE_NORTHING,
        e: SCALE * s.a_roof * y + FALSE_EASTING,
    }
}

/// Converts a SWEREF 99 TM position to WGS84.
pub fn sweref99tm_to_wgs84(p: Sweref99Tm) -> Wgs84 {
    let s = series();
    let xi = (p.n - FALSE_NORTHING) / (SCALE * s.a_roof);
    let eta = (p.e - FALSE_EASTING) / (SCALE * s.a_roof);
    let (mut xi_p, mut eta_p) = (xi, eta);
    for (k, delta) in s.delta.iter().enumerate() {
        let m = 2.0 * (k as f64 + 1.0);
        xi_p -= delta * (m * xi).sin() * (m * eta).cosh();
        eta_p -= delta * (m * xi).cos() * (m * eta).sinh();
    }
    let phi_star = (xi_p.sin() / eta_p.cosh()).asin();
    let d_lambda = (eta_p.sinh() / xi_p.cos()).atan();
    let sin2 = phi_star.sin().powi(2);
    let phi = phi_star
        + phi_star.sin()
            * phi_star.cos()
            * (s.a_star + s.b_star * sin2 + s.c_star * sin2 * sin2 + s.d_star * sin2.powi(3));
    Wgs84 {
        lat: phi * 180.0 / PI,
        lon: CENTRAL_MERIDIAN_DEG + d_lambda * 180.0 / PI,
    }
}

/// Whether a WGS84 position lies within the area of use of SWEREF 99 TM, i.e. Sweden and its
/// waters: latitude 54.96–69.07 °N, longitude 10.03–24.17 °E (EPSG:3006's published extent).
/// This is a bounding box: it also holds parts of Norway, Finland, Denmark and the sea; a finer
/// check against land boundaries belongs to area assignment.
pub fn in_sweden_extent(p: Wgs84) -> bool {
    (54.96..=69.07).contains(&p.lat) && (10.03..=24.17).contains(&p.lon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_meridian_on_the_equator_maps_to_false_easting() {
        let g = wgs84_to_sweref99tm(Wgs84 {
            lat: 0.0,
            lon: 15.0,
        });
        assert!(g.n.abs() < 1e-6 && (g.e - 500_000.0).abs() < 1e-6, "{g:?}");
    }

    #[test]
    fn round_trip_is_sub_millimetre_across_sweden() {
        for lat in [55.3, 57.7, 59.858_564, 63.8, 68.4] {
            for lon in [11.0, 13.2, 17.638_927, 20.3, 24.0] {
                let p = Wgs84 { lat, lon };
                let back = sweref99tm_to_wgs84(wgs84_to_sweref99tm(p));
                let g1 = wgs84_to_sweref99tm(back);
                let g0 = wgs84_to_sweref99tm(p);
                assert!(
                    (g1.n - g0.n).abs() < 1e-3 && (g1.e - g0.e).abs() < 1e-3,
                    "{p:?}"
                );
            }
        }
    }

    #[test]
    fn sweden_extent() {
        assert!(in_sweden_extent(Wgs84 {
            lat: 59.86,
            lon: 17.64
        }));
        assert!(
            !in_sweden_extent(Wgs84 {
                lat: 17.64,
                lon: 59.86
            }),
            "swapped"
        );
        assert!(
            !in_sweden_extent(Wgs84 {
                lat: 48.85,
                lon: 2.35
            }),
            "Paris"
        );
    }
}
