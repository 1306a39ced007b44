//! Configuration, in layers: built-in defaults, then a TOML file (`--config FILE`, or
//! `trygg.toml` in the working directory if present), then `TRYGG_*` environment variables,
//! then command-line flags. Secrets never appear in `Debug` output or logs.

use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// Everything the server can be told.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Database URL: `sqlite://PATH` (default) or `postgres://…`.
    pub database: String,
    /// Local time zone (IANA name).
    pub timezone: String,
    /// Log format: `text` or `json`.
    pub log_format: String,
    /// The Polisen poller (`[polisen]`).
    pub polisen: crate::poller::PollerConfig,
    /// The web app (`[web]`): map tiles, cookies.
    pub web: trygg_web::WebConfig,
    /// Retention (gallring) rules (`[retention]`), all off by default.
    pub retention: trygg_app::retention::Rules,
    /// The public safety map (`[public]`): on by default, k = 5, a 7-day delay, districts.
    pub public: trygg_app::public::PublicConfig,
    /// Fixes (`[fixes]`): how long an outside party's link works.
    pub fixes: FixesSection,
    /// Photos of fixes (`[photos]`): where they are kept and how large they may be.
    pub photos: PhotosSection,
}

/// `[fixes]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FixesSection {
    /// Days an outside party's link works (1–365).
    pub link_days: i64,
}

impl Default for FixesSection {
    fn default() -> Self {
        Self {
            link_days: trygg_domain::fix::DEFAULT_LINK_DAYS,
        }
    }
}

/// `[photos]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhotosSection {
    /// A directory for the photos' files; empty: the database.
    pub dir: String,
    /// The largest photo taken, in MiB (1–64).
    pub max_mib: u32,
}

