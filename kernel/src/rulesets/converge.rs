//! The per-instance convergence loop (extensions.md §6.8): woken by PostgreSQL notifications and by activations
//! made in this process, and polling the active row every 2 s anyway (notifications sent while a listener
//! reconnects are lost; SQLite has none). The instance's row in `extension_instances` is written after every
//! change and every 10 s as a heartbeat; rows older than 60 s count as gone.

use crate::db::InstanceRow;
use crate::http::AppState;
use std::time::Duration;
use tokio::sync::watch;

/// How often the active row is read even without a notification.
pub const POLL: Duration = Duration::from_secs(2);
/// How often the instance row is refreshed.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// Instances not heard from for this long are left out of reports.
pub const GONE_AFTER: Duration = Duration::from_secs(60);

/// Runs until `stop` turns true, then removes this instance's row.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let Some(wake) = state.extensions.wake() else {
        return;
    };
    if state.store.listen_for_activations(wake.clone()).await {
        tracing::debug!("listening for ruleset activations");
    }
    let mut last_heartbeat = tokio::time::Instant::now();
    report_instance(&state).await;
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
        }
        // Errors are reported in the instance row and logged by `converge_now`; the next round retries.
        let _ = super::activation::converge_now(&state).await;
        if last_heartbeat.elapsed() >= HEARTBEAT {
            report_instance(&state).await;
            last_heartbeat = tokio::time::Instant::now();
        }
    }
    let _ = state
        .store
        .remove_instance(state.extensions.instance_id())
        .await;
}

/// Upserts this instance's row from its convergence state.
pub async fn report_instance(state: &AppState) {
    let runtime = &state.extensions;
    if runtime.host().is_none() {
        return;
    }
    let sync = runtime.sync();
    let row = InstanceRow {
        instance_id: runtime.instance_id().to_string(),
        hostname: hostname(),
        revision: runtime.active().map(|r| r.revision()),
        generation: (sync.generation > 0).then_some(sync.generation),
        state: sync.state.to_string(),
        error: sync.combined_error(),
        heartbeat_at: crate::time::now(),
    };
    if let Err(e) = state.store.upsert_instance(&row).await {
        tracing::debug!(error = %e, "instance row not written");
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
