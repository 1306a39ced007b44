//! What an import hands back: the incidents and a summary, or every error with its line.
//!
//! Imports are all-or-nothing, so the error side must carry enough for a person to fix the whole
//! file in one go: each bad row with its line number, capped so that a file with a wrong column
//! does not print a million lines, and a count of the rest.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use serde::Serialize;
use trygg_domain::{NewIncident, Position};

use crate::kommuner::Kommun;

/// What the caller needs besides the incident to store a Polisen event (see
/// [`crate::polisen`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PolisenMeta {
    /// Polisen's event id (also the incident's `external_id`).
    pub id: i64,
    /// The event type as Polisen wrote it ("Rån, försök").
    pub event_type: String,
    /// Absolute URL of the event's page.
    pub url: String,
    /// The kommun, from the location or, for county-only locations, from the title. `None`
    /// when the event names only a county (or nothing).
    pub kommun: Option<Kommun>,
    /// The place as Polisen gave it (`location.name`): a kommun or a county.
    pub location_name: String,
    /// Publication time (`datetime`), not the incident time.
    pub published_at: Timestamp,
    /// The position as published (`location.gps`: the kommun's or county's centroid). The
    /// incident's position differs from it only for county-only events with a kommun in the
    /// title, which are placed inside that kommun.
    pub feed_position: Position,
}

/// At most this many row errors are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 50;

/// A parsed file, ready to be stored in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportBatch {
    /// The incidents, in file order.
    pub incidents: Vec<NewIncident>,
    /// For a Polisen import, one entry per incident (same order): the event's kommun, URL and
    /// type. Empty for other sources.
    pub polisen: Vec<PolisenMeta>,
    /// What was read, for the person importing and the audit log.
    pub summary: ImportSummary,
}

/// What an import did, to print and store.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ImportSummary {
    /// Kind of source: `polisen`, `csv`, `geojson`.
    pub source: String,
    /// Incidents read.
    pub imported: usize,
    /// Rows refused. Always 0 here, since imports are all-or-nothing and a failed one returns
    /// [`ImportErrors`] instead; the field exists so that the stored summary has one shape.
    pub rejected: usize,
    /// Incidents per category code.
    pub by_category: BTreeMap<String, usize>,
    /// Records that are deliberately not incidents (Polisen's "Sammanfattning" county summaries).
    pub skipped_summaries: usize,
    /// Polisen event types without a mapping, stored under `ovrigt.polisen`, with counts.
    pub unmapped_types: BTreeMap<String, usize>,
    /// Values of the file's category column read through the category map (as the map writes
    /// them), with the code and how many rows.
    pub mapped_categories: BTreeMap<String, MappedCategory>,
    /// Anything else worth knowing ("decoded as Windows-1252", "X/Y read as E/N").
    pub notes: Vec<String>,
}

/// One category value of a file read through the category map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappedCategory {
    /// The code it was mapped to.
    pub code: String,
    /// Rows with it.
    pub rows: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Imported {} incidents from {}; rejected {}.",
            self.imported, self.source, self.rejected
        )?;
        if self.skipped_summaries > 0 {
            writeln!(
                f,
                "Skipped {} Polisen summaries (\"Sammanfattning …\"): they are not incidents.",
                self.skipped_summaries
            )?;
        }
        for (code, n) in &self.by_category {
            writeln!(f, "  {code}: {n}")?;
        }
        if !self.mapped_categories.is_empty() {
            writeln!(f, "Read through the category map:")?;
            for (value, m) in &self.mapped_categories {
                writeln!(f, "  {value:?} → {}: {}", m.code, m.rows)?;
            }
        }
        if !self.unmapped_types.is_empty() {
            writeln!(
                f,
                "Polisen types without a category (stored as Övrigt (Polisen)):"
            )?;
            for (t, n) in &self.unmapped_types {
                writeln!(f, "  {t}: {n}")?;
            }
        }
        for note in &self.notes {
            writeln!(f, "Note: {note}")?;
        }
        Ok(())
    }
}

