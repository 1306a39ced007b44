//! The knowledge-based cycle's pages over real HTTP: who may see them, forms that store through
//! the API's checks, bad input shown again with a message (nothing stored), CSRF, approval.

mod common;

use reqwest::{StatusCode, header};
use trygg_domain::{
    Actor, Role,
    cause::CauseFactor,
    cycle::{CauseAnalysis, HypothesisStatus, Intervention, Meeting, Problem},
};
use trygg_store::{NewSession, records};

struct App {
    spawned: common::Spawned,
    http: reqwest::Client,
    areas: Vec<i64>,
}

/// A signed-in browser: the session cookie and its CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

const COORDINATOR: &str = "samordnare@test";
const ANALYST: &str = "analytiker@test";
const REPORTER: &str = "rapportor@test";

async fn spawn() -> App {
    let spawned = common::spawn(&[
        ("Uppsala kommun", COORDINATOR, Role::Coordinator),
        ("Uppsala kommun", ANALYST, Role::Analyst),
        ("Uppsala kommun", REPORTER, Role::Reporter),
        ("Lokalpolisområde Uppsala", "polis@test", Role::Coordinator),
    ])
    .await;
    spawned
        .state
        .ingest
        .import_areas(
            &Actor::system("test"),
            vec![
                common::square("Gottsunda", "G", 17.60),
                common::square("Stenhagen", "S", 17.50),
                common::square("Valsätra", "V", 17.62),
            ],
        )
        .await
        .unwrap();
    let mut areas: Vec<(String, i64)> = spawned
        .store
        .list_areas()
        .await
        .unwrap()
        .iter()
        .map(|a| (a.name.clone(), a.id.0))
        .collect();
    areas.sort();
    // Gottsunda, Stenhagen, Valsätra.
    let areas = vec![areas[0].1, areas[1].1, areas[2].1];
    App {
        spawned,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        areas,
    }
}

