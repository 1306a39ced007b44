//! The languages trygg speaks — Swedish, and English for those who asked — and the one way to
//! write a count with its noun in each (`1 kategori`, `3 kategorier`, `1 category`).
//!
//! Pages, generated sentences and reports all take a [`Lang`]; the Swedish wording is the
//! reference and the English is written from the same numbers.

/// The interface and report language. Swedish unless the user picked English.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Svenska.
    #[default]
    Sv,
    /// English.
    En,
}

impl Lang {
    /// The text in this language: `l.t("Logga in", "Sign in")`.
    pub fn t<'a>(self, sv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// The `lang` attribute / cookie / query value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// From a cookie or query value; anything else is Swedish.
    pub fn parse(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Sv
        }
    }

    /// The noun that goes with `n`: one form for exactly one (and minus one), the other for
    /// every other count, zero included (`0 kategorier`, `0 categories`).
    /// `l.noun(n, ("kategori", "kategorier"), ("category", "categories"))`.
    pub fn noun<'a>(self, n: i64, sv: (&'a str, &'a str), en: (&'a str, &'a str)) -> &'a str {
        let (one, many) = match self {
            Lang::Sv => sv,
            Lang::En => en,
        };
        if n.unsigned_abs() == 1 { one } else { many }
    }

    /// A count with its noun, the number written as the language writes it (a non-breaking
    /// thousands separator in Swedish, a comma in English): `2 345 händelser`, `2,345 events`.
    pub fn count(self, n: i64, sv: (&str, &str), en: (&str, &str)) -> String {
        format!("{} {}", self.int(n), self.noun(n, sv, en))
    }

    /// An integer as the language writes it: `-1 234 567` (non-breaking spaces) or `-1,234,567`.
    pub fn int(self, n: i64) -> String {
        let sep = match self {
            Lang::Sv => '\u{a0}',
            Lang::En => ',',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    const CAT: ((&str, &str), (&str, &str)) =
        (("kategori", "kategorier"), ("category", "categories"));

    #[test]
    fn one_takes_the_singular_and_every_other_count_the_plural() {
        for (n, sv, en) in [
            (0, "0 kategorier", "0 categories"),
            (1, "1 kategori", "1 category"),
            (2, "2 kategorier", "2 categories"),
            (-1, "-1 kategori", "-1 category"),
            (1234, "1\u{a0}234 kategorier", "1,234 categories"),
        ] {
            assert_eq!(Lang::Sv.count(n, CAT.0, CAT.1), sv);
            assert_eq!(Lang::En.count(n, CAT.0, CAT.1), en);
        }
    }

    #[test]
    fn integers_group_by_thousands() {
        assert_eq!(Lang::Sv.int(-1_234_567), "-1\u{a0}234\u{a0}567");
        assert_eq!(Lang::En.int(1_000), "1,000");
        assert_eq!(Lang::En.int(999), "999");
        assert_eq!(Lang::Sv.int(0), "0");
    }

    #[test]
    fn anything_but_en_is_swedish() {
        assert_eq!(Lang::parse("EN"), Lang::En);
        assert_eq!(Lang::parse("de"), Lang::Sv);
        assert_eq!(Lang::En.code(), "en");
    }
}
