//! Maps as PNG without tiles (works offline): area polygons with holes and an optional
//! choropleth, points coloured by class, a translucent KDE raster, Gi* hot and cold cells, a
//! title, a legend, a scale bar and a north arrow.
//!
//! Coordinates are SWEREF 99 TM metres (EPSG:3006, x = east, y = north) as plain `(f64, f64)`.
//! The extent is fitted to the content with a margin and the aspect ratio is kept: one metre
//! is as long east–west as north–south. Grid north of SWEREF 99 TM is taken as north (the
//! meridian convergence is at most a few degrees in Sweden).

use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::style::{Color, RGBColor, ShapeStyle};

use crate::raster::{
    Canvas, HPos, INK, MUTED, PURPLES, TextStyle, Texts, VPos, YL_OR_RD, anchored, ellipsize, font,
    ramp, render_err, text_size,
};
use crate::{Image, Lang, ReportError, Result, fmt_num};

/// Image pixels per layout unit: 2 for the default 1 600 × 1 200 image, less for smaller
/// images, so that type, symbols and the legend keep their proportion to the map.
#[derive(Debug, Clone, Copy)]
struct U(f64);

impl U {
    fn for_size(w: u32, h: u32) -> Self {
        U((f64::from(w) / 800.0).min(f64::from(h) / 600.0).max(0.75))
    }

    fn px(self, v: f64) -> i32 {
        (v * self.0).round() as i32
    }
}

/// Everything a map shows.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSpec {
    /// The title above the map.
    pub title: String,
    /// A line under the title (what was chosen: the filter), empty for none.
    pub subtitle: String,
    /// A line under the map (source, date, method), empty for none.
    pub footer: String,
    /// Image width in pixels (at least 400; 1 600 suits a report page).
    pub width: u32,
    /// Image height in pixels (at least 300).
    pub height: u32,
    /// Areas (districts, DeSO), drawn first.
    pub areas: Vec<MapArea>,
    /// Write each area's name at its centre.
    pub area_labels: bool,
    /// The legend title of the choropleth ("Brott per 1 000 invånare"); the choropleth is drawn
    /// when at least one area has a value.
    pub choropleth_label: String,
    /// Decimals of the choropleth legend.
    pub choropleth_decimals: usize,
    /// A kernel density surface, drawn translucent over the areas.
    pub kde: Option<Raster>,
    /// Gi* hot and cold spots.
    pub hotspots: Option<HotSpots>,
    /// Point classes (legend order); their colours come from a colour-blind-safe palette.
    pub point_classes: Vec<String>,
    /// Points, drawn on top.
    pub points: Vec<MapPoint>,
    /// The choropleth shows a change around zero (per cent, difference): classes symmetric
    /// around 0 in a diverging blue (down) – red (up) palette, so a decrease does not look
    /// like an area without data.
    pub diverging: bool,
    /// The language of the legends, the numbers and the description.
    pub lang: Lang,
}

impl Default for MapSpec {
    fn default() -> Self {
        Self {
            title: String::new(),
            subtitle: String::new(),
            footer: String::new(),
            width: 1600,
            height: 1200,
            areas: Vec::new(),
            area_labels: false,
            choropleth_label: String::new(),
            choropleth_decimals: 0,
            kde: None,
            hotspots: None,
            point_classes: Vec::new(),
            points: Vec::new(),
            diverging: false,
            lang: Lang::Sv,
        }
    }
}

/// One polygon: an outer ring and its holes (closing the rings is optional).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapPolygon {
    /// The outer ring.
    pub exterior: Vec<(f64, f64)>,
    /// The holes.
    pub holes: Vec<Vec<(f64, f64)>>,
}

/// An area: one or more polygons, a name and an optional choropleth value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapArea {
    /// The name ("Gottsunda").
    pub name: String,
    /// Its polygons.
    pub polygons: Vec<MapPolygon>,
    /// The choropleth value; None draws the area without fill colour.
    pub value: Option<f64>,
}

/// A point of class `class` (an index into [`MapSpec::point_classes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapPoint {
    /// East, metres.
    pub x: f64,
    /// North, metres.
    pub y: f64,
    /// The class index.
    pub class: usize,
}

/// A grid of values (as `trygg_analysis::kde::KdeResult`): lower-left corner, square cells,
/// row-major values with row 0 the southernmost.
#[derive(Debug, Clone, PartialEq)]
pub struct Raster {
    /// x of the lower-left corner, metres.
    pub x0: f64,
    /// y of the lower-left corner, metres.
    pub y0: f64,
    /// Cell side, metres.
    pub cell: f64,
    /// Rows (along y).
    pub rows: usize,
    /// Columns (along x).
    pub cols: usize,
    /// `rows × cols` values.
    pub values: Vec<f64>,
    /// The legend text ("Täthet (KDE)").
    pub label: String,
}

/// Gi* classes on a grid (as `trygg_analysis::gistar::GiStarResult::class`): −3…3, where ±3,
/// ±2 and ±1 are 99, 95 and 90 % confidence hot (+) or cold (−) spots and 0 is not significant.
#[derive(Debug, Clone, PartialEq)]
pub struct HotSpots {
    /// x of the lower-left corner, metres.
    pub x0: f64,
    /// y of the lower-left corner, metres.
    pub y0: f64,
    /// Cell side, metres.
    pub cell: f64,
    /// Rows (along y).
    pub rows: usize,
    /// Columns (along x).
    pub cols: usize,
    /// `rows × cols` classes, row 0 the southernmost.
    pub class: Vec<i8>,
}

/// Okabe–Ito colours (distinguishable with colour blindness) for point classes.
pub const POINT_COLOURS: [(u8, u8, u8); 7] = [
    (0, 114, 178),
    (213, 94, 0),
    (0, 158, 115),
    (204, 121, 167),
    (230, 159, 0),
    (86, 180, 233),
    (0, 0, 0),
];

/// ArcGIS's hot spot colours, class −3…3, with the confidence in per cent (the legend writes
/// "Hot spot, 99 %", in English "Hot spot, 99%").
const GI_COLOURS: [(i8, (u8, u8, u8), u8); 6] = [
    (3, (178, 24, 43), 99),
    (2, (239, 138, 98), 95),
    (1, (253, 219, 199), 90),
    (-1, (209, 229, 240), 90),
    (-2, (103, 169, 207), 95),
    (-3, (33, 102, 172), 99),
];

