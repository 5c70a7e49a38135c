//! Cross-cutting request handling: path normalisation, request ids, security headers, CORS, the JSON shape of
//! 405/OPTIONS answers, the `Host` allow-list, handler deadlines and panic containment.

use super::{AppState, error::ApiError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Collapses repeated slashes and drops one trailing slash before routing, so `/pages/sync`, `/pages/sync/` and
/// `//pages//sync/` reach the same route without a redirect (api.md §2.1).
pub fn normalize_path(mut req: Request) -> Request {
    let uri = req.uri();
    let path = uri.path();
    let mut normalized = String::with_capacity(path.len());
    for ch in path.chars() {
        if ch == '/' && normalized.ends_with('/') {
            continue;
        }
        normalized.push(ch);
    }
    if normalized.len() > 1 && normalized.ends_with('/') {
        normalized.pop();
    }
    if normalized != path {
        let path_and_query = match uri.query() {
            Some(q) => format!("{normalized}?{q}"),
            None => normalized,
        };
        let mut parts = uri.clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(new_uri) = Uri::from_parts(parts) {
                *req.uri_mut() = new_uri;
            }
        }
    }
    req
}

/// The id of one request, kept from `X-Request-Id` when well-formed, else a new UUID v4.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn acceptable_request_id(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

/// Request id + tracing span + security headers on every response.
///
/// The span carries the request id, client address, method and path, then the matched route template and the
/// status; never a header (no `Authorization`, `X-API-Key` or cookie value reaches a log line or an exported
/// span). With OTLP export on, the request runs under the application's exporting dispatcher, where the span is
/// named `METHOD /route/template` for the collector.
pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable_request_id(v))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let is_api = req.uri().path().starts_with("/api/v1");
    let client_ip = super::client_ip::ClientIp::of(req.extensions());
    let method = req.method().clone();
    let dispatch = state.otlp.as_ref().map_or_else(
        || tracing::dispatcher::get_default(Clone::clone),
        |o| o.dispatch().clone(),
    );
    let span = tracing::dispatcher::with_default(&dispatch, || {
        tracing::info_span!(
            "request",
            request_id = %id,
            client_ip = %client_ip,
            method = %method,
            path = %req.uri().path(),
            route = tracing::field::Empty,
            status = tracing::field::Empty,
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
        )
    });
    let started = std::time::Instant::now();
    let run = tracing::Instrument::instrument(next.run(req), span.clone());
    let mut response =
        tracing::instrument::WithSubscriber::with_subscriber(run, dispatch.clone()).await;
    tracing::dispatcher::with_default(&dispatch, || {
        let status = response.status();
        let route = super::metrics::route_label(&response);
        span.record("route", route.as_str());
        span.record("status", i64::from(status.as_u16()));
        if state.otlp.is_some() {
            // The exported span's name, known only once routed (`otel.name` is read at span start only).
            use opentelemetry::trace::TraceContextExt as _;
            use tracing_opentelemetry::OpenTelemetrySpanExt as _;
            span.context()
                .span()
                .update_name(format!("{method} {route}"));
        }
        if status.is_server_error() {
            span.record("otel.status_code", "ERROR");
        }
        span.in_scope(|| {
            tracing::info!(
                status = status.as_u16(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "request finished"
            );
        });
    });
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// OPTIONS on an existing route answers 200 `{}` with `Allow`; a wrong method answers the JSON 405 with `Allow`
/// listing the methods, plus HEAD where GET is supported, plus OPTIONS.
pub async fn method_semantics(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let response = next.run(req).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let allow = complete_allow(response.headers());
    let mut answer = if method == Method::OPTIONS {
        (StatusCode::OK, axum::Json(serde_json::json!({}))).into_response()
    } else {
        ApiError::method_not_allowed(method.as_str()).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&allow) {
        answer.headers_mut().insert(header::ALLOW, v);
    }
    answer
}

fn complete_allow(headers: &HeaderMap) -> String {
    let mut methods: Vec<String> = headers
        .get_all(header::ALLOW)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty())
        .collect();
    if methods.iter().any(|m| m == "GET") && !methods.iter().any(|m| m == "HEAD") {
        methods.push("HEAD".into());
    }
    if !methods.iter().any(|m| m == "OPTIONS") {
        methods.push("OPTIONS".into());
    }
    methods.sort();
    methods.dedup();
    methods.join(", ")
}

const CORS_ALLOW_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const CORS_ALLOW_HEADERS: &str =
    "Accept, Authorization, Content-Type, User-Agent, X-API-Key, X-Request-Id, X-Requested-With";

/// CORS from configuration (api.md §2.10): exact origins, credentials allowed, never `*` with credentials, never an
/// echo of an unlisted origin. Requests are never rejected because of their origin.
pub async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        (StatusCode::OK, axum::Json(serde_json::json!({}))).into_response()
    } else {
        next.run(req).await
    };
    let origins = &state.config.cors.allowed_origins;
    let any = origins.len() == 1 && origins[0] == "*";
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    let Some(origin) = origin else {
        return response;
    };
    if any {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    } else if origins.iter().any(|o| o == &origin) {
        if let Ok(v) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        }
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    } else {
        return response;
    }
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("X-Request-Id, Retry-After"),
    );
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(CORS_ALLOW_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(CORS_ALLOW_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
    }
    response
}

/// `ALLOWED_HOSTS`: any other `Host` gets 400 `invalid_host` (when the list is set).
pub async fn allowed_hosts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let allowed = &state.config.server.allowed_hosts;
    if allowed.is_empty() || allowed.iter().any(|h| h == "*") {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or("");
    let bare = strip_port(host).to_ascii_lowercase();
    let ok = allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        match a.strip_prefix('.') {
            Some(suffix) => bare == suffix || bare.ends_with(&format!(".{suffix}")),
            None => bare == a,
        }
    });
    if ok {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_host",
            "Invalid host header.",
        )
        .into_response()
    }
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split(']').next().map_or(host, |h| &h[1..]);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// A handler not finished within the deadline is dropped (its transaction rolls back) and answered 503.
pub async fn deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = Duration::from_secs(state.config.server.request_timeout_secs.max(1));
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::handler_timeout().into_response(),
    }
}

/// A handler panic becomes the 500 envelope; the server keeps serving.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    ApiError::internal().into_response()
}

/// Unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::route_not_found()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(path: &str) -> String {
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        normalize_path(req).uri().to_string()
    }

    #[test]
    fn paths_are_normalised_without_redirects() {
        assert_eq!(norm("/api/v1/pages/sync/"), "/api/v1/pages/sync");
        assert_eq!(norm("/api/v1//pages//sync"), "/api/v1/pages/sync");
        assert_eq!(norm("/api/v1/pages/?site_id=1"), "/api/v1/pages?site_id=1");
        assert_eq!(norm("/"), "/");
    }

    #[test]
    fn allow_lists_head_and_options() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ALLOW, HeaderValue::from_static("GET,POST"));
        assert_eq!(complete_allow(&headers), "GET, HEAD, OPTIONS, POST");
    }
}
