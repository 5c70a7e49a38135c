//! The page pipeline: stored page -> document model (`analysis`) -> prepared page -> extension pipeline (rules,
//! scorer, recommenders; `crate::extensions`) -> stored score card.
//!
//! Parsing runs on the blocking pool (a 5 MB page must not stall the executor); the extensions run on the
//! evaluation threads. Nothing an extension does fails a sync: a failed call is a diagnostic, and when no
//! evaluation thread frees up in time the page is scored later by the `page.rescore` job.

use super::views;
use crate::analysis::{
    self, ExtractedHeading, ExtractedImage, ExtractedLink, Mode, PageDoc, ParseInput,
};
use crate::db::{PageRecord, PageSite, SeoDataRecord, StoredScore};
use crate::extensions::pool::Lane;
use crate::extensions::wit::v1_0_0::document::WordpressInfo;
use crate::extensions::{PageContext, PipelineResult, PreparedPage};
use crate::http::AppState;
use crate::scoring;
use serde_json::{Value, json};

/// Scores a page on the interactive lane and stores the result. `None` when it was not scored now (no
/// evaluation thread within `extensions.queue_wait_ms`, or a failure): the sync still succeeds (api.md §9.1)
/// and the caller queues a re-score. `synced` is `Some(created)` when the scoring belongs to a `POST /pages/sync/`
/// (its `page.synced` event is then recorded with the score).
pub async fn score_and_store(
    state: &AppState,
    page: &PageRecord,
    seo: Option<&SeoDataRecord>,
    synced: Option<bool>,
) -> Option<StoredScore> {
    score_and_store_on(state, page, seo, synced, Lane::Interactive).await
}

/// [`score_and_store`] on the background lane (re-scoring after an activation waits as long as it takes).
pub async fn score_and_store_background(
    state: &AppState,
    page: &PageRecord,
    seo: Option<&SeoDataRecord>,
) -> Option<StoredScore> {
    score_and_store_on(state, page, seo, None, Lane::Background).await
}

/// The prepared page of a stored page, built off the executor (previews score it under two rulesets).
pub async fn prepare_stored(
    state: &AppState,
    page: &PageRecord,
    seo: Option<&SeoDataRecord>,
) -> Option<std::sync::Arc<PreparedPage>> {
    let site = state.store.site_summary(page.site_id).await.ok()?;
    let (page, seo) = (page.clone(), seo.cloned());
    tokio::task::spawn_blocking(move || {
        let doc = parse_page(&page, &site, seo.as_ref());
        PreparedPage::new(&doc, page_context(&page))
    })
    .await
    .ok()
}

async fn score_and_store_on(
    state: &AppState,
    page: &PageRecord,
    seo: Option<&SeoDataRecord>,
    synced: Option<bool>,
    lane: Lane,
) -> Option<StoredScore> {
    let site = match state.store.site_summary(page.site_id).await {
        Ok(site) => site,
        Err(e) => {
            tracing::warn!(page_id = page.id.0, error = %e, "scoring skipped: site unavailable");
            return None;
        }
    };
    let (page_owned, seo_owned) = (page.clone(), seo.cloned());
    let prepared = tokio::task::spawn_blocking(move || {
        let doc = parse_page(&page_owned, &site, seo_owned.as_ref());
        let prepared = PreparedPage::new(&doc, page_context(&page_owned));
        (prepared, measurements(&doc), doc.main_text)
    })
    .await;
    let (prepared, measurements, search_text) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => {
            tracing::error!(page_id = page.id.0, error = %e, "page preparation panicked");
            return None;
        }
    };
    let result = match state.extensions.evaluate(prepared, lane).await {
        Ok(result) => result,
        Err(e) => {
            tracing::warn!(page_id = page.id.0, error = %e, "page not scored now; it will be re-scored");
            return None;
        }
    };
    if result.degraded {
        tracing::info!(
            page_id = page.id.0,
            diagnostics = result.diagnostics.len(),
            "page scored with degraded extension results"
        );
    }
    let stored = stored_score(page, &result, measurements, search_text);
    // `page.scored` (and a sync's `page.synced`) are recorded in the transaction that stores the score
    // (api.md §12.4); `page` is the row as it was before, so the event can name the previous score.
    let events = crate::webhooks::page_events(page, synced, Some(&stored));
    match state
        .store
        .store_page_score(page.id, &stored, &events)
        .await
    {
        Ok(()) => Some(stored),
        Err(e) => {
            tracing::warn!(page_id = page.id.0, error = %e, "score not stored");
            None
        }
    }
}

