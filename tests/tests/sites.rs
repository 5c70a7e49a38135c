//! `/sites/*` (api.md §6): the site object field by field, validation, normalised-URL uniqueness on create and
//! update, the per-owner cap, pagination, cascading delete and the overview.

use serde_json::{Value, json};
use siloq_tests::{Arg, Resp, Seed, TestApp, TestUser};

const SITE_FIELDS: [&str; 19] = [
    "id",
    "name",
    "url",
    "wp_site_id",
    "is_active",
    "page_count",
    "api_key_count",
    "health_score",
    "last_synced_at",
    "sync_requested_at",
    "business_type",
    "primary_services",
    "service_areas",
    "target_audience",
    "business_description",
    "onboarding_complete",
    "needs_onboarding",
    "created_at",
    "updated_at",
];

fn assert_wire_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert_eq!(text.len(), 27, "{text}");
    assert!(text.ends_with('Z') && text.as_bytes()[19] == b'.', "{text}");
}

async fn create(app: &TestApp, user: &TestUser, body: Value) -> Resp {
    app.post("/api/v1/sites/")
        .bearer(&user.token)
        .json(&body)
        .send()
        .await
}

#[tokio::test]
async fn create_answers_the_site_object_field_by_field() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let r = create(
        &app,
        &alice,
        json!({"name":"  Acme Plumbing ","url":"https://acme-plumbing.example/"}),
    )
    .await
    .expect(201);
    assert!(r.header("location").is_none());
    let site = r.json.as_object().unwrap();
    let mut keys: Vec<&str> = site.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = SITE_FIELDS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert!(r.i64("id") > 0);
    assert_eq!(r.json["name"], "Acme Plumbing");
    assert_eq!(
        r.json["url"], "https://acme-plumbing.example/",
        "stored as sent"
    );
    assert_eq!(r.json["wp_site_id"], Value::Null);
    assert_eq!(r.json["is_active"], true);
    assert_eq!(r.json["page_count"], 0);
    assert_eq!(r.json["api_key_count"], 0);
    assert_eq!(r.json["health_score"], 0);
    assert_eq!(r.json["last_synced_at"], Value::Null);
    assert_eq!(r.json["sync_requested_at"], Value::Null);
    assert_eq!(r.json["business_type"], Value::Null);
    assert_eq!(r.json["primary_services"], json!([]));
    assert_eq!(r.json["service_areas"], json!([]));
    assert_eq!(r.json["target_audience"], "");
    assert_eq!(r.json["business_description"], "");
    assert_eq!(r.json["onboarding_complete"], false);
    assert_eq!(r.json["needs_onboarding"], true);
    assert_wire_time(&r.json["created_at"]);
    assert_wire_time(&r.json["updated_at"]);

    let got = app
        .get(&format!("/api/v1/sites/{}", r.i64("id")))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(got.json, r.json);
}

#[tokio::test]
async fn every_field_is_stored_and_returned() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let r = create(
        &app,
        &alice,
        json!({"name":"Shop","url":"http://shop.example:8080/a","wp_site_id":12,"is_active":"no",
               "business_type":"ecommerce","primary_services":["Repairs"," Installs "],"service_areas":["Leeds"],
               "target_audience":"Homeowners","business_description":"We fix things.","onboarding_complete":true,
               "id":999,"page_count":5,"user":77}),
    )
    .await
    .expect(201);
    assert_ne!(r.i64("id"), 999, "read-only fields are ignored");
    assert_eq!(r.json["wp_site_id"], "12");
    assert_eq!(r.json["is_active"], false);
    assert_eq!(r.json["business_type"], "ecommerce");
    assert_eq!(r.json["primary_services"], json!(["Repairs", "Installs"]));
    assert_eq!(r.json["service_areas"], json!(["Leeds"]));
    assert_eq!(r.json["target_audience"], "Homeowners");
    assert_eq!(r.json["business_description"], "We fix things.");
    assert_eq!(r.json["onboarding_complete"], true);
    assert_eq!(r.json["needs_onboarding"], false);
    assert_eq!(r.json["page_count"], 0);
}

