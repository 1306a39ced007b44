//! `trygg import …` and `trygg export …` through the real binary, on a fresh SQLite file per
//! test, with the real sample files in `trygg-import/tests/fixtures/`.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;
use trygg_domain::OrganisationId;
use trygg_import::polisen::{PolisenOptions, parse_polisen};

const BIN: &str = env!("CARGO_BIN_EXE_trygg");
const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../trygg-import/tests/fixtures"
);

fn fixture(name: &str) -> String {
    Path::new(FIXTURES).join(name).display().to_string()
}

/// A scratch directory with a database URL in it; removed on drop.
struct Db {
    dir: PathBuf,
    url: String,
}

impl Db {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("trygg-cli-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("x.db").display());
        Self { dir, url }
    }

    /// Runs `trygg ARGS[0] --database URL ARGS[1..]` in the scratch directory.
    fn run(&self, args: &[&str]) -> Output {
        // `--database` belongs to `import`/`export`, before the subcommand's own arguments.
        Command::new(BIN)
            .arg(args[0])
            .args(["--database", &self.url])
            .args(&args[1..])
            .current_dir(&self.dir)
            .env("TRYGG_LOG", "warn")
            .env_remove("TRYGG_DATABASE")
            .env_remove("TRYGG_CONFIG")
            .output()
            .expect("run trygg")
    }

    /// Runs and expects success; returns standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "trygg {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    /// The data rows of `trygg export csv ARGS`.
    fn exported(&self, args: &[&str]) -> Vec<Vec<String>> {
        let mut all = vec!["export", "csv"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        let text = out
            .strip_prefix('\u{feff}')
            .expect("the export starts with a BOM");
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("Id;Från;Till;"), "{text}");
        lines
            .map(|l| l.split(';').map(String::from).collect())
            .collect()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// "Stored: N new, U updated, K unchanged." → (N, U, K).
fn stored(stdout: &str) -> (u64, u64, u64) {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Stored: "))
        .unwrap_or_else(|| panic!("no Stored line in {stdout}"));
    let n: Vec<u64> = line
        .split(", ")
        .map(|p| p.split(' ').next().unwrap().parse().unwrap())
        .collect();
    (n[0], n[1], n[2])
}

/// The id of the area with `code` in the listing `trygg import areas` prints.
fn area_id(stdout: &str, code: &str) -> String {
    stdout
        .lines()
        .find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() >= 4 && w[2] == code).then(|| w[0].to_string())
        })
        .unwrap_or_else(|| panic!("area {code} not listed in {stdout}"))
}

#[test]
fn areas_and_every_polisen_fixture_import_and_polisen_twice_is_idempotent() {
    let db = Db::new("polisen");
    let out = db.ok(&["import", "areas", &fixture("scb_kommun_wgs84.geojson")]);
    assert!(out.starts_with("Imported 290 areas"), "{out}");
    assert!(
        out.contains("0114") && out.contains("Upplands Väsby"),
        "{out}"
    );
    assert!(out.contains("(20 of 290 shown)"), "{out}");

    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("events_") && n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    let mut created = 0;
    for name in &names {
        let events = parse_polisen(
            &std::fs::read(fixture(name)).unwrap(),
            PolisenOptions {
                source_org: OrganisationId(1),
            },
        )
        .unwrap()
        .incidents
        .len() as u64;
        let out = db.ok(&["import", "polisen", &fixture(name)]);
        assert!(
            out.contains(&format!("Imported {events} incidents from polisen")),
            "{name}: {out}"
        );
        let (new, updated, unchanged) = stored(&out);
        assert_eq!(new + updated + unchanged, events, "{name}: {out}");
        created += new;
        let again = db.ok(&["import", "polisen", &fixture(name)]);
        assert_eq!(stored(&again), (0, 0, events), "{name}: {again}");
        assert!(
            again.contains("Stored: 0 new"),
            "the second run says so: {again}"
        );
    }
    let rows = db.exported(&["--source", "polisen"]);
    assert_eq!(rows.len() as u64, created);
    assert!(rows.iter().all(|r| r[11] == "area" && r[12] == "polisen"));

    // The GeoPackage (EPSG:3006) replaces Uppsala län's kommuner and re-links the events.
    let out = db.ok(&[
        "import",
        "areas",
        &fixture("uppsala_lan_kommuner_3006.gpkg"),
    ]);
    assert!(out.starts_with("Imported 8 areas"), "{out}");
    let linked: u64 = out
        .split("; ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no linked count in {out}"));
    assert!(
        linked > 100,
        "Uppsala län's events lie in its kommuner: {out}"
    );
    let uppsala = area_id(&out, "0380");
    let in_uppsala = db.exported(&["--area", &uppsala, "--source", "polisen"]);
    assert!(!in_uppsala.is_empty() && in_uppsala.len() < rows.len());
}

