//! Charts as PNG images, ready to go into a [`crate::Figure`]: the weekly trend with last year
//! alongside ([`line()`], built with [`LineChart::weekly`]), horizontal bars for categories such as
//! resources per party ([`bars`]), the before/after chart of an intervention with a treated and
//! a control area ([`before_after`]) and the hour × weekday heat map ([`heat_map`]).
//!
//! The input is plain data: labels and `f64` values (a NaN is "no value" and leaves a gap).
//! Every number on a chart is written with [`crate::fmt_num`] in the chart's language (`lang`). Images are drawn for a column
//! about 800 CSS pixels wide at twice that resolution (1 600 pixels wide), with Source Sans 3.

use plotters::style::{Color, RGBColor, ShapeStyle};

use plotters::element::{Circle, Rectangle};

use crate::fmt::weekdays_short;
use crate::raster::{
    ACCENT, Canvas, GRID, HPos, INK, MUTED, TextStyle, VPos, YL_OR_RD, anchored, ellipsize, font,
    nice_ticks, polyline, ramp, render_err, rotated, text_size,
};
use crate::{Image, Lang, ReportError, Result, fmt_num};

/// Image pixels per layout unit (the layout is in CSS pixels).
const S: f64 = 2.0;
/// Width of every chart in pixels.
pub const CHART_WIDTH: u32 = 1600;

fn px(v: f64) -> i32 {
    (v * S).round() as i32
}

/// One named series of values, one per x category (shorter than the categories is fine: the
/// line stops; NaN leaves a gap).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend text ("2024").
    pub label: String,
    /// The values.
    pub values: Vec<f64>,
}

impl Series {
    /// A series.
    pub fn new(label: impl Into<String>, values: Vec<f64>) -> Self {
        Self {
            label: label.into(),
            values,
        }
    }
}

/// A line chart over categories (weeks, months). The first series is drawn strongest (the
/// current period); later ones in grey and dashed (comparison periods).
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// The title, drawn on the image.
    pub title: String,
    /// What the y axis counts ("Antal händelser").
    pub y_label: String,
    /// The x axis title ("Vecka").
    pub x_label: String,
    /// One label per category; thinned automatically when they would overlap.
    pub x_labels: Vec<String>,
    /// The series, current first.
    pub series: Vec<Series>,
    /// The language of the numbers and the chart's own words.
    pub lang: Lang,
}

impl LineChart {
    /// The weekly trend: `weeks` are ISO week numbers (the x labels), `this_year` and
    /// `last_year` the counts per week (this year may be shorter).
    pub fn weekly(
        lang: Lang,
        title: impl Into<String>,
        y_label: impl Into<String>,
        weeks: &[u32],
        this_year: Series,
        last_year: Series,
    ) -> Self {
        Self {
            title: title.into(),
            y_label: y_label.into(),
            x_label: lang.t("Vecka", "Week").into(),
            x_labels: weeks.iter().map(u32::to_string).collect(),
            series: vec![this_year, last_year],
            lang,
        }
    }
}

/// A horizontal bar chart of categories (long Swedish labels fit on the left; labels longer
/// than about a third of the width are shortened with "…"). Values below zero are drawn as
/// empty bars with their value written.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// The title.
    pub title: String,
    /// The unit written after each value ("tim", "kr"); may be empty.
    pub unit: String,
    /// Decimals of the value labels.
    pub decimals: usize,
    /// `(label, value)` per bar, drawn top to bottom in this order.
    pub bars: Vec<(String, f64)>,
    /// The language of the numbers and the chart's own words.
    pub lang: Lang,
}

/// An intervention's before/after chart: monthly counts in the treated and the control area,
/// a vertical line where the intervention starts, and each period's mean as a dashed line.
#[derive(Debug, Clone, PartialEq)]
pub struct BeforeAfterChart {
    /// The title.
    pub title: String,
    /// What the y axis counts.
    pub y_label: String,
    /// One label per month ("jan 2022").
    pub months: Vec<String>,
    /// The treated area ("Gottsunda centrum").
    pub treated: Series,
    /// The control area.
    pub control: Series,
    /// Index into `months` of the first month with the intervention.
    pub start: usize,
    /// The text at the vertical line ("Insatsen startar").
    pub start_label: String,
    /// The language of the numbers and the chart's own words.
    pub lang: Lang,
}

