//! Prometheus metrics (api.md §15.4): request counts and latency by route template and status, job queue
//! depth, job outcomes and durations, scans by type and status, extension call outcomes and durations, the
//! database pool, the active ruleset revision, pipeline timings, build info. `GET /metrics` renders them as text.
//!
//! Request metrics live in a registry per application (tests run many applications in one process and read
//! their own figures); the extension pipeline runs on evaluation threads shared by every application of a
//! process, so its timings live in one process-wide registry ([`observe_pipeline`]). Labels never carry raw
//! paths, keys, emails or URLs (EH-8): the `route` label is the route template, `unmatched` for unknown paths.

use super::{ApiError, AppState};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use std::sync::LazyLock;
use std::time::Instant;

/// Job kinds whose queue depth `/metrics` reports. A capability that adds a job kind appends it here.
pub const JOB_KINDS: &[&str] = &[
    crate::jobs::RESCORE_PAGE,
    crate::rulesets::RESCORE_PAGES,
    crate::scanner::SCAN_JOB,
    crate::webhooks::DELIVER,
];

/// Job and scan durations: seconds to many minutes.
const JOB_BUCKETS: &[f64] = &[
    0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 1800.0,
];

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The per-application metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    rate_limited: IntCounterVec,
    pages_synced: IntCounterVec,
    webhook_deliveries: IntCounterVec,
    jobs_queued: IntGaugeVec,
    jobs: IntCounterVec,
    job_duration: HistogramVec,
    scans: IntCounterVec,
    db_pool: IntGaugeVec,
    ruleset_revision: IntGauge,
    ruleset_file_syncs: IntCounterVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("siloq_http_requests_total", "HTTP requests answered."),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "siloq_http_request_duration_seconds",
                "Time to answer an HTTP request.",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )
        .expect("valid metric");
        let rate_limited = IntCounterVec::new(
            Opts::new(
                "siloq_rate_limited_total",
                "Requests answered 429 throttled, by route group.",
            ),
            &["scope"],
        )
        .expect("valid metric");
        let pages_synced = IntCounterVec::new(
            Opts::new("siloq_pages_synced_total", "Successful page syncs."),
            &["created"],
        )
        .expect("valid metric");
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "siloq_webhook_deliveries_total",
                "Webhook delivery attempts by event and outcome (succeeded, retry, failed, gone, ...).",
            ),
            &["event", "outcome"],
        )
        .expect("valid metric");
        let jobs_queued = IntGaugeVec::new(
            Opts::new(
                "siloq_jobs_queued",
                "Jobs waiting in the durable queue (read at scrape time).",
            ),
            &["kind"],
        )
        .expect("valid metric");
        let jobs = IntCounterVec::new(
            Opts::new(
                "siloq_jobs_total",
                "Job runs by kind and outcome (succeeded, retry, failed, panicked, handed_back).",
            ),
            &["kind", "outcome"],
        )
        .expect("valid metric");
        let job_duration = HistogramVec::new(
            HistogramOpts::new("siloq_job_duration_seconds", "Wall time of one job run.")
                .buckets(JOB_BUCKETS.to_vec()),
            &["kind"],
        )
        .expect("valid metric");
        let scans = IntCounterVec::new(
            Opts::new(
                "siloq_scans_total",
                "Scans by type and status reached (pending when created, then completed or failed).",
            ),
            &["scan_type", "status"],
        )
        .expect("valid metric");
        let db_pool = IntGaugeVec::new(
            Opts::new(
                "siloq_db_pool_connections",
                "Database pool connections by state: open, idle, in_use (read at scrape time).",
            ),
            &["state"],
        )
        .expect("valid metric");
        let ruleset_revision = IntGauge::new(
            "siloq_ruleset_active_revision",
            "The ruleset revision new pipelines run under (0: none).",
        )
        .expect("valid metric");
        let ruleset_file_syncs = IntCounterVec::new(
            Opts::new(
                "siloq_ruleset_file_syncs_total",
                "Changes of extensions.ruleset_file applied (activated, unchanged: its revision was already \
                 active) or refused (failed: invalid file or component, the active revision kept serving).",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let build_info = IntGaugeVec::new(
            Opts::new("siloq_build_info", "Always 1; the version is the label."),
            &["version"],
        )
        .expect("valid metric");
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(duration.clone()),
            Box::new(rate_limited.clone()),
            Box::new(pages_synced.clone()),
            Box::new(webhook_deliveries.clone()),
            Box::new(jobs_queued.clone()),
            Box::new(jobs.clone()),
            Box::new(job_duration.clone()),
            Box::new(scans.clone()),
            Box::new(db_pool.clone()),
            Box::new(ruleset_revision.clone()),
            Box::new(ruleset_file_syncs.clone()),
            Box::new(build_info),
        ] {
            registry.register(collector).expect("unique metric names");
        }
        Self {
            registry,
            requests,
            duration,
            rate_limited,
            pages_synced,
            webhook_deliveries,
            jobs_queued,
            jobs,
            job_duration,
            scans,
            db_pool,
            ruleset_revision,
            ruleset_file_syncs,
        }
    }

    /// One application of the ruleset file (`outcome`: `activated`, `unchanged` or `failed`).
    pub fn ruleset_file_sync(&self, outcome: &'static str) {
        self.ruleset_file_syncs.with_label_values(&[outcome]).inc();
    }

    /// One job run ended (`outcome`: succeeded, retry, failed, panicked, handed_back).
    pub fn job_run(&self, kind: &str, outcome: &str, seconds: f64) {
        self.jobs.with_label_values(&[kind, outcome]).inc();
        self.job_duration
            .with_label_values(&[kind])
            .observe(seconds);
    }

    /// A scan reached `status` (`scan_type` is `quick` or `full`).
    pub fn scan(&self, scan_type: &str, status: &str) {
        self.scans.with_label_values(&[scan_type, status]).inc();
    }

    /// One webhook delivery attempt (`event` is one of the closed set of api.md §12.4).
    pub fn webhook_delivery(&self, event: &str, outcome: &str) {
        self.webhook_deliveries
            .with_label_values(&[event, outcome])
            .inc();
    }

    fn record(&self, method: &str, route: &str, status: StatusCode, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, status.as_str()])
            .inc();
        self.duration
            .with_label_values(&[method, route])
            .observe(seconds);
        if status == StatusCode::TOO_MANY_REQUESTS {
            self.rate_limited.with_label_values(&[scope(route)]).inc();
        }
        if route == "/api/v1/pages/sync/" && method == "POST" {
            match status {
                StatusCode::CREATED => self.pages_synced.with_label_values(&["true"]).inc(),
                StatusCode::OK => self.pages_synced.with_label_values(&["false"]).inc(),
                _ => {}
            }
        }
    }
}

