//! GitHub-flavoured Markdown. Images are written as references to files returned alongside
//! the text (`figur-1.png`, …); table cells have `|` escaped.

use std::fmt::Write;

use crate::model::safe_url;
use crate::{Align, Block, Document, Inline, Result};

/// Markdown text plus the image files it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownOutput {
    /// The Markdown text (UTF-8, `\n` line ends).
    pub text: String,
    /// `(file name, PNG bytes)` for every figure, in order; the text refers to them by the
    /// bare file name, so write them next to the Markdown file.
    pub images: Vec<(String, Vec<u8>)>,
}

/// Renders `doc` as GitHub-flavoured Markdown. Image files are named `{prefix}figur-{n}.png`
/// with `prefix` = "" (use [`markdown_with_prefix`] to put them in a folder or to keep the
/// names of several reports apart).
pub fn markdown(doc: &Document) -> Result<MarkdownOutput> {
    markdown_with_prefix(doc, "")
}

/// The Markdown as one zip archive for a download: `{stem}.md` and its images in the folder
/// `{stem}-bilder/`, which the text refers to, so the archive unpacks into a working document.
pub fn markdown_zip(doc: &Document, stem: &str) -> Result<Vec<u8>> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let folder = format!("{stem}-bilder/");
    let md = markdown_with_prefix(doc, &folder)?;
    let fail = |e: &dyn std::fmt::Display| crate::ReportError::Render(format!("zip: {e}"));
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflate = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file(format!("{stem}.md"), deflate)
        .map_err(|e| fail(&e))?;
    z.write_all(md.text.as_bytes()).map_err(|e| fail(&e))?;
    for (name, png) in &md.images {
        z.start_file(name.clone(), stored).map_err(|e| fail(&e))?;
        z.write_all(png).map_err(|e| fail(&e))?;
    }
    Ok(z.finish().map_err(|e| fail(&e))?.into_inner())
}

/// Like [`markdown`], with the image file names prefixed (e.g. `"lagesbild-v47-"` or
/// `"bilder/"`; the prefix is used as given in the text, so keep it URL-safe).
pub fn markdown_with_prefix(doc: &Document, prefix: &str) -> Result<MarkdownOutput> {
    doc.validate()?;
    let mut out = String::with_capacity(4096);
    let mut images = Vec::new();
    let _ = writeln!(out, "# {}\n", line(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(out, "**{}**\n", text(sub));
    }
    let meta = [
        (doc.words().organisation, &doc.meta.organisation),
        (doc.words().period, &doc.meta.period),
        (doc.words().generated, &doc.meta.generated_at),
    ];
    let meta: Vec<String> = meta
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {}", text(v)))
        .collect();
    if !meta.is_empty() {
        let _ = writeln!(out, "_{}_\n", meta.join(" · "));
    }
    let (mut tables, mut figures) = (0, 0);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let hashes = "#".repeat(usize::from(*level) + 1);
                let _ = writeln!(out, "{hashes} {}\n", line(text));
            }
            Block::Paragraph(inlines) => {
                let _ = writeln!(out, "{}\n", inline(inlines));
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", inline(item));
                }
                out.push('\n');
            }
            Block::Table(t) => {
                tables += 1;
                let _ = writeln!(
                    out,
                    "**{} {tables}.** {}\n",
                    doc.words().table,
                    text(&t.caption)
                );
                let header: Vec<String> = t.columns.iter().map(|c| cell(&c.title)).collect();
                let _ = writeln!(out, "| {} |", header.join(" | "));
                let rule: Vec<&str> = t
                    .columns
                    .iter()
                    .map(|c| match c.align {
                        Align::Left => ":---",
                        Align::Right => "---:",
                    })
                    .collect();
                let _ = writeln!(out, "| {} |", rule.join(" | "));
                for row in &t.rows {
                    let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                if let Some(total) = &t.total {
                    let cells: Vec<String> = total
                        .iter()
                        .map(|c| {
                            let c = cell(c);
                            if c.is_empty() { c } else { format!("**{c}**") }
                        })
                        .collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                out.push('\n');
            }
            Block::Figure(f) => {
                figures += 1;
                let name = format!("{prefix}figur-{figures}.png");
                let _ = writeln!(
                    out,
                    "![{}]({})\n\n**{} {figures}.** {}\n",
                    bracket_text(&f.image.alt),
                    url(&name),
                    doc.words().figure,
                    text(&f.caption)
                );
                images.push((name, f.image.png.clone()));
            }
            Block::KeyFigures(kfs) => {
                for kf in kfs {
                    let _ = write!(out, "- **{}**: {}", text(&kf.label), text(&kf.value));
                    if let Some(note) = &kf.note {
                        let _ = write!(out, " ({})", text(note));
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::PageBreak => {}
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(MarkdownOutput { text: out, images })
}

fn inline(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) => out.push_str(&text(t)),
            Inline::Strong(t) if !t.trim().is_empty() => {
                let _ = write!(out, "**{}**", text(t));
            }
            Inline::Emphasis(t) if !t.trim().is_empty() => {
                let _ = write!(out, "_{}_", text(t));
            }
            Inline::Strong(t) | Inline::Emphasis(t) => out.push_str(&text(t)),
            Inline::Link { text: t, url: u } if safe_url(u) => {
                let _ = write!(out, "[{}]({})", text(t), url(u.trim()));
            }
            Inline::Link { text: t, .. } => out.push_str(&text(t)),
        }
    }
    // A leading marker would turn the paragraph into a heading, quote or list.
    escape_line_start(&out)
}

/// Running text on one line: newlines become spaces, Markdown and HTML syntax is escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn line(s: &str) -> String {
    escape_line_start(&text(s))
}

fn escape_line_start(s: &str) -> String {
    let t = s.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let ordered = digits > 0 && matches!(t.as_bytes().get(digits), Some(b'.' | b')'));
    if t.starts_with('#') || t.starts_with('-') || t.starts_with('+') || t.starts_with('=') {
        format!("\\{t}")
    } else if ordered {
        format!("{}\\{}", &t[..digits], &t[digits..])
    } else {
        t.to_string()
    }
}

fn cell(s: &str) -> String {
    text(s).trim().to_string()
}

/// Alt text inside `![...]`.
fn bracket_text(s: &str) -> String {
    text(s)
}

/// A link target: spaces and parentheses percent-encoded.
fn url(u: &str) -> String {
    u.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}
