//! Scans of local fixture sites through the public API (api.md §11): the crawl of the SEO corpus's site
//! fixture, both result shapes, the JSON and HTML reports, and hostile sites that end in the §11.7 codes.

use serde_json::{Value, json};
use siloq_tests::TestApp;
use siloq_tests::fixture_site::{FixtureSite, Route, northwind};
use siloq_tests::scans::{allow, full, quick};
use std::collections::HashMap;
use std::time::Duration;

async fn app_for(
    sites: &[&FixtureSite],
    tweak: impl FnOnce(&mut siloq_kernel::config::Config),
) -> (TestApp, String) {
    let entries: Vec<String> = sites.iter().map(|s| s.allow_entry()).collect();
    let app = TestApp::spawn_with(|c| {
        allow(&entries)(c);
        tweak(c);
    })
    .await;
    let owner = app.user("owner@example.com").await;
    let site = app.site(&owner, "https://owner.example").await;
    let key = app.key(site).await;
    (app, key)
}

const CATEGORIES: [(&str, &str); 5] = [
    ("technical_score", "technical"),
    ("content_score", "content"),
    ("structure_score", "structure"),
    ("performance_score", "performance"),
    ("seo_score", "onpage"),
];

fn grade(score: i64) -> &'static str {
    match score {
        95.. => "A+",
        90..=94 => "A",
        80..=89 => "B",
        70..=79 => "C",
        60..=69 => "D",
        _ => "F",
    }
}

