//! Sample report content shared by the tests: Uppsala-like districts in SWEREF 99 TM, charts
//! and a document that uses every block type.
#![allow(dead_code)]

use trygg_report::chart::{self, BarChart, BeforeAfterChart, HeatMap, LineChart, Series};
use trygg_report::map::{HotSpots, MapArea, MapPoint, MapPolygon, MapSpec, Raster};
use trygg_report::{
    Block, Column, Document, Image, Inline, KeyFigure, Meta, Table, fmt_int_sv, fmt_percent_sv,
    fmt_sv,
};

/// A small deterministic pseudo-random generator.
pub struct Lcg(u64);
impl Lcg {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.next().max(1e-12), self.next());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

pub const E0: f64 = 645_000.0;
pub const N0: f64 = 6_634_000.0;

fn rect(x: f64, y: f64, w: f64, h: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
}

pub fn weekly() -> LineChart {
    let weeks: Vec<u32> = (1..=52).collect();
    let season = |w: f64| {
        60.0 + 18.0 * ((w - 26.0) / 52.0 * 2.0 * std::f64::consts::PI).cos().abs()
            + 10.0 * (w / 7.0).sin()
    };
    let this: Vec<f64> = (1..=47).map(|w| (season(w as f64) * 0.9).round()).collect();
    let last: Vec<f64> = (1..=52).map(|w| season(w as f64 + 1.5).round()).collect();
    LineChart::weekly(
        trygg_report::Lang::Sv,
        "Anmälda händelser per vecka, Uppsala kommun",
        "Antal händelser",
        &weeks,
        Series::new("2024", this),
        Series::new("2023", last),
    )
}

pub fn bar() -> BarChart {
    BarChart {
        title: "Resurser per part 2020 (timmar)".into(),
        unit: "tim".into(),
        decimals: 0,
        bars: vec![
            (
                "Uppsala kommun, kultur- och fritidsförvaltningen".into(),
                1840.0,
            ),
            ("Polisen, lokalpolisområde Uppsala".into(), 1225.0),
            ("Uppsalahem".into(), 412.5),
            ("Räddningstjänsten Uppsala".into(), 96.0),
            ("Föreningar och trossamfund".into(), 2310.0),
        ],
        lang: trygg_report::Lang::Sv,
    }
}

pub fn before_after() -> BeforeAfterChart {
    let months_sv = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let months: Vec<String> = (0..24)
        .map(|i| format!("{} {}", months_sv[(i + 2) % 12], 2021 + (i + 2) / 12))
        .collect();
    let mut rng = Lcg::new(7);
    let treated: Vec<f64> = (0..24)
        .map(|i| (if i < 12 { 42.0 } else { 25.0 } + 4.0 * rng.normal()).round())
        .collect();
    let control: Vec<f64> = (0..24)
        .map(|_| (30.0 + 4.0 * rng.normal()).round())
        .collect();
    BeforeAfterChart {
        title: "Gottsunda centrum: händelser per månad före och efter insatsen".into(),
        y_label: "Händelser per månad".into(),
        months,
        treated: Series::new("Gottsunda centrum (insatsområde)", treated),
        control: Series::new("Jämförelseområde (Gränby)", control),
        start: 12,
        start_label: "Insatsen startar mars 2022".into(),
        lang: trygg_report::Lang::Sv,
    }
}

pub fn heat() -> HeatMap {
    let mut values = [[0.0; 24]; 7];
    for (d, row) in values.iter_mut().enumerate() {
        for (h, v) in row.iter_mut().enumerate() {
            let evening = (-((h as f64 - 22.0).rem_euclid(24.0) - 0.0).powi(2) / 18.0).exp();
            let night = (-((h as f64 + 24.0 - 1.0).rem_euclid(24.0)).powi(2) / 8.0).exp();
            let weekend = if d >= 4 { 2.2 } else { 1.0 };
            *v = (4.0
                + 30.0 * weekend * (evening + 0.7 * night)
                + 6.0 * ((h as f64 - 14.0) / 5.0).cos().max(0.0))
            .round();
        }
    }
    HeatMap {
        title: "Våld i offentlig miljö per timme och veckodag".into(),
        unit: "händelser".into(),
        values,
        show_values: true,
        decimals: 0,
        lang: trygg_report::Lang::Sv,
    }
}

