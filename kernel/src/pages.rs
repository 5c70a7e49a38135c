//! Pages pushed by the WordPress plugin: sync, plugin SEO data, scoring, and the dashboard's page views.

mod handlers;
mod list;
pub mod pipeline;
pub mod seo_data;
pub mod sync;
pub mod views;

use crate::http::AppState;
use crate::http::body::BodyLimit;
use axum::Router;
use axum::routing::{get, post};

/// `/pages/*`.
pub fn routes() -> Router<AppState> {
    let plugin = Router::new()
        .route("/pages/sync", post(handlers::sync_page))
        .route("/pages/{id}/seo-data", post(handlers::sync_seo_data))
        .layer(axum::Extension(BodyLimit::Page));
    Router::new()
        .merge(plugin)
        .route("/pages", get(list::list_pages))
        .route("/pages/{id}", get(handlers::page_detail))
        .route("/pages/{id}/seo", get(handlers::page_seo))
        .route(
            "/pages/{id}/toggle_money_page",
            post(handlers::toggle_money_page),
        )
}
