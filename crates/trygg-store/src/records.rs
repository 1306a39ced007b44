//! Typed access to the generic record store: `records::create::<Problem>(…)` validates the value
//! with its [`Record`] rules, stores it under `T::KIND` and reads it back typed.
//!
//! The store itself keeps records as JSON (`records` table: kind, id, organisation, visibility, data,
//! version, times, creator), so a new kind needs a domain type and nothing in SQL.

use serde::{Deserialize, Serialize};
use trygg_domain::{Actor, OrganisationId, Visibility, cycle::Record};

use crate::{RecordMeta, Result, Store, StoreError, StoredRecord};

/// A stored record of type `T`: metadata plus the typed data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored<T> {
    /// Metadata (id, version, owner, times).
    #[serde(flatten)]
    pub meta: RecordMeta,
    /// The data.
    pub data: T,
}

fn decode<T: Record>(r: StoredRecord) -> Result<Stored<T>> {
    let data = serde_json::from_value(r.data).map_err(|e| {
        StoreError::Corrupt(format!("{} {} does not read back: {e}", T::KIND, r.meta.id))
    })?;
    Ok(Stored { meta: r.meta, data })
}

fn encode<T: Record>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| StoreError::Corrupt(format!("{} does not serialise: {e}", T::KIND)))
}

/// Validates and creates a record.
pub async fn create<T: Record + Clone>(
    store: &dyn Store,
    actor: &Actor,
    organisation: OrganisationId,
    value: &T,
) -> Result<Stored<T>> {
    create_as(store, actor, organisation, Visibility::Shared, value).await
}

/// Validates and creates a record with `visibility` (internal: read only by `organisation`).
pub async fn create_as<T: Record + Clone>(
    store: &dyn Store,
    actor: &Actor,
    organisation: OrganisationId,
    visibility: Visibility,
    value: &T,
) -> Result<Stored<T>> {
    value.validate()?;
    let meta = store
        .create_record(actor, T::KIND, organisation, visibility, encode(value)?)
        .await?;
    Ok(Stored {
        meta,
        data: value.clone(),
    })
}

/// A record by id, if it exists and is of kind `T`.
pub async fn get<T: Record>(store: &dyn Store, id: i64) -> Result<Option<Stored<T>>> {
    store.get_record(T::KIND, id).await?.map(decode).transpose()
}

/// A record by id, or `NotFound` naming the kind.
pub async fn require<T: Record>(store: &dyn Store, id: i64) -> Result<Stored<T>> {
    get(store, id).await?.ok_or_else(|| StoreError::NotFound {
        entity: T::KIND,
        id: id.to_string(),
    })
}

/// Every record of kind `T`, by id.
pub async fn list<T: Record>(store: &dyn Store) -> Result<Vec<Stored<T>>> {
    store
        .list_records(T::KIND)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// Validates and updates a record if it is still at `expected_version`.
pub async fn update<T: Record + Clone>(
    store: &dyn Store,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    value: &T,
) -> Result<Stored<T>> {
    value.validate()?;
    let meta = store
        .update_record(actor, T::KIND, id, expected_version, encode(value)?)
        .await?;
    Ok(Stored {
        meta,
        data: value.clone(),
    })
}

/// One typed write of [`write_all`].
#[derive(Debug, Clone, PartialEq)]
pub enum Write<T> {
    /// A new, shared record owned by the organisation.
    Create(OrganisationId, T),
    /// New data for the record with this id, read at this version.
    Update(i64, i64, T),
}

/// Validates every value, then creates and updates them all in one transaction (each audited):
/// all or none. The first invalid value stops it before anything is written.
pub async fn write_all<T: Record + Clone>(
    store: &dyn Store,
    actor: &Actor,
    writes: &[Write<T>],
) -> Result<Vec<Stored<T>>> {
    let mut raw = Vec::with_capacity(writes.len());
    for w in writes {
        raw.push(match w {
            Write::Create(organisation, value) => {
                value.validate()?;
                crate::RecordWrite::Create {
                    organisation: *organisation,
                    visibility: Visibility::Shared,
                    data: encode(value)?,
                }
            }
            Write::Update(id, expected_version, value) => {
                value.validate()?;
                crate::RecordWrite::Update {
                    id: *id,
                    expected_version: *expected_version,
                    data: encode(value)?,
                }
            }
        });
    }
    let metas = store.write_records(actor, T::KIND, raw).await?;
    Ok(metas
        .into_iter()
        .zip(writes)
        .map(|(meta, w)| Stored {
            meta,
            data: match w {
                Write::Create(_, v) | Write::Update(_, _, v) => v.clone(),
            },
        })
        .collect())
}

/// Deletes a record of kind `T`.
pub async fn delete<T: Record>(store: &dyn Store, actor: &Actor, id: i64) -> Result<()> {
    store.delete_record(actor, T::KIND, id).await
}
