//! The lägesbild dashboard page: the filter form (a plain GET form, so a view is a URL and works
//! without script) and the panel containers that `assets/dashboard.js` fills from
//! `/api/v1/lagesbild/*` with the page's own query string.

use jiff::{ToSpan, civil::Date};
use maud::{Markup, html};
use trygg_domain::{Area, AreaKind, Taxonomy};

use super::PageCtx;
use trygg_app::lagesbild::DashboardQuery;

/// Settings of the page that do not come from the request.
#[derive(Debug, Clone)]
pub struct DashboardConfig {
    /// Tile URL template (`{z}/{x}/{y}`); empty = no tiles (outlines only).
    pub tile_url: String,
    /// Attribution shown for the tiles.
    pub tile_attribution: String,
    /// Today in local time (for the default period).
    pub today: Date,
}

impl Default for DashboardConfig {
    fn default() -> Self {
        Self {
            tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            tile_attribution: "© OpenStreetMap-bidragsgivare".into(),
            today: jiff::Zoned::now().date(),
        }
    }
}

/// The default period: the twelve whole weeks up to and including the current one,
/// `[monday 11 weeks back, tomorrow)`.
pub fn default_period(today: Date) -> (Date, Date) {
    let monday = today - i64::from(today.weekday().to_monday_zero_offset()).days();
    (monday - 11.weeks(), today + 1.day())
}

fn selected(list: &Option<String>) -> Vec<&str> {
    list.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// `<head>` additions of the page (Leaflet, uPlot, the dashboard's style and script).
pub fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
        link rel="stylesheet" href="/assets/vendor/uplot/uPlot.min.css";
        link rel="stylesheet" href="/assets/dashboard.css";
        script src="/assets/vendor/leaflet/leaflet.js" defer {}
        script src="/assets/vendor/uplot/uPlot.iife.min.js" defer {}
        script src="/assets/dashboard.js" defer {}
    }
}

