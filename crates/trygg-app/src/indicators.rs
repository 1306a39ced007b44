//! Indicators for the lägesbild's "annan information av betydelse" (Lag 2023:196 4 §): safety
//! surveys and population per area and period ([`trygg_domain::indicator`]).
//!
//! Who may: importing and deleting need [`Permission::Import`] (analysts, coordinators,
//! administrators); reading needs [`Permission::ReadReference`] (everyone signed in — survey
//! results and population are public statistics, like the areas they belong to).
//!
//! Each value is an audited record of kind `indicator_value`, one per (indicator, source, area,
//! period). An import is checked whole before anything is written — the file by the parser,
//! then every area against the stored areas (by code, by the code at the start of the cell, or
//! by exact name, ignoring case) — and refused with every problem by line. Then a value not yet
//! stored is created, one stored with other numbers is updated (audited with before/after), and
//! one stored with the same numbers is left alone: importing the same file twice changes
//! nothing, not even the audit log.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use trygg_analysis::rates::population_for;
use trygg_domain::indicator::{
    Indicator, IndicatorValue, POPULATION, Period, Unit, ValueKey, YEARS,
};
use trygg_domain::{Actor, Area, AreaId, AreaKind, OrganisationId, Permission};
use trygg_import::indicators::{area_code, parse_indicators};

pub use trygg_import::indicators::IndicatorFormat;
use trygg_import::{ImportErrors, Location, MAX_LISTED_ERRORS, RowError};
use trygg_report::fmt_sv;
use trygg_store::records::{self, Stored, Write};

use crate::{App, AppError, Principal};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Values read from the file.
    pub read: usize,
    /// Values stored for the first time.
    pub created: usize,
    /// Values stored before with other numbers, now updated.
    pub updated: usize,
    /// Values stored before with the same numbers: left alone.
    pub unchanged: usize,
    /// The parser's notes (encoding, cells left out).
    pub notes: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Read {} indicator values: {} new, {} updated, {} already stored unchanged.",
            self.read, self.created, self.updated, self.unchanged
        )?;
        for n in &self.notes {
            writeln!(f, "Note: {n}")?;
        }
        Ok(())
    }
}

/// Checks the principal may import indicators, before any upload is read.
pub fn check_import(who: &Principal) -> Result<(), AppError> {
    who.check(Permission::Import)
}

