//! The analysts' commands on small CSV fixtures written here.

use clap::Parser;
use trygg_analyze_cli::{AnalyzeCommand, run};

#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    cmd: AnalyzeCommand,
}

fn fixture(name: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("trygg-analyze-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.to_string_lossy().into_owned()
}

fn analyze(args: &[&str]) -> anyhow::Result<String> {
    let mut argv = vec!["analyze"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv)?;
    let mut out = Vec::new();
    run(cli.cmd, &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

fn clustered_csv() -> String {
    let mut s = String::from("id,east,north,date\n");
    for i in 0..60 {
        let c = i / 3;
        let x = 674_000 + (c * 731) % 5000 + (i % 3) * 20;
        let y = 6_580_000 + (c * 457) % 5000 + (i % 3) * 15;
        let day = 1 + (c * 11) % 28;
        let month = 1 + (c % 6);
        s.push_str(&format!("{i},{x},{y},2025-{month:02}-{:02}\n", day.min(28)));
    }
    s
}

#[test]
fn knox_json_has_the_five_tables() {
    let path = fixture("knox.csv", &clustered_csv());
    let out = analyze(&[
        "knox",
        "--input",
        &path,
        "--x",
        "east",
        "--y",
        "north",
        "--time",
        "date",
        "--format",
        "json",
        "--space-bands",
        "0,0.1,200,400,600",
        "--time-bands",
        "0,7,14,21",
        "--permutations",
        "99",
        "--seed",
        "7",
    ])
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "observed",
        "expected_mean",
        "knox_ratio",
        "knox_ratio_median",
        "p_value",
    ] {
        let table = v[key].as_array().unwrap_or_else(|| panic!("{key} missing"));
        assert_eq!(table.len(), 5, "{key}: 4 space bands + beyond");
        assert_eq!(
            table[0].as_array().unwrap().len(),
            4,
            "{key}: 3 time bands + beyond"
        );
    }
    // 60 events → 1770 pairs in all cells.
    let total: u64 = v["observed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(total, 1770);
    // same seed → same output
    let again = analyze(&[
        "knox",
        "--input",
        &path,
        "--x",
        "east",
        "--y",
        "north",
        "--time",
        "date",
        "--format",
        "json",
        "--permutations",
        "99",
        "--seed",
        "7",
        "--threads",
        "1",
    ])
    .unwrap();
    assert_eq!(out, again);
}

#[test]
fn knox_table_and_time_errors_name_the_line() {
    let path = fixture(
        "knox-bad.csv",
        "x,y,t\n674000,6580000,2025-01-01\n674100,6580100,yesterday\n",
    );
    let e = analyze(&[
        "knox", "--input", &path, "--x", "x", "--y", "y", "--time", "t",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 3"), "{e}");
    let path = fixture(
        "knox-missing.csv",
        "x,y,t\n674000,6580000,2025-01-01\n674100,6580100,\n",
    );
    let e = analyze(&[
        "knox", "--input", &path, "--x", "x", "--y", "y", "--time", "t",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 3") && e.contains("missing"), "{e}");
    let path = fixture(
        "knox-fmt.csv",
        "x,y,t\n674000,6580000,05/01/2025\n674100,6580100,07/01/2025\n674300,6580900,17/03/2025\n",
    );
    let out = analyze(&[
        "knox",
        "--input",
        &path,
        "--x",
        "x",
        "--y",
        "y",
        "--time",
        "t",
        "--time-format",
        "%d/%m/%Y",
        "--permutations",
        "9",
    ])
    .unwrap();
    assert!(out.contains("observed pairs"), "{out}");
    let e = analyze(&["knox", "--input", &path, "--x", "x", "--y", "y"])
        .unwrap_err()
        .to_string();
    assert!(e.contains("--time"), "{e}");
}

#[test]
fn gistar_csv_rows_start_at_lowest_y() {
    let mut body = String::from("x,y\n");
    for i in 0..30 {
        body.push_str(&format!("{},{}\n", 5 + (i % 3), 5 + (i % 2))); // many in cell (0,0)
    }
    for i in 0..40 {
        body.push_str(&format!("{},{}\n", 15 + (i * 7) % 80, 15 + (i * 13) % 80));
    }
    let path = fixture("gistar.csv", &body);
    let out = analyze(&[
        "gistar", "--input", &path, "--x", "x", "--y", "y", "--cell", "10", "--origin", "0,0",
        "--rows", "10", "--cols", "10", "--format", "csv",
    ])
    .unwrap();
    let mut lines = out.lines();
    assert_eq!(lines.next().unwrap(), "row,col,x_min,y_min,count,z,p,class");
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&first[..5], ["0", "0", "0", "0", "30"]);
    assert!(first[5].parse::<f64>().unwrap() > 2.0);
    assert_eq!(out.lines().count(), 101);
    let table = analyze(&[
        "gistar",
        "--input",
        &path,
        "--x",
        "x",
        "--y",
        "y",
        "--cell",
        "10",
        "--weights",
        "distance:15",
        "--fdr",
    ])
    .unwrap();
    assert!(table.contains("FDR on"), "{table}");
    let e = analyze(&[
        "gistar",
        "--input",
        &path,
        "--x",
        "x",
        "--y",
        "y",
        "--cell",
        "10",
        "--weights",
        "king",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("queen, rook or distance"), "{e}");
}

#[test]
fn kde_reports_radius_and_refuses_bad_input() {
    let path = fixture("kde.csv", &clustered_csv());
    let out = analyze(&[
        "kde", "--input", &path, "--x", "east", "--y", "north", "--cell", "100", "--radius", "300",
    ])
    .unwrap();
    assert!(out.contains("radius 300.0 m (given)"), "{out}");
    let out = analyze(&[
        "kde", "--input", &path, "--x", "east", "--y", "north", "--cell", "50", "--format", "json",
    ])
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["default_radius"], true);
    let e = analyze(&[
        "kde", "--input", &path, "--x", "east", "--y", "north", "--cell", "100", "--radius", "50",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("smaller than the cell"), "{e}");
    let deg = fixture(
        "deg.csv",
        "lon,lat\n18.06,59.33\n18.07,59.34\n18.08,59.32\n",
    );
    let e = analyze(&[
        "kde", "--input", &deg, "--x", "lon", "--y", "lat", "--cell", "0.001",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("SWEREF 99 TM"), "{e}");
    let e = analyze(&[
        "kde", "--input", &path, "--x", "lon", "--y", "north", "--cell", "100",
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("no column named \"lon\""), "{e}");
}

#[test]
fn repeats_counts_places() {
    let path = fixture(
        "rep.csv",
        "x,y\n100,100\n101,101\n103,99\n500,500\n900,900\n",
    );
    let out = analyze(&[
        "repeats", "--input", &path, "--x", "x", "--y", "y", "--format", "json",
    ])
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["places"], 3);
    assert_eq!(v["repeat_places"][0]["count"], 3);
}

#[test]
fn knox_nrc_mode_uses_the_calculators_labels() {
    let path = fixture("knox-nrc.csv", &clustered_csv());
    let out = analyze(&[
        "knox",
        "--input",
        &path,
        "--x",
        "east",
        "--y",
        "north",
        "--time",
        "date",
        "--nrc",
        "100,3,7,2",
        "--permutations",
        "19",
        "--format",
        "json",
    ])
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["space_labels"][0], "Same location");
    assert_eq!(v["space_labels"][1], "1 to 100");
    assert_eq!(v["space_labels"][4], "More than 300");
    assert_eq!(v["time_labels"][1], "8 to 14");
    let e = analyze(&[
        "knox",
        "--input",
        &path,
        "--x",
        "east",
        "--y",
        "north",
        "--time",
        "date",
        "--nrc",
        "100,2.5,7,2",
    ])
    .unwrap_err();
    assert!(e.to_string().contains("whole number"), "{e}");
}

#[test]
fn time_values_in_common_forms() {
    use trygg_analyze_cli::parse_time_days;
    let day = parse_time_days("2026-03-01", None).unwrap();
    assert_eq!(day, 20_513.0);
    assert_eq!(
        parse_time_days("2026-03-01T12:00", None).unwrap(),
        day + 0.5
    );
    assert_eq!(
        parse_time_days("2026-03-01 12:00", None).unwrap(),
        day + 0.5
    );
    assert_eq!(
        parse_time_days("2026-03-01T12:00:00Z", None).unwrap(),
        day + 0.5
    );
    assert_eq!(
        parse_time_days("01/03/2026 18:00", Some("%d/%m/%Y %H:%M")).unwrap(),
        day + 0.75
    );
    assert_eq!(parse_time_days("12.5", None).unwrap(), 12.5);
    assert!(
        parse_time_days("igår", None)
            .unwrap_err()
            .to_string()
            .contains("--time-format")
    );
}

/// trygg's own export (Swedish Excel: BOM, ';', decimal comma) reads as it is, with the same
/// result as the plain comma-separated file.
#[test]
fn reads_swedish_excel_csv_like_plain_csv() {
    let plain = clustered_csv();
    let swedish: String = std::iter::once("\u{feff}".to_string())
        .chain(plain.lines().enumerate().map(|(k, l)| {
            let l = l.replace(',', ";");
            // Give every coordinate a decimal comma (",0" keeps the value).
            let l = if k == 0 {
                l
            } else {
                l.splitn(4, ';')
                    .enumerate()
                    .map(|(i, c)| {
                        if i == 1 || i == 2 {
                            format!("{c},0")
                        } else {
                            c.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(";")
            };
            format!("{l}\n")
        }))
        .collect();
    let args = |path: &str| -> Vec<String> {
        [
            "knox",
            "--input",
            path,
            "--x",
            "east",
            "--y",
            "north",
            "--time",
            "date",
            "--format",
            "json",
            "--permutations",
            "99",
            "--seed",
            "7",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let a = fixture("plain.csv", &plain);
    let b = fixture("swedish.csv", &swedish);
    let run_on =
        |p: &str| analyze(&args(p).iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    assert_eq!(run_on(&a), run_on(&b));
}