/// The fill of an area without a value, and the background outside the areas.
pub const AREA_FILL: (u8, u8, u8) = (252, 252, 250);
/// The background outside the areas.
pub const BACKGROUND: (u8, u8, u8) = (233, 237, 241);

/// ColorBrewer RdBu (diverging, colour-blind safe), blue for decreases, red for increases.
const RD_BU: [(u8, u8, u8); 5] = [
    (33, 102, 172),
    (146, 197, 222),
    (232, 232, 232),
    (244, 165, 130),
    (178, 24, 43),
];

/// The colour of class `i` of [`CLASSES`] in the diverging choropleth.
fn diverging_colour(i: usize) -> (u8, u8, u8) {
    RD_BU[i.min(RD_BU.len() - 1)]
}

/// The colour the choropleth uses for an area in class `i` of `n` (for tests and legends).
pub fn choropleth_colour(i: usize, n: usize) -> (u8, u8, u8) {
    let c = ramp(
        &PURPLES,
        if n > 1 {
            i as f64 / (n - 1) as f64
        } else {
            1.0
        },
    );
    (c.0, c.1, c.2)
}

const CLASSES: usize = 5;
/// Width of the legend panel right of the map, layout units.
const LEGEND_W: f64 = 290.0;

/// Where the map sits on the image: metres → pixels.
#[derive(Debug, Clone, Copy)]
struct Transform {
    minx: f64,
    maxy: f64,
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Transform {
    fn pt(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            self.ox + (x - self.minx) * self.scale,
            self.oy + (self.maxy - y) * self.scale,
        )
    }
    fn inv(&self, (px, py): (f64, f64)) -> (f64, f64) {
        (
            self.minx + (px - self.ox) / self.scale,
            self.maxy - (py - self.oy) / self.scale,
        )
    }
    fn ipt(&self, p: (f64, f64)) -> (i32, i32) {
        let (x, y) = self.pt(p);
        (x.round() as i32, y.round() as i32)
    }
}

fn check(spec: &MapSpec) -> Result<()> {
    let bad = |hint: &str| ReportError::input(format!("map \"{}\"", spec.title), hint);
    if spec.width < 400 || spec.height < 300 {
        return Err(bad("make the image at least 400 × 300 pixels"));
    }
    if spec.width > 8000 || spec.height > 8000 {
        return Err(bad("make the image at most 8 000 pixels on each side"));
    }
    let coords_ok = spec
        .areas
        .iter()
        .flat_map(|a| &a.polygons)
        .flat_map(|p| p.exterior.iter().chain(p.holes.iter().flatten()))
        .chain(
            spec.points
                .iter()
                .map(|p| (p.x, p.y))
                .collect::<Vec<_>>()
                .iter(),
        )
        .all(|(x, y)| x.is_finite() && y.is_finite());
    if !coords_ok {
        return Err(bad(
            "every coordinate must be a finite number of metres (SWEREF 99 TM)",
        ));
    }
    if let Some(p) = spec
        .points
        .iter()
        .find(|p| p.class >= spec.point_classes.len())
    {
        return Err(bad(&format!(
            "a point has class {} but only {} point classes are named",
            p.class,
            spec.point_classes.len()
        )));
    }
    if let Some(r) = &spec.kde
        && (r.values.len() != r.rows * r.cols
            || !is_positive(r.cell)
            || !r.x0.is_finite()
            || !r.y0.is_finite())
    {
        {
            return Err(bad(
                "the KDE raster needs rows × cols values and a positive cell size",
            ));
        }
    }
    if let Some(g) = &spec.hotspots
        && (g.class.len() != g.rows * g.cols
            || !is_positive(g.cell)
            || !g.x0.is_finite()
            || !g.y0.is_finite())
    {
        {
            return Err(bad(
                "the hot spot grid needs rows × cols classes and a positive cell size",
            ));
        }
    }
    Ok(())
}

/// The bounding box of everything on the map.
fn extent(spec: &MapSpec) -> Option<(f64, f64, f64, f64)> {
    let mut b = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    let add = |b: &mut (f64, f64, f64, f64), x: f64, y: f64| {
        *b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
    };
    for p in spec.areas.iter().flat_map(|a| &a.polygons) {
        for &(x, y) in &p.exterior {
            add(&mut b, x, y);
        }
    }
    for p in &spec.points {
        add(&mut b, p.x, p.y);
    }
    if let Some(r) = &spec.kde {
        // Only the cells with density matter for the extent.
        let max = r
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        for (i, v) in r.values.iter().enumerate() {
            if max > 0.0 && *v > max * 0.05 {
                let (row, col) = (i / r.cols, i % r.cols);
                add(
                    &mut b,
                    r.x0 + col as f64 * r.cell,
                    r.y0 + row as f64 * r.cell,
                );
                add(
                    &mut b,
                    r.x0 + (col + 1) as f64 * r.cell,
                    r.y0 + (row + 1) as f64 * r.cell,
                );
            }
        }
    }
    if let Some(g) = &spec.hotspots {
        for (i, c) in g.class.iter().enumerate() {
            if *c != 0 {
                let (row, col) = (i / g.cols, i % g.cols);
                add(
                    &mut b,
                    g.x0 + col as f64 * g.cell,
                    g.y0 + row as f64 * g.cell,
                );
                add(
                    &mut b,
                    g.x0 + (col + 1) as f64 * g.cell,
                    g.y0 + (row + 1) as f64 * g.cell,
                );
            }
        }
    }
    if !b.0.is_finite() {
        // Nothing significant or dense: show the grids' whole extent (an empty result is
        // still a result).
        let grids = spec
            .kde
            .iter()
            .map(|r| (r.x0, r.y0, r.cell, r.rows, r.cols))
            .chain(
                spec.hotspots
                    .iter()
                    .map(|g| (g.x0, g.y0, g.cell, g.rows, g.cols)),
            );
        for (x0, y0, cell, rows, cols) in grids {
            add(&mut b, x0, y0);
            add(&mut b, x0 + cols as f64 * cell, y0 + rows as f64 * cell);
        }
    }
    b.0.is_finite().then_some(b)
}

