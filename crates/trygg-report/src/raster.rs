//! Shared raster plumbing for charts and maps: an RGB canvas with alpha-blended fills
//! (even-odd polygons with holes), lines and shapes through plotters' bitmap backend, text set
//! with the embedded font through `ab_glyph` (kerning, side bearings, rotation for y axis
//! titles), colour scales, and PNG encoding.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::backend::BitMapBackend;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::{ReportError, Result};

/// Source Sans 3 (Adobe, SIL Open Font License 1.1; `assets/fonts/OFL-SourceSans3.md`), from the
/// npm package `source-sans` 3.52.0, `TTF/`. It has every Swedish glyph, the minus sign and
/// U+00A0.
static REGULAR: &[u8] = include_bytes!("../assets/fonts/SourceSans3-Regular.ttf");
static SEMIBOLD: &[u8] = include_bytes!("../assets/fonts/SourceSans3-Semibold.ttf");

fn face(bold: bool) -> &'static FontRef<'static> {
    static FACES: OnceLock<[FontRef<'static>; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        // Both files are valid TrueType fonts (tested below).
        [
            FontRef::try_from_slice(REGULAR).expect("embedded regular font"),
            FontRef::try_from_slice(SEMIBOLD).expect("embedded semibold font"),
        ]
    });
    &faces[usize::from(bold)]
}

/// Which horizontal point of a text's box its position names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HPos {
    Left,
    Center,
    Right,
}

/// Which vertical point of a text's box (line height) its position names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VPos {
    Top,
    Center,
    Bottom,
}

/// How a text is drawn: size in image pixels (the line height), weight, colour, which point
/// of its box the position names, and whether it reads bottom to top (a y axis title).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextStyle {
    size: f64,
    bold: bool,
    color: RGBColor,
    h: HPos,
    v: VPos,
    rotate: bool,
}

/// A text style: `size` in pixels of the final image, anchored at its top left.
pub(crate) fn font(size: f64, bold: bool, color: RGBColor) -> TextStyle {
    TextStyle {
        size,
        bold,
        color,
        h: HPos::Left,
        v: VPos::Top,
        rotate: false,
    }
}

pub(crate) fn anchored(style: &TextStyle, h: HPos, v: VPos) -> TextStyle {
    TextStyle { h, v, ..*style }
}

pub(crate) fn rotated(style: &TextStyle) -> TextStyle {
    TextStyle {
        rotate: true,
        ..*style
    }
}

/// Glyphs with their pen positions (x, baseline), and the line's width and height.
fn layout(text: &str, style: &TextStyle) -> (Vec<ab_glyph::Glyph>, f32, f32, f32) {
    let font = face(style.bold);
    let scale = PxScale::from(style.size as f32);
    let scaled = font.as_scaled(scale);
    let ascent = scaled.ascent();
    let mut pen = 0.0f32;
    let mut prev = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(pen, ascent)));
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
    (glyphs, pen, ascent - scaled.descent(), ascent)
}

/// The width and height in pixels of `text` in `style` (unrotated).
pub(crate) fn text_size(text: &str, style: &TextStyle) -> (u32, u32) {
    let (_, w, h, _) = layout(text, style);
    (w.ceil() as u32, h.ceil() as u32)
}

/// `text`, shortened with an ellipsis to at most `max` pixels wide.
pub(crate) fn ellipsize(text: &str, style: &TextStyle, max: u32) -> String {
    if text_size(text, style).0 <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if text_size(&candidate, style).0 <= max {
            return candidate;
        }
    }
    "…".into()
}

/// Texts collected while plotters holds the image, drawn on top afterwards with correct glyph
/// positions and kerning (plotters' own ab_glyph text drops the glyphs' side bearings).
#[derive(Default)]
pub(crate) struct Texts(Vec<(String, TextStyle, (i32, i32))>);

impl Texts {
    pub fn draw_text(&mut self, text: &str, style: &TextStyle, pos: (i32, i32)) -> Result<()> {
        self.0.push((text.to_string(), *style, pos));
        Ok(())
    }
}

pub(crate) fn render_err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Render(format!("{e:?}"))
}

/// An RGB image being drawn.
pub(crate) struct Canvas {
    pub w: u32,
    pub h: u32,
    pub rgb: Vec<u8>,
}

impl Canvas {
    pub fn new(w: u32, h: u32, background: RGBColor) -> Self {
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for _ in 0..(w * h) {
            rgb.extend_from_slice(&[background.0, background.1, background.2]);
        }
        Self { w, h, rgb }
    }

