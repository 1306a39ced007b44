//! The CSV importer with files as Swedish offices save them, and every kind of bad input.

use trygg_domain::OrganisationId;
use trygg_import::csv::{CsvOptions, MapSyntax, parse_csv, parse_mapping};
use trygg_import::{ImportErrors, Location, MAX_LISTED_ERRORS};

fn opts() -> CsvOptions {
    CsvOptions::new(OrganisationId(3))
}

fn err(bytes: &[u8], o: &CsvOptions) -> ImportErrors {
    match parse_csv(bytes, o) {
        Ok(b) => panic!("expected an error, got {} incidents", b.incidents.len()),
        Err(e) => e,
    }
}

#[test]
fn swedish_excel_semicolons_windows_1252_and_decimal_comma() {
    let text = "Datum;Klockslag;Kategori;Lat;Lon;Plats;Beskrivning;Ärendenr\r\n\
                2023-05-01;14:30;Klotter;59,8586;17,6389;Stora torget;Nytt klotter på elskåpet;K-1\r\n\
                2023-05-02;;Inbrott;59,8586;17,6389;Gränby;Källarförråd;K-2\r\n\
                \r\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let b = parse_csv(&bytes, &opts()).unwrap();
    assert_eq!(b.incidents.len(), 2);
    let i = &b.incidents[0];
    assert_eq!(i.category, "skadegorelse.klotter");
    assert_eq!(i.occurred_from.to_string(), "2023-05-01T12:30:00Z"); // CEST
    assert_eq!(i.occurred_to, None);
    assert_eq!(i.description.as_deref(), Some("Nytt klotter på elskåpet"));
    assert_eq!(i.external_id.as_deref(), Some("K-1"));
    let p = i.position.unwrap();
    assert!((p.lat - 59.8586).abs() < 1e-9 && (p.lon - 17.6389).abs() < 1e-9);
    // A date without a time is the whole day.
    let j = &b.incidents[1];
    assert_eq!(j.category, "ordning.inbrott");
    assert_eq!(j.occurred_from.to_string(), "2023-05-01T22:00:00Z");
    assert_eq!(j.occurred_to.unwrap().to_string(), "2023-05-02T21:59:59Z");
    assert!(
        b.summary.notes.iter().any(|n| n.contains("Windows-1252")),
        "{:?}",
        b.summary.notes
    );
    assert_eq!(b.summary.by_category.get("ordning.inbrott"), Some(&1));
}

#[test]
fn utf8_with_bom_commas_english_headers_and_sweref_n_e() {
    let text = "\u{feff}Date,Time,Category,N,E,Description\n\
                2023-01-15,08:00,ordning.vald,6638604,647795,\"Fight, two people\"\n\
                20230116,0815,Violence,\"6 638 604,5\",647795,\n";
    let b = parse_csv(text.as_bytes(), &opts()).unwrap();
    assert_eq!(b.incidents.len(), 2);
    assert_eq!(
        b.incidents[0].occurred_from.to_string(),
        "2023-01-15T07:00:00Z"
    ); // CET
    assert_eq!(
        b.incidents[0].description.as_deref(),
        Some("Fight, two people")
    );
    let p = b.incidents[1].position.unwrap();
    assert!((p.n - 6_638_604.5).abs() < 1e-6, "{p:?}");
    assert!((p.lat - 59.8586).abs() < 1e-3);
    assert!(b.summary.notes.is_empty());
}

#[test]
fn tabs_and_x_y_in_either_convention() {
    // Swedish surveying: X is northing.
    let text = "Datum\tKategori\tX\tY\n2023-05-01 22:10\tBråk\t6638604\t647795\n";
    let b = parse_csv(text.as_bytes(), &opts()).unwrap();
    let p = b.incidents[0].position.unwrap();
    assert!((p.n - 6_638_604.0).abs() < 1e-6);
    assert!(
        b.summary.notes.iter().any(|n| n.contains("northing")),
        "{:?}",
        b.summary.notes
    );
    // GIS: X is easting.
    let text = "Datum\tKategori\tX\tY\n2023-05-01 22:10\tBråk\t647795\t6638604\n";
    let b = parse_csv(text.as_bytes(), &opts()).unwrap();
    assert!((b.incidents[0].position.unwrap().n - 6_638_604.0).abs() < 1e-6);
    // Degrees in X/Y are longitude/latitude.
    let text = "Datum;Kategori;X;Y\n2023-05-01;Bråk;17,6389;59,8586\n";
    let b = parse_csv(text.as_bytes(), &opts()).unwrap();
    assert!((b.incidents[0].position.unwrap().lat - 59.8586).abs() < 1e-9);
}

