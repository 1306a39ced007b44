//! Every report as one request ([`Request`]) built by one function ([`build`]) that loads what
//! it needs — the snapshot, and for the partnership's reports the stored agreement, commitment
//! plans and linked interventions — so `trygg report` and the web app's `/rapporter` make the
//! same document from the same data. Also the law's åtgärdsplan ([`atgardsplan`]).

use super::*;
use crate::partnership;
use trygg_domain::cycle::Intervention;
use trygg_domain::partnership::{CalendarKind, PlanStatus};
use trygg_store::records::Stored;

/// One report to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// The weekly lägesbild of an ISO week.
    Weekly(ISOWeekDate),
    /// The tertial analysis: year and tertial 1–3.
    Tertial(i16, u8),
    /// The law's lägesbild of a year.
    Lagesbild(i16),
    /// The law's åtgärdsplan resting on the lägesbild of a year.
    Atgardsplan(i16),
    /// The annual compilation of a year's commitment plan, as of a date.
    AnnualCompilation(i16, Date),
    /// The final follow-up of the current agreement.
    FinalFollowUp,
    /// The protocol of a safety walk, by its record id.
    WalkProtocol(i64),
}

impl Request {
    /// A short file name without extension ("sammanstallning-2020").
    pub fn file_stem(&self) -> String {
        match self {
            Request::Weekly(w) => format!("veckolagesbild-{}-v{:02}", w.year(), w.week()),
            Request::Tertial(y, t) => format!("tertialanalys-{y}-t{t}"),
            Request::Lagesbild(y) => format!("lagesbild-{y}"),
            Request::Atgardsplan(y) => format!("atgardsplan-{y}"),
            Request::AnnualCompilation(y, _) => format!("sammanstallning-{y}"),
            Request::FinalFollowUp => "slutlig-uppfoljning".into(),
            Request::WalkProtocol(id) => format!("trygghetsvandring-{id}-protokoll"),
        }
    }
}

/// The date the annual compilation of `year` describes unless told otherwise: 1 October, the
/// state the October compilation to the styrgrupp shows (or `today`, if that is earlier). The
/// compilation to KSAU before year-end is the same report as of a later date.
pub fn default_as_of(year: i16, today: Date) -> Date {
    let october = Date::new(year, 10, 1).unwrap_or(today);
    october.min(today)
}

fn years_text(years: &[i16]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => format!("it has data for {a}"),
        (Some(a), Some(b)) => format!("it has data for {a}–{b}"),
        _ => "it has no shared incidents at all".into(),
    }
}

fn check_year(years: &[i16], year: i16) -> Result<()> {
    if years.contains(&year) {
        Ok(())
    } else {
        Err(ReportBuildError::Input(format!(
            "no shared incidents in {year} in the database ({}); choose another year",
            years_text(years)
        )))
    }
}

/// Builds the report of `request` from the stored data under `scope`, in `lang` (every report
/// is written in Swedish and English).
pub async fn build(state: &App, request: Request, scope: Scope, lang: Lang) -> Result<Document> {
    let years = data_years(state, scope);
    match request {
        Request::Weekly(week) => {
            let monday = ISOWeekDate::new(week.year(), week.week(), Weekday::Monday)
                .map_err(|e| ReportBuildError::Input(e.to_string()))?
                .date();
            check_year(&years, monday.year())?;
            weekly(state, week, scope, lang).await
        }
        Request::Tertial(year, t) => {
            tertial_period(year, t)?;
            check_year(&years, year)?;
            tertial(state, year, t, scope, lang).await
        }
        Request::Lagesbild(year) => {
            check_year(&years, year)?;
            lagesbild(state, year, scope, lang).await
        }
        Request::Atgardsplan(year) => atgardsplan(state, year, scope, lang).await,
        Request::AnnualCompilation(year, as_of) => {
            annual_compilation_from_records(state, year, as_of, scope, lang).await
        }
        Request::FinalFollowUp => final_follow_up_from_records(state, scope, lang).await,
        Request::WalkProtocol(id) => walk_protocol(state, id, scope, lang).await,
    }
}

