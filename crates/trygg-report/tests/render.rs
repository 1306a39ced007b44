//! Behaviour of the renderers: PNGs decode to the promised size and show what they should,
//! every text is escaped, and the DOCX parses back with its headings, tables and images.

mod common;

use std::io::Read;

use trygg_report::chart::{self, BeforeAfterChart, LineChart, Series};
use trygg_report::map::{self, MapArea, MapPoint, MapPolygon, MapSpec};
use trygg_report::{
    Block, Column, Document, Image, Inline, KeyFigure, Meta, ReportError, Table, docx, html,
    markdown,
};

/// Decodes a PNG into (width, height, RGB pixels).
fn decode(png: &[u8]) -> (u32, u32, Vec<[u8; 3]>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let px = buf[..info.buffer_size()]
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    (info.width, info.height, px)
}

fn at(img: &(u32, u32, Vec<[u8; 3]>), (x, y): (f64, f64)) -> [u8; 3] {
    img.2[(y.round() as u32 * img.0 + x.round() as u32) as usize]
}

fn count(img: &(u32, u32, Vec<[u8; 3]>), c: [u8; 3]) -> usize {
    img.2.iter().filter(|p| **p == c).count()
}

fn distinct(img: &(u32, u32, Vec<[u8; 3]>)) -> usize {
    let mut v = img.2.clone();
    v.sort_unstable();
    v.dedup();
    v.len()
}

#[test]
fn charts_decode_to_their_size_and_are_not_blank() {
    for (name, image) in common::charts() {
        let img = decode(&image.png);
        assert_eq!((img.0, img.1), (image.width, image.height), "{name}");
        assert_eq!(img.0, chart::CHART_WIDTH, "{name}");
        assert!(distinct(&img) > 30, "{name} looks blank");
        // Text is drawn: dark anti-aliased pixels.
        let ink = img.2.iter().filter(|p| p.iter().all(|c| *c < 80)).count();
        assert!(
            ink > 2000,
            "{name}: only {ink} dark pixels, is the text missing?"
        );
        assert!(!image.alt.is_empty());
    }
}

#[test]
fn line_chart_draws_both_years() {
    let image = chart::line(&common::weekly()).unwrap();
    let img = decode(&image.png);
    assert_eq!((img.0, img.1), (1600, 900));
    assert!(count(&img, [31, 95, 168]) > 3000, "this year's blue line");
    assert!(count(&img, [140, 140, 140]) > 1000, "last year's grey line");
    assert!(
        image.alt.contains("2024") && image.alt.contains("2023"),
        "{}",
        image.alt
    );
}

#[test]
fn heat_map_colours_the_extremes() {
    let chart = common::heat();
    let image = chart::heat_map(&chart).unwrap();
    let img = decode(&image.png);
    assert_eq!((img.0, img.1), (1600, 660));
    // The three maximum cells (fre–sön 01) are the darkest colour; many cells are light.
    assert!(count(&img, [128, 0, 38]) > 3 * 40 * 40, "darkest cells");
    assert!(image.alt.contains("fre kl. 01–02"), "{}", image.alt);
    assert!(image.alt.contains("90 händelser"), "{}", image.alt);
}

#[test]
fn bar_chart_height_follows_the_number_of_bars() {
    let mut c = common::bar();
    let one = chart::bars(&c).unwrap();
    c.bars.truncate(2);
    let two = chart::bars(&c).unwrap();
    assert!(one.height > two.height);
    assert!(
        one.alt.contains("1\u{a0}840\u{a0}tim"),
        "Swedish numbers in the alt text: {}",
        one.alt
    );
    let img = decode(&one.png);
    assert!(distinct(&img) > 30);
}

#[test]
fn chart_input_errors_say_what_to_change() {
    let empty = LineChart::weekly(
        trygg_report::Lang::Sv,
        "Tom",
        "Antal",
        &[],
        Series::new("2024", vec![]),
        Series::new("2023", vec![]),
    );
    assert!(matches!(
        chart::line(&empty),
        Err(ReportError::InvalidInput { .. })
    ));
    let bad = BeforeAfterChart {
        start: 0,
        ..common::before_after()
    };
    let err = chart::before_after(&bad).unwrap_err();
    assert!(err.to_string().contains("start index"), "{err}");
}

