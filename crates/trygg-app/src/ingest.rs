//! Ingest: the one path by which incidents and areas enter the store, whoever sends them (the
//! API, the CLI, the Polisen poller, the demo).
//!
//! It assigns every incident to the areas its position lies in, using an R-tree-backed
//! [`AreaIndex`] over the stored areas, and re-assigns existing incidents when areas are
//! imported or replaced. A position of `precision = area` (a kommun centroid from Polisen's feed)
//! stands for "somewhere in this kommun": it is assigned only to kommun and county areas, never
//! to a district or DeSO it happens to fall in.

use std::sync::{Arc, RwLock};

use trygg_domain::{
    Actor, Area, AreaId, AreaKind, Incident, IncidentId, NewArea, NewIncident, Position,
};
use trygg_geo::{AreaIndex, MultiPolygon, Sweref99Tm};
use trygg_store::{AssignedIncident, BatchAudit, Store, StoreError, WriteOutcome};

/// Which stored areas contain a position.
#[derive(Debug)]
pub struct AreaAssigner {
    index: AreaIndex,
    ids: Vec<AreaId>,
    coarse: Vec<bool>,
}

impl AreaAssigner {
    /// An index over `areas`. An area whose stored boundary no longer parses is left out and
    /// logged (it was validated on import, so this means a hand-edited database).
    pub fn new(areas: &[Area]) -> Self {
        let mut polygons = Vec::with_capacity(areas.len());
        let (mut ids, mut coarse) = (Vec::new(), Vec::new());
        for a in areas {
            match MultiPolygon::from_geojson_wgs84(&a.geometry) {
                Ok(p) => {
                    polygons.push(p);
                    ids.push(a.id);
                    coarse.push(matches!(a.kind, AreaKind::Kommun | AreaKind::County));
                }
                Err(e) => {
                    tracing::error!(area = %a.id, name = %a.name, error = %e, "stored area boundary is invalid; left out of assignment")
                }
            }
        }
        Self {
            index: AreaIndex::new(&polygons),
            ids,
            coarse,
        }
    }

    /// The areas `position` belongs to, ascending.
    pub fn assign(&self, position: &Position) -> Vec<AreaId> {
        let mut out = Vec::new();
        let point = position.precision.is_point();
        self.index.for_each_containing(
            Sweref99Tm {
                n: position.n,
                e: position.e,
            },
            |k| {
                if point || self.coarse[k] {
                    out.push(self.ids[k]);
                }
            },
        );
        out.sort();
        out
    }

    /// The areas a point (SWEREF 99 TM) lies in, ascending: the one point-in-area test, the
    /// same one that assigns incidents.
    pub fn areas_at(&self, p: Sweref99Tm) -> Vec<AreaId> {
        let mut out: Vec<AreaId> = self
            .index
            .containing(p)
            .into_iter()
            .map(|k| self.ids[k])
            .collect();
        out.sort();
        out
    }

    /// How many areas are indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no area is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// What an area import did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaImport {
    /// The stored areas (created or replaced).
    pub areas: Vec<Area>,
    /// Incidents linked to them after re-assignment.
    pub linked_incidents: u64,
}

/// The ingest service. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Ingest {
    store: Arc<dyn Store>,
    areas: Arc<RwLock<Arc<AreaAssigner>>>,
    live: Arc<crate::snapshot::Live>,
}

impl Ingest {
    /// Loads the partnership's own categories into the taxonomy and the stored areas, and
    /// builds the area index and the analysis snapshot.
    pub async fn load(store: Arc<dyn Store>, tz: jiff::tz::TimeZone) -> Result<Self, StoreError> {
        // The partnership's own categories first: the snapshot indexes incidents by category.
        crate::categories::load(store.as_ref()).await?;
        let assigner = AreaAssigner::new(&store.list_areas().await?);
        tracing::info!(areas = assigner.len(), "area index ready");
        let live = crate::snapshot::Live::load(store.as_ref(), tz).await?;
        Ok(Self {
            store,
            areas: Arc::new(RwLock::new(Arc::new(assigner))),
            live: Arc::new(live),
        })
    }

