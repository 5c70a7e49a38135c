//! security.md AZ-5: the authorization matrix as data. Every row is a route, every column a principal; each cell
//! runs against a fresh world (two users, a site each, keys), so mutating routes cannot influence other cells.
//! Also BOLA: another user's attempts on every site and key route leave the owner's data unchanged.

use serde_json::{Value, json};
use siloq_tests::{Arg, TestApp, TestUser};

/// Who calls.
#[derive(Debug, Clone, Copy)]
enum Who {
    Nobody,
    OwnerJwt,
    OtherJwt,
    OwnKey,
    OtherKey,
    RevokedKey,
    ExpiredKey,
}

const PRINCIPALS: [Who; 7] = [
    Who::Nobody,
    Who::OwnerJwt,
    Who::OtherJwt,
    Who::OwnKey,
    Who::OtherKey,
    Who::RevokedKey,
    Who::ExpiredKey,
];

/// What a cell expects.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Status(u16),
    /// 200 with an empty list (a `site_id` filter naming another user's site, api.md §7.2).
    EmptyList,
    /// 200 for the calling key's own site (verify).
    OwnSite(u16),
}
use Expect::{EmptyList, OwnSite, Status as S};

struct Row {
    method: &'static str,
    /// `{site}` and `{key}` are the owner's site and key ids.
    path: &'static str,
    body: Option<&'static str>,
    expect: [Expect; 7],
}

