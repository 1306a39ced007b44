//! The one implementation of [`Store`](crate::Store), written once and expanded for each
//! backend's concrete sqlx driver by [`impl_store!`](crate::impl_store).
//!
//! Both schemas share table and column names and store times as integers, so the SQL below is
//! the same for SQLite and PostgreSQL (`$n` placeholders work in both). Writing it against
//! concrete driver types — instead of generically over `sqlx::Database` — keeps the futures
//! provably `Send` without higher-ranked trait bounds. The backend supplies `pool` and
//! `begin_write()` (SQLite takes the write lock up front with `BEGIN IMMEDIATE`).

/// Implements [`Store`](crate::Store) for `$store`, which must have a field
/// `pool: sqlx::Pool<$db>` and inherent methods `async fn listen_changes(&self) ->
/// trygg_store::Result<Option<ChangeSignals>>` (see [`Store::change_signals`](crate::Store)),
/// `async fn begin_write(&self) ->
/// trygg_store::Result<sqlx::Transaction<'static, $db>>`, `async fn scan_analysis(&self, each)
/// -> trygg_store::Result<bool>` (true: the backend streamed [`sql::ANALYSIS_SCAN`] itself) and
/// `async fn insert_bulk(&self, tx:
/// &mut Transaction<'static, $db>, incidents: &[&AssignedIncident], at: Timestamp) ->
/// trygg_store::Result<Option<Vec<i64>>>`, offered batches of at least
/// [`BULK_ROWS`](crate::sql::BULK_ROWS) new incidents: it inserts them (with their area links)
/// its own way and returns their ids in order, or returns `None` to have the generic multi-row
/// INSERTs do it.
#[macro_export]
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use ::sqlx::{QueryBuilder, Row as _};
            use $crate::__private::jiff::Timestamp;
            use $crate::__private::serde_json::{self, json};
            use $crate::__private::trygg_domain::{
                Actor, Area, AreaId, AuditEvent, Incident, IncidentFilter, IncidentId, NewArea,
                NewOrganisation, NewUser, Organisation, Page, Report, Role, Scope, User, UserId,
                incident::{DEFAULT_PAGE, MAX_PAGE},
            };
            use $crate::sql::{self, INCIDENT_COLUMNS, USER_COLUMNS};
            use $crate::{
                AnalysisRow, AssignedIncident, AuditFilter, BatchAudit, NewReport, Result, StoreError,
                UserCredentials, WriteOutcome,
            };

            type Tx = ::sqlx::Transaction<'static, $db>;

            $crate::__impl_backup!($store, $db, $backend);

            /// One result row of [`sql::ANALYSIS_SCAN`] (or a read of chosen ids), borrowed.
            fn analysis_scan_row(r: &<$db as ::sqlx::Database>::Row) -> Result<sql::AnalysisScanRow<'_>> {
                Ok(sql::AnalysisScanRow {
                    id: r.try_get(0)?,
                    occurred_from: r.try_get(1)?,
                    occurred_to: r.try_get(2)?,
                    category: r.try_get(3)?,
                    n: r.try_get(4)?,
                    e: r.try_get(5)?,
                    precision: r.try_get(6)?,
                    channel: r.try_get(7)?,
                    source_org: r.try_get(8)?,
                    visibility: r.try_get(9)?,
                    area: r.try_get(10)?,
                })
            }

            /// Whether generated statements number their placeholders (`$n`) or leave them
            /// anonymous (`?`, SQLite: it binds those without a name lookup).
            const NUMBERED: bool = !matches!($backend.as_bytes(), b"sqlite");

            /// Whether a batch's new ids are consecutive from the largest stored id + 1 (SQLite
            /// under its write lock; not a sequence shared with concurrent writers).
            const SEQUENTIAL_IDS: bool = matches!($backend.as_bytes(), b"sqlite");

            /// Now, in whole seconds: the precision incidents are stored with.
            fn now() -> Timestamp {
                sql::whole_seconds(Timestamp::now())
            }

            async fn audit(
                tx: &mut Tx,
                actor: &Actor,
                action: &str,
                entity: &str,
                entity_id: Option<String>,
                before: Option<serde_json::Value>,
                after: Option<serde_json::Value>,
            ) -> Result<()> {
                ::sqlx::query(
                    "INSERT INTO audit_events (at, actor, action, entity, entity_id, before, after) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(Timestamp::now().as_microsecond())
                .bind(actor.to_storage())
                .bind(action)
                .bind(entity)
                .bind(entity_id)
                .bind(before.map(|v| v.to_string()))
                .bind(after.map(|v| v.to_string()))
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            fn to_json<T: $crate::__private::serde::Serialize>(v: &T) -> serde_json::Value {
                serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
            }

            /// Adds one value to `args`.
            fn add_value<'q>(
                args: &mut <$db as ::sqlx::Database>::Arguments<'q>,
                value: sql::Value<'q>,
            ) -> Result<()> {
                use ::sqlx::Arguments as _;
                match value {
                    sql::Value::Int(v) => args.add(v),
                    sql::Value::Real(v) => args.add(v),
                    sql::Value::Text(v) => args.add(v),
                }
                .map_err(|e| StoreError::Database(::sqlx::Error::Encode(e)))
            }

            /// The 18 insert values of each incident in `chunk`, borrowed, in
            /// [`sql::INCIDENT_FIELDS`] order.
            fn incident_arguments<'q>(
                chunk: &'q [&'q AssignedIncident],
                at: Timestamp,
            ) -> Result<<$db as ::sqlx::Database>::Arguments<'q>> {
                use ::sqlx::Arguments as _;
                let mut args = <$db as ::sqlx::Database>::Arguments::<'q>::default();
                args.reserve(chunk.len() * sql::INCIDENT_FIELDS.len(), chunk.len() * 160);
                for a in chunk {
                    for value in sql::incident_values(&a.incident, at) {
                        add_value(&mut args, value)?;
                    }
                }
                Ok(args)
            }

            /// Inserts validated incidents; returns their ids in input order.
            ///
            /// Multi-row INSERTs in chunks of [`sql::INSERT_CHUNK`]: every full chunk uses the
            /// same statement text (prepared once, then cached), and the next chunk's values are
            /// bound while the database runs the current one. Each chunk's area links follow it
            /// at once, while its rows are still in the page cache for the foreign-key check.
            ///
            /// SQLite gives a new row the largest rowid + 1, so under the write lock a batch's
            /// ids are consecutive from the largest stored id + 1; they are computed instead of
            /// sent back row by row with RETURNING (which costs a message per row), and checked
            /// against the stored maximum at the end. PostgreSQL's ids come from a sequence
            /// shared with concurrent writers, so there each chunk returns its ids.
            async fn insert_incidents(
                tx: &mut Tx,
                incidents: &[&AssignedIncident],
                at: Timestamp,
            ) -> Result<Vec<i64>> {
                let mut ids = Vec::with_capacity(incidents.len());
                if incidents.is_empty() {
                    return Ok(ids);
                }
                let first_id: Option<i64> = if SEQUENTIAL_IDS {
                    let max: Option<i64> = ::sqlx::query_scalar("SELECT MAX(id) FROM incidents")
                        .fetch_one(&mut **tx)
                        .await?;
                    Some(max.unwrap_or(0) + 1)
                } else {
                    None
                };
                let tail = if SEQUENTIAL_IDS { "" } else { " RETURNING id" };
                let head = format!("INSERT INTO incidents ({})", sql::INCIDENT_FIELDS.join(", "));
                let full_rows = sql::INSERT_CHUNK.min(incidents.len());
                let full = sql::values_sql(&head, sql::INCIDENT_FIELDS.len(), full_rows, tail, NUMBERED);
                let mut links = AreaLinks::default();
                let mut chunks = incidents.chunks(sql::INSERT_CHUNK);
                let mut next = chunks.next().map(|c| (c, incident_arguments(c, at)));
                while let Some((chunk, args)) = next.take() {
                    let partial;
                    let text = if chunk.len() == full_rows {
                        &full
                    } else {
                        partial = sql::values_sql(&head, sql::INCIDENT_FIELDS.len(), chunk.len(), tail, NUMBERED);
                        &partial
                    };
                    let following = chunks.next();
                    let build = async move { following.map(|c| (c, incident_arguments(c, at))) };
                    let start = ids.len();
                    if let Some(first) = first_id {
                        let insert = ::sqlx::query_with::<$db, _>(text, args?).execute(&mut **tx);
                        let (result, built) = sql::join(insert, build).await;
                        let done = result.map_err(|e| sql::classify("incident", e))?;
                        if done.rows_affected() != chunk.len() as u64 {
                            return Err(StoreError::Corrupt(format!(
                                "{} of {} incident rows inserted", done.rows_affected(), chunk.len()
                            )));
                        }
                        let from = first + start as i64;
                        ids.extend(from..from + chunk.len() as i64);
                        next = built;
                    } else {
                        let insert = ::sqlx::query_scalar_with::<$db, i64, _>(text, args?)
                            .fetch_all(&mut **tx);
                        let (result, built) = sql::join(insert, build).await;
                        let mut chunk_ids = result.map_err(|e| sql::classify("incident", e))?;
                        // Both engines assign increasing ids in VALUES order within one
                        // statement; RETURNING's row order is not promised, so sort.
                        chunk_ids.sort_unstable();
                        ids.extend(chunk_ids);
                        next = built;
                    }
                    for (&id, a) in ids[start..].iter().zip(chunk) {
                        let mut areas: Vec<i64> = a.areas.iter().map(|x| x.0).collect();
                        areas.sort_unstable();
                        areas.dedup();
                        for area in areas {
                            links.push(tx, id, area).await?;
                        }
                    }
                }
                links.flush(tx).await?;
                if let Some(first) = first_id {
                    let max: Option<i64> = ::sqlx::query_scalar("SELECT MAX(id) FROM incidents")
                        .fetch_one(&mut **tx)
                        .await?;
                    let last = first + ids.len() as i64 - 1;
                    if max != Some(last) {
                        return Err(StoreError::Corrupt(format!(
                            "incident ids were not assigned consecutively ({first}..={last} expected, largest stored {max:?}); nothing was written"
                        )));
                    }
                }
                Ok(ids)
            }

            /// (incident, area) links waiting to be inserted in statements of
            /// [`AreaLinks::CHUNK`] rows, all with the same cached text.
            #[derive(Default)]
            struct AreaLinks {
                pending: Vec<(i64, i64)>,
                full: Option<String>,
            }

            impl AreaLinks {
                const CHUNK: usize = 4000;

                async fn push(&mut self, tx: &mut Tx, incident: i64, area: i64) -> Result<()> {
                    self.pending.push((incident, area));
                    if self.pending.len() == Self::CHUNK {
                        self.flush(tx).await?;
                    }
                    Ok(())
                }

                async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
                    use ::sqlx::Arguments as _;
                    if self.pending.is_empty() {
                        return Ok(());
                    }
                    let head = "INSERT INTO incident_areas (incident_id, area_id)";
                    let n = self.pending.len();
                    let partial;
                    let text = if n == Self::CHUNK {
                        self.full.get_or_insert_with(|| sql::values_sql(head, 2, n, "", NUMBERED))
                    } else {
                        partial = sql::values_sql(head, 2, n, "", NUMBERED);
                        &partial
                    };
                    let mut args = <$db as ::sqlx::Database>::Arguments::<'_>::default();
                    args.reserve(n * 2, n * 16);
                    for &(incident, area) in &self.pending {
                        args.add(incident).map_err(|e| StoreError::Database(::sqlx::Error::Encode(e)))?;
                        args.add(area).map_err(|e| StoreError::Database(::sqlx::Error::Encode(e)))?;
                    }
                    ::sqlx::query_with::<$db, _>(text, args)
                        .execute(&mut **tx)
                        .await
                        .map_err(|e| sql::classify("incident area", e))?;
                    self.pending.clear();
                    Ok(())
                }
            }

            /// Inserts (incident, area) links.
            async fn insert_area_links(tx: &mut Tx, pairs: &[(i64, i64)]) -> Result<()> {
                let mut links = AreaLinks::default();
                for &(incident, area) in pairs {
                    links.push(tx, incident, area).await?;
                }
                links.flush(tx).await
            }

            async fn update_incident(
                tx: &mut Tx,
                id: i64,
                a: &AssignedIncident,
                at: Timestamp,
            ) -> Result<()> {
                let mut text = String::from("UPDATE incidents SET ");
                let mut args = <$db as ::sqlx::Database>::Arguments::<'_>::default();
                let mut n = 0;
                for (field, value) in sql::INCIDENT_FIELDS.into_iter().zip(sql::incident_values(&a.incident, at)) {
                    if sql::updatable_field(field) {
                        n += 1;
                        let sep = if n == 1 { "" } else { ", " };
                        text.push_str(&format!("{sep}{field} = ${n}"));
                        add_value(&mut args, value)?;
                    }
                }
                text.push_str(&format!(" WHERE id = ${}", n + 1));
                add_value(&mut args, sql::Value::Int(Some(id)))?;
                ::sqlx::query_with::<$db, _>(&text, args)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| sql::classify("incident", e))?;
                ::sqlx::query("DELETE FROM incident_areas WHERE incident_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                let mut areas = a.areas.clone();
                areas.sort();
                areas.dedup();
                let pairs: Vec<(i64, i64)> = areas.iter().map(|x| (id, x.0)).collect();
                insert_area_links(tx, &pairs).await
            }

            /// Fills in `areas` for each incident.
            async fn attach_areas<'e, E>(executor: E, items: &mut [Incident]) -> Result<()>
            where
                E: ::sqlx::Executor<'e, Database = $db>,
            {
                if items.is_empty() {
                    return Ok(());
                }
                let mut qb = QueryBuilder::<$db>::new(
                    "SELECT incident_id, area_id FROM incident_areas WHERE incident_id IN (",
                );
                let mut list = qb.separated(", ");
                for i in items.iter() {
                    list.push_bind(i.id.0);
                }
                qb.push(") ORDER BY incident_id, area_id");
                let rows = qb.build().fetch_all(executor).await?;
                let mut by_id: ::std::collections::HashMap<i64, Vec<AreaId>> =
                    ::std::collections::HashMap::new();
                for r in &rows {
                    by_id
                        .entry(r.try_get("incident_id")?)
                        .or_default()
                        .push(AreaId(r.try_get("area_id")?));
                }
                for i in items.iter_mut() {
                    i.areas = by_id.remove(&i.id.0).unwrap_or_default();
                }
                Ok(())
            }

            /// The (channel, organisation) pairs among `incidents` that have any stored
            /// external id. The others are new sources (a first import): one pass over the
            /// external-id index answers that (it stops at the first match), instead of a
            /// lookup per id.
            async fn sources_with_stored_ids(
                tx: &mut Tx,
                incidents: &[AssignedIncident],
            ) -> Result<::std::collections::BTreeSet<(&'static str, i64)>> {
                let pairs: ::std::collections::BTreeSet<(&'static str, i64)> = incidents
                    .iter()
                    .filter(|a| a.incident.external_id.is_some())
                    .map(|a| (a.incident.channel.as_str(), a.incident.source_org.0))
                    .collect();
                let mut stored = ::std::collections::BTreeSet::new();
                for (channel, org) in pairs {
                    let any: bool = ::sqlx::query_scalar(
                        "SELECT EXISTS (SELECT 1 FROM incidents WHERE channel = $1 \
                         AND source_org = $2 AND external_id IS NOT NULL)",
                    )
                    .bind(channel)
                    .bind(org)
                    .fetch_one(&mut **tx)
                    .await?;
                    if any {
                        stored.insert((channel, org));
                    }
                }
                Ok(stored)
            }

            /// Stored incidents with the external ids of `incidents` from `sources`, keyed by
            /// (channel, org, external id).
            async fn existing_by_external_id(
                tx: &mut Tx,
                incidents: &[AssignedIncident],
                sources: &::std::collections::BTreeSet<(&'static str, i64)>,
            ) -> Result<::std::collections::HashMap<(&'static str, i64, String), Incident>> {
                let mut keys: ::std::collections::BTreeMap<(&'static str, i64), Vec<&str>> =
                    ::std::collections::BTreeMap::new();
                for a in incidents {
                    let source = (a.incident.channel.as_str(), a.incident.source_org.0);
                    if let Some(x) = &a.incident.external_id
                        && sources.contains(&source)
                    {
                        keys.entry(source).or_default().push(x.as_str());
                    }
                }
                let mut found = ::std::collections::HashMap::new();
                for ((channel, org), ext) in keys {
                    for chunk in ext.chunks(1000) {
                        let mut qb = QueryBuilder::<$db>::new(format!(
                            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE channel = "
                        ));
                        qb.push_bind(channel)
                            .push(" AND source_org = ")
                            .push_bind(org)
                            .push(" AND external_id IN (");
                        let mut list = qb.separated(", ");
                        for &x in chunk {
                            list.push_bind(x);
                        }
                        qb.push(")");
                        let rows = qb.build().fetch_all(&mut **tx).await?;
                        let mut items =
                            rows.iter().map(sql::incident_from_row).collect::<Result<Vec<_>>>()?;
                        attach_areas(&mut **tx, &mut items).await?;
                        for i in items {
                            let key = (channel, org, i.external_id.clone().unwrap_or_default());
                            found.insert(key, i);
                        }
                    }
                }
                Ok(found)
            }

            const RECORD_COLUMNS: &str =
                "id, kind, organisation_id, visibility, data, version, created_at, updated_at, created_by";

            fn micros(v: i64) -> Result<Timestamp> {
                Timestamp::from_microsecond(v)
                    .map_err(|e| StoreError::Corrupt(format!("record time {v}: {e}")))
            }

            fn record_from_row(
                r: &<$db as ::sqlx::Database>::Row,
            ) -> Result<$crate::StoredRecord> {
                let data: String = r.try_get("data")?;
                let id: i64 = r.try_get("id")?;
                Ok($crate::StoredRecord {
                    meta: $crate::RecordMeta {
                        kind: r.try_get("kind")?,
                        id,
                        organisation_id: $crate::__private::trygg_domain::OrganisationId(
                            r.try_get("organisation_id")?,
                        ),
                        visibility: {
                            let v: String = r.try_get("visibility")?;
                            $crate::__private::trygg_domain::Visibility::parse(&v).ok_or_else(|| {
                                StoreError::Corrupt(format!("record {id}: visibility {v:?}"))
                            })?
                        },
                        version: r.try_get("version")?,
                        created_at: micros(r.try_get("created_at")?)?,
                        updated_at: micros(r.try_get("updated_at")?)?,
                        created_by: r.try_get("created_by")?,
                    },
                    data: serde_json::from_str(&data)
                        .map_err(|e| StoreError::Corrupt(format!("record {id}: {e}")))?,
                })
            }

            fn record_audit(r: &$crate::StoredRecord) -> serde_json::Value {
                json!({
                    "version": r.meta.version,
                    "organisation_id": r.meta.organisation_id,
                    "visibility": r.meta.visibility,
                    "data": r.data,
                })
            }

            async fn locked_record(tx: &mut Tx, kind: &str, id: i64) -> Result<$crate::StoredRecord> {
                let row = ::sqlx::query(&format!(
                    "SELECT {RECORD_COLUMNS} FROM records WHERE kind = $1 AND id = $2"
                ))
                .bind(kind)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
                match row {
                    Some(r) => record_from_row(&r),
                    None => Err(StoreError::NotFound {
                        entity: "record",
                        id: format!("{kind} {id}"),
                    }),
                }
            }

            $crate::impl_retention!($db);

            #[$crate::__private::async_trait::async_trait]
            impl $crate::Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn ping(&self) -> Result<()> {
                    ::sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }

                async fn create_organisation(
                    &self,
                    actor: &Actor,
                    org: NewOrganisation,
                ) -> Result<Organisation> {
                    let mut tx = self.begin_write().await?;
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO organisations (name, kind, parent_id) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(&org.name)
                    .bind(org.kind.as_str())
                    .bind(org.parent_id.map(|p| p.0))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| sql::classify("organisation", e))?;
                    let created = Organisation {
                        id: $crate::__private::trygg_domain::OrganisationId(id),
                        name: org.name,
                        kind: org.kind,
                        parent_id: org.parent_id,
                    };
                    audit(&mut tx, actor, "create", "organisation", Some(id.to_string()), None, Some(to_json(&created))).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn list_organisations(&self) -> Result<Vec<Organisation>> {
                    let rows = ::sqlx::query("SELECT id, name, kind, parent_id FROM organisations ORDER BY id")
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(sql::organisation_from_row).collect()
                }

                async fn create_user(
                    &self,
                    actor: &Actor,
                    user: NewUser,
                    password_hash: Option<String>,
                ) -> Result<User> {
                    let email = user.email.trim().to_lowercase();
                    if email.is_empty() || !email.contains('@') {
                        return Err(StoreError::Invalid($crate::__private::trygg_domain::ValidationError::new(
                            $crate::__private::trygg_domain::ErrorCode::Invalid,
                            "email",
                            format!("{email:?} is not a login name: use an e-mail address such as namn@kommun.se."),
                        )));
                    }
                    let mut tx = self.begin_write().await?;
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO users (email, display_name, organisation_id, roles, password_hash, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(&email)
                    .bind(&user.display_name)
                    .bind(user.organisation_id.0)
                    .bind(sql::roles_to_storage(&user.roles))
                    .bind(password_hash)
                    .bind(now().as_second())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| sql::classify("user", e))?;
                    let created = User {
                        id: UserId(id),
                        email,
                        display_name: user.display_name,
                        organisation_id: user.organisation_id,
                        roles: user.roles,
                        disabled: false,
                    };
                    audit(&mut tx, actor, "create", "user", Some(id.to_string()), None, Some(to_json(&created))).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn get_user(&self, id: UserId) -> Result<Option<User>> {
                    let row = ::sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(sql::user_from_row).transpose()
                }

                async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>> {
                    let row = ::sqlx::query(&format!(
                        "SELECT {USER_COLUMNS}, users.password_hash FROM users WHERE users.email = $1"
                    ))
                    .bind(email.trim().to_lowercase())
                    .fetch_optional(&self.pool)
                    .await?;
                    match row {
                        None => Ok(None),
                        Some(r) => Ok(Some(UserCredentials {
                            user: sql::user_from_row(&r)?,
                            password_hash: r.try_get("password_hash")?,
                        })),
                    }
                }

                async fn list_users(&self) -> Result<Vec<User>> {
                    let rows = ::sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY id"))
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(sql::user_from_row).collect()
                }

                async fn create_api_token(
                    &self,
                    actor: &Actor,
                    user: UserId,
                    name: &str,
                    token_hash: &str,
                    expires_at: Timestamp,
                ) -> Result<i64> {
                    let mut tx = self.begin_write().await?;
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(user.0)
                    .bind(name)
                    .bind(token_hash)
                    .bind(now().as_second())
                    .bind(expires_at.as_second())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| sql::classify("API token", e))?;
                    audit(&mut tx, actor, "create", "api_token", Some(id.to_string()), None,
                        Some(json!({ "user_id": user.0, "name": name, "expires_at": expires_at }))).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn list_api_tokens(&self) -> Result<Vec<$crate::ApiToken>> {
                    let rows = ::sqlx::query(
                        "SELECT id, user_id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    let at = |v: i64| Timestamp::from_second(v).map_err(|e| StoreError::Corrupt(format!("token time: {e}")));
                    rows.iter()
                        .map(|r| {
                            Ok($crate::ApiToken {
                                id: r.try_get("id")?,
                                user_id: UserId(r.try_get("user_id")?),
                                name: r.try_get("name")?,
                                created_at: at(r.try_get("created_at")?)?,
                                expires_at: at(r.try_get("expires_at")?)?,
                                last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(at).transpose()?,
                                revoked_at: r.try_get::<Option<i64>, _>("revoked_at")?.map(at).transpose()?,
                            })
                        })
                        .collect()
                }

                async fn revoke_api_token(&self, actor: &Actor, id: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let user: Option<i64> = ::sqlx::query_scalar("SELECT user_id FROM api_tokens WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some(user) = user else {
                        return Err(StoreError::NotFound { entity: "API token", id: id.to_string() });
                    };
                    let n = ::sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                        .bind(now().as_second())
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if n > 0 {
                        audit(&mut tx, actor, "revoke", "api_token", Some(id.to_string()), None,
                            Some(json!({ "user_id": user }))).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn user_by_token_hash(&self, token_hash: &str, at: Timestamp) -> Result<Option<User>> {
                    let row = ::sqlx::query(&format!(
                        "SELECT {USER_COLUMNS}, api_tokens.id AS token_id, api_tokens.last_used_at \
                         FROM users JOIN api_tokens ON api_tokens.user_id = users.id \
                         WHERE api_tokens.token_hash = $1 AND api_tokens.revoked_at IS NULL \
                         AND api_tokens.expires_at > $2 AND users.disabled_at IS NULL"
                    ))
                    .bind(token_hash)
                    .bind(at.as_second())
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };
                    let last: Option<i64> = row.try_get("last_used_at")?;
                    if last.is_none_or(|l| at.as_second() - l >= 60) {
                        let token: i64 = row.try_get("token_id")?;
                        let mut tx = self.begin_write().await?;
                        ::sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                            .bind(at.as_second())
                            .bind(token)
                            .execute(&mut *tx)
                            .await?;
                        tx.commit().await?;
                    }
                    sql::user_from_row(&row).map(Some)
                }

                async fn set_user_disabled(&self, actor: &Actor, user: UserId, disabled: bool) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let at = now().as_second();
                    let query = if disabled {
                        ::sqlx::query("UPDATE users SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2").bind(at)
                    } else {
                        ::sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1")
                    };
                    let n = query.bind(user.0).execute(&mut *tx).await?.rows_affected();
                    if n == 0 {
                        return Err(StoreError::NotFound { entity: "user", id: user.0.to_string() });
                    }
                    if disabled {
                        ::sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                            .bind(user.0)
                            .execute(&mut *tx)
                            .await?;
                        ::sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                            .bind(at)
                            .bind(user.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                    audit(&mut tx, actor, if disabled { "disable" } else { "enable" }, "user",
                        Some(user.0.to_string()), None, None).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_user_roles(&self, actor: &Actor, user: UserId, roles: &[Role]) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let old: Option<String> = ::sqlx::query_scalar("SELECT roles FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some(old) = old else {
                        return Err(StoreError::NotFound { entity: "user", id: user.0.to_string() });
                    };
                    let new = sql::roles_to_storage(roles);
                    ::sqlx::query("UPDATE users SET roles = $1 WHERE id = $2")
                        .bind(&new)
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?;
                    audit(&mut tx, actor, "set_roles", "user", Some(user.0.to_string()),
                        Some(json!({ "roles": old })), Some(json!({ "roles": new }))).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn record_sign_in_failure(
                    &self,
                    keys: &[String],
                    at: Timestamp,
                    forget_before: Timestamp,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    ::sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
                        .bind(forget_before.as_second())
                        .execute(&mut *tx)
                        .await?;
                    for key in keys {
                        ::sqlx::query("INSERT INTO sign_in_failures (key, at) VALUES ($1, $2)")
                            .bind(key)
                            .bind(at.as_second())
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<(u32, Option<Timestamp>)> {
                    let row = ::sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM sign_in_failures WHERE key = $1 AND at >= $2")
                        .bind(key)
                        .bind(since.as_second())
                        .fetch_one(&self.pool)
                        .await?;
                    let n: i64 = row.try_get("n")?;
                    let oldest: Option<i64> = row.try_get("oldest")?;
                    Ok((
                        u32::try_from(n).unwrap_or(u32::MAX),
                        oldest
                            .map(Timestamp::from_second)
                            .transpose()
                            .map_err(|e| StoreError::Corrupt(format!("sign-in failure time: {e}")))?,
                    ))
                }

                async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    ::sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn put_photo(
                    &self,
                    actor: &Actor,
                    sha256: &str,
                    content_type: &str,
                    data: &[u8],
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let done = ::sqlx::query(
                        "INSERT INTO photos (sha256, content_type, data, created_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (sha256) DO NOTHING",
                    )
                    .bind(sha256)
                    .bind(content_type)
                    .bind(data)
                    .bind(now().as_second())
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        let after = serde_json::json!({"content_type": content_type, "bytes": data.len()});
                        audit(&mut tx, actor, "create", "photo", Some(sha256.to_string()), None, Some(after)).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_photo(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
                    let row = ::sqlx::query("SELECT content_type, data FROM photos WHERE sha256 = $1")
                        .bind(sha256)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(|r| Ok((r.try_get("content_type")?, r.try_get("data")?)))
                        .transpose()
                }

                async fn create_session(&self, user: UserId, session: &$crate::NewSession) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let at = now();
                    ::sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
                        .bind(at.as_second())
                        .execute(&mut *tx)
                        .await?;
                    ::sqlx::query(
                        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&session.token_hash)
                    .bind(user.0)
                    .bind(&session.csrf)
                    .bind(at.as_second())
                    .bind(session.expires_at.as_second())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| sql::classify("session", e))?;
                    audit(&mut tx, &Actor::User { id: user }, "sign_in", "user", Some(user.0.to_string()), None, None).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn session(&self, token_hash: &str, at: Timestamp) -> Result<Option<$crate::Session>> {
                    let row = ::sqlx::query(&format!(
                        "SELECT {USER_COLUMNS}, sessions.csrf, sessions.expires_at FROM users JOIN sessions ON sessions.user_id = users.id \
                         WHERE sessions.token_hash = $1 AND sessions.expires_at > $2 AND users.disabled_at IS NULL"
                    ))
                    .bind(token_hash)
                    .bind(at.as_second())
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(row) = row else { return Ok(None) };

                    let expires: i64 = row.try_get("expires_at")?;
                    Ok(Some($crate::Session {
                        user: sql::user_from_row(&row)?,
                        csrf: row.try_get("csrf")?,
                        expires_at: Timestamp::from_second(expires)
                            .map_err(|e| StoreError::Corrupt(format!("session expiry: {e}")))?,
                    }))
                }

                async fn delete_session(&self, token_hash: &str) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let user: Option<i64> = ::sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
                        .bind(token_hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(u) = user {
                        audit(&mut tx, &Actor::User { id: UserId(u) }, "sign_out", "user", Some(u.to_string()), None, None).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_password(
                    &self,
                    actor: &Actor,
                    user: UserId,
                    password_hash: &str,
                    keep_session: Option<&str>,
                ) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let n = ::sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(password_hash)
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if n == 0 {
                        return Err(StoreError::NotFound { entity: "user", id: user.0.to_string() });
                    }
                    ::sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                        .bind(user.0)
                        .bind(keep_session.unwrap_or(""))
                        .execute(&mut *tx)
                        .await?;
                    ::sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                        .bind(now().as_second())
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await?;
                    audit(&mut tx, actor, "set_password", "user", Some(user.0.to_string()), None, None).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn upsert_areas(&self, actor: &Actor, areas: Vec<NewArea>) -> Result<Vec<Area>> {
                    let mut tx = self.begin_write().await?;
                    let mut stored = Vec::with_capacity(areas.len());
                    for a in areas {
                        let existing = match &a.code {
                            Some(code) => ::sqlx::query("SELECT id, name, code, kind, geometry FROM areas WHERE kind = $1 AND code = $2")
                                .bind(a.kind.as_str())
                                .bind(code)
                                .fetch_optional(&mut *tx)
                                .await?
                                .as_ref()
                                .map(sql::area_from_row)
                                .transpose()?,
                            None => None,
                        };
                        let summary = |id: i64, a: &NewArea| json!({ "id": id, "name": a.name, "code": a.code, "kind": a.kind });
                        let id = match existing {
                            Some(old) => {
                                ::sqlx::query("UPDATE areas SET name = $1, geometry = $2 WHERE id = $3")
                                    .bind(&a.name)
                                    .bind(a.geometry.to_string())
                                    .bind(old.id.0)
                                    .execute(&mut *tx)
                                    .await?;
                                let before = json!({ "id": old.id.0, "name": old.name, "code": old.code, "kind": old.kind });
                                audit(&mut tx, actor, "update", "area", Some(old.id.to_string()), Some(before), Some(summary(old.id.0, &a))).await?;
                                old.id.0
                            }
                            None => {
                                let id: i64 = ::sqlx::query_scalar(
                                    "INSERT INTO areas (name, code, kind, geometry) VALUES ($1, $2, $3, $4) RETURNING id",
                                )
                                .bind(&a.name)
                                .bind(&a.code)
                                .bind(a.kind.as_str())
                                .bind(a.geometry.to_string())
                                .fetch_one(&mut *tx)
                                .await
                                .map_err(|e| sql::classify("area", e))?;
                                audit(&mut tx, actor, "create", "area", Some(id.to_string()), None, Some(summary(id, &a))).await?;
                                id
                            }
                        };
                        stored.push(Area { id: AreaId(id), name: a.name, code: a.code, kind: a.kind, geometry: a.geometry });
                    }
                    tx.commit().await?;
                    Ok(stored)
                }

                async fn replace_area_links(
                    &self,
                    actor: &Actor,
                    areas: &[AreaId],
                    links: Vec<(IncidentId, AreaId)>,
                ) -> Result<u64> {
                    let mut tx = self.begin_write().await?;
                    for chunk in areas.chunks(1000) {
                        let mut qb = QueryBuilder::<$db>::new("DELETE FROM incident_areas WHERE area_id IN (");
                        let mut list = qb.separated(", ");
                        for a in chunk {
                            list.push_bind(a.0);
                        }
                        qb.push(")");
                        qb.build().execute(&mut *tx).await?;
                    }
                    let mut pairs: Vec<(i64, i64)> = links.iter().map(|(i, a)| (i.0, a.0)).collect();
                    pairs.sort_unstable();
                    pairs.dedup();
                    insert_area_links(&mut tx, &pairs).await?;
                    audit(&mut tx, actor, "assign", "incident_areas", None, None, Some(json!({
                        "areas": areas.iter().map(|a| a.0).collect::<Vec<_>>(),
                        "links": pairs.len(),
                    }))).await?;
                    tx.commit().await?;
                    Ok(pairs.len() as u64)
                }

                async fn analysis_rows(&self, ids: Option<&[IncidentId]>) -> Result<Vec<AnalysisRow>> {
                    let mut out = Vec::new();
                    let mut keep = |r| {
                        out.push(r);
                        Ok(())
                    };
                    let Some(ids) = ids else {
                        self.each_analysis_row(&mut keep).await?;
                        return Ok(out);
                    };
                    for chunk in ids.chunks(5000) {
                        let mut q = QueryBuilder::<$db>::new($crate::sql::ANALYSIS_SELECT);
                        q.push(" WHERE i.id IN (");
                        let mut list = q.separated(", ");
                        for i in chunk {
                            list.push_bind(i.0);
                        }
                        q.push(")");
                        q.push($crate::sql::ANALYSIS_ORDER);
                        let mut fold = $crate::sql::AnalysisFold::default();
                        for r in q.build().fetch_all(&self.pool).await? {
                            fold.push(analysis_scan_row(&r)?, &mut keep)?;
                        }
                        fold.finish(&mut keep)?;
                    }
                    Ok(out)
                }

                async fn each_analysis_row(
                    &self,
                    each: &mut (dyn FnMut(AnalysisRow) -> Result<()> + Send),
                ) -> Result<()> {
                    use $crate::__private::futures_util::TryStreamExt;
                    if self.scan_analysis(each).await? {
                        return Ok(());
                    }
                    let mut rows = ::sqlx::query($crate::sql::ANALYSIS_SCAN).fetch(&self.pool);
                    let mut fold = $crate::sql::AnalysisFold::default();
                    while let Some(r) = rows.try_next().await? {
                        fold.push(analysis_scan_row(&r)?, each)?;
                    }
                    fold.finish(each)
                }

                async fn incident_positions(&self) -> Result<Vec<(IncidentId, $crate::__private::trygg_domain::Position)>> {
                    let rows = ::sqlx::query(
                        "SELECT id, lat, lon, n, e, precision FROM incidents WHERE precision IS NOT NULL ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let p: String = r.try_get("precision")?;
                            Ok((
                                IncidentId(r.try_get("id")?),
                                $crate::__private::trygg_domain::Position {
                                    lat: r.try_get("lat")?,
                                    lon: r.try_get("lon")?,
                                    n: r.try_get("n")?,
                                    e: r.try_get("e")?,
                                    precision: $crate::__private::trygg_domain::Precision::parse(&p)
                                        .ok_or_else(|| StoreError::Corrupt(format!("precision {p:?}")))?,
                                },
                            ))
                        })
                        .collect()
                }

                async fn list_areas(&self) -> Result<Vec<Area>> {
                    let rows = ::sqlx::query("SELECT id, name, code, kind, geometry FROM areas ORDER BY id")
                        .fetch_all(&self.pool)
                        .await?;
                    rows.iter().map(sql::area_from_row).collect()
                }

                async fn write_incidents(
                    &self,
                    actor: &Actor,
                    incidents: Vec<AssignedIncident>,
                    batch_audit: BatchAudit,
                ) -> Result<WriteOutcome> {
                    let checked_at = now();
                    for (k, a) in incidents.iter().enumerate() {
                        a.incident.validate_at(checked_at).map_err(|e| sql::in_batch(k, e))?;
                    }
                    // A later version of the same external id in one batch wins: walk from the
                    // end and keep the first of each key. The incidents stay where they are; the
                    // steps below work on indices and references (a batch can be a million).
                    let keep: Vec<bool> = {
                        let mut seen: ::std::collections::HashSet<(&str, i64, &str), $crate::__private::FastHash> =
                            ::std::collections::HashSet::with_capacity_and_hasher(
                                incidents.len(),
                                $crate::__private::FastHash::default(),
                            );
                        let mut keep: Vec<bool> = incidents
                            .iter()
                            .rev()
                            .map(|a| match &a.incident.external_id {
                                Some(x) => seen.insert((a.incident.channel.as_str(), a.incident.source_org.0, x.as_str())),
                                None => true,
                            })
                            .collect();
                        keep.reverse();
                        keep
                    };

                    let at = now();
                    let mut tx = self.begin_write().await?;
                    let sources = sources_with_stored_ids(&mut tx, &incidents).await?;
                    let mut outcome = WriteOutcome::default();
                    // The new incidents, as indices into `incidents`.
                    let mut order: Vec<usize> = Vec::with_capacity(incidents.len());
                    // Stored versions are looked up a thousand incidents at a time, so a large
                    // re-import never holds more than that many of them.
                    const LOOKUP: usize = 1000;
                    for (part, chunk) in incidents.chunks(LOOKUP).enumerate() {
                        let existing = if sources.is_empty() {
                            ::std::collections::HashMap::new()
                        } else {
                            existing_by_external_id(&mut tx, chunk, &sources).await?
                        };
                        for (j, a) in chunk.iter().enumerate() {
                            let k = part * LOOKUP + j;
                            if !keep[k] {
                                continue;
                            }
                            let old = match &a.incident.external_id {
                                Some(x) if !existing.is_empty() => existing.get(&(
                                    a.incident.channel.as_str(),
                                    a.incident.source_org.0,
                                    x.clone(),
                                )),
                                _ => None,
                            };
                            let Some(old) = old else {
                                order.push(k);
                                continue;
                            };
                            let mut new = sql::incident_from_new(old.id.0, &a.incident, &a.areas, at);
                            if a.incident.reported_at.is_none() {
                                new.reported_at = old.reported_at;
                            }
                            if &new == old {
                                outcome.unchanged += 1;
                                continue;
                            }
                            update_incident(&mut tx, old.id.0, a, new.reported_at).await?;
                            outcome.ids.push(old.id);
                            outcome.rows.push(sql::analysis_row(old.id.0, &a.incident, &a.areas));
                            audit(&mut tx, actor, "update", "incident", Some(old.id.to_string()),
                                Some(to_json(old)), Some(to_json(&new))).await?;
                            outcome.updated += 1;
                        }
                    }
                    // A bulk batch goes to the backend in input order: the backend rebuilds its
                    // indexes afterwards, and reading a million incidents in order is several
                    // times faster than in time order, which scatters every read across memory
                    // (half of SQLite's bulk insert time for an unsorted file). Its ids follow
                    // the file, which for exports usually means time.
                    let mut bulk = None;
                    if order.len() >= $crate::sql::BULK_ROWS {
                        let fresh: Vec<&AssignedIncident> = order.iter().map(|&k| &incidents[k]).collect();
                        bulk = self.insert_bulk(&mut tx, &fresh, at).await?;
                    }
                    let ids = match bulk {
                        Some(ids) => ids,
                        None => {
                            // Otherwise in time order (stable: ties keep input order), so the
                            // time index is appended to rather than scattered into, and ids
                            // follow time.
                            order.sort_by_key(|&k| incidents[k].incident.occurred_from);
                            let fresh: Vec<&AssignedIncident> = order.iter().map(|&k| &incidents[k]).collect();
                            insert_incidents(&mut tx, &fresh, at).await?
                        }
                    };
                    outcome.created = ids.len() as u64;
                    outcome.ids.extend(ids.iter().map(|&i| IncidentId(i)));
                    if let BatchAudit::Batch(summary) = batch_audit {
                        audit(&mut tx, actor, "import", "incident", None, None, Some(json!({
                            "created": outcome.created,
                            "updated": outcome.updated,
                            "unchanged": outcome.unchanged,
                            "first_id": ids.first(),
                            "last_id": ids.last(),
                            "summary": summary,
                        }))).await?;
                    } else {
                        for (id, &k) in ids.iter().zip(&order) {
                            let a = &incidents[k];
                            let created = sql::incident_from_new(*id, &a.incident, &a.areas, at);
                            audit(&mut tx, actor, "create", "incident", Some(id.to_string()), None, Some(to_json(&created))).await?;
                        }
                    }
                    // The analysis rows are built while SQLite commits on its own thread.
                    let rows = async {
                        let mut rows = ::std::mem::take(&mut outcome.rows);
                        rows.reserve(ids.len());
                        rows.extend(
                            ids.iter()
                                .zip(&order)
                                .map(|(&id, &k)| sql::analysis_row(id, &incidents[k].incident, &incidents[k].areas)),
                        );
                        rows.sort_unstable_by_key(|r| r.id);
                        rows
                    };
                    let (committed, rows) = sql::join(tx.commit(), rows).await;
                    committed?;
                    outcome.rows = rows;
                    Ok(outcome)
                }

                async fn create_incident(&self, actor: &Actor, incident: AssignedIncident) -> Result<Incident> {
                    let at = now();
                    incident.incident.validate_at(at)?;
                    let mut tx = self.begin_write().await?;
                    let ids = insert_incidents(&mut tx, &[&incident], at).await?;
                    let created = sql::incident_from_new(ids[0], &incident.incident, &incident.areas, at);
                    audit(&mut tx, actor, "create", "incident", Some(ids[0].to_string()), None, Some(to_json(&created))).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn get_incident(&self, id: IncidentId, scope: Scope) -> Result<Option<Incident>> {
                    let mut qb = QueryBuilder::<$db>::new(format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = "));
                    qb.push_bind(id.0);
                    sql::push_scope(&mut qb, scope);
                    let Some(row) = qb.build().fetch_optional(&self.pool).await? else {
                        return Ok(None);
                    };
                    let mut items = vec![sql::incident_from_row(&row)?];
                    attach_areas(&self.pool, &mut items).await?;
                    Ok(items.pop())
                }

                async fn list_incidents(&self, filter: &IncidentFilter) -> Result<Page<Incident>> {
                    let limit = match filter.limit {
                        0 => DEFAULT_PAGE,
                        n => n.min(MAX_PAGE),
                    };
                    let mut tx = self.pool.begin().await?;
                    let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM incidents");
                    sql::push_incident_filter(&mut count, filter);
                    let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
                    let mut qb = QueryBuilder::<$db>::new(format!("SELECT {INCIDENT_COLUMNS} FROM incidents"));
                    sql::push_incident_filter(&mut qb, filter);
                    qb.push(" ORDER BY occurred_from DESC, id DESC LIMIT ")
                        .push_bind(i64::from(limit))
                        .push(" OFFSET ")
                        .push_bind(i64::try_from(filter.offset).unwrap_or(i64::MAX));
                    let rows = qb.build().fetch_all(&mut *tx).await?;
                    let mut items = rows.iter().map(sql::incident_from_row).collect::<Result<Vec<_>>>()?;
                    attach_areas(&mut *tx, &mut items).await?;
                    tx.commit().await?;
                    Ok(Page { total: total as u64, items })
                }

                async fn create_report(&self, actor: &Actor, report: NewReport) -> Result<(Report, Vec<Incident>)> {
                    if report.incidents.is_empty() {
                        return Err(StoreError::Invalid($crate::__private::trygg_domain::ValidationError::new(
                            $crate::__private::trygg_domain::ErrorCode::Missing,
                            "incidents",
                            "A report needs at least one event.",
                        )));
                    }
                    let at = now();
                    for (k, a) in report.incidents.iter().enumerate() {
                        a.incident.validate_at(at).map_err(|e| sql::in_batch(k, e))?;
                    }
                    let mut tx = self.begin_write().await?;
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO reports (organisation_id, reporter_id, submitted_at) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(report.organisation_id.0)
                    .bind(report.reporter_id.map(|u| u.0))
                    .bind(at.as_second())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| sql::classify("report", e))?;
                    let report_id = $crate::__private::trygg_domain::ReportId(id);
                    let incidents: Vec<AssignedIncident> = report
                        .incidents
                        .into_iter()
                        .map(|mut a| {
                            a.incident.report_id = Some(report_id);
                            a
                        })
                        .collect();
                    let refs: Vec<&AssignedIncident> = incidents.iter().collect();
                    let ids = insert_incidents(&mut tx, &refs, at).await?;
                    let created: Vec<Incident> = ids
                        .iter()
                        .zip(&incidents)
                        .map(|(&iid, a)| sql::incident_from_new(iid, &a.incident, &a.areas, at))
                        .collect();
                    let stored = Report {
                        id: report_id,
                        organisation_id: report.organisation_id,
                        reporter_id: report.reporter_id,
                        submitted_at: at,
                        incident_ids: created.iter().map(|i| i.id).collect(),
                    };
                    audit(&mut tx, actor, "create", "report", Some(id.to_string()), None, Some(to_json(&stored))).await?;
                    for i in &created {
                        audit(&mut tx, actor, "create", "incident", Some(i.id.to_string()), None, Some(to_json(i))).await?;
                    }
                    tx.commit().await?;
                    Ok((stored, created))
                }

                async fn list_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
                    let mut qb = QueryBuilder::<$db>::new(
                        "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_events WHERE 1=1",
                    );
                    if let Some(e) = &filter.entity {
                        qb.push(" AND entity = ").push_bind(e.clone());
                    }
                    if let Some(e) = &filter.entity_id {
                        qb.push(" AND entity_id = ").push_bind(e.clone());
                    }
                    let limit = if filter.limit == 0 { 100 } else { filter.limit };
                    qb.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit));
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    rows.iter().map(sql::audit_from_row).collect()
                }

                async fn changes_since(&self, after: i64, limit: u32) -> Result<Vec<$crate::Change>> {
                    let rows = ::sqlx::query(
                        "SELECT id, action, entity, entity_id, \
                         CASE WHEN action = 'import' THEN after END AS after FROM audit_events \
                         WHERE id > $1 AND action NOT IN ('sign_in', 'sign_out') ORDER BY id LIMIT $2",
                    )
                    .bind(after)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            let action: String = r.try_get("action")?;
                            let entity: String = r.try_get("entity")?;
                            let id_range = if action == "import" && entity == "incident" {
                                let after: Option<String> = r.try_get("after")?;
                                after
                                    .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                                    .and_then(|v| Some((v["first_id"].as_i64()?, v["last_id"].as_i64()?)))
                            } else {
                                None
                            };
                            Ok($crate::Change {
                                seq: r.try_get("id")?,
                                entity,
                                action,
                                entity_id: r.try_get("entity_id")?,
                                id_range,
                            })
                        })
                        .collect()
                }

                async fn last_change(&self) -> Result<i64> {
                    let id: Option<i64> = ::sqlx::query_scalar("SELECT MAX(id) FROM audit_events")
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(id.unwrap_or(0))
                }

                async fn create_record(
                    &self,
                    actor: &Actor,
                    kind: &str,
                    organisation: $crate::__private::trygg_domain::OrganisationId,
                    visibility: $crate::__private::trygg_domain::Visibility,
                    data: serde_json::Value,
                ) -> Result<$crate::RecordMeta> {
                    let at = Timestamp::now();
                    let text = data.to_string();
                    let mut tx = self.begin_write().await?;
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO records (kind, organisation_id, visibility, data, version, created_at, updated_at, created_by) \
                         VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING id",
                    )
                    .bind(kind)
                    .bind(organisation.0)
                    .bind(visibility.as_str())
                    .bind(&text)
                    .bind(at.as_microsecond())
                    .bind(at.as_microsecond())
                    .bind(actor.to_storage())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| sql::classify("record", e))?;
                    let stored = $crate::StoredRecord {
                        meta: $crate::RecordMeta {
                            kind: kind.to_string(),
                            id,
                            organisation_id: organisation,
                            visibility,
                            version: 1,
                            created_at: micros(at.as_microsecond())?,
                            updated_at: micros(at.as_microsecond())?,
                            created_by: actor.to_storage(),
                        },
                        data,
                    };
                    audit(&mut tx, actor, "create", kind, Some(id.to_string()), None, Some(record_audit(&stored))).await?;
                    tx.commit().await?;
                    Ok(stored.meta)
                }

                async fn update_record(
                    &self,
                    actor: &Actor,
                    kind: &str,
                    id: i64,
                    expected_version: i64,
                    data: serde_json::Value,
                ) -> Result<$crate::RecordMeta> {
                    let at = Timestamp::now();
                    let mut tx = self.begin_write().await?;
                    let before = locked_record(&mut tx, kind, id).await?;
                    let stale = || StoreError::Conflict(format!(
                        "{kind} {id} has been changed by someone else since you read it (you edited version {expected_version}, the stored one is newer). Reload it and make your change again."
                    ));
                    if before.meta.version != expected_version {
                        return Err(stale());
                    }
                    let changed = ::sqlx::query(
                        "UPDATE records SET data = $1, version = $2, updated_at = $3 \
                         WHERE kind = $4 AND id = $5 AND version = $6",
                    )
                    .bind(data.to_string())
                    .bind(expected_version + 1)
                    .bind(at.as_microsecond())
                    .bind(kind)
                    .bind(id)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed != 1 {
                        return Err(stale());
                    }
                    let mut after = before.clone();
                    after.meta.version = expected_version + 1;
                    after.meta.updated_at = micros(at.as_microsecond())?;
                    after.data = data;
                    audit(&mut tx, actor, "update", kind, Some(id.to_string()),
                        Some(record_audit(&before)), Some(record_audit(&after))).await?;
                    tx.commit().await?;
                    Ok(after.meta)
                }

                async fn get_record(&self, kind: &str, id: i64) -> Result<Option<$crate::StoredRecord>> {
                    let row = ::sqlx::query(&format!(
                        "SELECT {RECORD_COLUMNS} FROM records WHERE kind = $1 AND id = $2"
                    ))
                    .bind(kind)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                    row.as_ref().map(record_from_row).transpose()
                }

                async fn list_records(&self, kind: &str) -> Result<Vec<$crate::StoredRecord>> {
                    let rows = ::sqlx::query(&format!(
                        "SELECT {RECORD_COLUMNS} FROM records WHERE kind = $1 ORDER BY id"
                    ))
                    .bind(kind)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter().map(record_from_row).collect()
                }

                async fn delete_record(&self, actor: &Actor, kind: &str, id: i64) -> Result<()> {
                    let mut tx = self.begin_write().await?;
                    let before = locked_record(&mut tx, kind, id).await?;
                    ::sqlx::query("DELETE FROM records WHERE kind = $1 AND id = $2")
                        .bind(kind)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    audit(&mut tx, actor, "delete", kind, Some(id.to_string()), Some(record_audit(&before)), None).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn change_signals(&self) -> Result<Option<$crate::ChangeSignals>> {
                    self.listen_changes().await
                }

                async fn backup(
                    &self,
                    each: &mut (dyn FnMut($crate::backup::Item) -> Result<()> + Send),
                ) -> Result<$crate::backup::Counts> {
                    backup_read(&self.pool, each).await
                }

                async fn restore(
                    &self,
                    actor: &Actor,
                    header: &$crate::backup::Header,
                    next: &mut (dyn FnMut() -> Result<Option<$crate::backup::Item>> + Send),
                ) -> Result<$crate::backup::Counts> {
                    restore_write(self, actor, header, next).await
                }

                async fn schema_columns(&self) -> Result<Vec<(String, Vec<String>)>> {
                    schema_columns(&self.pool).await
                }

                async fn purge_count(&self, purge: &$crate::retention::Purge) -> Result<u64> {
                    retention_count(&self.pool, purge).await
                }

                async fn purge(&self, actor: &Actor, purge: &$crate::retention::Purge, rule: &str) -> Result<u64> {
                    let mut tx = self.begin_write().await?;
                    let n = retention_purge(&mut tx, actor, purge, rule).await?;
                    tx.commit().await?;
                    Ok(n)
                }
            }
        };
    };
}
