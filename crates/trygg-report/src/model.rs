//! The document model every renderer reads.

use crate::{ReportError, Result};

/// A report: a title page head and a sequence of blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The report's title ("Lägesbild vecka 47").
    pub title: String,
    /// An optional subtitle ("Uppsala kommun och lokalpolisområde Uppsala").
    pub subtitle: Option<String>,
    /// Who, for when, generated when.
    pub meta: Meta,
    /// The content, in order.
    pub blocks: Vec<Block>,
}

/// The head facts of a report, already formatted by the caller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// The organisation(s) behind the report ("Uppsala kommun och Polisen").
    pub organisation: String,
    /// The period the report covers ("2020-01-01 – 2020-09-30").
    pub period: String,
    /// When it was generated ("2020-10-05 14:32"); the crate reads no clock.
    pub generated_at: String,
    /// The report's language: the renderers' own words (the head's labels, "Tabell"/"Table",
    /// "Figur"/"Figure", page numbers) and the document language of the HTML and DOCX.
    pub lang: crate::Lang,
}

/// The words a renderer writes itself, in the document's language.
pub(crate) struct Words {
    pub organisation: &'static str,
    pub period: &'static str,
    pub generated: &'static str,
    pub table: &'static str,
    pub figure: &'static str,
    /// ("Sida", "av") for "Sida 2 av 5".
    pub page_of: (&'static str, &'static str),
    /// The BCP 47 tag of the DOCX ("sv-SE").
    pub locale: &'static str,
}

impl Document {
    /// The renderers' own words in the document's language.
    pub(crate) fn words(&self) -> Words {
        match self.meta.lang {
            crate::Lang::Sv => Words {
                organisation: "Organisation",
                period: "Period",
                generated: "Skapad",
                table: "Tabell",
                figure: "Figur",
                page_of: ("Sida", "av"),
                locale: "sv-SE",
            },
            crate::Lang::En => Words {
                organisation: "Organisation",
                period: "Period",
                generated: "Generated",
                table: "Table",
                figure: "Figure",
                page_of: ("Page", "of"),
                locale: "en-GB",
            },
        }
    }
}

/// One block of content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading, level 1 (chapter) to 3. The document title is above level 1.
    Heading {
        /// 1, 2 or 3.
        level: u8,
        /// The heading text.
        text: String,
    },
    /// A paragraph of running text.
    Paragraph(Vec<Inline>),
    /// A bulleted list; each item is a line of inline text.
    Bullets(Vec<Vec<Inline>>),
    /// A table with a caption ("Tabell n. …" is added by the renderers).
    Table(Table),
    /// An image with a caption ("Figur n. …" is added by the renderers).
    Figure(Figure),
    /// A row of key figures ("Anmälda brott 1 234, -12 % mot förra året").
    KeyFigures(Vec<KeyFigure>),
    /// Start a new page here (print and Word; ignored in Markdown and fragments).
    PageBreak,
}

impl Block {
    /// A heading.
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Block::Heading {
            level,
            text: text.into(),
        }
    }

    /// A paragraph of plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Block::Paragraph(vec![Inline::Text(text.into())])
    }

    /// A bulleted list of plain-text items.
    pub fn bullets<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Self {
        Block::Bullets(
            items
                .into_iter()
                .map(|s| vec![Inline::Text(s.into())])
                .collect(),
        )
    }

    /// A figure.
    pub fn figure(caption: impl Into<String>, image: Image) -> Self {
        Block::Figure(Figure {
            caption: caption.into(),
            image,
        })
    }
}

/// A run of inline text.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Bold text.
    Strong(String),
    /// Italic text.
    Emphasis(String),
    /// A link. Only `http:`, `https:` and `mailto:` URLs and relative paths (`/…`, `#…`) become
    /// links; anything else (`javascript:`) is written as plain text.
    Link {
        /// The link text.
        text: String,
        /// The target.
        url: String,
    },
}

impl Inline {
    /// The visible text.
    pub fn text(&self) -> &str {
        match self {
            Inline::Text(t) | Inline::Strong(t) | Inline::Emphasis(t) => t,
            Inline::Link { text, .. } => text,
        }
    }
}

