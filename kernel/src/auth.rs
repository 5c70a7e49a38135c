//! Accounts and sessions: password hashing, JWT access tokens, refresh-token families, the denylist and the
//! `/auth/*` routes.

pub mod extract;
pub mod jwt;
pub mod password;
pub mod session;

/// `/auth/register`, `/auth/login`, `/auth/token/refresh` (alias `/auth/refresh`), `/auth/logout`, `/auth/me`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
}

use crate::db::{NewUser, StoreError, User};
use crate::http::AppState;
use crate::http::validate::valid_email;

/// `siloq user create`: validates like registration, hashes with the configured parameters, stores the account.
pub async fn create_user_cli(
    state: &AppState,
    email: &str,
    password: &str,
    staff: bool,
) -> anyhow::Result<User> {
    let email = email.trim().to_lowercase();
    anyhow::ensure!(valid_email(&email), "not a valid email address");
    let length = password.chars().count();
    anyhow::ensure!(
        (8..=128).contains(&length),
        "the password must be 8 to 128 characters long"
    );
    let password_hash = state.hasher.hash(password).await?;
    let new = NewUser {
        email,
        password_hash,
        first_name: String::new(),
        last_name: String::new(),
        is_staff: staff,
        is_superuser: false,
    };
    match state.store.create_user(&new).await {
        Ok(user) => Ok(user),
        Err(StoreError::Conflict(_)) => anyhow::bail!("a user with this email already exists"),
        Err(e) => Err(e.into()),
    }
}
