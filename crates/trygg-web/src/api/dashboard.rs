//! `/api/v1/lagesbild/*`: the panels of the lägesbild dashboard. The handlers translate; the
//! panels, their query and their cache are `trygg_app::lagesbild`'s. A panel answers JSON with
//! `X-Trygg-Cache: hit` or `miss`.

use axum::{
    Router,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use trygg_app::lagesbild::{self, Panel};

use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/lagesbild/points", get(points))
        .route("/lagesbild/kde", get(kde))
        .route("/lagesbild/hotspots", get(hotspots))
        .route("/lagesbild/areas", get(areas))
        .route("/lagesbild/survey", get(survey))
        .route("/lagesbild/trend", get(trend))
        .route("/lagesbild/hour-weekday", get(hour_weekday))
        .route("/lagesbild/top-places", get(top_places))
        .route("/lagesbild/near-repeat", get(near_repeat))
        .route("/lagesbild/map.png", get(map_png))
}

type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn pairs(query: Pairs) -> Result<Vec<(String, String)>, ApiError> {
    query
        .map(|Query(p)| p)
        .map_err(|e| ApiError::param("query", e.body_text()))
}

fn json(panel: Panel) -> Response {
    let mut r = panel.json.to_vec().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut().insert(
        "x-trygg-cache",
        HeaderValue::from_static(if panel.hit { "hit" } else { "miss" }),
    );
    r
}

macro_rules! panel {
    ($name:ident) => {
        async fn $name(
            State(state): State<AppState>,
            caller: Caller,
            query: Pairs,
        ) -> Result<Response, ApiError> {
            let pairs = pairs(query)?;
            Ok(json(
                lagesbild::$name(&state, caller.principal(), &pairs).await?,
            ))
        }
    };
}

panel!(points);
panel!(kde);
panel!(hotspots);
panel!(areas);
panel!(survey);
panel!(trend);
panel!(hour_weekday);
panel!(top_places);
panel!(near_repeat);

/// The filter's map as a PNG (districts coloured by count, points), drawn without tiles.
async fn map_png(
    State(state): State<AppState>,
    caller: Caller,
    query: Pairs,
) -> Result<Response, ApiError> {
    let pairs = pairs(query)?;
    let png = lagesbild::map_png(&state, caller.principal(), &pairs).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"lagesbild.png\"",
            ),
        ],
        png,
    )
        .into_response())
}
