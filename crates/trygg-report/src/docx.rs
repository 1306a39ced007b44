//! Word (DOCX) output with `docx-rs`: the title in Word's *Title* style, headings in *Heading 1–3*
//! (outline levels 0–2, so the navigation pane and a table of contents work), tables with a
//! shaded header row and right-aligned number columns, PNG figures scaled to the text width,
//! captions in the *Caption* style, page breaks, and a footer with the page number. A4 portrait.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, Footer, Hyperlink, HyperlinkData,
    HyperlinkType, IndentLevel, Level, LevelJc, LevelText, LineSpacing, NumberFormat, Numbering,
    NumberingId, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts, Shading, SpecialIndentType,
    Start, Style, StyleType, TableCell, TableRow, WidthType,
};

use crate::model::safe_url;
use crate::{Align, Block, Document, Inline, KeyFigure, ReportError, Result, Table};

/// A4 in twentieths of a point.
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN_TOP: i32 = 1_134; // 2 cm
const MARGIN_BOTTOM: i32 = 1_134;
const MARGIN_LEFT: i32 = 1_418; // 2.5 cm
const MARGIN_RIGHT: i32 = 1_134;
/// The text width in twips (16.5 cm).
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT as u32 - MARGIN_RIGHT as u32;
const EMU_PER_TWIP: u64 = 635;
/// The tallest figure, as a share of the text height, so that a caption fits below it.
const MAX_FIGURE_HEIGHT_SHARE: f64 = 0.62;

const ACCENT: &str = "12355B";
/// The header row of a data table (also how the package patch finds it to repeat it).
const HEADER_FILL: &str = "E4EAF2";
const KEY_FIGURE_FILL: &str = "EEF2F7";
/// docx-rs writes a default numbering with id 1; the bullets use 2.
const BULLETS: usize = 2;

/// Renders `doc` as a `.docx` file.
pub fn docx(doc: &Document) -> Result<Vec<u8>> {
    doc.validate()?;
    let mut d = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(567)
                .footer(567),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Calibri")
                .hi_ansi("Calibri")
                .cs("Calibri"),
        )
        .default_size(22)
        .default_line_spacing(LineSpacing::new().after(140).line(264));
    for style in styles() {
        d = d.add_style(style);
    }
    d = d
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS).add_level(
                Level::new(
                    0,
                    Start::new(1),
                    NumberFormat::new("bullet"),
                    LevelText::new("•"),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(567),
                    Some(SpecialIndentType::Hanging(283)),
                    None,
                    None,
                ),
            ),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(
                        Run::new()
                            .add_text(clean(&format!("{} – sida ", doc.title)))
                            .size(18)
                            .color("555555"),
                    )
                    .add_page_num(PageNum::new()),
            ),
        );

    d = d.add_paragraph(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(clean(&doc.title))),
    );
    if let Some(sub) = &doc.subtitle {
        d = d.add_paragraph(
            Paragraph::new()
                .style("Subtitle")
                .add_run(Run::new().add_text(clean(sub))),
        );
    }
    let meta: Vec<String> = [
        (doc.words().organisation, &doc.meta.organisation),
        (doc.words().period, &doc.meta.period),
        (doc.words().generated, &doc.meta.generated_at),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}: {v}"))
    .collect();
    if !meta.is_empty() {
        d = d.add_paragraph(
            Paragraph::new()
                .style("Meta")
                .add_run(Run::new().add_text(clean(&meta.join("   ·   ")))),
        );
    }

    let (mut tables, mut figures, mut links) = (0usize, 0usize, 0usize);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                d = d.add_paragraph(
                    Paragraph::new()
                        .style(&format!("Heading{level}"))
                        .keep_next(true)
                        .add_run(Run::new().add_text(clean(text))),
                );
            }
            Block::Paragraph(inlines) => {
                d = d.add_paragraph(runs(Paragraph::new(), inlines, &mut links));
            }
            Block::Bullets(items) => {
                for item in items {
                    d = d.add_paragraph(runs(
                        Paragraph::new()
                            .style("ListParagraph")
                            .numbering(NumberingId::new(BULLETS), IndentLevel::new(0)),
                        item,
                        &mut links,
                    ));
                }
            }
            Block::Table(t) => {
                tables += 1;
                d = d.add_paragraph(caption(doc.words().table, tables, &t.caption).keep_next(true));
                d = d.add_table(table(t));
                d = d.add_paragraph(Paragraph::new().style("AfterTable"));
            }
            Block::Figure(f) => {
                figures += 1;
                let (w, h) = figure_size_emu(f.image.width, f.image.height);
                let pic =
                    Pic::new_with_dimensions(f.image.png.clone(), f.image.width, f.image.height)
                        .id(format!("rIdImage{figures}"))
                        .size(w, h);
                d = d.add_paragraph(
                    Paragraph::new()
                        .style("Figure")
                        .keep_next(true)
                        .add_run(Run::new().add_image(pic)),
                );
                d = d.add_paragraph(caption(doc.words().figure, figures, &f.caption));
            }
            Block::KeyFigures(kfs) if !kfs.is_empty() => {
                d = d.add_table(key_figures(kfs));
                d = d.add_paragraph(Paragraph::new().style("AfterTable"));
            }
            Block::KeyFigures(_) => {}
            Block::PageBreak => {
                d = d
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
            }
        }
    }

    let mut buf = Cursor::new(Vec::new());
    d.build()
        .pack(&mut buf)
        .map_err(|e| ReportError::Render(format!("packing the DOCX: {e}")))?;
    let alts: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure(f) => Some(f.image.alt.as_str()),
            _ => None,
        })
        .collect();
    finish_package(&buf.into_inner(), doc, &alts)
        .map_err(|e| ReportError::Render(format!("finishing the DOCX: {e}")))
}

