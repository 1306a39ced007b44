//! The generated reports on a small seeded store: every number in the document equals a count
//! computed here from the seed, an empty week says so, internal incidents stay out.

use std::sync::Arc;

use jiff::civil::{Date, date};
use trygg_app::reports;
use trygg_domain::{
    Actor, AreaKind, Channel, NewArea, NewIncident, NewOrganisation, OrgKind, OrganisationId,
    Position, Precision, Scope, Visibility,
};
use trygg_report::{Block, Document, Inline};
use trygg_store::{BatchAudit, Store};
use trygg_store_sqlite::SqliteStore;
use trygg_web::AppState;

/// Two square districts side by side in Uppsala (lon 17.60–17.64, lat 59.84–59.86).
fn square(lon0: f64) -> serde_json::Value {
    serde_json::json!({"type": "Polygon", "coordinates": [[
        [lon0, 59.84], [lon0 + 0.02, 59.84], [lon0 + 0.02, 59.86], [lon0, 59.86], [lon0, 59.84]
    ]]})
}

/// (day, category, west district?, visibility)
type Seed = (Date, &'static str, bool, Visibility);

fn seed() -> Vec<Seed> {
    let mut s = Vec::new();
    // Week 10 of 2024 (4–10 March): 5 klotter in Väster, 3 inbrott in Öster, 1 internal.
    for d in 0..5 {
        s.push((
            date(2024, 3, 4 + d),
            "skadegorelse.klotter",
            true,
            Visibility::Shared,
        ));
    }
    for d in 0..3 {
        s.push((
            date(2024, 3, 8 + d),
            "ordning.inbrott",
            false,
            Visibility::Shared,
        ));
    }
    s.push((
        date(2024, 3, 5),
        "ordning.inbrott",
        false,
        Visibility::Internal,
    ));
    // Week 9 of 2024: 4 in Väster.
    for d in 0..4 {
        s.push((
            date(2024, 2, 26 + d),
            "samling.trapphus",
            true,
            Visibility::Shared,
        ));
    }
    // Week 10 of 2023 (6–12 March 2023): 2 in Öster.
    for d in 0..2 {
        s.push((
            date(2023, 3, 6 + d),
            "ordning.inbrott",
            false,
            Visibility::Shared,
        ));
    }
    s
}

async fn state() -> AppState {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let org = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: "Testkommun".into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let ingest = trygg_app::ingest::Ingest::load(store.clone(), tz.clone())
        .await
        .unwrap();
    ingest
        .import_areas(
            &actor,
            vec![
                NewArea {
                    name: "Väster".into(),
                    code: Some("V".into()),
                    kind: AreaKind::District,
                    geometry: square(17.60),
                },
                NewArea {
                    name: "Öster".into(),
                    code: Some("O".into()),
                    kind: AreaKind::District,
                    geometry: square(17.62),
                },
            ],
        )
        .await
        .unwrap();
    let incidents = seed()
        .into_iter()
        .enumerate()
        .map(|(i, (day, cat, west, vis))| incident(org.id, &tz, i, day, cat, west, vis))
        .collect();
    ingest
        .write(&actor, incidents, BatchAudit::Each)
        .await
        .unwrap();
    trygg_web::AppState::new(trygg_app::App::load(store, tz).await.unwrap())
}

fn incident(
    org: OrganisationId,
    tz: &jiff::tz::TimeZone,
    i: usize,
    day: Date,
    cat: &str,
    west: bool,
    visibility: Visibility,
) -> NewIncident {
    let lon = if west { 17.605 } else { 17.625 } + 0.0005 * (i % 5) as f64;
    NewIncident {
        occurred_from: day
            .at(21, 30, 0, 0)
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp(),
        occurred_to: None,
        reported_at: None,
        category: cat.into(),
        place_type: None,
        position: Some(Position::from_wgs84(59.85, lon, Precision::Exact).unwrap()),
        place: None,
        source_org: org,
        channel: Channel::Api,
        external_id: None,
        description: None,
        visibility,
        report_id: None,
        created_by: None,
    }
}

fn text(doc: &Document) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } => out.push_str(&format!("# {text}\n")),
            Block::Paragraph(p) => {
                out.push_str(&p.iter().map(Inline::text).collect::<String>());
                out.push('\n');
            }
            Block::Bullets(items) => {
                for i in items {
                    out.push_str(&format!(
                        "- {}\n",
                        i.iter().map(Inline::text).collect::<String>()
                    ));
                }
            }
            Block::KeyFigures(k) => {
                for k in k {
                    out.push_str(&format!("[{}: {}]\n", k.label, k.value));
                }
            }
            Block::Table(t) => {
                for r in t.rows.iter().chain(t.total.iter()) {
                    out.push_str(&format!("| {} |\n", r.join(" | ")));
                }
            }
            Block::Figure(f) => out.push_str(&format!("(figur: {})\n", f.caption)),
            Block::PageBreak => {}
        }
    }
    out.replace('\u{a0}', " ")
}

