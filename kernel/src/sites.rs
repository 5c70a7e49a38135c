//! Tenancy: sites, their API keys (mint, hash, rotate, revoke, usage) and site-key authentication.

pub mod health;
pub mod key_auth;
pub mod keys;
pub mod url;
pub mod usage;

/// `/sites/*`, `/api-keys/*` and `/auth/verify`.
pub fn routes() -> axum::Router<crate::http::AppState> {
    axum::Router::new()
}
