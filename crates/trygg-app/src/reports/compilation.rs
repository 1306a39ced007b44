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
    /// Month labels ("jan 2022").
    pub months: Vec<String>,
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
        months: labels,
        treated: t,
        control: c,
        start: months as usize,
        evaluation,
        map_areas,
    })
}

pub(super) fn hours(v: f64) -> String {
    format!("{} tim", fmt_sv(v, 0))
}

pub(super) fn sek(v: f64) -> String {
    format!("{} kr", fmt_sv(v, 0))
}

pub(super) fn resource_blocks(per_party: &[Resource], what: &str) -> Result<Vec<Block>> {
    if per_party.is_empty() {
        return Ok(vec![Block::text(format!(
            "Inga resurser är registrerade för {what}."
        ))]);
    }
    let mut out = Vec::new();
    let th: f64 = per_party.iter().map(|r| r.used_hours).sum();
    let ts: f64 = per_party.iter().map(|r| r.used_sek).sum();
    let ph: f64 = per_party.iter().map(|r| r.planned_hours).sum();
    out.push(Block::text(format!(
        "Parterna har lagt {} av planerade {} ({}) och {} på {what}. Varje part står för sina egna kostnader.",
        hours(th),
        hours(ph),
        if ph > 0.0 { fmt_percent_sv(th / ph, 0, false) } else { "–".into() },
        sek(ts),
    )));
    out.push(Block::Table(Table {
        caption: format!("Resurser per part, {what}"),
        columns: vec![
            Column::text("Part"),
            Column::number("Planerade timmar"),
            Column::number("Använda timmar"),
            Column::number("Planerat, kr"),
            Column::number("Använt, kr"),
        ],
        rows: per_party
            .iter()
            .map(|r| {
                vec![
                    r.party.clone(),
                    fmt_sv(r.planned_hours, 0),
                    fmt_sv(r.used_hours, 0),
                    fmt_sv(r.planned_sek, 0),
                    fmt_sv(r.used_sek, 0),
                ]
            })
            .collect(),
        total: Some(vec![
            "Summa".into(),
            fmt_sv(ph, 0),
            fmt_sv(th, 0),
            fmt_sv(per_party.iter().map(|r| r.planned_sek).sum(), 0),
            fmt_sv(ts, 0),
        ]),
    }));
    out.push(Block::figure(
        format!("Använda timmar per part, {what}."),
        chart::bars(&BarChart {
            title: "Använda timmar per part".into(),
            unit: "tim".into(),
            decimals: 0,
            bars: per_party
                .iter()
                .map(|r| (r.party.clone(), r.used_hours))
                .collect(),
            lang: trygg_report::Lang::Sv,
        })?,
    ));
    Ok(out)
}

