//! API usage analytics (api.md §13): requests authenticated by each site key per UTC day (and per endpoint
//! group), errors counted at status 400+, exact counts, owner-only routes, date-range validation.

use serde_json::{Value, json};
use siloq_tests::{Arg, TestApp, TestUser};

async fn key_id(app: &TestApp, user: &TestUser, site: i64, name: &str) -> i64 {
    let list = app
        .get(&format!("/api/v1/api-keys/?site_id={site}"))
        .bearer(&user.token)
        .send()
        .await
        .expect(200);
    list.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == name)
        .unwrap_or_else(|| panic!("key {name} in {}", list.text))["id"]
        .as_i64()
        .unwrap()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn group(body: &Value, name: &str) -> (i64, i64) {
    let found = body["endpoint_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == name)
        .unwrap_or_else(|| panic!("group {name} in {body}"));
    (
        found["requests"].as_i64().unwrap(),
        found["errors"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn usage_counts_key_requests_and_errors_exactly() {
    let app = TestApp::spawn().await;
    let owner = app.user("owner@example.com").await;
    let site = app.site(&owner, "https://usage.example").await;
    let key = app.key(site).await;
    let id = key_id(&app, &owner, site.0, "Test key").await;

    for _ in 0..3 {
        app.post("/api/v1/auth/verify/")
            .bearer(&key)
            .send()
            .await
            .expect(200);
    }
    for _ in 0..2 {
        app.post("/api/v1/pages/sync/")
            .api_key(&key)
            .json(&json!({}))
            .send()
            .await
            .expect(400);
    }
    // Not counted: a request the key check refused, and a dashboard request.
    app.post("/api/v1/pages/sync/")
        .api_key("sk_siloq_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .json(&json!({}))
        .send()
        .await
        .expect(403);
    app.get("/api/v1/sites/")
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);

    let usage = app
        .get(&format!("/api/v1/api-keys/{id}/usage/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    let body = &usage.json;
    assert_eq!(body["key_id"], id);
    assert_eq!(body["site_id"], site.0);
    assert_eq!(body["to"], today().to_string());
    assert_eq!(
        body["from"],
        (today() - chrono::Days::new(29)).to_string(),
        "the default range is the 30 days ending today"
    );
    assert_eq!(body["total_requests"], 5);
    assert_eq!(body["total_errors"], 2);
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(
        days.last().unwrap(),
        &json!({"date": today().to_string(), "requests": 5, "errors": 2})
    );
    assert!(
        days[..29]
            .iter()
            .all(|d| d["requests"] == 0 && d["errors"] == 0)
    );
    assert_eq!(group(body, "auth"), (3, 0));
    assert_eq!(group(body, "pages"), (2, 2));

    // Reading again changes nothing (the counts were written once).
    let again = app
        .get(&format!("/api/v1/api-keys/{id}/usage/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(again.json["total_requests"], 5);

    // The site view lists every key, revoked ones included, with zeros for an unused one.
    let second = app
        .post("/api/v1/api-keys/")
        .bearer(&owner.token)
        .json(&json!({"site_id": site.0, "name": "Spare"}))
        .send()
        .await
        .expect(201);
    let spare = second.json["key"]["id"].as_i64().unwrap();
    app.delete(&format!("/api/v1/api-keys/{spare}/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    let from = (today() - chrono::Days::new(1)).to_string();
    let site_usage = app
        .get(&format!("/api/v1/sites/{}/usage/?from={from}", site.0))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    let body = &site_usage.json;
    assert_eq!(body["site_id"], site.0);
    assert_eq!(body["from"], from);
    assert_eq!(body["total_requests"], 5);
    assert_eq!(body["total_errors"], 2);
    let keys = body["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    let used = keys.iter().find(|k| k["key_id"] == id).unwrap();
    assert_eq!(used["total_requests"], 5);
    assert_eq!(used["is_active"], true);
    assert_eq!(used["days"].as_array().unwrap().len(), 2);
    let spare_row = keys.iter().find(|k| k["key_id"] == spare).unwrap();
    assert_eq!(spare_row["total_requests"], 0);
    assert_eq!(spare_row["is_active"], false);
    assert_eq!(spare_row["name"], "Spare");

    // The counts are in the database, once, per endpoint group.
    let db = app.shutdown_keep_database().await;
    let stored = db
        .fetch_i64(
            "SELECT CAST(SUM(requests) AS BIGINT) FROM api_usage_daily WHERE key_id = $1",
            &[Arg::Int(id)],
        )
        .await;
    assert_eq!(stored, Some(5));
    let groups = db
        .fetch_i64(
            "SELECT COUNT(*) FROM api_usage_daily WHERE key_id = $1",
            &[Arg::Int(id)],
        )
        .await;
    assert_eq!(groups, Some(2));
}

#[tokio::test]
async fn usage_is_owner_only_and_validates_the_range() {
    let app = TestApp::spawn().await;
    let owner = app.user("owner@example.com").await;
    let other = app.user("other@example.com").await;
    let site = app.site(&owner, "https://usage.example").await;
    let _key = app.key(site).await;
    let id = key_id(&app, &owner, site.0, "Test key").await;

    let key_path = format!("/api/v1/api-keys/{id}/usage/");
    let site_path = format!("/api/v1/sites/{}/usage/", site.0);
    for path in [&key_path, &site_path] {
        let foreign = app.get(path).bearer(&other.token).send().await.expect(404);
        assert_eq!(foreign.str("code"), "not_found");
        app.get(path).send().await.expect(401);
    }
    app.get("/api/v1/api-keys/0123/usage/")
        .bearer(&owner.token)
        .send()
        .await
        .expect(404);

    let reversed = app
        .get(&format!("{key_path}?from=2026-11-26&to=2026-11-24"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(400);
    assert_eq!(reversed.str("code"), "invalid");
    assert!(reversed.json["non_field_errors"].is_array());
    let too_long = app
        .get(&format!("{site_path}?from=2025-01-01&to=2026-01-02"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(400);
    assert!(too_long.json["non_field_errors"].is_array());
    // 366 days inclusive is the longest range.
    let longest = app
        .get(&format!("{key_path}?from=2025-01-02&to=2026-01-02"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    assert_eq!(longest.json["days"].as_array().unwrap().len(), 366);
    for bad in ["yesterday", "2026-13-01", "2026-1-1", "99999-01-01"] {
        let resp = app
            .get(&format!("{key_path}?from={bad}"))
            .bearer(&owner.token)
            .send()
            .await
            .expect(400);
        assert!(resp.json["from"].is_array(), "{}", resp.text);
    }
    let explicit = app
        .get(&format!("{key_path}?from=2026-11-24&to=2026-11-26"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    let dates: Vec<&str> = explicit.json["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-11-24", "2026-11-25", "2026-11-26"]);
}
