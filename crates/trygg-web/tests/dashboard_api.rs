//! The lägesbild endpoints (`/api/v1/lagesbild/*`) and `/assets/*` over real HTTP, on a small
//! seeded dataset.

mod common;

use std::sync::Arc;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Stora torget, Uppsala.
const TORGET: (f64, f64) = (59.8586, 17.6389);

fn incident(when: &str, lat: f64, lon: f64, category: &str) -> Value {
    json!({
        "occurred_from": when,
        "category": category,
        "position": {"lat": lat, "lon": lon},
    })
}

async fn post_as(app: &TestApp, token: &str, body: Value) {
    let r = app
        .client
        .post(app.url("/api/v1/incidents"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
}

/// A deterministic scatter over roughly 6 × 6 km around the centre, in May 2024.
async fn seed_background(app: &TestApp, n: usize) {
    for i in 0..n {
        let a = (i * 7919 % 997) as f64 / 997.0;
        let b = (i * 104_729 % 991) as f64 / 991.0;
        let day = 1 + i % 28;
        post_as(
            app,
            &app.token,
            incident(
                &format!("2024-05-{day:02} {:02}:00", i % 24),
                TORGET.0 - 0.027 + 0.054 * a,
                TORGET.1 - 0.05 + 0.1 * b,
                "skadegorelse.klotter",
            ),
        )
        .await;
    }
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    app.get(path, &app.token).await
}

#[tokio::test]
async fn a_planted_cluster_is_a_hot_spot_and_a_top_place() {
    let app = spawn_app().await;
    seed_background(&app, 80).await;
    for i in 0..30 {
        let mut body = incident(
            &format!("2024-05-{:02} 22:00", 1 + i % 28),
            TORGET.0 + 0.0001 * (i % 3) as f64,
            TORGET.1 + 0.0001 * (i % 5) as f64,
            "skadegorelse.klotter",
        );
        // Most of the cluster names its place; some name it otherwise, some not at all.
        if i % 3 != 0 {
            body["place"] = json!("Stora torget");
        } else if i % 2 == 0 {
            body["place"] = json!("Torget vid Gamla torget");
        }
        post_as(&app, &app.token, body).await;
    }
    // A lone incident 2 km away, with no place of its own, takes the nearest name.
    let mut lone = incident(
        "2024-05-03 12:00",
        TORGET.0 + 0.018,
        TORGET.1,
        "skadegorelse.klotter",
    );
    lone["place"] = json!("Ekebyvägen");
    post_as(&app, &app.token, lone.clone()).await;
    lone["place"] = Value::Null;
    lone["position"]["lon"] = json!(TORGET.1 + 0.002);
    post_as(&app, &app.token, lone).await;
    let q = "from=2024-05-01&to=2024-06-01";
    let (s, hot) = get(&app, &format!("/api/v1/lagesbild/hotspots?{q}")).await;
    assert_eq!(s, StatusCode::OK, "{hot}");
    assert_eq!(hot["events"], 112);
    assert_eq!(hot["weights"], "queen");
    // The cell holding the cluster is a 99 % hot spot, and its ring contains Stora torget.
    let best = hot["cells"]
        .as_array()
        .unwrap()
        .iter()
        .max_by(|a, b| {
            a["count"]
                .as_f64()
                .partial_cmp(&b["count"].as_f64())
                .unwrap()
        })
        .expect("significant cells");
    assert_eq!(best["class"], 3, "{best}");
    assert!(best["count"].as_f64().unwrap() >= 20.0);
    let ring = best["ring"].as_array().unwrap();
    let lons: Vec<f64> = ring.iter().map(|p| p[0].as_f64().unwrap()).collect();
    let lats: Vec<f64> = ring.iter().map(|p| p[1].as_f64().unwrap()).collect();
    let inside = |v: f64, vs: &[f64]| {
        vs.iter().copied().fold(f64::MAX, f64::min) - 0.003 <= v
            && v <= vs.iter().copied().fold(f64::MIN, f64::max) + 0.003
    };
    assert!(inside(TORGET.0, &lats) && inside(TORGET.1, &lons), "{best}");
    assert!(hot["classes"]["3"].as_u64().unwrap() >= 1);

    let (s, top) = get(&app, &format!("/api/v1/lagesbild/top-places?{q}&n=3")).await;
    assert_eq!(s, StatusCode::OK, "{top}");
    let first = &top["places"][0];
    assert!(first["count"].as_u64().unwrap() >= 30, "{top}");
    assert!((first["lat"].as_f64().unwrap() - TORGET.0).abs() < 0.002);
    assert_eq!(top["snap"], 100.0);
    // Named by the most frequent place name among its incidents, not only by its district.
    assert_eq!(first["place"], "Stora torget", "{top}");
    assert_eq!(first["place_near"], false, "{top}");
    // A place whose incidents name no place takes the nearest named incident's place.
    let (_, all) = get(&app, &format!("/api/v1/lagesbild/top-places?{q}&n=100")).await;
    let unnamed_neighbour = all["places"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["place_near"] == true && p["place"] == "Ekebyvägen");
    assert!(unnamed_neighbour.is_some(), "{all}");

    let (s, kde) = get(&app, &format!("/api/v1/lagesbild/kde?{q}")).await;
    assert_eq!(s, StatusCode::OK, "{kde}");
    assert!(kde["radius"].as_f64().unwrap() > 0.0);
    assert_eq!(kde["default_radius"], true);
    assert!(!kde["cells"].as_array().unwrap().is_empty());

    let (s, pts) = get(&app, &format!("/api/v1/lagesbild/points?{q}&limit=50")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(pts["type"], "FeatureCollection");
    assert_eq!(pts["total"], 112);
    assert_eq!(pts["returned"], 50);
    assert_eq!(pts["left_out"], 62);
    assert_eq!(
        pts["features"][0]["properties"]["category"],
        "skadegorelse.klotter"
    );

    let (s, nr) = get(&app, &format!("/api/v1/lagesbild/near-repeat?{q}")).await;
    assert_eq!(s, StatusCode::OK, "{nr}");
    assert!(nr["sentence"].as_str().unwrap().len() > 20, "{nr}");
    assert!(nr["sentence_en"].as_str().unwrap().len() > 20, "{nr}");
    assert_eq!(nr["observed"].as_array().unwrap().len(), 5);
    assert_eq!(
        nr["notable"].as_array().unwrap().len(),
        4,
        "finite space bands"
    );
    assert_eq!(nr["permutations"], 299);

    // The second answer for the same view comes from the cache; a write invalidates it.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/lagesbild/near-repeat?{q}")))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-trygg-cache"], "hit");
    post_as(
        &app,
        &app.token,
        incident(
            "2024-05-02 12:00",
            TORGET.0,
            TORGET.1,
            "skadegorelse.klotter",
        ),
    )
    .await;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/lagesbild/hotspots?{q}")))
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-trygg-cache"], "miss");
    assert_eq!(r.json::<Value>().await.unwrap()["events"], 113);
}

#[tokio::test]
async fn trend_aligns_last_year_by_iso_week() {
    let app = spawn_app().await;
    // 2024-05-01 is a Wednesday in ISO week 18; 2023-05-03 is the Wednesday of 2023-W18,
    // and 2023-05-01 (Monday) is in 2023-W18 too. 2024-04-29 (Monday, W18) and 2024-05-08 (W19).
    for when in ["2024-05-01 12:00", "2024-05-01 13:00", "2024-05-08 12:00"] {
        post_as(
            &app,
            &app.token,
            incident(when, TORGET.0, TORGET.1, "ordning.inbrott"),
        )
        .await;
    }
    for when in [
        "2023-05-03 12:00",
        "2023-05-01 01:00",
        "2023-05-12 12:00",
        "2023-04-30 23:00",
    ] {
        post_as(
            &app,
            &app.token,
            incident(when, TORGET.0, TORGET.1, "ordning.inbrott"),
        )
        .await;
    }
    // A period starting mid-week covers the whole ISO weeks it touches.
    let (s, t) = get(
        &app,
        "/api/v1/lagesbild/trend?from=2024-05-01&to=2024-05-13",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["from"], "2024-04-29");
    assert_eq!(t["to"], "2024-05-13");
    let weeks = t["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 2, "{t}");
    assert_eq!(weeks[0]["week"], 18);
    assert_eq!(weeks[0]["label"], "v. 18");
    assert_eq!(weeks[0]["monday"], "2024-04-29");
    assert_eq!(weeks[0]["count"], 2);
    // 2023-W18 = 1–7 May 2023: the 1st and the 3rd; 30 April is 2023-W17.
    assert_eq!(weeks[0]["last_year"], 2);
    assert_eq!(weeks[1]["count"], 1);
    assert_eq!(weeks[1]["last_year"], 1);
    assert_eq!(t["total"], 3);
    assert_eq!(t["total_last_year"], 3);

    // Week 53 of 2020 has no counterpart in 2019 (52 weeks).
    let (s, t) = get(
        &app,
        "/api/v1/lagesbild/trend?from=2020-12-28&to=2021-01-04",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["weeks"][0]["week"], 53);
    assert_eq!(t["weeks"][0]["last_year"], Value::Null);

    let (s, h) = get(&app, "/api/v1/lagesbild/hour-weekday?from=2024-01-01").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["total"], 3.0);
    // Wednesdays (index 2): two at 12:00 local (1 and 8 May), one at 13:00.
    assert_eq!(h["values"][2][12], 2.0);
    assert_eq!(h["values"][2][13], 1.0);
}

#[tokio::test]
async fn another_organisations_internal_incidents_are_not_counted() {
    let app = spawn_app().await;
    post_as(
        &app,
        &app.token,
        incident("2024-05-01 12:00", TORGET.0, TORGET.1, "ordning.inbrott"),
    )
    .await;
    let mut internal = incident("2024-05-02 12:00", TORGET.0, TORGET.1, "ordning.inbrott");
    internal["visibility"] = json!("internal");
    post_as(&app, &app.other_token, internal).await;
    // Area precision: counted in the trend, never a point.
    let mut centroid = incident("2024-05-03 12:00", TORGET.0, TORGET.1, "ordning.inbrott");
    centroid["position"]["precision"] = json!("area");
    post_as(&app, &app.token, centroid).await;

    let q = "from=2024-04-29&to=2024-05-06";
    let (_, mine) = get(&app, &format!("/api/v1/lagesbild/trend?{q}")).await;
    assert_eq!(mine["total"], 2, "{mine}");
    let (_, theirs) = app
        .get(&format!("/api/v1/lagesbild/trend?{q}"), &app.other_token)
        .await;
    assert_eq!(theirs["total"], 3, "{theirs}");
    let (_, pts) = get(&app, &format!("/api/v1/lagesbild/points?{q}")).await;
    assert_eq!(pts["total"], 1);
    assert_eq!(pts["excluded_area_precision"], 1);
    let (_, pts) = app
        .get(&format!("/api/v1/lagesbild/points?{q}"), &app.other_token)
        .await;
    assert_eq!(pts["total"], 2);
    let (_, hw) = get(&app, &format!("/api/v1/lagesbild/hour-weekday?{q}")).await;
    assert_eq!(hw["total"], 2.0);
    // Filters: category group expands; source restricts to channels.
    let (_, t) = get(
        &app,
        &format!("/api/v1/lagesbild/trend?{q}&category=ordning"),
    )
    .await;
    assert_eq!(t["total"], 2);
    let (_, t) = get(
        &app,
        &format!("/api/v1/lagesbild/trend?{q}&category=skadegorelse"),
    )
    .await;
    assert_eq!(t["total"], 0);
    let (_, t) = get(
        &app,
        &format!("/api/v1/lagesbild/trend?{q}&source=est&source=api"),
    )
    .await;
    assert_eq!(t["total"], 2);
    let (_, t) = get(&app, &format!("/api/v1/lagesbild/trend?{q}&source=polisen")).await;
    assert_eq!(t["total"], 0);
}

#[tokio::test]
async fn bad_filters_are_refused_with_a_clear_message() {
    let app = spawn_app().await;
    for (q, field, says) in [
        ("category=nonsense", "category", "Unknown category"),
        ("from=31/12", "from", ""),
        ("area=x", "area", "not an area id"),
        ("source=fax", "source", "neither a channel"),
        ("bogus=1", "bogus", "Unknown parameter"),
        ("cell=abc", "cell", "is not a cell size"),
        ("cell=1", "cell", "between 10 and 5000"),
        (
            "from=2024-05-01&to=2024-04-01",
            "to",
            "ends before it starts",
        ),
        ("kind=planet", "kind", "Unknown area kind"),
    ] {
        let path = if field == "kind" { "areas" } else { "trend" };
        let (s, body) = get(&app, &format!("/api/v1/lagesbild/{path}?{q}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {body}");
        assert_eq!(body["error"]["field"], field, "{q}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{q}: {message}");
    }
    // Without a token: 401.
    let r = app
        .client
        .get(app.url("/api/v1/lagesbild/trend"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // An empty snapshot answers every panel.
    for p in [
        "points",
        "kde",
        "hotspots",
        "areas",
        "trend",
        "hour-weekday",
        "top-places",
        "near-repeat",
    ] {
        let (s, body) = get(
            &app,
            &format!("/api/v1/lagesbild/{p}?layers=omraden&lang=sv"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}: {body}");
    }
}

#[tokio::test]
async fn assets_are_embedded_with_type_cache_and_etag() {
    let store: Arc<dyn trygg_store::Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect("sqlite::memory:")
            .await
            .unwrap(),
    );
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let state = trygg_web::AppState::new(trygg_app::App::load(store, tz).await.unwrap());
    let router = trygg_web::assets::routes().with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(listener, router, std::future::pending()));
    let client = reqwest::Client::new();
    let r = client
        .get(format!("{base}/assets/vendor/leaflet/leaflet.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(r.headers()["cache-control"], "public, max-age=86400");
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert!(r.text().await.unwrap().contains("Leaflet"));
    let r = client
        .get(format!("{base}/assets/vendor/leaflet/leaflet.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let r = client
        .get(format!("{base}/assets/dashboard.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let r = client
        .get(format!("{base}/assets/vendor/leaflet/images/layers.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    let r = client
        .get(format!("{base}/assets/nope.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// Serves the dashboard page over an existing database for a look in a browser, with every
/// request authenticated as its `analytiker@demo` (dev only, no login needed):
/// `TRYGG_DEV_DB=sqlite:///tmp/x.db TRYGG_DEV_PORT=8099 cargo test -p trygg-web --test
/// dashboard_api dev_dashboard -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "dev server for looking at the page; runs until killed"]
async fn dev_dashboard() {
    use axum::{
        extract::{Query, State},
        response::Html,
        routing::get as route_get,
    };
    let url = std::env::var("TRYGG_DEV_DB").expect("TRYGG_DEV_DB");
    let port = std::env::var("TRYGG_DEV_PORT").unwrap_or_else(|_| "8099".into());
    let store: Arc<dyn trygg_store::Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    let user = store
        .user_credentials("analytiker@demo")
        .await
        .unwrap()
        .expect("analytiker@demo")
        .user;
    let token = trygg_app::credentials::generate_token();
    store
        .create_api_token(
            &trygg_domain::Actor::system("dev"),
            user.id,
            "dev",
            &trygg_app::credentials::hash_token(&token),
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24),
        )
        .await
        .unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let state = trygg_web::AppState::new(trygg_app::App::load(store, tz).await.unwrap());
    async fn page(
        State(state): State<trygg_web::AppState>,
        Query(pairs): Query<Vec<(String, String)>>,
    ) -> Html<String> {
        let q = trygg_app::lagesbild::DashboardQuery::from_pairs(&pairs).unwrap();
        let areas = state.store.list_areas().await.unwrap();
        let ctx = trygg_web::ui::PageCtx {
            path: "/lagesbild".into(),
            ..Default::default()
        };
        let config = trygg_web::ui::dashboard::DashboardConfig {
            tile_url: std::env::var("TRYGG_DEV_TILES").unwrap_or_default(),
            ..Default::default()
        };
        let body = trygg_web::ui::dashboard::body(&ctx, &q, &areas, &config);
        Html(trygg_web::ui::layout(&ctx, "Lägesbild", body).into_string())
    }
    let auth = format!("Bearer {token}");
    let router = trygg_web::router(state.clone())
        .merge(
            axum::Router::new()
                .route("/lagesbild", route_get(page))
                .merge(trygg_web::assets::routes())
                .with_state(state),
        )
        .layer(axum::middleware::from_fn(
            move |mut req: axum::extract::Request, next: axum::middleware::Next| {
                let auth = auth.clone();
                async move {
                    req.headers_mut()
                        .insert("authorization", auth.parse().unwrap());
                    next.run(req).await
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    println!("dashboard on http://127.0.0.1:{port}/lagesbild");
    trygg_web::serve(listener, router, std::future::pending())
        .await
        .unwrap();
}
