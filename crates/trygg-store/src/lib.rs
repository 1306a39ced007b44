//! The storage contract of trygg.
//!
//! The server, the CLI and the importers talk to a [`Store`]; they never see SQL. Two
//! implementations exist, one crate each with its own migrations: `trygg-store-sqlite` (embedded,
//! the default) and `trygg-store-postgres` (multi-server deployments). The app picks one from
//! the database URL at start-up.
//!
//! Invariants every implementation keeps, checked by [`conformance`]:
//! - every write is one transaction that also writes its [`AuditEvent`]s; a failed write leaves
//!   nothing behind;
//! - incidents are validated before anything is written;
//! - an incident with an external id is unique per (channel, source organisation, external id),
//!   and writing it again replaces the stored version, with before/after in the audit log;
//! - a reader only ever gets the incidents its [`Scope`] allows.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use trygg_domain::{
    Actor, Area, AreaId, AuditEvent, Incident, IncidentFilter, IncidentId, NewArea, NewIncident,
    NewOrganisation, NewUser, Organisation, OrganisationId, Page, Report, Role, Scope, User,
    UserId, ValidationError,
};

pub mod backup;
#[cfg(feature = "conformance")]
pub mod conformance;
mod imp;
pub mod records;
pub mod retention;
pub mod sql;

#[doc(hidden)]
pub mod __private {
    pub use async_trait;
    pub use futures_util;
    pub use jiff;
    pub use serde;
    pub use serde_json;
    /// A fast, seeded hasher for large in-memory key sets (batch deduplication).
    pub type FastHash = foldhash::fast::RandomState;
    pub use trygg_domain;
}

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input broke a domain rule; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A referenced thing does not exist.
    #[error("{entity} {id} does not exist")]
    NotFound {
        /// What kind of thing.
        entity: &'static str,
        /// Its identifier.
        id: String,
    },
    /// A uniqueness rule was broken.
    #[error("{0}")]
    Conflict(String),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Stored data could not be read back (a bug or a hand-edited database).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

/// Shorthand for storage results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An incident to write, with the areas its position lies in (computed by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct AssignedIncident {
    /// The incident.
    pub incident: NewIncident,
    /// The areas it belongs to.
    pub areas: Vec<AreaId>,
}

/// How a batch write is audited.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchAudit {
    /// One audit event per created incident (API calls, reports).
    Each,
    /// One audit event for the whole batch, holding this summary (imports), plus one per
    /// replaced incident.
    Batch(serde_json::Value),
}

/// What writing a batch of incidents did.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WriteOutcome {
    /// Newly created.
    pub created: u64,
    /// Replaced an earlier version with the same external id.
    pub updated: u64,
    /// Identical to the stored version: nothing written.
    pub unchanged: u64,
    /// The incidents created or updated.
    #[serde(skip)]
    pub ids: Vec<IncidentId>,
    /// The analysis rows of the incidents created or updated, as written (ascending id), so the
    /// snapshot can be brought up to date without reading a large batch back.
    #[serde(skip)]
    pub rows: Vec<AnalysisRow>,
}

/// The columns the analysis snapshot keeps of one incident.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisRow {
    /// Identifier.
    pub id: IncidentId,
    /// Window start, Unix seconds.
    pub occurred_from: i64,
    /// Window end, Unix seconds.
    pub occurred_to: i64,
    /// Category code.
    pub category: String,
    /// SWEREF 99 TM (northing, easting) and precision, when positioned.
    pub position: Option<(f64, f64, trygg_domain::Precision)>,
    /// Channel.
    pub channel: trygg_domain::Channel,
    /// Source organisation.
    pub source_org: OrganisationId,
    /// Visibility.
    pub visibility: trygg_domain::Visibility,
    /// Areas, ascending.
    pub areas: Vec<AreaId>,
}

/// A report to be created.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    /// The reporter's organisation.
    pub organisation_id: OrganisationId,
    /// The reporter.
    pub reporter_id: Option<UserId>,
    /// Its incidents (at least one).
    pub incidents: Vec<AssignedIncident>,
}

/// Which audit events to read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditFilter {
    /// Only this kind of entity.
    pub entity: Option<String>,
    /// Only this entity.
    pub entity_id: Option<String>,
    /// At most this many, newest first (0 = 100).
    pub limit: u32,
}