/// A rewrite of one XML part of the package.
type Patch = fn(String, &Document, &[&str]) -> std::result::Result<String, String>;

/// What docx-rs cannot write, patched into its package: a unique id and the alt text
/// (`descr`) for every picture (Word's "Alternativ text", and duplicate ids upset Word),
/// Swedish as the document language (spelling and hyphenation), and the title and author in
/// the document properties.
fn finish_package(
    package: &[u8],
    doc: &Document,
    alts: &[&str],
) -> std::result::Result<Vec<u8>, String> {
    use std::io::{Read, Write};
    use zip::write::SimpleFileOptions;

    let mut zin = zip::ZipArchive::new(Cursor::new(package)).map_err(|e| e.to_string())?;
    let mut zout = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(package.len() + 1024)));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let name = zin
            .by_index(i)
            .map_err(|e| e.to_string())?
            .name()
            .to_string();
        let patch: Option<Patch> = match name.as_str() {
            "word/document.xml" => Some(patch_document),
            "word/styles.xml" => Some(patch_styles),
            "docProps/core.xml" => Some(patch_core),
            _ => None,
        };
        match patch {
            Some(patch) => {
                let mut xml = String::new();
                zin.by_index(i)
                    .map_err(|e| e.to_string())?
                    .read_to_string(&mut xml)
                    .map_err(|e| e.to_string())?;
                let xml = patch(xml, doc, alts)?;
                zout.start_file(name, options).map_err(|e| e.to_string())?;
                zout.write_all(xml.as_bytes()).map_err(|e| e.to_string())?;
            }
            None => {
                let file = zin.by_index_raw(i).map_err(|e| e.to_string())?;
                zout.raw_copy_file(file).map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(zout.finish().map_err(|e| e.to_string())?.into_inner())
}

fn patch_document(
    xml: String,
    doc: &Document,
    alts: &[&str],
) -> std::result::Result<String, String> {
    const DOC_PR: &str = "<wp:docPr id=\"1\" name=\"Figure\" />";
    let xml = repeat_header_rows(&xml);
    let parts: Vec<&str> = xml.split(DOC_PR).collect();
    if parts.len() != alts.len() + 1 {
        return Err(format!(
            "expected {} pictures in document.xml, found {}",
            alts.len(),
            parts.len() - 1
        ));
    }
    let mut out =
        String::with_capacity(xml.len() + alts.iter().map(|a| a.len() + 40).sum::<usize>());
    for (i, part) in parts.iter().enumerate() {
        out.push_str(part);
        if let Some(alt) = alts.get(i) {
            out.push_str(&format!(
                "<wp:docPr id=\"{}\" name=\"{} {}\" descr=\"{}\" />",
                1000 + i,
                doc.words().figure,
                i + 1,
                crate::html::escape(alt)
            ));
        }
    }
    Ok(out)
}

/// Marks every table's header row (the row with the header shading) as a heading row, so
/// that Word repeats it on each page a long table runs over.
fn repeat_header_rows(xml: &str) -> String {
    let marker = format!("w:fill=\"{HEADER_FILL}\"");
    let mut out = String::with_capacity(xml.len() + 256);
    for (i, row) in xml.split("<w:tr>").enumerate() {
        if i > 0 {
            out.push_str("<w:tr>");
        }
        let end = row.find("</w:tr>").unwrap_or(row.len());
        if i > 0 && row[..end].contains(&marker) {
            out.push_str(&row.replacen(
                "<w:trPr><w:cantSplit /></w:trPr>",
                "<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>",
                1,
            ));
        } else {
            out.push_str(row);
        }
    }
    out
}

fn patch_styles(xml: String, doc: &Document, _: &[&str]) -> std::result::Result<String, String> {
    const END: &str = "</w:rPr></w:rPrDefault>";
    if !xml.contains(END) {
        return Err("no run defaults in styles.xml".into());
    }
    let locale = doc.words().locale;
    Ok(xml.replacen(
        END,
        &format!(
            "<w:lang w:val=\"{locale}\" w:eastAsia=\"{locale}\" w:bidi=\"ar-SA\" /></w:rPr></w:rPrDefault>"
        ),
        1,
    ))
}

fn patch_core(xml: String, doc: &Document, _: &[&str]) -> std::result::Result<String, String> {
    let author = if doc.meta.organisation.is_empty() {
        "trygg".to_string()
    } else {
        crate::html::escape(&doc.meta.organisation)
    };
    let title = format!("<dc:title>{}</dc:title>", crate::html::escape(&doc.title));
    Ok(xml
        .replacen(
            "<dc:creator>unknown</dc:creator>",
            &format!("{title}<dc:creator>{author}</dc:creator>"),
            1,
        )
        .replacen(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            "<cp:lastModifiedBy>trygg</cp:lastModifiedBy>",
            1,
        ))
}

fn styles() -> Vec<Style> {
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
    };
    let heading = |level: usize, size: usize, before: u32| {
        para(&format!("Heading{level}"), &format!("heading {level}"))
            .outline_lvl(level - 1)
            .size(size)
            .bold()
            .color(ACCENT)
            .line_spacing(LineSpacing::new().before(before).after(100))
    };
    vec![
        para("Title", "Title")
            .size(52)
            .bold()
            .color(ACCENT)
            .line_spacing(LineSpacing::new().after(80)),
        para("Subtitle", "Subtitle")
            .size(28)
            .color("333333")
            .line_spacing(LineSpacing::new().after(120)),
        para("Meta", "trygg metadata")
            .size(19)
            .color("444444")
            .line_spacing(LineSpacing::new().after(360)),
        heading(1, 32, 360),
        heading(2, 26, 280),
        heading(3, 23, 200),
        para("Caption", "caption")
            .size(19)
            .color("333333")
            .line_spacing(LineSpacing::new().before(60).after(200)),
        para("Figure", "trygg figur")
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(120).after(0)),
        para("ListParagraph", "List Paragraph").line_spacing(LineSpacing::new().after(60)),
        para("TableText", "trygg tabelltext")
            .size(19)
            .line_spacing(LineSpacing::new().after(0).line(240)),
        para("AfterTable", "trygg efter tabell")
            .size(8)
            .line_spacing(LineSpacing::new().after(120).line(240)),
    ]
}

