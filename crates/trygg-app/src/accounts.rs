//! Accounts: organisations, users, sign-in, browser sessions and API tokens, as every door
//! (the pages, the API, the CLI) uses them. Managing accounts needs
//! [`Permission::ManageAccounts`]; a user's own password needs [`Permission::ManageOwnAccount`].
//!
//! A session lasts [`SESSION_HOURS`] from sign-in. Failed sign-ins are limited per account by
//! [`LoginLimiter`].

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use trygg_domain::{Actor, NewUser, OrgKind, Organisation, Permission, User, UserId};
use trygg_store::NewSession;
pub use trygg_store::Session;

use crate::{
    App, AppError, Principal,
    credentials::{Password, generate_token, hash_token, verify_nobody, verify_password},
};

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account within [`LOCKOUT`].
pub const MAX_FAILURES: usize = 5;
/// The window failed sign-ins are counted in, and how long an account then waits.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// Wrong e-mail or password (never says which).
    Wrong,
    /// Too many failures; try again after this long.
    Locked(Duration),
}

/// Counts failed sign-ins per account, in memory. A restart forgets them, which only ever
/// helps a legitimate user; an attacker gains [`MAX_FAILURES`] guesses per restart.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// How long `account` must wait, if it is locked.
    pub fn locked(&self, account: &str) -> Option<Duration> {
        let mut map = self.failures.lock().expect("limiter lock");
        let list = map.get_mut(account)?;
        let now = Instant::now();
        list.retain(|t| now.duration_since(*t) < LOCKOUT);
        (list.len() >= MAX_FAILURES).then(|| LOCKOUT - now.duration_since(list[0]))
    }

    fn fail(&self, account: &str) {
        let mut map = self.failures.lock().expect("limiter lock");
        map.entry(account.to_string())
            .or_default()
            .push(Instant::now());
    }

    fn clear(&self, account: &str) {
        self.failures.lock().expect("limiter lock").remove(account);
    }
}

/// A session just opened: the user, and the cookie's token (shown once, stored as a hash).
#[derive(Debug, Clone)]
pub struct Opened {
    /// Who signed in.
    pub user: User,
    /// The session token for the cookie.
    pub token: String,
}

/// Checks the password and opens a session.
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
) -> Result<Result<Opened, SignInError>, AppError> {
    let account = email.trim().to_lowercase();
    if let Some(wait) = app.limiter.locked(&account) {
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
        app.limiter.fail(&account);
        return Ok(Err(SignInError::Wrong));
    };
    app.limiter.clear(&account);
    let token = generate_token();
    let session = NewSession {
        token_hash: hash_token(&token),
        csrf: generate_token(),
        expires_at: app.now() + jiff::SignedDuration::from_hours(SESSION_HOURS),
    };
    app.store.create_session(creds.user.id, &session).await?;
    Ok(Ok(Opened {
        user: creds.user,
        token,
    }))
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
        .user_by_token_hash(&hash_token(token))
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

/// A new API token named `name` for `user`; the token is returned once and stored as a hash.
pub async fn create_token(
    app: &App,
    who: &Principal,
    user: UserId,
    name: &str,
) -> Result<String, AppError> {
    who.check(Permission::ManageAccounts)?;
    create_token_as(app, &who.actor(), user, name).await
}

/// [`create_token`] for the operator at the server's console (`trygg token add`, the demo),
/// who is not a signed-in principal.
pub async fn create_token_as(
    app: &App,
    actor: &Actor,
    user: UserId,
    name: &str,
) -> Result<String, AppError> {
    let token = generate_token();
    app.store
        .create_api_token(actor, user, name, &hash_token(&token))
        .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_locks_after_max_failures_per_account() {
        let l = LoginLimiter::default();
        for _ in 0..MAX_FAILURES - 1 {
            l.fail("a@demo");
        }
        assert_eq!(l.locked("a@demo"), None);
        l.fail("a@demo");
        let wait = l.locked("a@demo").expect("locked");
        assert!(wait <= LOCKOUT && wait > LOCKOUT - Duration::from_secs(5));
        assert_eq!(l.locked("b@demo"), None, "other accounts are not affected");
        l.clear("a@demo");
        assert_eq!(l.locked("a@demo"), None);
    }
}
