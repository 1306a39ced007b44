//! Indicators: the lägesbild's "annan information av betydelse" (Lag 2023:196 4 §) besides the
//! incidents — safety surveys (Polisens trygghetsmätning, Brå's NTU, a kommun's own survey) and
//! population (SCB) per area and period.
//!
//! An [`IndicatorValue`] is one number of one indicator from one source for one area and one
//! period, with its unit and, for survey estimates, its confidence interval (a survey share is
//! never shown without it). It is stored as a record of kind `indicator_value`, one per
//! (indicator, source, area, period) — [`IndicatorValue::key`] — so importing the same file
//! again finds every value already stored and changes nothing.
//!
//! The area is generic: a file names it by code or name (`IndicatorValue<String>`), the
//! application resolves it to a stored area (`IndicatorValue<AreaId>`, the stored form).
//! A lokalpolisområde is stored as an area of kind `district` (there is no separate kind).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{AreaId, ErrorCode, ValidationError, cycle::Record, incident::check_text};

/// Longest indicator name or source, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// The code of the population indicator ("folkmängd", unit [`Unit::Count`]).
pub const POPULATION: &str = "folkmangd";
/// The population indicator's name.
pub const POPULATION_NAME: &str = "Folkmängd";
/// SCB, the source of population figures.
pub const SCB: &str = "SCB";
/// Earliest and latest year of a period.
pub const YEARS: std::ops::RangeInclusive<i16> = 1900..=2100;

fn invalid(field: &str, message: String) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, message)
}

/// What an indicator measures: a stable code and its Swedish name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable code, derived from the name (`andel-otrygga-i-sitt-bostadsomrade-kvallstid`).
    pub code: String,
    /// The name as the source writes it ("Andel otrygga i sitt bostadsområde kvällstid").
    pub name: String,
}

impl Indicator {
    /// The indicator called `name`; its code is [`code_of`] the name.
    pub fn named(name: &str) -> Self {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        Indicator {
            code: code_of(&name),
            name,
        }
    }

    /// Population ("folkmängd").
    pub fn population() -> Self {
        Indicator {
            code: POPULATION.into(),
            name: POPULATION_NAME.into(),
        }
    }
}

/// The code of an indicator name: lower case, å/ä → a, ö → o, é → e, every other run of
/// characters but ASCII letters and digits → `-`. "Andel otrygga (%)" → `andel-otrygga`.
pub fn code_of(name: &str) -> String {
    let mut code = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' => 'a',
            'ö' | 'ø' => 'o',
            'é' | 'è' | 'ë' => 'e',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('-') {
            code.push('-');
        }
    }
    while code.ends_with('-') {
        code.pop();
    }
    code
}

/// The unit of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share of respondents, in percent (0–100).
    Percent,
    /// A count (population, incidents); no interval needed.
    Count,
    /// A rate per 1 000 inhabitants.
    Per1000,
    /// An index (the trygghetsmätning's problem index).
    Index,
}

