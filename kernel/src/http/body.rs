//! Request bodies (api.md §2.3): size limits while streaming, the accepted media types, empty bodies as `{}`,
//! malformed JSON as 400 `parse_error`, a top level that is not an object as a DRF-style 400, and U+0000 removed
//! from every string. The extractor yields the raw JSON object; handlers validate it with `validate::Fields`.

use super::{AppState, error::ApiError};
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, header};
use http_body_util::BodyExt;
use serde_json::{Map, Value};
use std::time::Duration;

/// Which configured body limit a route group uses, set as a request extension (`Extension(BodyLimit::Page)`);
/// routes without it use `server.body_limit_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// `server.page_body_limit_bytes`: the plugin's page sync and SEO-data routes.
    Page,
}

/// How long a client may take to send its body (408 afterwards).
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// A request body that is a JSON object. GET, DELETE and other body-less methods yield an empty object.
#[derive(Debug, Default)]
pub struct JsonBody(pub Map<String, Value>);

impl FromRequest<AppState> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH) {
            return Ok(Self::default());
        }
        let limit = match req.extensions().get::<BodyLimit>() {
            Some(BodyLimit::Page) => state.config.server.page_body_limit_bytes,
            None => state.config.server.body_limit_bytes,
        };
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = read_limited(req.into_body(), limit).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        check_media_type(content_type.as_deref())?;
        parse_object(&bytes).map(Self)
    }
}

/// Reads at most `limit` bytes; a declared or streamed body beyond it is refused without buffering the rest.
pub async fn read_limited(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    let limited = http_body_util::Limited::new(body, limit);
    match tokio::time::timeout(BODY_READ_TIMEOUT, limited.collect()).await {
        Err(_) => Err(ApiError::request_timeout()),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(err)) if err.is::<http_body_util::LengthLimitError>() => {
            Err(ApiError::payload_too_large())
        }
        Ok(Err(err)) => {
            // axum wraps the limit error of its own `DefaultBodyLimit` too; anything else is a broken connection.
            if err.to_string().contains("length limit") {
                Err(ApiError::payload_too_large())
            } else {
                Err(ApiError::parse_error("the request body could not be read"))
            }
        }
    }
}

/// Absent, `application/json`, `application/<x>+json` and `text/plain` are JSON; a charset other than UTF-8 is not.
fn check_media_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let Some(raw) = content_type else {
        return Ok(());
    };
    let mut parts = raw.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let is_json = media.is_empty()
        || media == "application/json"
        || media == "text/plain"
        || (media.starts_with("application/") && media.ends_with("+json"));
    if !is_json {
        return Err(ApiError::unsupported_media_type(&media));
    }
    for param in parts {
        if let Some((name, value)) = param.split_once('=')
            && name.trim().eq_ignore_ascii_case("charset")
        {
            let value = value.trim().trim_matches('"').to_ascii_lowercase();
            if value != "utf-8" && value != "utf8" {
                return Err(ApiError::unsupported_media_type(&media));
            }
        }
    }
    Ok(())
}

/// Parses bytes as a JSON object (nesting capped at 128 by serde_json's recursion limit).
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::parse_error(&short_reason(&e)))?;
    match strip_nul(value) {
        Value::Object(map) => Ok(map),
        other => {
            let message = format!(
                "Invalid data. Expected a dictionary, but got {}.",
                super::validate::type_name(&other)
            );
            Err(ApiError::non_field(&message))
        }
    }
}

/// serde_json's message is one line with a position and never quotes the input; it is capped at 200 characters.
fn short_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    text.chars().take(200).collect()
}

/// Removes U+0000 from every string (keys included): PostgreSQL cannot store it, and both backends must agree.
fn strip_nul(value: Value) -> Value {
    match value {
        Value::String(s) if s.contains('\0') => Value::String(s.replace('\0', "")),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nul).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.replace('\0', ""), strip_nul(v)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert!(check_media_type(None).is_ok());
        assert!(check_media_type(Some("application/json; charset=UTF-8")).is_ok());
        assert!(check_media_type(Some("application/vnd.siloq+json")).is_ok());
        assert!(check_media_type(Some("text/plain")).is_ok());
        assert!(check_media_type(Some("application/x-www-form-urlencoded")).is_err());
        assert!(check_media_type(Some("application/json; charset=latin-1")).is_err());
    }

    #[test]
    fn nul_is_removed_everywhere() {
        let map = parse_object(br#"{"a\u0000":"x\u0000y","l":["\u0000"]}"#).unwrap();
        assert_eq!(map.get("a").unwrap(), "xy");
        assert_eq!(map.get("l").unwrap()[0], "");
    }

    #[test]
    fn top_level_must_be_an_object() {
        let err = parse_object(b"[1]").unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(parse_object(b"{\"a\":").unwrap_err().code(), "parse_error");
        let deep = "[".repeat(10_000);
        assert_eq!(
            parse_object(deep.as_bytes()).unwrap_err().code(),
            "parse_error"
        );
    }
}
