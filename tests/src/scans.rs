//! Scan helpers: start a scan over HTTP, poll it to its end, and restart an application on the same database.

use crate::{TestApp, TestClient, TestDatabase, test_config};
use serde_json::{Value, json};
use siloq_kernel::config::Config;
use siloq_kernel::server::RunningServer;
use std::time::Duration;

impl TestApp {
    /// Starts an application on an existing database (a restart), with configuration tweaks.
    pub async fn spawn_on(database: TestDatabase, tweak: impl FnOnce(&mut Config)) -> Self {
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

    /// `POST /scans/` with a site key; returns the response body (status checked by the caller).
    pub async fn start_scan(&self, key: &str, body: Value) -> crate::Resp {
        self.post("/api/v1/scans/")
            .api_key(key)
            .json(&body)
            .send()
            .await
    }

    /// Polls `GET /scans/{id}/` until the scan is `completed` or `failed` (at most `limit`).
    pub async fn wait_scan(&self, key: &str, id: i64, limit: Duration) -> Value {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let scan = self
                .get(&format!("/api/v1/scans/{id}/"))
                .api_key(key)
                .send()
                .await
                .expect(200)
                .json;
            if matches!(scan["status"].as_str(), Some("completed" | "failed")) {
                return scan;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "scan {id} did not end in time: {scan}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Starts a scan and waits for its end; panics unless creation answered 201.
    pub async fn scan_to_end(&self, key: &str, body: Value) -> Value {
        let created = self.start_scan(key, body).await.expect(201);
        self.wait_scan(key, created.i64("id"), Duration::from_secs(90))
            .await
    }
}

/// A configuration tweak for scanner tests: the given sites allow-listed, no politeness delay, quotas out of the
/// way (the quota suite sets its own).
pub fn allow(entries: &[String]) -> impl FnOnce(&mut Config) + use<> {
    let entries = entries.to_vec();
    move |config: &mut Config| {
        config.scanner.allow_hosts = entries;
        config.scanner.politeness_delay_ms = 0;
        // Every fixture site is on 127.0.0.1: one target host for the per-host quota.
        config.scanner.per_host_limit = 1000;
        config.scanner.per_site_limit = 1000;
    }
}

/// A quick-scan body for `url`.
pub fn quick(url: &str) -> Value {
    json!({"url": url, "scan_type": "quick"})
}

/// A full-scan body for `url`.
pub fn full(url: &str) -> Value {
    json!({"url": url, "scan_type": "full"})
}
