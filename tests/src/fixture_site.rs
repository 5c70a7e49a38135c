//! Local HTTP fixture sites for the scanner suite: real HTTP(S) servers on 127.0.0.1 (axum in the test process)
//! that serve a route table, count what was requested, and can misbehave (redirect loops, huge bodies, slow
//! answers). Plus the canary: a raw TCP listener that only counts connections, for SSRF tests (SSRF-5).

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What one path answers.
#[derive(Debug, Clone)]
pub struct Route {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
}

impl Route {
    pub fn html(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.into().into_bytes(),
            delay: Duration::ZERO,
        }
    }
    pub fn text(content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn redirect(status: u16, location: &str) -> Self {
        Self {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A running fixture site.
pub struct FixtureSite {
    pub addr: SocketAddr,
    hits: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
    /// HTTPS sites: the folder holding the PEM of the site's self-signed certificate.
    tls: Option<tempfile::TempDir>,
    /// The name in the site's URLs: `127.0.0.1`, or an HTTPS site's own name (pinned by `scanner.resolve`).
    host: String,
}

impl Drop for FixtureSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FixtureSite {
    /// Starts a site; `routes` gets the site's base URL (`http://127.0.0.1:PORT`) and returns the route table
    /// (paths with their query). Unlisted paths answer 404 with a small HTML page.
    pub async fn start(routes: impl FnOnce(&str) -> HashMap<String, Route>) -> Self {
        Self::serve(routes, None).await
    }

    /// As [`FixtureSite::start`], over HTTPS under the name `host` (`https://HOST:PORT`) with a self-signed
    /// certificate for it. The scanner reaches it through [`FixtureSite::scanner_settings`]: the name pinned to
    /// 127.0.0.1, the certificate trusted, `HOST:PORT` allow-listed.
    pub async fn start_tls(
        host: &str,
        routes: impl FnOnce(&str) -> HashMap<String, Route>,
    ) -> Self {
        Self::serve(routes, Some(host)).await
    }

    async fn serve(
        routes: impl FnOnce(&str) -> HashMap<String, Route>,
        tls_host: Option<&str>,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fixture site");
        let addr = listener.local_addr().expect("fixture address");
        let host = tls_host.map_or_else(|| addr.ip().to_string(), str::to_string);
        let scheme = if tls_host.is_some() { "https" } else { "http" };
        let table = Arc::new(routes(&format!("{scheme}://{host}:{}", addr.port())));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = hits.clone();
        let app = Router::new().fallback(move |request: Request| {
            let table = table.clone();
            let seen = seen.clone();
            async move {
                let path = request
                    .uri()
                    .path_and_query()
                    .map_or("/".to_string(), |p| p.as_str().to_string());
                seen.lock().expect("hits").push(path.clone());
                let route = table.get(&path).cloned().unwrap_or_else(|| {
                    Route::html("<!DOCTYPE html><title>Not found</title><h1>Not found</h1>")
                        .status(404)
                });
                if !route.delay.is_zero() {
                    tokio::time::sleep(route.delay).await;
                }
                let mut response = Response::new(Body::from(route.body));
                *response.status_mut() = StatusCode::from_u16(route.status).expect("status");
                for (name, value) in route.headers {
                    response.headers_mut().insert(
                        HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                        HeaderValue::from_str(&value).expect("header value"),
                    );
                }
                response
            }
        });
        if tls_host.is_none() {
            let task = tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            return Self {
                addr,
                hits,
                task,
                tls: None,
                host,
            };
        }
        let (acceptor, folder) = tls_acceptor(&host);
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (acceptor, app) = (acceptor.clone(), app.clone());
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(socket).await else {
                        return;
                    };
                    let service = hyper_util::service::TowerToHyperService::new(app);
                    let _ = hyper_util::server::conn::auto::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
                });
            }
        });
        Self {
            addr,
            hits,
            task,
            tls: Some(folder),
            host,
        }
    }

    /// A configuration tweak that lets the scanner reach this site: allow-listed, and for an HTTPS site its
    /// name pinned to 127.0.0.1 and its certificate trusted.
    pub fn scanner_settings(&self) -> impl FnOnce(&mut siloq_kernel::config::Config) + use<> {
        let allow = self.allow_entry();
        let pin = format!("{}={}", self.host, self.addr.ip());
        let ca = self
            .tls
            .as_ref()
            .map(|folder| folder.path().join("site.pem").display().to_string());
        move |config| {
            config.scanner.allow_hosts.push(allow);
            if let Some(ca) = ca {
                config.scanner.resolve.push(pin);
                config.scanner.extra_ca_files.push(ca);
            }
        }
    }

    /// `http://127.0.0.1:PORT`, or `https://HOST:PORT` for an HTTPS site.
    pub fn base(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}:{}", self.host, self.addr.port())
    }

    /// The `scanner.allow_hosts` entry of this site.
    pub fn allow_entry(&self) -> String {
        format!("{}:{}", self.host, self.addr.port())
    }

    /// How often a path (with its query) was requested.
    pub fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .expect("hits")
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    /// Every requested path, in order.
    pub fn requested(&self) -> Vec<String> {
        self.hits.lock().expect("hits").clone()
    }
}

