//! The row rules shared by the CSV and GeoJSON point imports: which column means what, and how
//! one row's texts become a valid incident (time window, position, category, texts).
//!
//! A spreadsheet row and a GeoJSON feature's properties are the same thing to a user, so they
//! are read by the same rules and refused with the same messages.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Time;
use trygg_domain::incident::{
    DESCRIPTION_MAX_CHARS, EXTERNAL_ID_MAX_CHARS, PLACE_MAX_CHARS, check_text,
};
use trygg_domain::{
    Category, CategoryMap, Channel, ErrorCode, NewIncident, OrganisationId, Position, Precision,
    Taxonomy, Visibility,
};

use crate::report::{Location, MappedCategory};
use crate::when::{local_to_timestamp, parse_date_time, parse_instant, parse_time};

/// A field an incident can be read from. `FIELD=COLUMN` mappings use [`Field::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Date, or date and time (`Datum`).
    OccurredDate,
    /// Time of day (`Klockslag`, `Tid`).
    OccurredTime,
    /// Start of a time window (`Från`).
    OccurredFrom,
    /// End of a time window (`Till`).
    OccurredTo,
    /// Category label or code (`Kategori`, `Händelsetyp`).
    Category,
    /// X: northing or easting (3006) or longitude (4326), decided per file by value ranges.
    X,
    /// Y: the other axis.
    Y,
    /// Northing, metres (`N`, `Nord`).
    N,
    /// Easting, metres (`E`, `Öst`).
    E,
    /// Latitude (`Lat`).
    Lat,
    /// Longitude (`Lon`).
    Lon,
    /// Free text (`Beskrivning`).
    Description,
    /// Place name (`Plats`).
    Place,
    /// Identifier in the source system (`Ärendenr`).
    ExternalId,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 14] = [
        Field::OccurredDate,
        Field::OccurredTime,
        Field::OccurredFrom,
        Field::OccurredTo,
        Field::Category,
        Field::X,
        Field::Y,
        Field::N,
        Field::E,
        Field::Lat,
        Field::Lon,
        Field::Description,
        Field::Place,
        Field::ExternalId,
    ];

    /// The name used in `FIELD=COLUMN` mappings.
    pub fn name(self) -> &'static str {
        match self {
            Field::OccurredDate => "occurred_date",
            Field::OccurredTime => "occurred_time",
            Field::OccurredFrom => "occurred_from",
            Field::OccurredTo => "occurred_to",
            Field::Category => "category",
            Field::X => "x",
            Field::Y => "y",
            Field::N => "n",
            Field::E => "e",
            Field::Lat => "lat",
            Field::Lon => "lon",
            Field::Description => "description",
            Field::Place => "place",
            Field::ExternalId => "external_id",
        }
    }

    /// Parses a mapping field name.
    pub fn parse(s: &str) -> Option<Field> {
        let s = s.trim().to_lowercase();
        Field::ALL.into_iter().find(|f| f.name() == s)
    }

    /// Headers recognised without a mapping (compared lower-case, without surrounding space).
    fn headers(self) -> &'static [&'static str] {
        match self {
            Field::OccurredDate => &["datum", "date", "händelsedatum", "occurred_date"],
            Field::OccurredTime => &[
                "klockslag",
                "tid",
                "tidpunkt",
                "kl",
                "time",
                "occurred_time",
            ],
            Field::OccurredFrom => &["från", "fran", "from", "starttid", "start", "occurred_from"],
            Field::OccurredTo => &["till", "to", "sluttid", "end", "occurred_to"],
            Field::Category => &[
                "kategori",
                "händelsetyp",
                "handelsetyp",
                "typ",
                "category",
                "type",
                "event type",
            ],
            Field::X => &["x"],
            Field::Y => &["y"],
            Field::N => &[
                "n",
                "nord",
                "northing",
                "north",
                "sweref99tm n",
                "n (sweref 99 tm)",
            ],
            Field::E => &[
                "e",
                "öst",
                "ost",
                "easting",
                "east",
                "sweref99tm e",
                "e (sweref 99 tm)",
            ],
            Field::Lat => &["lat", "latitud", "latitude"],
            Field::Lon => &["lon", "lng", "long", "longitud", "longitude"],
            Field::Description => &["beskrivning", "description", "text", "kommentar", "comment"],
            Field::Place => &[
                "plats",
                "place",
                "adress",
                "address",
                "location",
                "platsnamn",
            ],
            Field::ExternalId => &[
                "ärendenr",
                "ärendenummer",
                "ärende",
                "arendenr",
                "diarienr",
                "id",
                "external_id",
                "case number",
                "case id",
            ],
        }
    }

    /// Recognises a header.
    pub fn from_header(header: &str) -> Option<Field> {
        let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
        Field::ALL
            .into_iter()
            .find(|f| f.headers().contains(&h.as_str()))
    }
}

