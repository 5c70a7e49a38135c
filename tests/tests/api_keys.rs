//! `/api-keys/*` (api.md §7, security.md KEY-1..KEY-7): one-time key display, never a key or hash in list and
//! detail, validation, terminal revocation, rotation with and without grace, the per-site cap, exact usage counts.

use serde_json::{Value, json};
use siloq_tests::TestApp;
use siloq_tests::keys::{create_key, parse_time, sorted_keys, verify, well_formed};

const KEY_FIELDS: [&str; 11] = [
    "created_at",
    "expires_at",
    "id",
    "is_active",
    "key_prefix",
    "last_used_at",
    "name",
    "revoked_at",
    "site",
    "site_id",
    "usage_count",
];

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn create_shows_the_key_once() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let r = create_key(
        &app,
        &alice,
        json!({"name":"Production","site_id":site.0.to_string()}),
    )
    .await
    .expect(201);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.json["message"], "API key created successfully");
    let key = &r.json["key"];
    assert_eq!(
        sorted_keys(key),
        [
            "created_at",
            "expires_at",
            "id",
            "is_active",
            "key",
            "key_prefix",
            "name"
        ]
    );
    let full = key["key"].as_str().unwrap().to_string();
    assert!(well_formed(&full), "{full}");
    assert_eq!(key["key_prefix"], format!("{}...", &full[..16]));
    assert_eq!(key["name"], "Production");
    assert_eq!(key["expires_at"], Value::Null);
    assert_eq!(key["is_active"], true);
    let id = key["id"].as_i64().unwrap();

    // The key works, and neither it nor its hash ever appears again.
    verify(&app, &full).await.expect(200);
    let detail = app
        .get(&format!("/api/v1/api-keys/{id}"))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    let list = app
        .get("/api/v1/api-keys")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    for r in [&detail, &list] {
        assert!(!r.text.contains(&full), "full key leaked: {}", r.text);
        assert!(!r.text.contains(&sha256_hex(&full)), "hash leaked");
        assert!(!r.text.contains(&full[16..40]), "secret part leaked");
    }
    assert_eq!(sorted_keys(&detail.json), KEY_FIELDS);
    assert_eq!(detail.json["id"], id);
    assert_eq!(detail.json["site"], site.0);
    assert_eq!(detail.json["site_id"], site.0);
    assert_eq!(detail.json["name"], "Production");
    assert_eq!(detail.json["key_prefix"], key["key_prefix"]);
    assert_eq!(detail.json["is_active"], true);
    assert_eq!(detail.json["created_at"], key["created_at"]);
    assert_eq!(detail.json["revoked_at"], Value::Null);
    assert_eq!(detail.json["usage_count"], 1);
    assert!(detail.json["last_used_at"].is_string());
    assert_eq!(list.json["count"], 1);
    assert_eq!(list.json["results"][0], detail.json);

    // A number works as well as a numeric string; a blank or null name is the default.
    for name in [json!(""), json!(null), json!("   ")] {
        let r = create_key(&app, &alice, json!({"site_id":site.0,"name":name}))
            .await
            .expect(201);
        assert_eq!(r.json["key"]["name"], "Unnamed Key");
    }
    let r = create_key(&app, &alice, json!({"site_id":site.0}))
        .await
        .expect(201);
    assert_eq!(r.json["key"]["name"], "Unnamed Key");
}

