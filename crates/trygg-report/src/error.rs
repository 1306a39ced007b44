//! One error type for every renderer; each message says what to change.

use thiserror::Error;

/// Why a document, chart or map could not be rendered.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ReportError {
    /// An image is not a PNG this crate can embed.
    #[error("the image \"{alt}\" is not a usable PNG: {reason}")]
    InvalidImage {
        /// The image's alt text, to find it.
        alt: String,
        /// What is wrong.
        reason: String,
    },
    /// A table row has a different number of cells than the table has columns.
    #[error(
        "table \"{caption}\": row {row} has {found} cells but the table has {expected} columns; give every row one cell per column"
    )]
    TableShape {
        /// The table's caption.
        caption: String,
        /// Row number (1-based; the total row is `rows + 1`).
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Number of cells found.
        found: usize,
    },
    /// A heading level outside 1–3.
    #[error("heading \"{text}\" has level {level}; use level 1, 2 or 3")]
    HeadingLevel {
        /// The heading text.
        text: String,
        /// The level given.
        level: u8,
    },
    /// Chart or map input that cannot be drawn.
    #[error("{what}: {hint}")]
    InvalidInput {
        /// Which input.
        what: String,
        /// What to change.
        hint: String,
    },
    /// The drawing or packaging library failed (a bug, not bad input).
    #[error("rendering failed: {0}")]
    Render(String),
}

impl ReportError {
    pub(crate) fn input(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::InvalidInput {
            what: what.into(),
            hint: hint.into(),
        }
    }
}