pub fn charts() -> Vec<(&'static str, Image)> {
    vec![
        ("vecka", chart::line(&weekly()).unwrap()),
        ("staplar", chart::bars(&bar()).unwrap()),
        ("fore-efter", chart::before_after(&before_after()).unwrap()),
        ("varmekarta", chart::heat_map(&heat()).unwrap()),
    ]
}

pub fn districts() -> Vec<MapArea> {
    let names = [
        ("Centrum", 1500.0, 1500.0, 2000.0, 2000.0, 48.0),
        ("Gottsunda", 0.0, 0.0, 1500.0, 1500.0, 91.5),
        ("Valsätra", 1500.0, 0.0, 2000.0, 1500.0, 33.0),
        ("Gränby", 3500.0, 1500.0, 1800.0, 2000.0, 20.25),
        ("Sävja", 3500.0, 0.0, 1800.0, 1500.0, 12.0),
        ("Luthagen", 0.0, 1500.0, 1500.0, 2000.0, 57.0),
    ];
    names
        .iter()
        .map(|(n, x, y, w, h, v)| {
            let mut holes = Vec::new();
            if *n == "Centrum" {
                // Stadsträdgården as a hole.
                holes.push(rect(E0 + x + 700.0, N0 + y + 700.0, 600.0, 500.0));
            }
            MapArea {
                name: (*n).into(),
                polygons: vec![MapPolygon {
                    exterior: rect(E0 + x, N0 + y, *w, *h),
                    holes,
                }],
                value: Some(*v),
            }
        })
        .collect()
}

pub fn map_spec() -> MapSpec {
    let mut rng = Lcg::new(42);
    let centres = [
        (E0 + 800.0, N0 + 700.0),
        (E0 + 2600.0, N0 + 2700.0),
        (E0 + 4200.0, N0 + 2400.0),
    ];
    let mut points = Vec::new();
    for i in 0..400 {
        let (cx, cy) = centres[i % 3];
        points.push(MapPoint {
            x: cx + 260.0 * rng.normal(),
            y: cy + 260.0 * rng.normal(),
            class: (i / 3) % 3,
        });
    }
    let cell = 100.0;
    let (rows, cols) = (35, 53);
    let mut values = vec![0.0; rows * cols];
    for (i, v) in values.iter_mut().enumerate() {
        let (x, y) = (
            E0 + (i % cols) as f64 * cell + 50.0,
            N0 + (i / cols) as f64 * cell + 50.0,
        );
        *v = centres
            .iter()
            .enumerate()
            .map(|(k, (cx, cy))| {
                (3.0 - k as f64)
                    * (-((x - cx).powi(2) + (y - cy).powi(2)) / (2.0 * 350.0f64.powi(2))).exp()
            })
            .sum::<f64>()
            * 1e-5;
    }
    let (grows, gcols) = (7, 11);
    let mut class = vec![0i8; grows * gcols];
    class[0] = 3;
    class[1] = 2;
    class[gcols] = 1;
    class[3 * gcols + 9] = -1;
    class[4 * gcols + 10] = -2;
    class[gcols + 10] = -3;
    MapSpec {
        title: "Inbrott och skadegörelse 2024 – täthet och hot spots".into(),
        areas: districts(),
        area_labels: true,
        choropleth_label: "Händelser per 1 000 invånare".into(),
        choropleth_decimals: 0,
        kde: Some(Raster {
            x0: E0,
            y0: N0,
            cell,
            rows,
            cols,
            values,
            label: "Täthet (KDE, 350 m)".into(),
        }),
        hotspots: Some(HotSpots {
            x0: E0,
            y0: N0,
            cell: 500.0,
            rows: grows,
            cols: gcols,
            class,
        }),
        point_classes: vec![
            "Inbrott".into(),
            "Skadegörelse".into(),
            "Ordningsstörning".into(),
        ],
        points,
        ..MapSpec::default()
    }
}

