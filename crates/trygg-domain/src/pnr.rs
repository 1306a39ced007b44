//! The personal-identity-number guard.
//!
//! The shared lägesbild must never hold a *personnummer* (or *samordningsnummer*), nor
//! anything that looks like one. Free text is read the way a person reads it: every kind of
//! decimal digit counts (ASCII, full-width `８`, Arabic-Indic, mathematical bold …), and digit
//! groups may be separated by up to three *separator* characters — spaces of any kind (also
//! no-break, narrow and zero-width ones), dashes of any kind (hyphen, non-breaking hyphen,
//! en and em dash, minus sign, soft hyphen), `+`, dots and slashes. A *candidate* is then one of
//!
//! - one run of 10 or 12 digits: `8112289874`, `198112289874`;
//! - a date part of 6 or 8 digits, a separator, and 4 digits: `811228-9874`, `811228 9874`,
//!   `811228–9874`, `19811228+9874`, `811228/9874`;
//! - a date part written in groups (`81 12 28`, `1981-12-28`, `81.12.28`), and after a dash,
//!   `+`, dot or slash (not a space alone, so `2024-03-01 1230`, a date and a time, is not one),
//!   4 digits: `81.12.28-9874`;
//!
//! whose date part is a real date (month 01–12, the day within the month, or the day plus 60
//! for a samordningsnummer; a 12-digit form's century 18, 19 or 20). A candidate that continues
//! through a dash, dot, slash or `+` into more digits is part of something longer (a date range
//! `2024-03-01–2024-03-31`, a case number `5000-123456-24`) and is not one.
//!
//! A candidate whose last digit is the Luhn check digit over the ten-digit form is a
//! personal identity number, wherever it stands. One whose check digit is wrong is still
//! refused — a mistyped personnummer is personal data too — unless it is written with a
//! prefix (`KSN-8112289875`, `K8112289875`: letters directly before, or before one dash, dot or
//! slash) or is a ten-digit run starting with 0, the shape of a Swedish phone number
//! (`0701234567`). Phone numbers as people write them (`070-123 45 67`), case numbers
//! (`5000-K123456-24`), dates and times, and kronor amounts (`12 500 kr`) are not candidates.

/// Where in the text a personal identity number, or something that looks like one, was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the first digit.
    pub start: usize,
    /// Byte offset just past the last digit.
    pub end: usize,
    /// Whether the last digit is the right check digit: a personnummer or samordningsnummer
    /// as issued, rather than one that looks like it (mistyped, or a number of another kind).
    pub check_digit_ok: bool,
}

/// The value of a decimal digit of any of the scripts people paste from, if `c` is one.
fn digit(c: char) -> Option<u8> {
    let c = c as u32;
    let from = |zero: u32| u8::try_from(c - zero).ok();
    match c {
        0x30..=0x39 => from(0x30),
        0xFF10..=0xFF19 => from(0xFF10), // full-width
        0x0660..=0x0669 => from(0x0660), // Arabic-Indic
        0x06F0..=0x06F9 => from(0x06F0), // Extended Arabic-Indic
        0x0966..=0x096F => from(0x0966), // Devanagari
        0x2080..=0x2089 => from(0x2080), // subscript
        0x1D7CE..=0x1D7FF => from(0x1D7CE).map(|d| d % 10), // mathematical bold, double-struck, …
        _ => None,
    }
}

/// What a separator character is: a space (of any width, or none) or a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Space,
    Mark,
}

fn separator(c: char) -> Option<Sep> {
    match c {
        ' '
        | '\t'
        | '\u{a0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200b}'
        | '\u{202f}'
        | '\u{205f}'
        | '\u{2060}'
        | '\u{3000}'
        | '\u{feff}' => Some(Sep::Space),
        '-'
        | '\u{ad}'
        | '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{fe58}'
        | '\u{fe63}'
        | '\u{ff0d}'
        | '+'
        | '\u{ff0b}'
        | '.'
        | '\u{ff0e}'
        | '/'
        | '\u{2044}'
        | '\u{2215}'
        | '\u{ff0f}' => Some(Sep::Mark),
        _ => None,
    }
}

