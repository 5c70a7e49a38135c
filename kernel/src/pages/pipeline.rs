//! The page pipeline: stored page -> document model -> rules -> scorer -> recommendations -> stored score card.

use crate::db::{PageRecord, SeoDataRecord, StoredScore};
use crate::http::AppState;

/// Scores a page and stores the result. `None` when scoring failed: the sync still succeeds (api.md §9.1).
pub async fn score_and_store(
    _state: &AppState,
    _page: &PageRecord,
    _seo: Option<&SeoDataRecord>,
) -> Option<StoredScore> {
    None
}
