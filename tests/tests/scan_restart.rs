//! Durable scans (api.md §11.1, security.md §13): an instance that stops mid-scan hands the job back with its
//! frontier saved; the next instance resumes it and the scan completes without fetching a page twice. A
//! `siloq serve` process killed with SIGKILL mid-scan loses nothing either: its job lease expires and an
//! instance resumes the scan from the pages it had saved. A scan that cannot end is failed with `timeout` instead of staying `processing` forever.

use serde_json::Value;
use siloq_tests::fixture_site::{FixtureSite, Route};
use siloq_tests::process::ServeProcess;
use siloq_tests::scans::{allow, full, quick};
use siloq_tests::{Arg, TestApp};
use std::collections::HashMap;
use std::time::Duration;

const PAGES: usize = 8;

fn slow_site(base: &str) -> HashMap<String, Route> {
    let links: String = (1..PAGES)
        .map(|i| format!("<a href=\"{base}/p{i}/\">Page number {i}</a> "))
        .collect();
    let mut routes = HashMap::from([
        (
            "/robots.txt".to_string(),
            Route::text("text/plain", "User-agent: *\nAllow: /\n"),
        ),
        (
            "/".to_string(),
            Route::html(format!(
                "<title>Home page</title><h1>Home</h1><p>{links}</p>"
            ))
            .delayed(Duration::from_millis(300)),
        ),
    ]);
    for i in 1..PAGES {
        routes.insert(
            format!("/p{i}/"),
            Route::html(format!(
                "<title>Page {i} of the site</title><h1>Page {i}</h1><p><a href=\"/\">Home</a></p>"
            ))
            .delayed(Duration::from_millis(300)),
        );
    }
    routes
}

/// An owner, a site and a key for it.
async fn site_key(app: &TestApp) -> String {
    let owner = app.user("owner@example.com").await;
    let site_id = app.site(&owner, "https://owner.example").await;
    app.key(site_id).await
}

