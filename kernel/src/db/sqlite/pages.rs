//! SQLite side of the page store: upserts inside `BEGIN IMMEDIATE` (writers are serialised, so a select tells
//! insert from update without a race) and the FTS5 index.

use super::SqliteStore;
use crate::db::pages::bind_vals;
use crate::db::{PageFilter, PageId, PageWrite, SeoDataRecord, StoreResult, StoredScore, Upserted};
use serde_json::{Map, Value};

impl SqliteStore {
    pub(crate) async fn upsert_page_dialect(&self, write: &PageWrite) -> StoreResult<Upserted> {
        let now = crate::time::now();
        let mut tx = self.begin_write().await?;
        if write.is_homepage == Some(true) {
            sqlx::query("UPDATE pages SET is_homepage = FALSE WHERE site_id = $1 AND wp_post_id <> $2 AND is_homepage = TRUE")
                .bind(write.site_id)
                .bind(&write.wp_post_id)
                .execute(&mut *tx)
                .await?;
        }
        let existing: Option<PageId> =
            sqlx::query_scalar("SELECT id FROM pages WHERE site_id = $1 AND wp_post_id = $2")
                .bind(write.site_id)
                .bind(&write.wp_post_id)
                .fetch_optional(&mut *tx)
                .await?;
        let upserted = match existing {
            Some(id) => {
                let sets: Vec<String> = write
                    .update
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _))| format!("{c} = ${}", i + 3))
                    .collect();
                let mut set_sql = String::from("updated_at = $1, last_synced_at = $1");
                for set in sets {
                    set_sql.push_str(", ");
                    set_sql.push_str(&set);
                }
                let sql = format!("UPDATE pages SET {set_sql} WHERE id = $2");
                bind_vals!(sqlx::query(&sql).bind(now).bind(id), &write.update)
                    .execute(&mut *tx)
                    .await?;
                Upserted { id, created: false }
            }
            None => {
                let columns: Vec<&str> = write.insert.iter().map(|(c, _)| *c).collect();
                let params: Vec<String> =
                    (0..columns.len()).map(|i| format!("${}", i + 4)).collect();
                let sql = format!(
                    "INSERT INTO pages (site_id, wp_post_id, created_at, updated_at, last_synced_at{}{}) VALUES ($1, $2, $3, $3, $3{}{}) RETURNING id",
                    if columns.is_empty() { "" } else { ", " },
                    columns.join(", "),
                    if params.is_empty() { "" } else { ", " },
                    params.join(", ")
                );
                let query = sqlx::query_scalar(&sql)
                    .bind(write.site_id)
                    .bind(&write.wp_post_id)
                    .bind(now);
                let id: PageId = bind_vals!(query, &write.insert).fetch_one(&mut *tx).await?;
                Upserted { id, created: true }
            }
        };
        sqlx::query("UPDATE sites SET last_synced_at = $1 WHERE id = $2")
            .bind(now)
            .bind(write.site_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(upserted)
    }

    pub(crate) async fn store_page_score_dialect(
        &self,
        page: PageId,
        score: &StoredScore,
        events: &[crate::db::WebhookEvent],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        store_score(&mut tx, page, score).await?;
        Self::insert_webhook_events(&mut tx, events).await?;
        sqlx::query("DELETE FROM pages_fts WHERE rowid = $1")
            .bind(page)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO pages_fts (rowid, title, body) SELECT id, title, $2 FROM pages WHERE id = $1")
            .bind(page)
            .bind(&score.search_text)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn upsert_seo_data_dialect(
        &self,
        page: PageId,
        metrics: &Map<String, Value>,
    ) -> StoreResult<(SeoDataRecord, bool)> {
        let now = crate::time::now();
        let mut tx = self.begin_write().await?;
        let existed: Option<i64> = sqlx::query_scalar("SELECT id FROM seo_data WHERE page_id = $1")
            .bind(page)
            .fetch_optional(&mut *tx)
            .await?;
        let record: SeoDataRecord = sqlx::query_as(
            "INSERT INTO seo_data (page_id, metrics, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (page_id) DO UPDATE SET metrics = json_patch(seo_data.metrics, excluded.metrics), updated_at = $3 \
             RETURNING id, page_id, metrics, created_at, updated_at",
        )
        .bind(page)
        .bind(sqlx::types::Json(metrics))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((record, existed.is_none()))
    }

    /// The dialect's full-text condition (`{q}` stands for the bound query) and query text.
    pub(crate) fn search_condition(filter: &PageFilter) -> Option<(&'static str, String)> {
        (!filter.search_words.is_empty()).then(|| {
            // Words are runs of letters and digits, so quoting them makes a safe FTS5 prefix query.
            let query = filter
                .search_words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            (
                "p.id IN (SELECT rowid FROM pages_fts WHERE pages_fts MATCH {q})",
                query,
            )
        })
    }
}

async fn store_score(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    page: PageId,
    score: &StoredScore,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE pages SET seo_score = $2, grade = $3, issue_count = $4, category_scores = $5, issues = $6, \
         recommendations = $7, measurements = $8, diagnostics = $9, ruleset_revision = $10, scored_at = $11 WHERE id = $1",
    )
    .bind(page)
    .bind(score.seo_score)
    .bind(&score.grade)
    .bind(score.issue_count)
    .bind(sqlx::types::Json(&score.category_scores))
    .bind(sqlx::types::Json(&score.issues))
    .bind(sqlx::types::Json(&score.recommendations))
    .bind(sqlx::types::Json(&score.measurements))
    .bind(sqlx::types::Json(&score.diagnostics))
    .bind(score.ruleset_revision)
    .bind(score.scored_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
