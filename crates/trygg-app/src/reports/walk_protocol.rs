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

fn category_label(lang: Lang, code: Option<&str>) -> String {
    code.map_or_else(String::new, |c| {
        Taxonomy.get(c).map_or_else(
            || c.to_string(),
            |x| lang.t(x.label_sv, x.label_en).to_string(),
        )
    })
}

/// The first of a (Swedish, English) label pair in Swedish, the second in English.
fn pick(lang: Lang, (sv, en): (&'static str, &'static str)) -> &'static str {
    lang.t(sv, en)
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

/// The protocol of safety walk `id` as read under `scope`, in `lang`.
pub async fn walk_protocol(state: &App, id: i64, scope: Scope, lang: Lang) -> Result<Document> {
    let walk = walk_in_scope(state, id, scope).await?;
    let w = &walk.data;
    let points = findings(state, id).await?;
    let areas = state.store.list_areas().await?;
    let area = w
        .area
        .and_then(|a| areas.iter().find(|x| x.id == a))
        .map(|a| a.name.clone());
    let organisation = crate::reference::organisation_name(state, walk.meta.organisation_id).await;
    let l = lang;
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
            l.t("Deltagare", "Participants"),
            l.int(i64::from(w.participant_count())),
            None,
        ),
        KeyFigure::new(
            l.t("Otrygga platser", "Unsafe places"),
            l.int(unsafe_n),
            None,
        ),
        KeyFigure::new(
            l.t("Trygga platser", "Safe places"),
            l.int(points.len() as i64 - unsafe_n),
            None,
        ),
        KeyFigure::new(l.t("Åtgärdsärenden", "Fixes"), l.int(routed), None),
        KeyFigure::new(l.t("Avslutade", "Closed"), l.int(done), None),
    ])];
    blocks.push(Block::heading(1, l.t("Vandringen", "The walk")));
    let mut facts = vec![format!("{}: {}", l.t("Vandringen", "The walk"), w.date)];
    if let Some(d) = w.first_meeting {
        facts.push(format!(
            "{}: {d}",
            l.t(
                "Första mötet, som formade rutten",
                "The first meeting, which shaped the route"
            )
        ));
    }
    if let Some(a) = &area {
        facts.push(format!("{}: {a}", l.t("Område", "Area")));
    }
    if !w.invited.is_empty() {
        facts.push(format!(
            "{}: {}",
            l.t("Inbjudna", "Invited"),
            w.invited.join(", ")
        ));
    }
    let groups: Vec<String> = w
        .participants
        .iter()
        .map(|p| format!("{} {}", pick(l, p.group.label()).to_lowercase(), p.count))
        .collect();
    facts.push(format!(
        "{}: {}{}",
        l.t("Deltagare", "Participants"),
        l.count(
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
    blocks.push(Block::heading(1, l.t("Punkter", "Points")));
    if points.is_empty() {
        blocks.push(Block::text(l.t(
            "Inga punkter är registrerade ännu.",
            "No points are recorded yet.",
        )));
    } else {
        blocks.push(Block::Table(Table {
            caption: match l {
                Lang::Sv => format!(
                    "Punkterna från vandringen {} med ansvarig och status",
                    w.date
                ),
                Lang::En => format!(
                    "The points from the walk of {} with owner and status",
                    w.date
                ),
            },
            columns: vec![
                Column::number(l.t("Nr", "No.")),
                Column::text(l.t("Typ", "Kind")),
                Column::text(l.t("Kategori", "Category")),
                Column::text(l.t("Plats", "Place")),
                Column::text(l.t("Iakttagelse", "Observation")),
                Column::text(l.t("Ansvarig", "Owner")),
                Column::text("Status"),
                Column::text(l.t("Svar", "Answer")),
            ],
            rows: points
                .iter()
                .map(|(f, fix)| {
                    vec![
                        f.number.to_string(),
                        pick(l, f.kind.label()).to_string(),
                        category_label(l, f.category.as_deref()),
                        f.place.clone().unwrap_or_default(),
                        f.description.clone(),
                        fix.as_ref()
                            .and_then(|x| x.lead())
                            .map(|o| o.responsible.name().to_string())
                            .unwrap_or_default(),
                        fix.as_ref().map_or_else(
                            || l.t("Ej skickad", "Not sent").to_string(),
                            |x| pick(l, x.status.label()).to_string(),
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
    blocks.push(Block::heading(
        1,
        l.t("Återkopplingsmötet", "The feedback meeting"),
    ));
    if w.answers.is_empty() {
        blocks.push(Block::text(l.t(
            "Återkopplingsmötet har inte hållits ännu: där berättar de ansvariga vad de kommer att göra.",
            "The feedback meeting has not been held yet: there the owners tell what they will do.",
        )));
    } else {
        if let Some(d) = w.closing_meeting {
            blocks.push(Block::text(match l {
                Lang::Sv => format!("Mötet hölls {d}."),
                Lang::En => format!("The meeting was held on {d}."),
            }));
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
            match l {
                Lang::Sv => format!("Jämförelse med vandringen {}", before.data.date),
                Lang::En => format!("Comparison with the walk of {}", before.data.date),
            },
        ));
        let within = trygg_domain::walk::COMPARE_WITHIN_METRES;
        blocks.push(Block::text(match l {
            Lang::Sv => format!(
                "Varje punkt från den förra vandringen på samma rutt, med sitt åtgärdsärendes status och det som den här vandringen fann inom {within} m."
            ),
            Lang::En => format!(
                "Every point from the previous walk on the same route, with its fix's status and what this walk found within {within} m."
            ),
        }));
        blocks.push(Block::Table(Table {
            caption: match l {
                Lang::Sv => format!("Punkterna från {} och i dag", before.data.date),
                Lang::En => format!("The points of {} and today", before.data.date),
            },
            columns: vec![
                Column::number(l.t("Nr då", "No. then")),
                Column::text(l.t("Kategori", "Category")),
                Column::text(l.t("Iakttagelse då", "Observation then")),
                Column::text("Status"),
                Column::text(l.t("Nu inom 25 m", "Now within 25 m")),
            ],
            rows: earlier
                .iter()
                .map(|(f, fix)| {
                    let hits = near(f, &later);
                    vec![
                        f.number.to_string(),
                        category_label(l, f.category.as_deref()),
                        f.description.clone(),
                        fix.as_ref().map_or_else(
                            || l.t("Ej skickad", "Not sent").to_string(),
                            |x| pick(l, x.status.label()).to_string(),
                        ),
                        if hits.is_empty() {
                            l.t("Inget", "Nothing").to_string()
                        } else {
                            hits.iter()
                                .map(|n| format!("{} {n}", l.t("punkt", "point")))
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
        title: format!("{}: {}", l.t("Protokoll", "Protocol"), w.title),
        subtitle: area.map(|a| match l {
            Lang::Sv => format!("Trygghetsvandring i {a}"),
            Lang::En => format!("Safety walk (trygghetsvandring) in {a}"),
        }),
        meta: Meta {
            organisation,
            period: w.date.to_string(),
            generated_at: generated_now(state),
            lang,
        },
        blocks,
    })
}