/// Which coordinate reference system numbers are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// EPSG:4326, degrees.
    Wgs84,
    /// EPSG:3006, metres.
    Sweref99Tm,
}

impl Crs {
    /// Parses `4326`, `3006`, `EPSG:4326`, `wgs84`, `sweref99tm`.
    pub fn parse(s: &str) -> Option<Crs> {
        let s = s.trim().to_lowercase();
        let s = s.strip_prefix("epsg:").unwrap_or(&s);
        match s {
            "4326" | "wgs84" | "crs84" => Some(Crs::Wgs84),
            "3006" | "sweref99tm" | "sweref 99 tm" => Some(Crs::Sweref99Tm),
            _ => None,
        }
    }
}

/// Which field each column holds, after header recognition and explicit mappings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    /// `index[field as usize]` = column number.
    pub index: BTreeMap<Field, usize>,
}

impl Columns {
    /// Recognises headers, then applies `mapping` (field → column header), which wins.
    pub fn resolve(headers: &[String], mapping: &[(Field, String)]) -> Result<Self, String> {
        let mut c = Columns::default();
        for (i, h) in headers.iter().enumerate() {
            if let Some(f) = Field::from_header(h) {
                c.index.entry(f).or_insert(i);
            }
        }
        for (field, col) in mapping {
            let want = col.trim().to_lowercase();
            let Some(i) = headers
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase() == want)
            else {
                return Err(format!(
                    "The mapping {}={col}: there is no column \"{col}\" in the file. Columns found: {}.",
                    field.name(),
                    list(headers)
                ));
            };
            c.index.insert(*field, i);
        }
        let has_time = c.has(Field::OccurredDate) || c.has(Field::OccurredFrom);
        if !has_time || !c.has(Field::Category) {
            let mut missing = Vec::new();
            if !has_time {
                missing.push("a date (Datum/Date, or Från/From)");
            }
            if !c.has(Field::Category) {
                missing.push("a category (Kategori/Händelsetyp/Category)");
            }
            return Err(format!(
                "Missing columns: the file needs {}. Columns found: {}. Rename the columns, or map \
                 them with FIELD=COLUMN (fields: {}).",
                missing.join(" and "),
                list(headers),
                Field::ALL.map(Field::name).join(", ")
            ));
        }
        let pairs = [
            (Field::X, Field::Y),
            (Field::N, Field::E),
            (Field::Lat, Field::Lon),
        ];
        for (a, b) in pairs {
            if c.has(a) != c.has(b) {
                let (have, lack) = if c.has(a) { (a, b) } else { (b, a) };
                return Err(format!(
                    "The file has a {} column but no {} column: coordinates need both. \
                     Columns found: {}.",
                    have.name(),
                    lack.name(),
                    list(headers)
                ));
            }
        }
        Ok(c)
    }

    pub fn has(&self, f: Field) -> bool {
        self.index.contains_key(&f)
    }

    pub fn get(&self, f: Field) -> Option<usize> {
        self.index.get(&f).copied()
    }
}

fn list(headers: &[String]) -> String {
    if headers.is_empty() {
        return "none".into();
    }
    headers
        .iter()
        .map(|h| format!("\"{}\"", h.trim().trim_start_matches('\u{feff}')))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row's values by field; empty cells are `None`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Row<'a> {
    pub values: [Option<&'a str>; 14],
}

impl<'a> Row<'a> {
    pub fn get(&self, f: Field) -> Option<&'a str> {
        self.values[f as usize]
    }
    pub fn set(&mut self, f: Field, v: &'a str) {
        let v = v.trim();
        self.values[f as usize] = if v.is_empty() { None } else { Some(v) };
    }
}

/// How the X/Y columns of a file are read, decided once from the first row with both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XyOrder {
    /// X is northing (3006) or latitude (4326): Swedish surveying convention.
    XNorth,
    /// X is easting (3006) or longitude (4326): GIS convention.
    XEast,
}

/// Settings shared by the row importers.
#[derive(Debug, Clone)]
pub(crate) struct RowRules {
    pub crs: Crs,
    pub xy: XyOrder,
    pub source_org: OrganisationId,
    pub channel: Channel,
    pub visibility: Visibility,
    pub precision: Precision,
}

