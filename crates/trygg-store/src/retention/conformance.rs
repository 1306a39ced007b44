//! Retention on every backend: what each [`Purge`] removes, what it leaves, what it records.
//! Expects an empty, freshly migrated database; panics naming the broken rule.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use trygg_domain::{
    Actor, AreaKind, AuditEvent, Channel, IncidentId, NewArea, NewIncident, NewOrganisation,
    NewUser, OrgKind, OrganisationId, Role, Scope, Visibility,
};

use super::Purge;
use crate::{
    AssignedIncident, AuditFilter, BatchAudit, NewReport, NewSession, Store,
    conformance::sample_incident,
};

fn t(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

async fn audit(store: &dyn Store) -> Vec<AuditEvent> {
    store
        .list_audit(&AuditFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("audit")
}

async fn retention_events(store: &dyn Store) -> Vec<AuditEvent> {
    audit(store)
        .await
        .into_iter()
        .filter(|e| e.action == "retention")
        .collect()
}

/// Runs `purge` after its dry run: the count comes first and writes nothing, the run removes
/// exactly that many, and a second run removes none and records nothing.
async fn purge_once(store: &dyn Store, purge: &Purge, rule: &str, expected: u64) {
    let actor = Actor::system("retention");
    let events = audit(store).await.len();
    let counted = store.purge_count(purge).await.expect("count");
    assert_eq!(counted, expected, "{rule}: dry-run count");
    assert_eq!(
        audit(store).await.len(),
        events,
        "{rule}: the dry run writes nothing"
    );
    assert_eq!(
        store.purge_count(purge).await.unwrap(),
        counted,
        "{rule}: counting twice changes nothing"
    );
    let went = store.purge(&actor, purge, rule).await.expect("purge");
    assert_eq!(
        went, counted,
        "{rule}: the run removes what the dry run counted"
    );
    let records = retention_events(store).await;
    if expected > 0 {
        let last = &records[0];
        assert_eq!(
            last.entity,
            purge.class(),
            "{rule}: recorded under its class"
        );
        assert_eq!(last.entity_id, None);
        assert_eq!(last.before, None, "{rule}: no content recorded");
        let after = last.after.clone().expect("the record");
        assert_eq!(after["rule"], rule);
        assert_eq!(after["count"], expected);
        assert_eq!(after["cutoff"], purge.cutoff().to_string());
        let keys: Vec<&String> = after.as_object().unwrap().keys().collect();
        assert!(
            keys.iter()
                .all(|k| ["rule", "count", "cutoff", "reports"].contains(&k.as_str())),
            "{rule}: the record holds counts, never content: {after}"
        );
    }
    let recorded = records.len();
    assert_eq!(
        store.purge(&actor, purge, rule).await.unwrap(),
        0,
        "{rule}: a second run removes nothing"
    );
    assert_eq!(
        retention_events(store).await.len(),
        recorded,
        "{rule}: a run that removes nothing records nothing"
    );
}

fn est(org: OrganisationId, at: &str, text: &str) -> AssignedIncident {
    let mut i = sample_incident(org, at, "skadegorelse.klotter");
    i.channel = Channel::Est;
    i.description = Some(text.into());
    AssignedIncident {
        incident: i,
        areas: vec![],
    }
}

fn from(org: OrganisationId, channel: Channel, at: &str, key: &str) -> NewIncident {
    let mut i = sample_incident(org, at, "skadegorelse.klotter");
    i.channel = channel;
    i.external_id = (channel != Channel::Api).then(|| key.to_string());
    i.description = Some(format!("Text {key}"));
    i
}

/// The whole retention check, on an empty store.
pub async fn run(store: &dyn Store) {
    let actor = Actor::system("conformance");
    let org = |name: &str, kind| NewOrganisation {
        name: name.into(),
        kind,
        parent_id: None,
    };
    let kommun = store
        .create_organisation(&actor, org("Uppsala kommun", OrgKind::Kommun))
        .await
        .unwrap();
    let polis = store
        .create_organisation(&actor, org("LPO Uppsala", OrgKind::Lokalpolisomrade))
        .await
        .unwrap();
    let user = store
        .create_user(
            &actor,
            NewUser {
                email: "rapportor@test".into(),
                display_name: "Rapportör".into(),
                organisation_id: kommun.id,
                roles: vec![Role::Reporter],
            },
            None,
        )
        .await
        .unwrap();
    let geometry = json!({"type": "Polygon", "coordinates": [[[17.60, 59.84], [17.68, 59.84], [17.68, 59.88], [17.60, 59.88], [17.60, 59.84]]]});
    let centrum = store
        .upsert_areas(
            &actor,
            vec![NewArea {
                name: "Centrum".into(),
                code: Some("C".into()),
                kind: AreaKind::District,
                geometry,
            }],
        )
        .await
        .unwrap()[0]
        .id;

    // EST reports: an old one and a recent one.
    let report = |incidents| NewReport {
        organisation_id: kommun.id,
        reporter_id: Some(user.id),
        incidents,
    };
    let old_text = "Skadegörelse vid skolans baksida 2015";
    let new_text = "Samling vid busshållplatsen";
    let (old_report, old_est) = store
        .create_report(
            &actor,
            report(vec![est(kommun.id, "2015-05-01T20:00:00Z", old_text)]),
        )
        .await
        .unwrap();
    let (_, new_est) = store
        .create_report(
            &actor,
            report(vec![est(kommun.id, "2024-05-01T20:00:00Z", new_text)]),
        )
        .await
        .unwrap();
    let (old_est, new_est) = (old_est[0].id, new_est[0].id);
    // Other channels: the API (per incident), Polisen and a file import (batches).
    let old_api = store
        .create_incident(
            &actor,
            AssignedIncident {
                incident: from(kommun.id, Channel::Api, "2015-06-01T12:00:00Z", "api-old"),
                areas: vec![centrum],
            },
        )
        .await
        .unwrap()
        .id;
    let feed = |at: &str, key: &str| AssignedIncident {
        incident: from(polis.id, Channel::Polisen, at, key),
        areas: vec![centrum],
    };
    let polisen = store
        .write_incidents(
            &actor,
            vec![
                feed("2016-01-01T12:00:00Z", "p-old"),
                feed("2024-01-01T12:00:00Z", "p-new"),
            ],
            BatchAudit::Batch(json!({"source": "polisen"})),
        )
        .await
        .unwrap();
    // The old Polisen event is updated once, so its history holds its text twice.
    let mut changed = feed("2016-01-01T12:00:00Z", "p-old");
    changed.incident.description = Some("Rättad text p-old".into());
    store
        .write_incidents(
            &actor,
            vec![changed],
            BatchAudit::Batch(json!({"source": "polisen"})),
        )
        .await
        .unwrap();
    let get = |id: IncidentId| async move { store.get_incident(id, Scope::All).await.unwrap() };
    let old_polisen = polisen.ids[0].min(polisen.ids[1]);
    let new_polisen = polisen.ids[0].max(polisen.ids[1]);
    assert_eq!(
        get(old_polisen).await.unwrap().occurred_from,
        t("2016-01-01T12:00:00Z")
    );
    let imported = store
        .write_incidents(
            &actor,
            vec![AssignedIncident {
                incident: from(
                    kommun.id,
                    Channel::Import,
                    "2017-01-01T12:00:00Z",
                    "imp-old",
                ),
                areas: vec![centrum],
            }],
            BatchAudit::Batch(json!({"file": "x.csv"})),
        )
        .await
        .unwrap()
        .ids[0];
    // An approved follow-up holds its figures as a record.
    let figures = json!({
        "intervention_id": 1,
        "evaluation": {"before": 41, "after": 23, "relative_effect": -0.44, "status": "approved"},
        "approved_at": "2024-06-01T10:00:00Z",
        "approved_by": "Samordnare",
    });
    let follow_up = store
        .create_record(&actor, "follow_up", kommun.id, Visibility::Shared, figures)
        .await
        .unwrap();
    let approved = store
        .get_record("follow_up", follow_up.id)
        .await
        .unwrap()
        .unwrap();

    let cutoff = t("2020-01-01T00:00:00Z");

    // 1. EST free text: blanked in the incident and in every audit copy; nothing else.
    let blank = Purge::BlankIncidentText {
        channel: Channel::Est,
        before: cutoff,
    };
    purge_once(store, &blank, "est_free_text_years = 3", 1).await;
    let blanked = get(old_est).await.expect("the incident stays");
    assert_eq!(blanked.description, None, "the old EST text is blanked");
    assert_eq!(blanked.category, "skadegorelse.klotter", "the rest stays");
    assert_eq!(blanked.areas, Vec::new());
    assert_eq!(
        get(new_est).await.unwrap().description.as_deref(),
        Some(new_text),
        "a recent EST text stays"
    );
    assert_eq!(
        get(old_api).await.unwrap().description.as_deref(),
        Some("Text api-old"),
        "other channels' text stays"
    );
    let everything = serde_json::to_string(&audit(store).await).unwrap();
    assert!(
        !everything.contains(old_text),
        "the blanked text is nowhere in the audit log"
    );
    assert!(
        everything.contains(new_text),
        "a recent EST text stays in its audit"
    );
    let history = store
        .list_audit(&AuditFilter {
            entity: Some("incident".into()),
            entity_id: Some(old_est.to_string()),
            limit: 0,
        })
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "the incident's history stays");
    let copy = history[0].after.as_ref().expect("its creation");
    assert!(
        copy.get("description").is_none(),
        "without the text: {copy}"
    );
    assert_eq!(copy["category"], "skadegorelse.klotter", "with the rest");

    // 2. Incidents of one channel (Polisen): only that channel, only before the cutoff, with
    //    their area links and the audit events about them.
    let links_before = store.analysis_rows(None).await.unwrap();
    assert_eq!(links_before.len(), 6);
    let feed_rule = Purge::DeleteIncidents {
        channel: Some(Channel::Polisen),
        source_org: None,
        before: cutoff,
    };
    purge_once(
        store,
        &feed_rule,
        "incidents source = \"polisen\" years = 5",
        1,
    )
    .await;
    assert!(get(old_polisen).await.is_none(), "the old event is gone");
    assert!(get(new_polisen).await.is_some(), "a recent one stays");
    assert!(get(old_api).await.is_some(), "another channel's stays");
    assert!(get(imported).await.is_some(), "another channel's stays");
    assert!(
        store
            .analysis_rows(Some(&[old_polisen]))
            .await
            .unwrap()
            .is_empty(),
        "nothing of it is read"
    );
    let rows = store.analysis_rows(None).await.unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.id != old_polisen));
    assert_eq!(
        rows.iter().find(|r| r.id == new_polisen).unwrap().areas,
        vec![centrum],
        "the others keep their links"
    );
    let about = |id: IncidentId| AuditFilter {
        entity: Some("incident".into()),
        entity_id: Some(id.to_string()),
        limit: 0,
    };
    assert!(
        store
            .list_audit(&about(old_polisen))
            .await
            .unwrap()
            .is_empty(),
        "the audit events about it (with its text) are gone"
    );
    let everything = serde_json::to_string(&audit(store).await).unwrap();
    assert!(!everything.contains("p-old"), "its text is nowhere");

    // 3. Incidents of one organisation: every channel of it, the EST report left empty too.
    let kommun_rule = Purge::DeleteIncidents {
        channel: None,
        source_org: Some(kommun.id),
        before: cutoff,
    };
    purge_once(
        store,
        &kommun_rule,
        "incidents source = \"Uppsala kommun\" years = 5",
        3,
    )
    .await;
    for id in [old_est, old_api, imported] {
        assert!(get(id).await.is_none(), "incident {id} is gone");
        assert!(store.list_audit(&about(id)).await.unwrap().is_empty());
    }
    assert!(get(new_est).await.is_some() && get(new_polisen).await.is_some());
    let record = retention_events(store).await[0].after.clone().unwrap();
    assert_eq!(
        record["reports"], 1,
        "the emptied EST report goes: {record}"
    );
    let report_audit = |id: i64| AuditFilter {
        entity: Some("report".into()),
        entity_id: Some(id.to_string()),
        limit: 0,
    };
    assert!(
        store
            .list_audit(&report_audit(old_report.id.0))
            .await
            .unwrap()
            .is_empty(),
        "with its audit"
    );
    assert_eq!(
        store
            .get_record("follow_up", follow_up.id)
            .await
            .unwrap()
            .unwrap(),
        approved,
        "the approved follow-up keeps its figures"
    );

    // 4. Audit events: older ones go, retention records never.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let mark = Timestamp::now();
    tokio::time::sleep(Duration::from_millis(5)).await;
    store
        .create_organisation(&actor, org("Brå", OrgKind::Partner))
        .await
        .unwrap();
    let all = audit(store).await;
    let older = all
        .iter()
        .filter(|e| e.at < mark && e.action != "retention")
        .count() as u64;
    let kept_records = retention_events(store).await.len();
    assert_eq!(kept_records, 3);
    let audit_rule = Purge::DeleteAudit { before: mark };
    purge_once(store, &audit_rule, "audit_years = 10", older).await;
    let left = audit(store).await;
    assert!(
        left.iter().all(|e| e.at >= mark || e.action == "retention"),
        "only newer events and retention records stay"
    );
    assert_eq!(
        retention_events(store).await.len(),
        kept_records + 1,
        "every retention record stays"
    );
    assert!(
        left.iter()
            .any(|e| e.entity == "organisation" && e.action == "create"),
        "the newer event stays"
    );

    // 5. Sessions and sign-in failures.
    let now = Timestamp::now();
    let session = |hash: &str, expires_at| NewSession {
        token_hash: hash.into(),
        csrf: "c".into(),
        expires_at,
    };
    store
        .create_session(
            user.id,
            &session("live", now + SignedDuration::from_hours(8)),
        )
        .await
        .unwrap();
    store
        .create_session(
            user.id,
            &session("expired", now - SignedDuration::from_hours(1)),
        )
        .await
        .unwrap();
    purge_once(store, &Purge::DeleteSessions { now }, "sessions = true", 1).await;
    assert!(
        store.session("live", now).await.unwrap().is_some(),
        "a live session stays"
    );
    let day = SignedDuration::from_hours(24);
    let key = vec!["address:203.0.113.5".to_string()];
    let long_ago = now - SignedDuration::from_hours(24 * 30);
    store
        .record_sign_in_failure(&key, now - 2 * day, long_ago)
        .await
        .unwrap();
    store
        .record_sign_in_failure(&key, now, long_ago)
        .await
        .unwrap();
    purge_once(
        store,
        &Purge::DeleteSignInFailures { before: now - day },
        "sessions = true",
        1,
    )
    .await;
    assert_eq!(
        store.sign_in_failures(&key[0], long_ago).await.unwrap().0,
        1,
        "today's failure stays"
    );

    // 6. API tokens: expired or revoked before the cutoff.
    let token = |name: &'static str, expires_at| {
        store.create_api_token(&actor, user.id, name, name, expires_at)
    };
    let _expired = token("expired", t("2001-01-01T00:00:00Z")).await.unwrap();
    let revoked = token("revoked", now + 30 * day).await.unwrap();
    let live = token("live", now + 30 * day).await.unwrap();
    store.revoke_api_token(&actor, revoked).await.unwrap();
    let ninety = Purge::DeleteTokens {
        before: now - 90 * day,
    };
    purge_once(store, &ninety, "expired_tokens_days = 90", 1).await;
    let ids = |v: Vec<crate::ApiToken>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list_api_tokens().await.unwrap()),
        vec![revoked, live]
    );
    let later = Purge::DeleteTokens {
        before: Timestamp::now() + SignedDuration::from_secs(2),
    };
    purge_once(store, &later, "expired_tokens_days = 1", 1).await;
    assert_eq!(
        ids(store.list_api_tokens().await.unwrap()),
        vec![live],
        "a revoked token goes once its time has passed; a live one never"
    );

    // 7. Records chosen by the app's rule (citizens' tips): the e-mail address leaves the
    //    record and every audit copy first; later the records go with their audit events.
    let tip = |text: &str, email: Option<&str>| json!({"description": text, "email": email, "status": "rejected"});
    let mut tips = Vec::new();
    for (text, email) in [
        ("Trasig lampa", Some("anna@example.se")),
        ("Mörk gångtunnel", Some("bo@example.se")),
        ("Klotter", None),
    ] {
        let meta = store
            .create_record(
                &actor,
                "tip",
                kommun.id,
                Visibility::Shared,
                tip(text, email),
            )
            .await
            .unwrap();
        store
            .update_record(&actor, "tip", meta.id, meta.version, {
                let mut d = tip(text, email);
                d["status"] = json!("accepted");
                d
            })
            .await
            .unwrap();
        tips.push(meta.id);
    }
    let other = store
        .create_record(
            &actor,
            "problem",
            kommun.id,
            Visibility::Shared,
            json!({"email": "x@y.se"}),
        )
        .await
        .unwrap();
    let cutoff = t("2026-01-01T00:00:00Z");
    let blank = Purge::BlankRecordField {
        class: "tip_email",
        kind: "tip",
        field: "email",
        ids: vec![tips[0], tips[1], tips[2], other.id],
        before: cutoff,
    };
    purge_once(store, &blank, "tip_email_days = 30", 2).await;
    for &id in &tips {
        let r = store.get_record("tip", id).await.unwrap().expect("kept");
        assert!(
            !r.data.get("email").is_some_and(|e| e.is_string()),
            "the address left tip {id}: {}",
            r.data
        );
        assert_eq!(r.data["status"], "accepted", "the rest of the tip stays");
    }
    assert_eq!(
        store
            .get_record("tip", tips[0])
            .await
            .unwrap()
            .unwrap()
            .meta
            .version,
        3,
        "blanking makes a new version"
    );
    let copies: Vec<AuditEvent> = audit(store)
        .await
        .into_iter()
        .filter(|e| e.entity == "tip" && e.entity_id.is_some())
        .collect();
    assert_eq!(copies.len(), 6, "create and update of three tips");
    for e in &copies {
        let text = format!("{:?}{:?}", e.before, e.after);
        assert!(
            !text.contains("example.se"),
            "no audit copy keeps an address: {text}"
        );
    }
    assert!(
        copies.iter().any(|e| e
            .after
            .as_ref()
            .is_some_and(|a| a["data"]["description"] == "Trasig lampa")),
        "the copies keep the rest"
    );
    assert_eq!(
        store
            .get_record("problem", other.id)
            .await
            .unwrap()
            .unwrap()
            .data["email"],
        "x@y.se",
        "another kind with the same ids is not touched"
    );
    let delete = Purge::DeleteRecords {
        class: "tip",
        kind: "tip",
        ids: vec![tips[0], tips[1], other.id],
        before: cutoff,
    };
    purge_once(store, &delete, "tips_days = 90", 2).await;
    assert!(store.get_record("tip", tips[0]).await.unwrap().is_none());
    assert!(
        store.get_record("tip", tips[2]).await.unwrap().is_some(),
        "one not named stays"
    );
    assert!(
        store
            .get_record("problem", other.id)
            .await
            .unwrap()
            .is_some()
    );
    let left: Vec<Option<String>> = audit(store)
        .await
        .into_iter()
        .filter(|e| e.entity == "tip" && e.action != "retention")
        .map(|e| e.entity_id)
        .collect();
    assert_eq!(
        left,
        vec![Some(tips[2].to_string()); 2],
        "the deleted tips' audit events went with them"
    );
}
