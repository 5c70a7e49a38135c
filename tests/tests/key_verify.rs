//! `GET|POST /auth/verify` (api.md §8): the success body, the four failure bodies with `WWW-Authenticate`, header
//! precedence, and a body that is never read.

use serde_json::{Value, json};
use siloq_tests::{Arg, Resp, TestApp};

fn assert_failure(r: Resp, code: &str, text: &str) {
    assert_eq!(r.status(), 401, "{}", r.text);
    assert_eq!(r.header("www-authenticate"), Some("Bearer realm=\"api\""));
    assert_eq!(
        r.json,
        json!({"valid":false,"authenticated":false,"error":text,"detail":text,"code":code})
    );
}

const MISSING: &str = "Missing or invalid Authorization header. Expected: Bearer <api_key>";
const FORMAT: &str = "Invalid API key format. Keys should start with sk_siloq_";
const INVALID: &str = "Invalid or revoked API key";

#[tokio::test]
async fn success_body_for_get_and_post_with_either_header() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://acme.example").await;
    let key = app.key(site).await;
    let created = app
        .get(&format!("/api/v1/api-keys?site_id={}", site.0))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200)
        .json["results"][0]
        .clone();
    let expected = json!({"valid":true,"authenticated":true,"key_type":"site","site_id":site.0,
        "site_name":"Site https://acme.example","site_url":"https://acme.example",
        "site":{"id":site.0,"name":"Site https://acme.example","url":"https://acme.example","is_active":true},
        "key":{"name":"Test key","key_prefix":format!("{}...", &key[..16]),"created_at":created["created_at"],
               "expires_at":null}});
    let answers = [
        app.post("/api/v1/auth/verify").bearer(&key).send().await,
        app.post("/api/v1/auth/verify/").api_key(&key).send().await,
        app.get("/api/v1/auth/verify").bearer(&key).send().await,
        app.get("/api/v1//auth/verify/").api_key(&key).send().await,
        // The body is never parsed, whatever it is.
        app.post("/api/v1/auth/verify")
            .bearer(&key)
            .body("application/x-www-form-urlencoded", "{not json")
            .send()
            .await,
        app.post("/api/v1/auth/verify")
            .bearer(&key)
            .body("application/json", "[1,2")
            .send()
            .await,
    ];
    for r in answers {
        let r = r.expect(200);
        assert_eq!(r.json, expected);
        assert!(!r.text.contains(&key), "the key is never echoed");
    }
    let r = app
        .put("/api/v1/auth/verify")
        .bearer(&key)
        .send()
        .await
        .expect(405);
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
}

#[tokio::test]
async fn the_four_failure_bodies() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://acme.example").await;
    let key = app.key(site).await;

    assert_failure(
        app.post("/api/v1/auth/verify").send().await,
        "not_authenticated",
        MISSING,
    );
    assert_failure(
        app.post("/api/v1/auth/verify")
            .header("authorization", &format!("Basic {key}"))
            .send()
            .await,
        "not_authenticated",
        MISSING,
    );
    for bad in [
        alice.token.as_str(),
        "ak_siloq_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "garbage",
        &key[..51],
        &format!("{key}x"),
    ] {
        assert_failure(
            app.post("/api/v1/auth/verify").bearer(bad).send().await,
            "invalid_key",
            FORMAT,
        );
    }
    // `Bearer ` with nothing after it arrives as `Bearer` (HTTP drops trailing whitespace): no credentials.
    assert_failure(
        app.post("/api/v1/auth/verify").bearer("").send().await,
        "not_authenticated",
        MISSING,
    );
    // Bearer wins over X-API-Key, even when the bearer value is wrong.
    assert_failure(
        app.post("/api/v1/auth/verify")
            .bearer("garbage")
            .api_key(&key)
            .send()
            .await,
        "invalid_key",
        FORMAT,
    );
    assert_failure(
        app.post("/api/v1/auth/verify")
            .bearer("sk_siloq_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .send()
            .await,
        "invalid_key",
        INVALID,
    );

    // Expired (time moved through the database).
    let expired_key = app.key(site).await;
    app.database
        .execute(
            "UPDATE api_keys SET expires_at = $1 WHERE id = (SELECT MAX(id) FROM api_keys)",
            &[Arg::Time(chrono::Utc::now() - chrono::Duration::seconds(1))],
        )
        .await;
    assert_failure(
        app.get("/api/v1/auth/verify")
            .api_key(&expired_key)
            .send()
            .await,
        "key_expired",
        "API key has expired",
    );

    // An inactive owner's keys stop working; reactivating the owner restores them.
    app.post("/api/v1/auth/verify")
        .bearer(&key)
        .send()
        .await
        .expect(200);
    app.database
        .execute(
            "UPDATE users SET is_active = $1 WHERE id = $2",
            &[Arg::Bool(false), Arg::Int(alice.id.0)],
        )
        .await;
    assert_failure(
        app.post("/api/v1/auth/verify").bearer(&key).send().await,
        "invalid_key",
        INVALID,
    );
    app.database
        .execute(
            "UPDATE users SET is_active = $1 WHERE id = $2",
            &[Arg::Bool(true), Arg::Int(alice.id.0)],
        )
        .await;
    let r = app
        .post("/api/v1/auth/verify")
        .bearer(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["valid"], Value::Bool(true));
}

#[tokio::test]
async fn revocation_is_seen_by_the_very_next_request() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://acme.example").await;
    let key = app.key(site).await;
    let id = app
        .database
        .fetch_i64("SELECT MAX(id) FROM api_keys", &[])
        .await
        .unwrap();
    for _ in 0..5 {
        app.post("/api/v1/auth/verify")
            .bearer(&key)
            .send()
            .await
            .expect(200);
    }
    app.delete(&format!("/api/v1/api-keys/{id}"))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_failure(
        app.post("/api/v1/auth/verify").bearer(&key).send().await,
        "invalid_key",
        INVALID,
    );
}