/// The stored agreement and its plan for `year`, or a clear error.
async fn agreement_and_plan(
    state: &App,
    year: i16,
) -> Result<(Agreement, Vec<Stored<CommitmentPlan>>, CommitmentPlan)> {
    let store = state.store.as_ref();
    let Some(agreement) = partnership::agreement(store).await? else {
        return Err(ReportBuildError::Input(
            "no agreement (samverkansöverenskommelse) is stored; add it under /samverkan or run `trygg demo`".into(),
        ));
    };
    let agreement = agreement.data;
    let plans = partnership::plans(store, &agreement).await?;
    let Some(plan) = plans.iter().find(|p| p.data.year == year) else {
        let have: Vec<String> = plans.iter().map(|p| p.data.year.to_string()).collect();
        return Err(ReportBuildError::Input(format!(
            "no commitment plan for {year} is stored (the agreement {}–{} has plans for {}); choose another year",
            agreement.from_year,
            agreement.to_year,
            if have.is_empty() {
                "no year".into()
            } else {
                have.join(", ")
            }
        )));
    };
    let plan = plan.data.clone();
    Ok((agreement, plans, plan))
}

/// The results of the linked interventions (those with a treated and a control area), over
/// 12 months before and after their start.
async fn intervention_results(
    state: &App,
    scope: Scope,
    interventions: &[Stored<Intervention>],
) -> Result<Vec<InterventionResult>> {
    let mut out = Vec::new();
    for i in interventions {
        let d = &i.data;
        let (Some(&treated), Some(&control)) = (d.treated_areas.first(), d.control_areas.first())
        else {
            continue;
        };
        let categories = partnership::intervention_categories(state.store.as_ref(), d).await?;
        let cats: Vec<&str> = categories.iter().map(String::as_str).collect();
        out.push(
            intervention_result(
                state,
                scope,
                &i.meta.id.to_string(),
                &d.title,
                &cats,
                treated,
                d.buffer_areas.first().copied(),
                control,
                d.start,
                12,
            )
            .await?,
        );
    }
    Ok(out)
}

