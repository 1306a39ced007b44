//! Retention (*gallring*): what the store can remove or blank, one concrete [`Purge`] at a time.
//!
//! The rules (which class, after how long) live in the app, read from `trygg.toml`; the store
//! only knows instructions with a cutoff. Every executed purge is one transaction that also
//! writes one audit event, action `retention`, entity the purge's [`class`](Purge::class),
//! after = `{"rule", "count", "cutoff"}` — never the content removed — and only when something
//! went. Audit retention never removes these events.
//!
//! Copies of content are removed with their source: the audit log keeps every incident as JSON
//! in `before`/`after`, so blanking an incident's free text also removes `description` from
//! those events, and deleting incidents deletes the audit events about them (and the EST
//! reports left without incidents, with theirs). Records (approved follow-ups, stored
//! evaluations) are never touched: they keep the figures they were approved with.
//!
//! The SQL is run by the `impl_retention!` macro, expanded inside
//! [`impl_store!`](crate::impl_store) for each driver.

use jiff::Timestamp;
use serde_json::{Value as Json, json};
use trygg_domain::{Channel, OrganisationId};

use crate::sql::Value;

#[cfg(feature = "conformance")]
pub mod conformance;

/// How many ids one statement names (well under PostgreSQL's 65 535 binds and SQLite's
/// 32 766).
pub const ID_CHUNK: usize = 1000;

/// The audit action of a retention record.
pub const ACTION: &str = "retention";

/// One concrete retention instruction: what goes, and before when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purge {
    /// Blank the free text (`description`) of the channel's incidents whose window ended before
    /// `before`, in the incidents and in the audit events that copy them.
    BlankIncidentText {
        /// The channel (EST reports: `Channel::Est`).
        channel: Channel,
        /// Window end (`occurred_to`) before this.
        before: Timestamp,
    },
    /// Delete the incidents whose window ended before `before`, from this channel and/or this
    /// source organisation, with their area links, the audit events about them, and EST reports
    /// left without incidents.
    DeleteIncidents {
        /// Only this channel.
        channel: Option<Channel>,
        /// Only this source organisation.
        source_org: Option<OrganisationId>,
        /// Window end (`occurred_to`) before this.
        before: Timestamp,
    },
    /// Delete audit events older than `before`, except retention records.
    DeleteAudit {
        /// Written before this.
        before: Timestamp,
    },
    /// Delete browser sessions that expired before `now`.
    DeleteSessions {
        /// Expired before this.
        now: Timestamp,
    },
    /// Delete noted sign-in failures older than `before`.
    DeleteSignInFailures {
        /// Noted before this.
        before: Timestamp,
    },
    /// Delete API tokens that expired, or were revoked, before `before`.
    DeleteTokens {
        /// Expired or revoked before this.
        before: Timestamp,
    },
    /// Delete these records of `kind`, with the audit events about them. The app chooses the
    /// ids by its rule (a tip decided before the cutoff), since the dates that decide live in
    /// the records' JSON; at most [`ID_CHUNK`] ids per purge.
    DeleteRecords {
        /// The information class recorded (`tip`).
        class: &'static str,
        /// The record kind.
        kind: &'static str,
        /// The records.
        ids: Vec<i64>,
        /// The rule's cutoff, for the retention record.
        before: Timestamp,
    },
    /// Remove the top-level `field` from these records' data, and from the copies of it in the
    /// audit events about them (`before`/`after` hold `{"data": …}`). A record whose data
    /// holds no such field is left alone and not counted. At most [`ID_CHUNK`] ids per purge.
    BlankRecordField {
        /// The information class recorded (`tip_email`).
        class: &'static str,
        /// The record kind.
        kind: &'static str,
        /// The field of the record's data (`email`).
        field: &'static str,
        /// The records.
        ids: Vec<i64>,
        /// The rule's cutoff, for the retention record.
        before: Timestamp,
    },
}

/// The rows a purge selects: `SELECT … FROM {table} WHERE {condition}` with `values` bound to
/// `$1`, `$2`, … in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The table.
    pub table: &'static str,
    /// The WHERE condition with numbered placeholders.
    pub condition: String,
    /// The values, in placeholder order.
    pub values: Vec<Value<'static>>,
}

