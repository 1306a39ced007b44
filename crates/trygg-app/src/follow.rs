//! Following the writes this process did not make: another server on the same PostgreSQL
//! database, or a `trygg import` into a running server's SQLite file. Every write appends to
//! the audit log in its own transaction, so the log is the change feed ([`Store::changes_since`]);
//! each server reads it every [`INTERVAL`] and brings its snapshot (and with it the lägesbild's
//! caches, alerts and follow-ups, which key on the snapshot's generation) and its area index up
//! to date.
//!
//! On PostgreSQL a trigger on the audit log notifies every listening server at commit, so a
//! round starts at once; the one-second poll stays as the floor (SQLite, a lost connection).
//!
//! A `category` record (an own category added or relabelled) reloads the taxonomy first, so
//! the incidents of the same round that carry it are indexed. Incident writes refresh the
//! written incidents; a large import, a change of areas, or a
//! retention run that deleted incidents (`retention` on `incident`), rebuilds. Own writes come
//! back through the feed too: refreshing them again is cheap, and an import this process
//! already applied is recognised and skipped. On PostgreSQL audit ids are
//! handed out before commit, so a transaction that commits late can appear below the mark
//! already read: each round re-reads [`WINDOW`] ids below it and skips those already seen
//! (SQLite commits one writer at a time, in id order, so it needs no window).
//!
//! [`Store::changes_since`]: trygg_store::Store::changes_since

use std::{collections::BTreeSet, time::Duration};

use trygg_domain::{IncidentId, cycle::Record, own_category::OwnCategory};

use crate::{App, AppError};

/// How often a server reads the change feed.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// How many audit ids below the mark are read again (late commits on PostgreSQL).
pub const WINDOW: i64 = 1_000;
/// Above this many written incidents a round rebuilds instead of refreshing.
const REBUILD_ABOVE: i64 = 50_000;
/// Changes read per query.
const PAGE: u32 = 10_000;

/// Where a server is in the change feed.
#[derive(Debug, Clone, Default)]
pub struct Follower {
    mark: i64,
    seen: BTreeSet<i64>,
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Round {
    /// Changes read that had not been seen.
    pub changes: usize,
    /// Incidents refreshed.
    pub refreshed: usize,
    /// Whether the snapshot was rebuilt.
    pub rebuilt: bool,
}

impl Follower {
    /// A follower starting after the newest change (the snapshot was just loaded).
    pub async fn start(app: &App) -> Result<Self, AppError> {
        Ok(Self {
            mark: app.store.last_change().await?,
            seen: BTreeSet::new(),
        })
    }