fn shared_in(from: Date, to: Date, west: Option<bool>) -> usize {
    seed()
        .iter()
        .filter(|(d, _, w, v)| {
            *d >= from && *d < to && *v == Visibility::Shared && west.is_none_or(|x| x == *w)
        })
        .count()
}

#[tokio::test]
async fn the_weekly_report_in_english_says_the_same_numbers_in_english() {
    let state = state().await;
    let week = reports::parse_iso_week("2024-W10").unwrap();
    let doc = reports::weekly(&state, week, Scope::Shared, trygg_domain::Lang::En)
        .await
        .unwrap();
    let t = text(&doc);
    let now = shared_in(date(2024, 3, 4), date(2024, 3, 11), None);
    let west = shared_in(date(2024, 3, 4), date(2024, 3, 11), Some(true));
    let east = shared_in(date(2024, 3, 4), date(2024, 3, 11), Some(false));
    let prev = shared_in(date(2024, 2, 26), date(2024, 3, 4), None);
    let ly = shared_in(date(2023, 3, 6), date(2023, 3, 13), None);
    assert_eq!(doc.title, "Situation report week 10 2024");
    assert_eq!(doc.meta.lang, trygg_domain::Lang::En);
    assert!(t.contains(&format!("[Incidents week 10: {now}]")), "{t}");
    assert!(
        t.contains(&format!(
            "In week 10 (4–10 March 2024) {now} incidents were reported. The number rose by 100% compared with week 9 ({prev}), and rose by 300% compared with the same week of 2023 ({ly})."
        )),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Väster | {west} | 0 | – | 62.5% |")),
        "a decimal point and no space before %: {t}"
    );
    assert!(
        t.contains(&format!("| Öster | {east} | {ly} | +50% | 37.5% |")),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Total | {now} | {prev} | {ly} |")),
        "{t}"
    );
    assert!(t.contains("Near repeats are not tested"), "{t}");
    assert!(
        t.contains("No organisation that usually reports has gone silent."),
        "{t}"
    );
    assert!(
        t.contains("| The police's events (polisen.se) | 0 | 0 | 0 | 0 | 0 | 0 |"),
        "{t}"
    );
    for swedish in [
        "händelse",
        "Händelse",
        "vecka",
        "Vecka",
        " och ",
        " mot ",
        "ökade",
        "minskade",
        "| Summa",
        "Förändring",
        "Område",
    ] {
        assert!(
            !t.contains(swedish),
            "{swedish:?} in the English report: {t}"
        );
    }
    // The figures are drawn and described in English too.
    for b in &doc.blocks {
        if let Block::Figure(f) = b {
            let alt = &f.image.alt;
            assert!(
                !alt.contains("Karta") && !alt.contains("händelser") && !alt.contains("Vecka"),
                "{alt}"
            );
        }
    }
    let page = trygg_report::html::html(&doc).unwrap();
    assert!(page.contains("<html lang=\"en\">") && page.contains("Generated"));
    assert!(page.contains("\"Page \" counter(page) \" of \""));
}

/// Words that give away Swedish left in an English report.
const SWEDISH: [&str; 12] = [
    "händelse",
    "Händelse",
    "vecka",
    "Vecka",
    " och ",
    " mot ",
    "ökade",
    "minskade",
    "| Summa",
    "Förändring",
    "Område",
    "jämfört",
];

