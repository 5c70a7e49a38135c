//! OpenTelemetry export (api.md §15, `[telemetry]`): with `telemetry.otlp_endpoint` set, the application posts
//! its request spans as OTLP/HTTP protobuf to `<endpoint>/v1/traces`, named by method and route template, and
//! flushes them on graceful shutdown. No credential (API key, bearer token) reaches an exported span.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use prost::Message;
use siloq_tests::TestApp;
use std::sync::{Arc, Mutex};

/// One recorded export: its content type and body.
type Exports = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A collector stand-in on 127.0.0.1 that records every `POST /v1/traces`.
async fn receiver() -> (String, Exports) {
    let exports: Exports = Arc::default();
    let app = axum::Router::new()
        .route(
            "/v1/traces",
            axum::routing::post(
                |State(exports): State<Exports>, headers: HeaderMap, body: Bytes| async move {
                    let content_type = headers
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    exports.lock().unwrap().push((content_type, body.to_vec()));
                    StatusCode::OK
                },
            ),
        )
        .with_state(exports.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), exports)
}

fn attribute<'a>(
    attributes: &'a [opentelemetry_proto::tonic::common::v1::KeyValue],
    key: &str,
) -> Option<&'a AnyValue> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_are_exported_over_otlp_http_without_credentials() {
    let (endpoint, exports) = receiver().await;
    let app = TestApp::spawn_with(|c| {
        c.telemetry.otlp_endpoint = endpoint.clone();
        c.telemetry.service_name = "siloq-otlp-test".into();
    })
    .await;
    let owner = app.user("owner@example.com").await;
    let site_id = app.site(&owner, "https://owner.example").await;
    let key = app.key(site_id).await;
    // The plugin's key on a page route (whatever it answers, the key must not be exported).
    app.get("/api/v1/pages/").api_key(&key).send().await;
    app.get(&format!("/api/v1/sites/{}/", site_id.0))
        .bearer(&owner.token)
        .send()
        .await
        .expect(200);
    app.get("/api/v1/pages/123/")
        .bearer("not-a-valid-token-but-secret-anyway")
        .send()
        .await
        .expect(401);
    app.get("/healthz").send().await.expect(200);
    app.shutdown().await;

    let exports = exports.lock().unwrap().clone();
    assert!(!exports.is_empty(), "no OTLP export reached the receiver");
    let mut spans = Vec::new();
    for (content_type, body) in &exports {
        assert_eq!(content_type, "application/x-protobuf");
        assert!(!body.is_empty(), "empty export");
        // Credentials never reach a span, in any attribute or event.
        for secret in [
            key.as_str(),
            owner.token.as_str(),
            owner.password.as_str(),
            "not-a-valid-token-but-secret-anyway",
        ] {
            assert!(
                !body.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a credential was exported"
            );
        }
        let request = ExportTraceServiceRequest::decode(body.as_slice()).expect("OTLP protobuf");
        for resource in request.resource_spans {
            let service = resource
                .resource
                .as_ref()
                .and_then(|r| attribute(&r.attributes, "service.name"));
            assert_eq!(
                service,
                Some(&AnyValue::StringValue("siloq-otlp-test".into()))
            );
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
    }
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    for name in [
        "GET /api/v1/pages/",
        "GET /api/v1/sites/{id}/",
        "GET /api/v1/pages/{id}/",
        "GET /healthz",
    ] {
        assert!(names.contains(&name), "no span {name} in {names:?}");
    }
    let detail = spans
        .iter()
        .find(|s| s.name == "GET /api/v1/pages/{id}/")
        .unwrap();
    assert_eq!(
        attribute(&detail.attributes, "route"),
        Some(&AnyValue::StringValue("/api/v1/pages/{id}/".into()))
    );
    assert_eq!(
        attribute(&detail.attributes, "status"),
        Some(&AnyValue::IntValue(401))
    );
    // A server span (kind 2) with its request id, and nothing from the request's headers.
    assert_eq!(detail.kind, 2);
    assert!(attribute(&detail.attributes, "request_id").is_some());
    for span in &spans {
        for kv in &span.attributes {
            let k = kv.key.to_ascii_lowercase();
            assert!(
                !k.contains("authorization") && !k.contains("api_key") && !k.contains("password"),
                "span {} has attribute {}",
                span.name,
                kv.key
            );
        }
    }
}

#[tokio::test]
async fn without_an_endpoint_nothing_is_exported() {
    let (endpoint, exports) = receiver().await;
    let app = TestApp::spawn().await;
    assert!(app.state().config.telemetry.otlp_endpoint.is_empty());
    assert!(app.state().otlp.is_none());
    app.get("/healthz").send().await.expect(200);
    app.shutdown().await;
    drop(endpoint);
    assert!(exports.lock().unwrap().is_empty());
}
