//! The annual compilation of the commitment plan and the final follow-up of the agreement, on plain partnership structs.

use super::*;

// ---------------------------------------------------------------------------------------------
// Annual compilation and final follow-up: on plain partnership structs.

/// An intervention's results as plain data, for the compilation and the final follow-up.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionResult {
    /// Record id (what [`trygg_domain::partnership::Commitment::interventions`] links to).
    pub id: String,
    /// Title ("Situationell prevention i Gottsunda centrum").
    pub title: String,
    /// The treated area's name.
    pub area: String,
    /// The control area's name.
    pub control_area: String,
    /// What was counted ("skadegörelse och samling").
    pub counted: String,
    /// What was counted, in English ("vandalism and loitering").
    pub counted_en: String,
    /// Month labels ("jan 2022").
    pub months: Vec<String>,
    /// The month labels in English ("Jan 2022").
    pub months_en: Vec<String>,
    /// Monthly counts in the treated area.
    pub treated: Vec<f64>,
    /// Monthly counts in the control area.
    pub control: Vec<f64>,
    /// Index into `months` of the first month with the intervention.
    pub start: usize,
    /// The evaluation over equal periods before and after, when computed.
    pub evaluation: Option<trygg_analysis::evaluation::Evaluation>,
    /// The treated area on a map, with its control, when the polygons are known.
    pub map_areas: Vec<MapArea>,
}

