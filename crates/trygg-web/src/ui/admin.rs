//! Administration: organisations, users (roles, disabling, password resets) and API tokens
//! (named, expiring, revocable). Admins only; every change is a use case of
//! `trygg_app::accounts`, which checks the policy and audits.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use trygg_domain::{NewUser, OrgKind, Role, User, UserId};

use super::{
    Lang,
    extract::{PageError, Posted, SignedIn},
    layout,
    layout::{Saved, saved},
};
use trygg_app::accounts;
use trygg_app::credentials::{PASSWORD_MIN_CHARS, Password};

use super::report::fmt_time;
use crate::AppState;

async fn page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, Markup)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let orgs = trygg_app::reference::organisations(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let users = accounts::users(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let tokens = accounts::tokens(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let now = state.now();
    let org_name = |id| {
        orgs.iter()
            .find(|o| o.id == id)
            .map_or("", |o| o.name.as_str())
    };
    Ok(layout(
        &me.ctx,
        l.t("Administration", "Administration"),
        html! {
            h1 { (l.t("Administration", "Administration")) }
            p { a href="/admin/kategorier" { (l.t("Egna kategorier och kategorinamn för import", "Own categories and category names for imports")) } }
            @if let Some((class, text)) = notice {
                div class={ "notice " (class) } role="alert" { (text) }
            }
            section.card {
                h2 { (l.t("Användare", "Users")) }
                table.list {
                    thead { tr { th { (l.t("Namn", "Name")) } th { (l.t("E-post", "E-mail")) } th { (l.t("Organisation", "Organisation")) } th { (l.t("Roller", "Roles")) } th { (l.t("Status", "Status")) } th {} } }
                    tbody {
                        @for u in &users {
                            tr {
                                td { (u.display_name) }
                                td { (u.email) }
                                td { (org_name(u.organisation_id)) }
                                td { (role_labels(l, &u.roles)) }
                                td { (status_label(l, u)) }
                                td { a href={ "/admin/anvandare/" (u.id.0) } { (l.t("Hantera", "Manage")) } }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("API-nycklar", "API tokens")) }
                @if tokens.is_empty() {
                    p { (l.t("Inga API-nycklar än. En nyckel skapas på användarens sida.", "No API tokens yet. A token is made on the user's page.")) }
                } @else {
                    table.list {
                        thead { tr {
                            th { (l.t("Namn", "Name")) } th { (l.t("Användare", "User")) }
                            th { (l.t("Skapad", "Created")) } th { (l.t("Gäller till", "Expires")) }
                            th { (l.t("Senast använd", "Last used")) } th { (l.t("Status", "Status")) } th {}
                        } }
                        tbody {
                            @for t in &tokens {
                                tr {
                                    td { (t.name) }
                                    td { (users.iter().find(|u| u.id == t.user_id).map_or("", |u| u.email.as_str())) }
                                    td { (fmt_time(state, t.created_at)) }
                                    td { (fmt_time(state, t.expires_at)) }
                                    td { (t.last_used_at.map_or_else(|| l.t("aldrig", "never").to_string(), |at| fmt_time(state, at))) }
                                    td { (token_status(l, t, now)) }
                                    td {
                                        @if t.live(now) {
                                            form method="post" action={ "/admin/token/" (t.id) "/aterkalla" } {
                                                (me.ctx.csrf_field())
                                                button.link type="submit" { (l.t("Återkalla", "Revoke")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (l.t("Lägg till användare", "Add a user")) }
                form.grid method="post" action="/admin/anvandare" {
                    (me.ctx.csrf_field())
                    label { (l.t("E-post", "E-mail")) input type="email" name="email" required; }
                    label { (l.t("Namn eller rollbenämning", "Name or role title")) input type="text" name="display_name" maxlength="200" required; }
                    label { (l.t("Organisation", "Organisation"))
                        select name="organisation_id" required {
                            @for o in &orgs { option value=(o.id.0) { (o.name) } }
                        }
                    }
                    fieldset { legend { (l.t("Roller", "Roles")) }
                        @for r in Role::ALL {
                            label.check { input type="checkbox" name="role" value=(r.as_str()); " " (r.label_sv()) }
                        }
                    }
                    label { (match l { Lang::Sv => format!("Första lösenord (minst {PASSWORD_MIN_CHARS} tecken)"), Lang::En => format!("First password (at least {PASSWORD_MIN_CHARS} characters)") }) input type="password" name="password" minlength=(PASSWORD_MIN_CHARS) required; }
                    button.primary type="submit" { (l.t("Lägg till", "Add")) }
                }
            }
            section.card {
                h2 { (l.t("Organisationer", "Organisations")) }
                ul { @for o in &orgs { li { (o.name) " (" (o.kind.label(l)) ")" } } }
                form.inline method="post" action="/admin/organisation" {
                    (me.ctx.csrf_field())
                    label { (l.t("Namn", "Name")) input type="text" name="name" maxlength="200" required; }
                    label { (l.t("Slag", "Kind"))
                        select name="kind" {
                            @for k in OrgKind::ALL { option value=(k.as_str()) { (k.label(l)) } }
                        }
                    }
                    button type="submit" { (l.t("Lägg till organisation", "Add organisation")) }
                }
            }
        },
    ))
}

fn role_labels(l: Lang, roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| match l {
            Lang::Sv => r.label_sv(),
            Lang::En => r.as_str(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_label(l: Lang, u: &User) -> &'static str {
    if u.disabled {
        l.t("Avstängd", "Disabled")
    } else {
        l.t("Aktiv", "Active")
    }
}

fn token_status(l: Lang, t: &accounts::ApiToken, now: jiff::Timestamp) -> &'static str {
    if t.revoked_at.is_some() {
        l.t("Återkallad", "Revoked")
    } else if t.expires_at <= now {
        l.t("Utgången", "Expired")
    } else {
        l.t("Gäller", "Valid")
    }
}

/// `GET /admin`.
pub(crate) async fn index(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(trygg_domain::Permission::ManageAccounts)?;
    page(&state, &me, None).await
}

/// The raw form: `role` repeats, so it is read as pairs.
type Pairs = Vec<(String, String)>;

fn field<'a>(f: &'a Pairs, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

async fn refused(state: &AppState, me: &SignedIn, message: String) -> Result<Response, PageError> {
    let body = page(state, me, Some(("error", html! { (message) }))).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

/// `POST /admin/anvandare`.
pub(crate) async fn add_user(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    me.check(trygg_domain::Permission::ManageAccounts)?;
    let l = me.ctx.lang;
    let roles: Vec<Role> = f
        .iter()
        .filter(|(k, _)| k == "role")
        .filter_map(|(_, v)| Role::parse(v))
        .collect();
    if roles.is_empty() {
        return refused(
            &state,
            &me,
            l.t("Välj minst en roll.", "Choose at least one role.")
                .into(),
        )
        .await;
    }
    let Ok(org) = field(&f, "organisation_id").parse::<i64>() else {
        return refused(
            &state,
            &me,
            l.t("Välj en organisation.", "Choose an organisation.")
                .into(),
        )
        .await;
    };
    let Ok(password) = Password::new(field(&f, "password")) else {
        return refused(
            &state,
            &me,
            match l {
                Lang::Sv => format!("Lösenordet behöver minst {PASSWORD_MIN_CHARS} tecken."),
                Lang::En => format!("The password needs at least {PASSWORD_MIN_CHARS} characters."),
            },
        )
        .await;
    };
    let created = accounts::create_user(
        &state,
        &me.user,
        NewUser {
            email: field(&f, "email").into(),
            display_name: field(&f, "display_name").into(),
            organisation_id: trygg_domain::OrganisationId(org),
            roles,
        },
        &password,
    )
    .await;
    match created {
        Ok(u) => Ok(Redirect::to(&saved(
            &format!("/admin/anvandare/{}", u.id.0),
            Saved::UserAdded,
        ))
        .into_response()),
        Err(e) => refused(&state, &me, e.to_string()).await,
    }
}

/// `POST /admin/organisation`.
pub(crate) async fn add_organisation(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    me.check(trygg_domain::Permission::ManageAccounts)?;
    let l = me.ctx.lang;
    let Some(kind) = OrgKind::parse(field(&f, "kind")) else {
        return refused(
            &state,
            &me,
            l.t(
                "Välj organisationens slag.",
                "Choose the organisation's kind.",
            )
            .into(),
        )
        .await;
    };
    match accounts::create_organisation(&state, &me.user, field(&f, "name"), kind).await {
        Ok(_) => Ok(Redirect::to(&saved("/admin", Saved::Organisation)).into_response()),
        Err(e) => refused(&state, &me, e.to_string()).await,
    }
}

/// The user `id`, or the not-found page.
async fn user_of(state: &AppState, me: &SignedIn, id: i64) -> Result<User, PageError> {
    let l = me.ctx.lang;
    accounts::users(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?
        .into_iter()
        .find(|u| u.id.0 == id)
        .ok_or_else(|| PageError::not_found(l))
}

async fn user_view(
    state: &AppState,
    me: &SignedIn,
    user: &User,
    status: StatusCode,
    notice: Option<(&str, Markup)>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let now = state.now();
    let tokens: Vec<_> = accounts::tokens(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?
        .into_iter()
        .filter(|t| t.user_id == user.id)
        .collect();
    let id = user.id.0;
    let body = layout(
        &me.ctx,
        &user.display_name,
        html! {
            p { a href="/admin" { "← " (l.t("Administration", "Administration")) } }
            h1 { (user.display_name) }
            p { (user.email) " · " (status_label(l, user)) " · " (role_labels(l, &user.roles)) }
            @if let Some((class, text)) = notice {
                div class={ "notice " (class) } role="alert" { (text) }
            }
            section.card {
                h2 { (l.t("Roller", "Roles")) }
                form method="post" action={ "/admin/anvandare/" (id) "/roller" } {
                    (me.ctx.csrf_field())
                    fieldset { legend { (l.t("Roller", "Roles")) }
                        @for r in Role::ALL {
                            label.check { input type="checkbox" name="role" value=(r.as_str()) checked[user.roles.contains(&r)]; " " (r.label_sv()) }
                        }
                    }
                    button.primary type="submit" { (l.t("Spara roller", "Save roles")) }
                }
            }
            section.card {
                h2 { (l.t("Konto", "Account")) }
                form.inline method="post" action={ "/admin/anvandare/" (id) "/status" } {
                    (me.ctx.csrf_field())
                    @if user.disabled {
                        input type="hidden" name="disabled" value="0";
                        button type="submit" { (l.t("Aktivera kontot", "Enable the account")) }
                    } @else {
                        input type="hidden" name="disabled" value="1";
                        p { (l.t("Ett avstängt konto kan inte logga in; dess sessioner avslutas och dess API-nycklar återkallas.", "A disabled account cannot sign in; its sessions end and its API tokens are revoked.")) }
                        button type="submit" { (l.t("Stäng av kontot", "Disable the account")) }
                    }
                }
                form.inline method="post" action={ "/admin/anvandare/" (id) "/losenord" } {
                    (me.ctx.csrf_field())
                    label { (match l { Lang::Sv => format!("Nytt lösenord (minst {PASSWORD_MIN_CHARS} tecken)"), Lang::En => format!("New password (at least {PASSWORD_MIN_CHARS} characters)") })
                        input type="password" name="password" minlength=(PASSWORD_MIN_CHARS) required autocomplete="new-password"; }
                    button type="submit" { (l.t("Sätt lösenord", "Set password")) }
                }
            }
            section.card {
                h2 { (l.t("API-nycklar", "API tokens")) }
                @if !tokens.is_empty() {
                    ul {
                        @for t in &tokens {
                            li { (t.name) " — " (token_status(l, t, now)) ", " (l.t("gäller till", "expires")) " " (fmt_time(state, t.expires_at)) }
                        }
                    }
                }
                form.inline method="post" action="/admin/token" {
                    (me.ctx.csrf_field())
                    input type="hidden" name="user_id" value=(id);
                    label { (l.t("Vad nyckeln används till", "What the token is for")) input type="text" name="name" maxlength="100" required placeholder=(l.t("Polisens import", "Police import")); }
                    label { (l.t("Giltig i dagar", "Valid for days"))
                        input type="number" name="days" min="1" max=(accounts::MAX_TOKEN_DAYS) value=(accounts::TOKEN_DAYS) required; }
                    button type="submit" { (l.t("Ny API-nyckel", "New API token")) }
                }
            }
        },
    );
    Ok((status, body).into_response())
}

/// User `user`'s page again, with what to fix (422).
async fn refused_for(
    state: &AppState,
    me: &SignedIn,
    user: &User,
    text: &str,
) -> Result<Response, PageError> {
    user_view(
        state,
        me,
        user,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(("error", html! { (text) })),
    )
    .await
}

/// `GET /admin/anvandare/{id}`: one user's roles, status, password and tokens.
pub(crate) async fn user_page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    me.check(trygg_domain::Permission::ManageAccounts)?;
    let user = user_of(&state, &me, id).await?;
    user_view(&state, &me, &user, StatusCode::OK, None).await
}

/// After a change to user `id`: their page with a notice, or the refusal in the page's
/// language (422; 403 for the policy's own refusals).
async fn after_change(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    outcome: Result<(), trygg_app::AppError>,
    done: Saved,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let Err(e) = outcome else {
        return Ok(Redirect::to(&saved(&format!("/admin/anvandare/{id}"), done)).into_response());
    };
    let user = user_of(state, me, id).await?;
    match e {
        trygg_app::AppError::Forbidden(r) => {
            let text = match l {
                Lang::Sv => r.sv,
                Lang::En => r.en,
            };
            user_view(
                state,
                me,
                &user,
                StatusCode::FORBIDDEN,
                Some(("error", html! { (text) })),
            )
            .await
        }
        e @ trygg_app::AppError::Internal(_) => Err(PageError::internal(l, e)),
        e => {
            let text = e.to_string();
            refused_for(state, me, &user, &text).await
        }
    }
}

/// `POST /admin/anvandare/{id}/roller`: `role` repeats.
pub(crate) async fn set_roles(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let roles: Vec<Role> = f
        .iter()
        .filter(|(k, _)| k == "role")
        .filter_map(|(_, v)| Role::parse(v))
        .collect();
    if roles.is_empty() {
        let user = user_of(&state, &me, id).await?;
        let text = l.t("Välj minst en roll.", "Choose at least one role.");
        return refused_for(&state, &me, &user, text).await;
    }
    let outcome = accounts::set_roles(&state, &me.user, UserId(id), &roles).await;
    after_change(&state, &me, id, outcome, Saved::Roles).await
}

/// `POST /admin/anvandare/{id}/status`: `disabled` = 1 (disable) or 0 (enable).
pub(crate) async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let disabled = match field(&f, "disabled") {
        "1" => true,
        "0" => false,
        _ => {
            return Err(PageError::bad_request(
                l,
                l.t(
                    "Välj att stänga av eller aktivera kontot.",
                    "Choose to disable or enable the account.",
                ),
            ));
        }
    };
    let outcome = accounts::set_disabled(&state, &me.user, UserId(id), disabled).await;
    let done = if disabled {
        Saved::Disabled
    } else {
        Saved::Enabled
    };
    after_change(&state, &me, id, outcome, done).await
}

/// `POST /admin/anvandare/{id}/losenord`: a new password; the user's sessions end and their
/// tokens are revoked.
pub(crate) async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let Ok(password) = Password::new(field(&f, "password")) else {
        let user = user_of(&state, &me, id).await?;
        let text = match l {
            Lang::Sv => format!("Lösenordet behöver minst {PASSWORD_MIN_CHARS} tecken."),
            Lang::En => format!("The password needs at least {PASSWORD_MIN_CHARS} characters."),
        };
        return refused_for(&state, &me, &user, &text).await;
    };
    let outcome = accounts::reset_password(&state, &me.user, UserId(id), &password).await;
    after_change(&state, &me, id, outcome, Saved::Password).await
}

/// `POST /admin/token`: a new API token (`name`, `days`) for `user_id`, shown once.
pub(crate) async fn new_token(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let Ok(id) = field(&f, "user_id").parse::<i64>() else {
        return Err(PageError::bad_request(
            l,
            l.t("Användaren saknas.", "The user is missing."),
        ));
    };
    let user = user_of(&state, &me, id).await?;
    let days = match field(&f, "days").trim() {
        "" => None,
        d => match d.parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                let text = l.t(
                    "Ange giltighetstiden i hela dagar.",
                    "Give the validity in whole days.",
                );
                return refused_for(&state, &me, &user, text).await;
            }
        },
    };
    match accounts::create_token(&state, &me.user, user.id, field(&f, "name"), days).await {
        Ok(t) => {
            let until = fmt_time(&state, t.expires_at);
            let notice = html! {
                p { (l.t("Ny API-nyckel. Den visas bara nu; spara den på ett säkert ställe:", "New API token. It is shown only now; keep it somewhere safe:")) }
                code.token { (t.token) }
                p { (l.t("Gäller till", "Valid until")) " " (until) }
            };
            user_view(&state, &me, &user, StatusCode::OK, Some(("ok", notice))).await
        }
        Err(e) => after_change(&state, &me, id, Err(e), Saved::Any).await,
    }
}

/// `POST /admin/token/{id}/aterkalla`: revokes a token at once.
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<Pairs>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    accounts::revoke_token(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(Redirect::to(&saved("/admin", Saved::TokenRevoked)).into_response())
}
