//! Runtime rulesets (issue 6; extensions.md §6.2-6.8, api.md §14): staff upload components, which are validated
//! and stored content-addressed; rulesets are immutable revisions of extension versions with their configs; one
//! revision is active for the installation, and every instance converges on it (PostgreSQL LISTEN/NOTIFY plus a
//! 2 s poll; polling alone on SQLite); pages scored under an older revision are re-scored by durable jobs;
//! previews score a site's stored pages under a candidate without writing anything.
//!
//! Module map: `entries` (the canonical revision entries and how a revision becomes a loaded [`Ruleset`]),
//! `registry` (bundled registration and upload validation), `activation` (activate, rollback, bootstrap),
//! `converge` (the per-instance loop), `file` (`extensions.ruleset_file` applied through revisions, with hot
//! reload), `rescore` (the `rulesets.rescore_pages` job), `preview`, `views` (JSON
//! shapes), `ext_api` and `ruleset_api` (the staff routes).
//!
//! [`Ruleset`]: crate::extensions::Ruleset

pub mod activation;
pub mod converge;
pub mod entries;
mod ext_api;
pub mod file;
pub mod preview;
pub mod registry;
pub mod rescore;
mod ruleset_api;
mod views;

pub use activation::bootstrap;
pub use rescore::RESCORE_PAGES;

use crate::http::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

/// The staff routes of api.md §14 (the paths of extensions.md §6.12 are the same handlers where they differ).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/extensions",
            // The upload reads its body itself within `extensions.limits.max_upload_bytes` (plus 64 KiB), so
            // axum's 2 MB default limit (which the multipart reader would apply) is lifted there.
            get(ext_api::list_extensions)
                .merge(post(ext_api::upload).layer(DefaultBodyLimit::disable())),
        )
        .route("/extensions/uploads", get(ext_api::list_uploads))
        .route("/extensions/{id}", get(ext_api::extension_detail))
        .route(
            "/rulesets",
            get(ruleset_api::list).post(ruleset_api::create),
        )
        .route(
            "/rulesets/revisions",
            get(ruleset_api::list).post(ruleset_api::create),
        )
        .route("/rulesets/active", get(ruleset_api::active))
        .route("/rulesets/activations", get(ruleset_api::activations))
        .route("/rulesets/rollback", post(ruleset_api::rollback))
        .route("/rulesets/preview", post(ruleset_api::preview))
        .route("/rulesets/{id}", get(ruleset_api::detail))
        .route("/rulesets/revisions/{id}", get(ruleset_api::detail))
        .route("/rulesets/{id}/activate", post(ruleset_api::activate))
        .route(
            "/rulesets/revisions/{id}/activate",
            post(ruleset_api::activate),
        )
}