fn square(x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s)]
}

#[test]
fn map_fills_polygons_keeps_holes_and_colours_points() {
    let (e, n) = (650_000.0, 6_640_000.0);
    let spec = MapSpec {
        title: "Test".into(),
        width: 1200,
        height: 900,
        areas: vec![MapArea {
            name: "Kvarteret".into(),
            polygons: vec![MapPolygon {
                exterior: square(e, n, 1000.0),
                holes: vec![square(e + 600.0, n + 600.0, 300.0)],
            }],
            value: Some(12.0),
        }],
        choropleth_label: "Brott".into(),
        point_classes: vec!["Inbrott".into(), "Rån".into()],
        points: vec![MapPoint {
            x: e + 200.0,
            y: n + 800.0,
            class: 1,
        }],
        ..MapSpec::default()
    };
    let png = map::render(&spec).unwrap();
    let img = decode(&png);
    assert_eq!((img.0, img.1), (1200, 900));
    // One value: the top class.
    let fill = map::choropleth_colour(4, 5);
    let inside = map::project(&spec, (e + 250.0, n + 250.0)).unwrap();
    assert_eq!(at(&img, inside), [fill.0, fill.1, fill.2], "polygon fill");
    let hole = map::project(&spec, (e + 750.0, n + 750.0)).unwrap();
    let bg = map::BACKGROUND;
    assert_eq!(at(&img, hole), [bg.0, bg.1, bg.2], "the hole is not filled");
    let point = map::project(&spec, (e + 200.0, n + 800.0)).unwrap();
    let c = map::POINT_COLOURS[1];
    assert_eq!(
        at(&img, point),
        [c.0, c.1, c.2],
        "point in its class colour"
    );
    // 1 m = 1 m: the square is as wide as it is tall on the image.
    let a = map::project(&spec, (e, n)).unwrap();
    let b = map::project(&spec, (e + 1000.0, n + 1000.0)).unwrap();
    assert!(((b.0 - a.0) - (a.1 - b.1)).abs() < 1e-6);
    assert!(b.0 > a.0 && b.1 < a.1, "north is up");
}

#[test]
fn map_draws_hot_spots_and_density() {
    let spec = common::map_spec();
    let img = decode(&map::render(&spec).unwrap());
    assert_eq!((img.0, img.1), (1600, 1200));
    let hs = spec.hotspots.as_ref().unwrap();
    // Class 3 in the south-west cell: strong red.
    let p = map::project(&spec, (hs.x0 + 100.0, hs.y0 + 100.0)).unwrap();
    let [r, g, b] = at(&img, p);
    assert!(
        r > 140 && r > g + 80 && r > b + 60,
        "hot spot 99 % cell is red, got {:?}",
        [r, g, b]
    );
    // Class −3: blue.
    let p = map::project(&spec, (hs.x0 + 10.2 * hs.cell, hs.y0 + 1.5 * hs.cell)).unwrap();
    let [r, _, b] = at(&img, p);
    assert!(b > 150 && r < 80, "cold spot 99 % cell is blue");
    let image = map::image(&spec).unwrap();
    assert!(
        image.alt.contains("6 områden") && image.alt.contains("400 punkter"),
        "{}",
        image.alt
    );
}