/// The sample map on a small image with seven point classes: the legend must shrink to fit.
pub fn small_map_spec() -> MapSpec {
    let mut spec = map_spec();
    spec.width = 1000;
    spec.height = 760;
    spec.point_classes = (1..=7).map(|i| format!("Händelsetyp nummer {i}")).collect();
    for (i, p) in spec.points.iter_mut().enumerate() {
        p.class = i % 7;
    }
    spec
}

pub fn document() -> Document {
    let charts = charts();
    let figure = |i: usize, caption: &str| Block::figure(caption, charts[i].1.clone());
    let map = trygg_report::map::image(&map_spec()).unwrap();
    Document {
        title: "Sammanställning av åtagandeplanen 2020".into(),
        subtitle: Some(
            "Samverkansöverenskommelse Uppsala kommun – Polisen, lokalpolisområde Uppsala".into(),
        ),
        meta: Meta {
            organisation: "Uppsala kommun och Polisen".into(),
            period: "2020-01-01 – 2020-09-30".into(),
            generated_at: "2020-10-05 14:32".into(),
            lang: trygg_report::Lang::Sv,
        },
        blocks: vec![
            Block::heading(1, "Sammanfattning"),
            Block::KeyFigures(vec![
                KeyFigure::new(
                    "Anmälda händelser",
                    fmt_int_sv(12_345),
                    Some(&format!("{} mot 2019", fmt_percent_sv(-0.12, 0, true))),
                ),
                KeyFigure::new("Genomförda åtaganden", "14 av 17", None),
                KeyFigure::new("Insatta timmar", fmt_sv(5883.5, 1), Some("alla parter")),
            ]),
            Block::Paragraph(vec![
                Inline::Text("Styrgruppen får här en sammanställning av årets åtaganden. ".into()),
                Inline::Strong("Våldet i Gottsunda centrum minskade".into()),
                Inline::Text(" efter insatsen, medan Valsätra ökade något (".into()),
                Inline::Emphasis("förskjutning".into()),
                Inline::Text("). Läs mer i ".into()),
                Inline::Link {
                    text: "Brå:s handbok".into(),
                    url: "https://bra.se/".into(),
                },
                Inline::Text(".".into()),
            ]),
            Block::bullets([
                "Särskilt utsatta brottsoffer",
                "Trygg skolmiljö – droger och våldsprevention",
                "Övriga insatser för nya problem",
            ]),
            Block::heading(2, "Resurser per part"),
            Block::Table(Table {
                caption: "Resurser per part och åtagande".into(),
                columns: vec![
                    Column::text("Part"),
                    Column::text("Åtagande"),
                    Column::number("Timmar"),
                    Column::number("Kostnad (kr)"),
                ],
                rows: vec![
                    vec![
                        "Uppsala kommun".into(),
                        "Trygghetsvandringar".into(),
                        fmt_sv(1840.0, 0),
                        fmt_sv(412_500.0, 0),
                    ],
                    vec![
                        "Polisen".into(),
                        "Medborgarlöften | Gottsunda".into(),
                        fmt_sv(1225.0, 0),
                        fmt_sv(380_000.0, 0),
                    ],
                    vec![
                        "Uppsalahem".into(),
                        "Fysiska åtgärder <belysning>".into(),
                        fmt_sv(412.5, 1),
                        fmt_sv(1_250_000.0, 0),
                    ],
                ],
                total: Some(vec![
                    "Summa".into(),
                    String::new(),
                    fmt_sv(3477.5, 1),
                    fmt_sv(2_042_500.0, 0),
                ]),
            }),
            figure(1, "Resurser per part, timmar."),
            Block::PageBreak,
            Block::heading(1, "Lägesbild"),
            Block::heading(2, "Utvecklingen vecka för vecka"),
            figure(0, "Händelser per vecka 2024 jämfört med 2023."),
            Block::heading(3, "När händer det?"),
            figure(3, "Våld i offentlig miljö per timme och veckodag."),
            Block::PageBreak,
            Block::heading(2, "Var händer det?"),
            Block::figure("Täthet, hot spots och händelser per stadsdel.", map),
            Block::heading(1, "Uppföljning av insatsen i Gottsunda"),
            figure(2, "Före och efter insatsen i Gottsunda centrum."),
            Block::text(
                "Skript i text ska visas som text: <script>alert('x')</script> & så vidare.",
            ),
        ],
    }
}
