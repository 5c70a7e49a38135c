//! The extension authors' CLI (`siloq ext`, extensions.md §8), run as the real `siloq` binary:
//!
//! * `ext new` writes a rule crate, `ext build` builds it for wasm32-wasip2 with a nested cargo and checks it,
//!   `ext test` runs it on the crate's fixture and reports the failing check with its fuel;
//! * the acceptance proof: a server whose `extensions.ruleset_file` names the bundled rules plus the built
//!   component reports the new check on a synced page with a long title, and a server without it does not;
//! * `ext page` prints a snapshot `siloq_sdk::testing::MockPage::from_json` reads;
//! * `ext check` refuses garbage with exit 1 and a reason; usage errors exit 2; no command needs a database.
//!
//! The nested build uses `<target>/ext-cli` as its target directory, so repeated runs reuse the compiled SDK and
//! its dependencies and only the new crate is compiled again.

use serde_json::{Value, json};
use siloq_tests::{TestApp, siloq_binary, workspace_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHECK: &str = "acme.title_length.too_long";

/// Runs `siloq <args>` with no configuration at all: an empty database URL would fail any command that loaded
/// the server configuration, so these commands prove they need none.
fn siloq(args: &[&str], dir: &Path) -> Output {
    Command::new(siloq_binary())
        .args(args)
        .current_dir(dir)
        .env("SILOQ_DATABASE__URL", "")
        .env_remove("SILOQ_CONFIG")
        .env_remove("SILOQ_SDK_PATH")
        .output()
        .expect("run siloq")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    )
}

/// The cargo target directory the `siloq` binary was built into (`<target>/<profile>/siloq`).
fn target_dir() -> PathBuf {
    siloq_binary()
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf()
}

#[test]
fn check_refuses_garbage_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"this is not webassembly at all").unwrap();
    let out = siloq(&["ext", "check", "garbage.wasm"], dir.path());
    assert_eq!(code(&out), 1, "{}", show(&out));
    assert!(
        stderr(&out).contains("not a WebAssembly component"),
        "{}",
        show(&out)
    );
    assert!(
        stdout(&out).contains("refused (invalid_component)"),
        "{}",
        show(&out)
    );

    // A core module (the wasm32-wasip1 kind of output) is named as such.
    std::fs::write(&garbage, b"\0asm\x01\0\0\0").unwrap();
    let out = siloq(&["ext", "check", "garbage.wasm"], dir.path());
    assert_eq!(code(&out), 1, "{}", show(&out));
    assert!(stderr(&out).contains("core module"), "{}", show(&out));

    // `ext test` refuses the component the same way: a refused component is a failed run.
    std::fs::write(dir.path().join("page.html"), "<title>T</title>").unwrap();
    let out = siloq(&["ext", "test", "garbage.wasm", "page.html"], dir.path());
    assert_eq!(code(&out), 1, "{}", show(&out));

    for args in [
        vec!["ext", "check"],
        vec!["ext", "check", "missing.wasm"],
        vec!["ext", "no-such-command"],
        vec!["ext", "test", "garbage.wasm"],
        vec!["ext", "test", "page.html"],
        vec!["ext", "test", "garbage.wasm", "notes.txt"],
        vec!["ext", "new", "Not A Name"],
        vec!["ext", "new", "nodash"],
        vec!["ext", "new", "siloq-core"],
        vec!["ext", "new", "acme-x", "--sdk-path", "/nonexistent/sdk"],
        vec!["ext", "build", "--path", "/nonexistent/crate"],
        vec!["ext", "page", "missing.html"],
        vec!["ext", "new", "acme-x", "--kind", "linter"],
    ] {
        if args.contains(&"notes.txt") {
            std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        }
        let out = siloq(&args, dir.path());
        assert_eq!(code(&out), 2, "siloq {}: {}", args.join(" "), show(&out));
        assert!(!stderr(&out).is_empty(), "siloq {}", args.join(" "));
    }
    assert!(
        !dir.path().join("acme-x").exists(),
        "a refused `ext new` writes nothing"
    );
}

