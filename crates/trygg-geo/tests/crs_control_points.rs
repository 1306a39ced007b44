//! WGS84 ⇄ SWEREF 99 TM against independent references, to better than 0.1 m (in practice
//! a few millimetres).
//!
//! Sources:
//! * `PROJ`: computed on 2026-11-24 with pyproj 3.7.2 / PROJ 9.5.1,
//!   `Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)`, for places spread over
//!   Sweden, including the zone's far west and east edges (script in `tests/fixtures/SOURCE.md`).
//! * `LANTMÄTERIET`: the four control points A–D of Lantmäteriet's "Kontrollpunkter" document
//!   (I-Divisionen Geodesi, 2006-05-03, `kontrollpunkter.pdf`), as transcribed by two
//!   independent open-source projects (kjgrahn/rt90 `lmv_ctrl.cc`, a Ruby `swedish_grid` test);
//!   PROJ reproduces them to < 0.5 mm.

use trygg_geo::{Sweref99Tm, Wgs84, sweref99tm_to_wgs84, wgs84_to_sweref99tm};

/// (name, lat °, lon °, N m, E m) from PROJ.
const PROJ: &[(&str, f64, f64, f64, f64)] = &[
    ("Smygehuk", 55.3366, 13.3597, 6133474.0687, 395957.6534),
    ("Malmö", 55.605, 13.0038, 6163926.5534, 374243.7585),
    ("Göteborg", 57.7089, 11.9746, 6400326.0362, 319758.0201),
    ("Strömstad", 58.9395, 11.1712, 6539623.8661, 279717.5497),
    ("Visby", 57.6348, 18.2948, 6392831.2584, 696685.5412),
    ("Stockholm", 59.3293, 18.0686, 6580743.0083, 674571.8664),
    (
        "Uppsala Stora torget",
        59.858564,
        17.638927,
        6638604.1096,
        647795.1575,
    ),
    ("Knivsta", 59.72612, 17.792036, 6624214.8213, 656988.1471),
    (
        "Uppsala län centroid",
        60.009226,
        17.271459,
        6654613.3542,
        626644.8475,
    ),
    ("Karlstad", 59.3793, 13.5036, 6583244.0331, 414980.4222),
    ("Sundsvall", 62.3908, 17.3069, 6919844.8038, 619260.2498),
    ("Östersund", 63.1792, 14.6357, 7005607.4406, 481660.5505),
    ("Umeå", 63.8258, 20.263, 7088280.7982, 758803.4353),
    ("Luleå", 65.5848, 22.1547, 7292393.9254, 829432.4411),
    ("Haparanda", 65.8355, 24.1368, 7331936.2001, 916177.9038),
    ("Kiruna", 67.8558, 20.2253, 7536069.9699, 719583.1230),
    ("Treriksröset", 69.0599, 20.5487, 7671047.9593, 721054.2668),
    ("Riksgränsen", 68.4268, 18.128, 7593707.9957, 628306.5735),
    ("Ystad", 55.4295, 13.8204, 6143220.2184, 425352.7644),
    ("Falsterbo", 55.3954, 12.8177, 6140959.4668, 361789.4675),
    (
        "Central meridian 62N",
        62.0,
        15.0,
        6874180.1477,
        500000.0000,
    ),
    ("Edge west 58N", 58.0, 10.5, 6437571.5452, 234128.5237),
    ("Edge east 66N", 66.0, 24.1, 7349872.5454, 911852.5687),
];

/// Degrees, minutes, seconds.
type Dms = [f64; 3];

/// (name, lat, lon, N m, E m) from Lantmäteriet.
const LANTMATERIET: &[(&str, Dms, Dms, f64, f64)] = &[
    (
        "A",
        [67.0, 5.0, 26.452769],
        [21.0, 2.0, 5.101575],
        7454204.638,
        761811.242,
    ),
    (
        "B",
        [63.0, 32.0, 14.761735],
        [16.0, 14.0, 59.594626],
        7046077.605,
        562140.337,
    ),
    (
        "C",
        [60.0, 9.0, 33.882413],
        [14.0, 45.0, 28.167152],
        6669189.376,
        486557.055,
    ),
    (
        "D",
        [56.0, 21.0, 17.199245],
        [13.0, 52.0, 23.754022],
        6246136.458,
        430374.835,
    ),
];

const TOLERANCE_M: f64 = 0.1;

fn dms(d: [f64; 3]) -> f64 {
    d[0] + d[1] / 60.0 + d[2] / 3600.0
}

fn check(name: &str, lat: f64, lon: f64, n: f64, e: f64) -> f64 {
    let g = wgs84_to_sweref99tm(Wgs84 { lat, lon });
    let forward = (g.n - n).hypot(g.e - e);
    assert!(
        forward < TOLERANCE_M,
        "{name}: forward off by {forward} m: {g:?}"
    );
    // Inverse: compare in metres by measuring the angular error on the ground.
    let w = sweref99tm_to_wgs84(Sweref99Tm { n, e });
    let dn = (w.lat - lat).to_radians() * 6_371_000.0;
    let de = (w.lon - lon).to_radians() * 6_371_000.0 * lat.to_radians().cos();
    let inverse = dn.hypot(de);
    assert!(
        inverse < TOLERANCE_M,
        "{name}: inverse off by {inverse} m: {w:?}"
    );
    forward.max(inverse)
}

#[test]
fn agrees_with_proj_across_sweden() {
    let worst = PROJ
        .iter()
        .map(|&(name, lat, lon, n, e)| check(name, lat, lon, n, e))
        .fold(0.0, f64::max);
    assert!(worst < 0.005, "worst {worst} m");
}

#[test]
fn agrees_with_lantmateriets_control_points() {
    let worst = LANTMATERIET
        .iter()
        .map(|&(name, lat, lon, n, e)| check(name, dms(lat), dms(lon), n, e))
        .fold(0.0, f64::max);
    assert!(worst < 0.005, "worst {worst} m");
}
