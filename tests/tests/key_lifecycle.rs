//! API-key life cycle (api.md §7.5-7.7, KEY-5..KEY-7): rename, terminal revocation, idempotent DELETE, rotation
//! with and without grace, the per-site cap of active keys, and usage counts that are exact and never lost.

use serde_json::{Value, json};
use siloq_tests::keys::{create_key, parse_time, sorted_keys, verify, well_formed};
use siloq_tests::{Arg, TestApp, TestUser};

async fn new_key(app: &TestApp, user: &TestUser, site: i64) -> (i64, String) {
    let r = create_key(app, user, json!({"site_id":site,"name":"K"}))
        .await
        .expect(201);
    (
        r.json["key"]["id"].as_i64().unwrap(),
        r.json["key"]["key"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn rename_and_terminal_revocation() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let (id, key) = new_key(&app, &alice, site.0).await;
    let path = format!("/api/v1/api-keys/{id}/");
    let r = app
        .patch(&path)
        .bearer(&alice.token)
        .json(&json!({"name":" Renamed ","key":"sk_siloq_x","usage_count":9}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["name"], "Renamed");
    assert_eq!(r.json["usage_count"], 0, "server-owned fields are ignored");
    let r = app
        .put(&path)
        .bearer(&alice.token)
        .json(&json!({"name":""}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["name"], "Unnamed Key");
    app.patch(&path)
        .bearer(&alice.token)
        .json(&json!({"is_active":true}))
        .send()
        .await
        .expect(200);
    verify(&app, &key).await.expect(200);

    let r = app
        .patch(&path)
        .bearer(&alice.token)
        .json(&json!({"is_active":false}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["is_active"], false);
    assert!(r.json["revoked_at"].is_string());
    assert_eq!(
        verify(&app, &key).await.expect(401).str("code"),
        "invalid_key"
    );
    let r = app
        .patch(&path)
        .bearer(&alice.token)
        .json(&json!({"is_active":"true","name":"sneaky"}))
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"is_active: A revoked key cannot be re-enabled.","code":"invalid",
               "is_active":["A revoked key cannot be re-enabled."]})
    );
    let after = app.get(&path).bearer(&alice.token).send().await.expect(200);
    assert_eq!(
        after.json["name"], "Unnamed Key",
        "a refused update changes nothing"
    );
    assert_eq!(after.json["is_active"], false);
    assert_eq!(
        verify(&app, &key).await.expect(401).str("code"),
        "invalid_key"
    );

    // An expired key cannot be re-enabled either.
    let (expired, _) = new_key(&app, &alice, site.0).await;
    app.database
        .execute(
            "UPDATE api_keys SET expires_at = $1 WHERE id = $2",
            &[
                Arg::Time(chrono::Utc::now() - chrono::Duration::minutes(1)),
                Arg::Int(expired),
            ],
        )
        .await;
    let r = app
        .put(&format!("/api/v1/api-keys/{expired}"))
        .bearer(&alice.token)
        .json(&json!({"is_active":true}))
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json["is_active"],
        json!(["An expired key cannot be re-enabled."])
    );
}

#[tokio::test]
async fn delete_revokes_idempotently_and_at_once() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let (id, key) = new_key(&app, &alice, site.0).await;
    verify(&app, &key).await.expect(200);
    let path = format!("/api/v1/api-keys/{id}");
    for _ in 0..2 {
        let r = app
            .delete(&path)
            .bearer(&alice.token)
            .send()
            .await
            .expect(200);
        assert_eq!(r.json, json!({"message":"API key revoked successfully"}));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    let r = verify(&app, &key).await.expect(401);
    assert_eq!(r.str("error"), "Invalid or revoked API key");
    let r = app.get(&path).bearer(&alice.token).send().await.expect(200);
    assert_eq!(r.json["is_active"], false, "the row stays, revoked");
    let first = r.json["revoked_at"].clone();
    app.delete(&path)
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    let r = app.get(&path).bearer(&alice.token).send().await.expect(200);
    assert_eq!(
        r.json["revoked_at"], first,
        "revoked_at keeps the first revocation"
    );
}

#[tokio::test]
async fn rotate_with_and_without_grace() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let (id, old) = new_key(&app, &alice, site.0).await;
    let r = app
        .post(&format!("/api/v1/api-keys/{id}/rotate"))
        .bearer(&alice.token)
        .send()
        .await
        .expect(201);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.json["message"], "API key rotated successfully");
    let new = r.json["key"]["key"].as_str().unwrap().to_string();
    assert!(well_formed(&new));
    assert_ne!(new, old);
    assert_eq!(r.json["key"]["name"], "K");
    assert_eq!(r.json["key"]["expires_at"], Value::Null);
    assert_eq!(
        sorted_keys(&r.json["previous_key"]),
        ["expires_at", "id", "is_active", "revoked_at"]
    );
    assert_eq!(r.json["previous_key"]["id"], id);
    assert_eq!(r.json["previous_key"]["is_active"], false);
    assert!(r.json["previous_key"]["revoked_at"].is_string());
    assert_eq!(
        verify(&app, &old).await.expect(401).str("code"),
        "invalid_key"
    );
    let v = verify(&app, &new).await.expect(200);
    assert_eq!(v.json["site_id"], site.0);

    // A revoked key cannot be rotated.
    let r = app
        .post(&format!("/api/v1/api-keys/{id}/rotate/"))
        .bearer(&alice.token)
        .json(&json!({}))
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"A revoked key cannot be rotated.","code":"invalid",
               "non_field_errors":["A revoked key cannot be rotated."]})
    );

    // With a grace period the old key keeps working until it expires.
    let new_id = app
        .get(&format!("/api/v1/api-keys?site_id={}", site.0))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200)
        .json["results"][0]["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post(&format!("/api/v1/api-keys/{new_id}/rotate"))
        .bearer(&alice.token)
        .json(&json!({"grace_period_seconds":"3600"}))
        .send()
        .await
        .expect(201);
    let prev = &r.json["previous_key"];
    assert_eq!(prev["is_active"], true);
    assert_eq!(prev["revoked_at"], Value::Null);
    let until = parse_time(&prev["expires_at"]);
    let expected = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!((until - expected).num_seconds().abs() < 60);
    verify(&app, &new).await.expect(200);
    let newest = r.json["key"]["key"].as_str().unwrap().to_string();
    verify(&app, &newest).await.expect(200);

    for bad in [json!(-1), json!(86_401), json!("soon"), json!(null)] {
        let r = app
            .post(&format!("/api/v1/api-keys/{new_id}/rotate"))
            .bearer(&alice.token)
            .json(&json!({"grace_period_seconds":bad}))
            .send()
            .await
            .expect(400);
        assert!(r.json["grace_period_seconds"].is_array(), "{}", r.text);
    }

    // An expired key may be rotated; its earlier expiry is kept.
    app.database
        .execute(
            "UPDATE api_keys SET expires_at = $1 WHERE id = $2",
            &[
                Arg::Time(chrono::Utc::now() - chrono::Duration::minutes(5)),
                Arg::Int(new_id),
            ],
        )
        .await;
    assert_eq!(
        verify(&app, &new).await.expect(401).str("code"),
        "key_expired"
    );
    let r = app
        .post(&format!("/api/v1/api-keys/{new_id}/rotate"))
        .bearer(&alice.token)
        .json(&json!({"grace_period_seconds":600}))
        .send()
        .await
        .expect(201);
    assert!(parse_time(&r.json["previous_key"]["expires_at"]) < chrono::Utc::now());
    assert_eq!(r.json["previous_key"]["is_active"], false);
}

