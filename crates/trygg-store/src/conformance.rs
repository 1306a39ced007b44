//! The backend-neutral conformance suite: the behaviour every [`Store`] must show, run against
//! SQLite always and against PostgreSQL when `TRYGG_TEST_DATABASE_URL` is set.
//!
//! It expects an empty, freshly migrated database, and panics with a message naming the broken
//! rule.

use jiff::Timestamp;
use serde_json::json;
use trygg_domain::{
    Actor, AreaId, AreaKind, Channel, ErrorCode, IncidentFilter, NewArea, NewIncident,
    NewOrganisation, NewUser, OrgKind, OrganisationId, PlaceType, Position, Precision, Role, Scope,
    Taxonomy, Visibility,
};

mod backup;
pub use backup::{backup_bytes, check_backup, items, restore_bytes};

use crate::{AssignedIncident, AuditFilter, BatchAudit, NewReport, Store, StoreError};

/// Name of the organisation [`run_all`] creates first, which [`check_reopened`] looks for.
pub const FIRST_ORG: &str = "Uppsala kommun";

fn t(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

/// A valid incident at Stora torget, Uppsala.
pub fn sample_incident(org: OrganisationId, at: &str, category: &str) -> NewIncident {
    NewIncident {
        occurred_from: t(at),
        occurred_to: None,
        reported_at: None,
        category: category.into(),
        place_type: Some(PlaceType::Street),
        position: Some(Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap()),
        place: Some("Stora torget".into()),
        source_org: org,
        channel: Channel::Api,
        external_id: None,
        description: Some("Klotter på elskåp".into()),
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    }
}

fn assigned(incident: NewIncident, areas: &[AreaId]) -> AssignedIncident {
    AssignedIncident {
        incident,
        areas: areas.to_vec(),
    }
}

async fn count(store: &dyn Store, filter: IncidentFilter) -> u64 {
    store.list_incidents(&filter).await.expect("list").total
}

async fn audit_len(store: &dyn Store) -> usize {
    store
        .list_audit(&AuditFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("audit")
        .len()
}

/// Runs every check in order on an empty store.
pub async fn run_all(store: &dyn Store) {
    store.ping().await.expect("ping answers");
    let actor = Actor::system("conformance");

    // Organisations.
    let kommun = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: FIRST_ORG.into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await
        .expect("create kommun");
    let polis = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: "LPO Uppsala/Knivsta".into(),
                kind: OrgKind::Lokalpolisomrade,
                parent_id: None,
            },
        )
        .await
        .expect("create police");
    let dup = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: FIRST_ORG.into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict(_))),
        "duplicate organisation name is a conflict: {dup:?}"
    );
    let orgs = store.list_organisations().await.unwrap();
    assert_eq!(
        orgs,
        vec![kommun.clone(), polis.clone()],
        "organisations read back as written"
    );

    // Users and tokens.
    let user = store
        .create_user(
            &actor,
            NewUser {
                email: "Analytiker@Demo".into(),
                display_name: "Analytiker".into(),
                organisation_id: kommun.id,
                roles: vec![Role::Analyst, Role::Viewer],
            },
            Some("$argon2id$fake".into()),
        )
        .await
        .expect("create user");
    assert_eq!(user.email, "analytiker@demo", "e-mail is stored lower-case");
    let creds = store
        .user_credentials("ANALYTIKER@demo ")
        .await
        .unwrap()
        .expect("found by e-mail");
    assert_eq!(creds.user, user);
    assert_eq!(creds.password_hash.as_deref(), Some("$argon2id$fake"));
    assert!(
        store
            .user_credentials("nobody@demo")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.get_user(user.id).await.unwrap(), Some(user.clone()));
    let now = Timestamp::now();
    let day = jiff::SignedDuration::from_hours(24);
    let t1 = store
        .create_api_token(&actor, user.id, "ci", "hash-1", now + day)
        .await
        .unwrap();
    assert_eq!(
        store.user_by_token_hash("hash-1", now).await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(store.user_by_token_hash("hash-2", now).await.unwrap(), None);
    assert_eq!(
        store.user_by_token_hash("hash-1", now + day).await.unwrap(),
        None,
        "a token stops working when it expires"
    );
    let listed = store.list_api_tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].name.as_str()), (t1, "ci"));
    assert_eq!(listed[0].expires_at.as_second(), (now + day).as_second());
    assert!(
        listed[0].last_used_at.is_some(),
        "a use is noted: {listed:?}"
    );
    store.revoke_api_token(&actor, t1).await.unwrap();
    store
        .revoke_api_token(&actor, t1)
        .await
        .expect("revoking twice is fine");
    assert_eq!(
        store.user_by_token_hash("hash-1", now).await.unwrap(),
        None,
        "a revoked token opens nothing"
    );
    assert!(
        store.list_api_tokens().await.unwrap()[0]
            .revoked_at
            .is_some()
    );
    assert!(matches!(
        store.revoke_api_token(&actor, 999_999).await,
        Err(StoreError::NotFound { .. })
    ));
    check_account_management(store, &user).await;
    let bad_user = store
        .create_user(
            &actor,
            NewUser {
                email: "x@y".into(),
                display_name: "X".into(),
                organisation_id: OrganisationId(999_999),
                roles: vec![Role::Viewer],
            },
            None,
        )
        .await;
    assert!(
        matches!(bad_user, Err(StoreError::NotFound { .. })),
        "unknown organisation: {bad_user:?}"
    );

    // Areas.
    let geometry = json!({"type": "Polygon", "coordinates": [[[17.60, 59.84], [17.68, 59.84], [17.68, 59.88], [17.60, 59.88], [17.60, 59.84]]]});
    let areas = store
        .upsert_areas(
            &actor,
            vec![
                NewArea {
                    name: "Centrum".into(),
                    code: Some("C".into()),
                    kind: AreaKind::District,
                    geometry: geometry.clone(),
                },
                NewArea {
                    name: "Gottsunda".into(),
                    code: Some("G".into()),
                    kind: AreaKind::District,
                    geometry: geometry.clone(),
                },
            ],
        )
        .await
        .expect("create areas");
    assert_eq!(
        store.list_areas().await.unwrap(),
        areas,
        "areas read back with their geometry"
    );
    let (centrum, gottsunda) = (areas[0].id, areas[1].id);
    let renamed = store
        .upsert_areas(
            &actor,
            vec![NewArea {
                name: "Gottsunda/Valsätra".into(),
                code: Some("G".into()),
                kind: AreaKind::District,
                geometry: geometry.clone(),
            }],
        )
        .await
        .unwrap();
    assert_eq!(
        renamed[0].id, gottsunda,
        "an area with the same kind and code is replaced, keeping its id"
    );
    assert_eq!(
        store.list_areas().await.unwrap()[1].name,
        "Gottsunda/Valsätra"
    );

    // One incident: validated, stored, read back equal, audited.
    let before_audit = audit_len(store).await;
    let created = store
        .create_incident(
            &actor,
            assigned(
                sample_incident(
                    kommun.id,
                    "2024-05-01T20:00:00.750Z",
                    "skadegorelse.klotter",
                ),
                &[centrum],
            ),
        )
        .await
        .expect("create incident");
    let got = store
        .get_incident(created.id, Scope::Shared)
        .await
        .unwrap()
        .expect("readable");
    assert_eq!(
        got, created,
        "an incident reads back exactly as create returned it"
    );
    assert_eq!(
        got.occurred_from,
        t("2024-05-01T20:00:00Z"),
        "stored in whole seconds"
    );
    assert_eq!(got.areas, vec![centrum]);
    let trail = store
        .list_audit(&AuditFilter {
            entity: Some("incident".into()),
            entity_id: Some(created.id.to_string()),
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(trail.len(), 1, "one audit event for one create");
    assert_eq!(trail[0].action, "create");
    assert_eq!(trail[0].actor, actor);
    assert!(trail[0].before.is_none());
    assert_eq!(
        trail[0].after.as_ref().unwrap()["category"],
        "skadegorelse.klotter"
    );
    assert_eq!(audit_len(store).await, before_audit + 1);

    // Invalid input writes nothing: no row, no audit.
    let mut bad = sample_incident(kommun.id, "2024-05-02T10:00:00Z", "no-such-category");
    let err = store
        .create_incident(&actor, assigned(bad.clone(), &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e.code == ErrorCode::UnknownCategory),
        "{err:?}"
    );
    bad.category = "skadegorelse.klotter".into();
    bad.description = Some("pnr 811228-9874".into());
    let err = store
        .create_incident(&actor, assigned(bad, &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e.code == ErrorCode::PersonalIdentityNumber),
        "{err:?}"
    );
    let good = sample_incident(kommun.id, "2024-05-03T10:00:00Z", "ordning.brak");
    let mut batch = vec![
        assigned(good.clone(), &[centrum]),
        assigned(good.clone(), &[]),
    ];
    batch[1].incident.occurred_to = Some(t("2024-05-01T00:00:00Z"));
    let err = store
        .write_incidents(&actor, batch, BatchAudit::Each)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e.field == "incidents[1].occurred_to"),
        "batch error names the row: {err:?}"
    );
    let err = store
        .create_incident(&actor, assigned(good.clone(), &[AreaId(424_242)]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { .. }),
        "unknown area: {err:?}"
    );
    // A time more than a day ahead of the store's clock has not happened yet.
    let mut ahead = good.clone();
    ahead.occurred_from = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(48))
        .unwrap();
    for (k, write) in [
        store
            .create_incident(&actor, assigned(ahead.clone(), &[]))
            .await
            .map(|_| ()),
        store
            .write_incidents(
                &actor,
                vec![assigned(good.clone(), &[]), assigned(ahead, &[])],
                BatchAudit::Each,
            )
            .await
            .map(|_| ()),
    ]
    .into_iter()
    .enumerate()
    {
        let err = write.unwrap_err();
        let field = ["occurred_from", "incidents[1].occurred_from"][k];
        assert!(
            matches!(&err, StoreError::Invalid(e) if e.field == field && e.message.contains("more than a day ahead")),
            "{err:?}"
        );
    }
    assert_eq!(
        count(
            store,
            IncidentFilter {
                scope: Scope::All,
                ..Default::default()
            }
        )
        .await,
        1,
        "failed writes left no rows"
    );
    assert_eq!(
        audit_len(store).await,
        before_audit + 1,
        "failed writes left no audit events"
    );

    // A bulk batch: filters, scope, paging.
    let mut batch = Vec::new();
    for day in 1..=20 {
        let at = format!("2024-06-{day:02}T12:00:00Z");
        let cat = if day % 2 == 0 {
            "ordning.inbrott"
        } else {
            "samling.trapphus"
        };
        let mut i = sample_incident(if day <= 15 { kommun.id } else { polis.id }, &at, cat);
        if day > 18 {
            i.visibility = Visibility::Internal;
        }
        if day % 5 == 0 {
            i.channel = Channel::Est;
        }
        let areas = if day <= 10 {
            vec![centrum]
        } else {
            vec![gottsunda, centrum]
        };
        batch.push(assigned(i, &areas));
    }
    let audit_before_bulk = audit_len(store).await;
    let outcome = store
        .write_incidents(
            &actor,
            batch,
            BatchAudit::Batch(json!({"source": "conformance"})),
        )
        .await
        .expect("bulk write");
    assert_eq!(
        (outcome.created, outcome.updated, outcome.unchanged),
        (20, 0, 0)
    );
    assert_eq!(
        audit_len(store).await,
        audit_before_bulk + 1,
        "a bulk write is audited once"
    );

    let june = |f: IncidentFilter| IncidentFilter {
        from: Some(t("2024-06-01T00:00:00Z")),
        to: Some(t("2024-07-01T00:00:00Z")),
        ..f
    };
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                scope: Scope::All,
                ..Default::default()
            })
        )
        .await,
        20
    );
    assert_eq!(
        count(store, june(IncidentFilter::default())).await,
        18,
        "internal incidents are hidden from the shared scope"
    );
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                scope: Scope::Organisation(polis.id),
                ..Default::default()
            })
        )
        .await,
        20,
        "the owner sees its internal incidents"
    );
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                scope: Scope::Organisation(kommun.id),
                ..Default::default()
            })
        )
        .await,
        18
    );
    let half_open = IncidentFilter {
        from: Some(t("2024-06-05T12:00:00Z")),
        to: Some(t("2024-06-10T12:00:00Z")),
        scope: Scope::All,
        ..Default::default()
    };
    assert_eq!(
        count(store, half_open).await,
        5,
        "the period is half-open [from, to)"
    );
    let ordning = Taxonomy
        .expand("ordning")
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                categories: ordning,
                scope: Scope::All,
                ..Default::default()
            })
        )
        .await,
        10,
        "a group filter covers its sub-categories"
    );
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                areas: vec![gottsunda],
                scope: Scope::All,
                ..Default::default()
            })
        )
        .await,
        10
    );
    assert_eq!(
        count(
            store,
            IncidentFilter {
                areas: vec![centrum],
                scope: Scope::All,
                ..Default::default()
            }
        )
        .await,
        21
    );
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                channels: vec![Channel::Est],
                scope: Scope::All,
                ..Default::default()
            })
        )
        .await,
        4
    );
    assert_eq!(
        count(
            store,
            june(IncidentFilter {
                organisations: vec![polis.id],
                scope: Scope::All,
                ..Default::default()
            })
        )
        .await,
        5
    );

    let page = store
        .list_incidents(&june(IncidentFilter {
            scope: Scope::All,
            limit: 7,
            offset: 14,
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(page.total, 20, "total counts all matches, not the page");
    assert_eq!(page.items.len(), 6);
    assert!(
        page.items
            .windows(2)
            .all(|w| w[0].occurred_from >= w[1].occurred_from),
        "newest first"
    );
    assert_eq!(page.items[0].occurred_from, t("2024-06-06T12:00:00Z"));
    assert_eq!(page.items[0].areas, vec![centrum]);
    let p2 = store
        .list_incidents(&june(IncidentFilter {
            scope: Scope::All,
            limit: 1,
            offset: 0,
            ..Default::default()
        }))
        .await
        .unwrap();
    assert_eq!(p2.items[0].areas, {
        let mut a = vec![gottsunda, centrum];
        a.sort();
        a
    });
    let internal = page
        .items
        .iter()
        .chain(&p2.items)
        .find(|i| i.visibility == Visibility::Internal)
        .expect("an internal one");
    assert!(
        store
            .get_incident(internal.id, Scope::Shared)
            .await
            .unwrap()
            .is_none(),
        "get respects the scope"
    );
    assert!(
        store
            .get_incident(internal.id, Scope::Organisation(polis.id))
            .await
            .unwrap()
            .is_some()
    );

    // Re-assignment when areas change: replace Gottsunda's links.
    let positions = store.incident_positions().await.unwrap();
    assert_eq!(positions.len(), 21, "every incident with a position");
    let first_two: Vec<_> = positions
        .iter()
        .take(2)
        .map(|(id, _)| (*id, gottsunda))
        .collect();
    assert_eq!(
        store
            .replace_area_links(&actor, &[gottsunda], first_two)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        count(
            store,
            IncidentFilter {
                areas: vec![gottsunda],
                scope: Scope::All,
                ..Default::default()
            }
        )
        .await,
        2,
        "old links replaced"
    );
    assert_eq!(
        count(
            store,
            IncidentFilter {
                areas: vec![centrum],
                scope: Scope::All,
                ..Default::default()
            }
        )
        .await,
        21,
        "other areas' links untouched"
    );

    // The analysis projection matches what lists return.
    let rows = store.analysis_rows(None).await.unwrap();
    assert_eq!(rows.len(), 21);
    assert!(rows.windows(2).all(|w| w[0].id < w[1].id), "by id");
    let some: Vec<_> = rows.iter().skip(3).take(2).map(|r| r.id).collect();
    let picked = store.analysis_rows(Some(&some)).await.unwrap();
    assert_eq!(picked, rows[3..5].to_vec(), "by ids, with the same content");
    // The streamed read (start-up) and the read by ids (refreshes) agree on every row,
    // including incidents in several areas and in none.
    let all: Vec<_> = rows.iter().map(|r| r.id).collect();
    assert_eq!(
        store.analysis_rows(Some(&all)).await.unwrap(),
        rows,
        "streamed = by ids"
    );
    assert!(
        rows.iter().any(|r| r.areas.len() > 1),
        "the sample has an incident in several areas"
    );
    let mut seen = 0;
    let stopped = store
        .each_analysis_row(&mut |_| {
            seen += 1;
            if seen == 2 {
                Err(StoreError::Conflict("stop here".into()))
            } else {
                Ok(())
            }
        })
        .await;
    assert!(
        matches!(stopped, Err(StoreError::Conflict(_))),
        "the callback's error ends the read"
    );
    assert_eq!(seen, 2);
    let listed = store
        .get_incident(picked[0].id, Scope::All)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(picked[0].areas, listed.areas);
    assert_eq!(picked[0].occurred_from, listed.occurred_from.as_second());
    assert_eq!(
        picked[0].position.map(|p| p.2),
        listed.position.map(|p| p.precision)
    );

    // Idempotent upsert on external id, with history in the audit log.
    let mut feed = sample_incident(polis.id, "2026-08-22T04:29:00Z", "brott.stold");
    feed.channel = Channel::Polisen;
    feed.external_id = Some("650281".into());
    feed.reported_at = Some(t("2026-08-22T08:35:23Z"));
    feed.position = Some(Position::from_wgs84(60.009226, 17.271459, Precision::Area).unwrap());
    let first = store
        .write_incidents(
            &actor,
            vec![assigned(feed.clone(), &[])],
            BatchAudit::Batch(json!({"source": "conformance"})),
        )
        .await
        .unwrap();
    assert_eq!(first.created, 1);
    let again = store
        .write_incidents(
            &actor,
            vec![assigned(feed.clone(), &[])],
            BatchAudit::Batch(json!({"source": "conformance"})),
        )
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, 1),
        "the same event again changes nothing"
    );
    let mut newer = feed.clone();
    newer.description = Some("Inbrott i fristående byggnad i Knivsta.".into());
    newer.reported_at = Some(t("2026-08-22T09:10:00Z"));
    let older_in_same_batch = feed.clone();
    let upd = store
        .write_incidents(
            &actor,
            vec![
                assigned(older_in_same_batch, &[]),
                assigned(newer.clone(), &[gottsunda]),
            ],
            BatchAudit::Batch(json!({"source": "conformance"})),
        )
        .await
        .unwrap();
    assert_eq!(
        (upd.created, upd.updated),
        (0, 1),
        "an updated event replaces the stored one; the batch's last version wins"
    );
    let stored = store
        .list_incidents(&IncidentFilter {
            channels: vec![Channel::Polisen],
            scope: Scope::All,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(stored.total, 1, "still one incident for one external id");
    let s = &stored.items[0];
    assert_eq!(s.description, newer.description);
    assert_eq!(
        s.areas,
        vec![gottsunda],
        "an update replaces the incident's areas too"
    );
    assert_eq!(s.position.unwrap().precision, Precision::Area);
    let history = store
        .list_audit(&AuditFilter {
            entity: Some("incident".into()),
            entity_id: Some(s.id.to_string()),
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "update");
    assert_eq!(
        history[0].before.as_ref().unwrap()["description"],
        "Klotter på elskåp"
    );
    assert_eq!(
        history[0].after.as_ref().unwrap()["description"],
        "Inbrott i fristående byggnad i Knivsta."
    );

    // An EST report with two events.
    let mut e1 = sample_incident(kommun.id, "2024-09-06T21:00:00Z", "samling.utomhus");
    e1.channel = Channel::Est;
    e1.created_by = Some(user.id);
    let mut e2 = e1.clone();
    e2.category = "otrygg-plats.belysning".into();
    e2.occurred_to = Some(t("2024-09-06T23:00:00Z"));
    let (report, incidents) = store
        .create_report(
            &actor,
            NewReport {
                organisation_id: kommun.id,
                reporter_id: Some(user.id),
                incidents: vec![assigned(e1, &[centrum]), assigned(e2, &[centrum])],
            },
        )
        .await
        .expect("file a report");
    assert_eq!(report.incident_ids.len(), 2);
    for i in &incidents {
        assert_eq!(i.report_id, Some(report.id));
        assert_eq!(
            store
                .get_incident(i.id, Scope::Shared)
                .await
                .unwrap()
                .as_ref(),
            Some(i)
        );
    }
    let empty = store
        .create_report(
            &actor,
            NewReport {
                organisation_id: kommun.id,
                reporter_id: None,
                incidents: vec![],
            },
        )
        .await;
    assert!(
        matches!(empty, Err(StoreError::Invalid(_))),
        "an empty report is refused"
    );

    check_records(store, kommun.id, polis.id).await;
    check_sessions(store, &user).await;
}

/// Disabling a user ends their sessions and revokes their tokens; enabling lets them sign in
/// again with new ones; roles are replaced; failed sign-ins are counted per key and forgotten.
async fn check_account_management(store: &dyn Store, user: &trygg_domain::User) {
    use crate::NewSession;
    let actor = Actor::system("conformance");
    let now = Timestamp::now();
    let hour = jiff::SignedDuration::from_hours(1);
    store
        .create_api_token(&actor, user.id, "live", "hash-live", now + hour)
        .await
        .unwrap();
    store
        .create_session(
            user.id,
            &NewSession {
                token_hash: "sess-d".into(),
                csrf: "c".into(),
                expires_at: now + hour,
            },
        )
        .await
        .unwrap();
    store
        .set_user_disabled(&actor, user.id, true)
        .await
        .unwrap();
    let creds = store.user_credentials(&user.email).await.unwrap().unwrap();
    assert!(creds.user.disabled, "disabled reads back");
    assert!(store.session("sess-d", now).await.unwrap().is_none());
    assert_eq!(
        store.user_by_token_hash("hash-live", now).await.unwrap(),
        None
    );
    store
        .set_user_disabled(&actor, user.id, false)
        .await
        .unwrap();
    assert!(!store.get_user(user.id).await.unwrap().unwrap().disabled);
    assert_eq!(
        store.user_by_token_hash("hash-live", now).await.unwrap(),
        None,
        "enabling does not bring revoked tokens back"
    );
    assert!(matches!(
        store
            .set_user_disabled(&actor, trygg_domain::UserId(999_999), true)
            .await,
        Err(StoreError::NotFound { .. })
    ));

    let before = store.get_user(user.id).await.unwrap().unwrap().roles;
    store
        .set_user_roles(&actor, user.id, &[Role::Coordinator])
        .await
        .unwrap();
    assert_eq!(
        store.get_user(user.id).await.unwrap().unwrap().roles,
        vec![Role::Coordinator]
    );
    store
        .set_user_roles(&actor, user.id, &before)
        .await
        .unwrap();
    let audit = store
        .list_audit(&AuditFilter {
            entity: Some("user".into()),
            entity_id: Some(user.id.0.to_string()),
            limit: 100,
        })
        .await
        .unwrap();
    for action in ["disable", "enable", "set_roles"] {
        assert!(audit.iter().any(|e| e.action == action), "{action} audited");
    }

    let keys = vec!["pair:x|a".to_string(), "address:x".to_string()];
    let minute = jiff::SignedDuration::from_mins(1);
    store
        .record_sign_in_failure(&keys, now - hour, now - hour - hour)
        .await
        .unwrap();
    for i in 0..3 {
        store
            .record_sign_in_failure(&keys, now - minute * (3 - i), now - hour + minute)
            .await
            .unwrap();
    }
    let (n, oldest) = store
        .sign_in_failures("pair:x|a", now - hour + minute)
        .await
        .unwrap();
    assert_eq!(
        n, 3,
        "failures before the window are not counted (and are forgotten)"
    );
    assert_eq!(
        oldest.map(|t| t.as_second()),
        Some((now - minute * 3).as_second())
    );
    store.clear_sign_in_failures("pair:x|a").await.unwrap();
    assert_eq!(
        store
            .sign_in_failures("pair:x|a", now - hour)
            .await
            .unwrap(),
        (0, None)
    );
    assert_eq!(
        store
            .sign_in_failures("address:x", now - hour)
            .await
            .unwrap()
            .0,
        3,
        "clearing one key leaves the others"
    );
    store.clear_sign_in_failures("address:x").await.unwrap();
}

/// Sessions open, expire, end, and a password change ends every other session.
async fn check_sessions(store: &dyn Store, user: &trygg_domain::User) {
    use crate::NewSession;
    let now = Timestamp::now();
    let hour = jiff::SignedDuration::from_hours(1);
    let open = |hash: &str, expires_at: Timestamp| NewSession {
        token_hash: hash.into(),
        csrf: format!("csrf-{hash}"),
        expires_at,
    };
    for h in ["s1", "s2"] {
        store
            .create_session(user.id, &open(h, now + hour))
            .await
            .expect("open session");
    }
    store
        .create_session(user.id, &open("old", now - hour))
        .await
        .expect("open an already expired session");
    let s = store.session("s1", now).await.unwrap().expect("s1 is live");
    assert_eq!(s.user, *user);
    assert_eq!(s.csrf, "csrf-s1");
    assert!(
        store.session("old", now).await.unwrap().is_none(),
        "an expired session does not sign anyone in"
    );
    assert!(
        store
            .session("s1", now + hour + hour)
            .await
            .unwrap()
            .is_none(),
        "a session stops working when it expires"
    );
    let dup = store.create_session(user.id, &open("s1", now + hour)).await;
    assert!(dup.is_err(), "a session hash is unique");
    store
        .set_password(
            &Actor::User { id: user.id },
            user.id,
            "$argon2id$new",
            Some("s1"),
        )
        .await
        .expect("change password");
    assert!(
        store.session("s1", now).await.unwrap().is_some(),
        "the changing session stays"
    );
    assert!(
        store.session("s2", now).await.unwrap().is_none(),
        "a password change ends the user's other sessions"
    );
    assert!(
        store
            .list_api_tokens()
            .await
            .unwrap()
            .iter()
            .filter(|t| t.user_id == user.id)
            .all(|t| t.revoked_at.is_some()),
        "a password change revokes the user's tokens"
    );
    let creds = store.user_credentials(&user.email).await.unwrap().unwrap();
    assert_eq!(creds.password_hash.as_deref(), Some("$argon2id$new"));
    store.delete_session("s1").await.unwrap();
    store
        .delete_session("s1")
        .await
        .expect("ending twice is fine");
    assert!(
        store.session("s1", now).await.unwrap().is_none(),
        "signed out"
    );
    let audit = store
        .list_audit(&AuditFilter {
            entity: Some("user".into()),
            entity_id: Some(user.id.0.to_string()),
            limit: 100,
        })
        .await
        .unwrap();
    for action in ["sign_in", "sign_out", "set_password"] {
        assert!(
            audit.iter().any(|e| e.action == action),
            "{action} is audited: {audit:?}"
        );
    }
    assert!(
        !serde_json::to_string(&audit).unwrap().contains("argon2"),
        "password hashes never reach the audit log"
    );
    let bad = store
        .set_password(
            &Actor::system("test"),
            trygg_domain::UserId(999_999),
            "x",
            None,
        )
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound { .. })), "{bad:?}");
}