    /// Draws with plotters on the canvas (the closure gets the whole image as drawing area),
    /// then the texts the closure collected, on top.
    pub fn draw(
        &mut self,
        f: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>, &mut Texts) -> Result<()>,
    ) -> Result<()> {
        let mut texts = Texts::default();
        {
            let root =
                BitMapBackend::with_buffer(&mut self.rgb, (self.w, self.h)).into_drawing_area();
            f(&root, &mut texts)?;
            root.present().map_err(render_err)?;
        }
        for (text, style, pos) in texts.0 {
            self.text(&text, &style, pos);
        }
        Ok(())
    }

    /// Draws one line of text, anti-aliased, anchored at `pos` as the style says.
    pub fn text(&mut self, text: &str, style: &TextStyle, (x, y): (i32, i32)) {
        let (glyphs, w, h, _) = layout(text, style);
        let dx = match style.h {
            HPos::Left => 0.0,
            HPos::Center => -w / 2.0,
            HPos::Right => -w,
        };
        let dy = match style.v {
            VPos::Top => 0.0,
            VPos::Center => -h / 2.0,
            VPos::Bottom => -h,
        };
        let font = face(style.bold);
        for g in glyphs {
            let Some(outline) = font.outline_glyph(g) else {
                continue;
            };
            let b = outline.px_bounds();
            outline.draw(|gx, gy, c| {
                // Local position relative to the anchor.
                let lx = (b.min.x + gx as f32 + dx).round() as i32;
                let ly = (b.min.y + gy as f32 + dy).round() as i32;
                let (px, py) = if style.rotate {
                    (x + ly, y - lx)
                } else {
                    (x + lx, y + ly)
                };
                self.blend(px, py, style.color, f64::from(c));
            });
        }
    }

    /// Blends `color` with opacity `alpha` over pixel (x, y).
    pub fn blend(&mut self, x: i32, y: i32, color: RGBColor, alpha: f64) {
        if x < 0 || y < 0 || x >= self.w as i32 || y >= self.h as i32 {
            return;
        }
        let i = ((y as u32 * self.w + x as u32) * 3) as usize;
        let a = alpha.clamp(0.0, 1.0);
        for (k, c) in [color.0, color.1, color.2].into_iter().enumerate() {
            let old = f64::from(self.rgb[i + k]);
            self.rgb[i + k] = (old + (f64::from(c) - old) * a).round() as u8;
        }
    }

    /// Fills the pixel rectangle [x0, x1) × [y0, y1).
    pub fn fill_rect(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: RGBColor, alpha: f64) {
        let (xa, xb) = (x0.min(x1).round() as i32, x0.max(x1).round() as i32);
        let (ya, yb) = (y0.min(y1).round() as i32, y0.max(y1).round() as i32);
        for y in ya.max(0)..yb.min(self.h as i32) {
            for x in xa.max(0)..xb.min(self.w as i32) {
                self.blend(x, y, color, alpha);
            }
        }
    }

    /// Fills a polygon given as rings in pixel coordinates with the even-odd rule, so holes
    /// (inner rings) stay empty. Pixel centres decide coverage.
    pub fn fill_rings(&mut self, rings: &[Vec<(f64, f64)>], color: RGBColor, alpha: f64) {
        let ymin = rings
            .iter()
            .flatten()
            .map(|p| p.1)
            .fold(f64::INFINITY, f64::min);
        let ymax = rings
            .iter()
            .flatten()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max);
        if !ymin.is_finite() || !ymax.is_finite() {
            return;
        }
        let mut xs: Vec<f64> = Vec::new();
        let y_start = (ymin.floor() as i32).max(0);
        let y_end = (ymax.ceil() as i32).min(self.h as i32 - 1);
        for y in y_start..=y_end {
            let yc = f64::from(y) + 0.5;
            xs.clear();
            for ring in rings {
                let n = ring.len();
                if n < 3 {
                    continue;
                }
                for i in 0..n {
                    let (a, b) = (ring[i], ring[(i + 1) % n]);
                    if (a.1 <= yc) != (b.1 <= yc) {
                        xs.push(a.0 + (yc - a.1) / (b.1 - a.1) * (b.0 - a.0));
                    }
                }
            }
            xs.sort_by(f64::total_cmp);
            for pair in xs.chunks_exact(2) {
                let xa = ((pair[0] - 0.5).ceil() as i32).max(0);
                let xb = ((pair[1] - 0.5).floor() as i32).min(self.w as i32 - 1);
                for x in xa..=xb {
                    self.blend(x, y, color, alpha);
                }
            }
        }
    }

    #[cfg(test)]
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.w + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    pub fn png(&self) -> Result<Vec<u8>> {
        encode_png(&self.rgb, self.w, self.h, None)
    }

    /// As [`png`](Self::png), with `description` in the PNG's `Description` text chunk (iTXt,
    /// UTF-8): what the image shows, for screen readers, search and tests.
    pub fn png_described(&self, description: &str) -> Result<Vec<u8>> {
        encode_png(&self.rgb, self.w, self.h, Some(description))
    }
}

/// Encodes 8-bit RGB as PNG.
pub(crate) fn encode_png(rgb: &[u8], w: u32, h: u32, description: Option<&str>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        // Charts and maps are drawn for about 192 dpi (2 image pixels per CSS pixel).
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 7559,
            yppu: 7559,
            unit: png::Unit::Meter,
        }));
        if let Some(text) = description {
            enc.add_itxt_chunk("Description".into(), text.into())
                .map_err(render_err)?;
        }
        let mut writer = enc.write_header().map_err(render_err)?;
        writer.write_image_data(rgb).map_err(render_err)?;
        writer.finish().map_err(render_err)?;
    }
    Ok(out)
}

