//! `POST /pages/sync/` with the real plugin payloads of api.md §9.1 (both generations), partial updates, null
//! semantics, validation, concurrency and key scoping.

use serde_json::{Value, json};
use siloq_kernel::db::{PageFilter, PageId, SiteId};
use siloq_tests::{TestApp, TestUser};

struct World {
    app: TestApp,
    owner: TestUser,
    site: SiteId,
    key: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme-plumbing.example").await;
    let key = app.key(site).await;
    World {
        app,
        owner,
        site,
        key,
    }
}

fn plugin_b_page() -> Value {
    json!({"wp_post_id":42,"url":"https://acme-plumbing.example/services/drain-cleaning/","title":"Drain Cleaning",
     "content":"<h1>Drain</h1><p>We clean drains. <a href=\"/contact/\">Contact us</a></p>","excerpt":"We clean drains",
     "status":"publish","post_type":"page","published_at":"2024-01-02 03:04:05","modified_at":"2024-02-03 04:05:06",
     "slug":"drain-cleaning","parent_id":0,"menu_order":3,"is_homepage":false,"is_noindex":false,
     "meta":{"yoast_title":"Drain Cleaning | Acme","yoast_description":"Fast drain cleaning.","featured_image":"https://acme-plumbing.example/img.jpg"}})
}

fn plugin_b_category() -> Value {
    json!({"wp_post_id":"term_7","url":"https://acme-plumbing.example/category/plumbing/","title":"Plumbing","content":"All plumbing products",
     "excerpt":"All plumbing products","status":"publish","post_type":"product_cat","slug":"plumbing","parent_id":0,
     "is_homepage":false,"is_noindex":false,"meta":{"yoast_title":"","yoast_description":"","_yoast_wpseo_meta-robots-noindex":"1"}})
}

fn plugin_c_page() -> Value {
    json!({"wp_post_id":42,"title":"Drain Cleaning","content":"Drain Cleaning\nWe clean drains. Contact us","url":"https://acme-plumbing.example/services/drain-cleaning/",
     "type":"page","status":"publish","author":"Alice","modified":"2026-11-20 14:03:11","site_id":"","page_builder":"elementor",
     "yoast_title":"Drain Cleaning | Acme","yoast_description":"Fast drain cleaning.","faq_questions":["How long does it take?"],
     "links_extracted":[{"text":"Contact us","href":"https://acme-plumbing.example/contact/","is_internal":true}],
     "headings_extracted":[{"level":1,"text":"Drain Cleaning"}],"junk_action":null,"junk_reason":null})
}

impl World {
    async fn sync(&self, body: &Value) -> siloq_tests::Resp {
        self.app
            .post("/api/v1/pages/sync/")
            .bearer(&self.key)
            .json(body)
            .send()
            .await
    }

    async fn detail(&self, id: i64) -> Value {
        self.app
            .get(&format!("/api/v1/pages/{id}"))
            .bearer(&self.owner.token)
            .send()
            .await
            .expect(200)
            .json
    }

    async fn page_count(&self) -> i64 {
        let filter = PageFilter {
            site_id: Some(self.site),
            include_noindex: true,
            limit: 100,
            ..Default::default()
        };
        self.app.state().store.list_pages(&filter).await.unwrap().0
    }
}

#[tokio::test]
async fn plugin_b_page_is_created_with_every_field_stored() {
    let w = world().await;
    let r = w.sync(&plugin_b_page()).await.expect(201);
    let id = r.i64("page_id");
    assert_eq!(r.json["id"], id);
    assert_eq!(r.json["site_id"], w.site.0);
    assert_eq!(r.json["created"], true);
    assert_eq!(r.str("message"), "Page synced successfully");
    assert!(r.json.get("seo_score").is_some() && r.json.get("issue_count").is_some());

    let d = w.detail(id).await;
    assert_eq!(d["wp_post_id"], 42);
    assert_eq!(d["title"], "Drain Cleaning");
    assert_eq!(d["slug"], "drain-cleaning");
    assert_eq!(d["published_at"], "2024-01-02T03:04:05.000000Z");
    assert_eq!(d["modified_at"], "2024-02-03T04:05:06.000000Z");
    assert_eq!(d["menu_order"], 3);
    assert_eq!(d["parent_id"], 0);
    assert_eq!(
        d["yoast_title"], "Drain Cleaning | Acme",
        "flattened from meta"
    );
    assert_eq!(d["yoast_description"], "Fast drain cleaning.");
    assert_eq!(d["featured_image"], "https://acme-plumbing.example/img.jpg");
    assert_eq!(d["content_format"], "html");
    assert_eq!(d["status"], "publish");
    assert_eq!(d["post_type"], "page");
    assert_eq!(d["site"]["id"], w.site.0);
    assert!(d["last_synced_at"].as_str().unwrap().ends_with('Z'));

    let site = w
        .app
        .state()
        .store
        .page_of_site(w.site, PageId(id))
        .await
        .unwrap();
    assert_eq!(site.excerpt, "We clean drains");
}

