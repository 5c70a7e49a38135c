//! Tenancy: sites, their API keys (mint, hash, rotate, revoke, usage) and site-key authentication.

pub mod health;
mod key_api;
pub mod key_auth;
pub mod key_ops;
pub mod keys;
mod site_api;
pub mod site_ops;
pub mod url;
pub mod usage;

/// `/sites/*`, `/api-keys/*` and `/auth/verify`.
pub fn routes() -> axum::Router<crate::http::AppState> {
    axum::Router::new()
        .merge(site_api::routes())
        .merge(key_api::routes())
}
