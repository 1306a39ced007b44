//! Indicator files: safety surveys and population per area and period (see
//! [`trygg_domain::indicator`]). Four shapes, each all or nothing with line numbers; the areas
//! stay as the file names them (code or name) for the application to resolve against the
//! stored areas. Swedish Excel CSV: `;` (or `,`/tab), decimal comma, UTF-8 or Windows-1252.
//!
//! - [`IndicatorFormat::Long`], one value per row:
//!   `indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet`
//!   (`ki_låg`, `ki_hög` and `n` may be empty for a count; `enhet` is `procent`, `antal`,
//!   `per 1000` or `index`).
//! - [`IndicatorFormat::Trygghetsmatning`], Polisens trygghetsmätning as a table of areas:
//!   `Område;År;Antal svarande;<indikator> (%);KI nedre;KI övre;<indikator> (%);KI nedre;KI övre…`
//!   — every indicator column followed by its interval's two columns; a heading with `(%)` or
//!   beginning `Andel` is a share in percent, one with `index` an index. Source "Polisens
//!   trygghetsmätning"; an area without a value for an indicator (all three cells empty) is
//!   left out and counted in the notes.
//! - [`IndicatorFormat::Ntu`], Brå's NTU result table, one indicator per row:
//!   `Område;Period;Indikator;Andel (%);Konfidensintervall;Antal svar`, the interval in one cell
//!   as `21,9–26,3`; NTU pools years, so the period is often a range (`2021-2023`). Source
//!   "Brå NTU", unit percent.
//! - [`IndicatorFormat::ScbPopulation`], SCB's population table as Statistikdatabasen (PxWeb)
//!   exports it to CSV: an optional title line, then `"region";"ålder";"kön";"2023"` (any other
//!   dimensions between the region and the years; one column per year), the region written code
//!   first (`"0380A0010 Uppsala"`, a DeSO; `"0380R001 …"`, a RegSO; `"0380 Uppsala"`, a kommun).
//!   Each region's rows are summed over the other dimensions into "Folkmängd" (unit count,
//!   source SCB) per year. A "totalt" value of another dimension is refused (it would be
//!   counted twice): export without the total.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use trygg_domain::indicator::{
    Indicator, IndicatorValue, POPULATION, Period, SCB, Unit, ValueKey, code_of,
};

use crate::report::{Errors, ImportErrors, Location};
use crate::rows::parse_number;
use crate::table::{self, Table, TableRow};

/// The source written by the trygghetsmätning format.
pub const TRYGGHETSMATNING: &str = "Polisens trygghetsmätning";
/// The source written by the NTU format.
pub const NTU: &str = "Brå NTU";

/// The shape of an indicator file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorFormat {
    /// One value per row with every column named.
    Long,
    /// Polisens trygghetsmätning: areas as rows, indicators as columns with their intervals.
    Trygghetsmatning,
    /// Brå's NTU table: one indicator per row, the interval in one cell.
    Ntu,
    /// SCB's population table from PxWeb.
    ScbPopulation,
}

impl IndicatorFormat {
    /// Every format.
    pub const ALL: [IndicatorFormat; 4] = [
        IndicatorFormat::Long,
        IndicatorFormat::Trygghetsmatning,
        IndicatorFormat::Ntu,
        IndicatorFormat::ScbPopulation,
    ];

    /// The name on the command line and in the API (`long`, `trygghetsmatning`, `ntu`,
    /// `scb-population`).
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorFormat::Long => "long",
            IndicatorFormat::Trygghetsmatning => "trygghetsmatning",
            IndicatorFormat::Ntu => "ntu",
            IndicatorFormat::ScbPopulation => "scb-population",
        }
    }

    /// Reads [`IndicatorFormat::as_str`]; the error lists the formats.
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "Unknown indicator format {s:?}: use {}.",
                    Self::ALL.map(Self::as_str).join(", ")
                )
            })
    }
}

/// One value read from a file, the area as the file writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadValue {
    /// The line it was read from (the first of a region's lines for SCB).
    pub line: u64,
    /// The value; `area` is the file's cell.
    pub value: IndicatorValue<String>,
}

/// A parsed indicator file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorFile {
    /// The values, in file order.
    pub values: Vec<ReadValue>,
    /// Worth knowing (the encoding, values left out).
    pub notes: Vec<String>,
}

