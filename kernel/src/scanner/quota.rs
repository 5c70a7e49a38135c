//! Scan-creation quotas (api.md §2.9): per target host (lowercased, leading `www.` removed) and per site,
//! counted from the scans table, so every instance sees the same figures. Two concurrent requests can both
//! pass at the edge of a window; the quota bounds abuse, it is not an exact counter.

use crate::db::SiteId;
use crate::http::{ApiError, AppState};

/// 429 with `Retry-After` when either quota is used up.
pub async fn check(state: &AppState, site: SiteId, target_host: &str) -> Result<(), ApiError> {
    let config = &state.config.scanner;
    let now = crate::time::now();
    let checks = [
        (
            Some(target_host),
            None,
            config.per_host_limit,
            config.per_host_window_secs,
        ),
        (
            None,
            Some(site),
            config.per_site_limit,
            config.per_site_window_secs,
        ),
    ];
    for (host, site, limit, window_secs) in checks {
        let window = chrono::Duration::seconds(window_secs.max(1));
        let (count, oldest) = state.store.scans_since(host, site, now - window).await?;
        if count >= limit.max(0) {
            let free_at = oldest.map_or(now + window, |t| t + window);
            let wait_ms = (free_at - now).num_milliseconds().max(1);
            return Err(ApiError::throttled(((wait_ms + 999) / 1000) as u64));
        }
    }
    Ok(())
}
