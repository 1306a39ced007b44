//! The live lägesbild: the analysis snapshot of every incident, built from the store at start-up
//! and kept current by [`Ingest`](crate::ingest::Ingest) after every write.
//!
//! `trygg-analysis` works on small integer indices; this module owns the translation. Category
//! index = position in the taxonomy table; area index = order of first sight; source index = one
//! per (channel, organisation, visibility), so that a reader's visibility scope becomes a set of
//! sources and the hot loops never look at strings.

use std::{collections::HashMap, sync::RwLock};

use trygg_analysis::snapshot::{Filter, IncidentRow, IndexSet, PeriodKey, Snapshot};
use trygg_domain::{
    AreaId, Channel, IncidentFilter, IncidentId, OrganisationId, Scope, Taxonomy, Visibility,
};
use trygg_store::{AnalysisRow, Store, StoreError};

/// Planar origin of the snapshot's coordinates: SWEREF 99 TM near the middle of Sweden.
const ORIGIN: (f64, f64) = (600_000.0, 6_600_000.0);
/// Most areas the lägesbild holds (its area indices are 16-bit, one value kept for "no area").
/// An incident may lie in any number of them; area imports refuse beyond this.
pub const MAX_AREAS: usize = 65_534;
/// Above this many changed incidents, rebuilding beats patching.
const REBUILD_ABOVE: usize = 50_000;

type SourceKey = (Channel, OrganisationId, Visibility);

#[derive(Debug)]
struct Inner {
    snapshot: Snapshot,
    areas: HashMap<AreaId, u16>,
    sources: Vec<SourceKey>,
    source_index: HashMap<SourceKey, u16>,
}

/// The snapshot and its index tables.
#[derive(Debug)]
pub struct Live {
    tz: jiff::tz::TimeZone,
    inner: RwLock<Inner>,
    generation: std::sync::atomic::AtomicU64,
}

fn analysis_error(e: trygg_analysis::AnalysisError) -> StoreError {
    StoreError::Corrupt(format!("analysis snapshot: {e}"))
}

impl Inner {
    fn empty(tz: &jiff::tz::TimeZone) -> Result<Self, StoreError> {
        Ok(Self {
            snapshot: Snapshot::from_rows(tz.clone(), ORIGIN, Vec::new())
                .map_err(analysis_error)?,
            areas: HashMap::new(),
            sources: Vec::new(),
            source_index: HashMap::new(),
        })
    }

    fn row(&mut self, r: &AnalysisRow) -> Option<IncidentRow> {
        let category = Taxonomy.all().iter().position(|c| c.code == r.category)? as u16;
        let key = (r.channel, r.source_org, r.visibility);
        let source = match self.source_index.get(&key) {
            Some(&i) => i,
            None => {
                let Ok(i) = u16::try_from(self.sources.len()) else {
                    // 65 536 (channel, organisation, visibility) sources: some 20 000
                    // organisations, far beyond a county.
                    tracing::error!(
                        "more than 65 536 (channel, organisation, visibility) sources; incident {} left out of the snapshot",
                        r.id
                    );
                    return None;
                };
                self.sources.push(key);
                self.source_index.insert(key, i);
                i
            }
        };
        let mut areas = Vec::with_capacity(r.areas.len());
        for a in &r.areas {
            let next = self.areas.len();
            let index = match self.areas.get(a) {
                Some(&i) => i,
                // Area imports refuse beyond `MAX_AREAS`, so this is a database filled
                // by other means.
                None if next >= MAX_AREAS => {
                    tracing::error!(
                        "more than {} areas; area {} left out of the lägesbild",
                        MAX_AREAS,
                        a.0
                    );
                    continue;
                }
                None => {
                    self.areas.insert(*a, next as u16);
                    next as u16
                }
            };
            areas.push(index);
        }
        let (y, x, precision) =
            r.position
                .unwrap_or((ORIGIN.1, ORIGIN.0, trygg_domain::Precision::Area));
        Some(IncidentRow {
            id: r.id.0,
            start: r.occurred_from,
            end: r.occurred_to,
            x,
            y,
            category,
            areas,
            source,
            point_usable: r.position.is_some() && precision.is_point(),
        })
    }
}

