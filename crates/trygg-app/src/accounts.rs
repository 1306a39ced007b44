//! Accounts: organisations, users, sign-in, browser sessions and API tokens, as every door
//! (the pages, the API, the CLI) uses them. Managing accounts needs
//! [`Permission::ManageAccounts`]; a user's own password needs [`Permission::ManageOwnAccount`].
//! The operator at the server's console (`trygg user …`, `trygg token …`) uses [`console`].
//!
//! A session lasts [`SESSION_HOURS`] from sign-in. An API token lasts [`TOKEN_DAYS`] unless
//! its maker says otherwise (at most [`MAX_TOKEN_DAYS`]), and can be revoked. Disabling a user
//! ends their sessions and revokes their tokens; so does a password change (except the session
//! it is made in).
//!
//! Failed sign-ins are counted in the database (every server and restart counts the same)
//! over [`WINDOW`], under three keys, each with its own limit ([`LIMITS`]): the pair of
//! address and account (5: a guesser at one account from one place), the address (20: one
//! place trying many accounts), and the account (50: many places at one account). So nobody
//! can lock a colleague out from another address with a handful of requests, and spreading
//! guesses over accounts or addresses does not go unthrottled.

use std::{net::IpAddr, time::Duration};

use jiff::SignedDuration;
use trygg_domain::{Actor, NewUser, OrgKind, Organisation, Permission, Role, User, UserId};
use trygg_store::NewSession;
pub use trygg_store::{ApiToken, Session};

use crate::{
    App, AppError, Principal,
    credentials::{Password, generate_token, hash_token, verify_nobody, verify_password},
};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// How long an API token lasts unless its maker says otherwise.
pub const TOKEN_DAYS: u32 = 90;
/// The longest an API token may last.
pub const MAX_TOKEN_DAYS: u32 = 366;
/// The window failed sign-ins are counted in; a locked key waits until its oldest failure
/// leaves it.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// What failed sign-ins are counted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKey {
    /// One address at one account.
    Pair,
    /// One address, any account.
    Address,
    /// One account, from anywhere.
    Account,
}

/// How many failures within [`WINDOW`] each key allows.
pub const LIMITS: [(LimitKey, u32); 3] = [
    (LimitKey::Pair, 5),
    (LimitKey::Address, 20),
    (LimitKey::Account, 50),
];

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// Wrong e-mail or password (never says which).
    Wrong,
    /// Too many failures; try again after this long.
    Locked(Duration),
    /// The password is right but an administrator has disabled the account.
    Disabled,
    /// The user's organisation signs in through its identity provider only.
    UseProvider,
    /// The identity provider vouched for the person, but none of their groups gives a role
    /// in trygg.
    NoRole,
    /// The identity provider's organisation is not the account's (same e-mail, another
    /// organisation): refused rather than merged.
    OtherOrganisation,
}

fn limit_keys(account: &str, from: Option<IpAddr>) -> [(LimitKey, String); 3] {
    let address = from.map_or_else(|| "unknown".to_string(), |a| a.to_string());
    [
        (LimitKey::Pair, format!("pair:{address}|{account}")),
        (LimitKey::Address, format!("address:{address}")),
        (LimitKey::Account, format!("account:{account}")),
    ]
}

/// How long the longest-locked of `keys` must wait, if any is locked.
async fn locked(app: &App, keys: &[(LimitKey, String)]) -> Result<Option<Duration>, AppError> {
    let now = app.now();
    let mut wait: Option<SignedDuration> = None;
    for (kind, key) in keys {
        let limit = LIMITS
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(u32::MAX, |l| l.1);
        let (n, oldest) = app.store.sign_in_failures(key, now - WINDOW).await?;
        if n >= limit {
            let until = oldest.unwrap_or(now) + WINDOW;
            let left = until.duration_since(now).max(SignedDuration::from_secs(1));
            wait = Some(wait.map_or(left, |w| w.max(left)));
        }
    }
    Ok(wait.map(|w| w.unsigned_abs()))
}

/// A session just opened: the user, and the cookie's token (shown once, stored as a hash).
#[derive(Debug, Clone)]
pub struct Opened {
    /// Who signed in.
    pub user: User,
    /// The session token for the cookie.
    pub token: String,
}

