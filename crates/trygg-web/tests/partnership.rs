//! The partnership's records and pages over real HTTP: the records round-trip through the
//! store with their rules, `/samverkan` and `/rapporter` render for a coordinator and the
//! styrgrupp and refuse a reporter, last year's plan is copied as a draft, a commitment's
//! status is changed (and bad input stores nothing), an activity is logged, and the report
//! downloads have the right content type and content.

use std::io::Read;
use std::sync::Arc;

use reqwest::{StatusCode, header};
use trygg_demo::partnership as seed;
use trygg_domain::partnership::{
    Agreement, Body, BodyMeeting, CitizenPromise, CollaborationForm, CommitmentPlan,
    CommitmentStatus, CommunicationPlan, LawDecision, PlanStatus,
};
use trygg_domain::{Actor, NewOrganisation, NewUser, OrgKind, OrganisationId, Role};
use trygg_store::{Store, StoreError, records};
use trygg_store_sqlite::SqliteStore;

const PASSWORD: &str = "hemligt-123";

struct App {
    base: String,
    store: Arc<dyn Store>,
    http: reqwest::Client,
    kommun: OrganisationId,
}

struct Browser {
    cookie: String,
    csrf: String,
}

fn email(r: Role) -> String {
    format!("{}@kommun.test", r.as_str())
}

fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()?
                .strip_prefix(&format!("{name}="))
                .map(str::to_string)
        })
}

fn between<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html.find(marker).expect(marker) + marker.len();
    html[start..].split('"').next().unwrap()
}

/// A fresh database with a user per role and the seed's partnership: agreement, bodies,
/// meetings, collaboration forms, the 2020 plan (only), a citizen promise and the
/// communication plan. No incidents: the partnership's reports do not need them.
async fn spawn() -> App {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let kommun = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: seed::KOMMUN.into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await
        .unwrap()
        .id;
    let hash = trygg_app::credentials::Password::new(PASSWORD)
        .unwrap()
        .hash()
        .unwrap();
    for r in Role::ALL {
        store
            .create_user(
                &actor,
                NewUser {
                    email: email(r),
                    display_name: format!("Test {}", r.label_sv()),
                    organisation_id: kommun,
                    roles: vec![r],
                },
                Some(hash.clone()),
            )
            .await
            .unwrap();
    }
    let s = store.as_ref();
    records::create(s, &actor, kommun, &seed::agreement())
        .await
        .unwrap();
    records::create(s, &actor, kommun, &seed::steering_group())
        .await
        .unwrap();
    for b in seed::other_bodies() {
        records::create(s, &actor, kommun, &b).await.unwrap();
    }
    for m in seed::steering_meetings() {
        records::create(s, &actor, kommun, &m).await.unwrap();
    }
    for f in seed::collaboration_forms() {
        records::create(s, &actor, kommun, &f).await.unwrap();
    }
    let p2020 = seed::followed_up_plans().remove(0);
    trygg_app::partnership::create_plan(s, &actor, kommun, &p2020)
        .await
        .unwrap();
    for p in seed::citizen_promises() {
        records::create(s, &actor, kommun, &p).await.unwrap();
    }
    records::create(s, &actor, kommun, &seed::communication_plan())
        .await
        .unwrap();
    let state = trygg_web::AppState::new(
        trygg_app::App::load(
            store.clone(),
            jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
        )
        .await
        .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(
        listener,
        trygg_web::router(state),
        std::future::pending(),
    ));
    App {
        base,
        store,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        kommun,
    }
}

