//! Incidents from CSV files, as Swedish offices actually save them.
//!
//! The files come from Excel in Swedish locale (`;`, decimal comma, Windows-1252), from other
//! systems (`,` or tab, UTF-8 with or without BOM), and from people. So: the delimiter is
//! sniffed from the header line; UTF-8 is tried first and Windows-1252 is the fallback (said in
//! the summary), while UTF-16 and binary files are refused with advice; common Swedish and
//! English headers are recognised and anything else can be mapped with `FIELD=COLUMN`.
//!
//! Coordinates: `Lat`/`Lon` are WGS84 degrees; `N`/`E` (`Nord`/`Öst`) are SWEREF 99 TM metres.
//! `X`/`Y` are ambiguous in Sweden (surveyors write X for northing, GIS tools X for easting), so
//! the file's first row with both values decides, by Sweden's extent: whichever column holds
//! values in the northing (or latitude) range is north. Rows that contradict that decision are
//! refused as swapped. Every position must lie on Swedish land (see [`trygg_geo::Land`]).
//!
//! Dates and times: see the accepted forms in `when.rs` (ISO `2023-05-01`, `20230501`,
//! day-first `1/5/2023`; times `14:30`, `14.30`, `1430`), all Europe/Stockholm local time.

use std::borrow::Cow;

use trygg_domain::{CategoryMap, Channel, OrganisationId, Precision, Visibility};

pub use crate::rows::MapSyntax;

use crate::report::{Errors, ImportBatch, ImportErrors, ImportSummary, Location};
use crate::rows::{
    Built, CategoryCache, Columns, Crs, Field, Row, RowRules, UnknownCategories, XyOrder,
    add_mapped, build, detect_xy, parse_number,
};

/// Settings for a CSV import.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// The organisation the incidents are filed under.
    pub source_org: OrganisationId,
    /// Coordinate system of X/Y columns; `None` = Lat/Lon → 4326, N/E → 3006, X/Y by magnitude.
    pub crs: Option<Crs>,
    /// Explicit `FIELD=COLUMN` mappings (see [`parse_mapping`]); they win over recognised headers.
    pub mapping: Vec<(Field, String)>,
    /// Who may see the incidents.
    pub visibility: Visibility,
    /// How exactly the positions are known (default: exact).
    pub precision: Precision,
    /// The partnership's own category values and the codes they stand for; asked before the
    /// taxonomy's labels.
    pub category_map: CategoryMap,
    /// How an error tells to map an unknown category: as the CLI's flag or the API's parameter.
    pub map_syntax: MapSyntax,
}

impl CsvOptions {
    /// Defaults for `source_org`: no mapping, CRS from the headers, shared, exact positions.
    pub fn new(source_org: OrganisationId) -> Self {
        Self {
            source_org,
            crs: None,
            mapping: Vec::new(),
            visibility: Visibility::Shared,
            precision: Precision::Exact,
            category_map: CategoryMap::new(),
            map_syntax: MapSyntax::Flag,
        }
    }
}

/// Parses one `FIELD=COLUMN` mapping, e.g. `category=Brottstyp`.
pub fn parse_mapping(s: &str) -> Result<(Field, String), String> {
    let fields = Field::ALL.map(Field::name).join(", ");
    let (f, c) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not FIELD=COLUMN; fields are {fields}"))?;
    let field =
        Field::parse(f).ok_or_else(|| format!("{f:?} is not a field; fields are {fields}"))?;
    if c.trim().is_empty() {
        return Err(format!("{s:?} names no column after '='"));
    }
    Ok((field, c.trim().to_string()))
}