/// The page body. `areas`: every stored area (districts are offered in the filter).
pub fn body(ctx: &PageCtx, q: &DashboardQuery, areas: &[Area], config: &DashboardConfig) -> Markup {
    let (def_from, def_to) = default_period(config.today);
    let from = q.list.from.clone().unwrap_or_else(|| def_from.to_string());
    let to = q.list.to.clone().unwrap_or_else(|| def_to.to_string());
    let cats = selected(&q.list.category);
    let chosen_areas = selected(&q.list.area);
    let sources = selected(&q.list.source);
    let mut districts: Vec<&Area> = areas
        .iter()
        .filter(|a| a.kind == AreaKind::District)
        .collect();
    districts.sort_by(|a, b| a.name.cmp(&b.name));
    let groups = Taxonomy.all().iter().filter(|c| c.parent.is_none());
    let channels = [
        ("est", "EST-rapporter", "EST reports"),
        ("polisen", "Polisens händelser", "Police events"),
        ("import", "Importerade", "Imported"),
        ("api", "API", "API"),
        ("tips", "Invånarnas tips", "Citizens' tips"),
    ];
    let count_label = |n: usize| -> String {
        if n == 0 {
            ctx.t("alla", "all").to_string()
        } else {
            ctx.lang
                .count(n as i64, ("vald", "valda"), ("selected", "selected"))
        }
    };
    html! {
        section #lagesbild .lagesbild
            data-tiles=(config.tile_url)
            data-attribution=(config.tile_attribution)
            data-lang=(ctx.lang.code())
        {
            h1.lb-title { (ctx.t("Lägesbild", "Situation picture")) }
            form #lb-filter .lb-filter method="get" action="/lagesbild" {
                div.lb-field {
                    label for="lb-from" { (ctx.t("Från", "From")) }
                    input #lb-from type="date" name="from" value=(from);
                }
                div.lb-field {
                    label for="lb-to" { (ctx.t("Till (ej inkl.)", "To (exclusive)")) }
                    input #lb-to type="date" name="to" value=(to);
                }
                details.lb-multi {
                    summary { (ctx.t("Kategorier", "Categories")) ": " span.lb-count { (count_label(cats.len())) } }
                    div.lb-options {
                        @for g in groups {
                            fieldset {
                                legend {
                                    label {
                                        input type="checkbox" name="category" value=(g.code) checked[cats.contains(&g.code)];
                                        " " (ctx.t(g.label_sv, g.label_en))
                                    }
                                }
                                @for c in Taxonomy.all().iter().filter(|c| c.parent == Some(g.code)) {
                                    label.lb-sub {
                                        input type="checkbox" name="category" value=(c.code) checked[cats.contains(&c.code)];
                                        " " (ctx.t(c.label_sv, c.label_en))
                                    }
                                }
                            }
                        }
                    }
                }
                details.lb-multi {
                    summary { (ctx.t("Områden", "Areas")) ": " span.lb-count { (count_label(chosen_areas.len())) } }
                    div.lb-options {
                        @for a in &districts {
                            @let id = a.id.0.to_string();
                            label {
                                input type="checkbox" name="area" value=(id) checked[chosen_areas.contains(&id.as_str())];
                                " " (a.name)
                            }
                        }
                    }
                }
                details.lb-multi {
                    summary { (ctx.t("Källor", "Sources")) ": " span.lb-count { (count_label(sources.len())) } }
                    div.lb-options {
                        @for (code, sv, en) in channels {
                            label {
                                input type="checkbox" name="source" value=(code) checked[sources.contains(&code)];
                                " " (ctx.t(sv, en))
                            }
                        }
                    }
                }
                button.lb-apply type="submit" { (ctx.t("Visa", "Show")) }
                a.lb-reset href="/lagesbild" { (ctx.t("Återställ", "Reset")) }
            }
            p #lb-summary .lb-summary aria-live="polite" {}
            nav.lb-exports aria-label=(ctx.t("Exportera urvalet", "Export the selection")) {
                span { (ctx.t("Exportera urvalet:", "Export the selection:")) }
                a #lb-export-csv href="/api/v1/export/incidents.csv" download { "CSV (Excel)" }
                a #lb-export-geojson href="/api/v1/export/incidents.geojson" download { "GeoJSON (QGIS)" }
                a #lb-export-png href="/api/v1/lagesbild/map.png" download { (ctx.t("Karta (PNG)", "Map (PNG)")) }
            }
            div.lb-grid {
                div.lb-panel.lb-map-panel {
                    h2 { (ctx.t("Karta", "Map")) }
                    div.lb-map-options {
                        label for="lb-choropleth" { (ctx.t("Färga områdena efter", "Colour the areas by")) }
                        select #lb-choropleth {
                            option value="count" { (ctx.t("antal händelser", "number of incidents")) }
                            option value="per1000" { (ctx.t("per 1 000 invånare", "per 1,000 inhabitants")) }
                        }
                    }
                    div #lb-map .lb-map role="region" aria-label=(ctx.t("Karta över händelserna", "Map of the incidents")) {}
                    p #lb-map-note .lb-note {}
                }
                div.lb-panel #lb-survey-panel {
                    h2 { (ctx.t("Trygghetsmätningar och enkäter", "Safety surveys")) }
                    div.lb-field {
                        label for="lb-indicator" { (ctx.t("Indikator", "Indicator")) }
                        select #lb-indicator {}
                    }
                    table #lb-survey .lb-survey {
                        thead { tr {
                            th scope="col" { (ctx.t("Område", "Area")) }
                            th scope="col" { (ctx.t("Period", "Period")) }
                            th scope="col" { (ctx.t("Värde (95 % konfidensintervall)", "Value (95% confidence interval)")) }
                        } }
                        tbody {}
                    }
                    p #lb-survey-note .lb-note { (ctx.t(
                        "Varje värde visas med sitt konfidensintervall och antalet svarande (n). Överlappar två intervall kan skillnaden vara slump.",
                        "Every value is shown with its confidence interval and the number of respondents (n). Where two intervals overlap, the difference may be chance."
                    )) }
                }
                div.lb-panel {
                    h2 { (ctx.t("Händelser per vecka", "Incidents per week")) }
                    div #lb-trend .lb-trend {}
                    p #lb-trend-note .lb-note {}
                }
                div.lb-panel {
                    h2 { (ctx.t("Veckodag och timme", "Weekday and hour")) }
                    div #lb-hours .lb-hours {}
                    p.lb-note { (ctx.t(
                        "Aoristisk viktning: en händelse med ett tidsfönster fördelas jämnt över fönstrets timmar.",
                        "Aoristic weighting: an incident with a time window is spread evenly over its hours."
                    )) }
                }
                div.lb-panel {
                    h2 { (ctx.t("Platser med flest händelser", "Top places")) }
                    ol #lb-places .lb-places {}
                    p #lb-places-note .lb-note {}
                }
                div.lb-panel.lb-wide {
                    h2 { (ctx.t("Upprepade händelser nära i tid och rum (Knox)", "Near repeats (Knox test)")) }
                    p #lb-knox-sentence .lb-sentence {}
                    div #lb-knox .lb-knox {}
                    p #lb-knox-note .lb-note {}
                }
            }
            noscript { p { (ctx.t(
                "Kartan och diagrammen kräver JavaScript. Filtret fungerar ändå, och data finns under /api/v1/lagesbild/.",
                "The map and charts need JavaScript. The filter still works, and the data is under /api/v1/lagesbild/."
            )) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_keeps_the_query_and_escapes() {
        let pairs = vec![
            ("from".to_string(), "2024-01-01".to_string()),
            ("category".to_string(), "skadegorelse".to_string()),
            ("source".to_string(), "est".to_string()),
        ];
        let q = DashboardQuery::from_pairs(&pairs).unwrap();
        let config = DashboardConfig {
            tile_url: "https://t/{z}/{x}/{y}.png\"><script>".into(),
            tile_attribution: "x".into(),
            today: jiff::civil::date(2024, 11, 20),
        };
        let page = body(&PageCtx::default(), &q, &[], &config).into_string();
        assert!(page.contains(r#"value="2024-01-01""#));
        assert!(
            page.contains(r#"value="2024-11-21""#),
            "default to = tomorrow"
        );
        assert!(page.contains(r#"value="skadegorelse" checked"#));
        assert!(page.contains(r#"value="est" checked"#));
        assert!(!page.contains("<script>\""));
        assert!(
            !page.contains("/assets/vendor/leaflet/leaflet.js"),
            "the scripts are in head(), loaded once (twice broke Leaflet's instanceof checks)"
        );
        assert!(
            head()
                .into_string()
                .contains("/assets/vendor/leaflet/leaflet.js")
        );
        assert_eq!(
            default_period(jiff::civil::date(2024, 11, 20)),
            (
                jiff::civil::date(2024, 9, 2),
                jiff::civil::date(2024, 11, 21)
            )
        );
    }
}
