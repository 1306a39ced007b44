//! Administration: organisations, users and their roles, API tokens. Admins only.

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use trygg_domain::{NewUser, OrgKind, Role};

use super::{
    Lang,
    extract::{PageError, Posted, SignedIn},
    layout,
};
use trygg_app::accounts;
use trygg_app::credentials::{PASSWORD_MIN_CHARS, Password};

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
            @if let Some((class, text)) = notice {
                div class={ "notice " (class) } role="alert" { (text) }
            }
            section.card {
                h2 { (l.t("Användare", "Users")) }
                table.list {
                    thead { tr { th { (l.t("Namn", "Name")) } th { (l.t("E-post", "E-mail")) } th { (l.t("Organisation", "Organisation")) } th { (l.t("Roller", "Roles")) } th {} } }
                    tbody {
                        @for u in &users {
                            tr {
                                td { (u.display_name) }
                                td { (u.email) }
                                td { (org_name(u.organisation_id)) }
                                td { (u.roles.iter().map(|r| r.label_sv()).collect::<Vec<_>>().join(", ")) }
                                td {
                                    form method="post" action="/admin/token" {
                                        (me.ctx.csrf_field())
                                        input type="hidden" name="user_id" value=(u.id.0);
                                        button.link type="submit" { (l.t("Ny API-nyckel", "New API token")) }
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
                ul { @for o in &orgs { li { (o.name) " (" (o.kind.as_str()) ")" } } }
                form.inline method="post" action="/admin/organisation" {
                    (me.ctx.csrf_field())
                    label { (l.t("Namn", "Name")) input type="text" name="name" maxlength="200" required; }
                    label { (l.t("Slag", "Kind"))
                        select name="kind" {
                            @for k in OrgKind::ALL { option value=(k.as_str()) { (k.as_str()) } }
                        }
                    }
                    button type="submit" { (l.t("Lägg till organisation", "Add organisation")) }
                }
            }
        },
    ))
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
        Ok(u) => {
            let text = format!(
                "{} {}",
                l.t("Användaren har lagts till:", "The user was added:"),
                u.email
            );
            Ok(page(&state, &me, Some(("ok", html! { (text) })))
                .await?
                .into_response())
        }
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
        Ok(_) => Ok(page(&state, &me, None).await?.into_response()),
        Err(e) => refused(&state, &me, e.to_string()).await,
    }
}

/// `POST /admin/token`: a new API token for a user, shown once.
pub(crate) async fn new_token(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Pairs>,
) -> Result<Response, PageError> {
    me.check(trygg_domain::Permission::ManageAccounts)?;
    let l = me.ctx.lang;
    let Ok(user) = field(&f, "user_id").parse::<i64>() else {
        return Err(PageError::bad_request(
            l,
            l.t("Användaren saknas.", "The user is missing."),
        ));
    };
    let token = accounts::create_token(&state, &me.user, trygg_domain::UserId(user), "webb")
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let notice = html! {
        p { (l.t("Ny API-nyckel. Den visas bara nu; spara den på ett säkert ställe:", "New API token. It is shown only now; keep it somewhere safe:")) }
        code.token { (token) }
    };
    Ok(page(&state, &me, Some(("ok", notice)))
        .await?
        .into_response())
}
