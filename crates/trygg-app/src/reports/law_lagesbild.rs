//! The law's lägesbild (lag (2023:196)) of a year, with the trends of the years before.

use super::*;

/// The law's lägesbild (lag (2023:196) om kommuners ansvar för brottsförebyggande arbete) for
/// `year`, with trends over the four years before it.
pub async fn lagesbild(state: &App, year: i16, scope: Scope) -> Result<Document> {
    let ctx = Ctx::load(state, scope, Lang::Sv).await?;
    let d = |y: i16| Date::new(y, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()));
    let today = ctx.now.date();
    let tomorrow = today
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let (from, full_to) = (d(year)?, d(year + 1)?);
    let ongoing = full_to > tomorrow;
    let to = if ongoing { tomorrow.max(from) } else { full_to };
    let last_day = to
        .checked_sub(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    // Up to four years back, but never before the data begins (a year without data is not 0).
    let first_data = data_years(state, scope).into_iter().min().unwrap_or(year);
    let y0 = first_data.clamp(year - 4, year);
    let years: Vec<i16> = (y0..=year).collect();
    let mut per_year = Vec::new();
    for &y in &years {
        // The same part of each year as the report year covers.
        let f = d(y)?;
        let t = if ongoing {
            // `to` is the day after the last day, possibly 1 January of the next year.
            to.checked_sub(Span::new().years(i64::from(year - y)))
                .map_err(|e| ReportBuildError::Input(e.to_string()))?
        } else {
            d(y + 1)?
        };
        per_year.push(ctx.stats(f, t)?);
    }
    let now = per_year.last().cloned().unwrap_or_default();
    let prev = if per_year.len() >= 2 {
        per_year[per_year.len() - 2].clone()
    } else {
        PeriodStats::default()
    };
    let first = per_year[0].clone();

    let mut b = Vec::new();
    b.push(Block::heading(1, "Inledning"));
    b.push(Block::text(format!(
        "Enligt lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete ska kommunen ta fram en lägesbild över brottsligheten i kommunen, med en kartläggning av brottsligheten, dess omfattning och konsekvenser, annan information av betydelse och en analys av kartläggningen. Lägesbilden ska tas fram minst vartannat år och ligga till grund för kommunens beslut om en åtgärdsplan. Den här lägesbilden gäller {year}{}{}",
        if ongoing { format!(" till och med {}", long_date(Lang::Sv, last_day)) } else { String::new() },
        if y0 < year {
            format!(" och jämför med {}.", if y0 + 1 == year { y0.to_string() } else { format!("åren {y0}–{}", year - 1) })
        } else {
            ". Det finns inga tidigare år att jämföra med.".to_string()
        }
    )));

    b.push(Block::heading(1, "Sammanfattning"));
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("Händelser {year}"),
            fmt_int_sv(i64::from(now.total)),
            Some(&format!(
                "{} mot {}",
                change_cell(Lang::Sv, now.total, prev.total),
                year - 1
            )),
        ),
        KeyFigure::new(
            format!("{}", y0),
            fmt_int_sv(i64::from(first.total)),
            Some(&format!(
                "{} på fyra år",
                change_cell(Lang::Sv, now.total, first.total)
            )),
        ),
    ]));
    b.push(Block::text(if now.total == 0 {
        format!("Inga händelser har rapporterats under {year}.")
    } else {
        format!(
            "Under {year}{} rapporterades {}.{}",
            if ongoing {
                format!(" (till och med {})", long_date(Lang::Sv, last_day))
            } else {
                String::new()
            },
            count_sv(now.total, "händelse", "händelser"),
            if y0 == year {
                " Det finns inga tidigare år att jämföra med.".to_string()
            } else if y0 == year - 1 {
                format!(
                    " Antalet {} jämfört med {} ({}).",
                    change_words(Lang::Sv, now.total, prev.total),
                    year - 1,
                    fmt_int_sv(i64::from(prev.total))
                )
            } else {
                format!(
                    " Antalet {} jämfört med {} ({}) och {} jämfört med {y0} ({}).",
                    change_words(Lang::Sv, now.total, prev.total),
                    year - 1,
                    fmt_int_sv(i64::from(prev.total)),
                    change_words(Lang::Sv, now.total, first.total),
                    fmt_int_sv(i64::from(first.total)),
                )
            }
        )
    }));
    if ongoing {
        b.push(Block::text(format!(
            "Året pågår: alla år jämförs över samma del av året (1 januari – {} {}).",
            last_day.day(),
            MONTH_NAMES[last_day.month() as usize - 1]
        )));
    }

    b.push(Block::heading(
        1,
        "1. Kartläggning: brottslighetens omfattning och konsekvenser",
    ));
    b.push(Block::text(
        "Kartläggningen visar vilka brott och otrygghetsskapande händelser som rapporterats, var och när, och hur antalet har utvecklats. Konsekvenserna för invånarna – upplevd otrygghet och utsatthet – visas i del 2 med enkätresultaten.",
    ));
    b.push(Block::heading(2, "Per typ av brott och otrygghet"));
    let labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    let periods: Vec<(&str, &PeriodStats)> = labels
        .iter()
        .map(|l| l.as_str())
        .zip(per_year.iter())
        .collect();
    let mut reversed = periods.clone();
    reversed.reverse();
    b.push(Block::Table(ctx.group_table(
        &format!(
            "Händelser per kategori {}–{year}; förändring {} mot {}",
            y0, year, y0
        ),
        &reversed,
        true,
    )));
    let mut grp: Vec<(&str, i64, u32, u32)> = category_groups(Lang::Sv)
        .into_iter()
        .map(|(c, l)| {
            let n = now.by_group.get(c).copied().unwrap_or(0);
            let p = prev.by_group.get(c).copied().unwrap_or(0);
            (l, i64::from(n) - i64::from(p), n, p)
        })
        .filter(|x| x.2 + x.3 > 0)
        .collect();
    grp.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut s = Vec::new();
    for x in grp.iter().take(3).filter(|x| x.1 > 0) {
        s.push(format!(
            "{}: {} → {} ({}).",
            x.0,
            fmt_int_sv(i64::from(x.3)),
            fmt_int_sv(i64::from(x.2)),
            change_cell(Lang::Sv, x.2, x.3)
        ));
    }
    if !s.is_empty() {
        b.push(Block::text(format!(
            "Kategorier som ökat mest i antal jämfört med {}:",
            year - 1
        )));
        b.push(Block::bullets(s));
    }
    let bars: Vec<(String, f64)> = category_groups(Lang::Sv)
        .into_iter()
        .filter_map(|(c, l)| now.by_group.get(c).map(|&n| (l.to_string(), f64::from(n))))
        .collect();
    if !bars.is_empty() {
        let mut bars = bars;
        bars.sort_by(|a, b| b.1.total_cmp(&a.1));
        b.push(Block::figure(
            format!("Händelser per kategori {year}."),
            chart::bars(&BarChart {
                title: format!("Händelser per kategori {year}"),
                unit: String::new(),
                decimals: 0,
                bars,
                lang: trygg_report::Lang::Sv,
            })?,
        ));
    }

    b.push(Block::heading(2, "Per område"));
    b.push(Block::Table(ctx.district_table(
        &format!("Händelser per område {year} och {}", year - 1),
        &year.to_string(),
        &(year - 1).to_string(),
        &now,
        &prev,
    )));
    let changes = ctx.district_changes(&now, &prev, &(year - 1).to_string());
    if !changes.is_empty() {
        b.push(Block::bullets(changes));
    }
    let (gi_sentence, spots) = ctx.hot_spots(from, to, &year.to_string())?;
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser per område {year}"),
        &format!("Händelser {year}"),
        &now,
        None,
        spots,
        format!("Antal händelser per stadsdel {year} (ytfärg) och hot spots enligt Gi* (rutor)."),
    )? {
        b.push(fig);
    }
    b.push(Block::heading(2, "Utveckling över tid"));
    let totals: Vec<f64> = per_year.iter().map(|s| f64::from(s.total)).collect();
    b.push(Block::text(format!(
        "Antal händelser per år {}–{year}: {}.",
        y0,
        years
            .iter()
            .zip(&per_year)
            .map(|(y, s)| format!("{y}: {}", fmt_int_sv(i64::from(s.total))))
            .collect::<Vec<_>>()
            .join(", ")
    )));
    b.push(Block::figure(
        format!(
            "Händelser per år {}–{year}{}.",
            y0,
            if ongoing {
                ", samma del av varje år"
            } else {
                ""
            }
        ),
        chart::line(&LineChart {
            title: "Händelser per år".into(),
            y_label: "Antal händelser".into(),
            x_label: "År".into(),
            x_labels: labels.clone(),
            series: vec![Series::new("Alla händelser", totals)],
            lang: trygg_report::Lang::Sv,
        })?,
    ));
    let cur = monthly(&ctx, year, Some(last_day))?;
    let p1 = monthly(&ctx, year - 1, None)?;
    b.push(Block::figure(
        format!("Händelser per månad {year} och {}.", year - 1),
        chart::line(&LineChart {
            title: "Händelser per månad".into(),
            y_label: "Antal händelser".into(),
            x_label: "Månad".into(),
            x_labels: MONTHS_SV.iter().map(|s| s.to_string()).collect(),
            series: vec![
                Series::new(year.to_string(), cur),
                Series::new((year - 1).to_string(), p1),
            ],
            lang: trygg_report::Lang::Sv,
        })?,
    ));

    b.push(Block::heading(1, "2. Annan information av betydelse"));
    let other = other_information(&ctx, year, &now).await?;
    let other_sources = other.sources.clone();
    b.extend(other.blocks);

    b.push(Block::heading(1, "3. Analys av kartläggningen"));
    b.push(Block::text(
        "Analysen pekar ut var och när brottsligheten koncentreras, om händelser följer på varandra och vilka orsaker partnerskapets orsaksanalyser har kommit fram till. Varje problembild (en typ av brott eller otrygghet i ett visst område) analyseras utifrån gärningsperson, mål och plats och deras väktare, handledare och platsansvariga.",
    ));
    b.push(Block::heading(2, "Hot spots"));
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(2, "Återkommande platser"));
    b.extend(ctx.top_places(from, to, &year.to_string())?);
    b.push(Block::heading(2, "När på dygnet och veckan"));
    b.extend(ctx.heat_map_figure(from, to, &year.to_string())?);
    b.push(Block::heading(2, "Nära upprepning av inbrott"));
    b.push(Block::text(ctx.near_repeat(from, to, &year.to_string())?));
    b.push(Block::heading(2, "Problembilder och orsaker"));
    b.extend(problems_and_causes(state).await?);

    b.push(Block::heading(1, "4. Källor och metod"));
    let (sources, missing) = ctx.source_coverage(
        from,
        to,
        &format!("Händelser {year} per källa och täckning"),
    )?;
    b.push(Block::Table(sources));
    b.push(Block::text("Övriga källor:"));
    b.push(Block::bullets(other_sources));
    b.push(Block::heading(2, "Vad som saknas och vad det betyder"));
    let mut gaps = missing;
    gaps.extend(other.missing);
    gaps.push("Rapporterade händelser är inte all brottslighet: mörkertalet är stort för bland annat våld i nära relationer, narkotikabrott och brott mot företag. Enkätresultaten i del 2 visar utsatthet och otrygghet som inte anmäls.".into());
    b.push(Block::bullets(gaps));
    b.push(Block::heading(2, "Definitioner"));
    b.push(Block::bullets(method_bullets(Lang::Sv)));
    b.push(Block::heading(1, "Beslut"));
    b.push(Block::text(decision_sentence(state, year).await?));
    b.push(Block::heading(1, "Från lägesbild till åtgärdsplan"));
    b.push(Block::text(
        "Enligt lagen ska kommunen utifrån lägesbilden ta ställning till behovet av brottsförebyggande åtgärder och besluta om en åtgärdsplan. Åtgärderna i samverkansöverenskommelsens åtagandeplan följs upp i den årliga sammanställningen.",
    ));

    let doc = Document {
        title: format!("Lägesbild {year}"),
        subtitle: Some("Brottsligheten i kommunen enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete".into()),
        meta: ctx.meta(format!("{from} – {last_day}")),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// What part 2 ("annan information av betydelse") holds, the sources it used and what is
/// missing.
struct OtherInformation {
    blocks: Vec<Block>,
    sources: Vec<String>,
    missing: Vec<String>,
}

/// Part 2 of the law's lägesbild: the other information the partnership holds for `year` —
/// every survey indicator (its value for the year, or the latest before it, per area, always
/// with its interval) and the population with the incidents per 1 000 inhabitants per district.
async fn other_information(
    ctx: &Ctx<'_>,
    year: i16,
    now: &PeriodStats,
) -> Result<OtherInformation> {
    use trygg_domain::indicator::Unit;
    let values = crate::indicators::shown(ctx.state, &Default::default())
        .await
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let mut blocks = Vec::new();
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    // Per (indicator, source): per area the value whose period holds the year, else the latest
    // before it (`values` are newest first within an area).
    let mut series: BTreeMap<(String, String), Vec<&crate::indicators::ShownValue>> =
        BTreeMap::new();
    for v in values.iter().filter(|v| v.unit != Unit::Count) {
        let rows = series
            .entry((v.indicator.name.clone(), v.source.clone()))
            .or_default();
        if v.period.first <= year && !rows.iter().any(|r| r.area == v.area) {
            rows.push(v);
        }
    }
    series.retain(|_, rows| !rows.is_empty());
    if series.is_empty() {
        blocks.push(Block::text(
            "Upplevd otrygghet och utsatthet mäts i enkäter – Polisens trygghetsmätning, Brås Nationella trygghetsundersökning (NTU) och kommunens egna mätningar. Inga enkätresultat är inlagda i trygg för året eller åren före.",
        ));
        missing.push("Enkätresultat (trygghetsmätning, NTU) saknas: lägesbilden visar inte upplevd otrygghet eller utsatthet som inte anmäls.".into());
    } else {
        blocks.push(Block::heading(
            2,
            "Enkäter: upplevd otrygghet och utsatthet",
        ));
        blocks.push(Block::text(
            "Enkätresultaten visar konsekvenserna av brottsligheten för invånarna, också det som inte anmäls. Varje värde anges med sitt konfidensintervall och antalet svarande: skillnader inom intervallen kan bero på slumpen.",
        ));
        for ((indicator, source), rows) in &series {
            let mut rows = rows.clone();
            rows.sort_by(|a, b| a.area_name.cmp(&b.area_name));
            let periods: std::collections::BTreeSet<String> =
                rows.iter().map(|r| r.period.to_string()).collect();
            let periods: Vec<String> = periods.into_iter().collect();
            blocks.push(Block::Table(Table {
                caption: format!("{indicator} ({source}, {})", periods.join(", ")),
                columns: vec![
                    Column::text("Område"),
                    Column::text("Period"),
                    Column::text("Värde (konfidensintervall), antal svarande"),
                ],
                rows: rows
                    .iter()
                    .map(|r| vec![r.area_name.clone(), r.period.to_string(), r.text.clone()])
                    .collect(),
                total: None,
            }));
            sources.push(format!(
                "{source}: {indicator}, {} för {} områden.",
                periods.join(", "),
                rows.len()
            ));
            if !periods.iter().any(|p| p.contains(&year.to_string())) {
                missing.push(format!(
                    "{source} ({indicator}) har inga värden för {year}; de senaste ({}) visas.",
                    periods.join(", ")
                ));
            }
        }
    }
    // Population and rates per district.
    let population = crate::indicators::population(ctx.state, year)
        .await
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let mut rows = Vec::new();
    let mut years = std::collections::BTreeSet::new();
    for d in &ctx.districts {
        let Some(p) = population.get(&d.id) else {
            continue;
        };
        let n = d
            .index
            .and_then(|i| now.by_area.get(&i))
            .copied()
            .unwrap_or(0);
        years.insert(p.year);
        let rate = if p.inhabitants >= trygg_analysis::rates::MIN_POPULATION {
            fmt_sv(f64::from(n) * 1000.0 / p.inhabitants, 1)
        } else {
            "–".into()
        };
        rows.push(vec![
            d.name.clone(),
            fmt_int_sv(p.inhabitants.round() as i64),
            fmt_int_sv(i64::from(n)),
            rate,
        ]);
    }
    if rows.is_empty() {
        missing.push("Befolkning per område saknas: händelserna kan inte räknas per 1 000 invånare, och stora områden ser ut att ha mest.".into());
    } else {
        let years: Vec<String> = years.iter().map(i16::to_string).collect();
        blocks.push(Block::heading(
            2,
            "Befolkning och händelser per 1 000 invånare",
        ));
        blocks.push(Block::text(format!(
            "Ett stort område har ofta flest händelser. Per 1 000 invånare går områden att jämföra: antalet händelser {year} delat med folkmängden ({}), gånger 1 000. Områden med färre än 100 invånare får ingen kvot.",
            years.join(", ")
        )));
        blocks.push(Block::Table(Table {
            caption: format!("Folkmängd och händelser per 1 000 invånare {year}"),
            columns: vec![
                Column::text("Område"),
                Column::number("Invånare"),
                Column::number("Händelser"),
                Column::number("Per 1 000"),
            ],
            rows,
            total: None,
        }));
        sources.push(format!(
            "SCB:s folkmängd per område ({}).",
            years.join(", ")
        ));
        if ctx
            .districts
            .iter()
            .any(|d| !population.contains_key(&d.id))
        {
            missing.push(
                "Några områden saknar folkmängd och har ingen kvot per 1 000 invånare.".into(),
            );
        }
    }
    if sources.is_empty() {
        sources.push("Enkäter och befolkning: inga inlagda.".into());
    }
    Ok(OtherInformation {
        blocks,
        sources,
        missing,
    })
}

/// The shared problems with their cause analyses: status, the concluded (supported) causes
/// with where they lie, and the conclusion.
async fn problems_and_causes(state: &App) -> Result<Vec<Block>> {
    use trygg_domain::cycle::{CauseAnalysis, HypothesisStatus, Problem};
    let store = state.store.as_ref();
    let problems = crate::partnership::shared::<Problem>(store).await?;
    let analyses = crate::partnership::shared::<CauseAnalysis>(store).await?;
    if problems.is_empty() {
        return Ok(vec![Block::text(
            "Inga gemensamma problembilder är registrerade i trygg.",
        )]);
    }
    let rows = problems
        .iter()
        .map(|p| {
            let a = analyses
                .iter()
                .find(|a| a.data.problem_id.raw == p.meta.id)
                .map(|a| &a.data);
            let causes = a.map_or_else(
                || "ingen orsaksanalys".to_string(),
                |a| {
                    let supported: Vec<String> = a
                        .hypotheses
                        .iter()
                        .filter(|h| h.status == HypothesisStatus::Supported)
                        .map(|h| {
                            format!(
                                "{}: {}{}",
                                h.key,
                                h.text,
                                h.factor
                                    .map(|f| format!(" ({})", f.label_sv().to_lowercase()))
                                    .unwrap_or_default()
                            )
                        })
                        .collect();
                    if supported.is_empty() {
                        "inga styrkta orsaker ännu".to_string()
                    } else {
                        supported.join("; ")
                    }
                },
            );
            vec![
                p.data.title.clone(),
                p.data.status.label_sv().to_string(),
                causes,
                a.map(|a| a.conclusion.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(vec![Block::Table(Table {
        caption: "Problembilder med styrkta orsaker och slutsats".into(),
        columns: vec![
            Column::text("Problembild"),
            Column::text("Status"),
            Column::text("Styrkta orsaker"),
            Column::text("Slutsats"),
        ],
        rows,
        total: None,
    })])
}

/// Whether the lägesbild of `year` is decided (who, when, diarienummer), and when the next is
/// due at the latest.
async fn decision_sentence(state: &App, year: i16) -> Result<String> {
    use trygg_domain::partnership::{LawDecision, LawDocument};
    let decisions = trygg_store::records::list::<LawDecision>(state.store.as_ref()).await?;
    let this = decisions
        .iter()
        .map(|d| &d.data)
        .filter(|d| d.document == LawDocument::Lagesbild && d.year == year)
        .max_by_key(|d| d.date);
    Ok(match this {
        Some(d) => format!(
            "Lägesbilden {year} beslutades av {} den {} (diarienummer {}). Nästa lägesbild ska tas fram senast {}.",
            d.decided_by,
            long_date(Lang::Sv, d.date),
            d.diarienummer,
            d.date
                .checked_add(Span::new().years(2))
                .map(|d| long_date(Lang::Sv, d))
                .unwrap_or_default()
        ),
        None => format!(
            "Lägesbilden {year} är inte beslutad i trygg ännu. Registrera beslutet (beslutande organ, datum, diarienummer) under Samverkan › Lagens beslut; lagen kräver en ny lägesbild minst vartannat år."
        ),
    })
}

/// The year in brief, for the annual compilation: incidents from 1 January to `until`
/// (inclusive) against the same dates a year earlier, per category, and a map per district
/// with hot spots. Hand the blocks to [`annual_compilation`].
pub async fn year_in_brief(
    state: &App,
    year: i16,
    until: Date,
    scope: Scope,
) -> Result<Vec<Block>> {
    let ctx = Ctx::load(state, scope, Lang::Sv).await?;
    let from = Date::new(year, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = until
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let (pfrom, pto) = (minus_year(from)?, minus_year(to)?);
    let now = ctx.stats(from, to)?;
    let prev = ctx.stats(pfrom, pto)?;
    let what = date_range(Lang::Sv, from, until);
    let mut b = vec![Block::text(format!(
        "Under perioden {what} rapporterades {}. {}",
        count_sv(now.total, "händelse", "händelser"),
        ctx.vs_same_period(year - 1, now.total, prev.total)
    ))];
    let changes = ctx.district_changes(&now, &prev, &format!("samma period {}", year - 1));
    if !changes.is_empty() && ctx.years.contains(&(year - 1)) {
        b.push(Block::bullets(changes));
    }
    let (ln, lp) = (year.to_string(), (year - 1).to_string());
    b.push(Block::Table(if ctx.years.contains(&(year - 1)) {
        ctx.group_table(
            &format!(
                "Händelser per kategori {what} och samma period {}",
                year - 1
            ),
            &[(&ln, &now), (&lp, &prev)],
            true,
        )
    } else {
        ctx.group_table(
            &format!("Händelser per kategori {what}"),
            &[(&ln, &now)],
            false,
        )
    }));
    let (gi, spots) = ctx.hot_spots(from, to, &what)?;
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser per område {year}"),
        &format!("Händelser {year}"),
        &now,
        None,
        spots,
        format!("Antal händelser per stadsdel {what} (ytfärg) och hot spots enligt Gi* (rutor)."),
    )? {
        b.push(fig);
    }
    b.push(Block::text(gi));
    Ok(b)
}

/// Which years hold any incident visible in `scope` (for clear errors before a report).
pub fn data_years(state: &App, scope: Scope) -> Vec<i16> {
    let f = IncidentFilter {
        scope,
        ..Default::default()
    };
    state.ingest.live().with(&f, |s, f| {
        s.counts(f, Granularity::Year, false, false)
            .into_iter()
            .filter_map(|r| match r.period {
                PeriodKey::Year(y) if r.count > 0 => Some(y),
                _ => None,
            })
            .collect()
    })
}