impl Purge {
    /// The information class, as recorded in the audit log: `incident_text`, `incident`,
    /// `audit_event`, `session`, `sign_in_failure` or `api_token`.
    pub fn class(&self) -> &'static str {
        match self {
            Purge::BlankIncidentText { .. } => "incident_text",
            Purge::DeleteIncidents { .. } => "incident",
            Purge::DeleteAudit { .. } => "audit_event",
            Purge::DeleteSessions { .. } => "session",
            Purge::DeleteSignInFailures { .. } => "sign_in_failure",
            Purge::DeleteTokens { .. } => "api_token",
            Purge::DeleteRecords { class, .. } | Purge::BlankRecordField { class, .. } => class,
        }
    }

    /// The cutoff: what is older goes.
    pub fn cutoff(&self) -> Timestamp {
        match *self {
            Purge::BlankIncidentText { before, .. }
            | Purge::DeleteIncidents { before, .. }
            | Purge::DeleteAudit { before }
            | Purge::DeleteSignInFailures { before }
            | Purge::DeleteTokens { before }
            | Purge::DeleteRecords { before, .. }
            | Purge::BlankRecordField { before, .. } => before,
            Purge::DeleteSessions { now } => now,
        }
    }

    /// Which rows it removes (or, for text, blanks).
    pub fn selection(&self) -> Selection {
        let secs = |t: Timestamp| Value::Int(Some(t.as_second()));
        match *self {
            Purge::DeleteRecords { kind, ref ids, .. } => records_selection(kind, ids, None),
            Purge::BlankRecordField {
                kind,
                field,
                ref ids,
                ..
            } => records_selection(kind, ids, Some(field)),
            Purge::BlankIncidentText { channel, before } => Selection {
                table: "incidents",
                condition: "channel = $1 AND occurred_to < $2 AND description IS NOT NULL".into(),
                values: vec![Value::Text(Some(channel.as_str())), secs(before)],
            },
            Purge::DeleteIncidents {
                channel,
                source_org,
                before,
            } => {
                let mut condition = String::from("occurred_to < $1");
                let mut values = vec![secs(before)];
                if let Some(c) = channel {
                    values.push(Value::Text(Some(c.as_str())));
                    condition.push_str(&format!(" AND channel = ${}", values.len()));
                }
                if let Some(o) = source_org {
                    values.push(Value::Int(Some(o.0)));
                    condition.push_str(&format!(" AND source_org = ${}", values.len()));
                }
                Selection {
                    table: "incidents",
                    condition,
                    values,
                }
            }
            Purge::DeleteAudit { before } => Selection {
                table: "audit_events",
                condition: format!("at < $1 AND action <> '{ACTION}'"),
                values: vec![Value::Int(Some(before.as_microsecond()))],
            },
            Purge::DeleteSessions { now } => Selection {
                table: "sessions",
                condition: "expires_at < $1".into(),
                values: vec![secs(now)],
            },
            Purge::DeleteSignInFailures { before } => Selection {
                table: "sign_in_failures",
                condition: "at < $1".into(),
                values: vec![secs(before)],
            },
            Purge::DeleteTokens { before } => Selection {
                table: "api_tokens",
                condition: "(expires_at < $1 OR (revoked_at IS NOT NULL AND revoked_at < $2))"
                    .into(),
                values: vec![secs(before), secs(before)],
            },
        }
    }

    /// The audit record of an executed purge: the rule, how many, the cutoff; never content.
    pub fn record(&self, rule: &str, count: u64) -> Json {
        json!({ "rule": rule, "count": count, "cutoff": self.cutoff().to_string() })
    }
}

