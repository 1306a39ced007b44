//! The dashboard's map of a filter as a PNG.

use super::*;

/// The dashboard's "PNG of the map" for a filter: districts coloured by the filter's counts and
/// its point-usable incidents, without tiles. `None` when no areas are stored.
pub async fn filter_map_png(
    state: &App,
    filter: &IncidentFilter,
    title: &str,
) -> Result<Option<Vec<u8>>> {
    let ctx = Ctx::load(state, filter.scope).await?;
    let stats = ctx.with(filter, period_stats);
    let Some(spec) = ctx.map_spec(title, "Händelser i urvalet", &stats, Some(filter), None)?
    else {
        return Ok(None);
    };
    Ok(Some(map::render(&spec)?))
}
