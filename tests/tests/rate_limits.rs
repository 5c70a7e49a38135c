//! Rate limits through real HTTP (security.md RL-1, RL-2, RL-4, RL-5; api.md §2.9; §19.2 case 26): the per-IP limit
//! before authentication, per-key and per-user limits after it, the per-IP budgets of registration, refresh and
//! `/auth/verify`, and the client IP behind trusted and untrusted peers. Quotas are configured small.

use serde_json::json;
use siloq_tests::{Resp, TestApp};
use std::time::Duration;

/// Asserts RL-2's answer and returns N.
#[track_caller]
fn assert_throttled(r: &Resp) -> u64 {
    assert_eq!(r.status(), 429, "{}", r.text);
    let n: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("Retry-After is whole seconds");
    assert!(n >= 1);
    let unit = if n == 1 { "second" } else { "seconds" };
    assert_eq!(
        r.json,
        json!({"detail": format!("Request was throttled. Expected available in {n} {unit}."), "code": "throttled"})
    );
    n
}

#[tokio::test]
async fn the_per_ip_limit_answers_429_with_retry_after_on_every_route_then_recovers() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.ip_per_second = 1;
        c.rate_limits.ip_burst = 3;
    })
    .await;
    for path in ["/healthz", "/api/v1/auth/me", "/api/v1/no-such-route"] {
        let r = app.get(path).send().await;
        assert_ne!(r.status(), 429, "{path}: {}", r.text);
    }
    // Before authentication: a request with a credential and a preflight-free CORS request are counted alike.
    let r = app
        .get("/api/v1/sites/")
        .header("origin", "https://app.siloq.ai")
        .bearer("not-a-token")
        .send()
        .await;
    assert_eq!(assert_throttled(&r), 1);
    assert_eq!(r.header("x-request-id").map(str::is_empty), Some(false));
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.siloq.ai")
    );
    assert!(
        r.header("access-control-expose-headers")
            .unwrap()
            .contains("Retry-After")
    );
    assert_throttled(&app.get("/healthz").send().await);
    tokio::time::sleep(Duration::from_millis(1050)).await;
    app.get("/healthz").send().await.expect(200);
}

#[tokio::test]
async fn one_keys_quota_does_not_throttle_another_key() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.key_per_second = 1;
        c.rate_limits.key_burst = 3;
    })
    .await;
    let owner = app.user("owner@x.test").await;
    let key_a = app.key(app.site(&owner, "https://a.example").await).await;
    let key_b = app.key(app.site(&owner, "https://b.example").await).await;
    for _ in 0..3 {
        siloq_tests::keys::verify(&app, &key_a).await.expect(200);
    }
    // Both the verify route and the plugin routes' key check refuse keyA now.
    let n = assert_throttled(&siloq_tests::keys::verify(&app, &key_a).await);
    assert_eq!(n, 1);
    let r = app
        .post("/api/v1/pages/sync/")
        .api_key(&key_a)
        .json(&json!({}))
        .send()
        .await;
    assert_throttled(&r);
    // keyB has its own budget.
    siloq_tests::keys::verify(&app, &key_b).await.expect(200);
    let r = app
        .post("/api/v1/pages/sync/")
        .bearer(&key_b)
        .json(&json!({}))
        .send()
        .await;
    assert_ne!(r.status(), 429, "{}", r.text);

    // Invalid credentials create no per-key state and are never answered 429 by the key limit.
    let tracked = app.state().limits.key.len();
    let forged = format!("sk_siloq_{}", "A".repeat(43));
    for _ in 0..5 {
        app.post("/api/v1/pages/sync/")
            .api_key(&forged)
            .json(&json!({}))
            .send()
            .await
            .expect(403);
    }
    assert_eq!(app.state().limits.key.len(), tracked);
    assert_eq!(tracked, 2);
}

#[tokio::test]
async fn one_users_quota_does_not_throttle_another_user() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.user_per_second = 1;
        c.rate_limits.user_burst = 2;
    })
    .await;
    let a = app.user("a@x.test").await;
    let b = app.user("b@x.test").await;
    for _ in 0..2 {
        app.get("/api/v1/auth/me/")
            .bearer(&a.token)
            .send()
            .await
            .expect(200);
    }
    assert_throttled(&app.get("/api/v1/sites/").bearer(&a.token).send().await);
    app.get("/api/v1/auth/me/")
        .bearer(&b.token)
        .send()
        .await
        .expect(200);
    // A rejected token is not a user: no per-user state, a plain 401.
    for _ in 0..3 {
        app.get("/api/v1/auth/me/")
            .bearer("garbage")
            .send()
            .await
            .expect(401);
    }
    assert_eq!(app.state().limits.user.len(), 2);
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.ip_per_second = 1;
        c.rate_limits.ip_burst = 2;
    })
    .await;
    for i in 0..2 {
        app.get("/healthz")
            .header("x-forwarded-for", &format!("198.51.100.{i}"))
            .send()
            .await
            .expect(200);
    }
    // A fresh forwarded address from a peer nobody trusts does not buy a fresh budget.
    let r = app
        .get("/healthz")
        .header("x-forwarded-for", "203.0.113.77")
        .header("forwarded", "for=203.0.113.78")
        .send()
        .await;
    assert_throttled(&r);
}