/// Reads a number written the Swedish or English way: `59,858`, `59.858`, `6 638 604`.
pub(crate) fn parse_number(field: &str, raw: &str) -> Result<f64, String> {
    if !raw.bytes().any(|b| matches!(b, b',' | b' ' | 0x80..)) {
        // Fast path: nothing to clean.
        if let Ok(v) = raw.parse::<f64>()
            && v.is_finite()
        {
            return Ok(v);
        }
    }
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!(
            "column {field}: {raw:?} is not a number (write e.g. 59,8586 or 6638604)"
        )),
    }
}

/// Decides the X/Y convention from one pair of values, or `None` if they say nothing.
pub(crate) fn detect_xy(crs: Crs, x: f64, y: f64) -> Option<XyOrder> {
    let (north, east) = match crs {
        Crs::Sweref99Tm => (6_000_000.0..=7_800_000.0, 200_000.0..=1_000_000.0),
        Crs::Wgs84 => (54.0..=70.0, 9.0..=25.0),
    };
    let north = |v: f64| north.contains(&v);
    let east = |v: f64| east.contains(&v);
    if north(x) && east(y) {
        Some(XyOrder::XNorth)
    } else if east(x) && north(y) {
        Some(XyOrder::XEast)
    } else {
        None
    }
}

/// The outcome of one row.
pub(crate) enum Built {
    Incident(Box<NewIncident>),
    /// The row is otherwise fine but its category is unknown (reported once for the file).
    UnknownCategory(String),
}

/// Category lookups by the text in the file, remembered: a file uses a handful of distinct
/// values a million times, and [`Taxonomy::resolve`] compares against every label. The
/// partnership's [`CategoryMap`] is asked first, so a mapping wins over a label.
#[derive(Debug)]
pub(crate) struct CategoryCache<'m> {
    map: &'m CategoryMap,
    known: HashMap<String, Lookup>,
}

/// What one text in the category column means, and how many rows used it.
#[derive(Debug, Clone, Copy)]
struct Lookup {
    category: Option<&'static Category>,
    /// Through the category map.
    mapped: bool,
    rows: usize,
}

impl<'m> CategoryCache<'m> {
    pub fn new(map: &'m CategoryMap) -> Self {
        Self {
            map,
            known: HashMap::new(),
        }
    }

    fn lookup(&mut self, text: &str) -> &mut Lookup {
        if !self.known.contains_key(text) {
            let (category, mapped) = match self.map.get(text) {
                Some((_, c)) => (Some(c), true),
                None => (Taxonomy.resolve(text), false),
            };
            self.known.insert(
                text.to_string(),
                Lookup {
                    category,
                    mapped,
                    rows: 0,
                },
            );
        }
        self.known.get_mut(text).expect("just inserted")
    }

    /// The category for `text`, if the map or the taxonomy knows it.
    pub fn resolve(&mut self, text: &str) -> Option<&'static Category> {
        self.lookup(text).category
    }

    /// [`CategoryCache::resolve`] for a row's category, counted.
    fn resolve_row(&mut self, text: &str) -> Option<&'static Category> {
        let l = self.lookup(text);
        l.rows += 1;
        l.category
    }

    /// The map's values the rows used: the value as the map writes it → its code and rows.
    pub fn mapped(&self) -> BTreeMap<String, MappedCategory> {
        let mut out: BTreeMap<String, MappedCategory> = BTreeMap::new();
        for (text, l) in &self.known {
            if let (true, Some(c), Some((value, _))) = (l.mapped, l.category, self.map.get(text))
                && l.rows > 0
            {
                out.entry(value.to_string())
                    .or_insert_with(|| MappedCategory {
                        code: c.code.to_string(),
                        rows: 0,
                    })
                    .rows += l.rows;
            }
        }
        out
    }
}

/// Adds the rows of `later` to `into`.
pub(crate) fn add_mapped(
    into: &mut BTreeMap<String, MappedCategory>,
    later: BTreeMap<String, MappedCategory>,
) {
    for (value, m) in later {
        into.entry(value)
            .or_insert_with(|| MappedCategory {
                code: m.code.clone(),
                rows: 0,
            })
            .rows += m.rows;
    }
}