#[tokio::test]
async fn validation_errors_follow_the_field_table() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let r = create(&app, &alice, json!({})).await.expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"name: This field is required.","code":"invalid",
               "name":["This field is required."],"url":["This field is required."]})
    );
    let r = create(&app, &alice, json!({"name":"x","url":"ftp://x.example"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"url: Enter a valid URL.","code":"invalid","url":["Enter a valid URL."]})
    );
    let cases = [
        (
            json!({"name":"","url":"https://a.example"}),
            "name",
            "This field may not be blank.",
        ),
        (
            json!({"name":null,"url":"https://a.example"}),
            "name",
            "This field may not be null.",
        ),
        (
            json!({"name":"n".repeat(256),"url":"https://a.example"}),
            "name",
            "Ensure this field has no more than 255 characters.",
        ),
        (
            json!({"name":"x","url":"https://a.example","business_type":"bank"}),
            "business_type",
            "\"bank\" is not a valid choice.",
        ),
        (
            json!({"name":"x","url":"https://a.example","is_active":"maybe"}),
            "is_active",
            "Must be a valid boolean.",
        ),
        (
            json!({"name":"x","url":"https://a.example","primary_services":"Repairs"}),
            "primary_services",
            "Expected a list of items but got type \"str\".",
        ),
        (
            json!({"name":"x","url":"https://a.example","target_audience":"t".repeat(5001)}),
            "target_audience",
            "Ensure this field has no more than 5000 characters.",
        ),
        (
            json!({"name":"x","url":format!("https://a.example/{}", "p".repeat(2048))}),
            "url",
            "Enter a valid URL.",
        ),
    ];
    for (body, field, message) in cases {
        let r = create(&app, &alice, body.clone()).await.expect(400);
        assert_eq!(r.json[field], json!([message]), "{body}");
        assert_eq!(r.str("detail"), format!("{field}: {message}"));
        assert_eq!(r.str("code"), "invalid");
    }
    let r = app
        .get("/api/v1/sites")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["count"], 0, "nothing was stored");
}

#[tokio::test]
async fn duplicate_normalised_url_is_400_on_create_and_update() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let bob = app.user("bob@example.com").await;
    create(
        &app,
        &alice,
        json!({"name":"A","url":"https://Acme.example/"}),
    )
    .await
    .expect(201);
    let expected = json!({"detail":"url: A site with this URL already exists for your account","code":"invalid",
        "url":["A site with this URL already exists for your account"],
        "error":"A site with this URL already exists for your account"});
    for spelling in [
        "https://acme.example",
        "https://ACME.example:443/",
        "https://acme.example/?utm=1#top",
    ] {
        let r = create(&app, &alice, json!({"name":"B","url":spelling}))
            .await
            .expect(400);
        assert_eq!(r.json, expected, "{spelling}");
    }
    create(
        &app,
        &alice,
        json!({"name":"http","url":"http://acme.example"}),
    )
    .await
    .expect(201);
    create(
        &app,
        &bob,
        json!({"name":"bob's","url":"https://acme.example"}),
    )
    .await
    .expect(201);

    let other = create(
        &app,
        &alice,
        json!({"name":"Other","url":"https://other.example"}),
    )
    .await
    .expect(201);
    let path = format!("/api/v1/sites/{}", other.i64("id"));
    let r = app
        .patch(&path)
        .bearer(&alice.token)
        .json(&json!({"url":"https://ACME.example"}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.json, expected);
    let r = app
        .put(&path)
        .bearer(&alice.token)
        .json(&json!({"name":"Other","url":"https://acme.example/"}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.json, expected);
    let unchanged = app.get(&path).bearer(&alice.token).send().await.expect(200);
    assert_eq!(unchanged.json, other.json);
    // Keeping its own URL (re-spelled) is not a clash with itself.
    app.patch(&path)
        .bearer(&alice.token)
        .json(&json!({"url":"https://OTHER.example/"}))
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn put_replaces_and_patch_edits() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = create(
        &app,
        &alice,
        json!({"name":"A","url":"https://a.example","business_type":"saas","service_areas":["X"],
               "onboarding_complete":true}),
    )
    .await
    .expect(201);
    let path = format!("/api/v1/sites/{}", site.i64("id"));
    let r = app
        .patch(&path)
        .bearer(&alice.token)
        .json(&json!({"name":"Renamed","business_type":null}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["name"], "Renamed");
    assert_eq!(r.json["business_type"], Value::Null);
    assert_eq!(
        r.json["service_areas"],
        json!(["X"]),
        "PATCH keeps unsent fields"
    );
    assert_eq!(r.json["onboarding_complete"], true);
    assert_eq!(r.json["created_at"], site.json["created_at"]);

    let r = app
        .put(&path)
        .bearer(&alice.token)
        .json(&json!({"name":"Only name"}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.json["url"], json!(["This field is required."]));
    let r = app
        .put(&path)
        .bearer(&alice.token)
        .json(&json!({"name":"Put","url":"https://b.example"}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["url"], "https://b.example");
    assert_eq!(
        r.json["service_areas"],
        json!([]),
        "PUT resets unsent fields"
    );
    assert_eq!(r.json["onboarding_complete"], false);
    let r = app
        .patch(&path)
        .bearer(&alice.token)
        .json(&json!({"name":"  "}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.json["name"], json!(["This field may not be blank."]));
}

#[tokio::test]
async fn the_site_cap_is_a_non_field_error() {
    let app = TestApp::spawn_with(|c| c.sites.max_sites_per_user = 2).await;
    let alice = app.user("alice@example.com").await;
    for i in 0..2 {
        create(
            &app,
            &alice,
            json!({"name":"s","url":format!("https://{i}.example")}),
        )
        .await
        .expect(201);
    }
    let r = create(&app, &alice, json!({"name":"s","url":"https://3.example"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"You have reached the maximum number of sites (2).","code":"invalid",
               "non_field_errors":["You have reached the maximum number of sites (2)."]})
    );
    let bob = app.user("bob@example.com").await;
    create(&app, &bob, json!({"name":"s","url":"https://3.example"}))
        .await
        .expect(201);
}

#[tokio::test]
async fn list_is_paginated_newest_first_with_absolute_links() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let empty = app
        .get("/api/v1/sites")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        empty.json,
        json!({"count":0,"next":null,"previous":null,"results":[]})
    );
    let mut ids = Vec::new();
    for i in 0..3 {
        let r = create(
            &app,
            &alice,
            json!({"name":format!("s{i}"),"url":format!("https://{i}.example")}),
        )
        .await
        .expect(201);
        ids.push(r.i64("id"));
    }
    let host = app.base.trim_start_matches("http://").to_string();
    let r = app
        .get("/api/v1/sites/?page_size=2&x=1")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["count"], 3);
    let got: Vec<i64> = r.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    assert_eq!(
        r.json["next"],
        format!("http://{host}/api/v1/sites?page_size=2&x=1&page=2")
    );
    assert_eq!(r.json["previous"], Value::Null);
    let r = app
        .get("/api/v1/sites?page_size=2&x=1&page=2")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["results"][0]["id"], ids[0]);
    assert_eq!(r.json["next"], Value::Null);
    assert_eq!(
        r.json["previous"],
        format!("http://{host}/api/v1/sites?page_size=2&x=1")
    );
    for bad in ["page=3&page_size=2", "page=0", "page=abc", "page=-1"] {
        let r = app
            .get(&format!("/api/v1/sites?{bad}"))
            .bearer(&alice.token)
            .send()
            .await
            .expect(404);
        assert_eq!(
            r.json,
            json!({"detail":"Invalid page.","code":"not_found"}),
            "{bad}"
        );
    }
    let r = app
        .get("/api/v1/sites?page_size=0")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["results"].as_array().unwrap().len(), 3);

    let configured = TestApp::spawn_with(|c| {
        c.server.public_base_url = "https://api.siloq.example/".into();
    })
    .await;
    let carol = configured.user("carol@example.com").await;
    for i in 0..2 {
        create(
            &configured,
            &carol,
            json!({"name":"s","url":format!("https://{i}.example")}),
        )
        .await
        .expect(201);
    }
    let r = configured
        .get("/api/v1/sites?page_size=1")
        .bearer(&carol.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        r.json["next"],
        "https://api.siloq.example/api/v1/sites?page_size=1&page=2"
    );
}