/// Imports an indicator file of `format` (see [`trygg_import::indicators`]).
pub async fn import(
    app: &App,
    who: &Principal,
    format: IndicatorFormat,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<ImportReport, AppError> {
    check_import(who)?;
    import_as(app, &who.actor(), who.organisation(), format, bytes).await
}

/// [`import`] without a principal, for the operator's CLI: the values are written by `actor`
/// and owned by `organisation`.
pub async fn import_as(
    app: &App,
    actor: &Actor,
    organisation: OrganisationId,
    format: IndicatorFormat,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<ImportReport, AppError> {
    let file = crate::transfer::parse(move || parse_indicators(bytes.as_ref(), format)).await?;
    let areas = app.store.list_areas().await?;
    let resolver = Resolver::new(&areas);
    let mut errors = Vec::new();
    let mut more = 0;
    let mut push = |line: u64, message: String| {
        if errors.len() < MAX_LISTED_ERRORS {
            errors.push(RowError {
                at: Location::Line(line),
                message,
            });
        } else {
            more += 1;
        }
    };
    let mut values: Vec<IndicatorValue> = Vec::with_capacity(file.values.len());
    let mut lines: HashMap<ValueKey<AreaId>, u64> = HashMap::new();
    for read in file.values {
        match resolver.resolve(&read.value.area) {
            Ok(area) => {
                let value = read.value.with_area(area);
                if let Some(first) = lines.insert(value.key(), read.line) {
                    push(
                        read.line,
                        format!(
                            "this names the same area as line {first} (same indicator, source \
                             and period): give each value once"
                        ),
                    );
                } else {
                    values.push(value);
                }
            }
            Err(e) => push(read.line, e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::ImportFailed(ImportErrors {
            errors,
            more,
            unknown_categories: Vec::new(),
        }));
    }
    let stored: HashMap<ValueKey<AreaId>, Stored<IndicatorValue>> =
        records::list::<IndicatorValue>(app.store.as_ref())
            .await?
            .into_iter()
            .map(|s| (s.data.key(), s))
            .collect();
    let mut report = ImportReport {
        read: values.len(),
        notes: file.notes,
        ..Default::default()
    };
    // One transaction for the whole file: a failure half-way (a value changed by someone else
    // since it was read) writes nothing.
    let mut writes = Vec::new();
    for value in values {
        match stored.get(&value.key()) {
            Some(s) if s.data == value => report.unchanged += 1,
            Some(s) => {
                writes.push(Write::Update(s.meta.id, s.meta.version, value));
                report.updated += 1;
            }
            None => {
                writes.push(Write::Create(organisation, value));
                report.created += 1;
            }
        }
    }
    if !writes.is_empty() {
        records::write_all(app.store.as_ref(), actor, &writes).await?;
    }
    Ok(report)
}

/// Finds a file's area among the stored ones.
struct Resolver<'a> {
    by_code: HashMap<&'a str, &'a Area>,
    by_name: HashMap<String, Vec<&'a Area>>,
}

impl<'a> Resolver<'a> {
    fn new(areas: &'a [Area]) -> Self {
        let mut by_name: HashMap<String, Vec<&Area>> = HashMap::new();
        for a in areas {
            by_name.entry(a.name.to_lowercase()).or_default().push(a);
        }
        Resolver {
            by_code: areas
                .iter()
                .filter_map(|a| a.code.as_deref().map(|c| (c, a)))
                .collect(),
            by_name,
        }
    }

    /// The area a cell names: its code, the code at its start, or its exact name.
    fn resolve(&self, cell: &str) -> Result<AreaId, String> {
        let cell = cell.trim();
        if let Some(a) = self
            .by_code
            .get(cell)
            .or_else(|| area_code(cell).and_then(|c| self.by_code.get(c)))
        {
            return Ok(a.id);
        }
        match self.by_name.get(&cell.to_lowercase()).map(Vec::as_slice) {
            Some([a]) => Ok(a.id),
            Some(many) => Err(format!(
                "the area {cell:?} is the name of {} stored areas ({}): write its code instead",
                many.len(),
                many.iter()
                    .map(|a| format!(
                        "{} {}",
                        a.kind.as_str(),
                        a.code.as_deref().unwrap_or("without a code")
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => Err(match area_code(cell) {
                Some(code) => format!(
                    "no stored area has the code {code:?}: import the areas first (trygg import \
                     areas), or check the code"
                ),
                None => format!(
                    "no stored area is called {cell:?}: write the area's code or its name as \
                     stored (see /api/v1/areas)"
                ),
            }),
        }
    }
}

/// Which values to list; every part optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorQuery {
    /// Indicator code.
    pub indicator: Option<String>,
    /// Source, exactly.
    pub source: Option<String>,
    /// Areas (any of them).
    pub areas: Vec<AreaId>,
    /// Values whose period overlaps this one.
    pub period: Option<Period>,
}

impl IndicatorQuery {
    /// Reads the query pairs `indicator`, `source`, `area` (repeatable or comma-separated ids)
    /// and `period` (`2024`, `2021-2023`); anything else is a bad parameter.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let mut q = IndicatorQuery::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "indicator" => q.indicator = Some(v.to_string()),
                "source" => q.source = Some(v.to_string()),
                "area" => {
                    for id in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        q.areas.push(AreaId(id.parse().map_err(|_| {
                            AppError::param("area", format!("{id:?} is not an area id."))
                        })?));
                    }
                }
                "period" => {
                    q.period = Some(Period::parse(v).map_err(|e| AppError::param("period", e))?)
                }
                other => {
                    return Err(AppError::param(
                        other,
                        format!(
                            "Unknown parameter {other:?}: indicators take indicator, source, \
                             area and period."
                        ),
                    ));
                }
            }
        }
        Ok(q)
    }

    fn matches(&self, v: &IndicatorValue) -> bool {
        self.indicator
            .as_ref()
            .is_none_or(|c| *c == v.indicator.code)
            && self.source.as_ref().is_none_or(|s| *s == v.source)
            && (self.areas.is_empty() || self.areas.contains(&v.area))
            && self
                .period
                .is_none_or(|p| p.first <= v.period.last && v.period.first <= p.last)
    }
}

/// A stored value as pages and the API show it: with its area's name and the Swedish text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownValue {
    /// Record id.
    pub id: i64,
    /// Indicator.
    pub indicator: Indicator,
    /// Source.
    pub source: String,
    /// Area id.
    pub area: AreaId,
    /// Area name.
    pub area_name: String,
    /// Area code, where it has one.
    pub area_code: Option<String>,
    /// Area kind.
    pub area_kind: AreaKind,
    /// Period.
    pub period: Period,
    /// The estimate.
    pub value: f64,
    /// Interval's lower end.
    pub ci_low: Option<f64>,
    /// Interval's upper end.
    pub ci_high: Option<f64>,
    /// Respondents.
    pub n: Option<u32>,
    /// Unit.
    pub unit: Unit,
    /// In Swedish, with its interval: "32 % (28–36), n = 812".
    pub text: String,
}