#[test]
fn time_windows_from_fran_till() {
    let text = "Från;Till;Kategori\n2023-03-24 18:00;2023-03-27 07:30;Inbrott\n24/3/2023;27.3.2023;Inbrott\n";
    let b = parse_csv(text.as_bytes(), &opts()).unwrap();
    let i = &b.incidents[0];
    assert_eq!(i.occurred_from.to_string(), "2023-03-24T17:00:00Z");
    // Across the switch to summer time on 26 March.
    assert_eq!(i.occurred_to.unwrap().to_string(), "2023-03-27T05:30:00Z");
    let j = &b.incidents[1];
    assert_eq!(j.occurred_from.to_string(), "2023-03-23T23:00:00Z");
    assert_eq!(j.occurred_to.unwrap().to_string(), "2023-03-27T21:59:59Z");
    let text = "Från;Till;Kategori\n2023-03-27 18:00;2023-03-24 07:30;Inbrott\n";
    let e = err(text.as_bytes(), &opts());
    assert!(e.errors[0].message.contains("before"), "{e}");
}

#[test]
fn explicit_mappings_win() {
    let mut o = opts();
    o.mapping = vec![
        parse_mapping("occurred_date=Händelsedag").unwrap(),
        parse_mapping("category=Brottstyp").unwrap(),
        parse_mapping("place=Gatuadress").unwrap(),
    ];
    let text =
        "Händelsedag;Brottstyp;Gatuadress\n2023-05-01;Skadegörelse / Glaskross;Kungsgatan 1\n";
    let b = parse_csv(text.as_bytes(), &o).unwrap();
    assert_eq!(b.incidents[0].category, "skadegorelse.glaskross");
    assert_eq!(b.incidents[0].place.as_deref(), Some("Kungsgatan 1"));
    o.mapping = vec![parse_mapping("category=Finns inte").unwrap()];
    let e = err(text.as_bytes(), &o);
    assert!(
        e.to_string().contains("\"Finns inte\"") && e.to_string().contains("Brottstyp"),
        "{e}"
    );
}

// ---- Bad input: one test per case, each with a clear message and nothing returned. ----

#[test]
fn wrong_encoding_utf16_is_refused() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "Datum;Kategori\n2023-05-01;Klotter\n".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let e = err(&bytes, &opts());
    assert_eq!(e.errors.len(), 1);
    assert_eq!(e.errors[0].at, Location::File);
    assert!(
        e.to_string().contains("UTF-16") && e.to_string().contains("CSV UTF-8"),
        "{e}"
    );
    // Without a byte-order mark, and a binary file.
    let no_bom: Vec<u8> = "Datum;Kategori\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(err(&no_bom, &opts()).to_string().contains("UTF-16"));
    let xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary";
    assert!(err(xlsx, &opts()).to_string().contains("binary"));
}

#[test]
fn missing_columns_name_what_was_expected_and_found() {
    let e = err(b"Datum;Plats\n2023-05-01;Torget\n", &opts());
    assert_eq!(e.errors.len(), 1);
    let m = &e.errors[0].message;
    assert!(
        m.contains("Missing columns") && m.contains("category"),
        "{m}"
    );
    assert!(m.contains("\"Datum\", \"Plats\""), "{m}");
    assert!(m.contains("FIELD=COLUMN"), "{m}");
    let e = err(b"Kategori;Lat\nKlotter;59.8\n", &opts());
    assert!(e.errors[0].message.contains("a date"), "{e}");
}

#[test]
fn text_in_a_number_column_is_a_row_error_naming_the_column() {
    let text = "Datum;Kategori;Lat;Lon\n2023-05-01;Klotter;59,8586;17,6389\n2023-05-01;Klotter;norr om torget;17,6389\n";
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].at, Location::Line(3));
    assert!(
        e.errors[0].message.contains("\"Lat\"") && e.errors[0].message.contains("not a number"),
        "{e}"
    );
}

#[test]
fn impossible_dates_are_row_errors() {
    let text = "Datum;Kategori\n2023-02-30;Klotter\n2023-02-28;Klotter\n2023-13-01;Klotter\n";
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), 2, "{e}");
    assert_eq!(e.errors[0].at, Location::Line(2));
    assert!(
        e.errors[0]
            .message
            .contains("\"2023-02-30\" is not a date that exists"),
        "{e}"
    );
    assert_eq!(e.errors[1].at, Location::Line(4));
}

