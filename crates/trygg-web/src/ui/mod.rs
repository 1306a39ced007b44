//! The server-rendered web app: pages in Swedish (default) or English, built with `maud` so that
//! every interpolated string is HTML-escaped. Pages are thin: they call the same `trygg_app`
//! use cases as the API, and the browser scripts under `assets/` call the JSON API with the
//! session's CSRF token.
//!
//! Page handlers take [`SignedIn`](extract::SignedIn) (anyone else is sent to `/login`); the
//! access guard has checked the route's permission before they run. Every form that writes
//! arrives through [`Posted`](extract::Posted), which takes the body only when its `csrf` field
//! is the session's token. Errors render as a page with the right status
//! ([`PageError`](extract::PageError)).

mod accessibility;
mod account;
mod admin;
mod categories;
mod cycle;
pub mod dashboard;
pub mod extract;
mod fixes;
mod form;
mod home;
mod import;
mod karta;
pub mod layout;
pub mod oidc;
mod outside;
mod partnership;
mod pwa;
mod report;
mod reports;
mod tips;
mod walks;

use axum::{
    Router,
    routing::{get, post},
};

pub use layout::{Lang, PageCtx, layout};

use crate::AppState;

/// The body limit of the forms that carry a photo: above the largest `[photos] max_mib`, so
/// that the use case, not the body limit, says a photo is too large and by how much.
const PHOTO_BODY_LIMIT: usize = 65 * 1024 * 1024;