impl Default for PhotosSection {
    fn default() -> Self {
        Self {
            dir: String::new(),
            max_mib: 8,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database: "sqlite://trygg.db".into(),
            timezone: "Europe/Stockholm".into(),
            log_format: "text".into(),
            polisen: crate::poller::PollerConfig::default(),
            web: trygg_web::WebConfig::default(),
            retention: trygg_app::retention::Rules::default(),
            public: trygg_app::public::PublicConfig::default(),
            fixes: FixesSection::default(),
            photos: PhotosSection::default(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database", &redact(&self.database))
            .field("timezone", &self.timezone)
            .field("log_format", &self.log_format)
            .field("polisen", &self.polisen)
            .field("web", &self.web)
            .field("retention", &self.retention)
            .field("public", &self.public)
            .field("fixes", &self.fixes)
            .field("photos", &self.photos)
            .finish()
    }
}

/// A whole number from the environment, or none for an empty value (the rule is off).
fn optional_number(key: &str, value: &str) -> anyhow::Result<Option<u32>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    value.trim().parse().map(Some).with_context(|| {
        format!("{key} must be a whole number (or empty to turn the rule off), not {value:?}")
    })
}

/// A database URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Config {
    /// Loads defaults ← file ← environment (`vars`, normally `std::env::vars()`).
    pub fn load(
        file: Option<&Path>,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let mut config = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new("trygg.toml").exists() => Self::from_file(Path::new("trygg.toml"))?,
            None => Self::default(),
        };
        for (key, value) in vars {
            let Some(name) = key.strip_prefix("TRYGG_") else {
                continue;
            };
            match name {
                "LISTEN" => config.listen = value,
                "DATABASE" | "DATABASE_URL" => config.database = value,
                "TIMEZONE" => config.timezone = value,
                "LOG_FORMAT" => config.log_format = value,
                "POLISEN_ENABLED" => {
                    config.polisen.enabled = matches!(value.as_str(), "1" | "true" | "yes")
                }
                "POLISEN_URL" => config.polisen.url = value,
                "POLISEN_INTERVAL_SECS" => {
                    config.polisen.interval_secs = value.parse().with_context(|| {
                        format!("TRYGG_POLISEN_INTERVAL_SECS must be whole seconds, not {value:?}")
                    })?
                }
                "POLISEN_USER_AGENT" => config.polisen.user_agent = value,
                "TILE_URL" => config.web.tile_url = value,
                "TILE_ATTRIBUTION" => config.web.tile_attribution = value,
                "SECURE_COOKIES" => {
                    config.web.secure_cookies = matches!(value.as_str(), "1" | "true" | "yes")
                }
                "TRUST_FORWARDED_FOR" => {
                    config.web.trust_forwarded_for = matches!(value.as_str(), "1" | "true" | "yes")
                }
                "RETENTION_EST_FREE_TEXT_YEARS" => {
                    config.retention.est_free_text_years = optional_number(&key, &value)?
                }
                "RETENTION_AUDIT_YEARS" => {
                    config.retention.audit_years = optional_number(&key, &value)?
                }
                "RETENTION_SESSIONS" => {
                    config.retention.sessions = matches!(value.as_str(), "1" | "true" | "yes")
                }
                "RETENTION_EXPIRED_TOKENS_DAYS" => {
                    config.retention.expired_tokens_days = optional_number(&key, &value)?
                }
                "RETENTION_TIPS_DAYS" => {
                    config.retention.tips_days = optional_number(&key, &value)?
                }
                "RETENTION_TIP_EMAIL_DAYS" => {
                    config.retention.tip_email_days = optional_number(&key, &value)?
                }
                "PUBLIC_ENABLED" => {
                    config.public.enabled = matches!(value.as_str(), "1" | "true" | "yes")
                }
                "PUBLIC_K" => {
                    config.public.k = value.trim().parse().with_context(|| {
                        format!("TRYGG_PUBLIC_K must be a whole number, not {value:?}")
                    })?
                }
                _ => {}
            }
        }
        config.check()?;
        Ok(config)
    }

    /// The fixes' settings for the application.
    pub fn fixes_config(&self) -> trygg_app::fixes::FixesConfig {
        trygg_app::fixes::FixesConfig {
            link_days: self.fixes.link_days,
            photos: trygg_app::photos::PhotoConfig {
                dir: Some(self.photos.dir.trim())
                    .filter(|d| !d.is_empty())
                    .map(Into::into),
                max_bytes: self.photos.max_mib as usize * 1024 * 1024,
            },
        }
    }

    fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("{} is not valid trygg configuration", path.display()))
    }

    /// Checks values that would otherwise fail later and less clearly.
    pub fn check(&self) -> anyhow::Result<()> {
        jiff::tz::TimeZone::get(&self.timezone).with_context(|| {
            format!(
                "unknown time zone {:?}; use an IANA name such as Europe/Stockholm",
                self.timezone
            )
        })?;
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!(
                "log_format must be \"text\" or \"json\", not {:?}",
                self.log_format
            );
        }
        self.retention.check().map_err(anyhow::Error::msg)?;
        self.public.check().map_err(anyhow::Error::msg)?;
        if !(1..=365).contains(&self.fixes.link_days) {
            bail!(
                "[fixes] link_days must be 1 to 365 days, not {}",
                self.fixes.link_days
            );
        }
        if !(1..=64).contains(&self.photos.max_mib) {
            bail!(
                "[photos] max_mib must be 1 to 64 MiB, not {}",
                self.photos.max_mib
            );
        }
        Ok(())
    }

    /// The time zone.
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone).expect("checked in load")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("trygg-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\ndatabase = \"sqlite://file.db\"\n[polisen]\nenabled = true\ninterval_secs = 900\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            vars(&[
                ("TRYGG_DATABASE", "postgres://u:secret@h/db"),
                ("OTHER", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000", "from the file");
        assert_eq!(
            c.database, "postgres://u:secret@h/db",
            "environment beats the file"
        );
        assert_eq!(c.timezone, "Europe/Stockholm", "default");
        assert!(c.polisen.enabled);
        assert_eq!(c.polisen.interval_secs, 900);
        assert!(
            c.polisen.user_agent.starts_with("trygg/"),
            "unset keys keep their defaults"
        );
        assert!(
            !format!("{c:?}").contains("secret"),
            "the password never prints"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn identity_providers_read_from_the_file() {
        let dir = std::env::temp_dir().join(format!("trygg-config-oidc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(
            &file,
            r#"
[web]
secure_cookies = true
[[web.oidc]]
name = "uppsala"
label = "Uppsala kommun (Entra ID)"
issuer = "https://login.microsoftonline.com/t/v2.0"
client_id = "c"
redirect_url = "https://trygg.uppsala.se/login/oidc/uppsala/callback"
organisation = "Uppsala kommun"
roles = { "g-analytiker" = ["analyst"], "g-samordnare" = ["coordinator", "analyst"] }
passwords = false
"#,
        )
        .unwrap();
        let c = Config::load(Some(&file), vars(&[])).unwrap();
        let p = &c.web.oidc[0];
        assert_eq!(p.organisation, "Uppsala kommun");
        assert!(!p.passwords);
        assert_eq!(p.groups_claim, "groups", "default claim");
        assert_eq!(
            p.roles_for(&["g-samordnare".into()]),
            vec![trygg_domain::Role::Coordinator, trygg_domain::Role::Analyst]
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn retention_is_off_by_default_and_reads_from_the_file_and_the_environment() {
        let c = Config::load(None, vars(&[])).unwrap();
        assert!(
            c.retention.is_empty(),
            "nothing is deleted unless configured"
        );
        let dir = std::env::temp_dir().join(format!("trygg-config-ret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(
            &file,
            "[retention]\nest_free_text_years = 3\naudit_years = 10\n[[retention.incidents]]\nsource = \"polisen\"\nyears = 5\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&file),
            vars(&[
                ("TRYGG_RETENTION_AUDIT_YEARS", ""),
                ("TRYGG_RETENTION_SESSIONS", "true"),
                ("TRYGG_RETENTION_EXPIRED_TOKENS_DAYS", "90"),
            ]),
        )
        .unwrap();
        assert_eq!(c.retention.est_free_text_years, Some(3));
        assert_eq!(
            c.retention.audit_years, None,
            "an empty variable turns it off"
        );
        assert!(c.retention.sessions);
        assert_eq!(c.retention.expired_tokens_days, Some(90));
        assert_eq!(c.retention.incidents[0].source, "polisen");
        assert_eq!(c.retention.incidents[0].years, 5);
        let e =
            Config::load(Some(&file), vars(&[("TRYGG_RETENTION_AUDIT_YEARS", "tio")])).unwrap_err();
        assert!(format!("{e:#}").contains("whole number"), "{e:#}");
        std::fs::write(&file, "[retention]\nest_free_text_years = 0\n").unwrap();
        let e = Config::load(Some(&file), vars(&[])).unwrap_err();
        assert!(
            format!("{e:#}").contains("est_free_text_years = 0"),
            "{e:#}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_public_map_is_on_by_default_and_reads_from_the_file_and_the_environment() {
        let c = Config::load(None, vars(&[])).unwrap();
        assert!(c.public.enabled);
        assert_eq!(
            (c.public.k, c.public.delay_days, c.public.months),
            (5, 7, 24)
        );
        assert_eq!(c.public.area_kind, trygg_domain::AreaKind::District);
        assert_eq!(c.public.sensitive, ["brott.sexualbrott"]);
        let dir = std::env::temp_dir().join(format!("trygg-config-pub-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(
            &file,
            "[public]\nk = 10\ndelay_days = 14\narea_kind = \"deso\"\nmonths = 12\nsensitive = [\"brott.sexualbrott\", \"ordning.vald\"]\ncategories = [\"skadegorelse\", \"ordning\"]\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), vars(&[("TRYGG_PUBLIC_ENABLED", "false")])).unwrap();
        assert!(!c.public.enabled);
        assert_eq!(
            (c.public.k, c.public.delay_days, c.public.months),
            (10, 14, 12)
        );
        assert_eq!(c.public.area_kind, trygg_domain::AreaKind::Deso);
        assert!(c.public.is_sensitive("ordning.vald"));
        assert_eq!(c.public.groups().len(), 2);
        let e = Config::load(Some(&file), vars(&[("TRYGG_PUBLIC_K", "2")])).unwrap_err();
        assert!(format!("{e:#}").contains("k = 2"), "{e:#}");
        std::fs::write(&file, "[public]\nsensitive = [\"sexualbrott\"]\n").unwrap();
        let e = Config::load(Some(&file), vars(&[])).unwrap_err();
        assert!(format!("{e:#}").contains("brott.sexualbrott"), "{e:#}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn bad_values_say_what_to_do() {
        let e = Config::load(Some(Path::new("/nonexistent/trygg.toml")), vars(&[])).unwrap_err();
        assert!(format!("{e:#}").contains("cannot read the configuration file"));
        let e = Config::load(None, vars(&[("TRYGG_TIMEZONE", "Mars/Olympus")])).unwrap_err();
        assert!(format!("{e:#}").contains("IANA"));
    }

    #[test]
    fn fixes_and_photos_have_defaults_and_limits() {
        let c = Config::default();
        let f = c.fixes_config();
        assert_eq!(f.link_days, 14);
        assert_eq!(f.photos.max_bytes, 8 * 1024 * 1024);
        assert_eq!(f.photos.dir, None);
        let c: Config = toml::from_str(
            "[fixes]\nlink_days = 30\n[photos]\ndir = \"/var/lib/trygg/foton\"\nmax_mib = 4\n",
        )
        .unwrap();
        c.check().unwrap();
        let f = c.fixes_config();
        assert_eq!(f.link_days, 30);
        assert_eq!(f.photos.max_bytes, 4 * 1024 * 1024);
        assert_eq!(f.photos.dir, Some("/var/lib/trygg/foton".into()));
        let c: Config = toml::from_str("[fixes]\nlink_days = 0\n").unwrap();
        assert!(c.check().unwrap_err().to_string().contains("link_days"));
        let c: Config = toml::from_str("[photos]\nmax_mib = 100\n").unwrap();
        assert!(c.check().unwrap_err().to_string().contains("max_mib"));
    }
}
