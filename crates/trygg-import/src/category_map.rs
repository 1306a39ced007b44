//! A partnership's category map from a file: two columns, the value as it appears in its
//! files and trygg's category code, e.g.
//!
//! ```text
//! Värde;Kod
//! Ordningsstörning;ordning.ovrigt
//! Langning;ordning.narkotika
//! ```
//!
//! Separated by `;` (when any line has one) or `,`, quoted as CSV; UTF-8 with or without BOM, or
//! Windows-1252 (as Excel saves it), like the incident files. A first line whose second cell is
//! not a code but a heading (`Kod`, `Code`, `Kategorikod`, …) is a header. Every bad line is
//! listed with its number, and nothing is added unless the whole file is good.

use trygg_domain::{CategoryMap, Taxonomy};

use crate::report::{ImportErrors, Location};

/// First-line cells that make it a header: the value's column…
const VALUE_HEADERS: &[&str] = &[
    "värde",
    "varde",
    "value",
    "kategori",
    "category",
    "text",
    "i filen",
    "in the file",
    "från",
    "fran",
    "from",
    "källa",
    "source",
    "original",
];

/// …or the code's.
const CODE_HEADERS: &[&str] = &[
    "kod",
    "code",
    "kategorikod",
    "category code",
    "category_code",
    "trygg",
    "trygg-kod",
    "trygg kod",
    "till",
    "to",
    "target",
];

/// Reads a map file into `map` (entries already in it, e.g. from `--category-map` flags, must
/// agree with the file's). Returns how many lines it read; on any problem `map` is unchanged.
pub fn read_category_map(bytes: &[u8], map: &mut CategoryMap) -> Result<usize, ImportErrors> {
    let table = crate::table::read(bytes, |text| {
        if text.contains(';') {
            b';'
        } else if text.contains(',') {
            b','
        } else {
            b'\t'
        }
    })?;
    let mut read = map.clone();
    let mut errors = table.errors;
    let mut lines = 0;
    let mut first = true;
    for (line, cells) in &table.rows {
        let line = *line;
        let is_first = std::mem::replace(&mut first, false);
        let filled = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if filled != 2 {
            errors.push(
                Location::Line(line),
                format!(
                    "a line needs two columns, the value in your files and trygg's category \
                     code (e.g. \"Ordningsstörning;ordning.ovrigt\"); this one has {filled}"
                ),
            );
            continue;
        }
        let (value, code) = (cells[0].as_str(), cells[1].as_str());
        let heading = |c: &str, words: &[&str]| words.contains(&c.to_lowercase().as_str());
        if is_first
            && Taxonomy.get(code).is_none()
            && (heading(value, VALUE_HEADERS) || heading(code, CODE_HEADERS))
        {
            continue;
        }
        match read.insert(value, code) {
            Ok(()) => lines += 1,
            Err(e) => errors.push(Location::Line(line), e.message),
        }
    }
    if errors.is_empty() && lines == 0 {
        errors.push(
            Location::File,
            "The category map file has no mappings: write one per line, the value in your \
             files and trygg's category code, e.g. \"Ordningsstörning;ordning.ovrigt\".",
        );
    }
    errors.into_result(())?;
    *map = read;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<CategoryMap, ImportErrors> {
        let mut map = CategoryMap::new();
        read_category_map(bytes, &mut map).map(|_| map)
    }

    #[test]
    fn semicolons_with_a_header_in_windows_1252() {
        let (text, _, _) = encoding_rs::WINDOWS_1252.encode(
            "Värde;Kod\r\nOrdningsstörning;ordning.ovrigt\r\n\"Rån; väpnat\";ordning.ran;\r\n\r\n",
        );
        assert!(std::str::from_utf8(&text).is_err());
        let map = read(&text).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(
            map.get("ordningsstörning").unwrap().1.code,
            "ordning.ovrigt"
        );
        assert_eq!(map.get("Rån; väpnat").unwrap().1.code, "ordning.ran");
    }

    #[test]
    fn commas_without_a_header_and_a_group() {
        let map = read(
            b"\xEF\xBB\xBFOrdningsst\xC3\xB6rning,ordning\n\"Bus, ungdomar\",ordning.ovrigt\n",
        )
        .unwrap();
        assert_eq!(map.get("ORDNINGSSTÖRNING").unwrap().1.code, "ordning");
        assert_eq!(map.get("bus, ungdomar").unwrap().1.code, "ordning.ovrigt");
    }

    #[test]
    fn every_bad_line_is_listed_and_nothing_is_added() {
        let mut map = CategoryMap::new();
        map.insert("Bus", "ordning.brak").unwrap();
        let e = read_category_map(
            "Ordningsstörning;ordning.ovrig\nBus;ordning.ovrigt\nEnsam\nLangning;ordning.narkotika\n"
                .as_bytes(),
            &mut map,
        )
        .unwrap_err();
        let m = e.messages();
        assert_eq!(m.len(), 3, "{e}");
        assert!(
            m[0].starts_with("line 1:") && m[0].contains("Nearest codes: ordning.ovrigt"),
            "{e}"
        );
        assert!(
            m[1].starts_with("line 2:") && m[1].contains("mapped twice"),
            "{e}"
        );
        assert!(
            m[2].starts_with("line 3:") && m[2].contains("two columns"),
            "{e}"
        );
        assert_eq!(map.len(), 1, "unchanged");
        // A wrong code on the first line is an error, not a header.
        let e = read(b"Klottr;skadegorelse.klottr\n").unwrap_err();
        assert!(e.messages()[0].starts_with("line 1:"), "{e}");
        assert!(read(b"Kategori;Kod\n").unwrap_err().messages()[0].contains("no mappings"));
        assert!(read(&[0xFF, 0xFE, 0, 0]).is_err(), "UTF-16 refused");
    }
}
