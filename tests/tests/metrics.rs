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
