//! `extensions.ruleset_file` through revisions, with hot reload (extensions.md §6.11), seen through the public
//! API: a server started with a file serves the file's revision (source `file`, activation kind `file`, its
//! components registered with source `file`); edits while it runs (an override, a swapped component) become new
//! revisions within seconds, and pages synced afterwards show them; an invalid edit (a garbage component, bad
//! TOML) leaves the previous revision active and is reported in `/readyz`, the instance list and `/metrics`;
//! restoring the first content re-activates the first revision (idempotent by hash). With `extensions.watch =
//! false` the file is read at start-up only, and an invalid file at start-up leaves the bundled revision serving.

use serde_json::{Value, json};
use siloq_tests::{TestApp, TestUser, guests};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

const RULES_WITH: &str = "[[rules]]\nextension = \"siloq.core-rules\"\n\n";
const SCORER_AND_RECOMMENDER: &str = "[scorer]\nextension = \"siloq.core-scorer\"\n\n\
     [[recommenders]]\nextension = \"siloq.core-recommender\"\n";

/// A ruleset naming the bundled extensions plus the component at `component` (relative to the file), with
/// `extra` TOML after the component's entry.
fn ruleset(component: &str, extra: &str) -> String {
    format!(
        "comment = \"siloq-tests file\"\n\n{RULES_WITH}[[rules]]\npath = \"{component}\"\n{extra}\n{SCORER_AND_RECOMMENDER}"
    )
}

/// Writes like an editor: a temporary file renamed over the target.
fn save(path: &Path, bytes: &[u8]) {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, bytes).expect("write");
    std::fs::rename(&tmp, path).expect("rename");
}

struct Site {
    staff: TestUser,
    owner: TestUser,
    key: String,
}

async fn site(app: &TestApp) -> Site {
    let staff = app.staff_user("ops@x.test").await;
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    let key = app.key(site).await;
    Site { staff, owner, key }
}