/// An hour × weekday heat map: 7 rows (måndag first) × 24 hours.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatMap {
    /// The title.
    pub title: String,
    /// What a cell counts ("händelser"), shown with the colour legend.
    pub unit: String,
    /// `values[weekday][hour]`, weekday 0 = måndag, hour 0 = 00–01.
    pub values: [[f64; 24]; 7],
    /// Write the value in each cell (rounded to `decimals`).
    pub show_values: bool,
    /// Decimals of the cell values and the legend.
    pub decimals: usize,
    /// The language of the numbers, the weekdays and the description.
    pub lang: Lang,
}

/// Colour, line width and dash pattern (on, off) of a series.
type LineStyle = (RGBColor, f64, Option<(f64, f64)>);

const SERIES_STYLES: [LineStyle; 4] = [
    (RGBColor(31, 95, 168), 3.0, None),
    (RGBColor(140, 140, 140), 2.0, Some((7.0, 5.0))),
    (RGBColor(214, 96, 77), 2.5, None),
    (RGBColor(77, 146, 33), 2.5, Some((7.0, 5.0))),
];

/// Draws a [`LineChart`] (1 600 × 900 pixels).
pub fn line(chart: &LineChart) -> Result<Image> {
    if chart.x_labels.is_empty() || chart.series.is_empty() {
        return Err(ReportError::input(
            format!("line chart \"{}\"", chart.title),
            "give at least one category and one series",
        ));
    }
    let styles: Vec<_> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, _)| SERIES_STYLES[i % SERIES_STYLES.len()])
        .collect();
    let png = draw_line_chart(
        &chart.title,
        &chart.y_label,
        &chart.x_label,
        &chart.x_labels,
        &chart.series,
        &styles,
        None,
        chart.lang,
    )?;
    let sums: Vec<String> = chart
        .series
        .iter()
        .map(|s| {
            let sum: f64 = s.values.iter().filter(|v| v.is_finite()).sum();
            format!(
                "{} {} {}",
                s.label,
                chart.lang.t("totalt", "in all"),
                fmt_num(chart.lang, sum, 0)
            )
        })
        .collect();
    let alt = format!(
        "{}: {}. {} {}–{}. {}.",
        chart.lang.t("Linjediagram", "Line chart"),
        chart.title,
        chart.x_label,
        chart.x_labels[0],
        chart.x_labels[chart.x_labels.len() - 1],
        sums.join(", ")
    );
    Image::from_png(png, alt)
}

/// Draws a [`BeforeAfterChart`] (1 600 × 900 pixels).
pub fn before_after(chart: &BeforeAfterChart) -> Result<Image> {
    if chart.months.is_empty() || chart.start == 0 || chart.start >= chart.months.len() {
        return Err(ReportError::input(
            format!("before/after chart \"{}\"", chart.title),
            "give months and a start index with at least one month before and one after",
        ));
    }
    let series = [chart.treated.clone(), chart.control.clone()];
    // The control area looks as it does in every line chart of the three areas (the second
    // series: grey, dashed), so a colour means the same area in both of a follow-up's charts.
    let styles = [SERIES_STYLES[0], SERIES_STYLES[1]];
    let png = draw_line_chart(
        &chart.title,
        &chart.y_label,
        chart.lang.t("Månad", "Month"),
        &chart.months,
        &series,
        &styles,
        Some((chart.start, chart.start_label.as_str())),
        chart.lang,
    )?;
    let describe = |s: &Series| {
        let (b, a) = period_means(&s.values, chart.start);
        match chart.lang {
            Lang::Sv => format!(
                "{}: medel {} per månad före och {} efter",
                s.label,
                fmt_num(Lang::Sv, b, 1),
                fmt_num(Lang::Sv, a, 1)
            ),
            Lang::En => format!(
                "{}: mean {} a month before and {} after",
                s.label,
                fmt_num(Lang::En, b, 1),
                fmt_num(Lang::En, a, 1)
            ),
        }
    };
    let alt = format!(
        "{}: {}. {} ({}). {}; {}.",
        chart.lang.t("Före/efter-diagram", "Before/after chart"),
        chart.title,
        chart.start_label,
        chart.months[chart.start],
        describe(&chart.treated),
        describe(&chart.control)
    );
    Image::from_png(png, alt)
}

