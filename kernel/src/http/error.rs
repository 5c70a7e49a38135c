//! `ApiError`: the one place where failures become an HTTP status and the JSON envelope of api.md §2.6
//! (`detail` + `code`, plus field lists for validation errors and a few documented extra keys).

use crate::db::StoreError;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Map<String, Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        let mut body = Map::new();
        body.insert("detail".into(), Value::String(detail.into()));
        body.insert("code".into(), Value::String(code.into()));
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// Adds a documented extra key to the body (`error`, `valid`, `non_field_errors`, ...).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.body.insert(key.into(), value.into());
        self
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &str {
        self.body.get("code").and_then(Value::as_str).unwrap_or("")
    }

    /// 404 for a missing object, another owner's object and a malformed path id alike.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found.")
    }

    /// 404 for an unknown path.
    pub fn route_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "The requested resource was not found.",
        )
        .with("error", "Not found")
        .with("status", 404)
    }

    pub fn invalid_page() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Invalid page.")
    }

    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("Method \"{method}\" not allowed."),
        )
    }

    pub fn parse_error(reason: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "parse_error",
            format!("JSON parse error - {reason}"),
        )
    }

    pub fn unsupported_media_type(media_type: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Unsupported media type \"{media_type}\" in request."),
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Request body too large.",
        )
    }

    pub fn request_timeout() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "Request body was not received in time.",
        )
    }

    /// JWT route without a bearer credential.
    pub fn not_authenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "not_authenticated",
            "Authentication credentials were not provided.",
        )
        .header(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")
    }

    /// JWT route with a rejected bearer credential (site keys included).
    pub fn token_not_valid() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_not_valid",
            "Given token not valid for any token type",
        )
        .header(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")
    }

    /// Any site-key failure on a plugin route: one body whatever the cause, no `WWW-Authenticate`.
    pub fn site_key_rejected() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "not_authenticated",
            "Authentication credentials were not provided.",
        )
    }

    pub fn permission_denied() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "permission_denied",
            "You do not have permission to perform this action.",
        )
    }

    /// 429 with `Retry-After: N` and N in the text (api.md §2.9).
    pub fn throttled(retry_after_secs: u64) -> Self {
        let n = retry_after_secs.max(1);
        let unit = if n == 1 { "second" } else { "seconds" };
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!("Request was throttled. Expected available in {n} {unit}."),
        )
        .header(header::RETRY_AFTER, &n.to_string())
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Service temporarily unavailable.",
        )
        .header(header::RETRY_AFTER, "5")
    }

    pub fn handler_timeout() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "Request timed out.",
        )
        .header(header::RETRY_AFTER, "5")
    }

    /// A server defect. The body never says more than this; the log has the details under the request id.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "An unexpected error occurred.",
        )
    }

    /// A single field error (`{"detail":"field: msg","code":"invalid","field":["msg"]}`).
    pub fn field(field: &str, message: &str) -> Self {
        let mut errors = super::validate::FieldErrors::default();
        errors.add(field, message);
        errors.into_error()
    }

    /// A cross-field error under `non_field_errors`.
    pub fn non_field(message: &str) -> Self {
        let mut errors = super::validate::FieldErrors::default();
        errors.add_non_field(message);
        errors.into_error()
    }

    pub(crate) fn from_parts(status: StatusCode, body: Map<String, Value>) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found(),
            StoreError::Unavailable(reason) => {
                tracing::warn!(%reason, "database unavailable");
                Self::unavailable()
            }
            other => {
                tracing::error!(error = %other, "storage error");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(Value::Object(self.body))).into_response();
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// The JSON body of a 200/201 answer with a message only (deletes, actions).
pub fn message(text: &str) -> axum::Json<Value> {
    axum::Json(json!({ "message": text }))
}
