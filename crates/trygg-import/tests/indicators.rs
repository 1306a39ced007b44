//! The indicator files: each shape read from an invented file in the real shape
//! (`fixtures/SOURCE.md`), and each bad input refused whole with its line.

use trygg_domain::indicator::{POPULATION, Period, Unit};
use trygg_import::indicators::{IndicatorFile, IndicatorFormat, parse_indicators};

fn read(bytes: &[u8], format: IndicatorFormat) -> IndicatorFile {
    parse_indicators(bytes, format).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(text: &str, format: IndicatorFormat) -> Vec<String> {
    parse_indicators(text.as_bytes(), format)
        .expect_err("refused")
        .messages()
}

#[test]
fn the_long_format() {
    let f = read(
        include_bytes!("fixtures/indicators_long.csv"),
        IndicatorFormat::Long,
    );
    assert_eq!(f.values.len(), 4);
    let v = &f.values[0];
    assert_eq!(v.line, 2);
    assert_eq!(
        v.value.indicator.code,
        "andel-otrygga-i-sitt-bostadsomrade-kvallstid"
    );
    assert_eq!(v.value.area, "0380");
    assert_eq!(
        (v.value.value, v.value.ci_low, v.value.ci_high, v.value.n),
        (32.0, Some(28.0), Some(36.0), Some(812))
    );
    let ntu = &f.values[2].value;
    assert_eq!(
        ntu.period,
        Period {
            first: 2021,
            last: 2023
        }
    );
    assert_eq!(ntu.n, Some(2310));
    let pop = &f.values[3].value;
    assert_eq!(
        (pop.indicator.code.as_str(), pop.unit),
        (POPULATION, Unit::Count)
    );
    assert_eq!((pop.value, pop.ci_low), (11_850.0, None));
}

#[test]
fn the_long_format_refuses_each_bad_row_with_its_line() {
    let head = "indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet\n";
    let body = "Andel otrygga;Enkät;Gottsunda;2024;32;28;36;300;procent\n\
                Andel otrygga;Enkät;Sävja;2024;40;28;36;300;procent\n\
                Andel otrygga;Enkät;Gränby;2024H1;30;28;36;300;procent\n\
                Andel otrygga;Enkät;Stenhagen;2024;30;36;28;300;procent\n\
                Folkmängd;SCB;Stenhagen;2024;-5;;;;antal\n\
                Andel otrygga;Enkät;Gottsunda;2024;32;28;36;300;procent\n\
                Andel otrygga;Enkät;Eriksberg;2024;32;;;300;procent\n\
                Andel otrygga;Enkät;Eriksberg;2023;32;28;36;300;kronor\n\
                Andel otrygga;Enkät;Luthagen;2024;132;128;136;300;procent\n";
    let m = refused(&format!("{head}{body}"), IndicatorFormat::Long);
    assert_eq!(m.len(), 8, "{m:#?}");
    let expect = [
        (3, "outside its confidence interval"),
        (4, "not a period"),
        (5, "swap them"),
        (6, "cannot be negative"),
        (7, "same indicator, source, area and period as line 2"),
        (8, "never shown without it"),
        (9, "not one trygg knows"),
        (10, "within 0–100"),
    ];
    for (m, (line, what)) in m.iter().zip(expect) {
        assert!(
            m.starts_with(&format!("line {line}:")) && m.contains(what),
            "{m}"
        );
    }
    // A missing column is named, with the header's columns.
    let m = refused(
        "indikator;område;period;värde;enhet\nA;B;2024;1;antal\n",
        IndicatorFormat::Long,
    );
    assert!(
        m[0].starts_with("line 1:") && m[0].contains("no source"),
        "{m:?}"
    );
    let m = refused(head, IndicatorFormat::Long);
    assert!(m[0].contains("no values"), "{m:?}");
}

#[test]
fn polisens_trygghetsmatning() {
    let f = read(
        include_bytes!("fixtures/indicators_trygghetsmatning.csv"),
        IndicatorFormat::Trygghetsmatning,
    );
    assert_eq!(f.values.len(), 5, "one area lacks one indicator");
    assert!(
        f.notes.iter().any(|n| n.contains("1 indicator cells")),
        "{:?}",
        f.notes
    );
    let v = &f.values[0].value;
    assert_eq!(v.source, "Polisens trygghetsmätning");
    assert_eq!(
        v.indicator.name,
        "Andel otrygga i sitt bostadsområde kvällstid"
    );
    assert_eq!(
        (v.value, v.ci_low, v.ci_high, v.n),
        (32.0, Some(28.0), Some(36.0), Some(812))
    );
    let index = &f.values[2].value;
    assert_eq!(
        (index.indicator.code.as_str(), index.unit),
        ("problemindex", Unit::Index)
    );
    assert_eq!(f.values[3].line, 3);

    let m = refused(
        "Område;År;Andel otrygga (%);KI nedre;KI övre\nUppsala;2024;32;36;40\nSävja;20xx;32;28;36\n",
        IndicatorFormat::Trygghetsmatning,
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].starts_with("line 2:") && m[0].contains("outside"),
        "{m:?}"
    );
    assert!(
        m[1].starts_with("line 3:") && m[1].contains("not a period"),
        "{m:?}"
    );
    let m = refused(
        "Område;År;Andel otrygga (%);KI\nUppsala;2024;32;28–36\n",
        IndicatorFormat::Trygghetsmatning,
    );
    assert!(
        m[0].starts_with("line 1:") && m[0].contains("KI nedre"),
        "{m:?}"
    );
}

