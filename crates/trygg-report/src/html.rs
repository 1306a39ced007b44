//! Print-ready HTML: a standalone A4 page ([`html`]) and a body fragment for the web app
//! ([`html_fragment`]). Every text is escaped; images are embedded as `data:image/png` URIs.

use std::fmt::Write;

use base64::Engine;

use crate::model::safe_url;
use crate::{Align, Block, Document, Inline, KeyFigure, Result, Table};

/// The print style sheet of the standalone page.
const CSS: &str = r#"
@page { size: A4; margin: 20mm 18mm 22mm 18mm;
  @bottom-right { content: "{page} " counter(page) " {of} " counter(pages); font: 9pt "Source Sans 3", "Segoe UI", Arial, sans-serif; color: #555; } }
html { font-family: "Source Sans 3", "Segoe UI", Calibri, Arial, sans-serif; font-size: 11pt; line-height: 1.45; color: #1a1a1a; }
body { margin: 0 auto; max-width: 180mm; padding: 12mm 0; }
@media print { body { max-width: none; padding: 0; } }
"#;

/// The content styles (scoped to `.trygg-report`): inlined in the page, and for the fragment a
/// style sheet of its own, which the web app serves as `/assets/report.css` (its pages allow no
/// inline styles).
pub const CONTENT_CSS: &str = r#"
.trygg-report h1 { font-size: 24pt; line-height: 1.15; margin: 0 0 4pt; color: #12355b; }
.trygg-report .subtitle { font-size: 14pt; margin: 0 0 8pt; color: #333; }
.trygg-report .meta { display: flex; flex-wrap: wrap; gap: 4pt 18pt; margin: 0 0 18pt; padding: 6pt 0; border-top: 2px solid #12355b; border-bottom: 1px solid #ccc; font-size: 10pt; color: #444; }
.trygg-report .meta dt { font-weight: 600; display: inline; }
.trygg-report .meta dd { display: inline; margin: 0 0 0 4pt; }
.trygg-report h2 { font-size: 17pt; margin: 20pt 0 6pt; color: #12355b; break-after: avoid; }
.trygg-report h3 { font-size: 13.5pt; margin: 14pt 0 4pt; color: #12355b; break-after: avoid; }
.trygg-report h4 { font-size: 11.5pt; margin: 12pt 0 4pt; break-after: avoid; }
.trygg-report p { margin: 0 0 8pt; orphans: 3; widows: 3; }
.trygg-report ul { margin: 0 0 8pt; padding-left: 18pt; }
.trygg-report table { border-collapse: collapse; width: 100%; margin: 4pt 0 12pt; font-size: 10pt; font-variant-numeric: tabular-nums; }
.trygg-report caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 4pt; }
.trygg-report th, .trygg-report td { padding: 3pt 6pt; border-bottom: 1px solid #d0d5dd; text-align: left; vertical-align: top; }
.trygg-report thead th { border-bottom: 2px solid #12355b; background: #eef2f7; }
.trygg-report tbody tr:nth-child(even) td { background: #f7f9fb; }
.trygg-report tfoot td { font-weight: 700; border-top: 2px solid #12355b; border-bottom: none; }
.trygg-report .num { text-align: right; white-space: nowrap; }
.trygg-report th.num { white-space: normal; }
.trygg-report .table-scroll { overflow-x: auto; max-width: 100%; }
.trygg-report .table-scroll:focus-visible { outline: 2px solid #12355b; outline-offset: 2px; }
.trygg-report thead { display: table-header-group; }
.trygg-report tr { break-inside: avoid; }
.trygg-report figure { margin: 8pt 0 14pt; break-inside: avoid; }
.trygg-report figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.trygg-report figcaption { font-size: 10pt; color: #333; margin-top: 4pt; }
.trygg-report .label { font-weight: 600; }
.trygg-report .key-figures { display: flex; flex-wrap: wrap; gap: 8pt; margin: 6pt 0 14pt; break-inside: avoid; }
.trygg-report .key-figure { flex: 1 1 0; min-width: 120pt; border: 1px solid #d0d5dd; border-top: 4px solid #12355b; padding: 6pt 8pt; }
.trygg-report .key-figure .kf-value { display: block; font-size: 20pt; font-weight: 700; color: #12355b; line-height: 1.1; }
.trygg-report .key-figure .kf-label { display: block; font-weight: 600; }
.trygg-report .key-figure .kf-note { display: block; font-size: 9.5pt; color: #555; }
.trygg-report .page-break { break-after: page; height: 0; }
"#;

/// A standalone, print-ready HTML page (UTF-8, `lang` of the document, A4 page rules).
pub fn html(doc: &Document) -> Result<String> {
    doc.validate()?;
    let words = doc.words();
    let mut out = String::with_capacity(4096);
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">",
        doc.meta.lang.code()
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(&doc.title));
    out.push_str("<meta name=\"generator\" content=\"trygg\">\n");
    out.push_str("<style>");
    out.push_str(
        &CSS.replace("{page}", words.page_of.0)
            .replace("{of}", words.page_of.1),
    );
    out.push_str(CONTENT_CSS);
    out.push_str("</style>\n</head>\n<body>\n");
    body(doc, &mut out, true);
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

/// The report as an `<article class="trygg-report">` for embedding in a page of the web app,
/// styled by [`CONTENT_CSS`] (the page links it; the fragment holds no `<style>`, so it fits
/// under a Content-Security-Policy without inline styles). Page breaks are left out.
pub fn html_fragment(doc: &Document) -> Result<String> {
    doc.validate()?;
    let mut out = String::with_capacity(4096);
    body(doc, &mut out, false);
    Ok(out)
}

fn body(doc: &Document, out: &mut String, page_breaks: bool) {
    let words = doc.words();
    let _ = writeln!(
        out,
        "<article class=\"trygg-report\" lang=\"{}\">\n<header>",
        doc.meta.lang.code()
    );
    let _ = writeln!(out, "<h1>{}</h1>", esc(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", esc(sub));
    }
    let meta = [
        (words.organisation, &doc.meta.organisation),
        (words.period, &doc.meta.period),
        (words.generated, &doc.meta.generated_at),
    ];
    if meta.iter().any(|(_, v)| !v.is_empty()) {
        out.push_str("<dl class=\"meta\">");
        for (k, v) in meta.iter().filter(|(_, v)| !v.is_empty()) {
            let _ = write!(out, "<div><dt>{k}:</dt><dd>{}</dd></div>", esc(v));
        }
        out.push_str("</dl>\n");
    }
    out.push_str("</header>\n");
    let (mut tables, mut figures) = (0, 0);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let h = level + 1;
                let _ = writeln!(out, "<h{h}>{}</h{h}>", esc(text));
            }
            Block::Paragraph(inlines) => {
                out.push_str("<p>");
                inline(inlines, out);
                out.push_str("</p>\n");
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    out.push_str("<li>");
                    inline(item, out);
                    out.push_str("</li>\n");
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => {
                tables += 1;
                table(t, words.table, tables, out);
            }
            Block::Figure(f) => {
                figures += 1;
                let b64 = base64::engine::general_purpose::STANDARD.encode(&f.image.png);
                let _ = writeln!(
                    out,
                    "<figure>\n<img src=\"data:image/png;base64,{b64}\" width=\"{}\" height=\"{}\" alt=\"{}\">\n<figcaption><span class=\"label\">{} {figures}.</span> {}</figcaption>\n</figure>",
                    f.image.width,
                    f.image.height,
                    esc(&f.image.alt),
                    words.figure,
                    esc(&f.caption)
                );
            }
            Block::KeyFigures(kfs) => key_figures(kfs, out),
            Block::PageBreak => {
                if page_breaks {
                    out.push_str("<div class=\"page-break\"></div>\n");
                }
            }
        }
    }
    out.push_str("</article>\n");
}

fn table(t: &Table, label: &str, n: usize, out: &mut String) {
    let class = |i: usize| match t.columns.get(i).map(|c| c.align) {
        Some(Align::Right) => " class=\"num\"",
        _ => "",
    };
    // A table wider than a phone scrolls sideways in its own box (focusable, so that a keyboard
    // can scroll it too), never the page.
    let _ = writeln!(
        out,
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{label} {n}\">"
    );
    out.push_str("<table>\n");
    let _ = writeln!(
        out,
        "<caption><span class=\"label\">{label} {n}.</span> {}</caption>",
        esc(&t.caption)
    );
    out.push_str("<thead><tr>");
    for (i, c) in t.columns.iter().enumerate() {
        let _ = write!(out, "<th scope=\"col\"{}>{}</th>", class(i), esc(&c.title));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n");
    if let Some(total) = &t.total {
        out.push_str("<tfoot><tr>");
        for (i, cell) in total.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), esc(cell));
        }
        out.push_str("</tr></tfoot>\n");
    }
    out.push_str("</table>\n</div>\n");
}

fn key_figures(kfs: &[KeyFigure], out: &mut String) {
    out.push_str("<div class=\"key-figures\">\n");
    for kf in kfs {
        let _ = write!(
            out,
            "<div class=\"key-figure\"><span class=\"kf-value\">{}</span><span class=\"kf-label\">{}</span>",
            esc(&kf.value),
            esc(&kf.label)
        );
        if let Some(note) = &kf.note {
            let _ = write!(out, "<span class=\"kf-note\">{}</span>", esc(note));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

fn inline(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) => out.push_str(&esc(t)),
            Inline::Strong(t) => {
                let _ = write!(out, "<strong>{}</strong>", esc(t));
            }
            Inline::Emphasis(t) => {
                let _ = write!(out, "<em>{}</em>", esc(t));
            }
            Inline::Link { text, url } if safe_url(url) => {
                let _ = write!(out, "<a href=\"{}\">{}</a>", esc(url.trim()), esc(text));
            }
            Inline::Link { text, .. } => out.push_str(&esc(text)),
        }
    }
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn escape(s: &str) -> String {
    esc(s)
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
