//! Accounts: registration, sign-in with credentials, and profile edits (api.md §5.1, §5.2, §5.5).

use super::password::HashError;
use super::session::{Tokens, sign_in};
use super::throttle;
use crate::db::{Constraint, NewUser, StoreError, User, UserId};
use crate::http::AppState;
use std::net::IpAddr;

/// Longest password accepted; longer input is refused before hashing, never truncated (PW-4).
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const PASSWORD_MIN_CHARS: usize = 8;

/// A validated registration: `email` normalised, names already resolved.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("too many failed logins; retry in {0} s")]
    Throttled(u64),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates the account (never staff, default tier) and signs it in. Concurrent registrations of one email in
/// any letter case: the unique index decides, the losers get `EmailTaken`.
pub async fn register(state: &AppState, reg: Registration) -> Result<(User, Tokens), AccountError> {
    let password_hash = state.hasher.hash(&reg.password).await?;
    let new = NewUser {
        email: reg.email,
        password_hash,
        first_name: reg.first_name,
        last_name: reg.last_name,
        is_staff: false,
        is_superuser: false,
    };
    let user = match state.store.create_user(&new).await {
        Ok(user) => user,
        Err(StoreError::Conflict(Constraint::UserEmail)) => return Err(AccountError::EmailTaken),
        Err(e) => return Err(e.into()),
    };
    let tokens = sign_in(state, user.id).await?;
    Ok((user, tokens))
}

/// Checks credentials with the same work and the same failure for unknown emails, wrong passwords, over-long
/// passwords and inactive users (PW-3), counting failures per email (RL-3). `email` must be normalised.
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<(User, Tokens), AccountError> {
    let now = crate::time::now();
    if let Some(wait) =
        throttle::email_retry_after(&*state.store, &state.config.auth, email, now).await?
    {
        return Err(AccountError::Throttled(wait));
    }
    let user = match state.store.user_by_email(email).await {
        Ok(user) => Some(user),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    // An over-long password is never hashed; its answer does not depend on the account either.
    let verified = password.chars().count() <= PASSWORD_MAX_CHARS
        && state
            .hasher
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await?;
    let user = match user {
        // The active flag is looked at only after verification, so it changes nothing in the timing.
        Some(user) if verified && user.is_active => user,
        _ => {
            state.store.record_login_failure(email, now).await?;
            return Err(AccountError::InvalidCredentials);
        }
    };
    state.store.clear_login_failures(email).await?;
    if state.hasher.needs_rehash(&user.password_hash) {
        rehash(state, user.id, password).await;
    }
    let tokens = sign_in(state, user.id).await?;
    Ok((user, tokens))
}

/// Replaces a hash made with weaker parameters (PW-1). A failure only postpones the upgrade to the next login.
async fn rehash(state: &AppState, user: UserId, password: &str) {
    let result = match state.hasher.hash(password).await {
        Ok(hash) => state
            .store
            .set_password_hash(user, &hash)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(error) = result {
        tracing::warn!(user_id = user.0, %error, "password rehash postponed");
    }
}

/// The client IP's login budget (RL-3): `Err(n)` to answer 429 with `Retry-After: n`.
/// Addresses in `rate_limits.exempt_ips` (the dashboard's server) skip it (api.md §2.9).
pub fn check_login_ip(state: &AppState, ip: IpAddr) -> Result<(), u64> {
    if state.limits.is_exempt(ip) {
        return Ok(());
    }
    // Counted like every per-IP limit: IPv6 clients per /64.
    state
        .login_ip_limiter
        .check(crate::http::rate_limit::IpKey::from(ip).ip())
}

/// Sets the names of a user; `None` keeps the stored value.
pub async fn update_names(
    state: &AppState,
    user: &User,
    first_name: Option<String>,
    last_name: Option<String>,
) -> Result<User, StoreError> {
    if first_name.is_none() && last_name.is_none() {
        return Ok(user.clone());
    }
    let first = first_name.unwrap_or_else(|| user.first_name.clone());
    let last = last_name.unwrap_or_else(|| user.last_name.clone());
    state.store.update_user_names(user.id, &first, &last).await
}

/// Splits a full name at its first run of whitespace: `"Ann  van Dijk"` is `("Ann", "van Dijk")`. `name` must be
/// trimmed.
pub fn split_name(name: &str) -> (String, String) {
    match name.split_once(char::is_whitespace) {
        Some((first, rest)) => (first.to_string(), rest.trim_start().to_string()),
        None => (name.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_split_at_the_first_whitespace_run() {
        assert_eq!(split_name("Alice Smith"), ("Alice".into(), "Smith".into()));
        assert_eq!(
            split_name("Ann \t van Dijk"),
            ("Ann".into(), "van Dijk".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
        assert_eq!(split_name(""), (String::new(), String::new()));
    }
}