/// The annual compilation of `year` from the stored agreement, plan and linked interventions,
/// with the year's incidents up to the day before `as_of`, in `lang`.
pub async fn annual_compilation_from_records(
    state: &App,
    year: i16,
    as_of: Date,
    scope: Scope,
    lang: Lang,
) -> Result<Document> {
    let (agreement, _, plan) = agreement_and_plan(state, year).await?;
    let (plans, linked) = partnership::linked(state.store.as_ref(), vec![plan]).await?;
    let results = intervention_results(state, scope, &linked).await?;
    let until = as_of
        .checked_sub(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let brief = if data_years(state, scope).contains(&year) && until.year() == year {
        year_in_brief(state, year, until, scope, lang).await?
    } else {
        Vec::new()
    };
    let mut doc = annual_compilation(
        &agreement,
        &plans[0],
        &results,
        &brief,
        as_of,
        &generated_now(state),
        lang,
    )?;
    let since = state
        .midnight(Date::new(year, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let fixes = crate::fixes::report(state, scope, since)
        .await
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    doc.blocks.extend(fix_blocks(lang, &fixes, year));
    Ok(doc)
}

/// The fixes (åtgärdsärenden) in the styrgrupp's compilation: how many are open, the overdue
/// ones, and those done in the year with the incidents near them before and after.
fn fix_blocks(lang: Lang, r: &crate::fixes::FixReport, year: i16) -> Vec<Block> {
    let mut out = vec![Block::heading(
        2,
        lang.t("Åtgärdsärenden", "Fixes (åtgärdsärenden)"),
    )];
    if r.open == 0 && r.done.is_empty() {
        out.push(Block::text(match lang {
            Lang::Sv => format!("Inga öppna åtgärdsärenden och inga åtgärdade under {year}."),
            Lang::En => format!("No open fixes, and none completed in {year}."),
        }));
        return out;
    }
    out.push(Block::text(match lang {
        Lang::Sv => format!(
            "{} öppna, varav {} försenade (efter sitt datum enligt kategorins servicenivå eller samordnarens datum); {} åtgärdade under {year}.",
            r.open,
            r.overdue.len(),
            r.done.len()
        ),
        Lang::En => format!(
            "{} open, {} of them overdue (past their date under the category's service level or the coordinator's date); {} completed in {year}.",
            r.open,
            r.overdue.len(),
            r.done.len()
        ),
    }));
    let label = |f: &trygg_store::records::Stored<trygg_domain::fix::Fix>| {
        let (sv, en) = f.data.category_label();
        let place = f
            .data
            .place
            .as_deref()
            .map(|p| format!(", {p}"))
            .unwrap_or_default();
        format!("{} {}{place}", f.meta.id, lang.t(sv, en))
    };
    if !r.overdue.is_empty() {
        out.push(Block::Table(Table {
            caption: lang.t("Försenade åtgärdsärenden", "Overdue fixes").into(),
            columns: vec![
                Column::text(lang.t("Ärende", "Fix")),
                Column::text(lang.t("Huvudansvarig", "Lead")),
                Column::text(lang.t("Skulle vara klart", "Due")),
            ],
            rows: r
                .overdue
                .iter()
                .map(|f| {
                    vec![
                        label(f),
                        f.data.lead().map_or_else(
                            || lang.t("ingen ännu", "none yet").to_string(),
                            |o| o.responsible.name().to_string(),
                        ),
                        f.data.due.map(|d| d.to_string()).unwrap_or_default(),
                    ]
                })
                .collect(),
            total: None,
        }));
    }
    if !r.done.is_empty() {
        let metres = r.done[0].1.metres;
        out.push(Block::Table(Table {
            caption: match lang {
                Lang::Sv => format!(
                    "Åtgärdade ärenden: händelser i samma kategorigrupp inom {metres} m, lika lång tid före och efter (högst {} dagar)",
                    crate::fixes::MEASURE_DAYS
                ),
                Lang::En => format!(
                    "Completed fixes: incidents in the same category group within {metres} m, as long before as after (at most {} days)",
                    crate::fixes::MEASURE_DAYS
                ),
            },
            columns: vec![
                Column::text(lang.t("Ärende", "Fix")),
                Column::number(lang.t("Dagar", "Days")),
                Column::number(lang.t("Före", "Before")),
                Column::number(lang.t("Efter", "After")),
            ],
            rows: r
                .done
                .iter()
                .map(|(f, n)| {
                    vec![
                        label(f),
                        n.days.to_string(),
                        n.before.to_string(),
                        n.after.to_string(),
                    ]
                })
                .collect(),
            total: None,
        }));
    }
    out
}

/// Incidents per year of the agreement's period, for the years with data.
fn yearly_totals(state: &App, agreement: &Agreement, scope: Scope) -> Vec<(i16, u32)> {
    let years = data_years(state, scope);
    let stamp = |y: i16| {
        Date::new(y, 1, 1)
            .ok()
            .and_then(|d| d.to_zoned(state.tz.clone()).ok())
            .map(|z| z.timestamp())
    };
    agreement
        .years()
        .filter(|y| years.contains(y))
        .map(|y| {
            let f = IncidentFilter {
                from: stamp(y),
                to: stamp(y + 1),
                scope,
                ..Default::default()
            };
            let n = state.ingest.live().with(&f, |s, f| s.select_ids(f).len());
            (y, u32::try_from(n).unwrap_or(u32::MAX))
        })
        .collect()
}

/// The final follow-up of the current agreement from the stored records, in `lang`.
pub async fn final_follow_up_from_records(
    state: &App,
    scope: Scope,
    lang: Lang,
) -> Result<Document> {
    let store = state.store.as_ref();
    let Some(agreement) = partnership::agreement(store).await? else {
        return Err(ReportBuildError::Input(
            "no agreement (samverkansöverenskommelse) is stored; add it under /samverkan or run `trygg demo`".into(),
        ));
    };
    let agreement = agreement.data;
    let plans: Vec<CommitmentPlan> = partnership::plans(store, &agreement)
        .await?
        .into_iter()
        .map(|p| p.data)
        .collect();
    let (plans, linked) = partnership::linked(store, plans).await?;
    let results = intervention_results(state, scope, &linked).await?;
    let totals = yearly_totals(state, &agreement, scope);
    final_follow_up(
        &agreement,
        &plans,
        &results,
        &totals,
        &generated_now(state),
        lang,
    )
}

/// The section "Åtgärder och orsaker" of the åtgärdsplan: every linked intervention with the
/// problem and the cause it answers (from the shared cause analyses) and what it works on, then
/// the consistency check (`trygg_domain::cause::check_measure`): measures with no intervention,
/// so no problem or cause; interventions that name no cause or one the analysis rejected, that
/// work elsewhere than the concluded cause, or that have no follow-up plan.
async fn measures_and_causes(
    lang: Lang,
    store: &dyn trygg_store::Store,
    plan: &trygg_domain::partnership::CommitmentPlan,
    linked: &[Stored<Intervention>],
) -> Result<Vec<Block>> {
    use trygg_domain::cause::{check_measure, measure_factors};
    use trygg_domain::cycle::{CauseAnalysis, Problem};
    let analyses = partnership::shared::<CauseAnalysis>(store).await?;
    let problems = partnership::shared::<Problem>(store).await?;
    let problem_title = |id: trygg_domain::cycle::ProblemId| {
        problems
            .iter()
            .find(|p| p.meta.id == id.raw)
            .map_or_else(|| format!("problem {id}"), |p| p.data.title.clone())
    };
    let factors = |f: &std::collections::BTreeSet<trygg_domain::cause::CauseFactor>| {
        if f.is_empty() {
            lang.t("inget angivet", "none given").to_string()
        } else {
            f.iter()
                .map(|c| lang.t(c.label_sv(), c.label_en()).to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    for c in &plan.commitments {
        let mine: Vec<&Stored<Intervention>> = linked
            .iter()
            .filter(|i| c.interventions.contains(&i.meta.id.to_string()))
            .collect();
        if mine.is_empty() {
            findings.push(match lang {
                Lang::Sv => format!(
                    "{}: ingen insats är kopplad, så åtgärden knyts varken till ett problem eller till en orsak.",
                    c.title
                ),
                Lang::En => format!(
                    "{}: no intervention is linked, so the measure is tied neither to a problem nor to a cause.",
                    c.title
                ),
            });
        }
        for i in mine {
            let d = &i.data;
            let of_problems: Vec<(trygg_domain::cycle::ProblemId, &CauseAnalysis)> = analyses
                .iter()
                .filter(|a| d.problem_ids.contains(&a.data.problem_id))
                .map(|a| (a.data.problem_id, &a.data))
                .collect();
            let cause = |p: trygg_domain::cycle::ProblemId, key: &str| {
                of_problems
                    .iter()
                    .find(|(id, _)| *id == p)
                    .and_then(|(_, a)| a.hypotheses.iter().find(|h| h.key == key))
                    .map_or_else(
                        || match lang {
                            Lang::Sv => format!("{key} (saknas i orsaksanalysen)"),
                            Lang::En => format!("{key} (missing from the cause analysis)"),
                        },
                        |h| {
                            format!(
                                "{key}: {}{} ({})",
                                h.text,
                                h.factor
                                    .map(|f| format!(
                                        " – {}",
                                        lang.t(f.label_sv(), f.label_en()).to_lowercase()
                                    ))
                                    .unwrap_or_default(),
                                lang.t(h.status.label_sv(), h.status.label_en())
                                    .to_lowercase()
                            )
                        },
                    )
            };
            rows.push(vec![
                c.title.clone(),
                d.title.clone(),
                d.problem_ids
                    .iter()
                    .map(|p| problem_title(*p))
                    .collect::<Vec<_>>()
                    .join("; "),
                if d.hypotheses.is_empty() {
                    lang.t("ingen angiven", "none given").into()
                } else {
                    d.hypotheses
                        .iter()
                        .map(|h| cause(h.problem_id, &h.key))
                        .collect::<Vec<_>>()
                        .join("; ")
                },
                factors(&measure_factors(d)),
            ]);
            for w in check_measure(d, &of_problems) {
                findings.push(match lang {
                    Lang::Sv => format!("{} (insats {}): {}", c.title, d.title, w.message_sv()),
                    Lang::En => {
                        format!("{} (intervention {}): {}", c.title, d.title, w.message_en())
                    }
                });
            }
        }
    }
    let mut b = vec![Block::heading(
        1,
        lang.t("Åtgärder och orsaker", "Measures and causes"),
    )];
    b.push(Block::text(lang.t(
        "Varje åtgärd ska följa av ett identifierat problem och svara mot en orsak som orsaksanalysen har kommit fram till (Brå). Tabellen visar vilket problem och vilken orsak varje insats svarar mot och vad insatsen verkar på i problemtriangeln.",
        "Every measure is to follow from an identified problem and answer a cause that the cause analysis has arrived at (Brå). The table shows which problem and which cause each intervention answers, and what the intervention works on in the problem triangle.",
    )));
    if !rows.is_empty() {
        b.push(Block::Table(Table {
            caption: lang
                .t(
                    "Åtgärder med problem och orsak",
                    "Measures with problem and cause",
                )
                .into(),
            columns: vec![
                Column::text(lang.t("Åtgärd", "Measure")),
                Column::text(lang.t("Insats", "Intervention")),
                Column::text("Problem"),
                Column::text(lang.t("Orsak", "Cause")),
                Column::text(lang.t("Verkar på", "Works on")),
            ],
            rows,
            total: None,
        }));
    }
    b.push(Block::heading(
        2,
        lang.t("Att rätta före beslut", "To put right before the decision"),
    ));
    b.push(if findings.is_empty() {
        Block::text(lang.t(
            "Alla åtgärder har en insats som svarar mot en styrkt eller angiven orsak, verkar där orsaken ligger och har ett kontrollområde för uppföljningen.",
            "Every measure has an intervention that answers a supported or stated cause, works where the cause lies and has a control area for the follow-up.",
        ))
    } else {
        Block::bullets(findings)
    });
    Ok(b)
}

/// The law's åtgärdsplan resting on the lägesbild of `year`: the year's incidents in brief,
/// then the measures — the commitments of the plan for `year + 1` when one is stored (the
/// plan the lägesbild leads to), else of `year` — with responsible party, planned resources
/// per party and linked interventions, and how they are followed up. Our deadline rule: the
/// åtgärdsplan is decided by 31 December of the lägesbild's year. Written in `lang`.
pub async fn atgardsplan(state: &App, year: i16, scope: Scope, lang: Lang) -> Result<Document> {
    let store = state.store.as_ref();
    let plan_year = match agreement_and_plan(state, year + 1).await {
        Ok(_) => year + 1,
        Err(_) => year,
    };
    let (agreement, _, plan) = agreement_and_plan(state, plan_year).await?;
    let (plans, linked) = partnership::linked(store, vec![plan]).await?;
    let plan = &plans[0];
    let today = state.today();
    let deadline = Date::new(year, 12, 31).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let mut b = vec![Block::heading(1, lang.t("Sammanfattning", "Summary"))];
    b.push(Block::text(match lang {
        Lang::Sv => format!(
            "Åtgärdsplanen bygger på lägesbilden över brottsligheten {year} och anger de åtgärder {} och {} ska vidta, vem som ansvarar och vilka resurser varje part avsätter. Åtgärderna är åtagandena i åtagandeplanen {} ({}). Enligt trygg:s planeringsregel ska åtgärdsplanen vara beslutad senast {} – samma år som lägesbilden – så att arbetet vilar på den aktuella lägesbilden (lag (2023:196) om kommuners ansvar för brottsförebyggande arbete).",
            agreement.parties.first().map_or("kommunen", |p| p.name.as_str()),
            agreement.parties.get(1).map_or("polisen", |p| p.name.as_str()),
            plan.year,
            match plan.status {
                PlanStatus::Decided { date } => format!("beslutad {}", long_date(lang, date)),
                PlanStatus::Draft => "utkast, ännu inte beslutad".into(),
            },
            long_date(lang, deadline),
        ),
        Lang::En => format!(
            "The action plan (åtgärdsplan) rests on the situation picture (lägesbild) of crime in {year} and sets out the measures {} and {} are to take, who is responsible and what resources each party sets aside. The measures are the commitments of the commitment plan {} ({}). Under trygg's planning rule the action plan is to be decided by {} – the same year as the lägesbild – so that the work rests on the current lägesbild (Act (2023:196) on municipalities' responsibility for crime prevention).",
            agreement.parties.first().map_or("the municipality", |p| p.name.as_str()),
            agreement.parties.get(1).map_or("the police", |p| p.name.as_str()),
            plan.year,
            match plan.status {
                PlanStatus::Decided { date } => format!("decided on {}", long_date(lang, date)),
                PlanStatus::Draft => "a draft, not yet decided".into(),
            },
            long_date(lang, deadline),
        ),
    }));
    let years = data_years(state, scope);
    if years.contains(&year) {
        let last = deadline.min(
            today
                .checked_sub(Span::new().days(1))
                .map_err(|e| ReportBuildError::Input(e.to_string()))?,
        );
        if last.year() == year {
            b.push(Block::heading(
                1,
                match lang {
                    Lang::Sv => format!("Lägesbilden {year}"),
                    Lang::En => format!("The situation picture (lägesbild) {year}"),
                },
            ));
            b.extend(year_in_brief(state, year, last, scope, lang).await?);
        }
    } else {
        b.push(Block::text(match lang {
            Lang::Sv => format!(
                "För {year} finns inga delade händelser i trygg ({}); lägesbilden saknas här.",
                years_text(&years).replacen("it has data for", "data finns för", 1)
            ),
            Lang::En => format!(
                "For {year} there are no shared incidents in trygg ({}); the lägesbild is missing here.",
                years_text(&years)
            ),
        }));
    }
    b.push(Block::heading(1, lang.t("Prioriteringar", "Priorities")));
    b.push(Block::bullets(
        plan.priority_areas
            .iter()
            .map(|p| {
                if p.description.is_empty() {
                    p.title.clone()
                } else {
                    format!("{}: {}", p.title, p.description)
                }
            })
            .collect::<Vec<String>>(),
    ));
    b.push(Block::heading(1, lang.t("Åtgärder", "Measures")));
    b.push(Block::Table(Table {
        caption: match lang {
            Lang::Sv => format!(
                "Åtgärder {} med ansvarig part och planerade resurser",
                plan.year
            ),
            Lang::En => format!(
                "Measures {} with responsible party and planned resources",
                plan.year
            ),
        },
        columns: vec![
            Column::text(lang.t("Åtgärd", "Measure")),
            Column::text(lang.t("Ansvarig", "Responsible")),
            Column::number(lang.t("Planerade timmar", "Planned hours")),
            Column::number(lang.t("Planerat, kr", "Planned, SEK")),
            Column::text("Status"),
        ],
        rows: plan
            .commitments
            .iter()
            .map(|c| {
                vec![
                    c.title.clone(),
                    c.responsible.clone(),
                    fmt_num(lang, c.resources.iter().map(|r| r.planned_hours).sum(), 0),
                    fmt_num(lang, c.resources.iter().map(|r| r.planned_sek).sum(), 0),
                    status_label(lang, c.status).into(),
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
        b.push(Block::heading(2, area.title.clone()));
        for c in cs {
            let mut items = Vec::new();
            if !c.description.is_empty() {
                items.push(c.description.clone());
            }
            items.push(format!(
                "{}: {}.",
                lang.t("Ansvarig", "Responsible"),
                responsible(lang, &c.responsible)
            ));
            if !c.collaboration_forms.is_empty() {
                items.push(format!(
                    "{}: {}.",
                    lang.t("Samverkansform", "Form of collaboration"),
                    c.collaboration_forms.join(", ")
                ));
            }
            for r in &c.resources {
                items.push(match lang {
                    Lang::Sv => format!(
                        "{}: {} och {} planerade.",
                        r.party,
                        hours(lang, r.planned_hours),
                        sek(lang, r.planned_sek)
                    ),
                    Lang::En => format!(
                        "{}: {} and {} planned.",
                        r.party,
                        hours(lang, r.planned_hours),
                        sek(lang, r.planned_sek)
                    ),
                });
            }
            for id in &c.interventions {
                if let Some(i) = linked.iter().find(|i| &i.meta.id.to_string() == id) {
                    items.push(match lang {
                        Lang::Sv => format!(
                            "Insats: {} (från {}).",
                            i.data.title,
                            long_date(lang, i.data.start)
                        ),
                        Lang::En => format!(
                            "Intervention: {} (from {}).",
                            i.data.title,
                            long_date(lang, i.data.start)
                        ),
                    });
                }
            }
            b.push(Block::heading(3, c.title.clone()));
            b.push(Block::bullets(items));
        }
    }
    b.extend(measures_and_causes(lang, store, plan, &linked).await?);
    b.push(Block::heading(
        1,
        lang.t("Resurser per part", "Resources per party"),
    ));
    b.extend(resource_blocks(
        lang,
        &plan.resources_per_party(),
        &match lang {
            Lang::Sv => format!("åtgärdsplanen {}", plan.year),
            Lang::En => format!("the action plan {}", plan.year),
        },
    )?);
    b.push(Block::heading(1, lang.t("Uppföljning", "Follow-up")));
    let mut follow: Vec<String> = vec![
        lang.t(
            "Genomförandet sammanställs för styrgruppen i oktober och för kommunstyrelsens arbetsutskott (KSAU) före årsskiftet (den årliga sammanställningen i trygg).",
            "The implementation is compiled for the steering group (styrgrupp) in October and for the municipal executive board's working committee (KSAU) before the end of the year (the annual compilation in trygg).",
        )
        .to_string(),
        lang.t(
            "Insatser med insats- och kontrollområde följs upp före och efter i trygg, med samma kategorier som problembilden.",
            "Interventions with a treated and a control area are followed up before and after in trygg, with the same categories as the problem picture.",
        )
        .to_string(),
    ];
    let next_lagesbild = deadlines(&agreement)
        .into_iter()
        .find(|e| e.kind == CalendarKind::Lagesbild && e.deadline > deadline);
    follow.push(match (lang, next_lagesbild) {
        (Lang::Sv, Some(e)) => format!("Nästa lägesbild: senast {}.", long_date(lang, e.deadline)),
        (Lang::Sv, None) => format!(
            "Lagen kräver en ny lägesbild minst vartannat år, alltså senast {}.",
            year + 2
        ),
        (Lang::En, Some(e)) => format!("Next lägesbild: by {}.", long_date(lang, e.deadline)),
        (Lang::En, None) => format!(
            "The law requires a new lägesbild at least every other year, that is by {}.",
            year + 2
        ),
    });
    b.push(Block::bullets(follow));
    let doc = Document {
        title: match lang {
            Lang::Sv => format!("Åtgärdsplan utifrån lägesbilden {year}"),
            Lang::En => format!("Action plan (åtgärdsplan) based on the lägesbild {year}"),
        },
        subtitle: Some(
            lang.t(
                "Enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete",
                "Under the Act (2023:196) on municipalities' responsibility for crime prevention",
            )
            .into(),
        ),
        meta: Meta {
            organisation: parties_joined(lang, &agreement),
            period: format!("{}-01-01 – {}-12-31", plan.year, plan.year),
            generated_at: generated_now(state),
            lang,
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}
