//! Scan-creation quotas (api.md §2.9): per target host and per site, 429 `throttled` with `Retry-After`.

use siloq_tests::TestApp;
use siloq_tests::fixture_site::{FixtureSite, Route};
use siloq_tests::scans::{allow, quick};
use std::collections::HashMap;

async fn tiny_site() -> FixtureSite {
    FixtureSite::start(|_| {
        HashMap::from([(
            "/".to_string(),
            Route::html("<title>Home</title><h1>Home</h1>"),
        )])
    })
    .await
}

#[tokio::test]
async fn a_target_host_gets_a_limited_number_of_scans_per_window() {
    let site = tiny_site().await;
    let entries = vec![site.allow_entry()];
    let app = TestApp::spawn_with(|c| {
        allow(&entries)(c);
        c.scanner.per_host_limit = 2;
        c.scanner.per_host_window_secs = 600;
    })
    .await;
    let owner = app.user("owner@example.com").await;
    let first = app.site(&owner, "https://one.example").await;
    let second = app.site(&owner, "https://two.example").await;
    let (k1, k2) = (app.key(first).await, app.key(second).await);
    let url = format!("{}/", site.base());
    app.start_scan(&k1, quick(&url)).await.expect(201);
    app.start_scan(&k2, quick(&url)).await.expect(201);
    // The host is counted across sites.
    let refused = app
        .start_scan(&k1, quick(&format!("{}/other", site.base())))
        .await
        .expect(429);
    assert_eq!(refused.str("code"), "throttled");
    let wait: u64 = refused
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=600).contains(&wait), "{wait}");
    assert_eq!(
        refused.str("detail"),
        format!("Request was throttled. Expected available in {wait} seconds.")
    );
    let listed = app
        .get("/api/v1/scans/")
        .api_key(&k1)
        .send()
        .await
        .expect(200);
    assert_eq!(
        listed.json["count"], 1,
        "a throttled request stores nothing"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_site_gets_a_limited_number_of_scans_per_window() {
    let site = tiny_site().await;
    let entries = vec![site.allow_entry()];
    let app = TestApp::spawn_with(|c| {
        allow(&entries)(c);
        c.scanner.per_site_limit = 2;
    })
    .await;
    let owner = app.user("owner@example.com").await;
    let mine = app.site(&owner, "https://one.example").await;
    let theirs = app.site(&owner, "https://two.example").await;
    let (k1, k2) = (app.key(mine).await, app.key(theirs).await);
    let url = format!("{}/", site.base());
    app.start_scan(&k1, quick(&url)).await.expect(201);
    app.start_scan(&k1, quick(&url)).await.expect(201);
    app.start_scan(&k1, quick(&url)).await.expect(429);
    // The dashboard's JWT counts against the same site.
    let refused = app
        .post("/api/v1/scans/")
        .bearer(&owner.token)
        .json(&serde_json::json!({"url": url, "site_id": mine.0}))
        .send()
        .await
        .expect(429);
    assert!(refused.header("retry-after").is_some());
    app.start_scan(&k2, quick(&url)).await.expect(201);
    app.shutdown().await;
}