/// The value in Swedish with its interval and respondents: "32 % (28–36), n = 812",
/// "11 850 invånare". A survey value is never written without its interval.
pub fn describe<A>(v: &IndicatorValue<A>) -> String {
    let whole = [Some(v.value), v.ci_low, v.ci_high]
        .into_iter()
        .flatten()
        .all(|x| x.fract() == 0.0);
    let num = |x: f64| fmt_sv(x, if whole { 0 } else { 1 });
    let mut out = match v.unit {
        Unit::Percent => format!("{}\u{a0}%", num(v.value)),
        Unit::Count => format!("{} invånare", num(v.value)),
        Unit::Per1000 => format!("{} per 1\u{a0}000 inv.", num(v.value)),
        Unit::Index => num(v.value),
    };
    if let (Some(l), Some(h)) = (v.ci_low, v.ci_high) {
        out.push_str(&format!(" ({}–{})", num(l), num(h)));
    }
    if let Some(n) = v.n {
        out.push_str(&format!(", n = {}", fmt_sv(f64::from(n), 0)));
    }
    out
}

/// The values matching `q`, by indicator, area name and period (newest first).
pub async fn list(
    app: &App,
    who: &Principal,
    q: &IndicatorQuery,
) -> Result<Vec<ShownValue>, AppError> {
    who.check(Permission::ReadReference)?;
    shown(app, q).await
}

/// [`list`] without a principal: the generated reports' (indicators are reference data every
/// signed-in person reads, and hold no personal data).
pub(crate) async fn shown(app: &App, q: &IndicatorQuery) -> Result<Vec<ShownValue>, AppError> {
    let areas: HashMap<AreaId, Area> = app
        .store
        .list_areas()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut shown: Vec<ShownValue> = records::list::<IndicatorValue>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|s| q.matches(&s.data))
        .filter_map(|s| {
            let area = areas.get(&s.data.area)?;
            let v = s.data;
            Some(ShownValue {
                id: s.meta.id,
                text: describe(&v),
                area_name: area.name.clone(),
                area_code: area.code.clone(),
                area_kind: area.kind,
                indicator: v.indicator,
                source: v.source,
                area: v.area,
                period: v.period,
                value: v.value,
                ci_low: v.ci_low,
                ci_high: v.ci_high,
                n: v.n,
                unit: v.unit,
            })
        })
        .collect();
    shown.sort_by(|a, b| {
        (&a.indicator.name, &a.source, &a.area_name)
            .cmp(&(&b.indicator.name, &b.source, &b.area_name))
            .then(b.period.cmp(&a.period))
    });
    Ok(shown)
}

/// One indicator from one source, as the survey layer's picker offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    /// Indicator.
    pub indicator: Indicator,
    /// Source.
    pub source: String,
    /// Unit.
    pub unit: Unit,
    /// Values stored.
    pub values: usize,
}

