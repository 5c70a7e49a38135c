//! Logging: a tracing subscriber writing human-readable or JSON lines. `RUST_LOG` overrides `log.level`.

use crate::config::LogConfig;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// The WebAssembly compiler's crates (target prefixes) log every function they compile at debug and trace level,
/// gigabytes for one component: they stay at `warn` unless the filter names them.
const COMPILER_TARGETS: [&str; 3] = ["cranelift", "regalloc2", "wasmtime"];

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

/// Installs the global subscriber once; later calls (tests starting several apps) are no-ops.
pub fn init(config: &LogConfig) {
    let spec = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| config.level.clone());
    let filter = EnvFilter::try_new(with_quiet_compiler(&spec))
        .unwrap_or_else(|_| EnvFilter::new(with_quiet_compiler(&config.level)));
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
}