#[test]
fn geoparquet_areas_import_by_extension_and_by_magic_bytes() {
    let db = Db::new("geoparquet");
    let out = db.ok(&["import", "areas", &fixture("scb_lan_wgs84.geoparquet")]);
    assert!(out.starts_with("Imported 21 areas"), "{out}");
    assert!(area_id(&out, "03").parse::<i64>().is_ok(), "{out}");
    // The same file under a name that says nothing: recognised by its "PAR1" header; the
    // areas are replaced (same kind and code), not added.
    let bytes = std::fs::read(fixture("scb_lan_wgs84.geoparquet")).unwrap();
    let again = db.ok(&["import", "areas", &db.file("lan.bin", &bytes)]);
    assert!(again.starts_with("Imported 21 areas"), "{again}");
    assert_eq!(area_id(&again, "03"), area_id(&out, "03"));
}

#[test]
fn indicators_import_by_area_code_twice_changes_nothing_and_a_bad_file_names_its_line() {
    let db = Db::new("indicators");
    db.ok(&[
        "import",
        "areas",
        &fixture("scb_uppsala_kommun_0380_wgs84.geojson"),
    ]);
    let file = db.file(
        "ntu.csv",
        "Område;Period;Indikator;Andel (%);Konfidensintervall;Antal svar\n\
         0380 Uppsala;2021-2023;Utsatt för brott mot person;11,2;9,8–12,6;2 310\n"
            .as_bytes(),
    );
    let out = db.ok(&["import", "indicators", &file, "--format", "ntu"]);
    assert!(out.contains("Read 1 indicator values: 1 new"), "{out}");
    let again = db.ok(&["import", "indicators", &file, "--format", "ntu"]);
    assert!(
        again.contains("0 new, 0 updated, 1 already stored unchanged"),
        "{again}"
    );
    let bad = db.file(
        "bad.csv",
        "Område;Period;Indikator;Andel (%);Konfidensintervall\n0380;2024;Otrygg;40;21,9–26,3\n"
            .as_bytes(),
    );
    let out = db.run(&["import", "indicators", &bad, "--format", "ntu"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2:") && err.contains("outside its confidence interval"),
        "{err}"
    );
    let out = db.run(&["import", "indicators", &file, "--format", "excel"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("scb-population"));
}

/// Swedish Excel, "CSV UTF-8": BOM, `;`, decimal comma, CRLF.
const UTF8_CSV: &str = "\u{feff}Datum;Klockslag;Kategori;Lat;Lon;Plats;Beskrivning;Ärendenr\r\n\
    2024-05-01;20:15;Klotter;59,8586;17,6389;Stora torget;Nytt klotter på elskåpet;U-1\r\n\
    2024-05-02;kl 21.30;Glaskross;59,8467;17,6442;Resecentrum;Krossad ruta;U-2\r\n\
    2024-05-03;;Inbrott;59,8190;17,5790;Gottsunda centrum;Källarförråd;U-3\r\n\
    2024-05-04;12:00;Klotter;59,6356;17,0778;Enköping;Utanför Uppsala kommun;U-4\r\n";

/// Swedish Excel, "CSV (semikolonavgränsad)": Windows-1252, no BOM.
const CP1252_CSV: &str = "Datum;Kategori;Lat;Lon;Plats;Beskrivning\r\n\
    2024-06-01 22:10;Klotter;59,8580;17,6450;Fyristorg;Tags på bron vid Åkanten\r\n\
    2024-06-02;Bråk;59,8600;17,6380;Stora torget;Bråk utanför krogen\r\n";

fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text"))
        .collect()
}

#[test]
fn swedish_excel_csv_imports_into_the_imported_areas() {
    let db = Db::new("csv");
    let areas = db.ok(&[
        "import",
        "areas",
        &fixture("uppsala_lan_kommuner_3006.gpkg"),
    ]);
    let (uppsala, enkoping) = (area_id(&areas, "0380"), area_id(&areas, "0381"));

    let out = db.ok(&["import", "csv", &db.file("utf8.csv", UTF8_CSV.as_bytes())]);
    assert_eq!(stored(&out), (4, 0, 0), "{out}");
    assert!(out.contains("Imported 4 incidents from csv"), "{out}");
    let cp1252 = windows_1252(CP1252_CSV);
    assert!(std::str::from_utf8(&cp1252).is_err(), "really not UTF-8");
    let out = db.ok(&["import", "csv", &db.file("ansi.csv", &cp1252)]);
    assert_eq!(stored(&out), (2, 0, 0), "{out}");
    assert!(out.contains("Windows-1252"), "the summary says so: {out}");

    let rows = db.exported(&["--area", &uppsala]);
    let mut ids: Vec<&str> = rows.iter().map(|r| r[14].as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "Bråk utanför krogen",
            "Krossad ruta",
            "Källarförråd",
            "Nytt klotter på elskåpet",
            "Tags på bron vid Åkanten",
        ],
        "the five in Uppsala kommun, å/ä/ö intact"
    );
    let row = rows.iter().find(|r| r[13] == "U-1").unwrap();
    assert_eq!(
        (row[7].as_str(), row[8].as_str()),
        ("59,858600", "17,638900")
    );
    assert_eq!(row[1], "2024-05-01 20:15", "local time as written");
    assert_eq!(row[5], "Klotter");
    let brak = rows.iter().find(|r| r[4] == "ordning.brak").unwrap();
    assert_eq!(brak[6], "Stora torget");
    let rows = db.exported(&["--area", &enkoping]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][13], "U-4");
    assert_eq!(db.exported(&[]).len(), 6);
    assert_eq!(
        db.exported(&["--area", &uppsala, "--category", "skadegorelse.klotter"])
            .len(),
        2
    );

    // Importing the same file again replaces nothing that has an Ärendenr.
    let out = db.ok(&["import", "csv", &db.file("utf8.csv", UTF8_CSV.as_bytes())]);
    assert_eq!(stored(&out), (0, 0, 4), "{out}");
}