/// One committed write as the servers that did not make it need to know it: read from the
/// audit log, which every write appends to in its own transaction, so it is the change feed
/// every server (and every CLI run) shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The audit event's id (ascending in commit order on SQLite; see [`Store::changes_since`]).
    pub seq: i64,
    /// What was written: `incident`, `area`, `incident_areas`, a record kind, `user`, ….
    pub entity: String,
    /// `create`, `update`, `import`, `delete`, ….
    pub action: String,
    /// The written entity's id, when one was written.
    pub entity_id: Option<String>,
    /// For a batch import of incidents, the first and last new id.
    pub id_range: Option<(i64, i64)>,
}

/// Wake-ups from the change feed: see [`Store::change_signals`].
pub type ChangeSignals = std::pin::Pin<Box<dyn futures_core::Stream<Item = ()> + Send>>;

/// A user with the secret material the web layer needs to authenticate them.
#[derive(Debug, Clone, PartialEq)]
pub struct UserCredentials {
    /// The user.
    pub user: User,
    /// The argon2 PHC string, if the user can log in with a password.
    pub password_hash: Option<String>,
}

/// An API token as an administrator sees it: never the token, only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Identifier (for revoking).
    pub id: i64,
    /// Whose it is.
    pub user_id: UserId,
    /// What it is for ("Polisens import").
    pub name: String,
    /// When it was made.
    pub created_at: jiff::Timestamp,
    /// When it stops working.
    pub expires_at: jiff::Timestamp,
    /// When it was last used (to the minute), if ever.
    pub last_used_at: Option<jiff::Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<jiff::Timestamp>,
}

impl ApiToken {
    /// Whether it opens the API at `now`.
    pub fn live(&self, now: jiff::Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A browser session to open.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    /// SHA-256 of the session cookie.
    pub token_hash: String,
    /// The token forms must echo back.
    pub csrf: String,
    /// When it stops working.
    pub expires_at: jiff::Timestamp,
}

/// A live browser session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Who is signed in.
    pub user: User,
    /// The token forms must echo back.
    pub csrf: String,
    /// When it stops working.
    pub expires_at: jiff::Timestamp,
}

/// What the store keeps about a record besides its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMeta {
    /// The kind (`problem`, `intervention`, …).
    pub kind: String,
    /// Identifier, unique over all kinds.
    pub id: i64,
    /// The organisation that owns it.
    pub organisation_id: OrganisationId,
    /// Who reads it: the whole partnership (`shared`), or only the owner (`internal`).
    pub visibility: trygg_domain::Visibility,
    /// 1 when created, one more with every update.
    pub version: i64,
    /// When it was created.
    pub created_at: jiff::Timestamp,
    /// When it was last changed.
    pub updated_at: jiff::Timestamp,
    /// Who created it (the audit form of the actor, `user:17`).
    pub created_by: String,
}

/// A stored record: its metadata and its JSON data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// Metadata.
    #[serde(flatten)]
    pub meta: RecordMeta,
    /// The data.
    pub data: serde_json::Value,
}

