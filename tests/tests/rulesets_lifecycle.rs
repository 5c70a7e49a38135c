//! Runtime rulesets through the staff API (extensions.md §6, api.md §14): upload, revisions, activation and
//! rollback as seen by synced pages, refused uploads, staff-only access, previews that change nothing, and the
//! audit trail.

use serde_json::{Value, json};
use siloq_tests::{TestApp, TestUser, guests};
use std::collections::BTreeSet;

/// A staff user, a site owner with a key.
struct World {
    staff: TestUser,
    owner: TestUser,
    key: String,
    site: i64,
}

async fn world(app: &TestApp) -> World {
    let staff = app.staff_user("ops@x.test").await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    let key = app.key(site).await;
    World {
        staff,
        owner,
        key,
        site: site.0,
    }
}

/// Syncs page `n` and returns its SEO view as the owner sees it.
async fn sync(app: &TestApp, w: &World, n: i64, body_text: &str) -> Value {
    sync_id(app, w, n, body_text).await.1
}

/// Syncs page `n` and returns its id and SEO view.
async fn sync_id(app: &TestApp, w: &World, n: i64, body_text: &str) -> (i64, Value) {
    let body = json!({"wp_post_id": n, "url": format!("https://acme.example/page-{n}/"), "title": format!("Page {n}"),
        "content": format!("<h1>Page {n}</h1><p>{body_text}</p>")});
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(&w.key)
        .json(&body)
        .send()
        .await;
    assert!([200, 201].contains(&r.status()), "{}", r.text);
    let id = r.i64("page_id");
    let seo = app
        .get(&format!("/api/v1/pages/{id}/seo"))
        .bearer(&w.owner.token)
        .send()
        .await
        .expect(200)
        .json;
    (id, seo)
}