/// Decodes the bytes: UTF-8 (BOM stripped) or, failing that, Windows-1252. Refuses UTF-16 and
/// binary data.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<String>), ImportErrors> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportErrors::file(
            "The file is in UTF-16 (\"Unicode text\"), which trygg does not read. In Excel choose \
             Save as → \"CSV UTF-8 (kommaavgränsad)\" and import that file.",
        ));
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let zeros_at = |parity: usize| {
        let (zero, all) = sample
            .iter()
            .skip(parity)
            .step_by(2)
            .fold((0usize, 0usize), |(z, n), &b| {
                (z + usize::from(b == 0), n + 1)
            });
        zero as f64 / all.max(1) as f64
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if (even > 0.4 && odd < 0.05) || (odd > 0.4 && even < 0.05) {
        return Err(ImportErrors::file(
            "The file looks like UTF-16 text without a byte-order mark, which trygg does not read. \
             In Excel choose Save as → \"CSV UTF-8 (kommaavgränsad)\" and import that file.",
        ));
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        .count();
    if controls > 0 && controls * 100 >= sample.len() {
        return Err(ImportErrors::file(
            "The file is not text: it looks like a binary file (an .xlsx workbook?). In Excel \
             choose Save as → \"CSV UTF-8 (kommaavgränsad)\" and import that file.",
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok((Cow::Borrowed(s), None)),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(body);
            Ok((
                Cow::Owned(text.into_owned()),
                Some("The file was not UTF-8; it was read as Windows-1252 (Excel's \"CSV (semikolonavgränsad)\"). Check that å, ä and ö look right.".into()),
            ))
        }
    }
}

/// Picks the delimiter that splits the header line into the most columns (outside quotes).
fn sniff_delimiter(text: &str) -> u8 {
    sniff_delimiter_of(text.lines().next().unwrap_or("")).unwrap_or(b',')
}

/// The delimiter (`;`, tab or `,`) that splits `line` into the most columns outside quotes, if
/// any does.
pub(crate) fn sniff_delimiter_of(line: &str) -> Option<u8> {
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in &mut counts {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map(|c| c.0)
}

/// Parses a CSV file of incidents. All-or-nothing: on any problem nothing is returned and every
/// bad row is listed with its line number.
pub fn parse_csv(bytes: &[u8], options: &CsvOptions) -> Result<ImportBatch, ImportErrors> {
    parse_csv_in(bytes, options, None)
}

/// [`parse_csv`] in `parts` parts (when the file allows it), or as many as it finds worthwhile.
fn parse_csv_in(
    bytes: &[u8],
    options: &CsvOptions,
    parts: Option<usize>,
) -> Result<ImportBatch, ImportErrors> {
    let (text, encoding_note) = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(ImportErrors::file("The file is empty."));
    }
    let delimiter = sniff_delimiter(&text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportErrors::file(format!("The header line cannot be read: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let columns = Columns::resolve(&headers, &options.mapping).map_err(ImportErrors::file)?;
    let header_of = |f: Field| -> String {
        columns.get(f).map_or_else(
            || f.name().to_string(),
            |i| format!("\"{}\"", headers[i].trim().trim_start_matches('\u{feff}')),
        )
    };

    let has_xy = columns.has(Field::X);
    let crs = match options.crs {
        Some(c) => c,
        None if has_xy => guess_crs(&text, delimiter, &columns),
        None => Crs::Wgs84,
    };
    let rules = RowRules {
        crs,
        xy: XyOrder::XEast,
        source_org: options.source_org,
        channel: Channel::Import,
        visibility: options.visibility,
        precision: options.precision,
    };
    let mut notes: Vec<String> = encoding_note.into_iter().collect();
    let xy_decided = !has_xy;

    // Rows are independent once X/Y is decided, so a large file is read in parts on several
    // threads, split at record boundaries; the parts' results are joined in file order. X/Y
    // files decide their axis order at the first row that tells, so they are read in one part.
    let parts = match parts {
        _ if !xy_decided => 1,
        Some(n) => n,
        None if text.len() >= PARALLEL_BYTES => {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_PARTS))
        }
        None => 1,
    };
    let splits = record_splits(text.as_bytes(), delimiter, parts);
    let part_ctx = PartContext {
        text: &text,
        delimiter,
        index: columns.index.iter().map(|(f, i)| (*f, *i)).collect(),
        header_of: &header_of,
        category_map: &options.category_map,
    };
    let mut results: Vec<Part> = if splits.len() == 1 {
        vec![read_part(&part_ctx, splits[0], rules, xy_decided)]
    } else {
        std::thread::scope(|scope| {
            let part_ctx = &part_ctx;
            let rules = &rules;
            let handles: Vec<_> = splits[1..]
                .iter()
                .map(|&range| scope.spawn(move || read_part(part_ctx, range, rules.clone(), true)))
                .collect();
            let mut results = vec![read_part(part_ctx, splits[0], rules.clone(), true)];
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("CSV part reader panicked")),
            );
            results
        })
    };
    let mut first = results.remove(0);
    notes.extend(first.xy_note.take());
    let mut errors = first.errors;
    let mut unknown = first.unknown;
    let mut incidents = first.incidents;
    let mut summary = ImportSummary {
        source: "csv".into(),
        by_category: first.by_category,
        mapped_categories: first.mapped,
        ..Default::default()
    };
    for part in results {
        errors.append(part.errors);
        unknown.append(part.unknown);
        add_mapped(&mut summary.mapped_categories, part.mapped);
        incidents.extend(part.incidents);
        for (c, n) in part.by_category {
            *summary.by_category.entry(c).or_default() += n;
        }
    }
    errors.prepend_unknown(unknown.listed(), unknown.messages(options.map_syntax));
    if incidents.is_empty() && errors.is_empty() {
        errors.push(
            Location::File,
            "The file has a header line but no rows: nothing to import.",
        );
    }
    summary.imported = incidents.len();
    summary.notes = notes;
    errors.into_result(ImportBatch {
        incidents,
        polisen: Vec::new(),
        summary,
    })
}

/// From this size on, a file is read in parts on several threads.
const PARALLEL_BYTES: usize = 4 << 20;

/// At most this many parts.
const MAX_PARTS: usize = 4;

/// What every part reader shares.
struct PartContext<'a, H: Fn(Field) -> String + Sync> {
    text: &'a str,
    delimiter: u8,
    index: Vec<(Field, usize)>,
    header_of: &'a H,
    category_map: &'a CategoryMap,
}

