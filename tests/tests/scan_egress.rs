//! The scanner's egress policy through the public API (api.md §11.7, security.md §9): refusals at creation,
//! refusals of redirect hops during the crawl, and a canary listener that must never see a connection.

use serde_json::json;
use siloq_tests::TestApp;
use siloq_tests::fixture_site::{Canary, FixtureSite, Route};
use siloq_tests::scans::{allow, quick};
use std::collections::HashMap;

async fn app_with_key(allow_entries: &[String]) -> (TestApp, String) {
    let app = TestApp::spawn_with(allow(allow_entries)).await;
    let owner = app.user("owner@example.com").await;
    let site = app.site(&owner, "https://owner.example").await;
    let key = app.key(site).await;
    (app, key)
}

#[tokio::test]
async fn internal_destinations_are_refused_at_creation_without_a_connection() {
    let canary = Canary::start().await;
    let (app, key) = app_with_key(&[]).await;
    let p = canary.port;
    for url in [
        format!("http://127.0.0.1:{p}/"),
        format!("http://2130706433:{p}/"),
        format!("http://127.1:{p}/"),
        format!("http://0x7f.1:{p}/"),
        format!("http://[::1]:{p}/"),
        format!("http://[::ffff:127.0.0.1]:{p}/"),
        format!("http://localhost:{p}/"),
        "http://127.0.0.1/".to_string(),
        "http://2130706433/".to_string(),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/".to_string(),
        "http://[fd00:ec2::254]/".to_string(),
        "http://metadata.google.internal/".to_string(),
        "http://printer.local/".to_string(),
        "http://user:secret@example.com/".to_string(),
        "http://example.com:22/".to_string(),
    ] {
        let resp = app.start_scan(&key, quick(&url)).await.expect(400);
        assert_eq!(resp.json["url"], json!(["URL is not allowed."]), "{url}");
        assert_eq!(resp.str("detail"), "url: URL is not allowed.");
    }
    let resp = app
        .start_scan(&key, quick("ftp://example.com/"))
        .await
        .expect(400);
    assert_eq!(resp.json["url"], json!(["Enter a valid URL."]));
    let listed = app
        .get("/api/v1/scans/")
        .api_key(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.json["count"], 0, "refused scans are not stored");
    assert_eq!(canary.connections(), 0);
    app.shutdown().await;
}

#[tokio::test]
async fn a_redirect_to_a_loopback_port_that_is_not_allow_listed_fails_the_scan() {
    let canary = Canary::start().await;
    let p = canary.port;
    let site = FixtureSite::start(|_| {
        HashMap::from([
            (
                "/".to_string(),
                Route::redirect(302, &format!("http://127.0.0.1:{p}/admin")),
            ),
            (
                "/odd".to_string(),
                Route::redirect(301, &format!("http://2130706433:{p}/")),
            ),
            (
                "/robots.txt".to_string(),
                Route::text("text/plain", "User-agent: *\nAllow: /\n"),
            ),
        ])
    })
    .await;
    let (app, key) = app_with_key(&[site.allow_entry()]).await;
    for path in ["/", "/odd"] {
        let scan = app
            .scan_to_end(&key, quick(&format!("{}{path}", site.base())))
            .await;
        assert_eq!(scan["status"], "failed", "{scan}");
        assert_eq!(scan["error_message"], "destination_blocked");
        assert!(scan["completed_at"].is_string());
        assert!(scan["scan_duration_seconds"].is_number());
        assert!(scan["score"].is_null());
    }
    assert_eq!(canary.connections(), 0, "the canary saw a connection");
    app.shutdown().await;
}