/// Every (indicator, source) stored, with how many values, population last.
pub async fn series(app: &App, who: &Principal) -> Result<Vec<Series>, AppError> {
    who.check(Permission::ReadReference)?;
    let mut by: BTreeMap<(bool, Indicator, String), (Unit, usize)> = BTreeMap::new();
    for s in records::list::<IndicatorValue>(app.store.as_ref()).await? {
        let e = by
            .entry((
                s.data.indicator.code == POPULATION,
                s.data.indicator,
                s.data.source,
            ))
            .or_insert((s.data.unit, 0));
        e.1 += 1;
    }
    Ok(by
        .into_iter()
        .map(|((_, indicator, source), (unit, values))| Series {
            indicator,
            source,
            unit,
            values,
        })
        .collect())
}

/// Deletes every value of `indicator` (code) from `source` (a dataset); returns how many.
/// Each deletion is audited with the value it removed.
pub async fn delete_dataset(
    app: &App,
    who: &Principal,
    indicator: &str,
    source: &str,
) -> Result<usize, AppError> {
    check_import(who)?;
    let doomed: Vec<i64> = records::list::<IndicatorValue>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|s| s.data.indicator.code == indicator && s.data.source == source)
        .map(|s| s.meta.id)
        .collect();
    if doomed.is_empty() {
        return Err(AppError::NotFound(format!(
            "No values of indicator {indicator:?} from {source:?} are stored (see GET \
             /api/v1/indicators)."
        )));
    }
    let actor = who.actor();
    for id in &doomed {
        records::delete::<IndicatorValue>(app.store.as_ref(), &actor, *id).await?;
    }
    Ok(doomed.len())
}

/// An area's population as used for a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Population {
    /// Inhabitants.
    pub inhabitants: f64,
    /// The year they were counted: the year asked for, or the nearest earlier one stored.
    pub year: i16,
}

/// Every area's population by year ("folkmängd" values of one year, any source; SCB's first
/// when two sources give the same year).
pub(crate) async fn populations(app: &App) -> Result<HashMap<AreaId, Vec<(i16, f64)>>, AppError> {
    let mut values: Vec<IndicatorValue> = records::list::<IndicatorValue>(app.store.as_ref())
        .await?
        .into_iter()
        .map(|s| s.data)
        .filter(|v| {
            v.indicator.code == POPULATION
                && v.unit == Unit::Count
                && v.period.first == v.period.last
        })
        .collect();
    values.sort_by_key(|v| v.source != trygg_domain::indicator::SCB);
    let mut out: HashMap<AreaId, Vec<(i16, f64)>> = HashMap::new();
    for v in values {
        let years = out.entry(v.area).or_default();
        if !years.iter().any(|(y, _)| *y == v.period.first) {
            years.push((v.period.first, v.value));
        }
    }
    Ok(out)
}

/// The population of every area that has one for `year` or an earlier year (the nearest
/// earlier one, [`Population::year`] says which). For the lägesbild's rates; the population
/// is public reference data, so no principal is asked.
pub async fn population(app: &App, year: i16) -> Result<HashMap<AreaId, Population>, AppError> {
    if !YEARS.contains(&year) {
        return Err(AppError::param(
            "year",
            format!("{year} is not a year {}–{}.", YEARS.start(), YEARS.end()),
        ));
    }
    Ok(populations(app)
        .await?
        .into_iter()
        .filter_map(|(area, years)| {
            population_for(&years, year)
                .map(|(year, inhabitants)| (area, Population { inhabitants, year }))
        })
        .collect())
}

/// The survey values (every unit but a count) of these areas, as [`list`] gives them.
pub async fn surveys_of(
    app: &App,
    who: &Principal,
    areas: &[AreaId],
) -> Result<Vec<ShownValue>, AppError> {
    if areas.is_empty() {
        return Ok(Vec::new());
    }
    let q = IndicatorQuery {
        areas: areas.to_vec(),
        ..Default::default()
    };
    Ok(list(app, who, &q)
        .await?
        .into_iter()
        .filter(|v| v.unit != Unit::Count)
        .collect())
}