#[test]
fn map_tints_the_density_peak_only() {
    let (e, n) = (650_000.0, 6_640_000.0);
    let (rows, cols, cell) = (20, 20, 100.0);
    let values = (0..rows * cols)
        .map(|i| {
            let (x, y) = ((i % cols) as f64 - 9.5, (i / cols) as f64 - 9.5);
            (-(x * x + y * y) / 8.0).exp()
        })
        .collect();
    let spec = MapSpec {
        areas: vec![MapArea {
            name: "Allt".into(),
            polygons: vec![MapPolygon {
                exterior: square(e, n, 2000.0),
                holes: vec![],
            }],
            value: None,
        }],
        kde: Some(map::Raster {
            x0: e,
            y0: n,
            cell,
            rows,
            cols,
            values,
            label: String::new(),
        }),
        ..MapSpec::default()
    };
    let img = decode(&map::render(&spec).unwrap());
    let [r, g, b] = at(&img, map::project(&spec, (e + 1000.0, n + 1000.0)).unwrap());
    assert!(
        r > 140 && r > b + 50 && r > g + 80,
        "the peak is dark red, got {:?}",
        [r, g, b]
    );
    let corner = at(&img, map::project(&spec, (e + 50.0, n + 50.0)).unwrap());
    let f = map::AREA_FILL;
    assert_eq!(
        corner,
        [f.0, f.1, f.2],
        "no tint where the density is below 5 % of the peak"
    );
}

#[test]
fn kde_cells_smaller_than_a_pixel_are_drawn() {
    let (e, n) = (650_000.0, 6_640_000.0);
    let (rows, cols) = (2000, 2000);
    let spec = MapSpec {
        kde: Some(map::Raster {
            x0: e,
            y0: n,
            cell: 1.0,
            rows,
            cols,
            values: vec![1.0; rows * cols],
            label: String::new(),
        }),
        ..MapSpec::default()
    };
    assert!(
        map::pixels_per_metre(&spec).unwrap() < 1.0,
        "cells are sub-pixel"
    );
    let img = decode(&map::render(&spec).unwrap());
    let centre = at(&img, map::project(&spec, (e + 1000.0, n + 1000.0)).unwrap());
    let bg = map::BACKGROUND;
    assert_ne!(centre, [bg.0, bg.1, bg.2], "the raster is drawn");
    assert!(centre[0] > centre[2] + 60, "in heat colours: {centre:?}");
}

#[test]
fn a_long_legend_shrinks_to_fit_the_image() {
    let spec = common::small_map_spec();
    let img = decode(&map::render(&spec).unwrap());
    // The legend column right of the map: nothing drawn in the bottom margin.
    let frame_right = map::project(&spec, (common::E0 + 5500.0, common::N0))
        .unwrap()
        .0 as u32;
    for y in img.1 - 12..img.1 {
        for x in frame_right + 40..img.0 {
            assert_eq!(
                img.2[(y * img.0 + x) as usize],
                [255, 255, 255],
                "legend drawn at ({x}, {y})"
            );
        }
    }
}

#[test]
fn map_refuses_bad_input() {
    assert!(matches!(
        map::render(&MapSpec::default()),
        Err(ReportError::InvalidInput { .. })
    ));
    let spec = MapSpec {
        points: vec![MapPoint {
            x: 650_000.0,
            y: 6_640_000.0,
            class: 2,
        }],
        point_classes: vec!["Inbrott".into()],
        ..MapSpec::default()
    };
    let err = map::render(&spec).unwrap_err().to_string();
    assert!(err.contains("class 2"), "{err}");
    let spec = MapSpec {
        points: vec![MapPoint {
            x: f64::NAN,
            y: 6_640_000.0,
            class: 0,
        }],
        point_classes: vec!["Inbrott".into()],
        ..MapSpec::default()
    };
    assert!(map::render(&spec).is_err());
    // A Gi* result without significant cells is still a map (of the grid's extent).
    let spec = MapSpec {
        hotspots: Some(map::HotSpots {
            x0: 650_000.0,
            y0: 6_640_000.0,
            cell: 250.0,
            rows: 4,
            cols: 4,
            class: vec![0; 16],
        }),
        ..MapSpec::default()
    };
    decode(&map::render(&spec).unwrap());
    // A single point still gives a map with a scale.
    let spec = MapSpec {
        points: vec![MapPoint {
            x: 650_000.0,
            y: 6_640_000.0,
            class: 0,
        }],
        point_classes: vec!["Inbrott".into()],
        ..MapSpec::default()
    };
    assert!(map::pixels_per_metre(&spec).unwrap().is_finite());
    decode(&map::render(&spec).unwrap());
}

