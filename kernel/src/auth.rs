//! Accounts and sessions: password hashing, JWT access tokens, refresh-token families, the denylist and the
//! `/auth/*` routes.

pub mod account;
pub mod extract;
pub mod jwt;
pub mod password;
pub mod refresh;
mod routes;
pub mod session;
pub mod throttle;

/// `/auth/register`, `/auth/login`, `/auth/token/refresh` (alias `/auth/refresh`), `/auth/logout`, `/auth/me`.
pub fn routes() -> axum::Router<AppState> {
    routes::routes()
}

use crate::config::AuthConfig;
use crate::db::{NewUser, PurgeCounts, SessionStore, StoreError, StoreResult, User};
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

/// How often [`cleanup_loop`] runs (LO-4: hourly).
const CLEANUP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);
/// Denylist rows outlive their token's `exp` by the largest clock leeway any validator allows (JWT-5: 60 s).
const DENYLIST_GRACE_SECS: i64 = 60;

/// Deletes auth state nobody can need any more: denylist rows past `exp` plus leeway, sessions past their absolute
/// expiry (with their refresh tokens, spent ones included) and failed logins older than the throttle window.
pub async fn cleanup(store: &dyn SessionStore, config: &AuthConfig) -> StoreResult<PurgeCounts> {
    let now = crate::time::now();
    store
        .purge_expired_auth_state(
            now,
            now - chrono::Duration::seconds(DENYLIST_GRACE_SECS),
            now - chrono::Duration::seconds(config.login_failure_window_secs.max(0)),
        )
        .await
}

/// Runs [`cleanup`] (and prunes the per-IP login limiter) every hour until the task is aborted at shutdown.
pub async fn cleanup_loop(state: AppState) {
    // The first run is one interval after start, so a purge never races start-up work; expired rows wait at most
    // an hour longer, which costs nothing since every reader also checks expiry.
    let mut ticker = tokio::time::interval_at(
        tokio::time::Instant::now() + CLEANUP_INTERVAL,
        CLEANUP_INTERVAL,
    );
    loop {
        ticker.tick().await;
        state.login_ip_limiter.prune();
        match cleanup(&*state.store, &state.config.auth).await {
            Ok(counts) => tracing::debug!(?counts, "expired auth state removed"),
            Err(error) => tracing::warn!(%error, "auth cleanup failed; retrying next hour"),
        }
    }
}
