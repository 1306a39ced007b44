//! trygg's HTTP face.
//!
//! An axum router over an [`AppState`] holding the [`App`]. Handlers translate: they read the
//! request, call a use case of `trygg_app` with the caller's principal, and shape its answer;
//! they hold no SQL, no statistics and no access rules (the policy is the use cases'). Every error leaves as
//! [`ApiError`]: a status, a stable code and a message that says what to fix.

pub mod api;
pub mod http;
pub mod open311;
pub mod public;
pub mod ui;

pub use http::{access, assets, auth, error, headers, openapi, session};

use std::sync::Arc;

use axum::Router;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use trygg_app::{App, AppError};

/// What every handler can reach: the application and the web's own settings. It derefs to
/// [`App`], so `state.tz`, `state.now()` and the use cases' `&App` are one step away.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The application: store, write path, snapshot, time zone, clock.
    pub app: App,
    /// Settings of the web app.
    pub config: Arc<WebConfig>,
    /// The identity providers' discovered metadata.
    pub oidc: Arc<ui::oidc::OidcCache>,
}

/// Settings of the web app (from the `[web]` section of the configuration).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// Map tile URL template (`{z}`, `{x}`, `{y}`); empty = no tiles, outlines only.
    pub tile_url: String,
    /// Attribution shown on the map for the tiles.
    pub tile_attribution: String,
    /// Mark cookies `Secure` (set when the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Take the client's address for the sign-in limits from the last entry of
    /// `X-Forwarded-For` (set only behind a reverse proxy that appends it).
    pub trust_forwarded_for: bool,
    /// Identity providers (OpenID Connect), one per organisation that signs in through its
    /// own directory (`[[web.oidc]]`).
    pub oidc: Vec<ui::oidc::OidcProvider>,
    /// Who stands behind the site, for the accessibility statement ("Exempel kommun och
    /// lokalpolisområde Exempel").
    pub publisher: String,
    /// Where to report an accessibility problem: an e-mail address or a web address.
    pub accessibility_contact: String,
    /// The site's address as citizens reach it (`https://trygg.example.se`), for the tip
    /// form's QR links; empty: the links are shown without it.
    pub public_url: String,
    /// The public tip form's limits (`[web.tips]`).
    pub tips: TipsConfig,
    /// Open311: the outside parties' endpoints with their api_keys, and the poll interval
    /// (`[web.open311]`).
    pub open311: open311::Open311Config,
}

/// The public tip form's limits (`[web.tips]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TipsConfig {
    /// Tips taken from one client address within `window_minutes`.
    pub per_client: u32,
    /// The window they are counted in, in minutes.
    pub window_minutes: u32,
    /// A form sent sooner than this many seconds after it was shown is refused as automated.
    pub min_fill_seconds: u32,
}

impl Default for TipsConfig {
    fn default() -> Self {
        Self {
            per_client: 5,
            window_minutes: 10,
            min_fill_seconds: 3,
        }
    }
}

impl TipsConfig {
    /// As the use case takes them.
    pub fn limits(&self) -> trygg_app::tips::TipLimits {
        trygg_app::tips::TipLimits {
            per_client: self.per_client,
            window: jiff::SignedDuration::from_mins(i64::from(self.window_minutes)),
            min_fill: jiff::SignedDuration::from_secs(i64::from(self.min_fill_seconds)),
        }
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            tile_attribution: "© OpenStreetMap contributors".into(),
            secure_cookies: false,
            trust_forwarded_for: false,
            oidc: Vec::new(),
            publisher: "Kommunen och lokalpolisområdet".into(),
            accessibility_contact: String::new(),
            public_url: String::new(),
            tips: TipsConfig::default(),
            open311: open311::Open311Config::default(),
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    /// The web's state over an application, with default web settings.
    pub fn new(app: App) -> Self {
        Self {
            app,
            config: Arc::new(WebConfig::default()),
            oidc: Arc::default(),
        }
    }

    /// The same state with these web settings.
    pub fn with_config(mut self, config: WebConfig) -> Self {
        self.app.passwords_off = Arc::new(
            config
                .oidc
                .iter()
                .filter(|p| !p.passwords)
                .map(|p| p.organisation.clone())
                .collect(),
        );
        self.config = Arc::new(config);
        self
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let router = Router::new()
        .merge(http::health::routes())
        .merge(ui::routes())
        .merge(assets::routes())
        .merge(openapi::routes())
        .merge(public::routes())
        .merge(open311::routes())
        .nest("/api/v1", api::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::guard,
        ))
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn(ui::extract::remember_lang))
        .with_state(state);
    http::headers::apply(router, &config).layer(TraceLayer::new_for_http())
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