impl App {
    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.spawned.base)
    }

    /// A session for `email`, as signing in would make.
    async fn login(&self, email: &str) -> Browser {
        let store = &self.spawned.store;
        let user = store.user_credentials(email).await.unwrap().unwrap().user;
        let cookie = trygg_app::credentials::generate_token();
        let csrf = trygg_app::credentials::generate_token();
        store
            .create_session(
                user.id,
                &NewSession {
                    token_hash: trygg_app::credentials::hash_token(&cookie),
                    csrf: csrf.clone(),
                    expires_at: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
                },
            )
            .await
            .unwrap();
        Browser { cookie, csrf }
    }

    async fn get(&self, b: &Browser, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// Posts a form with the session's CSRF token; returns the status, the redirect target
    /// and the body.
    async fn post(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let mut fields: Vec<(&str, &str)> = vec![("csrf", &b.csrf)];
        fields.extend_from_slice(form);
        self.post_raw(b, path, &fields).await
    }

    async fn post_raw(
        &self,
        b: &Browser,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let res = self
            .http
            .post(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status();
        // A save redirects to its page with `?sparat=1`, so the page says "Sparat"; the tests
        // follow the page's own address.
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().replacen("?sparat=1", "", 1));
        (status, location.unwrap_or(res.text().await.unwrap()))
    }

    async fn count<T: trygg_domain::cycle::Record>(&self) -> usize {
        records::list::<T>(self.spawned.store.as_ref())
            .await
            .unwrap()
            .len()
    }

    fn org(&self, name: &str) -> String {
        self.spawned.orgs[name].0.to_string()
    }

    /// Creates a problem through the form; returns its id.
    async fn new_problem(&self, b: &Browser) -> i64 {
        let area = self.areas[0].to_string();
        let owner = self.org("Uppsala kommun");
        let (status, to) = self
            .post(
                b,
                "/problem/ny",
                &[
                    ("title", "Skadegörelse i Gottsunda centrum"),
                    ("description", "Klotter kvällstid."),
                    ("category", "skadegorelse"),
                    ("area", &area),
                    ("from", "2023-01-01"),
                    ("to", ""),
                    ("origin", "hot_spot"),
                    ("ref", "Gottsunda centrum"),
                    ("status", "active"),
                    ("owner", &owner),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
        let id: i64 = to.strip_prefix("/problem/").unwrap().parse().unwrap();
        // The page the save lands on says so.
        let (_, page) = self.get(b, &format!("/problem/{id}?sparat=1")).await;
        assert!(page.contains("Sparat."), "{page}");
        id
    }

    /// The intervention form's fields for `problem`, starting `start`.
    fn intervention_form(&self, problem: &str, start: &str) -> Vec<(String, String)> {
        let (kommun, polis) = (
            self.org("Uppsala kommun"),
            self.org("Lokalpolisområde Uppsala"),
        );
        [
            ("title", "Belysning och nattvandring"),
            ("problem", problem),
            ("method", "situational"),
            ("technique", "extend-guardianship"),
            ("method_text", "Ny belysning vid entrén."),
            ("resp_org", &kommun),
            ("resp_unit", "Trygghetsenheten"),
            ("res_org", &kommun),
            ("res_ph", "120"),
            ("res_ps", "85 000"),
            ("res_uh", ""),
            ("res_us", ""),
            ("res_org", &polis),
            ("res_ph", "40,5"),
            ("res_ps", ""),
            ("res_uh", ""),
            ("res_us", ""),
            ("start", start),
            ("status", "ongoing"),
            ("commitment_ref", "Åtagande 2024:3"),
            ("control", &self.areas[1].to_string()),
            ("buffer", &self.areas[2].to_string()),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn months_ago(n: i64) -> String {
    jiff::Zoned::now()
        .date()
        .checked_sub(jiff::Span::new().months(n))
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_cycle_pages_work_for_coordinators_and_refuse_reporters() {
    let app = spawn().await;
    let coord = app.login(COORDINATOR).await;
    let problem = app.new_problem(&coord).await;
    let p = problem.to_string();

    // Cause analysis through its form.
    let (status, to) = app
        .post(
            &coord,
            &format!("/problem/{problem}/analys"),
            &[
                ("version", "0"),
                ("offender", "Unga som samlas kvällstid."),
                ("place", "Mörk entré."),
                ("p_situational", "Dålig belysning."),
                ("h_key", "H1"),
                ("h_text", "Mörkret gör det ostört."),
                (
                    "h_evidence",
                    "#3 #4\nTvå av tre kvällstid\nProtokoll | https://example.org/p.pdf",
                ),
                ("h_key", ""),
                ("h_text", ""),
                ("h_evidence", ""),
                ("conclusion", "Belysning."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let analysis = records::list::<CauseAnalysis>(app.spawned.store.as_ref())
        .await
        .unwrap();
    assert_eq!(analysis.len(), 1);
    assert_eq!(analysis[0].data.hypotheses.len(), 1);
    assert_eq!(analysis[0].data.hypotheses[0].evidence.len(), 3);

    // An intervention aimed at H1, started two months ago, then its follow-up approved.
    let mut form = app.intervention_form(&p, &months_ago(2));
    form.push(("hypothesis".into(), format!("{problem}:H1")));
    let (status, to) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let intervention: i64 = to.strip_prefix("/insatser/").unwrap().parse().unwrap();
    let stored = records::get::<Intervention>(app.spawned.store.as_ref(), intervention)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.data.resources.len(),
        2,
        "one row per party with figures"
    );
    assert_eq!(stored.data.resources[0].planned_sek, 85_000.0);
    assert_eq!(stored.data.resources[1].planned_hours, 40.5);
    assert_eq!(stored.data.hypotheses[0].key, "H1");
    assert_eq!(
        stored.meta.created_by,
        format!("user:{}", {
            app.spawned
                .store
                .user_credentials(COORDINATOR)
                .await
                .unwrap()
                .unwrap()
                .user
                .id
                .0
        })
    );

    // A meeting with an action, then the action closed.
    let (status, to) = app
        .post(
            &coord,
            "/moten/ny",
            &[
                ("date", "2024-05-06"),
                ("observations", "Klotter vid entrén\n\nGrupp i gångtunneln"),
                ("act_text", "Sanera klottret"),
                ("act_owner", "Gatukontoret"),
                ("act_deadline", "2024-05-08"),
                ("act_text", ""),
                ("act_owner", ""),
                ("act_deadline", ""),
                ("focus_name", "Gottsunda centrum"),
                ("focus_reason", "Klotter"),
                ("feedback", "Tack för rapporterna om klottret."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let meeting: i64 = to.strip_prefix("/moten/").unwrap().parse().unwrap();
    let m = records::get::<Meeting>(app.spawned.store.as_ref(), meeting)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.data.observations.len(), 2);
    assert_eq!(m.data.actions.len(), 1);
    let key = m.data.actions[0].key.clone();
    let version = m.meta.version.to_string();
    let (status, _) = app
        .post(
            &coord,
            &format!("/moten/{meeting}/atgard"),
            &[("key", &key), ("status", "closed"), ("version", &version)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let m = records::get::<Meeting>(app.spawned.store.as_ref(), meeting)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        m.data.actions[0].status,
        trygg_domain::cycle::ActionStatus::Closed
    );

    let pages = [
        "/problem".to_string(),
        "/problem/ny?category=skadegorelse&area=1&origin=hot_spot".into(),
        format!("/problem/{problem}"),
        format!("/problem/{problem}/analys"),
        "/insatser".into(),
        format!("/insatser/ny?problem={problem}"),
        format!("/insatser/{intervention}"),
        format!("/insatser/{intervention}/andra"),
        format!("/insatser/{intervention}/uppfoljning"),
        "/moten".into(),
        "/moten/ny".into(),
        format!("/moten/{meeting}"),
    ];
    let analyst = app.login(ANALYST).await;
    let reporter = app.login(REPORTER).await;
    // Analysts write problems and cause analyses, not interventions or meetings (the policy).
    let coordinators_only = |path: &str| {
        path.starts_with("/insatser/ny") || path.ends_with("/andra") || path == "/moten/ny"
    };
    for path in &pages {
        let (status, body) = app.get(&coord, path).await;
        assert_eq!(status, StatusCode::OK, "coordinator on {path}: {body}");
        let (status, body) = app.get(&analyst, path).await;
        if coordinators_only(path) {
            assert_eq!(status, StatusCode::FORBIDDEN, "analyst on {path}");
            assert!(body.contains("ger inte rätt att"), "{path}: {body}");
        } else {
            assert_eq!(status, StatusCode::OK, "analyst on {path}: {body}");
        }
        let (status, body) = app.get(&reporter, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "reporter on {path}");
        assert!(body.contains("Ingen behörighet"), "{path}");
    }
    let (_, body) = app.get(&coord, &format!("/problem/{problem}")).await;
    assert!(
        body.contains("Mörkret gör det ostört."),
        "the analysis on the problem page"
    );
    assert!(
        body.contains("Belysning och nattvandring"),
        "its intervention"
    );
    let (_, body) = app.get(&coord, &format!("/moten/{meeting}")).await;
    assert!(body.contains("Sanera klottret") && body.contains("Stängd"));
    assert!(
        body.contains("E-post är inte konfigurerat — inget skickas."),
        "the feedback says no mail is sent"
    );
    // An alert opens the form pre-filled; nothing is stored until it is saved.
    let before = app.count::<Problem>().await;
    let (status, body) = app
        .get(
            &coord,
            &format!("/problem/ny?alert=skadegorelse:{}:2024-05-06", app.areas[0]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains(r#"value="Skadegörelse i Gottsunda""#),
        "{body}"
    );
    assert!(body.contains(&format!(r#"name="area" value="{}" checked"#, app.areas[0])));
    assert!(
        body.contains(r#"value="emerging_alert" selected"#),
        "{body}"
    );
    assert_eq!(app.count::<Problem>().await, before);
    let (status, _) = app.get(&coord, "/problem/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Charts are PNGs.
    for path in [
        format!("/insatser/{intervention}/uppfoljning/fore-efter.png"),
        format!("/insatser/{intervention}/uppfoljning/omraden.png"),
    ] {
        let res = app
            .http
            .get(app.url(&path))
            .header(header::COOKIE, format!("trygg_session={}", coord.cookie))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    }

    // Approval: analysts may not, coordinators may; the page then says who approved.
    let path = format!("/insatser/{intervention}/uppfoljning");
    let (status, _) = app.post(&analyst, &path, &[("comment", "")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.post(&coord, &path, &[("comment", "Bra jobbat")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, body) = app.get(&coord, &path).await;
    assert!(body.contains("fu-counts-approved"), "the approved snapshot");
    assert!(
        body.contains(COORDINATOR) && body.contains("Bra jobbat"),
        "who approved"
    );

    // Reporters cannot write either.
    let before = app.count::<Problem>().await;
    let (status, _) = app
        .post(
            &reporter,
            "/problem/ny",
            &[("title", "X"), ("category", "skadegorelse")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count::<Problem>().await, before);
}

#[tokio::test]
async fn bad_input_is_shown_again_with_a_message_and_nothing_is_stored() {
    let app = spawn().await;
    let coord = app.login(COORDINATOR).await;
    let area = app.areas[0].to_string();
    let owner = app.org("Uppsala kommun");

    // No category: the domain's message, the typed title kept.
    let (status, body) = app
        .post(
            &coord,
            "/problem/ny",
            &[
                ("title", "Otrygghet vid torget"),
                ("area", &area),
                ("from", "2024-01-01"),
                ("owner", &owner),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("välj minst en kategori"), "{body}");
    assert!(
        body.contains(r#"value="Otrygghet vid torget""#),
        "what was typed stays"
    );
    // A date that is not one.
    let (status, body) = app
        .post(
            &coord,
            "/problem/ny",
            &[
                ("title", "Otrygghet vid torget"),
                ("category", "samling"),
                ("area", &area),
                ("from", "första maj"),
                ("owner", &owner),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("är inget datum"), "{body}");
    // A personal identity number in the description.
    let (status, body) = app
        .post(
            &coord,
            "/problem/ny",
            &[
                ("title", "Otrygghet vid torget"),
                ("description", "Anmälare 811228-9874 ringde"),
                ("category", "samling"),
                ("area", &area),
                ("from", "2024-01-01"),
                ("owner", &owner),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("description"), "{body}");
    assert_eq!(app.count::<Problem>().await, 0, "nothing stored");

    // An intervention without a technique, and one with the control also treated.
    let problem = app.new_problem(&coord).await.to_string();
    let mut form = app.intervention_form(&problem, "2024-03-01");
    form.retain(|(k, _)| k != "technique");
    let (status, body) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Pick at least one of the 25 techniques"),
        "{body}"
    );
    assert!(
        body.contains("Belysning och nattvandring"),
        "the title stays"
    );
    let mut form = app.intervention_form(&problem, "2024-03-01");
    form.push(("treated".into(), app.areas[1].to_string()));
    let (status, body) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("only have one role"), "{body}");
    let mut form = app.intervention_form(&problem, "2024-03-01");
    form.iter_mut()
        .filter(|(k, _)| k == "res_ph")
        .for_each(|(_, v)| *v = "många".into());
    let (status, body) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("är inget tal"), "{body}");
    assert_eq!(app.count::<Intervention>().await, 0, "nothing stored");

    // A meeting action without an owner.
    let (status, body) = app
        .post(
            &coord,
            "/moten/ny",
            &[
                ("date", "2024-05-06"),
                ("act_text", "Sanera"),
                ("act_owner", ""),
                ("act_deadline", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("ansvarig"), "{body}");
    assert_eq!(app.count::<Meeting>().await, 0, "nothing stored");

    // Too early to approve a follow-up (started today).
    let today = jiff::Zoned::now().date().to_string();
    let form = app.intervention_form(&problem, &today);
    let (status, to) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = app.post(&coord, &format!("{to}/uppfoljning"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("för tidigt"), "{body}");
}

#[tokio::test]
async fn forms_need_the_csrf_token() {
    let app = spawn().await;
    let coord = app.login(COORDINATOR).await;
    let area = app.areas[0].to_string();
    let owner = app.org("Uppsala kommun");
    let form = [
        ("title", "Klotter"),
        ("category", "skadegorelse"),
        ("area", area.as_str()),
        ("from", "2024-01-01"),
        ("owner", owner.as_str()),
    ];
    let (status, body) = app.post_raw(&coord, "/problem/ny", &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("säkerhetstoken"), "{body}");
    let mut wrong = vec![("csrf", "fel")];
    wrong.extend_from_slice(&form);
    let (status, _) = app.post_raw(&coord, "/problem/ny", &wrong).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for path in [
        "/insatser/ny",
        "/moten/ny",
        "/problem/1/analys",
        "/insatser/1/uppfoljning",
    ] {
        let (status, _) = app.post_raw(&coord, path, &[("title", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.count::<Problem>().await, 0);
    // Without a session, pages send to the sign-in page.
    let res = app.http.get(app.url("/problem")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

#[tokio::test]
async fn a_measure_that_does_not_answer_its_concluded_cause_is_warned_about() {
    let app = spawn().await;
    let coord = app.login(COORDINATOR).await;
    let problem = app.new_problem(&coord).await;
    let p = problem.to_string();
    // The analysis concludes missing guardianship at night (H1), and rejects H2.
    let (status, to) = app
        .post(
            &coord,
            &format!("/problem/{problem}/analys"),
            &[
                ("version", "0"),
                ("h_key", "H1"),
                ("h_text", "Ingen vuxen ute på kvällarna."),
                ("h_evidence", "Två av tre kvällstid"),
                ("h_factor", "guardian"),
                ("h_status", "supported"),
                ("h_key", "H2"),
                ("h_text", "De unga saknar en plats att vara på."),
                ("h_evidence", ""),
                ("h_factor", "offender"),
                ("h_status", "rejected"),
                ("conclusion", "Tillsyn kvällstid."),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let a = records::list::<CauseAnalysis>(app.spawned.store.as_ref())
        .await
        .unwrap();
    let h = &a[0].data.hypotheses;
    assert_eq!(h[0].factor, Some(CauseFactor::Guardian));
    assert_eq!(h[0].status, HypothesisStatus::Supported);
    assert_eq!(h[1].status, HypothesisStatus::Rejected);
    let (_, body) = app.get(&coord, &format!("/problem/{problem}/analys")).await;
    assert!(
        body.contains(r#"<option value="guardian" selected>"#),
        "the form shows what was saved: {body}"
    );

    // A measure on the offender's conscience, naming H1: warned about.
    let mut form = app.intervention_form(&p, &months_ago(2));
    form.retain(|(k, _)| k != "technique");
    form.push(("technique".into(), "alert-conscience".into()));
    form.push(("hypothesis".into(), format!("{problem}:H1")));
    let (status, to) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, body) = app.get(&coord, &to).await;
    assert!(body.contains(r#"id="measure-warnings""#), "{body}");
    assert!(
        body.contains("Åtgärden verkar på gärningspersonen men orsaksanalysen"),
        "{body}"
    );
    assert!(
        body.contains("Ingen vuxen ute på kvällarna."),
        "the cause on the page"
    );

    // The same through the API, in both languages.
    let id: i64 = to.strip_prefix("/insatser/").unwrap().parse().unwrap();
    let (status, body) = app
        .get(&coord, &format!("/api/v1/interventions/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["warnings"][0]["kind"], "mismatch");
    assert_eq!(v["warnings"][0]["cause"], "guardian");
    assert!(
        v["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("guardian")
    );
    assert_eq!(v["works_on"], serde_json::json!(["offender"]));

    // A measure extending guardianship answers it: no warning.
    let mut form = app.intervention_form(&p, &months_ago(2));
    form.push(("hypothesis".into(), format!("{problem}:H1")));
    let (_, to) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    let (_, body) = app.get(&coord, &to).await;
    assert!(!body.contains(r#"id="measure-warnings""#), "{body}");
    // One that names the rejected H2 and says nothing of what it works on is told both.
    let mut form = app.intervention_form(&p, &months_ago(2));
    form.retain(|(k, _)| k != "technique" && k != "method");
    form.push(("method".into(), "free".into()));
    form.push(("hypothesis".into(), format!("{problem}:H2")));
    let (_, to) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    let (_, body) = app.get(&coord, &to).await;
    assert!(body.contains("som orsaksanalysen har avfärdat"), "{body}");
    assert!(
        body.contains("Åtgärden anger inte vad den verkar på"),
        "{body}"
    );
    // Without resources the totals read 0, never "−0".
    let mut form = app.intervention_form(&p, &months_ago(2));
    form.retain(|(k, _)| !k.starts_with("res_") || k == "res_org");
    let (status, to) = app.post(&coord, "/insatser/ny", &pairs(&form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, body) = app.get(&coord, &to).await;
    assert!(!body.contains("−0"), "{body}");
    // Browsers' own /favicon.ico finds the icon.
    let res = app.http.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(res.headers()[header::LOCATION], "/assets/icon.svg");
}
