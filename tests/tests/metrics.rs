//! `GET /metrics` (api.md §15.4, security.md EH-8): Prometheus text that parses, request counts by route template
//! and status (never the raw path), the queue depth and ruleset gauges, and the optional bearer token.

use prometheus_parse::{Sample, Scrape, Value};
use siloq_tests::{Resp, TestApp};

fn parse(resp: &Resp) -> Scrape {
    // The parser skips lines it does not understand, so each sample line is also checked by hand first.
    for line in resp.text.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample line: {line}"));
        assert!(
            value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
            "bad value in {line}"
        );
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':'),
            "bad metric name in {line}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "unterminated labels in {line}");
        }
    }
    Scrape::parse(resp.text.lines().map(|l| Ok(l.to_owned()))).expect("Prometheus text")
}

fn find<'a>(scrape: &'a Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
}

fn number(sample: &Sample) -> f64 {
    match &sample.value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
        other => panic!("not a number: {other:?}"),
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let app = TestApp::spawn().await;
    for id in ["123", "456", "789"] {
        app.get(&format!("/api/v1/pages/{id}/"))
            .send()
            .await
            .expect(401);
    }
    app.get("/api/v1/health/").send().await.expect(200);
    app.get("/api/v1/no-such-route-secret-path")
        .send()
        .await
        .expect(404);

    let resp = app.get("/metrics").send().await.expect(200);
    assert_eq!(
        resp.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let scrape = parse(&resp);

    // prometheus-parse cuts label values at `}`, so templates with `{id}` are checked on the exact line.
    assert!(
        resp.text.lines().any(|l| l
            == r#"siloq_http_requests_total{method="GET",route="/api/v1/pages/{id}/",status="401"} 3"#),
        "page detail series in {}",
        resp.text
    );
    let health = find(
        &scrape,
        "siloq_http_requests_total",
        &[("route", "/api/v1/health/"), ("status", "200")],
    )
    .expect("health series");
    assert_eq!(number(health), 1.0);
    let unknown = find(
        &scrape,
        "siloq_http_requests_total",
        &[("route", "unmatched"), ("status", "404")],
    )
    .expect("unknown paths share one series");
    assert_eq!(number(unknown), 1.0);

    // The latency histogram exists per route template.
    assert!(resp.text.lines().any(|l| l
        == r#"siloq_http_request_duration_seconds_count{method="GET",route="/api/v1/pages/{id}/"} 3"#));

    // Raw paths never become labels.
    assert!(!resp.text.contains("/api/v1/pages/123"));
    assert!(!resp.text.contains("no-such-route-secret-path"));

    let revision = find(&scrape, "siloq_ruleset_active_revision", &[]).expect("revision gauge");
    assert_eq!(number(revision), 1.0);
    let queued =
        find(&scrape, "siloq_jobs_queued", &[("kind", "page.rescore")]).expect("queue depth gauge");
    assert_eq!(number(queued), 0.0);
    let build = find(&scrape, "siloq_build_info", &[]).expect("build info");
    assert_eq!(number(build), 1.0);
    assert!(build.labels.get("version").is_some());
}

#[tokio::test]
async fn a_configured_token_protects_metrics() {
    let token = "metrics-scrape-token-0123456789";
    let app = TestApp::spawn_with(|c| {
        c.metrics.token = Some(siloq_kernel::config::SecretString::new(token));
    })
    .await;
    let none = app.get("/metrics").send().await.expect(401);
    assert_eq!(none.str("code"), "not_authenticated");
    assert_eq!(
        none.str("detail"),
        "Authentication credentials were not provided."
    );
    let wrong = app
        .get("/metrics")
        .bearer("metrics-scrape-token-0123456780")
        .send()
        .await
        .expect(401);
    assert_eq!(wrong.str("code"), "not_authenticated");
    let ok = app.get("/metrics").bearer(token).send().await.expect(200);
    let scrape = parse(&ok);
    assert!(find(&scrape, "siloq_build_info", &[]).is_some());
    assert!(!ok.text.contains(token));
}

#[tokio::test]
async fn jobs_scans_extension_calls_and_the_pool_are_measured() {
    use siloq_tests::fixture_site::{FixtureSite, Route};
    use siloq_tests::scans::{allow, quick};
    use std::collections::HashMap;
    use std::time::Duration;

    let site = FixtureSite::start(|_| {
        HashMap::from([
            (
                "/robots.txt".to_string(),
                Route::text("text/plain", "User-agent: *\nAllow: /\n"),
            ),
            (
                "/".to_string(),
                Route::html("<title>Home page of the site</title><h1>Home</h1><p>Welcome.</p>"),
            ),
        ])
    })
    .await;
    let entries = vec![site.allow_entry()];
    let app = TestApp::spawn_with(allow(&entries)).await;
    let owner = app.user("owner@example.com").await;
    let site_id = app.site(&owner, "https://owner.example").await;
    let key = app.key(site_id).await;
    // A page sync scores the page: the bundled extensions are called.
    app.post("/api/v1/pages/sync")
        .bearer(&key)
        .json(&serde_json::json!({"wp_post_id": 1, "url": "https://owner.example/a/", "title": "A page"}))
        .send()
        .await
        .expect(201);
    let id = app
        .start_scan(&key, quick(&format!("{}/", site.base())))
        .await
        .expect(201)
        .i64("id");
    let scan = app.wait_scan(&key, id, Duration::from_secs(30)).await;
    assert_eq!(scan["status"], "completed", "{scan}");

    // The job's outcome is recorded just after the scan row completes.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let (resp, scrape) = loop {
        let resp = app.get("/metrics").send().await.expect(200);
        let scrape = parse(&resp);
        if find(
            &scrape,
            "siloq_jobs_total",
            &[("kind", "scan.run"), ("outcome", "succeeded")],
        )
        .is_some()
            || std::time::Instant::now() > deadline
        {
            break (resp, scrape);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    let jobs = find(
        &scrape,
        "siloq_jobs_total",
        &[("kind", "scan.run"), ("outcome", "succeeded")],
    )
    .expect("job outcome series");
    assert_eq!(number(jobs), 1.0);
    assert!(
        resp.text
            .lines()
            .any(|l| l == r#"siloq_job_duration_seconds_count{kind="scan.run"} 1"#),
        "job duration histogram in {}",
        resp.text
    );
    for kind in [
        "page.rescore",
        "rulesets.rescore_pages",
        "scan.run",
        "webhook.deliver",
    ] {
        assert!(
            find(&scrape, "siloq_jobs_queued", &[("kind", kind)]).is_some(),
            "queue depth of {kind}"
        );
    }
    for status in ["pending", "completed"] {
        let scans = find(
            &scrape,
            "siloq_scans_total",
            &[("scan_type", "quick"), ("status", status)],
        )
        .unwrap_or_else(|| panic!("scans {status}"));
        assert_eq!(number(scans), 1.0);
    }
    let calls = scrape
        .samples
        .iter()
        .filter(|s| s.metric == "siloq_extension_calls_total")
        .filter(|s| s.labels.get("outcome") == Some("ok"))
        .map(number)
        .sum::<f64>();
    assert!(calls >= 1.0, "extension calls in {}", resp.text);
    assert!(
        resp.text
            .lines()
            .any(|l| l.starts_with("siloq_extension_call_duration_seconds_count{extension=")),
        "extension call durations"
    );
    let open = find(&scrape, "siloq_db_pool_connections", &[("state", "open")]).expect("pool size");
    assert!(number(open) >= 1.0);
    for state in ["idle", "in_use"] {
        assert!(
            find(&scrape, "siloq_db_pool_connections", &[("state", state)]).is_some(),
            "pool {state}"
        );
    }
    app.shutdown().await;
}
