//! The weekly lägesbild of an ISO week.

use super::*;

/// The weekly lägesbild for ISO week `week` (any weekday of it), in `lang`: the Swedish is the
/// reference, the English is written from the same numbers.
pub async fn weekly(state: &App, week: ISOWeekDate, scope: Scope, lang: Lang) -> Result<Document> {
    let ctx = Ctx::load(state, scope, lang).await?;
    let l = lang;
    let (y, w) = (week.year(), week.week());
    let monday = ISOWeekDate::new(y, w, Weekday::Monday)
        .map_err(|e| ReportBuildError::Input(e.to_string()))?
        .date();
    let day = |d: Date, n: i64| -> Result<Date> {
        d.checked_add(Span::new().days(n))
            .map_err(|e| ReportBuildError::Input(e.to_string()))
    };
    let next = day(monday, 7)?;
    let prev_monday = day(monday, -7)?;
    let ly_week = ISOWeekDate::new(y - 1, w, Weekday::Monday)
        .or_else(|_| ISOWeekDate::new(y - 1, 52, Weekday::Monday))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let ly_monday = ly_week.date();
    let now = ctx.stats(monday, next)?;
    let prev = ctx.stats(prev_monday, monday)?;
    let ly = ctx.stats(ly_monday, day(ly_monday, 7)?)?;
    let sunday = day(monday, 6)?;
    let pw = prev_monday.iso_week_date().week();

    let mut b = Vec::new();
    b.push(Block::heading(1, l.t("Sammanfattning", "Summary")));
    let vs = |x: &str| match l {
        Lang::Sv => format!("mot {x}"),
        Lang::En => format!("against {x}"),
    };
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            match l {
                Lang::Sv => format!("Händelser vecka {w}"),
                Lang::En => format!("Incidents week {w}"),
            },
            ctx.int(now.total),
            None,
        ),
        KeyFigure::new(
            format!("{} {pw}", l.t("Vecka", "Week")),
            ctx.int(prev.total),
            Some(&format!(
                "{} {}",
                change_cell(l, now.total, prev.total),
                vs(&format!("{} {pw}", l.t("vecka", "week")))
            )),
        ),
        KeyFigure::new(
            format!("{} {} {}", l.t("Vecka", "Week"), ly_week.week(), y - 1),
            ctx.int(ly.total),
            Some(&format!(
                "{} {}",
                change_cell(l, now.total, ly.total),
                l.t("mot i fjol", "against last year")
            )),
        ),
    ]));
    let dates = date_range(l, monday, sunday);
    if now.total == 0 {
        let (p, last) = (ctx.incidents(prev.total), ctx.incidents(ly.total));
        b.push(Block::text(match l {
            Lang::Sv => format!(
                "Inga händelser har rapporterats för vecka {w} ({dates}). Vecka {pw} rapporterades {p} och samma vecka {} {last}.",
                y - 1,
            ),
            Lang::En => format!(
                "No incidents have been reported for week {w} ({dates}). In week {pw} {p} were reported, and in the same week of {} {last}.",
                y - 1,
            ),
        }));
    } else {
        let n = ctx.incidents(now.total);
        let change = change_words(l, now.total, prev.total);
        let prev_n = ctx.int(prev.total);
        let vs_last_year = match (ctx.years.contains(&ly_monday.year()), l) {
            (true, Lang::Sv) => format!(
                " och {} jämfört med samma vecka {} ({}).",
                change_words(l, now.total, ly.total),
                y - 1,
                ctx.int(ly.total)
            ),
            (true, Lang::En) => format!(
                ", and {} compared with the same week of {} ({}).",
                change_words(l, now.total, ly.total),
                y - 1,
                ctx.int(ly.total)
            ),
            (false, Lang::Sv) => {
                format!(". För samma vecka {} finns inga uppgifter i trygg.", y - 1)
            }
            (false, Lang::En) => {
                format!(". trygg holds no data for the same week of {}.", y - 1)
            }
        };
        b.push(Block::text(match l {
            Lang::Sv => format!(
                "Vecka {w} ({dates}) rapporterades {n}. Antalet {change} jämfört med vecka {pw} ({prev_n}){vs_last_year}"
            ),
            Lang::En => format!(
                "In week {w} ({dates}) {n} were reported. The number {change} compared with week {pw} ({prev_n}){vs_last_year}"
            ),
        }));
        let mut groups: Vec<(&str, u32)> = category_groups(l)
            .into_iter()
            .filter_map(|(c, l)| now.by_group.get(c).map(|&n| (l, n)))
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.1));
        if let Some((label, n)) = groups.first() {
            let share = ctx.pct(f64::from(*n) / f64::from(now.total), 0, false);
            b.push(Block::text(match l {
                Lang::Sv => format!(
                    "Största kategorin var {} med {} ({share} av veckans händelser).",
                    label.to_lowercase(),
                    ctx.int(*n),
                ),
                Lang::En => format!(
                    "The largest category was {} with {} ({share} of the week's incidents).",
                    label.to_lowercase(),
                    ctx.int(*n),
                ),
            }));
        }
    }

    b.push(Block::heading(
        2,
        l.t("Händelser per kategori", "Incidents by category"),
    ));
    let wk = l.t("v.", "wk");
    let l_now = format!("{wk} {w}");
    let l_prev = format!("{wk} {pw}");
    let l_ly = format!("{wk} {} {}", ly_week.week(), y - 1);
    b.push(Block::Table(ctx.group_table(
        &match l {
            Lang::Sv => {
                format!("Händelser per kategori vecka {w}, förra veckan och samma vecka i fjol")
            }
            Lang::En => format!(
                "Incidents by category in week {w}, the week before and the same week last year"
            ),
        },
        &[(&l_now, &now), (&l_prev, &prev), (&l_ly, &ly)],
        false,
    )));

    b.push(Block::heading(
        2,
        l.t("Händelser per område", "Incidents by area"),
    ));
    b.push(Block::Table(ctx.district_table(
        &match l {
            Lang::Sv => format!("Händelser per område vecka {w} och samma vecka {}", y - 1),
            Lang::En => format!(
                "Incidents by area in week {w} and the same week of {}",
                y - 1
            ),
        },
        &l_now,
        &l_ly,
        &now,
        &ly,
    )));

    // Trend: the last 26 weeks and the same weeks a year earlier.
    b.push(Block::heading(
        2,
        l.t("Utveckling de senaste 26 veckorna", "The last 26 weeks"),
    ));
    let first = day(monday, -7 * 25)?;
    let ly_first = day(first, -7 * 53)?;
    let wc: HashMap<PeriodKey, u32> = {
        let f = ctx.filter(ctx.midnight(ly_first)?, ctx.midnight(next)?);
        ctx.with(&f, |s, f| s.weekly_counts(f))
            .into_iter()
            .collect()
    };
    let mut labels = Vec::new();
    let (mut cur, mut last) = (Vec::new(), Vec::new());
    for i in 0..26 {
        let d = day(first, 7 * i)?.iso_week_date();
        labels.push(d.week() as u32);
        let key = |yy: i16, ww: i8| PeriodKey::IsoWeek { year: yy, week: ww };
        let counted = wc.get(&key(d.year(), d.week())).copied();
        cur.push(if counted.is_some() || ctx.years.contains(&d.year()) {
            f64::from(counted.unwrap_or(0))
        } else {
            f64::NAN
        });
        let lw = if ISOWeekDate::new(d.year() - 1, d.week(), Weekday::Monday).is_ok() {
            d.week()
        } else {
            52
        };
        // A year before the data begins has no value, not zero.
        last.push(if ctx.years.contains(&(d.year() - 1)) {
            f64::from(wc.get(&key(d.year() - 1, lw)).copied().unwrap_or(0))
        } else {
            f64::NAN
        });
    }
    let sum_cur: f64 = cur[22..].iter().filter(|v| v.is_finite()).sum();
    let sum_last: f64 = last[22..].iter().sum();
    let four = labels[22];
    let n = ctx.incidents(sum_cur as i64);
    b.push(Block::text(match (sum_last.is_finite(), l) {
        (true, Lang::Sv) => format!(
            "De senaste fyra veckorna (vecka {four}–{w}) rapporterades {n}; samma veckor året innan {}. Antalet {}.",
            ctx.num(sum_last, 0),
            change_words(l, sum_cur as u32, sum_last as u32),
        ),
        (true, Lang::En) => format!(
            "In the last four weeks (weeks {four}–{w}) {n} were reported; in the same weeks a year before, {}. The number {}.",
            ctx.num(sum_last, 0),
            change_words(l, sum_cur as u32, sum_last as u32),
        ),
        (false, Lang::Sv) => format!(
            "De senaste fyra veckorna (vecka {four}–{w}) rapporterades {n}; för samma veckor året innan finns inga uppgifter i trygg."
        ),
        (false, Lang::En) => format!(
            "In the last four weeks (weeks {four}–{w}) {n} were reported; trygg holds no data for the same weeks a year before."
        ),
    }));
    let img = chart::line(&LineChart::weekly(
        l,
        l.t("Händelser per vecka", "Incidents per week"),
        l.t("Antal händelser", "Number of incidents"),
        &labels,
        Series::new(
            match l {
                Lang::Sv => format!("Senaste 26 veckorna (t.o.m. v. {w} {y})"),
                Lang::En => format!("The last 26 weeks (to week {w} {y})"),
            },
            cur,
        ),
        Series::new(
            l.t(
                "Samma veckor ett år tidigare",
                "The same weeks a year earlier",
            ),
            last,
        ),
    ))?;
    b.push(Block::figure(
        match l {
            Lang::Sv => format!(
                "Händelser per ISO-vecka, de 26 veckorna till och med vecka {w}, och samma veckor ett år tidigare."
            ),
            Lang::En => format!(
                "Incidents per ISO week, the 26 weeks up to and including week {w}, and the same weeks a year earlier."
            ),
        },
        img,
    ));

    b.push(Block::heading(
        2,
        l.t("När händelserna inträffar", "When the incidents happen"),
    ));
    let four_weeks = day(monday, -21)?;
    let weeks_what = match l {
        Lang::Sv => format!("veckorna {four}–{w}"),
        Lang::En => format!("weeks {four}–{w}"),
    };
    b.extend(ctx.heat_map_figure(four_weeks, next, &weeks_what)?);

    b.push(Block::heading(
        2,
        l.t("Var händelserna inträffar", "Where the incidents happen"),
    ));
    let (gi_sentence, spots) = ctx.hot_spots(four_weeks, next, &weeks_what)?;
    let (xs, _, _, centroids) = {
        let f = ctx.filter(ctx.midnight(monday)?, ctx.midnight(next)?);
        ctx.with(&f, |s, f| s.points(f))
    };
    let placed = ctx.int(xs.len() as i64);
    let has_centroids = centroids > 0;
    let centroids = ctx.int(centroids as i64);
    b.push(Block::text(match l {
        Lang::Sv => format!(
            "{placed} av veckans händelser har en känd position och visas som punkter på kartan{}. Stadsdelarnas färg visar antalet händelser vecka {w}.",
            if has_centroids {
                format!(
                    "; {centroids} har bara kommunens eller länets mittpunkt som position (Polisens händelser) och räknas i tabellerna men visas inte"
                )
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "{placed} of the week's incidents have a known position and are shown as points on the map{}. The districts' colour shows the number of incidents in week {w}.",
            if has_centroids {
                format!(
                    "; {centroids} have only the municipality's or the county's centre as their position (the police's events) and are counted in the tables but not shown"
                )
            } else {
                String::new()
            }
        ),
    }));
    if let Some(fig) = ctx.map_figure(
        &match l {
            Lang::Sv => format!("Händelser vecka {w} {y}"),
            Lang::En => format!("Incidents week {w} {y}"),
        },
        &format!("{} {wk} {w}", l.t("Händelser", "Incidents")),
        &now,
        Some((monday, next)),
        spots,
        match l {
            Lang::Sv => format!(
                "Händelser vecka {w} (punkter, färg efter kategori) och antal per stadsdel (ytfärg). Färgade rutor: hot spots (Gi*) för veckorna {four}–{w}."
            ),
            Lang::En => format!(
                "Incidents in week {w} (points, coloured by category) and the number per district (fill). Coloured cells: hot spots (Gi*) for weeks {four}–{w}."
            ),
        },
    )? {
        b.push(fig);
    }
    b.push(Block::heading(3, "Hot spots"));
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(
        3,
        l.t("Nära upprepning av inbrott", "Near repeats of burglaries"),
    ));
    let twelve = day(monday, -7 * 11)?;
    b.push(Block::text(ctx.near_repeat(
        twelve,
        next,
        l.t("de senaste 12 veckorna", "the last 12 weeks"),
    )?));

    b.push(Block::heading(
        2,
        l.t("Nya problembilder", "Emerging problems"),
    ));
    b.extend(ctx.emerging(next)?);

    b.push(Block::heading(2, l.t("Täckning", "Coverage")));
    b.extend(coverage_blocks(state, scope, next, w, l).await?);

    b.push(Block::heading(
        2,
        l.t("Om statistiken", "About the statistics"),
    ));
    b.push(Block::bullets(method_bullets(l)));

    let doc = Document {
        title: match l {
            Lang::Sv => format!("Lägesbild vecka {w} {y}"),
            Lang::En => format!("Situation report week {w} {y}"),
        },
        subtitle: Some(
            l.t(
                "Veckovis lägesbild för den brottsförebyggande samverkan",
                "Weekly situation report of the crime-prevention partnership",
            )
            .into(),
        ),
        meta: ctx.meta(format!(
            "{monday} – {sunday} ({} {w})",
            l.t("vecka", "week")
        )),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// Who reported in the six weeks up to week `w` (the Monday after it is `next`): per
/// organisation and Polisen, and the organisations that have gone silent.
async fn coverage_blocks(
    state: &App,
    scope: Scope,
    next: Date,
    w: i8,
    l: Lang,
) -> Result<Vec<Block>> {
    let q = crate::coverage::CoverageQuery {
        weeks: 6,
        silent_weeks: 3,
        active_weeks: 2,
    };
    let c = crate::coverage::coverage_until(state, scope, next, q)
        .await
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let label = |d: &Date| format!("{} {}", l.t("v.", "wk"), d.iso_week_date().week());
    let mut columns = vec![Column::text(l.t("Rapporterar", "Reporting"))];
    columns.extend(c.weeks.iter().map(|d| Column::number(label(d))));
    let row = |name: &str, counts: &[u32]| {
        let mut r = vec![name.to_string()];
        r.extend(counts.iter().map(|n| l.int(i64::from(*n))));
        r
    };
    let mut rows: Vec<Vec<String>> = c
        .organisations
        .iter()
        .map(|o| row(&o.name, &o.counts))
        .collect();
    rows.push(row(
        l.t(
            "Polisens händelser (polisen.se)",
            "The police's events (polisen.se)",
        ),
        &c.polisen,
    ));
    let mut b = vec![Block::Table(Table {
        caption: match l {
            Lang::Sv => format!(
                "Rapporterade händelser per organisation, de sex veckorna till och med vecka {w}"
            ),
            Lang::En => format!(
                "Reported incidents by organisation, the six weeks up to and including week {w}"
            ),
        },
        columns,
        rows,
        total: None,
    })];
    if !c.areas.is_empty() {
        let mut columns = vec![Column::text(l.t("Område", "Area"))];
        columns.extend(c.weeks.iter().map(|d| Column::number(label(d))));
        b.push(Block::Table(Table {
            caption: match l {
                Lang::Sv => format!(
                    "Rapporterade händelser per stadsdel (utom Polisens), de sex veckorna till och med vecka {w}"
                ),
                Lang::En => format!(
                    "Reported incidents by district (except the police's), the six weeks up to and including week {w}"
                ),
            },
            columns,
            rows: c.areas.iter().map(|a| row(&a.name, &a.counts)).collect(),
            total: None,
        }));
    }
    b.push(if c.alerts.is_empty() {
        Block::text(l.t(
            "Ingen organisation som brukar rapportera har tystnat.",
            "No organisation that usually reports has gone silent.",
        ))
    } else {
        Block::bullets(c.alerts.iter().map(|a| match l {
            Lang::Sv => a.message_sv(),
            Lang::En => a.message_en(),
        }))
    });
    Ok(b)
}