#[test]
fn page_prints_a_snapshot_mock_page_reads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("drains.html"),
        "<!doctype html><html lang=en><head><title>Drain cleaning in Springfield</title>\
         <meta name=description content=\"Fast drain cleaning.\"></head><body><main><h1>Drains</h1>\
         <p>We clean drains quickly. Call us today.</p><a href=/contact>Contact us</a>\
         <img src=/van.jpg alt=\"Our van\"></main></body></html>",
    )
    .unwrap();
    let out = siloq(&["ext", "page", "drains.html"], dir.path());
    assert_eq!(code(&out), 0, "{}", show(&out));
    let page = siloq_sdk::testing::MockPage::from_json(&stdout(&out))
        .unwrap_or_else(|e| panic!("MockPage::from_json: {e}\n{}", show(&out)));
    assert_eq!(page.info.requested_url, "https://example.test/drains");
    assert_eq!(page.info.source, siloq_sdk::Source::Scan);
    assert!(
        page.info
            .capabilities
            .contains(&siloq_sdk::Capability::FullDocument)
    );
    assert_eq!(
        page.info.seo_title.as_deref(),
        Some("Drain cleaning in Springfield")
    );
    assert_eq!(page.http.as_ref().map(|h| h.status), Some(200));
    assert_eq!(page.headings.len(), 1);
    assert_eq!(page.links.len(), 1);
    assert!(page.links[0].internal);
    assert_eq!(page.images[0].alt.as_deref(), Some("Our van"));
    assert!(page.text.contains("We clean drains"));
    assert!(page.facts.contains_key("analysis.mode"));

    let out = siloq(
        &[
            "ext",
            "page",
            "drains.html",
            "--wordpress",
            "--url",
            "https://acme.example/drains/",
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let page = siloq_sdk::testing::MockPage::from_json(&stdout(&out)).unwrap();
    assert_eq!(page.info.source, siloq_sdk::Source::Wordpress);
    assert_eq!(page.info.final_url.host, "acme.example");
    assert!(page.wordpress.is_some());
    assert!(page.http.is_none());
}

/// Syncs a WordPress page and returns the check ids of its issues.
async fn issues_of_synced_page(app: &TestApp, title: &str) -> Vec<String> {
    let owner = app.user("owner@x.test").await;
    let site = app.site(&owner, "https://acme.example").await;
    let key = app.key(site).await;
    let body = json!({"wp_post_id": 7, "url": "https://acme.example/drains/", "title": title,
        "content": "<h1>Drain cleaning</h1><p>We clean blocked drains quickly and leave your home tidy.</p>"});
    let r = app
        .post("/api/v1/pages/sync/")
        .bearer(&key)
        .json(&body)
        .send()
        .await
        .expect(201);
    let id = r.i64("page_id");
    let seo = app
        .get(&format!("/api/v1/pages/{id}/seo/"))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200)
        .json;
    seo["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["type"].as_str().expect("type").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_rule_builds_tests_and_scores_synced_pages() {
    let dir = tempfile::tempdir().unwrap();
    let sdk = workspace_root().join("sdk");
    let sdk = sdk.to_str().unwrap();

    // ext new
    let out = siloq(
        &[
            "ext",
            "new",
            "acme-title-length",
            "--kind",
            "rule",
            "--sdk-path",
            sdk,
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let krate = dir.path().join("acme-title-length");
    for file in [
        "Cargo.toml",
        "rust-toolchain.toml",
        "README.md",
        "src/lib.rs",
        "fixtures/long-title.html",
        "fixtures/long-title.page.json",
        "fixtures/short-title.html",
        "fixtures/short-title.page.json",
    ] {
        assert!(krate.join(file).is_file(), "{file} is missing");
    }
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("crate-type = [\"cdylib\", \"rlib\"]"));
    assert!(manifest.contains("[workspace]"));
    let lib = std::fs::read_to_string(krate.join("src/lib.rs")).unwrap();
    assert!(lib.contains("\"acme.title-length\""));
    assert!(lib.contains(CHECK));
    assert!(lib.contains("export_rule!(TitleLength);"));
    assert!(lib.contains("#[cfg(test)]"));
    // The crate's snapshots are what `ext page` prints.
    let out = siloq(&["ext", "page", "fixtures/long-title.html"], &krate);
    assert_eq!(
        stdout(&out).trim(),
        std::fs::read_to_string(krate.join("fixtures/long-title.page.json"))
            .unwrap()
            .trim()
    );
    // A second `ext new` into the same folder is refused.
    let out = siloq(
        &["ext", "new", "acme-title-length", "--sdk-path", sdk],
        dir.path(),
    );
    assert_eq!(code(&out), 2, "{}", show(&out));

    // ext build: a nested cargo build for wasm32-wasip2, then the upload checks.
    let build_target = target_dir().join("ext-cli");
    let out = siloq(
        &[
            "ext",
            "build",
            "--path",
            krate.to_str().unwrap(),
            "--target-dir",
            build_target.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let text = stdout(&out);
    assert!(text.contains("result     accepted"), "{}", show(&out));
    assert!(text.contains("kind       rule"), "{}", show(&out));
    assert!(text.contains("siloq:rules@1.0.0"), "{}", show(&out));
    assert!(text.contains("sha256"), "{}", show(&out));
    let wasm = build_target.join("wasm32-wasip2/release/acme_title_length.wasm");
    assert!(text.contains(wasm.to_str().unwrap()), "{}", show(&out));
    let bytes = std::fs::read(&wasm).expect("the built component");

    // ext check on the component: accepted.
    let out = siloq(&["ext", "check", wasm.to_str().unwrap()], dir.path());
    assert_eq!(code(&out), 0, "{}", show(&out));

    // ext test: the long title fails the new check, with its fuel against the budget.
    let wasm_arg = wasm.to_str().unwrap();
    let out = siloq(
        &["ext", "test", wasm_arg, "fixtures/long-title.html"],
        &krate,
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with(CHECK))
        .unwrap_or_else(|| panic!("no row for {CHECK}\n{}", show(&out)));
    assert!(
        row.contains("0.00")
            && row.contains("medium")
            && row.contains("The title has 70 characters"),
        "{row}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("fuel") && l.contains("/ 200,000,000")),
        "{}",
        show(&out)
    );
    assert!(text.contains("result  ok"), "{}", show(&out));

    // The same as JSON, for CI; and the whole fixture folder with --strict (well under every threshold).
    let out = siloq(
        &["ext", "test", wasm_arg, "fixtures/", "--json", "--strict"],
        &krate,
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["components"][0]["id"], "acme.title-length");
    let fixtures = report["fixtures"].as_array().unwrap();
    assert_eq!(fixtures.len(), 4, "two pages and their snapshots");
    for f in fixtures {
        let long = f["path"].as_str().unwrap().contains("long-title");
        let finding = &f["findings"][0];
        assert_eq!(finding["check"], CHECK);
        assert_eq!(finding["credit"], if long { 0.0 } else { 1.0 }, "{f}");
        let call = &f["calls"][0];
        assert_eq!(call["extension"], "acme.title-length");
        assert_eq!(call["result"], "ok");
        let fuel = call["fuel"].as_u64().expect("fuel");
        assert!(fuel > 0 && fuel < 50_000_000, "fuel {fuel}");
        assert_eq!(call["fuel_limit"], 200_000_000);
        let issues: Vec<&str> = f["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["check"].as_str().unwrap())
            .collect();
        assert_eq!(issues.contains(&CHECK), long, "{issues:?}");
    }

    // A config that raises the limit makes the long title pass.
    std::fs::write(krate.join("config.json"), r#"{"max_chars": 80}"#).unwrap();
    let out = siloq(
        &[
            "ext",
            "test",
            wasm_arg,
            "fixtures/long-title.html",
            "--config",
            "config.json",
            "--json",
        ],
        &krate,
    );
    assert_eq!(code(&out), 0, "{}", show(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["fixtures"][0]["findings"][0]["credit"], 1.0);
    // A config the rule refuses is a failed run.
    std::fs::write(krate.join("config.json"), r#"{"max_chars": "many"}"#).unwrap();
    let out = siloq(
        &[
            "ext",
            "test",
            wasm_arg,
            "fixtures/long-title.html",
            "--config",
            "config.json",
        ],
        &krate,
    );
    assert_eq!(code(&out), 1, "{}", show(&out));
    assert!(stdout(&out).contains("invalid_config"), "{}", show(&out));

    // The acceptance proof: a server running the bundled rules plus the new component (a file-managed ruleset)
    // reports the new check on a synced page with a long title.
    std::fs::write(dir.path().join("acme_title_length.wasm"), &bytes).unwrap();
    let ruleset = dir.path().join("ruleset.toml");
    std::fs::write(
        &ruleset,
        "comment = \"bundled plus acme.title-length\"\n\n\
         [[rules]]\nextension = \"siloq.core-rules\"\n\n\
         [[rules]]\npath = \"acme_title_length.wasm\"\n\n\
         [scorer]\nextension = \"siloq.core-scorer\"\n\n\
         [[recommenders]]\nextension = \"siloq.core-recommender\"\n",
    )
    .unwrap();
    let long_title = "Emergency Drain Cleaning and Blocked Pipe Repairs in Springfield Today";
    let ruleset_path = ruleset.to_str().unwrap().to_string();
    let app = TestApp::spawn_with(|c| c.extensions.ruleset_file = ruleset_path).await;
    let issues = issues_of_synced_page(&app, long_title).await;
    assert!(
        issues.iter().any(|i| i == CHECK),
        "{CHECK} missing from {issues:?}"
    );
    app.shutdown().await;

    let ruleset_path = ruleset.to_str().unwrap().to_string();
    let app = TestApp::spawn_with(|c| c.extensions.ruleset_file = ruleset_path).await;
    let issues = issues_of_synced_page(&app, "Drains").await;
    assert!(
        !issues.iter().any(|i| i == CHECK),
        "a short title fired {CHECK}: {issues:?}"
    );
    assert!(!issues.is_empty(), "the bundled rules still run");
    app.shutdown().await;

    // Without the ruleset file, the same page never shows the check.
    let app = TestApp::spawn().await;
    let issues = issues_of_synced_page(&app, long_title).await;
    assert!(!issues.iter().any(|i| i == CHECK), "{issues:?}");
    assert!(!issues.is_empty());
    app.shutdown().await;
}