impl Unit {
    /// Every unit.
    pub const ALL: [Unit; 4] = [Unit::Percent, Unit::Count, Unit::Per1000, Unit::Index];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Per1000 => "per_1000",
            Unit::Index => "index",
        }
    }

    /// Swedish label ("procent", "antal", "per 1 000 invånare", "index").
    pub fn label_sv(self) -> &'static str {
        match self {
            Unit::Percent => "procent",
            Unit::Count => "antal",
            Unit::Per1000 => "per 1 000 invånare",
            Unit::Index => "index",
        }
    }

    /// Reads a unit as files write it: `procent`, `%`, `andel`, `antal`, `count`,
    /// `per 1000`, `per 1 000 invånare`, `promille`, `index` and the stable forms; case and
    /// spaces ignored.
    pub fn parse(s: &str) -> Option<Unit> {
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match t.as_str() {
            "percent" | "procent" | "%" | "andel" | "andel(%)" => Unit::Percent,
            "count" | "antal" | "st" | "personer" | "invånare" => Unit::Count,
            "per_1000" | "per1000" | "per1000invånare" | "promille" | "‰" | "/1000" => {
                Unit::Per1000
            }
            "index" => Unit::Index,
            _ => return None,
        })
    }

    /// Whether a value in this unit needs its confidence interval (every estimate but a count).
    pub fn needs_interval(self) -> bool {
        self != Unit::Count
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A period of whole years: one year (`2024`) or a range (`2021-2023`, as NTU pools years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    /// First year.
    pub first: i16,
    /// Last year (equal to `first` for one year).
    pub last: i16,
}

impl Period {
    /// One year.
    pub fn year(year: i16) -> Self {
        Period {
            first: year,
            last: year,
        }
    }

    /// Reads `2024`, `2021-2023` or `2021–2023` (en dash), with any spaces. The sentence says
    /// what is accepted.
    pub fn parse(s: &str) -> Result<Period, String> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bad = || {
            format!(
                "{s:?} is not a period: write a year (2024) or a range of years (2021-2023), \
                 years {}–{}",
                YEARS.start(),
                YEARS.end()
            )
        };
        let year = |y: &str| -> Result<i16, String> {
            if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            y.parse::<i16>()
                .ok()
                .filter(|y| YEARS.contains(y))
                .ok_or_else(bad)
        };
        let period = match t.split_once(['-', '–', '—']) {
            Some((a, b)) => Period {
                first: year(a)?,
                last: year(b)?,
            },
            None => Period::year(year(&t)?),
        };
        if period.last < period.first {
            return Err(format!(
                "the period {s:?} ends before it starts: put the earlier year first"
            ));
        }
        Ok(period)
    }

    /// Whether `year` lies in the period.
    pub fn contains(self, year: i16) -> bool {
        (self.first..=self.last).contains(&year)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One value of one indicator from one source for one area and period. `A` is how the area is
/// named: a file's code or name (`String`) or the stored area ([`AreaId`], the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue<A = AreaId> {
    /// What is measured.
    pub indicator: Indicator,
    /// Who measured it ("Polisens trygghetsmätning", "Brå NTU", "SCB", a kommun's survey).
    pub source: String,
    /// Where.
    pub area: A,
    /// When.
    pub period: Period,
    /// The estimate.
    pub value: f64,
    /// The confidence interval's lower end (required for every unit but a count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_low: Option<f64>,
    /// The confidence interval's upper end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_high: Option<f64>,
    /// Respondents behind a survey estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// Unit of the value and the interval.
    pub unit: Unit,
}

/// What makes two values the same value: indicator code, source, area and period.
pub type ValueKey<A> = (String, String, A, Period);

impl<A: Clone> IndicatorValue<A> {
    /// The value's identity: one stored record per key.
    pub fn key(&self) -> ValueKey<A> {
        (
            self.indicator.code.clone(),
            self.source.clone(),
            self.area.clone(),
            self.period,
        )
    }

    /// The same value for another way of naming the area.
    pub fn with_area<B>(self, area: B) -> IndicatorValue<B> {
        IndicatorValue {
            indicator: self.indicator,
            source: self.source,
            area,
            period: self.period,
            value: self.value,
            ci_low: self.ci_low,
            ci_high: self.ci_high,
            n: self.n,
            unit: self.unit,
        }
    }
}

impl<A: Serialize> IndicatorValue<A> {
    /// Checks the value's rules: names present and clean, a share within 0–100, no negative
    /// count or rate, an interval (unless a count) with low ≤ value ≤ high in the same unit.
    pub fn check(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        for (field, text) in [
            ("indicator", self.indicator.name.as_str()),
            ("source", self.source.as_str()),
        ] {
            if text.trim().is_empty() {
                return Err(ValidationError::new(
                    ErrorCode::Missing,
                    field,
                    format!("The {field} is missing (saknas): name it, e.g. \"Brå NTU\"."),
                ));
            }
            check_text(field, Some(text), NAME_MAX_CHARS)?;
        }
        if self.indicator.code.is_empty() || self.indicator.code != code_of(&self.indicator.code) {
            return Err(invalid(
                "indicator.code",
                format!(
                    "The indicator's code {:?} is not a code: use lower-case letters, digits and \
                     '-' (e.g. {:?}).",
                    self.indicator.code,
                    code_of(&self.indicator.name)
                ),
            ));
        }
        if !(YEARS.contains(&self.period.first) && YEARS.contains(&self.period.last))
            || self.period.last < self.period.first
        {
            return Err(invalid(
                "period",
                format!(
                    "The period {} is not a period of years {}–{} in order.",
                    self.period,
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        check_measure(
            self.value,
            self.ci_low,
            self.ci_high,
            self.unit,
            self.n.is_some_and(|n| n == 0),
        )
    }
}

/// The numeric rules of a value in `unit` (see [`IndicatorValue::check`]).
fn check_measure(
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
    unit: Unit,
    zero_n: bool,
) -> Result<(), ValidationError> {
    let label = unit.label_sv();
    for (field, v) in [("value", Some(value)), ("ci_low", low), ("ci_high", high)] {
        let Some(v) = v else { continue };
        if !v.is_finite() {
            return Err(invalid(field, format!("{field} is not a number.")));
        }
        if v < 0.0 {
            return Err(invalid(
                field,
                format!(
                    "{field} is {v}, below 0: a value in {label} cannot be negative. Check the \
                     sign and the unit."
                ),
            ));
        }
        if unit == Unit::Percent && v > 100.0 {
            return Err(invalid(
                field,
                format!(
                    "{field} is {v}, above 100: a share in percent lies within 0–100. Write \
                     shares in percent (32, not 0,32) or choose another unit."
                ),
            ));
        }
    }
    match (low, high) {
        (None, None) if unit.needs_interval() => Err(ValidationError::new(
            ErrorCode::Missing,
            "ci_low",
            format!(
                "A value in {label} needs its confidence interval (ki_låg and ki_hög): a survey \
                 estimate is never shown without it. Only a count may go without."
            ),
        )),
        (None, None) => Ok(()),
        (Some(_), None) | (None, Some(_)) => Err(ValidationError::new(
            ErrorCode::Missing,
            if low.is_none() { "ci_low" } else { "ci_high" },
            "Give both ends of the confidence interval, or neither for a count.".to_string(),
        )),
        (Some(l), Some(h)) if l > h => Err(invalid(
            "ci_low",
            format!(
                "The interval's low end {l} is above its high end {h}: swap them (ki_låg is the \
                 smaller)."
            ),
        )),
        (Some(l), Some(h)) if value < l || value > h => Err(invalid(
            "value",
            format!(
                "The value {value} lies outside its confidence interval {l}–{h}: check that the \
                 columns are not shifted and that all three are in the same unit."
            ),
        )),
        _ if zero_n => Err(invalid(
            "n",
            "n (respondents) is 0: leave it empty if unknown.".to_string(),
        )),
        _ => Ok(()),
    }
}

impl Record for IndicatorValue {
    const KIND: &'static str = "indicator_value";

    fn validate(&self) -> Result<(), ValidationError> {
        self.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(value: f64, low: Option<f64>, high: Option<f64>) -> IndicatorValue {
        IndicatorValue {
            indicator: Indicator::named("Andel otrygga i sitt bostadsområde kvällstid"),
            source: "Polisens trygghetsmätning".into(),
            area: AreaId(1),
            period: Period::year(2024),
            value,
            ci_low: low,
            ci_high: high,
            n: Some(812),
            unit: Unit::Percent,
        }
    }

    #[test]
    fn a_share_with_its_interval_is_valid() {
        let v = share(32.0, Some(28.0), Some(36.0));
        v.validate().unwrap();
        assert_eq!(
            v.indicator.code,
            "andel-otrygga-i-sitt-bostadsomrade-kvallstid"
        );
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["period"], "2024");
        assert_eq!(json["area"], 1);
        let back: IndicatorValue = serde_json::from_value(json).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn each_broken_rule_is_refused_with_what_to_fix() {
        let refused = |v: IndicatorValue| v.validate().unwrap_err();
        let e = refused(share(132.0, Some(128.0), Some(136.0)));
        assert!(e.message.contains("within 0–100"), "{e}");
        let e = refused(share(40.0, Some(28.0), Some(36.0)));
        assert_eq!(e.field, "value");
        assert!(e.message.contains("outside its confidence interval"), "{e}");
        let e = refused(share(32.0, Some(36.0), Some(28.0)));
        assert!(e.message.contains("swap them"), "{e}");
        let e = refused(share(32.0, None, None));
        assert_eq!(e.code, ErrorCode::Missing);
        assert!(e.message.contains("never shown without it"), "{e}");
        let e = refused(share(32.0, Some(28.0), None));
        assert_eq!(e.field, "ci_high");
        let mut count = share(-5.0, None, None);
        count.unit = Unit::Count;
        count.n = None;
        let e = refused(count.clone());
        assert!(e.message.contains("cannot be negative"), "{e}");
        count.value = 12_345.0;
        count.validate().unwrap();
        let mut empty = share(32.0, Some(28.0), Some(36.0));
        empty.source = " ".into();
        assert_eq!(refused(empty).code, ErrorCode::Missing);
        let mut pnr = share(32.0, Some(28.0), Some(36.0));
        pnr.source = "Enkät 19121212-1212".into();
        assert_eq!(refused(pnr).code, ErrorCode::PersonalIdentityNumber);
        let mut zero = share(32.0, Some(28.0), Some(36.0));
        zero.n = Some(0);
        assert_eq!(refused(zero).field, "n");
    }

    #[test]
    fn periods_are_years_and_ranges_of_years() {
        assert_eq!(Period::parse("2024"), Ok(Period::year(2024)));
        assert_eq!(
            Period::parse(" 2021 – 2023 "),
            Ok(Period {
                first: 2021,
                last: 2023
            })
        );
        assert_eq!(Period::parse("2021-2023").unwrap().to_string(), "2021-2023");
        assert!(
            Period::parse("2024H1")
                .unwrap_err()
                .contains("write a year")
        );
        assert!(Period::parse("24").is_err());
        assert!(Period::parse("3024").is_err());
        assert!(
            Period::parse("2023-2021")
                .unwrap_err()
                .contains("earlier year first")
        );
        assert!(Period::parse("2021-2023").unwrap().contains(2022));
    }

    #[test]
    fn units_and_codes_as_files_write_them() {
        assert_eq!(Unit::parse("Procent"), Some(Unit::Percent));
        assert_eq!(Unit::parse("%"), Some(Unit::Percent));
        assert_eq!(Unit::parse("per 1 000 invånare"), Some(Unit::Per1000));
        assert_eq!(Unit::parse("Antal"), Some(Unit::Count));
        assert_eq!(Unit::parse("kr"), None);
        assert_eq!(code_of("Andel otrygga (%)"), "andel-otrygga");
        assert_eq!(code_of("Folkmängd"), POPULATION);
    }
}