/// Monthly series and the before/after evaluation of an intervention, from the live data:
/// `categories` (exact codes or groups) in `treated`, `buffer` and `control`, `months` months
/// before and after `start` (the first day of the intervention's first month).
#[allow(clippy::too_many_arguments)]
pub async fn intervention_result(
    state: &App,
    scope: Scope,
    id: &str,
    title: &str,
    categories: &[&str],
    treated: AreaId,
    buffer: Option<AreaId>,
    control: AreaId,
    start: Date,
    months: i32,
) -> Result<InterventionResult> {
    let ctx = Ctx::load(state, scope, Lang::Sv).await?;
    let codes: Vec<String> = categories
        .iter()
        .flat_map(|c| Taxonomy.expand(c))
        .map(str::to_string)
        .collect();
    let begin = start
        .first_of_month()
        .checked_sub(Span::new().months(months))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let mut labels = Vec::new();
    let mut labels_en = Vec::new();
    let (mut t, mut c) = (Vec::new(), Vec::new());
    let (mut tb, mut ta, mut cb, mut ca, mut db, mut da) = (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    for i in 0..2 * months {
        let m0 = begin
            .checked_add(Span::new().months(i))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        let m1 = m0
            .checked_add(Span::new().months(1))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        labels.push(format!(
            "{} {}",
            MONTHS_SV[m0.month() as usize - 1],
            m0.year()
        ));
        labels_en.push(format!(
            "{} {}",
            &trygg_domain::week::MONTHS_EN[m0.month() as usize - 1][..3],
            m0.year()
        ));
        let count = |area: AreaId| -> Result<u64> {
            let mut f = ctx.filter(ctx.midnight(m0)?, ctx.midnight(m1)?);
            f.areas = vec![area];
            f.categories = codes.clone();
            Ok(ctx.with(&f, |s, f| s.select_ids(f).len()) as u64)
        };
        let (nt, nc) = (count(treated)?, count(control)?);
        let nd = match buffer {
            Some(a) => count(a)?,
            None => 0,
        };
        t.push(nt as f64);
        c.push(nc as f64);
        if i < months {
            tb += nt;
            cb += nc;
            db += nd;
        } else {
            ta += nt;
            ca += nc;
            da += nd;
        }
    }
    let evaluation =
        trygg_analysis::evaluation::evaluate(trygg_analysis::evaluation::BeforeAfter {
            treated_before: tb,
            treated_after: ta,
            buffer_before: if buffer.is_some() { db } else { 1 },
            buffer_after: if buffer.is_some() { da } else { 1 },
            control_before: cb,
            control_after: ca,
        })
        .ok();
    let name = |a: AreaId| {
        ctx.districts
            .iter()
            .chain(&ctx.outlines)
            .find(|d| d.id == a)
            .map(|d| d.name.clone())
    };
    // Change per district, the same categories and periods: where did the problem go?
    let start_month = begin
        .checked_add(Span::new().months(months))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let end = begin
        .checked_add(Span::new().months(2 * months))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let per_area = |a: Date, b: Date| -> Result<HashMap<u16, u32>> {
        let mut f = ctx.filter(ctx.midnight(a)?, ctx.midnight(b)?);
        f.categories = codes.clone();
        Ok(ctx.with(&f, period_stats).by_area)
    };
    let (before_by, after_by) = (per_area(begin, start_month)?, per_area(start_month, end)?);
    let map_areas = ctx
        .districts
        .iter()
        .map(|d| {
            let i = d.index;
            let b = i.and_then(|i| before_by.get(&i)).copied().unwrap_or(0);
            let a = i.and_then(|i| after_by.get(&i)).copied().unwrap_or(0);
            MapArea {
                name: d.name.clone(),
                polygons: d.polygons.clone(),
                value: (b > 0).then(|| 100.0 * (f64::from(a) / f64::from(b) - 1.0)),
            }
        })
        .collect();
    Ok(InterventionResult {
        id: id.into(),
        title: title.into(),
        area: name(treated).unwrap_or_else(|| "insatsområdet".into()),
        control_area: name(control).unwrap_or_else(|| "kontrollområdet".into()),
        counted: categories
            .iter()
            .filter_map(|c| Taxonomy.get(c).map(|c| c.label_sv.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" och "),
        counted_en: categories
            .iter()
            .filter_map(|c| Taxonomy.get(c).map(|c| c.label_en.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" and "),
        months: labels,
        months_en: labels_en,
        treated: t,
        control: c,
        start: months as usize,
        evaluation,
        map_areas,
    })
}

/// Hours: "12 tim", "12 h".
pub(super) fn hours(lang: Lang, v: f64) -> String {
    format!("{} {}", fmt_num(lang, v, 0), lang.t("tim", "h"))
}

/// Kronor: "3 000 kr", "3,000 SEK".
pub(super) fn sek(lang: Lang, v: f64) -> String {
    format!("{} {}", fmt_num(lang, v, 0), lang.t("kr", "SEK"))
}

/// The parties' names, "A och B" / "A and B".
pub(super) fn parties_joined(lang: Lang, agreement: &Agreement) -> String {
    agreement
        .parties
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(lang.t(" och ", " and "))
}

/// "a, b och c" / "a, b and c".
fn and_list(lang: Lang, parts: &[String]) -> String {
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!(
            "{}{}{}",
            parts[..n - 1].join(", "),
            lang.t(" och ", " and "),
            parts[n - 1]
        ),
    }
}

/// "båda parterna" for a joint commitment, else the party.
pub(super) fn responsible(lang: Lang, r: &str) -> &str {
    if r == JOINT {
        lang.t("båda parterna", "both parties")
    } else {
        r
    }
}

/// A commitment's status in `lang`.
pub(super) fn status_label(lang: Lang, s: CommitmentStatus) -> &'static str {
    match lang {
        Lang::Sv => s.label_sv(),
        Lang::En => match s {
            CommitmentStatus::NotStarted => "Not started",
            CommitmentStatus::Ongoing => "Ongoing",
            CommitmentStatus::Done => "Done",
            CommitmentStatus::Postponed => "Postponed",
            CommitmentStatus::Cancelled => "Cancelled",
        },
    }
}

/// A deadline's title in `lang` (the calendar's own title in Swedish).
pub(super) fn deadline_title(
    lang: Lang,
    agreement: &Agreement,
    e: &trygg_domain::partnership::CalendarEntry,
) -> String {
    use trygg_domain::partnership::CalendarKind as K;
    let y = e.deadline.year();
    match (lang, e.kind) {
        (Lang::Sv, _) | (Lang::En, K::Other) => e.title.clone(),
        (Lang::En, K::PlanToKsau) => format!(
            "Commitment plan {y} presented to the municipal executive board's working committee (KSAU)"
        ),
        (Lang::En, K::CompilationToSteeringGroup) => {
            format!("Compilation of the implementation {y} to the steering group (styrgrupp)")
        }
        (Lang::En, K::CompilationToKsau) => {
            format!("Compilation of the implementation {y} to KSAU")
        }
        (Lang::En, K::FinalFollowUp) => format!(
            "Final follow-up of the partnership agreement {}–{}",
            agreement.from_year, agreement.to_year
        ),
        (Lang::En, K::Lagesbild) => {
            "Situation picture (lägesbild) of crime in the municipality (at least every other year)"
                .into()
        }
        (Lang::En, K::Atgardsplan) => {
            format!("Decided action plan (åtgärdsplan) based on the lägesbild {y}")
        }
    }
}

pub(super) fn resource_blocks(
    lang: Lang,
    per_party: &[Resource],
    what: &str,
) -> Result<Vec<Block>> {
    let num = |v: f64| fmt_num(lang, v, 0);
    if per_party.is_empty() {
        return Ok(vec![Block::text(match lang {
            Lang::Sv => format!("Inga resurser är registrerade för {what}."),
            Lang::En => format!("No resources are recorded for {what}."),
        })]);
    }
    let mut out = Vec::new();
    let th: f64 = per_party.iter().map(|r| r.used_hours).sum();
    let ts: f64 = per_party.iter().map(|r| r.used_sek).sum();
    let ph: f64 = per_party.iter().map(|r| r.planned_hours).sum();
    let share = if ph > 0.0 {
        fmt_percent(lang, th / ph, 0, false)
    } else {
        "–".into()
    };
    out.push(Block::text(match lang {
        Lang::Sv => format!(
            "Parterna har lagt {} av planerade {} ({}) och {} på {what}. Varje part står för sina egna kostnader.",
            hours(lang, th),
            hours(lang, ph),
            share,
            sek(lang, ts),
        ),
        Lang::En => format!(
            "The parties have spent {} of the planned {} ({}) and {} on {what}. Each party bears its own costs.",
            hours(lang, th),
            hours(lang, ph),
            share,
            sek(lang, ts),
        ),
    }));
    out.push(Block::Table(Table {
        caption: match lang {
            Lang::Sv => format!("Resurser per part, {what}"),
            Lang::En => format!("Resources per party, {what}"),
        },
        columns: vec![
            Column::text(lang.t("Part", "Party")),
            Column::number(lang.t("Planerade timmar", "Planned hours")),
            Column::number(lang.t("Använda timmar", "Hours used")),
            Column::number(lang.t("Planerat, kr", "Planned, SEK")),
            Column::number(lang.t("Använt, kr", "Spent, SEK")),
        ],
        rows: per_party
            .iter()
            .map(|r| {
                vec![
                    r.party.clone(),
                    num(r.planned_hours),
                    num(r.used_hours),
                    num(r.planned_sek),
                    num(r.used_sek),
                ]
            })
            .collect(),
        total: Some(vec![
            lang.t("Summa", "Total").into(),
            num(ph),
            num(th),
            num(per_party.iter().map(|r| r.planned_sek).sum()),
            num(ts),
        ]),
    }));
    out.push(Block::figure(
        match lang {
            Lang::Sv => format!("Använda timmar per part, {what}."),
            Lang::En => format!("Hours used per party, {what}."),
        },
        chart::bars(&BarChart {
            title: lang
                .t("Använda timmar per part", "Hours used per party")
                .into(),
            unit: lang.t("tim", "h").into(),
            decimals: 0,
            bars: per_party
                .iter()
                .map(|r| (r.party.clone(), r.used_hours))
                .collect(),
            lang,
        })?,
    ));
    Ok(out)
}

pub(super) fn intervention_blocks(lang: Lang, r: &InterventionResult) -> Result<Vec<Block>> {
    let mut out = vec![Block::heading(
        3,
        format!("{}: {}", lang.t("Resultat", "Results"), r.title),
    )];
    let before: f64 = r.treated[..r.start.min(r.treated.len())].iter().sum();
    let after: f64 = r.treated[r.start.min(r.treated.len())..].iter().sum();
    let cb: f64 = r.control[..r.start.min(r.control.len())].iter().sum();
    let ca: f64 = r.control[r.start.min(r.control.len())..].iter().sum();
    let n_before = r.start;
    let n_after = r.months.len().saturating_sub(r.start);
    let num = |v: f64| fmt_num(lang, v, 0);
    let counted = lang.t(&r.counted, &r.counted_en).to_string();
    out.push(Block::text(match lang {
        Lang::Sv => format!(
            "I {} rapporterades {} händelser ({}) under de {} månaderna före insatsen och {} under de {} månaderna från starten ({}). I kontrollområdet {} ändrades antalet från {} till {} ({}).",
            r.area,
            num(before),
            counted,
            n_before,
            num(after),
            n_after,
            change_cell(lang, after as u32, before as u32),
            r.control_area,
            num(cb),
            num(ca),
            change_cell(lang, ca as u32, cb as u32),
        ),
        Lang::En => format!(
            "In {}, {} ({}) were reported in the {} before the intervention and {} in the {} from its start ({}). In the control area {} the number changed from {} to {} ({}).",
            r.area,
            lang.count(before as i64, ("", ""), ("incident", "incidents")),
            counted,
            lang.count(n_before as i64, ("", ""), ("month", "months")),
            num(after),
            lang.count(n_after as i64, ("", ""), ("month", "months")),
            change_cell(lang, after as u32, before as u32),
            r.control_area,
            num(cb),
            num(ca),
            change_cell(lang, ca as u32, cb as u32),
        ),
    }));
    if let Some(e) = &r.evaluation {
        match lang {
            Lang::Sv => {
                out.push(Block::text(format!(
                    "Relativ effekt (förändringen i insatsområdet delat med förändringen i kontrollområdet): {} (95 % konfidensintervall {}–{}). {}",
                    fmt_sv(e.relative_effect.estimate, 2),
                    fmt_sv(e.relative_effect.lower, 2),
                    fmt_sv(e.relative_effect.upper, 2),
                    if e.relative_effect.upper < 1.0 {
                        "Minskningen är större än i kontrollområdet och inte förklarlig av slumpen."
                    } else if e.relative_effect.lower > 1.0 {
                        "Ökningen är större än i kontrollområdet och inte förklarlig av slumpen."
                    } else {
                        "Skillnaden mot kontrollområdet kan vara slumpmässig."
                    }
                )));
                out.push(Block::text(
                    "En jämförelse före och efter visar samband, inte orsak: annat som förändrats i området samtidigt kan bidra.",
                ));
            }
            // The follow-up's own English verdict, on the same counts.
            Lang::En => out.push(Block::text(crate::followup::verdict(
                Lang::En,
                n_after as i64,
                &e.counts,
                true,
                false,
                Some(e),
                None,
            ))),
        }
    }
    let months = match lang {
        Lang::Sv => &r.months,
        Lang::En => &r.months_en,
    };
    if r.start > 0 && r.start < r.months.len() {
        out.push(Block::figure(
            match lang {
                Lang::Sv => format!(
                    "{}: {} per månad i {} och i kontrollområdet {}.",
                    r.title, counted, r.area, r.control_area
                ),
                Lang::En => format!(
                    "{}: {} per month in {} and in the control area {}.",
                    r.title, counted, r.area, r.control_area
                ),
            },
            chart::before_after(&BeforeAfterChart {
                title: r.title.clone(),
                y_label: lang.t("Antal per månad", "Count per month").into(),
                months: months.clone(),
                treated: Series::new(r.area.clone(), r.treated.clone()),
                control: Series::new(r.control_area.clone(), r.control.clone()),
                start: r.start,
                start_label: lang.t("Insatsen startar", "The intervention starts").into(),
                lang,
            })?,
        ));
    }
    if r.map_areas.iter().any(|a| a.value.is_some()) {
        out.push(Block::figure(
            match lang {
                Lang::Sv => format!(
                    "{}: förändring i procent per stadsdel, {} under de {} månaderna från insatsens start mot de {} månaderna före. Insatsområde: {}; kontrollområde: {}.",
                    r.title, counted, n_after, n_before, r.area, r.control_area
                ),
                Lang::En => format!(
                    "{}: change in per cent per district, {} in the {} months from the intervention's start against the {} months before. Treated area: {}; control area: {}.",
                    r.title, counted, n_after, n_before, r.area, r.control_area
                ),
            },
            map::image(&MapSpec {
                title: match lang {
                    Lang::Sv => format!("Förändring efter insatsens start: {counted}"),
                    Lang::En => format!("Change after the intervention's start: {counted}"),
                },
                width: 1200,
                height: 900,
                areas: r.map_areas.clone(),
                area_labels: true,
                choropleth_label: lang.t("Förändring, %", "Change, %").into(),
                diverging: true,
                lang,
                ..Default::default()
            })?,
        ));
    }
    Ok(out)
}

/// "2 genomförda, 3 pågående" as parts, zero counts left out.
pub(super) fn status_parts(lang: Lang, plan: &CommitmentPlan) -> Vec<String> {
    [
        (CommitmentStatus::Done, "genomförda", "done"),
        (CommitmentStatus::Ongoing, "pågående", "ongoing"),
        (CommitmentStatus::NotStarted, "ej påbörjade", "not started"),
        (CommitmentStatus::Postponed, "uppskjutna", "postponed"),
        (CommitmentStatus::Cancelled, "avbrutna", "cancelled"),
    ]
    .iter()
    .filter_map(|(st, sv, en)| {
        let n = plan.commitments.iter().filter(|c| c.status == *st).count();
        (n > 0).then(|| format!("{n} {}", lang.t(sv, en)))
    })
    .collect()
}

/// One sentence on an intervention's result.
pub(super) fn result_sentence(lang: Lang, r: &InterventionResult) -> String {
    let split = r.start.min(r.treated.len());
    let (tb, ta): (f64, f64) = (
        r.treated[..split].iter().sum(),
        r.treated[split..].iter().sum(),
    );
    let split = r.start.min(r.control.len());
    let (cb, ca): (f64, f64) = (
        r.control[..split].iter().sum(),
        r.control[split..].iter().sum(),
    );
    let num = |v: f64| fmt_num(lang, v, 0);
    let mut out = match lang {
        Lang::Sv => format!(
            "{}: {} i {} ({} → {}) mot {} i kontrollområdet {} ({} → {})",
            r.title,
            change_cell(lang, ta as u32, tb as u32),
            r.area,
            num(tb),
            num(ta),
            change_cell(lang, ca as u32, cb as u32),
            r.control_area,
            num(cb),
            num(ca),
        ),
        Lang::En => format!(
            "{}: {} in {} ({} → {}) against {} in the control area {} ({} → {})",
            r.title,
            change_cell(lang, ta as u32, tb as u32),
            r.area,
            num(tb),
            num(ta),
            change_cell(lang, ca as u32, cb as u32),
            r.control_area,
            num(cb),
            num(ca),
        ),
    };
    if let Some(e) = &r.evaluation {
        out.push_str(&format!(
            "; {} {} ({} {}–{})",
            lang.t("relativ effekt", "relative effect"),
            fmt_num(lang, e.relative_effect.estimate, 2),
            lang.t("95 % konfidensintervall", "95% confidence interval"),
            fmt_num(lang, e.relative_effect.lower, 2),
            fmt_num(lang, e.relative_effect.upper, 2)
        ));
    }
    out.push('.');
    out
}

pub(super) fn commitment_blocks(
    lang: Lang,
    plan: &CommitmentPlan,
    interventions: &[InterventionResult],
    shown: &mut Vec<String>,
    as_of: Option<Date>,
) -> Result<Vec<Block>> {
    let mut out = Vec::new();
    let parts = status_parts(lang, plan);
    let n = lang.count(
        plan.commitments.len() as i64,
        ("åtagande", "åtaganden"),
        ("commitment", "commitments"),
    );
    let list = if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", and_list(lang, &parts))
    };
    out.push(Block::text(match lang {
        Lang::Sv => format!("Åtagandeplanen {} har {n}{list}.", plan.year),
        Lang::En => format!("The commitment plan {} has {n}{list}.", plan.year),
    }));
    out.push(Block::Table(Table {
        caption: match lang {
            Lang::Sv => format!("Åtagandena {} och deras status", plan.year),
            Lang::En => format!("The commitments of {} and their status", plan.year),
        },
        columns: vec![
            Column::text(lang.t("Åtagande", "Commitment")),
            Column::text(lang.t("Ansvarig", "Responsible")),
            Column::text("Status"),
            Column::number(lang.t("Genomfört", "Progress")),
        ],
        rows: plan
            .commitments
            .iter()
            .map(|c| {
                vec![
                    c.title.clone(),
                    c.responsible.clone(),
                    status_label(lang, c.status).into(),
                    fmt_percent(lang, f64::from(c.progress) / 100.0, 0, false),
                ]
            })
            .collect(),
        total: None,
    }));
    for area in &plan.priority_areas {
        let cs: Vec<_> = plan
            .commitments
            .iter()
            .filter(|c| c.priority_area == area.id)
            .collect();
        if cs.is_empty() {
            continue;
        }
        out.push(Block::heading(2, area.title.clone()));
        for c in cs {
            if c.title != area.title {
                out.push(Block::heading(3, c.title.clone()));
            }
            if !c.description.is_empty() {
                out.push(Block::Paragraph(vec![
                    Inline::Strong(lang.t("Åtagande: ", "Commitment: ").into()),
                    Inline::Emphasis(c.description.clone()),
                ]));
            }
            let forms = if c.collaboration_forms.is_empty() {
                String::new()
            } else {
                format!(
                    " ({}: {})",
                    lang.t("samverkansform", "form of collaboration"),
                    c.collaboration_forms.join(", ")
                )
            };
            out.push(Block::text(format!(
                "{}: {}{}. Status: {} ({}).",
                lang.t("Ansvarig", "Responsible"),
                responsible(lang, &c.responsible),
                forms,
                status_label(lang, c.status).to_lowercase(),
                fmt_percent(lang, f64::from(c.progress) / 100.0, 0, false)
            )));
            let acts: Vec<String> = c
                .activities
                .iter()
                .filter(|a| match (as_of, a.date) {
                    (Some(cut), Some(d)) => d <= cut,
                    _ => true,
                })
                .map(|a| {
                    format!(
                        "{}{}{}",
                        a.date.map(|d| format!("{d}: ")).unwrap_or_default(),
                        a.text,
                        if a.done {
                            ""
                        } else {
                            lang.t(" (planerad)", " (planned)")
                        }
                    )
                })
                .collect();
            if acts.is_empty() {
                out.push(Block::text(lang.t(
                    "Inga aktiviteter är registrerade.",
                    "No activities are recorded.",
                )));
            } else {
                out.push(Block::text(
                    lang.t("Det här har gjorts:", "What has been done:"),
                ));
                out.push(Block::bullets(acts));
            }
            let h: f64 = c.resources.iter().map(|r| r.used_hours).sum();
            if h > 0.0 {
                out.push(Block::text(format!(
                    "{}: {}.",
                    lang.t("Resurser", "Resources"),
                    c.resources
                        .iter()
                        .map(|r| format!(
                            "{} {}{}{}",
                            r.party,
                            hours(lang, r.used_hours),
                            lang.t(" och ", " and "),
                            sek(lang, r.used_sek)
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            for id in &c.interventions {
                match interventions.iter().find(|r| &r.id == id) {
                    Some(r) if shown.contains(id) => out.push(Block::text(match lang {
                        Lang::Sv => format!(
                            "Resultaten av insatsen {} redovisas under ett tidigare år ovan.",
                            r.title
                        ),
                        Lang::En => format!(
                            "The results of the intervention {} are given under an earlier year above.",
                            r.title
                        ),
                    })),
                    Some(r) => {
                        shown.push(id.clone());
                        out.extend(intervention_blocks(lang, r)?);
                    }
                    None => out.push(Block::text(match lang {
                        Lang::Sv => format!("Insatsen {id} är kopplad men saknar uppföljning."),
                        Lang::En => {
                            format!("The intervention {id} is linked but has no follow-up.")
                        }
                    })),
                }
            }
        }
    }
    Ok(out)
}

/// The annual compilation of the commitment plan (to the styrgrupp in October, to KSAU before
/// year-end): per commitment what was done, resources per party, and the results of linked
/// interventions with charts and maps; `lagesbild` (from [`year_in_brief`]) adds the year's
/// incidents. `as_of` is the date the compilation describes. Written in `lang`.
pub fn annual_compilation(
    agreement: &Agreement,
    plan: &CommitmentPlan,
    interventions: &[InterventionResult],
    lagesbild: &[Block],
    as_of: Date,
    generated_at: &str,
    lang: Lang,
) -> Result<Document> {
    let mut b = Vec::new();
    b.push(Block::heading(1, lang.t("Sammanfattning", "Summary")));
    b.push(Block::text(match lang {
        Lang::Sv => format!(
            "{} och {} redovisar här genomförandet av åtagandeplanen {} inom samverkansöverenskommelsen {}–{}, per {}. Sammanställningen presenteras för styrgruppen i oktober och för kommunstyrelsens arbetsutskott (KSAU) före årsskiftet. Kommunens utvecklingsledare och kommunpolisen ansvarar för sammanställning och uppföljning.",
            agreement.parties.first().map_or("Kommunen", |p| p.name.as_str()),
            agreement.parties.get(1).map_or("polisen", |p| p.name.as_str()),
            plan.year,
            agreement.from_year,
            agreement.to_year,
            long_date(lang, as_of),
        ),
        Lang::En => format!(
            "{} and {} report here on the implementation of the commitment plan {} under the partnership agreement (samverkansöverenskommelse) {}–{}, as of {}. The compilation is presented to the steering group (styrgrupp) in October and to the municipal executive board's working committee (KSAU) before the end of the year. The municipality's development lead and the community police officer are responsible for compiling and following it up.",
            agreement.parties.first().map_or("The municipality", |p| p.name.as_str()),
            agreement.parties.get(1).map_or("the police", |p| p.name.as_str()),
            plan.year,
            agreement.from_year,
            agreement.to_year,
            long_date(lang, as_of),
        ),
    }));
    b.push(Block::heading(1, lang.t("Åtagandena", "The commitments")));
    b.extend(commitment_blocks(
        lang,
        plan,
        interventions,
        &mut Vec::new(),
        Some(as_of),
    )?);
    if !lagesbild.is_empty() {
        b.push(Block::heading(
            1,
            match lang {
                Lang::Sv => format!("Lägesbilden {}", plan.year),
                Lang::En => format!("The situation picture (lägesbild) {}", plan.year),
            },
        ));
        b.extend(lagesbild.iter().cloned());
    }
    b.push(Block::heading(
        1,
        lang.t("Resurser per part", "Resources per party"),
    ));
    b.extend(resource_blocks(
        lang,
        &plan.resources_per_party(),
        &match lang {
            Lang::Sv => format!("åtagandeplanen {}", plan.year),
            Lang::En => format!("the commitment plan {}", plan.year),
        },
    )?);
    b.push(Block::heading(1, lang.t("Kommande", "Coming up")));
    let next: Vec<String> = deadlines(agreement)
        .into_iter()
        .filter(|e| e.deadline >= as_of)
        .take(4)
        .map(|e| {
            format!(
                "{}: {}",
                long_date(lang, e.deadline),
                deadline_title(lang, agreement, &e)
            )
        })
        .collect();
    if !next.is_empty() {
        b.push(Block::bullets(next));
    }
    let doc = Document {
        title: match lang {
            Lang::Sv => format!("Årlig sammanställning av åtagandeplanen {}", plan.year),
            Lang::En => format!("Annual compilation of the commitment plan {}", plan.year),
        },
        subtitle: Some(format!(
            "{} {}–{}",
            agreement.title, agreement.from_year, agreement.to_year
        )),
        meta: Meta {
            organisation: parties_joined(lang, agreement),
            period: format!("{}-01-01 – {as_of}", plan.year),
            generated_at: generated_at.into(),
            lang,
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// The final follow-up of the agreement: every year's plan, resources per party over the
/// period, the interventions' results, and — when given — the yearly incident totals. Written
/// in `lang`.
pub fn final_follow_up(
    agreement: &Agreement,
    plans: &[CommitmentPlan],
    interventions: &[InterventionResult],
    yearly_totals: &[(i16, u32)],
    generated_at: &str,
    lang: Lang,
) -> Result<Document> {
    let mut b = Vec::new();
    b.push(Block::heading(1, lang.t("Sammanfattning", "Summary")));
    let mut lines: Vec<String> = plans
        .iter()
        .map(|p| {
            let parts = status_parts(lang, p);
            let tail = match parts.len() {
                0 => String::new(),
                1 if parts[0].starts_with(&format!("{} ", p.commitments.len())) => format!(
                    ", {} {}",
                    lang.t("alla", "all"),
                    parts[0].split_once(' ').map_or("", |x| x.1)
                ),
                _ => format!(
                    ", {} {}",
                    lang.t("varav", "of which"),
                    and_list(lang, &parts)
                ),
            };
            format!(
                "{} {}: {}{tail}.",
                lang.t("Åtagandeplanen", "The commitment plan"),
                p.year,
                lang.count(
                    p.commitments.len() as i64,
                    ("åtagande", "åtaganden"),
                    ("commitment", "commitments")
                ),
            )
        })
        .collect();
    let hours_all: f64 = plans
        .iter()
        .flat_map(|p| p.resources_per_party())
        .map(|r| r.used_hours)
        .sum();
    if hours_all > 0.0 {
        lines.push(match lang {
            Lang::Sv => format!(
                "Parterna lade sammanlagt {} på åtagandena under perioden.",
                hours(lang, hours_all)
            ),
            Lang::En => format!(
                "The parties spent {} in all on the commitments over the period.",
                hours(lang, hours_all)
            ),
        });
    }
    for r in interventions {
        if plans.iter().any(|p| {
            p.commitments
                .iter()
                .any(|c| c.interventions.contains(&r.id))
        }) {
            lines.push(result_sentence(lang, r));
        }
    }
    b.push(Block::bullets(lines));
    b.push(Block::heading(
        1,
        lang.t("Överenskommelsen", "The agreement"),
    ));
    b.push(Block::Paragraph(vec![Inline::Emphasis(
        agreement.purpose.clone(),
    )]));
    if !agreement.undertakings.is_empty() {
        b.push(Block::text(
            lang.t("Parterna åtog sig att:", "The parties undertook to:"),
        ));
        b.push(Block::bullets(agreement.undertakings.clone()));
    }
    let years_with_plan: Vec<String> = plans.iter().map(|p| p.year.to_string()).collect();
    let missing: Vec<String> = agreement
        .years()
        .filter(|y| !plans.iter().any(|p| p.year == *y))
        .map(|y| y.to_string())
        .collect();
    let with_plan = if years_with_plan.is_empty() {
        lang.t("inget år", "no year").to_string()
    } else {
        years_with_plan.join(", ")
    };
    let missing = if missing.is_empty() {
        String::new()
    } else {
        format!(
            "; {} {}",
            lang.t("det saknas plan för", "there is no plan for"),
            missing.join(", ")
        )
    };
    b.push(Block::text(match lang {
        Lang::Sv => format!(
            "Perioden {}–{} har åtagandeplaner för {with_plan}{missing}.",
            agreement.from_year, agreement.to_year,
        ),
        Lang::En => format!(
            "The period {}–{} has commitment plans for {with_plan}{missing}.",
            agreement.from_year, agreement.to_year,
        ),
    }));
    if !yearly_totals.is_empty() {
        b.push(Block::heading(
            1,
            lang.t("Lägesbilden under perioden", "Incidents over the period"),
        ));
        b.push(Block::text(format!(
            "{}: {}.",
            lang.t(
                "Rapporterade händelser per år",
                "Reported incidents per year"
            ),
            yearly_totals
                .iter()
                .map(|(y, n)| format!("{y}: {}", lang.int(i64::from(*n))))
                .collect::<Vec<_>>()
                .join(", ")
        )));
        b.push(Block::figure(
            lang.t(
                "Rapporterade händelser per år under överenskommelsens period.",
                "Reported incidents per year over the agreement's period.",
            ),
            chart::line(&LineChart {
                title: lang.t("Händelser per år", "Incidents per year").into(),
                y_label: lang.t("Antal händelser", "Number of incidents").into(),
                x_label: lang.t("År", "Year").into(),
                x_labels: yearly_totals.iter().map(|(y, _)| y.to_string()).collect(),
                series: vec![Series::new(
                    lang.t("Alla händelser", "All incidents"),
                    yearly_totals.iter().map(|(_, n)| f64::from(*n)).collect(),
                )],
                lang,
            })?,
        ));
    }
    let mut all: Vec<Resource> = Vec::new();
    let mut shown = Vec::new();
    for p in plans {
        b.push(Block::PageBreak);
        b.push(Block::heading(
            1,
            format!(
                "{} {}",
                lang.t("Åtagandeplanen", "The commitment plan"),
                p.year
            ),
        ));
        b.extend(commitment_blocks(lang, p, interventions, &mut shown, None)?);
        for r in p.resources_per_party() {
            match all.iter_mut().find(|a| a.party == r.party) {
                Some(a) => {
                    a.planned_hours += r.planned_hours;
                    a.used_hours += r.used_hours;
                    a.planned_sek += r.planned_sek;
                    a.used_sek += r.used_sek;
                }
                None => all.push(r),
            }
        }
    }
    b.push(Block::heading(
        1,
        lang.t(
            "Resurser per part under hela perioden",
            "Resources per party over the whole period",
        ),
    ));
    b.extend(resource_blocks(
        lang,
        &all,
        &match lang {
            Lang::Sv => format!("perioden {}–{}", agreement.from_year, agreement.to_year),
            Lang::En => format!("the period {}–{}", agreement.from_year, agreement.to_year),
        },
    )?);
    let doc = Document {
        title: match lang {
            Lang::Sv => format!(
                "Slutlig uppföljning av samverkansöverenskommelsen {}–{}",
                agreement.from_year, agreement.to_year
            ),
            Lang::En => format!(
                "Final follow-up of the partnership agreement {}–{}",
                agreement.from_year, agreement.to_year
            ),
        },
        subtitle: Some(agreement.title.clone()),
        meta: Meta {
            organisation: parties_joined(lang, agreement),
            period: format!(
                "{}-01-01 – {}-12-31",
                agreement.from_year, agreement.to_year
            ),
            generated_at: generated_at.into(),
            lang,
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}
