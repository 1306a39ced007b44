//! The page frame every page shares: language, navigation by role, the CSRF token for forms.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use trygg_domain::{Permission, User, policy};

pub use trygg_domain::Lang;

/// What the frame needs to know about the request.
#[derive(Debug, Clone, Default)]
pub struct PageCtx {
    /// Interface language.
    pub lang: Lang,
    /// The signed-in user, if any.
    pub user: Option<User>,
    /// The session's CSRF token, put in every form and in `<meta name="csrf-token">`.
    pub csrf: Option<String>,
    /// The request path, to mark the current navigation item.
    pub path: String,
    /// The request's query string (without `?`), kept by the language link.
    pub query: String,
    /// Use the whole screen width (the dashboard on the meeting room's screen).
    pub wide: bool,
    /// What a redirect after a save says was done (`?sparat=…`, see [`saved`]); the frame
    /// shows it as a notice.
    pub saved: Option<Saved>,
}

/// What a save that redirected did, carried in the query (`?sparat=user`) so that the page it
/// lands on can say so, and a reload of it submits nothing (redirect after POST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// "Sparat." — any change.
    Any,
    /// A record was removed.
    Removed,
    /// A user was added.
    UserAdded,
    /// A user's roles were saved.
    Roles,
    /// An account was disabled (its sessions and tokens ended).
    Disabled,
    /// An account was enabled.
    Enabled,
    /// A password was set by an administrator.
    Password,
    /// An API token was revoked.
    TokenRevoked,
    /// An organisation was added.
    Organisation,
    /// The user changed their own password.
    OwnPassword,
}

impl Saved {
    const CODES: [(Saved, &'static str); 10] = [
        (Saved::Any, "1"),
        (Saved::Removed, "borttaget"),
        (Saved::UserAdded, "anvandare"),
        (Saved::Roles, "roller"),
        (Saved::Disabled, "avstangt"),
        (Saved::Enabled, "aktiverat"),
        (Saved::Password, "losenord"),
        (Saved::TokenRevoked, "nyckel"),
        (Saved::Organisation, "organisation"),
        (Saved::OwnPassword, "eget-losenord"),
    ];

    /// The code in the query.
    pub fn code(self) -> &'static str {
        Self::CODES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("1", |(_, c)| c)
    }

    /// The code read back from a query value.
    pub fn parse(code: &str) -> Option<Self> {
        Self::CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(s, _)| *s)
    }

    /// The notice, in the page's language.
    pub fn text(self, l: Lang) -> &'static str {
        match self {
            Saved::Any => l.t("Sparat.", "Saved."),
            Saved::Removed => l.t("Borttaget.", "Removed."),
            Saved::UserAdded => l.t("Användaren har lagts till.", "The user was added."),
            Saved::Roles => l.t("Rollerna är sparade.", "The roles are saved."),
            Saved::Disabled => l.t(
                "Kontot är avstängt: dess sessioner har avslutats och dess API-nycklar återkallats.",
                "The account is disabled: its sessions have ended and its API tokens are revoked.",
            ),
            Saved::Enabled => l.t("Kontot är aktiverat.", "The account is enabled."),
            Saved::Password => l.t(
                "Lösenordet är satt. Användarens sessioner har avslutats och API-nycklar återkallats.",
                "The password is set. The user's sessions have ended and their API tokens are revoked.",
            ),
            Saved::TokenRevoked => l.t("API-nyckeln är återkallad.", "The API token is revoked."),
            Saved::Organisation => l.t("Organisationen har lagts till.", "The organisation was added."),
            Saved::OwnPassword => l.t(
                "Lösenordet är bytt. Andra inloggningar med det gamla lösenordet har avslutats.",
                "The password is changed. Other sessions have been signed out.",
            ),
        }
    }
}

/// The address `to` (which may end in a `#fragment`) with `sparat=<what>` in its query: where
/// a form's POST redirects, so the page says what was saved.
pub fn saved(to: &str, what: Saved) -> String {
    let (path, fragment) = match to.find('#') {
        Some(i) => (&to[..i], &to[i..]),
        None => (to, ""),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}sparat={}{fragment}", what.code())
}

impl PageCtx {
    /// Shorthand for `self.lang.t(sv, en)`.
    pub fn t<'a>(&self, sv: &'a str, en: &'a str) -> &'a str {
        self.lang.t(sv, en)
    }

