//! The weekly lägesbild of an ISO week.

use super::*;

/// The weekly lägesbild for ISO week `week` (any weekday of it).
pub async fn weekly(state: &App, week: ISOWeekDate, scope: Scope) -> Result<Document> {
    let ctx = Ctx::load(state, scope).await?;
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
    b.push(Block::heading(1, "Sammanfattning"));
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("Händelser vecka {w}"),
            fmt_int_sv(i64::from(now.total)),
            None,
        ),
        KeyFigure::new(
            format!("Vecka {pw}"),
            fmt_int_sv(i64::from(prev.total)),
            Some(&format!(
                "{} mot vecka {pw}",
                change_cell(now.total, prev.total)
            )),
        ),
        KeyFigure::new(
            format!("Vecka {} {}", ly_week.week(), y - 1),
            fmt_int_sv(i64::from(ly.total)),
            Some(&format!("{} mot i fjol", change_cell(now.total, ly.total))),
        ),
    ]));
    if now.total == 0 {
        b.push(Block::text(format!(
            "Inga händelser har rapporterats för vecka {w} ({}). Vecka {pw} rapporterades {} och samma vecka {} {}.",
            range_sv(monday, sunday),
            count_sv(prev.total, "händelse", "händelser"),
            y - 1,
            count_sv(ly.total, "händelse", "händelser"),
        )));
    } else {
        b.push(Block::text(format!(
            "Vecka {w} ({}) rapporterades {}. Antalet {} jämfört med vecka {pw} ({}){}",
            range_sv(monday, sunday),
            count_sv(now.total, "händelse", "händelser"),
            change_words(now.total, prev.total),
            fmt_int_sv(i64::from(prev.total)),
            if ctx.years.contains(&ly_monday.year()) {
                format!(
                    " och {} jämfört med samma vecka {} ({}).",
                    change_words(now.total, ly.total),
                    y - 1,
                    fmt_int_sv(i64::from(ly.total))
                )
            } else {
                format!(". För samma vecka {} finns inga uppgifter i trygg.", y - 1)
            }
        )));
        let mut groups: Vec<(&str, u32)> = category_groups()
            .into_iter()
            .filter_map(|(c, l)| now.by_group.get(c).map(|&n| (l, n)))
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.1));
        if let Some((l, n)) = groups.first() {
            b.push(Block::text(format!(
                "Största kategorin var {} med {} ({} av veckans händelser).",
                l.to_lowercase(),
                fmt_int_sv(i64::from(*n)),
                fmt_percent_sv(f64::from(*n) / f64::from(now.total), 0, false)
            )));
        }
    }

    b.push(Block::heading(2, "Händelser per kategori"));
    let l_now = format!("v. {w}");
    let l_prev = format!("v. {pw}");
    let l_ly = format!("v. {} {}", ly_week.week(), y - 1);
    b.push(Block::Table(ctx.group_table(
        &format!("Händelser per kategori vecka {w}, förra veckan och samma vecka i fjol"),
        &[(&l_now, &now), (&l_prev, &prev), (&l_ly, &ly)],
        false,
    )));

    b.push(Block::heading(2, "Händelser per område"));
    b.push(Block::Table(ctx.district_table(
        &format!("Händelser per område vecka {w} och samma vecka {}", y - 1),
        &l_now,
        &l_ly,
        &now,
        &ly,
    )));

    // Trend: the last 26 weeks and the same weeks a year earlier.
    b.push(Block::heading(2, "Utveckling de senaste 26 veckorna"));
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
    b.push(Block::text(if sum_last.is_finite() {
        format!(
            "De senaste fyra veckorna (vecka {}–{w}) rapporterades {}; samma veckor året innan {}. Antalet {}.",
            labels[22],
            count_sv(sum_cur as u32, "händelse", "händelser"),
            fmt_sv(sum_last, 0),
            change_words(sum_cur as u32, sum_last as u32),
        )
    } else {
        format!(
            "De senaste fyra veckorna (vecka {}–{w}) rapporterades {}; för samma veckor året innan finns inga uppgifter i trygg.",
            labels[22],
            count_sv(sum_cur as u32, "händelse", "händelser"),
        )
    }));
    let img = chart::line(&LineChart::weekly(
        "Händelser per vecka",
        "Antal händelser",
        &labels,
        Series::new(format!("Senaste 26 veckorna (t.o.m. v. {w} {y})"), cur),
        Series::new("Samma veckor ett år tidigare", last),
    ))?;
    b.push(Block::figure(
        format!("Händelser per ISO-vecka, de 26 veckorna till och med vecka {w}, och samma veckor ett år tidigare."),
        img,
    ));

    b.push(Block::heading(2, "När händelserna inträffar"));
    let four_weeks = day(monday, -21)?;
    b.extend(ctx.heat_map_figure(four_weeks, next, &format!("veckorna {}–{w}", labels[22]))?);

    b.push(Block::heading(2, "Var händelserna inträffar"));
    let (gi_sentence, spots) =
        ctx.hot_spots(four_weeks, next, &format!("veckorna {}–{w}", labels[22]))?;
    let (xs, _, _, centroids) = {
        let f = ctx.filter(ctx.midnight(monday)?, ctx.midnight(next)?);
        ctx.with(&f, |s, f| s.points(f))
    };
    b.push(Block::text(format!(
        "{} av veckans händelser har en känd position och visas som punkter på kartan{}. Stadsdelarnas färg visar antalet händelser vecka {w}.",
        fmt_int_sv(xs.len() as i64),
        if centroids > 0 {
            format!(
                "; {} har bara kommunens eller länets mittpunkt som position (Polisens händelser) och räknas i tabellerna men visas inte",
                fmt_int_sv(centroids as i64)
            )
        } else {
            String::new()
        }
    )));
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser vecka {w} {y}"),
        &format!("Händelser v. {w}"),
        &now,
        Some((monday, next)),
        spots,
        format!(
            "Händelser vecka {w} (punkter, färg efter kategori) och antal per stadsdel (ytfärg). Färgade rutor: hot spots (Gi*) för veckorna {}–{w}.",
            labels[22]
        ),
    )? {
        b.push(fig);
    }
    b.push(Block::heading(3, "Hot spots"));
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(3, "Nära upprepning av inbrott"));
    let twelve = day(monday, -7 * 11)?;
    b.push(Block::text(ctx.near_repeat(
        twelve,
        next,
        "de senaste 12 veckorna",
    )?));

    b.push(Block::heading(2, "Nya problembilder"));
    b.extend(ctx.emerging(next)?);

    b.push(Block::heading(2, "Täckning"));
    b.extend(coverage_blocks(state, scope, next, w).await?);

    b.push(Block::heading(2, "Om statistiken"));
    b.push(Block::bullets(method_bullets()));

    let doc = Document {
        title: format!("Lägesbild vecka {w} {y}"),
        subtitle: Some("Veckovis lägesbild för den brottsförebyggande samverkan".into()),
        meta: ctx.meta(format!("{monday} – {sunday} (vecka {w})")),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// Who reported in the six weeks up to week `w` (the Monday after it is `next`): per
/// organisation and Polisen, and the organisations that have gone silent.
async fn coverage_blocks(state: &App, scope: Scope, next: Date, w: i8) -> Result<Vec<Block>> {
    let q = crate::coverage::CoverageQuery {
        weeks: 6,
        silent_weeks: 3,
        active_weeks: 2,
    };
    let c = crate::coverage::coverage_until(state, scope, next, q)
        .await
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let label = |d: &Date| format!("v. {}", d.iso_week_date().week());
    let mut columns = vec![Column::text("Rapporterar")];
    columns.extend(c.weeks.iter().map(|d| Column::number(label(d))));
    let row = |name: &str, counts: &[u32]| {
        let mut r = vec![name.to_string()];
        r.extend(counts.iter().map(|n| fmt_int_sv(i64::from(*n))));
        r
    };
    let mut rows: Vec<Vec<String>> = c
        .organisations
        .iter()
        .map(|o| row(&o.name, &o.counts))
        .collect();
    rows.push(row("Polisens händelser (polisen.se)", &c.polisen));
    let mut b = vec![Block::Table(Table {
        caption: format!(
            "Rapporterade händelser per organisation, de sex veckorna till och med vecka {w}"
        ),
        columns,
        rows,
        total: None,
    })];
    if !c.areas.is_empty() {
        let mut columns = vec![Column::text("Område")];
        columns.extend(c.weeks.iter().map(|d| Column::number(label(d))));
        b.push(Block::Table(Table {
            caption: format!(
                "Rapporterade händelser per stadsdel (utom Polisens), de sex veckorna till och med vecka {w}"
            ),
            columns,
            rows: c.areas.iter().map(|a| row(&a.name, &a.counts)).collect(),
            total: None,
        }));
    }
    b.push(if c.alerts.is_empty() {
        Block::text("Ingen organisation som brukar rapportera har tystnat.")
    } else {
        Block::bullets(c.alerts.iter().map(|a| a.message_sv()))
    });
    Ok(b)
}