fn period_means(values: &[f64], start: usize) -> (f64, f64) {
    let mean = |v: &[f64]| {
        let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        if f.is_empty() {
            f64::NAN
        } else {
            f.iter().sum::<f64>() / f.len() as f64
        }
    };
    let split = start.min(values.len());
    (mean(&values[..split]), mean(&values[split..]))
}

#[allow(clippy::too_many_arguments)]
fn draw_line_chart(
    title: &str,
    y_label: &str,
    x_label: &str,
    x_labels: &[String],
    series: &[Series],
    styles: &[LineStyle],
    start: Option<(usize, &str)>,
    lang: Lang,
) -> Result<Vec<u8>> {
    let (w, h) = (CHART_WIDTH, 900u32);
    let mut canvas = Canvas::new(w, h, RGBColor(255, 255, 255));
    let n = x_labels.len();
    let max = series
        .iter()
        .flat_map(|s| s.values.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let min = series
        .iter()
        .flat_map(|s| s.values.iter())
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::min);
    let (ticks, decimals) = nice_ticks(min, max.max(min + 1.0), 5);
    let (y0, y1) = (ticks[0], ticks[ticks.len() - 1]);

    canvas.draw(|root, texts| {
        let title_style = font(25.0 * S, true, INK);
        let label_style = font(19.0 * S, false, MUTED);
        let legend_style = font(19.0 * S, false, INK);
        texts
            .draw_text(
                &ellipsize(title, &title_style, w - px(48.0) as u32),
                &title_style,
                (px(24.0), px(18.0)),
            )
            .map_err(render_err)?;

        // Legend under the title, on as many rows as it needs: an entry that does not fit
        // on the row starts the next one, and one wider than the chart is shortened.
        let means_style = font(17.0 * S, false, MUTED);
        let mut entries: Vec<(String, LineStyle, &TextStyle)> = series
            .iter()
            .zip(styles)
            .map(|(s, st)| (s.label.clone(), *st, &legend_style))
            .collect();
        if start.is_some() {
            entries.push((
                lang.t("medelvärde före och efter", "mean before and after")
                    .to_string(),
                (MUTED, 1.5, Some((5.0, 4.0))),
                &means_style,
            ));
        }
        let (left_edge, right_edge) = (px(24.0), w as i32 - px(24.0));
        let row_h = px(30.0);
        let mut lx = left_edge;
        let mut ly = px(66.0);
        for (label, (color, width, dash), style) in &entries {
            let label = ellipsize(label, style, (right_edge - left_edge - px(38.0)) as u32);
            let item = px(38.0) + text_size(&label, style).0 as i32;
            if lx > left_edge && lx + item > right_edge {
                lx = left_edge;
                ly += row_h;
            }
            polyline(
                root,
                &[(lx, ly), (lx + px(30.0), ly)],
                *color,
                (width * S) as u32,
                dash.map(|(a, b)| (a * S, b * S)),
            )?;
            let anchored_style = anchored(style, HPos::Left, VPos::Center);
            texts
                .draw_text(&label, &anchored_style, (lx + px(38.0), ly))
                .map_err(render_err)?;
            lx += item + px(28.0);
        }
        let legend_rows = (ly - px(66.0)) / row_h;

        // Plot frame.
        let tick_w = ticks
            .iter()
            .map(|t| text_size(&fmt_num(lang, *t, decimals), &label_style).0)
            .max()
            .unwrap_or(0) as i32;
        let left = px(24.0 + 26.0) + tick_w + px(10.0);
        let right = w as i32 - px(28.0);
        let top = px(98.0) + legend_rows * row_h;
        let bottom = h as i32 - px(74.0);
        let xpx = |i: f64| f64::from(left) + (i + 0.5) / n as f64 * f64::from(right - left);
        let ypx = |v: f64| f64::from(bottom) - (v - y0) / (y1 - y0) * f64::from(bottom - top);

        if let Some((s, _)) = start {
            let x = xpx(s as f64 - 0.5) as i32;
            root.draw(&Rectangle::new(
                [(x, top), (right, bottom)],
                RGBColor(242, 246, 251).filled(),
            ))
            .map_err(render_err)?;
        }
        for t in &ticks {
            let y = ypx(*t) as i32;
            let color = if *t == 0.0 { MUTED } else { GRID };
            root.draw(&plotters::element::PathElement::new(
                vec![(left, y), (right, y)],
                ShapeStyle::from(&color).stroke_width(S as u32),
            ))
            .map_err(render_err)?;
            let style = anchored(&label_style, HPos::Right, VPos::Center);
            texts
                .draw_text(&fmt_num(lang, *t, decimals), &style, (left - px(8.0), y))
                .map_err(render_err)?;
        }
        // y axis title, rotated.
        let ystyle = anchored(&rotated(&label_style), HPos::Center, VPos::Center);
        texts
            .draw_text(y_label, &ystyle, (px(24.0) + px(8.0), (top + bottom) / 2))
            .map_err(render_err)?;

        // x labels, thinned so that they never overlap.
        let widest = x_labels
            .iter()
            .map(|l| text_size(l, &label_style).0)
            .max()
            .unwrap_or(0) as f64;
        let per = f64::from(right - left) / n as f64;
        let need = ((widest + 12.0 * S) / per).ceil().max(1.0) as usize;
        let step = [1, 2, 3, 4, 5, 6, 8, 10, 12, 13, 20, 26, 52, 100]
            .into_iter()
            .find(|s| *s >= need)
            .unwrap_or(need);
        for (i, l) in x_labels.iter().enumerate() {
            let x = xpx(i as f64) as i32;
            root.draw(&plotters::element::PathElement::new(
                vec![(x, bottom), (x, bottom + px(5.0))],
                ShapeStyle::from(&MUTED).stroke_width(S as u32),
            ))
            .map_err(render_err)?;
            if i % step == 0 {
                let style = anchored(&label_style, HPos::Center, VPos::Top);
                texts
                    .draw_text(l, &style, (x, bottom + px(8.0)))
                    .map_err(render_err)?;
            }
        }
        let xstyle = anchored(&label_style, HPos::Center, VPos::Top);
        texts
            .draw_text(x_label, &xstyle, ((left + right) / 2, bottom + px(40.0)))
            .map_err(render_err)?;

        if let Some((s, label)) = start {
            let x = xpx(s as f64 - 0.5) as i32;
            polyline(root, &[(x, top), (x, bottom)], INK, (2.0 * S) as u32, None)?;
            let style = anchored(&font(18.0 * S, true, INK), HPos::Left, VPos::Top);
            texts
                .draw_text(label, &style, (x + px(6.0), top + px(4.0)))
                .map_err(render_err)?;
            // Period means, dashed, in each series' colour.
            for (ser, (color, _, _)) in series.iter().zip(styles) {
                let (b, a) = period_means(&ser.values, s);
                for (mean, from, to) in [(b, 0usize, s), (a, s, n.min(ser.values.len()))] {
                    if mean.is_finite() && to > from {
                        let y = ypx(mean) as i32;
                        polyline(
                            root,
                            &[
                                (xpx(from as f64 - 0.4) as i32, y),
                                (xpx(to as f64 - 0.6) as i32, y),
                            ],
                            *color,
                            (1.5 * S) as u32,
                            Some((5.0 * S, 4.0 * S)),
                        )?;
                    }
                }
            }
        }

        // Series, last first so that the current one is on top.
        for (ser, (color, width, dash)) in series.iter().zip(styles).rev() {
            let mut run: Vec<(i32, i32)> = Vec::new();
            let flush = |run: &mut Vec<(i32, i32)>| -> Result<()> {
                polyline(
                    root,
                    run,
                    *color,
                    (width * S) as u32,
                    dash.map(|(a, b)| (a * S, b * S)),
                )?;
                if run.len() == 1 {
                    root.draw(&Circle::new(run[0], px(3.0), color.filled()))
                        .map_err(render_err)?;
                }
                run.clear();
                Ok(())
            };
            for (i, v) in ser.values.iter().take(n).enumerate() {
                if v.is_finite() {
                    run.push((xpx(i as f64) as i32, ypx(*v) as i32));
                } else {
                    flush(&mut run)?;
                }
            }
            flush(&mut run)?;
            if n <= 40 {
                for (i, v) in ser.values.iter().take(n).enumerate() {
                    if v.is_finite() {
                        root.draw(&Circle::new(
                            (xpx(i as f64) as i32, ypx(*v) as i32),
                            px(width * 1.3),
                            color.filled(),
                        ))
                        .map_err(render_err)?;
                    }
                }
            }
        }
        Ok(())
    })?;
    canvas.png()
}

