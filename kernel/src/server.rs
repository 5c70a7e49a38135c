//! Starting and stopping a Siloq instance: connect (with retry), migrate, bind, serve, drain on a signal.

use crate::config::{self, Config};
use crate::db;
use crate::http::AppState;
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub mod listener;

/// Buffered counters reach the database at least this often (api.md §7.7: every 5 s).
const FLUSH_INTERVAL: Duration = Duration::from_secs(2);

/// Builds the shared state for a configuration: settles the secret, loads the extensions, opens the store,
/// migrates if asked.
pub async fn build_state(mut config: Config, migrate: bool) -> anyhow::Result<AppState> {
    // The secret keys the compiled-artifact cache, so it is settled first.
    config::resolve_secret_key(&mut config)?;
    // Compiling the components takes a while; it must not hold an async worker.
    let extensions_config = config.extensions.clone();
    let secret = config
        .auth
        .secret_key
        .as_ref()
        .map(|s| s.expose().to_string());
    let extensions = tokio::task::spawn_blocking(move || {
        crate::extensions::Runtime::shared(&extensions_config, secret.as_deref())
    })
    .await
    .context("loading the extensions panicked")??;
    let state = build_state_with(config, migrate, extensions).await?;
    // Registers the bundled components and converges on the database's active ruleset revision.
    crate::rulesets::bootstrap(&state).await;
    Ok(state)
}

/// [`build_state`] for commands that never score pages (`migrate`, `user create`): no extension is loaded.
pub async fn build_state_without_extensions(
    config: Config,
    migrate: bool,
) -> anyhow::Result<AppState> {
    let disabled = Arc::new(crate::extensions::Runtime::disabled());
    build_state_with(config, migrate, disabled).await
}

async fn build_state_with(
    mut config: Config,
    migrate: bool,
    extensions: Arc<crate::extensions::Runtime>,
) -> anyhow::Result<AppState> {
    config::resolve_secret_key(&mut config)?;
    let store = db::connect_with_retry(&config.database)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {}",
                db::redact_url(&config.database.url)
            )
        })?;
    if migrate {
        store.migrate().await.context("database migration failed")?;
    }
    AppState::new(Arc::new(config), store, extensions)
}

/// A running server: its address and a way to stop it (used by `siloq serve` and by the test harness).
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// Starts serving `state` on `listener` in a background task.
    pub fn start(state: AppState, listener: TcpListener) -> anyhow::Result<Self> {
        let addr = listener.local_addr()?;
        let (shutdown, mut signal) = watch::channel(false);
        let serve_state = state.clone();
        let task = tokio::spawn(async move {
            let grace = Duration::from_secs(serve_state.config.server.shutdown_grace_secs);
            let draining_state = serve_state.clone();
            let mut drain_signal = signal.clone();
            // hyper-util's builder with header-read and idle timeouts (TR-3, TR-4), not `axum::serve`.
            let server = listener::serve(listener, serve_state.clone(), async move {
                let _ = drain_signal.wait_for(|stop| *stop).await;
                draining_state.lifecycle.start_draining();
            });
            let server = tokio::spawn(server);
            let (stop_workers, worker_signal) = watch::channel(false);
            let worker = crate::jobs::Worker::new(serve_state.clone())
                .handle(
                    crate::jobs::RESCORE_PAGE,
                    crate::pages::pipeline::rescore_handler(),
                )
                .handle(
                    crate::rulesets::RESCORE_PAGES,
                    crate::rulesets::rescore::handler(),
                )
                .handle(
                    crate::webhooks::DELIVER,
                    crate::webhooks::delivery_handler(),
                );
            let scan_worker = tokio::spawn(
                crate::scanner::worker(serve_state.clone()).run(worker_signal.clone()),
            );
            let converge = tokio::spawn(crate::rulesets::converge::run(
                serve_state.clone(),
                worker_signal.clone(),
            ));
            let ruleset_file = tokio::spawn(crate::rulesets::file::watch(
                serve_state.clone(),
                worker_signal.clone(),
            ));
            let worker = tokio::spawn(worker.run(worker_signal));
            let flusher_state = serve_state.clone();
            let flusher = tokio::spawn(async move {
                loop {
                    tokio::time::sleep(FLUSH_INTERVAL).await;
                    flusher_state.flush_buffers().await;
                }
            });
            let cleaner = tokio::spawn(crate::auth::cleanup_loop(serve_state.clone()));
            let pruner = tokio::spawn(crate::http::rate_limit::prune_loop(serve_state.clone()));
            let retention = tokio::spawn(crate::webhooks::retention_loop(serve_state.clone()));
            // After the signal, in-flight requests get at most `grace` to finish.
            let _ = signal.wait_for(|stop| *stop).await;
            if tokio::time::timeout(grace, server).await.is_err() {
                tracing::warn!(
                    grace_secs = grace.as_secs(),
                    "grace period over; closing remaining connections"
                );
            }
            // Workers stop claiming; a job in progress finishes or is handed back to the queue for another
            // instance (only a worker stuck past the grace period leaves its job to the lease).
            let _ = stop_workers.send(true);
            if tokio::time::timeout(grace, worker).await.is_err() {
                tracing::warn!(
                    "job worker still busy after the grace period; its lease will expire"
                );
            }
            if tokio::time::timeout(grace, scan_worker).await.is_err() {
                tracing::warn!(
                    "scan worker still busy after the grace period; its lease will expire"
                );
            }
            let _ = tokio::time::timeout(grace, converge).await;
            let _ = tokio::time::timeout(grace, ruleset_file).await;
            flusher.abort();
            cleaner.abort();
            pruner.abort();
            retention.abort();
            serve_state.flush_buffers().await;
            serve_state.store.close().await;
            // The spans still batched reach the collector before the process goes (a blocking export, so off
            // the executor).
            if serve_state.otlp.is_some() {
                let otlp_state = serve_state.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    if let Some(otlp) = &otlp_state.otlp {
                        otlp.shutdown();
                    }
                })
                .await;
            }
        });
        Ok(Self {
            addr,
            state,
            shutdown,
            task,
        })
    }

    /// Stops accepting, drains in-flight requests (bounded by the grace period), flushes buffers, closes the pool.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }

    /// Waits for SIGTERM or SIGINT, then shuts down gracefully. A second signal exits at once.
    pub async fn run_until_signal(self) {
        wait_for_signal().await;
        tracing::info!("shutdown signal received: draining");
        let stop = self.shutdown();
        tokio::select! {
            () = stop => {}
            () = wait_for_signal() => {
                tracing::warn!("second signal: exiting now");
                std::process::exit(1);
            }
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `siloq serve`.
pub async fn serve(config: Config, migrate: bool) -> anyhow::Result<()> {
    let bind = format!("{}:{}", config.server.host, config.server.port);
    let state = build_state(config, migrate).await?;
    let listener = TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let server = RunningServer::start(state, listener)?;
    tracing::info!(addr = %server.addr, "siloq listening");
    server.run_until_signal().await;
    tracing::info!("siloq stopped");
    Ok(())
}
