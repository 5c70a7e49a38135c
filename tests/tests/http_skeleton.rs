//! The HTTP skeleton: error envelopes for every framework rejection, slash-optional routing without redirects,
//! request ids, security headers, CORS, health and readiness.

use serde_json::json;
use siloq_tests::TestApp;

#[tokio::test]
async fn unknown_route_is_json_404() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/does-not-exist/").send().await.expect(404);
    assert_eq!(
        r.json,
        json!({"detail":"The requested resource was not found.","code":"not_found","error":"Not found","status":404})
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn wrong_method_is_json_405_with_allow() {
    let app = TestApp::spawn().await;
    let r = app.put("/api/v1/health/").send().await.expect(405);
    assert_eq!(
        r.json,
        json!({"detail":"Method \"PUT\" not allowed.","code":"method_not_allowed"})
    );
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
    let r = app
        .req(reqwest::Method::TRACE, "/healthz")
        .send()
        .await
        .expect(405);
    assert_eq!(r.str("code"), "method_not_allowed");
}

#[tokio::test]
async fn options_answers_allow_and_empty_object() {
    let app = TestApp::spawn().await;
    let r = app
        .req(reqwest::Method::OPTIONS, "/api/v1/health")
        .send()
        .await
        .expect(200);
    assert_eq!(r.json, json!({}));
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
}

#[tokio::test]
async fn trailing_and_doubled_slashes_reach_the_same_route_without_redirect() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/health",
        "/api/v1/health/",
        "/api/v1//health",
        "//api//v1/health/",
    ] {
        let r = app.get(path).send().await;
        assert_eq!(r.status(), 200, "{path}: {}", r.text);
        assert_eq!(r.str("status"), "healthy");
    }
}

#[tokio::test]
async fn head_is_accepted_wherever_get_is() {
    let app = TestApp::spawn().await;
    let r = app
        .req(reqwest::Method::HEAD, "/api/v1/health/")
        .send()
        .await
        .expect(200);
    assert!(r.text.is_empty());
}

#[tokio::test]
async fn request_ids_are_kept_or_generated() {
    let app = TestApp::spawn().await;
    let r = app
        .get("/healthz")
        .header("x-request-id", "abc-123.x:y")
        .send()
        .await
        .expect(200);
    assert_eq!(r.header("x-request-id"), Some("abc-123.x:y"));
    let r = app
        .get("/healthz")
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .expect(200);
    let generated = r.header("x-request-id").unwrap();
    assert_eq!(generated.len(), 36, "a UUID v4 replaces an invalid id");
    let r = app.get("/nope").send().await.expect(404);
    assert!(
        r.header("x-request-id").is_some(),
        "errors carry the id too"
    );
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/health").send().await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("referrer-policy"), Some("same-origin"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let r = app.get("/healthz").send().await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        r.header("cache-control"),
        None,
        "no-store applies under /api/v1 only"
    );
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let app =
        TestApp::spawn_with(|c| c.cors.allowed_origins = vec!["https://app.siloq.ai".into()]).await;
    let r = app
        .get("/api/v1/health")
        .header("origin", "https://app.siloq.ai")
        .send()
        .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.siloq.ai")
    );
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    let r = app
        .get("/api/v1/health")
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect(200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        None,
        "an unlisted origin is never echoed"
    );

    let r = app
        .req(reqwest::Method::OPTIONS, "/api/v1/health")
        .header("origin", "https://app.siloq.ai")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect(200);
    assert_eq!(r.json, json!({}));
    assert_eq!(r.header("access-control-max-age"), Some("86400"));
    assert!(
        r.header("access-control-allow-headers")
            .unwrap()
            .contains("X-API-Key")
    );
}