#[tokio::test]
async fn plugin_b_product_category_keeps_its_text_id_and_noindex_from_meta() {
    let w = world().await;
    let id = w
        .sync(&plugin_b_category())
        .await
        .expect(201)
        .i64("page_id");
    let d = w.detail(id).await;
    assert_eq!(d["wp_post_id"], "term_7");
    assert_eq!(d["post_type"], "product_cat");
    assert_eq!(
        d["is_noindex"], false,
        "a top-level is_noindex wins over meta (meta fills absent fields only)"
    );
    // Without the top-level field, Yoast's meta flag supplies it.
    let mut body = plugin_b_category();
    body.as_object_mut().unwrap().remove("is_noindex");
    w.sync(&body).await.expect(200);
    assert_eq!(
        w.detail(id).await["is_noindex"],
        true,
        "_yoast_wpseo_meta-robots-noindex \"1\""
    );
    assert_eq!(
        w.page_count().await,
        1,
        "the same text id updates the same row"
    );
}

#[tokio::test]
async fn plugin_c_payload_uses_aliases_and_plain_text() {
    let w = world().await;
    let id = w.sync(&plugin_c_page()).await.expect(201).i64("id");
    let d = w.detail(id).await;
    assert_eq!(d["post_type"], "page");
    assert_eq!(
        d["modified_at"], "2026-11-20T14:03:11.000000Z",
        "site-local time read as UTC"
    );
    assert_eq!(d["author"], "Alice");
    assert_eq!(d["page_builder"], "elementor");
    assert_eq!(d["content_format"], "text");
    assert_eq!(d["faq_questions"], json!(["How long does it take?"]));
    assert_eq!(
        d["links_extracted"][0]["href"],
        "https://acme-plumbing.example/contact/"
    );
    assert_eq!(
        d["headings_extracted"],
        json!([{"level":1,"text":"Drain Cleaning"}])
    );
    assert_eq!(d["slug"], "drain-cleaning", "derived from the URL");
}

#[tokio::test]
async fn resync_keeps_omitted_fields_and_null_resets() {
    let w = world().await;
    let id = w.sync(&plugin_b_page()).await.expect(201).i64("page_id");
    let r = w.sync(&json!({"wp_post_id": 42, "url": "https://acme-plumbing.example/services/drain-cleaning/", "title": "Drains"})).await.expect(200);
    assert_eq!(r.json["created"], false);
    assert_eq!(r.i64("page_id"), id);
    let d = w.detail(id).await;
    assert_eq!(d["title"], "Drains");
    assert_eq!(
        d["menu_order"], 3,
        "omitted fields keep their stored values"
    );
    assert_eq!(d["slug"], "drain-cleaning");
    assert_eq!(d["yoast_title"], "Drain Cleaning | Acme");
    assert_eq!(d["published_at"], "2024-01-02T03:04:05.000000Z");

    w.sync(&json!({"wp_post_id": "42", "url": "https://acme-plumbing.example/x/our-services/", "title": "", "slug": null,
        "menu_order": null, "published_at": "0000-00-00 00:00:00", "featured_image": false, "yoast_title": null}))
        .await
        .expect(200);
    let d = w.detail(id).await;
    assert_eq!(d["title"], "", "a blank title is allowed");
    assert_eq!(
        d["slug"], "our-services",
        "null slug is derived from the URL"
    );
    assert_eq!(d["menu_order"], 0);
    assert_eq!(
        d["published_at"],
        Value::Null,
        "a WordPress zero date means null"
    );
    assert_eq!(d["featured_image"], "");
    assert_eq!(d["yoast_title"], "");
    assert_eq!(w.page_count().await, 1, "\"42\" and 42 are the same page");
}

#[tokio::test]
async fn validation_errors_use_the_field_list_shape_and_change_nothing() {
    let w = world().await;
    let r = w
        .sync(&json!({"url": "not a url", "title": "x", "published_at": "yesterday"}))
        .await
        .expect(400);
    assert_eq!(r.str("code"), "invalid");
    assert_eq!(r.str("detail"), "wp_post_id: This field is required.");
    assert_eq!(r.json["wp_post_id"], json!(["This field is required."]));
    assert_eq!(r.json["url"], json!(["Enter a valid URL."]));
    assert!(
        r.json["published_at"][0]
            .as_str()
            .unwrap()
            .starts_with("Datetime has wrong format.")
    );

    for (field, value) in [
        ("wp_post_id", json!(true)),
        ("wp_post_id", json!(1.5)),
        ("wp_post_id", json!({})),
        ("status", json!(null)),
        ("status", json!("x".repeat(21))),
        ("post_type", json!("bad type")),
        ("menu_order", json!(2_147_483_648_i64)),
        ("headings_extracted", json!("nope")),
        ("is_noindex", json!("maybe")),
    ] {
        let mut body = plugin_b_page();
        body[field] = value.clone();
        let r = w.sync(&body).await;
        assert_eq!(r.status(), 400, "{field}={value}: {}", r.text);
        assert!(r.json[field].is_array(), "{field} listed: {}", r.text);
    }
    assert_eq!(w.page_count().await, 0, "a refused sync writes nothing");
}

