//! PostgreSQL side of the page store: `INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING (xmax = 0)` tells
//! insert from update in one statement; the search vector uses the `simple` configuration (no stemming).

use super::PgStore;
use crate::db::pages::bind_vals;
use crate::db::{
    Constraint, PageFilter, PageId, PageWrite, SeoDataRecord, StoreError, StoreResult, StoredScore,
    Upserted,
};
use serde_json::{Map, Value};

/// An SEO-data row and whether the upsert inserted it (`xmax = 0`).
#[derive(sqlx::FromRow)]
struct SeoDataUpsert {
    #[sqlx(flatten)]
    record: SeoDataRecord,
    created: bool,
}

impl PgStore {
    async fn upsert_page_once(&self, write: &PageWrite) -> StoreResult<Upserted> {
        let now = crate::time::now();
        let mut tx = self.pool.begin().await?;
        if write.is_homepage == Some(true) {
            // Homepage claims of one site take turns: each clears the others after the previous one committed,
            // so the partial unique index never sees two homepages (CC-2).
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(write.site_id.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE pages SET is_homepage = FALSE WHERE site_id = $1 AND wp_post_id <> $2 AND is_homepage")
                .bind(write.site_id)
                .bind(&write.wp_post_id)
                .execute(&mut *tx)
                .await?;
        }
        let columns: Vec<&str> = write.insert.iter().map(|(c, _)| *c).collect();
        let params: Vec<String> = (0..columns.len()).map(|i| format!("${}", i + 4)).collect();
        let mut update_sql = String::from(
            "updated_at = EXCLUDED.updated_at, last_synced_at = EXCLUDED.last_synced_at",
        );
        let base = 4 + columns.len();
        for (i, (column, _)) in write.update.iter().enumerate() {
            update_sql.push_str(&format!(", {column} = ${}", base + i));
        }
        let sql = format!(
            "INSERT INTO pages (site_id, wp_post_id, created_at, updated_at, last_synced_at{}{}) VALUES ($1, $2, $3, $3, $3{}{}) \
             ON CONFLICT (site_id, wp_post_id) DO UPDATE SET {update_sql} RETURNING id, (xmax = 0) AS created",
            if columns.is_empty() { "" } else { ", " },
            columns.join(", "),
            if params.is_empty() { "" } else { ", " },
            params.join(", ")
        );
        let query = sqlx::query_as::<_, (PageId, bool)>(&sql)
            .bind(write.site_id)
            .bind(&write.wp_post_id)
            .bind(now);
        let query = bind_vals!(query, &write.insert);
        let (id, created) = bind_vals!(query, &write.update).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE sites SET last_synced_at = $1 WHERE id = $2")
            .bind(now)
            .bind(write.site_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Upserted { id, created })
    }
}

impl PgStore {
    pub(crate) async fn upsert_page_dialect(&self, write: &PageWrite) -> StoreResult<Upserted> {
        // Two concurrent syncs that both claim the homepage: the loser hits the partial unique index after the
        // winner commits; retrying clears the winner's flag as the last writer intends (CC-2, CC-4).
        let mut attempt = 0;
        loop {
            match self.upsert_page_once(write).await {
                Err(
                    StoreError::Conflict(Constraint::PageSiteHomepage) | StoreError::Unavailable(_),
                ) if attempt < 3 => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(10 * attempt)).await;
                }
                other => return other,
            }
        }
    }

    pub(crate) async fn store_page_score_dialect(
        &self,
        page: PageId,
        score: &StoredScore,
        events: &[crate::db::WebhookEvent],
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE pages SET seo_score = $2, grade = $3, issue_count = $4, category_scores = $5, issues = $6, \
             recommendations = $7, measurements = $8, diagnostics = $9, ruleset_revision = $10, scored_at = $11, \
             search_vector = to_tsvector('simple', title) || to_tsvector('simple', $12) WHERE id = $1",
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
        .bind(&score.search_text)
        .execute(&mut *tx)
        .await?;
        Self::insert_webhook_events(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn upsert_seo_data_dialect(
        &self,
        page: PageId,
        metrics: &Map<String, Value>,
    ) -> StoreResult<(SeoDataRecord, bool)> {
        let row: SeoDataUpsert = sqlx::query_as(
            "INSERT INTO seo_data (page_id, metrics, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (page_id) DO UPDATE SET metrics = seo_data.metrics || EXCLUDED.metrics, updated_at = $3 \
             RETURNING id, page_id, metrics, created_at, updated_at, (xmax = 0) AS created",
        )
        .bind(page)
        .bind(sqlx::types::Json(metrics))
        .bind(crate::time::now())
        .fetch_one(&self.pool)
        .await?;
        Ok((row.record, row.created))
    }

    /// The dialect's full-text condition (`{q}` stands for the bound query) and query text.
    pub(crate) fn search_condition(filter: &PageFilter) -> Option<(&'static str, String)> {
        (!filter.search_words.is_empty()).then(|| {
            // Words are runs of letters and digits, so `word:*` terms joined by `&` form a safe prefix query.
            let query = filter
                .search_words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            ("p.search_vector @@ to_tsquery('simple', {q})", query)
        })
    }
}