/// The runs of a paragraph. Links get relationship ids numbered per document (`links`), not
/// docx-rs' process-wide counter, which two documents built at once could share.
fn runs(mut p: Paragraph, inlines: &[Inline], links: &mut usize) -> Paragraph {
    for i in inlines {
        p = match i {
            Inline::Text(t) => p.add_run(Run::new().add_text(clean(t))),
            Inline::Strong(t) => p.add_run(Run::new().add_text(clean(t)).bold()),
            Inline::Emphasis(t) => p.add_run(Run::new().add_text(clean(t)).italic()),
            Inline::Link { text, url } if safe_url(url) && !url.trim().starts_with(['/', '#']) => {
                *links += 1;
                let mut link = Hyperlink::new(url.trim(), HyperlinkType::External).add_run(
                    Run::new()
                        .add_text(clean(text))
                        .color("1F4E9C")
                        .underline("single"),
                );
                if let HyperlinkData::External { rid, .. } = &mut link.link {
                    *rid = format!("rIdTryggLink{links}");
                }
                p.add_hyperlink(link)
            }
            Inline::Link { text, .. } => p.add_run(Run::new().add_text(clean(text))),
        };
    }
    p
}

/// Text as Word can store it: XML 1.0 forbids most control characters (Excel's line break in
/// a cell is U+000B), so they become spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r')
                || matches!(c, '\u{fffe}' | '\u{ffff}')
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn caption(kind: &str, n: usize, text: &str) -> Paragraph {
    Paragraph::new()
        .style("Caption")
        .add_run(Run::new().add_text(format!("{kind} {n}. ")).bold())
        .add_run(Run::new().add_text(clean(text)))
}

