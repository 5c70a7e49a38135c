//! Outbound webhooks (api.md §12): a local receiver gets a signed delivery (`X-Siloq-Signature: sha256=<hex
//! HMAC-SHA256>`, `X-Siloq-Event`, `X-Siloq-Delivery`), a 500 is retried with the same bytes, a redirect is not
//! followed, `410 Gone` disables the endpoint, a destination the egress policy blocks fails at once without a
//! connection; page syncs and scans emit their events; the delivery log and the endpoint show the outcome;
//! endpoint and secret routes validate their input, change nothing on a 400 and belong to the site's owner.
//!
//! The receiver listens on 127.0.0.1 and is named in `scanner.allow_hosts` (the one egress allow-list; the
//! policy refuses loopback otherwise); the retry schedule is shortened to one second.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use siloq_tests::fixture_site::{Canary, FixtureSite, Route};
use siloq_tests::{Arg, Resp, TestApp, TestUser};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal HTTP/1.1 receiver answering with the scripted statuses in order (the last one repeats). A 3xx
/// answer carries `Location: <redirect_to>`.
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(statuses: Vec<u16>) -> Self {
        Self::start_redirecting(statuses, String::new()).await
    }

    async fn start_redirecting(statuses: Vec<u16>, redirect_to: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let log = got.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    continue;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break None,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break Some(at);
                    }
                };
                let Some(head_end) = head_end else { continue };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let headers: Vec<(String, String)> = head
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = buf[head_end + 4..].to_vec();
                while body.len() < length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => body.extend_from_slice(&chunk[..n]),
                    }
                }
                let index = {
                    let mut log = log.lock().unwrap();
                    log.push(Received { headers, body });
                    log.len() - 1
                };
                let status = statuses[index.min(statuses.len() - 1)];
                let location = if (300..400).contains(&status) {
                    format!("location: {redirect_to}\r\n")
                } else {
                    String::new()
                };
                let answer = format!(
                    "HTTP/1.1 {status} Whatever\r\n{location}content-length: 2\r\nconnection: close\r\n\r\nok"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        Self { port, got, task }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits (bounded) until at least `n` requests arrived.
    async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..240 {
            if self.received().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        self.received()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn app_for(receiver_port: u16) -> TestApp {
    app_allowing(vec![format!("127.0.0.1:{receiver_port}")]).await
}

/// Receivers (and fixture sites) on loopback allow-listed, `http` endpoints accepted, one-second retries.
async fn app_allowing(allow_hosts: Vec<String>) -> TestApp {
    TestApp::spawn_with(move |c| {
        c.webhooks.allow_http = true;
        c.scanner.allow_hosts = allow_hosts;
        c.scanner.politeness_delay_ms = 0;
        c.webhooks.retry_schedule_secs = vec![1, 1, 1, 1, 1, 1];
    })
    .await
}

async fn create_endpoint(app: &TestApp, user: &TestUser, site: i64, body: Value) -> Resp {
    app.post(&format!("/api/v1/sites/{site}/webhooks/"))
        .bearer(&user.token)
        .json(&body)
        .send()
        .await
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// `POST /sites/{site}/webhook-secret/rotate/` with `body`.
async fn rotate_secret(app: &TestApp, user: &TestUser, site: i64, body: Value) -> Resp {
    app.post(&format!("/api/v1/sites/{site}/webhook-secret/rotate/"))
        .bearer(&user.token)
        .json(&body)
        .send()
        .await
}

/// `GET /sites/{site}/webhook-secret/`.
async fn secret_status(app: &TestApp, user: &TestUser, site: i64) -> Resp {
    app.get(&format!("/api/v1/sites/{site}/webhook-secret/"))
        .bearer(&user.token)
        .send()
        .await
}

/// Queues a `ping` through the test route and waits for its delivery to settle: (delivery id, the endpoint's
/// delivery-log path, the settled record).
async fn ping_settled(
    app: &TestApp,
    owner: &TestUser,
    site: i64,
    endpoint: i64,
) -> (i64, String, Value) {
    let delivery = app
        .post(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/test/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(202)
        .i64("delivery_id");
    let log_path = format!("/api/v1/sites/{site}/webhooks/{endpoint}/deliveries/");
    let record = settled_delivery(app, owner, &log_path, delivery).await;
    (delivery, log_path, record)
}

/// Polls the delivery log until the delivery leaves `pending` (bounded).
async fn settled_delivery(app: &TestApp, user: &TestUser, path: &str, id: i64) -> Value {
    let mut last = Value::Null;
    for _ in 0..240 {
        let list = app.get(path).bearer(&user.token).send().await.expect(200);
        last = list.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .cloned()
            .unwrap_or(Value::Null);
        if last["status"] != "pending" && !last.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    last
}

#[tokio::test]
async fn a_signed_ping_is_retried_after_a_500_and_then_succeeds() {
    let receiver = Receiver::start(vec![500, 200]).await;
    let app = app_for(receiver.port).await;
    let owner = app.user("hooks@example.com").await;
    let site = app.site(&owner, "https://hooks.example").await.0;
    let url = format!("http://127.0.0.1:{}/siloq", receiver.port);
    let created = create_endpoint(
        &app,
        &owner,
        site,
        json!({"url": url, "description": "CRM", "events": ["page.scored"]}),
    )
    .await
    .expect(201);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let secret = created.str("signing_secret").to_string();
    assert!(secret.starts_with("whsec_") && secret.len() == 49);
    let endpoint = created.i64("id");
    assert_eq!(created.json["events"], json!(["page.scored"]));
    assert_eq!(created.json["is_active"], true);

    let queued = app
        .post(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/test/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(202);
    assert_eq!(queued.str("message"), "Test event queued");
    let delivery = queued.i64("delivery_id");

    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2, "one failed attempt and one retry");
    for request in &got {
        assert_eq!(request.header("x-siloq-event"), Some("ping"));
        assert_eq!(
            request.header("x-siloq-delivery"),
            Some(delivery.to_string().as_str())
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some("Siloq-Webhooks/1.0"));
        assert_eq!(
            request.header("x-siloq-signature"),
            Some(sign(&secret, &request.body).as_str()),
            "the signature is the HMAC of the exact body"
        );
    }
    assert_eq!(got[0].body, got[1].body, "a retry sends the same bytes");
    let envelope: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(envelope["event"], "ping");
    assert_eq!(envelope["event_type"], "ping");
    assert_eq!(envelope["delivery_id"], delivery);
    assert_eq!(envelope["site_id"], site);
    assert_eq!(
        envelope["data"],
        json!({"message": "ping", "endpoint_id": endpoint})
    );
    assert!(envelope["created_at"].as_str().unwrap().ends_with('Z'));

    let log_path = format!("/api/v1/sites/{site}/webhooks/{endpoint}/deliveries/");
    let record = settled_delivery(&app, &owner, &log_path, delivery).await;
    assert_eq!(record["status"], "succeeded", "{record}");
    assert_eq!(record["attempts"], 2);
    assert_eq!(record["response_status"], 200);
    assert_eq!(record["response_body"], "ok");
    assert_eq!(record["error"], Value::Null);
    assert_eq!(record["event"], "ping");
    assert_eq!(record["payload"], envelope);

    let shown = app
        .get(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(shown.json["last_delivery_status"], "succeeded");
    let filtered = app
        .get(&format!("{log_path}?status=failed"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(filtered.json["count"], 0);
    assert_eq!(receiver.received().len(), 2, "no attempt after success");
}

#[tokio::test]
async fn gone_disables_the_endpoint_without_retrying() {
    let receiver = Receiver::start(vec![410]).await;
    let app = app_for(receiver.port).await;
    let owner = app.user("gone@example.com").await;
    let site = app.site(&owner, "https://gone.example").await.0;
    let url = format!("http://127.0.0.1:{}/hook", receiver.port);
    let endpoint = create_endpoint(&app, &owner, site, json!({"url": url}))
        .await
        .expect(201)
        .i64("id");
    let (_, _, record) = ping_settled(&app, &owner, site, endpoint).await;
    assert_eq!(record["status"], "failed", "{record}");
    assert_eq!(record["attempts"], 1);
    assert_eq!(record["response_status"], 410);
    let shown = app
        .get(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(shown.json["is_active"], false);
    assert_eq!(shown.json["disabled_reason"], "gone");
    assert_eq!(shown.json["events"], json!(["*"]));
    // Turning it back on clears the reason.
    let revived = app
        .patch(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .json(&json!({"is_active": true}))
        .send()
        .await
        .expect(200);
    assert_eq!(revived.json["disabled_reason"], Value::Null);
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn endpoint_and_secret_routes_validate_and_are_owner_only() {
    // Port 9 on loopback is exempt from the address checks, so endpoints can be registered; nothing is sent to it.
    let app = TestApp::spawn_with(|c| c.scanner.allow_hosts = vec!["127.0.0.1:9".into()]).await;
    let owner = app.user("owner@example.com").await;
    let other = app.user("other@example.com").await;
    let site = app.site(&owner, "https://routes.example").await.0;

    let status = secret_status(&app, &owner, site).await.expect(200);
    assert_eq!(status.json["has_secret"], false);
    assert_eq!(status.json["secret_prefix"], Value::Null);

    let missing = create_endpoint(&app, &owner, site, json!({}))
        .await
        .expect(400);
    assert_eq!(missing.json["url"], json!(["This field is required."]));
    let http = create_endpoint(
        &app,
        &owner,
        site,
        json!({"url": "http://hooks.example.com/x"}),
    )
    .await
    .expect(400);
    assert!(http.json["url"].is_array());
    let blocked = create_endpoint(&app, &owner, site, json!({"url": "https://127.0.0.1/x"}))
        .await
        .expect(400);
    assert_eq!(blocked.json["url"], json!(["URL is not allowed."]));
    let bad_event = create_endpoint(
        &app,
        &owner,
        site,
        json!({"url": "https://127.0.0.1:9/x", "events": ["page.deleted"]}),
    )
    .await
    .expect(400);
    assert_eq!(
        bad_event.json["events"],
        json!(["\"page.deleted\" is not a valid choice."])
    );
    let empty = create_endpoint(
        &app,
        &owner,
        site,
        json!({"url": "https://127.0.0.1:9/x", "events": []}),
    )
    .await
    .expect(400);
    assert!(empty.json["events"].is_array());
    let not_json = app
        .post(&format!("/api/v1/sites/{site}/webhooks/"))
        .bearer(&owner.token)
        .body("application/json", "{\"url\":")
        .send()
        .await
        .expect(400);
    assert!(not_json.json["detail"].is_string());
    // Nothing was created by the refused requests, and no secret was generated.
    let list = app
        .get(&format!("/api/v1/sites/{site}/webhooks/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.json["count"], 0);
    let status = secret_status(&app, &owner, site).await.expect(200);
    assert_eq!(status.json["has_secret"], false);

    // A given secret: 16-256 visible ASCII characters, shown once.
    let short = rotate_secret(&app, &owner, site, json!({"secret": "too-short"}))
        .await
        .expect(400);
    assert!(short.json["secret"].is_array());
    let spaced = rotate_secret(
        &app,
        &owner,
        site,
        json!({"secret": "has spaces in it, not allowed"}),
    )
    .await
    .expect(400);
    assert!(spaced.json["secret"].is_array());
    secret_status(&app, &owner, site).await.expect(200).json["has_secret"]
        .as_bool()
        .filter(|has| !has)
        .expect("a refused rotation sets no secret");
    // Another user cannot set the secret of this site.
    rotate_secret(
        &app,
        &other,
        site,
        json!({"secret": "someone-elses-secret-0123456789"}),
    )
    .await
    .expect(404);
    let set = rotate_secret(
        &app,
        &owner,
        site,
        json!({"secret": "plugin-shown-secret-0123456789"}),
    )
    .await
    .expect(201);
    assert_eq!(set.header("cache-control"), Some("no-store"));
    assert_eq!(set.str("signing_secret"), "plugin-shown-secret-0123456789");
    assert_eq!(set.str("secret_prefix"), "plugin-sho...");
    let status = secret_status(&app, &owner, site).await.expect(200);
    assert_eq!(status.json["has_secret"], true);
    assert!(!status.text.contains("plugin-shown-secret-0123456789"));

    // With a secret already set, creating an endpoint does not show it.
    let created = create_endpoint(&app, &owner, site, json!({"url": "https://127.0.0.1:9/x"}))
        .await
        .expect(201);
    assert!(created.json.get("signing_secret").is_none());
    let endpoint = created.i64("id");
    let put = app
        .put(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .json(&json!({"description": "no url"}))
        .send()
        .await
        .expect(400);
    assert!(put.json["url"].is_array());
    let blocked_patch = app
        .patch(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .json(&json!({"url": "https://169.254.169.254/latest/", "description": "changed"}))
        .send()
        .await
        .expect(400);
    assert_eq!(blocked_patch.json["url"], json!(["URL is not allowed."]));
    let unchanged = app
        .get(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(unchanged.json["url"], "https://127.0.0.1:9/x");
    assert_eq!(unchanged.json["description"], "");
    assert_eq!(unchanged.json["events"], json!(["*"]));
    let patched = app
        .patch(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .json(&json!({"description": "CRM", "events": ["scan.completed", "scan.failed"]}))
        .send()
        .await
        .expect(200);
    assert_eq!(patched.json["url"], "https://127.0.0.1:9/x");
    assert_eq!(patched.json["description"], "CRM");
    assert_eq!(
        patched.json["events"],
        json!(["scan.completed", "scan.failed"])
    );

    // Another owner's requests answer 404 and change nothing.
    for request in [
        app.put(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
            .json(&json!({"url": "https://127.0.0.1:9/stolen"})),
        app.patch(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
            .json(&json!({"description": "stolen"})),
        app.delete(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/")),
        app.post(&format!("/api/v1/sites/{site}/webhooks/"))
            .json(&json!({"url": "https://127.0.0.1:9/stolen"})),
    ] {
        request.bearer(&other.token).send().await.expect(404);
    }
    let after = app
        .get(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(after.json, patched.json);
    // Without a token: 401, as everywhere under JWT auth.
    app.get(&format!("/api/v1/sites/{site}/webhooks/"))
        .send()
        .await
        .expect(401);

    for path in [
        format!("/api/v1/sites/{site}/webhooks/"),
        format!("/api/v1/sites/{site}/webhooks/{endpoint}/"),
        format!("/api/v1/sites/{site}/webhooks/{endpoint}/deliveries/"),
        format!("/api/v1/sites/{site}/webhook-secret/"),
    ] {
        app.get(&path).bearer(&other.token).send().await.expect(404);
    }
    app.post(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/test/"))
        .bearer(&other.token)
        .send()
        .await
        .expect(404);
    let bad_filter = app
        .get(&format!(
            "/api/v1/sites/{site}/webhooks/{endpoint}/deliveries/?status=bogus"
        ))
        .bearer(&owner.token)
        .send()
        .await
        .expect(400);
    assert!(bad_filter.json["status"].is_array());

    // At most 10 endpoints per site.
    for _ in 1..10 {
        create_endpoint(&app, &owner, site, json!({"url": "https://127.0.0.1:9/y"}))
            .await
            .expect(201);
    }
    let over = create_endpoint(&app, &owner, site, json!({"url": "https://127.0.0.1:9/z"}))
        .await
        .expect(400);
    assert!(over.json["non_field_errors"].is_array());

    let deleted = app
        .delete(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        deleted.str("message"),
        "Webhook endpoint deleted successfully"
    );
    app.delete(&format!("/api/v1/sites/{site}/webhooks/{endpoint}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(404);
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_counts_as_a_failure() {
    let canary = Canary::start().await;
    let receiver = Receiver::start_redirecting(
        vec![302, 200],
        format!("http://127.0.0.1:{}/elsewhere", canary.port),
    )
    .await;
    // The redirect target is allow-listed too: even so it is never requested.
    let app = app_allowing(vec![
        format!("127.0.0.1:{}", receiver.port),
        format!("127.0.0.1:{}", canary.port),
    ])
    .await;
    let owner = app.user("redirect@example.com").await;
    let site = app.site(&owner, "https://redirect.example").await.0;
    let url = format!("http://127.0.0.1:{}/hook", receiver.port);
    let endpoint = create_endpoint(&app, &owner, site, json!({"url": url}))
        .await
        .expect(201)
        .i64("id");
    let (_, _, record) = ping_settled(&app, &owner, site, endpoint).await;
    assert_eq!(record["status"], "succeeded", "{record}");
    assert_eq!(record["attempts"], 2, "the 302 was a failed attempt");
    assert_eq!(receiver.received().len(), 2);
    assert_eq!(canary.connections(), 0, "the Location was never followed");
}

#[tokio::test]
async fn a_blocked_destination_fails_at_once_without_a_connection() {
    let canary = Canary::start().await;
    // Only port 9 is allow-listed: registration passes there, then the stored URL is moved to the canary's port
    // (as if the allow-list had changed since), which the egress policy refuses at delivery time.
    let app = app_allowing(vec!["127.0.0.1:9".into()]).await;
    let owner = app.user("blocked@example.com").await;
    let site = app.site(&owner, "https://blocked.example").await.0;
    let endpoint = create_endpoint(
        &app,
        &owner,
        site,
        json!({"url": "http://127.0.0.1:9/hook"}),
    )
    .await
    .expect(201)
    .i64("id");
    let moved = app
        .database
        .execute(
            "UPDATE webhook_endpoints SET url = $1 WHERE id = $2",
            &[
                Arg::Text(format!("http://127.0.0.1:{}/hook", canary.port)),
                Arg::Int(endpoint),
            ],
        )
        .await;
    assert_eq!(moved, 1);
    let (delivery, log_path, record) = ping_settled(&app, &owner, site, endpoint).await;
    assert_eq!(record["status"], "failed", "{record}");
    assert_eq!(record["error"], "destination_blocked");
    assert_eq!(record["attempts"], 1, "a blocked delivery is not retried");
    assert_eq!(record["next_attempt_at"], Value::Null);
    assert_eq!(record["response_status"], Value::Null);
    // Past the first retry delay: still one attempt, and the canary never saw a connection.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let again = settled_delivery(&app, &owner, &log_path, delivery).await;
    assert_eq!(again["attempts"], 1);
    assert_eq!(canary.connections(), 0);
    let filtered = app
        .get(&format!("{log_path}?status=failed"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(filtered.json["count"], 1);
}

#[tokio::test]
async fn page_syncs_and_scans_emit_their_events() {
    let receiver = Receiver::start(vec![200]).await;
    let fixture = FixtureSite::start(|_| {
        HashMap::from([(
            "/".to_string(),
            Route::html(
                "<html><head><title>Fixture home</title></head><body><h1>Home</h1><p>Hello.</p></body></html>",
            ),
        )])
    })
    .await;
    let app = app_allowing(vec![
        format!("127.0.0.1:{}", receiver.port),
        fixture.allow_entry(),
    ])
    .await;
    let owner = app.user("events@example.com").await;
    let site = app.site(&owner, "https://events.example").await;
    let key = app.key(site).await;
    let created = create_endpoint(
        &app,
        &owner,
        site.0,
        json!({"url": format!("http://127.0.0.1:{}/hook", receiver.port),
               "events": ["page.synced", "page.scored", "scan.completed", "scan.failed"]}),
    )
    .await
    .expect(201);
    let secret = created.str("signing_secret").to_string();

    let synced = app
        .post("/api/v1/pages/sync/")
        .bearer(&key)
        .json(&json!({"wp_post_id": 42, "url": "https://events.example/services/", "title": "Services",
                      "content": "<h1>Services</h1><p>What we do.</p>", "status": "publish", "post_type": "page"}))
        .send()
        .await
        .expect(201);
    let page_id = synced.i64("page_id");
    let scan = app
        .scan_to_end(
            &key,
            json!({"url": format!("{}/", fixture.base()), "scan_type": "quick"}),
        )
        .await;
    assert_eq!(scan["status"], "completed", "{scan}");

    let got = receiver.wait_for(3).await;
    let mut by_event: HashMap<String, Value> = HashMap::new();
    for request in &got {
        assert_eq!(
            request.header("x-siloq-signature"),
            Some(sign(&secret, &request.body).as_str())
        );
        let envelope: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            request.header("x-siloq-event"),
            envelope["event"].as_str(),
            "{envelope}"
        );
        assert_eq!(
            request.header("x-siloq-delivery"),
            Some(envelope["delivery_id"].to_string().as_str())
        );
        assert_eq!(envelope["site_id"], site.0);
        by_event.insert(envelope["event"].as_str().unwrap().to_string(), envelope);
    }
    let mut names: Vec<&str> = by_event.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["page.scored", "page.synced", "scan.completed"],
        "{got:?}"
    );
    let page_synced = &by_event["page.synced"]["data"];
    assert_eq!(page_synced["page_id"], page_id);
    assert_eq!(page_synced["wp_post_id"], 42);
    assert_eq!(page_synced["created"], true);
    assert_eq!(page_synced["title"], "Services");
    let page_scored = &by_event["page.scored"]["data"];
    assert_eq!(page_scored["page_id"], page_id);
    assert_eq!(page_scored["previous_score"], Value::Null);
    assert!(page_scored["seo_score"].is_i64(), "{page_scored}");
    assert!(page_scored["grade"].is_string(), "{page_scored}");
    let completed = &by_event["scan.completed"]["data"];
    assert_eq!(completed["scan_id"], scan["id"]);
    assert_eq!(completed["scan_type"], "quick");
    assert_eq!(completed["score"], scan["score"]);
    assert_eq!(completed["pages_analyzed"], 1);
}