/// How one digit group is joined to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Not joined: other characters, or more than [`MAX_GAP`] separators, or the end.
    Break,
    /// By spaces only.
    Space,
    /// By separators that include a dash, `+`, dot or slash.
    Mark,
}

/// The most separator characters between two groups of one number (`811228 – 9874`).
const MAX_GAP: usize = 3;

/// A maximal run of digits.
#[derive(Debug, Clone, Copy)]
struct Group {
    /// The first 12 digits' values.
    digits: [u8; 12],
    /// How many digits (may exceed 12; such a group never matches).
    len: usize,
    start: usize,
    end: usize,
    /// Written with a prefix: a letter directly before, or before one mark.
    prefixed: bool,
    /// A letter directly after, or after one mark.
    suffixed: bool,
    /// How it is joined to the next group.
    gap: Gap,
}

impl Group {
    fn digits(&self) -> &[u8] {
        &self.digits[..self.len.min(12)]
    }
}

/// The digit groups of `text`, with how each is joined to the next.
fn groups(text: &str) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut chars = text.char_indices().peekable();
    // The two characters before the current position, for the prefix rule.
    let (mut prev, mut prev2) = (None::<char>, None::<char>);
    // Separators seen since the last group ended, and whether one was a mark.
    let (mut seps, mut mark) = (0usize, false);
    let mut joinable = false;
    while let Some((i, c)) = chars.next() {
        if let Some(d) = digit(c) {
            let prefixed = prev.is_some_and(char::is_alphabetic)
                || (prev.and_then(separator) == Some(Sep::Mark)
                    && prev2.is_some_and(char::is_alphabetic));
            if let Some(last) = out.last_mut() {
                last.gap = match (joinable, seps, mark) {
                    (true, 1..=MAX_GAP, true) => Gap::Mark,
                    (true, 1..=MAX_GAP, false) => Gap::Space,
                    _ => Gap::Break,
                };
            }
            let mut g = Group {
                digits: [0; 12],
                len: 1,
                start: i,
                end: i + c.len_utf8(),
                prefixed,
                suffixed: false,
                gap: Gap::Break,
            };
            g.digits[0] = d;
            let mut last = c;
            while let Some(&(j, c)) = chars.peek() {
                let Some(d) = digit(c) else { break };
                if g.len < 12 {
                    g.digits[g.len] = d;
                }
                g.len += 1;
                g.end = j + c.len_utf8();
                last = c;
                chars.next();
            }
            let mut after = text[g.end..].chars();
            let (a1, a2) = (after.next(), after.next());
            g.suffixed = a1.is_some_and(char::is_alphabetic)
                || (a1.and_then(separator) == Some(Sep::Mark)
                    && a2.is_some_and(char::is_alphabetic));
            out.push(g);
            (prev2, prev) = (Some(last), Some(last));
            (seps, mark, joinable) = (0, false, true);
            continue;
        }
        match separator(c) {
            Some(kind) if joinable => {
                seps += 1;
                mark |= kind == Sep::Mark;
            }
            _ => joinable = false,
        }
        (prev2, prev) = (prev, Some(c));
    }
    out
}