#[test]
fn bra_ntu() {
    let f = read(
        include_bytes!("fixtures/indicators_ntu.csv"),
        IndicatorFormat::Ntu,
    );
    assert_eq!(f.values.len(), 3);
    let v = &f.values[0].value;
    assert_eq!(v.source, "Brå NTU");
    assert_eq!(
        (v.value, v.ci_low, v.ci_high, v.n),
        (24.1, Some(21.9), Some(26.3), Some(2310))
    );
    assert_eq!(v.period.to_string(), "2021-2023");
    let m = refused(
        "Område;Period;Indikator;Andel (%);Konfidensintervall\nUppsala;2021-2023;Utsatt;24,1;21,9\nUppsala;2021-2023;Otrygg;124;121–126\n",
        IndicatorFormat::Ntu,
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].starts_with("line 2:") && m[0].contains("two numbers"),
        "{m:?}"
    );
    assert!(
        m[1].starts_with("line 3:") && m[1].contains("0–100"),
        "{m:?}"
    );
}

#[test]
fn scb_population_from_pxweb() {
    let f = read(
        include_bytes!("fixtures/scb_population_deso_cp1252.csv"),
        IndicatorFormat::ScbPopulation,
    );
    assert!(
        f.notes.iter().any(|n| n.contains("Windows-1252")),
        "{:?}",
        f.notes
    );
    let got: Vec<(&str, String, f64, u64)> = f
        .values
        .iter()
        .map(|v| {
            (
                v.value.area.as_str(),
                v.value.period.to_string(),
                v.value.value,
                v.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("0380A0010 Uppsala", "2022".to_string(), 1810.0, 4),
            ("0380A0010 Uppsala", "2023".to_string(), 1838.0, 4),
            ("0380A0020 Uppsala", "2022".to_string(), 2315.0, 8),
            ("0380A0020 Uppsala", "2023".to_string(), 2325.0, 8),
        ]
    );
    assert!(f.values.iter().all(|v| v.value.indicator.code == POPULATION
        && v.value.source == "SCB"
        && v.value.unit == Unit::Count));

    let f = read(
        include_bytes!("fixtures/scb_population_regso.csv"),
        IndicatorFormat::ScbPopulation,
    );
    assert_eq!(f.values[1].value.area, "0380R002 Sävja");
    assert_eq!(f.values[1].value.value, 9214.0);

    let m = refused(
        "\"region\";\"ålder\";\"2023\"\n\"0380A0010\";\"totalt ålder\";\"1838\"\n\"0380A0020\";\"0-19 år\";\"..\"\n\"0380A0030\";\"0-19 år\";\"12,5\"\n",
        IndicatorFormat::ScbPopulation,
    );
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(
        m[0].starts_with("line 2:") && m[0].contains("a total"),
        "{m:?}"
    );
    assert!(
        m[1].starts_with("line 3:") && m[1].contains("missing in SCB"),
        "{m:?}"
    );
    assert!(
        m[2].starts_with("line 4:") && m[2].contains("whole number"),
        "{m:?}"
    );
    let m = refused(
        "\"region\";\"ålder\"\n\"0380\";\"1\"\n",
        IndicatorFormat::ScbPopulation,
    );
    assert!(m[0].contains("year column"), "{m:?}");
}
