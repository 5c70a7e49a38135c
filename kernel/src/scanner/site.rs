//! Site-level judgement over the crawl (seo-rules §2.8 step 4, §4.4): the crawl's facts become a site snapshot
//! that the site rules judge. Until the site-rule runtime is wired in, scans are scored from their pages only.

use super::crawl::Crawler;
use super::report::SitePart;
use crate::db::ScanRow;
use crate::http::AppState;
use serde_json::Value;

/// The site part of a scan's health, when site rules ran.
pub async fn judge(
    _state: &AppState,
    _scan: &ScanRow,
    _crawler: &Crawler<'_>,
    _pages: &[Value],
) -> Option<SitePart> {
    None
}