/// Turns one row into an incident, or says everything wrong with it.
pub(crate) fn build(
    row: &Row<'_>,
    rules: &RowRules,
    categories: &mut CategoryCache<'_>,
    header: &dyn Fn(Field) -> String,
) -> Result<Built, String> {
    let mut problems: Vec<String> = Vec::new();

    let category: Option<&'static Category> = match row.get(Field::Category) {
        None => {
            problems.push(format!(
                "{} is empty: every row needs a category",
                header(Field::Category)
            ));
            None
        }
        Some(v) => categories.resolve_row(v),
    };

    let window = match time_window(row, header) {
        Ok(w) => Some(w),
        Err(e) => {
            problems.push(e);
            None
        }
    };

    let position = match position(row, rules, header) {
        Ok(p) => p,
        Err(e) => {
            problems.push(e);
            None
        }
    };

    let text = |f: Field, max: usize, problems: &mut Vec<String>| -> Option<String> {
        let v = row.get(f)?;
        match check_text(f.name(), Some(v), max) {
            Ok(()) => Some(v.to_string()),
            Err(e) => {
                problems.push(format!("{}: {}", header(f), e.message));
                None
            }
        }
    };
    let description = text(Field::Description, DESCRIPTION_MAX_CHARS, &mut problems);
    let place = text(Field::Place, PLACE_MAX_CHARS, &mut problems);
    let external_id = text(Field::ExternalId, EXTERNAL_ID_MAX_CHARS, &mut problems);

    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let Some((from, to)) = window else {
        unreachable!("a missing window is a problem")
    };
    let Some(category) = category else {
        return Ok(Built::UnknownCategory(
            row.get(Field::Category).unwrap_or_default().to_string(),
        ));
    };
    let incident = NewIncident {
        occurred_from: from,
        occurred_to: to,
        reported_at: None,
        category: category.code.to_string(),
        place_type: None,
        position,
        place,
        source_org: rules.source_org,
        channel: rules.channel,
        external_id,
        description,
        visibility: rules.visibility,
        report_id: None,
        created_by: None,
    };
    incident.validate().map_err(|e| match e.field.as_str() {
        "occurred_to" => format!(
            "{} is before {}: the time window must end after it starts",
            header(Field::OccurredTo),
            header(Field::OccurredFrom)
        ),
        _ => e.message,
    })?;
    Ok(Built::Incident(Box::new(incident)))
}

type Window = (jiff::Timestamp, Option<jiff::Timestamp>);

fn end_of_day() -> Time {
    Time::new(23, 59, 59, 0).expect("valid")
}

/// A date-and-time cell as an instant, and whether it held a time of day. A date alone means
/// `default_time` that day.
fn cell_instant(raw: &str, default_time: Time) -> Result<(jiff::Timestamp, bool), String> {
    if let Some(ts) = parse_instant(raw) {
        return Ok((ts, true));
    }
    let (d, t) = parse_date_time(raw)?;
    Ok((
        local_to_timestamp(d.to_datetime(t.unwrap_or(default_time))),
        t.is_some(),
    ))
}

fn time_window(row: &Row<'_>, header: &dyn Fn(Field) -> String) -> Result<Window, String> {
    if let Some(from) = row.get(Field::OccurredFrom) {
        let (start, had_time) = cell_instant(from, Time::midnight())
            .map_err(|e| format!("{}: {e}", header(Field::OccurredFrom)))?;
        let end = match row.get(Field::OccurredTo) {
            Some(to) => Some(
                cell_instant(to, end_of_day())
                    .map_err(|e| format!("{}: {e}", header(Field::OccurredTo)))?
                    .0,
            ),
            // A start date without a time and no end: some time that day.
            None if !had_time => Some(
                cell_instant(from, end_of_day())
                    .map_err(|e| e.to_string())?
                    .0,
            ),
            None => None,
        };
        return Ok((start, end));
    }
    let Some(date) = row.get(Field::OccurredDate) else {
        return Err(format!(
            "{} is empty: every row needs a date",
            header(Field::OccurredDate)
        ));
    };
    if let Some(ts) = parse_instant(date) {
        return Ok((ts, None));
    }
    let (d, in_cell) =
        parse_date_time(date).map_err(|e| format!("{}: {e}", header(Field::OccurredDate)))?;
    let time = match row.get(Field::OccurredTime) {
        Some(t) => {
            Some(parse_time(t).map_err(|e| format!("{}: {e}", header(Field::OccurredTime)))?)
        }
        None => in_cell,
    };
    Ok(match time {
        Some(t) => (local_to_timestamp(d.to_datetime(t)), None),
        // A date without a time: the incident happened some time that day.
        None => (
            local_to_timestamp(d.to_datetime(Time::midnight())),
            Some(local_to_timestamp(d.to_datetime(end_of_day()))),
        ),
    })
}