/// Draws a [`BarChart`] (1 600 pixels wide, 80 + 44 per bar high).
pub fn bars(chart: &BarChart) -> Result<Image> {
    if chart.bars.is_empty() {
        return Err(ReportError::input(
            format!("bar chart \"{}\"", chart.title),
            "give at least one bar",
        ));
    }
    let n = chart.bars.len();
    let top_l = 76.0;
    let bar_l = 44.0;
    let bottom_l = 48.0;
    let h = px(top_l + bar_l * n as f64 + bottom_l) as u32;
    let w = CHART_WIDTH;
    let mut canvas = Canvas::new(w, h, RGBColor(255, 255, 255));
    let max = chart
        .bars
        .iter()
        .map(|b| b.1)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let (ticks, decimals) = nice_ticks(0.0, if max > 0.0 { max } else { 1.0 }, 5);
    let xmax = ticks[ticks.len() - 1];
    let unit = |v: f64, d: usize| {
        if chart.unit.is_empty() {
            fmt_num(chart.lang, v, d)
        } else {
            format!("{}\u{a0}{}", fmt_num(chart.lang, v, d), chart.unit)
        }
    };
    canvas.draw(|root, texts| {
        let title_style = font(25.0 * S, true, INK);
        let label_style = font(19.0 * S, false, INK);
        let tick_style = font(17.0 * S, false, MUTED);
        texts
            .draw_text(
                &ellipsize(&chart.title, &title_style, w - px(48.0) as u32),
                &title_style,
                (px(24.0), px(18.0)),
            )
            .map_err(render_err)?;
        let max_label = (f64::from(w) * 0.38) as u32;
        let labels: Vec<String> = chart
            .bars
            .iter()
            .map(|(l, _)| ellipsize(l, &label_style, max_label))
            .collect();
        let label_w = labels
            .iter()
            .map(|l| text_size(l, &label_style).0)
            .max()
            .unwrap_or(0) as i32;
        let value_w = chart
            .bars
            .iter()
            .map(|(_, v)| text_size(&unit(*v, chart.decimals), &label_style).0)
            .max()
            .unwrap_or(0) as i32;
        let left = px(24.0) + label_w + px(14.0);
        let right = w as i32 - px(28.0) - value_w - px(10.0);
        let top = px(top_l);
        let bottom = top + px(bar_l * n as f64);
        let xpx = |v: f64| left + ((v / xmax) * f64::from(right - left)).round() as i32;
        for t in &ticks {
            let x = xpx(*t);
            root.draw(&plotters::element::PathElement::new(
                vec![(x, top), (x, bottom)],
                ShapeStyle::from(&if *t == 0.0 { MUTED } else { GRID }).stroke_width(S as u32),
            ))
            .map_err(render_err)?;
            let style = anchored(&tick_style, HPos::Center, VPos::Top);
            texts
                .draw_text(
                    &fmt_num(chart.lang, *t, decimals),
                    &style,
                    (x, bottom + px(8.0)),
                )
                .map_err(render_err)?;
        }
        for (i, ((_, v), label)) in chart.bars.iter().zip(&labels).enumerate() {
            let yc = top + px(bar_l * (i as f64 + 0.5));
            let style = anchored(&label_style, HPos::Right, VPos::Center);
            texts
                .draw_text(label, &style, (left - px(12.0), yc))
                .map_err(render_err)?;
            if v.is_finite() {
                let x1 = xpx(v.max(0.0));
                root.draw(&Rectangle::new(
                    [(left, yc - px(14.0)), (x1.max(left + 1), yc + px(14.0))],
                    ACCENT.mix(0.85).filled(),
                ))
                .map_err(render_err)?;
                let style = anchored(&label_style, HPos::Left, VPos::Center);
                let value = unit(*v, chart.decimals);
                // A white backing, so that a grid line never runs through the value.
                let (tw, th) = text_size(&value, &style);
                root.draw(&Rectangle::new(
                    [
                        (x1 + px(4.0), yc - th as i32 / 2),
                        (x1 + px(12.0) + tw as i32, yc + th as i32 / 2),
                    ],
                    RGBColor(255, 255, 255).filled(),
                ))
                .map_err(render_err)?;
                texts
                    .draw_text(&value, &style, (x1 + px(8.0), yc))
                    .map_err(render_err)?;
            }
        }
        Ok(())
    })?;
    let parts: Vec<String> = chart
        .bars
        .iter()
        .map(|(l, v)| format!("{l} {}", unit(*v, chart.decimals)))
        .collect();
    let alt = format!(
        "{}: {}. {}.",
        chart.lang.t("Stapeldiagram", "Bar chart"),
        chart.title,
        parts.join("; ")
    );
    Image::from_png(canvas.png()?, alt)
}