/// The crawl fixture of the SEO corpus (`tests/fixtures/seo/site/`, a bike workshop), served as its
/// `routes.json` says, with its origin rewritten to the local server. The corpus declares brotli encoding for
/// its (uncompressed) files; that header is dropped.
pub fn northwind(base: &str) -> HashMap<String, Route> {
    let dir = crate::fixtures_dir().join("seo/site");
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("routes.json")).expect("routes.json"),
    )
    .expect("routes.json parses");
    let origin = spec["origin"].as_str().expect("origin");
    let defaults = spec["defaults"]["headers"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut table = HashMap::new();
    for (path, route) in spec["routes"].as_object().expect("routes") {
        let mut headers: HashMap<String, String> = defaults
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v.as_str().unwrap_or("").to_string()))
            .collect();
        if let Some(extra) = route["headers"].as_object() {
            for (k, v) in extra {
                headers.insert(k.to_lowercase(), v.as_str().unwrap_or("").to_string());
            }
        }
        headers.remove("content-encoding");
        let status = route["status"].as_u64().unwrap_or(200) as u16;
        if let Some(location) = route["location"].as_str() {
            headers.insert("location".into(), location.replace(origin, base));
        }
        let body = route["file"]
            .as_str()
            .map(|f| read_rewritten(&dir.join(f), origin, base))
            .unwrap_or_default();
        table.insert(
            path.clone(),
            Route {
                status,
                headers: headers.into_iter().collect(),
                body,
                delay: Duration::ZERO,
            },
        );
    }
    table
}

fn read_rewritten(path: &Path, origin: &str, base: &str) -> Vec<u8> {
    std::fs::read_to_string(path)
        .expect("fixture file")
        .replace(origin, base)
        .into_bytes()
}

/// A self-signed certificate for `host`, its PEM written to a temporary folder, and a TLS acceptor serving it
/// (HTTP/1.1 and HTTP/2 by ALPN).
fn tls_acceptor(host: &str) -> (tokio_rustls::TlsAcceptor, tempfile::TempDir) {
    use tokio_rustls::rustls;
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec![host.to_string()]).expect("certificate");
    let folder = tempfile::tempdir().expect("certificate folder");
    std::fs::write(folder.path().join("site.pem"), cert.pem()).expect("write certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .expect("server certificate");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), folder)
}

/// A TCP listener that accepts and counts connections and never answers (SSRF-5).
pub struct Canary {
    pub port: u16,
    count: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Canary {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Canary {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind canary");
        let port = listener.local_addr().expect("canary address").port();
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                drop(socket);
            }
        });
        Self { port, count, task }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}