/// The storage contract. Every method that writes takes the [`Actor`] it audits.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;

    /// Creates an organisation.
    async fn create_organisation(
        &self,
        actor: &Actor,
        org: NewOrganisation,
    ) -> Result<Organisation>;
    /// All organisations, by id.
    async fn list_organisations(&self) -> Result<Vec<Organisation>>;

    /// Creates a user; `password_hash` is an argon2 PHC string.
    async fn create_user(
        &self,
        actor: &Actor,
        user: NewUser,
        password_hash: Option<String>,
    ) -> Result<User>;
    /// A user by id.
    async fn get_user(&self, id: UserId) -> Result<Option<User>>;
    /// A user and their password hash by e-mail (case-insensitive).
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>>;
    /// All users, by id.
    async fn list_users(&self) -> Result<Vec<User>>;
    /// Stores an API token's hash for a user, valid until `expires_at`; returns its id.
    async fn create_api_token(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        token_hash: &str,
        expires_at: jiff::Timestamp,
    ) -> Result<i64>;
    /// Every API token (never the token itself), by id.
    async fn list_api_tokens(&self) -> Result<Vec<ApiToken>>;
    /// Revokes a token (audited); revoking a revoked one is not an error, an unknown id is
    /// `NotFound`.
    async fn revoke_api_token(&self, actor: &Actor, id: i64) -> Result<()>;
    /// The user a live API token hash belongs to at `now`: not revoked, not expired, its user
    /// not disabled. Notes the use (at most once a minute per token).
    async fn user_by_token_hash(
        &self,
        token_hash: &str,
        now: jiff::Timestamp,
    ) -> Result<Option<User>>;
    /// Disables or enables a user (audited). Disabling ends their sessions and revokes their
    /// tokens.
    async fn set_user_disabled(&self, actor: &Actor, user: UserId, disabled: bool) -> Result<()>;
    /// Replaces a user's roles (audited with the old and the new roles).
    async fn set_user_roles(&self, actor: &Actor, user: UserId, roles: &[Role]) -> Result<()>;
    /// Notes a failed sign-in under each of `keys` at `at`, and forgets failures older than
    /// `forget_before`.
    async fn record_sign_in_failure(
        &self,
        keys: &[String],
        at: jiff::Timestamp,
        forget_before: jiff::Timestamp,
    ) -> Result<()>;
    /// How many failures `key` has since `since`, and the oldest of them.
    async fn sign_in_failures(
        &self,
        key: &str,
        since: jiff::Timestamp,
    ) -> Result<(u32, Option<jiff::Timestamp>)>;
    /// Forgets the failures of `key` (after a successful sign-in).
    async fn clear_sign_in_failures(&self, key: &str) -> Result<()>;

    /// Stores a photo's bytes under the hex SHA-256 of its bytes (audited with its type and size,
    /// never its bytes). Storing the same bytes again changes nothing.
    async fn put_photo(
        &self,
        actor: &Actor,
        sha256: &str,
        content_type: &str,
        data: &[u8],
    ) -> Result<()>;
    /// A photo's type and bytes by the hex SHA-256 of its bytes.
    async fn get_photo(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>>;

    /// Opens a browser session (audited as a sign-in). Only the cookie's hash is stored.
    async fn create_session(&self, user: UserId, session: &NewSession) -> Result<()>;

    /// The live session with this cookie hash, if it exists and has not expired at `now`.
    async fn session(&self, token_hash: &str, now: jiff::Timestamp) -> Result<Option<Session>>;

    /// Ends a session (sign-out). Ending one that does not exist is not an error.
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    /// Sets a user's password hash, ends their other sessions and revokes their API tokens
    /// (audited, hash not logged).
    async fn set_password(
        &self,
        actor: &Actor,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()>;

    /// Creates areas in one transaction; an area whose (kind, code) is already stored is
    /// replaced (name and boundary), keeping its id.
    async fn upsert_areas(&self, actor: &Actor, areas: Vec<NewArea>) -> Result<Vec<Area>>;
    /// Replaces the incident links of `areas` with `links` (pairs of incident and area), in one
    /// transaction with one audit event. Returns how many links were written.
    async fn replace_area_links(
        &self,
        actor: &Actor,
        areas: &[AreaId],
        links: Vec<(IncidentId, AreaId)>,
    ) -> Result<u64>;
    /// The analysis columns of the given incidents, or of all incidents when `ids` is `None`,
    /// by id.
    async fn analysis_rows(&self, ids: Option<&[IncidentId]>) -> Result<Vec<AnalysisRow>>;
    /// Hands the analysis columns of every incident to `each`, by ascending id, streaming
    /// from one read: memory stays flat however many incidents are stored (start-up of the
    /// lägesbild). Stops at the first error `each` returns.
    async fn each_analysis_row(
        &self,
        each: &mut (dyn FnMut(AnalysisRow) -> Result<()> + Send),
    ) -> Result<()>;
    /// Every incident that has a position, with it (for area assignment).
    async fn incident_positions(&self) -> Result<Vec<(IncidentId, trygg_domain::Position)>>;
    /// All areas, by id.
    async fn list_areas(&self) -> Result<Vec<Area>>;

    /// Writes incidents in one transaction: new ones are created; one whose (channel, source
    /// organisation, external id) is already stored replaces it, with before/after audited.
    /// All are validated first; one invalid incident fails the whole batch.
    async fn write_incidents(
        &self,
        actor: &Actor,
        incidents: Vec<AssignedIncident>,
        audit: BatchAudit,
    ) -> Result<WriteOutcome>;
    /// Creates one incident and returns it.
    async fn create_incident(&self, actor: &Actor, incident: AssignedIncident) -> Result<Incident>;
    /// An incident, if it exists and `scope` may see it.
    async fn get_incident(&self, id: IncidentId, scope: Scope) -> Result<Option<Incident>>;
    /// A page of incidents matching `filter`, newest first.
    async fn list_incidents(&self, filter: &IncidentFilter) -> Result<Page<Incident>>;

    /// Every incident matching `filter` (its `limit` and `offset` are ignored), newest first,
    /// read page by page.
    async fn list_all_incidents(&self, filter: &IncidentFilter) -> Result<Vec<Incident>> {
        let mut filter = filter.clone();
        filter.limit = trygg_domain::incident::MAX_PAGE;
        filter.offset = 0;
        let mut incidents = Vec::new();
        loop {
            let page = self.list_incidents(&filter).await?;
            let n = page.items.len();
            incidents.extend(page.items);
            if n < filter.limit as usize {
                return Ok(incidents);
            }
            filter.offset += n as u64;
        }
    }

    /// Files an EST report and its incidents in one transaction.
    async fn create_report(
        &self,
        actor: &Actor,
        report: NewReport,
    ) -> Result<(Report, Vec<Incident>)>;

    /// Audit events, newest first.
    async fn list_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>>;

    /// The writes committed with an audit id above `after`, oldest first, at most `limit`
    /// (sign-ins and sign-outs, which change nothing shared, left out). On PostgreSQL ids are
    /// handed out before commit, so a later id can be seen before an earlier one; readers
    /// re-read a window below their mark (see `trygg_app::follow`).
    async fn changes_since(&self, after: i64, limit: u32) -> Result<Vec<Change>>;

    /// The newest audit id (0 when there is none): where a fresh reader starts.
    async fn last_change(&self) -> Result<i64>;

    /// A stream that yields soon after another connection commits a write, where the backend
    /// can tell (PostgreSQL's LISTEN/NOTIFY on the audit log); `None` where it cannot (SQLite,
    /// whose readers poll [`changes_since`](Store::changes_since)). It may end (a lost
    /// connection): ask again later.
    async fn change_signals(&self) -> Result<Option<ChangeSignals>>;

    /// Creates a record of `kind` owned by `organisation` and read as `visibility` says, with an
    /// audit event (`create`, entity = kind), in one transaction. An unknown organisation is
    /// `NotFound`.
    async fn create_record(
        &self,
        actor: &Actor,
        kind: &str,
        organisation: OrganisationId,
        visibility: trygg_domain::Visibility,
        data: serde_json::Value,
    ) -> Result<RecordMeta>;
    /// Replaces a record's data if its version is still `expected_version` (optimistic
    /// concurrency): otherwise `Conflict`, and `NotFound` when it does not exist. Audited with
    /// before/after; the version grows by one.
    async fn update_record(
        &self,
        actor: &Actor,
        kind: &str,
        id: i64,
        expected_version: i64,
        data: serde_json::Value,
    ) -> Result<RecordMeta>;
    /// A record of `kind`, if it exists.
    async fn get_record(&self, kind: &str, id: i64) -> Result<Option<StoredRecord>>;
    /// Every record of `kind`, by id.
    async fn list_records(&self, kind: &str) -> Result<Vec<StoredRecord>>;
    /// Deletes a record (audited with its last state); `NotFound` when it does not exist.
    async fn delete_record(&self, actor: &Actor, kind: &str, id: i64) -> Result<()>;

    /// Hands every row of the backed-up tables to `each` ([`backup::TABLES`] in order, each
    /// table's rows by key, a [`backup::Item::Table`] before them), from one consistent read
    /// that writers do not wait for; returns the rows per table. See [`backup`].
    async fn backup(
        &self,
        each: &mut (dyn FnMut(backup::Item) -> Result<()> + Send),
    ) -> Result<backup::Counts>;

    /// Writes the items `next` hands out (a backup's, read by [`backup::Reader`]) into this
    /// database, which must be empty (`Conflict` otherwise), in one transaction with one audit
    /// event (`restore`, entity `database`, the rows per table): a refused or cut backup leaves
    /// nothing behind. Generated ids continue after the restored ones.
    async fn restore(
        &self,
        actor: &Actor,
        header: &backup::Header,
        next: &mut (dyn FnMut() -> Result<Option<backup::Item>> + Send),
    ) -> Result<backup::Counts>;

    /// Every table of the database (but the migrations' own) with its columns in order, to
    /// check [`backup::TABLES`] against the schema.
    async fn schema_columns(&self) -> Result<Vec<(String, Vec<String>)>>;

    /// How many rows `purge` would remove or blank now (the dry run of retention).
    async fn purge_count(&self, purge: &retention::Purge) -> Result<u64>;
    /// Executes `purge` in one transaction, with one audit event (action `retention`, entity
    /// its class, after = rule, count and cutoff; never content) when anything went. Returns
    /// how many rows went (incidents blanked or deleted, events, sessions, tokens).
    async fn purge(&self, actor: &Actor, purge: &retention::Purge, rule: &str) -> Result<u64>;
}
