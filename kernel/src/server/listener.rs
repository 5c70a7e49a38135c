//! The accept loop (security.md TR-3, TR-4, TR-5): hyper-util's connection builder with a timer and an explicit
//! header-read timeout, a per-connection watchdog for slow request heads and idle keep-alive connections, and
//! graceful draining.
//!
//! `axum::serve` installs no timer, so hyper's own header timeout never fires under it and a client that trickles
//! a request head (slowloris) holds its connection forever. Here every connection gets:
//!
//! * a **head deadline**: a complete request head within `server.header_read_timeout_secs` of the connection
//!   opening, and, on a kept-alive connection, of the first byte of each later request;
//! * an **idle deadline**: a kept-alive connection with no request in progress and nothing received for
//!   `server.idle_timeout_secs` is closed;
//! * hyper's HTTP/1 `header_read_timeout` with a Tokio timer, as a backstop. hyper starts that timer whenever it
//!   waits for a head, idle time between requests included, so it is set to the head plus the idle allowance;
//!   the watchdog below enforces the finer rule (head timeout from the first byte, idle timeout between requests).
//!
//! A request counts as in progress from the moment hyper hands its head to the service until its response body
//! has been written (or dropped); handler time is bounded separately by the request deadline middleware.

use crate::http::{self, AppState, NormalizedApp};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;
use tower::ServiceExt as _;

/// The connection time limits.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Until a request head is complete.
    pub header_read: Duration,
    /// Between requests on a kept-alive connection.
    pub idle: Duration,
}

impl Timeouts {
    pub fn from_config(server: &crate::config::ServerConfig) -> Self {
        Self {
            header_read: Duration::from_secs(server.header_read_timeout_secs.max(1)),
            idle: Duration::from_secs(server.idle_timeout_secs.max(1)),
        }
    }
}

/// Serves `state` on `listener` until `shutdown` completes, then stops accepting and waits for open connections
/// to finish their in-flight requests (idle ones close at once). The caller bounds that wait.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let timeouts = Timeouts::from_config(&state.config.server);
    let app: NormalizedApp =
        http::router(state).map_request(http::middleware::normalize_path as fn(Request) -> Request);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read + timeouts.idle)
        .keep_alive(true);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(conn) => conn,
            // The peer gave up before we got to it: nothing to do.
            Err(e) if is_connection_error(&e) => continue,
            // Out of file descriptors and the like: back off instead of spinning.
            Err(error) => {
                tracing::warn!(%error, "accept failed; retrying in 1 s");
                if tokio::time::timeout(Duration::from_secs(1), &mut shutdown)
                    .await
                    .is_ok()
                {
                    break;
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(TrackedIo {
            inner: stream,
            activity: activity.clone(),
        });
        let service = ConnService {
            app: app.clone(),
            peer,
            activity: activity.clone(),
        };
        let conn = graceful.watch(builder.serve_connection(io, service).into_owned());
        tokio::spawn(async move {
            tokio::select! {
                result = conn => {
                    if let Err(error) = result {
                        tracing::debug!(%peer, %error, "connection ended with an error");
                    }
                }
                () = activity.watchdog(timeouts) => {
                    tracing::debug!(%peer, "connection closed: request head not received in time, or idle");
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// What a connection is doing, as far as its deadlines are concerned.
struct Phase {
    /// Requests handed to the service whose response body is not yet written.
    in_flight: usize,
    /// Whether any request has reached the service on this connection.
    served: bool,
    /// When the connection opened, or when its last request finished.
    idle_since: Instant,
    /// The first byte received while no request was in progress (the start of the next head).
    head_started: Option<Instant>,
}

/// Shared by a connection's IO, its service and its watchdog.
struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Activity {
    fn new() -> Self {
        Self {
            phase: Mutex::new(Phase {
                in_flight: 0,
                served: false,
                idle_since: Instant::now(),
                head_started: None,
            }),
            changed: Notify::new(),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived from the client.
    fn received(&self) {
        let mut phase = self.phase();
        if phase.in_flight == 0 && phase.head_started.is_none() {
            phase.head_started = Some(Instant::now());
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request head was parsed and handed to the service.
    fn begin(self: &Arc<Self>) -> RequestGuard {
        {
            let mut phase = self.phase();
            phase.in_flight += 1;
            phase.served = true;
            phase.head_started = None;
        }
        self.changed.notify_one();
        RequestGuard(self.clone())
    }

    fn end(&self) {
        {
            let mut phase = self.phase();
            phase.in_flight = phase.in_flight.saturating_sub(1);
            if phase.in_flight == 0 {
                phase.idle_since = Instant::now();
                phase.head_started = None;
            }
        }
        self.changed.notify_one();
    }

    /// When the connection must close if nothing changes; `None` while a request is in progress.
    fn deadline(&self, timeouts: Timeouts) -> Option<Instant> {
        let phase = self.phase();
        if phase.in_flight > 0 {
            return None;
        }
        Some(if !phase.served {
            // TR-3: the first head must be complete within the timeout of the connection opening.
            phase.idle_since + timeouts.header_read
        } else if let Some(started) = phase.head_started {
            started + timeouts.header_read
        } else {
            phase.idle_since + timeouts.idle
        })
    }

    /// Completes when the connection has passed a deadline (the caller then drops, i.e. closes, it).
    async fn watchdog(&self, timeouts: Timeouts) {
        loop {
            // `notify_one` stores a permit when nobody waits, so a change between reading the deadline and
            // waiting is not lost.
            match self.deadline(timeouts) {
                None => self.changed.notified().await,
                Some(deadline) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {
                            if self.deadline(timeouts).is_some_and(|d| d <= Instant::now()) {
                                return;
                            }
                        }
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// Marks one request in progress until dropped (with its response body).
struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// The socket, reporting received bytes to the connection's [`Activity`].
struct TrackedIo {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for TrackedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.received();
        }
        result
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The application as hyper sees it on one connection: adds the peer address (`ConnectInfo`) and tracks the
/// request until its response body is written.
#[derive(Clone)]
struct ConnService {
    app: NormalizedApp,
    peer: SocketAddr,
    activity: Arc<Activity>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for ConnService {
    type Response = hyper::Response<TrackedBody>;
    type Error = Infallible;
    type Future =
        Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send + 'static>>;

    fn call(&self, req: hyper::Request<Incoming>) -> Self::Future {
        let guard = self.activity.begin();
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(self.peer));
        let app = self.app.clone();
        Box::pin(async move {
            let response = app.oneshot(req).await?;
            Ok(response.map(|body| TrackedBody {
                body,
                _guard: guard,
            }))
        })
    }
}

/// A response body that keeps its request "in progress" until written.
struct TrackedBody {
    body: Body,
    _guard: RequestGuard,
}

impl HttpBody for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
