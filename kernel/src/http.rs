//! The HTTP surface: router assembly, shared state, and the plumbing every handler relies on (body parsing,
//! validation, path ids, the one error type). Capability modules contribute their routes; handlers stay thin.

pub mod body;
pub mod client_ip;
pub mod error;
mod health;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod path;
pub mod rate_limit;
pub mod validate;

pub use error::{ApiError, ApiResult};

use crate::config::Config;
use crate::db::DynStore;
use axum::Router;
use axum::extract::Request;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower::ServiceExt as _;

/// State shared by every handler (cheap to clone).
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

pub struct AppInner {
    pub config: Arc<Config>,
    pub store: DynStore,
    pub lifecycle: Lifecycle,
    pub jwt: crate::auth::jwt::JwtKeys,
    pub hasher: crate::auth::password::PasswordHasherPool,
    /// Login attempts per client IP (in memory, per instance).
    pub login_ip_limiter: crate::auth::throttle::IpLimiter,
    pub key_usage: crate::sites::usage::UsageBuffer,
    /// The extension platform: host, evaluation threads, active ruleset.
    pub extensions: Arc<crate::extensions::Runtime>,
    /// Per-IP, per-key and per-user request limits, with the trusted-proxy and exempt lists (RL-1..RL-6).
    pub limits: rate_limit::Limits,
    /// Request counters and latency histograms for `/metrics` (per application).
    pub metrics: metrics::Metrics,
    /// API usage analytics per key, day and endpoint group, flushed with the other buffers.
    pub usage_stats: crate::analytics::UsageCounter,
    /// OTLP trace export when `telemetry.otlp_endpoint` is set: requests run under its dispatcher.
    pub otlp: Option<crate::telemetry::Otlp>,
}

impl std::ops::Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl AppState {
    /// `config.auth.secret_key` must already be resolved.
    pub fn new(
        config: Arc<Config>,
        store: DynStore,
        extensions: Arc<crate::extensions::Runtime>,
    ) -> anyhow::Result<Self> {
        let jwt = crate::auth::jwt::JwtKeys::new(&config.auth);
        let hasher = crate::auth::password::PasswordHasherPool::new(&config.auth)?;
        let limits = rate_limit::Limits::new(&config);
        let otlp = crate::telemetry::Otlp::start(&config.telemetry)?;
        let login_ip_limiter =
            crate::auth::throttle::IpLimiter::new(config.auth.login_attempts_per_ip_per_minute);
        Ok(Self(Arc::new(AppInner {
            config,
            store,
            lifecycle: Lifecycle::default(),
            jwt,
            hasher,
            login_ip_limiter,
            key_usage: Default::default(),
            extensions,
            limits,
            metrics: metrics::Metrics::new(),
            usage_stats: Default::default(),
            otlp,
        })))
    }

    /// Writes buffered state (key usage counters) to the database; runs every few seconds and on shutdown.
    pub async fn flush_buffers(&self) {
        self.key_usage.flush(&*self.store).await;
        let _ = self.usage_stats.flush(&*self.store).await;
    }
}

/// Process-level flags read by readiness and health checks.
#[derive(Default)]
pub struct Lifecycle {
    draining: AtomicBool,
    jobs_running: AtomicBool,
}

impl Lifecycle {
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
    pub fn set_jobs_running(&self, running: bool) {
        self.jobs_running.store(running, Ordering::SeqCst);
    }
    pub fn jobs_running(&self) -> bool {
        self.jobs_running.load(Ordering::SeqCst)
    }
}

/// The `/api/v1` routes of every capability.
fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .merge(crate::auth::routes())
        .merge(crate::sites::routes())
        .merge(crate::pages::routes())
        .merge(crate::scanner::routes())
        .merge(crate::rulesets::routes())
        .merge(crate::analytics::routes())
        .merge(crate::webhooks::routes())
        .route("/openapi.json", get(openapi::document))
}

/// The complete router with its middleware, before path normalisation.
///
/// The routes live in an inner router; the middleware wraps it from outside (as the outer router's fallback
/// service) so it sees finished responses, including axum's 405 answers after their `Allow` header is set.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .nest("/api/v1", api_routes())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .merge(openapi::docs_routes())
        // After every route: gives `/metrics` the matched route template (routes added below it get `unmatched`).
        .route_layer(from_fn(metrics::remember_route))
        .fallback(middleware::not_found)
        .with_state(state.clone());
    Router::new()
        .fallback_service(routes)
        .layer(from_fn(middleware::method_semantics))
        .layer(from_fn_with_state(state.clone(), middleware::deadline))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            middleware::panic_response,
        ))
        // Rate limits sit inside CORS so a 429 carries the CORS headers that expose `Retry-After`.
        .layer(from_fn_with_state(state.clone(), rate_limit::per_ip))
        .layer(from_fn_with_state(state.clone(), middleware::cors))
        .layer(from_fn_with_state(state.clone(), middleware::allowed_hosts))
        .layer(from_fn_with_state(state.clone(), crate::analytics::count))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn_with_state(
            state.clone(),
            middleware::request_context,
        ))
        // Outermost: the client IP (RL-5) is settled before anything logs or counts the request.
        .layer(from_fn_with_state(state, client_ip::resolve))
}

/// The application as an `axum::serve` make-service (paths normalised before routing). `siloq serve` does not use
/// it: `server::listener` serves the same router with header-read and idle timeouts, which `axum::serve` lacks.
pub fn app(
    state: AppState,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<NormalizedApp, std::net::SocketAddr>
{
    let service = router(state).map_request(middleware::normalize_path as fn(Request) -> Request);
    axum::ServiceExt::<Request>::into_make_service_with_connect_info::<std::net::SocketAddr>(
        service,
    )
}

/// The router behind path normalisation.
pub type NormalizedApp = tower::util::MapRequest<Router, fn(Request) -> Request>;