    /// Reads the changes since the last round and applies them.
    pub async fn catch_up(&mut self, app: &App) -> Result<Round, AppError> {
        let mut fresh = Vec::new();
        let window = if app.backend() == "sqlite" { 0 } else { WINDOW };
        let mut from = (self.mark - window).max(0);
        loop {
            let page = app.store.changes_since(from, PAGE).await?;
            let full = page.len() == PAGE as usize;
            if let Some(last) = page.last() {
                from = last.seq;
            }
            fresh.extend(page.into_iter().filter(|c| !self.seen.contains(&c.seq)));
            if !full {
                break;
            }
        }
        let mut round = Round {
            changes: fresh.len(),
            ..Round::default()
        };
        if fresh.is_empty() {
            return Ok(round);
        }
        for c in &fresh {
            self.seen.insert(c.seq);
            self.mark = self.mark.max(c.seq);
        }
        let low = self.mark - window;
        self.seen = self.seen.split_off(&low);

        let live = app.ingest.live();
        let mut ids: Vec<IncidentId> = Vec::new();
        let mut rebuild = false;
        let mut areas = false;
        let mut categories = false;
        for c in &fresh {
            match (c.entity.as_str(), c.action.as_str()) {
                ("incident", "import") => match c.id_range {
                    // Applied here already (this process's own import): nothing to do.
                    Some((first, last))
                        if live.contains(IncidentId(first)) && live.contains(IncidentId(last)) => {}
                    Some((first, last)) if last - first <= REBUILD_ABOVE => {
                        ids.extend((first..=last).map(IncidentId));
                    }
                    _ => rebuild = true,
                },
                // Retention deleted incidents (which ones is not recorded): rebuild. Blanked
                // text (`incident_text`) is not in the snapshot.
                ("incident", "retention") => rebuild = true,
                ("incident", _) => {
                    if let Some(id) = c.entity_id.as_deref().and_then(|i| i.parse().ok()) {
                        ids.push(IncidentId(id));
                    }
                }
                // Areas changed, or a whole database was restored underneath.
                ("area" | "incident_areas", _) => areas = true,
                ("database", "restore") => (areas, categories) = (true, true),
                (kind, _) if kind == OwnCategory::KIND => categories = true,
                _ => {}
            }
        }
        if categories {
            crate::categories::load(app.store.as_ref()).await?;
        }
        if areas {
            app.ingest.reload_areas().await?;
            rebuild = true;
        }
        if rebuild || ids.len() as i64 > REBUILD_ABOVE {
            live.rebuild(app.store.as_ref()).await?;
            round.rebuilt = true;
        } else if !ids.is_empty() {
            ids.sort_unstable();
            ids.dedup();
            live.refresh(app.store.as_ref(), &ids).await?;
            round.refreshed = ids.len();
        }
        Ok(round)
    }
}

/// Follows the change feed until `stop` turns true: every [`INTERVAL`], and on PostgreSQL at
/// once when another server commits (LISTEN/NOTIFY). A failed round is logged and tried again.
pub async fn follow(app: App, stop: tokio::sync::watch::Receiver<bool>) {
    follow_every(app, stop, INTERVAL).await;
}

/// After a notification, how long to wait for the rest of a burst of commits, so that they are
/// read in one round.
const SETTLE: Duration = Duration::from_millis(20);
/// How often to ask again for notifications after they stopped (a lost connection).
const RELISTEN: Duration = Duration::from_secs(30);

/// [`follow`], polling every `every`.
pub async fn follow_every(app: App, mut stop: tokio::sync::watch::Receiver<bool>, every: Duration) {
    let mut follower = match Follower::start(&app).await {
        Ok(f) => f,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the change feed; other servers' writes will not be seen");
            return;
        }
    };
    let mut signals = listen(&app).await;
    let mut asked = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let woken = tokio::select! {
            _ = tick.tick() => None,
            more = next_signal(&mut signals) => Some(more),
            _ = stop.changed() => None,
        };
        if *stop.borrow() {
            return;
        }
        match woken {
            Some(true) => tokio::time::sleep(SETTLE).await,
            Some(false) => {
                tracing::warn!(
                    "change notifications stopped (lost connection?); reading the change feed every {every:?} until they are back"
                );
                signals = None;
            }
            None => {}
        }
        if signals.is_none() && asked.elapsed() >= RELISTEN {
            signals = listen(&app).await;
            asked = tokio::time::Instant::now();
        }
        match follower.catch_up(&app).await {
            Ok(r) if r.changes > 0 => tracing::debug!(
                changes = r.changes,
                refreshed = r.refreshed,
                rebuilt = r.rebuilt,
                "followed the change feed"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading the change feed failed; trying again"),
        }
    }
}

/// The store's change notifications, if it has them.
async fn listen(app: &App) -> Option<trygg_store::ChangeSignals> {
    match app.store.change_signals().await {
        Ok(signals) => signals,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for change notifications; polling instead");
            None
        }
    }
}

/// Waits for the next notification: `true` when one came, `false` when they ended; never
/// resolves without a stream.
async fn next_signal(signals: &mut Option<trygg_store::ChangeSignals>) -> bool {
    match signals {
        Some(s) => std::future::poll_fn(|cx| s.as_mut().poll_next(cx))
            .await
            .is_some(),
        None => std::future::pending().await,
    }
}