/// Syncs page `n` and answers its SEO view (the issue types and the revision that scored it).
async fn sync(app: &TestApp, s: &Site, n: i64) -> (BTreeSet<String>, i64) {
    let body = json!({"wp_post_id": n, "url": format!("https://acme.example/page-{n}/"), "title": format!("Page {n}"),
        "content": format!("<h1>Page {n}</h1><p>Drains cleaned fast, every day of the week.</p>")});
    let r = app
        .post("/api/v1/pages/sync")
        .bearer(&s.key)
        .json(&body)
        .send()
        .await;
    assert!([200, 201].contains(&r.status()), "{}", r.text);
    let seo = app
        .get(&format!("/api/v1/pages/{}/seo", r.i64("page_id")))
        .bearer(&s.owner.token)
        .send()
        .await
        .expect(200)
        .json;
    let types = seo["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| i["type"].as_str().map(str::to_string))
        .collect();
    (types, seo["ruleset_revision"].as_i64().expect("revision"))
}

async fn active(app: &TestApp, s: &Site) -> Value {
    app.get("/api/v1/rulesets/active/")
        .bearer(&s.staff.token)
        .send()
        .await
        .expect(200)
        .json
}

fn extensions_of(active: &Value) -> BTreeSet<String> {
    active["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["extension"].as_str().unwrap().to_string())
        .collect()
}

/// Polls the active revision until it differs from `old` (at most 15 s: debounce, validation, activation).
async fn next_revision(app: &TestApp, s: &Site, old: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = active(app, s).await;
        if now["revision"].as_i64() != Some(old) {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the file's change was not picked up: {now}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Polls `/readyz` until the ruleset file reports an error containing `says` (at most 15 s).
async fn file_error(app: &TestApp, says: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ready = app.get("/readyz").send().await.json;
        if ready["ruleset"]["file"]["error"]
            .as_str()
            .is_some_and(|e| e.contains(says))
        {
            return ready;
        }
        assert!(
            Instant::now() < deadline,
            "no file error saying {says:?}: {ready}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn failed_syncs(app: &TestApp) -> f64 {
    let text = app.get("/metrics").send().await.expect(200).text;
    text.lines()
        .find(|l| l.starts_with("siloq_ruleset_file_syncs_total{outcome=\"failed\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_ruleset_file_is_served_and_its_edits_are_hot_reloaded_through_revisions() {
    guests::require_built();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ruleset.toml");
    std::fs::write(dir.path().join("stamp.wasm"), guests::STAMP).unwrap();
    std::fs::write(dir.path().join("light.wasm"), guests::LIGHT).unwrap();
    std::fs::write(&file, ruleset("stamp.wasm", "")).unwrap();
    let path = file.to_string_lossy().into_owned();
    let app = TestApp::spawn_with(|c| c.extensions.ruleset_file = path).await;
    let s = site(&app).await;

    // Started on the file's revision: the component registered with source `file`, activated with kind `file`.
    let first = active(&app, &s).await;
    let first_revision = first["revision"].as_i64().unwrap();
    assert_ne!(first_revision, 1, "not the bundled revision: {first}");
    assert_eq!(first["source"], "file", "{first}");
    assert_eq!(first["comment"], "siloq-tests file");
    assert!(extensions_of(&first).contains("test.stamp"), "{first}");
    let files = app
        .get("/api/v1/extensions/?source=file")
        .bearer(&s.staff.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(files["count"], 1, "{files}");
    assert_eq!(files["results"][0]["extension"], "test.stamp");
    assert_eq!(files["results"][0]["created_by"], Value::Null);
    let activations = app
        .get("/api/v1/rulesets/activations/")
        .bearer(&s.staff.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(activations["results"][0]["kind"], "file", "{activations}");
    assert_eq!(activations["results"][0]["revision"], first_revision);
    let (types, revision) = sync(&app, &s, 1).await;
    assert!(types.contains("test.stamp"), "{types:?}");
    assert_eq!(revision, first_revision);
    let ready = app.get("/readyz").send().await.expect(200).json;
    assert_eq!(
        ready["ruleset"]["file"]["revision"], first_revision,
        "{ready}"
    );
    assert_eq!(ready["ruleset"]["file"]["error"], Value::Null, "{ready}");

    // An override edited into the file: a new revision, and pages scored under it lose the check.
    save(
        &file,
        ruleset(
            "stamp.wasm",
            "[rules.overrides.\"test.stamp\"]\ndisabled = true\n",
        )
        .as_bytes(),
    );
    let second = next_revision(&app, &s, first_revision).await;
    let second_revision = second["revision"].as_i64().unwrap();
    assert_eq!(second["source"], "file");
    let (types, revision) = sync(&app, &s, 2).await;
    assert_eq!(revision, second_revision);
    assert!(!types.contains("test.stamp"), "{types:?}");

    // A component swapped in the file.
    save(&file, ruleset("light.wasm", "").as_bytes());
    let third = next_revision(&app, &s, second_revision).await;
    let third_revision = third["revision"].as_i64().unwrap();
    let names = extensions_of(&third);
    assert!(
        names.contains("test.light") && !names.contains("test.stamp"),
        "{third}"
    );
    let (types, revision) = sync(&app, &s, 3).await;
    assert_eq!(revision, third_revision);
    assert!(!types.contains("test.stamp"), "{types:?}");

    // A garbage component in place of light.wasm: refused, the third revision keeps serving.
    let failures = failed_syncs(&app).await;
    save(
        &dir.path().join("light.wasm"),
        &guests::garbage::random_kib(),
    );
    let ready = file_error(&app, "light.wasm").await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert!(failed_syncs(&app).await > failures);
    let now = active(&app, &s).await;
    assert_eq!(now["revision"], third_revision, "{now}");
    let error = now["instances"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("light.wasm"), "{now}");
    let (_, revision) = sync(&app, &s, 4).await;
    assert_eq!(revision, third_revision);

    // Bad TOML: refused too.
    save(&file, b"[[rules]\nextension = ");
    file_error(&app, "not a valid ruleset file").await;
    assert_eq!(active(&app, &s).await["revision"], third_revision);

    // The first content again: the first revision (identical entries), and the error is gone.
    save(&file, ruleset("stamp.wasm", "").as_bytes());
    let back = next_revision(&app, &s, third_revision).await;
    assert_eq!(back["revision"], first_revision, "{back}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ready = app.get("/readyz").send().await.json;
        if ready["ruleset"]["file"]["error"].is_null() {
            assert_eq!(ready["ruleset"]["error"], Value::Null, "{ready}");
            break;
        }
        assert!(Instant::now() < deadline, "{ready}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (types, _) = sync(&app, &s, 5).await;
    assert!(types.contains("test.stamp"), "{types:?}");
    app.shutdown().await;
}

#[tokio::test]
async fn without_watching_the_file_is_read_at_start_up_only_and_an_invalid_one_keeps_the_bundled_revision()
 {
    guests::require_built();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ruleset.toml");
    std::fs::write(dir.path().join("spin.wasm"), guests::SPIN).unwrap();
    std::fs::write(dir.path().join("stamp.wasm"), guests::STAMP).unwrap();
    // A component that fails the conformance run is refused as an upload would be.
    std::fs::write(&file, ruleset("spin.wasm", "")).unwrap();
    let path = file.to_string_lossy().into_owned();
    let app = TestApp::spawn_with(|c| {
        c.extensions.ruleset_file = path;
        c.extensions.watch = false;
    })
    .await;
    let s = site(&app).await;
    let ready = app.get("/readyz").send().await.expect(200).json;
    let error = ready["ruleset"]["file"]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(
        error.contains("spin.wasm") && error.contains("conformance"),
        "{ready}"
    );
    assert_eq!(
        active(&app, &s).await["revision"],
        1,
        "the bundled revision"
    );
    let (types, revision) = sync(&app, &s, 1).await;
    assert_eq!(revision, 1);
    assert!(!types.contains("test.spin"));
    let uploads = app
        .get("/api/v1/extensions/uploads/")
        .bearer(&s.staff.token)
        .send()
        .await
        .expect(200)
        .json;
    assert_eq!(
        uploads["results"][0]["outcome"], "conformance_failed",
        "audited like an upload: {uploads}"
    );

    // A valid file now is not read: nothing watches it.
    save(&file, ruleset("stamp.wasm", "").as_bytes());
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(active(&app, &s).await["revision"], 1);
    app.shutdown().await;
}