/// Where in the input a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "number")]
pub enum Location {
    /// The file as a whole (encoding, header, truncated JSON).
    File,
    /// A line of a text file, from 1.
    Line(u64),
    /// A feature of a GeoJSON FeatureCollection, from 0 as in the `features` array.
    Feature(usize),
    /// A row of a GeoPackage table, by its feature id.
    Row(i64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => write!(f, "file"),
            Location::Line(n) => write!(f, "line {n}"),
            Location::Feature(n) => write!(f, "feature {n}"),
            Location::Row(n) => write!(f, "row fid {n}"),
        }
    }
}

/// One problem, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Where.
    pub at: Location,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// Why nothing was imported: every problem found (the first [`MAX_LISTED_ERRORS`]) and how
/// many more there were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ImportErrors {
    /// The listed problems, in file order.
    pub errors: Vec<RowError>,
    /// Problems found beyond the listed ones.
    pub more: usize,
    /// The category values that are neither a category nor mapped, in the order they first
    /// appear (each is also one of `errors`): what a mapping step asks about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_categories: Vec<UnknownCategory>,
}

/// A category value of a file that is neither a category nor mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownCategory {
    /// The value as first written.
    pub value: String,
    /// How many rows carry it (ignoring case and spaces).
    pub rows: usize,
    /// Where it first appears.
    pub first: Location,
}

impl ImportErrors {
    /// A single whole-file problem.
    pub fn file(message: impl Into<String>) -> Self {
        Self {
            errors: vec![RowError {
                at: Location::File,
                message: message.into(),
            }],
            more: 0,
            unknown_categories: Vec::new(),
        }
    }

    /// Every problem's text, for tests and logs.
    pub fn messages(&self) -> Vec<String> {
        self.errors.iter().map(ToString::to_string).collect()
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.errors.len() + self.more;
        writeln!(
            f,
            "Nothing was imported: {total} problem{} found. Fix {} and import the file again.",
            if total == 1 { "" } else { "s" },
            if total == 1 { "it" } else { "them" }
        )?;
        for e in &self.errors {
            writeln!(f, "  {e}")?;
        }
        if self.more > 0 {
            writeln!(f, "  … and {} more.", self.more)?;
        }
        Ok(())
    }
}

/// Collects row errors, keeping the first [`MAX_LISTED_ERRORS`].
#[derive(Debug, Default)]
pub(crate) struct Errors {
    listed: Vec<RowError>,
    more: usize,
    unknown: Vec<UnknownCategory>,
}

impl Errors {
    pub(crate) fn push(&mut self, at: Location, message: impl Into<String>) {
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(RowError {
                at,
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Appends the errors of a later part of the same file, as if pushed one by one.
    pub(crate) fn append(&mut self, later: Errors) {
        for e in later.listed {
            self.push(e.at, e.message);
        }
        self.more += later.more;
    }

    /// Puts one whole-file error per unknown category first, every one of them listed even
    /// beyond [`MAX_LISTED_ERRORS`] (row errors make room for them), and keeps the values.
    pub(crate) fn prepend_unknown(&mut self, unknown: Vec<UnknownCategory>, messages: Vec<String>) {
        self.unknown = unknown;
        self.prepend_file_errors(messages);
    }

    fn prepend_file_errors(&mut self, messages: Vec<String>) {
        let keep = MAX_LISTED_ERRORS.max(messages.len());
        let mut listed: Vec<RowError> = messages
            .into_iter()
            .map(|message| RowError {
                at: Location::File,
                message,
            })
            .collect();
        listed.append(&mut self.listed);
        while listed.len() > keep {
            listed.pop();
            self.more += 1;
        }
        self.listed = listed;
    }

    pub(crate) fn into_result<T>(self, ok: T) -> Result<T, ImportErrors> {
        if self.listed.is_empty() {
            Ok(ok)
        } else {
            Err(ImportErrors {
                errors: self.listed,
                more: self.more,
                unknown_categories: self.unknown,
            })
        }
    }
}
