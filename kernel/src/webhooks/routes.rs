//! The owner's webhook routes (api.md §12.2, §12.3), all under a site the caller owns.

use super::events::EVENTS;
use super::signing;
use crate::auth::extract::AuthUser;
use crate::db::{
    CreateEndpoint, SiteId, WebhookDeliveryRow, WebhookEndpointRow, WebhookEndpointWrite,
};
use crate::egress::EgressPolicy;
use crate::http::body::JsonBody;
use crate::http::pagination::{DEFAULT_PAGE_SIZE, ListQuery, MAX_PAGE_SIZE};
use crate::http::path::{Id, Ids};
use crate::http::validate::{FieldErrors, Fields, Input, Str};
use crate::http::{ApiError, ApiResult, AppState, error::message};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

fn endpoint_view(row: &WebhookEndpointRow) -> Value {
    let events: Value = serde_json::from_str(&row.events).unwrap_or_else(|_| json!(["*"]));
    json!({
        "id": row.id, "site_id": row.site_id, "url": row.url, "description": row.description,
        "events": events, "is_active": row.is_active, "disabled_reason": row.disabled_reason,
        "last_delivery_at": row.last_delivery_at.as_ref().map(crate::time::format),
        "last_delivery_status": row.last_delivery_status,
        "created_at": crate::time::format(&row.created_at), "updated_at": crate::time::format(&row.updated_at),
    })
}

fn delivery_view(row: &WebhookDeliveryRow) -> Value {
    let payload: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
    json!({
        "id": row.id, "endpoint_id": row.endpoint_id, "event": row.event, "status": row.status,
        "attempts": row.attempts, "response_status": row.response_status, "response_body": row.response_body,
        "error": row.error, "next_attempt_at": row.next_attempt_at.as_ref().map(crate::time::format),
        "last_attempt_at": row.last_attempt_at.as_ref().map(crate::time::format),
        "created_at": crate::time::format(&row.created_at), "payload": payload,
    })
}

/// The caller's site, or 404.
async fn owned_site(state: &AppState, auth: &AuthUser, id: i64) -> ApiResult<SiteId> {
    Ok(state
        .store
        .site_for_owner(auth.user.id, SiteId(id))
        .await?
        .id)
}

/// Validates the fields of create (`existing` None), PUT (`replace`) and PATCH, api.md §12.3.
fn endpoint_fields(
    state: &AppState,
    body: &Map<String, Value>,
    existing: Option<&WebhookEndpointRow>,
    replace: bool,
) -> ApiResult<WebhookEndpointWrite> {
    let full = existing.is_none() || replace;
    let mut f = Fields::new(body);
    let url = f.url("url", full, false);
    let description = f.string("description", Str::max(255));
    let is_active = f.boolean("is_active", false, false);
    let events = events_field(&mut f);
    if let Input::Value(u) = &url {
        check_url(state, u, &mut f.errors);
    }
    f.finish()?;
    let current = existing.cloned();
    let pick = |given: Option<String>, old: Option<String>, default: &str| {
        given
            .or(if full { None } else { old })
            .unwrap_or_else(|| default.to_string())
    };
    let url = pick(url.value(), current.as_ref().map(|c| c.url.clone()), "");
    let description = pick(
        description.value(),
        current.as_ref().map(|c| c.description.clone()),
        "",
    );
    let events = pick(
        events.map(|e| Value::from(e).to_string()),
        current.as_ref().map(|c| c.events.clone()),
        r#"["*"]"#,
    );
    let given_active = is_active.value();
    let is_active = given_active
        .or(if full {
            None
        } else {
            current.as_ref().map(|c| c.is_active)
        })
        .unwrap_or(true);
    // Turning an endpoint on clears why it was turned off.
    let disabled_reason = if given_active == Some(true) || is_active {
        None
    } else {
        current.and_then(|c| c.disabled_reason)
    };
    Ok(WebhookEndpointWrite {
        url,
        description,
        events,
        is_active,
        disabled_reason,
    })
}

