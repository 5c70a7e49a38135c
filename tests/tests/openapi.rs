//! The OpenAPI document and the docs UI (api.md §15.5): the document is valid OpenAPI 3.1 (it deserialises with
//! the `oas3` crate and every `$ref` resolves), it lists exactly the routes and methods the router serves, every
//! operation has a JSON success answer with a schema and an example, and `/api/docs` is served from the binary
//! under a same-origin CSP.
//!
//! The router's routes are read from the source (every `.route("...")` under `kernel/src`), because axum cannot
//! list them; each is then located and its methods read from the live server (`OPTIONS` answers with `Allow`).

use serde_json::Value;
use siloq_tests::{TestApp, workspace_root};
use std::collections::{BTreeMap, BTreeSet};

/// `/api/v1/sites/{id}/` -> `/api/v1/sites/{}` (no trailing slash, parameters anonymous).
fn normalize(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(ch),
        }
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

/// The string literals passed to `.route(` in one source file.
fn routes_in_file(path: &std::path::Path, out: &mut BTreeSet<String>) {
    let text = std::fs::read_to_string(path).expect("read source");
    let mut rest = text.as_str();
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        if let Some(literal) = rest.trim_start().strip_prefix('"') {
            let end = literal.find('"').expect("closing quote");
            out.insert(literal[..end].to_string());
        }
    }
}

/// Every string literal passed to `.route(` in the kernel's sources.
fn source_routes() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            // Unit-test modules (`tests.rs`, `tests/`) build their own local servers; they are not the router.
            if path.file_stem().is_some_and(|stem| stem == "tests") {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                routes_in_file(&path, out);
            }
        }
    }
    // Only the crate's module tree: top-level modules that lib.rs does not declare are not compiled.
    let src = workspace_root().join("kernel/src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("kernel/src") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if stem == "lib" || stem == "main" || lib.contains(&format!("mod {stem};")) {
            if path.is_dir() {
                walk(&path, &mut out);
            } else {
                routes_in_file(&path, &mut out);
            }
        }
    }
    out
}

fn methods_of(allow: &str) -> BTreeSet<String> {
    allow
        .split(',')
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty() && m != "head" && m != "options")
        .collect()
}

/// `{}` placeholders filled with a well-formed id, to reach a route.
fn concrete(path: &str) -> String {
    path.replace("{}", "1")
}

/// The value a `$ref` points to, if it resolves.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1_and_matches_the_router() {
    let app = TestApp::spawn().await;
    let resp = app.get("/api/v1/openapi.json").send().await.expect(200);
    assert!(
        resp.header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );
    let spec = oas3::from_json(&resp.text).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "version {}", spec.openapi);
    let doc = &resp.json;

    let mut refs = Vec::new();
    collect_refs(doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in &refs {
        assert!(resolve(doc, reference).is_some(), "dangling {reference}");
    }
    let schemes = &doc["components"]["securitySchemes"];
    for scheme in ["bearerJWT", "siteKey", "siteKeyHeader"] {
        assert!(schemes[scheme].is_object(), "security scheme {scheme}");
    }

    // documented: normalized path -> methods
    let mut documented: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            documented
                .entry(normalize(path))
                .or_default()
                .insert(method.clone());
            check_operation(doc, path, method, op);
        }
    }

    // served: every `.route` of the sources, located under /api/v1 or at the root
    let mut served: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for route in source_routes() {
        let route = normalize(&route);
        let mut found = None;
        for candidate in [format!("/api/v1{route}"), route.clone()] {
            let answer = app
                .req(reqwest::Method::OPTIONS, &concrete(&candidate))
                .send()
                .await;
            if answer.status() == 200
                && let Some(allow) = answer.header("allow")
            {
                found = Some((candidate, methods_of(allow)));
                break;
            }
        }
        let (path, methods) =
            found.unwrap_or_else(|| panic!("route {route} from the sources is not served"));
        served.entry(path).or_default().extend(methods);
    }

    let documented_paths: BTreeSet<_> = documented.keys().cloned().collect();
    let served_paths: BTreeSet<_> = served.keys().cloned().collect();
    let undocumented: Vec<_> = served_paths.difference(&documented_paths).collect();
    let unknown: Vec<_> = documented_paths.difference(&served_paths).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "documented paths the router does not serve: {unknown:?}"
    );
    for (path, methods) in &served {
        assert_eq!(
            &documented[path], methods,
            "methods of {path}: documented vs served"
        );
    }
}

/// Every operation: a tag, a success answer, and for JSON successes a schema with an example (on the response
/// or on the referenced component).
fn check_operation(doc: &Value, path: &str, method: &str, op: &Value) {
    let name = format!("{} {path}", method.to_uppercase());
    assert!(
        op["tags"].as_array().is_some_and(|t| !t.is_empty()),
        "{name}: no tag"
    );
    let responses = op["responses"].as_object().expect("responses");
    let (status, success) = responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .unwrap_or_else(|| panic!("{name}: no 2xx answer"));
    let content = success["content"]
        .as_object()
        .unwrap_or_else(|| panic!("{name} {status}: no content"));
    if let Some(json) = content.get("application/json") {
        let schema = &json["schema"];
        assert!(schema.is_object(), "{name}: no schema");
        let has_example = json.get("example").is_some()
            || schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| resolve(doc, r))
                .is_some_and(|component| component.get("example").is_some());
        assert!(has_example, "{name}: no example");
    }
    if ["post", "put", "patch"].contains(&method)
        && let Some(body) = op.get("requestBody")
    {
        // JSON bodies, and the raw component upload (`application/wasm`), each with a schema.
        let content = body["content"].as_object().expect("request body content");
        assert!(
            !content.is_empty() && content.values().all(|c| c["schema"].is_object()),
            "{name}: request body without a schema"
        );
    }
}

#[tokio::test]
async fn docs_ui_is_served_from_the_binary_under_a_same_origin_csp() {
    let app = TestApp::spawn().await;
    for path in ["/api/docs", "/api/docs/"] {
        let page = app.get(path).send().await.expect(200);
        assert!(
            page.header("content-type")
                .is_some_and(|t| t.starts_with("text/html"))
        );
        let csp = page.header("content-security-policy").expect("CSP");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(csp.contains("style-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(page.text.contains("/api/docs/swagger-ui-bundle.js"));
        assert!(!page.text.contains("http://") && !page.text.contains("https://"));
        assert!(
            !page.text.contains("<script>"),
            "no inline script under the CSP"
        );
    }
    let bundle = app
        .get("/api/docs/swagger-ui-bundle.js")
        .send()
        .await
        .expect(200);
    assert!(
        bundle
            .header("content-type")
            .is_some_and(|t| t.contains("javascript"))
    );
    assert!(bundle.text.contains("SwaggerUIBundle"));
    let css = app.get("/api/docs/swagger-ui.css").send().await.expect(200);
    assert!(
        css.header("content-type")
            .is_some_and(|t| t.contains("css"))
    );
    let init = app.get("/api/docs/siloq-docs.js").send().await.expect(200);
    assert!(init.text.contains("/api/v1/openapi.json"));
    for missing in [
        "/api/docs/index.html",
        "/api/docs/swagger-initializer.js",
        "/api/docs/..%2f..%2fCargo.toml",
    ] {
        let resp = app.get(missing).send().await.expect(404);
        assert_eq!(resp.str("code"), "not_found");
    }
}
