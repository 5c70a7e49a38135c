//! The list envelope of api.md §2.8: `?page=` (1-based; not a positive integer or past the end: 404 `Invalid
//! page.`), `?page_size=` (invalid: the default; too large: the maximum), and absolute `next`/`previous` links that
//! keep the request's other query parameters.
//!
//! Handlers take a [`ListQuery`], ask it for a [`PageWindow`] with the list's default and maximum size, read that
//! window from the store (with the total count) and wrap the rows with [`ListQuery::envelope`].

use super::{ApiError, AppState};
use axum::Json;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::HOST;
use axum::http::request::Parts;
use serde::Serialize;
use serde_json::{Value, json};

/// Default and maximum page size of every list except pages (§2.8).
pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 1000;

/// The query string and the absolute location of a list request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Query parameters in request order (repeats kept: links reproduce the query as sent).
    params: Vec<(String, String)>,
    /// `scheme://host[:port]` plus the path, without a query.
    location: String,
}

/// The requested page: `offset`/`limit` for the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWindow {
    pub page: i64,
    pub size: i64,
}

impl PageWindow {
    pub fn limit(&self) -> i64 {
        self.size
    }
    /// Saturates: a huge page number reads nothing and is then refused as past the end.
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.size)
    }
}

impl FromRequestParts<AppState> for ListQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Nesting under /api/v1 strips the prefix from `parts.uri`; the original URI has the full path.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let params = uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let base = match state.config.server.public_base_url.trim() {
            "" => {
                // The allowed-hosts middleware has already refused a Host outside the configured list (IN-10).
                let host = parts
                    .headers
                    .get(HOST)
                    .and_then(|h| h.to_str().ok())
                    .or_else(|| uri.authority().map(|a| a.as_str()))
                    .unwrap_or("localhost");
                let scheme = uri.scheme_str().unwrap_or("http");
                format!("{scheme}://{host}")
            }
            configured => configured.trim_end_matches('/').to_string(),
        };
        Ok(Self {
            params,
            location: format!("{base}{}", uri.path()),
        })
    }
}

impl ListQuery {
    /// The last value of a query parameter (§2.1: when a parameter repeats, the last value wins).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The requested window; 404 `Invalid page.` when `page` is not a positive integer.
    pub fn window(&self, default_size: i64, max_size: i64) -> Result<PageWindow, ApiError> {
        let page = match self.param("page") {
            None => 1,
            Some(text) => positive(text).ok_or_else(ApiError::invalid_page)?,
        };
        let size = self
            .param("page_size")
            .and_then(positive)
            .map_or(default_size, |n| n.min(max_size));
        Ok(PageWindow { page, size })
    }

    /// `{"count","next","previous","results"}`; 404 `Invalid page.` for a page past the end (page 1 always exists).
    pub fn envelope<T: Serialize>(
        &self,
        window: PageWindow,
        count: i64,
        results: Vec<T>,
    ) -> Result<Json<Value>, ApiError> {
        let last = ((count + window.size - 1) / window.size).max(1);
        if window.page > last {
            return Err(ApiError::invalid_page());
        }
        let next = (window.page < last).then(|| self.link(window.page + 1));
        let previous = (window.page > 1).then(|| self.link(window.page - 1));
        Ok(Json(json!({
            "count": count,
            "next": next,
            "previous": previous,
            "results": results,
        })))
    }

    /// The request's URL with `page` set (left out for page 1).
    fn link(&self, page: i64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.params.iter().filter(|(k, _)| k != "page") {
            query.append_pair(k, v);
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            self.location.clone()
        } else {
            format!("{}?{query}", self.location)
        }
    }
}

/// A decimal integer of at least 1 (no sign, no spaces).
fn positive(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok().filter(|n| *n >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> ListQuery {
        ListQuery {
            params: url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect(),
            location: "http://api.test/api/v1/sites".into(),
        }
    }

    #[test]
    fn page_and_size_rules() {
        assert_eq!(
            query("").window(50, 1000).unwrap(),
            PageWindow { page: 1, size: 50 }
        );
        assert_eq!(
            query("page=2&page_size=5000").window(50, 1000).unwrap(),
            PageWindow {
                page: 2,
                size: 1000
            }
        );
        for bad_size in ["0", "-3", "x", "", "1.5"] {
            assert_eq!(
                query(&format!("page_size={bad_size}"))
                    .window(50, 1000)
                    .unwrap()
                    .size,
                50
            );
        }
        for bad_page in ["0", "-1", "abc", "", "1.0", "99999999999999999999"] {
            let err = query(&format!("page={bad_page}"))
                .window(50, 1000)
                .unwrap_err();
            assert_eq!(err.status(), 404, "{bad_page}");
        }
        assert_eq!(query("page=1&page=3").window(50, 1000).unwrap().page, 3);
        assert_eq!(
            PageWindow {
                page: i64::MAX,
                size: 50
            }
            .offset(),
            i64::MAX
        );
    }

    #[test]
    fn links_keep_other_parameters_and_drop_page_one() {
        let q = query("site_id=4&page=2&page_size=1");
        let w = q.window(50, 1000).unwrap();
        let Json(body) = q.envelope(w, 3, vec![1]).unwrap();
        assert_eq!(
            body["next"],
            "http://api.test/api/v1/sites?site_id=4&page_size=1&page=3"
        );
        assert_eq!(
            body["previous"],
            "http://api.test/api/v1/sites?site_id=4&page_size=1"
        );
        assert_eq!(body["count"], 3);
    }

    #[test]
    fn past_the_end_is_invalid_but_empty_page_one_is_fine() {
        let q = query("");
        let Json(body) = q
            .envelope(PageWindow { page: 1, size: 50 }, 0, Vec::<i64>::new())
            .unwrap();
        assert_eq!(body["results"], json!([]));
        assert_eq!(body["next"], Value::Null);
        assert!(
            q.envelope(PageWindow { page: 2, size: 50 }, 50, Vec::<i64>::new())
                .is_err()
        );
    }
}
