//! The page pipeline: stored page -> document model (`analysis`) -> rules -> scorer -> recommendations ->
//! stored score card. Parsing and judging run on the blocking pool: a 5 MB page must not stall the executor.

use super::{rules, views};
use crate::analysis::{
    self, ExtractedHeading, ExtractedImage, ExtractedLink, Mode, PageDoc, ParseInput,
};
use crate::db::{PageRecord, PageSite, SeoDataRecord, StoredScore};
use crate::http::AppState;
use crate::scoring::{self, ScoreCard};
use serde_json::{Map, Value, json};

/// The revision number the built-in ruleset reports until ruleset storage exists.
pub const BUILT_IN_REVISION: i64 = 0;

/// Scores a page and stores the result. `None` when scoring failed: the sync still succeeds (api.md §9.1).
pub async fn score_and_store(
    state: &AppState,
    page: &PageRecord,
    seo: Option<&SeoDataRecord>,
) -> Option<StoredScore> {
    let site = match state.store.site_summary(page.site_id).await {
        Ok(site) => site,
        Err(e) => {
            tracing::warn!(page_id = page.id.0, error = %e, "scoring skipped: site unavailable");
            return None;
        }
    };
    let (page_owned, seo_owned) = (page.clone(), seo.cloned());
    let scored =
        tokio::task::spawn_blocking(move || score_page(&page_owned, &site, seo_owned.as_ref()))
            .await;
    let stored = match scored {
        Ok(stored) => stored,
        Err(e) => {
            tracing::error!(page_id = page.id.0, error = %e, "scoring panicked");
            return None;
        }
    };
    match state.store.store_page_score(page.id, &stored).await {
        Ok(()) => Some(stored),
        Err(e) => {
            tracing::warn!(page_id = page.id.0, error = %e, "score not stored");
            None
        }
    }
}

/// Parses and judges one page (pure; runs on a blocking thread).
pub fn score_page(page: &PageRecord, site: &PageSite, seo: Option<&SeoDataRecord>) -> StoredScore {
    let doc = parse_page(page, site, seo);
    let card = scoring::score(scoring::Mode::ContentOnly, &rules::evaluate(&doc));
    stored_score(&doc, &card)
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

fn stored_score(doc: &PageDoc, card: &ScoreCard) -> StoredScore {
    let category_scores: Map<String, Value> = card
        .category_scores
        .iter()
        .map(|(id, score)| {
            (
                (*id).to_string(),
                score.map_or(Value::Null, |s| Value::from(scoring::round_half_up(s))),
            )
        })
        .collect();
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    let issues: Vec<Value> = card
        .issues
        .iter()
        .map(|i| json!({"type": i.rule, "category": i.category, "severity": i.severity, "message": i.message, "points_lost": round2(i.points_lost), "details": i.details}))
        .collect();
    let recommendations: Vec<Value> = card
        .recommendations
        .iter()
        .map(|r| json!({"type": r.rule, "category": r.category, "priority": r.priority, "message": r.message, "issue": r.issue, "action": r.action, "impact": round2(r.impact)}))
        .collect();
    StoredScore {
        seo_score: Some(card.score),
        grade: Some(scoring::grade(card.score).to_string()),
        issue_count: issues.len() as i64,
        category_scores: Value::Object(category_scores),
        issues: Value::Array(issues),
        recommendations: Value::Array(recommendations),
        measurements: measurements(doc),
        diagnostics: json!([]),
        ruleset_revision: Some(BUILT_IN_REVISION),
        scored_at: crate::time::now(),
        search_text: doc.main_text.clone(),
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

/// The `page.rescore` job: scores a page whose scoring failed during its sync.
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
            match score_and_store(&state, &record, seo.as_ref()).await {
                Some(_) => Ok(()),
                None => Err(crate::jobs::JobError::retry("scoring failed")),
            }
        })
    })
}
