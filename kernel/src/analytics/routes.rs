//! `GET /api-keys/{id}/usage/` and `GET /sites/{id}/usage/` (api.md §13): owner only, a date range of at most
//! 366 days (default: the 30 days ending today, UTC), every day listed with zeros included.

use crate::auth::extract::AuthUser;
use crate::db::{ApiKeyId, ApiKeyRow, SiteId, UsageRow};
use crate::http::pagination::ListQuery;
use crate::http::path::Id;
use crate::http::validate::FieldErrors;
use crate::http::{ApiResult, AppState};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const MAX_RANGE_DAYS: i64 = 366;
const DEFAULT_RANGE_DAYS: i64 = 30;

/// An inclusive range of UTC dates.
struct Range {
    from: NaiveDate,
    to: NaiveDate,
}

impl Range {
    fn from_query(query: &ListQuery) -> ApiResult<Self> {
        let mut errors = FieldErrors::default();
        let mut date = |name: &str| match query.param(name) {
            None => None,
            Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) if text.len() == 10 => Some(d),
                _ => {
                    errors.add(
                        name,
                        "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
                    );
                    None
                }
            },
        };
        let (from, to) = (date("from"), date("to"));
        errors.into_result()?;
        let to = to.unwrap_or_else(|| crate::time::now().date_naive());
        let from = match from {
            Some(from) => from,
            None => to
                .checked_sub_days(chrono::Days::new(DEFAULT_RANGE_DAYS as u64 - 1))
                .unwrap_or(NaiveDate::MIN),
        };
        let mut errors = FieldErrors::default();
        if from > to {
            errors.add_non_field("from must not be after to.");
        } else if (to - from).num_days() + 1 > MAX_RANGE_DAYS {
            errors.add_non_field("The date range must not be longer than 366 days.");
        }
        errors.into_result()?;
        Ok(Self { from, to })
    }

    fn bounds(&self) -> (String, String) {
        (self.from.to_string(), self.to.to_string())
    }

    fn days(&self) -> impl Iterator<Item = NaiveDate> {
        self.from.iter_days().take_while(|d| d <= &self.to)
    }
}

/// Day rows of one key, with totals and the per-group totals over the range.
fn key_usage(range: &Range, rows: &[&UsageRow]) -> (i64, i64, Vec<Value>, Vec<Value>) {
    let mut per_day: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut per_group: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for row in rows {
        let d = per_day.entry(row.day.as_str()).or_default();
        d.0 += row.requests;
        d.1 += row.errors;
        let g = per_group.entry(row.endpoint_group.as_str()).or_default();
        g.0 += row.requests;
        g.1 += row.errors;
    }
    let days = range
        .days()
        .map(|day| {
            let key = day.to_string();
            let (requests, errors) = per_day.get(key.as_str()).copied().unwrap_or_default();
            json!({ "date": key, "requests": requests, "errors": errors })
        })
        .collect();
    let groups = per_group
        .iter()
        .map(|(group, (requests, errors))| {
            json!({ "group": group, "requests": requests, "errors": errors })
        })
        .collect();
    let total_requests = rows.iter().map(|r| r.requests).sum();
    let total_errors = rows.iter().map(|r| r.errors).sum();
    (total_requests, total_errors, days, groups)
}

/// Counts still in memory are written first, so an answer includes every request answered before it.
async fn flush(state: &AppState) -> ApiResult<()> {
    Ok(state.usage_stats.flush(&*state.store).await?)
}

async fn of_key(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let key = state
        .store
        .key_for_owner(auth.user.id, ApiKeyId(id))
        .await?;
    let range = Range::from_query(&query)?;
    flush(&state).await?;
    let (from, to) = range.bounds();
    let rows = state.store.usage_of_key(key.id, &from, &to).await?;
    let rows: Vec<&UsageRow> = rows.iter().collect();
    let (total_requests, total_errors, days, groups) = key_usage(&range, &rows);
    Ok(Json(json!({
        "key_id": key.id, "site_id": key.site_id, "from": from, "to": to,
        "total_requests": total_requests, "total_errors": total_errors,
        "days": days, "endpoint_groups": groups,
    })))
}

async fn of_site(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(id): Id,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let site = state.store.site_for_owner(auth.user.id, SiteId(id)).await?;
    let range = Range::from_query(&query)?;
    flush(&state).await?;
    let (from, to) = range.bounds();
    // Every key of the site, revoked ones included (a site holds at most a few hundred keys).
    let (_, mut keys) = state
        .store
        .list_keys(auth.user.id, Some(site.id), 100_000, 0)
        .await?;
    keys.sort_by_key(|k| k.id);
    let rows = state.store.usage_of_site(site.id, &from, &to).await?;
    let now = crate::time::now();
    let mut total_requests = 0;
    let mut total_errors = 0;
    let items: Vec<Value> = keys
        .iter()
        .map(|key: &ApiKeyRow| {
            let mine: Vec<&UsageRow> = rows.iter().filter(|r| r.key_id == key.id).collect();
            let (requests, errors, days, groups) = key_usage(&range, &mine);
            total_requests += requests;
            total_errors += errors;
            json!({
                "key_id": key.id, "name": key.name, "key_prefix": key.key_prefix,
                "is_active": key.is_active(now), "total_requests": requests, "total_errors": errors,
                "days": days, "endpoint_groups": groups,
            })
        })
        .collect();
    Ok(Json(json!({
        "site_id": site.id, "from": from, "to": to,
        "total_requests": total_requests, "total_errors": total_errors, "keys": items,
    })))
}

/// The usage routes (nested under `/api/v1`).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/api-keys/{id}/usage", get(of_key))
        .route("/sites/{id}/usage", get(of_site))
}