#[rustfmt::skip]
/// Columns: nobody, owner JWT, other user's JWT, own site's key, other site's key, revoked key, expired key.
const MATRIX: &[Row] = &[
    Row { method: "GET", path: "/sites", body: None,
          expect: [S(401), S(200), S(200), S(401), S(401), S(401), S(401)] },
    Row { method: "POST", path: "/sites", body: Some(r#"{"name":"n","url":"https://new.example"}"#),
          expect: [S(401), S(201), S(201), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/sites/{site}", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "PUT", path: "/sites/{site}", body: Some(r#"{"name":"n","url":"https://put.example"}"#),
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "PATCH", path: "/sites/{site}", body: Some(r#"{"name":"patched"}"#),
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "DELETE", path: "/sites/{site}", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/sites/{site}/overview", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/sites/{site}/webhooks", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "POST", path: "/sites/{site}/webhooks", body: Some(r#"{"url":"https://hooks.example.com/siloq"}"#),
          expect: [S(401), S(201), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/sites/{site}/webhook-secret", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "POST", path: "/sites/{site}/webhook-secret/rotate", body: None,
          expect: [S(401), S(201), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/api-keys", body: None,
          expect: [S(401), S(200), S(200), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/api-keys?site_id={site}", body: None,
          expect: [S(401), S(200), EmptyList, S(401), S(401), S(401), S(401)] },
    Row { method: "POST", path: "/api-keys", body: Some(r#"{"site_id":"{site}","name":"n"}"#),
          expect: [S(401), S(201), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/api-keys/{key}", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "PUT", path: "/api-keys/{key}", body: Some(r#"{"name":"n"}"#),
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "PATCH", path: "/api-keys/{key}", body: Some(r#"{"is_active":false}"#),
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "DELETE", path: "/api-keys/{key}", body: None,
          expect: [S(401), S(200), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "POST", path: "/api-keys/{key}/rotate", body: Some(r#"{"grace_period_seconds":60}"#),
          expect: [S(401), S(201), S(404), S(401), S(401), S(401), S(401)] },
    Row { method: "GET", path: "/auth/verify", body: None,
          expect: [S(401), S(401), S(401), OwnSite(200), OwnSite(200), S(401), S(401)] },
    Row { method: "POST", path: "/auth/verify", body: None,
          expect: [S(401), S(401), S(401), OwnSite(200), OwnSite(200), S(401), S(401)] },
];

/// One cell's world.
struct World {
    owner: TestUser,
    other: TestUser,
    site: i64,
    other_site: i64,
    key_id: i64,
    own_key: String,
    other_key: String,
    revoked_key: String,
    expired_key: String,
}

async fn world(app: &TestApp, n: usize) -> World {
    let owner = app.user(&format!("owner{n}@example.com")).await;
    let other = app.user(&format!("other{n}@example.com")).await;
    let site = app.site(&owner, "https://owner.example").await;
    let other_site = app.site(&other, "https://other.example").await;
    let revoked_key = app.key(site).await;
    let revoked_id = last_key_id(app).await;
    app.database
        .execute(
            "UPDATE api_keys SET revoked_at = $1 WHERE id = $2",
            &[Arg::Time(chrono::Utc::now()), Arg::Int(revoked_id)],
        )
        .await;
    let expired_key = app.key(site).await;
    let expired_id = last_key_id(app).await;
    app.database
        .execute(
            "UPDATE api_keys SET expires_at = $1 WHERE id = $2",
            &[
                Arg::Time(chrono::Utc::now() - chrono::Duration::minutes(1)),
                Arg::Int(expired_id),
            ],
        )
        .await;
    let other_key = app.key(other_site).await;
    let own_key = app.key(site).await;
    let key_id = last_key_id(app).await;
    World {
        owner,
        other,
        site: site.0,
        other_site: other_site.0,
        key_id,
        own_key,
        other_key,
        revoked_key,
        expired_key,
    }
}

async fn last_key_id(app: &TestApp) -> i64 {
    app.database
        .fetch_i64("SELECT MAX(id) FROM api_keys", &[])
        .await
        .unwrap()
}

fn fill(text: &str, w: &World) -> String {
    text.replace("{site}", &w.site.to_string())
        .replace("{key}", &w.key_id.to_string())
}

async fn call(app: &TestApp, row: &Row, w: &World, who: Who) -> siloq_tests::Resp {
    let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
    let mut req = app.req(method, &format!("/api/v1{}", fill(row.path, w)));
    if let Some(body) = row.body {
        req = req.body("application/json", fill(body, w));
    }
    let credential = match who {
        Who::Nobody => None,
        Who::OwnerJwt => Some(&w.owner.token),
        Who::OtherJwt => Some(&w.other.token),
        Who::OwnKey => Some(&w.own_key),
        Who::OtherKey => Some(&w.other_key),
        Who::RevokedKey => Some(&w.revoked_key),
        Who::ExpiredKey => Some(&w.expired_key),
    };
    if let Some(c) = credential {
        req = req.bearer(c);
    }
    req.send().await
}

#[tokio::test]
async fn every_cell_of_the_matrix() {
    let app = TestApp::spawn().await;
    let mut n = 0;
    let mut failures = Vec::new();
    for row in MATRIX {
        for (who, expect) in PRINCIPALS.iter().zip(row.expect) {
            n += 1;
            let w = world(&app, n).await;
            let r = call(&app, row, &w, *who).await;
            let ok = match expect {
                S(status) => r.status() == status,
                EmptyList => r.status() == 200 && r.json["count"] == 0,
                OwnSite(status) => {
                    let site = if matches!(who, Who::OwnKey) {
                        w.site
                    } else {
                        w.other_site
                    };
                    r.status() == status && r.json["site_id"] == site
                }
            };
            // Refusals never leak the object: 404s are the plain not-found body.
            let body_ok =
                r.status() != 404 || r.json == json!({"detail":"Not found.","code":"not_found"});
            if !ok || !body_ok {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expect:?}, got {} {}",
                    row.method,
                    row.path,
                    r.status(),
                    r.text
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The owner's view of their site and key, to compare before and after another user's attempts.
async fn snapshot(app: &TestApp, w: &World) -> (Value, Value, Value) {
    let site = app
        .get(&format!("/api/v1/sites/{}", w.site))
        .bearer(&w.owner.token)
        .send()
        .await
        .expect(200);
    let key = app
        .get(&format!("/api/v1/api-keys/{}", w.key_id))
        .bearer(&w.owner.token)
        .send()
        .await
        .expect(200);
    let keys = app
        .get("/api/v1/api-keys")
        .bearer(&w.owner.token)
        .send()
        .await
        .expect(200);
    (site.json, key.json, keys.json)
}

#[tokio::test]
async fn another_users_attempts_change_nothing() {
    let app = TestApp::spawn().await;
    let w = world(&app, 0).await;
    let before = snapshot(&app, &w).await;
    for row in MATRIX.iter().filter(|r| r.path.contains('{')) {
        let r = call(&app, row, &w, Who::OtherJwt).await;
        assert!(
            matches!(r.status(), 404 | 200),
            "{} {}: {}",
            row.method,
            row.path,
            r.text
        );
    }
    assert_eq!(snapshot(&app, &w).await, before);
    app.post("/api/v1/auth/verify")
        .bearer(&w.own_key)
        .send()
        .await
        .expect(200);
    // The other user's lists show nothing of the owner's.
    let r = app
        .get("/api/v1/sites")
        .bearer(&w.other.token)
        .send()
        .await
        .expect(200);
    assert!(
        r.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != w.site)
    );
    let r = app
        .get("/api/v1/api-keys")
        .bearer(&w.other.token)
        .send()
        .await
        .expect(200);
    assert!(
        r.json["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["site_id"] == w.other_site)
    );
}
