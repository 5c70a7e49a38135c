//! Login throttling and the login timing oracle (security.md RL-3, PW-3; §19.2 cases 1 and 25).

use serde_json::json;
use siloq_tests::{Resp, TestApp};
use std::time::{Duration, Instant};

async fn login(app: &TestApp, email: &str, password: &str, forwarded_for: &str) -> Resp {
    app.post("/api/v1/auth/login/")
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
}

#[track_caller]
fn assert_throttled(r: &Resp) -> u64 {
    assert_eq!(r.status(), 429, "{}", r.text);
    let n: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(n >= 1);
    let unit = if n == 1 { "second" } else { "seconds" };
    assert_eq!(
        r.json,
        json!({"detail": format!("Request was throttled. Expected available in {n} {unit}."), "code":"throttled"})
    );
    n
}

#[tokio::test]
async fn failed_logins_throttle_known_and_unknown_emails_alike() {
    let app = TestApp::spawn_with(|c| {
        c.auth.login_failures_per_email = 3;
        c.auth.login_failure_window_secs = 2;
    })
    .await;
    let a = app.user("alice@x.test").await;
    for email in ["Alice@x.test", "ghost@x.test"] {
        for i in 0..3 {
            let r = login(&app, email, "wrong-password", &format!("203.0.113.{i}")).await;
            assert_eq!(r.status(), 400, "{email} attempt {i}: {}", r.text);
            assert_eq!(r.str("code"), "invalid_credentials");
        }
        // The 4th is refused whatever the forwarded address says, and for the right password too.
        let wait = assert_throttled(&login(&app, email, "wrong-password", "198.51.100.7").await);
        assert!(wait <= 2, "{wait}");
    }
    assert_throttled(&login(&app, "alice@x.test", &a.password, "198.51.100.8").await);
    // Another email is not affected.
    app.user("bob@x.test").await;
    login(&app, "bob@x.test", "password-123", "1.2.3.4")
        .await
        .expect(200);

    // After the window, plain answers again; a success clears the count.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    login(&app, "ghost@x.test", "wrong-password", "1.2.3.4")
        .await
        .expect(400);
    login(&app, "alice@x.test", "wrong-password", "1.2.3.4")
        .await
        .expect(400);
    login(&app, "alice@x.test", &a.password, "1.2.3.4")
        .await
        .expect(200);
    for _ in 0..3 {
        login(&app, "alice@x.test", "wrong-password", "1.2.3.4")
            .await
            .expect(400);
    }
    assert_throttled(&login(&app, "alice@x.test", "wrong-password", "1.2.3.4").await);
}

#[tokio::test]
async fn the_per_email_count_lives_in_the_database() {
    let app = TestApp::spawn_with(|c| c.auth.login_failures_per_email = 2).await;
    for _ in 0..2 {
        login(&app, "ghost@x.test", "wrong-password", "")
            .await
            .expect(400);
    }
    // A second instance over the same database sees the same count (restarts and scale-out).
    let url = app.database.url.clone();
    let mut config = siloq_tests::test_config(&url);
    config.auth.login_failures_per_email = 2;
    let state = siloq_kernel::server::build_state(config, false)
        .await
        .unwrap();
    let err = siloq_kernel::auth::account::login(&state, "ghost@x.test", "wrong-password")
        .await
        .unwrap_err();
    assert!(
        matches!(err, siloq_kernel::auth::account::AccountError::Throttled(n) if n >= 1),
        "{err:?}"
    );
}

#[tokio::test]
async fn login_attempts_per_ip_are_limited() {
    let app = TestApp::spawn_with(|c| c.auth.login_attempts_per_ip_per_minute = 3).await;
    let a = app.user("ip@x.test").await;
    for i in 0..3 {
        login(&app, &format!("user{i}@x.test"), "wrong-password", "")
            .await
            .expect(400);
    }
    // Spoofed forwarding headers change nothing: the peer address is the client.
    let r = login(&app, "ip@x.test", &a.password, "192.0.2.55").await;
    let n = assert_throttled(&r);
    assert!((1..=20).contains(&n), "{n}");
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn login_time_does_not_reveal_whether_an_email_exists() {
    // Throttles raised so the test measures hashing, not throttling (security.md §19.1).
    let app = TestApp::spawn_with(|c| {
        c.auth.login_failures_per_email = 10_000;
        c.auth.login_attempts_per_ip_per_minute = 10_000;
    })
    .await;
    app.user("known@x.test").await;
    // Warm up connections and code paths.
    for _ in 0..3 {
        login(&app, "known@x.test", "wrong-password", "").await;
        login(&app, "nobody@x.test", "wrong-password", "").await;
    }
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    let mut bodies = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        let r = login(&app, "known@x.test", "wrong-password", "").await;
        known.push(start.elapsed());
        bodies.push(r.expect(400).text);
        let start = Instant::now();
        let r = login(&app, "nobody@x.test", "wrong-password", "").await;
        unknown.push(start.elapsed());
        bodies.push(r.expect(400).text);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    let (k, u) = (median(known), median(unknown));
    let gap = k.abs_diff(u);
    let allowed = Duration::from_millis(15).max(k.max(u) / 4);
    assert!(
        gap <= allowed,
        "median known {k:?} vs unknown {u:?}: gap {gap:?} > {allowed:?}"
    );
}