#[test]
fn swapped_coordinates_are_row_errors() {
    let text = "Datum;Kategori;Lat;Lon\n2023-05-01;Klotter;17,6389;59,8586\n";
    let e = err(text.as_bytes(), &opts());
    assert!(e.errors[0].message.contains("swapped"), "{e}");
    // X/Y decided by the first row; a later row with the axes the other way round is refused.
    let text = "Datum;Kategori;X;Y\n2023-05-01;Klotter;6638604;647795\n2023-05-01;Klotter;647795;6638604\n";
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].at, Location::Line(3));
    assert!(e.errors[0].message.contains("swapped"), "{e}");
}

#[test]
fn coordinates_in_the_sea_or_abroad_are_row_errors() {
    let text = "Datum;Kategori;Lat;Lon\n\
                2023-05-01;Klotter;57,3;17,6\n\
                2023-05-01;Klotter;59,91;10,75\n";
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), 2, "{e}");
    for x in &e.errors {
        assert!(x.message.contains("in the sea or outside Sweden"), "{x}");
    }
}

#[test]
fn unknown_categories_are_one_error_each_with_count_and_first_line() {
    let text = "Datum;Kategori\n2023-05-01;Klottr\n2023-05-01;Bus\n2023-05-01;klottr \n2023-05-01;Klotter\n2023-05-01;Klottr\n";
    let e = err(text.as_bytes(), &opts());
    let m = e.messages();
    assert_eq!(m.len(), 2, "{e}");
    assert!(
        m[0].starts_with(
            "file: unknown category \"Klottr\" (3 rows, first on line 2): map it with \
             --category-map \"Klottr=CODE\""
        ),
        "{e}"
    );
    assert!(m[0].contains("nearest codes: skadegorelse.klotter"), "{e}");
    assert!(
        m[1].contains("\"Bus\" (1 row, first on line 3)"),
        "in order of first appearance; case and spaces do not make another value: {e}"
    );
    // The same values as data, for a mapping step.
    let listed: Vec<_> = e
        .unknown_categories
        .iter()
        .map(|u| (u.value.as_str(), u.rows, u.first))
        .collect();
    assert_eq!(
        listed,
        [
            ("Klottr", 3, Location::Line(2)),
            ("Bus", 1, Location::Line(3))
        ]
    );
    // The API's door names its own parameter.
    let mut o = opts();
    o.map_syntax = MapSyntax::Query;
    let e = err(text.as_bytes(), &o);
    assert!(
        e.messages()[0].contains("map it with the query parameter category_map=Klottr=CODE"),
        "{e}"
    );
}

#[test]
fn every_unknown_category_is_listed_even_beyond_the_cap() {
    let mut text = String::from("Datum;Kategori\n");
    for k in 0..60 {
        text.push_str(&format!("2023-05-01;Egen typ {k}\n2023-02-30;Klotter\n"));
    }
    let e = err(text.as_bytes(), &opts());
    let unknown = e
        .errors
        .iter()
        .filter(|x| x.message.starts_with("unknown category"))
        .count();
    assert_eq!(unknown, 60, "{e}");
    assert_eq!(e.errors.len(), 60, "row errors make room");
    assert_eq!(e.more, 60, "the 60 bad dates are counted");
}

#[test]
fn a_category_map_maps_values_to_codes_and_groups() {
    let text = "Datum;Kategori;Lat;Lon\n\
                2023-05-01;Ordningsstörning;59,8586;17,6389\n\
                2023-05-01; ORDNINGSSTÖRNING ;59,8586;17,6389\n\
                2023-05-01;Bus;59,8586;17,6389\n\
                2023-05-01;Klotter;59,8586;17,6389\n\
                2023-05-01;Inbrott;59,8586;17,6389\n";
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), 2, "{e}");
    assert!(e.messages()[0].contains("(2 rows, first on line 2)"), "{e}");
    let mut o = opts();
    o.category_map
        .insert_pair("ordningsstörning=ordning.ovrigt")
        .unwrap();
    o.category_map.insert_pair("Bus=ordning").unwrap();
    // A mapping wins over the taxonomy's own label.
    o.category_map
        .insert_pair("Klotter=otrygg-plats.klotter")
        .unwrap();
    let b = parse_csv(text.as_bytes(), &o).unwrap();
    let codes: Vec<&str> = b.incidents.iter().map(|i| i.category.as_str()).collect();
    assert_eq!(
        codes,
        [
            "ordning.ovrigt",
            "ordning.ovrigt",
            "ordning",
            "otrygg-plats.klotter",
            "ordning.inbrott"
        ]
    );
    let mapped = &b.summary.mapped_categories;
    assert_eq!(mapped.len(), 3, "{mapped:?}");
    assert_eq!(mapped["ordningsstörning"].rows, 2, "{mapped:?}");
    assert_eq!(mapped["ordningsstörning"].code, "ordning.ovrigt");
    assert_eq!(mapped["Bus"].rows, 1);
    let printed = b.summary.to_string();
    assert!(
        printed.contains("\"ordningsstörning\" → ordning.ovrigt: 2"),
        "{printed}"
    );
    // Read in parts, the counts add up.
    let mut big = String::from("Datum;Kategori;Lat;Lon\n");
    for _ in 0..60_000 {
        big.push_str(
            "2023-05-01;Ordningsstörning;59,8586;17,6389\n2023-05-01;Klotter;59,8586;17,6389\n",
        );
    }
    let b = parse_csv(big.as_bytes(), &o).unwrap();
    assert_eq!(b.summary.mapped_categories["ordningsstörning"].rows, 60_000);
    assert_eq!(b.summary.mapped_categories["Klotter"].rows, 60_000);
}