fn issue_types(seo: &Value) -> BTreeSet<String> {
    seo["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["type"].as_str().map(str::to_string))
        .collect()
}

async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> siloq_tests::Resp {
    app.post("/api/v1/extensions/")
        .bearer(token)
        .body("application/wasm", bytes.to_vec())
        .send()
        .await
}

/// The active revision's entries as `POST /rulesets/` items, plus `extra`.
async fn entries_with(app: &TestApp, token: &str, extra: Value) -> Value {
    let active = app
        .get("/api/v1/rulesets/active/")
        .bearer(token)
        .send()
        .await
        .expect(200)
        .json;
    let mut items: Vec<Value> = active["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| json!({"extension_version_id": e["extension_version_id"], "config": e["config"]}))
        .collect();
    items.push(extra);
    Value::Array(items)
}

#[tokio::test]
async fn upload_activate_sync_and_roll_back() {
    guests::require_built();
    let app = TestApp::spawn().await;
    let w = world(&app).await;

    let active = app
        .get("/api/v1/rulesets/active/")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        active.json["revision"], 1,
        "a fresh database starts on the bundled revision: {}",
        active.text
    );
    assert_eq!(active.json["entries"].as_array().unwrap().len(), 3);
    let before = sync(&app, &w, 1, "Drains cleaned fast.").await;
    assert_eq!(before["ruleset_revision"], 1);
    assert!(!issue_types(&before).contains("test.stamp"));

    let up = upload(&app, &w.staff.token, guests::STAMP)
        .await
        .expect(201);
    assert_eq!(up.json["extension"], "test.stamp");
    assert_eq!(up.json["kind"], "rule");
    assert_eq!(up.json["source"], "upload");
    assert_eq!(up.json["status"], "validated");
    assert_eq!(up.json["created_by"]["email"], "ops@x.test");
    assert_eq!(up.json["in_active_revision"], false);
    assert!(
        up.json["validation_report"]["fixtures"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
    let stamp_id = up.i64("id");
    // Uploading the same bytes again is idempotent.
    let again = upload(&app, &w.staff.token, guests::STAMP)
        .await
        .expect(200);
    assert_eq!(again.i64("id"), stamp_id);
    let listed = app
        .get("/api/v1/extensions/?source=upload")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.json["count"], 1, "{}", listed.text);
    app.get(&format!("/api/v1/extensions/{stamp_id}/"))
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200);

    let entries = entries_with(
        &app,
        &w.staff.token,
        json!({"extension_version_id": stamp_id}),
    )
    .await;
    let created = app
        .post("/api/v1/rulesets/")
        .bearer(&w.staff.token)
        .json(&json!({"entries": entries, "comment": "add the stamp"}))
        .send()
        .await
        .expect(201);
    assert_eq!(created.json["is_active"], true, "{}", created.text);
    let revision = created.i64("revision");
    assert!(revision > 1);
    assert_eq!(created.json["comment"], "add the stamp");
    // Identical entries are the same revision.
    let same = app
        .post("/api/v1/rulesets/")
        .bearer(&w.staff.token)
        .json(&json!({"entries": entries, "comment": "again"}))
        .send()
        .await
        .expect(200);
    assert_eq!(same.i64("revision"), revision);

    let after = sync(&app, &w, 1, "Drains cleaned fast, now stamped.").await;
    assert_eq!(after["ruleset_revision"], revision);
    assert!(issue_types(&after).contains("test.stamp"), "{after}");

    let back = app
        .post("/api/v1/rulesets/rollback/")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(back.json["revision"], 1, "{}", back.text);
    let rolled = sync(&app, &w, 1, "Drains cleaned fast, stamp gone.").await;
    assert_eq!(rolled["ruleset_revision"], 1);
    assert!(!issue_types(&rolled).contains("test.stamp"), "{rolled}");
    // Nothing left to roll back to.
    let none = app
        .post("/api/v1/rulesets/rollback/")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(400);
    assert_eq!(
        none.json["non_field_errors"][0],
        "There is no previous revision to roll back to."
    );
    // Activating any stored revision works too.
    let re = app
        .post(&format!("/api/v1/rulesets/{revision}/activate/"))
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(re.json["is_active"], true);

    // The audit trail: who activated or rolled back what, and when; who uploaded what.
    let history = app
        .get("/api/v1/rulesets/activations/")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200)
        .json;
    let kinds: Vec<(&str, i64)> = history["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["kind"].as_str().unwrap(), a["revision"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("activate", revision),
            ("rollback", 1),
            ("activate", revision),
            ("bundled", 1)
        ]
    );
    assert_eq!(history["results"][1]["activated_by"]["email"], "ops@x.test");
    assert_eq!(history["results"][3]["activated_by"], Value::Null);
    let uploads = app
        .get("/api/v1/extensions/uploads/")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200)
        .json;
    let outcomes: Vec<&str> = uploads["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["existing", "created"]);
    assert_eq!(uploads["results"][1]["created_by"]["email"], "ops@x.test");
    let _ = w.site;
}

