//! `trygg retention` through the real binary on a SQLite file: no rules, the dry run (writes
//! nothing), the run, a second run, and configuration that says what to fix.

use std::{
    path::PathBuf,
    process::{Command, Output},
};

const BIN: &str = env!("CARGO_BIN_EXE_trygg");

/// Two old rows (2015) and two recent ones, as Excel writes them.
const CSV: &str = "Datum;Klockslag;Kategori;Lat;Lon;Plats;Beskrivning;Ärendenr\n\
    2015-05-01;20:15;Klotter;59,8586;17,6389;Stora torget;Gammalt klotter;R-1\n\
    2015-05-02;21:30;Glaskross;59,8467;17,6442;Resecentrum;Gammal ruta;R-2\n\
    2024-05-01;20:15;Klotter;59,8586;17,6389;Stora torget;Nytt klotter;R-3\n\
    2024-05-02;21:30;Glaskross;59,8467;17,6442;Resecentrum;Ny ruta;R-4\n";

struct Dir {
    dir: PathBuf,
    url: String,
}

impl Dir {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("trygg-retention-{}-{name}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("x.db").display());
        Self { dir, url }
    }

    /// Runs `trygg ARGS` in the directory (which may hold a trygg.toml).
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(&self.dir)
            .env("TRYGG_LOG", "warn")
            .env_remove("TRYGG_DATABASE")
            .env_remove("TRYGG_CONFIG")
            .env_remove("TRYGG_RETENTION_AUDIT_YEARS")
            .env_remove("TRYGG_RETENTION_SESSIONS")
            .env_remove("TRYGG_RETENTION_EST_FREE_TEXT_YEARS")
            .env_remove("TRYGG_RETENTION_EXPIRED_TOKENS_DAYS")
            .output()
            .expect("run trygg")
    }

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

    fn config(&self, text: &str) {
        std::fs::write(self.dir.join("trygg.toml"), text).unwrap();
    }

    /// How many incidents `trygg export csv` lists.
    fn incidents(&self) -> usize {
        let out = self.ok(&["export", "--database", &self.url, "csv"]);
        out.lines().count() - 1
    }

    /// The line of `out` for `class`.
    fn line<'a>(out: &'a str, class: &str) -> &'a str {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(class))
            .unwrap_or_else(|| panic!("no {class} line in {out}"))
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

const RULES: &str = r#"
[retention]
audit_years = 10
sessions = true
expired_tokens_days = 90
[[retention.incidents]]
source = "import"
years = 5
"#;

#[test]
fn dry_run_lists_without_removing_then_the_run_removes_the_same_and_a_second_run_nothing() {
    let d = Dir::new("run");
    let csv = d.dir.join("in.csv");
    std::fs::write(&csv, CSV).unwrap();
    d.ok(&[
        "import",
        "--database",
        &d.url,
        "csv",
        &csv.display().to_string(),
    ]);
    assert_eq!(d.incidents(), 4);

    let out = d.ok(&["retention", "--database", &d.url]);
    assert!(
        out.contains("No retention rule") && out.contains("[retention]"),
        "without rules it says so and how to add one: {out}"
    );
    assert_eq!(d.incidents(), 4);

    d.config(RULES);
    let dry = d.ok(&["retention", "--dry-run", "--database", &d.url]);
    assert!(dry.contains("Dry run"), "{dry}");
    let line = Dir::line(&dry, "incident");
    assert!(
        line.contains("source = \"import\", years = 5") && line.contains("would go:       2"),
        "{dry}"
    );
    assert!(line.contains("older than 20"), "the cutoff date: {line}");
    for class in ["audit_event", "session", "sign_in_failure", "api_token"] {
        assert!(
            Dir::line(&dry, class).contains("would go:       0"),
            "{dry}"
        );
    }
    assert_eq!(d.incidents(), 4, "the dry run removes nothing");
    let again = d.ok(&["retention", "--dry-run", "--database", &d.url]);
    assert_eq!(
        again, dry,
        "nor writes anything that would change the next count"
    );

    let run = d.ok(&["retention", "--database", &d.url]);
    assert!(!run.contains("Dry run"), "{run}");
    assert!(
        Dir::line(&run, "incident").contains("went:       2"),
        "{run}"
    );
    assert_eq!(d.incidents(), 2, "the two rows of 2015 are gone");

    let second = d.ok(&["retention", "--database", &d.url]);
    assert!(
        Dir::line(&second, "incident").contains("went:       0"),
        "{second}"
    );
    assert_eq!(d.incidents(), 2);
}

#[test]
fn bad_rules_say_what_to_fix() {
    let d = Dir::new("bad");
    d.config("[retention]\naudit_years = 0\n");
    let out = d.run(&["retention", "--dry-run", "--database", &d.url]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("audit_years = 0"), "{err}");

    d.config("[retention]\n[[retention.incidents]]\nsource = \"Polisen Knivsta\"\nyears = 5\n");
    let out = d.run(&["retention", "--dry-run", "--database", &d.url]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"Polisen Knivsta\"") && err.contains("neither a channel"),
        "{err}"
    );

    d.config("[retention]\nyears = 5\n");
    let out = d.run(&["retention", "--dry-run", "--database", &d.url]);
    assert!(!out.status.success(), "an unknown key is refused");
}
