//! Follow-up of an intervention (*uppföljning*), computed live from the analysis snapshot.
//!
//! # Method
//! - **Incidents counted**: the categories of the intervention's problems (groups expanded), in
//!   the reader's scope, counted by the start of their time window. An incident counts in an
//!   area set when any of its areas is in the set (area-precision positions belong to the kommun
//!   only, so Polisen's centroids never count for a district).
//! - **Areas**: treated (the intervention's, else its problems' areas), control and buffer.
//! - **Periods**: equal lengths before and after the start date (local midnight), in whole
//!   months: 12 months each, or fewer when the intervention ended or today comes sooner (at
//!   least one month). 12 months each is the default because it covers one whole season cycle
//!   on both sides, so seasonal patterns cancel out; shorter periods are said to be shorter.
//! - **Statistics**: [`trygg_analysis::evaluation::evaluate`] (relative effect with CI, Poisson
//!   test, WDQ) and [`trygg_analysis::evaluation::wdd`] with the control area as the control of
//!   both the treated and the buffer area (Wheeler & Ratcliffe allow one shared control; the
//!   variance then counts the control twice, which makes the test a little conservative).
//! - **Monthly series** of the three area sets over both periods, for the chart.
//! - **Survey before/after** (the follow-up page, beside the counts): the treated areas' survey
//!   values nearest before the start year and from it on, with their intervals, by
//!   [`crate::indicators::before_after`]; not part of the stored evaluation.
//! - **Control suggestion**: other areas of the treated area's kind, not the treated area, the
//!   buffer, nor any area touching the treated area (a vertex within 250 m), ranked by
//!   `level similarity × (1 + r)/2` of their monthly counts over up to 36 months before the
//!   start (from the first month with data), where level similarity is min(mean)/max(mean) and
//!   r is Pearson's correlation of the monthly series. Level comes first because a control
//!   must carry the same weight of counts; r (noisy on monthly counts) breaks ties towards
//!   areas that move with the treated one.

use jiff::{Span, Timestamp, civil::Date, tz::TimeZone};
use serde::Serialize;
use trygg_analysis::{
    IndexSet,
    evaluation::{BeforeAfter, Evaluation, Pair, Wdd, evaluate, wdd},
    snapshot::{Filter, Granularity, PeriodKey, Snapshot},
    special::sv_number,
};
use trygg_domain::{Area, AreaId, IncidentFilter, Lang, Scope};

use crate::snapshot::Live;

/// Longest period on either side, in months.
pub const MONTHS: i64 = 12;
/// Months of history compared for the control suggestion (fewer when the data starts later).
pub const HISTORY_MONTHS: i64 = 36;
/// Two areas closer than this (any vertex pair) are neighbours for the control suggestion.
pub const NEIGHBOUR_M: f64 = 250.0;

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct Input {
    /// Exact category codes.
    pub categories: Vec<String>,
    /// Treated area.
    pub treated: Vec<AreaId>,
    /// Control area.
    pub control: Vec<AreaId>,
    /// Buffer (displacement) area.
    pub buffer: Vec<AreaId>,
    /// First day of the intervention.
    pub start: Date,
    /// Day it ended, if it has.
    pub end: Option<Date>,
    /// Today (local).
    pub today: Date,
    /// Now: when the result is computed.
    pub now: Timestamp,
    /// Whose view.
    pub scope: Scope,
}

/// A half-open period of local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Day after the last.
    pub to: Date,
}

/// One month of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// "2022-03".
    pub month: String,
    /// Whether the month lies (mostly) after the start.
    pub after: bool,
    /// Treated count.
    pub treated: u32,
    /// Control count.
    pub control: u32,
    /// Buffer count.
    pub buffer: u32,
}