/// Linear interpolation between colour stops (t in 0..=1).
pub(crate) fn ramp(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let n = stops.len() - 1;
    let pos = t * n as f64;
    let i = (pos.floor() as usize).min(n - 1);
    let f = pos - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// ColorBrewer YlOrRd (sequential, colour-blind safe): heat maps and KDE.
pub(crate) const YL_OR_RD: [(u8, u8, u8); 7] = [
    (255, 255, 204),
    (255, 237, 160),
    (254, 217, 118),
    (254, 178, 76),
    (253, 141, 60),
    (227, 26, 28),
    (128, 0, 38),
];

/// ColorBrewer Purples (sequential): the area choropleth, distinct from the heat colours of
/// the KDE and from the red/blue of Gi* hot and cold spots.
pub(crate) const PURPLES: [(u8, u8, u8); 6] = [
    (242, 240, 247),
    (218, 218, 235),
    (188, 189, 220),
    (158, 154, 200),
    (117, 107, 177),
    (84, 39, 143),
];

pub(crate) const INK: RGBColor = RGBColor(26, 26, 26);
pub(crate) const MUTED: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID: RGBColor = RGBColor(222, 226, 232);
pub(crate) const ACCENT: RGBColor = RGBColor(18, 53, 91);

/// A polyline of `width` pixels; `dash` = Some((on, off)) in pixels for a dashed line.
pub(crate) fn polyline(
    root: &DrawingArea<BitMapBackend<'_>, Shift>,
    pts: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Option<(f64, f64)>,
) -> Result<()> {
    if pts.len() < 2 {
        return Ok(());
    }
    let style = ShapeStyle::from(&color).stroke_width(width);
    match dash {
        None => root
            .draw(&PathElement::new(pts.to_vec(), style))
            .map_err(render_err),
        Some((on, off)) => {
            let mut drawing = true;
            let mut left = on;
            for seg in pts.windows(2) {
                let (a, b) = (seg[0], seg[1]);
                let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
                let len = dx.hypot(dy);
                let mut t = 0.0;
                while t < len {
                    let step = left.min(len - t);
                    if drawing {
                        let p = |u: f64| {
                            (
                                (f64::from(a.0) + dx * u / len).round() as i32,
                                (f64::from(a.1) + dy * u / len).round() as i32,
                            )
                        };
                        root.draw(&PathElement::new(vec![p(t), p(t + step)], style))
                            .map_err(render_err)?;
                    }
                    t += step;
                    left -= step;
                    if left <= 1e-9 {
                        drawing = !drawing;
                        left = if drawing { on } else { off };
                    }
                }
            }
            Ok(())
        }
    }
}

/// "Nice" axis ticks from 0 (or below) to at least `max`: about `target` steps of 1, 2 or 5 × 10ⁿ.
pub(crate) fn nice_ticks(min: f64, max: f64, target: usize) -> (Vec<f64>, usize) {
    let (min, max) = if max > min {
        (min, max)
    } else {
        (min, min + 1.0)
    };
    let raw = (max - min) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (min / step).floor() * step;
    let mut ticks = Vec::new();
    let mut v = start;
    while v < max + step * 0.999 {
        ticks.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        if v >= max {
            break;
        }
        v += step;
    }
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize + usize::from((step / mag - 2.5).abs() < 1e-9)
    };
    (ticks, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_have_every_swedish_glyph() {
        use ab_glyph::{Font, FontRef};
        for bytes in [REGULAR, SEMIBOLD] {
            let font = FontRef::try_from_slice(bytes).unwrap();
            for c in "åäöÅÄÖéü–−…·×°%\u{a0}0123456789".chars() {
                assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c:?}");
            }
        }
    }

    #[test]
    fn nice_ticks_cover_the_range() {
        let (t, d) = nice_ticks(0.0, 87.0, 5);
        assert_eq!(t, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(d, 0);
        let (t, d) = nice_ticks(0.0, 0.9, 4);
        assert_eq!(t.last().copied(), Some(1.0));
        assert_eq!(d, 2);
    }

    #[test]
    fn even_odd_fill_leaves_holes_empty() {
        let mut c = Canvas::new(20, 20, RGBColor(255, 255, 255));
        let outer = vec![(2.0, 2.0), (18.0, 2.0), (18.0, 18.0), (2.0, 18.0)];
        let hole = vec![(8.0, 8.0), (12.0, 8.0), (12.0, 12.0), (8.0, 12.0)];
        c.fill_rings(&[outer, hole], RGBColor(255, 0, 0), 1.0);
        assert_eq!(c.pixel(4, 4), [255, 0, 0]);
        assert_eq!(c.pixel(10, 10), [255, 255, 255]);
        assert_eq!(c.pixel(0, 0), [255, 255, 255]);
    }
}
