//! Sweden's 290 kommuner and 21 län with their official codes, embedded.
//!
//! Polisen names places by kommun or county name only; the store assigns areas by code. This
//! table (SCB "Län och kommuner i kodnummerordning", as kept by dnouri/polisen-se-events-history
//! `reference/swedish_admin_areas.csv`) turns a name into its codes without any I/O.

use std::sync::OnceLock;

const TABLE: &str = include_str!("swedish_admin_areas_kommun_lan_codes.csv");

/// A kommun and the county it lies in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Kommun {
    /// Four-digit kommun code ("0380").
    pub code: &'static str,
    /// Name ("Uppsala").
    pub name: &'static str,
    /// Two-digit county code ("03").
    pub county_code: &'static str,
    /// County name ("Uppsala län").
    pub county_name: &'static str,
}

/// Every kommun, in code order.
pub fn all() -> &'static [Kommun] {
    static ALL: OnceLock<Vec<Kommun>> = OnceLock::new();
    ALL.get_or_init(|| {
        TABLE
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut f = l.split(',');
                let mut next = || f.next().expect("four columns").trim();
                Kommun {
                    code: next(),
                    name: next(),
                    county_code: next(),
                    county_name: next(),
                }
            })
            .collect()
    })
}

/// The kommun with this name, ignoring case and surrounding space.
pub fn by_name(name: &str) -> Option<&'static Kommun> {
    let n = name.trim();
    all()
        .iter()
        .find(|k| k.name.eq_ignore_ascii_case(n) || k.name.to_lowercase() == n.to_lowercase())
}

/// Whether `name` is a county name ("Uppsala län"), ignoring case.
pub fn is_county(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    all().iter().any(|k| k.county_name.to_lowercase() == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_complete() {
        assert_eq!(all().len(), 290);
        let u = by_name("uppsala").unwrap();
        assert_eq!(
            (u.code, u.county_code, u.county_name),
            ("0380", "03", "Uppsala län")
        );
        assert_eq!(by_name("Östhammar").unwrap().code, "0382");
        assert!(is_county("Uppsala län"));
        assert!(by_name("Uppsala län").is_none());
    }
}
