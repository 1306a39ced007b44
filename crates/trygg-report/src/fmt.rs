//! Swedish number formatting: decimal comma, a non-breaking space (U+00A0) as thousands
//! separator, a hyphen-minus for negative numbers (so that the text still pastes into Excel).

/// The thousands separator: a non-breaking space, so that a number never breaks across lines.
pub const THOUSANDS_SEPARATOR: char = '\u{a0}';

/// Formats `value` with `decimals` decimals the Swedish way: `fmt_sv(12345.678, 1)` is
/// `"12 345,7"` (with U+00A0 as the space). Rounds half away from zero; never writes `-0`.
/// Non-finite values are written as `"–"` (en dash), the conventional "no value" in a table.
pub fn fmt_sv(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
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
            out.push(THOUSANDS_SEPARATOR);
        }
        out.push(c);
    }
    if let Some(f) = frac_part {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// An integer with thousands separators: `fmt_int_sv(-1234567)` is `"-1 234 567"`.
pub fn fmt_int_sv(value: i64) -> String {
    fmt_sv(value as f64, 0)
}

/// A percentage with a sign when asked: `fmt_percent_sv(-0.4, 0, true)` is `"-40 %"`,
/// `fmt_percent_sv(0.153, 1, false)` is `"15,3 %"` (a non-breaking space before `%`, as the
/// Swedish style guides write it). `share` is a fraction (0.4 = 40 %).
pub fn fmt_percent_sv(share: f64, decimals: usize, signed: bool) -> String {
    if !share.is_finite() {
        return "–".to_string();
    }
    let body = fmt_sv(share * 100.0, decimals);
    let sign = if signed
        && !body.starts_with('-')
        && body.bytes().any(|b| b.is_ascii_digit() && b != b'0')
    {
        "+"
    } else {
        ""
    };
    format!("{sign}{body}\u{a0}%")
}

/// The short Swedish weekday names, Monday first.
pub(crate) const WEEKDAYS_SV: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];

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
}
