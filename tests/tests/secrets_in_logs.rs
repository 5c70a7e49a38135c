//! Secrets never reach the logs (security.md EH-4, §19.2 #34): the real binary runs with debug logging while a
//! client registers, signs in, refreshes, mints a key, verifies and syncs with it; then the captured output is
//! searched for every secret that crossed the wire.

use serde_json::{Value, json};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn no_password_token_key_or_secret_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let secret = "log-scan-secret-0123456789abcdef-0123456789";
    let mut cmd = Command::new(siloq_tests::siloq_binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("SILOQ_") || name == "DATABASE_URL" || name == "RUST_LOG" {
            cmd.env_remove(name);
        }
    }
    let mut child = cmd
        .current_dir(dir.path())
        .args(["serve"])
        .env("PORT", port.to_string())
        .env("SECRET_KEY", secret)
        .env("SILOQ_LOG__LEVEL", "trace")
        .env("SILOQ_LOG__FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while the server runs: trace logging fills a pipe buffer quickly.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut req = http.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let password = "correct-horse-battery-staple";
    let registered = post(
        "/auth/register/",
        None,
        json!({"email": "logs@example.com", "password": password, "name": "Log Scan"}),
    )
    .await;
    let login = post(
        "/auth/login/",
        None,
        json!({"email": "logs@example.com", "password": password}),
    )
    .await;
    let access = login["token"].as_str().unwrap().to_string();
    let refreshed = post(
        "/auth/token/refresh/",
        None,
        json!({"refresh": login["refresh"]}),
    )
    .await;
    let site = post(
        "/sites/",
        Some(&access),
        json!({"name": "Logs", "url": "https://logs.example"}),
    )
    .await;
    let key = post(
        "/api-keys/",
        Some(&access),
        json!({"name": "k", "site_id": site["id"]}),
    )
    .await["key"]["key"]
        .as_str()
        .unwrap()
        .to_string();
    post("/auth/verify/", Some(&key), json!({})).await;
    post(
        "/pages/sync/",
        Some(&key),
        json!({"wp_post_id": 1, "url": "https://logs.example/a/", "title": "A"}),
    )
    .await;
    post(
        "/auth/login/",
        None,
        json!({"email": "logs@example.com", "password": "wrong-password-attempt"}),
    )
    .await;

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let _ = child.wait();
    let logs = stdout.join().unwrap() + &stderr.join().unwrap();
    assert!(
        logs.contains("request finished"),
        "the capture holds request logs:\n{}",
        &logs[..logs.len().min(500)]
    );

    let secrets = [
        password.to_string(),
        "wrong-password-attempt".to_string(),
        secret.to_string(),
        key.clone(),
        key[16..].to_string(),
        access.clone(),
        registered["token"].as_str().unwrap().to_string(),
        login["refresh"].as_str().unwrap().to_string(),
        refreshed["refresh"].as_str().unwrap().to_string(),
        refreshed["access"].as_str().unwrap().to_string(),
    ];
    for s in secrets {
        assert!(
            !logs.contains(&s),
            "a secret reached the logs: {}...",
            &s[..8.min(s.len())]
        );
    }
}