#[test]
fn a_bad_csv_fails_names_its_lines_and_stores_nothing() {
    let db = Db::new("bad");
    let csv = "Datum;Kategori;Lat;Lon\n\
               2024-05-01;Klotter;59,8586;17,6389\n\
               2024-05-01;Rymdskrot;59,8586;17,6389\n\
               2023-02-30;Klotter;59,8586;17,6389\n";
    let path = db.file("bad.csv", csv.as_bytes());
    let out = db.run(&["import", "csv", &path]);
    assert!(!out.status.success(), "the import fails");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 4") && stderr.contains("2023-02-30"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"Rymdskrot\" (1 row, first on line 3)"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(db.exported(&[]).is_empty(), "nothing from it is stored");
    let out = db.run(&["export", "csv"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no incidents match"),
        "{out:?}"
    );

    // Truncated Polisen JSON and an unreadable area file fail the same way.
    let json = std::fs::read(fixture("events_fixture_small.json")).unwrap();
    let path = db.file("cut.json", &json[..json.len() / 2]);
    let out = db.run(&["import", "polisen", &path]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ends too early"));
    let gpkg = std::fs::read(fixture("uppsala_lan_kommuner_3006.gpkg")).unwrap();
    let path = db.file("cut.gpkg", &gpkg[..4096]);
    let out = db.run(&["import", "areas", &path]);
    assert!(!out.status.success(), "{out:?}");
    assert!(db.exported(&[]).is_empty());
}

#[test]
fn export_geojson_writes_a_wgs84_feature_collection() {
    let db = Db::new("geojson");
    db.ok(&["import", "polisen", &fixture("events_fixture_small.json")]);
    let out = db.run(&["import", "csv", &db.file("utf8.csv", UTF8_CSV.as_bytes())]);
    assert!(out.status.success());
    let file = db.dir.join("handelser.geojson");
    let out = db.run(&["export", "geojson", "--output", &file.display().to_string()]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Exported 26 incidents"));
    let fc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 26, "22 Polisen events and 4 rows");
    for f in features {
        assert_eq!(f["type"], "Feature");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (10.0..25.0).contains(&lon) && (55.0..70.0).contains(&lat),
            "WGS84 [lon, lat]: {f}"
        );
    }
    // Filtered.
    let out = db.run(&[
        "export",
        "geojson",
        "--source",
        "import",
        "--output",
        &file.display().to_string(),
    ]);
    assert!(out.status.success());
    let fc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 4);
}

