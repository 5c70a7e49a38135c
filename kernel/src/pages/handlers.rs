//! Thin handlers of the page routes: extract, validate, call the domain, shape the answer.

use super::{pipeline, seo_data, sync, views};
use crate::auth::extract::AuthUser;
use crate::db::{PageId, StoreError};
use crate::http::body::JsonBody;
use crate::http::path::Id;
use crate::http::{ApiError, ApiResult, AppState};
use crate::sites::key_auth::SiteKey;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// `POST /pages/sync/`: upsert one page of the key's site, score it, answer 201 (created) or 200.
pub async fn sync_page(
    State(state): State<AppState>,
    SiteKey(key): SiteKey,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let write = sync::validate(&sync::prepare(body), key.site_id)?;
    let upserted = state.store.upsert_page(&write).await?;
    let page = state.store.page_of_site(key.site_id, upserted.id).await?;
    let seo = state.store.seo_data(page.id).await?;
    let scored = score_or_requeue(&state, &page, seo.as_ref(), Some(upserted.created)).await;
    let status = if upserted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({
            "page_id": upserted.id, "id": upserted.id, "site_id": key.site_id, "message": "Page synced successfully",
            "created": upserted.created,
            // Not scored now (deferred to a job): the page's previous score, null for a new page.
            "seo_score": scored.as_ref().map_or(page.seo_score, |s| s.seo_score),
            "issue_count": scored.as_ref().map_or(page.issue_count, |s| s.issue_count),
        })),
    ))
}

/// `POST /pages/{id}/seo-data/`: store the plugin's measured inputs and re-score the page.
pub async fn sync_seo_data(
    State(state): State<AppState>,
    SiteKey(key): SiteKey,
    Id(id): Id,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let page = state.store.page_of_site(key.site_id, PageId(id)).await?;
    let metrics = seo_data::validate(&body)?;
    let (record, created) = state.store.upsert_seo_data(page.id, &metrics).await?;
    let scored = score_or_requeue(&state, &page, Some(&record), None).await;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({
            "seo_data_id": record.id, "message": "SEO data synced successfully", "created": created,
            "seo_score": scored.as_ref().map_or(page.seo_score, |s| s.seo_score),
            "issues": scored.as_ref().map_or_else(|| page.issues.0.clone(), |s| s.issues.clone()),
            "recommendations": scored.as_ref().map_or_else(|| page.recommendations.0.clone(), |s| s.recommendations.clone()),
        })),
    ))
}

/// `GET /pages/{id}/`.
pub async fn page_detail(
    State(state): State<AppState>,
    auth: AuthUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let (page, site) = state.store.page_of_owner(auth.user.id, PageId(id)).await?;
    let seo = state.store.seo_data(page.id).await?;
    let staff = auth.user.is_staff || auth.user.is_superuser;
    Ok(Json(views::detail(&page, &site, seo.as_ref(), staff)))
}

/// `GET /pages/{id}/seo/`.
pub async fn page_seo(
    State(state): State<AppState>,
    auth: AuthUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let (page, _) = state.store.page_of_owner(auth.user.id, PageId(id)).await?;
    let seo = state.store.seo_data(page.id).await?;
    let staff = auth.user.is_staff || auth.user.is_superuser;
    Ok(Json(views::seo_view(&page, seo.as_ref(), staff)))
}

/// `POST /pages/{id}/toggle_money_page/` (body ignored).
pub async fn toggle_money_page(
    State(state): State<AppState>,
    auth: AuthUser,
    Id(id): Id,
) -> ApiResult<Json<Value>> {
    let (page, is_money) = match state
        .store
        .toggle_money_page(auth.user.id, PageId(id))
        .await
    {
        Ok(result) => result,
        Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let kind = if is_money {
        "a money page"
    } else {
        "a regular page"
    };
    Ok(Json(json!({
        "success": true, "id": page.id, "is_money_page": is_money,
        "message": format!("Page \"{}\" is now {kind}.", page.title),
    })))
}

/// Scores a page; when scoring fails or has to wait too long for an evaluation thread, a background job scores
/// it later (api.md §9.1, extensions.md §4.5) and the write that triggered it still succeeds.
///
/// A sync's `page.synced` event carries the new score, so it is recorded with the score, in the transaction that
/// stores it. When scoring is deferred it is recorded here on its own, with the previous score, just after the
/// page upsert and before the answer: an instance that stops in between never answers, and the plugin's retry
/// of the sync records it then.
async fn score_or_requeue(
    state: &AppState,
    page: &crate::db::PageRecord,
    seo: Option<&crate::db::SeoDataRecord>,
    synced: Option<bool>,
) -> Option<crate::db::StoredScore> {
    let scored = pipeline::score_and_store(state, page, seo, synced).await;
    if scored.is_none() {
        if let Err(e) = crate::jobs::enqueue_rescore(state, page.site_id.0, page.id.0).await {
            tracing::warn!(page_id = page.id.0, error = %e, "re-score job not queued");
        }
        let events = crate::webhooks::page_events(page, synced, None);
        if !events.is_empty()
            && let Err(e) = state.store.record_webhook_events(&events).await
        {
            tracing::warn!(page_id = page.id.0, error = %e, "page.synced webhook event not recorded");
        }
    }
    scored
}