/// The computed follow-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUpResult {
    /// Exact category codes counted.
    pub categories: Vec<String>,
    /// Treated area.
    pub treated_areas: Vec<AreaId>,
    /// Control area.
    pub control_areas: Vec<AreaId>,
    /// Buffer area.
    pub buffer_areas: Vec<AreaId>,
    /// Months on each side (0: too early to follow up).
    pub months: i64,
    /// The before period.
    pub before: Period,
    /// The after period.
    pub after: Period,
    /// The six counts.
    pub counts: BeforeAfter,
    /// Relative effect, Poisson test and WDQ (absent when a needed count is 0).
    pub evaluation: Option<Evaluation>,
    /// WDD (absent when every count is 0).
    pub wdd: Option<Wdd>,
    /// Monthly counts over both periods.
    pub series: Vec<MonthRow>,
    /// The verdict in Swedish.
    pub verdict_sv: String,
    /// The same verdict in English, written from the same numbers.
    pub verdict_en: String,
    /// What was counted, in whose view, computed when.
    pub note_sv: String,
    /// When it was computed.
    pub computed_at: Timestamp,
}

fn ts(d: Date, tz: &TimeZone) -> i64 {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

fn add_months(d: Date, m: i64) -> Date {
    d.checked_add(Span::new().months(m)).unwrap_or(d)
}

fn set_of(live: &Live, areas: &[AreaId]) -> IndexSet {
    areas.iter().filter_map(|a| live.area_index(*a)).collect()
}

fn count(snap: &Snapshot, base: &Filter, areas: &IndexSet, from: i64, to: i64) -> u64 {
    let mut f = base.clone();
    f.areas = Some(areas.clone());
    f.period = Some((from, to));
    snap.counts(&f, Granularity::Year, false, false)
        .iter()
        .map(|r| u64::from(r.count))
        .sum()
}

fn monthly(
    snap: &Snapshot,
    base: &Filter,
    areas: &IndexSet,
    from: i64,
    to: i64,
) -> std::collections::HashMap<(i16, i8), u32> {
    let mut f = base.clone();
    f.areas = Some(areas.clone());
    f.period = Some((from, to));
    snap.counts(&f, Granularity::Month, false, false)
        .into_iter()
        .filter_map(|r| match r.period {
            PeriodKey::Month { year, month } => Some(((year, month), r.count)),
            _ => None,
        })
        .collect()
}

fn months_between(from: Date, to: Date) -> Vec<(i16, i8)> {
    let mut out = Vec::new();
    let mut d = from.first_of_month();
    while d < to {
        out.push((d.year(), d.month()));
        d = add_months(d, 1);
    }
    out
}

/// "minskade med 37 % (755 → 476)".
/// How a count changed, in words: `minskade med 37 % (711 → 449)` / `fell by 37% (711 → 449)`.
fn change(l: Lang, before: u64, after: u64) -> String {
    if before == 0 {
        return match l {
            Lang::Sv => format!("gick från 0 till {after}"),
            Lang::En => format!("went from 0 to {after}"),
        };
    }
    let r = after as f64 / before as f64 - 1.0;
    let pct = sv_number((r * 100.0).abs(), 0, false);
    match (l, pct == "0", r < 0.0) {
        (Lang::Sv, true, _) => format!("var oförändrat ({before} → {after})"),
        (Lang::Sv, false, true) => format!("minskade med {pct} % ({before} → {after})"),
        (Lang::Sv, false, false) => format!("ökade med {pct} % ({before} → {after})"),
        (Lang::En, true, _) => format!("was unchanged ({before} → {after})"),
        (Lang::En, false, true) => format!("fell by {pct}% ({before} → {after})"),
        (Lang::En, false, false) => format!("rose by {pct}% ({before} → {after})"),
    }
}

/// Computes the follow-up (see the module docs).
pub fn compute(live: &Live, tz: &TimeZone, input: &Input) -> FollowUpResult {
    let limit = input.end.map_or(input.today, |e| e.min(input.today));
    let months = (1..=MONTHS)
        .rev()
        .find(|&m| add_months(input.start, m) <= limit)
        .unwrap_or(0);
    let before = Period {
        from: add_months(input.start, -months.max(1)),
        to: input.start,
    };
    let after = Period {
        from: input.start,
        to: add_months(input.start, months.max(1)),
    };
    let (b0, s, a1) = (ts(before.from, tz), ts(input.start, tz), ts(after.to, tz));
    let sets = [
        set_of(live, &input.treated),
        set_of(live, &input.control),
        set_of(live, &input.buffer),
    ];
    let filter = IncidentFilter {
        categories: input.categories.clone(),
        scope: input.scope,
        ..Default::default()
    };
    let (counts, maps) = live.with(&filter, |snap, f| {
        let c = |k: usize, from, to| count(snap, f, &sets[k], from, to);
        let counts = BeforeAfter {
            treated_before: c(0, b0, s),
            treated_after: c(0, s, a1),
            control_before: c(1, b0, s),
            control_after: c(1, s, a1),
            buffer_before: c(2, b0, s),
            buffer_after: c(2, s, a1),
        };
        let maps: Vec<_> = sets.iter().map(|x| monthly(snap, f, x, b0, a1)).collect();
        (counts, maps)
    });
    let series = months_between(before.from, after.to)
        .into_iter()
        .map(|(y, m)| MonthRow {
            month: format!("{y}-{m:02}"),
            after: jiff::civil::date(y, m, 15) >= input.start,
            treated: maps[0].get(&(y, m)).copied().unwrap_or(0),
            control: maps[1].get(&(y, m)).copied().unwrap_or(0),
            buffer: maps[2].get(&(y, m)).copied().unwrap_or(0),
        })
        .collect();
    let has_control = !input.control.is_empty();
    let has_buffer = !input.buffer.is_empty();
    let evaluation = (months > 0 && has_control)
        .then(|| {
            let mut c = counts;
            if !has_buffer {
                // evaluate() needs a buffer count for the WDQ; without a buffer there is no
                // WDQ, so it is computed on a stand-in and then removed.
                c.buffer_before = c.buffer_before.max(1);
            }
            evaluate(c).ok().map(|mut e| {
                if !has_buffer {
                    e.counts = counts;
                    e.wdq = None;
                    e.buffer = f64::NAN;
                }
                e
            })
        })
        .flatten();
    let pair = |b, a| Pair {
        before: b,
        after: a,
    };
    let control = pair(counts.control_before, counts.control_after);
    let wdd_value = (months > 0 && has_control)
        .then(|| {
            let buffer = if has_buffer {
                pair(counts.buffer_before, counts.buffer_after)
            } else {
                pair(0, 0)
            };
            let buffer_control = if has_buffer { control } else { pair(0, 0) };
            wdd(
                pair(counts.treated_before, counts.treated_after),
                control,
                buffer,
                buffer_control,
            )
            .ok()
        })
        .flatten();
    let verdict_of = |l| {
        verdict(
            l,
            months,
            &counts,
            has_control,
            has_buffer,
            evaluation.as_ref(),
            wdd_value.as_ref(),
        )
    };
    let (verdict_sv, verdict_en) = (verdict_of(Lang::Sv), verdict_of(Lang::En));
    let note_sv = format!(
        "Räknat ur lägesbilden: {}, {} före ({} – {}) mot {} efter ({} – {}), händelser som läsaren får se, efter tidsfönstrets start. Perioderna är lika långa: 12 månader var när data räcker, så att årstidsvariationen tar ut sig.",
        trygg_domain::Lang::Sv.count(
            input.categories.len() as i64,
            ("kategori", "kategorier"),
            ("", "")
        ),
        trygg_domain::Lang::Sv.count(months, ("månad", "månader"), ("", "")),
        before.from,
        before.to,
        trygg_domain::Lang::Sv.count(months, ("månad", "månader"), ("", "")),
        after.from,
        after.to,
    );
    FollowUpResult {
        categories: input.categories.clone(),
        treated_areas: input.treated.clone(),
        control_areas: input.control.clone(),
        buffer_areas: input.buffer.clone(),
        months,
        before,
        after,
        counts,
        evaluation,
        wdd: wdd_value,
        series,
        verdict_sv,
        verdict_en,
        note_sv,
        computed_at: input.now,
    }
}

pub(crate) fn verdict(
    l: Lang,
    months: i64,
    c: &BeforeAfter,
    has_control: bool,
    has_buffer: bool,
    evaluation: Option<&Evaluation>,
    w: Option<&Wdd>,
) -> String {
    // Numbers as each language writes them: a decimal comma in Swedish, a point in English.
    let num = |v: f64, d: usize| match l {
        Lang::Sv => sv_number(v, d, false),
        Lang::En => format!("{v:.d$}"),
    };
    if months == 0 {
        return l.t(
            "För tidigt att följa upp: insatsen har pågått kortare än en månad, så det finns ingen jämförbar period efter starten än.",
            "Too early to follow up: the intervention has run for less than a month, so there is no comparable period after the start yet.",
        ).into();
    }
    let mut out = String::new();
    let treated = change(l, c.treated_before, c.treated_after);
    let headline = match treated.split_once(' ') {
        Some(("minskade" | "fell", _)) => l.t("Minskning", "A fall"),
        Some(("ökade" | "rose", _)) => l.t("Ökning", "A rise"),
        _ => l.t("Ingen förändring", "No change"),
    };
    out.push_str(&match l {
        Lang::Sv => format!(
            "{headline} i åtgärdsområdet: antalet {treated} under {months} månader efter starten jämfört med lika lång tid före"
        ),
        Lang::En => format!(
            "{headline} in the treated area: the number {treated} in the {} after the start compared with as long before",
            l.count(months, ("", ""), ("month", "months"))
        ),
    });
    if has_control {
        out.push_str(&format!(
            "{}{}",
            l.t(", medan kontrollområdet ", ", while the control area "),
            change(l, c.control_before, c.control_after)
        ));
    }
    if has_buffer {
        out.push_str(&format!(
            "{}{}",
            l.t("; buffertzonen ", "; the buffer zone "),
            change(l, c.buffer_before, c.buffer_after)
        ));
        let ratio = |b: u64, a: u64| (b > 0).then(|| a as f64 / b as f64);
        if let (Some(rb), Some(cb), Some(tb)) = (
            ratio(c.buffer_before, c.buffer_after),
            ratio(c.control_before, c.control_after),
            ratio(c.treated_before, c.treated_after),
        ) && tb < cb
        {
            if rb > cb * 1.05 {
                out.push_str(l.t(
                    ": tecken på undanträngning till buffertzonen",
                    ": a sign of displacement into the buffer zone",
                ));
            } else if rb < cb * 0.95 {
                out.push_str(l.t(
                    ": tecken på spridning av nytta till buffertzonen",
                    ": a sign of benefits spreading into the buffer zone",
                ));
            }
        }
    }
    out.push_str(". ");
    if !has_control {
        out.push_str(l.t(
            "Utan kontrollområde går det inte att skilja insatsens effekt från det som hände i hela kommunen: välj ett kontrollområde (trygg föreslår områden med liknande historik).",
            "Without a control area the intervention's effect cannot be told apart from what happened across the kommun: choose a control area (trygg suggests areas with a similar history).",
        ));
        return out;
    }
    match evaluation {
        Some(e) => {
            let re = &e.relative_effect;
            let significant = re.upper < 1.0 || re.lower > 1.0;
            out.push_str(&match l {
                Lang::Sv => format!(
                    "Relativ effekt {} (95 % KI {}–{}): effekten är {}. ",
                    num(re.estimate, 2),
                    num(re.lower, 2),
                    num(re.upper, 2),
                    if significant {
                        "statistiskt säkerställd"
                    } else {
                        "inte statistiskt säkerställd, eftersom intervallet omfattar 1 (ingen skillnad)"
                    }
                ),
                Lang::En => format!(
                    "Relative effect {} (95% CI {}–{}): the effect is {}. ",
                    num(re.estimate, 2),
                    num(re.lower, 2),
                    num(re.upper, 2),
                    if significant {
                        "statistically significant"
                    } else {
                        "not statistically significant, since the interval includes 1 (no difference)"
                    }
                ),
            });
        }
        None => out.push_str(l.t(
            "Den relativa effekten kan inte beräknas eftersom något område saknar händelser i en av perioderna. ",
            "The relative effect cannot be computed because an area has no events in one of the periods. ",
        )),
    }
    if let Some(w) = w {
        let sig = w.ci_upper < 0.0 || w.ci_lower > 0.0;
        let said = match (sig, w.wdd < 0.0) {
            (true, true) if has_buffer => l.t(
                "åtgärdsområdet och buffertzonen fick sammantaget färre händelser än kontrollen lät vänta, statistiskt säkerställt.",
                "the treated area and the buffer zone together had fewer events than the control led one to expect, statistically significant.",
            ),
            (true, true) => l.t(
                "åtgärdsområdet fick färre händelser än kontrollen lät vänta, statistiskt säkerställt.",
                "the treated area had fewer events than the control led one to expect, statistically significant.",
            ),
            (true, false) => l.t(
                "fler händelser än kontrollen lät vänta, statistiskt säkerställt.",
                "more events than the control led one to expect, statistically significant.",
            ),
            (false, _) => l.t(
                "skillnaden mot kontrollen är inte statistiskt säkerställd (intervallet omfattar 0).",
                "the difference from the control is not statistically significant (the interval includes 0).",
            ),
        };
        out.push_str(&format!(
            "WDD = {} ({} {} {} {}): {said} ",
            num(w.wdd, 0),
            l.t("95 % KI", "95% CI"),
            num(w.ci_lower, 0),
            l.t("till", "to"),
            num(w.ci_upper, 0),
        ));
    }
    if let Some(e) = evaluation {
        if has_buffer
            && let Some(q) = e.wdq
            && e.success < 0.0
        {
            let q_n = num(q, 2);
            out.push_str(&match (l, q > 0.0, q > -1.0) {
                (Lang::Sv, true, _) => format!("WDQ = {q_n}: buffertzonen minskade också jämfört med kontrollen, tecken på spridning av nytta snarare än undanträngning. "),
                (Lang::Sv, false, true) => format!("WDQ = {q_n}: en del av minskningen kan ha flyttat till buffertzonen (undanträngning), men mindre än vad som vanns i åtgärdsområdet: nettoeffekten är positiv. "),
                (Lang::Sv, false, false) => format!("WDQ = {q_n}: undanträngningen till buffertzonen är minst lika stor som minskningen i åtgärdsområdet: ingen nettovinst. "),
                (Lang::En, true, _) => format!("WDQ = {q_n}: the buffer zone also fell compared with the control, a sign of benefits spreading rather than displacement. "),
                (Lang::En, false, true) => format!("WDQ = {q_n}: part of the fall may have moved into the buffer zone (displacement), but less than was gained in the treated area: the net effect is positive. "),
                (Lang::En, false, false) => format!("WDQ = {q_n}: the displacement into the buffer zone is at least as large as the fall in the treated area: no net gain. "),
            });
        }
        // What the numbers cannot show (the evaluation's own closing sentence).
        match l {
            Lang::Sv => {
                if let Some(k) = e.verdict_sv.find("Siffrorna visar") {
                    out.push_str(&e.verdict_sv[k..]);
                }
            }
            Lang::En => out.push_str(trygg_analysis::evaluation::CAVEAT_EN),
        }
    }
    out.trim_end().to_string()
}

/// A suggested control area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlSuggestion {
    /// The area.
    pub area_id: AreaId,
    /// Its name.
    pub name: String,
    /// Pearson's r of the monthly counts before the start with the treated area's.
    pub correlation: Option<f64>,
    /// min(mean)/max(mean) of the monthly counts.
    pub level_similarity: f64,
    /// level similarity × (1 + correlation)/2 (higher is better, at most 1).
    pub score: f64,
    /// Monthly mean over the history compared.
    pub monthly_mean: f64,
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    if a.len() < 3 {
        return None;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

fn vertices(a: &Area) -> Vec<[f64; 2]> {
    trygg_geo::MultiPolygon::from_geojson_wgs84(&a.geometry)
        .map(|m| {
            m.0.iter()
                .flat_map(|p| {
                    p.rings()
                        .flat_map(|r| r.iter().copied())
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn touches(a: &[[f64; 2]], b: &[[f64; 2]]) -> bool {
    let bbox = |v: &[[f64; 2]]| {
        v.iter()
            .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |m, p| {
                [
                    m[0].min(p[0]),
                    m[1].min(p[1]),
                    m[2].max(p[0]),
                    m[3].max(p[1]),
                ]
            })
    };
    let (x, y) = (bbox(a), bbox(b));
    if x[0] > y[2] + NEIGHBOUR_M
        || y[0] > x[2] + NEIGHBOUR_M
        || x[1] > y[3] + NEIGHBOUR_M
        || y[1] > x[3] + NEIGHBOUR_M
    {
        return false;
    }
    a.iter().any(|p| {
        b.iter()
            .any(|q| (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) < NEIGHBOUR_M * NEIGHBOUR_M)
    })
}

/// Ranks candidate control areas (see the module docs); at most `limit`.
#[allow(clippy::too_many_arguments)]
pub fn suggest_controls(
    live: &Live,
    tz: &TimeZone,
    areas: &[Area],
    categories: &[String],
    treated: &[AreaId],
    buffer: &[AreaId],
    start: Date,
    scope: Scope,
    limit: usize,
) -> Vec<ControlSuggestion> {
    let treated_areas: Vec<&Area> = areas.iter().filter(|a| treated.contains(&a.id)).collect();
    let Some(kind) = treated_areas.first().map(|a| a.kind) else {
        return Vec::new();
    };
    let treated_vertices: Vec<Vec<[f64; 2]>> = treated_areas.iter().map(|a| vertices(a)).collect();
    let candidates: Vec<&Area> = areas
        .iter()
        .filter(|a| a.kind == kind && !treated.contains(&a.id) && !buffer.contains(&a.id))
        .filter(|a| {
            let v = vertices(a);
            !treated_vertices.iter().any(|t| touches(t, &v))
        })
        .collect();
    let (from, to) = (ts(add_months(start, -HISTORY_MONTHS), tz), ts(start, tz));
    let months = months_between(add_months(start, -HISTORY_MONTHS), start);
    let filter = IncidentFilter {
        categories: categories.to_vec(),
        scope,
        ..Default::default()
    };
    let treated_set = set_of(live, treated);
    let candidate_sets: Vec<IndexSet> = candidates.iter().map(|a| set_of(live, &[a.id])).collect();
    let (treated_series, candidate_series) = live.with(&filter, |snap, f| {
        let series = |set: &IndexSet| -> Vec<f64> {
            let m = monthly(snap, f, set, from, to);
            months
                .iter()
                .map(|k| f64::from(m.get(k).copied().unwrap_or(0)))
                .collect()
        };
        (
            series(&treated_set),
            candidate_sets.iter().map(series).collect::<Vec<_>>(),
        )
    });
    // History starts at the first month with any incident in the areas compared.
    let first = (0..months.len())
        .find(|&k| treated_series[k] > 0.0 || candidate_series.iter().any(|c| c[k] > 0.0))
        .unwrap_or(months.len());
    let treated_series = &treated_series[first..];
    let mean = |v: &[f64]| v.iter().sum::<f64>() / (v.len().max(1) as f64);
    let tm = mean(treated_series);
    let mut out: Vec<ControlSuggestion> = candidates
        .iter()
        .zip(&candidate_series)
        .map(|(a, c)| {
            let c = &c[first..];
            let cm = mean(c);
            let level_similarity = if tm.max(cm) > 0.0 {
                tm.min(cm) / tm.max(cm)
            } else {
                0.0
            };
            let correlation = pearson(treated_series, c);
            ControlSuggestion {
                area_id: a.id,
                name: a.name.clone(),
                correlation,
                level_similarity,
                score: level_similarity * (1.0 + correlation.unwrap_or(0.0)) / 2.0,
                monthly_mean: cm,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(r: (u64, u64), d: (u64, u64), c: (u64, u64)) -> BeforeAfter {
        BeforeAfter {
            treated_before: r.0,
            treated_after: r.1,
            buffer_before: d.0,
            buffer_after: d.1,
            control_before: c.0,
            control_after: c.1,
        }
    }

    fn words(c: BeforeAfter) -> String {
        let e = evaluate(c).unwrap();
        let p = |b, a| Pair {
            before: b,
            after: a,
        };
        let w = wdd(
            p(c.treated_before, c.treated_after),
            p(c.control_before, c.control_after),
            p(c.buffer_before, c.buffer_after),
            p(c.control_before, c.control_after),
        )
        .unwrap();
        verdict(Lang::Sv, 12, &c, true, true, Some(&e), Some(&w))
    }

    #[test]
    fn the_verdict_says_what_the_numbers_show_and_what_they_cannot() {
        // ANALYSIS.md's check: R 100→50, D 100→150, C 100→100 → WDQ = −1.
        let v = words(counts((100, 50), (100, 150), (100, 100)));
        assert!(
            v.starts_with("Minskning i åtgärdsområdet: antalet minskade med 50 % (100 → 50)"),
            "{v}"
        );
        assert!(
            v.contains("kontrollområdet var oförändrat (100 → 100)"),
            "{v}"
        );
        assert!(
            v.contains("buffertzonen ökade med 50 % (100 → 150): tecken på undanträngning"),
            "{v}"
        );
        assert!(v.contains("WDQ = −1,00: undanträngningen"), "{v}");
        assert!(v.contains("ingen nettovinst"), "{v}");
        assert!(v.contains("Siffrorna visar"), "{v}");
        // A small change: the interval includes 1, so nothing is claimed.
        let v = words(counts((20, 17), (20, 20), (20, 21)));
        assert!(v.contains("inte statistiskt säkerställd"), "{v}");
        assert!(!v.contains("effekten är statistiskt säkerställd"), "{v}");
        assert!(
            v.contains("skillnaden mot kontrollen är inte statistiskt säkerställd"),
            "{v}"
        );
        assert!(
            verdict(
                Lang::Sv,
                0,
                &counts((1, 1), (1, 1), (1, 1)),
                true,
                true,
                None,
                None
            )
            .starts_with("För tidigt")
        );
    }

    #[test]
    fn the_english_verdict_says_the_same_from_the_same_numbers() {
        let c = counts((100, 50), (100, 150), (100, 100));
        let e = evaluate(c).unwrap();
        let p = |b, a| Pair {
            before: b,
            after: a,
        };
        let w = wdd(p(100, 50), p(100, 100), p(100, 150), p(100, 100)).unwrap();
        let sv = verdict(Lang::Sv, 12, &c, true, true, Some(&e), Some(&w));
        let en = verdict(Lang::En, 12, &c, true, true, Some(&e), Some(&w));
        assert!(
            en.starts_with("A fall in the treated area: the number fell by 50% (100 → 50) in the 12 months after the start"),
            "{en}"
        );
        assert!(
            en.contains("the control area was unchanged (100 → 100)"),
            "{en}"
        );
        assert!(
            en.contains("rose by 50% (100 → 150): a sign of displacement"),
            "{en}"
        );
        assert!(en.contains("WDQ = -1.00: the displacement"), "{en}");
        assert!(en.ends_with(trygg_analysis::evaluation::CAVEAT_EN), "{en}");
        for swedish in ["minskade", "Siffrorna", "KI", "buffertzonen", " till "] {
            assert!(!en.contains(swedish), "{swedish:?} in {en}");
        }
        // The same figures in the same order, whatever the decimal mark.
        let figures = |t: &str| -> Vec<String> {
            t.replace('−', "-")
                .replace(',', ".")
                .split(|ch: char| !(ch.is_ascii_digit() || ch == '.' || ch == '-'))
                .filter(|w| w.chars().any(|ch| ch.is_ascii_digit()))
                .map(|w| w.trim_matches('.').to_string())
                .collect()
        };
        assert_eq!(figures(&sv), figures(&en), "{sv}\n{en}");
        assert!(
            verdict(Lang::En, 0, &c, true, true, None, None).starts_with("Too early to follow up")
        );
    }

    #[test]
    fn correlation_and_neighbours() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), None);
        let square = |x: f64| {
            vec![
                [x, 0.0],
                [x + 1000.0, 0.0],
                [x + 1000.0, 1000.0],
                [x, 1000.0],
            ]
        };
        assert!(touches(&square(0.0), &square(1000.0)), "shared edge");
        assert!(touches(&square(0.0), &square(1200.0)), "within 250 m");
        assert!(!touches(&square(0.0), &square(1300.0)));
    }
}