/// What the kernel knows about a synced page besides its content: ids and WordPress metadata.
fn page_context(page: &PageRecord) -> PageContext {
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    PageContext {
        page_id: Some(page.id.0),
        site_id: Some(page.site_id.0),
        html: Some(page.content.clone()),
        wordpress: Some(WordpressInfo {
            post_id: page.wp_post_id.clone(),
            post_type: non_empty(&page.post_type),
            status: non_empty(&page.status),
            page_builder: non_empty(&page.page_builder),
            is_cornerstone: false,
            meta: Vec::new(),
        }),
        ..PageContext::default()
    }
}

/// The document model of a synced page (content-only mode).
pub fn parse_page(page: &PageRecord, site: &PageSite, seo: Option<&SeoDataRecord>) -> PageDoc {
    let plain_text = page.content_format == "text";
    let headings: Vec<ExtractedHeading> =
        serde_json::from_value(page.headings_extracted.0.clone()).unwrap_or_default();
    let links: Vec<ExtractedLink> =
        serde_json::from_value(page.links_extracted.0.clone()).unwrap_or_default();
    let images: Option<Vec<ExtractedImage>> = seo
        .and_then(|s| s.metrics.0.get("images").cloned())
        .and_then(|v| serde_json::from_value(v).ok());
    let input = ParseInput {
        mode: Mode::WordPress,
        url: &page.url,
        content: &page.content,
        plain_text,
        headings_extracted: &headings,
        links_extracted: &links,
        images_extracted: images.as_deref(),
        post_title: &page.title,
        seo_title_template: &page.yoast_title,
        seo_description: Some(&page.yoast_description),
        excerpt: &page.excerpt,
        focus_keyphrase: &page.focus_keyphrase,
        slug: &page.slug,
        site_name: &site.name,
        is_homepage: page.is_homepage,
        is_noindex: page.is_noindex,
        robots_known: true,
        ..ParseInput::default()
    };
    analysis::parse(&input)
}

/// What is stored for a page: the pipeline's card, issues and recommendations in the API's shapes. When no
/// finding applied at all (every rule failed), the page keeps its previous score and lists (§5.4) and only the
/// diagnostics and revision change.
fn stored_score(
    previous: &PageRecord,
    result: &PipelineResult,
    measurements: Value,
    search_text: String,
) -> StoredScore {
    let diagnostics = json!({
        "degraded": result.degraded, "partial": result.partial,
        "fallback_scorer": result.fallback_scorer, "fallback_recommender": result.fallback_recommender,
        "fuel": result.total_fuel(), "duration_ms": (result.duration_ms * 1000.0).round() / 1000.0,
        "extensions": result.calls.iter().map(|c| json!({"extension": c.extension, "version": c.version, "stage": c.stage}))
            .collect::<Vec<_>>(),
        "notes": result.notes.iter().map(|n| n.to_json()).collect::<Vec<_>>(),
        "items": result.diagnostics,
    });
    let Some(card) = &result.card else {
        return StoredScore {
            seo_score: previous.seo_score,
            grade: previous.grade.clone(),
            issue_count: previous.issue_count,
            category_scores: previous
                .category_scores
                .as_ref()
                .map_or_else(views::null_categories, |c| c.0.clone()),
            issues: previous.issues.0.clone(),
            recommendations: previous.recommendations.0.clone(),
            measurements,
            diagnostics,
            ruleset_revision: Some(result.revision),
            scored_at: crate::time::now(),
            search_text,
        };
    };
    let issues: Vec<Value> = result.issues.iter().map(|i| i.to_json()).collect();
    StoredScore {
        seo_score: Some(card.score),
        grade: Some(scoring::grade(card.score).to_string()),
        issue_count: issues.len() as i64,
        category_scores: card.categories_json(),
        issues: Value::Array(issues),
        recommendations: Value::Array(result.recommendations.iter().map(|r| r.to_json()).collect()),
        measurements,
        diagnostics,
        ruleset_revision: Some(result.revision),
        scored_at: crate::time::now(),
        search_text,
    }
}