/// The SCB code at the start of an area cell, if it begins with one: `"0380A0010 Uppsala"` →
/// `0380A0010`, `"0380"` → `0380`. A code is four digits and then letters and digits.
pub fn area_code(cell: &str) -> Option<&str> {
    let first = cell.split_whitespace().next()?;
    let b = first.as_bytes();
    (b.len() >= 4
        && b.len() <= 12
        && b[..4].iter().all(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric))
    .then_some(first)
}

/// Parses an indicator file of `format`. All or nothing: every problem with its line.
pub fn parse_indicators(
    bytes: &[u8],
    format: IndicatorFormat,
) -> Result<IndicatorFile, ImportErrors> {
    let mut table = table::read(bytes, table::sniff)?;
    let mut notes: Vec<String> = table.encoding_note.take().into_iter().collect();
    let mut out = Out::default();
    match format {
        IndicatorFormat::Long => long(&table, &mut out)?,
        IndicatorFormat::Trygghetsmatning => trygghetsmatning(&table, &mut out)?,
        IndicatorFormat::Ntu => ntu(&table, &mut out)?,
        IndicatorFormat::ScbPopulation => scb_population(&table, &mut out)?,
    }
    let mut errors = table.errors;
    errors.append(out.errors);
    if errors.is_empty() && out.values.is_empty() {
        errors.push(
            Location::File,
            "The file has a header but no values: nothing to import.",
        );
    }
    notes.extend(out.notes);
    errors.into_result(IndicatorFile {
        values: out.values,
        notes,
    })
}

/// What the shapes collect.
#[derive(Default)]
struct Out {
    values: Vec<ReadValue>,
    errors: Errors,
    notes: Vec<String>,
    seen: HashMap<ValueKey<String>, u64>,
}

impl Out {
    /// Checks a value by the domain's rules and keeps it, or the error at `line`.
    fn push(&mut self, line: u64, value: IndicatorValue<String>) {
        if let Err(e) = value.check() {
            self.errors
                .push(Location::Line(line), format!("{}: {}", e.field, e.message));
            return;
        }
        if let Some(first) = self.seen.insert(value.key(), line) {
            self.errors.push(
                Location::Line(line),
                format!(
                    "the same indicator, source, area and period as line {first}: give each \
                     value once"
                ),
            );
            return;
        }
        self.values.push(ReadValue { line, value });
    }
}

/// The header's columns by role: the index of the first heading whose code is one of the
/// role's words.
struct Header<'a> {
    cells: &'a [String],
    line: u64,
}

impl Header<'_> {
    fn find(&self, words: &[&str]) -> Option<usize> {
        self.cells
            .iter()
            .position(|c| words.contains(&code_of(c).as_str()))
    }

    fn require(&self, role: &str, words: &[&str]) -> Result<usize, ImportErrors> {
        self.find(words).ok_or_else(|| ImportErrors {
            errors: vec![crate::RowError {
                at: Location::Line(self.line),
                message: format!(
                    "the header has no {role} column (a heading such as {}); it has {}",
                    words
                        .iter()
                        .take(2)
                        .map(|w| format!("{w:?}"))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    self.cells
                        .iter()
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }],
            more: 0,
            unknown_categories: Vec::new(),
        })
    }
}

const AREA: &[&str] = &[
    "omrade",
    "area",
    "region",
    "kommun",
    "lokalpolisomrade",
    "lpo",
    "deso",
    "regso",
];
const PERIOD: &[&str] = &["period", "ar", "year", "aren", "undersokningsar"];
const INDICATOR: &[&str] = &["indikator", "indicator", "fraga", "matt"];
const SOURCE: &[&str] = &["kalla", "source"];
const VALUE: &[&str] = &["varde", "value", "andel", "andel-procent"];
const LOW: &[&str] = &["ki-lag", "ki-nedre", "ci-low", "nedre", "lag", "lower"];
const HIGH: &[&str] = &["ki-hog", "ki-ovre", "ci-high", "ovre", "hog", "upper"];
const N: &[&str] = &[
    "n",
    "antal-svarande",
    "antal-svar",
    "svarande",
    "respondents",
];
const UNIT: &[&str] = &["enhet", "unit"];
const INTERVAL: &[&str] = &[
    "konfidensintervall",
    "ki",
    "95-ki",
    "ki-95",
    "ci",
    "95-konfidensintervall",
];

/// The header (the first row) and the rows after it.
fn split(table: &Table) -> Result<(Header<'_>, &[TableRow]), ImportErrors> {
    let Some(((line, cells), rest)) = table.rows.split_first() else {
        return Err(ImportErrors::file("The file is empty."));
    };
    Ok((Header { cells, line: *line }, rest))
}