#[tokio::test]
async fn active_keys_per_site_are_capped() {
    let app = TestApp::spawn_with(|c| c.sites.max_active_keys_per_site = 2).await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let (first, _) = new_key(&app, &alice, site.0).await;
    new_key(&app, &alice, site.0).await;
    let r = create_key(&app, &alice, json!({"site_id":site.0}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"This site already has the maximum number of active keys (2).","code":"invalid",
               "non_field_errors":["This site already has the maximum number of active keys (2)."]})
    );
    app.delete(&format!("/api/v1/api-keys/{first}"))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    create_key(&app, &alice, json!({"site_id":site.0}))
        .await
        .expect(201);
}

#[tokio::test]
async fn usage_counts_are_exact_before_and_after_flushes_and_shutdown() {
    // Verifies as fast as the loop goes: above the per-IP budget of /auth/verify (RL-4), which is not tested here.
    let app = TestApp::spawn_with(|c| c.rate_limits.verify_per_ip_per_minute = 100_000).await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let (id, key) = new_key(&app, &alice, site.0).await;
    let path = format!("/api/v1/api-keys/{id}");
    let detail = |app: &TestApp| app.get(&path).bearer(&alice.token).send();
    assert_eq!(
        detail(&app).await.expect(200).json["last_used_at"],
        Value::Null
    );
    for _ in 0..7 {
        verify(&app, &key).await.expect(200);
    }
    // Failures are not usage.
    app.post("/api/v1/auth/verify")
        .bearer("sk_siloq_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .expect(401);
    let r = detail(&app).await.expect(200);
    assert_eq!(r.json["usage_count"], 7, "pending counts are added");
    assert!(r.json["last_used_at"].is_string());
    // Counts keep adding up across the 2 s flushes, read while they happen.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(4500);
    let mut total = 7;
    while std::time::Instant::now() < deadline {
        verify(&app, &key).await.expect(200);
        total += 1;
        let r = detail(&app).await.expect(200);
        assert_eq!(r.json["usage_count"], total);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let stored = app
        .database
        .fetch_i64(
            "SELECT usage_count FROM api_keys WHERE id = $1",
            &[Arg::Int(id)],
        )
        .await
        .unwrap();
    assert!(stored > 0 && stored <= total, "flushed {stored} of {total}");
    for _ in 0..3 {
        verify(&app, &key).await.expect(200);
    }
    total += 3;
    let db = app.shutdown_keep_database().await;
    let stored = db
        .fetch_i64(
            "SELECT usage_count FROM api_keys WHERE id = $1",
            &[Arg::Int(id)],
        )
        .await;
    assert_eq!(stored, Some(total), "a clean shutdown loses no count");
    let last_used = db
        .fetch_i64(
            "SELECT COUNT(*) FROM api_keys WHERE id = $1 AND last_used_at IS NOT NULL",
            &[Arg::Int(id)],
        )
        .await;
    assert_eq!(last_used, Some(1));
}