/// Every page of the web app.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route("/login/oidc/{name}", get(oidc::start))
        .route("/login/oidc/{name}/callback", get(oidc::callback))
        .route("/konto", get(account::account))
        .route("/konto/losenord", post(account::change_password))
        .route("/tillganglighet", get(accessibility::statement))
        .route("/rapportera", get(report::form))
        .route("/mina-rapporter", get(report::mine))
        .route("/handelser/{id}", get(report::incident))
        .route("/lagesbild", get(lagesbild))
        .route(
            "/importera",
            get(import::form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::MAX_UPLOAD)),
        )
        .route("/importera/{id}", get(import::done).post(import::map))
        .route("/karta", get(karta::map))
        .route("/karta/om", get(karta::about))
        .route("/admin", get(admin::index))
        .route("/admin/anvandare", post(admin::add_user))
        .route("/admin/organisation", post(admin::add_organisation))
        .route("/admin/token", post(admin::new_token))
        .route(
            "/admin/kategorier",
            get(categories::page).post(categories::add_synonym),
        )
        .route("/admin/kategorier/ny", post(categories::add_category))
        .route(
            "/admin/kategorier/egen/{id}",
            post(categories::relabel_category),
        )
        .route(
            "/admin/kategorier/{id}/ta-bort",
            post(categories::remove_synonym),
        )
        .route("/admin/token/{id}/aterkalla", post(admin::revoke_token))
        .route("/admin/anvandare/{id}", get(admin::user_page))
        .route("/admin/anvandare/{id}/roller", post(admin::set_roles))
        .route("/admin/anvandare/{id}/status", post(admin::set_status))
        .route(
            "/admin/anvandare/{id}/losenord",
            post(admin::reset_password),
        )
        .route("/manifest.webmanifest", get(pwa::manifest))
        // Browsers ask for /favicon.ico on their own: point them at the icon.
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/assets/icon.svg") }),
        )
        .route("/sw.js", get(pwa::service_worker))
        .merge(cycle::routes())
        .merge(partnership::routes())
        .route("/tipsa", get(tips::form).post(tips::submit))
        .route("/tipsa/tack", get(tips::receipt))
        .route("/tips", get(tips::queue))
        .route("/tips/lank", get(tips::links))
        .route("/tips/lank/{area}/qr.svg", get(tips::qr))
        .route("/tips/{id}/godkann", post(tips::accept))
        .route("/tips/{id}/sla-ihop", post(tips::merge))
        .route("/tips/{id}/avvisa", post(tips::reject))
        .route("/tips/{id}/atgard", post(fixes::from_tip))
        .route("/atgarder", get(fixes::list))
        .route("/atgarder/ny", get(fixes::new_page).post(fixes::create))
        .route("/atgarder/regler", get(fixes::rules).post(fixes::add_rule))
        .route("/atgarder/regler/{id}/ta-bort", post(fixes::remove_rule))
        .route("/atgarder/serviceniva", post(fixes::set_level))
        .route("/atgarder/{id}", get(fixes::show))
        .route("/atgarder/{id}/status", post(fixes::set_status))
        .route("/atgarder/{id}/datum", post(fixes::set_due))
        .route("/atgarder/{id}/dirigera", post(fixes::reroute))
        .route("/atgarder/{id}/agare", post(fixes::add_owner))
        .route("/atgarder/{id}/agare/{n}/huvud", post(fixes::make_lead))
        .route(
            "/atgarder/{id}/agare/{n}/ta-bort",
            post(fixes::remove_owner),
        )
        .route("/handelser/{id}/atgard", post(fixes::from_incident))
        .route("/trygghetsvandringar", get(walks::list).post(walks::create))
        .route("/trygghetsvandringar/{id}", get(walks::show))
        .route("/trygghetsvandringar/{id}/vandra", get(walks::walk_phone))
        .route(
            "/trygghetsvandringar/{id}/fynd",
            post(walks::record).layer(axum::extract::DefaultBodyLimit::max(
                trygg_domain::walk::UPLOAD_MAX_BYTES,
            )),
        )
        .route("/trygghetsvandringar/{id}/dirigera", post(walks::route_all))
        .route(
            "/trygghetsvandringar/{id}/fynd/{n}/dirigera",
            post(walks::route_one),
        )
        .route(
            "/trygghetsvandringar/{id}/fynd/{n}/publicera",
            post(walks::publish),
        )
        .route("/trygghetsvandringar/{id}/svar", post(walks::answer))
        .route(
            "/trygghetsvandringar/{id}/protokoll",
            get(walks::public_protocol),
        )
        .route(
            "/trygghetsvandringar/{id}/protokoll/punkt/{n}/foto/{photo}",
            get(walks::public_photo),
        )
        .route(
            "/atgarder/{id}/foto",
            post(fixes::add_photo).layer(axum::extract::DefaultBodyLimit::max(PHOTO_BODY_LIMIT)),
        )
        .route("/atgarder/{id}/foto/{n}", get(fixes::photo))
        .route(
            "/atgarder/{id}/foto/{n}/godkann",
            post(fixes::approve_photo),
        )
        .route("/atgarder/{id}/lank", post(fixes::make_link))
        .route(
            "/atgarder/{id}/lank/{n}/aterkalla",
            post(fixes::revoke_link),
        )
        .route(
            "/atgard/{token}",
            get(outside::show)
                .post(outside::answer)
                .layer(axum::extract::DefaultBodyLimit::max(PHOTO_BODY_LIMIT)),
        )
        .route("/atgard/{token}/foto/{n}", get(outside::photo))
        .route("/rapporter", get(reports::index))
        .route("/rapporter/rapport", get(reports::report))
}

/// The page for unknown paths.
pub(crate) async fn not_found(page: extract::Page) -> extract::PageError {
    extract::PageError::not_found(page.ctx.lang)
}

/// `GET /lagesbild`: the dashboard; its query string is the view (shareable).
async fn lagesbild(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut me: extract::SignedIn,
    axum::extract::Query(mut pairs): axum::extract::Query<Vec<(String, String)>>,
) -> Result<maud::Markup, extract::PageError> {
    me.check(trygg_domain::Permission::ReadPicture)?;
    let l = me.ctx.lang;
    pairs.retain(|(k, _)| k != "lang");
    let q = trygg_app::lagesbild::DashboardQuery::from_pairs(&pairs)
        .map_err(|e| extract::PageError::from_app(l, e))?;
    let areas = trygg_app::reference::areas(&state, &me.user)
        .await
        .map_err(|e| extract::PageError::from_app(l, e))?;
    let config = dashboard::DashboardConfig {
        tile_url: state.config.tile_url.clone(),
        tile_attribution: state.config.tile_attribution.clone(),
        today: state.today(),
    };
    me.ctx.wide = true;
    Ok(layout::layout_with_head(
        &me.ctx,
        l.t("Lägesbild", "Situation picture"),
        dashboard::head(),
        dashboard::body(&me.ctx, &q, &areas, &config),
    ))
}