pub(super) fn intervention_blocks(r: &InterventionResult) -> Result<Vec<Block>> {
    let mut out = vec![Block::heading(3, format!("Resultat: {}", r.title))];
    let before: f64 = r.treated[..r.start.min(r.treated.len())].iter().sum();
    let after: f64 = r.treated[r.start.min(r.treated.len())..].iter().sum();
    let cb: f64 = r.control[..r.start.min(r.control.len())].iter().sum();
    let ca: f64 = r.control[r.start.min(r.control.len())..].iter().sum();
    let n_before = r.start;
    let n_after = r.months.len().saturating_sub(r.start);
    out.push(Block::text(format!(
        "I {} rapporterades {} händelser ({}) under de {} månaderna före insatsen och {} under de {} månaderna från starten ({}). I kontrollområdet {} ändrades antalet från {} till {} ({}).",
        r.area,
        fmt_sv(before, 0),
        r.counted,
        n_before,
        fmt_sv(after, 0),
        n_after,
        change_cell(Lang::Sv, after as u32, before as u32),
        r.control_area,
        fmt_sv(cb, 0),
        fmt_sv(ca, 0),
        change_cell(Lang::Sv, ca as u32, cb as u32),
    )));
    if let Some(e) = &r.evaluation {
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
    if r.start > 0 && r.start < r.months.len() {
        out.push(Block::figure(
            format!(
                "{}: {} per månad i {} och i kontrollområdet {}.",
                r.title, r.counted, r.area, r.control_area
            ),
            chart::before_after(&BeforeAfterChart {
                title: r.title.clone(),
                y_label: "Antal per månad".into(),
                months: r.months.clone(),
                treated: Series::new(r.area.clone(), r.treated.clone()),
                control: Series::new(r.control_area.clone(), r.control.clone()),
                start: r.start,
                start_label: "Insatsen startar".into(),
                lang: trygg_report::Lang::Sv,
            })?,
        ));
    }
    if r.map_areas.iter().any(|a| a.value.is_some()) {
        out.push(Block::figure(
            format!(
                "{}: förändring i procent per stadsdel, {} under de {} månaderna från insatsens start mot de {} månaderna före. Insatsområde: {}; kontrollområde: {}.",
                r.title, r.counted, n_after, n_before, r.area, r.control_area
            ),
            map::image(&MapSpec {
                title: format!("Förändring efter insatsens start: {}", r.counted),
                width: 1200,
                height: 900,
                areas: r.map_areas.clone(),
                area_labels: true,
                choropleth_label: "Förändring, %".into(),
                diverging: true,
                ..Default::default()
            })?,
        ));
    }
    Ok(out)
}

/// "2 genomförda, 3 pågående" as parts, zero counts left out.
pub(super) fn status_parts(plan: &CommitmentPlan) -> Vec<String> {
    [
        (CommitmentStatus::Done, "genomförda"),
        (CommitmentStatus::Ongoing, "pågående"),
        (CommitmentStatus::NotStarted, "ej påbörjade"),
        (CommitmentStatus::Postponed, "uppskjutna"),
        (CommitmentStatus::Cancelled, "avbrutna"),
    ]
    .iter()
    .filter_map(|(st, label)| {
        let n = plan.commitments.iter().filter(|c| c.status == *st).count();
        (n > 0).then(|| format!("{n} {label}"))
    })
    .collect()
}

/// One sentence on an intervention's result.
pub(super) fn result_sentence(r: &InterventionResult) -> String {
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
    let mut out = format!(
        "{}: {} i {} ({} → {}) mot {} i kontrollområdet {} ({} → {})",
        r.title,
        change_cell(Lang::Sv, ta as u32, tb as u32),
        r.area,
        fmt_sv(tb, 0),
        fmt_sv(ta, 0),
        change_cell(Lang::Sv, ca as u32, cb as u32),
        r.control_area,
        fmt_sv(cb, 0),
        fmt_sv(ca, 0),
    );
    if let Some(e) = &r.evaluation {
        out.push_str(&format!(
            "; relativ effekt {} (95 % konfidensintervall {}–{})",
            fmt_sv(e.relative_effect.estimate, 2),
            fmt_sv(e.relative_effect.lower, 2),
            fmt_sv(e.relative_effect.upper, 2)
        ));
    }
    out.push('.');
    out
}

pub(super) fn commitment_blocks(
    plan: &CommitmentPlan,
    interventions: &[InterventionResult],
    shown: &mut Vec<String>,
    as_of: Option<Date>,
) -> Result<Vec<Block>> {
    let mut out = Vec::new();
    let parts = status_parts(plan);
    out.push(Block::text(format!(
        "Åtagandeplanen {} har {}{}.",
        plan.year,
        count_sv(plan.commitments.len() as u32, "åtagande", "åtaganden"),
        match parts.len() {
            0 => String::new(),
            1 => format!(": {}", parts[0]),
            _ => format!(
                ": {} och {}",
                parts[..parts.len() - 1].join(", "),
                parts[parts.len() - 1]
            ),
        }
    )));
    out.push(Block::Table(Table {
        caption: format!("Åtagandena {} och deras status", plan.year),
        columns: vec![
            Column::text("Åtagande"),
            Column::text("Ansvarig"),
            Column::text("Status"),
            Column::number("Genomfört"),
        ],
        rows: plan
            .commitments
            .iter()
            .map(|c| {
                vec![
                    c.title.clone(),
                    c.responsible.clone(),
                    c.status.label_sv().into(),
                    fmt_percent_sv(f64::from(c.progress) / 100.0, 0, false),
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
                    Inline::Strong("Åtagande: ".into()),
                    Inline::Emphasis(c.description.clone()),
                ]));
            }
            out.push(Block::text(format!(
                "Ansvarig: {}{}. Status: {} ({}).",
                if c.responsible == JOINT {
                    "båda parterna"
                } else {
                    &c.responsible
                },
                if c.collaboration_forms.is_empty() {
                    String::new()
                } else {
                    format!(" (samverkansform: {})", c.collaboration_forms.join(", "))
                },
                c.status.label_sv().to_lowercase(),
                fmt_percent_sv(f64::from(c.progress) / 100.0, 0, false)
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
                        if a.done { "" } else { " (planerad)" }
                    )
                })
                .collect();
            if acts.is_empty() {
                out.push(Block::text("Inga aktiviteter är registrerade."));
            } else {
                out.push(Block::text("Det här har gjorts:"));
                out.push(Block::bullets(acts));
            }
            let h: f64 = c.resources.iter().map(|r| r.used_hours).sum();
            if h > 0.0 {
                out.push(Block::text(format!(
                    "Resurser: {}.",
                    c.resources
                        .iter()
                        .map(|r| format!(
                            "{} {} och {}",
                            r.party,
                            hours(r.used_hours),
                            sek(r.used_sek)
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            for id in &c.interventions {
                match interventions.iter().find(|r| &r.id == id) {
                    Some(r) if shown.contains(id) => out.push(Block::text(format!(
                        "Resultaten av insatsen {} redovisas under ett tidigare år ovan.",
                        r.title
                    ))),
                    Some(r) => {
                        shown.push(id.clone());
                        out.extend(intervention_blocks(r)?);
                    }
                    None => out.push(Block::text(format!(
                        "Insatsen {id} är kopplad men saknar uppföljning."
                    ))),
                }
            }
        }
    }
    Ok(out)
}

/// The annual compilation of the commitment plan (to the styrgrupp in October, to KSAU before
/// year-end): per commitment what was done, resources per party, and the results of linked
/// interventions with charts and maps; `lagesbild` (from [`year_in_brief`]) adds the year's
/// incidents. `as_of` is the date the compilation describes.
pub fn annual_compilation(
    agreement: &Agreement,
    plan: &CommitmentPlan,
    interventions: &[InterventionResult],
    lagesbild: &[Block],
    as_of: Date,
    generated_at: &str,
) -> Result<Document> {
    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    b.push(Block::text(format!(
        "{} och {} redovisar här genomförandet av åtagandeplanen {} inom samverkansöverenskommelsen {}–{}, per {}. Sammanställningen presenteras för styrgruppen i oktober och för kommunstyrelsens arbetsutskott (KSAU) före årsskiftet. Kommunens utvecklingsledare och kommunpolisen ansvarar för sammanställning och uppföljning.",
        agreement.parties.first().map_or("Kommunen", |p| p.name.as_str()),
        agreement.parties.get(1).map_or("polisen", |p| p.name.as_str()),
        plan.year,
        agreement.from_year,
        agreement.to_year,
        long_date(Lang::Sv, as_of),
    )));
    b.push(Block::heading(1, "Åtagandena"));
    b.extend(commitment_blocks(
        plan,
        interventions,
        &mut Vec::new(),
        Some(as_of),
    )?);
    if !lagesbild.is_empty() {
        b.push(Block::heading(1, format!("Lägesbilden {}", plan.year)));
        b.extend(lagesbild.iter().cloned());
    }
    b.push(Block::heading(1, "Resurser per part"));
    b.extend(resource_blocks(
        &plan.resources_per_party(),
        &format!("åtagandeplanen {}", plan.year),
    )?);
    b.push(Block::heading(1, "Kommande"));
    let next: Vec<String> = deadlines(agreement)
        .into_iter()
        .filter(|e| e.deadline >= as_of)
        .take(4)
        .map(|e| format!("{}: {}", long_date(Lang::Sv, e.deadline), e.title))
        .collect();
    if !next.is_empty() {
        b.push(Block::bullets(next));
    }
    let doc = Document {
        title: format!("Årlig sammanställning av åtagandeplanen {}", plan.year),
        subtitle: Some(format!(
            "{} {}–{}",
            agreement.title, agreement.from_year, agreement.to_year
        )),
        meta: Meta {
            organisation: agreement
                .parties
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(" och "),
            period: format!("{}-01-01 – {as_of}", plan.year),
            generated_at: generated_at.into(),
            lang: trygg_report::Lang::Sv,
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// The final follow-up of the agreement: every year's plan, resources per party over the
/// period, the interventions' results, and — when given — the yearly incident totals.
pub fn final_follow_up(
    agreement: &Agreement,
    plans: &[CommitmentPlan],
    interventions: &[InterventionResult],
    yearly_totals: &[(i16, u32)],
    generated_at: &str,
) -> Result<Document> {
    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    let mut lines: Vec<String> = plans
        .iter()
        .map(|p| {
            let parts = status_parts(p);
            format!(
                "Åtagandeplanen {}: {}{}.",
                p.year,
                count_sv(p.commitments.len() as u32, "åtagande", "åtaganden"),
                match parts.len() {
                    0 => String::new(),
                    1 if parts[0].starts_with(&format!("{} ", p.commitments.len())) => {
                        format!(", alla {}", parts[0].split_once(' ').map_or("", |x| x.1))
                    }
                    1 => format!(", varav {}", parts[0]),
                    n => format!(", varav {} och {}", parts[..n - 1].join(", "), parts[n - 1]),
                }
            )
        })
        .collect();
    let hours_all: f64 = plans
        .iter()
        .flat_map(|p| p.resources_per_party())
        .map(|r| r.used_hours)
        .sum();
    if hours_all > 0.0 {
        lines.push(format!(
            "Parterna lade sammanlagt {} på åtagandena under perioden.",
            hours(hours_all)
        ));
    }
    for r in interventions {
        if plans.iter().any(|p| {
            p.commitments
                .iter()
                .any(|c| c.interventions.contains(&r.id))
        }) {
            lines.push(result_sentence(r));
        }
    }
    b.push(Block::bullets(lines));
    b.push(Block::heading(1, "Överenskommelsen"));
    b.push(Block::Paragraph(vec![Inline::Emphasis(
        agreement.purpose.clone(),
    )]));
    if !agreement.undertakings.is_empty() {
        b.push(Block::text("Parterna åtog sig att:"));
        b.push(Block::bullets(agreement.undertakings.clone()));
    }
    let years_with_plan: Vec<String> = plans.iter().map(|p| p.year.to_string()).collect();
    let missing: Vec<String> = agreement
        .years()
        .filter(|y| !plans.iter().any(|p| p.year == *y))
        .map(|y| y.to_string())
        .collect();
    b.push(Block::text(format!(
        "Perioden {}–{} har åtagandeplaner för {}{}.",
        agreement.from_year,
        agreement.to_year,
        if years_with_plan.is_empty() {
            "inget år".into()
        } else {
            years_with_plan.join(", ")
        },
        if missing.is_empty() {
            String::new()
        } else {
            format!("; det saknas plan för {}", missing.join(", "))
        }
    )));
    if !yearly_totals.is_empty() {
        b.push(Block::heading(1, "Lägesbilden under perioden"));
        b.push(Block::text(format!(
            "Rapporterade händelser per år: {}.",
            yearly_totals
                .iter()
                .map(|(y, n)| format!("{y}: {}", fmt_int_sv(i64::from(*n))))
                .collect::<Vec<_>>()
                .join(", ")
        )));
        b.push(Block::figure(
            "Rapporterade händelser per år under överenskommelsens period.",
            chart::line(&LineChart {
                title: "Händelser per år".into(),
                y_label: "Antal händelser".into(),
                x_label: "År".into(),
                x_labels: yearly_totals.iter().map(|(y, _)| y.to_string()).collect(),
                series: vec![Series::new(
                    "Alla händelser",
                    yearly_totals.iter().map(|(_, n)| f64::from(*n)).collect(),
                )],
                lang: trygg_report::Lang::Sv,
            })?,
        ));
    }
    let mut all: Vec<Resource> = Vec::new();
    let mut shown = Vec::new();
    for p in plans {
        b.push(Block::PageBreak);
        b.push(Block::heading(1, format!("Åtagandeplanen {}", p.year)));
        b.extend(commitment_blocks(p, interventions, &mut shown, None)?);
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
    b.push(Block::heading(1, "Resurser per part under hela perioden"));
    b.extend(resource_blocks(
        &all,
        &format!("perioden {}–{}", agreement.from_year, agreement.to_year),
    )?);
    let doc = Document {
        title: format!(
            "Slutlig uppföljning av samverkansöverenskommelsen {}–{}",
            agreement.from_year, agreement.to_year
        ),
        subtitle: Some(agreement.title.clone()),
        meta: Meta {
            organisation: agreement
                .parties
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(" och "),
            period: format!(
                "{}-01-01 – {}-12-31",
                agreement.from_year, agreement.to_year
            ),
            generated_at: generated_at.into(),
            lang: trygg_report::Lang::Sv,
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}
