//! `GET /pages/`: scoping, filters, ordering, pagination and full-text search (api.md §10.1).

use serde_json::{Value, json};
use siloq_tests::{TestApp, TestUser};

async fn setup() -> (TestApp, TestUser, i64, String) {
    let app = TestApp::spawn().await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    let key = app.key(site).await;
    (app, owner, site.0, key)
}

async fn sync(app: &TestApp, key: &str, body: Value) -> i64 {
    app.post("/api/v1/pages/sync")
        .bearer(key)
        .json(&body)
        .send()
        .await
        .expect(201)
        .i64("page_id")
}

fn ids(r: &siloq_tests::Resp) -> Vec<i64> {
    r.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn lists_only_the_callers_pages_newest_first() {
    let (app, owner, site, key) = setup().await;
    let a = sync(
        &app,
        &key,
        json!({"wp_post_id": 1, "url": "https://acme.example/a/", "title": "A"}),
    )
    .await;
    let b = sync(
        &app,
        &key,
        json!({"wp_post_id": 2, "url": "https://acme.example/b/", "title": "B"}),
    )
    .await;
    let other = app.user("other@x.test").await;
    let other_site = app.site(&other, "https://other.example").await;
    let other_key = app.key(other_site).await;
    sync(
        &app,
        &other_key,
        json!({"wp_post_id": 1, "url": "https://other.example/a/", "title": "Theirs"}),
    )
    .await;

    let r = app
        .get("/api/v1/pages")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["count"], 2);
    assert_eq!(r.json["next"], Value::Null);
    assert_eq!(r.json["previous"], Value::Null);
    assert_eq!(ids(&r), vec![b, a]);
    let item = &r.json["results"][0];
    for field in [
        "id",
        "site_id",
        "wp_post_id",
        "url",
        "title",
        "slug",
        "status",
        "post_type",
        "published_at",
        "modified_at",
        "last_synced_at",
        "seo_score",
        "grade",
        "issue_count",
        "is_money_page",
        "is_noindex",
        "is_homepage",
        "ruleset_revision",
        "scored_at",
    ] {
        assert!(item.get(field).is_some(), "list item lacks {field}");
    }
    let r = app
        .get(&format!("/api/v1/pages?site_id={site}"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["count"], 2);
    let r = app
        .get(&format!("/api/v1/pages/?site_id={}", other_site.0))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["count"], 0, "another owner's site lists nothing");
    let r = app
        .get("/api/v1/pages?site_id=999")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        r.json["results"],
        json!([]),
        "the dashboard's demo site id answers an empty list"
    );
}

#[tokio::test]
async fn filters_combine() {
    let (app, owner, _, key) = setup().await;
    let publish = sync(&app, &key, json!({"wp_post_id": 1, "url": "https://acme.example/a/", "title": "A", "status": "publish", "post_type": "page"})).await;
    let draft = sync(&app, &key, json!({"wp_post_id": 2, "url": "https://acme.example/b/", "title": "B", "status": "Draft", "post_type": "post"})).await;
    let noindex = sync(&app, &key, json!({"wp_post_id": 3, "url": "https://acme.example/c/", "title": "C", "is_noindex": true})).await;
    let get = |q: &str| {
        app.get(&format!("/api/v1/pages?{q}"))
            .bearer(&owner.token)
            .send()
    };
    assert_eq!(ids(&get("status=draft").await.expect(200)), vec![draft]);
    assert_eq!(
        ids(&get("status=publish,draft&post_type=page").await.expect(200)),
        vec![publish]
    );
    assert!(
        !ids(&get("").await).contains(&noindex),
        "noindex pages are left out by default"
    );
    assert!(ids(&get("include_noindex=true").await).contains(&noindex));
    assert_eq!(
        ids(&get("is_money_page=true").await.expect(200)),
        Vec::<i64>::new()
    );
    assert_eq!(
        get("min_score=50").await.expect(200).json["count"],
        0,
        "unscored pages are left out of score ranges"
    );
}

#[tokio::test]
async fn ordering_is_allow_listed() {
    let (app, owner, _, key) = setup().await;
    let b = sync(
        &app,
        &key,
        json!({"wp_post_id": 1, "url": "https://acme.example/b/", "title": "Beta"}),
    )
    .await;
    let a = sync(
        &app,
        &key,
        json!({"wp_post_id": 2, "url": "https://acme.example/a/", "title": "Alpha"}),
    )
    .await;
    let r = app
        .get("/api/v1/pages?ordering=title")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(ids(&r), vec![a, b]);
    let r = app
        .get("/api/v1/pages?ordering=-title")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(ids(&r), vec![b, a]);
    let r = app
        .get("/api/v1/pages?ordering=password_hash")
        .bearer(&owner.token)
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json["ordering"],
        json!(["\"password_hash\" is not a valid choice."])
    );
    assert_eq!(r.str("code"), "invalid");
}

#[tokio::test]
async fn malformed_parameters_are_400_and_pages_paginate() {
    let (app, owner, _, key) = setup().await;
    for n in 1..=5 {
        sync(&app, &key, json!({"wp_post_id": n, "url": format!("https://acme.example/{n}/"), "title": format!("P{n}")})).await;
    }
    for (q, field) in [
        ("site_id=abc", "site_id"),
        ("min_score=101", "min_score"),
        ("has_issues=maybe", "has_issues"),
    ] {
        let r = app
            .get(&format!("/api/v1/pages?{q}"))
            .bearer(&owner.token)
            .send()
            .await
            .expect(400);
        assert!(r.json[field].is_array(), "{q}: {}", r.text);
    }
    let r = app
        .get("/api/v1/pages?page_size=2&status=publish")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["count"], 5);
    assert_eq!(r.json["results"].as_array().unwrap().len(), 2);
    let next = r.str("next").to_string();
    assert!(
        next.starts_with("http://")
            && next.contains("/api/v1/pages?")
            && next.contains("page=2")
            && next.contains("status=publish"),
        "{next}"
    );
    let r = app
        .get("/api/v1/pages?page_size=2&page=3")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["results"].as_array().unwrap().len(), 1);
    assert!(r.str("previous").contains("page=2"));
    let r = app
        .get("/api/v1/pages?page_size=2&page=4")
        .bearer(&owner.token)
        .send()
        .await
        .expect(404);
    assert_eq!(
        r.json,
        json!({"detail": "Invalid page.", "code": "not_found"})
    );
    app.get("/api/v1/pages?page=0")
        .bearer(&owner.token)
        .send()
        .await
        .expect(404);
    let r = app
        .get("/api/v1/pages?page_size=1000000")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        r.json["results"].as_array().unwrap().len(),
        5,
        "an oversized page_size is capped, not refused"
    );
    app.get("/api/v1/pages").send().await.expect(401);
}
