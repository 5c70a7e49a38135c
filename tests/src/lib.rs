//! Harness for Siloq's black-box suite: every test spawns the real application on a random loopback port against
//! a fresh database and talks to it over HTTP.
//!
//! * SQLite by default: a new database file in a temporary directory per app.
//! * PostgreSQL when `SILOQ_TEST_DATABASE_URL` is set (an admin URL such as
//!   `postgres://postgres@127.0.0.1:5432/postgres`): a new database per app, dropped when the app is dropped.

mod client;
mod database;
pub mod fixture_site;
pub mod guests;
pub mod keys;
pub mod process;
pub mod scans;
mod seed;
mod sql;
mod world;

pub use client::{Resp, TestClient};
pub use database::TestDatabase;
pub use seed::Seed;
pub use sql::Arg;
pub use world::TestUser;

use siloq_kernel::config::{self, Config};
use siloq_kernel::server::RunningServer;
use std::path::PathBuf;

/// The workspace root (for `config/`, `migrations/` and fixtures).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The fixtures folder (`tests/fixtures`): the SEO development corpus, copied into the repository so a clean
/// clone needs nothing beside it.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("tests/fixtures")
}

/// The test configuration: built-in defaults < `config/test.toml`, with the given database URL.
pub fn test_config(database_url: &str) -> Config {
    use figment::providers::{Format, Serialized, Toml};
    let fig = figment::Figment::from(Serialized::defaults(Config::default()))
        .merge(Toml::file_exact(workspace_root().join("config/test.toml")))
        .merge(Serialized::default("database.url", database_url));
    let mut config = config::from_figment(fig).expect("test configuration");
    if config.extensions.cache_dir.trim().is_empty() {
        config.extensions.cache_dir = shared_extension_cache().display().to_string();
    }
    config
}

/// One compiled-artifact cache for every app the suite spawns (extensions.md §6.9). Without it each spawn
/// compiles the bundled components with Cranelift again, which was most of the suite's CPU time on two cores.
/// Entries are keyed by engine settings and component hash and tagged with the test secret, written under
/// temporary names and renamed, so concurrent test processes share the folder safely. Tests that exercise the
/// cache itself set a folder of their own.
fn shared_extension_cache() -> PathBuf {
    std::env::temp_dir().join("siloq-test-extension-cache")
}

/// One running Siloq application with its own database.
pub struct TestApp {
    pub client: TestClient,
    pub database: TestDatabase,
    server: Option<RunningServer>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with configuration tweaks (lower limits, other origins, ...).
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::create().await;
        let mut config = test_config(&database.url);
        tweak(&mut config);
        let state = siloq_kernel::server::build_state(config, true)
            .await
            .expect("app state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let server = RunningServer::start(state, listener).expect("server start");
        let client = TestClient::new(format!("http://{}", server.addr));
        Self {
            client,
            database,
            server: Some(server),
        }
    }

    pub fn state(&self) -> &siloq_kernel::http::AppState {
        &self.server.as_ref().expect("running").state
    }

    /// Graceful shutdown (drain, flush buffers, close the pool).
    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// Graceful shutdown that hands back the database, to inspect what the app left behind.
    pub async fn shutdown_keep_database(mut self) -> TestDatabase {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        self.database
    }
}

impl std::ops::Deref for TestApp {
    type Target = TestClient;
    fn deref(&self) -> &TestClient {
        &self.client
    }
}

/// The `siloq` binary built by this workspace (target/<profile>/siloq).
pub fn siloq_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target profile dir");
    let bin = profile_dir.join(format!("siloq{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p siloq-kernel` (cargo test --workspace builds it)",
        bin.display()
    );
    bin
}