fn cell(cells: &[String], i: usize) -> &str {
    cells.get(i).map_or("", String::as_str)
}

fn number(cells: &[String], i: usize, name: &str) -> Result<Option<f64>, String> {
    let raw = cell(cells, i);
    if raw.is_empty() {
        return Ok(None);
    }
    parse_number(name, raw).map(Some)
}

fn respondents(raw: &str) -> Result<Option<u32>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    let v = parse_number("n", raw)?;
    if v < 0.0 || v.fract() != 0.0 || v > f64::from(u32::MAX) {
        return Err(format!(
            "column n: {raw:?} is not a number of respondents (a whole number, e.g. 812)"
        ));
    }
    Ok(Some(v as u32))
}

fn required<'a>(cells: &'a [String], i: usize, what: &str) -> Result<&'a str, String> {
    let v = cell(cells, i);
    if v.is_empty() {
        Err(format!("the {what} is empty"))
    } else {
        Ok(v)
    }
}

fn long(table: &Table, out: &mut Out) -> Result<(), ImportErrors> {
    let (h, rows) = split(table)?;
    let c = [
        h.require("indicator", INDICATOR)?,
        h.require("source (källa)", SOURCE)?,
        h.require("area (område)", AREA)?,
        h.require("period", PERIOD)?,
        h.require("value (värde)", VALUE)?,
        h.require("unit (enhet)", UNIT)?,
    ];
    let (low, high, n) = (h.find(LOW), h.find(HIGH), h.find(N));
    for (line, cells) in rows {
        let read = || -> Result<IndicatorValue<String>, String> {
            let unit_cell = required(cells, c[5], "unit (enhet)")?;
            let unit = Unit::parse(unit_cell).ok_or_else(|| {
                format!(
                    "the unit {unit_cell:?} is not one trygg knows: write procent, antal, \
                     per 1000 or index"
                )
            })?;
            Ok(IndicatorValue {
                indicator: Indicator::named(required(cells, c[0], "indicator")?),
                source: required(cells, c[1], "source (källa)")?.to_string(),
                area: required(cells, c[2], "area (område)")?.to_string(),
                period: Period::parse(cell(cells, c[3]))?,
                value: number(cells, c[4], "värde")?
                    .ok_or_else(|| "the value (värde) is empty".to_string())?,
                ci_low: low.map_or(Ok(None), |i| number(cells, i, "ki_låg"))?,
                ci_high: high.map_or(Ok(None), |i| number(cells, i, "ki_hög"))?,
                n: n.map_or(Ok(None), |i| respondents(cell(cells, i)))?,
                unit,
            })
        };
        match read() {
            Ok(v) => out.push(*line, v),
            Err(e) => out.errors.push(Location::Line(*line), e),
        }
    }
    Ok(())
}

/// An indicator column of the trygghetsmätning table and its interval's columns.
struct Column {
    at: usize,
    indicator: Indicator,
    unit: Unit,
    low: usize,
    high: usize,
}

