//! Connection time limits over raw TCP (security.md TR-3, TR-4, TR-5; §19.1 fault tests): a client that trickles
//! its request head is cut off within the header-read timeout while others are served, a kept-alive connection
//! may idle for the idle timeout (not just the head timeout), and draining still lets an in-flight request finish.

use siloq_tests::TestApp;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection (EOF or reset), or `limit` passes; returns what was read and
/// how long it took, `None` on timeout.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<(Vec<u8>, Duration)> {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((received, started.elapsed())),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one complete response with a `Content-Length` body; panics on close or timeout.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&received).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                return text;
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("response in time")
            .expect("read");
        assert!(n > 0, "closed before a full response: {text:?}");
        received.extend_from_slice(&buf[..n]);
    }
}

fn addr(app: &TestApp) -> SocketAddr {
    app.base.strip_prefix("http://").unwrap().parse().unwrap()
}

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[tokio::test]
async fn a_trickled_head_is_cut_off_within_the_header_timeout_while_others_are_served() {
    let app = TestApp::spawn_with(|c| c.server.header_read_timeout_secs = 1).await;
    let addr = addr(&app);
    // Several attackers: one silent, the others sending a header line every 200 ms, never the blank line.
    let mut attackers = Vec::new();
    for i in 0..4 {
        attackers.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            let started = Instant::now();
            if i > 0 {
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
                    .await
                    .unwrap();
            }
            let (mut reader, mut writer) = stream.into_split();
            // The write half stays open (a dropped one would tell the server "no more bytes").
            let trickle = tokio::spawn(async move {
                for n in 0.. {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    if i > 0 {
                        let line = format!("X-Slow-{n}: a\r\n");
                        if writer.write_all(line.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                }
                drop(writer);
            });
            let mut buf = [0u8; 1024];
            let outcome = tokio::time::timeout(Duration::from_secs(4), reader.read(&mut buf)).await;
            trickle.abort();
            let elapsed = started.elapsed();
            match outcome {
                Ok(Ok(0)) | Ok(Err(_)) => elapsed,
                Ok(Ok(n)) => panic!(
                    "attacker {i} got a response: {:?}",
                    String::from_utf8_lossy(&buf[..n])
                ),
                Err(_) => panic!("attacker {i} still connected after 4 s"),
            }
        }));
    }
    // Meanwhile an ordinary client is served at once, over and over.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..3 {
        let started = Instant::now();
        app.get("/healthz").send().await.expect(200);
        assert!(started.elapsed() < Duration::from_millis(500));
    }
    for attacker in attackers {
        let elapsed = attacker.await.unwrap();
        assert!(
            elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(2000),
            "disconnected after {elapsed:?}, expected about 1 s"
        );
    }
    app.get("/healthz").send().await.expect(200);
}

#[tokio::test]
async fn a_kept_alive_connection_idles_for_the_idle_timeout_not_the_head_timeout() {
    let app = TestApp::spawn_with(|c| {
        c.server.header_read_timeout_secs = 1;
        c.server.idle_timeout_secs = 2;
    })
    .await;
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    stream.write_all(HEALTHZ).await.unwrap();
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Past the head timeout the idle connection is still usable...
    tokio::time::sleep(Duration::from_millis(1300)).await;
    stream.write_all(HEALTHZ).await.unwrap();
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // ...and it is closed once idle for the idle timeout.
    let (rest, elapsed) = read_until_closed(&mut stream, Duration::from_secs(4))
        .await
        .expect("idle connection closed");
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(
        elapsed >= Duration::from_millis(1800) && elapsed < Duration::from_millis(3000),
        "closed after {elapsed:?}, expected about 2 s"
    );
}

#[tokio::test]
async fn a_later_head_on_a_kept_alive_connection_gets_the_head_timeout_from_its_first_byte() {
    let app = TestApp::spawn_with(|c| {
        c.server.header_read_timeout_secs = 1;
        c.server.idle_timeout_secs = 30;
    })
    .await;
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    stream.write_all(HEALTHZ).await.unwrap();
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let (rest, elapsed) = read_until_closed(&mut stream, Duration::from_secs(4))
        .await
        .expect("closed within the head timeout, not the idle timeout");
    assert!(rest.is_empty(), "{:?}", String::from_utf8_lossy(&rest));
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_millis(2000),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn draining_finishes_an_in_flight_request_and_closes_idle_connections() {
    let app = TestApp::spawn_with(|c| c.server.header_read_timeout_secs = 5).await;
    let addr = addr(&app);
    // An idle kept-alive connection and a silent one must not hold the drain up.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(HEALTHZ).await.unwrap();
    read_response(&mut idle).await;
    let _silent = TcpStream::connect(addr).await.unwrap();
    // A request in flight: its head is in, its body still on the way.
    let body = br#"{"email":"ghost@x.test","password":"wrong-password"}"#;
    let mut busy = TcpStream::connect(addr).await.unwrap();
    busy.write_all(
        format!(
            "POST /api/v1/auth/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    busy.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let shutdown = tokio::spawn(app.shutdown());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no new connections while draining"
    );
    let closed = read_until_closed(&mut idle, Duration::from_secs(2)).await;
    assert!(closed.is_some(), "idle connection closed by the drain");
    busy.write_all(&body[10..]).await.unwrap();
    let response = read_response(&mut busy).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("invalid_credentials"), "{response}");
    tokio::time::timeout(Duration::from_secs(5), shutdown)
        .await
        .expect("drain completes")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
}
