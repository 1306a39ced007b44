//! The law's lägesbild (lag (2023:196)) of a year, with the trends of the years before.

use super::*;

/// The law's lägesbild (lag (2023:196) om kommuners ansvar för brottsförebyggande arbete) for
/// `year`, with trends over the four years before it, in `lang`.
pub async fn lagesbild(state: &App, year: i16, scope: Scope, lang: Lang) -> Result<Document> {
    let ctx = Ctx::load(state, scope, lang).await?;
    let l = lang;
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
    b.push(Block::heading(1, l.t("Inledning", "Introduction")));
    let until = long_date(l, last_day);
    let compared = match (y0 < year, l) {
        (true, Lang::Sv) => format!(
            " och jämför med {}.",
            if y0 + 1 == year {
                y0.to_string()
            } else {
                format!("åren {y0}–{}", year - 1)
            }
        ),
        (true, Lang::En) => format!(
            " and compares it with {}.",
            if y0 + 1 == year {
                y0.to_string()
            } else {
                format!("the years {y0}–{}", year - 1)
            }
        ),
        (false, Lang::Sv) => ". Det finns inga tidigare år att jämföra med.".to_string(),
        (false, Lang::En) => ". There are no earlier years to compare with.".to_string(),
    };
    b.push(Block::text(match l {
        Lang::Sv => format!(
            "Enligt lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete ska kommunen ta fram en lägesbild över brottsligheten i kommunen, med en kartläggning av brottsligheten, dess omfattning och konsekvenser, annan information av betydelse och en analys av kartläggningen. Lägesbilden ska tas fram minst vartannat år och ligga till grund för kommunens beslut om en åtgärdsplan. Den här lägesbilden gäller {year}{}{compared}",
            if ongoing { format!(" till och med {until}") } else { String::new() },
        ),
        Lang::En => format!(
            "Under the Act (2023:196) on municipalities' responsibility for crime prevention, the municipality must draw up a situation report on crime in the municipality: a mapping of crime, its extent and consequences, other relevant information, and an analysis of the mapping. The situation report is drawn up at least every other year and underlies the municipality's decision on an action plan. This situation report covers {year}{}{compared}",
            if ongoing { format!(" up to and including {until}") } else { String::new() },
        ),
    }));

    b.push(Block::heading(1, l.t("Sammanfattning", "Summary")));
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("{} {year}", l.t("Händelser", "Incidents")),
            ctx.int(now.total),
            Some(&format!(
                "{} {} {}",
                change_cell(l, now.total, prev.total),
                l.t("mot", "against"),
                year - 1
            )),
        ),
        KeyFigure::new(
            format!("{}", y0),
            ctx.int(first.total),
            Some(&format!(
                "{} {}",
                change_cell(l, now.total, first.total),
                l.t("på fyra år", "in four years")
            )),
        ),
    ]));
    b.push(Block::text(if now.total == 0 {
        match l {
            Lang::Sv => format!("Inga händelser har rapporterats under {year}."),
            Lang::En => format!("No incidents have been reported in {year}."),
        }
    } else {
        let upto = if ongoing {
            format!(" ({} {until})", l.t("till och med", "up to and including"))
        } else {
            String::new()
        };
        let n = ctx.incidents(now.total);
        let (vs_prev, vs_first) = (
            change_words(l, now.total, prev.total),
            change_words(l, now.total, first.total),
        );
        let (p, f) = (ctx.int(prev.total), ctx.int(first.total));
        let ly = year - 1;
        let compare = match (y0 == year, y0 == ly, l) {
            (true, _, Lang::Sv) => " Det finns inga tidigare år att jämföra med.".to_string(),
            (true, _, Lang::En) => " There are no earlier years to compare with.".to_string(),
            (false, true, Lang::Sv) => format!(" Antalet {vs_prev} jämfört med {ly} ({p})."),
            (false, true, Lang::En) => format!(" The number {vs_prev} compared with {ly} ({p})."),
            (false, false, Lang::Sv) => format!(
                " Antalet {vs_prev} jämfört med {ly} ({p}) och {vs_first} jämfört med {y0} ({f})."
            ),
            (false, false, Lang::En) => format!(
                " The number {vs_prev} compared with {ly} ({p}) and {vs_first} compared with {y0} ({f})."
            ),
        };
        match l {
            Lang::Sv => format!("Under {year}{upto} rapporterades {n}.{compare}"),
            Lang::En => format!("In {year}{upto} {n} were reported.{compare}"),
        }
    }));
    if ongoing {
        b.push(Block::text(match l {
            Lang::Sv => format!(
                "Året pågår: alla år jämförs över samma del av året (1 januari – {} {}).",
                last_day.day(),
                MONTH_NAMES[last_day.month() as usize - 1]
            ),
            Lang::En => format!(
                "The year is under way: every year is compared over the same part of the year (1 January – {} {}).",
                last_day.day(),
                month_name(l, last_day.month())
            ),
        }));
    }

    b.push(Block::heading(
        1,
        l.t(
            "1. Kartläggning: brottslighetens omfattning och konsekvenser",
            "1. Mapping: the extent and consequences of crime",
        ),
    ));
    b.push(Block::text(l.t(
        "Kartläggningen visar vilka brott och otrygghetsskapande händelser som rapporterats, var och när, och hur antalet har utvecklats. Konsekvenserna för invånarna – upplevd otrygghet och utsatthet – visas i del 2 med enkätresultaten.",
        "The mapping shows which crimes and insecurity-creating events have been reported, where and when, and how their number has developed. The consequences for residents – perceived insecurity and victimisation – are shown in part 2 with the survey results.",
    )));
    b.push(Block::heading(
        2,
        l.t(
            "Per typ av brott och otrygghet",
            "By type of crime and insecurity",
        ),
    ));
    let labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    let periods: Vec<(&str, &PeriodStats)> = labels
        .iter()
        .map(|l| l.as_str())
        .zip(per_year.iter())
        .collect();
    let mut reversed = periods.clone();
    reversed.reverse();
    b.push(Block::Table(ctx.group_table(
        &match l {
            Lang::Sv => format!("Händelser per kategori {y0}–{year}; förändring {year} mot {y0}"),
            Lang::En => format!("Incidents by category {y0}–{year}; change {year} against {y0}"),
        },
        &reversed,
        true,
    )));
    let mut grp: Vec<(&str, i64, u32, u32)> = category_groups(l)
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
            ctx.int(x.3),
            ctx.int(x.2),
            change_cell(l, x.2, x.3)
        ));
    }
    if !s.is_empty() {
        b.push(Block::text(match l {
            Lang::Sv => format!("Kategorier som ökat mest i antal jämfört med {}:", year - 1),
            Lang::En => format!(
                "The categories that rose most in number compared with {}:",
                year - 1
            ),
        }));
        b.push(Block::bullets(s));
    }
    let bars: Vec<(String, f64)> = category_groups(l)
        .into_iter()
        .filter_map(|(c, l)| now.by_group.get(c).map(|&n| (l.to_string(), f64::from(n))))
        .collect();
    if !bars.is_empty() {
        let mut bars = bars;
        bars.sort_by(|a, b| b.1.total_cmp(&a.1));
        let title = format!(
            "{} {year}",
            l.t("Händelser per kategori", "Incidents by category")
        );
        b.push(Block::figure(
            format!("{title}."),
            chart::bars(&BarChart {
                title,
                unit: String::new(),
                decimals: 0,
                bars,
                lang: l,
            })?,
        ));
    }

    b.push(Block::heading(2, l.t("Per område", "By area")));
    b.push(Block::Table(ctx.district_table(
        &format!(
            "{} {year} {} {}",
            l.t("Händelser per område", "Incidents by area"),
            l.t("och", "and"),
            year - 1
        ),
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
        &format!(
            "{} {year}",
            l.t("Händelser per område", "Incidents by area")
        ),
        &format!("{} {year}", l.t("Händelser", "Incidents")),
        &now,
        None,
        spots,
        match l {
            Lang::Sv => format!(
                "Antal händelser per stadsdel {year} (ytfärg) och hot spots enligt Gi* (rutor)."
            ),
            Lang::En => format!(
                "Number of incidents per district in {year} (fill) and hot spots by Gi* (cells)."
            ),
        },
    )? {
        b.push(fig);
    }
    b.push(Block::heading(2, l.t("Utveckling över tid", "Over time")));
    let totals: Vec<f64> = per_year.iter().map(|s| f64::from(s.total)).collect();
    b.push(Block::text(format!(
        "{} {}–{year}: {}.",
        l.t("Antal händelser per år", "Incidents per year"),
        y0,
        years
            .iter()
            .zip(&per_year)
            .map(|(y, s)| format!("{y}: {}", ctx.int(s.total)))
            .collect::<Vec<_>>()
            .join(", ")
    )));
    b.push(Block::figure(
        format!(
            "{} {}–{year}{}.",
            l.t("Händelser per år", "Incidents per year"),
            y0,
            if ongoing {
                l.t(", samma del av varje år", ", the same part of each year")
            } else {
                ""
            }
        ),
        chart::line(&LineChart {
            title: l.t("Händelser per år", "Incidents per year").into(),
            y_label: l.t("Antal händelser", "Number of incidents").into(),
            x_label: l.t("År", "Year").into(),
            x_labels: labels.clone(),
            series: vec![Series::new(l.t("Alla händelser", "All incidents"), totals)],
            lang: l,
        })?,
    ));
    let cur = monthly(&ctx, year, Some(last_day))?;
    let p1 = monthly(&ctx, year - 1, None)?;
    b.push(Block::figure(
        format!(
            "{} {year} {} {}.",
            l.t("Händelser per månad", "Incidents per month"),
            l.t("och", "and"),
            year - 1
        ),
        chart::line(&LineChart {
            title: l.t("Händelser per månad", "Incidents per month").into(),
            y_label: l.t("Antal händelser", "Number of incidents").into(),
            x_label: l.t("Månad", "Month").into(),
            x_labels: (1..=12).map(|m| month_short(l, m).to_string()).collect(),
            series: vec![
                Series::new(year.to_string(), cur),
                Series::new((year - 1).to_string(), p1),
            ],
            lang: l,
        })?,
    ));

    b.push(Block::heading(
        1,
        l.t(
            "2. Annan information av betydelse",
            "2. Other relevant information",
        ),
    ));
    let other = other_information(&ctx, year, &now).await?;
    let other_sources = other.sources.clone();
    b.extend(other.blocks);

    b.push(Block::heading(
        1,
        l.t("3. Analys av kartläggningen", "3. Analysis of the mapping"),
    ));
    b.push(Block::text(l.t(
        "Analysen pekar ut var och när brottsligheten koncentreras, om händelser följer på varandra och vilka orsaker partnerskapets orsaksanalyser har kommit fram till. Varje problembild (en typ av brott eller otrygghet i ett visst område) analyseras utifrån gärningsperson, mål och plats och deras väktare, handledare och platsansvariga.",
        "The analysis points out where and when crime concentrates, whether incidents follow one another, and which causes the partnership's cause analyses have found. Each problem (a type of crime or insecurity in a given area) is analysed by offender, target and place, and their guardians, handlers and place managers.",
    )));
    let y = year.to_string();
    b.push(Block::heading(2, "Hot spots"));
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(
        2,
        l.t("Återkommande platser", "Repeat places"),
    ));
    b.extend(ctx.top_places(from, to, &y)?);
    b.push(Block::heading(
        2,
        l.t("När på dygnet och veckan", "When in the day and the week"),
    ));
    b.extend(ctx.heat_map_figure(from, to, &y)?);
    b.push(Block::heading(
        2,
        l.t("Nära upprepning av inbrott", "Near repeats of burglaries"),
    ));
    b.push(Block::text(ctx.near_repeat(from, to, &y)?));
    b.push(Block::heading(
        2,
        l.t("Problembilder och orsaker", "Problems and causes"),
    ));
    b.extend(problems_and_causes(state, l).await?);

    b.push(Block::heading(
        1,
        l.t("4. Källor och metod", "4. Sources and method"),
    ));
    let (sources, missing) = ctx.source_coverage(
        from,
        to,
        &match l {
            Lang::Sv => format!("Händelser {year} per källa och täckning"),
            Lang::En => format!("Incidents {year} by source and coverage"),
        },
    )?;
    b.push(Block::Table(sources));
    b.push(Block::text(l.t("Övriga källor:", "Other sources:")));
    b.push(Block::bullets(other_sources));
    b.push(Block::heading(
        2,
        l.t(
            "Vad som saknas och vad det betyder",
            "What is missing and what that means",
        ),
    ));
    let mut gaps = missing;
    gaps.extend(other.missing);
    gaps.push(l.t(
        "Rapporterade händelser är inte all brottslighet: mörkertalet är stort för bland annat våld i nära relationer, narkotikabrott och brott mot företag. Enkätresultaten i del 2 visar utsatthet och otrygghet som inte anmäls.",
        "Reported incidents are not all crime: much goes unreported, among other things violence in close relationships, drug offences and crime against businesses. The survey results in part 2 show victimisation and insecurity that are not reported.",
    ).into());
    b.push(Block::bullets(gaps));
    b.push(Block::heading(2, l.t("Definitioner", "Definitions")));
    b.push(Block::bullets(method_bullets(l)));
    b.push(Block::heading(1, l.t("Beslut", "Decision")));
    b.push(Block::text(decision_sentence(state, year, l).await?));
    b.push(Block::heading(
        1,
        l.t(
            "Från lägesbild till åtgärdsplan",
            "From situation report to action plan",
        ),
    ));
    b.push(Block::text(l.t(
        "Enligt lagen ska kommunen utifrån lägesbilden ta ställning till behovet av brottsförebyggande åtgärder och besluta om en åtgärdsplan. Åtgärderna i samverkansöverenskommelsens åtagandeplan följs upp i den årliga sammanställningen.",
        "Under the Act, the municipality must, on the basis of the situation report, consider the need for crime-prevention measures and decide on an action plan (åtgärdsplan). The measures in the partnership agreement's commitment plan are followed up in the annual compilation.",
    )));

    let doc = Document {
        title: match l {
            Lang::Sv => format!("Lägesbild {year}"),
            Lang::En => format!("Situation report {year}"),
        },
        subtitle: Some(l.t(
            "Brottsligheten i kommunen enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete",
            "Crime in the municipality under the Act (2023:196) on municipalities' responsibility for crime prevention",
        ).into()),
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
    let l = ctx.lang;
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
        blocks.push(Block::text(l.t(
            "Upplevd otrygghet och utsatthet mäts i enkäter – Polisens trygghetsmätning, Brås Nationella trygghetsundersökning (NTU) och kommunens egna mätningar. Inga enkätresultat är inlagda i trygg för året eller åren före.",
            "Perceived insecurity and victimisation are measured in surveys – the police's safety survey, Brå's Swedish Crime Survey (NTU) and the municipality's own surveys. No survey results are stored in trygg for the year or the years before.",
        )));
        missing.push(l.t(
            "Enkätresultat (trygghetsmätning, NTU) saknas: lägesbilden visar inte upplevd otrygghet eller utsatthet som inte anmäls.",
            "Survey results (safety survey, NTU) are missing: the report does not show perceived insecurity or victimisation that goes unreported.",
        ).into());
    } else {
        blocks.push(Block::heading(
            2,
            l.t(
                "Enkäter: upplevd otrygghet och utsatthet",
                "Surveys: perceived insecurity and victimisation",
            ),
        ));
        blocks.push(Block::text(l.t(
            "Enkätresultaten visar konsekvenserna av brottsligheten för invånarna, också det som inte anmäls. Varje värde anges med sitt konfidensintervall och antalet svarande: skillnader inom intervallen kan bero på slumpen.",
            "The survey results show the consequences of crime for residents, including what goes unreported. Each value is given with its confidence interval and number of respondents: differences within the intervals may be chance.",
        )));
        for ((indicator, source), rows) in &series {
            let mut rows = rows.clone();
            rows.sort_by(|a, b| a.area_name.cmp(&b.area_name));
            let periods: std::collections::BTreeSet<String> =
                rows.iter().map(|r| r.period.to_string()).collect();
            let periods: Vec<String> = periods.into_iter().collect();
            blocks.push(Block::Table(Table {
                caption: format!("{indicator} ({source}, {})", periods.join(", ")),
                columns: vec![
                    Column::text(l.t("Område", "Area")),
                    Column::text("Period"),
                    Column::text(l.t(
                        "Värde (konfidensintervall), antal svarande",
                        "Value (confidence interval), respondents",
                    )),
                ],
                rows: rows
                    .iter()
                    .map(|r| vec![r.area_name.clone(), r.period.to_string(), r.text.clone()])
                    .collect(),
                total: None,
            }));
            let (periods, n) = (periods.join(", "), rows.len());
            sources.push(match l {
                Lang::Sv => format!("{source}: {indicator}, {periods} för {n} områden."),
                Lang::En => format!(
                    "{source}: {indicator}, {periods} for {}.",
                    l.count(n as i64, ("", ""), ("area", "areas"))
                ),
            });
            if !periods.contains(&year.to_string()) {
                missing.push(match l {
                    Lang::Sv => format!(
                        "{source} ({indicator}) har inga värden för {year}; de senaste ({periods}) visas."
                    ),
                    Lang::En => format!(
                        "{source} ({indicator}) has no values for {year}; the latest ({periods}) are shown."
                    ),
                });
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
            ctx.num(f64::from(n) * 1000.0 / p.inhabitants, 1)
        } else {
            "–".into()
        };
        rows.push(vec![
            d.name.clone(),
            ctx.int(p.inhabitants.round() as i64),
            ctx.int(n),
            rate,
        ]);
    }
    if rows.is_empty() {
        missing.push(l.t(
            "Befolkning per område saknas: händelserna kan inte räknas per 1 000 invånare, och stora områden ser ut att ha mest.",
            "Population per area is missing: incidents cannot be counted per 1,000 inhabitants, and large areas seem to have the most.",
        ).into());
    } else {
        let years: Vec<String> = years.iter().map(i16::to_string).collect();
        let years = years.join(", ");
        blocks.push(Block::heading(
            2,
            l.t(
                "Befolkning och händelser per 1 000 invånare",
                "Population and incidents per 1,000 inhabitants",
            ),
        ));
        blocks.push(Block::text(match l {
            Lang::Sv => format!(
                "Ett stort område har ofta flest händelser. Per 1 000 invånare går områden att jämföra: antalet händelser {year} delat med folkmängden ({years}), gånger 1 000. Områden med färre än 100 invånare får ingen kvot."
            ),
            Lang::En => format!(
                "A large area often has the most incidents. Per 1,000 inhabitants, areas can be compared: the number of incidents in {year} divided by the population ({years}), times 1,000. Areas with fewer than 100 inhabitants get no rate."
            ),
        }));
        blocks.push(Block::Table(Table {
            caption: match l {
                Lang::Sv => format!("Folkmängd och händelser per 1 000 invånare {year}"),
                Lang::En => format!("Population and incidents per 1,000 inhabitants {year}"),
            },
            columns: vec![
                Column::text(l.t("Område", "Area")),
                Column::number(l.t("Invånare", "Inhabitants")),
                Column::number(l.t("Händelser", "Incidents")),
                Column::number(l.t("Per 1 000", "Per 1,000")),
            ],
            rows,
            total: None,
        }));
        sources.push(match l {
            Lang::Sv => format!("SCB:s folkmängd per område ({years})."),
            Lang::En => format!("Statistics Sweden's population per area ({years})."),
        });
        if ctx
            .districts
            .iter()
            .any(|d| !population.contains_key(&d.id))
        {
            missing.push(
                l.t(
                    "Några områden saknar folkmängd och har ingen kvot per 1 000 invånare.",
                    "Some areas have no population and no rate per 1,000 inhabitants.",
                )
                .into(),
            );
        }
    }
    if sources.is_empty() {
        sources.push(
            l.t(
                "Enkäter och befolkning: inga inlagda.",
                "Surveys and population: none stored.",
            )
            .into(),
        );
    }
    Ok(OtherInformation {
        blocks,
        sources,
        missing,
    })
}

/// The shared problems with their cause analyses: status, the concluded (supported) causes
/// with where they lie, and the conclusion.
async fn problems_and_causes(state: &App, l: Lang) -> Result<Vec<Block>> {
    use trygg_domain::cycle::{CauseAnalysis, HypothesisStatus, Problem};
    let store = state.store.as_ref();
    let problems = crate::partnership::shared::<Problem>(store).await?;
    let analyses = crate::partnership::shared::<CauseAnalysis>(store).await?;
    if problems.is_empty() {
        return Ok(vec![Block::text(l.t(
            "Inga gemensamma problembilder är registrerade i trygg.",
            "No shared problems are recorded in trygg.",
        ))]);
    }
    let rows = problems
        .iter()
        .map(|p| {
            let a = analyses
                .iter()
                .find(|a| a.data.problem_id.raw == p.meta.id)
                .map(|a| &a.data);
            let causes = a.map_or_else(
                || l.t("ingen orsaksanalys", "no cause analysis").to_string(),
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
                                    .map(|f| {
                                        format!(
                                            " ({})",
                                            l.t(f.label_sv(), f.label_en()).to_lowercase()
                                        )
                                    })
                                    .unwrap_or_default()
                            )
                        })
                        .collect();
                    if supported.is_empty() {
                        l.t("inga styrkta orsaker ännu", "no supported causes yet")
                            .to_string()
                    } else {
                        supported.join("; ")
                    }
                },
            );
            vec![
                p.data.title.clone(),
                l.t(p.data.status.label_sv(), p.data.status.label_en())
                    .to_string(),
                causes,
                a.map(|a| a.conclusion.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(vec![Block::Table(Table {
        caption: l
            .t(
                "Problembilder med styrkta orsaker och slutsats",
                "Problems with supported causes and conclusion",
            )
            .into(),
        columns: vec![
            Column::text(l.t("Problembild", "Problem")),
            Column::text("Status"),
            Column::text(l.t("Styrkta orsaker", "Supported causes")),
            Column::text(l.t("Slutsats", "Conclusion")),
        ],
        rows,
        total: None,
    })])
}

/// Whether the lägesbild of `year` is decided (who, when, diarienummer), and when the next is
/// due at the latest.
async fn decision_sentence(state: &App, year: i16, l: Lang) -> Result<String> {
    use trygg_domain::partnership::{LawDecision, LawDocument};
    let decisions = trygg_store::records::list::<LawDecision>(state.store.as_ref()).await?;
    let this = decisions
        .iter()
        .map(|d| &d.data)
        .filter(|d| d.document == LawDocument::Lagesbild && d.year == year)
        .max_by_key(|d| d.date);
    Ok(match (this, l) {
        (Some(d), _) => {
            let (by, on, dnr) = (&d.decided_by, long_date(l, d.date), &d.diarienummer);
            let next = d
                .date
                .checked_add(Span::new().years(2))
                .map(|d| long_date(l, d))
                .unwrap_or_default();
            match l {
                Lang::Sv => format!(
                    "Lägesbilden {year} beslutades av {by} den {on} (diarienummer {dnr}). Nästa lägesbild ska tas fram senast {next}."
                ),
                Lang::En => format!(
                    "The situation report {year} was decided by {by} on {on} (reference {dnr}). The next must be drawn up by {next} at the latest."
                ),
            }
        }
        (None, Lang::Sv) => format!(
            "Lägesbilden {year} är inte beslutad i trygg ännu. Registrera beslutet (beslutande organ, datum, diarienummer) under Samverkan › Lagens beslut; lagen kräver en ny lägesbild minst vartannat år."
        ),
        (None, Lang::En) => format!(
            "The situation report {year} is not yet decided in trygg. Record the decision (deciding body, date, reference number) under Partnership › The law's decisions; the Act requires a new situation report at least every other year."
        ),
    })
}

/// The year in brief, for the annual compilation: incidents from 1 January to `until`
/// (inclusive) against the same dates a year earlier, per category, and a map per district
/// with hot spots, in `lang`. Hand the blocks to [`annual_compilation`].
pub async fn year_in_brief(
    state: &App,
    year: i16,
    until: Date,
    scope: Scope,
    lang: Lang,
) -> Result<Vec<Block>> {
    let ctx = Ctx::load(state, scope, lang).await?;
    let l = lang;
    let from = Date::new(year, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = until
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let (pfrom, pto) = (minus_year(from)?, minus_year(to)?);
    let now = ctx.stats(from, to)?;
    let prev = ctx.stats(pfrom, pto)?;
    let what = date_range(l, from, until);
    let ly = year - 1;
    let n = ctx.incidents(now.total);
    let vs = ctx.vs_same_period(ly, now.total, prev.total);
    let mut b = vec![Block::text(match l {
        Lang::Sv => format!("Under perioden {what} rapporterades {n}. {vs}"),
        Lang::En => format!("In the period {what}, {n} were reported. {vs}"),
    })];
    let same_period = match l {
        Lang::Sv => format!("samma period {ly}"),
        Lang::En => format!("the same period of {ly}"),
    };
    let changes = ctx.district_changes(&now, &prev, &same_period);
    if !changes.is_empty() && ctx.years.contains(&ly) {
        b.push(Block::bullets(changes));
    }
    let by_category = l.t("Händelser per kategori", "Incidents by category");
    let (ln, lp) = (year.to_string(), ly.to_string());
    b.push(Block::Table(if ctx.years.contains(&ly) {
        ctx.group_table(
            &format!("{by_category} {what} {} {same_period}", l.t("och", "and")),
            &[(&ln, &now), (&lp, &prev)],
            true,
        )
    } else {
        ctx.group_table(&format!("{by_category} {what}"), &[(&ln, &now)], false)
    }));
    let (gi, spots) = ctx.hot_spots(from, to, &what)?;
    if let Some(fig) = ctx.map_figure(
        &format!(
            "{} {year}",
            l.t("Händelser per område", "Incidents by area")
        ),
        &format!("{} {year}", l.t("Händelser", "Incidents")),
        &now,
        None,
        spots,
        match l {
            Lang::Sv => format!(
                "Antal händelser per stadsdel {what} (ytfärg) och hot spots enligt Gi* (rutor)."
            ),
            Lang::En => format!(
                "Number of incidents per district {what} (fill) and hot spots by Gi* (cells)."
            ),
        },
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
