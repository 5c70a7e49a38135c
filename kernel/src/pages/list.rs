//! `GET /pages/` (api.md §10.1): filters, full-text search, ordering and the large default page size the
//! dashboard relies on (it never asks for page 2).

use super::views;
use crate::auth::extract::AuthUser;
use crate::db::{PageFilter, SiteId, search_words};
use crate::http::pagination::ListQuery;
use crate::http::validate::{FieldErrors, as_bool_value};
use crate::http::{ApiResult, AppState};
use axum::Json;
use axum::extract::State;
use serde_json::Value;

const ORDERING_COLUMNS: [&str; 8] = [
    "created_at",
    "id",
    "title",
    "url",
    "seo_score",
    "issue_count",
    "published_at",
    "last_synced_at",
];

pub async fn list_pages(
    State(state): State<AppState>,
    auth: AuthUser,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let mut errors = FieldErrors::default();
    let mut params = Params {
        query: &query,
        errors: &mut errors,
    };
    let site_id = params.integer("site_id", i64::MIN, i64::MAX).map(SiteId);
    let search = query.param("search").unwrap_or("").to_string();
    if search.chars().count() > 200 {
        params.errors.add(
            "search",
            "Ensure this field has no more than 200 characters.",
        );
    }
    let min_score = params.integer("min_score", 0, 100);
    let max_score = params.integer("max_score", 0, 100);
    let has_issues = params.boolean("has_issues");
    let include_noindex = params.boolean("include_noindex").unwrap_or(false);
    let is_money_page = params.boolean("is_money_page");
    let ordering = params.ordering();
    errors.into_result()?;
    let window = query.window(1000, 5000)?;
    let search_words = search_words(&search, 10);
    let filter = PageFilter {
        owner: Some(auth.user.id),
        site_id,
        statuses: list(&query, "status"),
        post_types: list(&query, "post_type"),
        min_score,
        max_score,
        has_issues,
        include_noindex,
        is_money_page,
        ordering: ordering.or_else(|| search_words.is_empty().then_some(("created_at", true))),
        search_words,
        offset: window.offset(),
        limit: window.limit(),
    };
    let (count, rows) = state.store.list_pages(&filter).await?;
    query.envelope(window, count, rows.iter().map(views::list_item).collect())
}

/// A comma-separated parameter; empty items are dropped.
fn list(query: &ListQuery, name: &str) -> Vec<String> {
    query.param(name).map_or_else(Vec::new, |v| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
}

/// Typed reads of query parameters; a malformed value is a field error named after the parameter.
struct Params<'a> {
    query: &'a ListQuery,
    errors: &'a mut FieldErrors,
}

impl Params<'_> {
    fn integer(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let raw = self.query.param(name)?.trim();
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

    fn boolean(&mut self, name: &str) -> Option<bool> {
        let raw = self.query.param(name)?;
        let value = as_bool_value(&Value::String(raw.to_string()));
        if value.is_none() {
            self.errors.add(name, "Must be a valid boolean.");
        }
        value
    }

    /// An allow-listed column, optionally prefixed with `-` for descending.
    fn ordering(&mut self) -> Option<(&'static str, bool)> {
        let raw = self.query.param("ordering")?.trim();
        if raw.is_empty() {
            return None;
        }
        let (desc, column) = raw.strip_prefix('-').map_or((false, raw), |c| (true, c));
        let found = ORDERING_COLUMNS
            .iter()
            .find(|c| **c == column)
            .map(|c| (*c, desc));
        if found.is_none() {
            self.errors
                .add("ordering", &format!("\"{raw}\" is not a valid choice."));
        }
        found
    }
}