/// Renders the map as PNG bytes of `spec.width × spec.height` pixels.
pub fn render(spec: &MapSpec) -> Result<Vec<u8>> {
    draw(spec)?.png_described(&describe(spec))
}

/// Renders the map as an [`Image`] with a generated alt text, for a [`crate::Figure`].
pub fn image(spec: &MapSpec) -> Result<Image> {
    let png = render(spec)?;
    let l = spec.lang;
    let mut parts = Vec::new();
    if !spec.areas.is_empty() {
        let n = spec.areas.len() as i64;
        parts.push(l.count(n, ("område", "områden"), ("area", "areas")));
    }
    if !spec.points.is_empty() {
        let n = spec.points.len() as i64;
        parts.push(l.count(n, ("punkt", "punkter"), ("point", "points")));
    }
    if spec.kde.is_some() {
        parts.push(l.t("täthetsyta (KDE)", "density surface (KDE)").into());
    }
    if let Some(g) = &spec.hotspots {
        let hot = g.class.iter().filter(|c| **c > 0).count();
        let cold = g.class.iter().filter(|c| **c < 0).count();
        parts.push(match l {
            Lang::Sv => format!("{hot} hot spot-celler och {cold} cold spot-celler (Gi*)"),
            Lang::En => format!("{hot} hot spot cells and {cold} cold spot cells (Gi*)"),
        });
    }
    let alt = format!(
        "{}: {}. {}.",
        l.t("Karta", "Map"),
        spec.title,
        parts.join(", ")
    );
    Image::from_png(png, alt)
}

struct Legend {
    lang: Lang,
    title: String,
    entries: Vec<(LegendKey, String)>,
    /// The choropleth's legend in the diverging palette.
    diverging: bool,
}

enum LegendKey {
    Swatch(RGBColor),
    Dot(RGBColor),
    Gradient,
}

/// The map's frame on the image: left, top, right, bottom in pixels.
type Frame = (i32, i32, i32, i32);

/// The map's frame on the image and the metres → pixels transform.
fn layout(spec: &MapSpec) -> Result<(Transform, Frame, Vec<Legend>, U)> {
    check(spec)?;
    let u = U::for_size(spec.width, spec.height);
    let (minx, miny, maxx, maxy) = extent(spec).ok_or_else(|| {
        ReportError::input(
            format!("map \"{}\"", spec.title),
            "there is nothing to draw: give areas, points, a KDE raster or hot spots",
        )
    })?;
    // At least 200 m across, so a single point still gives a sensible scale.
    let (cx, cy) = ((minx + maxx) / 2.0, (miny + maxy) / 2.0);
    let half_w = ((maxx - minx) / 2.0).max(100.0) * 1.06;
    let half_h = ((maxy - miny) / 2.0).max(100.0) * 1.06;

    let (w, h) = (spec.width, spec.height);
    let legend = legends(spec);
    let legend_w = if legend.is_empty() { 0 } else { u.px(LEGEND_W) };
    let title_h = if spec.title.is_empty() {
        u.px(16.0)
    } else {
        u.px(60.0)
    } + if spec.subtitle.is_empty() {
        0
    } else {
        u.px(30.0)
    };
    let footer_h = if spec.footer.is_empty() {
        0
    } else {
        u.px(34.0)
    };
    let region = (
        u.px(16.0),
        title_h,
        w as i32 - u.px(16.0) - legend_w,
        h as i32 - u.px(16.0) - footer_h,
    );
    let (rw, rh) = (
        f64::from(region.2 - region.0),
        f64::from(region.3 - region.1),
    );
    let scale = (rw / (2.0 * half_w)).min(rh / (2.0 * half_h));
    let t = Transform {
        minx: cx - half_w,
        maxy: cy + half_h,
        scale,
        ox: f64::from(region.0) + (rw - 2.0 * half_w * scale) / 2.0,
        oy: f64::from(region.1) + (rh - 2.0 * half_h * scale) / 2.0,
    };
    Ok((t, region, legend, u))
}

/// Where a SWEREF 99 TM position `(x, y)` lands on the rendered image, in pixels from the
/// top-left corner (for overlays on the PNG, and for tests). The same for every rendering of
/// `spec`.
pub fn project(spec: &MapSpec, (x, y): (f64, f64)) -> Result<(f64, f64)> {
    Ok(layout(spec)?.0.pt((x, y)))
}

/// Pixels per metre of the rendered map (the same along x and y).
pub fn pixels_per_metre(spec: &MapSpec) -> Result<f64> {
    Ok(layout(spec)?.0.scale)
}

