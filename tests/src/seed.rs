//! Stored page rows seeded directly, for tests of the figures sites derive from pages.

use crate::{Arg, TestApp};
use serde_json::Value;

/// A page row with its stored score card.
pub struct Seed<'a> {
    pub wp: &'a str,
    pub status: &'a str,
    pub noindex: bool,
    pub score: Option<i64>,
    pub categories: Option<Value>,
    pub issues: Value,
}

/// Inserts a page row directly (the page routes belong to another capability).
impl TestApp {
    /// Inserts a scored page row directly, for tests of what sites derive from stored pages.
    pub async fn seed_page(&self, site: i64, page: Seed<'_>) {
        let app = self;
        let Seed {
            wp,
            status,
            noindex,
            score,
            categories,
            issues,
        } = page;
        let db = &app.database;
        let sql = format!(
            "INSERT INTO pages (site_id, wp_post_id, url, status, is_noindex, seo_score, issue_count, category_scores, \
         issues, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, {}, {}, $10, $10)",
            db.json_param(8),
            db.json_param(9)
        );
        let issue_count = issues.as_array().map_or(0, Vec::len) as i64;
        db.execute(
            &sql,
            &[
                Arg::Int(site),
                Arg::Text(wp.into()),
                Arg::Text(format!("https://x.example/{wp}")),
                Arg::Text(status.into()),
                Arg::Bool(noindex),
                score.map_or(Arg::NullInt, Arg::Int),
                Arg::Int(issue_count),
                categories.map_or(Arg::NullText, |c| Arg::Text(c.to_string())),
                Arg::Text(issues.to_string()),
                Arg::Time(chrono::Utc::now()),
            ],
        )
        .await;
    }
}
