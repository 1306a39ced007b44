//! # trygg-report
//!
//! The typesetting layer of trygg's reports. Every report the partnership produces — the weekly
//! lägesbild, the tertial analysis, the annual compilation of the åtagandeplan, the final
//! follow-up of the agreement, the law's lägesbild and åtgärdsplan — is built by other code as a
//! [`Document`] (headings, paragraphs, bullets, tables, key figures, figures, page breaks) and
//! rendered here into the formats the municipality needs:
//!
//! * [`html::html`] — a standalone, print-ready HTML page (A4 `@page` rules, page breaks,
//!   images embedded as `data:` URIs), and [`html::html_fragment`] for embedding in the web app;
//! * [`markdown::markdown`] — GitHub-flavoured Markdown with the images returned as files;
//! * [`docx::docx`] — a Word document with real Heading 1–3 styles (the navigation pane works),
//!   tables, embedded PNG images sized to the page and page breaks.
//!
//! Charts ([`chart`]: weekly trend with last year alongside, bars, before/after for an
//! intervention, hour × weekday heat map) and maps ([`map`]: areas with choropleth, points, KDE
//! raster, Gi* hot and cold cells, scale bar and north arrow, no tiles) are drawn to PNG with an
//! embedded font (Source Sans 3, SIL OFL 1.1, `assets/fonts/`), so they look the same on every
//! machine and need no fontconfig. All numbers go through [`fmt_sv`]: decimal comma and a
//! (non-breaking) space as thousands separator.
//!
//! ```
//! use trygg_report::chart::{self, LineChart, Series};
//! use trygg_report::{Block, Column, Document, KeyFigure, Lang, Meta, Table, fmt_sv};
//!
//! let trend = chart::line(&LineChart::weekly(
//!     Lang::Sv,
//!     "Händelser per vecka",
//!     "Antal",
//!     &[45, 46, 47],
//!     Series::new("2024", vec![31.0, 28.0, 35.0]),
//!     Series::new("2023", vec![30.0, 33.0, 29.0]),
//! ))?;
//! let doc = Document {
//!     title: "Lägesbild vecka 47".into(),
//!     subtitle: None,
//!     meta: Meta {
//!         organisation: "Uppsala kommun och Polisen".into(),
//!         period: "2024-11-18 – 2024-11-24".into(),
//!         generated_at: "2024-11-25 08:00".into(),
//!         lang: Lang::Sv,
//!     },
//!     blocks: vec![
//!         Block::heading(1, "Läget"),
//!         Block::KeyFigures(vec![KeyFigure::new("Händelser", fmt_sv(1234.0, 0), Some("-12 %"))]),
//!         Block::Table(Table {
//!             caption: "Händelser per stadsdel".into(),
//!             columns: vec![Column::text("Stadsdel"), Column::number("Antal")],
//!             rows: vec![vec!["Gottsunda".into(), fmt_sv(35.0, 0)]],
//!             total: None,
//!         }),
//!         Block::figure("Händelser per vecka.", trend),
//!     ],
//! };
//! let page: String = trygg_report::html::html(&doc)?;
//! let word: Vec<u8> = trygg_report::docx::docx(&doc)?;
//! let md = trygg_report::markdown::markdown(&doc)?; // md.text + md.images (figur-1.png)
//! assert!(page.contains("Lägesbild vecka 47") && word.starts_with(b"PK"));
//! assert_eq!(md.images[0].0, "figur-1.png");
//! # Ok::<(), trygg_report::ReportError>(())
//! ```
//!
//! Architecture invariant: this crate is pure. It reads no files, no database and no clock;
//! callers hand it a document or plain numbers and get bytes or strings back.

#![forbid(unsafe_code)]

pub mod chart;
pub mod docx;
mod error;
mod fmt;
pub mod html;
pub mod map;
pub mod markdown;
mod model;
mod raster;

pub use error::ReportError;
pub use fmt::{
    Lang, THOUSANDS_SEPARATOR, fmt_int_sv, fmt_num, fmt_percent, fmt_percent_sv, fmt_sv,
};
pub use model::{Align, Block, Column, Document, Figure, Image, Inline, KeyFigure, Meta, Table};

/// Result of every renderer.
pub type Result<T, E = ReportError> = std::result::Result<T, E>;
