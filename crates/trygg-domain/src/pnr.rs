//! The personal-identity-number guard.
//!
//! The shared lägesbild must never hold a *personnummer* (or *samordningsnummer*). Free text is
//! scanned for the three written forms `YYMMDD-XXXX` (also with `+`), `YYYYMMDDXXXX` and
//! `YYMMDDXXXX`; a candidate counts only when its date part is plausible (month 01–12, day
//! 01–31, or 61–91 for a samordningsnummer) and its last digit is the Luhn check digit over
//! the ten-digit form. Requiring the check digit keeps false alarms on ordinary numbers
//! (case numbers, phone numbers) rare: one random ten-digit run in ten passes it.

/// Where in the text a personal identity number was found (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Byte offset of the first digit.
    pub start: usize,
    /// Byte offset just past the last digit.
    pub end: usize,
}

/// Finds the first personal identity number in `text`, if any.
pub fn find(text: &str) -> Option<Found> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A maximal run of digits, optionally interrupted once by '-' or '+' after 6 or 8 digits.
        let run_end = digits_end(bytes, i);
        let run = &text[i..run_end];
        let candidate = match run.len() {
            12 => Some((run[2..].to_string(), run_end)),
            10 => Some((run.to_string(), run_end)),
            6 | 8 if matches!(bytes.get(run_end), Some(b'-' | b'+')) => {
                let tail_end = digits_end(bytes, run_end + 1);
                (tail_end - (run_end + 1) == 4).then(|| {
                    let date = &run[run.len() - 6..];
                    (format!("{date}{}", &text[run_end + 1..tail_end]), tail_end)
                })
            }
            _ => None,
        };
        if let Some((ten, end)) = candidate
            && plausible_date(&ten)
            && luhn_ok(&ten)
        {
            return Some(Found { start: i, end });
        }
        i = run_end.max(i + 1);
    }
    None
}

fn digits_end(bytes: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < bytes.len() && bytes[j].is_ascii_digit() {
        j += 1;
    }
    j
}

fn plausible_date(ten: &str) -> bool {
    let month: u32 = ten[2..4].parse().unwrap_or(0);
    let day: u32 = ten[4..6].parse().unwrap_or(0);
    (1..=12).contains(&month) && ((1..=31).contains(&day) || (61..=91).contains(&day))
}

/// Luhn over the ten digits: weights 2,1,2,1,… from the left, the last digit is the check.
fn luhn_ok(ten: &str) -> bool {
    let sum: u32 = ten
        .bytes()
        .enumerate()
        .map(|(k, b)| {
            let d = u32::from(b - b'0');
            if k % 2 == 0 {
                let p = d * 2;
                p / 10 + p % 10
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 811228-9874 is Skatteverket's own published example of a valid personnummer.
    #[test]
    fn finds_all_three_written_forms() {
        assert!(find("sågs av 811228-9874 igår").is_some());
        assert!(find("sågs av 811228+9874 igår").is_some());
        assert!(find("pnr 198112289874.").is_some());
        assert!(find("pnr 8112289874").is_some());
        assert_eq!(find("x 811228-9874"), Some(Found { start: 2, end: 13 }));
    }

    #[test]
    fn ignores_numbers_that_fail_the_check_digit_or_date() {
        assert!(find("811228-9875").is_none(), "wrong check digit");
        assert!(find("811328-9874").is_none(), "month 13");
        assert!(find("ärende 5000-K123456-24").is_none());
        assert!(find("ring 0701234567").is_none());
        assert!(find("8112289874123").is_none(), "13 digits is not a pnr");
        assert!(find("").is_none());
    }

    #[test]
    fn accepts_samordningsnummer() {
        // Day 28 + 60 = 88; check digit recomputed for the ten digits 8112889874 → find one.
        let base = "811288987";
        let check = (0..10)
            .find(|c| luhn_ok(&format!("{base}{c}")))
            .expect("some digit");
        assert!(find(&format!("{base}{check}")).is_some());
    }
}