    /// Whether the user holds `p` (what to show).
    pub fn may(&self, p: Permission) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| policy::allows(&u.roles, p))
    }

    /// Whether the request is in the section at `path` (`/problem/12` is in `/problem`).
    pub fn in_section(&self, path: &str) -> bool {
        self.path == path
            || (path != "/"
                && self
                    .path
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('/')))
    }

    /// This page in the other language: the same path and query, `lang` set to the other one
    /// (`assets/nav.js` does the same with the address bar's query, which a page's script
    /// may have changed since).
    pub fn other_language_href(&self) -> String {
        let other = match self.lang {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        };
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(self.query.as_bytes()) {
            if k != "lang" {
                q.append_pair(&k, &v);
            }
        }
        q.append_pair("lang", other.code());
        format!("{}?{}", self.path, q.finish())
    }

    /// The hidden CSRF field for a form.
    pub fn csrf_field(&self) -> Markup {
        html! { @if let Some(t) = &self.csrf { input type="hidden" name="csrf" value=(t); } }
    }
}

/// Navigation items: (path, Swedish, English, the permission that shows it).
const NAV: &[(&str, &str, &str, Permission)] = &[
    ("/", "Start", "Home", Permission::ManageOwnAccount),
    (
        "/lagesbild",
        "Lägesbild",
        "Situation picture",
        Permission::ReadPicture,
    ),
    ("/problem", "Problem", "Problems", Permission::ReadCycle),
    (
        "/insatser",
        "Insatser",
        "Interventions",
        Permission::ReadCycle,
    ),
    ("/moten", "EST-möten", "EST meetings", Permission::ReadCycle),
    ("/tips", "Tips", "Tips", Permission::ModerateTips),
    ("/atgarder", "Åtgärder", "Fixes", Permission::ReadFixes),
    (
        "/trygghetsvandringar",
        "Trygghetsvandringar",
        "Safety walks",
        Permission::ReadWalks,
    ),
    (
        "/rapportera",
        "Rapportera",
        "Report",
        Permission::FileReport,
    ),
    ("/importera", "Importera", "Import", Permission::Import),
    (
        "/mina-rapporter",
        "Mina rapporter",
        "My reports",
        Permission::ReadOwnReports,
    ),
    (
        "/samverkan",
        "Samverkan",
        "Partnership",
        Permission::ReadPartnership,
    ),
    (
        "/rapporter",
        "Rapporter",
        "Reports",
        Permission::ReadReports,
    ),
    (
        "/admin",
        "Administration",
        "Administration",
        Permission::ManageAccounts,
    ),
];

/// The whole page around `body`.
pub fn layout(ctx: &PageCtx, title: &str, body: Markup) -> Markup {
    layout_with_head(ctx, title, html! {}, body)
}

/// A report rendered by `trygg_report::html::html_fragment` (escaped there), with the link to
/// its style sheet: the fragment carries no `<style>` of its own, since the pages allow no
/// inline styles (see `http::headers`).
pub fn embedded_report(fragment: String) -> Markup {
    html! {
        link rel="stylesheet" href="/assets/report.css";
        (PreEscaped(fragment))
    }
}