#[tokio::test]
async fn allowed_hosts_refuse_other_host_headers() {
    let app = TestApp::spawn_with(|c| c.server.allowed_hosts = vec!["api.siloq.test".into()]).await;
    let r = app
        .get("/api/v1/health")
        .header("host", "evil.example")
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"Invalid host header.","code":"invalid_host"})
    );
    app.get("/api/v1/health")
        .header("host", "api.siloq.test:8000")
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn health_and_readiness_check_the_database() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/health/").send().await.expect(200);
    assert_eq!(r.str("database"), "ok");
    assert_eq!(r.str("redis"), "not_configured");
    let r = app.get("/readyz").send().await.expect(200);
    assert_eq!(r.json["checks"]["database"], "ok");
    assert_eq!(r.json["checks"]["migrations"], "ok");
    app.get("/healthz").send().await.expect(200);

    app.state().store.close().await;
    let r = app.get("/readyz").send().await.expect(503);
    assert_eq!(r.json["checks"]["database"], "unavailable");
    assert_eq!(r.str("code"), "service_unavailable");
    let r = app.get("/api/v1/health").send().await.expect(503);
    assert_eq!(r.str("status"), "unhealthy");
    app.get("/healthz").send().await.expect(200);
}

/// A site key for body-rejection tests on a real JSON route.
async fn sync_route(app: &TestApp) -> String {
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    app.key(site).await
}

#[tokio::test]
async fn body_rejections_use_the_error_envelope() {
    let app = TestApp::spawn_with(|c| c.server.page_body_limit_bytes = 64 * 1024).await;
    let key = sync_route(&app).await;
    let post = || app.post("/api/v1/pages/sync").bearer(&key);

    let r = post()
        .body("application/x-www-form-urlencoded; charset=utf-8", "a=1")
        .send()
        .await
        .expect(415);
    assert_eq!(
        r.json,
        json!({"detail":"Unsupported media type \"application/x-www-form-urlencoded\" in request.","code":"unsupported_media_type"})
    );
    post()
        .body("application/json; charset=latin-1", "{}")
        .send()
        .await
        .expect(415);

    let r = post()
        .body("application/json", r#"{"name":"#)
        .send()
        .await
        .expect(400);
    assert_eq!(r.str("code"), "parse_error");
    assert!(r.str("detail").starts_with("JSON parse error - "));
    assert!(
        !r.text.contains("\"name\":"),
        "the reason never echoes the body"
    );

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        post()
            .body("application/json", deep)
            .send()
            .await
            .expect(400)
            .str("code"),
        "parse_error"
    );
    assert_eq!(
        post()
            .body("application/json", vec![b'"', 0xff, b'"'])
            .send()
            .await
            .expect(400)
            .str("code"),
        "parse_error"
    );

    let r = post()
        .body("application/json", "[1, 2]")
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"Invalid data. Expected a dictionary, but got list.","code":"invalid","non_field_errors":["Invalid data. Expected a dictionary, but got list."]})
    );
    let r = post()
        .body("text/plain", "\"text\"")
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json["non_field_errors"][0],
        "Invalid data. Expected a dictionary, but got str."
    );

    let big = format!("{{\"content\":\"{}\"}}", "x".repeat(100 * 1024));
    let r = post()
        .body("application/json", big)
        .send()
        .await
        .expect(413);
    assert_eq!(
        r.json,
        json!({"detail":"Request body too large.","code":"payload_too_large"})
    );

    // Whitespace-only bodies read as {} whatever the content type says.
    let r = post()
        .body("application/xml", "  \n ")
        .send()
        .await
        .expect(400);
    assert_eq!(r.json["wp_post_id"], json!(["This field is required."]));
}

#[tokio::test]
async fn a_chunked_body_is_cut_off_at_the_limit() {
    let app = TestApp::spawn_with(|c| c.server.page_body_limit_bytes = 64 * 1024).await;
    let key = sync_route(&app).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..200).map(|_| Ok(vec![b' '; 4096])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(&key)
        .body("application/json", body)
        .send()
        .await
        .expect(413);
    assert_eq!(r.str("code"), "payload_too_large");
}