const EVIL: &str = "<script>alert('x')</script>";

/// A document with the script in every text it has.
fn evil_document() -> Document {
    let png = chart::line(&common::weekly()).unwrap().png;
    Document {
        title: EVIL.into(),
        subtitle: Some(EVIL.into()),
        meta: Meta {
            organisation: EVIL.into(),
            period: EVIL.into(),
            generated_at: EVIL.into(),
            lang: trygg_report::Lang::Sv,
        },
        blocks: vec![
            Block::heading(1, EVIL),
            Block::Paragraph(vec![
                Inline::Text(EVIL.into()),
                Inline::Strong(EVIL.into()),
                Inline::Emphasis(EVIL.into()),
                Inline::Link {
                    text: EVIL.into(),
                    url: "javascript:alert(1)".into(),
                },
                Inline::Link {
                    text: "ok".into(),
                    url: "https://example.se/?a=1&b=\"2\"".into(),
                },
            ]),
            Block::bullets([EVIL]),
            Block::Table(Table {
                caption: EVIL.into(),
                columns: vec![Column::text(EVIL), Column::number("Antal")],
                rows: vec![vec![EVIL.into(), "1".into()]],
                total: Some(vec![EVIL.into(), "1".into()]),
            }),
            Block::figure(EVIL, Image::from_png(png, EVIL).unwrap()),
            Block::KeyFigures(vec![KeyFigure::new(EVIL, EVIL, Some(EVIL))]),
        ],
    }
}

const EVIL_TEXTS: usize = 21;

#[test]
fn html_escapes_every_text() {
    let doc = evil_document();
    for (name, out) in [
        ("page", html::html(&doc).unwrap()),
        ("fragment", html::html_fragment(&doc).unwrap()),
    ] {
        assert!(
            !out.to_lowercase().contains("<script"),
            "{name} contains a raw script tag"
        );
        assert!(
            !out.contains("javascript:"),
            "{name} made a javascript: link"
        );
        let escaped = out
            .matches("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
            .count();
        assert!(
            escaped >= EVIL_TEXTS - 3,
            "{name}: only {escaped} escaped texts"
        );
        assert!(
            out.contains("href=\"https://example.se/?a=1&amp;b=&quot;2&quot;\""),
            "{name}"
        );
    }
}

#[test]
fn html_page_is_print_ready() {
    let doc = common::document();
    let out = html::html(&doc).unwrap();
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert!(out.contains("<html lang=\"sv\">") && out.contains("<meta charset=\"utf-8\">"));
    assert!(out.contains("@page { size: A4"));
    assert_eq!(out.matches("class=\"page-break\"").count(), 2);
    assert!(out.contains("<h1>Sammanställning av åtagandeplanen 2020</h1>"));
    assert!(out.contains("<h2>Sammanfattning</h2>") && out.contains("<h4>När händer det?</h4>"));
    assert!(out.contains("<th scope=\"col\" class=\"num\">Timmar</th>"));
    assert!(out.contains("<td class=\"num\">1\u{a0}840</td>"));
    assert!(out.contains("<span class=\"label\">Tabell 1.</span>"));
    assert!(out.contains("<span class=\"label\">Figur 5.</span>"));
    // Figures are embedded and decode to the original bytes.
    use base64::Engine;
    let first = out.split("data:image/png;base64,").nth(1).unwrap();
    let b64 = &first[..first.find('"').unwrap()];
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let Block::Figure(f) = doc
        .blocks
        .iter()
        .find(|b| matches!(b, Block::Figure(_)))
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(bytes, f.image.png);
    let frag = html::html_fragment(&doc).unwrap();
    assert!(
        !frag.contains("<html") && !frag.contains("@page") && !frag.contains("page-break\"></div>")
    );
    assert!(
        !frag.contains("<style") && !frag.contains(" style="),
        "the fragment is styled by html::CONTENT_CSS, linked by the page, never inline"
    );
    assert!(frag.contains("<article class=\"trygg-report\" lang=\"sv\">"));
}

#[test]
fn markdown_escapes_and_returns_images() {
    let doc = common::document();
    let md = markdown::markdown(&doc).unwrap();
    assert!(
        md.text
            .starts_with("# Sammanställning av åtagandeplanen 2020\n")
    );
    assert!(
        md.text.contains("\n## Sammanfattning\n") && md.text.contains("\n#### När händer det?\n")
    );
    assert!(
        md.text
            .contains("| Part | Åtagande | Timmar | Kostnad (kr) |\n| :--- | :--- | ---: | ---: |")
    );
    assert!(
        md.text.contains("Medborgarlöften \\| Gottsunda"),
        "pipe escaped in a cell"
    );
    assert!(md.text.contains("Fysiska åtgärder \\<belysning\\>"));
    assert!(md.text.contains("| **Summa** |  | **3\u{a0}477,5** |"));
    assert!(md.text.contains("\\<script\\>alert('x')\\</script\\>"));
    assert!(
        md.text
            .contains("- **Anmälda händelser**: 12\u{a0}345 (-12\u{a0}% mot 2019)")
    );
    assert_eq!(md.images.len(), 5);
    assert_eq!(md.images[0].0, "figur-1.png");
    assert!(
        md.text
            .contains("](figur-1.png)\n\n**Figur 1.** Resurser per part, timmar.")
    );
    assert!(md.text.contains("[Brå:s handbok](https://bra.se/)"));
    let prefixed = markdown::markdown_with_prefix(&doc, "bilder/v47-").unwrap();
    assert_eq!(prefixed.images[4].0, "bilder/v47-figur-5.png");
    let evil = markdown::markdown(&evil_document()).unwrap().text;
    assert!(!evil.contains("<script>") && !evil.contains("javascript:"));
}

fn unzip(bytes: &[u8]) -> zip::ZipArchive<std::io::Cursor<Vec<u8>>> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap()
}