#[tokio::test]
async fn the_tertial_analysis_in_english_says_the_same_numbers_in_english() {
    let state = state().await;
    let doc = reports::build(
        &state,
        reports::Request::Tertial(2024, 1),
        Scope::Shared,
        trygg_domain::Lang::En,
    )
    .await
    .unwrap();
    let t = text(&doc);
    let now = shared_in(date(2024, 1, 1), date(2024, 5, 1), None);
    let prev = shared_in(date(2023, 1, 1), date(2023, 5, 1), None);
    assert_eq!(doc.title, "Tertial analysis 1 2024");
    assert!(
        t.contains(&format!("[Incidents January–April 2024: {now}]")),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "In tertial 1 2024 (1 January – 30 April 2024) {now} incidents were reported. The number rose by 500% compared with the same period of 2023 ({prev})."
        )),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Total | {now} | {prev} | +500% |")),
        "{t}"
    );
    for swedish in SWEDISH {
        assert!(
            !t.contains(swedish),
            "{swedish:?} in the English report: {t}"
        );
    }
}

#[tokio::test]
async fn the_laws_lagesbild_in_english_keeps_the_laws_parts_and_numbers() {
    let state = state().await;
    let doc = reports::build(
        &state,
        reports::Request::Lagesbild(2024),
        Scope::Shared,
        trygg_domain::Lang::En,
    )
    .await
    .unwrap();
    let t = text(&doc);
    let y = |yr: i16| shared_in(date(yr, 1, 1), date(yr + 1, 1, 1), None);
    assert_eq!(doc.title, "Situation report 2024");
    assert!(t.contains(&format!("[Incidents 2024: {}]", y(2024))), "{t}");
    assert!(
        t.contains(&format!(
            "Incidents per year 2023–2024: 2023: {}, 2024: {}.",
            y(2023),
            y(2024)
        )),
        "{t}"
    );
    let headings: Vec<&str> = t.lines().filter(|l| l.starts_with("# ")).collect();
    for h in [
        "# 1. Mapping: the extent and consequences of crime",
        "# 2. Other relevant information",
        "# 3. Analysis of the mapping",
        "# 4. Sources and method",
        "# Decision",
    ] {
        assert!(headings.contains(&h), "{h} in {headings:?}");
    }
    assert!(t.contains("is not yet decided in trygg"), "{t}");
    for swedish in SWEDISH {
        assert!(
            !t.contains(swedish),
            "{swedish:?} in the English report: {t}"
        );
    }
}

#[tokio::test]
async fn weekly_numbers_equal_the_seed() {
    let state = state().await;
    let week = reports::parse_iso_week("2024-W10").unwrap();
    let doc = reports::weekly(&state, week, Scope::Shared, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    let t = text(&doc);
    let now = shared_in(date(2024, 3, 4), date(2024, 3, 11), None);
    let west = shared_in(date(2024, 3, 4), date(2024, 3, 11), Some(true));
    let east = shared_in(date(2024, 3, 4), date(2024, 3, 11), Some(false));
    let prev = shared_in(date(2024, 2, 26), date(2024, 3, 4), None);
    let ly = shared_in(date(2023, 3, 6), date(2023, 3, 13), None);
    assert_eq!((now, prev, ly), (8, 4, 2), "the seed");
    assert_eq!(doc.title, "Lägesbild vecka 10 2024");
    assert!(t.contains(&format!("[Händelser vecka 10: {now}]")), "{t}");
    assert!(t.contains(&format!("rapporterades {now} händelser")), "{t}");
    assert!(
        t.contains(&format!("ökade med 100 % jämfört med vecka 9 ({prev})")),
        "{t}"
    );
    assert!(
        t.contains(&format!(
            "ökade med 300 % jämfört med samma vecka 2023 ({ly})"
        )),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Väster | {west} | 0 | – | 62,5 % |")),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Öster | {east} | {ly} | +50 % | 37,5 % |")),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Summa | {now} | {prev} | {ly} |")),
        "{t}"
    );
    assert!(t.contains("(figur: Händelser per ISO-vecka"), "{t}");
    assert!(t.contains("(figur: Händelser vecka 10"), "{t}");
    assert!(t.contains("Nära upprepning prövas inte"), "{t}");
    // Coverage: weeks 5–10 per organisation and district, nobody silent.
    assert!(
        t.contains(&format!("| Väster | 0 | 0 | 0 | 0 | {prev} | {west} |")),
        "per district: {t}"
    );
    assert!(
        t.contains(&format!("| Öster | 0 | 0 | 0 | 0 | 0 | {east} |")),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Testkommun | 0 | 0 | 0 | 0 | {prev} | {now} |")),
        "{t}"
    );
    assert!(
        t.contains("| Polisens händelser (polisen.se) | 0 | 0 | 0 | 0 | 0 | 0 |"),
        "{t}"
    );
    assert!(
        t.contains("Ingen organisation som brukar rapportera har tystnat."),
        "{t}"
    );
    // Three weeks later the organisation that reported in weeks 9 and 10 has gone silent.
    let later = reports::weekly(
        &state,
        reports::parse_iso_week("2024-W13").unwrap(),
        Scope::Shared,
        trygg_domain::Lang::Sv,
    )
    .await
    .unwrap();
    assert!(
        text(&later)
            .contains("- Testkommun har inte rapporterat något på 3 veckor (annars 4 i veckan)"),
        "{}",
        text(&later)
    );
    // The internal burglary is visible to the whole system but not in the shared report.
    let all = reports::weekly(&state, week, Scope::All, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    assert!(text(&all).contains(&format!("rapporterades {} händelser", now + 1)));
    // Renders in every format.
    trygg_report::html::html(&doc).unwrap();
    trygg_report::docx::docx(&doc).unwrap();
}