/// The route group of a template, for `siloq_rate_limited_total` (bounded cardinality).
fn scope(route: &str) -> &'static str {
    let rest = route.strip_prefix("/api/v1/").unwrap_or("");
    match rest.split('/').next().unwrap_or("") {
        "auth" => "auth",
        "pages" => "pages",
        "sites" => "sites",
        "api-keys" => "api_keys",
        "" => "other",
        _ => "api",
    }
}

/// Process-wide metrics of work shared by every application in the process (the extension pipeline).
struct ProcessMetrics {
    registry: Registry,
    pipeline: HistogramVec,
    extension_calls: IntCounterVec,
    extension_duration: HistogramVec,
}

static PROCESS: LazyLock<ProcessMetrics> = LazyLock::new(|| {
    let registry = Registry::new();
    let pipeline = HistogramVec::new(
        HistogramOpts::new(
            "siloq_pipeline_duration_seconds",
            "Wall time of one page's extension pipeline (rules, scorer, recommenders), by outcome.",
        )
        .buckets(LATENCY_BUCKETS.to_vec()),
        &["outcome"],
    )
    .expect("valid metric");
    let extension_calls = IntCounterVec::new(
        Opts::new(
            "siloq_extension_calls_total",
            "Guest calls (describe, rules, scorer, recommenders) by extension and outcome.",
        ),
        &["extension", "outcome"],
    )
    .expect("valid metric");
    let extension_duration = HistogramVec::new(
        HistogramOpts::new(
            "siloq_extension_call_duration_seconds",
            "Wall time of one guest call.",
        )
        .buckets(LATENCY_BUCKETS.to_vec()),
        &["extension"],
    )
    .expect("valid metric");
    for collector in [
        Box::new(pipeline.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(extension_calls.clone()),
        Box::new(extension_duration.clone()),
    ] {
        registry.register(collector).expect("unique metric names");
    }
    ProcessMetrics {
        registry,
        pipeline,
        extension_calls,
        extension_duration,
    }
});

/// Records one extension call (`outcome`: `ok` or a diagnostic reason such as `trap`, `timeout`).
pub fn observe_extension_call(extension: &str, outcome: &str, seconds: f64) {
    PROCESS
        .extension_calls
        .with_label_values(&[extension, outcome])
        .inc();
    PROCESS
        .extension_duration
        .with_label_values(&[extension])
        .observe(seconds);
}

/// Records one pipeline run (`outcome`: `ok`, `busy`, `panicked`, `closed`).
pub fn observe_pipeline(outcome: &'static str, seconds: f64) {
    PROCESS
        .pipeline
        .with_label_values(&[outcome])
        .observe(seconds);
}

/// The route template a request matched, carried on the response to the outer [`track`] middleware (which runs
/// outside the router and so never sees the request's `MatchedPath`).
#[derive(Clone)]
struct RouteTemplate(String);

/// The route template that answered a response (`/api/v1/pages/{id}`), if a route did.
pub fn route_template(response: &Response) -> Option<&str> {
    response
        .extensions()
        .get::<RouteTemplate>()
        .map(|t| t.0.as_str())
}

/// The route of a response as metrics and spans name it: the template as api.md writes it, with its trailing
/// slash (`/api/v1/pages/{id}/`), or `unmatched`. Never the raw path.
pub fn route_label(response: &Response) -> String {
    match route_template(response) {
        Some(t) if t.starts_with("/api/v1/") => format!("{t}/"),
        Some(t) => t.to_owned(),
        None => "unmatched".into(),
    }
}

/// Installed with `route_layer` on the inner router: copies the matched template onto the response.
pub async fn remember_route(req: Request, next: Next) -> Response {
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let mut response = next.run(req).await;
    if let Some(template) = template {
        response.extensions_mut().insert(RouteTemplate(template));
    }
    response
}

/// Counts and times every request, whatever answered it (router, rate limiter, CORS preflight, panic guard).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    let route = route_label(&response);
    state.metrics.record(
        &method,
        &route,
        response.status(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: Prometheus text format; a bearer token when `metrics.token` is set (compared in constant
/// time, EH-8).
pub async fn render(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_at_checked(7))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer "))
            .map(|(_, rest)| rest.trim())
            .unwrap_or("");
        if !constant_time_eq(given.as_bytes(), token.expose().as_bytes()) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "not_authenticated",
                "Authentication credentials were not provided.",
            )
            .into_response();
        }
    }
    refresh_gauges(&state).await;
    let mut families = state.metrics.registry.gather();
    families.extend(PROCESS.registry.gather());
    let mut body = Vec::new();
    if let Err(e) = TextEncoder::new().encode(&families, &mut body) {
        tracing::error!(error = %e, "metrics encoding failed");
        return ApiError::internal().into_response();
    }
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Gauges read at scrape time: queue depth per job kind (left as last seen while the database is down) and the
/// active revision.
async fn refresh_gauges(state: &AppState) {
    for kind in JOB_KINDS {
        if let Ok(depth) = state.store.pending_jobs(kind).await {
            state
                .metrics
                .jobs_queued
                .with_label_values(&[kind])
                .set(depth);
        }
    }
    let (open, idle) = state.store.pool_connections();
    let pool = &state.metrics.db_pool;
    pool.with_label_values(&["open"]).set(i64::from(open));
    pool.with_label_values(&["idle"]).set(idle as i64);
    pool.with_label_values(&["in_use"])
        .set(i64::from(open).saturating_sub(idle as i64));
    state
        .metrics
        .ruleset_revision
        .set(state.extensions.revision().unwrap_or(0));
}

/// Compares digests so the time taken says nothing about how much of the token matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (x, y) = (Sha256::digest(a), Sha256::digest(b));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_groups_are_a_closed_set() {
        assert_eq!(scope("/api/v1/pages/{id}/"), "pages");
        assert_eq!(scope("/api/v1/auth/login/"), "auth");
        assert_eq!(scope("/api/v1/rulesets/"), "api");
        assert_eq!(scope("unmatched"), "other");
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
