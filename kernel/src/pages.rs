//! Pages pushed by the WordPress plugin: sync, plugin SEO data, the dashboard's page views.

/// `/pages/*`.
pub fn routes() -> axum::Router<crate::http::AppState> {
    axum::Router::new()
}