#[tokio::test]
async fn an_empty_week_says_so() {
    let state = state().await;
    let week = reports::parse_iso_week("2024-W20").unwrap();
    let doc = reports::weekly(&state, week, Scope::Shared, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    let t = text(&doc);
    assert!(
        t.contains("Inga händelser har rapporterats för vecka 20 (13–19 maj 2024)"),
        "{t}"
    );
    assert!(t.contains("[Händelser vecka 20: 0]"), "{t}");
    trygg_report::html::html(&doc).unwrap();
    assert!(reports::parse_iso_week("2024-W54").is_err());
    assert!(reports::parse_iso_week("vecka 4").is_err());
}

#[tokio::test]
async fn tertial_and_lagesbild() {
    let state = state().await;
    let doc = reports::tertial(&state, 2024, 1, Scope::Shared, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    let t = text(&doc);
    let now = shared_in(date(2024, 1, 1), date(2024, 5, 1), None);
    let prev = shared_in(date(2023, 1, 1), date(2023, 5, 1), None);
    assert!(
        t.contains(&format!("[Händelser januari–april 2024: {now}]")),
        "{t}"
    );
    assert!(t.contains(&format!("rapporterades {now} händelser")), "{t}");
    assert!(
        t.contains(&format!("jämfört med samma period 2023 ({prev})")),
        "{t}"
    );
    assert!(
        t.contains(&format!("| Summa | {now} | {prev} | +500 % |")),
        "{t}"
    );
    assert!(
        reports::tertial(&state, 2024, 4, Scope::Shared, trygg_domain::Lang::Sv)
            .await
            .is_err()
    );

    let doc = reports::lagesbild(&state, 2024, Scope::Shared, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    let t = text(&doc);
    let y = |yr: i16| shared_in(date(yr, 1, 1), date(yr + 1, 1, 1), None);
    assert!(t.contains(&format!("[Händelser 2024: {}]", y(2024))), "{t}");
    assert!(
        t.contains(&format!(
            // Years before the data begins are left out, not shown as 0.
            "Antal händelser per år 2023–2024: 2023: {}, 2024: {}.",
            y(2023),
            y(2024)
        )),
        "{t}"
    );
    // Lag (2023:196) 4 §: the mapping, other information, the analysis; and Brå's sources.
    let headings: Vec<&str> = t.lines().filter(|l| l.starts_with("# ")).collect();
    let parts = [
        "# 1. Kartläggning: brottslighetens omfattning och konsekvenser",
        "# 2. Annan information av betydelse",
        "# 3. Analys av kartläggningen",
        "# 4. Källor och metod",
    ];
    let at: Vec<usize> = parts
        .iter()
        .map(|h| {
            headings
                .iter()
                .position(|x| x == h)
                .unwrap_or_else(|| panic!("{h} missing in {headings:?}"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "in the law's order: {headings:?}"
    );
    for h in [
        "# Inledning",
        "# Per typ av brott och otrygghet",
        "# Per område",
        "# Utveckling över tid",
        "# Hot spots",
        "# Problembilder och orsaker",
        "# Vad som saknas och vad det betyder",
        "# Definitioner",
        "# Beslut",
        "# Från lägesbild till åtgärdsplan",
    ] {
        assert!(headings.contains(&h), "{h} missing in {headings:?}");
    }
    // Every channel listed with its coverage; those without incidents said to be missing.
    // 2024 touches 53 ISO weeks: 30–31 December are in week 1 of 2025.
    let weeks_2024 = 53;
    assert!(
        t.contains(&format!("| Andra system via API | {} | v. ", y(2024))),
        "{t}"
    );
    assert!(t.contains(&format!("av {weeks_2024} |")), "{t}");
    assert!(
        t.contains("- Polisens händelser (polisen.se): inga händelser under perioden."),
        "{t}"
    );
    assert!(
        t.contains("Lägesbilden 2024 är inte beslutad i trygg ännu."),
        "{t}"
    );
    assert!(t.contains("Inga enkätresultat är inlagda"), "{t}");
    assert!(t.contains("- Befolkning per område saknas"), "{t}");
    // With a survey (2023, the latest before the year) and SCB's population, part 2 shows
    // both, every value with its interval, and rates per 1 000.
    let areas = state.store.list_areas().await.unwrap();
    let area = |name: &str| areas.iter().find(|a| a.name == name).unwrap().id;
    use trygg_domain::indicator::{Indicator, IndicatorValue, Period, Unit};
    for (name, value, low, high, n) in [
        ("Väster", 32.0, 28.0, 36.0, 812),
        ("Öster", 18.0, 15.0, 21.0, 640),
    ] {
        trygg_store::records::create(
            state.store.as_ref(),
            &Actor::system("test"),
            OrganisationId(1),
            &IndicatorValue {
                indicator: Indicator::named("Andel otrygga kvällstid"),
                source: "Polisens trygghetsmätning".into(),
                area: area(name),
                period: Period::year(2023),
                value,
                ci_low: Some(low),
                ci_high: Some(high),
                n: Some(n),
                unit: Unit::Percent,
            },
        )
        .await
        .unwrap();
    }
    trygg_store::records::create(
        state.store.as_ref(),
        &Actor::system("test"),
        OrganisationId(1),
        &IndicatorValue {
            indicator: Indicator::named("Folkmängd"),
            source: trygg_domain::indicator::SCB.into(),
            area: area("Väster"),
            period: Period::year(2024),
            value: 2500.0,
            ci_low: None,
            ci_high: None,
            n: None,
            unit: Unit::Count,
        },
    )
    .await
    .unwrap();
    let t = text(
        &reports::lagesbild(&state, 2024, Scope::Shared, trygg_domain::Lang::Sv)
            .await
            .unwrap(),
    );
    let west_2024 = shared_in(date(2024, 1, 1), date(2025, 1, 1), Some(true));
    assert!(
        t.contains("| Väster | 2023 | 32 % (28–36), n = 812 |"),
        "{t}"
    );
    assert!(
        t.contains("| Öster | 2023 | 18 % (15–21), n = 640 |"),
        "{t}"
    );
    let rate = format!("{:.1}", west_2024 as f64 * 1000.0 / 2500.0).replace('.', ",");
    assert!(
        t.contains(&format!("| Väster | 2 500 | {west_2024} | {rate} |")),
        "{t}"
    );
    assert!(t.contains("- Polisens trygghetsmätning (Andel otrygga kvällstid) har inga värden för 2024; de senaste (2023) visas."), "{t}");
    assert!(t.contains("- Några områden saknar folkmängd"), "{t}");
    // Once decided, the lägesbild names its decision and the next one's latest date.
    trygg_store::records::create(
        state.store.as_ref(),
        &Actor::system("test"),
        OrganisationId(1),
        &trygg_domain::partnership::LawDecision {
            document: trygg_domain::partnership::LawDocument::Lagesbild,
            year: 2024,
            decided_by: "Kommunstyrelsen".into(),
            date: date(2025, 2, 11),
            diarienummer: "KS-2025/00042".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let t = text(
        &reports::lagesbild(&state, 2024, Scope::Shared, trygg_domain::Lang::Sv)
            .await
            .unwrap(),
    );
    assert!(
        t.contains("Lägesbilden 2024 beslutades av Kommunstyrelsen den 11 februari 2025 (diarienummer KS-2025/00042). Nästa lägesbild ska tas fram senast 11 februari 2027."),
        "{t}"
    );
    assert_eq!(reports::data_years(&state, Scope::Shared), vec![2023, 2024]);
}

/// The header names the partnership: the kommun's organisation before an agreement is stored,
/// then the agreement's parties as written, and never an organisation added later (#20).
#[tokio::test]
async fn the_header_names_the_agreements_parties() {
    let state = state().await;
    let week = reports::parse_iso_week("2024-W10").unwrap();
    let doc = reports::weekly(&state, week, Scope::Shared, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    assert_eq!(doc.meta.organisation, "Testkommun");
    let actor = Actor::system("test");
    let agreement: trygg_domain::partnership::Agreement =
        serde_json::from_value(serde_json::json!({
            "title": "Samverkansöverenskommelse",
            "parties": [
                {"name": "Testkommun", "kind": "kommun"},
                {"name": "Lokalpolisområde Test", "kind": "lokalpolisomrade"}
            ],
            "from_year": 2024, "to_year": 2027, "signatories": [],
            "purpose": "Tryggare.",
            "coordinators": [
                {"role": "Utvecklingsledare", "party": "Testkommun"},
                {"role": "Kommunpolis", "party": "Lokalpolisområde Test"}
            ]
        }))
        .unwrap();
    trygg_store::records::create(state.store.as_ref(), &actor, OrganisationId(1), &agreement)
        .await
        .unwrap();
    state
        .store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: "Nyköpings kommun".into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let doc = reports::weekly(&state, week, Scope::Shared, trygg_domain::Lang::Sv)
        .await
        .unwrap();
    assert_eq!(
        doc.meta.organisation,
        "Testkommun och Lokalpolisområde Test"
    );
}

/// The partnership of the English report tests: an agreement 2024–2027 and its plan for 2024
/// with one commitment linked to intervention "7", stored as records.
async fn store_partnership(
    state: &AppState,
) -> (
    trygg_domain::partnership::Agreement,
    trygg_domain::partnership::CommitmentPlan,
) {
    let actor = Actor::system("test");
    let agreement: trygg_domain::partnership::Agreement =
        serde_json::from_value(serde_json::json!({
            "title": "Samverkansöverenskommelse",
            "parties": [
                {"name": "Testkommun", "kind": "kommun"},
                {"name": "Lokalpolisområde Test", "kind": "lokalpolisomrade"}
            ],
            "from_year": 2024, "to_year": 2027, "signatories": [],
            "purpose": "Safer streets.",
            "coordinators": [
                {"role": "Utvecklingsledare", "party": "Testkommun"},
                {"role": "Kommunpolis", "party": "Lokalpolisområde Test"}
            ]
        }))
        .unwrap();
    let plan: trygg_domain::partnership::CommitmentPlan =
        serde_json::from_value(serde_json::json!({
            "year": 2024,
            "status": {"state": "decided", "date": "2024-01-20"},
            "priority_areas": [
                {"id": "p1", "title": "Safer evenings in Väster", "description": "Fewer tags."}
            ],
            "commitments": [{
                "id": "c1", "priority_area": "p1", "title": "Night walks",
                "description": "Walks on Friday nights.",
                "responsible": "Testkommun", "status": "ongoing", "progress": 40,
                "resources": [{"party": "Testkommun", "planned_hours": 100.0, "used_hours": 40.0,
                               "planned_sek": 10000.0, "used_sek": 2500.0}],
                "interventions": ["7"],
                "collaboration_forms": ["Joint walks"],
                "activities": [{"date": "2024-03-01", "text": "First walk", "done": true}]
            }]
        }))
        .unwrap();
    trygg_store::records::create(state.store.as_ref(), &actor, OrganisationId(1), &agreement)
        .await
        .unwrap();
    trygg_store::records::create(state.store.as_ref(), &actor, OrganisationId(1), &plan)
        .await
        .unwrap();
    (agreement, plan)
}

/// Swedish words of the partnership's reports that must not be left in an English one.
const SWEDISH_PLAN: [&str; 16] = [
    "händelse",
    "Händelse",
    " och ",
    "Åtagande",
    "åtagande",
    "insats",
    "Insats",
    "| Summa",
    "beslutad",
    "Beslutad",
    "Sammanfattning",
    "Resurser",
    "Ansvarig",
    " kr",
    " tim",
    " mot ",
];

fn assert_no_swedish(t: &str) {
    for swedish in SWEDISH_PLAN {
        assert!(
            !t.contains(swedish),
            "{swedish:?} in the English report: {t}"
        );
    }
}

#[tokio::test]
async fn the_compilation_and_final_follow_up_in_english_say_the_same_numbers_in_english() {
    use trygg_domain::Lang;
    let state = state().await;
    let (agreement, plan) = store_partnership(&state).await;
    let areas = state.store.list_areas().await.unwrap();
    let id = |name: &str| areas.iter().find(|a| a.name == name).unwrap().id;
    // 12 months before and after March 2024: Väster 4 → 5, Öster 2 → 3.
    let result = reports::intervention_result(
        &state,
        Scope::Shared,
        "7",
        "Graffiti patrol",
        &[
            "skadegorelse.klotter",
            "samling.trapphus",
            "ordning.inbrott",
        ],
        id("Väster"),
        None,
        id("Öster"),
        date(2024, 3, 1),
        12,
    )
    .await
    .unwrap();
    let doc = reports::annual_compilation(
        &agreement,
        &plan,
        std::slice::from_ref(&result),
        &[],
        date(2024, 10, 1),
        "2024-10-05 09:00",
        Lang::En,
    )
    .unwrap();
    assert_eq!(doc.title, "Annual compilation of the commitment plan 2024");
    assert_eq!(doc.meta.lang, Lang::En);
    assert_eq!(
        doc.meta.organisation,
        "Testkommun and Lokalpolisområde Test"
    );
    let t = text(&doc);
    for said in [
        "Testkommun and Lokalpolisområde Test report here on the implementation of the commitment plan 2024 under the partnership agreement (samverkansöverenskommelse) 2024–2027, as of 1 October 2024.",
        "The commitment plan 2024 has 1 commitment: 1 ongoing.",
        "| Night walks | Testkommun | Ongoing | 40% |",
        "Responsible: Testkommun (form of collaboration: Joint walks). Status: ongoing (40%).",
        "- 2024-03-01: First walk",
        "In Väster, 4 incidents (",
        "were reported in the 12 months before the intervention and 5 in the 12 months from its start (+25%). In the control area Öster the number changed from 2 to 3 (+50%).",
        "Relative effect 0.83 (95% CI",
        "The numbers show what happened while the intervention ran, not that it caused it",
        "The parties have spent 40 h of the planned 100 h (40%) and 2,500 SEK on the commitment plan 2024. Each party bears its own costs.",
        "| Total | 100 | 40 | 10,000 | 2,500 |",
        "31 October 2024: Compilation of the implementation 2024 to the steering group (styrgrupp)",
    ] {
        assert!(t.contains(said), "{said:?} missing: {t}");
    }
    assert_no_swedish(&t);
    for b in &doc.blocks {
        if let Block::Figure(f) = b {
            let alt = &f.image.alt;
            assert!(
                !alt.contains("händelser") && !alt.contains("Förändring") && !alt.contains("tim"),
                "{alt}"
            );
        }
    }

    let last = reports::final_follow_up(
        &agreement,
        std::slice::from_ref(&plan),
        std::slice::from_ref(&result),
        &[(2024, 12)],
        "2027-12-15 09:00",
        Lang::En,
    )
    .unwrap();
    assert_eq!(
        last.title,
        "Final follow-up of the partnership agreement 2024–2027"
    );
    let t = text(&last);
    for said in [
        "- The commitment plan 2024: 1 commitment, all ongoing.",
        "- The parties spent 40 h in all on the commitments over the period.",
        "- Graffiti patrol: +25% in Väster (4 → 5) against +50% in the control area Öster (2 → 3); relative effect 0.83 (95% confidence interval",
        "The period 2024–2027 has commitment plans for 2024; there is no plan for 2025, 2026, 2027.",
        "Reported incidents per year: 2024: 12.",
        "on the period 2024–2027.",
    ] {
        assert!(t.contains(said), "{said:?} missing: {t}");
    }
    assert_no_swedish(&t);

    // The same from the stored records, through the one entry.
    let doc = reports::build(
        &state,
        reports::Request::AnnualCompilation(2024, date(2024, 10, 1)),
        Scope::Shared,
        Lang::En,
    )
    .await
    .unwrap();
    let t = text(&doc);
    let year = shared_in(date(2024, 1, 1), date(2024, 10, 1), None);
    let before = shared_in(date(2023, 1, 1), date(2023, 10, 1), None);
    assert!(
        t.contains(&format!(
            "In the period 1 January – 30 September 2024, {year} incidents were reported. The number rose by 500% compared with the same period of 2023 ({before})."
        )),
        "{t}"
    );
    assert!(
        t.contains("No open fixes, and none completed in 2024."),
        "{t}"
    );
    assert_no_swedish(&t);
    let sv = reports::build(
        &state,
        reports::Request::AnnualCompilation(2024, date(2024, 10, 1)),
        Scope::Shared,
        Lang::Sv,
    )
    .await
    .unwrap();
    assert!(text(&sv).contains("Åtagandeplanen 2024 har 1 åtagande: 1 pågående."));
    let t = text(
        &reports::build(
            &state,
            reports::Request::FinalFollowUp,
            Scope::Shared,
            Lang::En,
        )
        .await
        .unwrap(),
    );
    let all_2024 = shared_in(date(2024, 1, 1), date(2025, 1, 1), None);
    assert!(
        t.contains(&format!("Reported incidents per year: 2024: {all_2024}.")),
        "{t}"
    );
    assert_no_swedish(&t);
}

#[tokio::test]
async fn the_atgardsplan_in_english_says_the_same_numbers_in_english() {
    use trygg_domain::Lang;
    let state = state().await;
    store_partnership(&state).await;
    // The lägesbild 2023 leads to the stored plan for 2024.
    let doc = reports::build(
        &state,
        reports::Request::Atgardsplan(2023),
        Scope::Shared,
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(
        doc.title,
        "Action plan (åtgärdsplan) based on the lägesbild 2023"
    );
    assert_eq!(doc.meta.lang, Lang::En);
    let t = text(&doc);
    let n = shared_in(date(2023, 1, 1), date(2024, 1, 1), None);
    for said in [
        "The measures are the commitments of the commitment plan 2024 (decided on 20 January 2024). Under trygg's planning rule the action plan is to be decided by 31 December 2023".to_string(),
        format!("In the period 1 January – 31 December 2023, {n} incidents were reported."),
        "| Night walks | Testkommun | 100 | 10,000 | Ongoing |".into(),
        "- Responsible: Testkommun.".into(),
        "- Testkommun: 100 h and 10,000 SEK planned.".into(),
        "- Night walks: no intervention is linked, so the measure is tied neither to a problem nor to a cause.".into(),
        "The parties have spent 40 h of the planned 100 h (40%) and 2,500 SEK on the action plan 2024.".into(),
        "- Next lägesbild: by ".into(),
    ] {
        assert!(t.contains(&said), "{said:?} missing: {t}");
    }
    assert_no_swedish(&t);
    let sv = text(
        &reports::build(
            &state,
            reports::Request::Atgardsplan(2023),
            Scope::Shared,
            Lang::Sv,
        )
        .await
        .unwrap(),
    );
    assert!(
        sv.contains("Åtgärderna är åtagandena i åtagandeplanen 2024 (beslutad 20 januari 2024)."),
        "{sv}"
    );
    assert!(
        sv.contains("- Testkommun: 100 tim och 10 000 kr planerade."),
        "{sv}"
    );
}