/// `events`: a non-empty array of event names or `["*"]`.
fn events_field(f: &mut Fields<'_>) -> Option<Vec<String>> {
    let value = f.get("events")?;
    let Some(items) = value.as_array() else {
        f.errors
            .add("events", "Expected a list of items but got something else.");
        return None;
    };
    if items.is_empty() {
        f.errors.add("events", "This list may not be empty.");
        return None;
    }
    let mut names = Vec::new();
    for item in items {
        match item.as_str() {
            Some(name) if name == "*" || EVENTS.contains(&name) => {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
            Some(name) => {
                let shown: String = name.chars().take(100).collect();
                f.errors
                    .add("events", &format!("\"{shown}\" is not a valid choice."));
                return None;
            }
            None => {
                f.errors.add("events", "Not a valid string.");
                return None;
            }
        }
    }
    Some(names)
}

/// `https` only unless `webhooks.allow_http`, then the scanner's egress policy (api.md §11.7, security.md SSRF-3),
/// decided from the URL alone like `POST /scans/`; every delivery is checked again at connect time.
fn check_url(state: &AppState, text: &str, errors: &mut FieldErrors) {
    let Ok(url) = url::Url::parse(text) else {
        errors.add("url", "Enter a valid URL.");
        return;
    };
    if url.scheme() != "https" && !state.config.webhooks.allow_http {
        errors.add("url", "Only https URLs are allowed.");
        return;
    }
    if EgressPolicy::new(&state.config.scanner.allow_hosts)
        .check(&url)
        .is_err()
    {
        errors.add("url", "URL is not allowed.");
    }
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn list(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(site): Id,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let site = owned_site(&state, &auth, site).await?;
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, rows) = state
        .store
        .list_webhook_endpoints(site, window.limit(), window.offset())
        .await?;
    let items: Vec<Value> = rows.iter().map(endpoint_view).collect();
    query.envelope(window, count, items)
}

async fn create(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(site): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let site = owned_site(&state, &auth, site).await?;
    let data = endpoint_fields(&state, &body, None, false)?;
    let max = state.config.webhooks.max_endpoints_per_site;
    // The first endpoint of a site without a secret gets one, shown once in this answer (api.md §12.2).
    let offered = signing::generate_secret();
    let created = state
        .store
        .create_webhook_endpoint(site, &data, max, &offered, crate::time::now())
        .await?;
    let (row, secret_generated) = match created {
        CreateEndpoint::Created {
            row,
            secret_generated,
        } => (row, secret_generated),
        CreateEndpoint::LimitReached => {
            return Err(ApiError::non_field(&format!(
                "This site already has the maximum number of webhook endpoints ({max})."
            )));
        }
    };
    let mut view = endpoint_view(&row);
    if secret_generated {
        view["signing_secret"] = Value::from(offered);
        return Ok(no_store((StatusCode::CREATED, Json(view)).into_response()));
    }
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn retrieve(
    auth: AuthUser,
    State(state): State<AppState>,
    Ids(ids): Ids,
) -> ApiResult<Json<Value>> {
    let site = owned_site(&state, &auth, ids[0]).await?;
    let row = state.store.webhook_endpoint(site, ids[1]).await?;
    Ok(Json(endpoint_view(&row)))
}

async fn write(
    state: &AppState,
    auth: &AuthUser,
    ids: &[i64],
    body: &Map<String, Value>,
    replace: bool,
) -> ApiResult<Json<Value>> {
    let site = owned_site(state, auth, ids[0]).await?;
    let current = state.store.webhook_endpoint(site, ids[1]).await?;
    let data = endpoint_fields(state, body, Some(&current), replace)?;
    let row = state
        .store
        .update_webhook_endpoint(site, ids[1], &data, crate::time::now())
        .await?;
    Ok(Json(endpoint_view(&row)))
}

async fn replace(
    auth: AuthUser,
    State(state): State<AppState>,
    Ids(ids): Ids,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    write(&state, &auth, &ids, &body, true).await
}

async fn edit(
    auth: AuthUser,
    State(state): State<AppState>,
    Ids(ids): Ids,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Value>> {
    write(&state, &auth, &ids, &body, false).await
}

async fn destroy(
    auth: AuthUser,
    State(state): State<AppState>,
    Ids(ids): Ids,
) -> ApiResult<Json<Value>> {
    let site = owned_site(&state, &auth, ids[0]).await?;
    if !state.store.delete_webhook_endpoint(site, ids[1]).await? {
        return Err(ApiError::not_found());
    }
    Ok(message("Webhook endpoint deleted successfully"))
}

/// Queues a `ping`, even to an inactive endpoint or one that does not subscribe to `ping`.
async fn test(
    auth: AuthUser,
    State(state): State<AppState>,
    Ids(ids): Ids,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let site = owned_site(&state, &auth, ids[0]).await?;
    let endpoint = state.store.webhook_endpoint(site, ids[1]).await?;
    let data = json!({ "message": "ping", "endpoint_id": endpoint.id });
    let id = state
        .store
        .queue_webhook_delivery(&endpoint, "ping", &data)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "message": "Test event queued", "delivery_id": id })),
    ))
}

