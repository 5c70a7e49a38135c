//! Query strings (api.md §2.1, §2.8): unknown parameters are ignored, the last value of a repeated one wins,
//! malformed values of known parameters are 400 field errors; and the pagination envelope.

use super::ApiError;
use super::validate::FieldErrors;
use axum::http::{HeaderMap, Uri, header};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Parsed query parameters (last value wins).
#[derive(Debug, Default)]
pub struct Query {
    values: HashMap<String, String>,
    pub errors: FieldErrors,
}

impl Query {
    pub fn parse(uri: &Uri) -> Self {
        let values = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        Self {
            values,
            errors: FieldErrors::default(),
        }
    }

    pub fn raw(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// An integer parameter within `[min, max]`; malformed or out of range is a field error.
    pub fn integer(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.raw(name)?.trim().to_string();
        match raw.parse::<i64>() {
            Ok(n) if n < min => self.errors.add(
                name,
                &format!("Ensure this value is greater than or equal to {min}."),
            ),
            Ok(n) if n > max => self.errors.add(
                name,
                &format!("Ensure this value is less than or equal to {max}."),
            ),
            Ok(n) => return Some(n),
            Err(_) => self.errors.add(name, "A valid integer is required."),
        }
        None
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let raw = self.raw(name)?.to_string();
        match super::validate::as_bool_value(&Value::String(raw)) {
            Some(b) => Some(b),
            None => {
                self.errors.add(name, "Must be a valid boolean.");
                None
            }
        }
    }

    /// A comma-separated list; empty items are dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.raw(name).map_or_else(Vec::new, |v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
    }

    pub fn finish(&mut self) -> Result<(), ApiError> {
        std::mem::take(&mut self.errors).into_result()
    }
}

/// Page and page size of a list request.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub size: i64,
}

impl PageRequest {
    /// `page` must be a positive integer (else 404 `Invalid page.`); `page_size` above `max` is lowered, and an
    /// invalid one is ignored.
    pub fn from_query(query: &Query, default_size: i64, max_size: i64) -> Result<Self, ApiError> {
        let page = match query.raw("page") {
            None => 1,
            Some(raw) => raw
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(ApiError::invalid_page)?,
        };
        let size = query
            .raw("page_size")
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|s| *s >= 1)
            .map_or(default_size, |s| s.min(max_size));
        Ok(Self { page, size })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.size)
    }

    /// The envelope `{count, next, previous, results}`; a page beyond the last is 404 (page 1 is always valid).
    pub fn envelope(
        &self,
        count: i64,
        results: Vec<Value>,
        uri: &Uri,
        headers: &HeaderMap,
        public_base_url: &str,
    ) -> Result<Value, ApiError> {
        let last_page = ((count + self.size - 1) / self.size).max(1);
        if self.page > last_page {
            return Err(ApiError::invalid_page());
        }
        let link = |page: i64| page_link(uri, headers, public_base_url, page);
        let next = (self.page < last_page).then(|| link(self.page + 1));
        let previous = (self.page > 1).then(|| link(self.page - 1));
        Ok(json!({ "count": count, "next": next, "previous": previous, "results": results }))
    }
}

/// An absolute link to `page` of the same list, keeping every other query parameter; page 1 leaves `page` out.
fn page_link(uri: &Uri, headers: &HeaderMap, public_base_url: &str, page: i64) -> String {
    let base = if public_base_url.is_empty() {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    } else {
        public_base_url.trim_end_matches('/').to_string()
    };
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .filter(|(k, _)| k != "page")
            .collect();
    if page > 1 {
        pairs.push(("page".into(), page.to_string()));
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if query.is_empty() {
        format!("{base}{}", uri.path())
    } else {
        format!("{base}{}?{query}", uri.path())
    }
}

/// Turns rows into JSON objects.
pub fn objects(rows: impl IntoIterator<Item = Map<String, Value>>) -> Vec<Value> {
    rows.into_iter().map(Value::Object).collect()
}