fn draw(spec: &MapSpec) -> Result<Canvas> {
    let (t, region, legend, u) = layout(spec)?;
    let (w, h) = (spec.width, spec.height);
    let bg = RGBColor(BACKGROUND.0, BACKGROUND.1, BACKGROUND.2);
    let mut canvas = Canvas::new(w, h, RGBColor(255, 255, 255));
    canvas.fill_rect(
        f64::from(region.0),
        f64::from(region.1),
        f64::from(region.2),
        f64::from(region.3),
        bg,
        1.0,
    );

    // Areas, with the choropleth.
    let values: Vec<f64> = spec
        .areas
        .iter()
        .filter_map(|a| a.value)
        .filter(|v| v.is_finite())
        .collect();
    let (mut vmin, mut vmax) = (
        values.iter().copied().fold(f64::INFINITY, f64::min),
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    if spec.diverging && !values.is_empty() {
        let m = vmin.abs().max(vmax.abs());
        (vmin, vmax) = (-m, m);
    }
    let colour = |i: usize| {
        if spec.diverging {
            diverging_colour(i)
        } else {
            choropleth_colour(i, CLASSES)
        }
    };
    for area in &spec.areas {
        let fill = match area.value {
            Some(v) if v.is_finite() => {
                let (r, g, b) = colour(class_of(v, vmin, vmax, spec.choropleth_decimals));
                RGBColor(r, g, b)
            }
            _ => RGBColor(AREA_FILL.0, AREA_FILL.1, AREA_FILL.2),
        };
        for p in &area.polygons {
            let rings: Vec<Vec<(f64, f64)>> = std::iter::once(&p.exterior)
                .chain(&p.holes)
                .map(|r| r.iter().map(|q| t.pt(*q)).collect())
                .collect();
            canvas.fill_rings(&rings, fill, 1.0);
        }
    }

    // KDE: translucent heat colours, the lowest 5 % left out. Sampled per pixel, so that
    // cells smaller than a pixel are still drawn and large cells have crisp edges.
    if let Some(r) = &spec.kde {
        let max = r
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        if max > 0.0 {
            paint_grid(
                &mut canvas,
                &t,
                region,
                (r.x0, r.y0, r.cell, r.rows, r.cols),
                |i| {
                    let v = r.values[i] / max;
                    (v > 0.05).then(|| (ramp(&YL_OR_RD, v), 0.35 + 0.4 * v))
                },
            );
        }
    }
    if let Some(g) = &spec.hotspots {
        paint_grid(
            &mut canvas,
            &t,
            region,
            (g.x0, g.y0, g.cell, g.rows, g.cols),
            |i| {
                GI_COLOURS
                    .iter()
                    .find(|(k, _, _)| *k == g.class[i])
                    .map(|(_, (r, gg, b), _)| (RGBColor(*r, *gg, *b), 0.88))
            },
        );
    }

    canvas.draw(|root, texts| {
        // Area outlines.
        let outline = ShapeStyle::from(&RGBColor(85, 85, 85)).stroke_width(u.0 as u32);
        for p in spec.areas.iter().flat_map(|a| &a.polygons) {
            for ring in std::iter::once(&p.exterior).chain(&p.holes) {
                let mut pts: Vec<(i32, i32)> = ring.iter().map(|q| t.ipt(*q)).collect();
                if let (Some(f), Some(l)) = (pts.first().copied(), pts.last().copied())
                    && f != l
                {
                    pts.push(f);
                }
                root.draw(&PathElement::new(pts, outline))
                    .map_err(render_err)?;
            }
        }
        // Points.
        let r = if spec.points.len() > 3000 {
            u.px(2.0)
        } else {
            u.px(3.5)
        };
        for p in &spec.points {
            let (cr, cg, cb) = POINT_COLOURS[p.class % POINT_COLOURS.len()];
            let c = t.ipt((p.x, p.y));
            root.draw(&Circle::new(
                c,
                r + u.px(1.0),
                RGBColor(255, 255, 255).filled(),
            ))
            .map_err(render_err)?;
            root.draw(&Circle::new(c, r, RGBColor(cr, cg, cb).filled()))
                .map_err(render_err)?;
        }
        // Area names with a white halo.
        if spec.area_labels {
            let style = anchored(&font(16.0 * u.0, true, INK), HPos::Center, VPos::Center);
            let halo = anchored(
                &font(16.0 * u.0, true, RGBColor(255, 255, 255)),
                HPos::Center,
                VPos::Center,
            );
            // Labels are placed largest area first and left out where they would not fit in
            // their area's box or would overlap a label already placed.
            let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
            let mut order: Vec<(f64, &MapArea)> = spec
                .areas
                .iter()
                .map(|a| {
                    let (x0, y0, x1, y1) = bbox(a);
                    ((x1 - x0) * (y1 - y0), a)
                })
                .collect();
            order.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (_, area) in order {
                let (x0, y0, x1, y1) = bbox(area);
                let box_w = (x1 - x0) * t.scale;
                let box_h = (y1 - y0) * t.scale;
                let (tw, th) = text_size(&area.name, &style);
                if f64::from(tw) > box_w * 0.95 || f64::from(th) > box_h * 0.8 {
                    continue;
                }
                if let Some(c) = label_point(area) {
                    let c = t.ipt(c);
                    let (hw, hh) = (tw as i32 / 2 + 4, th as i32 / 2 + 2);
                    let r = (c.0 - hw, c.1 - hh, c.0 + hw, c.1 + hh);
                    if placed
                        .iter()
                        .any(|p| r.0 < p.2 && p.0 < r.2 && r.1 < p.3 && p.1 < r.3)
                    {
                        continue;
                    }
                    placed.push(r);
                    for (dx, dy) in [
                        (-2, 0),
                        (2, 0),
                        (0, -2),
                        (0, 2),
                        (-2, -2),
                        (2, 2),
                        (-2, 2),
                        (2, -2),
                    ] {
                        texts
                            .draw_text(&area.name, &halo, (c.0 + dx, c.1 + dy))
                            .map_err(render_err)?;
                    }
                    texts.draw_text(&area.name, &style, c).map_err(render_err)?;
                }
            }
        }
        // Frame, title.
        root.draw(&Rectangle::new(
            [(region.0, region.1), (region.2, region.3)],
            ShapeStyle::from(&MUTED).stroke_width(u.0 as u32),
        ))
        .map_err(render_err)?;
        if !spec.title.is_empty() {
            texts
                .draw_text(
                    &ellipsize(
                        &spec.title,
                        &font(25.0 * u.0, true, INK),
                        w - u.px(32.0) as u32,
                    ),
                    &font(25.0 * u.0, true, INK),
                    (u.px(16.0), u.px(16.0)),
                )
                .map_err(render_err)?;
        }
        if !spec.subtitle.is_empty() {
            let style = font(18.0 * u.0, false, MUTED);
            let y = if spec.title.is_empty() {
                u.px(12.0)
            } else {
                u.px(52.0)
            };
            texts
                .draw_text(
                    &ellipsize(&spec.subtitle, &style, w - u.px(32.0) as u32),
                    &style,
                    (u.px(16.0), y),
                )
                .map_err(render_err)?;
        }
        if !spec.footer.is_empty() {
            let style = font(15.0 * u.0, false, MUTED);
            texts
                .draw_text(
                    &ellipsize(&spec.footer, &style, w - u.px(32.0) as u32),
                    &style,
                    (u.px(16.0), region.3 + u.px(9.0)),
                )
                .map_err(render_err)?;
        }
        scale_bar(u, root, texts, &t, region, spec.lang)?;
        north_arrow(u, root, texts, region)?;
        // The largest legend type that fits next to the map.
        let (lx, ly) = (region.2 + u.px(16.0), region.1);
        let mut k = 1.0;
        while k > 0.4 {
            let end = draw_legends(
                u,
                root,
                texts,
                &legend,
                lx,
                ly,
                spec.choropleth_decimals,
                (vmin, vmax),
                k,
                false,
            )?;
            if end <= h as i32 - u.px(8.0) {
                break;
            }
            k -= 0.05;
        }
        draw_legends(
            u,
            root,
            texts,
            &legend,
            lx,
            ly,
            spec.choropleth_decimals,
            (vmin, vmax),
            k,
            true,
        )?;
        Ok(())
    })?;
    Ok(canvas)
}

/// Blends a grid over the map: `colour(i)` gives the colour and opacity of cell `i` (row-major,
/// row 0 southernmost) or None to leave it out. Each pixel centre inside the frame takes the
/// cell it falls in.
fn paint_grid(
    canvas: &mut Canvas,
    t: &Transform,
    region: Frame,
    (x0, y0, cell, rows, cols): (f64, f64, f64, usize, usize),
    colour: impl Fn(usize) -> Option<(RGBColor, f64)>,
) {
    let a = t.pt((x0, y0 + rows as f64 * cell));
    let b = t.pt((x0 + cols as f64 * cell, y0));
    let px0 = (a.0.floor() as i32).max(region.0);
    let px1 = (b.0.ceil() as i32).min(region.2);
    let py0 = (a.1.floor() as i32).max(region.1);
    let py1 = (b.1.ceil() as i32).min(region.3);
    for py in py0..py1 {
        for px in px0..px1 {
            let (x, y) = t.inv((f64::from(px) + 0.5, f64::from(py) + 0.5));
            let (cx, cy) = ((x - x0) / cell, (y - y0) / cell);
            if cx < 0.0 || cy < 0.0 || cx >= cols as f64 || cy >= rows as f64 {
                continue;
            }
            let i = cy as usize * cols + cx as usize;
            if let Some((c, alpha)) = colour(i) {
                canvas.blend(px, py, c, alpha);
            }
        }
    }
}

fn is_positive(v: f64) -> bool {
    v > 0.0
}

/// The choropleth's classes: [`CLASSES`] equal intervals over `[min, max]`, their bounds
/// rounded up to the legend's precision (`decimals`), so that every value shown is in exactly
/// one class: class i holds the values that round to `b_i ≤ v < b_(i+1)` (the last class up to
/// `max`), and its legend reads "b_i – b_(i+1) − one unit" ("54 – 71", "72 – 90"; never "54 – 72",
/// "72 – 90"). A class can be empty (two bounds equal when the range is small); its legend entry
/// is left out.
struct Classes {
    bounds: [f64; CLASSES],
    max: f64,
    decimals: usize,
}

impl Classes {
    fn new(min: f64, max: f64, decimals: usize) -> Self {
        let unit = 10f64.powi(decimals as i32);
        let up = |v: f64| (v * unit - 1e-9).ceil() / unit;
        let mut bounds = [round_to(min, decimals); CLASSES];
        for (i, b) in bounds.iter_mut().enumerate().skip(1) {
            *b = up(min + (max - min) * i as f64 / CLASSES as f64).max(round_to(min, decimals));
        }
        Self {
            bounds,
            max: round_to(max, decimals),
            decimals,
        }
    }

    /// The class of value `v`.
    fn of(&self, v: f64) -> usize {
        let v = round_to(v, self.decimals);
        self.bounds.iter().rposition(|b| v >= *b).unwrap_or(0)
    }

    /// The legend's text of class `i`, or `None` for an empty class.
    fn label(&self, i: usize, lang: Lang) -> Option<String> {
        let unit = 10f64.powi(-(self.decimals as i32));
        let lo = self.bounds[i];
        let hi = if i + 1 < CLASSES {
            (self.bounds[i + 1] - unit).min(self.max)
        } else {
            self.max
        };
        if hi < lo - unit / 2.0 {
            return None;
        }
        Some(if (hi - lo).abs() < unit / 2.0 {
            fmt_num(lang, lo, self.decimals)
        } else {
            format!(
                "{} – {}",
                fmt_num(lang, lo, self.decimals),
                fmt_num(lang, hi, self.decimals)
            )
        })
    }
}

fn round_to(v: f64, decimals: usize) -> f64 {
    let unit = 10f64.powi(decimals as i32);
    (v * unit).round() / unit
}

fn class_of(v: f64, min: f64, max: f64, decimals: usize) -> usize {
    if !is_positive(max - min) {
        return CLASSES - 1;
    }
    Classes::new(min, max, decimals).of(v)
}

/// The bounding box of an area's outer rings (min x, min y, max x, max y).
fn bbox(area: &MapArea) -> (f64, f64, f64, f64) {
    area.polygons.iter().flat_map(|p| &p.exterior).fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |b, (x, y)| (b.0.min(*x), b.1.min(*y), b.2.max(*x), b.3.max(*y)),
    )
}

