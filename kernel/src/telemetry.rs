//! Logging and tracing. Logs: a tracing subscriber writing human-readable or JSON lines; `RUST_LOG` overrides
//! `log.level`. Traces: when `telemetry.otlp_endpoint` is set, an application exports its request spans over
//! OTLP/HTTP (protobuf) to that collector ([`Otlp`]).
//!
//! The global subscriber is process-wide and installed once, but an exporter belongs to one application (tests
//! run several applications in one process, each with its own configuration). So the OTLP bridge is not part
//! of the global subscriber: each application with an endpoint builds its own dispatcher (the same log layer
//! plus the OpenTelemetry layer) and its request middleware runs every request under it.

use crate::config::{LogConfig, TelemetryConfig};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::sync::OnceLock;
use std::time::Duration;
use tracing::Dispatch;
use tracing_subscriber::{EnvFilter, Layer, Registry, fmt, prelude::*};

/// The WebAssembly compiler's crates (target prefixes) log every function they compile at debug and trace level,
/// gigabytes for one component: they stay at `warn` unless the filter names them.
const COMPILER_TARGETS: [&str; 3] = ["cranelift", "regalloc2", "wasmtime"];

/// What exported spans are filtered with: Siloq's spans at `info` (requests), other crates' only from `warn`
/// (the exporter's own HTTP client must not trace its exports).
const EXPORT_FILTER: &str = "warn,siloq_kernel=info";

/// Bound on one export (and on the final flush at shutdown).
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// `spec` plus `<compiler target>=warn` for each compiler target it does not mention.
fn with_quiet_compiler(spec: &str) -> String {
    let mut spec = spec.trim().to_string();
    for target in COMPILER_TARGETS {
        if !spec.contains(target) {
            if !spec.is_empty() {
                spec.push(',');
            }
            spec.push_str(target);
            spec.push_str("=warn");
        }
    }
    spec
}

type BoxedLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// The log configuration the global subscriber was installed with (None: logging is not set up, as in tests).
static LOGGING: OnceLock<LogConfig> = OnceLock::new();

/// The log layer (format and filter) for `config`.
fn log_layer(config: &LogConfig) -> BoxedLayer {
    let spec = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| config.level.clone());
    let filter = EnvFilter::try_new(with_quiet_compiler(&spec))
        .unwrap_or_else(|_| EnvFilter::new(with_quiet_compiler(&config.level)));
    if config.format.eq_ignore_ascii_case("json") {
        fmt::layer()
            .json()
            .with_current_span(true)
            .with_filter(filter)
            .boxed()
    } else {
        fmt::layer().with_target(false).with_filter(filter).boxed()
    }
}

/// Installs the global subscriber once; later calls (tests starting several apps) are no-ops.
pub fn init(config: &LogConfig) {
    let result = tracing_subscriber::registry()
        .with(log_layer(config))
        .try_init();
    if result.is_ok() {
        let _ = LOGGING.set(config.clone());
    }
}

/// The URL spans are posted to: the configured collector base plus `/v1/traces` (kept when already there).
fn traces_url(endpoint: &str) -> String {
    let base = endpoint.trim().trim_end_matches('/');
    if base.ends_with("/v1/traces") {
        base.to_string()
    } else {
        format!("{base}/v1/traces")
    }
}

/// An endpoint as logs may show it: no user, password or query (a collector token never reaches a log line).
fn without_credentials(mut url: url::Url) -> String {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.to_string()
}

/// One application's OTLP trace export: the batching provider and the dispatcher requests run under.
pub struct Otlp {
    provider: SdkTracerProvider,
    dispatch: Dispatch,
}

impl Otlp {
    /// `None` when `telemetry.otlp_endpoint` is empty (export off). Builds the exporter; nothing is sent until
    /// the first batch of spans.
    pub fn start(config: &TelemetryConfig) -> anyhow::Result<Option<Self>> {
        if config.otlp_endpoint.trim().is_empty() {
            return Ok(None);
        }
        let url = traces_url(&config.otlp_endpoint);
        let shown = match url::Url::parse(&url) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {
                without_credentials(parsed)
            }
            _ => anyhow::bail!("telemetry.otlp_endpoint is not an http(s) URL"),
        };
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url)
            .with_timeout(EXPORT_TIMEOUT)
            .build()
            .map_err(|e| anyhow::anyhow!("telemetry.otlp_endpoint ({shown}): {e}"))?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name(config.service_name.clone())
                    .build(),
            )
            .build();
        let tracer = provider.tracer("siloq");
        let export = tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_filter(EnvFilter::new(with_quiet_compiler(EXPORT_FILTER)))
            .boxed();
        // With logging set up, lines written while a request runs keep going to the log too.
        let mut layers: Vec<BoxedLayer> = vec![export];
        if let Some(log) = LOGGING.get() {
            layers.push(log_layer(log));
        }
        // tracing caches whether a callsite is enabled. While only one dispatcher is registered it asks just the
        // current thread's default, so a callsite first hit elsewhere (another application in the process, with
        // no subscriber) would stay disabled for this one too. A second, inert dispatcher kept for the life of the
        // process makes tracing ask every registered dispatcher.
        static SEVERAL_DISPATCHERS: OnceLock<Dispatch> = OnceLock::new();
        SEVERAL_DISPATCHERS
            .get_or_init(|| Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        let dispatch = Dispatch::new(tracing_subscriber::registry().with(layers));
        tracing::info!(endpoint = %shown, "exporting traces over OTLP/HTTP");
        Ok(Some(Self { provider, dispatch }))
    }

    /// The dispatcher whose spans are exported.
    pub fn dispatch(&self) -> &Dispatch {
        &self.dispatch
    }

    /// Exports what is still batched and stops the exporter (graceful shutdown). Blocks: call it off the
    /// async executor.
    pub fn shutdown(&self) {
        if let Err(e) = self.provider.force_flush() {
            tracing::warn!(error = %e, "flushing the last spans failed");
        }
        let _ = self.provider.shutdown_with_timeout(EXPORT_TIMEOUT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiler_stays_quiet_unless_named() {
        assert_eq!(
            with_quiet_compiler("trace"),
            "trace,cranelift=warn,regalloc2=warn,wasmtime=warn"
        );
        assert_eq!(
            with_quiet_compiler("info,wasmtime=debug"),
            "info,wasmtime=debug,cranelift=warn,regalloc2=warn"
        );
    }

    #[test]
    fn endpoints_are_logged_without_credentials() {
        let url = url::Url::parse("https://user:pw@collector:4318/v1/traces?token=t").unwrap();
        assert_eq!(without_credentials(url), "https://collector:4318/v1/traces");
        assert!(
            Otlp::start(&TelemetryConfig {
                otlp_endpoint: "collector:4318".into(),
                service_name: "siloq".into(),
            })
            .is_err()
        );
        assert!(Otlp::start(&TelemetryConfig::default()).unwrap().is_none());
    }

    #[test]
    fn spans_go_to_the_traces_path() {
        assert_eq!(
            traces_url("http://127.0.0.1:4318"),
            "http://127.0.0.1:4318/v1/traces"
        );
        assert_eq!(
            traces_url("http://collector:4318/"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            traces_url("http://collector:4318/v1/traces"),
            "http://collector:4318/v1/traces"
        );
    }
}
