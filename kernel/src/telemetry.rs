//! Logging: a tracing subscriber writing human-readable or JSON lines. `RUST_LOG` overrides `log.level`.

use crate::config::LogConfig;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// The WebAssembly compiler and runtime trace every function they compile; at `debug`/`trace` that is
/// megabytes per component and minutes of startup, and says nothing about Siloq. `log.level` never reaches
/// below `info` for them; `RUST_LOG` can still ask for them explicitly.
const ENGINE_INTERNALS: &str = "cranelift_codegen=info,cranelift_frontend=info,cranelift_entity=info,\
    regalloc2=info,wasmtime=info,wasmtime_cranelift=info,wasmtime_environ=info,wasmtime_internal_cranelift=info,\
    wasmtime_internal_environ=info,wasmparser=info,wit_parser=info";

/// Installs the global subscriber once; later calls (tests starting several apps) are no-ops.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{},{ENGINE_INTERNALS}", config.level)));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if config.format.eq_ignore_ascii_case("json") {
        registry
            .with(fmt::layer().json().with_current_span(true))
            .try_init()
    } else {
        registry.with(fmt::layer().with_target(false)).try_init()
    };
    drop(result);
}
