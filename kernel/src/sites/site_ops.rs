//! Site operations for the dashboard (api.md §6): create under the per-owner cap, read, replace, delete, list, and
//! the overview. Every lookup is scoped to the owner; another owner's site is indistinguishable from a missing one.

use super::health::{self, PageCard, SiteHealth};
use crate::db::{
    Constraint, PageCardRow, SiteData, SiteId, SiteRow, Store, StoreError, StoreResult, UserId,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Why a site operation did not happen.
#[derive(Debug)]
pub enum SiteError {
    NotFound,
    /// The owner already has a site with this normalised URL.
    DuplicateUrl,
    /// The owner has reached the configured number of sites.
    LimitReached(i64),
    Store(StoreError),
}

impl From<StoreError> for SiteError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(Constraint::SiteUserUrl) => Self::DuplicateUrl,
            other => Self::Store(other),
        }
    }
}

/// The site object (§4.2).
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub id: SiteId,
    pub name: String,
    pub url: String,
    pub wp_site_id: Option<String>,
    pub is_active: bool,
    pub page_count: i64,
    pub api_key_count: i64,
    pub health_score: i64,
    #[serde(with = "crate::time::wire_opt")]
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Always null in version 1 (kept for the dashboard's types).
    pub sync_requested_at: Option<String>,
    pub business_type: Option<String>,
    pub primary_services: Vec<String>,
    pub service_areas: Vec<String>,
    pub target_audience: String,
    pub business_description: String,
    pub onboarding_complete: bool,
    pub needs_onboarding: bool,
    #[serde(with = "crate::time::wire")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::time::wire")]
    pub updated_at: DateTime<Utc>,
}