#[tokio::test]
async fn a_scan_interrupted_by_a_restart_completes_on_the_next_instance() {
    let site = FixtureSite::start(slow_site).await;
    let entries = vec![site.allow_entry()];
    let app = TestApp::spawn_with(allow(&entries)).await;
    let key = site_key(&app).await;
    let id = app
        .start_scan(&key, full(&format!("{}/", site.base())))
        .await
        .expect(201)
        .i64("id");

    // Stop the instance once the crawl is under way.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let scan = app
            .get(&format!("/api/v1/scans/{id}/"))
            .api_key(&key)
            .send()
            .await
            .expect(200)
            .json;
        if scan["pages_analyzed"].as_i64().unwrap_or(0) >= 1 {
            assert_eq!(scan["status"], "processing");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the scan never started: {scan}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let database = app.shutdown_keep_database().await;
    let fetched_before = site.requested().len();
    assert!(
        fetched_before <= PAGES,
        "the first instance stopped before the end: {:?}",
        site.requested()
    );
    // The draining instance handed its job back: queued, due now, unleased, its attempt given back.
    let handed_back = database
        .fetch_i64(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'scan.run' AND status = 'queued' AND lease_token IS NULL \
             AND lease_expires_at IS NULL AND attempts = 0 AND run_at <= $1",
            &[Arg::Time(chrono::Utc::now())],
        )
        .await;
    assert_eq!(handed_back, Some(1), "the scan job was not handed back");

    // The next instance claims it at once: far sooner than the lease (60 s) would have let it.
    let resumed_at = std::time::Instant::now();
    let app = TestApp::spawn_on(database, |c| {
        allow(&entries)(c);
        c.jobs.lease_secs = 60;
    })
    .await;
    let scan = app.wait_scan(&key, id, Duration::from_secs(60)).await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert!(
        resumed_at.elapsed() < Duration::from_secs(20),
        "the next instance took {:?}",
        resumed_at.elapsed()
    );
    // One attempt in all: the hand-back did not count against max_attempts.
    assert_eq!(
        app.database
            .fetch_i64("SELECT attempts FROM jobs WHERE kind = 'scan.run'", &[])
            .await,
        Some(1)
    );
    assert_eq!(scan["pages_analyzed"], PAGES);
    // Resumed from the saved frontier: robots.txt and every page were fetched exactly once.
    assert_eq!(site.hits("/robots.txt"), 1, "{:?}", site.requested());
    assert_eq!(site.hits("/"), 1);
    for i in 1..PAGES {
        assert_eq!(site.hits(&format!("/p{i}/")), 1, "{:?}", site.requested());
    }
    let report = app
        .get(&format!("/api/v1/scans/{id}/report/"))
        .api_key(&key)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(report["pages"].as_array().map(Vec::len), Some(PAGES));
    app.shutdown().await;
}

#[tokio::test]
async fn a_scan_survives_a_crash_of_its_instance() {
    let site = FixtureSite::start(slow_site).await;
    let entries = vec![site.allow_entry()];
    // The owner, site and key are made in process; a `siloq serve` child then runs the scan on that database.
    let app = TestApp::spawn_with(allow(&entries)).await;
    let key = site_key(&app).await;
    let database = app.shutdown_keep_database().await;
    let env = [
        (
            "SILOQ_SCANNER__ALLOW_HOSTS",
            format!("[\"{}\"]", entries[0]),
        ),
        ("SILOQ_SCANNER__POLITENESS_DELAY_MS", "0".to_string()),
        ("SILOQ_SCANNER__PER_HOST_LIMIT", "1000".to_string()),
        ("SILOQ_JOBS__LEASE_SECS", "4".to_string()),
    ];
    let crashing = ServeProcess::start(&database, &env).await;
    let http = reqwest::Client::new();
    let created: Value = http
        .post(crashing.api("/scans/"))
        .header("x-api-key", &key)
        .json(&full(&format!("{}/", site.base())))
        .send()
        .await
        .expect("create scan")
        .json()
        .await
        .expect("scan JSON");
    let id = created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{created}"));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let scan: Value = http
            .get(crashing.api(&format!("/scans/{id}/")))
            .header("x-api-key", &key)
            .send()
            .await
            .expect("scan")
            .json()
            .await
            .expect("scan JSON");
        if scan["pages_analyzed"].as_i64().unwrap_or(0) >= 1 {
            assert_eq!(scan["status"], "processing");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the scan never started: {scan}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // SIGKILL: no drain, no hand-back; the job's lease is left to expire.
    drop(crashing);
    assert!(
        site.requested().len() <= PAGES,
        "the instance died before the end: {:?}",
        site.requested()
    );

    let app = TestApp::spawn_on(database, |c| {
        allow(&entries)(c);
        c.jobs.lease_secs = 4;
    })
    .await;
    let scan = app.wait_scan(&key, id, Duration::from_secs(60)).await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert_eq!(scan["pages_analyzed"], PAGES);
    // Pages saved before the crash are not fetched again; one in flight at the crash may be.
    for path in std::iter::once("/".to_string()).chain((1..PAGES).map(|i| format!("/p{i}/"))) {
        let hits = site.hits(&path);
        assert!((1..=2).contains(&hits), "{path}: {:?}", site.requested());
    }
    let report = app
        .get(&format!("/api/v1/scans/{id}/report/"))
        .api_key(&key)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(report["pages"].as_array().map(Vec::len), Some(PAGES));
    app.shutdown().await;
}

#[tokio::test]
async fn a_scan_that_cannot_end_is_failed_with_timeout() {
    let site = FixtureSite::start(slow_site).await;
    let entries = vec![site.allow_entry()];
    // No worker can finish it in time: the stuck limit is shorter than the first fetch.
    let app = TestApp::spawn_with(|c| {
        allow(&entries)(c);
        c.scanner.stuck_after_secs = 0;
    })
    .await;
    let key = site_key(&app).await;
    let id = app
        .start_scan(&key, quick(&format!("{}/", site.base())))
        .await
        .expect(201)
        .i64("id");
    let scan = app.wait_scan(&key, id, Duration::from_secs(30)).await;
    assert_eq!(scan["status"], "failed", "{scan}");
    assert_eq!(scan["error_message"], "timeout");
    assert!(scan["completed_at"].is_string());
    app.shutdown().await;
}
