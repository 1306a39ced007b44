//! Indicators over real HTTP: a reporter's token is refused an import before the body is read,
//! an analyst imports, everyone signed in reads, a bad file answers 422 with its lines and an
//! unknown format 400; a dataset is deleted.

mod common;

use reqwest::StatusCode;
use serde_json::Value;
use trygg_domain::Role;

const KOMMUN: &[u8] =
    include_bytes!("../../trygg-import/tests/fixtures/scb_uppsala_kommun_0380_wgs84.geojson");

#[tokio::test]
async fn import_read_and_delete_indicators() {
    let app = common::spawn(&[
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsala kommun", "rapportor@test", Role::Reporter),
    ])
    .await;
    let [analyst, reporter] = <[String; 2]>::try_from(app.tokens).unwrap();
    let client = reqwest::Client::new();
    let post = |path: &str, token: &str, body: &[u8]| {
        client
            .post(format!("{}{path}", app.base))
            .bearer_auth(token)
            .body(body.to_vec())
            .send()
    };
    let r = post("/api/v1/import/areas", &analyst, KOMMUN)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let file = "indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet\n\
                Andel otrygga kvällstid;Polisens trygghetsmätning;0380;2024;32;28;36;812;procent\n";
    let path = "/api/v1/indicators/import?format=long";
    let r = post(path, &reporter, file.as_bytes()).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post(path, &analyst, file.as_bytes()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["created"].as_u64(), v["read"].as_u64()),
        (Some(1), Some(1)),
        "{v}"
    );
    let v: Value = post(path, &analyst, file.as_bytes())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["unchanged"], 1, "the same file again: {v}");

    let r = client
        .get(format!(
            "{}/api/v1/indicators?period=2023-2024&indicator=andel-otrygga-kvallstid",
            app.base
        ))
        .bearer_auth(&reporter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["items"][0]["text"], "32\u{a0}% (28–36), n = 812");
    assert_eq!(v["items"][0]["period"], "2024");
    assert_eq!(v["series"][0]["source"], "Polisens trygghetsmätning");

    let bad = "indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet\n\
               Andel otrygga kvällstid;Enkät;0380;2024;40;28;36;812;procent\n";
    let r = post(path, &analyst, bad.as_bytes()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("import_failed") && text.contains("outside its confidence interval"),
        "{text}"
    );
    let r = post(
        "/api/v1/indicators/import?format=xlsx",
        &analyst,
        file.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let delete = |token: &str| {
        client
            .delete(format!(
                "{}/api/v1/indicators?indicator=andel-otrygga-kvallstid&source=Polisens%20trygghetsm%C3%A4tning",
                app.base
            ))
            .bearer_auth(token.to_string())
            .send()
    };
    assert_eq!(
        delete(&reporter).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let v: Value = delete(&analyst).await.unwrap().json().await.unwrap();
    assert_eq!(v["deleted"], 1, "{v}");
}