/// Draws a [`HeatMap`] (1 600 × 660 pixels).
pub fn heat_map(chart: &HeatMap) -> Result<Image> {
    let (w, h) = (CHART_WIDTH, 660u32);
    let finite = chart
        .values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite());
    let max = finite.clone().fold(0.0f64, f64::max);
    let min = finite.fold(f64::INFINITY, f64::min).min(0.0);
    let mut canvas = Canvas::new(w, h, RGBColor(255, 255, 255));
    let left = px(24.0 + 50.0);
    let right = w as i32 - px(24.0);
    let top = px(96.0);
    let bottom = h as i32 - px(46.0);
    let cw = f64::from(right - left) / 24.0;
    let ch = f64::from(bottom - top) / 7.0;
    let t = |v: f64| {
        if max > min {
            (v - min) / (max - min)
        } else {
            0.0
        }
    };
    for (d, row) in chart.values.iter().enumerate() {
        for (hr, v) in row.iter().enumerate() {
            let x0 = f64::from(left) + cw * hr as f64;
            let y0 = f64::from(top) + ch * d as f64;
            let color = if v.is_finite() {
                ramp(&YL_OR_RD, t(*v))
            } else {
                RGBColor(235, 235, 235)
            };
            canvas.fill_rect(x0 + S, y0 + S, x0 + cw - S, y0 + ch - S, color, 1.0);
        }
    }
    canvas.draw(|root, texts| {
        let title_style = font(25.0 * S, true, INK);
        let label_style = font(19.0 * S, false, INK);
        let small = font(16.0 * S, false, MUTED);
        texts
            .draw_text(
                &ellipsize(&chart.title, &title_style, w - px(48.0) as u32),
                &title_style,
                (px(24.0), px(18.0)),
            )
            .map_err(render_err)?;
        for (d, name) in weekdays_short(chart.lang).iter().enumerate() {
            let y = top + (ch * (d as f64 + 0.5)) as i32;
            let style = anchored(&label_style, HPos::Right, VPos::Center);
            texts
                .draw_text(name, &style, (left - px(10.0), y))
                .map_err(render_err)?;
        }
        for hr in 0..24 {
            let x = left + (cw * (hr as f64 + 0.5)) as i32;
            let style = anchored(&small, HPos::Center, VPos::Bottom);
            texts
                .draw_text(&format!("{hr:02}"), &style, (x, top - px(6.0)))
                .map_err(render_err)?;
        }
        if chart.show_values {
            for (d, row) in chart.values.iter().enumerate() {
                for (hr, v) in row.iter().enumerate() {
                    if !v.is_finite() {
                        continue;
                    }
                    let color = if t(*v) > 0.55 {
                        RGBColor(255, 255, 255)
                    } else {
                        INK
                    };
                    let style = anchored(
                        &font(
                            if chart.decimals == 0 { 16.0 } else { 13.0 } * S,
                            false,
                            color,
                        ),
                        HPos::Center,
                        VPos::Center,
                    );
                    let x = left + (cw * (hr as f64 + 0.5)) as i32;
                    let y = top + (ch * (d as f64 + 0.5)) as i32;
                    texts
                        .draw_text(&fmt_num(chart.lang, *v, chart.decimals), &style, (x, y))
                        .map_err(render_err)?;
                }
            }
        }
        // Legend under the grid, right-aligned: min [colour bar] max unit.
        let hi_text = format!(
            "{} {}",
            fmt_num(chart.lang, max, chart.decimals),
            chart.unit
        );
        let hi_text = hi_text.trim_end();
        let hi_w = text_size(hi_text, &small).0 as i32;
        let lw = px(220.0);
        let lx1 = right - hi_w - px(8.0);
        let lx0 = lx1 - lw;
        let ly = bottom + px(12.0);
        for i in 0..lw {
            let c = ramp(&YL_OR_RD, f64::from(i) / f64::from(lw - 1));
            root.draw(&Rectangle::new(
                [(lx0 + i, ly), (lx0 + i + 1, ly + px(14.0))],
                c.filled(),
            ))
            .map_err(render_err)?;
        }
        let lo = anchored(&small, HPos::Right, VPos::Center);
        texts
            .draw_text(
                &fmt_num(chart.lang, min, chart.decimals),
                &lo,
                (lx0 - px(8.0), ly + px(7.0)),
            )
            .map_err(render_err)?;
        let hi = anchored(&small, HPos::Right, VPos::Center);
        texts
            .draw_text(hi_text, &hi, (right, ly + px(7.0)))
            .map_err(render_err)?;
        Ok(())
    })?;
    let (mut best, mut bd, mut bh) = (f64::NEG_INFINITY, 0, 0);
    for (d, row) in chart.values.iter().enumerate() {
        for (hr, v) in row.iter().enumerate() {
            if v.is_finite() && *v > best {
                (best, bd, bh) = (*v, d, hr);
            }
        }
    }
    let unit = if chart.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", chart.unit)
    };
    let best = fmt_num(chart.lang, best.max(0.0), chart.decimals);
    let day = weekdays_short(chart.lang)[bd];
    let alt = match chart.lang {
        Lang::Sv => format!(
            "Värmekarta timme × veckodag: {}. Högst {best}{unit} på {day} kl. {bh:02}–{:02}.",
            chart.title,
            bh + 1
        ),
        Lang::En => format!(
            "Heat map of hour × weekday: {}. Highest {best}{unit} on {day} {bh:02}–{:02}.",
            chart.title,
            bh + 1
        ),
    };
    Image::from_png(canvas.png()?, alt)
}
