//! `trygg user …` and `trygg token …`: the operator's account tools at the server's console,
//! through `trygg_app::accounts::console` (audited as the console).

use anyhow::Context;
use clap::Subcommand;
use trygg_app::{App, accounts::console, credentials::Password};
use trygg_domain::{Actor, NewUser, OrgKind, OrganisationId, Role};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (and their organisation, if it does not exist yet).
    Add {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Organisation name, e.g. "Uppsala kommun".
        #[arg(long)]
        organisation: String,
        /// Kind of organisation, used only when it is created.
        #[arg(long, default_value = "kommun", value_parser = ["kommun", "forvaltning", "lokalpolisomrade", "partner"])]
        org_kind: String,
        /// Role (repeat for several): admin, coordinator, analyst, reporter, steering, viewer.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Password for signing in to the web app (or set TRYGG_NEW_PASSWORD).
        #[arg(long, env = "TRYGG_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Also create an API token (valid 90 days) and print it.
        #[arg(long)]
        token: bool,
    },
    /// List the users: id, e-mail, roles, status.
    List,
    /// Disable a user: they cannot sign in, their sessions end, their tokens are revoked.
    Disable {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled user again (their old tokens stay revoked).
    Enable {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
    /// Replace a user's roles.
    Roles {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Role (repeat for several).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Set a user's password (from TRYGG_NEW_PASSWORD or --password); their sessions end and
    /// their tokens are revoked.
    Password {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// The new password.
        #[arg(long, env = "TRYGG_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token for a user and print it (it is shown only once).
    Add {
        /// The user's login e-mail.
        #[arg(long)]
        user: String,
        /// What the token is for, e.g. "Polisens import".
        #[arg(long)]
        name: String,
        /// How many days it is valid (1–366).
        #[arg(long, default_value_t = trygg_app::accounts::TOKEN_DAYS)]
        days: u32,
    },
    /// List every token: id, user, name, expiry, last use, status.
    List,
    /// Revoke a token at once.
    Revoke {
        /// The token's id (from `trygg token list`).
        id: i64,
    },
}

fn roles(given: &[String]) -> anyhow::Result<Vec<Role>> {
    given
        .iter()
        .map(|r| {
            Role::parse(r).with_context(|| {
                format!("unknown role {r:?}; use admin, coordinator, analyst, reporter, steering or viewer")
            })
        })
        .collect()
}

fn day(app: &App, t: jiff::Timestamp) -> String {
    t.to_zoned(app.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Runs a `trygg user` command.
pub async fn user(app: &App, cmd: UserCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli user");
    match cmd {
        UserCommand::Add {
            email,
            name,
            organisation,
            org_kind,
            roles: given,
            password,
            token,
        } => {
            let kind = OrgKind::parse(&org_kind).expect("clap checked the value");
            let password = password.as_deref().map(Password::new).transpose()?;
            let new = NewUser {
                email,
                display_name: name,
                organisation_id: OrganisationId(0),
                roles: roles(&given)?,
            };
            let (user, org) =
                console::add_user(app, &actor, new, &organisation, kind, password.as_ref()).await?;
            println!("Created user {} ({}) in {}", user.email, user.id, org.name);
            if token {
                let t = console::create_token(app, &actor, user.id, "cli", None).await?;
                println!("API token ({}): {}", user.email, t.token);
                println!(
                    "Valid until {} (trygg token list, trygg token revoke {})",
                    day(app, t.expires_at),
                    t.id
                );
            }
        }
        UserCommand::List => {
            for u in console::users(app).await? {
                let roles: Vec<_> = u.roles.iter().map(|r| r.as_str()).collect();
                println!(
                    "{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    roles.join(","),
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
        UserCommand::Disable { email } => {
            let u = console::user(app, &email).await?;
            console::set_disabled(app, &actor, u.id, true).await?;
            println!(
                "Disabled {}: their sessions ended and their tokens are revoked",
                u.email
            );
        }
        UserCommand::Enable { email } => {
            let u = console::user(app, &email).await?;
            console::set_disabled(app, &actor, u.id, false).await?;
            println!("Enabled {}", u.email);
        }
        UserCommand::Roles {
            email,
            roles: given,
        } => {
            let u = console::user(app, &email).await?;
            let roles = roles(&given)?;
            console::set_roles(app, &actor, u.id, &roles).await?;
            println!("{} now holds: {}", u.email, given.join(", "));
        }
        UserCommand::Password { email, password } => {
            let u = console::user(app, &email).await?;
            console::reset_password(app, &actor, u.id, &Password::new(&password)?).await?;
            println!(
                "Set the password of {}: their sessions ended and their tokens are revoked",
                u.email
            );
        }
    }
    Ok(())
}

/// Runs a `trygg token` command.
pub async fn token(app: &App, cmd: TokenCommand) -> anyhow::Result<()> {
    let actor = Actor::system("cli token");
    match cmd {
        TokenCommand::Add { user, name, days } => {
            let u = console::user(app, &user).await?;
            let t = console::create_token(app, &actor, u.id, &name, Some(days)).await?;
            println!(
                "API token {} for {} ({name}), valid until {}: {}",
                t.id,
                u.email,
                day(app, t.expires_at),
                t.token
            );
        }
        TokenCommand::List => {
            let users = console::users(app).await?;
            let now = app.now();
            for t in console::tokens(app).await? {
                let email = users
                    .iter()
                    .find(|u| u.id == t.user_id)
                    .map_or("?", |u| u.email.as_str());
                let status = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at <= now {
                    "expired"
                } else {
                    "valid"
                };
                println!(
                    "{}\t{email}\t{}\texpires {}\tlast used {}\t{status}",
                    t.id,
                    t.name,
                    day(app, t.expires_at),
                    t.last_used_at
                        .map_or_else(|| "never".to_string(), |at| day(app, at)),
                );
            }
        }
        TokenCommand::Revoke { id } => {
            console::revoke_token(app, &actor, id).await?;
            println!("Revoked API token {id}");
        }
    }
    Ok(())
}