#[test]
fn user_add_keeps_the_pages_password_rule() {
    let db = Db::new("password-rule");
    let add = |password: &str, email: &str| {
        Command::new(BIN)
            .args(["user", "add", "--database", &db.url, "--email", email])
            .args([
                "--name",
                "Test",
                "--organisation",
                "Testkommun",
                "--role",
                "admin",
            ])
            .args(["--password", password])
            .current_dir(&db.dir)
            .env("TRYGG_LOG", "warn")
            .env_remove("TRYGG_DATABASE")
            .env_remove("TRYGG_CONFIG")
            .output()
            .expect("run trygg")
    };
    let short = add("abcd", "kort@test");
    assert!(
        !short.status.success(),
        "a 4-character password was accepted"
    );
    let err = String::from_utf8_lossy(&short.stderr);
    assert!(err.contains("at least 8 characters"), "{err}");
    let long = add("rätt häst batteri", "lang@test");
    assert!(
        long.status.success(),
        "{}",
        String::from_utf8_lossy(&long.stderr)
    );
}

/// `trygg user disable` ends the user's sessions and revokes their tokens at once; `token
/// add|list|revoke` make named, expiring tokens and show their state; `user roles` replaces
/// the roles. Everything through the real binary on a real SQLite file.
#[test]
fn user_disable_ends_sessions_and_tokens_and_tokens_are_listed_and_revoked() {
    let db = Db::new("accounts");
    let cli = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .args(["--database", &db.url])
            .current_dir(&db.dir)
            .env("TRYGG_LOG", "warn")
            .env_remove("TRYGG_DATABASE")
            .env_remove("TRYGG_CONFIG")
            .output()
            .expect("run trygg");
        (
            out.status.success(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (ok, out, err) = cli(&[
        "user",
        "add",
        "--email",
        "anna@test",
        "--name",
        "Anna",
        "--organisation",
        "Testkommun",
        "--role",
        "analyst",
        "--password",
        "rätt häst batteri",
        "--token",
    ]);
    assert!(ok, "{err}");
    let first = out
        .lines()
        .find_map(|l| l.strip_prefix("API token (anna@test): "))
        .expect("token printed")
        .to_string();
    let (ok, out, err) = cli(&[
        "token",
        "add",
        "--user",
        "anna@test",
        "--name",
        "Polisens import",
        "--days",
        "30",
    ]);
    assert!(ok, "{err}");
    let second = out.rsplit(": ").next().unwrap().trim().to_string();
    let (ok, _, err) = cli(&[
        "token",
        "add",
        "--user",
        "anna@test",
        "--name",
        "x",
        "--days",
        "0",
    ]);
    assert!(!ok && err.contains("1 to 366 days"), "{err}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt
        .block_on(trygg_store_sqlite::SqliteStore::connect(&db.url))
        .unwrap();
    use trygg_store::Store;
    let now = jiff::Timestamp::now();
    let anna = rt
        .block_on(store.user_credentials("anna@test"))
        .unwrap()
        .unwrap()
        .user;
    rt.block_on(store.create_session(
        anna.id,
        &trygg_store::NewSession {
            token_hash: "sess".into(),
            csrf: "c".into(),
            expires_at: now + jiff::SignedDuration::from_hours(1),
        },
    ))
    .unwrap();
    let live = |token: &str| {
        rt.block_on(store.user_by_token_hash(&trygg_app::credentials::hash_token(token), now))
            .unwrap()
            .is_some()
    };
    assert!(live(&first) && live(&second));

    let (ok, out, _) = cli(&["token", "list"]);
    assert!(ok);
    assert!(
        out.lines()
            .any(|l| l.contains("Polisens import") && l.ends_with("valid")),
        "{out}"
    );
    let id = out
        .lines()
        .find(|l| l.contains("\tcli\t"))
        .and_then(|l| l.split('\t').next())
        .unwrap()
        .to_string();
    let (ok, _, err) = cli(&["token", "revoke", &id]);
    assert!(ok, "{err}");
    assert!(!live(&first), "revoked at once");
    assert!(live(&second));

    let (ok, _, err) = cli(&[
        "user",
        "roles",
        "--email",
        "anna@test",
        "--role",
        "coordinator",
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&["user", "disable", "--email", "anna@test"]);
    assert!(ok, "{err}");
    assert!(!live(&second), "disabling revokes every token");
    assert!(
        rt.block_on(store.session("sess", now)).unwrap().is_none(),
        "disabling ends the sessions"
    );
    let (_, out, _) = cli(&["user", "list"]);
    assert!(
        out.lines()
            .any(|l| l.contains("anna@test\tcoordinator\tdisabled")),
        "{out}"
    );
    let (ok, _, err) = cli(&["user", "disable", "--email", "nobody@test"]);
    assert!(!ok && err.contains("nobody@test"), "{err}");
}

/// The kommun's own Excel export (`kommun_uppsala_handelser_cp1252.csv`: Windows-1252, `;`,
/// `Datum;Tid;Kategori;X;Y;Plats;Beskrivning`, SWEREF 99 TM with decimal comma, X northward):
/// its data rows as (X, Y, Kategori, Beskrivning).
fn kommun_rows() -> Vec<(f64, f64, String, String)> {
    let bytes = std::fs::read(fixture("kommun_uppsala_handelser_cp1252.csv")).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "really Windows-1252");
    // å, ä, ö and é are the same bytes in Windows-1252 and Latin-1.
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let number = |s: &str| s.replace(',', ".").parse::<f64>().unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(';').collect();
            (
                number(c[3]),
                number(c[4]),
                c[2].to_string(),
                c[6].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_kommun_export_with_its_own_category_is_refused_then_imports_with_a_category_map() {
    let db = Db::new("kommun");
    let file = fixture("kommun_uppsala_handelser_cp1252.csv");
    let given = kommun_rows();
    assert_eq!(given.len(), 40);

    let out = db.run(&["import", "csv", &file]);
    assert!(!out.status.success(), "refused whole");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "unknown category \"Ordningsstörning\" (7 rows, first on line 12): map it with \
             --category-map \"Ordningsstörning=CODE\""
        ),
        "{stderr}"
    );
    assert!(stderr.contains("nearest codes: ordning.ovrigt"), "{stderr}");
    assert_eq!(
        stderr.matches("unknown category").count(),
        1,
        "one error for the value, not one per row: {stderr}"
    );
    assert!(stderr.contains("1 problem found"), "{stderr}");
    assert!(db.exported(&[]).is_empty(), "nothing is stored");

    // A target that is not a code is refused, naming it and the nearest codes.
    let out = db.run(&[
        "import",
        "csv",
        &file,
        "--category-map",
        "Ordningsstörning=ordning.ovrig",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"ordning.ovrig\"") && stderr.contains("Nearest codes: ordning.ovrigt"),
        "{stderr}"
    );
    assert!(db.exported(&[]).is_empty());

    let out = db.ok(&[
        "import",
        "csv",
        &file,
        "--category-map",
        "Ordningsstörning=ordning.ovrigt",
    ]);
    assert_eq!(stored(&out), (40, 0, 0), "{out}");
    assert!(
        out.contains("\"Ordningsstörning\" → ordning.ovrigt: 7"),
        "{out}"
    );
    assert!(out.contains("Windows-1252"), "{out}");
    assert!(out.contains("read as northing"), "X is northward: {out}");

    let rows = db.exported(&[]);
    assert_eq!(rows.len(), 40);
    let mut worst: f64 = 0.0;
    for (x, y, category, description) in &given {
        let row = rows
            .iter()
            .find(|r| &r[14] == description)
            .unwrap_or_else(|| panic!("{description} is stored"));
        let number = |s: &str| s.replace(',', ".").parse::<f64>().unwrap();
        // The stored N/E, and the stored WGS84 converted back.
        let (n, e) = (number(&row[9]), number(&row[10]));
        let back = trygg_domain::Position::from_wgs84(
            number(&row[7]),
            number(&row[8]),
            trygg_domain::Precision::Exact,
        )
        .unwrap();
        for (n, e) in [(n, e), (back.n, back.e)] {
            let d = (n - x).hypot(e - y);
            worst = worst.max(d);
            assert!(d < 1.0, "{description}: {d} m from X {x}, Y {y}");
        }
        if category == "Ordningsstörning" {
            assert_eq!(row[4], "ordning.ovrigt", "{row:?}");
        }
    }
    assert!(worst < 1.0, "every row within 1 m (worst {worst} m)");
    assert_eq!(rows.iter().filter(|r| r[4] == "ordning.ovrigt").count(), 7);
}

#[test]
fn a_category_map_file_maps_like_the_flag() {
    let db = Db::new("mapfile");
    let file = fixture("kommun_uppsala_handelser_cp1252.csv");
    // A wrong line in the map file: named with its line, nothing imported.
    let bad = db.file(
        "bad-map.csv",
        &windows_1252("Värde;Kod\r\nBråk;ordning.brak\r\nOrdningsstörning;ordningsstorning\r\n"),
    );
    let out = db.run(&["import", "csv", &file, "--category-map-file", &bad]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3:") && stderr.contains("\"ordningsstorning\""),
        "{stderr}"
    );
    assert!(db.exported(&[]).is_empty());

    let map = db.file(
        "map.csv",
        &windows_1252("Värde;Kod\r\n ordningsstörning ;ordning\r\n"),
    );
    let out = db.ok(&["import", "csv", &file, "--category-map-file", &map]);
    assert_eq!(stored(&out), (40, 0, 0), "{out}");
    assert_eq!(
        db.exported(&["--category", "ordning"])
            .iter()
            .filter(|r| r[4] == "ordning")
            .count(),
        7,
        "mapped to the group itself"
    );
    // A flag and the file may not disagree.
    let out = db.run(&[
        "import",
        "csv",
        &file,
        "--category-map-file",
        &map,
        "--category-map",
        "Ordningsstörning=ordning.ovrigt",
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("mapped twice"),
        "{out:?}"
    );
}

/// `trygg categories add` stores an own category that a later `trygg import csv` (another
/// process) reads by its code; `trygg synonyms` maps a value to it; both list what is stored.
#[test]
fn own_categories_and_synonyms_from_the_console_are_read_by_imports() {
    let db = Db::new("categories");
    db.ok(&[
        "user",
        "add",
        "--email",
        "admin@test",
        "--name",
        "Admin",
        "--organisation",
        "Uppsala kommun",
        "--role",
        "admin",
    ]);
    let out = db.run(&[
        "categories",
        "add",
        "--group",
        "ordnin",
        "--sv",
        "X",
        "--en",
        "X",
        "--organisation",
        "Uppsala kommun",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Nearest groups: ordning"), "{err}");
    let out = db.ok(&[
        "categories",
        "add",
        "--group",
        "ordning",
        "--sv",
        "Ordningsstörning i konsolen",
        "--en",
        "Disorder at the console",
        "--organisation",
        "Uppsala kommun",
    ]);
    assert!(out.contains("ordning.ordningsstorning-i-konsolen"), "{out}");
    let listed = db.ok(&["categories", "list"]);
    assert!(
        listed.contains("ordning.ordningsstorning-i-konsolen\tordning\tOrdningsstörning i konsolen\tDisorder at the console\town"),
        "{listed}"
    );
    let out = db.ok(&[
        "synonyms",
        "add",
        "--value",
        "Konsolbus",
        "--code",
        "ordning.ordningsstorning-i-konsolen",
        "--organisation",
        "Uppsala kommun",
    ]);
    assert!(out.contains("Stored synonym"), "{out}");
    assert!(db.ok(&["synonyms", "list"]).contains("Konsolbus"));
    let csv = db.file(
        "egen.csv",
        "Datum;Kategori;Lat;Lon\n2024-05-01;ordning.ordningsstorning-i-konsolen;59,8586;17,6389\n\
         2024-05-02;Konsolbus;59,8586;17,6389\n"
            .as_bytes(),
    );
    let out = db.ok(&["import", "csv", &csv]);
    assert_eq!(stored(&out), (2, 0, 0), "{out}");
    let rows = db.exported(&["--category", "ordning"]);
    assert_eq!(rows.len(), 2, "under its group: {rows:?}");
    let id = db.ok(&["synonyms", "list"]);
    let id = id.split('\t').next().unwrap();
    assert!(db.ok(&["synonyms", "remove", id]).contains("Removed"));
    assert_eq!(db.ok(&["synonyms", "list"]), "");
}