impl App {
    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.base)
    }

    async fn login(&self, role: Role) -> Browser {
        let page = self.http.get(self.url("/login")).send().await.unwrap();
        let pre = set_cookie(&page, "trygg_login").expect("sign-in form cookie");
        let html = page.text().await.unwrap();
        let csrf = between(&html, r#"name="csrf" value=""#).to_string();
        let res = self
            .http
            .post(self.url("/login"))
            .header(header::COOKIE, format!("trygg_login={pre}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", &email(role)),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{role:?} signs in");
        let cookie = set_cookie(&res, "trygg_session").expect("session cookie");
        let html = self
            .http
            .get(self.url("/konto"))
            .header(header::COOKIE, format!("trygg_session={cookie}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Browser {
            csrf: between(&html, r#"<meta name="csrf-token" content=""#).to_string(),
            cookie,
        }
    }

    async fn get(&self, b: &Browser, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .send()
            .await
            .unwrap()
    }

    async fn page(&self, b: &Browser, path: &str) -> (StatusCode, String) {
        let res = self.get(b, path).await;
        (res.status(), res.text().await.unwrap())
    }

    async fn post(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = self
            .http
            .post(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let to = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        (status, to.unwrap_or(res.text().await.unwrap()))
    }

    async fn plan(&self, year: i16) -> Option<records::Stored<CommitmentPlan>> {
        records::list::<CommitmentPlan>(self.store.as_ref())
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.data.year == year)
    }
}

fn docx_text(bytes: &[u8]) -> (String, usize) {
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

#[tokio::test]
async fn records_round_trip_with_their_rules() {
    let app = spawn().await;
    let s = app.store.as_ref();
    let actor = Actor::system("test");
    // Everything the seed stored reads back as it was written.
    assert_eq!(
        records::list::<Agreement>(s).await.unwrap()[0].data,
        seed::agreement()
    );
    let bodies = records::list::<Body>(s).await.unwrap();
    assert_eq!(bodies.len(), 1 + seed::other_bodies().len());
    assert_eq!(bodies[0].data, seed::steering_group());
    assert_eq!(
        records::list::<BodyMeeting>(s)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.data)
            .collect::<Vec<_>>(),
        seed::steering_meetings()
    );
    assert_eq!(
        records::list::<CollaborationForm>(s).await.unwrap().len(),
        18
    );
    assert_eq!(
        records::list::<CitizenPromise>(s).await.unwrap()[0].data,
        seed::citizen_promises()[0]
    );
    assert_eq!(
        records::list::<CommunicationPlan>(s).await.unwrap()[0].data,
        seed::communication_plan()
    );
    assert_eq!(
        app.plan(2020).await.unwrap().data,
        seed::followed_up_plans()[0]
    );

    // A plan is checked against the stored agreement: outside its period, refused …
    let mut late = seed::followed_up_plans()[0].copy_as_draft(2024);
    let err = trygg_app::partnership::create_plan(s, &actor, app.kommun, &late)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(v) if v.field == "year"),
        "{err}"
    );
    // … a party that is not in the agreement, refused …
    late.year = 2021;
    late.commitments[0].responsible = "Uppsalahem".into();
    let err = trygg_app::partnership::create_plan(s, &actor, app.kommun, &late)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(v) if v.field == "commitments[0].responsible"),
        "{err}"
    );
    // … and a second plan for a year, refused.
    let err =
        trygg_app::partnership::create_plan(s, &actor, app.kommun, &seed::followed_up_plans()[0])
            .await
            .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    // Nothing of that was stored.
    assert_eq!(records::list::<CommitmentPlan>(s).await.unwrap().len(), 1);
    // A stale version is a conflict.
    let stored = app.plan(2020).await.unwrap();
    trygg_app::partnership::update_plan(
        s,
        &actor,
        stored.meta.id,
        stored.meta.version,
        &stored.data,
    )
    .await
    .unwrap();
    let err = trygg_app::partnership::update_plan(
        s,
        &actor,
        stored.meta.id,
        stored.meta.version,
        &stored.data,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
}

