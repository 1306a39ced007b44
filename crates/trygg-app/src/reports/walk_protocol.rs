//! The protocol of a safety walk (*trygghetsvandring*): the walk (day, first meeting, invited
//! organisations, participants by group), every point with its category, place, what the group
//! saw, its owner and its fix's status and answer, the closing meeting's answers, and — for a
//! walk that checks an earlier one — the earlier walk's points with what this walk found within
//! 25 m. The protocol goes to whoever manages each place; `/rapporter` offers it as HTML, DOCX
//! and Markdown, and the walk's page links it.

use trygg_domain::Lang;
use trygg_domain::fix::Fix;
use trygg_domain::walk::{FindingKind, SafetyWalk, WalkFinding, near};
use trygg_store::records::{self, Stored};

use super::*;

fn category_sv(code: Option<&str>) -> String {
    code.map_or_else(String::new, |c| {
        Taxonomy
            .get(c)
            .map_or_else(|| c.to_string(), |x| x.label_sv.to_string())
    })
}

async fn findings(state: &App, walk: i64) -> Result<Vec<(WalkFinding, Option<Fix>)>> {
    let store = state.store.as_ref();
    let mut found: Vec<Stored<WalkFinding>> = records::list::<WalkFinding>(store)
        .await?
        .into_iter()
        .filter(|f| f.data.walk == walk)
        .collect();
    found.sort_by_key(|f| f.data.number);
    let mut out = Vec::new();
    for f in found {
        let fix = match f.data.fix {
            Some(id) => records::get::<Fix>(store, id).await?.map(|x| x.data),
            None => None,
        };
        out.push((f.data, fix));
    }
    Ok(out)
}

async fn walk_in_scope(state: &App, id: i64, scope: Scope) -> Result<Stored<SafetyWalk>> {
    records::get::<SafetyWalk>(state.store.as_ref(), id)
        .await?
        .filter(|w| match scope {
            Scope::All => true,
            Scope::Shared => w.meta.visibility == trygg_domain::Visibility::Shared,
            Scope::Organisation(o) => {
                w.meta.visibility == trygg_domain::Visibility::Shared || w.meta.organisation_id == o
            }
        })
        .ok_or_else(|| {
            ReportBuildError::Input(format!(
                "safety walk {id} does not exist; choose one under /trygghetsvandringar"
            ))
        })
}

