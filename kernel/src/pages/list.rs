//! `GET /pages/` (api.md §10.1): filters, full-text search, ordering and the large default page size the
//! dashboard relies on (it never asks for page 2).

use super::views;
use crate::auth::extract::AuthUser;
use crate::db::{PageFilter, SiteId, search_words};
use crate::http::query::{PageRequest, Query, objects};
use crate::http::{ApiResult, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
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
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let mut query = Query::parse(&uri);
    let site_id = query.integer("site_id", i64::MIN, i64::MAX).map(SiteId);
    let search = query.raw("search").unwrap_or("").to_string();
    if search.chars().count() > 200 {
        query.errors.add(
            "search",
            "Ensure this field has no more than 200 characters.",
        );
    }
    let min_score = query.integer("min_score", 0, 100);
    let max_score = query.integer("max_score", 0, 100);
    let has_issues = query.boolean("has_issues");
    let include_noindex = query.boolean("include_noindex").unwrap_or(false);
    let is_money_page = query.boolean("is_money_page");
    let ordering = match query.raw("ordering").map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            let (desc, column) = raw.strip_prefix('-').map_or((false, raw), |c| (true, c));
            match ORDERING_COLUMNS.iter().find(|c| **c == column) {
                Some(column) => Some((*column, desc)),
                None => {
                    query
                        .errors
                        .add("ordering", &format!("\"{raw}\" is not a valid choice."));
                    None
                }
            }
        }
    };
    query.finish()?;
    let page = PageRequest::from_query(&query, 1000, 5000)?;
    let search_words = search_words(&search, 10);
    let filter = PageFilter {
        owner: Some(auth.user.id),
        site_id,
        statuses: query.list("status"),
        post_types: query.list("post_type"),
        min_score,
        max_score,
        has_issues,
        include_noindex,
        is_money_page,
        ordering: ordering.or_else(|| search_words.is_empty().then_some(("created_at", true))),
        search_words,
        offset: page.offset(),
        limit: page.size,
    };
    let (count, rows) = state.store.list_pages(&filter).await?;
    let results = objects(rows.iter().map(views::list_item));
    Ok(Json(page.envelope(
        count,
        results,
        &uri,
        &headers,
        &state.config.server.public_base_url,
    )?))
}
