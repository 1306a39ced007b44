//! Number formatting in the report's language. Swedish (the reference): decimal comma, a
//! non-breaking space (U+00A0) as thousands separator, a hyphen-minus for negative numbers (so
//! that the text still pastes into Excel), `12 %`. English: decimal point, comma thousands,
//! `12%`. The `_sv` functions are the Swedish forms.

pub use trygg_domain::Lang;

/// The Swedish thousands separator: a non-breaking space, so that a number never breaks across
/// lines.
pub const THOUSANDS_SEPARATOR: char = '\u{a0}';

/// Formats `value` with `decimals` decimals as `lang` writes it: `fmt_num(Lang::Sv, 12345.678, 1)`
/// is `"12 345,7"` (with U+00A0 as the space), in English `"12,345.7"`. Rounds half away from
/// zero; never writes `-0`. Non-finite values are written as `"–"` (en dash), the conventional
/// "no value" in a table.
pub fn fmt_num(lang: Lang, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let (thousands, point) = match lang {
        Lang::Sv => (THOUSANDS_SEPARATOR, ','),
        Lang::En => (',', '.'),
    };
    // Round half away from zero (`format!` alone rounds half to even: 412.5 → "412").
    let factor = 10f64.powi(decimals.min(15) as i32);
    let rounded = (value.abs() * factor).round() / factor;
    let s = format!("{:.*}", decimals, rounded);
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let negative = value < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = String::with_capacity(s.len() + 4);
    if negative {
        out.push('-');
    }
    let digits = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(c);
    }
    if let Some(f) = frac_part {
        out.push(point);
        out.push_str(f);
    }
    out
}

/// Formats `value` the Swedish way: [`fmt_num`] in [`Lang::Sv`].
pub fn fmt_sv(value: f64, decimals: usize) -> String {
    fmt_num(Lang::Sv, value, decimals)
}

/// An integer with thousands separators: `fmt_int_sv(-1234567)` is `"-1 234 567"`.
pub fn fmt_int_sv(value: i64) -> String {
    fmt_sv(value as f64, 0)
}

/// A percentage with a sign when asked, as `lang` writes it: `-40 %` and `15,3 %` in Swedish (a
/// non-breaking space before `%`, as the Swedish style guides write it), `-40%` and `15.3%` in
/// English. `share` is a fraction (0.4 = 40 %).
pub fn fmt_percent(lang: Lang, share: f64, decimals: usize, signed: bool) -> String {
    if !share.is_finite() {
        return "–".to_string();
    }
    let body = fmt_num(lang, share * 100.0, decimals);
    let sign = if signed
        && !body.starts_with('-')
        && body.bytes().any(|b| b.is_ascii_digit() && b != b'0')
    {
        "+"
    } else {
        ""
    };
    match lang {
        Lang::Sv => format!("{sign}{body}\u{a0}%"),
        Lang::En => format!("{sign}{body}%"),
    }
}

/// A percentage the Swedish way: [`fmt_percent`] in [`Lang::Sv`].
pub fn fmt_percent_sv(share: f64, decimals: usize, signed: bool) -> String {
    fmt_percent(Lang::Sv, share, decimals, signed)
}

/// The short weekday names, Monday first.
pub(crate) fn weekdays_short(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Sv => ["mån", "tis", "ons", "tor", "fre", "lör", "sön"],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: String) -> String {
        s.replace('\u{a0}', " ")
    }

    #[test]
    fn decimal_comma_and_space_thousands() {
        assert_eq!(plain(fmt_sv(12345.678, 1)), "12 345,7");
        assert_eq!(plain(fmt_sv(1234567.0, 0)), "1 234 567");
        assert_eq!(plain(fmt_sv(999.0, 0)), "999");
        assert_eq!(plain(fmt_sv(1000.0, 0)), "1 000");
        assert_eq!(plain(fmt_sv(0.5, 2)), "0,50");
        assert_eq!(plain(fmt_sv(412.5, 0)), "413");
        assert_eq!(plain(fmt_sv(-2.5, 0)), "-3");
        assert_eq!(plain(fmt_sv(999_999.96, 1)), "1 000 000,0");
        assert_eq!(plain(fmt_sv(-1234.5, 1)), "-1 234,5");
        assert_eq!(fmt_sv(-0.04, 1), "0,0");
        assert_eq!(fmt_sv(f64::NAN, 1), "–");
        assert_eq!(plain(fmt_int_sv(-1234567)), "-1 234 567");
        assert!(fmt_sv(12345.0, 0).contains('\u{a0}'), "non-breaking space");
    }

    #[test]
    fn percentages() {
        assert_eq!(plain(fmt_percent_sv(-0.4, 0, true)), "-40 %");
        assert_eq!(plain(fmt_percent_sv(0.153, 1, false)), "15,3 %");
        assert_eq!(plain(fmt_percent_sv(0.15, 0, true)), "+15 %");
        assert_eq!(plain(fmt_percent_sv(0.0, 0, true)), "0 %");
    }

    #[test]
    fn english_numbers_have_a_decimal_point_and_comma_thousands() {
        assert_eq!(fmt_num(Lang::En, 12345.678, 1), "12,345.7");
        assert_eq!(fmt_num(Lang::En, -1234567.0, 0), "-1,234,567");
        assert_eq!(fmt_num(Lang::En, -0.04, 1), "0.0");
        assert_eq!(fmt_percent(Lang::En, 0.153, 1, false), "15.3%");
        assert_eq!(fmt_percent(Lang::En, 0.15, 0, true), "+15%");
        assert_eq!(fmt_percent(Lang::En, -0.4, 0, true), "-40%");
    }
}
