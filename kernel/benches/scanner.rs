//! The scanner's benchmark: a full scan of a 100-page local site (axum on 127.0.0.1, allow-listed) with the
//! politeness delay off, through the real application (HTTP API, job queue, crawler, default ruleset, report).
//! Prints pages per second and the process's peak resident memory; it asserts nothing about speed.
//!
//! `cargo bench -p siloq-kernel --bench scanner` (release profile). `SILOQ_BENCH_PAGES` changes the site size.

use axum::Router;
use axum::extract::Path;
use axum::response::Html;
use axum::routing::get;
use serde_json::{Value, json};
use siloq_kernel::config::{Config, SecretString};
use siloq_kernel::db::{NewApiKey, NewSite, NewUser};
use siloq_kernel::server::{RunningServer, build_state};
use std::time::{Duration, Instant};

fn page(i: usize, pages: usize) -> String {
    let links: String = (1..=3)
        .map(|k| (i * 7 + k * 13) % pages)
        .map(|n| format!(r#"<li><a href="/p/{n}/">Guide number {n} about bicycle care</a></li>"#))
        .collect();
    let body = "Regular maintenance keeps a bicycle safe and pleasant to ride. Clean the chain, check the tyre \
        pressure and look at the brake pads before every long ride. "
        .repeat(20);
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bicycle care guide {i} – Bench Bikes</title>
<meta name="description" content="Guide {i}: how to look after your bicycle through the seasons, step by step, with the tools you need.">
<link rel="canonical" href="/p/{i}/"></head><body><header><nav><a href="/">Home</a></nav></header><main><h1>Bicycle care guide {i}</h1>
<p>{body}</p><h2>Related guides</h2><ul>{links}</ul></main></body></html>"#
    )
}

/// `VmHWM` of this process in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: both just run once.
    let pages: usize = std::env::var("SILOQ_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(pages));
}

async fn run(pages: usize) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind site");
    let site_addr = listener.local_addr().expect("site address");
    let app = Router::new()
        .route("/", get(move || async move { Html(page(0, pages)) }))
        .route(
            "/p/{n}/",
            get(move |Path(n): Path<usize>| async move { Html(page(n, pages)) }),
        )
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config {
        debug: true,
        ..Config::default()
    };
    config.database.url = format!("sqlite://{}", dir.path().join("bench.db").display());
    config.auth.secret_key = Some(SecretString::new(
        "siloq-bench-secret-0123456789abcdef0123456789",
    ));
    config.auth.argon2_memory_kib = 256;
    config.auth.argon2_iterations = 1;
    config.auth.argon2_parallelism = 1;
    config.log.level = "warn".into();
    // No compiled-artifact cache in the working directory.
    config.extensions.cache_dir = String::new();
    config.scanner.allow_hosts = vec![site_addr.to_string()];
    config.scanner.politeness_delay_ms = 0;
    config.scanner.max_pages_limit = pages as i64;
    config.scanner.full_budget_secs = 600;
    config.scanner.stuck_after_secs = 3600;
    let state = build_state(config, true).await.expect("state");
    let user = state
        .store
        .create_user(&NewUser {
            email: "bench@example.com".into(),
            password_hash: "unused".into(),
            first_name: String::new(),
            last_name: String::new(),
            is_staff: false,
            is_superuser: false,
        })
        .await
        .expect("user");
    let site = state
        .store
        .create_site(&NewSite {
            user_id: user.id,
            name: "Bench".into(),
            url: "https://bench.example".into(),
            url_normalized: "bench.example".into(),
        })
        .await
        .expect("site");
    let minted = siloq_kernel::sites::keys::mint();
    state
        .store
        .insert_api_key(&NewApiKey {
            site_id: site,
            name: "bench".into(),
            key_hash: minted.hash,
            key_prefix: minted.prefix,
            expires_at: None,
        })
        .await
        .expect("key");
    let server_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind app");
    let server = RunningServer::start(state, server_listener).expect("server");
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();

    let started = Instant::now();
    let created: Value = http
        .post(format!("{base}/api/v1/scans/"))
        .header("x-api-key", &minted.full)
        .json(&json!({"url": format!("http://{site_addr}/"), "scan_type": "full", "max_pages": pages}))
        .send()
        .await
        .expect("create scan")
        .json()
        .await
        .expect("scan json");
    let id = created["id"].as_i64().expect("scan id");
    let scan = loop {
        let scan: Value = http
            .get(format!("{base}/api/v1/scans/{id}/"))
            .header("x-api-key", &minted.full)
            .send()
            .await
            .expect("poll")
            .json()
            .await
            .expect("scan json");
        if matches!(scan["status"].as_str(), Some("completed" | "failed")) {
            break scan;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let wall = started.elapsed().as_secs_f64();
    let analysed = scan["pages_analyzed"].as_i64().unwrap_or(0);
    println!(
        "scanner/full/{pages}-page site: status {}, {analysed} pages in {wall:.2} s = {:.1} pages/s (scan_duration_seconds {}), score {}",
        scan["status"],
        analysed as f64 / wall,
        scan["scan_duration_seconds"],
        scan["score"],
    );
    if let Some(kib) = peak_rss_kib() {
        println!(
            "scanner/full/{pages}-page site: peak RSS {:.1} MiB (whole process: app, site server, engine)",
            kib as f64 / 1024.0
        );
    }
    server.shutdown().await;
}