fn position(
    row: &Row<'_>,
    rules: &RowRules,
    header: &dyn Fn(Field) -> String,
) -> Result<Option<Position>, String> {
    let num = |f: Field| -> Result<Option<f64>, String> {
        row.get(f).map(|v| parse_number(&header(f), v)).transpose()
    };
    let pairs = [
        (Field::Lat, Field::Lon),
        (Field::N, Field::E),
        (Field::X, Field::Y),
    ];
    for (a, b) in pairs {
        let (va, vb) = (num(a), num(b));
        let (va, vb) = match (va, vb) {
            (Ok(va), Ok(vb)) => (va, vb),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
            (Err(e1), Err(e2)) => return Err(format!("{e1}; {e2}")),
        };
        let (va, vb) = match (va, vb) {
            (None, None) => continue,
            (Some(va), Some(vb)) => (va, vb),
            _ => {
                return Err(format!(
                    "{} and {} must both be filled in, or both left empty",
                    header(a),
                    header(b)
                ));
            }
        };
        let p = match (a, rules.crs) {
            (Field::Lat, _) => Position::from_wgs84(va, vb, rules.precision),
            (Field::N, _) => Position::from_sweref99tm(va, vb, rules.precision),
            (_, crs) => {
                let (north, east) = match rules.xy {
                    XyOrder::XNorth => (va, vb),
                    XyOrder::XEast => (vb, va),
                };
                match crs {
                    Crs::Wgs84 => Position::from_wgs84(north, east, rules.precision),
                    Crs::Sweref99Tm => Position::from_sweref99tm(north, east, rules.precision),
                }
            }
        };
        // The one land check (also in `NewIncident::validate`), here to name the columns and
        // suggest what may be wrong.
        let p = p.and_then(|p| p.check_on_land().map(|()| p)).map_err(|e| {
            let hint = if e.code == ErrorCode::OutsideSweden {
                " Are the coordinates in the right columns and the right system?"
            } else {
                ""
            };
            format!("{}/{}: {}{hint}", header(a), header(b), e.message)
        })?;
        return Ok(Some(p));
    }
    Ok(None)
}

/// How a person passes a category mapping, for the advice in an unknown-category error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MapSyntax {
    /// `trygg import … --category-map "VALUE=CODE"`.
    #[default]
    Flag,
    /// The API's query parameter `category_map=VALUE=CODE`.
    Query,
}

impl MapSyntax {
    /// How to map `value`, e.g. `--category-map "Ordningsstörning=CODE"`.
    pub fn advice(self, value: &str) -> String {
        match self {
            MapSyntax::Flag => format!("--category-map \"{value}=CODE\""),
            MapSyntax::Query => format!("the query parameter category_map={value}=CODE"),
        }
    }
}

/// Collects unknown category values, their counts and first places, for one error each. Values
/// that differ only in case and spaces are one value (one mapping covers them), shown as first
/// written.
#[derive(Debug, Default)]
pub(crate) struct UnknownCategories {
    /// Normalised value → (as first written, rows, first place).
    counts: BTreeMap<String, (String, usize, Location)>,
}

impl UnknownCategories {
    pub fn add(&mut self, value: String, at: Location) {
        self.counts
            .entry(CategoryMap::normalise(&value))
            .or_insert((value, 0, at))
            .1 += 1;
    }

    /// Adds those of a later part of the same file (first spellings and places stay the
    /// earliest).
    pub fn append(&mut self, later: UnknownCategories) {
        for (key, (value, n, at)) in later.counts {
            self.counts.entry(key).or_insert((value, 0, at)).1 += n;
        }
    }

    /// Every unknown value, in the order they first appear.
    fn ordered(&self) -> Vec<&(String, usize, Location)> {
        let mut listed: Vec<&(String, usize, Location)> = self.counts.values().collect();
        listed.sort_by_key(|(v, _, at)| (*at, v));
        listed
    }

    /// Every unknown value with its count and first place, in the order they first appear.
    pub fn listed(&self) -> Vec<crate::report::UnknownCategory> {
        self.ordered()
            .into_iter()
            .map(|(value, rows, first)| crate::report::UnknownCategory {
                value: value.clone(),
                rows: *rows,
                first: *first,
            })
            .collect()
    }

    /// One sentence per unknown value, in the order they first appear: its count, where it is
    /// first, how to map it (in the syntax of the door the file came through) and the nearest
    /// codes.
    pub fn messages(&self, syntax: MapSyntax) -> Vec<String> {
        self.ordered()
            .into_iter()
            .map(|(v, n, first)| {
                format!(
                    "unknown category {v:?} ({n} row{}, first on {first}): map it with {}, or \
                     correct it in the file (nearest codes: {}; every code: GET \
                     /api/v1/categories)",
                    if *n == 1 { "" } else { "s" },
                    syntax.advice(v),
                    Taxonomy.nearest(v, 3).join(", ")
                )
            })
            .collect()
    }
}