/// `kind = $1 AND id IN ($2, …)` over `records` (no id: nothing), and, for a field, only the
/// records whose data holds it. The field is a constant of the code, checked to be a plain name.
fn records_selection(kind: &'static str, ids: &[i64], field: Option<&'static str>) -> Selection {
    let mut values = vec![Value::Text(Some(kind))];
    let list: Vec<String> = ids
        .iter()
        .map(|&id| {
            values.push(Value::Int(Some(id)));
            format!("${}", values.len())
        })
        .collect();
    let mut condition = if list.is_empty() {
        "kind = $1 AND 1 = 0".to_string()
    } else {
        format!("kind = $1 AND id IN ({})", list.join(", "))
    };
    if let Some(f) = field {
        assert!(
            f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "a record field to blank is a plain name"
        );
        // The JSON text holds `"field":"` exactly when the top-level object has the key with a
        // text value (record data is serialised compactly by serde_json, a quote inside a text
        // is escaped, and no nested object of a kind that is blanked has a key of that name).
        // A blanked record loses the key, so it is not selected again.
        condition.push_str(&format!(" AND data LIKE '%\"{f}\":\"%'"));
    }
    Selection {
        table: "records",
        condition,
        values,
    }
}

/// A JSON text without the top-level key `field`: `None` when there was none to remove.
pub fn without_key(text: &str, field: &str) -> Option<String> {
    let mut v: Json = serde_json::from_str(text).ok()?;
    v.as_object_mut()?.remove(field)?;
    Some(v.to_string())
}

/// An audit copy of a record (`{"data": {…}, …}`) without `data.field`: `None` when there was
/// none to remove.
pub fn without_data_key(text: &str, field: &str) -> Option<String> {
    let mut v: Json = serde_json::from_str(text).ok()?;
    v.as_object_mut()?
        .get_mut("data")?
        .as_object_mut()?
        .remove(field)?;
    Some(v.to_string())
}

/// An audit snapshot (`before`/`after` text) without its `description`: `None` when there was
/// none to remove (or the text is not a JSON object, which incident snapshots always are).
pub fn without_description(text: &str) -> Option<String> {
    let mut v: Json = serde_json::from_str(text).ok()?;
    v.as_object_mut()?.remove("description")?;
    Some(v.to_string())
}