#[tokio::test]
async fn delete_cascades_and_answers_json() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let key = app.key(site).await;
    app.seed_page(
        site.0,
        Seed {
            wp: "1",
            status: "publish",
            noindex: false,
            score: None,
            categories: None,
            issues: json!([]),
        },
    )
    .await;
    let path = format!("/api/v1/sites/{}/", site.0);
    let r = app
        .delete(&path)
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json, json!({"message":"Site deleted successfully"}));
    assert_eq!(r.header("content-type"), Some("application/json"));
    app.get(&path).bearer(&alice.token).send().await.expect(404);
    app.delete(&path)
        .bearer(&alice.token)
        .send()
        .await
        .expect(404);
    for table in ["api_keys", "pages"] {
        let n = app
            .database
            .fetch_i64(
                &format!("SELECT COUNT(*) FROM {table} WHERE site_id = $1"),
                &[Arg::Int(site.0)],
            )
            .await;
        assert_eq!(n, Some(0), "{table} rows of the site are gone");
    }
    let r = app
        .post("/api/v1/auth/verify")
        .bearer(&key)
        .send()
        .await
        .expect(401);
    assert_eq!(r.str("code"), "invalid_key");
}

#[tokio::test]
async fn site_keys_and_malformed_ids_on_site_routes() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let key = app.key(site).await;
    let r = app
        .get("/api/v1/sites")
        .bearer(&key)
        .send()
        .await
        .expect(401);
    assert_eq!(r.str("code"), "token_not_valid");
    assert_eq!(r.header("www-authenticate"), Some("Bearer realm=\"api\""));
    let r = app
        .get("/api/v1/sites")
        .api_key(&key)
        .send()
        .await
        .expect(401);
    assert_eq!(r.str("code"), "not_authenticated");
    for bad in ["abc", "0", "01", "-1", "1.json", "99999999999999999999"] {
        let r = app
            .get(&format!("/api/v1/sites/{bad}"))
            .bearer(&alice.token)
            .send()
            .await
            .expect(404);
        assert_eq!(r.json, json!({"detail":"Not found.","code":"not_found"}));
    }
}