/// Checks the password and opens a session. `from` is the address the attempt came from
/// (`None` counts as one unknown address).
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    from: Option<IpAddr>,
) -> Result<Result<Opened, SignInError>, AppError> {
    let account = email.trim().to_lowercase();
    let keys = limit_keys(&account, from);
    if let Some(wait) = locked(app, &keys).await? {
        tracing::warn!(
            account = %account,
            address = %from.map_or_else(|| "unknown".to_string(), |a| a.to_string()),
            wait_secs = wait.as_secs(),
            "sign-in throttled"
        );
        return Ok(Err(SignInError::Locked(wait)));
    }
    let creds = app.store.user_credentials(&account).await?;
    let ok = match &creds {
        Some(c) => c
            .password_hash
            .as_deref()
            .is_some_and(|h| verify_password(password, h)),
        None => {
            // Spend the same time as a real check, so timing does not reveal accounts.
            verify_nobody(password);
            false
        }
    };
    let Some(creds) = creds.filter(|_| ok) else {
        let now = app.now();
        let keys: Vec<String> = keys.into_iter().map(|(_, k)| k).collect();
        app.store
            .record_sign_in_failure(&keys, now, now - WINDOW)
            .await?;
        return Ok(Err(SignInError::Wrong));
    };
    app.store.clear_sign_in_failures(&keys[0].1).await?;
    if creds.user.disabled {
        return Ok(Err(SignInError::Disabled));
    }
    if !app.passwords_off.is_empty() {
        let name = crate::reference::organisation_name(app, creds.user.organisation_id).await;
        if app.passwords_off.contains(&name) {
            return Ok(Err(SignInError::UseProvider));
        }
    }
    open_session(app, creds.user).await.map(Ok)
}

async fn open_session(app: &App, user: User) -> Result<Opened, AppError> {
    let token = generate_token();
    let session = NewSession {
        token_hash: hash_token(&token),
        csrf: generate_token(),
        expires_at: app.now() + jiff::SignedDuration::from_hours(SESSION_HOURS),
    };
    app.store.create_session(user.id, &session).await?;
    Ok(Opened { user, token })
}

/// A person an identity provider (OpenID Connect) has vouched for: the claims the web took
/// from a verified ID token, with the provider's groups already mapped to roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vouched {
    /// The provider's name in the configuration (audited).
    pub provider: String,
    /// The organisation the provider signs people in for (by name).
    pub organisation: String,
    /// The e-mail claim (the account's login name).
    pub email: String,
    /// The name claim, or the e-mail if there is none.
    pub name: String,
    /// The roles their groups give (empty: none does).
    pub roles: Vec<Role>,
}

/// Signs in a person an identity provider vouched for. The first sign-in creates the account
/// in the provider's organisation; every sign-in sets the roles to what the groups give now
/// (the directory is the source of truth). Refused: no role, a disabled account, or an
/// account of the same e-mail in another organisation.
pub async fn sign_in_vouched(
    app: &App,
    v: &Vouched,
) -> Result<Result<Opened, SignInError>, AppError> {
    let actor = Actor::system(format!("oidc {}", v.provider));
    if v.roles.is_empty() {
        return Ok(Err(SignInError::NoRole));
    }
    let Some(org) = app
        .store
        .list_organisations()
        .await?
        .into_iter()
        .find(|o| o.name == v.organisation)
    else {
        return Err(AppError::invalid(
            "organisation",
            format!(
                "The identity provider {} signs people in for {:?}, which is not an organisation here. Add it under /admin or correct the configuration.",
                v.provider, v.organisation
            ),
        ));
    };
    let user = match app.store.user_credentials(&v.email).await? {
        Some(c) => {
            if c.user.organisation_id != org.id {
                return Ok(Err(SignInError::OtherOrganisation));
            }
            if c.user.disabled {
                return Ok(Err(SignInError::Disabled));
            }
            let mut user = c.user;
            if user.roles != v.roles {
                app.store.set_user_roles(&actor, user.id, &v.roles).await?;
                user.roles = v.roles.clone();
            }
            user
        }
        None => {
            trygg_domain::text::check("name", &v.name)?;
            app.store
                .create_user(
                    &actor,
                    NewUser {
                        email: v.email.clone(),
                        display_name: v.name.clone(),
                        organisation_id: org.id,
                        roles: v.roles.clone(),
                    },
                    None,
                )
                .await?
        }
    };
    open_session(app, user).await.map(Ok)
}

/// The live session a cookie's token opens, with the token's hash (which names the session).
pub async fn session(app: &App, token: &str) -> Result<Option<(Session, String)>, AppError> {
    let hash = hash_token(token);
    Ok(app
        .store
        .session(&hash, app.now())
        .await?
        .map(|s| (s, hash)))
}

/// Ends the session named by `session_hash` (sign-out).
pub async fn sign_out(app: &App, session_hash: &str) -> Result<(), AppError> {
    Ok(app.store.delete_session(session_hash).await?)
}

/// The principal an API token belongs to, if the token is valid.
pub async fn by_token(app: &App, token: &str) -> Result<Option<Principal>, AppError> {
    Ok(app
        .store
        .user_by_token_hash(&hash_token(token), app.now())
        .await?
        .map(Principal::from))
}