fn entry(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn docx_round_trip_has_headings_tables_and_images() {
    let doc = common::document();
    let bytes = docx::docx(&doc).unwrap();

    // Parsed back by docx-rs: the headings in their Word styles, in order.
    let parsed = docx_rs::read_docx(&bytes).unwrap();
    let mut headings = Vec::new();
    for child in &parsed.document.children {
        if let docx_rs::DocumentChild::Paragraph(p) = child
            && let Some(style) = &p.property.style
            && (style.val.starts_with("Heading") || style.val == "Title")
        {
            headings.push((style.val.clone(), p.raw_text()));
        }
    }
    let expected: Vec<(String, String)> = std::iter::once(("Title".to_string(), doc.title.clone()))
        .chain(doc.blocks.iter().filter_map(|b| match b {
            Block::Heading { level, text } => Some((format!("Heading{level}"), text.clone())),
            _ => None,
        }))
        .collect();
    assert_eq!(headings, expected);
    let tables = parsed
        .document
        .children
        .iter()
        .filter(|c| matches!(c, docx_rs::DocumentChild::Table(_)))
        .count();
    assert_eq!(tables, 2, "the resource table and the key figures");

    // The raw parts: heading styles for the navigation pane, figures, images, page breaks.
    let mut zip = unzip(&bytes);
    let styles = String::from_utf8(entry(&mut zip, "word/styles.xml")).unwrap();
    for level in 1..=3 {
        let at = styles
            .find(&format!("w:styleId=\"Heading{level}\""))
            .unwrap();
        let def = &styles[at..at + styles[at..].find("</w:style>").unwrap()];
        assert!(
            def.contains(&format!("<w:name w:val=\"heading {level}\"")),
            "{def}"
        );
        assert!(
            def.contains(&format!("<w:outlineLvl w:val=\"{}\"", level - 1)),
            "{def}"
        );
    }
    let mut ids: Vec<&str> = styles
        .split("w:styleId=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "every style id once");
    assert!(
        styles.contains("<w:lang w:val=\"sv-SE\""),
        "Swedish spelling"
    );
    let core = String::from_utf8(entry(&mut zip, "docProps/core.xml")).unwrap();
    assert!(core.contains("<dc:title>Sammanställning av åtagandeplanen 2020</dc:title>"));
    let numbering = String::from_utf8(entry(&mut zip, "word/numbering.xml")).unwrap();
    assert_eq!(
        numbering.matches("w:abstractNumId=\"2\"").count(),
        1,
        "one bullet list definition"
    );
    assert!(numbering.contains("<w:num w:numId=\"2\"><w:abstractNumId w:val=\"2\" />"));
    assert!(numbering.contains("<w:lvlText w:val=\"•\""));
    let xml = String::from_utf8(entry(&mut zip, "word/document.xml")).unwrap();
    assert_eq!(
        xml.matches("<w:numId w:val=\"2\"").count(),
        3,
        "three bullets"
    );
    // Every picture has its own id and the alt text.
    let mut doc_prs: Vec<&str> = xml
        .split("<wp:docPr id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(doc_prs.len(), 5);
    doc_prs.dedup();
    assert_eq!(doc_prs.len(), 5, "unique picture ids");
    assert!(
        xml.contains("descr=\"Stapeldiagram: Resurser per part 2020 (timmar)."),
        "alt text"
    );
    assert!(xml.contains("Resurser per part och åtagande"));
    assert!(xml.contains("1\u{a0}840") && xml.contains("2\u{a0}042\u{a0}500"));
    assert!(xml.contains("Tabell 1. ") && xml.contains("Figur 5. "));
    assert_eq!(xml.matches("<w:br w:type=\"page\"").count(), 2);
    assert_eq!(
        xml.matches("<w:tblHeader />").count(),
        1,
        "the table's header row repeats on each page"
    );
    assert!(xml.contains("&lt;script&gt;") && !xml.contains("<script>"));
    assert_eq!(xml.matches("<pic:pic").count(), 5);
    // Every image is at most the text width (16,5 cm = 5 939 790 EMU).
    for ext in xml.split("<wp:extent cx=\"").skip(1) {
        let cx: u64 = ext[..ext.find('"').unwrap()].parse().unwrap();
        assert!(cx <= 5_939_790 && cx > 3_000_000, "image width {cx} EMU");
    }
    let figures: Vec<&Image> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure(f) => Some(&f.image),
            _ => None,
        })
        .collect();
    let media: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("word/media/"))
        .map(str::to_string)
        .collect();
    let mut pngs: Vec<Vec<u8>> = media
        .iter()
        .filter(|n| n.ends_with(".png"))
        .map(|n| entry(&mut zip, n))
        .collect();
    assert_eq!(pngs.len(), 5, "{media:?}");
    for f in figures {
        let i = pngs
            .iter()
            .position(|p| *p == f.png)
            .expect("every figure's PNG is embedded unchanged");
        pngs.remove(i);
    }
}