async fn deliveries(
    auth: AuthUser,
    State(state): State<AppState>,
    Ids(ids): Ids,
    query: ListQuery,
) -> ApiResult<Json<Value>> {
    let site = owned_site(&state, &auth, ids[0]).await?;
    let endpoint = state.store.webhook_endpoint(site, ids[1]).await?;
    let status = match query.param("status") {
        None => None,
        Some(s @ ("pending" | "succeeded" | "failed")) => Some(s.to_string()),
        Some(other) => {
            let shown: String = other.chars().take(100).collect();
            return Err(ApiError::field(
                "status",
                &format!("\"{shown}\" is not a valid choice."),
            ));
        }
    };
    let window = query.window(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (count, rows) = state
        .store
        .list_webhook_deliveries(
            endpoint.id,
            status.as_deref(),
            window.limit(),
            window.offset(),
        )
        .await?;
    let items: Vec<Value> = rows.iter().map(delivery_view).collect();
    query.envelope(window, count, items)
}

async fn secret_status(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(site): Id,
) -> ApiResult<Json<Value>> {
    let site = owned_site(&state, &auth, site).await?;
    let body = match state.store.webhook_secret(site).await? {
        Some((secret, updated_at)) => json!({
            "site_id": site, "has_secret": true, "secret_prefix": signing::secret_prefix(&secret),
            "updated_at": crate::time::format(&updated_at),
        }),
        None => {
            json!({ "site_id": site, "has_secret": false, "secret_prefix": null, "updated_at": null })
        }
    };
    Ok(Json(body))
}

/// Generates (no `secret`) or sets the signing secret; the only answer that shows it.
async fn rotate_secret(
    auth: AuthUser,
    State(state): State<AppState>,
    Id(site): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let site = owned_site(&state, &auth, site).await?;
    let mut f = Fields::new(&body);
    let given = f.string("secret", Str::max(256).raw());
    if let Input::Value(s) = &given
        && !signing::acceptable_secret(s)
    {
        f.errors
            .add("secret", "Enter 16 to 256 visible ASCII characters.");
    }
    f.finish()?;
    let secret = given.value().unwrap_or_else(signing::generate_secret);
    let now = crate::time::now();
    state.store.set_webhook_secret(site, &secret, now).await?;
    let view = json!({
        "site_id": site, "signing_secret": secret, "secret_prefix": signing::secret_prefix(&secret),
        "updated_at": crate::time::format(&now),
    });
    Ok(no_store((StatusCode::CREATED, Json(view)).into_response()))
}

/// The webhook routes (nested under `/api/v1`).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/sites/{id}/webhooks", get(list).post(create))
        .route(
            "/sites/{id}/webhooks/{webhook_id}",
            get(retrieve).put(replace).patch(edit).delete(destroy),
        )
        .route("/sites/{id}/webhooks/{webhook_id}/test", post(test))
        .route(
            "/sites/{id}/webhooks/{webhook_id}/deliveries",
            get(deliveries),
        )
        .route("/sites/{id}/webhook-secret", get(secret_status))
        .route("/sites/{id}/webhook-secret/rotate", post(rotate_secret))
}
