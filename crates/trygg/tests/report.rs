//! `trygg report …` through the real binary on a small seeded SQLite file: the DOCX parses back
//! with its headings and figures, Markdown writes its images next to it, bad input is refused
//! with a clear message. An ignored test writes the October 2020 compilation and the final
//! 2023 follow-up from the demo database (`TRYGG_DEMO_DB=sqlite:///…/trygg-demo.db`).

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use jiff::civil::date;
use trygg_domain::{
    Actor, AreaKind, Channel, NewArea, NewIncident, NewOrganisation, OrgKind, Position, Precision,
    Scope, Visibility,
};
use trygg_store::{BatchAudit, Store};

const BIN: &str = env!("CARGO_BIN_EXE_trygg");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trygg-report-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A database with two districts and 12 incidents in March 2024.
async fn seeded(dir: &std::path::Path) -> String {
    let url = format!("sqlite://{}", dir.join("r.db").display());
    let store: Arc<dyn Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
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
    let ingest = trygg_web::ingest::Ingest::load(store.clone(), tz.clone())
        .await
        .unwrap();
    let square = |lon0: f64| {
        serde_json::json!({"type": "Polygon", "coordinates": [[
            [lon0, 59.84], [lon0 + 0.02, 59.84], [lon0 + 0.02, 59.86], [lon0, 59.86], [lon0, 59.84]
        ]]})
    };
    ingest
        .import_areas(
            &actor,
            ["Väster", "Öster"]
                .iter()
                .enumerate()
                .map(|(i, n)| NewArea {
                    name: n.to_string(),
                    code: Some(n.to_string()),
                    kind: AreaKind::District,
                    geometry: square(17.60 + 0.02 * i as f64),
                })
                .collect(),
        )
        .await
        .unwrap();
    let incidents = (0..12)
        .map(|i| NewIncident {
            occurred_from: date(2024, 3, 4 + (i % 7) as i8)
                .at(20, 0, 0, 0)
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp(),
            occurred_to: None,
            reported_at: None,
            category: if i % 2 == 0 {
                "skadegorelse.klotter"
            } else {
                "samling.utomhus"
            }
            .into(),
            place_type: None,
            position: Some(
                Position::from_wgs84(59.85, 17.605 + 0.003 * i as f64, Precision::Exact).unwrap(),
            ),
            place: None,
            source_org: org.id,
            channel: Channel::Api,
            external_id: None,
            description: None,
            visibility: Visibility::Shared,
            report_id: None,
            created_by: None,
        })
        .collect();
    ingest
        .write(&actor, incidents, BatchAudit::Each)
        .await
        .unwrap();
    url
}