#[test]
fn docx_survives_control_characters_from_excel() {
    // Excel writes a line break inside a cell as U+000B, which XML 1.0 forbids.
    let doc = Document {
        title: "Rad\u{b}brytning".into(),
        blocks: vec![
            Block::text("Första\u{b}andra\u{1}tredje"),
            Block::Table(Table {
                caption: "Celler".into(),
                columns: vec![Column::text("Text")],
                rows: vec![vec!["a\u{b}b".into()]],
                total: None,
            }),
        ],
        ..Document::default()
    };
    let bytes = docx::docx(&doc).unwrap();
    let parsed = docx_rs::read_docx(&bytes).unwrap();
    let texts: Vec<String> = parsed
        .document
        .children
        .iter()
        .filter_map(|c| match c {
            docx_rs::DocumentChild::Paragraph(p) => Some(p.raw_text()),
            _ => None,
        })
        .collect();
    assert!(
        texts.contains(&"Första andra tredje".to_string()),
        "{texts:?}"
    );
    let xml = String::from_utf8(entry(&mut unzip(&bytes), "word/document.xml")).unwrap();
    assert!(!xml.contains('\u{b}') && !xml.contains('\u{1}'));
}

#[test]
fn invalid_documents_are_refused_with_a_reason() {
    let mut doc = common::document();
    doc.blocks.push(Block::heading(4, "För djup"));
    let err = html::html(&doc).unwrap_err();
    assert!(matches!(err, ReportError::HeadingLevel { level: 4, .. }));
    let mut doc = common::document();
    doc.blocks.push(Block::Table(Table {
        caption: "Sned".into(),
        columns: vec![Column::text("A"), Column::number("B")],
        rows: vec![vec!["x".into()]],
        total: None,
    }));
    let err = docx::docx(&doc).unwrap_err().to_string();
    assert!(
        err.contains("row 1 has 1 cells but the table has 2 columns"),
        "{err}"
    );
    assert!(Image::from_png(b"GIF89a".to_vec(), "gif").is_err());
    let doc = Document {
        blocks: vec![Block::Table(Table {
            caption: "Tom".into(),
            columns: vec![],
            rows: vec![],
            total: None,
        })],
        ..Document::default()
    };
    assert!(matches!(
        html::html(&doc),
        Err(ReportError::InvalidInput { .. })
    ));
    let mut img = chart::line(&common::weekly()).unwrap();
    img.width += 1;
    let doc = Document {
        blocks: vec![Block::figure("fel", img)],
        ..Document::default()
    };
    assert!(matches!(
        markdown::markdown(&doc),
        Err(ReportError::InvalidImage { .. })
    ));
}