    /// The live analysis snapshot.
    pub fn live(&self) -> &crate::snapshot::Live {
        &self.live
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn assigner(&self) -> Arc<AreaAssigner> {
        self.areas.read().expect("area index lock").clone()
    }

    /// The stored areas a point (SWEREF 99 TM) lies in, ascending.
    pub fn areas_at(&self, p: Sweref99Tm) -> Vec<AreaId> {
        self.assigner().areas_at(p)
    }

    /// Pairs each incident with its areas.
    pub fn assign(&self, incidents: Vec<NewIncident>) -> Vec<AssignedIncident> {
        let assigner = self.assigner();
        incidents
            .into_iter()
            .map(|incident| {
                let areas = incident
                    .position
                    .as_ref()
                    .map(|p| assigner.assign(p))
                    .unwrap_or_default();
                AssignedIncident { incident, areas }
            })
            .collect()
    }

    /// Writes a batch (all or nothing): new incidents are created, known external ids replaced.
    pub async fn write(
        &self,
        actor: &Actor,
        incidents: Vec<NewIncident>,
        audit: BatchAudit,
    ) -> Result<WriteOutcome, StoreError> {
        let assigned = self.assign(incidents);
        let outcome = self.store.write_incidents(actor, assigned, audit).await?;
        self.live.apply(self.store.as_ref(), &outcome.rows).await?;
        Ok(outcome)
    }

    /// Creates one incident.
    pub async fn create(
        &self,
        actor: &Actor,
        incident: NewIncident,
    ) -> Result<Incident, StoreError> {
        let assigned = self.assign(vec![incident]).pop().expect("one in, one out");
        let created = self.store.create_incident(actor, assigned).await?;
        self.live
            .refresh(self.store.as_ref(), &[created.id])
            .await?;
        Ok(created)
    }

    /// Files an EST report with its incidents (all or nothing).
    pub async fn report(
        &self,
        actor: &Actor,
        organisation: trygg_domain::OrganisationId,
        reporter: trygg_domain::UserId,
        incidents: Vec<NewIncident>,
    ) -> Result<(trygg_domain::Report, Vec<Incident>), StoreError> {
        let report = trygg_store::NewReport {
            organisation_id: organisation,
            reporter_id: Some(reporter),
            incidents: self.assign(incidents),
        };
        let (report, created) = self.store.create_report(actor, report).await?;
        let ids: Vec<_> = created.iter().map(|i| i.id).collect();
        self.live.refresh(self.store.as_ref(), &ids).await?;
        Ok((report, created))
    }

    /// Reads the stored areas again into the index (after another process changed them).
    pub async fn reload_areas(&self) -> Result<(), StoreError> {
        let assigner = AreaAssigner::new(&self.store.list_areas().await?);
        *self.areas.write().expect("area index lock") = Arc::new(assigner);
        Ok(())
    }

    /// Stores areas (replacing those with the same kind and code), rebuilds the index and
    /// re-assigns every positioned incident to the stored areas.
    pub async fn import_areas(
        &self,
        actor: &Actor,
        areas: Vec<NewArea>,
    ) -> Result<AreaImport, StoreError> {
        let existing = self.store.list_areas().await?;
        let known: std::collections::HashSet<(AreaKind, Option<&str>)> = existing
            .iter()
            .map(|a| (a.kind, a.code.as_deref()))
            .collect();
        let added = areas
            .iter()
            .filter(|a| a.code.is_none() || !known.contains(&(a.kind, a.code.as_deref())))
            .count();
        if existing.len() + added > crate::snapshot::MAX_AREAS {
            return Err(trygg_domain::ValidationError::new(
                trygg_domain::ErrorCode::Invalid,
                "areas",
                format!(
                    "{} areas are stored and this import adds {added}; the lägesbild holds at most {} areas. Remove areas no longer used, or import a coarser level (RegSO instead of DeSO)",
                    existing.len(),
                    crate::snapshot::MAX_AREAS
                ),
            )
            .into());
        }
        let stored = self.store.upsert_areas(actor, areas).await?;
        let assigner = AreaAssigner::new(&self.store.list_areas().await?);
        let wanted: std::collections::HashSet<AreaId> = stored.iter().map(|a| a.id).collect();
        let positions = self.store.incident_positions().await?;
        let links: Vec<(IncidentId, AreaId)> = positions
            .iter()
            .flat_map(|(id, p)| {
                assigner
                    .assign(p)
                    .into_iter()
                    .filter(|a| wanted.contains(a))
                    .map(move |a| (*id, a))
            })
            .collect();
        let ids: Vec<AreaId> = stored.iter().map(|a| a.id).collect();
        let linked = self.store.replace_area_links(actor, &ids, links).await?;
        *self.areas.write().expect("area index lock") = Arc::new(assigner);
        self.live.rebuild(self.store.as_ref()).await?;
        Ok(AreaImport {
            areas: stored,
            linked_incidents: linked,
        })
    }
}

/// Whose a parsed batch of incidents is.
#[derive(Debug, Clone, PartialEq)]
pub enum Filing {
    /// Polisen's public feed: always its one organisation ([`FEED_ORGANISATION`]), whoever
    /// imports it, so an event is stored once and updated in place.
    ///
    /// [`FEED_ORGANISATION`]: trygg_import::polisen::FEED_ORGANISATION
    PolisenFeed,
    /// A stored organisation (the importer's own, through the API).
    Organisation(trygg_domain::OrganisationId),
    /// The organisation of this name and kind, created if missing (the CLI's `--source`).
    Named(String, trygg_domain::OrgKind),
}

/// What [`Ingest::import_batch`] stored.
#[derive(Debug, Clone)]
pub struct BatchImport {
    /// The organisation the incidents were filed under.
    pub organisation: trygg_domain::OrganisationId,
    /// Its name, if the import created it.
    pub created_organisation: Option<String>,
    /// The parser's summary (also in the audit log).
    pub summary: trygg_import::ImportSummary,
    /// New, updated and unchanged incidents.
    pub outcome: WriteOutcome,
}

impl Ingest {
    /// Files a parsed batch under the organisation `filing` names and writes it (all or
    /// nothing), audited once with the parser's summary: the one way every door — API, CLI,
    /// poller, demo — stores an import.
    pub async fn import_batch(
        &self,
        actor: &Actor,
        mut batch: trygg_import::ImportBatch,
        filing: Filing,
    ) -> Result<BatchImport, StoreError> {
        let (organisation, created) = match filing {
            Filing::Organisation(id) => (id, None),
            Filing::PolisenFeed => {
                let (o, created) = self
                    .organisation(
                        actor,
                        trygg_import::polisen::FEED_ORGANISATION,
                        trygg_domain::OrgKind::Lokalpolisomrade,
                    )
                    .await?;
                (o.id, created.then_some(o.name))
            }
            Filing::Named(name, kind) => {
                let (o, created) = self.organisation(actor, &name, kind).await?;
                (o.id, created.then_some(o.name))
            }
        };
        for i in &mut batch.incidents {
            i.source_org = organisation;
        }
        let summary = serde_json::to_value(&batch.summary)
            .map_err(|e| StoreError::Corrupt(format!("import summary: {e}")))?;
        let outcome = self
            .write(actor, batch.incidents, BatchAudit::Batch(summary))
            .await?;
        Ok(BatchImport {
            organisation,
            created_organisation: created,
            summary: batch.summary,
            outcome,
        })
    }

    /// The organisation called `name`, created with `kind` if there is none yet. Returns it and
    /// whether it was created.
    pub async fn organisation(
        &self,
        actor: &Actor,
        name: &str,
        kind: trygg_domain::OrgKind,
    ) -> Result<(trygg_domain::Organisation, bool), StoreError> {
        if let Some(o) = self
            .store
            .list_organisations()
            .await?
            .into_iter()
            .find(|o| o.name == name)
        {
            return Ok((o, false));
        }
        let o = self
            .store
            .create_organisation(
                actor,
                trygg_domain::NewOrganisation {
                    name: name.into(),
                    kind,
                    parent_id: None,
                },
            )
            .await?;
        Ok((o, true))
    }
}
