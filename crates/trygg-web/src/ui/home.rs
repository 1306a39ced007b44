//! The start page: what each role does most, one tap away.

use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use trygg_domain::{IncidentFilter, Permission, policy};

use super::{extract::Page, layout};
use crate::AppState;

/// `GET /`: signed-in users get their start page; others the sign-in page.
pub(crate) async fn index(State(state): State<AppState>, page: Page) -> Response {
    let Some(user) = page.ctx.user.clone() else {
        return Redirect::to(if page.expired {
            "/login?expired=1"
        } else {
            "/login"
        })
        .into_response();
    };
    let l = page.ctx.lang;
    let week_ago = state.now() - jiff::SignedDuration::from_hours(24 * 7);
    let who = trygg_app::Principal::from(user.clone());
    let count = |filter: IncidentFilter| {
        let (state, who) = (&state, &who);
        async move {
            trygg_app::incidents::list(state, who, filter)
                .await
                .map_or(0, |p| p.total)
        }
    };
    let last_week = count(IncidentFilter {
        from: Some(week_ago),
        limit: 1,
        ..Default::default()
    })
    .await;
    let mine = count(IncidentFilter {
        created_by: Some(user.id),
        limit: 1,
        ..Default::default()
    })
    .await;
    let analyst = policy::allows(&user.roles, Permission::ReadPicture);
    let coordinates = policy::allows(&user.roles, Permission::ReadCycle);
    let cycle = super::cycle::start_cards(&state, &user, l).await;
    let coverage = if analyst {
        trygg_app::coverage::coverage(&state, &who, Default::default())
            .await
            .map(|c| c.alerts)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // Overdue fixes, for those who manage them.
    let overdue = if policy::allows(&user.roles, Permission::ManageFixes) {
        trygg_app::fixes::overdue(&state, &who)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let calendar = if policy::allows(&user.roles, Permission::ReadPartnership) {
        super::partnership::reminders(&state, &who).await
    } else {
        None
    };
    let body = html! {
        h1 { (l.t("Hej", "Hello")) ", " (user.display_name) }
        @if coordinates {
            section #alerts .card {
                h2 { (l.t("Nya problem (larm)", "Emerging problems (alerts)")) }
                p.summary.hint {}
                ul { li { (l.t("Hämtar …", "Loading …")) } }
            }
            script src="/assets/home.js" defer {}
        }
        (cycle)
        @if !coverage.is_empty() {
            section #coverage .card {
                h2 { (l.t("Blinda fläckar", "Blind spots")) }
                ul { @for a in &coverage { li { (l.t(&a.message_sv(), &a.message_en())) } } }
            }
        }
        @if !overdue.is_empty() {
            section #overdue-fixes .card {
                h2 { (l.t("Försenade åtgärdsärenden", "Overdue fixes")) }
                p.hint { (l.count(overdue.len() as i64, ("åtgärdsärende", "åtgärdsärenden"), ("fix", "fixes"))) " " (l.t("har passerat sitt datum.", "past their due date.")) }
                ul {
                    @for f in overdue.iter().take(5) {
                        @let (sv, en) = f.data.category_label();
                        li {
                            a href={ "/atgarder/" (f.meta.id) } { (f.meta.id) ": " (l.t(sv, en)) }
                            @if let Some(p) = &f.data.place { ", " (p) }
                            " — " (l.t("skulle vara klart", "due")) " " (f.data.due.map(|d| d.to_string()).unwrap_or_default())
                            @if let Some(o) = f.data.lead() { " · " (o.responsible.name()) }
                        }
                    }
                }
                a href="/atgarder?overdue=1" { (l.t("Alla försenade", "Every overdue fix")) }
            }
        }
        @if let Some((agreement, due, ended)) = &calendar {
            @if *ended || !due.is_empty() {
                section #reminders .card {
                    h2 { (l.t("Påminnelser", "Reminders")) }
                    ul {
                        @if *ended {
                            li { (l.t("Samverkansöverenskommelsen", "The agreement")) " " (agreement.from_year) "–" (agreement.to_year) " " (l.t("har löpt ut: ", "has ended: "))
                                @if policy::allows(&user.roles, Permission::WritePartnership) {
                                    a href="/samverkan/overenskommelse/ny" { (l.t("registrera den nya överenskommelsen", "register the new agreement")) }
                                } @else {
                                    (l.t("den nya överenskommelsen registreras av samordnarna", "the coordinators register the new agreement"))
                                }
                                "." }
                        }
                        @for e in due { li { strong { (e.deadline) } ": " (e.title) } }
                    }
                    a href="/samverkan#kalender" { (l.t("Hela kalendern", "The whole calendar")) }
                }
            }
        }
        div.cards {
            @if policy::allows(&user.roles, Permission::FileReport) {
                a.card.action href="/rapportera" {
                    h2 { (l.t("Rapportera", "Report")) }
                    p { (l.t("Ny EST-rapport från passet, även utan uppkoppling.", "A new EST report from your shift, also offline.")) }
                }
                a.card.action href="/mina-rapporter" {
                    h2 { (l.t("Mina rapporter", "My reports")) }
                    p { (mine) " " (l.t("händelser rapporterade av dig.", "events reported by you.")) }
                }
            }
            @if analyst {
                a.card.action href="/lagesbild" {
                    h2 { (l.t("Lägesbild", "Situation picture")) }
                    p { (last_week) " " (l.t("händelser de senaste sju dagarna.", "events in the last seven days.")) }
                }
            }
            @if policy::allows(&user.roles, Permission::ReadPartnership) {
                a.card.action href="/samverkan" {
                    h2 { (l.t("Samverkan", "Partnership")) }
                    p { (l.t("Överenskommelsen, organisationen, åtagandeplanerna och kalendern.", "The agreement, governance, commitment plans and calendar.")) }
                }
                a.card.action href="/rapporter" {
                    h2 { (l.t("Rapporter", "Reports")) }
                    p { (l.t("Veckolägesbild, tertialanalys, lägesbild, åtgärdsplan, årlig sammanställning och slutlig uppföljning.", "Weekly picture, tertial analysis, situation picture, action plan, annual compilation and final follow-up.")) }
                }
            }
            @if policy::allows(&user.roles, Permission::ManageAccounts) {
                a.card.action href="/admin" {
                    h2 { (l.t("Administration", "Administration")) }
                    p { (l.t("Användare, roller, organisationer och API-nycklar.", "Users, roles, organisations and API tokens.")) }
                }
            }
        }
    };
    layout(&page.ctx, l.t("Start", "Home"), body).into_response()
}