/// A follow-up's two charts (#20): the control area has one colour in both (grey, as the
/// second series of every line chart; red is the buffer zone's), and a legend too long for one
/// row wraps onto a second instead of running off the image.
#[test]
fn follow_up_charts_share_colours_and_wrap_their_legend() {
    let ba = common::before_after();
    let before_after = decode(&chart::before_after(&ba).unwrap().png);
    assert!(
        count(&before_after, [140, 140, 140]) > 1000,
        "the control area is grey"
    );
    assert_eq!(
        count(&before_after, [214, 96, 77]),
        0,
        "no red: red is the buffer zone"
    );
    let long = |role: &str| {
        format!(
            "{role}: Gottsunda (ungefärlig), Valsätra (ungefärlig), Sävja (ungefärlig), Stenhagen (ungefärlig)"
        )
    };
    let three = chart::LineChart {
        title: "Effekt och förflyttning: alla tre områdena".into(),
        y_label: "Händelser per månad".into(),
        x_label: "Månad".into(),
        x_labels: ba.months.clone(),
        series: vec![
            chart::Series::new(long("Åtgärdsområde"), ba.treated.values.clone()),
            chart::Series::new(long("Kontrollområde"), ba.control.values.clone()),
            chart::Series::new(
                long("Buffertzon"),
                ba.control.values.iter().map(|v| v + 5.0).collect(),
            ),
        ],
        lang: trygg_report::Lang::Sv,
    };
    let png = chart::line(&three).unwrap().png;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/charts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("follow-up-three-areas.png"), &png).unwrap();
    let lines = decode(&png);
    assert!(
        count(&lines, [140, 140, 140]) > 1000,
        "the control area is grey here too"
    );
    assert!(
        count(&lines, [214, 96, 77]) > 1000,
        "the buffer zone is red"
    );
    // The legend's keys: each series' colour in the strip at the left edge, one per row.
    let (w, _, px) = &lines;
    let near = |p: [u8; 3], c: [u8; 3]| p.iter().zip(c).all(|(a, b)| a.abs_diff(b) < 24);
    let key_rows = |c: [u8; 3]| -> Vec<u32> {
        let mut rows: Vec<u32> = (60..300u32)
            .filter(|y| (50..100u32).any(|x| near(px[(y * w + x) as usize], c)))
            .collect();
        rows.dedup_by(|a, b| a.abs_diff(*b) <= 8);
        rows
    };
    let (blue, red) = (key_rows([31, 95, 168]), key_rows([214, 96, 77]));
    assert_eq!(blue.len(), 1, "{blue:?}");
    assert_eq!(red.len(), 1, "{red:?}");
    assert!(
        red[0] > blue[0] + 20,
        "the third entry starts a row of its own: {blue:?} {red:?}"
    );
}