/// The server's own measurements for the SEO form (api.md §4.5), keyed like `views::MEASURED_FIELDS`.
fn measurements(doc: &PageDoc) -> Value {
    let texts = |level: u8| {
        doc.headings
            .iter()
            .filter(|h| h.level == level)
            .map(|h| h.text.clone())
            .collect::<Vec<_>>()
    };
    let web = || {
        doc.links
            .iter()
            .filter(|l| l.kind == analysis::LinkKind::Web)
    };
    let href = |l: &analysis::Link| {
        l.href_abs
            .clone()
            .or_else(|| l.href.clone())
            .unwrap_or_default()
    };
    let internal: Vec<String> = web().filter(|l| l.internal).map(href).collect();
    let external: Vec<String> = web().filter(|l| l.external).map(href).collect();
    let images: Vec<Value> = doc
        .images
        .iter()
        .map(|i| {
            let alt = match &i.alt {
                analysis::Alt::Absent => Value::Null,
                analysis::Alt::Empty => json!(""),
                analysis::Alt::Text(t) => json!(t),
            };
            json!({"src": i.src_abs.clone().or_else(|| i.src.clone()).unwrap_or_default(), "alt": alt})
        })
        .collect();
    let h1 = texts(1);
    let words = doc.info.word_count_main;
    let schema_type = doc
        .json_ld
        .iter()
        .flat_map(|b| b.types.iter())
        .next()
        .cloned()
        .unwrap_or_default();
    let value = json!({
        "meta_title": doc.info.seo_title, "meta_description": doc.info.description.clone().unwrap_or_default(), "meta_keywords": "",
        "focus_keyphrase": doc.keyphrase.as_ref().map(|k| k.raw.clone()).unwrap_or_default(),
        "h1_count": h1.len(), "h1_text": h1.first().cloned().unwrap_or_default(),
        "h2_count": texts(2).len(), "h2_texts": texts(2), "h3_count": texts(3).len(), "h3_texts": texts(3),
        "internal_links_count": internal.len(), "external_links_count": external.len(),
        "internal_links": internal, "external_links": external,
        "images_count": doc.images.len(),
        "images_without_alt": doc.images.iter().filter(|i| i.alt == analysis::Alt::Absent && !i.decorative).count(),
        "images": images, "word_count": words, "reading_time_minutes": (f64::from(words) / 200.0 * 100.0).round() / 100.0,
        "has_canonical": doc.info.canonical.is_some(), "canonical_url": doc.info.canonical.clone().unwrap_or_default(),
        "has_schema": !doc.json_ld.is_empty(), "schema_type": schema_type,
    });
    debug_assert!(
        views::MEASURED_FIELDS
            .iter()
            .all(|f| value.get(*f).is_some())
    );
    value
}

/// The `page.rescore` job: scores a page whose scoring failed or was deferred during its sync (background
/// lane: it waits for an evaluation thread as long as it takes).
pub fn rescore_handler() -> crate::jobs::Handler {
    std::sync::Arc::new(|state: AppState, payload: Value| {
        Box::pin(async move {
            let ids = (payload["site_id"].as_i64(), payload["page_id"].as_i64());
            let (Some(site), Some(page)) = ids else {
                return Err(crate::jobs::JobError::permanent(
                    "payload lacks site_id or page_id",
                ));
            };
            let record = match state
                .store
                .page_of_site(crate::db::SiteId(site), crate::db::PageId(page))
                .await
            {
                Ok(record) => record,
                // The page (or its site) was deleted meanwhile: nothing left to do.
                Err(crate::db::StoreError::NotFound) => return Ok(()),
                Err(e) => return Err(crate::jobs::JobError::retry(e.to_string())),
            };
            let seo = state
                .store
                .seo_data(record.id)
                .await
                .map_err(|e| crate::jobs::JobError::retry(e.to_string()))?;
            match score_and_store_on(&state, &record, seo.as_ref(), None, Lane::Background).await {
                Some(_) => Ok(()),
                None => Err(crate::jobs::JobError::retry("scoring failed")),
            }
        })
    })
}