fn trygghetsmatning(table: &Table, out: &mut Out) -> Result<(), ImportErrors> {
    let (h, rows) = split(table)?;
    let area = h.require("area (område)", AREA)?;
    let period = h.require("year (år)", PERIOD)?;
    let n = h.find(N);
    let mut columns = Vec::new();
    let mut errors = Errors::default();
    let mut i = 0;
    while i < h.cells.len() {
        let heading = &h.cells[i];
        let code = code_of(heading);
        if i == area || i == period || Some(i) == n || heading.is_empty() {
            i += 1;
            continue;
        }
        let is = |j: usize, words: &[&str]| {
            h.cells
                .get(j)
                .is_some_and(|c| words.contains(&code_of(c).as_str()))
        };
        let unit = if heading.contains('%') || code.starts_with("andel") {
            Some(Unit::Percent)
        } else if code.contains("index") {
            Some(Unit::Index)
        } else {
            None
        };
        match unit {
            Some(unit) if is(i + 1, LOW) && is(i + 2, HIGH) => {
                let name = heading.replace("(%)", "").replace('%', "");
                columns.push(Column {
                    at: i,
                    indicator: Indicator::named(&name),
                    unit,
                    low: i + 1,
                    high: i + 2,
                });
                i += 3;
            }
            Some(_) => {
                errors.push(
                    Location::Line(h.line),
                    format!(
                        "the indicator column {heading:?} must be followed by its interval's \
                         columns \"KI nedre\" and \"KI övre\""
                    ),
                );
                i += 1;
            }
            None => {
                errors.push(
                    Location::Line(h.line),
                    format!(
                        "the column {heading:?} is neither the area, the year, the respondents \
                         nor an indicator (a share with \"(%)\" or \"Andel …\", or an index)"
                    ),
                );
                i += 1;
            }
        }
    }
    if columns.is_empty() && errors.is_empty() {
        errors.push(
            Location::Line(h.line),
            "the header names no indicator column (e.g. \"Andel otrygga kvällstid (%)\" \
             followed by \"KI nedre\" and \"KI övre\")",
        );
    }
    errors.into_result(())?;
    let mut left_out = 0;
    for (line, cells) in rows {
        let common = || -> Result<(String, Period, Option<u32>), String> {
            Ok((
                required(cells, area, "area (område)")?.to_string(),
                Period::parse(cell(cells, period))?,
                n.map_or(Ok(None), |i| respondents(cell(cells, i)))?,
            ))
        };
        let (area, period, n) = match common() {
            Ok(c) => c,
            Err(e) => {
                out.errors.push(Location::Line(*line), e);
                continue;
            }
        };
        for col in &columns {
            if [col.at, col.low, col.high]
                .iter()
                .all(|&i| cell(cells, i).is_empty())
            {
                left_out += 1;
                continue;
            }
            let name = &h.cells[col.at];
            let value = || -> Result<IndicatorValue<String>, String> {
                Ok(IndicatorValue {
                    indicator: col.indicator.clone(),
                    source: TRYGGHETSMATNING.into(),
                    area: area.clone(),
                    period,
                    value: number(cells, col.at, name)?
                        .ok_or_else(|| format!("the value of {name:?} is empty"))?,
                    ci_low: number(cells, col.low, "KI nedre")?,
                    ci_high: number(cells, col.high, "KI övre")?,
                    n,
                    unit: col.unit,
                })
            };
            match value() {
                Ok(v) => out.push(*line, v),
                Err(e) => out.errors.push(Location::Line(*line), e),
            }
        }
    }
    if left_out > 0 {
        out.notes.push(format!(
            "{left_out} indicator cells were empty (no value, no interval) and were left out."
        ));
    }
    Ok(())
}

/// Reads an interval written in one cell: `21,9–26,3`, `21,9 - 26,3`, `(21,9–26,3)`.
fn interval(raw: &str) -> Result<(f64, f64), String> {
    let t = raw.trim().trim_start_matches('(').trim_end_matches(')');
    let bad = || {
        format!("the interval {raw:?} is not two numbers with a dash between them (e.g. 21,9–26,3)")
    };
    let (a, b) = t.split_once(['–', '—', '-']).ok_or_else(bad)?;
    let a = parse_number("konfidensintervall", a.trim()).map_err(|_| bad())?;
    let b = parse_number("konfidensintervall", b.trim()).map_err(|_| bad())?;
    Ok((a, b))
}

fn ntu(table: &Table, out: &mut Out) -> Result<(), ImportErrors> {
    let (h, rows) = split(table)?;
    let c = [
        h.require("area (område)", AREA)?,
        h.require("period", PERIOD)?,
        h.require("indicator (indikator)", INDICATOR)?,
        h.require("share (andel)", VALUE)?,
        h.require("confidence interval (konfidensintervall)", INTERVAL)?,
    ];
    let n = h.find(N);
    for (line, cells) in rows {
        let read = || -> Result<IndicatorValue<String>, String> {
            let (low, high) = interval(required(cells, c[4], "confidence interval")?)?;
            Ok(IndicatorValue {
                indicator: Indicator::named(required(cells, c[2], "indicator (indikator)")?),
                source: NTU.into(),
                area: required(cells, c[0], "area (område)")?.to_string(),
                period: Period::parse(cell(cells, c[1]))?,
                value: number(cells, c[3], "andel")?
                    .ok_or_else(|| "the share (andel) is empty".to_string())?,
                ci_low: Some(low),
                ci_high: Some(high),
                n: n.map_or(Ok(None), |i| respondents(cell(cells, i)))?,
                unit: Unit::Percent,
            })
        };
        match read() {
            Ok(v) => out.push(*line, v),
            Err(e) => out.errors.push(Location::Line(*line), e),
        }
    }
    Ok(())
}

/// The year a PxWeb time heading names: `2023`, or a heading ending in one
/// (`Folkmängd 2023`).
fn year_heading(cell: &str) -> Option<Period> {
    let last = cell.split_whitespace().last()?;
    (last.len() == 4)
        .then(|| Period::parse(last).ok())
        .flatten()
}