#[tokio::test]
async fn pages_for_the_partnership_and_not_for_a_reporter() {
    let app = spawn().await;
    let pages = [
        ("/samverkan", "KSN-2019-03372"),
        (
            "/samverkan",
            "Sammanställning av genomförandet 2020 till styrgruppen",
        ),
        (
            "/samverkan/organisation",
            "Styrgrupp för samverkan polis och kommun",
        ),
        (
            "/samverkan/organisation",
            "Åtagandeplan 2020 presenteras för KSAU.",
        ),
        ("/samverkan/samverkansformer", "Sociala insatsgrupper (SIG)"),
        (
            "/samverkan/atagandeplan",
            "Kopiera förra årets plan som utkast för 2021",
        ),
        (
            "/samverkan/atagandeplan/2020",
            "Handlingsplan mot människohandel",
        ),
        ("/samverkan/medborgarloften", "Gottsunda"),
        ("/samverkan/kommunikation", "Huvudbudskap"),
        ("/rapporter", "Årlig sammanställning"),
        ("/rapporter", "Slutlig uppföljning"),
    ];
    let coordinator = app.login(Role::Coordinator).await;
    for (path, text) in pages {
        let (status, html) = app.page(&coordinator, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(text), "{path} shows {text}");
    }
    let (_, en) = app
        .page(&coordinator, "/samverkan/atagandeplan?lang=en")
        .await;
    assert!(
        en.contains("Copy last year&#39;s plan as a draft for 2021")
            || en.contains("Copy last year's plan as a draft for 2021")
    );
    // The styrgrupp reads but does not edit.
    let steering = app.login(Role::Steering).await;
    let (status, html) = app.page(&steering, "/samverkan/atagandeplan/2020").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("commitment-edit"),
        "no edit form for the styrgrupp"
    );
    let (status, _) = app
        .post(
            &steering,
            "/samverkan/atagandeplan/kopiera",
            &[("csrf", &steering.csrf), ("year", "2021")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A reporter sees none of it.
    let reporter = app.login(Role::Reporter).await;
    for (path, _) in pages {
        let (status, html) = app.page(&reporter, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("Ingen behörighet"));
    }
    let (status, _) = app
        .page(
            &reporter,
            "/rapporter/rapport?kind=final-follow-up&format=docx",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, home) = app.page(&reporter, "/").await;
    assert!(!home.contains(r#"href="/samverkan""#));
    let (_, home) = app.page(&coordinator, "/").await;
    assert!(home.contains(r#"href="/samverkan""#) && home.contains(r#"href="/rapporter""#));
    // The demo's agreement ended in 2023: the start page says so.
    assert!(home.contains("har löpt ut"), "{home}");
    // The citizen promises are public, without signing in, and hold no names or accounts.
    let res = app.http.get(app.url("/lofte")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Gottsunda"));
    assert!(html.contains("Vi gör centrumet ljusare och tryggare att röra sig i på kvällen."));
    assert!(!html.contains("@kommun.test") && !html.contains("Logga ut"));
}

#[tokio::test]
async fn copy_last_years_plan_and_follow_a_commitment_up() {
    let app = spawn().await;
    let b = app.login(Role::Coordinator).await;
    // Without the CSRF token: refused, nothing stored.
    let (status, _) = app
        .post(&b, "/samverkan/atagandeplan/kopiera", &[("year", "2021")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(app.plan(2021).await.is_none());
    let (status, to) = app
        .post(
            &b,
            "/samverkan/atagandeplan/kopiera",
            &[("csrf", &b.csrf), ("year", "2021")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/samverkan/atagandeplan/2021?sparat=1");
    let (_, html) = app.page(&b, &to).await;
    assert!(
        html.contains(r#"role="status">Sparat.<"#),
        "the page says it was saved"
    );
    let copy = app.plan(2021).await.unwrap();
    assert_eq!(copy.data.status, PlanStatus::Draft);
    assert_eq!(copy.data.commitments.len(), 5);
    assert_eq!(copy.data.commitments[1].id, "2021-2");
    assert!(copy.data.commitments.iter().all(|c| c.progress == 0
        && c.status == CommitmentStatus::NotStarted
        && c.resources.iter().all(|r| r.used_hours == 0.0)));
    assert_eq!(
        copy.data.resources_per_party()[0].planned_hours,
        app.plan(2020).await.unwrap().data.resources_per_party()[0].planned_hours
    );
    let (status, html) = app.page(&b, "/samverkan/atagandeplan/2021").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Utkast"));
    // Twice: refused with a clear message.
    let (status, html) = app
        .post(
            &b,
            "/samverkan/atagandeplan/kopiera",
            &[("csrf", &b.csrf), ("year", "2021")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("already a commitment plan for 2021"),
        "{html}"
    );

    // Follow a commitment up: status, progress, used resources.
    let v = copy.meta.version.to_string();
    let path = "/samverkan/atagandeplan/2021/atagande/2021-2";
    let (status, html) = app
        .post(
            &b,
            path,
            &[
                ("csrf", &b.csrf),
                ("version", &v),
                ("status", "ongoing"),
                ("progress", "140"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Ange hur stor del som är genomförd"),
        "{html}"
    );
    let (status, html) = app
        .post(
            &b,
            path,
            &[
                ("csrf", &b.csrf),
                ("version", &v),
                ("status", "ongoing"),
                ("progress", "40"),
                ("used_hours_0", "-5"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("used_hours"), "{html}");
    assert_eq!(
        app.plan(2021).await.unwrap().meta.version,
        copy.meta.version
    );
    let (status, _) = app
        .post(
            &b,
            path,
            &[
                ("csrf", &b.csrf),
                ("version", &v),
                ("status", "ongoing"),
                ("progress", "40"),
                ("used_hours_0", "55,5"),
                ("used_sek_1", "1200"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after = app.plan(2021).await.unwrap();
    let c = &after.data.commitments[1];
    assert_eq!((c.status, c.progress), (CommitmentStatus::Ongoing, 40));
    assert_eq!(c.resources[0].used_hours, 55.5);
    assert_eq!(c.resources[1].used_sek, 1200.0);
    // The old version again: someone changed it meanwhile.
    let (status, html) = app
        .post(
            &b,
            path,
            &[
                ("csrf", &b.csrf),
                ("version", &v),
                ("status", "done"),
                ("progress", "100"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("någon annan har ändrat"), "{html}");

    // The activity log of a collaboration form.
    let forms = records::list::<CollaborationForm>(app.store.as_ref())
        .await
        .unwrap();
    let f = &forms[1];
    let (status, _) = app
        .post(
            &b,
            &format!("/samverkan/samverkansformer/{}/aktivitet", f.meta.id),
            &[
                ("csrf", &b.csrf),
                ("version", &f.meta.version.to_string()),
                ("date", "2021-03-04"),
                ("text", "SIG-möte om tre ungdomar"),
                ("done", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = app
        .post(
            &b,
            &format!("/samverkan/samverkansformer/{}/aktivitet", f.meta.id),
            &[
                ("csrf", &b.csrf),
                ("version", &(f.meta.version + 1).to_string()),
                ("text", "Kontakt 19121212-1212"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("personnummer"), "{html}");
    let again = records::require::<CollaborationForm>(app.store.as_ref(), f.meta.id)
        .await
        .unwrap();
    assert_eq!(again.data.activities.len(), 1);
    assert_eq!(again.data.activities[0].text, "SIG-möte om tre ungdomar");
    let (_, html) = app.page(&b, "/samverkan/samverkansformer").await;
    assert!(html.contains("2021-03-04: SIG-möte om tre ungdomar"));
    // A meeting of the styrgrupp: bad input stores nothing and says why; then it is saved.
    let meetings = || async {
        records::list::<BodyMeeting>(app.store.as_ref())
            .await
            .unwrap()
            .len()
    };
    let before = meetings().await;
    let body = seed::steering_group().name;
    let (status, html) = app
        .post(
            &b,
            "/samverkan/organisation/mote",
            &[
                ("csrf", &b.csrf),
                ("body", &body),
                ("date", "2021-02-09"),
                ("agenda", "  "),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("agenda"), "{html}");
    assert_eq!(meetings().await, before);
    let (status, _) = app
        .post(
            &b,
            "/samverkan/organisation/mote",
            &[
                ("csrf", &b.csrf),
                ("body", &body),
                ("date", "2021-02-09"),
                ("agenda", "Åtagandeplan 2021\nLägesbild"),
                ("minutes", "Planen godkändes."),
                ("decisions", "Åtagandeplan 2021 till KSAU"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(meetings().await, before + 1);
    let (_, html) = app.page(&b, "/samverkan/organisation").await;
    assert!(html.contains("Åtagandeplan 2021 till KSAU"));

    // Every change is audited with the coordinator as actor: the copy and the one update.
    let audit = app
        .store
        .list_audit(&trygg_store::AuditFilter {
            entity: Some("commitment_plan".into()),
            entity_id: Some(copy.meta.id.to_string()),
            limit: 0,
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit.iter().all(|e| matches!(e.actor, Actor::User { .. })));
    let forms_audit = app
        .store
        .list_audit(&trygg_store::AuditFilter {
            entity: Some("collaboration_form".into()),
            entity_id: Some(f.meta.id.to_string()),
            limit: 0,
        })
        .await
        .unwrap();
    assert_eq!(
        forms_audit.len(),
        2,
        "created by the seed, one activity added"
    );
}

#[tokio::test]
async fn report_downloads() {
    let app = spawn().await;
    let b = app.login(Role::Coordinator).await;
    let q = "/rapporter/rapport?kind=annual-compilation&year=2020&as_of=2020-10-01";
    let res = app.get(&b, &format!("{q}&format=docx")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("sammanstallning-2020.docx")
    );
    let (xml, media) = docx_text(&res.bytes().await.unwrap());
    assert!(xml.contains("Årlig sammanställning av åtagandeplanen 2020"));
    assert!(xml.contains("Resurser per part"));
    // The 2020 plan's hours, from the data: 1 130 used by the kommun and 450 by the police.
    let plan = seed::followed_up_plans().remove(0);
    let per = plan.resources_per_party();
    for r in &per {
        let h = trygg_report::fmt_sv(r.used_hours, 0);
        assert!(xml.contains(&h), "{} hours {h}", r.party);
    }
    assert!(media >= 1, "the chart of hours per party");

    let res = app.get(&b, &format!("{q}&format=html")).await;
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<h1>Årlig sammanställning av åtagandeplanen 2020</h1>")
            || html.contains("Årlig sammanställning av åtagandeplanen 2020")
    );
    assert!(html.contains("data:image/png;base64,"));

    let res = app.get(&b, &format!("{q}&format=md")).await;
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/zip");
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_ref())).unwrap();
    let mut md = String::new();
    zip.by_name("sammanstallning-2020.md")
        .unwrap()
        .read_to_string(&mut md)
        .unwrap();
    assert!(md.starts_with("# Årlig sammanställning av åtagandeplanen 2020"));
    assert!(
        md.contains("](sammanstallning-2020-bilder/figur-1.png)"),
        "{md}"
    );
    assert!(
        zip.by_name("sammanstallning-2020-bilder/figur-1.png")
            .is_ok()
    );

    let (status, page) = app.page(&b, &format!("{q}&format=web")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Årlig sammanställning av åtagandeplanen 2020"));
    assert!(page.contains("format=docx"), "download links on the page");

    let res = app
        .get(&b, "/rapporter/rapport?kind=final-follow-up&format=docx")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (xml, _) = docx_text(&res.bytes().await.unwrap());
    assert!(xml.contains("Slutlig uppföljning av samverkansöverenskommelsen 2020–2023"));
    assert!(xml.contains("det saknas plan för 2021, 2022, 2023"));

    let res = app
        .get(
            &b,
            "/rapporter/rapport?kind=atgardsplan&year=2020&format=html",
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Åtgärdsplan utifrån lägesbilden 2020"));
    assert!(html.contains("31 december 2020"), "the deadline rule");
    // Measures tied to causes, and what to correct before the decision.
    assert!(html.contains("Åtgärder och orsaker"), "{html}");
    assert!(html.contains("Att rätta före beslut"), "{html}");
    assert!(
        html.contains(
            "ingen insats är kopplad, så åtgärden knyts varken till ett problem eller till en orsak"
        ),
        "a commitment without an intervention is listed: {html}"
    );

    // Bad input: a clear page, not a crash.
    let (status, page) = app
        .page(
            &b,
            "/rapporter/rapport?kind=annual-compilation&year=2022&format=web",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("no commitment plan for 2022"), "{page}");
    let (status, _) = app
        .page(
            &b,
            "/rapporter/rapport?kind=weekly&week=2020-W99&format=web",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The form of a new agreement from `from_year` to 2027 between the seed's parties.
fn new_agreement_form(b: &Browser, from_year: &str) -> Vec<(String, String)> {
    let seed_agreement = seed::agreement();
    let mut f: Vec<(String, String)> = vec![
        ("csrf".into(), b.csrf.clone()),
        ("version".into(), "0".into()),
        ("title".into(), "Samverkansöverenskommelse 2024–2027".into()),
        ("from_year".into(), from_year.into()),
        ("to_year".into(), "2027".into()),
        ("purpose".into(), "Ett tryggare Uppsala för alla.".into()),
        ("attachment_title_0".into(), "Bilaga 1 – Lägesbild".into()),
        (
            "attachment_url_0".into(),
            "https://example.org/lagesbild.pdf".into(),
        ),
    ];
    for (k, p) in seed_agreement.parties.iter().enumerate() {
        f.push((format!("party_name_{k}"), p.name.clone()));
        f.push((
            format!("party_kind_{k}"),
            serde_json::to_value(p.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .into(),
        ));
    }
    for (k, c) in seed_agreement.coordinators.iter().enumerate() {
        f.push((format!("coordinator_role_{k}"), c.role.clone()));
        f.push((format!("coordinator_party_{k}"), c.party.clone()));
    }
    f
}

#[tokio::test]
async fn register_a_new_agreement_and_change_the_current_one() {
    let app = spawn().await;
    let agreements = || async {
        records::list::<Agreement>(app.store.as_ref())
            .await
            .unwrap()
    };
    let b = app.login(Role::Coordinator).await;
    let (_, html) = app.page(&b, "/samverkan").await;
    assert!(html.contains(r#"href="/samverkan/overenskommelse/ny""#));
    let (status, html) = app.page(&b, "/samverkan/overenskommelse").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&seed::agreement().title),
        "the current values"
    );
    assert!(html.contains(r#"name="csrf""#));
    let (status, html) = app.page(&b, "/samverkan/overenskommelse/ny").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="from_year" min="2000" max="2100" required value="2024""#));
    assert!(
        html.contains(&format!(r#"value="{}""#, seed::agreement().title)),
        "the current agreement among the earlier ones"
    );

    // The styrgrupp and a reporter may neither open the form nor post it.
    for role in [Role::Steering, Role::Reporter] {
        let other = app.login(role).await;
        let (status, _) = app.page(&other, "/samverkan/overenskommelse").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
        let form = new_agreement_form(&other, "2024");
        let (status, _) = app
            .post(&other, "/samverkan/overenskommelse", &pairs(&form))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert_eq!(agreements().await.len(), 1);

    // Bad input: the page again with the message and what was typed; nothing stored.
    let form = new_agreement_form(&b, "tjugo");
    let (status, html) = app
        .post(&b, "/samverkan/overenskommelse", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("årtal"), "{html}");
    assert!(html.contains(r#"value="tjugo""#));
    assert!(html.contains("Samverkansöverenskommelse 2024–2027"));
    let form = new_agreement_form(&b, "2022");
    let (status, html) = app
        .post(&b, "/samverkan/overenskommelse", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("(from_year)"), "{html}");
    let mut form = new_agreement_form(&b, "2024");
    form.push(("attachment_title_1".into(), "Bilaga 2".into()));
    form.push(("attachment_url_1".into(), "javascript:alert(1)".into()));
    let (status, html) = app
        .post(&b, "/samverkan/overenskommelse", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("https://"), "{html}");
    assert_eq!(agreements().await.len(), 1);

    // The new agreement replaces the current one, which joins its earlier agreements.
    let form = new_agreement_form(&b, "2024");
    let (status, to) = app
        .post(&b, "/samverkan/overenskommelse", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(to, "/samverkan?sparat=1");
    let all = agreements().await;
    assert_eq!(all.len(), 2);
    let current = trygg_app::partnership::require_agreement(app.store.as_ref())
        .await
        .unwrap();
    assert_eq!(current.data.from_year, 2024);
    assert!(
        current
            .data
            .earlier
            .iter()
            .any(|e| (e.from_year, e.to_year) == (2020, 2023))
    );
    let (_, html) = app.page(&b, "/samverkan").await;
    assert!(html.contains("Samverkansöverenskommelse 2024–2027"));
    assert!(html.contains(r#"href="https://example.org/lagesbild.pdf""#));

    // Change the current one at its version; a stale version stores nothing.
    let mut form = new_agreement_form(&b, "2024");
    form.retain(|(k, _)| k != "version" && k != "purpose");
    form.push(("version".into(), current.meta.version.to_string()));
    form.push(("purpose".into(), "Trygghet i hela kommunen.".into()));
    let (status, _) = app
        .post(&b, "/samverkan/overenskommelse", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = app
        .post(&b, "/samverkan/overenskommelse", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("någon annan"), "{html}");
    let current = trygg_app::partnership::require_agreement(app.store.as_ref())
        .await
        .unwrap();
    assert_eq!(current.data.purpose, "Trygghet i hela kommunen.");
    assert_eq!(current.meta.version, 2);
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn add_and_remove_a_commitment_and_decide_the_plan() {
    let app = spawn().await;
    let b = app.login(Role::Coordinator).await;
    let plan = app.plan(2020).await.unwrap();
    let area = plan.data.priority_areas[0].id.clone();
    let parties = seed::agreement().parties;
    let (status, html) = app.page(&b, "/samverkan/atagandeplan/2020").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"action="/samverkan/atagandeplan/2020/atagande""#));
    assert!(html.contains(r#"action="/samverkan/atagandeplan/2020/status""#));
    let version = plan.meta.version.to_string();
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), b.csrf.clone()),
        ("version".into(), version.clone()),
        ("id".into(), "9.1".into()),
        ("priority_area".into(), area.clone()),
        ("title".into(), "Trygghetsvandringar i Gottsunda".into()),
        ("description".into(), "Två vandringar per termin.".into()),
        ("responsible".into(), parties[0].name.clone()),
        ("party_0".into(), parties[0].name.clone()),
        ("planned_hours_0".into(), "40".into()),
        ("planned_sek_0".into(), "12 000".into()),
        ("party_1".into(), parties[1].name.clone()),
        ("planned_hours_1".into(), "mycket".into()),
        ("planned_sek_1".into(), "".into()),
    ];

    // The styrgrupp and a reporter may not post.
    for role in [Role::Steering, Role::Reporter] {
        let other = app.login(role).await;
        let mut f = form.clone();
        f[0].1 = other.csrf.clone();
        for path in [
            "/samverkan/atagandeplan/2020/atagande",
            "/samverkan/atagandeplan/2020/status",
        ] {
            let (status, _) = app.post(&other, path, &pairs(&f)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    // Bad input stores nothing: a number that is not one, then a key used twice.
    let (status, html) = app
        .post(&b, "/samverkan/atagandeplan/2020/atagande", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&parties[1].name), "{html}");
    form[11].1 = "10".into();
    let mut twice = form.clone();
    twice[2].1 = plan.data.commitments[0].id.clone();
    let (status, html) = app
        .post(&b, "/samverkan/atagandeplan/2020/atagande", &pairs(&twice))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(".id)"), "{html}");
    assert_eq!(
        app.plan(2020).await.unwrap().meta.version,
        plan.meta.version
    );

    // The happy path: stored and shown.
    let (status, to) = app
        .post(&b, "/samverkan/atagandeplan/2020/atagande", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let now = app.plan(2020).await.unwrap();
    let c = now.data.commitments.iter().find(|c| c.id == "9.1").unwrap();
    assert_eq!(c.priority_area, area);
    assert_eq!(c.resources.len(), 2);
    assert_eq!(c.resources[0].planned_sek, 12000.0);
    let (_, html) = app.page(&b, "/samverkan/atagandeplan/2020").await;
    assert!(html.contains("Trygghetsvandringar i Gottsunda"));

    // Decide the plan: a date is needed.
    let v = now.meta.version.to_string();
    let (status, _) = app
        .post(
            &b,
            "/samverkan/atagandeplan/2020/status",
            &[
                ("csrf", &b.csrf),
                ("version", &v),
                ("status", "decided"),
                ("date", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(
            &b,
            "/samverkan/atagandeplan/2020/status",
            &[
                ("csrf", &b.csrf),
                ("version", &v),
                ("status", "decided"),
                ("date", "2020-01-28"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let now = app.plan(2020).await.unwrap();
    assert_eq!(
        now.data.status,
        PlanStatus::Decided {
            date: jiff::civil::date(2020, 1, 28)
        }
    );

    // Remove it again (a stale version stores nothing).
    let (status, _) = app
        .post(
            &b,
            "/samverkan/atagandeplan/2020/atagande/9.1/ta-bort",
            &[("csrf", &b.csrf), ("version", &v)],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "stale");
    let v = now.meta.version.to_string();
    let (status, _) = app
        .post(
            &b,
            "/samverkan/atagandeplan/2020/atagande/9.1/ta-bort",
            &[("csrf", &b.csrf), ("version", &v)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let now = app.plan(2020).await.unwrap();
    assert!(!now.data.commitments.iter().any(|c| c.id == "9.1"));
    assert_eq!(now.data.commitments.len(), plan.data.commitments.len());
}

#[tokio::test]
async fn decisions_on_the_law_documents_move_the_renewal_in_the_calendar() {
    let app = spawn().await;
    let coordinator = app.login(Role::Coordinator).await;
    // Before any decision: the law's schedule from 1 July 2023.
    let (_, html) = app.page(&coordinator, "/samverkan").await;
    assert!(html.contains("2023-07-01"), "{html}");
    // No case number: refused with the field, nothing stored.
    let form = |dnr: &'static str| {
        vec![
            ("csrf", coordinator.csrf.as_str()),
            ("document", "lagesbild"),
            ("year", "2023"),
            ("decided_by", "Kommunstyrelsen"),
            ("date", "2023-10-05"),
            ("diarienummer", dnr),
        ]
    };
    let (status, body) = app
        .post(&coordinator, "/samverkan/beslut", &form(" "))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("diarienummer"), "{body}");
    let decisions = || async {
        records::list::<LawDecision>(app.store.as_ref())
            .await
            .unwrap()
            .len()
    };
    assert_eq!(decisions().await, 0);
    let (status, to) = app
        .post(&coordinator, "/samverkan/beslut", &form("KS-2023/00456"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(decisions().await, 1);
    let (_, html) = app.page(&coordinator, "/samverkan/beslut").await;
    assert!(
        html.contains("KS-2023/00456") && html.contains("2023-10-05"),
        "{html}"
    );
    // The next lägesbild is due two years after the decision (after the agreement's end, still
    // shown), and the law's 1 July 2023 is gone.
    let (_, html) = app.page(&coordinator, "/samverkan").await;
    let start = html.find(r#"id="kalender""#).unwrap();
    let calendar = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(calendar.contains("2025-10-05"), "{calendar}");
    assert!(!calendar.contains("2023-07-01"), "{calendar}");
    assert!(calendar.contains("dnr KS-2023/00456"), "{calendar}");
    // The styrgrupp reads, a reporter does not, and neither writes.
    let steering = app.login(Role::Steering).await;
    let (status, _) = app.page(&steering, "/samverkan/beslut").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .post(
            &steering,
            "/samverkan/beslut",
            &[("csrf", steering.csrf.as_str()), ("document", "lagesbild")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let reporter = app.login(Role::Reporter).await;
    let (status, _) = app.page(&reporter, "/samverkan/beslut").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Over the API, with the same rules.
    let res = app
        .http
        .post(app.url("/api/v1/partnership/law-decisions"))
        .header(
            header::COOKIE,
            format!("trygg_session={}", coordinator.cookie),
        )
        .header("x-csrf-token", &coordinator.csrf)
        .json(&serde_json::json!({
            "document": "atgardsplan", "year": 2023, "decided_by": "Kommunfullmäktige",
            "date": "2022-12-01", "diarienummer": "KS-2023/00457"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("\"date\""),
        "a decision before its year: {body}"
    );
}

/// A coordinator writes a citizen promise on its page, changes what is done, is told what to
/// fix for a bad date (nothing stored), and removes it; the communication plan's messages and
/// activities are changed on theirs. Every save lands on a page that says "Sparat".
#[tokio::test]
async fn edit_citizen_promises_and_the_communication_plan_on_their_pages() {
    let app = spawn().await;
    let b = app.login(Role::Coordinator).await;
    let promises = || async {
        records::list::<CitizenPromise>(app.store.as_ref())
            .await
            .unwrap()
    };
    let before = promises().await.len();
    let (status, html) = app.page(&b, "/samverkan/medborgarloften").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"href="/samverkan/medborgarloften/ny""#));
    let (status, html) = app.page(&b, "/samverkan/medborgarloften/ny").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="promise_text_0""#), "{html}");

    let mut form = vec![
        ("csrf", b.csrf.as_str()),
        ("area", "Sävja"),
        ("from", "2024-01-01"),
        ("to", "2024-12-31"),
        ("basis_kind_0", "dialog"),
        ("basis_text_0", "Medborgardialog i Sävja hösten 2023"),
        ("basis_kind_1", "lagesbild"),
        ("basis_text_1", ""),
        ("promise_text_0", "Vi ska lysa upp gångtunneln vid skolan."),
        ("promise_status_0", "ongoing"),
        (
            "promise_done_0",
            "2024-03-01: Trygghetsvandring\nBelysning beställd",
        ),
        ("promise_follow_up_0", "Trygghetsmätning hösten 2024."),
        ("promise_text_1", ""),
        ("promise_status_1", "not_started"),
    ];
    // A bad date: the form again with what was typed and what to fix, nothing stored.
    form[2].1 = "1 januari";
    let (status, html) = app.post(&b, "/samverkan/medborgarloften/ny", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Ange periodens första dag som ÅÅÅÅ-MM-DD."),
        "{html}"
    );
    assert!(html.contains("Vi ska lysa upp gångtunneln vid skolan."));
    assert_eq!(promises().await.len(), before);
    // No basis: the domain's rule, named.
    form[2].1 = "2024-01-01";
    let mut no_basis = form.clone();
    no_basis[5].1 = "";
    let (status, html) = app
        .post(&b, "/samverkan/medborgarloften/ny", &no_basis)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Ändringen sparades inte:") && html.contains("(basis)"),
        "{html}"
    );
    assert_eq!(promises().await.len(), before);

    let (status, to) = app.post(&b, "/samverkan/medborgarloften/ny", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let all = promises().await;
    assert_eq!(all.len(), before + 1);
    let stored = all.iter().find(|p| p.data.area == "Sävja").unwrap();
    assert_eq!(
        to,
        format!(
            "/samverkan/medborgarloften?sparat=1#lofte-{}",
            stored.meta.id
        )
    );
    assert_eq!(stored.data.basis.len(), 1, "the empty row is left out");
    assert_eq!(stored.data.promises.len(), 1);
    let p = &stored.data.promises[0];
    assert_eq!(p.status, CommitmentStatus::Ongoing);
    assert_eq!(p.activities.len(), 2);
    assert_eq!(p.activities[0].date, Some(jiff::civil::date(2024, 3, 1)));
    assert_eq!(p.activities[0].text, "Trygghetsvandring");
    assert_eq!(p.activities[1].date, None);
    let (_, html) = app.page(&b, &to).await;
    assert!(html.contains("Sparat."), "{html}");
    assert!(html.contains("Vi ska lysa upp gångtunneln vid skolan."));

    // Edit: the form holds the stored values; a new status and follow-up are saved.
    let edit = format!("/samverkan/medborgarloften/{}", stored.meta.id);
    let (status, html) = app.page(&b, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2024-03-01: Trygghetsvandring"), "{html}");
    let version = stored.meta.version.to_string();
    let mut changed = form.clone();
    changed.push(("version", &version));
    changed[9].1 = "done";
    changed[11].1 = "Fler känner sig trygga i tunneln.";
    let (status, _) = app.post(&b, &edit, &changed).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after = records::get::<CitizenPromise>(app.store.as_ref(), stored.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.data.promises[0].status, CommitmentStatus::Done);
    assert_eq!(
        after.data.promises[0].follow_up.as_deref(),
        Some("Fler känner sig trygga i tunneln.")
    );
    // The same version again is stale: refused, saying so.
    let (status, html) = app.post(&b, &edit, &changed).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("någon annan har ändrat"), "{html}");
    // A reporter cannot open the form.
    let reporter = app.login(Role::Reporter).await;
    assert_eq!(app.page(&reporter, &edit).await.0, StatusCode::FORBIDDEN);
    // Removed.
    let (status, to) = app
        .post(&b, &format!("{edit}/ta-bort"), &[("csrf", &b.csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, "/samverkan/medborgarloften?sparat=borttaget");
    assert_eq!(promises().await.len(), before);

    // The communication plan: a message and an activity added, another activity removed.
    let plan = records::list::<CommunicationPlan>(app.store.as_ref())
        .await
        .unwrap()
        .remove(0);
    let (status, html) = app.page(&b, "/samverkan/kommunikation/andra").await;
    assert_eq!(status, StatusCode::OK);
    let n = plan.data.activities.len();
    assert!(
        n >= 1 && html.contains(&format!(r#"name="activity_text_{n}""#)),
        "{html}"
    );
    let version = plan.meta.version.to_string();
    let messages = format!(
        "{}\nVi finns i Sävja varje tisdag.",
        plan.data.key_messages.join("\n")
    );
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), b.csrf.clone()),
        ("version".into(), version),
        ("purpose".into(), plan.data.purpose.clone()),
        ("key_messages".into(), messages),
        ("promise_plans".into(), String::new()),
    ];
    for (k, a) in plan.data.activities.iter().enumerate() {
        form.push((
            format!("activity_date_{k}"),
            a.date.map(|d| d.to_string()).unwrap_or_default(),
        ));
        form.push((format!("activity_text_{k}"), a.text.clone()));
        form.push((format!("activity_channel_{k}"), a.channel.clone()));
    }
    form.push(("activity_remove_0".into(), "1".into()));
    form.push((format!("activity_date_{n}"), "2024-05-14".into()));
    form.push((format!("activity_text_{n}"), "Öppet hus i Sävja".into()));
    form.push((format!("activity_channel_{n}"), "Affisch".into()));
    let (status, to) = app
        .post(&b, "/samverkan/kommunikation/andra", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    assert_eq!(to, "/samverkan/kommunikation?sparat=1");
    let after = records::get::<CommunicationPlan>(app.store.as_ref(), plan.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.data.key_messages.len(),
        plan.data.key_messages.len() + 1
    );
    assert_eq!(after.data.activities.len(), n);
    assert!(
        after
            .data
            .activities
            .iter()
            .any(|a| a.text == "Öppet hus i Sävja" && a.channel == "Affisch")
    );
    assert!(
        !after
            .data
            .activities
            .iter()
            .any(|a| a.text == plan.data.activities[0].text)
    );
    // A bad date names the activity; nothing is stored.
    let version = after.meta.version.to_string();
    form[1].1 = version;
    form.push((format!("activity_date_{}", n + 1), "i maj".into()));
    form.push((format!("activity_text_{}", n + 1), "Pressmeddelande".into()));
    let (status, html) = app
        .post(&b, "/samverkan/kommunikation/andra", &pairs(&form))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Ange datumet som ÅÅÅÅ-MM-DD för aktiviteten"),
        "{html}"
    );
    let again = records::get::<CommunicationPlan>(app.store.as_ref(), plan.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.meta.version, after.meta.version);
}
