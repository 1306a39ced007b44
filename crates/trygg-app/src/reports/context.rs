//! What every report is built over: the areas, the snapshot under the report's scope, and the counts, maps and sentences the documents share.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) async fn load(state: &'a App, scope: Scope, lang: Lang) -> Result<Ctx<'a>> {
        let areas = state.store.list_areas().await?;
        let live = state.ingest.live();
        let info = |a: &trygg_domain::Area| AreaInfo {
            id: a.id,
            name: a.name.clone(),
            index: live.area_index(a.id),
            polygons: geometry_to_sweref(&a.geometry),
        };
        let mut districts: Vec<AreaInfo> = areas
            .iter()
            .filter(|a| a.kind == AreaKind::District)
            .map(info)
            .collect();
        if districts.is_empty() {
            districts = areas
                .iter()
                .filter(|a| a.kind == AreaKind::Deso)
                .map(info)
                .collect();
        }
        districts.sort_by(|a, b| a.name.cmp(&b.name));
        let shapes: Vec<trygg_geo::MultiPolygon> = districts
            .iter()
            .map(|d| {
                areas
                    .iter()
                    .find(|a| a.id == d.id)
                    .and_then(|a| trygg_geo::MultiPolygon::from_geojson_wgs84(&a.geometry).ok())
                    .unwrap_or_default()
            })
            .collect();
        let district_index = trygg_geo::AreaIndex::new(&shapes);
        let outlines = areas
            .iter()
            .filter(|a| a.kind == AreaKind::Kommun)
            .map(info)
            .collect();
        // The header names the agreement's parties, as the agreement writes them; before an
        // agreement is stored, the kommun's and the police's organisations (the kommun first).
        let parties: Vec<String> = crate::partnership::agreement(state.store.as_ref())
            .await?
            .map(|a| a.data.parties.into_iter().map(|p| p.name).collect())
            .unwrap_or_default();
        let mut names = if parties.is_empty() {
            let orgs = state.store.list_organisations().await?;
            let mut names: Vec<String> = orgs
                .iter()
                .filter(|o| {
                    matches!(
                        o.kind,
                        trygg_domain::OrgKind::Kommun | trygg_domain::OrgKind::Lokalpolisomrade
                    ) && o.name != trygg_import::polisen::FEED_ORGANISATION
                })
                .map(|o| o.name.clone())
                .collect();
            names.sort_by_key(|n| (!n.to_lowercase().contains("kommun"), n.clone()));
            names
        } else {
            parties
        };
        names.dedup();
        let organisation = match names.len() {
            0 => lang
                .t(
                    "Kommunen och polisen i samverkan",
                    "The municipality and the police in partnership",
                )
                .to_string(),
            1 => names[0].clone(),
            _ => {
                let last = names.pop().unwrap_or_default();
                format!("{} {} {last}", names.join(", "), lang.t("och", "and"))
            }
        };
        Ok(Ctx {
            state,
            scope,
            districts,
            district_index,
            outlines,
            organisation,
            now: state.now().to_zoned(state.tz.clone()),
            years: data_years(state, scope),
            lang,
        })
    }

    /// A text in the report's language.
    pub(super) fn t<'s>(&self, sv: &'s str, en: &'s str) -> &'s str {
        self.lang.t(sv, en)
    }

    /// An integer as the report's language writes it.
    pub(super) fn int(&self, n: impl Into<i64>) -> String {
        self.lang.int(n.into())
    }

    /// A number with `decimals` decimals in the report's language.
    pub(super) fn num(&self, v: f64, decimals: usize) -> String {
        fmt_num(self.lang, v, decimals)
    }

    /// A share as a percentage in the report's language.
    pub(super) fn pct(&self, share: f64, decimals: usize, signed: bool) -> String {
        fmt_percent(self.lang, share, decimals, signed)
    }

    /// A count with its noun in the report's language (`3 händelser`, `3 incidents`).
    pub(super) fn count(&self, n: impl Into<i64>, sv: (&str, &str), en: (&str, &str)) -> String {
        self.lang.count(n.into(), sv, en)
    }

    /// "händelse"/"händelser", "incident"/"incidents".
    pub(super) fn incidents(&self, n: impl Into<i64>) -> String {
        self.count(n, ("händelse", "händelser"), ("incident", "incidents"))
    }

    pub(super) fn midnight(&self, d: Date) -> Result<Timestamp> {
        d.to_zoned(self.state.tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| {
                ReportBuildError::Input(format!("the date {d} has no local midnight: {e}"))
            })
    }

    pub(super) fn filter(&self, from: Timestamp, to: Timestamp) -> IncidentFilter {
        IncidentFilter {
            from: Some(from),
            to: Some(to),
            scope: self.scope,
            ..Default::default()
        }
    }

    pub(super) fn with<R>(
        &self,
        f: &IncidentFilter,
        run: impl FnOnce(&Snapshot, &Filter) -> R,
    ) -> R {
        self.state.ingest.live().with(f, run)
    }

    pub(super) fn stats(&self, from: Date, to: Date) -> Result<PeriodStats> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        Ok(self.with(&f, period_stats))
    }

    pub(super) fn meta(&self, period: String) -> Meta {
        Meta {
            organisation: self.organisation.clone(),
            period,
            generated_at: self.now.strftime("%Y-%m-%d %H:%M").to_string(),
            lang: self.lang,
        }
    }

    pub(super) fn district_name(&self, index: u16) -> Option<&str> {
        self.districts
            .iter()
            .chain(&self.outlines)
            .find(|a| a.index == Some(index))
            .map(|a| a.name.as_str())
    }

    pub(super) fn district_of_point(&self, p: (f64, f64)) -> Option<&str> {
        let (e, n) = p;
        let hit = self
            .district_index
            .containing(trygg_geo::Sweref99Tm { n, e })
            .into_iter()
            .next()?;
        self.districts.get(hit).map(|a| a.name.as_str())
    }

    /// The map areas: kommun outlines, then districts with `value(district)`.
    pub(super) fn map_areas(&self, value: impl Fn(&AreaInfo) -> Option<f64>) -> Vec<MapArea> {
        let outlines: &[AreaInfo] = if self.districts.is_empty() {
            &self.outlines
        } else {
            &[]
        };
        outlines
            .iter()
            .map(|a| MapArea {
                name: a.name.clone(),
                polygons: a.polygons.clone(),
                value: None,
            })
            .chain(self.districts.iter().map(|a| MapArea {
                name: a.name.clone(),
                polygons: a.polygons.clone(),
                value: value(a),
            }))
            .collect()
    }

    /// Table by category group: name, then one column per period.
    pub(super) fn group_table(
        &self,
        caption: &str,
        periods: &[(&str, &PeriodStats)],
        with_change: bool,
    ) -> Table {
        let mut columns = vec![Column::text(self.t("Kategori", "Category"))];
        columns.extend(periods.iter().map(|(l, _)| Column::number(*l)));
        if with_change && periods.len() >= 2 {
            columns.push(Column::number(self.t("Förändring", "Change")));
        }
        let mut rows = Vec::new();
        for (code, label) in category_groups(self.lang) {
            let vals: Vec<u32> = periods
                .iter()
                .map(|(_, s)| s.by_group.get(code).copied().unwrap_or(0))
                .collect();
            if vals.iter().all(|&v| v == 0) {
                continue;
            }
            let mut row = vec![label.to_string()];
            row.extend(vals.iter().map(|&v| self.int(v)));
            if with_change && vals.len() >= 2 {
                row.push(change_cell(self.lang, vals[0], vals[vals.len() - 1]));
            }
            rows.push(row);
        }
        let mut total = vec![self.t("Summa", "Total").to_string()];
        total.extend(periods.iter().map(|(_, s)| self.int(s.total)));
        if with_change && periods.len() >= 2 {
            total.push(change_cell(
                self.lang,
                periods[0].1.total,
                periods[periods.len() - 1].1.total,
            ));
        }
        Table {
            caption: caption.into(),
            columns,
            rows,
            total: Some(total),
        }
    }

    /// Table by district: count now, before, change, share of the period's incidents.
    pub(super) fn district_table(
        &self,
        caption: &str,
        now_label: &str,
        prev_label: &str,
        now: &PeriodStats,
        prev: &PeriodStats,
    ) -> Table {
        let mut rows: Vec<(u32, Vec<String>)> = self
            .districts
            .iter()
            .map(|d| {
                let c = d
                    .index
                    .and_then(|i| now.by_area.get(&i))
                    .copied()
                    .unwrap_or(0);
                let p = d
                    .index
                    .and_then(|i| prev.by_area.get(&i))
                    .copied()
                    .unwrap_or(0);
                (
                    c,
                    vec![
                        d.name.clone(),
                        self.int(c),
                        self.int(p),
                        change_cell(self.lang, c, p),
                        if now.total > 0 {
                            self.pct(f64::from(c) / f64::from(now.total), 1, false)
                        } else {
                            "–".into()
                        },
                    ],
                )
            })
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
        Table {
            caption: caption.into(),
            columns: vec![
                Column::text(self.t("Område", "Area")),
                Column::number(now_label),
                Column::number(prev_label),
                Column::number(self.t("Förändring", "Change")),
                Column::number(self.t("Andel av alla", "Share of all")),
            ],
            rows: rows.into_iter().map(|r| r.1).collect(),
            total: None,
        }
    }

    /// Sentences on the districts that changed most.
    /// "Antalet ökade med 12 % jämfört med samma period 2023 (1 234)." — or that trygg has no
    /// data for `last_year`, rather than comparing with an empty year.
    pub(super) fn vs_same_period(&self, last_year: i16, now: u32, before: u32) -> String {
        let change = change_words(self.lang, now, before);
        match (self.years.contains(&last_year), self.lang) {
            (true, Lang::Sv) => format!(
                "Antalet {change} jämfört med samma period {last_year} ({}).",
                self.int(before)
            ),
            (true, Lang::En) => format!(
                "The number {change} compared with the same period of {last_year} ({}).",
                self.int(before)
            ),
            (false, Lang::Sv) => {
                format!("För samma period {last_year} finns inga uppgifter i trygg.")
            }
            (false, Lang::En) => {
                format!("trygg holds no data for the same period of {last_year}.")
            }
        }
    }

    pub(super) fn district_changes(
        &self,
        now: &PeriodStats,
        prev: &PeriodStats,
        against: &str,
    ) -> Vec<String> {
        let mut ch: Vec<(i64, &str, u32, u32)> = self
            .districts
            .iter()
            .filter_map(|d| {
                let i = d.index?;
                let c = now.by_area.get(&i).copied().unwrap_or(0);
                let p = prev.by_area.get(&i).copied().unwrap_or(0);
                Some((i64::from(c) - i64::from(p), d.name.as_str(), c, p))
            })
            .filter(|x| x.0 != 0)
            .collect();
        ch.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out = Vec::new();
        let ups: Vec<String> = ch
            .iter()
            .filter(|x| x.0 > 0)
            .take(3)
            .map(|x| format!("{} ({} → {})", x.1, self.int(x.3), self.int(x.2)))
            .collect();
        let downs: Vec<String> = ch
            .iter()
            .rev()
            .filter(|x| x.0 < 0)
            .take(3)
            .map(|x| format!("{} ({} → {})", x.1, self.int(x.3), self.int(x.2)))
            .collect();
        if !ups.is_empty() {
            out.push(format!(
                "{} {against}: {}.",
                self.t(
                    "Störst ökning i antal jämfört med",
                    "The largest increase in number compared with"
                ),
                ups.join(", ")
            ));
        }
        if !downs.is_empty() {
            out.push(format!(
                "{} {against}: {}.",
                self.t(
                    "Störst minskning i antal jämfört med",
                    "The largest decrease in number compared with"
                ),
                downs.join(", ")
            ));
        }
        out
    }

    pub(super) fn heat_map_figure(&self, from: Date, to: Date, what: &str) -> Result<Vec<Block>> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        let p = self.with(&f, |s, f| s.hour_weekday_profile(f));
        let total: f64 = p.iter().flatten().sum();
        let mut out = vec![Block::text(profile_sentence(self.lang, &p, what))];
        if total > 0.0 {
            let title = match self.lang {
                Lang::Sv => format!("Händelser per veckodag och timme, {what}"),
                Lang::En => format!("Incidents by weekday and hour, {what}"),
            };
            let img = chart::heat_map(&HeatMap {
                title: title.clone(),
                unit: self.t("händelser", "incidents").into(),
                values: p,
                show_values: total < 400.0,
                decimals: if total < 400.0 { 1 } else { 0 },
                lang: self.lang,
            })?;
            let n = total.round() as i64;
            out.push(Block::figure(
                match self.lang {
                    Lang::Sv => format!(
                        "{title} ({} händelser). En händelse med ett tidsfönster fördelas jämnt över fönstrets timmar (aoristisk viktning).",
                        fmt_sv(total, 0)
                    ),
                    Lang::En => format!(
                        "{title} ({}). An incident with a time window is spread evenly over the window's hours (aoristic weighting).",
                        self.incidents(n)
                    ),
                },
                img,
            ));
        }
        Ok(out)
    }

    /// Gi* hot spots over `[from, to)`: a sentence, and the classes for a map.
    pub(super) fn hot_spots(
        &self,
        from: Date,
        to: Date,
        what: &str,
    ) -> Result<(String, Option<HotSpots>)> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        let (x, y, _, centroids) = self.with(&f, |s, f| s.points(f));
        if x.len() < GI_MIN_POINTS {
            let n = self.incidents(x.len() as i64);
            return Ok((
                match self.lang {
                    Lang::Sv => format!(
                        "Hot spots (Gi*) prövas inte för {what}: {n} har en känd position, minst {GI_MIN_POINTS} behövs."
                    ),
                    Lang::En => format!(
                        "Hot spots (Gi*) are not tested for {what}: {n} with a known position, at least {GI_MIN_POINTS} are needed."
                    ),
                },
                None,
            ));
        }
        let failed = |e: String| match self.lang {
            Lang::Sv => format!("Hot spots (Gi*) kunde inte beräknas: {e}."),
            Lang::En => format!("Hot spots (Gi*) could not be computed: {e}."),
        };
        let grid = match trygg_analysis::grid::GridSpec::covering(&x, &y, GI_CELL) {
            Ok(g) => g,
            Err(e) => return Ok((failed(e.to_string()), None)),
        };
        let (counts, _) = grid.counts(&x, &y);
        let gi = match trygg_analysis::gistar::gistar_grid(
            &grid,
            &counts,
            trygg_analysis::gistar::GridWeights::Queen,
            &trygg_analysis::gistar::GiStarOptions {
                fdr: true,
                ..Default::default()
            },
        ) {
            Ok(g) => g,
            Err(e) => return Ok((failed(e.to_string()), None)),
        };
        let mut by_district: BTreeMap<String, (u32, f64)> = BTreeMap::new();
        let mut hot = 0u32;
        let mut in_hot = 0.0;
        for r in 0..grid.rows {
            for c in 0..grid.cols {
                let k = r * grid.cols + c;
                if trygg_analysis::gistar::is_hot_spot(gi.class[k]) {
                    hot += 1;
                    in_hot += counts[k];
                    let name = self
                        .district_of_point(grid.centre(r, c))
                        .unwrap_or(self.t("utanför stadsdelarna", "outside the districts"))
                        .to_string();
                    let e = by_district.entry(name).or_default();
                    e.0 += 1;
                    e.1 += counts[k];
                }
            }
        }
        let excluded = if centroids > 0 {
            let n = self.incidents(centroids as i64);
            match self.lang {
                Lang::Sv => format!(
                    " {n} med bara en kommun- eller länsposition (Polisens händelser) ingår inte."
                ),
                Lang::En => format!(
                    " {n} with only a municipality or county position (the police's events) are not included."
                ),
            }
        } else {
            String::new()
        };
        let sentence = if hot == 0 {
            let n = self.incidents(x.len() as i64);
            match self.lang {
                Lang::Sv => format!(
                    "Inga statistiskt säkerställda hot spots (Gi*, 95 %, med FDR-korrektion) för {what}, bland {n} med position.{excluded}"
                ),
                Lang::En => format!(
                    "No statistically significant hot spots (Gi*, 95%, with FDR correction) for {what}, among {n} with a position.{excluded}"
                ),
            }
        } else {
            let mut list: Vec<(String, (u32, f64))> = by_district.into_iter().collect();
            list.sort_by(|a, b| b.1.1.total_cmp(&a.1.1).then(a.0.cmp(&b.0)));
            let parts: Vec<String> = list
                .iter()
                .take(6)
                .map(|(n, (cells, ev))| {
                    format!(
                        "{n} ({}, {})",
                        self.count(*cells, ("ruta", "rutor"), ("cell", "cells")),
                        self.incidents(*ev as i64)
                    )
                })
                .collect();
            let cells = self.count(hot, ("ruta", "rutor"), ("cell", "cells"));
            let size = self.num(GI_CELL, 0);
            let (events, all) = (self.num(in_hot, 0), self.int(x.len() as i64));
            let share = self.pct(in_hot / x.len() as f64, 0, false);
            let area = self.pct(f64::from(hot) / grid.len() as f64, 1, false);
            match self.lang {
                Lang::Sv => format!(
                    "För {what} är {cells} om {size} m hot spots med minst 95 % konfidens (Gi*, med FDR-korrektion). De rymmer {events} av {all} händelser med position ({share}) på {area} av rutorna. Flest i {}.{excluded}",
                    parts.join(", ")
                ),
                Lang::En => format!(
                    "For {what}, {cells} of {size} m are hot spots with at least 95% confidence (Gi*, with FDR correction). They hold {events} of {all} incidents with a position ({share}) on {area} of the cells. Most in {}.{excluded}",
                    parts.join(", ")
                ),
            }
        };
        let spots = HotSpots {
            x0: grid.x0,
            y0: grid.y0,
            cell: grid.cell,
            rows: grid.rows,
            cols: grid.cols,
            class: gi.class.clone(),
        };
        Ok((sentence, Some(spots)))
    }

    /// Knox test of burglaries over `[from, to)`.
    pub(super) fn near_repeat(&self, from: Date, to: Date, what: &str) -> Result<String> {
        let mut f = self.filter(self.midnight(from)?, self.midnight(to)?);
        f.categories = Taxonomy
            .all()
            .iter()
            .filter(|c| c.code.contains("inbrott"))
            .map(|c| c.code.to_string())
            .collect();
        f.categories.retain(|c| !c.starts_with("polisinsats"));
        let (x, y, t, _) = self.with(&f, |s, f| s.points(f));
        if x.len() < KNOX_MIN_POINTS {
            let n = self.count(
                x.len() as i64,
                ("inbrott", "inbrott"),
                ("burglary", "burglaries"),
            );
            return Ok(match self.lang {
                Lang::Sv => format!(
                    "Nära upprepning prövas inte för {what}: {n} med position, minst {KNOX_MIN_POINTS} behövs."
                ),
                Lang::En => format!(
                    "Near repeats are not tested for {what}: {n} with a position, at least {KNOX_MIN_POINTS} are needed."
                ),
            });
        }
        let cfg = trygg_analysis::knox::KnoxConfig::new(
            vec![0.0, 100.0, 200.0, 400.0],
            vec![0.0, 7.0, 14.0, 28.0],
        );
        let (n, permutations) = (self.int(x.len() as i64), self.int(cfg.permutations as i64));
        Ok(
            match (trygg_analysis::knox::knox(&x, &y, &t, &cfg), self.lang) {
                (Ok(k), Lang::Sv) => format!(
                    "Knox-test på {n} inbrott med position under {what} (avstånd 0–100–200–400 m, tid 0–7–14–28 dagar, {permutations} permutationer): {}",
                    k.swedish_summary(&trygg_analysis::knox::SwedishNoun {
                        indefinite: "ett inbrott".into(),
                        new_one: "ett nytt".into(),
                    })
                ),
                (Ok(k), Lang::En) => format!(
                    "Knox test on {n} burglaries with a position in {what} (distance 0–100–200–400 m, time 0–7–14–28 days, {permutations} permutations): {}",
                    k.english_summary(&trygg_analysis::knox::EnglishNoun {
                        indefinite: "a burglary".into(),
                        another: "another".into(),
                    })
                ),
                (Err(e), Lang::Sv) => format!("Nära upprepning kunde inte prövas: {e}."),
                (Err(e), Lang::En) => format!("Near repeats could not be tested: {e}."),
            },
        )
    }

    /// Emerging problems in the week ending before `to` (district series only).
    pub(super) fn emerging(&self, to: Date) -> Result<Vec<Block>> {
        let from = to
            .checked_sub(Span::new().weeks(3 * 52 + 4))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        let mut f = self.filter(self.midnight(from)?, self.midnight(to)?);
        f.areas = self.districts.iter().map(|d| d.id).collect();
        if f.areas.is_empty() {
            return Ok(vec![Block::text(self.t(
                "Nya problembilder prövas per område; det finns inga stadsdelar inlagda.",
                "Emerging problems are tested per area; no districts are stored.",
            ))]);
        }
        let series = self.with(&f, |s, f| s.weekly_series(f));
        let report = trygg_analysis::emerging::detect(
            &series,
            &trygg_analysis::emerging::EmergingOptions::default(),
        );
        let mut out = vec![Block::text(match self.lang {
            Lang::Sv => report.swedish_summary(),
            Lang::En => report.english_summary(),
        })];
        if !report.flags.is_empty() {
            out.push(Block::bullets(report.flags.iter().map(|fl| {
                let c = &Taxonomy.all()[usize::from(fl.category)];
                let cat = self.t(c.label_sv, c.label_en);
                let area = self
                    .district_name(fl.area)
                    .unwrap_or(self.t("okänt område", "unknown area"));
                let observed = self.incidents(fl.observed);
                let mean = self.num(fl.baseline_mean, 1);
                let p = if fl.p < 0.0001 {
                    format!("< {}", self.num(0.0001, 4))
                } else {
                    format!("= {}", self.num(fl.p, 4))
                };
                match self.lang {
                    Lang::Sv => format!(
                        "{area}: {cat} – {observed} mot normalt {mean} för årstiden (kontrollgräns {}, p {p}).",
                        fl.ucl
                    ),
                    Lang::En => format!(
                        "{area}: {cat} – {observed} against a normal {mean} for the season (control limit {}, p {p}).",
                        fl.ucl
                    ),
                }
            })));
        }
        Ok(out)
    }

    /// Repeat places over `[from, to)`: a sentence and a table of the top places.
    pub(super) fn top_places(&self, from: Date, to: Date, what: &str) -> Result<Vec<Block>> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        let (x, y, _, _) = self.with(&f, |s, f| s.points(f));
        if x.len() < 2 {
            return Ok(vec![Block::text(match self.lang {
                Lang::Sv => format!(
                    "För få händelser med position under {what} för att visa återkommande platser."
                ),
                Lang::En => {
                    format!("Too few incidents with a position in {what} to show repeat places.")
                }
            })]);
        }
        let opts = trygg_analysis::repeats::RepeatOptions {
            snap_m: 50.0,
            min_events: 3,
            top_percent: 5.0,
        };
        let rep = match trygg_analysis::repeats::repeat_places(&x, &y, &opts) {
            Ok(r) => r,
            Err(e) => {
                return Ok(vec![Block::text(match self.lang {
                    Lang::Sv => format!("Återkommande platser kunde inte beräknas: {e}."),
                    Lang::En => format!("Repeat places could not be computed: {e}."),
                })]);
            }
        };
        let places_n = self.int(rep.places as i64);
        let repeat = self.count(
            rep.repeat_places.len() as i64,
            ("plats", "platser"),
            ("place", "places"),
        );
        let at_repeat = self.int(rep.events_at_repeat_places as i64);
        let events = self.int(rep.events as i64);
        let top = self.int(rep.top_places as i64);
        let top_share = self.pct(opts.top_percent / 100.0, 0, false);
        let share = self.pct(rep.share_at_top, 0, false);
        let min = opts.min_events;
        let mut out = vec![Block::text(match self.lang {
            Lang::Sv => format!(
                "Händelserna med position under {what} fördelar sig på {places_n} platser (rutor om 50 × 50 m). {repeat} har minst {min} händelser och rymmer tillsammans {at_repeat} av {events}. De {top} mest drabbade platserna ({top_share} av alla) står för {share} av händelserna.",
            ),
            Lang::En => format!(
                "The incidents with a position in {what} fall on {places_n} places (cells of 50 × 50 m). {repeat} have at least {min} incidents and together hold {at_repeat} of {events}. The {top} most affected places ({top_share} of all) account for {share} of the incidents.",
            ),
        })];
        let mut places = rep.repeat_places.clone();
        places.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        if !places.is_empty() {
            let n = places.len().min(10);
            out.push(Block::Table(Table {
                caption: match self.lang {
                    Lang::Sv => format!(
                        "De {n} platser med flest händelser under {what} (50 m-rutor; koordinaterna anger rutans mitt)"
                    ),
                    Lang::En => format!(
                        "The {n} places with most incidents in {what} (50 m cells; the coordinates give the cell's centre)"
                    ),
                },
                columns: vec![
                    Column::text(self.t("Område", "Area")),
                    Column::number("N (SWEREF 99 TM)"),
                    Column::number("E (SWEREF 99 TM)"),
                    Column::number(self.t("Händelser", "Incidents")),
                ],
                rows: places
                    .iter()
                    .take(10)
                    .map(|p| {
                        vec![
                            self.district_of_point((p.x, p.y))
                                .unwrap_or("–")
                                .to_string(),
                            self.num((p.y / 10.0).round() * 10.0, 0),
                            self.num((p.x / 10.0).round() * 10.0, 0),
                            self.int(p.count),
                        ]
                    })
                    .collect(),
                total: None,
            }));
        }
        Ok(out)
    }

    /// A map: districts with the choropleth `stats`, optional points and hot spots.
    pub(super) fn map_figure(
        &self,
        title: &str,
        legend: &str,
        stats: &PeriodStats,
        points: Option<(Date, Date)>,
        hotspots: Option<HotSpots>,
        caption: String,
    ) -> Result<Option<Block>> {
        let points = match points {
            Some((from, to)) => Some(self.filter(self.midnight(from)?, self.midnight(to)?)),
            None => None,
        };
        let Some(spec) = self.map_spec(title, legend, stats, points.as_ref(), hotspots)? else {
            return Ok(None);
        };
        let img = map::image(&spec)?;
        Ok(Some(Block::figure(caption, img)))
    }

    /// The map of [`map_figure`](Self::map_figure), with the points of filter `points`.
    pub(super) fn map_spec(
        &self,
        title: &str,
        legend: &str,
        stats: &PeriodStats,
        points: Option<&IncidentFilter>,
        hotspots: Option<HotSpots>,
    ) -> Result<Option<MapSpec>> {
        if self.districts.is_empty() && self.outlines.is_empty() {
            return Ok(None);
        }
        let any = stats.total > 0;
        let areas = self.map_areas(|d| {
            any.then(|| {
                f64::from(
                    d.index
                        .and_then(|i| stats.by_area.get(&i))
                        .copied()
                        .unwrap_or(0),
                )
            })
        });
        let mut spec = MapSpec {
            title: title.into(),
            areas,
            area_labels: true,
            choropleth_label: legend.into(),
            hotspots,
            lang: self.lang,
            ..Default::default()
        };
        if let Some(f) = points {
            let rows = self.with(f, |s, f| {
                s.select(&Filter {
                    point_usable_only: true,
                    ..f.clone()
                })
            });
            // Told apart by category when the filter names categories (its legend then names
            // them: "Inbrott", not their group), else by category group.
            let all = Taxonomy.all();
            let mut leaves: Vec<u16> = rows.iter().map(|r| r.category).collect();
            leaves.sort_unstable();
            leaves.dedup();
            let by_category = !f.categories.is_empty() && leaves.len() <= POINT_CLASSES;
            let key = |c: u16| -> &'static str {
                if by_category {
                    all.get(usize::from(c)).map_or("", |c| c.code)
                } else {
                    group_of_index(c)
                }
            };
            let mut used: Vec<&str> = Vec::new();
            for r in &rows {
                let g = key(r.category);
                if !used.contains(&g) {
                    used.push(g);
                }
            }
            used.sort_by_key(|g| all.iter().position(|c| c.code == *g));
            used.truncate(POINT_CLASSES);
            spec.point_classes = used
                .iter()
                .map(|g| {
                    all.iter()
                        .find(|c| c.code == *g)
                        .map_or(*g, |c| self.t(c.label_sv, c.label_en))
                        .to_string()
                })
                .collect();
            let (ox, oy) = (0.0, 0.0);
            spec.points = rows
                .iter()
                .filter_map(|r| {
                    let class = used.iter().position(|g| *g == key(r.category))?;
                    Some(MapPoint {
                        x: r.x + ox,
                        y: r.y + oy,
                        class,
                    })
                })
                .collect();
        }
        Ok(Some(spec))
    }

    /// Every incident source of the period with its coverage: incidents, the first and last
    /// ISO week with any, and in how many of the period's weeks it reported; with a sentence for
    /// each source that is missing or reported in fewer than half the weeks (what the
    /// lägesbild's "Källor och metod" must say is not there).
    pub(super) fn source_coverage(
        &self,
        from: Date,
        to: Date,
        caption: &str,
    ) -> Result<(Table, Vec<String>)> {
        let (a, b) = (self.midnight(from)?, self.midnight(to)?);
        let mut weeks = std::collections::BTreeSet::new();
        let mut d = from;
        while d < to {
            let w = d.iso_week_date();
            weeks.insert((w.year(), w.week()));
            d = d
                .checked_add(Span::new().days(1))
                .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        }
        let n_weeks = weeks.len();
        let l = self.lang;
        let week = |k: &PeriodKey| match *k {
            PeriodKey::IsoWeek { year, week } => format!("{} {week} {year}", l.t("v.", "wk")),
            _ => String::new(),
        };
        let mut rows = Vec::new();
        let mut missing = Vec::new();
        for (ch, sv, en) in CHANNEL_LABELS {
            let label = l.t(sv, en);
            let mut f = self.filter(a, b);
            f.channels = vec![ch];
            let counts = self.with(&f, |s, f| s.counts(f, Granularity::IsoWeek, false, false));
            let total: u32 = counts.iter().map(|r| r.count).sum();
            let with_data = counts.iter().filter(|r| r.count > 0).count();
            rows.push(vec![
                label.to_string(),
                self.int(total),
                counts
                    .first()
                    .map(|r| week(&r.period))
                    .unwrap_or_else(|| "–".into()),
                counts
                    .last()
                    .map(|r| week(&r.period))
                    .unwrap_or_else(|| "–".into()),
                format!("{with_data} {} {n_weeks}", l.t("av", "of")),
            ]);
            if total == 0 {
                missing.push(match l {
                    Lang::Sv => format!("{label}: inga händelser under perioden."),
                    Lang::En => format!("{label}: no incidents in the period."),
                });
            } else if with_data * 2 < n_weeks {
                missing.push(match l {
                    Lang::Sv => format!(
                        "{label}: händelser bara {with_data} av periodens {n_weeks} veckor – jämför inte veckor utan händelser med andra."
                    ),
                    Lang::En => format!(
                        "{label}: incidents in only {with_data} of the period's {n_weeks} weeks – do not compare weeks without incidents with others."
                    ),
                });
            }
        }
        Ok((
            Table {
                caption: caption.into(),
                columns: vec![
                    Column::text(l.t("Källa", "Source")),
                    Column::number(l.t("Händelser", "Incidents")),
                    Column::text(l.t("Första vecka", "First week")),
                    Column::text(l.t("Senaste vecka", "Latest week")),
                    Column::number(l.t("Veckor med händelser", "Weeks with incidents")),
                ],
                rows,
                total: None,
            },
            missing,
        ))
    }
}

/// Most point classes a map tells apart (its palette's colours).
const POINT_CLASSES: usize = map::POINT_COLOURS.len();

/// The incident channels as the reports name them, in Swedish and English.
const CHANNEL_LABELS: [(Channel, &str, &str); 5] = [
    (
        Channel::Est,
        "EST-rapporter från utbildade rapportörer",
        "EST reports from trained reporters",
    ),
    (
        Channel::Polisen,
        "Polisens händelser (polisen.se)",
        "The police's events (polisen.se)",
    ),
    (
        Channel::Import,
        "Importerade filer (polisens och kommunens system)",
        "Imported files (the police's and the municipality's systems)",
    ),
    (
        Channel::Api,
        "Andra system via API",
        "Other systems over the API",
    ),
    (
        Channel::Tips,
        "Invånarnas tips, granskade av samordnarna",
        "Residents' tips, reviewed by the coordinators",
    ),
];
