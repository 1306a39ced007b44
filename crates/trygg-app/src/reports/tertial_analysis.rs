//! The tertial analysis: four months against the same months a year earlier.

use super::*;

/// The months of tertial `t` of `year`: `[from, to)`.
pub fn tertial_period(year: i16, t: u8) -> Result<(Date, Date)> {
    if !(1..=3).contains(&t) {
        return Err(ReportBuildError::Input(format!(
            "tertial {t} does not exist: a year has tertials 1 (jan–apr), 2 (maj–aug) and 3 (sep–dec)"
        )));
    }
    let from = jiff::civil::Date::new(year, (4 * (t - 1) + 1) as i8, 1)
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = from
        .checked_add(Span::new().months(4))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    Ok((from, to))
}

pub(super) fn minus_year(d: Date) -> Result<Date> {
    d.checked_sub(Span::new().years(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))
}

/// Monthly counts for `year` (12 values; NaN after `until`).
pub(super) fn monthly(ctx: &Ctx<'_>, year: i16, until: Option<Date>) -> Result<Vec<f64>> {
    let from = Date::new(year, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = Date::new(year + 1, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let f = ctx.filter(ctx.midnight(from)?, ctx.midnight(to)?);
    let rows = ctx.with(&f, |s, f| s.counts(f, Granularity::Month, false, false));
    if !ctx.years.contains(&year) {
        // A year without data has no values, not zeros.
        return Ok(vec![f64::NAN; 12]);
    }
    let mut out = vec![0.0; 12];
    for r in rows {
        if let PeriodKey::Month { month, .. } = r.period {
            out[month as usize - 1] += f64::from(r.count);
        }
    }
    if let Some(u) = until {
        for (m, v) in out.iter_mut().enumerate() {
            if u.year() == year && (m as i8 + 1) > u.month() {
                *v = f64::NAN;
            }
        }
    }
    Ok(out)
}

/// The tertial analysis: tertial `t` (1–3) of `year` against the same months a year earlier.
pub async fn tertial(state: &App, year: i16, t: u8, scope: Scope) -> Result<Document> {
    let ctx = Ctx::load(state, scope, Lang::Sv).await?;
    let (from, full_to) = tertial_period(year, t)?;
    let today = ctx.now.date();
    let tomorrow = today
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let ongoing = full_to > tomorrow;
    let to = if ongoing { tomorrow.max(from) } else { full_to };
    let (pfrom, pto) = (minus_year(from)?, minus_year(to)?);
    let now = ctx.stats(from, to)?;
    let prev = ctx.stats(pfrom, pto)?;
    let last_day = to
        .checked_sub(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let months = format!(
        "{}–{}",
        MONTH_NAMES[from.month() as usize - 1],
        MONTH_NAMES[full_to
            .checked_sub(Span::new().days(1))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?
            .month() as usize
            - 1]
    );
    let what = format!("tertial {t} {year}");
    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    if ongoing {
        b.push(Block::text(format!(
            "Tertialet pågår: siffrorna gäller {} och jämförs med samma dagar {}.",
            date_range(Lang::Sv, from, last_day),
            year - 1
        )));
    }
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("Händelser {months} {year}"),
            fmt_int_sv(i64::from(now.total)),
            Some(&format!(
                "{} mot {}",
                change_cell(Lang::Sv, now.total, prev.total),
                year - 1
            )),
        ),
        KeyFigure::new(
            format!("Samma period {}", year - 1),
            fmt_int_sv(i64::from(prev.total)),
            None,
        ),
    ]));
    b.push(Block::text(if now.total == 0 {
        format!(
            "Inga händelser har rapporterats under {what} ({}); samma period {} rapporterades {}.",
            date_range(Lang::Sv, from, last_day),
            year - 1,
            count_sv(prev.total, "händelse", "händelser")
        )
    } else {
        format!(
            "Under {what} ({}) rapporterades {}. {}",
            date_range(Lang::Sv, from, last_day),
            count_sv(now.total, "händelse", "händelser"),
            ctx.vs_same_period(year - 1, now.total, prev.total)
        )
    }));
    let changes = ctx.district_changes(&now, &prev, &format!("samma period {}", year - 1));
    if !changes.is_empty() {
        b.push(Block::bullets(changes));
    }

    b.push(Block::heading(2, "Händelser per kategori"));
    let (ln, lp) = (year.to_string(), (year - 1).to_string());
    b.push(Block::Table(if ctx.years.contains(&(year - 1)) {
        ctx.group_table(
            &format!(
                "Händelser per kategori, {what} och samma period {}",
                year - 1
            ),
            &[(&ln, &now), (&lp, &prev)],
            true,
        )
    } else {
        ctx.group_table(
            &format!("Händelser per kategori, {what}"),
            &[(&ln, &now)],
            false,
        )
    }));
    b.push(Block::heading(2, "Händelser per område"));
    b.push(Block::Table(ctx.district_table(
        &format!("Händelser per område, {what} och samma period {}", year - 1),
        &ln,
        &lp,
        &now,
        &prev,
    )));

    b.push(Block::heading(2, "Utveckling över året"));
    let until = Some(last_day);
    let cur = monthly(&ctx, year, until)?;
    let p1 = monthly(&ctx, year - 1, None)?;
    let p2 = monthly(&ctx, year - 2, None)?;
    let img = chart::line(&LineChart {
        title: "Händelser per månad".into(),
        y_label: "Antal händelser".into(),
        x_label: "Månad".into(),
        x_labels: MONTHS_SV.iter().map(|s| s.to_string()).collect(),
        series: vec![
            Series::new(year.to_string(), cur),
            Series::new((year - 1).to_string(), p1),
            Series::new((year - 2).to_string(), p2),
        ],
        lang: trygg_report::Lang::Sv,
    })?;
    b.push(Block::figure(
        format!(
            "Händelser per månad {year} (till och med {}) jämfört med {} och {}.",
            long_date(Lang::Sv, last_day),
            year - 1,
            year - 2
        ),
        img,
    ));

    b.push(Block::heading(2, "När händelserna inträffar"));
    b.extend(ctx.heat_map_figure(from, to, &what)?);

    b.push(Block::heading(2, "Var händelserna inträffar"));
    let (gi_sentence, spots) = ctx.hot_spots(from, to, &what)?;
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser per område, {what}"),
        &format!("Händelser {what}"),
        &now,
        None,
        spots,
        format!(
            "Antal händelser per stadsdel under {what} (ytfärg) och hot spots enligt Gi* (rutor)."
        ),
    )? {
        b.push(fig);
    }
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(3, "Återkommande platser"));
    b.extend(ctx.top_places(from, to, &what)?);
    b.push(Block::heading(3, "Nära upprepning av inbrott"));
    b.push(Block::text(ctx.near_repeat(from, to, &what)?));

    b.push(Block::heading(2, "Om statistiken"));
    b.push(Block::bullets(method_bullets(Lang::Sv)));
    let doc = Document {
        title: format!("Tertialanalys {t} {year}"),
        subtitle: Some(format!(
            "{} {year} jämfört med samma period {}",
            capitalise(&months),
            year - 1
        )),
        meta: ctx.meta(format!("{from} – {last_day}")),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
