//! Reading incidents and areas from the files a partnership actually has, and writing exports.
//!
//! Every importer is pure: it takes bytes (or, for a GeoPackage, a path it only reads) and
//! returns either everything, ready to store in one transaction, or every problem it found,
//! with line numbers and a sentence saying what to fix. One bad row fails the whole file, so a
//! half-imported spreadsheet can never skew a statistic.
//!
//! - [`polisen`]: Polisen's public events feed (JSON).
//! - [`csv`]: spreadsheets exported as CSV, Swedish or English headers.
//! - [`geojson`]: point features.
//! - [`category_map`]: a partnership's own category values mapped to trygg's codes, from a file.
//! - [`indicators`]: survey and population values per area (long CSV, Polisens
//!   trygghetsmätning, Brå NTU, SCB's population table).
//! - [`areas`]: area boundaries from GeoJSON or GeoPackage.
//! - [`export`]: CSV for Swedish Excel, and GeoJSON.

pub mod areas;
pub mod category_map;
pub mod csv;
pub mod export;
pub mod geojson;
pub mod indicators;
pub mod kommuner;
pub mod polisen;
mod report;
mod rows;
mod table;
mod when;

pub use report::{
    ImportBatch, ImportErrors, ImportSummary, Location, MAX_LISTED_ERRORS, MappedCategory,
    RowError, UnknownCategory,
};
pub use rows::{Crs, Field};
