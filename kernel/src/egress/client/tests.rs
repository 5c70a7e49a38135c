//! The guarded client against a local fixture server (allow-listed) and a canary listener (not allow-listed)
//! that counts connections: every refused case must leave the canary untouched (SSRF-5).

use super::*;
use crate::egress::resolve::tests::fake;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A TCP listener that only counts accepted connections.
async fn canary() -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind canary");
    let port = listener.local_addr().expect("addr").port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (port, count)
}

async fn fixture(canary_port: u16) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind fixture");
    let port = listener.local_addr().expect("addr").port();
    let to_canary = format!("http://127.0.0.1:{canary_port}/");
    let to_canary_odd = format!("http://2130706433:{canary_port}/");
    let to_canary_post = format!("http://127.0.0.1:{canary_port}/");
    let app = Router::new()
        .route(
            "/ok",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=UTF-8")],
                    "<h1>ok</h1>",
                )
            }),
        )
        .route(
            "/hop",
            get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/ok")]) }),
        )
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
        .route(
            "/to-canary",
            get(move || async move { (StatusCode::FOUND, [(header::LOCATION, to_canary)]) }),
        )
        .route(
            "/echo",
            post(|body: String| async move { format!("echo:{body}") }),
        )
        .route(
            "/post-to-canary",
            post(move || async move { (StatusCode::FOUND, [(header::LOCATION, to_canary_post)]) }),
        )
        .route(
            "/to-canary-odd",
            get(move || async move { (StatusCode::FOUND, [(header::LOCATION, to_canary_odd)]) }),
        )
        .route(
            "/big",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], vec![b'a'; 64 * 1024]) }),
        )
        .route(
            "/pdf",
            get(|| async { ([(header::CONTENT_TYPE, "application/pdf")], "%PDF") }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route(
            "/headers",
            get(|headers: HeaderMap| async move {
                let cookie = headers.get(header::COOKIE).is_some();
                let ua = headers
                    .get(header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    format!("{ua}|{cookie}"),
                )
                    .into_response()
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

fn client(allow: &[String], lookup: Arc<dyn Lookup>) -> GuardedClient {
    GuardedClient::new(
        EgressPolicy::new(allow),
        lookup,
        Limits {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_millis(800),
            max_redirects: 5,
            user_agent: "SiloqBot/1.0 (+https://siloq.ai/bot)".into(),
        },
    )
    .expect("client")
}

async fn fetch(c: &GuardedClient, url: &str) -> Result<Fetched, FetchError> {
    c.fetch(&Url::parse(url).expect("url"), &["text/html"], 16 * 1024)
        .await
}

#[tokio::test]
async fn allow_listed_fixture_is_reached_and_hops_are_recorded() {
    let (canary_port, _) = canary().await;
    let port = fixture(canary_port).await;
    let c = client(&[format!("127.0.0.1:{port}")], fake(&[]));
    let page = fetch(&c, &format!("http://127.0.0.1:{port}/hop"))
        .await
        .expect("fetched");
    assert_eq!(page.status, 200);
    assert_eq!(page.final_url.path(), "/ok");
    assert_eq!(page.redirects.len(), 1);
    assert_eq!(page.redirects[0].status, 301);
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
    assert_eq!(page.charset.as_deref(), Some("utf-8"));
    let headers = fetch(&c, &format!("http://127.0.0.1:{port}/headers"))
        .await
        .expect("fetched");
    assert_eq!(
        String::from_utf8_lossy(&headers.body),
        "SiloqBot/1.0 (+https://siloq.ai/bot)|false"
    );
}

#[tokio::test]
async fn refused_destinations_never_see_a_connection() {
    let (canary_port, seen) = canary().await;
    let port = fixture(canary_port).await;
    let c = client(
        &[format!("127.0.0.1:{port}")],
        fake(&[
            ("rebind.test", &["127.0.0.1"]),
            ("mapped.test", &["::ffff:127.0.0.1"]),
        ]),
    );
    for url in [
        format!("http://127.0.0.1:{canary_port}/"),
        format!("http://2130706433:{canary_port}/"),
        format!("http://127.1:{canary_port}/"),
        format!("http://0x7f.1:{canary_port}/"),
        format!("http://[::ffff:127.0.0.1]:{canary_port}/"),
        format!("http://localhost:{canary_port}/"),
        format!("http://rebind.test:{canary_port}/"),
        format!("http://127.0.0.1:{port}/to-canary"),
        format!("http://127.0.0.1:{port}/to-canary-odd"),
    ] {
        assert_eq!(
            fetch(&c, &url).await.err(),
            Some(FetchError::Blocked),
            "{url}"
        );
    }
    // Names on the web ports go through the resolver, which drops loopback.
    let web = client(
        &[],
        fake(&[
            ("rebind.test", &["127.0.0.1"]),
            ("mapped.test", &["::ffff:127.0.0.1"]),
        ]),
    );
    for url in [
        "http://rebind.test/",
        "http://mapped.test/",
        "https://rebind.test/",
    ] {
        assert_eq!(
            fetch(&web, url).await.err(),
            Some(FetchError::Blocked),
            "{url}"
        );
    }
    assert_eq!(
        fetch(&web, "http://unknown.test/").await.err(),
        Some(FetchError::Dns)
    );
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the canary saw a connection"
    );
}

#[tokio::test]
async fn loops_caps_types_and_slow_servers_fail_with_their_codes() {
    let (canary_port, _) = canary().await;
    let port = fixture(canary_port).await;
    let c = client(&[format!("127.0.0.1:{port}")], fake(&[]));
    let base = format!("http://127.0.0.1:{port}");
    assert_eq!(
        fetch(&c, &format!("{base}/loop")).await.err(),
        Some(FetchError::TooManyRedirects)
    );
    assert_eq!(
        fetch(&c, &format!("{base}/big")).await.err(),
        Some(FetchError::TooLarge)
    );
    assert_eq!(
        fetch(&c, &format!("{base}/pdf")).await.err(),
        Some(FetchError::UnsupportedContentType)
    );
    assert_eq!(
        fetch(&c, &format!("{base}/slow")).await.err(),
        Some(FetchError::Timeout)
    );
    // A 404 is an answer, not a failure, whatever its type.
    let missing = fetch(&c, &format!("{base}/missing"))
        .await
        .expect("answered");
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_post_is_one_guarded_hop() {
    let (canary_port, seen) = canary().await;
    let port = fixture(canary_port).await;
    let url = |u: &str| Url::parse(u).expect("url");
    // The canary is allow-listed here: a redirect to it would be allowed, and still is not followed.
    let c = client(
        &[
            format!("127.0.0.1:{port}"),
            format!("127.0.0.1:{canary_port}"),
        ],
        fake(&[]),
    );
    let echoed = c
        .post(
            &url(&format!("http://127.0.0.1:{port}/echo")),
            &[("content-type", "text/plain")],
            b"hello".to_vec(),
            7,
        )
        .await
        .expect("answered");
    assert_eq!(echoed.status, 200);
    assert_eq!(echoed.body, b"echo:he", "the body is cut at the cap");
    let hop = c
        .post(
            &url(&format!("http://127.0.0.1:{port}/post-to-canary")),
            &[],
            Vec::new(),
            1024,
        )
        .await
        .expect("answered");
    assert_eq!(hop.status, 302, "a redirect is returned, not followed");
    let strict = client(&[], fake(&[("rebind.test", &["127.0.0.1"])]));
    for u in [
        format!("http://127.0.0.1:{canary_port}/"),
        format!("http://localhost:{canary_port}/"),
        "http://rebind.test/".to_string(),
    ] {
        assert_eq!(
            strict.post(&url(&u), &[], Vec::new(), 1024).await.err(),
            Some(FetchError::Blocked),
            "{u}"
        );
    }
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the canary saw a connection"
    );
}