/// Why a password change was refused (the pages say it in the reader's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordRefused {
    /// The current password is not right.
    WrongCurrent,
    /// The new password breaks the [`Password`] rule.
    TooShort,
    /// The new password and its repetition differ.
    Differ,
}

/// Changes the principal's own password: the current one is required, the new one keeps the
/// rule, and every other session of theirs ends (`keep_session` is the one they use now).
pub async fn change_password(
    app: &App,
    who: &Principal,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<Result<(), PasswordRefused>, AppError> {
    who.check(Permission::ManageOwnAccount)?;
    let creds = app.store.user_credentials(&who.email).await?;
    let current_ok = creds
        .and_then(|c| c.password_hash)
        .is_some_and(|h| verify_password(current, &h));
    if !current_ok {
        return Ok(Err(PasswordRefused::WrongCurrent));
    }
    let Ok(password) = Password::new(new) else {
        return Ok(Err(PasswordRefused::TooShort));
    };
    if new != repeat {
        return Ok(Err(PasswordRefused::Differ));
    }
    app.store
        .set_password(&who.actor(), who.id, &password.hash()?, keep_session)
        .await?;
    Ok(Ok(()))
}

/// Every user, by id.
pub async fn users(app: &App, who: &Principal) -> Result<Vec<User>, AppError> {
    who.check(Permission::ManageAccounts)?;
    Ok(app.store.list_users().await?)
}

/// Adds a user who signs in with `password`.
pub async fn create_user(
    app: &App,
    who: &Principal,
    user: NewUser,
    password: &Password,
) -> Result<User, AppError> {
    who.check(Permission::ManageAccounts)?;
    Ok(app
        .store
        .create_user(&who.actor(), user, Some(password.hash()?))
        .await?)
}

/// Adds an organisation.
pub async fn create_organisation(
    app: &App,
    who: &Principal,
    name: &str,
    kind: OrgKind,
) -> Result<Organisation, AppError> {
    who.check(Permission::ManageAccounts)?;
    let (organisation, _) = app.ingest.organisation(&who.actor(), name, kind).await?;
    Ok(organisation)
}

/// A token just made: shown once, stored as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Its id (for `revoke`).
    pub id: i64,
    /// The token itself.
    pub token: String,
    /// When it stops working.
    pub expires_at: jiff::Timestamp,
}

fn refused(sv: &str, en: &str) -> AppError {
    AppError::Forbidden(trygg_domain::Refusal {
        en: en.into(),
        sv: sv.into(),
    })
}

/// A new API token named `name` for `user`, lasting `days` (default [`TOKEN_DAYS`]).
pub async fn create_token(
    app: &App,
    who: &Principal,
    user: UserId,
    name: &str,
    days: Option<u32>,
) -> Result<NewToken, AppError> {
    who.check(Permission::ManageAccounts)?;
    console::create_token(app, &who.actor(), user, name, days).await
}

/// Every API token (never the token itself), by id.
pub async fn tokens(app: &App, who: &Principal) -> Result<Vec<ApiToken>, AppError> {
    who.check(Permission::ManageAccounts)?;
    Ok(app.store.list_api_tokens().await?)
}

/// Revokes an API token.
pub async fn revoke_token(app: &App, who: &Principal, id: i64) -> Result<(), AppError> {
    who.check(Permission::ManageAccounts)?;
    Ok(app.store.revoke_api_token(&who.actor(), id).await?)
}

/// Disables (ending their sessions and revoking their tokens) or enables a user. An
/// administrator cannot disable themselves.
pub async fn set_disabled(
    app: &App,
    who: &Principal,
    user: UserId,
    disabled: bool,
) -> Result<(), AppError> {
    who.check(Permission::ManageAccounts)?;
    if disabled && user == who.id {
        return Err(refused(
            "Du kan inte stänga av ditt eget konto; be en annan administratör.",
            "You cannot disable your own account; ask another administrator.",
        ));
    }
    Ok(app
        .store
        .set_user_disabled(&who.actor(), user, disabled)
        .await?)
}

/// Replaces a user's roles. At least one role; an administrator cannot take away their own
/// admin role (so there is always one left who can give it back).
pub async fn set_roles(
    app: &App,
    who: &Principal,
    user: UserId,
    roles: &[Role],
) -> Result<(), AppError> {
    who.check(Permission::ManageAccounts)?;
    if user == who.id && !roles.contains(&Role::Admin) {
        return Err(refused(
            "Du kan inte ta bort din egen administratörsroll; be en annan administratör.",
            "You cannot remove your own admin role; ask another administrator.",
        ));
    }
    console::set_roles(app, &who.actor(), user, roles).await
}