#[tokio::test]
async fn a_full_scan_crawls_the_fixture_site_and_reports_in_both_shapes() {
    // Under the corpus's own origin, over HTTPS, as its expectations assume (the name pinned to the loopback
    // server, its certificate trusted).
    let site = FixtureSite::start_tls("northwind-bikes.example", northwind).await;
    let (app, key) = app_for(&[&site], site.scanner_settings()).await;
    let base = site.base();
    let created = app
        .start_scan(&key, full(&format!("{base}/")))
        .await
        .expect(201);
    assert_eq!(created.str("status"), "pending");
    assert!(created.json["results"].is_null());
    assert_eq!(created.json["recommendations"], json!([]));
    assert_eq!(created.json["max_pages"], 25);
    let id = created.i64("id");
    let scan = app.wait_scan(&key, id, Duration::from_secs(90)).await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert_eq!(scan["error_message"], "");

    // robots.txt first, every page once, the orphan page reached through the sitemap.
    let requested = site.requested();
    assert_eq!(requested[0], "/robots.txt", "{requested:?}");
    for path in [
        "/",
        "/services/",
        "/pricing/",
        "/about/",
        "/blog/",
        "/blog/winter-storage/",
        "/blog/chain-care/",
        "/contact/",
        "/spring-tune-up/",
    ] {
        assert_eq!(site.hits(path), 1, "{path} in {requested:?}");
    }
    assert_eq!(site.hits("/sitemap.xml"), 1);
    assert_eq!(
        site.hits("/team/"),
        1,
        "the broken internal link is requested once"
    );
    assert_eq!(scan["pages_analyzed"], 9);
    assert_eq!(scan["pages_crawled"], 9);
    assert!(scan["pages_discovered"].as_i64().expect("discovered") >= 10);

    // Shape one: score/results; shape two: overall_score/grade/category scores.
    let score = scan["score"].as_i64().expect("score");
    assert!((0..=100).contains(&score));
    assert_eq!(scan["overall_score"], score);
    assert_eq!(scan["grade"], grade(score));
    for (wire, category) in CATEGORIES {
        assert_eq!(scan[wire], scan["category_scores"][category], "{wire}");
        assert_eq!(
            scan["results"][wire], scan["category_scores"][category],
            "results.{wire}"
        );
    }
    assert!(
        scan["category_scores"]["technical"].is_i64(),
        "scanned pages score the technical category"
    );
    assert_eq!(scan["recommendations"], scan["results"]["recommendations"]);
    assert!(scan["results"]["issues"].is_array());
    for key in [
        "technical_details",
        "content_details",
        "structure_details",
        "performance_details",
        "seo_details",
    ] {
        assert!(scan[key]["issue_count"].is_u64(), "{key}: {}", scan[key]);
    }
    assert!(scan["ruleset_revision"].is_i64());
    assert!(scan["scan_duration_seconds"].is_number());
    assert_eq!(scan["final_url"], format!("{base}/"));

    let report = app
        .get(&format!("/api/v1/scans/{id}/report/"))
        .api_key(&key)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(report["scan_id"], id);
    assert_eq!(report["score"], score);
    assert_eq!(report["upgrade_cta"]["scan_id_param"], id);
    let pages = report["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 9);
    assert_eq!(
        pages[0]["url"],
        format!("{base}/"),
        "crawl order starts at the start page"
    );
    assert_eq!(
        pages[8]["url"],
        format!("{base}/spring-tune-up/"),
        "sitemap pages come after the link queue"
    );
    assert!(
        pages
            .iter()
            .all(|p| p["seo_score"].is_i64() && p["status_code"] == 200)
    );
    // Services and pricing share a title: one cannibalisation group.
    let groups = report["keyword_cannibalization_details"]
        .as_array()
        .expect("groups");
    let duplicate = groups
        .iter()
        .find(|g| g["conflict_type"] == "duplicate_title")
        .unwrap_or_else(|| panic!("no duplicate-title group in {groups:?}"));
    let urls: Vec<&str> = duplicate["conflicting_urls"]
        .as_array()
        .expect("urls")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        urls.contains(&format!("{base}/services/").as_str())
            && urls.contains(&format!("{base}/pricing/").as_str()),
        "{urls:?}"
    );
    assert_eq!(
        report["keyword_cannibalization"]["issues_found"],
        groups.len()
    );
    assert_eq!(report["scan_summary"]["total_pages_analyzed"], 9);
    corpus_expectations_hold(&report, &base, score);
    let recs = report["recommendations"]
        .as_array()
        .expect("recommendations");
    let locked: Vec<Value> = recs.iter().skip(3).map(|r| r["issue"].clone()).collect();
    assert_eq!(report["locked_recommendations"], json!(locked));

    let html = app
        .get(&format!("/api/v1/scans/{id}/report.html"))
        .api_key(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        html.header("content-security-policy")
            .is_some_and(|c| c.starts_with("default-src 'none'"))
    );
    assert!(html.text.contains(&format!("Overall score: {score}")));
    let same = app
        .get(&format!("/api/v1/scans/{id}/report/?format=html"))
        .api_key(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(same.text, html.text);
    let bad = app
        .get(&format!("/api/v1/scans/{id}/report/?format=xml"))
        .api_key(&key)
        .send()
        .await
        .expect(400);
    assert_eq!(
        bad.json["format"],
        json!(["\"xml\" is not a valid choice."])
    );
    app.shutdown().await;
}

/// `site.expect.json` of the SEO corpus (fixtures README "Site fixture"): `rule` fires anywhere (a site rule
/// or on any crawled page), `rule@/path/` fires on that page or as a site rule whose affected pages include it;
/// the overall score lies in `score_range`.
fn corpus_expectations_hold(report: &Value, base: &str, score: i64) {
    let expect: Value = serde_json::from_str(
        &std::fs::read_to_string(siloq_tests::fixtures_dir().join("seo/site.expect.json"))
            .expect("site.expect.json"),
    )
    .expect("site.expect.json parses");
    let issues = report["results"]["issues"]
        .as_array()
        .expect("report issues");
    let pages = report["pages"].as_array().expect("report pages");
    let fired = |entry: &str| -> bool {
        let (rule, path) = match entry.split_once('@') {
            Some((rule, path)) => (rule, Some(format!("{base}{path}"))),
            None => (entry, None),
        };
        let in_report = issues.iter().any(|i| {
            i["type"] == rule
                && path.as_ref().is_none_or(|url| {
                    i["details"]["urls"]
                        .as_array()
                        .is_some_and(|urls| urls.iter().any(|u| u == url.as_str()))
                })
        });
        let on_page = pages.iter().any(|p| {
            path.as_ref().is_none_or(|url| p["url"] == url.as_str())
                && p["issues"]
                    .as_array()
                    .is_some_and(|list| list.iter().any(|i| i["type"] == rule))
        });
        in_report || on_page
    };
    let names = |key: &str| -> Vec<String> {
        expect[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|v| v.as_str().expect("entry").to_string())
            .collect()
    };
    let missing: Vec<String> = names("must_fire")
        .into_iter()
        .filter(|e| !fired(e))
        .collect();
    assert!(
        missing.is_empty(),
        "must fire but did not: {missing:?}\n{issues:#?}"
    );
    let unexpected: Vec<String> = names("must_not_fire")
        .into_iter()
        .filter(|e| fired(e))
        .collect();
    assert!(
        unexpected.is_empty(),
        "must not fire but did: {unexpected:?}\n{issues:#?}"
    );
    let range = &expect["score_range"];
    let (low, high) = (
        range[0].as_i64().expect("low"),
        range[1].as_i64().expect("high"),
    );
    assert!(
        (low..=high).contains(&score),
        "score {score} outside {low}..={high}: {issues:#?}"
    );
}

#[tokio::test]
async fn hostile_start_pages_fail_with_their_codes() {
    let site = FixtureSite::start(|_| {
        HashMap::from([
            ("/loop".to_string(), Route::redirect(302, "/loop")),
            (
                "/huge".to_string(),
                Route::html("a".repeat(6 * 1024 * 1024)),
            ),
            (
                "/slow".to_string(),
                Route::html("<title>late</title>").delayed(Duration::from_secs(4)),
            ),
            (
                "/file.pdf".to_string(),
                Route::text("application/pdf", "%PDF-1.4"),
            ),
            (
                "/robots.txt".to_string(),
                Route::text("text/plain", "User-agent: *\nDisallow: /private/\n"),
            ),
        ])
    })
    .await;
    let (app, key) = app_for(&[&site], |c| c.scanner.request_timeout_secs = 1).await;
    let base = site.base();
    for (path, code) in [
        ("/loop", "too_many_redirects"),
        ("/huge", "response_too_large"),
        ("/slow", "timeout"),
        ("/file.pdf", "unsupported_content_type"),
        ("/private/page", "robots_disallowed"),
    ] {
        let scan = app.scan_to_end(&key, quick(&format!("{base}{path}"))).await;
        assert_eq!(scan["status"], "failed", "{path}: {scan}");
        assert_eq!(scan["error_message"], code, "{path}");
        let report = app
            .get(&format!("/api/v1/scans/{}/report/", scan["id"]))
            .api_key(&key)
            .send()
            .await
            .expect(400);
        assert_eq!(
            report.json,
            json!({"detail": "Scan failed", "code": "scan_failed", "error": "Scan failed",
            "scan_status": "failed", "error_message": code})
        );
    }
    assert_eq!(
        site.hits("/private/page"),
        0,
        "a disallowed page is never requested"
    );
    assert_eq!(
        site.hits("/loop"),
        6,
        "the first request and five redirects"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_error_start_page_completes_with_score_zero() {
    let site = FixtureSite::start(|_| {
        HashMap::from([(
            "/".to_string(),
            Route::html("<title>Oops</title><h1>Server error</h1>").status(500),
        )])
    })
    .await;
    let (app, key) = app_for(&[&site], |_| {}).await;
    let scan = app
        .scan_to_end(&key, quick(&format!("{}/", site.base())))
        .await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert_eq!(scan["score"], 0);
    assert_eq!(scan["grade"], "F");
    let types: Vec<&str> = scan["results"]["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["type"].as_str())
        .collect();
    assert!(types.contains(&"http.status.error"), "{types:?}");
    app.shutdown().await;
}

#[tokio::test]
async fn a_report_before_completion_says_so_and_scans_are_scoped() {
    let site = FixtureSite::start(|_| {
        HashMap::from([
            (
                "/robots.txt".to_string(),
                Route::text("text/plain", "User-agent: *\nAllow: /\n")
                    .delayed(Duration::from_secs(3)),
            ),
            (
                "/".to_string(),
                Route::html("<title>Home</title><h1>Home</h1>"),
            ),
        ])
    })
    .await;
    let (app, key) = app_for(&[&site], |_| {}).await;
    let id = app
        .start_scan(&key, quick(&format!("{}/", site.base())))
        .await
        .expect(201)
        .i64("id");
    let early = app
        .get(&format!("/api/v1/scans/{id}/report/"))
        .api_key(&key)
        .send()
        .await
        .expect(400);
    assert_eq!(early.str("code"), "not_completed");
    assert_eq!(early.str("error"), "Scan not completed yet");
    assert!(matches!(
        early.json["scan_status"].as_str(),
        Some("pending" | "processing")
    ));

    // Another owner's key and JWT see nothing; the owner's JWT sees it and must name a site to create one.
    let other = app.user("other@example.com").await;
    let other_site = app.site(&other, "https://other.example").await;
    let other_key = app.key(other_site).await;
    app.get(&format!("/api/v1/scans/{id}/"))
        .api_key(&other_key)
        .send()
        .await
        .expect(404);
    app.get(&format!("/api/v1/scans/{id}/"))
        .bearer(&other.token)
        .send()
        .await
        .expect(404);
    let listed = app
        .get("/api/v1/scans/")
        .bearer(&other.token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.json["count"], 0);
    let missing = app
        .post("/api/v1/scans/")
        .bearer(&other.token)
        .json(&quick("https://example.com/"))
        .send()
        .await
        .expect(400);
    assert_eq!(missing.json["site_id"], json!(["This field is required."]));
    app.post("/api/v1/scans/")
        .bearer(&other.token)
        .json(&json!({"url": "https://example.com/", "site_id": 999_999}))
        .send()
        .await
        .expect(404);
    app.get("/api/v1/scans/").send().await.expect(403);
    app.get("/api/v1/scans/")
        .bearer("not-a-token")
        .send()
        .await
        .expect(401);
    let bad = app
        .start_scan(
            &key,
            json!({"url": "https://example.com/", "scan_type": "deep", "max_pages": 0}),
        )
        .await
        .expect(400);
    assert_eq!(
        bad.json["scan_type"],
        json!(["\"deep\" is not a valid choice."])
    );
    assert_eq!(
        bad.json["max_pages"],
        json!(["Ensure this value is greater than or equal to 1."])
    );

    let scan = app.wait_scan(&key, id, Duration::from_secs(60)).await;
    assert_eq!(scan["status"], "completed", "{scan}");
    let mine = app
        .get("/api/v1/scans/?status=completed&scan_type=quick")
        .api_key(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(mine.json["count"], 1);
    assert_eq!(mine.json["results"][0]["id"], id);
    let none = app
        .get("/api/v1/scans/?status=failed")
        .api_key(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(none.json["count"], 0);
    app.get("/api/v1/scans/?status=bogus")
        .api_key(&key)
        .send()
        .await
        .expect(400);
    app.shutdown().await;
}

#[tokio::test]
async fn a_quick_scan_head_checks_the_start_pages_internal_links() {
    let site = FixtureSite::start(|base| {
        HashMap::from([
            (
                "/robots.txt".to_string(),
                Route::text("text/plain", "User-agent: *\nDisallow: /private/\n"),
            ),
            (
                "/".to_string(),
                Route::html(format!(
                    "<!DOCTYPE html><html lang=\"en\"><title>Quick scan home page</title><h1>Home</h1>\
                     <p><a href=\"{base}/ok/\">A live page</a> <a href=\"/gone/\">A dead page</a> \
                     <a href=\"/moved/\">A moved page</a> <a href=\"/private/\">A private page</a> \
                     <a href=\"/ok/#part\">The live page again</a></p>"
                )),
            ),
            (
                "/ok/".to_string(),
                Route::html("<title>Live</title><h1>Live</h1>"),
            ),
            ("/moved/".to_string(), Route::redirect(301, "/ok/")),
        ])
    })
    .await;
    let (app, key) = app_for(&[&site], |_| {}).await;
    let base = site.base();
    let scan = app.scan_to_end(&key, quick(&format!("{base}/"))).await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert_eq!(scan["pages_analyzed"], 1, "a quick scan judges one page");
    // Each distinct target once (the fragment link is the same target); robots.txt is obeyed.
    assert_eq!(site.hits("/gone/"), 1, "{:?}", site.requested());
    assert_eq!(site.hits("/moved/"), 1);
    assert_eq!(
        site.hits("/ok/"),
        2,
        "the live page and the redirect's target"
    );
    assert_eq!(site.hits("/private/"), 0);
    let fired = |rule: &str| -> Vec<Value> {
        scan["results"]["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .filter(|i| i["type"] == rule)
            .cloned()
            .collect()
    };
    let broken = fired("links.broken_internal");
    assert_eq!(broken.len(), 1, "{}", scan["results"]["issues"]);
    assert!(
        broken[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/gone/")),
        "{broken:?}"
    );
    let redirecting = fired("links.to_redirect");
    assert_eq!(redirecting.len(), 1, "{}", scan["results"]["issues"]);
    assert!(
        redirecting[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/moved/")),
        "{redirecting:?}"
    );
    app.shutdown().await;
}