/// Where to write an area's name: the centroid of its largest polygon.
fn label_point(area: &MapArea) -> Option<(f64, f64)> {
    area.polygons
        .iter()
        .filter_map(|p| {
            let r = &p.exterior;
            let n = r.len();
            if n < 3 {
                return None;
            }
            let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
            for i in 0..n {
                let (p0, p1) = (r[i], r[(i + 1) % n]);
                let cross = p0.0 * p1.1 - p1.0 * p0.1;
                a += cross;
                cx += (p0.0 + p1.0) * cross;
                cy += (p0.1 + p1.1) * cross;
            }
            (a.abs() > 0.0).then(|| (a.abs(), (cx / (3.0 * a), cy / (3.0 * a))))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn legends(spec: &MapSpec) -> Vec<Legend> {
    let mut out = Vec::new();
    if spec
        .areas
        .iter()
        .any(|a| a.value.is_some_and(f64::is_finite))
    {
        out.push(Legend {
            title: if spec.choropleth_label.is_empty() {
                spec.lang.t("Värde per område", "Value per area").into()
            } else {
                spec.choropleth_label.clone()
            },
            entries: Vec::new(), // filled in draw_legends (needs the range)
            diverging: spec.diverging,
            lang: spec.lang,
        });
    }
    if let Some(r) = &spec.kde {
        out.push(Legend {
            title: if r.label.is_empty() {
                spec.lang.t("Täthet (KDE)", "Density (KDE)").into()
            } else {
                r.label.clone()
            },
            entries: vec![(LegendKey::Gradient, String::new())],
            diverging: false,
            lang: spec.lang,
        });
    }
    if let Some(g) = &spec.hotspots {
        let entries: Vec<(LegendKey, String)> = GI_COLOURS
            .iter()
            .filter(|(k, _, _)| g.class.contains(k))
            .map(|(class, (r, gg, b), confidence)| {
                let kind = if *class > 0 { "Hot spot" } else { "Cold spot" };
                let l = format!("{kind}, {confidence}{}", spec.lang.t(" %", "%"));
                (LegendKey::Swatch(RGBColor(*r, *gg, *b)), l)
            })
            .collect();
        if !entries.is_empty() {
            out.push(Legend {
                title: "Hot spots (Gi*)".into(),
                entries,
                diverging: false,
                lang: spec.lang,
            });
        }
    }
    if !spec.points.is_empty() {
        let entries = spec
            .point_classes
            .iter()
            .enumerate()
            .filter(|(i, _)| spec.points.iter().any(|p| p.class == *i))
            .map(|(i, l)| {
                let (r, g, b) = POINT_COLOURS[i % POINT_COLOURS.len()];
                (LegendKey::Dot(RGBColor(r, g, b)), l.clone())
            })
            .collect();
        out.push(Legend {
            title: spec.lang.t("Händelser", "Incidents").into(),
            entries,
            diverging: false,
            lang: spec.lang,
        });
    }
    out
}

/// The choropleth's legend entries, highest class first.
fn choropleth_entries(
    diverging: bool,
    (vmin, vmax): (f64, f64),
    decimals: usize,
    lang: Lang,
) -> Vec<(LegendKey, String)> {
    let colour = |i: usize| {
        let (r, g, b) = if diverging {
            diverging_colour(i)
        } else {
            choropleth_colour(i, CLASSES)
        };
        RGBColor(r, g, b)
    };
    if !is_positive(vmax - vmin) {
        return vec![(
            LegendKey::Swatch(colour(CLASSES - 1)),
            fmt_num(lang, vmin, decimals),
        )];
    }
    let classes = Classes::new(vmin, vmax, decimals);
    (0..CLASSES)
        .rev()
        .filter_map(|i| {
            classes
                .label(i, lang)
                .map(|l| (LegendKey::Swatch(colour(i)), l))
        })
        .collect()
}

/// The choropleth's value range as drawn: the areas' values, symmetric around 0 when diverging.
fn value_range(spec: &MapSpec) -> Option<(f64, f64)> {
    let values: Vec<f64> = spec
        .areas
        .iter()
        .filter_map(|a| a.value)
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return None;
    }
    let (mut vmin, mut vmax) = (
        values.iter().copied().fold(f64::INFINITY, f64::min),
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    if spec.diverging {
        let m = vmin.abs().max(vmax.abs());
        (vmin, vmax) = (-m, m);
    }
    Some((vmin, vmax))
}

/// What the map shows in words: its title, subtitle, every legend with its entries, and its
/// footer — the text [`render`] puts in the PNG's `Description`.
pub fn describe(spec: &MapSpec) -> String {
    let mut parts: Vec<String> = vec![spec.title.clone()];
    if !spec.subtitle.is_empty() {
        parts.push(spec.subtitle.clone());
    }
    for legend in legends(spec) {
        let entries: Vec<String> = if legend.entries.is_empty() {
            value_range(spec)
                .map(|r| {
                    choropleth_entries(legend.diverging, r, spec.choropleth_decimals, spec.lang)
                })
                .unwrap_or_default()
                .into_iter()
                .map(|(_, l)| l)
                .collect()
        } else {
            legend
                .entries
                .iter()
                .map(|(_, l)| l.clone())
                .filter(|l| !l.is_empty())
                .collect()
        };
        parts.push(if entries.is_empty() {
            legend.title
        } else {
            format!("{}: {}", legend.title, entries.join("; "))
        });
    }
    if !spec.footer.is_empty() {
        parts.push(spec.footer.clone());
    }
    parts.join(". ")
}

#[allow(clippy::too_many_arguments)]
fn draw_legends(
    u: U,
    root: &plotters::drawing::DrawingArea<
        plotters::backend::BitMapBackend<'_>,
        plotters::coord::Shift,
    >,
    texts: &mut Texts,
    legends: &[Legend],
    x: i32,
    mut y: i32,
    decimals: usize,
    (vmin, vmax): (f64, f64),
    k: f64,
    draw: bool,
) -> Result<i32> {
    // Layout units scaled by k, so that a long legend can shrink to fit the image.
    let q = |v: f64| u.px(v * k);
    let head = font(18.0 * u.0 * k, true, INK);
    let text = anchored(&font(17.0 * u.0 * k, false, INK), HPos::Left, VPos::Center);
    let row = q(27.0);
    let sw = q(24.0);
    let max_w = u.px(LEGEND_W - 24.0) as u32;
    for legend in legends {
        for line in wrap(&legend.title, &head, max_w) {
            if draw {
                texts.draw_text(&line, &head, (x, y))?;
            }
            y += q(23.0);
        }
        y += q(2.0);
        let mut entries: Vec<(LegendKey, String)> = Vec::new();
        let is_choropleth = legend.entries.is_empty();
        if is_choropleth {
            entries = choropleth_entries(legend.diverging, (vmin, vmax), decimals, legend.lang);
        }
        for (key, label) in legend
            .entries
            .iter()
            .map(|(k, l)| (k, l.clone()))
            .chain(entries.iter().map(|(k, l)| (k, l.clone())))
        {
            let yc = y + row / 2;
            if let LegendKey::Gradient = key {
                y += q(18.0);
            }
            if !draw {
                y += row;
                continue;
            }
            match key {
                LegendKey::Swatch(c) => {
                    root.draw(&Rectangle::new(
                        [(x, yc - q(8.0)), (x + sw, yc + q(8.0))],
                        c.filled(),
                    ))
                    .map_err(render_err)?;
                    root.draw(&Rectangle::new(
                        [(x, yc - q(8.0)), (x + sw, yc + q(8.0))],
                        ShapeStyle::from(&MUTED).stroke_width(1),
                    ))
                    .map_err(render_err)?;
                }
                LegendKey::Dot(c) => {
                    root.draw(&Circle::new((x + sw / 2, yc), q(5.0), c.filled()))
                        .map_err(render_err)?;
                }
                LegendKey::Gradient => {
                    let gw = q(150.0);
                    for i in 0..gw {
                        let u = 0.05 + 0.95 * f64::from(i) / f64::from(gw - 1);
                        let c = ramp(&YL_OR_RD, u);
                        root.draw(&Rectangle::new(
                            [(x + i, yc - q(8.0)), (x + i + 1, yc + q(8.0))],
                            c.filled(),
                        ))
                        .map_err(render_err)?;
                    }
                    let small =
                        anchored(&font(16.0 * u.0 * k, false, MUTED), HPos::Left, VPos::Top);
                    texts
                        .draw_text(legend.lang.t("låg", "low"), &small, (x, yc + q(10.0)))
                        .map_err(render_err)?;
                    let right =
                        anchored(&font(16.0 * u.0 * k, false, MUTED), HPos::Right, VPos::Top);
                    texts
                        .draw_text(legend.lang.t("hög", "high"), &right, (x + gw, yc + q(10.0)))
                        .map_err(render_err)?;
                }
            }
            if !label.is_empty() {
                texts
                    .draw_text(&label, &text, (x + sw + q(8.0), yc))
                    .map_err(render_err)?;
            }
            y += row;
        }
        y += q(14.0);
    }
    Ok(y)
}

/// Greedy word wrap to `max` pixels.
fn wrap(text: &str, style: &TextStyle, max: u32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && text_size(&candidate, style).0 > max {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A scale bar of a round length about a fifth of the map's width, bottom left.
fn scale_bar(
    u: U,
    root: &plotters::drawing::DrawingArea<
        plotters::backend::BitMapBackend<'_>,
        plotters::coord::Shift,
    >,
    texts: &mut Texts,
    t: &Transform,
    region: Frame,
    lang: Lang,
) -> Result<()> {
    let target_m = f64::from(region.2 - region.0) * 0.2 / t.scale;
    let mag = 10f64.powf(target_m.log10().floor());
    let len_m = [5.0, 2.0, 1.0]
        .iter()
        .map(|m| m * mag)
        .find(|l| *l <= target_m)
        .unwrap_or(mag);
    let len_px = (len_m * t.scale).round() as i32;
    let x0 = region.0 + u.px(16.0);
    let y0 = region.3 - u.px(22.0);
    // A white backing so the bar reads over any fill.
    let label = |m: f64| {
        if len_m >= 1000.0 {
            format!(
                "{}\u{a0}km",
                fmt_num(lang, m / 1000.0, if len_m % 1000.0 == 0.0 { 0 } else { 1 })
            )
        } else {
            format!("{}\u{a0}m", fmt_num(lang, m, 0))
        }
    };
    let style = anchored(&font(16.0 * u.0, false, INK), HPos::Center, VPos::Bottom);
    let end = label(len_m);
    let end_w = text_size(&end, &style).0 as i32;
    root.draw(&Rectangle::new(
        [
            (x0 - u.px(8.0), y0 - u.px(26.0)),
            (x0 + len_px + end_w / 2 + u.px(8.0), y0 + u.px(12.0)),
        ],
        RGBColor(255, 255, 255).mix(0.85).filled(),
    ))
    .map_err(render_err)?;
    let half = len_px / 2;
    root.draw(&Rectangle::new(
        [(x0, y0), (x0 + half, y0 + u.px(6.0))],
        INK.filled(),
    ))
    .map_err(render_err)?;
    root.draw(&Rectangle::new(
        [(x0 + half, y0), (x0 + len_px, y0 + u.px(6.0))],
        RGBColor(255, 255, 255).filled(),
    ))
    .map_err(render_err)?;
    root.draw(&Rectangle::new(
        [(x0, y0), (x0 + len_px, y0 + u.px(6.0))],
        ShapeStyle::from(&INK).stroke_width(u.0 as u32),
    ))
    .map_err(render_err)?;
    texts
        .draw_text("0", &style, (x0, y0 - u.px(3.0)))
        .map_err(render_err)?;
    texts
        .draw_text(&end, &style, (x0 + len_px, y0 - u.px(3.0)))
        .map_err(render_err)?;
    Ok(())
}

/// A north arrow at the top right of the map.
fn north_arrow(
    u: U,
    root: &plotters::drawing::DrawingArea<
        plotters::backend::BitMapBackend<'_>,
        plotters::coord::Shift,
    >,
    texts: &mut Texts,
    region: Frame,
) -> Result<()> {
    let cx = region.2 - u.px(30.0);
    let top = region.1 + u.px(34.0);
    let h = u.px(34.0);
    let w = u.px(12.0);
    root.draw(&Circle::new(
        (cx, top + h / 2 - u.px(6.0)),
        u.px(26.0),
        RGBColor(255, 255, 255).mix(0.85).filled(),
    ))
    .map_err(render_err)?;
    root.draw(&Polygon::new(
        vec![(cx, top), (cx - w, top + h), (cx, top + h - u.px(9.0))],
        INK.filled(),
    ))
    .map_err(render_err)?;
    root.draw(&Polygon::new(
        vec![(cx, top), (cx + w, top + h), (cx, top + h - u.px(9.0))],
        RGBColor(255, 255, 255).filled(),
    ))
    .map_err(render_err)?;
    root.draw(&PathElement::new(
        vec![
            (cx, top),
            (cx + w, top + h),
            (cx, top + h - u.px(9.0)),
            (cx - w, top + h),
            (cx, top),
        ],
        ShapeStyle::from(&INK).stroke_width(u.0 as u32),
    ))
    .map_err(render_err)?;
    let style = anchored(&font(18.0 * u.0, true, INK), HPos::Center, VPos::Bottom);
    texts
        .draw_text("N", &style, (cx, top - u.px(2.0)))
        .map_err(render_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a legend label back into its shown range.
    fn range(label: &str) -> (f64, f64) {
        let num = |t: &str| t.trim().replace(',', ".").parse::<f64>().unwrap();
        match label.split_once(" – ") {
            Some((a, b)) => (num(a), num(b)),
            None => (num(label), num(label)),
        }
    }

    #[test]
    fn choropleth_classes_never_overlap_and_every_value_is_in_its_labelled_class() {
        for (min, max, decimals) in [
            (1.0, 90.0, 0),
            (0.0, 52.0, 0),
            (3.0, 7.0, 0),
            (0.12, 4.87, 1),
            (-12.5, 12.5, 1),
            (40.0, 41.0, 0),
        ] {
            let c = Classes::new(min, max, decimals);
            let labels: Vec<Option<String>> = (0..CLASSES).map(|i| c.label(i, Lang::Sv)).collect();
            let ranges: Vec<Option<(f64, f64)>> =
                labels.iter().map(|l| l.as_deref().map(range)).collect();
            let shown: Vec<(f64, f64)> = ranges.iter().flatten().copied().collect();
            for w in shown.windows(2) {
                assert!(w[0].1 < w[1].0, "{min}–{max}: classes overlap: {labels:?}");
            }
            assert_eq!(shown[0].0, round_to(min, decimals), "{labels:?}");
            assert_eq!(
                shown.last().unwrap().1,
                round_to(max, decimals),
                "{labels:?}"
            );
            let step = 10f64.powi(-(decimals as i32));
            let mut v = round_to(min, decimals);
            while v <= max + 1e-9 {
                let i = c.of(v);
                let (lo, hi) = ranges[i].unwrap_or_else(|| panic!("{v} in an empty class"));
                assert!(
                    lo - 1e-9 <= v && v <= hi + 1e-9,
                    "{v} in class {i} labelled {labels:?}"
                );
                v = round_to(v + step, decimals);
            }
        }
        // The example: no "54 – 72", "72 – 90".
        let c = Classes::new(0.0, 90.0, 0);
        let labels: Vec<String> = (0..CLASSES).filter_map(|i| c.label(i, Lang::Sv)).collect();
        assert_eq!(
            labels,
            ["0 – 17", "18 – 35", "36 – 53", "54 – 71", "72 – 90"]
        );
    }

    #[test]
    fn the_png_describes_its_title_legend_and_footer() {
        let spec = MapSpec {
            title: "Lägesbild 1–7 december 2026".into(),
            subtitle: "Inbrott".into(),
            footer: "Källa: trygg".into(),
            areas: vec![MapArea {
                name: "A".into(),
                polygons: vec![MapPolygon {
                    exterior: square(0.0, 0.0, 1000.0),
                    holes: vec![],
                }],
                value: Some(3.0),
            }],
            point_classes: vec!["Inbrott".into()],
            points: vec![MapPoint {
                x: 500.0,
                y: 500.0,
                class: 0,
            }],
            ..Default::default()
        };
        let text = describe(&spec);
        assert!(
            text.starts_with("Lägesbild 1–7 december 2026. Inbrott.")
                && text.contains("Händelser: Inbrott")
                && text.ends_with("Källa: trygg"),
            "{text}"
        );
        let png = render(&spec).unwrap();
        let at = png
            .windows(b"iTXtDescription".len())
            .position(|w| w == b"iTXtDescription")
            .expect("a Description chunk");
        assert!(at > 8);
    }

    fn square(x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
        vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s)]
    }

    #[test]
    fn extent_keeps_metres_square() {
        // A 4 km × 1 km area on a square image: 1 m must be as many pixels in x as in y.
        let spec = MapSpec {
            width: 800,
            height: 800,
            areas: vec![MapArea {
                name: "Lång".into(),
                polygons: vec![MapPolygon {
                    exterior: square(650_000.0, 6_630_000.0, 1000.0)
                        .iter()
                        .map(|(x, y)| (650_000.0 + (x - 650_000.0) * 4.0, *y))
                        .collect(),
                    holes: vec![],
                }],
                value: None,
            }],
            ..MapSpec::default()
        };
        let c = draw(&spec).unwrap();
        // Scan the middle row and the middle column for the area fill.
        let fill = [AREA_FILL.0, AREA_FILL.1, AREA_FILL.2];
        let wide = (0..800).filter(|x| c.pixel(*x, 400) == fill).count() as f64;
        let tall = (0..800).filter(|y| c.pixel(400, *y) == fill).count() as f64;
        let ratio = wide / tall;
        assert!(
            (ratio - 4.0).abs() < 0.15,
            "x/y pixel ratio {ratio} should be 4"
        );
    }

    #[test]
    fn a_diverging_choropleth_shows_decreases_in_blue_and_increases_in_red() {
        let area = |x: f64, v: f64| MapArea {
            name: String::new(),
            polygons: vec![MapPolygon {
                exterior: square(x, 6_630_000.0, 1000.0),
                holes: vec![],
            }],
            value: Some(v),
        };
        let spec = MapSpec {
            width: 800,
            height: 600,
            areas: vec![area(650_000.0, -40.0), area(651_000.0, 10.0)],
            diverging: true,
            ..MapSpec::default()
        };
        let c = draw(&spec).unwrap();
        let colours: Vec<[u8; 3]> = (0..800).map(|x| c.pixel(x, 300)).collect();
        let has = |rgb: (u8, u8, u8)| colours.contains(&[rgb.0, rgb.1, rgb.2]);
        // −40 % is the strongest decrease (symmetric range ±40): the darkest blue;
        // +10 % lies in the class just above zero: light red. No purple anywhere.
        assert!(has(RD_BU[0]), "dark blue for −40 %");
        assert!(has(RD_BU[3]), "light red for +10 %");
        assert!(!has(choropleth_colour(0, CLASSES)) && !has(choropleth_colour(4, CLASSES)));
    }
}