impl SiteView {
    fn new(row: SiteRow, health_score: i64) -> Self {
        Self {
            id: row.id,
            name: row.name,
            url: row.url,
            wp_site_id: row.wp_site_id,
            is_active: row.is_active,
            page_count: row.page_count,
            api_key_count: row.api_key_count,
            health_score,
            last_synced_at: row.last_synced_at,
            sync_requested_at: None,
            business_type: row.business_type,
            primary_services: row.primary_services.0,
            service_areas: row.service_areas.0,
            target_audience: row.target_audience,
            business_description: row.business_description,
            onboarding_complete: row.onboarding_complete,
            needs_onboarding: !row.onboarding_complete,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A page row's score card in the shape site health takes (`None` when unscored).
fn card(row: &PageCardRow) -> Option<PageCard> {
    Some(PageCard {
        score: row.seo_score?,
        categories: health::parse_category_scores(row.category_scores.as_deref()),
    })
}

/// Attaches `health_score` to rows, reading the eligible pages of all of them in one query.
async fn views(store: &dyn Store, rows: Vec<SiteRow>) -> StoreResult<Vec<SiteView>> {
    let ids: Vec<SiteId> = rows.iter().map(|r| r.id).collect();
    let mut cards: HashMap<SiteId, Vec<PageCard>> = HashMap::new();
    for row in store.eligible_page_cards(&ids).await? {
        if let Some(c) = card(&row) {
            cards.entry(row.site_id).or_default().push(c);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let pages = cards.remove(&row.id).unwrap_or_default();
            let score = health::site_health(&pages, &[None; 5]).score;
            SiteView::new(row, score)
        })
        .collect())
}

async fn view(store: &dyn Store, row: SiteRow) -> StoreResult<SiteView> {
    Ok(views(store, vec![row]).await?.remove(0))
}

pub async fn create_site(
    store: &dyn Store,
    owner: UserId,
    data: &SiteData,
    max_sites: i64,
) -> Result<SiteView, SiteError> {
    match store.insert_site(owner, data, max_sites).await? {
        Some(row) => Ok(view(store, row).await?),
        None => Err(SiteError::LimitReached(max_sites)),
    }
}

pub async fn get_site(store: &dyn Store, owner: UserId, id: SiteId) -> Result<SiteView, SiteError> {
    let row = store.site_for_owner(owner, id).await?;
    Ok(view(store, row).await?)
}

pub async fn list_sites(
    store: &dyn Store,
    owner: UserId,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<SiteView>), SiteError> {
    let (count, rows) = store.list_sites(owner, limit, offset).await?;
    Ok((count, views(store, rows).await?))
}

/// Applies `change` to the stored fields (PUT starts from defaults, PATCH from the row) and writes the result.
pub async fn update_site(
    store: &dyn Store,
    owner: UserId,
    id: SiteId,
    change: impl FnOnce(SiteData) -> SiteData,
) -> Result<SiteView, SiteError> {
    let current = store.site_for_owner(owner, id).await?;
    let data = change(current.data());
    let row = store.update_site(owner, id, &data).await?;
    Ok(view(store, row).await?)
}

pub async fn delete_site(store: &dyn Store, owner: UserId, id: SiteId) -> Result<(), SiteError> {
    if store.delete_site(owner, id).await? {
        Ok(())
    } else {
        Err(SiteError::NotFound)
    }
}

/// One issue item as the overview reads it from a page's stored `issues`.
struct StoredIssue {
    kind: String,
    category: Value,
    severity: String,
    message: Value,
}

const SEVERITIES: [&str; 4] = ["critical", "high", "medium", "low"];

/// Malformed stored issues are skipped: the overview never fails because of stored data.
fn stored_issues(text: Option<&str>) -> Vec<StoredIssue> {
    let Some(Value::Array(items)) = text.and_then(|t| serde_json::from_str(t).ok()) else {
        return Vec::new();
    };
    items
        .into_iter()
        .filter_map(|item| {
            let kind = item.get("type")?.as_str()?.to_string();
            Some(StoredIssue {
                kind,
                category: item.get("category").cloned().unwrap_or(Value::Null),
                severity: item
                    .get("severity")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                message: item.get("message").cloned().unwrap_or(Value::from("")),
            })
        })
        .collect()
}

/// The overview of §6.6. `ruleset` is the active ruleset revision, when one exists.
pub async fn overview(
    store: &dyn Store,
    owner: UserId,
    id: SiteId,
    ruleset: Option<i64>,
) -> Result<Value, SiteError> {
    let site = store.site_for_owner(owner, id).await?;
    let pages = store.page_cards(site.id).await?;
    let eligible: Vec<PageCard> = pages
        .iter()
        .filter(|p| p.status == "publish" && !p.is_noindex)
        .filter_map(card)
        .collect();
    let site_health: SiteHealth = health::site_health(&eligible, &[None; 5]);

    let mut by_severity = [0i64; 4];
    // type -> (first item seen, in page-id order; pages having it)
    let mut grouped: Vec<(StoredIssue, i64)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        let mut seen_on_page: Vec<String> = Vec::new();
        for issue in stored_issues(page.issues.as_deref()) {
            if let Some(i) = SEVERITIES.iter().position(|s| *s == issue.severity) {
                by_severity[i] += 1;
            }
            if seen_on_page.contains(&issue.kind) {
                continue;
            }
            seen_on_page.push(issue.kind.clone());
            match index.get(&issue.kind) {
                Some(&i) => grouped[i].1 += 1,
                None => {
                    index.insert(issue.kind.clone(), grouped.len());
                    grouped.push((issue, 1));
                }
            }
        }
    }
    let rank = |s: &str| SEVERITIES.iter().position(|x| *x == s).unwrap_or(4);
    grouped.sort_by(|(a, an), (b, bn)| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then(bn.cmp(an))
            .then(a.kind.cmp(&b.kind))
    });
    let top_issues: Vec<Value> = grouped
        .into_iter()
        .take(10)
        .map(|(issue, affected)| {
            json!({"type": issue.kind, "category": issue.category, "severity": issue.severity,
                   "message": issue.message, "pages_affected": affected})
        })
        .collect();

    Ok(json!({
        "site_id": site.id,
        "site_name": site.name,
        "health_score": site_health.score,
        "total_pages": pages.len(),
        "total_issues": pages.iter().map(|p| p.issue_count).sum::<i64>(),
        "last_synced_at": site.last_synced_at.as_ref().map(crate::time::format),
        "pages_scored": pages.iter().filter(|p| p.seo_score.is_some()).count(),
        "category_scores": site_health.categories_json(),
        "issues_by_severity": {
            "critical": by_severity[0], "high": by_severity[1], "medium": by_severity[2], "low": by_severity[3],
        },
        "top_issues": top_issues,
        "ruleset": ruleset,
    }))
}
