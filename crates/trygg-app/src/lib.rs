//! trygg's application layer: what the partnership's people can do, whichever door they come
//! through.
//!
//! [`App`] holds the store, the write path ([`ingest::Ingest`]), the analysis snapshot
//! ([`snapshot::Live`]), the time zone and the [`Clock`]. The use cases are functions over it;
//! the pages, the JSON API, the CLI and the Polisen poller call them and only translate their
//! input and their [`AppError`]. There is no HTTP and no SQL here.

pub mod accounts;
pub mod categories;
pub mod coverage;
pub mod credentials;
pub mod cycle;
pub mod error;
pub mod fixes;
pub mod follow;
pub mod followup;
pub mod incidents;
pub mod indicators;
pub mod ingest;
pub mod lagesbild;
pub mod notify;
pub mod open311;
pub mod partnership;
pub mod photos;
pub mod principal;
pub mod public;
pub mod reference;
pub mod reports;
pub mod retention;
pub mod snapshot;
pub mod synonyms;
pub mod time;
pub mod tips;
pub mod transfer;
pub mod walks;

use std::sync::Arc;

use jiff::{Timestamp, civil::Date, tz::TimeZone};
use trygg_store::Store;

pub use error::AppError;
pub use principal::Principal;
pub use trygg_store::records::Stored;

/// A number in Swedish: decimal comma, `decimals` places, trailing zeros trimmed when `trim` —
/// the one number format of the pages and the reports.
pub use trygg_analysis::special::sv_number;

/// What "now" is: the system clock, or a fixed instant in tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// Always this instant.
    Fixed(Timestamp),
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => *t,
        }
    }

    /// Today's date in `tz`.
    pub fn today(&self, tz: &TimeZone) -> Date {
        self.now().to_zoned(tz.clone()).date()
    }
}

/// The application: everything a use case can reach. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    /// The database (reads; writes of incidents and areas go through `ingest`).
    pub store: Arc<dyn Store>,
    /// The way incidents and areas are written.
    pub ingest: ingest::Ingest,
    /// Local time zone for dates without an offset and for display (Europe/Stockholm).
    pub tz: TimeZone,
    /// What "now" is.
    pub clock: Clock,
    /// The lägesbild panels' answers, per filter and snapshot generation.
    pub panels: Arc<lagesbild::PanelCache>,
    /// Turns for heavy computations (lägesbild panels, generated documents): one per core, so
    /// they run on the blocking pool at most that many at a time and cheap requests never wait
    /// behind them.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Organisations (by name) whose people sign in only through their identity provider:
    /// local passwords are refused for them.
    pub passwords_off: Arc<Vec<String>>,
    /// Files uploaded on the web import page, held for their mapping step.
    pub uploads: Arc<transfer::Uploads>,
    /// The public map's settings and its cached publication.
    pub public: Arc<public::Publisher>,
    /// The e-mail notices' mailer (none when SMTP is not configured) and worker's bell.
    pub notify: Arc<notify::Notifier>,
    /// The fixes' settings: outside parties' links and photos (`[fixes]`, `[photos]`).
    pub fixes: Arc<fixes::FixesConfig>,
}

impl App {
    /// Runs `work`, an async computation heavy on CPU (a generated document with its charts
    /// and maps), on the blocking pool and at most one per core at a time ([`App::heavy`]), so
    /// that the async workers keep answering cheap requests meanwhile.
    pub async fn heavy_work<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> Result<T, AppError> {
        let _turn = self.heavy.clone().acquire_owned().await;
        let runtime = tokio::runtime::Handle::current();
        lagesbild::blocking(move || Ok(runtime.block_on(work))).await
    }

    /// The application over `store` in time zone `tz`: loads the area index and the snapshot.
    pub async fn load(store: Arc<dyn Store>, tz: TimeZone) -> Result<Self, AppError> {
        let ingest = ingest::Ingest::load(store.clone(), tz.clone()).await?;
        Ok(Self {
            store,
            ingest,
            tz,
            clock: Clock::System,
            panels: Arc::default(),
            heavy: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            passwords_off: Arc::default(),
            uploads: Arc::default(),
            public: Arc::default(),
            notify: Arc::default(),
            fixes: Arc::default(),
        })
    }

    /// The same application sending e-mail notices through `mailer` (`[smtp]`).
    pub fn with_mailer(mut self, mailer: Arc<dyn notify::Mailer>) -> Self {
        self.notify = Arc::new(notify::Notifier::new(mailer));
        self
    }

    /// The same application with these settings of fixes' links and photos.
    pub fn with_fixes(mut self, config: fixes::FixesConfig) -> Self {
        self.fixes = Arc::new(config);
        self
    }

    /// The same application with these public map settings (`[public]`).
    pub fn with_public(mut self, config: public::PublicConfig) -> Self {
        self.public = Arc::new(public::Publisher::new(config));
        self
    }

    /// The same application with another clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today's date in the configured zone.
    pub fn today(&self) -> Date {
        self.clock.today(&self.tz)
    }

    /// Local midnight of `d` in the configured zone.
    pub fn midnight(&self, d: Date) -> Option<Timestamp> {
        d.to_zoned(self.tz.clone()).ok().map(|z| z.timestamp())
    }

    /// Whether the database answers (the readiness probe).
    pub async fn ping(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }

    /// The database's kind (`sqlite`, `postgres`), for the readiness probe.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The live analysis snapshot.
    pub fn live(&self) -> &snapshot::Live {
        self.ingest.live()
    }
}
