//! The dashboard's map of a filter as a PNG: the map on the screen.

use super::*;

/// What the dashboard shows on its map, to draw the same on the PNG.
#[derive(Debug, Clone, Default)]
pub struct FilterMap {
    /// The title ("Lägesbild 2026-09-21 – 2026-12-07").
    pub title: String,
    /// The filter in words (categories, areas, sources).
    pub subtitle: String,
    /// Source, date and method, under the map.
    pub footer: String,
    /// The districts coloured by the filter's counts (the layer "Områden").
    pub choropleth: bool,
    /// The filter's point-usable incidents (the layer "Händelser").
    pub points: bool,
    /// Gi* hot and cold spots, as the dashboard's layer computed them.
    pub hotspots: Option<HotSpots>,
    /// The KDE surface, as the dashboard's layer computed it.
    pub kde: Option<map::Raster>,
    /// The page's language: the legends and the description.
    pub lang: Lang,
}

/// The dashboard's "PNG of the map" for a filter: the layers of `what` over the districts,
/// without tiles, with its title, the filter and the source. When the filter names categories
/// the points are told apart by category, else by category group. `None` when no areas are
/// stored.
pub async fn filter_map_png(
    state: &App,
    filter: &IncidentFilter,
    what: FilterMap,
) -> Result<Option<Vec<u8>>> {
    let ctx = Ctx::load(state, filter.scope, what.lang).await?;
    let stats = ctx.with(filter, period_stats);
    let Some(mut spec) = ctx.map_spec(
        &what.title,
        what.lang
            .t("Händelser i urvalet", "Incidents in the selection"),
        &stats,
        what.points.then_some(filter),
        what.hotspots,
    )?
    else {
        return Ok(None);
    };
    if !what.choropleth {
        for a in &mut spec.areas {
            a.value = None;
        }
    }
    spec.kde = what.kde;
    spec.subtitle = what.subtitle;
    spec.footer = what.footer;
    Ok(Some(map::render(&spec)?))
}