#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = TestApp::spawn_with(|c| {
        c.server.trusted_proxies = vec!["127.0.0.1".into(), "10.0.0.0/8".into()];
        c.rate_limits.ip_per_second = 1;
        c.rate_limits.ip_burst = 2;
        c.auth.login_attempts_per_ip_per_minute = 1;
    })
    .await;
    let get = |xff: &'static str| app.get("/healthz").header("x-forwarded-for", xff).send();
    get("198.51.100.1").await.expect(200);
    // The client's own (forged) entries sit left of the address our proxies saw; the right-most untrusted wins.
    get("6.6.6.6, 198.51.100.1, 10.0.0.5").await.expect(200);
    assert_throttled(&get("7.7.7.7, 198.51.100.1").await);
    // Another client behind the same proxy has its own budget.
    get("198.51.100.2").await.expect(200);

    // The login limiter counts the same client IP.
    let login = |xff: &'static str| {
        app.post("/api/v1/auth/login/")
            .header("x-forwarded-for", xff)
            .json(&json!({"email": "ghost@x.test", "password": "wrong-password"}))
            .send()
    };
    login("198.51.100.3").await.expect(400);
    assert_throttled(&login("198.51.100.3").await);
    login("198.51.100.4").await.expect(400);
}

#[tokio::test]
async fn registration_is_limited_per_ip() {
    let app = TestApp::spawn_with(|c| c.rate_limits.register_per_ip_per_hour = 2).await;
    let register = |email: &str| {
        app.post("/api/v1/auth/register/")
            .json(&json!({"email": email, "password": "long-enough-1"}))
            .send()
    };
    register("r1@x.test").await.expect(201);
    // Invalid attempts count too: the limit exists against enumeration through this route.
    register("not-an-email").await.expect(400);
    let n = assert_throttled(&register("r3@x.test").await);
    assert!((1700..=1800).contains(&n), "about half an hour: {n}");
    // Other routes are not affected.
    app.post("/api/v1/auth/login/")
        .json(&json!({"email": "r1@x.test", "password": "long-enough-1"}))
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn verify_and_refresh_have_their_own_per_ip_budgets() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.verify_per_ip_per_minute = 2;
        c.rate_limits.refresh_per_ip_per_minute = 2;
    })
    .await;
    let owner = app.user("v@x.test").await;
    let key = app.key(app.site(&owner, "https://v.example").await).await;
    siloq_tests::keys::verify(&app, &key).await.expect(200);
    app.post("/api/v1/auth/verify/").send().await.expect(401);
    // Per IP, whatever key is presented.
    let n = assert_throttled(&siloq_tests::keys::verify(&app, &key).await);
    assert!((1..=30).contains(&n), "{n}");

    for path in ["/api/v1/auth/token/refresh/", "/api/v1/auth/refresh/"] {
        app.post(path)
            .json(&json!({"refresh": "nope"}))
            .send()
            .await
            .expect(401);
    }
    assert_throttled(
        &app.post("/api/v1/auth/token/refresh/")
            .json(&json!({"refresh": "nope"}))
            .send()
            .await,
    );
    // The key itself is still fine on plugin routes.
    let r = app
        .post("/api/v1/pages/sync/")
        .bearer(&key)
        .json(&json!({}))
        .send()
        .await;
    assert_ne!(r.status(), 429, "{}", r.text);
}

#[tokio::test]
async fn exempt_addresses_skip_the_per_ip_limits_only() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.exempt_ips = vec!["127.0.0.0/8".into()];
        c.rate_limits.ip_per_second = 1;
        c.rate_limits.ip_burst = 1;
        c.rate_limits.register_per_ip_per_hour = 1;
        c.auth.login_attempts_per_ip_per_minute = 1;
        c.rate_limits.user_per_second = 1;
        c.rate_limits.user_burst = 3;
    })
    .await;
    for _ in 0..3 {
        app.get("/healthz").send().await.expect(200);
        app.post("/api/v1/auth/login/")
            .json(&json!({"email": "ghost@x.test", "password": "wrong-password"}))
            .send()
            .await
            .expect(400);
    }
    for i in 0..2 {
        app.post("/api/v1/auth/register/")
            .json(&json!({"email": format!("e{i}@x.test"), "password": "long-enough-1"}))
            .send()
            .await
            .expect(201);
    }
    // The per-user limit still applies.
    let u = app.user("u@x.test").await;
    for _ in 0..3 {
        app.get("/api/v1/auth/me/")
            .bearer(&u.token)
            .send()
            .await
            .expect(200);
    }
    assert_throttled(&app.get("/api/v1/auth/me/").bearer(&u.token).send().await);
}

#[tokio::test]
async fn limiter_state_is_pruned_periodically() {
    let app = TestApp::spawn_with(|c| {
        c.server.trusted_proxies = vec!["127.0.0.1".into()];
        c.rate_limits.prune_interval_secs = 1;
    })
    .await;
    for i in 0..40 {
        app.get("/healthz")
            .header("x-forwarded-for", &format!("198.51.100.{i}"))
            .send()
            .await
            .expect(200);
    }
    assert!(app.state().limits.tracked() >= 40);
    // A stream of distinct clients leaves nothing behind once they are idle (RL-6).
    let deadline = std::time::Instant::now() + Duration::from_millis(2500);
    while app.state().limits.tracked() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "still tracking {} keys",
            app.state().limits.tracked()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