#[tokio::test]
async fn wrong_shaped_array_items_are_dropped_and_empty_objects_read_as_lists() {
    let w = world().await;
    let mut body = plugin_c_page();
    body["headings_extracted"] =
        json!([{"level": 9, "text": "x"}, {"level": "2", "text": "Kept"}, "junk"]);
    body["faq_questions"] = json!({});
    body["links_extracted"] =
        json!([{"href": "/a", "text": "A"}, {"href": "/b", "text": 5, "is_internal": "yes"}]);
    let id = w.sync(&body).await.expect(201).i64("page_id");
    let d = w.detail(id).await;
    assert_eq!(
        d["headings_extracted"],
        json!([{"level": 2, "text": "Kept"}])
    );
    assert_eq!(d["faq_questions"], json!([]));
    assert_eq!(
        d["links_extracted"],
        json!([{"text": "5", "href": "/b", "is_internal": true}])
    );
}

#[tokio::test]
async fn concurrent_syncs_of_one_new_page_create_exactly_one_row() {
    let w = world().await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = w.app.client.clone();
        let key = w.key.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post("/api/v1/pages/sync")
                .bearer(&key)
                .json(&plugin_b_page())
                .send()
                .await
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().status());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(w.page_count().await, 1);
}

#[tokio::test]
async fn one_homepage_per_site_even_under_concurrency() {
    let w = world().await;
    let mut tasks = Vec::new();
    for n in 1..=6 {
        let client = w.app.client.clone();
        let key = w.key.clone();
        let body = json!({"wp_post_id": n, "url": format!("https://acme-plumbing.example/p{n}/"), "title": "P", "is_homepage": true});
        tasks.push(tokio::spawn(async move {
            client
                .post("/api/v1/pages/sync")
                .bearer(&key)
                .json(&body)
                .send()
                .await
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let filter = PageFilter {
        site_id: Some(w.site),
        include_noindex: true,
        limit: 100,
        ..Default::default()
    };
    let (_, pages) = w.app.state().store.list_pages(&filter).await.unwrap();
    assert_eq!(pages.iter().filter(|p| p.is_homepage).count(), 1);

    // `false` clears the flag on that page only.
    let home = pages.iter().find(|p| p.is_homepage).unwrap();
    let body =
        json!({"wp_post_id": home.wp_post_id, "url": home.url, "title": "P", "is_homepage": false});
    w.sync(&body).await.expect(200);
    let (_, pages) = w.app.state().store.list_pages(&filter).await.unwrap();
    assert_eq!(pages.iter().filter(|p| p.is_homepage).count(), 0);
}

#[tokio::test]
async fn the_site_comes_from_the_key_never_from_the_body() {
    let w = world().await;
    let other_owner = w.app.user("other@x.test").await;
    let other_site = w.app.site(&other_owner, "https://other.example").await;
    let mut body = plugin_b_page();
    body["site_id"] = json!(other_site.0);
    let r = w.sync(&body).await.expect(201);
    assert_eq!(r.json["site_id"], w.site.0);
    let filter = PageFilter {
        site_id: Some(other_site),
        include_noindex: true,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(w.app.state().store.list_pages(&filter).await.unwrap().0, 0);
}

#[tokio::test]
async fn key_failures_are_one_uniform_403() {
    let w = world().await;
    let mut altered = w.key.clone();
    altered.replace_range(20..21, if &altered[20..21] == "A" { "B" } else { "A" });
    let expected = json!({"detail":"Authentication credentials were not provided.","code":"not_authenticated"});
    for credential in [
        Some(altered.as_str()),
        Some(&w.key[9..]),
        Some(w.owner.token.as_str()),
        None,
    ] {
        let mut req = w.app.post("/api/v1/pages/sync").json(&plugin_b_page());
        if let Some(c) = credential {
            req = req.bearer(c);
        }
        let r = req.send().await.expect(403);
        assert_eq!(r.json, expected);
        assert!(r.header("www-authenticate").is_none());
    }
    // X-API-Key works as well as Bearer.
    w.app
        .post("/api/v1/pages/sync")
        .api_key(&w.key)
        .json(&plugin_b_page())
        .send()
        .await
        .expect(201);
    let r = w
        .app
        .get("/api/v1/pages/sync")
        .bearer(&w.key)
        .send()
        .await
        .expect(405);
    assert_eq!(r.header("allow"), Some("OPTIONS, POST"));
}

#[tokio::test]
async fn seo_data_is_stored_merged_and_scoped_to_the_keys_site() {
    let w = world().await;
    let id = w.sync(&plugin_b_page()).await.expect(201).i64("page_id");
    let path = format!("/api/v1/pages/{id}/seo-data/");
    let r = w.app.post(&path).bearer(&w.key)
        .json(&json!({"meta_title": "Drains", "h1_count": 1, "images": [{"src": "a.jpg", "alt": null}, {"src": "b.jpg", "alt": ""}],
            "seo_score": 100, "issues": [{"type": "fake"}]}))
        .send().await.expect(201);
    assert_eq!(r.json["created"], true);
    assert_eq!(r.str("message"), "SEO data synced successfully");
    assert!(
        r.json["issues"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["type"] != "fake"),
        "client issues are ignored"
    );
    let seo_id = r.i64("seo_data_id");

    let r = w
        .app
        .post(&path)
        .bearer(&w.key)
        .json(&json!({"word_count": 350}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.i64("seo_data_id"), seo_id);
    assert_eq!(r.json["created"], false);

    let seo = w
        .app
        .get(&format!("/api/v1/pages/{id}/seo"))
        .bearer(&w.owner.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(seo["id"], seo_id);
    assert_eq!(seo["source"], "plugin");
    assert_eq!(
        seo["meta_title"], "Drains",
        "earlier fields survive a later partial upsert"
    );
    assert_eq!(seo["word_count"], 350);
    assert_eq!(
        seo["images"],
        json!([{"src": "a.jpg", "alt": null}, {"src": "b.jpg", "alt": ""}])
    );
    assert_ne!(seo["seo_score"], 100);

    let r = w
        .app
        .post(&path)
        .bearer(&w.key)
        .json(&json!({"meta_title": null, "canonical_url": "nope"}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.json["meta_title"], json!(["This field may not be null."]));
    assert_eq!(r.json["canonical_url"], json!(["Enter a valid URL."]));

    // Another site's key cannot touch this page.
    let other = w.app.user("b@x.test").await;
    let other_site = w.app.site(&other, "https://b.example").await;
    let other_key = w.app.key(other_site).await;
    w.app
        .post(&path)
        .bearer(&other_key)
        .json(&json!({"word_count": 1}))
        .send()
        .await
        .expect(404);
    w.app
        .post("/api/v1/pages/999999/seo-data")
        .bearer(&w.key)
        .json(&json!({}))
        .send()
        .await
        .expect(404);
}

#[tokio::test]
async fn dashboard_page_routes_are_owner_scoped() {
    let w = world().await;
    let id = w.sync(&plugin_b_page()).await.expect(201).i64("page_id");
    let intruder = w.app.user("intruder@x.test").await;
    for path in [
        format!("/api/v1/pages/{id}"),
        format!("/api/v1/pages/{id}/seo/"),
    ] {
        let r = w
            .app
            .get(&path)
            .bearer(&intruder.token)
            .send()
            .await
            .expect(404);
        assert_eq!(r.json, json!({"detail":"Not found.","code":"not_found"}));
        w.app.get(&path).bearer(&w.key).send().await.expect(401);
        w.app.get(&path).send().await.expect(401);
    }
    w.app
        .post(&format!("/api/v1/pages/{id}/toggle_money_page"))
        .bearer(&intruder.token)
        .send()
        .await
        .expect(404);
    for bad in ["abc", "0", "01", "-1"] {
        w.app
            .get(&format!("/api/v1/pages/{bad}"))
            .bearer(&w.owner.token)
            .send()
            .await
            .expect(404);
    }
}

#[tokio::test]
async fn toggle_money_page_flips_and_ignores_the_body() {
    let w = world().await;
    let id = w.sync(&plugin_b_page()).await.expect(201).i64("page_id");
    let path = format!("/api/v1/pages/{id}/toggle_money_page/");
    let r = w
        .app
        .post(&path)
        .bearer(&w.owner.token)
        .body("application/json", "")
        .send()
        .await
        .expect(200);
    assert_eq!(
        r.json,
        json!({"success": true, "id": id, "is_money_page": true, "message": "Page \"Drain Cleaning\" is now a money page."})
    );
    let r = w
        .app
        .post(&path)
        .bearer(&w.owner.token)
        .body("text/html", "<garbage")
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["is_money_page"], false);
    assert_eq!(
        r.str("message"),
        "Page \"Drain Cleaning\" is now a regular page."
    );
}