impl Live {
    /// Builds the snapshot from every stored incident.
    pub async fn load(store: &dyn Store, tz: jiff::tz::TimeZone) -> Result<Self, StoreError> {
        let live = Self {
            inner: RwLock::new(Inner::empty(&tz)?),
            tz,
            generation: std::sync::atomic::AtomicU64::new(next_generation()),
        };
        live.rebuild(store).await?;
        Ok(live)
    }

    /// Rebuilds from scratch (after area changes or large imports).
    pub async fn rebuild(&self, store: &dyn Store) -> Result<(), StoreError> {
        // Streamed by ascending id straight into the columns (each row appends): no list of
        // every incident is ever held, so start-up memory is the snapshot's own.
        let mut inner = Inner::empty(&self.tz)?;
        store
            .each_analysis_row(&mut |r| match inner.row(&r) {
                Some(row) => inner.snapshot.upsert(row).map_err(analysis_error),
                None => Ok(()),
            })
            .await?;
        inner.snapshot.shrink_to_fit();
        tracing::info!(
            incidents = inner.snapshot.len(),
            bytes = inner.snapshot.heap_bytes(),
            "analysis snapshot built"
        );
        let mut guard = self.inner.write().expect("snapshot lock");
        *guard = inner;
        self.bump();
        Ok(())
    }

    /// Brings the snapshot up to date after `ids` were created or changed.
    pub async fn refresh(&self, store: &dyn Store, ids: &[IncidentId]) -> Result<(), StoreError> {
        if ids.len() > REBUILD_ABOVE {
            return self.rebuild(store).await;
        }
        let rows = store.analysis_rows(Some(ids)).await?;
        let mut inner = self.inner.write().expect("snapshot lock");
        for r in &rows {
            if let Some(row) = inner.row(r) {
                inner.snapshot.upsert(row).map_err(analysis_error)?;
            }
        }
        self.bump();
        Ok(())
    }

    /// Brings the snapshot up to date with rows a write returned
    /// ([`WriteOutcome::rows`](trygg_store::WriteOutcome::rows), ascending id), without reading
    /// them back. Updates replace in place and new ids append, both cheap; should many rows
    /// belong in the middle (another writer's later ids got in first), rebuilding is cheaper.
    pub async fn apply(&self, store: &dyn Store, rows: &[AnalysisRow]) -> Result<(), StoreError> {
        {
            let mut inner = self.inner.write().expect("snapshot lock");
            let last = inner.snapshot.last_id().unwrap_or(i64::MIN);
            let middle = rows
                .iter()
                .filter(|r| r.id.0 < last && inner.snapshot.get(r.id.0).is_none())
                .take(REBUILD_ABOVE / 100 + 1)
                .count();
            if middle <= REBUILD_ABOVE / 100 {
                for r in rows {
                    if let Some(row) = inner.row(r) {
                        inner.snapshot.upsert(row).map_err(analysis_error)?;
                    }
                }
                self.bump();
                return Ok(());
            }
        }
        self.rebuild(store).await
    }

    /// Whether the snapshot holds incident `id`.
    pub fn contains(&self, id: IncidentId) -> bool {
        self.inner
            .read()
            .expect("snapshot lock")
            .snapshot
            .get(id.0)
            .is_some()
    }