/// One part's rows, errors and counts.
struct Part {
    incidents: Vec<trygg_domain::NewIncident>,
    errors: Errors,
    unknown: UnknownCategories,
    by_category: std::collections::BTreeMap<String, usize>,
    mapped: std::collections::BTreeMap<String, crate::MappedCategory>,
    xy_note: Option<String>,
}

/// Byte ranges of `parts` parts of `text` (about equal), each starting at a record boundary:
/// right after a line end that is not inside a quoted field, as the `csv` crate reads quotes
/// (a quote opens a quoted field only at the start of a field; `""` inside one is a quote).
/// The first part holds the header line.
fn record_splits(text: &[u8], delimiter: u8, parts: usize) -> Vec<(usize, usize)> {
    if parts <= 1 {
        return vec![(0, text.len())];
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut bounds = vec![0];
    let mut want = text.len() / parts;
    for (k, &b) in text.iter().enumerate() {
        let terminator = matches!(b, b'\n' | b'\r');
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::FieldStart, b'"') | (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, _) if b == delimiter || terminator => State::FieldStart,
            _ => State::Unquoted,
        };
        if b == b'\n' && state == State::FieldStart && k + 1 >= want && k + 1 < text.len() {
            bounds.push(k + 1);
            if bounds.len() == parts {
                break;
            }
            want = text.len() / parts * bounds.len();
        }
    }
    bounds.push(text.len());
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Reads the records in `range` of the file (the header line too when it starts at 0).
fn read_part<H: Fn(Field) -> String + Sync>(
    ctx: &PartContext<'_, H>,
    (start, end): (usize, usize),
    mut rules: RowRules,
    mut xy_decided: bool,
) -> Part {
    let header_of = ctx.header_of;
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(ctx.delimiter)
        .flexible(true)
        .has_headers(start == 0)
        .from_reader(&ctx.text.as_bytes()[start..end]);
    let mut part = Part {
        incidents: Vec::new(),
        errors: Errors::default(),
        unknown: UnknownCategories::default(),
        by_category: Default::default(),
        mapped: Default::default(),
        xy_note: None,
    };
    let mut categories = CategoryCache::new(ctx.category_map);
    let mut record = ::csv::StringRecord::new();
    // Line numbers come from the byte offset where a record starts: the csv crate's own line
    // count lags by one after CRLF line ends (Excel's), so count the '\n's ourselves.
    let bytes = ctx.text.as_bytes();
    let mut counted_to = start;
    let mut newlines = bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64;
    let mut line_at = |byte: u64| -> u64 {
        let mut byte = (start + byte as usize).min(bytes.len());
        // After a CRLF the reported start sits on its '\n': the record begins after it.
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= counted_to {
            newlines += bytes[counted_to..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = byte;
        }
        newlines + 1
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                part.errors.push(
                    Location::Line(line),
                    format!("this line cannot be read as CSV ({e}); check its quotes"),
                );
                continue;
            }
        }
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // blank lines at the end of Excel exports
        }
        let mut row = Row::default();
        for &(f, i) in &ctx.index {
            if let Some(v) = record.get(i) {
                row.set(f, v);
            }
        }
        if !xy_decided
            && let (Some(x), Some(y)) = (row.get(Field::X), row.get(Field::Y))
            && let (Ok(x), Ok(y)) = (parse_number("X", x), parse_number("Y", y))
            && let Some(order) = detect_xy(rules.crs, x, y)
        {
            rules.xy = order;
            xy_decided = true;
            part.xy_note = Some(xy_note(rules.crs, order, header_of));
        }
        match build(&row, &rules, &mut categories, header_of) {
            Ok(Built::Incident(i)) => {
                *part.by_category.entry(i.category.clone()).or_default() += 1;
                part.incidents.push(*i);
            }
            Ok(Built::UnknownCategory(v)) => part.unknown.add(v, Location::Line(line)),
            Err(message) => {
                // List an unknown category even on a row with other problems.
                if let Some(v) = row.get(Field::Category)
                    && categories.resolve(v).is_none()
                {
                    part.unknown.add(v.to_string(), Location::Line(line));
                }
                part.errors.push(Location::Line(line), message)
            }
        }
    }
    part.mapped = categories.mapped();
    part
}