/// Runs [`Purge`]s for one sqlx driver. Expanded by [`impl_store!`](crate::impl_store) inside its
/// item scope, where `Tx`, `add_value` and `audit` are defined; defines `retention_count` and
/// `retention_purge`.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_retention {
    ($db:ty) => {
        /// The arguments of a selection.
        fn retention_args(
            s: &$crate::retention::Selection,
        ) -> Result<<$db as ::sqlx::Database>::Arguments<'static>> {
            let mut args = <$db as ::sqlx::Database>::Arguments::<'static>::default();
            for v in &s.values {
                add_value(&mut args, *v)?;
            }
            Ok(args)
        }

        /// How many rows `purge` would remove or blank now.
        async fn retention_count<'e, E>(executor: E, purge: &$crate::retention::Purge) -> Result<u64>
        where
            E: ::sqlx::Executor<'e, Database = $db>,
        {
            let s = purge.selection();
            let text = format!("SELECT COUNT(*) FROM {} WHERE {}", s.table, s.condition);
            let n: i64 = ::sqlx::query_scalar_with::<$db, i64, _>(&text, retention_args(&s)?)
                .fetch_one(executor)
                .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        }

        /// The ids of the incidents `purge` selects, ascending.
        async fn retention_ids(tx: &mut Tx, s: &$crate::retention::Selection) -> Result<Vec<i64>> {
            let text = format!("SELECT id FROM {} WHERE {} ORDER BY id", s.table, s.condition);
            Ok(::sqlx::query_scalar_with::<$db, i64, _>(&text, retention_args(s)?)
                .fetch_all(&mut **tx)
                .await?)
        }

        /// `{head} IN ($ids)` as a statement, the ids bound as numbers or as text.
        fn retention_in(head: &str, ids: &[i64], as_text: bool) -> ::sqlx::QueryBuilder<'static, $db> {
            let mut qb = ::sqlx::QueryBuilder::<$db>::new(head);
            qb.push(" IN (");
            let mut list = qb.separated(", ");
            for &id in ids {
                if as_text {
                    list.push_bind(id.to_string());
                } else {
                    list.push_bind(id);
                }
            }
            qb.push(")");
            qb
        }

        /// Executes `purge` inside `tx` and records it (when anything went); returns how many.
        async fn retention_purge(
            tx: &mut Tx,
            actor: &Actor,
            purge: &$crate::retention::Purge,
            rule: &str,
        ) -> Result<u64> {
            use $crate::retention::{ID_CHUNK, Purge};
            let s = purge.selection();
            let mut extra: Option<(&str, u64)> = None;
            let count = match purge {
                Purge::BlankIncidentText { .. } => {
                    let ids = retention_ids(tx, &s).await?;
                    for chunk in ids.chunks(ID_CHUNK) {
                        retention_in("UPDATE incidents SET description = NULL WHERE id", chunk, false)
                            .build()
                            .execute(&mut **tx)
                            .await?;
                        let rows = retention_in(
                            "SELECT id, before, after FROM audit_events WHERE entity = 'incident' AND entity_id",
                            chunk,
                            true,
                        )
                        .build()
                        .fetch_all(&mut **tx)
                        .await?;
                        for r in &rows {
                            let id: i64 = r.try_get("id")?;
                            let before: Option<String> = r.try_get("before")?;
                            let after: Option<String> = r.try_get("after")?;
                            let b = before.as_deref().and_then($crate::retention::without_description);
                            let a = after.as_deref().and_then($crate::retention::without_description);
                            if b.is_none() && a.is_none() {
                                continue;
                            }
                            ::sqlx::query("UPDATE audit_events SET before = $1, after = $2 WHERE id = $3")
                                .bind(b.or(before))
                                .bind(a.or(after))
                                .bind(id)
                                .execute(&mut **tx)
                                .await?;
                        }
                    }
                    ids.len() as u64
                }
                Purge::DeleteIncidents { .. } => {
                    let ids = retention_ids(tx, &s).await?;
                    let mut reports = ::std::collections::BTreeSet::new();
                    for chunk in ids.chunks(ID_CHUNK) {
                        let found: Vec<i64> = retention_in(
                            "SELECT DISTINCT report_id FROM incidents WHERE report_id IS NOT NULL AND id",
                            chunk,
                            false,
                        )
                        .build_query_scalar()
                        .fetch_all(&mut **tx)
                        .await?;
                        reports.extend(found);
                        retention_in("DELETE FROM audit_events WHERE entity = 'incident' AND entity_id", chunk, true)
                            .build()
                            .execute(&mut **tx)
                            .await?;
                        retention_in("DELETE FROM incident_areas WHERE incident_id", chunk, false)
                            .build()
                            .execute(&mut **tx)
                            .await?;
                        retention_in("DELETE FROM incidents WHERE id", chunk, false)
                            .build()
                            .execute(&mut **tx)
                            .await?;
                    }
                    // EST reports whose every incident is gone go too (who filed, when): they
                    // would only point at nothing.
                    let reports: Vec<i64> = reports.into_iter().collect();
                    let mut gone = 0;
                    for chunk in reports.chunks(ID_CHUNK) {
                        let mut qb = retention_in("DELETE FROM reports WHERE id", chunk, false);
                        qb.push(" AND NOT EXISTS (SELECT 1 FROM incidents WHERE incidents.report_id = reports.id) RETURNING id");
                        let deleted: Vec<i64> = qb.build_query_scalar().fetch_all(&mut **tx).await?;
                        for part in deleted.chunks(ID_CHUNK) {
                            retention_in("DELETE FROM audit_events WHERE entity = 'report' AND entity_id", part, true)
                                .build()
                                .execute(&mut **tx)
                                .await?;
                        }
                        gone += deleted.len() as u64;
                    }
                    if gone > 0 {
                        extra = Some(("reports", gone));
                    }
                    ids.len() as u64
                }
                Purge::DeleteRecords { kind, ids, .. } => {
                    let mut n = 0;
                    for chunk in ids.chunks(ID_CHUNK) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new("DELETE FROM audit_events WHERE entity = ");
                        qb.push_bind(*kind);
                        qb.push(" AND entity_id IN (");
                        let mut list = qb.separated(", ");
                        for id in chunk {
                            list.push_bind(id.to_string());
                        }
                        qb.push(")");
                        qb.build().execute(&mut **tx).await?;
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new("DELETE FROM records WHERE kind = ");
                        qb.push_bind(*kind);
                        qb.push(" AND id IN (");
                        let mut list = qb.separated(", ");
                        for &id in chunk {
                            list.push_bind(id);
                        }
                        qb.push(")");
                        n += qb.build().execute(&mut **tx).await?.rows_affected();
                    }
                    n
                }
                Purge::BlankRecordField { kind, field, .. } => {
                    let text = format!("SELECT id, data, version FROM {} WHERE {} ORDER BY id", s.table, s.condition);
                    let rows = ::sqlx::query_with::<$db, _>(&text, retention_args(&s)?)
                        .fetch_all(&mut **tx)
                        .await?;
                    let at = Timestamp::now().as_microsecond();
                    let mut n = 0;
                    for r in &rows {
                        let id: i64 = r.try_get("id")?;
                        let data: String = r.try_get("data")?;
                        let version: i64 = r.try_get("version")?;
                        let Some(blank) = $crate::retention::without_key(&data, field) else {
                            continue;
                        };
                        // A new version, so an edit begun before the blanking cannot write the
                        // field back (it meets a conflict and is read again).
                        ::sqlx::query("UPDATE records SET data = $1, version = $2, updated_at = $3 WHERE kind = $4 AND id = $5")
                            .bind(blank)
                            .bind(version + 1)
                            .bind(at)
                            .bind(*kind)
                            .bind(id)
                            .execute(&mut **tx)
                            .await?;
                        n += 1;
                        let copies = ::sqlx::query("SELECT id, before, after FROM audit_events WHERE entity = $1 AND entity_id = $2")
                            .bind(*kind)
                            .bind(id.to_string())
                            .fetch_all(&mut **tx)
                            .await?;
                        for c in &copies {
                            let event: i64 = c.try_get("id")?;
                            let before: Option<String> = c.try_get("before")?;
                            let after: Option<String> = c.try_get("after")?;
                            let b = before.as_deref().and_then(|t| $crate::retention::without_data_key(t, field));
                            let a = after.as_deref().and_then(|t| $crate::retention::without_data_key(t, field));
                            if b.is_none() && a.is_none() {
                                continue;
                            }
                            ::sqlx::query("UPDATE audit_events SET before = $1, after = $2 WHERE id = $3")
                                .bind(b.or(before))
                                .bind(a.or(after))
                                .bind(event)
                                .execute(&mut **tx)
                                .await?;
                        }
                    }
                    n
                }
                _ => {
                    let text = format!("DELETE FROM {} WHERE {}", s.table, s.condition);
                    ::sqlx::query_with::<$db, _>(&text, retention_args(&s)?)
                        .execute(&mut **tx)
                        .await?
                        .rows_affected()
                }
            };
            if count > 0 {
                let mut record = purge.record(rule, count);
                if let Some((key, n)) = extra {
                    record[key] = $crate::__private::serde_json::json!(n);
                }
                audit(tx, actor, $crate::retention::ACTION, purge.class(), None, None, Some(record)).await?;
            }
            Ok(count)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_goes_and_nothing_else() {
        let text = r#"{"id":7,"description":"Klotter","place":"Stora torget"}"#;
        let out = without_description(text).expect("removed");
        let v: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(v, json!({"id": 7, "place": "Stora torget"}));
        assert_eq!(without_description(&out), None, "nothing left to remove");
        assert_eq!(without_description("[1]"), None);
        assert_eq!(without_description("not json"), None);
    }

    #[test]
    fn selections_number_their_placeholders() {
        let before: Timestamp = "2020-01-01T00:00:00Z".parse().unwrap();
        let s = Purge::DeleteIncidents {
            channel: Some(Channel::Polisen),
            source_org: Some(OrganisationId(3)),
            before,
        }
        .selection();
        assert_eq!(
            s.condition,
            "occurred_to < $1 AND channel = $2 AND source_org = $3"
        );
        assert_eq!(s.values.len(), 3);
        let s = Purge::DeleteAudit { before }.selection();
        assert!(s.condition.contains("action <> 'retention'"));
        let record = Purge::DeleteAudit { before }.record("audit_years = 10", 4);
        assert_eq!(
            record,
            json!({"rule": "audit_years = 10", "count": 4, "cutoff": "2020-01-01T00:00:00Z"})
        );
    }
}