/// Whether a link target is safe to make clickable.
pub(crate) fn safe_url(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("https://")
        || u.starts_with("http://")
        || u.starts_with("mailto:")
        || (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with('#')
}

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    #[default]
    Left,
    /// Number columns (format the numbers with [`crate::fmt_sv`]).
    Right,
}

/// A table column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header text.
    pub title: String,
    /// Left for text, right for numbers.
    pub align: Align,
}

impl Column {
    /// A left-aligned text column.
    pub fn text(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            align: Align::Left,
        }
    }

    /// A right-aligned number column.
    pub fn number(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            align: Align::Right,
        }
    }
}

/// A table of already formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The caption, without "Tabell n.".
    pub caption: String,
    /// The columns (header and alignment).
    pub columns: Vec<Column>,
    /// The body rows; each has one cell per column.
    pub rows: Vec<Vec<String>>,
    /// An optional total row ("Summa"), set in bold.
    pub total: Option<Vec<String>>,
}

/// An image with its caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The caption, without "Figur n.".
    pub caption: String,
    /// The image.
    pub image: Image,
}

/// A PNG image with its pixel size and alt text.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// The PNG file's bytes.
    pub png: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The text alternative (screen readers, Markdown, Word's alt text).
    pub alt: String,
}

impl Image {
    /// Wraps PNG bytes, reading the size from the PNG header.
    pub fn from_png(png: Vec<u8>, alt: impl Into<String>) -> Result<Self> {
        let alt = alt.into();
        let (width, height) = png_size(&png).map_err(|reason| ReportError::InvalidImage {
            alt: alt.clone(),
            reason,
        })?;
        Ok(Self {
            png,
            width,
            height,
            alt,
        })
    }

    pub(crate) fn check(&self) -> Result<()> {
        let (w, h) = png_size(&self.png).map_err(|reason| ReportError::InvalidImage {
            alt: self.alt.clone(),
            reason,
        })?;
        if (w, h) != (self.width, self.height) {
            return Err(ReportError::InvalidImage {
                alt: self.alt.clone(),
                reason: format!(
                    "the PNG is {w}×{h} pixels but the image says {}×{}; use Image::from_png",
                    self.width, self.height
                ),
            });
        }
        Ok(())
    }
}

/// The size in the IHDR chunk of a PNG.
fn png_size(png: &[u8]) -> std::result::Result<(u32, u32), String> {
    const SIGNATURE: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];
    if png.len() < 24 || png[..8] != SIGNATURE || &png[12..16] != b"IHDR" {
        return Err("it does not start with a PNG signature and header".into());
    }
    let w = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    let h = u32::from_be_bytes([png[20], png[21], png[22], png[23]]);
    if w == 0 || h == 0 {
        return Err("it has zero width or height".into());
    }
    Ok((w, h))
}

/// One key figure.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFigure {
    /// What is counted ("Anmälda inbrott").
    pub label: String,
    /// The formatted value ("1 234").
    pub value: String,
    /// An optional note ("-12 % mot 2019").
    pub note: Option<String>,
}

impl KeyFigure {
    /// A key figure.
    pub fn new(label: impl Into<String>, value: impl Into<String>, note: Option<&str>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            note: note.map(str::to_string),
        }
    }
}

impl Document {
    /// Checks what every renderer relies on: heading levels 1–3, one cell per column in every
    /// table row, PNG images whose header matches their stated size.
    pub fn validate(&self) -> Result<()> {
        for block in &self.blocks {
            match block {
                Block::Heading { level, text } if !(1..=3).contains(level) => {
                    return Err(ReportError::HeadingLevel {
                        text: text.clone(),
                        level: *level,
                    });
                }
                Block::Table(t) => {
                    if t.columns.is_empty() {
                        return Err(ReportError::input(
                            format!("table \"{}\"", t.caption),
                            "give the table at least one column",
                        ));
                    }
                    let expected = t.columns.len();
                    for (i, row) in t.rows.iter().chain(t.total.iter()).enumerate() {
                        if row.len() != expected {
                            return Err(ReportError::TableShape {
                                caption: t.caption.clone(),
                                row: i + 1,
                                expected,
                                found: row.len(),
                            });
                        }
                    }
                }
                Block::Figure(f) => f.image.check()?,
                _ => {}
            }
        }
        Ok(())
    }
}