#[test]
fn an_unknown_category_on_a_row_with_other_problems_is_still_listed() {
    let text = "Datum;Kategori\n2023-02-30;Klottr\n";
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), 2, "{e}");
    assert!(
        e.errors[0]
            .message
            .contains("\"Klottr\" (1 row, first on line 2)"),
        "{e}"
    );
    assert!(e.errors[1].message.contains("2023-02-30"), "{e}");
}

#[test]
fn errors_are_capped_and_the_rest_counted() {
    let mut text = String::from("Datum;Kategori\n");
    for _ in 0..120 {
        text.push_str("2023-02-30;Klotter\n");
    }
    let e = err(text.as_bytes(), &opts());
    assert_eq!(e.errors.len(), MAX_LISTED_ERRORS);
    assert_eq!(e.more, 120 - MAX_LISTED_ERRORS);
    assert!(
        e.to_string().contains("120 problems") && e.to_string().contains("and 70 more"),
        "{e}"
    );
}

#[test]
fn a_header_without_rows_is_refused() {
    let e = err(b"Datum;Kategori\r\n;\r\n", &opts());
    assert!(e.to_string().contains("no rows"), "{e}");
    let e = err(b"", &opts());
    assert!(e.to_string().contains("empty"), "{e}");
}

#[test]
fn personal_identity_numbers_are_refused() {
    let text = "Datum;Kategori;Beskrivning\n2023-05-01;Bråk;Person 811228-9874 inblandad\n";
    let e = err(text.as_bytes(), &opts());
    assert!(e.errors[0].message.contains("personnummer"), "{e}");
}

#[test]
fn a_time_span_or_an_absurd_year_is_refused_with_a_sentence_not_a_panic() {
    for (cell, says) in [
        ("2024-03-01 9:30–10:00", "time span"),
        ("2024-03-01 09:30-10:00", "time span"),
        ("9999-12-31T23:59", "from 1970 to 2100"),
        ("1899-01-01", "from 1970 to 2100"),
    ] {
        let text = format!("Datum;Kategori\n{cell};Klotter\n");
        let e = err(text.as_bytes(), &opts());
        assert_eq!(e.errors[0].at, Location::Line(2), "{e}");
        assert!(e.errors[0].message.contains(says), "{cell}: {e}");
    }
    let e = err(
        "Datum;Kategori\n1800-01-01T00:00:00Z;Klotter\n".as_bytes(),
        &opts(),
    );
    assert!(e.errors[0].message.contains("from 1970 to 2100"), "{e}");
}

#[test]
fn an_own_category_code_is_read_like_a_standard_one() {
    trygg_domain::own_category::register(&trygg_domain::own_category::OwnCategory {
        code: "ordning.import-egen".into(),
        label_sv: "Egen importkategori".into(),
        label_en: "Own import category".into(),
    })
    .unwrap();
    let text = "Datum;Kategori;Lat;Lon\n2023-05-01;ordning.import-egen;59.858;17.639\n\
                2023-05-02;Egen importkategori;59.858;17.639\n";
    let b = parse_csv(text.as_bytes(), &opts()).unwrap();
    assert_eq!(b.incidents.len(), 2);
    assert!(
        b.incidents
            .iter()
            .all(|i| i.category == "ordning.import-egen"),
        "by code and by label"
    );
}