fn scb_population(table: &Table, out: &mut Out) -> Result<(), ImportErrors> {
    // The header is the first row with a year column; rows above it are SCB's title.
    let Some(at) = table
        .rows
        .iter()
        .position(|(_, cells)| cells.iter().skip(1).any(|c| year_heading(c).is_some()))
    else {
        return Err(ImportErrors::file(
            "No header with a year column was found: SCB's table needs a line such as \
             \"region\";\"ålder\";\"kön\";\"2023\" (in Statistikdatabasen choose the years as \
             columns and save as CSV).",
        ));
    };
    let (hline, header) = &table.rows[at];
    let years: Vec<(usize, Period)> = header
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(i, c)| year_heading(c).map(|y| (i, y)))
        .collect();
    let dimensions: Vec<usize> = (1..header.len())
        .filter(|i| !years.iter().any(|(j, _)| j == i))
        .collect();
    // A "header" starting with a region code is a data row of a file without a header, whose
    // population happens to look like a year.
    if code_of(&header[0]) != "region" && area_code(&header[0]).is_some() {
        return Err(ImportErrors::file(format!(
            "line {hline}: the first column must be the region; the header starts with {:?}",
            header[0]
        )));
    }
    // Sums per (region, year), in order of first appearance.
    let mut sums: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut regions: Vec<(u64, String)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (line, cells) in &table.rows[at + 1..] {
        let region = cell(cells, 0);
        if region.is_empty() {
            out.errors
                .push(Location::Line(*line), "the region (first column) is empty");
            continue;
        }
        if let Some(&d) = dimensions
            .iter()
            .find(|&&d| code_of(cell(cells, d)).starts_with("total"))
        {
            out.errors.push(
                Location::Line(*line),
                format!(
                    "{:?} is {:?}, a total: its rows would be counted twice. Export the table \
                     without the total (or without the {:?} column)",
                    header[d],
                    cell(cells, d),
                    header[d]
                ),
            );
            continue;
        }
        let r = *index.entry(region.to_string()).or_insert_with(|| {
            regions.push((*line, region.to_string()));
            regions.len() - 1
        });
        for (y, (col, period)) in years.iter().enumerate() {
            let raw = cell(cells, *col);
            let v = match raw {
                "" | ".." | "-" | "…" => Err(format!(
                    "the population of {region:?} in {period} is {raw:?} (missing in SCB's \
                     table): leave that year out of the export"
                )),
                _ => parse_number(&header[*col], raw).and_then(|v| {
                    if v < 0.0 || v.fract() != 0.0 {
                        Err(format!(
                            "the population of {region:?} in {period} is {raw:?}: a count is a \
                             whole number, 0 or more"
                        ))
                    } else {
                        Ok(v)
                    }
                }),
            };
            match v {
                Ok(v) => *sums.entry((r, y)).or_default() += v,
                Err(e) => out.errors.push(Location::Line(*line), e),
            }
        }
    }
    for (r, (line, region)) in regions.iter().enumerate() {
        for (y, (_, period)) in years.iter().enumerate() {
            if let Some(&total) = sums.get(&(r, y)) {
                out.push(
                    *line,
                    IndicatorValue {
                        indicator: Indicator::population(),
                        source: SCB.into(),
                        area: region.clone(),
                        period: *period,
                        value: total,
                        ci_low: None,
                        ci_high: None,
                        n: None,
                        unit: Unit::Count,
                    },
                );
            }
        }
    }
    debug_assert!(
        out.values
            .iter()
            .all(|v| v.value.indicator.code == POPULATION)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_codes_come_first() {
        assert_eq!(area_code("0380A0010 Uppsala"), Some("0380A0010"));
        assert_eq!(area_code("0380"), Some("0380"));
        assert_eq!(area_code("Gottsunda"), None);
        assert_eq!(area_code("038"), None);
    }

    #[test]
    fn intervals_in_one_cell() {
        assert_eq!(interval("21,9–26,3"), Ok((21.9, 26.3)));
        assert_eq!(interval("(21.9 - 26.3)"), Ok((21.9, 26.3)));
        assert!(interval("21,9").is_err());
    }

    #[test]
    fn formats_by_name() {
        for f in IndicatorFormat::ALL {
            assert_eq!(IndicatorFormat::parse(f.as_str()), Ok(f));
        }
        assert!(
            IndicatorFormat::parse("csv")
                .unwrap_err()
                .contains("scb-population")
        );
    }
}