/// The whole page around `body`, with page-specific `head` elements (styles, scripts).
pub fn layout_with_head(ctx: &PageCtx, title: &str, head: Markup, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(t) = &ctx.csrf { meta name="csrf-token" content=(t); }
                meta name="theme-color" content="#1d4f73";
                link rel="manifest" href="/manifest.webmanifest";
                link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/nav.js" defer {}
                title { (title) " · trygg" }
                (head)
            }
            body {
                header.top {
                    a.brand href="/" { "trygg" }
                    @if let Some(u) = &ctx.user {
                        nav {
                            @for (path, sv, en, permission) in NAV {
                                @if policy::allows(&u.roles, *permission) {
                                    a href=(path) aria-current=[ctx.in_section(path).then_some("page")] { (ctx.t(sv, en)) }
                                }
                            }
                        }
                        div.who {
                            a href="/konto" { (u.display_name) }
                            form method="post" action="/logout" {
                                (ctx.csrf_field())
                                button.link type="submit" { (ctx.t("Logga ut", "Sign out")) }
                            }
                        }
                    }
                    a.lang href=(ctx.other_language_href())
                        lang=(if ctx.lang == Lang::Sv { "en" } else { "sv" }) {
                        span.long { (if ctx.lang == Lang::Sv { "English" } else { "Svenska" }) }
                        abbr.short title=(if ctx.lang == Lang::Sv { "English" } else { "Svenska" }) {
                            (if ctx.lang == Lang::Sv { "EN" } else { "SV" })
                        }
                    }
                }
                main class=[ctx.wide.then_some("wide")] {
                    @if let Some(s) = ctx.saved {
                        div.notice.ok.saved role="status" { (s.text(ctx.lang)) }
                    }
                    (body)
                }
                footer.site {
                    a href="/karta" { (ctx.t("Trygghetskarta", "Safety map")) }
                    a href="/tipsa" { (ctx.t("Tipsa om en plats", "Tell us about a place")) }
                    a href="/lofte" { (ctx.t("Medborgarlöften", "Citizen promises")) }
                    a href="/tillganglighet" { (ctx.t("Tillgänglighet", "Accessibility")) }
                }
            }
        }
    }
}

/// Whether a page's decisions are e-mailed: `when_on` (sv, en) says to whom when `[smtp]` is
/// configured; otherwise the page says that nothing is sent.
pub fn mail_status(l: Lang, on: bool, when_on: (&str, &str)) -> Markup {
    html! {
        @if on {
            p.hint #mail-status { (l.t(when_on.0, when_on.1)) }
        } @else {
            p.hint #mail-status { (l.t("E-post är inte konfigurerat — inget skickas.", "E-mail is not configured — nothing is sent.")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let ctx = PageCtx::default();
        let page = layout(&ctx, "<script>alert(1)</script>", html! { p { "<b>" } }).into_string();
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&lt;b&gt;"));
        assert!(page.contains(r#"<html lang="sv">"#));
    }

    #[test]
    fn the_language_link_keeps_the_path_and_the_query() {
        let ctx = PageCtx {
            path: "/lagesbild".into(),
            query: "category=ordning.inbrott&lang=sv&area=3&area=4&layers=omraden%2Chotspots"
                .into(),
            ..PageCtx::default()
        };
        assert_eq!(
            ctx.other_language_href(),
            "/lagesbild?category=ordning.inbrott&area=3&area=4&layers=omraden%2Chotspots&lang=en"
        );
        let en = PageCtx {
            lang: Lang::En,
            path: "/tipsa".into(),
            query: "omrade=7&lang=en".into(),
            ..PageCtx::default()
        };
        assert_eq!(en.other_language_href(), "/tipsa?omrade=7&lang=sv");
        let page = layout(&en, "t", html! {}).into_string();
        assert!(
            page.contains(r#"href="/tipsa?omrade=7&amp;lang=sv""#),
            "{page}"
        );
    }

    #[test]
    fn a_page_is_in_its_section() {
        let at = |path: &str| PageCtx {
            path: path.into(),
            ..PageCtx::default()
        };
        assert!(at("/problem/12").in_section("/problem"));
        assert!(at("/problem").in_section("/problem"));
        assert!(!at("/problemx").in_section("/problem"));
        assert!(!at("/problem").in_section("/"));
        assert!(at("/").in_section("/"));
    }

    #[test]
    fn a_save_redirects_with_its_notice() {
        assert_eq!(
            saved("/samverkan/kommunikation", Saved::Any),
            "/samverkan/kommunikation?sparat=1"
        );
        assert_eq!(
            saved("/samverkan/atagandeplan/2022#c-2.3", Saved::Any),
            "/samverkan/atagandeplan/2022?sparat=1#c-2.3"
        );
        assert_eq!(
            saved("/admin?x=1", Saved::Roles),
            "/admin?x=1&sparat=roller"
        );
        for (s, code) in Saved::CODES {
            assert_eq!(Saved::parse(code), Some(s));
        }
        assert_eq!(Saved::parse("<script>"), None);
        let ctx = PageCtx {
            saved: Some(Saved::Any),
            ..PageCtx::default()
        };
        let page = layout(&ctx, "x", html! {}).into_string();
        assert!(
            page.contains(r#"<div class="notice ok saved" role="status">Sparat.</div>"#),
            "{page}"
        );
    }
}