#[tokio::test]
async fn invalid_and_hostile_uploads_are_refused_with_400_and_a_reason() {
    guests::require_built();
    let app = TestApp::spawn().await;
    let staff = app.staff_user("ops@x.test").await;
    let cases: [(&str, Vec<u8>, &str, &str); 7] = [
        (
            "filesystem",
            guests::FS_READER.to_vec(),
            "module",
            "forbidden_import",
        ),
        (
            "network",
            guests::NET_CLIENT.to_vec(),
            "module",
            "forbidden_import",
        ),
        (
            "garbage",
            guests::garbage::random_kib(),
            "module",
            "invalid_component",
        ),
        (
            "core module",
            guests::garbage::core_module(),
            "module",
            "invalid_component",
        ),
        (
            "wrong WIT",
            guests::API_2_0_0.to_vec(),
            "module",
            "unsupported_api_version",
        ),
        (
            "spin",
            guests::SPIN.to_vec(),
            "module",
            "conformance_failed",
        ),
        (
            "reserved id",
            guests::BAD_DESCRIBE_RESERVED_ID.to_vec(),
            "extension",
            "",
        ),
    ];
    for (what, bytes, field, reason) in &cases {
        let r = upload(&app, &staff.token, bytes).await;
        assert_eq!(r.status(), 400, "{what}: {}", r.text);
        assert_eq!(r.json["code"], "invalid", "{what}");
        let message = r.json[*field][0]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {}", r.text));
        assert!(!message.is_empty(), "{what}");
        if !reason.is_empty() {
            assert_eq!(r.json["reason"], *reason, "{what}: {}", r.text);
        }
    }
    let big = vec![0u8; 4 * 1024 * 1024 + 128 * 1024];
    upload(&app, &staff.token, &big).await.expect(413);
    app.post("/api/v1/extensions/")
        .bearer(&staff.token)
        .body("text/html", "<p>no</p>")
        .send()
        .await
        .expect(415);
    // Nothing was stored; every attempt but the two without a validation is in the audit.
    let listed = app
        .get("/api/v1/extensions/?source=upload")
        .bearer(&staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.json["count"], 0);
    let uploads = app
        .get("/api/v1/extensions/uploads/")
        .bearer(&staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(uploads.json["count"], cases.len(), "{}", uploads.text);
}

#[tokio::test]
async fn only_staff_reach_the_extension_and_ruleset_routes() {
    let app = TestApp::spawn().await;
    let user = app.user("plain@x.test").await;
    let site = app.site(&user, "https://plain.example").await;
    let key = app.key(site).await;
    let routes = [
        ("GET", "/api/v1/extensions/"),
        ("POST", "/api/v1/extensions/"),
        ("GET", "/api/v1/extensions/1/"),
        ("GET", "/api/v1/extensions/uploads/"),
        ("GET", "/api/v1/rulesets/"),
        ("POST", "/api/v1/rulesets/"),
        ("GET", "/api/v1/rulesets/1/"),
        ("GET", "/api/v1/rulesets/active/"),
        ("GET", "/api/v1/rulesets/activations/"),
        ("POST", "/api/v1/rulesets/1/activate/"),
        ("POST", "/api/v1/rulesets/rollback/"),
        ("POST", "/api/v1/rulesets/preview/"),
    ];
    for (method, path) in routes {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = app
            .req(method.clone(), path)
            .bearer(&user.token)
            .send()
            .await;
        assert_eq!(r.status(), 403, "{method} {path}: {}", r.text);
        assert_eq!(r.json["code"], "permission_denied");
        app.req(method.clone(), path).send().await.expect(401);
        app.req(method.clone(), path)
            .bearer(&key)
            .send()
            .await
            .expect(401);
    }
}

#[tokio::test]
async fn a_preview_changes_nothing_and_reports_deltas() {
    guests::require_built();
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let mut stored = Vec::new();
    for n in 1..=3 {
        stored.push(sync_id(&app, &w, n, "Blocked drains cleared the same day.").await);
    }
    let stamp_id = upload(&app, &w.staff.token, guests::STAMP)
        .await
        .expect(201)
        .i64("id");
    let entries = entries_with(
        &app,
        &w.staff.token,
        json!({"extension_version_id": stamp_id}),
    )
    .await;
    let candidate = app
        .post("/api/v1/rulesets/")
        .bearer(&w.staff.token)
        .json(&json!({"entries": entries, "activate": false}))
        .send()
        .await
        .expect(201);
    assert_eq!(candidate.json["is_active"], false);
    let revision = candidate.i64("revision");

    for body in [
        json!({"site_id": w.site, "revision": revision}),
        json!({"site_id": w.site, "entries": entries, "limit": 2}),
    ] {
        let r = app
            .post("/api/v1/rulesets/preview/")
            .bearer(&w.staff.token)
            .json(&body)
            .send()
            .await
            .expect(200);
        let p = &r.json;
        assert_eq!(p["site_id"], w.site);
        assert_eq!(p["base_revision"], 1);
        assert_eq!(p["pages_evaluated"], 3, "{}", r.text);
        assert_eq!(p["pages_changed"], 3, "{}", r.text);
        assert_eq!(p["truncated"], false);
        let limit = body["limit"].as_u64().unwrap_or(50) as usize;
        let pages = p["pages"].as_array().unwrap();
        assert_eq!(pages.len(), limit.min(3));
        for page in pages {
            assert_eq!(page["issues_added"], json!(["test.stamp"]), "{page}");
            let (b, a) = (
                page["before"].as_i64().unwrap(),
                page["after"].as_i64().unwrap(),
            );
            assert_eq!(page["delta"], a - b);
            assert!(a <= b, "a failed check cannot raise the score: {page}");
        }
        assert!(p["health_score"]["before"].is_i64());
        assert!(p["category_scores"]["content"].is_object());
    }
    // Nothing was written: the pages and the active revision are as before.
    for (id, before) in &stored {
        let now = app
            .get(&format!("/api/v1/pages/{id}/seo"))
            .bearer(&w.owner.token)
            .send()
            .await
            .expect(200)
            .json;
        assert_eq!(now["ruleset_revision"], 1, "page {id}");
        assert_eq!(issue_types(&now), issue_types(before), "page {id}");
    }
    let active = app
        .get("/api/v1/rulesets/active/")
        .bearer(&w.staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(active.json["revision"], 1);

    // Bad requests are 4xx.
    for body in [
        json!({"revision": revision}),
        json!({"site_id": w.site}),
        json!({"site_id": w.site, "revision": revision, "entries": entries}),
        json!({"site_id": 999_999, "revision": revision}),
        json!({"site_id": w.site, "revision": 999_999}),
        json!({"site_id": w.site, "revision": revision, "limit": 0}),
    ] {
        let r = app
            .post("/api/v1/rulesets/preview/")
            .bearer(&w.staff.token)
            .json(&body)
            .send()
            .await;
        assert_eq!(r.status(), 400, "{body}: {}", r.text);
    }
}

#[tokio::test]
async fn a_revision_must_enable_one_scorer_and_a_rule_and_name_stored_versions() {
    let app = TestApp::spawn().await;
    let staff = app.staff_user("ops@x.test").await;
    let active = app
        .get("/api/v1/rulesets/active/")
        .bearer(&staff.token)
        .send()
        .await
        .expect(200)
        .json;
    let ids: Vec<i64> = active["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extension_version_id"].as_i64().unwrap())
        .collect();
    let (rules, scorer) = (ids[0], ids[1]);
    for (body, field) in [
        (json!({}), "entries"),
        (json!({"entries": "x"}), "entries"),
        (json!({"entries": []}), "entries"),
        (
            json!({"entries": [{"extension_version_id": 999_999}]}),
            "entries",
        ),
        (
            json!({"entries": [{"extension_version_id": rules, "config": 3}]}),
            "entries",
        ),
        (
            json!({"entries": [{"extension_version_id": rules}]}),
            "non_field_errors",
        ),
        (
            json!({"entries": [{"extension_version_id": scorer}]}),
            "non_field_errors",
        ),
        (
            json!({"entries": [{"extension_version_id": rules}, {"extension_version_id": scorer}], "comment": "x".repeat(501)}),
            "comment",
        ),
    ] {
        let r = app
            .post("/api/v1/rulesets/")
            .bearer(&staff.token)
            .json(&body)
            .send()
            .await;
        assert_eq!(r.status(), 400, "{body}: {}", r.text);
        assert!(r.json[field].is_array(), "{body}: {}", r.text);
    }
    app.get("/api/v1/rulesets/999999/")
        .bearer(&staff.token)
        .send()
        .await
        .expect(404);
    app.post("/api/v1/rulesets/999999/activate/")
        .bearer(&staff.token)
        .send()
        .await
        .expect(404);
}

/// One part of a form: its name, its file name and content type if it is a file, its bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A `multipart/form-data` body with the given parts.
fn form(boundary: &str, parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((file_name, content_type)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                     Content-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

async fn upload_form(
    app: &TestApp,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> siloq_tests::Resp {
    app.post("/api/v1/extensions/")
        .bearer(token)
        .body(content_type, body)
        .send()
        .await
}

#[tokio::test]
async fn multipart_uploads_give_the_same_result_as_raw_ones_and_bad_forms_get_400() {
    guests::require_built();
    let app = TestApp::spawn().await;
    let staff = app.staff_user("ops@x.test").await;
    let multipart = "multipart/form-data; boundary=siloq-boundary";

    // A file part named `component`, next to a `notes` text part: validated and stored like a raw upload.
    let body = form(
        "siloq-boundary",
        &[
            ("notes", None, b"first release"),
            (
                "component",
                Some(("stamp.wasm", "application/wasm")),
                guests::STAMP,
            ),
        ],
    );
    let by_form = upload_form(&app, &staff.token, multipart, body)
        .await
        .expect(201);
    assert_eq!(by_form.json["extension"], "test.stamp");
    assert_eq!(by_form.json["source"], "upload");
    assert_eq!(by_form.json["status"], "validated");
    // The same bytes raw: the same version (200); and again as a form part named `file` or `module`.
    let raw = upload(&app, &staff.token, guests::STAMP).await.expect(200);
    assert_eq!(raw.json["id"], by_form.json["id"]);
    assert_eq!(raw.json["sha256"], by_form.json["sha256"]);
    assert_eq!(
        raw.json["validation_report"],
        by_form.json["validation_report"]
    );
    for name in ["file", "module"] {
        let body = form(
            "siloq-boundary",
            &[(
                name,
                Some(("stamp.wasm", "application/octet-stream")),
                guests::STAMP,
            )],
        );
        let again = upload_form(&app, &staff.token, multipart, body)
            .await
            .expect(200);
        assert_eq!(again.json["id"], by_form.json["id"], "{name}");
    }
    // A new component by form and by raw body gives the same object.
    let body = form(
        "b2",
        &[(
            "file",
            Some(("light.wasm", "application/wasm")),
            guests::LIGHT,
        )],
    );
    let light = upload_form(&app, &staff.token, "multipart/form-data; boundary=b2", body)
        .await
        .expect(201);
    let light_raw = upload(&app, &staff.token, guests::LIGHT).await.expect(200);
    assert_eq!(light.json["id"], light_raw.json["id"]);
    // A refused component by form gets the raw path's answer.
    let body = form(
        "siloq-boundary",
        &[(
            "module",
            Some(("spin.wasm", "application/wasm")),
            guests::SPIN,
        )],
    );
    let refused = upload_form(&app, &staff.token, multipart, body)
        .await
        .expect(400);
    assert_eq!(
        refused.json["reason"], "conformance_failed",
        "{}",
        refused.text
    );

    // Bad forms: 400 under `module`, with a message that says what is wrong.
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "no file part",
            multipart,
            form("siloq-boundary", &[("notes", None, b"just notes")]),
            "No file was submitted",
        ),
        (
            "a file part under another name",
            multipart,
            form(
                "siloq-boundary",
                &[(
                    "upload",
                    Some(("stamp.wasm", "application/wasm")),
                    guests::STAMP,
                )],
            ),
            "No file was submitted",
        ),
        (
            "a file part of another type",
            multipart,
            form(
                "siloq-boundary",
                &[("file", Some(("stamp.txt", "text/plain")), b"hello")],
            ),
            "text/plain",
        ),
        (
            "two file parts",
            multipart,
            form(
                "siloq-boundary",
                &[
                    ("file", Some(("a.wasm", "application/wasm")), guests::STAMP),
                    (
                        "component",
                        Some(("b.wasm", "application/wasm")),
                        guests::LIGHT,
                    ),
                ],
            ),
            "more than one",
        ),
        (
            "no boundary",
            "multipart/form-data",
            form("siloq-boundary", &[("file", None, b"x")]),
            "multipart",
        ),
        (
            "a body that is not the form its header announces",
            multipart,
            b"--other\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".to_vec(),
            "",
        ),
    ];
    for (what, content_type, body, says) in cases {
        let r = upload_form(&app, &staff.token, content_type, body).await;
        assert_eq!(r.status(), 400, "{what}: {}", r.text);
        assert_eq!(r.json["code"], "invalid", "{what}: {}", r.text);
        let message = r.json["module"][0]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {}", r.text));
        assert!(message.contains(says), "{what}: {message}");
    }
    // Over the size limit: 413, as for a raw body.
    let big = vec![0u8; 4 * 1024 * 1024 + 128 * 1024];
    let body = form(
        "siloq-boundary",
        &[("file", Some(("big.wasm", "application/wasm")), &big)],
    );
    upload_form(&app, &staff.token, multipart, body)
        .await
        .expect(413);
    let big = vec![0u8; 4 * 1024 * 1024 + 1024];
    let body = form(
        "siloq-boundary",
        &[("file", Some(("big.wasm", "application/wasm")), &big)],
    );
    upload_form(&app, &staff.token, multipart, body)
        .await
        .expect(413);
    // Nothing but the two components was stored.
    let listed = app
        .get("/api/v1/extensions/?source=upload")
        .bearer(&staff.token)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.json["count"], 2, "{}", listed.text);
}
