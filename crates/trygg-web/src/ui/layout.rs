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
    /// Use the whole screen width (the dashboard on the meeting room's screen).
    pub wide: bool,
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
                    a.lang href={ "?lang=" (if ctx.lang == Lang::Sv { "en" } else { "sv" }) }
                        lang=(if ctx.lang == Lang::Sv { "en" } else { "sv" }) {
                        span.long { (if ctx.lang == Lang::Sv { "English" } else { "Svenska" }) }
                        abbr.short title=(if ctx.lang == Lang::Sv { "English" } else { "Svenska" }) {
                            (if ctx.lang == Lang::Sv { "EN" } else { "SV" })
                        }
                    }
                }
                main class=[ctx.wide.then_some("wide")] { (body) }
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
}