/// Whether `date` (6 or 8 digits) is a real date, or one with the day plus 60.
fn plausible_date(date: &[u8]) -> bool {
    let n = |d: &[u8]| d.iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let (year, rest) = match date.len() {
        8 => {
            if !(18..=20).contains(&n(&date[..2])) {
                return false;
            }
            (n(&date[..4]), &date[4..])
        }
        6 => (n(&date[..2]), &date[2..]),
        _ => return false,
    };
    let (month, mut day) = (n(&rest[..2]), n(&rest[2..4]));
    if day > 60 {
        day -= 60;
    }
    let leap = year.is_multiple_of(4)
        && (date.len() == 6 || !year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Luhn over the ten digits: weights 2,1,2,1,… from the left, the last digit is the check.
fn luhn_ok(ten: &[u8]) -> bool {
    let sum: u32 = ten
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let d = u32::from(d);
            if k.is_multiple_of(2) {
                let p = d * 2;
                p / 10 + p % 10
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The candidate starting at group `i`: how many groups it spans and its date and last four.
fn candidate(gs: &[Group], i: usize) -> Option<(usize, Vec<u8>)> {
    let len = |k: usize| gs.get(k).map(|g| g.len);
    let joined = |k: usize| gs[k].gap != Gap::Break;
    // One run.
    if matches!(len(i), Some(10 | 12)) {
        return Some((1, gs[i].digits().to_vec()));
    }
    // Date part, separator, four digits.
    if matches!(len(i), Some(6 | 8)) && joined(i) && len(i + 1) == Some(4) {
        let mut d = gs[i].digits().to_vec();
        d.extend_from_slice(gs[i + 1].digits());
        return Some((2, d));
    }
    // Date part in groups, a mark, four digits.
    let shape = [len(i), len(i + 1), len(i + 2), len(i + 3)];
    if matches!(shape, [Some(2 | 4), Some(2), Some(2), Some(4)])
        && joined(i)
        && joined(i + 1)
        && gs[i + 2].gap == Gap::Mark
    {
        let mut d = Vec::with_capacity(12);
        for g in &gs[i..i + 4] {
            d.extend_from_slice(g.digits());
        }
        return Some((4, d));
    }
    None
}

/// Finds the first personal identity number, or number that looks like one, in `text`.
pub fn find(text: &str) -> Option<Found> {
    if !text.chars().any(|c| digit(c).is_some()) {
        return None;
    }
    let gs = groups(text);
    for i in 0..gs.len() {
        let Some((span, digits)) = candidate(&gs, i) else {
            continue;
        };
        let (first, last) = (&gs[i], &gs[i + span - 1]);
        // Part of something longer: a range, a case number, a longer code.
        let continues_before = i > 0 && gs[i - 1].gap == Gap::Mark;
        if continues_before || last.gap == Gap::Mark {
            continue;
        }
        let (date, _) = digits.split_at(digits.len() - 4);
        if !plausible_date(date) {
            continue;
        }
        let ten = &digits[digits.len() - 10..];
        let check_digit_ok = luhn_ok(ten);
        let prefixed = first.prefixed || last.suffixed;
        let phone = span == 1 && digits.len() == 10 && digits[0] == 0;
        if check_digit_ok || !(prefixed || phone) {
            return Some(Found {
                start: first.start,
                end: last.end,
                check_digit_ok,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(text: &str) -> bool {
        find(text).is_some_and(|f| f.check_digit_ok)
    }

    fn looks_like(text: &str) -> bool {
        find(text).is_some_and(|f| !f.check_digit_ok)
    }

    // 811228-9874 is Skatteverket's own published example of a valid personnummer.
    #[test]
    fn finds_all_three_written_forms() {
        assert!(valid("sågs av 811228-9874 igår"));
        assert!(valid("sågs av 811228+9874 igår"));
        assert!(valid("pnr 198112289874."));
        assert!(valid("pnr 8112289874"));
        assert!(valid("pnr 19811228-9874"));
        assert_eq!(
            find("x 811228-9874"),
            Some(Found {
                start: 2,
                end: 13,
                check_digit_ok: true
            })
        );
    }

    #[test]
    fn separators_of_any_kind_do_not_hide_a_number() {
        for text in [
            "811228 9874",
            "811228\u{a0}9874",
            "811228\u{202f}9874",
            "811228\u{200b}9874",
            "811228\u{2009}9874",
            "811228–9874",
            "811228—9874",
            "811228\u{2212}9874",
            "811228\u{2011}9874",
            "811228\u{ad}9874",
            "811228 - 9874",
            "811228 – 9874",
            "811228/9874",
            "811228.9874",
            "19811228 9874",
            "1981-12-28-9874",
            "81.12.28-9874",
            "81 12 28-9874",
            "81-12-28–9874",
            "８１１２２８-９８７４",
            "８１１２２８－９８７４",
            "８１１２２８９８７４",
            "\u{1d7d6}\u{1d7cf}\u{1d7cf}\u{1d7d0}\u{1d7d0}\u{1d7d6}-\u{1d7d7}\u{1d7d6}\u{1d7d5}\u{1d7d2}",
        ] {
            assert!(valid(&format!("Ungdom {text} syntes")), "{text:?}");
        }
        // Byte offsets, also for multi-byte digits.
        let f = find("x ８１１２２８-９８７４ y").unwrap();
        assert_eq!(
            &"x ８１１２２８-９８７４ y"[f.start..f.end],
            "８１１２２８-９８７４"
        );
    }

    #[test]
    fn a_dated_number_with_a_wrong_check_digit_still_looks_like_one() {
        assert!(looks_like("Ärende 811228-9875"));
        assert!(looks_like("8112289875"));
        assert!(looks_like("198112289875"));
        assert!(looks_like("811228 9875"));
        assert!(looks_like("811228–9875"));
        // Written with its prefix, it is a case number.
        assert!(find("KSN-811228-9875").is_none());
        assert!(find("K8112289875").is_none());
        assert!(find("dnr AM-8112289875").is_none());
        // A valid number is refused even with a prefix.
        assert!(valid("K8112289874"));
    }

    #[test]
    fn samordningsnummer_have_the_day_plus_sixty() {
        // Day 28 + 60 = 88; check digit recomputed for the ten digits.
        let base = [8, 1, 1, 2, 8, 8, 9, 8, 7];
        let check = (0..10)
            .find(|&c| {
                let mut ten = base.to_vec();
                ten.push(c);
                luhn_ok(&ten)
            })
            .expect("some digit");
        assert!(valid(&format!("811288-987{check}")));
        assert!(looks_like(&format!("811288-987{}", (check + 1) % 10)));
    }

    #[test]
    fn ordinary_numbers_are_not_taken_for_one() {
        for text in [
            "",
            "ärende 5000-K123456-24",
            "Ärendenummer 5000-K123456-24 och 5000-K654321-23",
            "KSN-2019-03372",
            "Dnr 2024/01234",
            "ring 0701234567",
            "ring 070-123 45 67",
            "ring 070 123 45 67",
            "ring 08-123 456 78",
            "ring 018-12 34 56",
            "ring +46 70 123 45 67",
            "ring +46701234567",
            "2024-03-01",
            "2024-03-01 12:30",
            "2024-03-01 kl 1230",
            "2024-03-01 1230",
            "2024-03-01–2024-03-31",
            "2024-03-01 – 2024-03-31",
            "1 mars 2024–31 mars 2024",
            "20240301",
            "2024-03-01T20:00:00Z",
            "01.03.2024",
            "12 500 kr",
            "1 234 567 kronor",
            "2 500 000 kr",
            "12 345,50 kr",
            "250.000 kr",
            "8112289874123",
            "811328-9874",
            "810230-9874",
            "811200-9874",
            "bilnr ABC 123",
            "5000-811228-9875",
            "811228-9875-12",
            "811228-98750",
        ] {
            assert_eq!(find(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_wrong_check_digit_is_caught_unless_the_last_digit_is_right() {
        assert!(!luhn_ok(&[8, 1, 1, 2, 2, 8, 9, 8, 7, 5]));
        assert!(luhn_ok(&[8, 1, 1, 2, 2, 8, 9, 8, 7, 4]));
    }

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert!(plausible_date(&[2, 4, 0, 2, 2, 9]), "leap day 2024");
        assert!(!plausible_date(&[2, 3, 0, 2, 2, 9]), "no 29 Feb 2023");
        assert!(
            !plausible_date(&[1, 9, 0, 0, 0, 2, 2, 9]),
            "1900 was no leap year"
        );
        assert!(plausible_date(&[2, 0, 0, 0, 0, 2, 2, 9]), "2000 was");
        assert!(!plausible_date(&[2, 1, 8, 1, 1, 2, 2, 8]), "century 21");
        assert!(
            plausible_date(&[8, 1, 1, 2, 9, 1]),
            "samordningsnummer day 31 + 60"
        );
        assert!(!plausible_date(&[8, 1, 1, 1, 9, 1]), "no 31 November");
    }
}