/// The figure's size in EMU: the text width, or less when its height would not fit.
fn figure_size_emu(width_px: u32, height_px: u32) -> (u32, u32) {
    let text_w = f64::from(TEXT_W) * EMU_PER_TWIP as f64;
    let text_h = f64::from(PAGE_H - MARGIN_TOP as u32 - MARGIN_BOTTOM as u32) * EMU_PER_TWIP as f64;
    let aspect = f64::from(height_px) / f64::from(width_px);
    let mut w = text_w;
    let mut h = w * aspect;
    let max_h = text_h * MAX_FIGURE_HEIGHT_SHARE;
    if h > max_h {
        h = max_h;
        w = h / aspect;
    }
    (w.round() as u32, h.round() as u32)
}

/// Column widths in twips, from the longest text in each column.
fn column_widths(t: &Table) -> Vec<usize> {
    let n = t.columns.len().max(1);
    let lens: Vec<f64> = (0..n)
        .map(|i| {
            let longest = t
                .rows
                .iter()
                .chain(t.total.iter())
                .filter_map(|r| r.get(i))
                .chain(t.columns.get(i).map(|c| &c.title))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(1);
            (longest as f64).clamp(4.0, 40.0)
        })
        .collect();
    let sum: f64 = lens.iter().sum();
    lens.iter()
        .map(|l| (f64::from(TEXT_W) * l / sum).round() as usize)
        .collect()
}

fn table(t: &Table) -> docx_rs::Table {
    let widths = column_widths(t);
    let cell = |text: &str, i: usize, bold: bool, fill: Option<&str>| {
        let mut run = Run::new().add_text(clean(text));
        if bold {
            run = run.bold();
        }
        let mut p = Paragraph::new().style("TableText").add_run(run);
        if t.columns.get(i).map(|c| c.align) == Some(Align::Right) {
            p = p.align(AlignmentType::Right);
        }
        let mut c = TableCell::new()
            .add_paragraph(p)
            .width(widths[i], WidthType::Dxa);
        if let Some(fill) = fill {
            c = c.shading(Shading::new().fill(fill));
        }
        c
    };
    let mut rows = Vec::with_capacity(t.rows.len() + 2);
    rows.push(
        TableRow::new(
            t.columns
                .iter()
                .enumerate()
                .map(|(i, c)| cell(&c.title, i, true, Some(HEADER_FILL)))
                .collect(),
        )
        .cant_split(),
    );
    for (r, row) in t.rows.iter().enumerate() {
        let fill = (r % 2 == 1).then_some("F7F9FB");
        rows.push(
            TableRow::new(
                row.iter()
                    .enumerate()
                    .map(|(i, s)| cell(s, i, false, fill))
                    .collect(),
            )
            .cant_split(),
        );
    }
    if let Some(total) = &t.total {
        rows.push(
            TableRow::new(
                total
                    .iter()
                    .enumerate()
                    .map(|(i, s)| cell(s, i, true, None))
                    .collect(),
            )
            .cant_split(),
        );
    }
    docx_rs::Table::new(rows)
        .set_grid(widths)
        .width(TEXT_W as usize, WidthType::Dxa)
}

fn key_figures(kfs: &[KeyFigure]) -> docx_rs::Table {
    let per_row = kfs.len().clamp(1, 4);
    let w = TEXT_W as usize / per_row;
    let rows =
        kfs.chunks(per_row)
            .map(|chunk| {
                let mut cells: Vec<TableCell> = chunk
                    .iter()
                    .map(|kf| {
                        let mut c = TableCell::new()
                            .width(w, WidthType::Dxa)
                            .shading(Shading::new().fill(KEY_FIGURE_FILL))
                            .add_paragraph(
                                Paragraph::new().style("TableText").add_run(
                                    Run::new()
                                        .add_text(clean(&kf.value))
                                        .bold()
                                        .size(36)
                                        .color(ACCENT),
                                ),
                            )
                            .add_paragraph(
                                Paragraph::new()
                                    .style("TableText")
                                    .add_run(Run::new().add_text(clean(&kf.label)).bold()),
                            );
                        if let Some(note) = &kf.note {
                            c = c.add_paragraph(Paragraph::new().style("TableText").add_run(
                                Run::new().add_text(clean(note)).size(17).color("555555"),
                            ));
                        }
                        c
                    })
                    .collect();
                while cells.len() < per_row {
                    cells.push(
                        TableCell::new()
                            .width(w, WidthType::Dxa)
                            .add_paragraph(Paragraph::new()),
                    );
                }
                TableRow::new(cells).cant_split()
            })
            .collect();
    docx_rs::Table::new(rows)
        .set_grid(vec![w; per_row])
        .width(TEXT_W as usize, WidthType::Dxa)
}
