//! `/scans/*` handlers (api.md §11): key-or-JWT authentication, the field table of §11.2 with the egress
//! policy on `url`, the per-host and per-site quotas, and the scan object, JSON report and HTML report.

use super::{html, job, view};
use crate::auth::extract::{AuthUser, bearer_token};
use crate::db::{NewScan, ScanFilter, ScanRow, ScanScope, SiteId, StoreError};
use crate::egress::EgressPolicy;
use crate::http::body::JsonBody;
use crate::http::pagination::{DEFAULT_PAGE_SIZE, ListQuery, MAX_PAGE_SIZE};
use crate::http::path::Id;
use crate::http::validate::{FieldErrors, Fields, Input};
use crate::http::{ApiError, ApiResult, AppState};
use crate::sites::key_auth::SiteKey;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

const NOT_ALLOWED: &str = "URL is not allowed.";
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; \
                   form-action 'none'; frame-ancestors 'none'";

/// Who asks (api.md §2.2 "Key-or-JWT check"): a `Bearer` token that is not a site key selects the JWT check;
/// anything else the site-key check (no credentials at all: the site-key 403).
#[derive(Debug, Clone, Copy)]
pub enum Principal {
    Key(SiteId),
    User(crate::db::UserId),
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match bearer_token(parts) {
            Some(token) if !token.starts_with("sk_siloq_") => {
                let user = AuthUser::from_request_parts(parts, state).await?;
                Ok(Self::User(user.user.id))
            }
            _ => {
                let key = SiteKey::from_request_parts(parts, state).await?;
                Ok(Self::Key(key.0.site_id))
            }
        }
    }
}

impl Principal {
    fn scope(self, site: Option<SiteId>) -> ScanScope {
        match self {
            Self::Key(site_id) => ScanScope::Site(site_id),
            Self::User(user) => ScanScope::Owner(user, site),
        }
    }
}

/// `POST /scans/`.
pub async fn create_scan(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let config = &state.config.scanner;
    let mut f = Fields::new(&body);
    let url = f.url("url", true, false);
    let policy = EgressPolicy::new(&config.allow_hosts);
    let url = match url {
        Input::Value(u) => match policy.check_str(&u) {
            Ok(parsed) => Some((u, parsed)),
            Err(_) => {
                f.errors.add("url", NOT_ALLOWED);
                None
            }
        },
        _ => None,
    };
    let scan_type = f
        .choice("scan_type", &["quick", "full"], false, false)
        .value()
        .unwrap_or_else(|| "full".into());
    let max_pages = f
        .integer("max_pages", 1, config.max_pages_limit, false, false)
        .value()
        .unwrap_or(config.default_max_pages.min(config.max_pages_limit));
    let site_field = match principal {
        Principal::User(_) => f
            .integer("site_id", i64::MIN, i64::MAX, true, false)
            .value(),
        Principal::Key(_) => None,
    };
    f.finish()?;
    let Some((url, parsed)) = url else {
        return Err(ApiError::internal());
    };
    let site_id = match principal {
        Principal::Key(site) => site,
        Principal::User(user) => {
            let id = site_field
                .filter(|id| *id > 0)
                .ok_or_else(ApiError::not_found)?;
            match state.store.site_for_owner(user, SiteId(id)).await {
                Ok(site) => site.id,
                Err(StoreError::NotFound) => return Err(ApiError::not_found()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let target_host = super::judge::strip_www(parsed.host_str().unwrap_or(""));
    super::quota::check(&state, site_id, &target_host).await?;
    let scan = state
        .store
        .insert_scan(&NewScan {
            site_id,
            url,
            target_host,
            scan_type,
            max_pages,
        })
        .await?;
    job::enqueue(&state, scan.id).await?;
    state.metrics.scan(&scan.scan_type, "pending");
    Ok((StatusCode::CREATED, Json(view::scan_json(&scan))))
}

/// `GET /scans/`.
pub async fn list_scans(
    State(state): State<AppState>,
    principal: Principal,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let mut errors = FieldErrors::default();
    let mut choice = |name: &str, choices: &[&str]| match query.param(name) {
        Some(v) if choices.contains(&v) => Some(v.to_string()),
        Some(v) => {
            errors.add(name, &format!("\"{v}\" is not a valid choice."));
            None
        }
        None => None,
    };
    let filter = ScanFilter {
        status: choice("status", &["pending", "processing", "completed", "failed"]),
        scan_type: choice("scan_type", &["quick", "full"]),
    };
    errors.into_result()?;
    let site = match (principal, query.param("site_id")) {
        (Principal::User(_), Some(text)) => match crate::http::path::parse_id(text) {
            Some(id) => Some(SiteId(id)),
            // Not an id of any site: nothing of the caller's matches.
            None => return query.envelope(window, 0, Vec::<Value>::new()),
        },
        _ => None,
    };
    let (count, rows) = state
        .store
        .list_scans(
            principal.scope(site),
            &filter,
            window.limit(),
            window.offset(),
        )
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(view::scan_json(&fresh(&state, row).await));
    }
    query.envelope(window, count, items)
}

/// A scan as it stands now, after the stuck-scan check (api.md §11.1: a polling client always sees an end).
async fn fresh(state: &AppState, row: ScanRow) -> ScanRow {
    if job::fail_if_stuck(state, &row).await {
        state.store.scan_by_id(row.id).await.unwrap_or(row)
    } else {
        row
    }
}

async fn scan_in_scope(state: &AppState, principal: Principal, id: i64) -> ApiResult<ScanRow> {
    let row = match state.store.scan_in_scope(principal.scope(None), id).await {
        Ok(row) => row,
        Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok(fresh(state, row).await)
}

/// `GET /scans/{id}/`.
pub async fn get_scan(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let row = scan_in_scope(&state, principal, id).await?;
    Ok(Json(view::scan_json(&row)))
}

/// The 400 answers of a report that is not ready (§11.5).
fn not_ready(row: &ScanRow) -> Option<ApiError> {
    match row.status.as_str() {
        "completed" => None,
        "failed" => Some(
            ApiError::new(StatusCode::BAD_REQUEST, "scan_failed", "Scan failed")
                .with("error", "Scan failed")
                .with("scan_status", "failed")
                .with("error_message", row.error_message.clone()),
        ),
        status => Some(
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "not_completed",
                "Scan not completed yet",
            )
            .with("error", "Scan not completed yet")
            .with("scan_status", status.to_string()),
        ),
    }
}

/// `GET /scans/{id}/report/` (`?format=json|html`).
pub async fn report(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
    query: ListQuery,
) -> ApiResult<Response> {
    let format = query.param("format").unwrap_or("json");
    if !matches!(format, "json" | "html") {
        let mut errors = FieldErrors::default();
        errors.add("format", &format!("\"{format}\" is not a valid choice."));
        return Err(errors.into_error());
    }
    let row = scan_in_scope(&state, principal, id).await?;
    if let Some(err) = not_ready(&row) {
        return Err(err);
    }
    if format == "html" {
        return Ok(html_response(&row));
    }
    Ok(Json(view::report_json(&row)).into_response())
}

/// `GET /scans/{id}/report.html`.
pub async fn report_html(
    State(state): State<AppState>,
    principal: Principal,
    Id(id): Id,
) -> ApiResult<Response> {
    let row = scan_in_scope(&state, principal, id).await?;
    if let Some(err) = not_ready(&row) {
        return Err(err);
    }
    Ok(html_response(&row))
}

fn html_response(row: &ScanRow) -> Response {
    let page = html::render(&view::report_json(row), &view::scan_json(row));
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}