/// The generic record store: create, read, list by kind, versioned update with conflicts,
/// delete, typed helpers, and the audit trail of each — failed writes leave nothing.
pub async fn check_records(store: &dyn Store, kommun: OrganisationId, polis: OrganisationId) {
    use crate::records;
    use trygg_domain::cycle::{Origin, OriginKind, Problem, ProblemDefinition, ProblemStatus};

    let actor = Actor::system("conformance");
    let audit_for = |id: i64| AuditFilter {
        entity: Some("problem".into()),
        entity_id: Some(id.to_string()),
        limit: 100,
    };
    let a = store
        .create_record(
            &actor,
            "problem",
            kommun,
            Visibility::Shared,
            json!({"title": "Klotter", "n": 1}),
        )
        .await
        .expect("create record");
    assert_eq!(
        (a.kind.as_str(), a.version, a.organisation_id),
        ("problem", 1, kommun)
    );
    assert_eq!(a.created_by, "system:conformance");
    let b = store
        .create_record(
            &actor,
            "meeting",
            polis,
            Visibility::Internal,
            json!({"date": "2024-05-06"}),
        )
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(
        (a.visibility, b.visibility),
        (Visibility::Shared, Visibility::Internal)
    );
    assert_eq!(
        store
            .get_record("meeting", b.id)
            .await
            .unwrap()
            .unwrap()
            .meta,
        b,
        "an internal record reads back internal"
    );
    let got = store
        .get_record("problem", a.id)
        .await
        .unwrap()
        .expect("read back");
    assert_eq!(got.meta, a, "metadata reads back as written");
    assert_eq!(got.data, json!({"title": "Klotter", "n": 1}));
    assert!(
        store.get_record("meeting", a.id).await.unwrap().is_none(),
        "a record is only found under its own kind"
    );
    assert_eq!(store.list_records("problem").await.unwrap().len(), 1);
    assert_eq!(store.list_records("nothing").await.unwrap().len(), 0);

    // Optimistic concurrency.
    let v2 = store
        .update_record(
            &actor,
            "problem",
            a.id,
            1,
            json!({"title": "Klotter", "n": 2}),
        )
        .await
        .expect("update at the current version");
    assert_eq!(v2.version, 2);
    assert!(v2.updated_at >= a.updated_at);
    assert_eq!(v2.created_at, a.created_at);
    let audits_before = audit_len(store).await;
    let stale = store
        .update_record(
            &actor,
            "problem",
            a.id,
            1,
            json!({"title": "Gammal", "n": 3}),
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Conflict(_))),
        "an update from a stale version is a conflict: {stale:?}"
    );
    assert_eq!(
        store
            .get_record("problem", a.id)
            .await
            .unwrap()
            .unwrap()
            .data["n"],
        2,
        "a conflicting update changes nothing"
    );
    let missing = store
        .update_record(&actor, "problem", 999_999, 1, json!({}))
        .await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
    let wrong_kind = store
        .update_record(&actor, "meeting", a.id, 2, json!({}))
        .await;
    assert!(
        matches!(wrong_kind, Err(StoreError::NotFound { .. })),
        "{wrong_kind:?}"
    );

    // A failed create leaves no row and no audit event.
    let orphan = store
        .create_record(
            &actor,
            "problem",
            OrganisationId(999_999),
            Visibility::Shared,
            json!({"x": 1}),
        )
        .await;
    assert!(
        matches!(orphan, Err(StoreError::NotFound { .. })),
        "an unknown organisation is refused: {orphan:?}"
    );
    assert_eq!(
        store.list_records("problem").await.unwrap().len(),
        1,
        "no row left behind"
    );
    assert_eq!(
        audit_len(store).await,
        audits_before,
        "no audit event for failed writes"
    );

    // The audit trail: create, update with before/after.
    let trail = store.list_audit(&audit_for(a.id)).await.unwrap();
    assert_eq!(trail.len(), 2, "{trail:?}");
    assert_eq!(trail[0].action, "update");
    assert_eq!(trail[0].before.as_ref().unwrap()["data"]["n"], 1);
    assert_eq!(trail[0].after.as_ref().unwrap()["data"]["n"], 2);
    assert_eq!(trail[0].after.as_ref().unwrap()["version"], 2);
    assert_eq!(trail[1].action, "create");

    // Delete.
    store
        .delete_record(&actor, "problem", a.id)
        .await
        .expect("delete");
    assert!(store.get_record("problem", a.id).await.unwrap().is_none());
    let trail = store.list_audit(&audit_for(a.id)).await.unwrap();
    assert_eq!(trail[0].action, "delete");
    assert_eq!(trail[0].before.as_ref().unwrap()["data"]["n"], 2);
    assert!(trail[0].after.is_none());
    let again = store.delete_record(&actor, "problem", a.id).await;
    assert!(
        matches!(again, Err(StoreError::NotFound { .. })),
        "{again:?}"
    );

    // Typed helpers: validation first, then the same store.
    let problem = Problem {
        title: "Skadegörelse i Gottsunda".into(),
        description: String::new(),
        definition: ProblemDefinition {
            categories: vec!["skadegorelse".into()],
            areas: vec![AreaId(1)],
            polygon: None,
            from: jiff::civil::date(2024, 1, 1),
            to: None,
        },
        origin: Origin {
            kind: OriginKind::Decision,
            reference: None,
        },
        status: ProblemStatus::Draft,
        owners: vec![kommun],
    };
    let stored = records::create(store, &actor, kommun, &problem)
        .await
        .unwrap();
    assert_eq!(
        records::get::<Problem>(store, stored.meta.id)
            .await
            .unwrap(),
        Some(stored.clone())
    );
    let mut bad = problem.clone();
    bad.title = String::new();
    let audits_before = audit_len(store).await;
    assert!(matches!(
        records::create(store, &actor, kommun, &bad).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        records::update(store, &actor, stored.meta.id, 1, &bad).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        audit_len(store).await,
        audits_before,
        "invalid values write nothing"
    );
    let mut active = problem.clone();
    active.status = ProblemStatus::Active;
    let updated = records::update(store, &actor, stored.meta.id, 1, &active)
        .await
        .unwrap();
    assert_eq!(updated.meta.version, 2);
    assert_eq!(
        records::list::<Problem>(store).await.unwrap(),
        vec![updated]
    );
    records::delete::<Problem>(store, &actor, stored.meta.id)
        .await
        .unwrap();
    assert!(records::list::<Problem>(store).await.unwrap().is_empty());

    // Photos: stored once by their digest, bytes back as written (every byte value), audited
    // without their bytes.
    let bytes: Vec<u8> = (0..=255u8).chain([0, 0xff, 0xd8]).collect();
    let sha = "ab".repeat(32);
    let before = audit_len(store).await;
    store
        .put_photo(&actor, &sha, "image/jpeg", &bytes)
        .await
        .expect("put photo");
    store
        .put_photo(&actor, &sha, "image/jpeg", &bytes)
        .await
        .expect("the same photo again");
    assert_eq!(audit_len(store).await, before + 1, "one audit event");
    assert_eq!(
        store.get_photo(&sha).await.unwrap(),
        Some(("image/jpeg".to_string(), bytes))
    );
    assert_eq!(store.get_photo(&"cd".repeat(32)).await.unwrap(), None);
    let trail = store
        .list_audit(&AuditFilter {
            entity: Some("photo".into()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].after.as_ref().unwrap()["bytes"], 259);
}

/// After [`run_all`] and a reopen, everything is still there.
pub async fn check_reopened(store: &dyn Store) {
    let orgs = store.list_organisations().await.unwrap();
    assert_eq!(orgs[0].name, FIRST_ORG);
    let all = IncidentFilter {
        scope: Scope::All,
        ..Default::default()
    };
    assert_eq!(
        store.list_incidents(&all).await.unwrap().total,
        24,
        "every acknowledged incident survives a reopen"
    );
}

/// A bulk batch ([`BULK_ROWS`](crate::sql::BULK_ROWS) new incidents or more, which a backend
/// may write its own way) reads back exactly as the row-by-row path would have stored it, every
/// field and area link; a bulk batch with a dangling reference writes nothing; and the
/// connection's constraints are enforced again afterwards. Expects a fresh database.
pub async fn check_bulk(store: &dyn Store) {
    use crate::sql::{BULK_ROWS, incident_from_new, whole_seconds};
    let actor = Actor::system("conformance");
    let org = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: "LPO Bulk".into(),
                kind: OrgKind::Lokalpolisomrade,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let user = store
        .create_user(
            &actor,
            NewUser {
                email: "bulk@demo".into(),
                display_name: "Bulk".into(),
                organisation_id: org.id,
                roles: vec![Role::Reporter],
            },
            None,
        )
        .await
        .unwrap();
    let geometry = json!({"type": "Polygon", "coordinates": [[[17.60, 59.84], [17.68, 59.84], [17.68, 59.88], [17.60, 59.88], [17.60, 59.84]]]});
    let areas: Vec<AreaId> = store
        .upsert_areas(
            &actor,
            (0..3)
                .map(|k| NewArea {
                    name: format!("Område {k}"),
                    code: Some(format!("O{k}")),
                    kind: AreaKind::District,
                    geometry: geometry.clone(),
                })
                .collect(),
        )
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    let (report, _) = store
        .create_report(
            &actor,
            NewReport {
                organisation_id: org.id,
                reporter_id: Some(user.id),
                incidents: vec![assigned(
                    sample_incident(org.id, "2020-01-01T12:00:00Z", "ordning.brak"),
                    &[],
                )],
            },
        )
        .await
        .unwrap();

    // Every optional field both set and empty, several categories and channels, area lists
    // with repeats, and times running backwards (input order is not time order).
    let codes: Vec<&str> = Taxonomy.all().iter().map(|c| c.code).take(7).collect();
    let n = BULK_ROWS + 7;
    let batch: Vec<AssignedIncident> = (0..n)
        .map(|k| {
            let mut i = sample_incident(org.id, "2024-06-30T23:00:00Z", codes[k % codes.len()]);
            i.occurred_from -= jiff::SignedDuration::from_secs(k as i64 * 97);
            i.occurred_to =
                (k % 3 == 0).then(|| i.occurred_from + jiff::SignedDuration::from_secs(3600));
            i.reported_at = (k % 5 != 0).then(|| t("2024-07-01T08:00:00Z"));
            i.place_type = [None, Some(PlaceType::Street), Some(PlaceType::Park)][k % 3];
            i.position = match k % 4 {
                0 => None,
                1 => Some(Position::from_wgs84(59.85, 17.63, Precision::Area).unwrap()),
                _ => Some(
                    Position::from_sweref99tm(6_637_000.5 + k as f64, 647_000.25, Precision::Exact)
                        .unwrap(),
                ),
            };
            i.place = Some(format!("Plats {k}"));
            i.channel = [Channel::Import, Channel::Api][k % 2];
            i.external_id = (k % 7 != 0).then(|| format!("B-{k}"));
            i.description = (k % 2 == 0).then(|| format!("Händelse nr {k} – å ä ö"));
            i.visibility = [Visibility::Shared, Visibility::Internal][k % 2];
            i.report_id = (k % 11 == 0).then_some(report.id);
            i.created_by = (k % 13 == 0).then_some(user.id);
            let links = match k % 4 {
                0 => vec![],
                1 => vec![areas[0]],
                2 => vec![areas[2], areas[1]],
                _ => vec![areas[1], areas[0], areas[1]],
            };
            assigned(i, &links)
        })
        .collect();
    let all = IncidentFilter {
        scope: Scope::All,
        organisations: vec![org.id],
        limit: trygg_domain::incident::MAX_PAGE,
        ..Default::default()
    };
    let before = count(store, all.clone()).await;

    // A dangling area link fails the whole batch, however the backend writes it.
    let mut dangling = batch.clone();
    dangling[n - 1].areas = vec![AreaId(424_242)];
    let err = store
        .write_incidents(&actor, dangling, BatchAudit::Batch(json!({})))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { .. }),
        "a bulk batch linking an unknown area: {err:?}"
    );
    assert_eq!(count(store, all.clone()).await, before, "nothing written");

    let start = whole_seconds(Timestamp::now());
    let outcome = store
        .write_incidents(&actor, batch.clone(), BatchAudit::Batch(json!({})))
        .await
        .expect("bulk write");
    let end = Timestamp::now();
    assert_eq!(outcome.created as usize, n);
    let mut stored = Vec::new();
    loop {
        let page = store
            .list_incidents(&IncidentFilter {
                offset: stored.len() as u64,
                ..all.clone()
            })
            .await
            .unwrap();
        if page.items.is_empty() {
            break;
        }
        stored.extend(page.items);
    }
    // All but the report's incident.
    stored.retain(|i| i.place.as_deref() != Some("Stora torget"));
    assert_eq!(
        stored.len(),
        n,
        "every incident of the batch is listed once"
    );
    let by_place: std::collections::HashMap<&str, &trygg_domain::Incident> = stored
        .iter()
        .map(|i| (i.place.as_deref().unwrap(), i))
        .collect();
    for a in &batch {
        let got = by_place[a.incident.place.as_deref().unwrap()];
        let mut want = incident_from_new(got.id.0, &a.incident, &a.areas, got.reported_at);
        if a.incident.reported_at.is_none() {
            assert!(
                (start..=end).contains(&got.reported_at),
                "a missing report time is the time of writing"
            );
            want.reported_at = got.reported_at;
        }
        assert_eq!(got, &want, "a bulk-written incident reads back as written");
    }

    // Written again with three changes spread over the batch (stored versions are looked up
    // in parts): those three are updated in place, the rest are unchanged.
    let mut again: Vec<AssignedIncident> = batch
        .iter()
        .filter(|a| a.incident.external_id.is_some())
        .cloned()
        .collect();
    let changed = [1, again.len() / 2 + 1, again.len() - 1];
    for &c in &changed {
        again[c].incident.description = Some(format!("Ändrad {c}"));
    }
    let outcome = store
        .write_incidents(&actor, again.clone(), BatchAudit::Batch(json!({})))
        .await
        .expect("write the batch again");
    assert_eq!(
        (outcome.created, outcome.updated, outcome.unchanged as usize),
        (0, 3, again.len() - 3),
        "a re-import updates what changed and nothing else"
    );
    for &c in &changed {
        let place = again[c].incident.place.as_deref().unwrap();
        let id = by_place[place].id;
        let got = store.get_incident(id, Scope::All).await.unwrap().unwrap();
        assert_eq!(
            got.description,
            Some(format!("Ändrad {c}")),
            "{place} updated"
        );
    }

    // The constraints hold again on the same store.
    let err = store
        .create_incident(
            &actor,
            assigned(
                sample_incident(org.id, "2024-07-02T10:00:00Z", "ordning.brak"),
                &[AreaId(424_242)],
            ),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { .. }),
        "an unknown area after a bulk write: {err:?}"
    );
    let again = store
        .write_incidents(&actor, batch[1..2].to_vec(), BatchAudit::Each)
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.unchanged),
        (0, 1),
        "the rebuilt unique key still identifies a bulk-written incident"
    );
}