/// Sets another user's password (a reset): their sessions end and their tokens are revoked.
pub async fn reset_password(
    app: &App,
    who: &Principal,
    user: UserId,
    password: &Password,
) -> Result<(), AppError> {
    who.check(Permission::ManageAccounts)?;
    console::reset_password(app, &who.actor(), user, password).await
}

/// The same account tools for the operator at the server's console, who is not a signed-in
/// principal (`trygg user …`, `trygg token …`, the demo). The actor is audited.
pub mod console {
    use super::*;

    /// Adds a user in the organisation named `organisation`, creating it (of `kind`) if it
    /// does not exist yet.
    pub async fn add_user(
        app: &App,
        actor: &Actor,
        user: NewUser,
        organisation: &str,
        kind: OrgKind,
        password: Option<&Password>,
    ) -> Result<(User, Organisation), AppError> {
        if user.roles.is_empty() {
            return Err(AppError::invalid(
                "roles",
                "Give the user at least one role.",
            ));
        }
        let (org, _) = app.ingest.organisation(actor, organisation, kind).await?;
        let hash = password.map(Password::hash).transpose()?;
        let created = app
            .store
            .create_user(
                actor,
                NewUser {
                    organisation_id: org.id,
                    ..user
                },
                hash,
            )
            .await?;
        Ok((created, org))
    }

    /// The user with this e-mail (case-insensitive).
    pub async fn user(app: &App, email: &str) -> Result<User, AppError> {
        app.store
            .user_credentials(email)
            .await?
            .map(|c| c.user)
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "user {} does not exist",
                    email.trim().to_lowercase()
                ))
            })
    }

    /// Every user, by id.
    pub async fn users(app: &App) -> Result<Vec<User>, AppError> {
        Ok(app.store.list_users().await?)
    }

    /// A new API token for `user`, lasting `days` (default [`TOKEN_DAYS`], 1 to
    /// [`MAX_TOKEN_DAYS`]).
    pub async fn create_token(
        app: &App,
        actor: &Actor,
        user: UserId,
        name: &str,
        days: Option<u32>,
    ) -> Result<NewToken, AppError> {
        let days = days.unwrap_or(TOKEN_DAYS);
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(AppError::invalid(
                "days",
                format!("A token lasts 1 to {MAX_TOKEN_DAYS} days; {days} is outside that."),
            ));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid(
                "name",
                "Give the token a name that says what it is for (\"Polisens import\").",
            ));
        }
        trygg_domain::text::check("name", name)?;
        let token = generate_token();
        let expires_at = app.now() + SignedDuration::from_hours(24 * i64::from(days));
        let id = app
            .store
            .create_api_token(actor, user, name, &hash_token(&token), expires_at)
            .await?;
        Ok(NewToken {
            id,
            token,
            expires_at,
        })
    }

    /// Every API token, by id.
    pub async fn tokens(app: &App) -> Result<Vec<ApiToken>, AppError> {
        Ok(app.store.list_api_tokens().await?)
    }

    /// Revokes a token.
    pub async fn revoke_token(app: &App, actor: &Actor, id: i64) -> Result<(), AppError> {
        Ok(app.store.revoke_api_token(actor, id).await?)
    }

    /// Disables or enables a user.
    pub async fn set_disabled(
        app: &App,
        actor: &Actor,
        user: UserId,
        disabled: bool,
    ) -> Result<(), AppError> {
        Ok(app.store.set_user_disabled(actor, user, disabled).await?)
    }

    /// Replaces a user's roles (at least one).
    pub async fn set_roles(
        app: &App,
        actor: &Actor,
        user: UserId,
        roles: &[Role],
    ) -> Result<(), AppError> {
        if roles.is_empty() {
            return Err(AppError::invalid(
                "roles",
                "Give the user at least one role.",
            ));
        }
        Ok(app.store.set_user_roles(actor, user, roles).await?)
    }

    /// Sets a user's password: their sessions end and their tokens are revoked.
    pub async fn reset_password(
        app: &App,
        actor: &Actor,
        user: UserId,
        password: &Password,
    ) -> Result<(), AppError> {
        Ok(app
            .store
            .set_password(actor, user, &password.hash()?, None)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_attempt_counts_under_the_pair_the_address_and_the_account() {
        let keys = limit_keys("a@demo", Some("192.0.2.7".parse().unwrap()));
        assert_eq!(keys[0].1, "pair:192.0.2.7|a@demo");
        assert_eq!(keys[1].1, "address:192.0.2.7");
        assert_eq!(keys[2].1, "account:a@demo");
        assert!(LIMITS[0].1 < LIMITS[1].1 && LIMITS[1].1 < LIMITS[2].1);
    }
}