    /// How many incidents the snapshot holds.
    pub fn len(&self) -> usize {
        self.inner.read().expect("snapshot lock").snapshot.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Weekly counts (ISO weeks, local time) for a store-style filter, within its scope.
    pub fn weekly_counts(&self, filter: &IncidentFilter) -> Vec<(PeriodKey, u32)> {
        let inner = self.inner.read().expect("snapshot lock");
        let f = to_filter(&inner, filter);
        inner.snapshot.weekly_counts(&f)
    }

    /// Runs `f` on the snapshot with the analysis filter equivalent to `filter` (scope included).
    /// The way every statistic reaches the snapshot; keep `f` short, it holds the read lock.
    pub fn with<R>(&self, filter: &IncidentFilter, f: impl FnOnce(&Snapshot, &Filter) -> R) -> R {
        let inner = self.inner.read().expect("snapshot lock");
        let flt = to_filter(&inner, filter);
        f(&inner.snapshot, &flt)
    }

    /// Counts per calendar month (local time) × category code × area for a store-style filter
    /// (scope included), an incident once in each of its areas in `filter.areas`: the public
    /// map's cuts. Read under one lock, so the areas cannot be renumbered meanwhile.
    pub fn monthly_area_counts(
        &self,
        filter: &IncidentFilter,
    ) -> Vec<(PeriodKey, &'static str, AreaId, u32)> {
        let inner = self.inner.read().expect("snapshot lock");
        let f = to_filter(&inner, filter);
        let area_of: HashMap<u16, AreaId> = filter
            .areas
            .iter()
            .filter_map(|a| Some((*inner.areas.get(a)?, *a)))
            .collect();
        inner
            .snapshot
            .counts(&f, trygg_analysis::snapshot::Granularity::Month, true, true)
            .into_iter()
            .filter_map(|r| {
                let code = Taxonomy.all().get(usize::from(r.category?))?.code;
                Some((r.period, code, *area_of.get(&r.area?)?, r.count))
            })
            .collect()
    }

    /// The snapshot's area index for a stored area, if any incident lies in it.
    pub fn area_index(&self, area: AreaId) -> Option<u16> {
        self.inner
            .read()
            .expect("snapshot lock")
            .areas
            .get(&area)
            .copied()
    }
}

/// Snapshot versions, unique across every `Live` in the process (so a cache keyed by generation
/// cannot mix two snapshots up).
static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Live {
    /// The snapshot's version: changes on every write that reaches the snapshot, and is unique
    /// in the process. Read it inside [`Live::with`] to tag a result with the data it saw.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Called with the write lock held, after the snapshot changed.
    fn bump(&self) {
        self.generation
            .store(next_generation(), std::sync::atomic::Ordering::Release);
    }
}

/// The snapshot filter equivalent to a store filter (categories must already be expanded).
fn to_filter(inner: &Inner, f: &IncidentFilter) -> Filter {
    let period = match (f.from, f.to) {
        (None, None) => None,
        (from, to) => Some((
            from.map_or(i64::MIN, |t| t.as_second()),
            to.map_or(i64::MAX, |t| t.as_second()),
        )),
    };
    let categories = (!f.categories.is_empty()).then(|| {
        Taxonomy
            .all()
            .iter()
            .enumerate()
            .filter(|(_, c)| f.categories.iter().any(|x| x == c.code))
            .map(|(i, _)| i as u16)
            .collect::<IndexSet>()
    });
    let areas = (!f.areas.is_empty()).then(|| {
        f.areas
            .iter()
            .filter_map(|a| inner.areas.get(a).copied())
            .collect::<IndexSet>()
    });
    let visible = |s: &SourceKey| match f.scope {
        Scope::All => true,
        Scope::Shared => s.2 == Visibility::Shared,
        Scope::Organisation(o) => s.2 == Visibility::Shared || s.1 == o,
    };
    let sources = inner
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            visible(s)
                && (f.channels.is_empty() || f.channels.contains(&s.0))
                && (f.organisations.is_empty() || f.organisations.contains(&s.1))
        })
        .map(|(i, _)| i as u16)
        .collect::<IndexSet>();
    Filter {
        period,
        categories,
        areas,
        sources: Some(sources),
        point_usable_only: false,
    }
}
