//! Scoring of synced pages: the stored score card, its wire shapes, the WordPress fixtures of
//! `tests/fixtures/seo/`, and full-text search over scored content.

use serde_json::{Value, json};
use siloq_tests::{TestApp, TestUser, fixtures_dir};
use std::collections::BTreeSet;

async fn owner_with_site(app: &TestApp, url: &str) -> (TestUser, String) {
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, url).await;
    (owner, app.key(site).await)
}

fn fired(seo: &Value) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = seo["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["type"].as_str().unwrap().to_string())
        .collect();
    ids.extend(
        seo["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["type"].as_str().unwrap().to_string()),
    );
    ids
}

#[tokio::test]
async fn a_synced_page_carries_a_complete_score_card() {
    let app = TestApp::spawn().await;
    let (owner, key) = owner_with_site(&app, "https://acme.example").await;
    let body = json!({"wp_post_id": 7, "url": "https://acme.example/drain_cleaning/", "title": "Drains",
        "content": "<h1>Drains</h1><p>We clean drains. <a href=\"https://elsewhere.example/\">click here</a></p><img src=\"/a.jpg\">"});
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(&key)
        .json(&body)
        .send()
        .await
        .expect(201);
    let score = r.json["seo_score"].as_i64().expect("a score on sync");
    assert!((0..=100).contains(&score));
    let id = r.i64("page_id");
    let seo = app
        .get(&format!("/api/v1/pages/{id}/seo"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(seo["seo_score"], score);
    assert_eq!(seo["source"], "server");
    assert_eq!(
        seo["category_scores"]["technical"],
        Value::Null,
        "content-only pages have no technical score"
    );
    assert_eq!(seo["category_scores"]["performance"], Value::Null);
    assert!(seo["category_scores"]["content"].is_i64());
    let issues = seo["issues"].as_array().unwrap();
    assert_eq!(r.json["issue_count"], issues.len());
    let total: f64 = issues
        .iter()
        .map(|i| i["points_lost"].as_f64().unwrap())
        .sum();
    assert!(
        (total - (100 - score) as f64).abs() < 0.011,
        "points_lost add up to 100 - score ({total} vs {score})"
    );
    for i in issues {
        for field in [
            "type",
            "category",
            "severity",
            "message",
            "points_lost",
            "details",
        ] {
            assert!(i.get(field).is_some(), "issue lacks {field}");
        }
    }
    for rec in seo["recommendations"].as_array().unwrap() {
        assert_eq!(rec["issue"], rec["message"]);
        assert!(["high", "medium", "low"].contains(&rec["priority"].as_str().unwrap()));
    }
    let types = fired(&seo);
    for expected in [
        "headings.h1.in_content",
        "url.underscore",
        "links.text.generic",
        "images.alt.missing",
        "content.thin",
        "links.internal.none",
    ] {
        assert!(
            types.contains(expected),
            "{expected} should fire: {types:?}"
        );
    }
    assert_eq!(seo["h1_count"], 1, "server measurements fill the SEO form");
    assert_eq!(seo["images_without_alt"], 1);
    let list = app
        .get("/api/v1/pages")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(list["results"][0]["seo_score"], score);
    assert_eq!(
        list["results"][0]["ruleset_revision"], 1,
        "scored under the bundled ruleset"
    );
    assert_eq!(seo["degraded"], false);
    assert_eq!(seo["diagnostics"], json!([]));
    assert!(list["results"][0]["grade"].is_string());
}

#[tokio::test]
async fn noindex_pages_are_capped_at_40() {
    let app = TestApp::spawn().await;
    let (_, key) = owner_with_site(&app, "https://acme.example").await;
    let body = json!({"wp_post_id": 1, "url": "https://acme.example/a/", "title": "A page title that is long enough", "is_noindex": true, "content": ""});
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(&key)
        .json(&body)
        .send()
        .await
        .expect(201);
    assert!(r.json["seo_score"].as_i64().unwrap() <= 40);
}

/// The WordPress fixtures through the bundled extensions.
#[tokio::test]
async fn wordpress_fixtures_fire_what_they_must() {
    for name in ["02-wp-gutenberg", "06-thin-content"] {
        let dir = fixtures_dir().join("seo");
        let fixture: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.sync.json"))).unwrap(),
        )
        .unwrap();
        let expect: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.expect.json"))).unwrap(),
        )
        .unwrap();
        let app = TestApp::spawn().await;
        let owner = app.user("owner@x.test").await;
        let site = app
            .site(&owner, fixture["site"]["url"].as_str().unwrap())
            .await;
        let key = app.key(site).await;
        let id = app
            .post("/api/v1/pages/sync")
            .bearer(&key)
            .json(&fixture["sync"])
            .send()
            .await
            .expect(201)
            .i64("page_id");
        if let Some(seo_data) = fixture.get("seo_data") {
            app.post(&format!("/api/v1/pages/{id}/seo-data"))
                .bearer(&key)
                .json(seo_data)
                .send()
                .await
                .expect(201);
        }
        let seo = app
            .get(&format!("/api/v1/pages/{id}/seo"))
            .bearer(&owner.token)
            .send()
            .await
            .expect(200)
            .json;
        let fired = fired(&seo);
        for rule in expect["must_fire"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
        {
            assert!(
                fired.contains(rule),
                "{name}: {rule} must fire; fired {fired:?}"
            );
        }
        for rule in expect["must_not_fire"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
        {
            assert!(
                !fired.contains(rule),
                "{name}: {rule} must not fire; fired {fired:?}"
            );
        }
    }
}

#[tokio::test]
async fn search_finds_pages_by_words_of_title_and_content() {
    let app = TestApp::spawn().await;
    let (owner, key) = owner_with_site(&app, "https://acme.example").await;
    let sync = |n: i64, title: &str, content: &str| {
        let body = json!({"wp_post_id": n, "url": format!("https://acme.example/{n}/"), "title": title, "content": content});
        let (app, key) = (&app, &key);
        async move {
            app.post("/api/v1/pages/sync")
                .bearer(key)
                .json(&body)
                .send()
                .await
                .expect(201)
                .i64("page_id")
        }
    };
    let drains = sync(
        1,
        "Drain Cleaning",
        "<p>We unclog kitchen sinks quickly.</p>",
    )
    .await;
    let heaters = sync(
        2,
        "Water Heaters",
        "<p>We repair every drain and heater.</p>",
    )
    .await;
    let roofs = sync(3, "Roofing", "<p>Shingles and gutters.</p>").await;
    let search = |q: &str| {
        let url = format!(
            "/api/v1/pages?search={}",
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let (app, token) = (&app, owner.token.clone());
        async move { app.get(&url).bearer(&token).send().await.expect(200).json }
    };
    let ids = |v: &Value| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&search("drain").await),
        vec![drains, heaters],
        "title matches rank first"
    );
    assert_eq!(
        ids(&search("unclog KITCHEN").await),
        vec![drains],
        "every word must match, case-insensitively"
    );
    assert_eq!(
        ids(&search("shingl").await),
        vec![roofs],
        "words match as prefixes"
    );
    assert_eq!(ids(&search("plumber").await), Vec::<i64>::new());
    assert_eq!(
        search("\"(* OR").await["count"],
        0,
        "operator syntax is plain words to the index, never a database error"
    );
    assert_eq!(
        search("\"(*)\" -").await["count"],
        3,
        "a query without words applies no filter"
    );
    let r = app
        .get(&format!("/api/v1/pages?search={}", "a".repeat(201)))
        .bearer(&owner.token)
        .send()
        .await
        .expect(400);
    assert!(r.json["search"].is_array());
}
