//! The website scanner (api.md §11, seo-rules §1.2–1.3, security.md §9 and §13): `POST /scans/` stores a
//! `pending` scan and queues a durable job; a worker on any instance crawls the site through the guarded client
//! (`crate::egress`), judges every page with the active ruleset in scanned-page mode, scores the site and stores
//! the report, which is served as JSON and as a self-contained HTML page.
//!
//! Module map: `api` (handlers), `quota` (creation limits), `job` (the durable job: claim, resume, finish,
//! stuck scans), `crawl` (frontier, robots first, sitemaps, limits), `robots`, `sitemap`, `judge` (one page
//! through the pipeline), `site` (site-level judgement), `report` (health, aggregation, report shapes), `view`
//! (wire objects), `html` (the report for people), `config` (`[scanner]`).

mod api;
pub mod config;
pub mod crawl;
pub mod html;
pub mod job;
pub mod judge;
mod quota;
pub mod report;
pub mod robots;
pub mod site;
pub mod sitemap;
pub mod view;

pub use config::ScannerConfig;
pub use job::SCAN_JOB;

use crate::http::AppState;
use axum::Router;
use axum::routing::get;

/// The `/scans` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scans", get(api::list_scans).post(api::create_scan))
        .route("/scans/{id}", get(api::get_scan))
        .route("/scans/{id}/report", get(api::report))
        .route("/scans/{id}/report.html", get(api::report_html))
}

/// The scan worker of one instance (its own claim loop, so a long scan never delays page re-scoring).
pub fn worker(state: AppState) -> crate::jobs::Worker {
    if !state.config.scanner.allow_hosts.is_empty() {
        tracing::warn!(
            allow_hosts = ?state.config.scanner.allow_hosts,
            "scanner.allow_hosts is set: these host:port pairs skip the egress address checks"
        );
    }
    crate::jobs::Worker::new(state).handle(SCAN_JOB, job::handler())
}