#[tokio::test]
async fn create_validation() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let bob = app.user("bob@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let bobs = app.site(&bob, "https://b.example").await;
    let r = create_key(&app, &alice, json!({"name":"x"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"site_id: This field is required.","code":"invalid",
               "site_id":["This field is required."],"error":"site_id is required"})
    );
    let r = create_key(&app, &alice, json!({"site_id":"abc"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"site_id: A valid integer is required.","code":"invalid",
               "site_id":["A valid integer is required."]})
    );
    for foreign in [json!(bobs.0), json!(999_999), json!("0"), json!(-3)] {
        let r = create_key(&app, &alice, json!({"site_id":foreign}))
            .await
            .expect(404);
        assert_eq!(r.json, json!({"detail":"Not found.","code":"not_found"}));
    }
    let s = site.0;
    let cases = [
        (
            json!({"site_id":s,"expires_at":"2001-01-01T00:00:00Z"}),
            "expires_at",
            "Expiry must be in the future.",
        ),
        (
            json!({"site_id":s,"expires_at":"tomorrow"}),
            "expires_at",
            "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
        ),
        (
            json!({"site_id":s,"expires_in_days":0}),
            "expires_in_days",
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            json!({"site_id":s,"expires_in_days":3651}),
            "expires_in_days",
            "Ensure this value is less than or equal to 3650.",
        ),
        (
            json!({"site_id":s,"name":"n".repeat(256)}),
            "name",
            "Ensure this field has no more than 255 characters.",
        ),
        (
            json!({"site_id":s,"expires_at":"2099-01-01T00:00:00Z","expires_in_days":5}),
            "non_field_errors",
            "Give either expires_at or expires_in_days, not both.",
        ),
    ];
    for (body, field, message) in cases {
        let r = create_key(&app, &alice, body.clone()).await.expect(400);
        assert_eq!(r.json[field], json!([message]), "{body}");
        assert_eq!(r.str("code"), "invalid");
    }
    let r = create_key(&app, &alice, json!({"site_id":s,"expires_in_days":"30"}))
        .await
        .expect(201);
    let expires = parse_time(&r.json["key"]["expires_at"]);
    let expected = chrono::Utc::now() + chrono::Duration::days(30);
    assert!((expires - expected).num_seconds().abs() < 60, "{expires}");
    let r = create_key(
        &app,
        &alice,
        json!({"site_id":s,"expires_at":"2099-01-02 03:04:05"}),
    )
    .await
    .expect(201);
    assert_eq!(r.json["key"]["expires_at"], "2099-01-02T03:04:05.000000Z");
    let list = app
        .get(&format!("/api/v1/api-keys?site_id={s}"))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.json["count"], 2, "no failed attempt stored a key");
}

#[tokio::test]
async fn list_filters_by_site_and_is_scoped() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let bob = app.user("bob@example.com").await;
    let s1 = app.site(&alice, "https://1.example").await;
    let s2 = app.site(&alice, "https://2.example").await;
    let bs = app.site(&bob, "https://b.example").await;
    app.key(s1).await;
    app.key(s1).await;
    app.key(s2).await;
    app.key(bs).await;
    let get = |q: String| {
        let token = alice.token.clone();
        let req = app.get(&format!("/api/v1/api-keys{q}")).bearer(&token);
        async move { req.send().await }
    };
    assert_eq!(get(String::new()).await.expect(200).json["count"], 3);
    let r = get(format!("?site_id={}", s1.0)).await.expect(200);
    assert_eq!(r.json["count"], 2);
    assert!(
        r.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["site_id"] == s1.0)
    );
    let ids: Vec<i64> = r.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .collect();
    assert!(ids[0] > ids[1], "newest first");
    for foreign in [bs.0, 999_999] {
        let r = get(format!("?site_id={foreign}")).await.expect(200);
        assert_eq!(
            r.json,
            json!({"count":0,"next":null,"previous":null,"results":[]})
        );
    }
    let r = get("?site_id=x1".into()).await.expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"site_id: A valid integer is required.","code":"invalid",
               "site_id":["A valid integer is required."]})
    );
    let r = get(format!("?site_id={}&page_size=1&page=2", s1.0))
        .await
        .expect(200);
    assert_eq!(r.json["results"][0]["id"], ids[1]);
    assert!(
        r.json["previous"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/v1/api-keys?site_id={}&page_size=1", s1.0))
    );
}
