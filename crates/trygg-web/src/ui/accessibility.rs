//! `/tillganglighet`: the accessibility statement (tillgänglighetsredogörelse) that lagen
//! (2018:1937) om tillgänglighet till digital offentlig service (DOS-lagen) asks of a public
//! body's site, in the structure of DIGG's model statement, and how to report a problem.

use axum::extract::State;
use maud::{Markup, html};

use super::{extract::Page, layout};
use crate::AppState;

/// The version of axe-core the browser tests run on every public page and the main signed-in
/// pages (`crates/trygg/tests/vendor/`).
const AXE_VERSION: &str = "4.14.1";

/// `GET /tillganglighet`.
pub(crate) async fn statement(State(state): State<AppState>, page: Page) -> Markup {
    let l = page.ctx.lang;
    let publisher = state.config.publisher.as_str();
    let contact = state.config.accessibility_contact.trim();
    let contact_link = (!contact.is_empty()).then(|| {
        if contact.contains('@') && !contact.contains("://") {
            (format!("mailto:{contact}"), contact.to_string())
        } else {
            (contact.to_string(), contact.to_string())
        }
    });
    let contact_link = contact_link.filter(|(href, _)| trygg_domain::text::is_safe_url(href));
    layout(
        &page.ctx,
        l.t("Tillgänglighet", "Accessibility"),
        html! {
            h1 { (l.t("Tillgänglighet för trygg", "Accessibility of trygg")) }
            p { (publisher) " " (l.t(
                "står bakom trygg. Vi vill att så många som möjligt ska kunna använda webbplatsen. Här beskriver vi hur trygg uppfyller lagen om tillgänglighet till digital offentlig service, vilka brister vi känner till och hur du kan rapportera brister till oss så att vi kan åtgärda dem.",
                "stand behind trygg. We want as many people as possible to be able to use it. This statement describes how trygg meets the Swedish act on accessibility to digital public services, the problems we know of, and how to report a problem so that we can fix it.",
            )) }
            section.card {
                h2 { (l.t("Hur tillgänglig är webbplatsen?", "How accessible is the site?")) }
                p { (l.t("Vi är medvetna om att delar av webbplatsen inte är helt tillgängliga:", "We know that parts of the site are not fully accessible:")) }
                ul {
                    li { (l.t("Kartorna kan inte användas helt med tangentbord. Allt som visas på en karta finns också i en tabell på samma sida.", "The maps cannot be fully used with a keyboard. Everything a map shows is also in a table on the same page.")) }
                    li { (l.t("Diagram i genererade rapporter är bilder med en bildtext; siffrorna finns i rapportens tabeller.", "Charts in generated reports are images with a caption; the figures are in the report's tables.")) }
                }
            }
            section.card {
                h2 { (l.t("Vad kan du göra om du inte kan använda delar av webbplatsen?", "What can you do if you cannot use parts of the site?")) }
                p { (l.t("Om du behöver innehåll från trygg i ett annat format kan du kontakta oss:", "If you need content from trygg in another format, contact us:")) " "
                    @if let Some((href, text)) = &contact_link { a href=(href) { (text) } } @else { (l.t("kommunens kontaktcenter.", "the municipality's contact centre.")) }
                }
            }
            section.card #rapportera-brist {
                h2 { (l.t("Rapportera brister i webbplatsens tillgänglighet", "Report a problem with the site's accessibility")) }
                p { (l.t("Vi strävar hela tiden efter att förbättra tillgängligheten. Om du upptäcker problem som inte beskrivs här, eller om du anser att vi inte uppfyller lagens krav, meddela oss så att vi får veta att problemet finns:", "We keep improving accessibility. If you find a problem not described here, or think we do not meet the law's requirements, tell us:")) " "
                    @if let Some((href, text)) = &contact_link { a href=(href) { (text) } } @else { (l.t("kommunens kontaktcenter.", "the municipality's contact centre.")) }
                }
            }
            section.card {
                h2 { (l.t("Tillsyn", "Enforcement")) }
                p { (l.t("Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn av lagen om tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du ", "The Agency for Digital Government (Digg) enforces the act. If you are not satisfied with how we handle your comments, you can ")) a href="https://www.digg.se/tdosanmalan" { (l.t("anmäla det till Digg", "report it to Digg")) } "." }
            }
            section.card {
                h2 { (l.t("Teknisk information om webbplatsens tillgänglighet", "Technical information about the site's accessibility")) }
                p { (l.t("Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service, på grund av de brister som beskrivs ovan.", "The site partly meets the act, because of the problems described above.")) }
                h3 { (l.t("Hur vi testat webbplatsen", "How we tested the site")) }
                p { (l.t("Vi testar själva (självskattning): varje version av trygg prövas i automatiska webbläsartester med axe-core ", "We test it ourselves: every version of trygg is checked in automated browser tests with axe-core ")) (AXE_VERSION) (l.t(" mot WCAG 2.1 nivå A och AA (EN 301 549), i mobil- och datorstorlek, på de publika sidorna och de viktigaste sidorna för varje roll. En version med allvarliga eller kritiska brister släpps inte. Formulären och tabellerna prövas också med enbart tangentbord.", " against WCAG 2.1 levels A and AA (EN 301 549), at phone and desktop size, on the public pages and the main pages of each role. A version with serious or critical violations is not released. Forms and tables are also tried with a keyboard only.")) }
            }
        },
    )
}
