//! `POST /rulesets/preview/` (api.md §14.8): scores a site's stored pages under the active revision ("before")
//! and a candidate ("after"), both now and on the same stored inputs, and reports the differences. Nothing is
//! written: the pipeline runs on the background lane and its results are dropped after the comparison.

use super::entries;
use crate::db::{SiteId, StoreError};
use crate::extensions::pool::Lane;
use crate::extensions::{PipelineResult, Ruleset};
use crate::http::validate::Fields;
use crate::http::{ApiError, ApiResult, AppState};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// At most this many pages are evaluated, lowest id first.
const MAX_PAGES: i64 = 1000;
/// Wall-time budget of one preview (the handler deadline is longer).
const BUDGET: Duration = Duration::from_secs(50);
/// At most this many extension errors are listed.
const MAX_ERRORS: usize = 50;

/// What one page scored under a ruleset: the score, the categories, the issue ids.
struct Scored {
    score: Option<i64>,
    categories: BTreeMap<&'static str, Option<i64>>,
    issues: BTreeSet<String>,
}

fn scored(result: &PipelineResult) -> Scored {
    Scored {
        score: result.card.as_ref().map(|c| c.score),
        categories: result
            .card
            .as_ref()
            .map(|c| c.categories.clone())
            .unwrap_or_default(),
        issues: result.issues.iter().map(|i| i.check.clone()).collect(),
    }
}

fn mean(values: impl Iterator<Item = i64>) -> Option<i64> {
    let (sum, n) = values.fold((0i64, 0i64), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| (sum as f64 / n as f64).round() as i64)
}

fn before_after(before: Option<i64>, after: Option<i64>) -> Value {
    let delta = before.zip(after).map(|(b, a)| a - b);
    json!({ "before": before, "after": after, "delta": delta })
}

/// Validates the body, builds the candidate, evaluates, answers the report.
pub async fn run(state: &AppState, body: &Map<String, Value>) -> ApiResult<Value> {
    let mut f = Fields::new(body);
    let site = f.integer("site_id", 1, i64::MAX, true, false).value();
    let revision = f.integer("revision", 1, i64::MAX, false, true).value();
    let limit = f
        .integer("limit", 1, 500, false, false)
        .value()
        .unwrap_or(50);
    f.finish()?;
    let site = SiteId(site.ok_or_else(|| ApiError::field("site_id", "This field is required."))?);
    match state.store.site_summary(site).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(ApiError::field(
                "site_id",
                &format!("Invalid pk \"{}\" - object does not exist.", site.0),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let has_entries = body.get("entries").is_some_and(|v| !v.is_null());
    let candidate: Ruleset = match (revision, has_entries) {
        (Some(id), false) => match super::activation::load(state, id).await {
            Ok(r) => r,
            Err(e) => {
                return match state.store.revision(id).await {
                    Err(StoreError::NotFound) => Err(ApiError::field(
                        "revision",
                        &format!("Invalid pk \"{id}\" - object does not exist."),
                    )),
                    _ => Err(ApiError::non_field(&e)),
                };
            }
        },
        (None, true) => {
            let specs = super::ruleset_api::read_entries(state, body.get("entries")).await?;
            entries::build(state, 0, "preview", &specs)
                .await
                .map_err(|e| ApiError::non_field(&e))?
        }
        _ => {
            return Err(ApiError::non_field(
                "Give exactly one of revision and entries.",
            ));
        }
    };
    let Some(base) = state.extensions.active() else {
        return Err(ApiError::unavailable());
    };
    let candidate = Arc::new(candidate);
    let started = Instant::now();
    let ids = state.store.site_page_ids(site, MAX_PAGES + 1).await?;
    let mut truncated = ids.len() as i64 > MAX_PAGES;
    let mut rows: Vec<(i64, String, Scored, Scored)> = Vec::new();
    let mut errors: Vec<Value> = Vec::new();
    for id in ids.into_iter().take(MAX_PAGES as usize) {
        if started.elapsed() > BUDGET {
            truncated = true;
            break;
        }
        let page = match state.store.page_of_site(site, id).await {
            Ok(p) => p,
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let seo = state.store.seo_data(id).await?;
        let Some(prepared) =
            crate::pages::pipeline::prepare_stored(state, &page, seo.as_ref()).await
        else {
            continue;
        };
        let run = |ruleset: Arc<Ruleset>| {
            state
                .extensions
                .evaluate_with(ruleset, prepared.clone(), Lane::Background)
        };
        let (Ok(before), Ok(after)) = (run(base.clone()).await, run(candidate.clone()).await)
        else {
            return Err(ApiError::unavailable());
        };
        for d in after
            .diagnostics
            .iter()
            .take(MAX_ERRORS.saturating_sub(errors.len()))
        {
            errors.push(json!({
                "extension": d.extension, "version": d.version, "page_id": id.0, "reason": d.reason.as_str(),
            }));
        }
        rows.push((id.0, page.url.clone(), scored(&before), scored(&after)));
    }
    Ok(report(
        site,
        base.revision(),
        revision,
        limit,
        truncated,
        rows,
        errors,
    ))
}

fn report(
    site: SiteId,
    base_revision: i64,
    candidate_revision: Option<i64>,
    limit: i64,
    truncated: bool,
    rows: Vec<(i64, String, Scored, Scored)>,
    errors: Vec<Value>,
) -> Value {
    let mut categories = Map::new();
    for cat in crate::sites::health::CATEGORIES {
        let side = |pick: fn(&(i64, String, Scored, Scored)) -> &Scored| {
            mean(
                rows.iter()
                    .filter_map(|r| pick(r).categories.get(cat).copied().flatten()),
            )
        };
        categories.insert(
            cat.to_string(),
            before_after(side(|r| &r.2), side(|r| &r.3)),
        );
    }
    let health = before_after(
        mean(rows.iter().filter_map(|r| r.2.score)),
        mean(rows.iter().filter_map(|r| r.3.score)),
    );
    let mut changed: Vec<(i64, Value)> = rows
        .iter()
        .filter(|(_, _, b, a)| b.score != a.score || b.issues != a.issues)
        .map(|(id, url, b, a)| {
            let delta = b.score.zip(a.score).map(|(b, a)| a - b);
            let page = json!({
                "page_id": id, "url": url, "before": b.score, "after": a.score, "delta": delta,
                "issues_added": a.issues.difference(&b.issues).collect::<Vec<_>>(),
                "issues_removed": b.issues.difference(&a.issues).collect::<Vec<_>>(),
            });
            (delta.map_or(0, i64::abs), page)
        })
        .collect();
    let pages_changed = changed.len();
    changed.sort_by(|(da, pa), (db, pb)| {
        db.cmp(da)
            .then_with(|| pa["page_id"].as_i64().cmp(&pb["page_id"].as_i64()))
    });
    let pages: Vec<Value> = changed
        .into_iter()
        .take(limit as usize)
        .map(|(_, p)| p)
        .collect();
    json!({
        "site_id": site.0, "base_revision": base_revision, "candidate_revision": candidate_revision,
        "pages_evaluated": rows.len(), "pages_changed": pages_changed, "truncated": truncated,
        "health_score": health, "category_scores": categories, "pages": pages, "extension_errors": errors,
    })
}
