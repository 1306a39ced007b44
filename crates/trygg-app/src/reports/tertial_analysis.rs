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

/// The tertial analysis: tertial `t` (1–3) of `year` against the same months a year earlier,
/// in `lang`.
pub async fn tertial(state: &App, year: i16, t: u8, scope: Scope, lang: Lang) -> Result<Document> {
    let ctx = Ctx::load(state, scope, lang).await?;
    let l = lang;
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
    let last_month = full_to
        .checked_sub(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?
        .month();
    let months = match l {
        Lang::Sv => format!(
            "{}–{}",
            MONTH_NAMES[from.month() as usize - 1],
            MONTH_NAMES[last_month as usize - 1]
        ),
        Lang::En => format!(
            "{}–{}",
            month_name(l, from.month()),
            month_name(l, last_month)
        ),
    };
    let what = format!("tertial {t} {year}");
    let dates = date_range(l, from, last_day);
    let ly = year - 1;
    let same_period = match l {
        Lang::Sv => format!("samma period {ly}"),
        Lang::En => format!("the same period of {ly}"),
    };
    let mut b = Vec::new();
    b.push(Block::heading(1, l.t("Sammanfattning", "Summary")));
    if ongoing {
        b.push(Block::text(match l {
            Lang::Sv => format!(
                "Tertialet pågår: siffrorna gäller {dates} och jämförs med samma dagar {ly}."
            ),
            Lang::En => format!(
                "The tertial is under way: the figures cover {dates} and are compared with the same days of {ly}."
            ),
        }));
    }
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("{} {months} {year}", l.t("Händelser", "Incidents")),
            ctx.int(now.total),
            Some(&format!(
                "{} {} {ly}",
                change_cell(l, now.total, prev.total),
                l.t("mot", "against")
            )),
        ),
        KeyFigure::new(
            format!("{} {ly}", l.t("Samma period", "The same period of")),
            ctx.int(prev.total),
            None,
        ),
    ]));
    b.push(Block::text(match (now.total == 0, l) {
        (true, Lang::Sv) => format!(
            "Inga händelser har rapporterats under {what} ({dates}); samma period {ly} rapporterades {}.",
            ctx.incidents(prev.total)
        ),
        (true, Lang::En) => format!(
            "No incidents have been reported in {what} ({dates}); in the same period of {ly}, {} were reported.",
            ctx.incidents(prev.total)
        ),
        (false, Lang::Sv) => format!(
            "Under {what} ({dates}) rapporterades {}. {}",
            ctx.incidents(now.total),
            ctx.vs_same_period(ly, now.total, prev.total)
        ),
        (false, Lang::En) => format!(
            "In {what} ({dates}) {} were reported. {}",
            ctx.incidents(now.total),
            ctx.vs_same_period(ly, now.total, prev.total)
        ),
    }));
    let changes = ctx.district_changes(&now, &prev, &same_period);
    if !changes.is_empty() {
        b.push(Block::bullets(changes));
    }

    b.push(Block::heading(
        2,
        l.t("Händelser per kategori", "Incidents by category"),
    ));
    let (ln, lp) = (year.to_string(), ly.to_string());
    b.push(Block::Table(if ctx.years.contains(&ly) {
        ctx.group_table(
            &match l {
                Lang::Sv => format!("Händelser per kategori, {what} och {same_period}"),
                Lang::En => format!("Incidents by category, {what} and {same_period}"),
            },
            &[(&ln, &now), (&lp, &prev)],
            true,
        )
    } else {
        ctx.group_table(
            &format!(
                "{}, {what}",
                l.t("Händelser per kategori", "Incidents by category")
            ),
            &[(&ln, &now)],
            false,
        )
    }));
    b.push(Block::heading(
        2,
        l.t("Händelser per område", "Incidents by area"),
    ));
    b.push(Block::Table(ctx.district_table(
        &match l {
            Lang::Sv => format!("Händelser per område, {what} och {same_period}"),
            Lang::En => format!("Incidents by area, {what} and {same_period}"),
        },
        &ln,
        &lp,
        &now,
        &prev,
    )));

    b.push(Block::heading(
        2,
        l.t("Utveckling över året", "Over the year"),
    ));
    let until = Some(last_day);
    let cur = monthly(&ctx, year, until)?;
    let p1 = monthly(&ctx, year - 1, None)?;
    let p2 = monthly(&ctx, year - 2, None)?;
    let img = chart::line(&LineChart {
        title: l.t("Händelser per månad", "Incidents per month").into(),
        y_label: l.t("Antal händelser", "Number of incidents").into(),
        x_label: l.t("Månad", "Month").into(),
        x_labels: (1..=12).map(|m| month_short(l, m).to_string()).collect(),
        series: vec![
            Series::new(year.to_string(), cur),
            Series::new(ly.to_string(), p1),
            Series::new((year - 2).to_string(), p2),
        ],
        lang: l,
    })?;
    b.push(Block::figure(
        match l {
            Lang::Sv => format!(
                "Händelser per månad {year} (till och med {}) jämfört med {ly} och {}.",
                long_date(l, last_day),
                year - 2
            ),
            Lang::En => format!(
                "Incidents per month in {year} (up to and including {}) compared with {ly} and {}.",
                long_date(l, last_day),
                year - 2
            ),
        },
        img,
    ));

    b.push(Block::heading(
        2,
        l.t("När händelserna inträffar", "When the incidents happen"),
    ));
    b.extend(ctx.heat_map_figure(from, to, &what)?);

    b.push(Block::heading(
        2,
        l.t("Var händelserna inträffar", "Where the incidents happen"),
    ));
    let (gi_sentence, spots) = ctx.hot_spots(from, to, &what)?;
    if let Some(fig) = ctx.map_figure(
        &format!("{}, {what}", l.t("Händelser per område", "Incidents by area")),
        &format!("{} {what}", l.t("Händelser", "Incidents")),
        &now,
        None,
        spots,
        match l {
            Lang::Sv => format!(
                "Antal händelser per stadsdel under {what} (ytfärg) och hot spots enligt Gi* (rutor)."
            ),
            Lang::En => format!(
                "Number of incidents per district in {what} (fill) and hot spots by Gi* (cells)."
            ),
        },
    )? {
        b.push(fig);
    }
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(
        3,
        l.t("Återkommande platser", "Repeat places"),
    ));
    b.extend(ctx.top_places(from, to, &what)?);
    b.push(Block::heading(
        3,
        l.t("Nära upprepning av inbrott", "Near repeats of burglaries"),
    ));
    b.push(Block::text(ctx.near_repeat(from, to, &what)?));

    b.push(Block::heading(
        2,
        l.t("Om statistiken", "About the statistics"),
    ));
    b.push(Block::bullets(method_bullets(l)));
    let doc = Document {
        title: match l {
            Lang::Sv => format!("Tertialanalys {t} {year}"),
            Lang::En => format!("Tertial analysis {t} {year}"),
        },
        subtitle: Some(match l {
            Lang::Sv => format!("{} {year} jämfört med {same_period}", capitalise(&months)),
            Lang::En => format!("{months} {year} compared with {same_period}"),
        }),
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
