//! Pages: the natural-key upsert of the plugin's sync, the stored score card, plugin SEO data, and the reads of
//! the dashboard. Upserts and search differ per dialect (`db/sqlite/pages.rs`, `db/postgres/pages.rs`); reads
//! share their SQL here.

use super::{PageId, SiteId, StoreResult, UserId};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// A bindable column value of a page write.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Int(i64),
    OptInt(Option<i64>),
    Bool(bool),
    Time(Option<DateTime<Utc>>),
    Json(Value),
}

/// One sync write: the natural key, the columns to set on insert (absent ones take the column defaults) and the
/// columns to set on update (only what the request carried, so omitted fields keep their stored values).
#[derive(Debug, Clone)]
pub struct PageWrite {
    pub site_id: SiteId,
    pub wp_post_id: String,
    pub insert: Vec<(&'static str, Val)>,
    pub update: Vec<(&'static str, Val)>,
    /// `Some(true)` also clears the flag on the site's other pages in the same transaction.
    pub is_homepage: Option<bool>,
}

/// Result of an upsert: the page and whether it was created.
#[derive(Debug, Clone, Copy)]
pub struct Upserted {
    pub id: PageId,
    pub created: bool,
}

/// A stored page with its latest score card.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageRecord {
    pub id: PageId,
    pub site_id: SiteId,
    pub wp_post_id: String,
    pub url: String,
    pub title: String,
    pub slug: String,
    pub content: String,
    pub content_format: String,
    pub excerpt: String,
    pub status: String,
    pub post_type: String,
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    pub parent_id: Option<i64>,
    pub menu_order: i64,
    pub yoast_title: String,
    pub yoast_description: String,
    pub focus_keyphrase: String,
    pub featured_image: String,
    pub is_noindex: bool,
    pub is_homepage: bool,
    pub is_money_page: bool,
    pub author: String,
    pub page_builder: String,
    pub headings_extracted: sqlx::types::Json<Value>,
    pub links_extracted: sqlx::types::Json<Value>,
    pub faq_questions: sqlx::types::Json<Value>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub seo_score: Option<i64>,
    pub grade: Option<String>,
    pub issue_count: i64,
    pub category_scores: Option<sqlx::types::Json<Value>>,
    pub issues: sqlx::types::Json<Value>,
    pub recommendations: sqlx::types::Json<Value>,
    pub measurements: Option<sqlx::types::Json<Value>>,
    /// How the last scoring went: `{"degraded", "partial", "items": [diagnostics], ...}`; `[]` before scoring.
    pub diagnostics: sqlx::types::Json<Value>,
    pub ruleset_revision: Option<i64>,
    pub scored_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The site summary shown with a page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageSite {
    pub id: SiteId,
    pub name: String,
    pub url: String,
    pub is_active: bool,
}

/// A score card to store on a page, with the text the full-text index should hold.
#[derive(Debug, Clone)]
pub struct StoredScore {
    pub seo_score: Option<i64>,
    pub grade: Option<String>,
    pub issue_count: i64,
    pub category_scores: Value,
    pub issues: Value,
    pub recommendations: Value,
    pub measurements: Value,
    pub diagnostics: Value,
    pub ruleset_revision: Option<i64>,
    pub scored_at: DateTime<Utc>,
    pub search_text: String,
}

/// The plugin's SEO-data record of a page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeoDataRecord {
    pub id: i64,
    pub page_id: PageId,
    pub metrics: sqlx::types::Json<Map<String, Value>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Filters of the dashboard's page list; every value is bound, `ordering` is an allow-listed column.
#[derive(Debug, Clone, Default)]
pub struct PageFilter {
    pub owner: Option<UserId>,
    pub site_id: Option<SiteId>,
    pub statuses: Vec<String>,
    pub post_types: Vec<String>,
    pub min_score: Option<i64>,
    pub max_score: Option<i64>,
    pub has_issues: Option<bool>,
    pub include_noindex: bool,
    pub is_money_page: Option<bool>,
    /// Lowercased words (runs of letters and digits), at most 10; every one must prefix a title or text word.
    pub search_words: Vec<String>,
    /// `(column, descending)`; `None` = relevance with search, else `-created_at`.
    pub ordering: Option<(&'static str, bool)>,
    pub offset: i64,
    pub limit: i64,
}

#[async_trait::async_trait]
pub trait PageStore: Send + Sync {
    /// Atomic upsert by `(site_id, wp_post_id)`; also sets the page's and the site's `last_synced_at`.
    async fn upsert_page(&self, write: &PageWrite) -> StoreResult<Upserted>;
    /// Stores a score card and records `events` (its webhook events) in the same transaction.
    async fn store_page_score(
        &self,
        page: PageId,
        score: &StoredScore,
        events: &[super::WebhookEvent],
    ) -> StoreResult<()>;
    async fn page_of_site(&self, site: SiteId, page: PageId) -> StoreResult<PageRecord>;
    async fn page_of_owner(
        &self,
        owner: UserId,
        page: PageId,
    ) -> StoreResult<(PageRecord, PageSite)>;
    /// The site summary shown with pages (and the site name title templates need).
    async fn site_summary(&self, site: SiteId) -> StoreResult<PageSite>;
    async fn seo_data(&self, page: PageId) -> StoreResult<Option<SeoDataRecord>>;
    /// Merges the sent metrics into the page's record (created when absent); returns it and whether it is new.
    async fn upsert_seo_data(
        &self,
        page: PageId,
        metrics: &Map<String, Value>,
    ) -> StoreResult<(SeoDataRecord, bool)>;
    /// Flips `is_money_page` of an owner's page; returns the new value.
    async fn toggle_money_page(
        &self,
        owner: UserId,
        page: PageId,
    ) -> StoreResult<(PageRecord, bool)>;
    /// One page of results and the total count.
    async fn list_pages(&self, filter: &PageFilter) -> StoreResult<(i64, Vec<PageRecord>)>;
}

pub(crate) const PAGE_COLUMNS: &str = "p.id, p.site_id, p.wp_post_id, p.url, p.title, p.slug, p.content, p.content_format, \
     p.excerpt, p.status, p.post_type, p.published_at, p.modified_at, p.parent_id, p.menu_order, p.yoast_title, \
     p.yoast_description, p.focus_keyphrase, p.featured_image, p.is_noindex, p.is_homepage, p.is_money_page, p.author, \
     p.page_builder, p.headings_extracted, p.links_extracted, p.faq_questions, p.last_synced_at, p.seo_score, p.grade, \
     p.issue_count, p.category_scores, p.issues, p.recommendations, p.measurements, p.diagnostics, p.ruleset_revision, \
     p.scored_at, \
     p.created_at, p.updated_at";

/// Binds a list of [`Val`]s onto an sqlx query, in order.
macro_rules! bind_vals {
    ($query:expr, $vals:expr) => {{
        let mut q = $query;
        for (_, v) in $vals {
            q = match v {
                $crate::db::Val::Text(s) => q.bind(s.clone()),
                $crate::db::Val::Int(i) => q.bind(*i),
                $crate::db::Val::OptInt(i) => q.bind(*i),
                $crate::db::Val::Bool(b) => q.bind(*b),
                $crate::db::Val::Time(t) => q.bind(*t),
                $crate::db::Val::Json(j) => q.bind(sqlx::types::Json(j.clone())),
            };
        }
        q
    }};
}
pub(crate) use bind_vals;

/// The `WHERE` clause of a page list and the values to bind, in order (`$1`, `$2`, ...). Shared by both dialects;
/// the search condition differs (FTS5 vs tsvector), so the caller supplies it with `{q}` standing for the bound
/// query text.
pub(crate) fn list_where(
    filter: &PageFilter,
    search: Option<(&str, String)>,
) -> (String, Vec<(&'static str, Val)>) {
    let mut clauses = vec!["1 = 1".to_string()];
    let mut vals: Vec<(&'static str, Val)> = Vec::new();
    let next = |vals: &mut Vec<(&'static str, Val)>, v: Val| {
        vals.push(("", v));
        format!("${}", vals.len())
    };
    if let Some(owner) = filter.owner {
        let p = next(&mut vals, Val::Int(owner.0));
        clauses.push(format!("s.user_id = {p}"));
    }
    if let Some(site) = filter.site_id {
        let p = next(&mut vals, Val::Int(site.0));
        clauses.push(format!("p.site_id = {p}"));
    }
    for (column, values) in [
        ("p.status", &filter.statuses),
        ("p.post_type", &filter.post_types),
    ] {
        if !values.is_empty() {
            let params: Vec<String> = values
                .iter()
                .map(|v| next(&mut vals, Val::Text(v.clone())))
                .collect();
            clauses.push(format!("{column} IN ({})", params.join(", ")));
        }
    }
    if let Some(min) = filter.min_score {
        let p = next(&mut vals, Val::Int(min));
        clauses.push(format!("p.seo_score IS NOT NULL AND p.seo_score >= {p}"));
    }
    if let Some(max) = filter.max_score {
        let p = next(&mut vals, Val::Int(max));
        clauses.push(format!("p.seo_score IS NOT NULL AND p.seo_score <= {p}"));
    }
    match filter.has_issues {
        Some(true) => clauses.push("p.issue_count > 0".into()),
        Some(false) => clauses.push("p.issue_count = 0".into()),
        None => {}
    }
    if !filter.include_noindex {
        clauses.push("p.is_noindex = FALSE".into());
    }
    if let Some(money) = filter.is_money_page {
        let p = next(&mut vals, Val::Bool(money));
        clauses.push(format!("p.is_money_page = {p}"));
    }
    if let Some((condition, query)) = search {
        let p = next(&mut vals, Val::Text(query));
        clauses.push(condition.replace("{q}", &p));
    }
    (clauses.join(" AND "), vals)
}

/// `ORDER BY` for a list: allow-listed column, nulls last, ties by id descending; relevance = title matches.
pub(crate) fn list_order(
    filter: &PageFilter,
    first_param: usize,
) -> (String, Vec<(&'static str, Val)>) {
    match filter.ordering {
        Some((column, desc)) => {
            let dir = if desc { "DESC" } else { "ASC" };
            (
                format!("(p.{column} IS NULL) ASC, p.{column} {dir}, p.id DESC"),
                Vec::new(),
            )
        }
        None if !filter.search_words.is_empty() => {
            let mut vals = Vec::new();
            let terms: Vec<String> = filter
                .search_words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    vals.push(("", Val::Text(format!("% {w}%"))));
                    format!(
                        "CASE WHEN p.title_search LIKE ${} THEN 1 ELSE 0 END",
                        first_param + i
                    )
                })
                .collect();
            (format!("({}) DESC, p.id DESC", terms.join(" + ")), vals)
        }
        None => ("p.created_at DESC, p.id DESC".into(), Vec::new()),
    }
}

/// Title words for relevance: lowercased runs of letters and digits, each preceded by one space.
pub fn title_search_text(title: &str) -> String {
    search_words(title, usize::MAX)
        .iter()
        .map(|w| format!(" {w}"))
        .collect()
}

/// Splits text into lowercased runs of Unicode letters and digits (api.md §10.1).
pub fn search_words(text: &str, max: usize) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(max)
        .collect()
}

macro_rules! impl_page_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::PageStore for $store {
            async fn upsert_page(&self, write: &$crate::db::PageWrite) -> $crate::db::StoreResult<$crate::db::Upserted> {
                self.upsert_page_dialect(write).await
            }
            async fn store_page_score(
                &self,
                page: $crate::db::PageId,
                score: &$crate::db::StoredScore,
                events: &[$crate::db::WebhookEvent],
            ) -> $crate::db::StoreResult<()> {
                self.store_page_score_dialect(page, score, events).await
            }
            async fn page_of_site(&self, site: $crate::db::SiteId, page: $crate::db::PageId) -> $crate::db::StoreResult<$crate::db::PageRecord> {
                self.page_of_site_shared(site, page).await
            }
            async fn page_of_owner(
                &self,
                owner: $crate::db::UserId,
                page: $crate::db::PageId,
            ) -> $crate::db::StoreResult<($crate::db::PageRecord, $crate::db::PageSite)> {
                self.page_of_owner_shared(owner, page).await
            }
            async fn site_summary(&self, site: $crate::db::SiteId) -> $crate::db::StoreResult<$crate::db::PageSite> {
                self.site_summary_shared(site).await
            }
            async fn seo_data(&self, page: $crate::db::PageId) -> $crate::db::StoreResult<Option<$crate::db::SeoDataRecord>> {
                self.seo_data_shared(page).await
            }
            async fn upsert_seo_data(
                &self,
                page: $crate::db::PageId,
                metrics: &serde_json::Map<String, serde_json::Value>,
            ) -> $crate::db::StoreResult<($crate::db::SeoDataRecord, bool)> {
                self.upsert_seo_data_dialect(page, metrics).await
            }
            async fn toggle_money_page(
                &self,
                owner: $crate::db::UserId,
                page: $crate::db::PageId,
            ) -> $crate::db::StoreResult<($crate::db::PageRecord, bool)> {
                self.toggle_money_page_shared(owner, page).await
            }
            async fn list_pages(&self, filter: &$crate::db::PageFilter) -> $crate::db::StoreResult<(i64, Vec<$crate::db::PageRecord>)> {
                self.list_pages_shared(filter, Self::search_condition(filter)).await
            }
        }

        impl $store {
            pub(crate) async fn page_of_site_shared(
                &self,
                site: $crate::db::SiteId,
                page: $crate::db::PageId,
            ) -> $crate::db::StoreResult<$crate::db::PageRecord> {
                let sql = format!("SELECT {} FROM pages p WHERE p.site_id = $1 AND p.id = $2", $crate::db::pages::PAGE_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(site).bind(page).fetch_one(&self.pool).await?)
            }

            pub(crate) async fn page_of_owner_shared(
                &self,
                owner: $crate::db::UserId,
                page: $crate::db::PageId,
            ) -> $crate::db::StoreResult<($crate::db::PageRecord, $crate::db::PageSite)> {
                let sql = format!(
                    "SELECT {} FROM pages p JOIN sites s ON s.id = p.site_id WHERE s.user_id = $1 AND p.id = $2",
                    $crate::db::pages::PAGE_COLUMNS
                );
                let record: $crate::db::PageRecord = sqlx::query_as(&sql).bind(owner).bind(page).fetch_one(&self.pool).await?;
                let site = self.site_summary_shared(record.site_id).await?;
                Ok((record, site))
            }

            pub(crate) async fn site_summary_shared(
                &self,
                site: $crate::db::SiteId,
            ) -> $crate::db::StoreResult<$crate::db::PageSite> {
                Ok(sqlx::query_as("SELECT id, name, url, is_active FROM sites WHERE id = $1").bind(site).fetch_one(&self.pool).await?)
            }

            pub(crate) async fn seo_data_shared(
                &self,
                page: $crate::db::PageId,
            ) -> $crate::db::StoreResult<Option<$crate::db::SeoDataRecord>> {
                Ok(sqlx::query_as("SELECT id, page_id, metrics, created_at, updated_at FROM seo_data WHERE page_id = $1")
                    .bind(page)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            pub(crate) async fn toggle_money_page_shared(
                &self,
                owner: $crate::db::UserId,
                page: $crate::db::PageId,
            ) -> $crate::db::StoreResult<($crate::db::PageRecord, bool)> {
                let flipped: Option<bool> = sqlx::query_scalar(
                    "UPDATE pages SET is_money_page = NOT is_money_page, updated_at = $3 \
                     WHERE id = $2 AND site_id IN (SELECT id FROM sites WHERE user_id = $1) RETURNING is_money_page",
                )
                .bind(owner)
                .bind(page)
                .bind($crate::time::now())
                .fetch_optional(&self.pool)
                .await?;
                let flipped = flipped.ok_or($crate::db::StoreError::NotFound)?;
                let (record, _) = self.page_of_owner_shared(owner, page).await?;
                Ok((record, flipped))
            }

            /// Runs a page list given the dialect's search condition (with `{q}` for the query parameter).
            pub(crate) async fn list_pages_shared(
                &self,
                filter: &$crate::db::PageFilter,
                search: Option<(&str, String)>,
            ) -> $crate::db::StoreResult<(i64, Vec<$crate::db::PageRecord>)> {
                let (where_sql, mut vals) = $crate::db::pages::list_where(filter, search);
                let from = format!("FROM pages p JOIN sites s ON s.id = p.site_id WHERE {where_sql}");
                let count_sql = format!("SELECT COUNT(*) {from}");
                let count: i64 = $crate::db::pages::bind_vals!(sqlx::query_scalar(&count_sql), &vals).fetch_one(&self.pool).await?;
                let (order_sql, order_vals) = $crate::db::pages::list_order(filter, vals.len() + 1);
                vals.extend(order_vals);
                let limit_p = vals.len() + 1;
                let sql = format!(
                    "SELECT {} {from} ORDER BY {order_sql} LIMIT ${} OFFSET ${}",
                    $crate::db::pages::PAGE_COLUMNS,
                    limit_p,
                    limit_p + 1
                );
                vals.push(("", $crate::db::Val::Int(filter.limit)));
                vals.push(("", $crate::db::Val::Int(filter.offset)));
                let rows = $crate::db::pages::bind_vals!(sqlx::query_as(&sql), &vals).fetch_all(&self.pool).await?;
                Ok((count, rows))
            }
        }
    };
}
pub(crate) use impl_page_store;