/// A survey indicator of an area before and after a date: the latest value whose period ends
/// before the year of the date, and the latest whose period starts in that year or later.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeforeAfter {
    /// Indicator.
    pub indicator: Indicator,
    /// Source.
    pub source: String,
    /// Area name.
    pub area_name: String,
    /// The value before.
    pub before: ShownValue,
    /// The value after.
    pub after: ShownValue,
    /// Whether the intervals do not overlap (a difference the survey can tell from chance,
    /// roughly; overlapping intervals do not prove there is none).
    pub intervals_apart: bool,
}

/// Survey values of `areas` before and after `start` (see [`BeforeAfter`]); only indicators
/// that have both.
pub async fn before_after(
    app: &App,
    who: &Principal,
    areas: &[AreaId],
    start: jiff::civil::Date,
) -> Result<Vec<BeforeAfter>, AppError> {
    let year = start.year();
    // Per (indicator, source, area): the latest value before and the latest after.
    type Sides = (Option<ShownValue>, Option<ShownValue>);
    let mut by: BTreeMap<(String, String, AreaId), Sides> = BTreeMap::new();
    // Newest first: the first seen of each side is the latest.
    for v in surveys_of(app, who, areas).await? {
        let e = by
            .entry((v.indicator.code.clone(), v.source.clone(), v.area))
            .or_default();
        if v.period.last < year {
            e.0.get_or_insert(v);
        } else if v.period.first >= year {
            e.1.get_or_insert(v);
        }
    }
    Ok(by
        .into_values()
        .filter_map(|(before, after)| {
            let (before, after) = (before?, after?);
            let apart = match (before.ci_low, before.ci_high, after.ci_low, after.ci_high) {
                (Some(bl), Some(bh), Some(al), Some(ah)) => bh < al || ah < bl,
                _ => false,
            };
            Some(BeforeAfter {
                indicator: before.indicator.clone(),
                source: before.source.clone(),
                area_name: before.area_name.clone(),
                before,
                after,
                intervals_apart: apart,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn described_with_interval_and_n() {
        let v = IndicatorValue {
            indicator: Indicator::named("Andel otrygga"),
            source: "Enkät".into(),
            area: AreaId(1),
            period: Period::year(2024),
            value: 32.0,
            ci_low: Some(28.0),
            ci_high: Some(36.0),
            n: Some(812),
            unit: Unit::Percent,
        };
        assert_eq!(describe(&v), "32\u{a0}% (28–36), n = 812");
        let v = IndicatorValue {
            value: 24.1,
            ci_low: Some(21.9),
            ci_high: Some(26.3),
            n: Some(2310),
            ..v
        };
        assert_eq!(describe(&v), "24,1\u{a0}% (21,9–26,3), n = 2\u{a0}310");
        let pop = IndicatorValue {
            indicator: Indicator::population(),
            unit: Unit::Count,
            value: 11_850.0,
            ci_low: None,
            ci_high: None,
            n: None,
            ..v
        };
        assert_eq!(describe(&pop), "11\u{a0}850 invånare");
    }

    #[test]
    fn areas_by_code_code_first_and_name() {
        let area = |id, name: &str, code: Option<&str>, kind| Area {
            id: AreaId(id),
            name: name.into(),
            code: code.map(Into::into),
            kind,
            geometry: serde_json::Value::Null,
        };
        let areas = [
            area(1, "Uppsala", Some("0380"), AreaKind::Kommun),
            area(2, "Gottsunda", None, AreaKind::District),
            area(3, "Uppsala", Some("0380A0010"), AreaKind::Deso),
        ];
        let r = Resolver::new(&areas);
        assert_eq!(r.resolve("0380"), Ok(AreaId(1)));
        assert_eq!(r.resolve("0380A0010 Uppsala"), Ok(AreaId(3)));
        assert_eq!(r.resolve("gottsunda"), Ok(AreaId(2)));
        assert!(r.resolve("Uppsala").unwrap_err().contains("write its code"));
        assert!(
            r.resolve("0380A0099 Uppsala")
                .unwrap_err()
                .contains("no stored area has the code")
        );
        assert!(
            r.resolve("Sävja")
                .unwrap_err()
                .contains("no stored area is called")
        );
    }
}