fn trygg(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("TRYGG_LOG", "warn")
        .env_remove("TRYGG_DATABASE")
        .env_remove("TRYGG_CONFIG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

#[tokio::test]
async fn weekly_docx_parses_back_with_headings_and_figures() {
    let dir = scratch("docx");
    let url = seeded(&dir).await;
    let out = dir.join("v10.docx");
    let o = trygg(&[
        "report",
        "weekly",
        "--week",
        "2024-W10",
        "--format",
        "docx",
        "--output",
        out.to_str().unwrap(),
        "--database",
        &url,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for text in [
        "Lägesbild vecka 10 2024",
        "Sammanfattning",
        "Händelser per kategori",
        "Händelser per område",
        "Om statistiken",
        "rapporterades 12 händelser",
    ] {
        assert!(xml.contains(text), "{text} missing from the DOCX");
    }
    assert!(
        xml.contains("Heading1") || xml.contains("Rubrik1"),
        "real heading styles"
    );
    assert!(xml.contains("<pic:pic"), "an embedded figure");
    let media = (0..zip.len())
        .filter(|&i| zip.by_index(i).unwrap().name().starts_with("word/media/"))
        .count();
    assert!(media >= 3, "trend, heat map and map: {media} images");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn markdown_html_and_clear_errors() {
    let dir = scratch("md");
    let url = seeded(&dir).await;
    let md = dir.join("tertial.md");
    let o = trygg(&[
        "report",
        "tertial",
        "--year",
        "2024",
        "--tertial",
        "1",
        "--format",
        "md",
        "--output",
        md.to_str().unwrap(),
        "--database",
        &url,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("# Tertialanalys 1 2024"));
    assert!(text.contains("](tertial-figur-1.png)"), "{text}");
    assert!(dir.join("tertial-figur-1.png").exists());
    let html = dir.join("lb.html");
    let o = trygg(&[
        "report",
        "lagesbild",
        "--year",
        "2024",
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
        "--database",
        &url,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("Lägesbild 2024")
    );

    let err = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["--database", &url]);
        let o = trygg(&a);
        assert!(!o.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let out = dir.join("x.html");
    let out = out.to_str().unwrap();
    assert!(
        err(&[
            "report", "weekly", "--week", "v10", "--format", "html", "--output", out
        ])
        .contains("write it as YYYY-Www")
    );
    assert!(
        err(&[
            "report", "weekly", "--week", "2024-W54", "--format", "html", "--output", out
        ])
        .contains("week 54 does not exist in 2024")
    );
    assert!(
        err(&[
            "report",
            "lagesbild",
            "--year",
            "2019",
            "--format",
            "html",
            "--output",
            out
        ])
        .contains("no shared incidents in 2019 in the database (it has data for 2024)")
    );
    assert!(
        err(&[
            "report",
            "weekly",
            "--week",
            "2024-W10",
            "--format",
            "html",
            "--output",
            "/nonexistent/dir/x.html"
        ])
        .contains("the folder /nonexistent/dir does not exist")
    );
    assert!(
        err(&[
            "report", "tertial", "--year", "2024", "--format", "html", "--output", out
        ])
        .contains("--tertial")
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn docx_text(bytes: Vec<u8>) -> (String, usize) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let media = (0..zip.len())
        .filter(|&i| zip.by_index(i).unwrap().name().starts_with("word/media/"))
        .count();
    (xml, media)
}

/// The October compilation and the final follow-up on the seed's agreement and plans, with an
/// intervention evaluated on the seeded store: both DOCX files parse back with their headings,
/// tables and figures.
#[tokio::test]
async fn compilation_and_final_follow_up_docx() {
    let dir = scratch("comp");
    let url = seeded(&dir).await;
    let store: Arc<dyn Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    let areas = store.list_areas().await.unwrap();
    let id = |code: &str| {
        areas
            .iter()
            .find(|a| a.code.as_deref() == Some(code))
            .unwrap()
            .id
    };
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let state = trygg_web::AppState::load(store, tz).await.unwrap();
    let result = trygg_web::reports::intervention_result(
        &state,
        Scope::Shared,
        trygg_demo::partnership::GOTTSUNDA_INTERVENTION,
        "Insats i Väster",
        &["skadegorelse"],
        id("Väster"),
        None,
        id("Öster"),
        date(2024, 3, 1),
        2,
    )
    .await
    .unwrap();
    // Klotter (even i) in Väster in March 2024: the months are jan, feb | mar, apr.
    assert_eq!(
        result.months,
        vec!["jan 2024", "feb 2024", "mar 2024", "apr 2024"]
    );
    let west_klotter = (0..12)
        .filter(|i| i % 2 == 0 && 17.605 + 0.003 * (*i as f64) < 17.62)
        .count();
    assert_eq!(result.treated, vec![0.0, 0.0, west_klotter as f64, 0.0]);
    let agreement = trygg_demo::partnership::agreement();
    let plans = trygg_demo::partnership::followed_up_plans();
    let brief = trygg_web::reports::year_in_brief(&state, 2024, date(2024, 3, 31), Scope::Shared)
        .await
        .unwrap();
    let october = trygg_web::reports::annual_compilation(
        &agreement,
        &plans[0],
        &[],
        &brief,
        date(2020, 10, 1),
        "2020-10-05 09:00",
    )
    .unwrap();
    let (xml, media) = docx_text(trygg_report::docx::docx(&october).unwrap());
    for text in [
        "Årlig sammanställning av åtagandeplanen 2020",
        "Åtagandena",
        "Stärk arbetet med särskilt utsatta brottsoffer",
        "Handlingsplan mot människohandel",
        "Resurser per part",
        "Lokalpolisområde Uppsala/Knivsta",
        "2020-04-22: Utbildningsdag",
        "Lägesbilden 2020",
        "rapporterades 12 händelser",
    ] {
        assert!(xml.contains(text), "{text} missing from the compilation");
    }
    assert!(
        !xml.contains("2020-10-07"),
        "activities after the compilation's date are left out"
    );
    assert!(
        media >= 1 && xml.contains("<pic:pic"),
        "the bar chart of hours per party"
    );

    let mut linked = plans.clone();
    linked[2].commitments.last_mut().unwrap().interventions = vec![result.id.clone()];
    let last = trygg_web::reports::final_follow_up(
        &agreement,
        &linked,
        std::slice::from_ref(&result),
        &[(2020, 100), (2021, 110), (2022, 90), (2023, 95)],
        "2023-12-15 09:00",
    )
    .unwrap();
    let (xml, media) = docx_text(trygg_report::docx::docx(&last).unwrap());
    for text in [
        "Slutlig uppföljning av samverkansöverenskommelsen 2020–2023",
        "Åtagandeplanen 2023",
        "Resultat: Insats i Väster",
        "Resurser per part under hela perioden",
        "2020: 100, 2021: 110, 2022: 90, 2023: 95",
    ] {
        assert!(
            xml.contains(text),
            "{text} missing from the final follow-up"
        );
    }
    assert!(
        media >= 4,
        "trend, before/after, map and resources: {media}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Writes the October 2020 compilation and the final 2023 follow-up of the demo as HTML, DOCX
/// and Markdown into `TRYGG_REPORT_OUT` (default: a scratch folder), from the demo database.
#[tokio::test]
#[ignore = "needs the demo database: TRYGG_DEMO_DB=sqlite:///path/trygg-demo.db"]
async fn demo_compilation_and_final_follow_up() {
    let url = std::env::var("TRYGG_DEMO_DB").expect("TRYGG_DEMO_DB");
    let out = std::env::var("TRYGG_REPORT_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| scratch("demo"));
    std::fs::create_dir_all(&out).unwrap();
    let store: Arc<dyn Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let areas = store.list_areas().await.unwrap();
    let id = |code: &str| {
        areas
            .iter()
            .find(|a| a.code.as_deref() == Some(code))
            .unwrap()
            .id
    };
    let state = trygg_web::AppState::load(store, tz).await.unwrap();
    let gottsunda = trygg_web::reports::intervention_result(
        &state,
        Scope::Shared,
        trygg_demo::partnership::GOTTSUNDA_INTERVENTION,
        "Situationell prevention i Gottsunda centrum",
        &["skadegorelse", "samling"],
        id("DEMO-18"),
        Some(id("DEMO-19")),
        id("DEMO-17"),
        date(2022, 3, 1),
        12,
    )
    .await
    .unwrap();
    let agreement = trygg_demo::partnership::agreement();
    let plans = trygg_demo::partnership::followed_up_plans();
    let generated = "2026-11-24 21:00";
    let brief = trygg_web::reports::year_in_brief(&state, 2020, date(2020, 9, 30), Scope::Shared)
        .await
        .unwrap();
    let october = trygg_web::reports::annual_compilation(
        &agreement,
        &plans[0],
        std::slice::from_ref(&gottsunda),
        &brief,
        date(2020, 10, 1),
        generated,
    )
    .unwrap();
    let years = trygg_web::reports::data_years(&state, Scope::Shared);
    let totals: Vec<(i16, u32)> = (2020..=2023)
        .filter(|y| years.contains(y))
        .map(|y| {
            let f = trygg_domain::IncidentFilter {
                from: Some(
                    date(y, 1, 1)
                        .to_zoned(state.tz.clone())
                        .unwrap()
                        .timestamp(),
                ),
                to: Some(
                    date(y + 1, 1, 1)
                        .to_zoned(state.tz.clone())
                        .unwrap()
                        .timestamp(),
                ),
                scope: Scope::Shared,
                ..Default::default()
            };
            (
                y,
                state.ingest.live().with(&f, |s, f| s.select_ids(f).len()) as u32,
            )
        })
        .collect();
    let last = trygg_web::reports::final_follow_up(
        &agreement,
        &plans,
        std::slice::from_ref(&gottsunda),
        &totals,
        generated,
    )
    .unwrap();
    for (name, doc) in [
        ("sammanstallning-2020", &october),
        ("slutuppfoljning-2023", &last),
    ] {
        std::fs::write(
            out.join(format!("{name}.html")),
            trygg_report::html::html(doc).unwrap(),
        )
        .unwrap();
        std::fs::write(
            out.join(format!("{name}.docx")),
            trygg_report::docx::docx(doc).unwrap(),
        )
        .unwrap();
        let md = trygg_report::markdown::markdown_with_prefix(doc, &format!("{name}-")).unwrap();
        std::fs::write(out.join(format!("{name}.md")), md.text).unwrap();
        for (f, png) in md.images {
            std::fs::write(out.join(f), png).unwrap();
        }
    }
    println!("wrote to {}", out.display());
}
