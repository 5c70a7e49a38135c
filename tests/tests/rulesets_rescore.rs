//! Background re-scoring after an activation (extensions.md §6.7): durable `rulesets.rescore_pages` jobs bring
//! stored pages to the active revision, progress shows in `GET /rulesets/active/`, and a job whose instance died
//! mid-way is resumed by another instance, which re-scores only the pages still left.

use serde_json::{Value, json};
use siloq_kernel::server::RunningServer;
use siloq_tests::{Arg, TestApp, TestClient, TestUser, guests};
use std::time::{Duration, Instant};

async fn sync(app: &TestClient, key: &str, n: i64) -> i64 {
    let body = json!({"wp_post_id": n, "url": format!("https://acme.example/page-{n}/"), "title": format!("Page {n}"),
        "content": format!("<h1>Page {n}</h1><p>Blocked drains cleared the same day, every day.</p>")});
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(key)
        .json(&body)
        .send()
        .await;
    assert!([200, 201].contains(&r.status()), "{}", r.text);
    r.i64("page_id")
}

async fn seo(app: &TestClient, owner: &TestUser, id: i64) -> Value {
    app.get(&format!("/api/v1/pages/{id}/seo"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200)
        .json
}

fn stamped(seo: &Value) -> bool {
    seo["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .any(|i| i["type"] == "test.stamp")
}

/// Uploads the stamp guest and creates (and, when asked, activates) a revision that adds it.
async fn stamp_revision(app: &TestClient, staff: &TestUser, activate: bool) -> Value {
    let stamp = app
        .post("/api/v1/extensions/")
        .bearer(&staff.token)
        .body("application/wasm", guests::STAMP.to_vec())
        .send()
        .await
        .expect(201)
        .i64("id");
    let active = app
        .get("/api/v1/rulesets/active/")
        .bearer(&staff.token)
        .send()
        .await
        .expect(200)
        .json;
    let mut entries: Vec<Value> = active["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!({"extension_version_id": e["extension_version_id"]}))
        .collect();
    entries.push(json!({"extension_version_id": stamp}));
    app.post("/api/v1/rulesets/")
        .bearer(&staff.token)
        .json(&json!({"entries": entries, "activate": activate}))
        .send()
        .await
        .expect(201)
        .json
}

/// Polls `GET /rulesets/active/` until no page waits for re-scoring.
async fn wait_rescored(app: &TestClient, staff: &TestUser, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let active = app
            .get("/api/v1/rulesets/active/")
            .bearer(&staff.token)
            .send()
            .await
            .expect(200)
            .json;
        if active["rescoring"]["pending_pages"] == 0 {
            return active;
        }
        assert!(
            Instant::now() < deadline,
            "re-scoring did not finish: {active}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn an_activation_rescores_stored_pages_with_progress_in_the_api() {
    guests::require_built();
    let app = TestApp::spawn().await;
    let staff = app.staff_user("ops@x.test").await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    let key = app.key(site).await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(sync(&app.client, &key, n).await);
    }
    let revision = stamp_revision(&app.client, &staff, true).await;
    let rev = revision["revision"].as_i64().unwrap();
    let queued = revision["rescoring"]["pages_queued"].as_i64().unwrap();
    assert!((0..=5).contains(&queued), "{revision}");
    let active = wait_rescored(&app.client, &staff, Duration::from_secs(60)).await;
    assert_eq!(active["revision"], rev);
    assert_eq!(active["rescoring"]["done_pages"], 5, "{active}");
    for id in ids {
        let page = seo(&app.client, &owner, id).await;
        assert_eq!(page["ruleset_revision"], rev, "{page}");
        assert!(
            stamped(&page),
            "page {id} re-scored under the new revision: {page}"
        );
    }
    let instances = active["instances"].as_array().unwrap();
    assert_eq!(instances.len(), 1, "{active}");
    assert_eq!(instances[0]["revision"], rev);
    assert_eq!(instances[0]["state"], "ready");
}

/// A second instance over the database of a stopped one.
async fn instance_on(url: &str) -> (RunningServer, TestClient) {
    let state = siloq_kernel::server::build_state(siloq_tests::test_config(url), true)
        .await
        .expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = RunningServer::start(state, listener).expect("start");
    let client = TestClient::new(format!("http://{}", server.addr));
    (server, client)
}

#[tokio::test]
async fn a_rescore_job_whose_instance_crashed_midway_is_finished_by_the_next_one() {
    guests::require_built();
    let app = TestApp::spawn().await;
    let staff = app.staff_user("ops@x.test").await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    let key = app.key(site).await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(sync(&app.client, &key, n).await);
    }
    let rev = stamp_revision(&app.client, &staff, false).await["revision"]
        .as_i64()
        .unwrap();
    let db = app.shutdown_keep_database().await;

    // What a crash mid-job leaves behind: the revision activated, the first page done, the job claimed by an
    // instance that is gone (its lease expired).
    let now = chrono::Utc::now();
    db.execute(
        "UPDATE ruleset_active SET revision = $1, generation = generation + 1",
        &[Arg::Int(rev)],
    )
    .await;
    db.execute(
        "INSERT INTO ruleset_activations (revision, previous_revision, generation, kind, activated_by, activated_at) \
         VALUES ($1, 1, 2, 'activate', NULL, $2)",
        &[Arg::Int(rev), Arg::Time(now)],
    )
    .await;
    db.execute(
        "UPDATE pages SET ruleset_revision = $1 WHERE id = $2",
        &[Arg::Int(rev), Arg::Int(ids[0])],
    )
    .await;
    let sql = format!(
        "INSERT INTO jobs (kind, payload, status, unique_key, attempts, max_attempts, run_at, lease_owner, lease_token, \
         lease_expires_at, last_error, created_at, updated_at) VALUES ('rulesets.rescore_pages', {}, 'running', $2, 1, \
         10, $3, 'crashed-instance', 'f00d', $4, '', $3, $3)",
        db.json_param(1)
    );
    db.execute(
        &sql,
        &[
            Arg::Text(json!({"site_id": site.0}).to_string()),
            Arg::Text(format!("rulesets.rescore_pages:{}", site.0)),
            Arg::Time(now - chrono::Duration::minutes(2)),
            Arg::Time(now - chrono::Duration::minutes(1)),
        ],
    )
    .await;

    let (server, client) = instance_on(&db.url).await;
    wait_rescored(&client, &staff, Duration::from_secs(60)).await;
    for (i, id) in ids.iter().enumerate() {
        let page = seo(&client, &owner, *id).await;
        assert_eq!(page["ruleset_revision"], rev);
        // The first page was done before the crash and is not scored again; the others are.
        assert_eq!(stamped(&page), i > 0, "page {id}: {page}");
    }
    let done = db
        .fetch_i64(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'rulesets.rescore_pages' AND status = 'done'",
            &[],
        )
        .await;
    assert_eq!(done, Some(1));
    server.shutdown().await;
}
