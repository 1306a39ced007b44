//! The public API under `/api/public/v1/`: the public map's publication for everyone, without
//! signing in (`trygg_app::public`). It serves only the published cuts and the areas'
//! boundaries, never an incident, and lets browsers and proxies keep a copy for an hour
//! (`Cache-Control: public`), unlike the signed-in API.

use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};
use trygg_app::public::{self, Publication};

use crate::{ApiError, AppState};

/// How long a copy may be kept: the publication changes at most with new data and once a day.
const CACHE: &str = "public, max-age=3600";

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/public/v1/karta", get(publication))
        .route("/api/public/v1/karta.csv", get(csv))
        .route("/api/public/v1/karta.geojson", get(geojson))
}

/// `?month=YYYY-MM&group=CODE` of the map's GeoJSON.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Choice {
    /// The month, `YYYY-MM` (default the latest published).
    pub month: Option<String>,
    /// A published group's code (default, or empty: every published group).
    pub group: Option<String>,
    /// The page's language (ignored here, accepted so a page's query string can be passed on).
    pub lang: Option<String>,
}

fn cached(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    response
}

/// `GET /api/public/v1/karta`: the whole publication (months, groups, areas, every cell).
async fn publication(State(state): State<AppState>) -> Result<Response, ApiError> {
    let p = public::publication(&state).await?;
    Ok(cached(Json(&*p).into_response()))
}

/// `GET /api/public/v1/karta.csv`: every cell as Swedish Excel CSV.
async fn csv(State(state): State<AppState>) -> Result<Response, ApiError> {
    let p = public::publication(&state).await?;
    Ok(cached(crate::api::transfer::attachment(
        "text/csv; charset=utf-8",
        "trygghetskarta.csv",
        p.to_csv(),
    )))
}

/// `GET /api/public/v1/karta.geojson`: the areas' boundaries with one month's and group's
/// published count each (the map's layer).
async fn geojson(
    State(state): State<AppState>,
    query: Result<Query<Choice>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    let p = public::publication(&state).await?;
    let (m, g) = p.select(q.month.as_deref(), q.group.as_deref())?;
    Ok(cached(Json(layer(&p, m, g)).into_response()))
}

/// The map's layer: a FeatureCollection of the areas with their cell of month `m`, group `g`.
fn layer(p: &Publication, m: usize, g: Option<usize>) -> Value {
    let features: Vec<Value> = p
        .areas
        .iter()
        .enumerate()
        .map(|(a, area)| {
            let cell = p.cell(m, Some(a), g);
            json!({
                "type": "Feature",
                "id": area.id.0,
                "properties": {
                    "name": area.name,
                    "code": area.code,
                    "count": cell.count,
                    "suppressed": cell.suppressed,
                },
                "geometry": area.geometry,
            })
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "month": p.months[m],
        "group": g.map(|g| p.groups[g].code),
        "k": p.k,
        "features": features,
    })
}