/// The protocol of safety walk `id` as read under `scope`.
pub async fn walk_protocol(state: &App, id: i64, scope: Scope) -> Result<Document> {
    let walk = walk_in_scope(state, id, scope).await?;
    let w = &walk.data;
    let points = findings(state, id).await?;
    let areas = state.store.list_areas().await?;
    let area = w
        .area
        .and_then(|a| areas.iter().find(|x| x.id == a))
        .map(|a| a.name.clone());
    let organisation = crate::reference::organisation_name(state, walk.meta.organisation_id).await;
    let sv = Lang::Sv;
    let unsafe_n = points
        .iter()
        .filter(|(f, _)| f.kind == FindingKind::Unsafe)
        .count() as i64;
    let routed = points.iter().filter(|(_, x)| x.is_some()).count() as i64;
    let done = points
        .iter()
        .filter(|(_, x)| x.as_ref().is_some_and(|x| x.status.is_closed()))
        .count() as i64;
    let mut blocks = vec![Block::KeyFigures(vec![
        KeyFigure::new(
            "Deltagare",
            fmt_int_sv(i64::from(w.participant_count())),
            None,
        ),
        KeyFigure::new("Otrygga platser", fmt_int_sv(unsafe_n), None),
        KeyFigure::new(
            "Trygga platser",
            fmt_int_sv(points.len() as i64 - unsafe_n),
            None,
        ),
        KeyFigure::new("Åtgärdsärenden", fmt_int_sv(routed), None),
        KeyFigure::new("Avslutade", fmt_int_sv(done), None),
    ])];
    blocks.push(Block::heading(1, "Vandringen"));
    let mut facts = vec![format!("Vandringen: {}", w.date)];
    if let Some(d) = w.first_meeting {
        facts.push(format!("Första mötet, som formade rutten: {d}"));
    }
    if let Some(a) = &area {
        facts.push(format!("Område: {a}"));
    }
    if !w.invited.is_empty() {
        facts.push(format!("Inbjudna: {}", w.invited.join(", ")));
    }
    let groups: Vec<String> = w
        .participants
        .iter()
        .map(|p| format!("{} {}", p.group.label().0.to_lowercase(), p.count))
        .collect();
    facts.push(format!(
        "Deltagare: {}{}",
        sv.count(
            i64::from(w.participant_count()),
            ("person", "personer"),
            ("person", "people")
        ),
        if groups.is_empty() {
            String::new()
        } else {
            format!(" ({})", groups.join(", "))
        }
    ));
    blocks.push(Block::bullets(facts));
    blocks.push(Block::heading(1, "Punkter"));
    if points.is_empty() {
        blocks.push(Block::text("Inga punkter är registrerade ännu."));
    } else {
        blocks.push(Block::Table(Table {
            caption: format!(
                "Punkterna från vandringen {} med ansvarig och status",
                w.date
            ),
            columns: vec![
                Column::number("Nr"),
                Column::text("Typ"),
                Column::text("Kategori"),
                Column::text("Plats"),
                Column::text("Iakttagelse"),
                Column::text("Ansvarig"),
                Column::text("Status"),
                Column::text("Svar"),
            ],
            rows: points
                .iter()
                .map(|(f, fix)| {
                    vec![
                        f.number.to_string(),
                        f.kind.label().0.to_string(),
                        category_sv(f.category.as_deref()),
                        f.place.clone().unwrap_or_default(),
                        f.description.clone(),
                        fix.as_ref()
                            .and_then(|x| x.lead())
                            .map(|o| o.responsible.name().to_string())
                            .unwrap_or_default(),
                        fix.as_ref().map_or_else(
                            || "Ej skickad".to_string(),
                            |x| x.status.label().0.to_string(),
                        ),
                        fix.as_ref()
                            .and_then(crate::walks::latest_answer)
                            .map(|(_, t)| t.to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
            total: None,
        }));
    }
    blocks.push(Block::heading(1, "Återkopplingsmötet"));
    if w.answers.is_empty() {
        blocks.push(Block::text(
            "Återkopplingsmötet har inte hållits ännu: där berättar de ansvariga vad de kommer att göra.",
        ));
    } else {
        if let Some(d) = w.closing_meeting {
            blocks.push(Block::text(format!("Mötet hölls {d}.")));
        }
        blocks.push(Block::Bullets(
            w.answers
                .iter()
                .map(|a| {
                    vec![
                        Inline::Strong(format!("{}:", a.owner)),
                        Inline::Text(format!(" {}", a.text)),
                    ]
                })
                .collect(),
        ));
    }
    if let Some(e) = w.earlier
        && let Ok(before) = walk_in_scope(state, e, scope).await
    {
        let earlier = findings(state, e).await?;
        let later: Vec<WalkFinding> = points.iter().map(|(f, _)| f.clone()).collect();
        blocks.push(Block::heading(
            1,
            format!("Jämförelse med vandringen {}", before.data.date),
        ));
        blocks.push(Block::text(format!(
            "Varje punkt från den förra vandringen på samma rutt, med sitt åtgärdsärendes status och det som den här vandringen fann inom {} m.",
            trygg_domain::walk::COMPARE_WITHIN_METRES
        )));
        blocks.push(Block::Table(Table {
            caption: format!("Punkterna från {} och i dag", before.data.date),
            columns: vec![
                Column::number("Nr då"),
                Column::text("Kategori"),
                Column::text("Iakttagelse då"),
                Column::text("Status"),
                Column::text("Nu inom 25 m"),
            ],
            rows: earlier
                .iter()
                .map(|(f, fix)| {
                    let hits = near(f, &later);
                    vec![
                        f.number.to_string(),
                        category_sv(f.category.as_deref()),
                        f.description.clone(),
                        fix.as_ref().map_or_else(
                            || "Ej skickad".to_string(),
                            |x| x.status.label().0.to_string(),
                        ),
                        if hits.is_empty() {
                            "Inget".to_string()
                        } else {
                            hits.iter()
                                .map(|n| format!("punkt {n}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        },
                    ]
                })
                .collect(),
            total: None,
        }));
    }
    Ok(Document {
        title: format!("Protokoll: {}", w.title),
        subtitle: area.map(|a| format!("Trygghetsvandring i {a}")),
        meta: Meta {
            organisation,
            period: w.date.to_string(),
            generated_at: generated_now(state),
            lang: trygg_report::Lang::Sv,
        },
        blocks,
    })
}
