//! Two `siloq serve` processes over one PostgreSQL database (extensions.md §6.7, §6.8): an activation through
//! instance A is served by instance B within 5 s (the measured time is printed), both instances take re-scoring
//! jobs, and when B is killed while it holds one, A finishes the work once B's lease expires.
//!
//! PostgreSQL only: SQLite serves a single instance. Without `SILOQ_TEST_DATABASE_URL` the test says so and
//! passes.

use serde_json::{Value, json};
use siloq_tests::process::{ServeProcess, siloq_command};
use siloq_tests::{Arg, TestDatabase, guests};
use std::time::{Duration, Instant};

const SECRET: &str = "siloq-instances-secret-0123456789abcdef0123456789";
const SITES: i64 = 6;
const PAGES_PER_SITE: i64 = 15;
const LEASE_SECS: u64 = 8;

/// Both instances share the secret; a short job lease lets A take over B's job soon after B is killed.
async fn start(db: &TestDatabase) -> ServeProcess {
    ServeProcess::start(
        db,
        &[
            ("SECRET_KEY", SECRET.to_string()),
            ("SILOQ_JOBS__LEASE_SECS", LEASE_SECS.to_string()),
        ],
    )
    .await
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http
        .request(method, url)
        .header("authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn two_instances_converge_share_rescoring_and_survive_a_kill() {
    guests::require_built();
    let db = TestDatabase::create().await;
    if !db.is_postgres() {
        eprintln!(
            "skipped: needs SILOQ_TEST_DATABASE_URL (PostgreSQL) for two instances over one database"
        );
        return;
    }
    let http = reqwest::Client::new();
    let a = start(&db).await;
    let status = siloq_command(&db)
        .env("SECRET_KEY", SECRET)
        .args([
            "user",
            "create",
            "--email",
            "ops@x.test",
            "--password",
            "password-123",
            "--staff",
        ])
        .status()
        .expect("user create");
    assert!(status.success());
    let login: Value = http
        .post(format!("{}/api/v1/auth/login/", a.base))
        .json(&json!({"email": "ops@x.test", "password": "password-123"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access"].as_str().expect("access token").to_string();
    let api = |base: &str, path: &str| format!("{base}/api/v1{path}");

    // The staff user owns a few sites with pages, all scored under the bundled revision.
    for s in 0..SITES {
        let (st, site) = call(
            &http,
            reqwest::Method::POST,
            api(&a.base, "/sites/"),
            &token,
            Some(json!({"name": format!("Site {s}"), "url": format!("https://site{s}.example")})),
        )
        .await;
        assert_eq!(st, 201, "{site}");
        let (st, key) = call(
            &http,
            reqwest::Method::POST,
            api(&a.base, "/api-keys/"),
            &token,
            Some(json!({"site_id": site["id"], "name": "k"})),
        )
        .await;
        assert_eq!(st, 201, "{key}");
        let key = key["key"]["key"].as_str().unwrap().to_string();
        for n in 0..PAGES_PER_SITE {
            let body = json!({"wp_post_id": n + 1, "url": format!("https://site{s}.example/p{n}/"), "title": format!("Page {n}"),
                "content": format!("<h1>Page {n}</h1><p>Blocked drains cleared the same day, every day.</p>")});
            // The per-key rate limit may answer 429 to this burst: wait as told and send again.
            loop {
                let r = http
                    .post(api(&a.base, "/pages/sync"))
                    .bearer_auth(&key)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                if status == 429 {
                    let wait = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(1);
                    tokio::time::sleep(Duration::from_secs(wait)).await;
                    continue;
                }
                assert!(
                    status.is_success(),
                    "{status}: {}",
                    r.text().await.unwrap_or_default()
                );
                break;
            }
        }
    }

    let b = start(&db).await;
    let upload = http
        .post(api(&a.base, "/extensions/"))
        .bearer_auth(&token)
        .header("content-type", "application/wasm")
        .body(guests::STAMP.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 201);
    let stamp = upload.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, active) = call(
        &http,
        reqwest::Method::GET,
        api(&a.base, "/rulesets/active/"),
        &token,
        None,
    )
    .await;
    let mut entries: Vec<Value> = active["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!({"extension_version_id": e["extension_version_id"]}))
        .collect();
    entries.push(json!({"extension_version_id": stamp}));
    let (st, revision) = call(
        &http,
        reqwest::Method::POST,
        api(&a.base, "/rulesets/"),
        &token,
        Some(json!({"entries": entries, "activate": false})),
    )
    .await;
    assert_eq!(st, 201, "{revision}");
    let rev = revision["revision"].as_i64().unwrap();

    // Activation through A; B must serve the revision within 5 s.
    let started = Instant::now();
    let (st, activated) = call(
        &http,
        reqwest::Method::POST,
        api(&a.base, &format!("/rulesets/{rev}/activate/")),
        &token,
        None,
    )
    .await;
    assert_eq!(st, 200, "{activated}");
    let propagation = loop {
        let ready: Value = http
            .get(format!("{}/readyz", b.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if ready["ruleset"]["revision"] == rev {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "B still serves {} after 5 s",
            ready["ruleset"]
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    println!(
        "ruleset propagation A -> B: {:.1} ms",
        propagation.as_secs_f64() * 1000.0
    );

    // Both instances take re-scoring jobs: wait until B holds one, then kill it mid-job.
    let b_owner = format!("{}-%", b.pid());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let held = db
            .fetch_i64(
                "SELECT COUNT(*) FROM jobs WHERE kind = 'rulesets.rescore_pages' AND status = 'running' AND lease_owner LIKE $1",
                &[Arg::Text(b_owner.clone())],
            )
            .await
            .unwrap_or(0);
        if held > 0 {
            break;
        }
        let left = db.fetch_i64("SELECT COUNT(*) FROM jobs WHERE kind = 'rulesets.rescore_pages' AND status <> 'done'", &[]).await;
        assert!(left != Some(0), "A finished every job before B took one");
        assert!(
            Instant::now() < deadline,
            "B never claimed a re-scoring job"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed_at = Instant::now();
    drop(b);

    // A finishes everything, B's job included once its lease has expired (LEASE_SECS).
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let (_, active) = call(
            &http,
            reqwest::Method::GET,
            api(&a.base, "/rulesets/active/"),
            &token,
            None,
        )
        .await;
        if active["rescoring"]["pending_pages"] == 0 && active["rescoring"]["jobs_pending"] == 0 {
            assert_eq!(
                active["rescoring"]["done_pages"],
                SITES * PAGES_PER_SITE,
                "{active}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "re-scoring never finished after the kill: {active}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "re-scoring finished {:.1} s after B was killed",
        killed_at.elapsed().as_secs_f64()
    );
    let stamped = db
        .fetch_i64(
            "SELECT COUNT(*) FROM pages WHERE ruleset_revision = $1 AND issues::text LIKE '%test.stamp%'",
            &[Arg::Int(rev)],
        )
        .await;
    assert_eq!(stamped, Some(SITES * PAGES_PER_SITE));
    drop(a);
}