fn xy_note(crs: Crs, order: XyOrder, header_of: &dyn Fn(Field) -> String) -> String {
    let (x, y) = (header_of(Field::X), header_of(Field::Y));
    match (crs, order) {
        (Crs::Sweref99Tm, XyOrder::XNorth) => {
            format!("{x} was read as northing (N) and {y} as easting (E), SWEREF 99 TM")
        }
        (Crs::Sweref99Tm, XyOrder::XEast) => {
            format!("{x} was read as easting (E) and {y} as northing (N), SWEREF 99 TM")
        }
        (Crs::Wgs84, XyOrder::XNorth) => format!("{x} was read as latitude and {y} as longitude"),
        (Crs::Wgs84, XyOrder::XEast) => format!("{x} was read as longitude and {y} as latitude"),
    }
}

/// X/Y without a CRS option: metres if the first filled-in X is larger than 1 000.
fn guess_crs(text: &str, delimiter: u8, columns: &Columns) -> Crs {
    let Some(xi) = columns.get(Field::X) else {
        return Crs::Wgs84;
    };
    let mut r = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    for rec in r.records().flatten().take(100) {
        if let Some(Ok(x)) = rec
            .get(xi)
            .filter(|v| !v.trim().is_empty())
            .map(|v| parse_number("X", v))
        {
            return if x.abs() > 1000.0 {
                Crs::Sweref99Tm
            } else {
                Crs::Wgs84
            };
        }
    }
    Crs::Wgs84
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("Datum;Kategori;Plats\n"), b';');
        assert_eq!(sniff_delimiter("Datum,Kategori\n"), b',');
        assert_eq!(sniff_delimiter("Datum\tKategori\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b\",c,d\n"), b',');
    }

    #[test]
    fn splits_fall_on_record_boundaries_outside_quotes() {
        let text = b"a;b\n1;\"x\ny\"\n2;\"\"\"q\n\"\n3;z\r\n4;w\n";
        for parts in 1..=8 {
            let splits = record_splits(text, b';', parts);
            assert_eq!(splits.first().map(|s| s.0), Some(0));
            assert_eq!(splits.last().map(|s| s.1), Some(text.len()));
            for w in splits.windows(2) {
                assert_eq!(w[0].1, w[1].0);
            }
            for &(start, _) in &splits[1..] {
                assert!(
                    [b"1;".as_slice(), b"2;", b"3;", b"4;"].contains(&&text[start..start + 2]),
                    "split at {start} ({parts} parts) is not a record start"
                );
            }
        }
    }

    /// Reading in parts gives exactly what reading in one part gives: rows in file order, errors
    /// with their line numbers in order, unknown categories counted from their first line, the
    /// summary.
    #[test]
    fn parts_read_like_one() {
        let mut file = String::from("Datum;Klockslag;Kategori;N;E;Plats;Ärendenr\r\n");
        for k in 0..400 {
            let category = match k % 97 {
                13 => "Okänd sak",
                _ => ["Inbrott", "Klotter", "Bråk"][k % 3],
            };
            let date = if k % 89 == 7 {
                "2023-13-01".to_string()
            } else {
                format!("2023-05-{:02}", 1 + k % 28)
            };
            let place = if k % 50 == 3 {
                "\"Torget\nnorra\""
            } else {
                "Torget"
            };
            file.push_str(&format!(
                "{date};{:02}:15;{category};6638{:03},5;647{:03};{place};K{k}\r\n",
                k % 24,
                k % 1000,
                k % 1000
            ));
        }
        let options = CsvOptions::new(OrganisationId(1));
        let one = parse_csv_in(file.as_bytes(), &options, Some(1));
        for parts in [2, 3, 7] {
            assert_eq!(
                parse_csv_in(file.as_bytes(), &options, Some(parts)),
                one,
                "{parts} parts"
            );
        }
        let errors = one.unwrap_err();
        assert!(errors.errors.len() > 3, "{errors}");
        let good: String = file
            .lines()
            .filter(|l| !l.contains("Okänd") && !l.contains("-13-"))
            .map(|l| format!("{l}\n"))
            .collect();
        let one = parse_csv_in(good.as_bytes(), &options, Some(1)).unwrap();
        assert!(one.incidents.len() > 300);
        for parts in [2, 5] {
            assert_eq!(
                parse_csv_in(good.as_bytes(), &options, Some(parts)).unwrap(),
                one
            );
        }
    }

    #[test]
    fn mappings_parse() {
        assert_eq!(
            parse_mapping("category=Brottstyp").unwrap(),
            (Field::Category, "Brottstyp".into())
        );
        assert!(
            parse_mapping("kategori=X")
                .unwrap_err()
                .contains("not a field")
        );
        assert!(parse_mapping("category").is_err());
    }
}
