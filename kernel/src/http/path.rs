//! Path ids (api.md §2.1): a decimal integer from 1 to i64::MAX with no sign, spaces or leading zeros. Anything
//! else is the same 404 as a missing object.

use super::error::ApiError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::collections::HashMap;

/// Parses one path id.
pub fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// All `{name}` segments of the matched route, each parsed as an id. `Ids(v)` keeps them in route order.
#[derive(Debug)]
pub struct Ids(pub Vec<i64>);

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        params
            .iter()
            .map(|(_, v)| parse_id(v))
            .collect::<Option<Vec<_>>>()
            .map(Ids)
            .ok_or_else(ApiError::not_found)
    }
}

/// A single `{id}` path segment.
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        params
            .values()
            .next()
            .and_then(|v| parse_id(v))
            .map(Id)
            .ok_or_else(ApiError::not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_id;

    #[test]
    fn only_canonical_positive_ids() {
        assert_eq!(parse_id("1"), Some(1));
        assert_eq!(parse_id("9223372036854775807"), Some(i64::MAX));
        for bad in [
            "0",
            "01",
            "-1",
            "+1",
            "abc",
            "1.json",
            "9223372036854775808",
            " 1",
            "",
        ] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
