//! Small delimited tables read whole, each row with its line number: the category map and the
//! indicator files. Decoding is the incident CSV's ([`crate::csv::decode`]: UTF-8 with or
//! without BOM, Windows-1252 as fallback, UTF-16 and binary refused with advice).

use crate::report::{Errors, ImportErrors, Location};

/// A row's line (from 1) and its cells.
pub(crate) type TableRow = (u64, Vec<String>);

/// The rows of a table: cells trimmed, blank rows left out, each with its line (from 1).
#[derive(Debug)]
pub(crate) struct Table {
    /// Rows in file order.
    pub rows: Vec<TableRow>,
    /// Rows that could not be read as CSV, with their lines.
    pub errors: Errors,
    /// How the file was decoded, when it was not UTF-8.
    pub encoding_note: Option<String>,
}

/// Reads `bytes` as a table whose delimiter `pick` chooses from the decoded text.
pub(crate) fn read(bytes: &[u8], pick: impl FnOnce(&str) -> u8) -> Result<Table, ImportErrors> {
    let (text, encoding_note) = crate::csv::decode(bytes)?;
    let delimiter = pick(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let line_of = |byte: u64| -> u64 {
        let bytes = text.as_bytes();
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    };
    let mut rows = Vec::new();
    let mut errors = Errors::default();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| line_of(p.byte()));
                let cells: Vec<String> = record
                    .iter()
                    .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
                    .collect();
                if cells.iter().any(|c| !c.is_empty()) {
                    rows.push((line, cells));
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                errors.push(
                    Location::Line(line),
                    format!("this line cannot be read as CSV ({e}); check its quotes"),
                );
            }
        }
    }
    Ok(Table {
        rows,
        errors,
        encoding_note,
    })
}

/// The delimiter of the first line that has one outside quotes (`;`, tab or `,`, the most
/// frequent), so a title line above the header (as SCB's tables have) does not decide.
pub(crate) fn sniff(text: &str) -> u8 {
    text.lines()
        .map(crate::csv::sniff_delimiter_of)
        .find_map(|d| d)
        .unwrap_or(b',')
}
