//! One guest call in a fresh store (extensions.md §4.4) and the classification of how it ended (§4.7).
//!
//! Every call (describe, evaluate, score, recommend) gets a new `Store` and a new instance from the
//! extension's `InstancePre`: nothing survives between calls, a trapped instance is never entered again, and one
//! site's page never leaks into another's. The store carries the memory limiter, the fuel budget and an epoch
//! deadline; dropping it releases the pool slot.

use super::ctx::CallCtx;
use super::diagnostic::Reason;
use super::host::ExtensionHost;
use super::limits::{self, Limits};
use super::page::{PageRef, PreparedPage};
use super::wit::v1_0_0::types::ExtensionError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::component::Resource;
use wasmtime::{Store, Trap};

/// How a call failed.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFailure {
    pub reason: Reason,
    pub detail: String,
}

/// The result of one call with what it cost. Outputs are raw: the §2.3 checks are the pipeline's job.
#[derive(Debug)]
pub struct CallOutcome<T> {
    pub outcome: Result<T, CallFailure>,
    /// Fuel used; `None` when fuel is off or the call timed out or did not finish.
    pub fuel: Option<u64>,
    pub duration: Duration,
    /// Log lines or standard error were cut (a note, not a failure).
    pub logs_truncated: bool,
    pub peak_memory: usize,
}

impl<T> CallOutcome<T> {
    pub fn duration_ms(&self) -> f64 {
        self.duration.as_secs_f64() * 1000.0
    }
}

/// What the guest function returned: its own result, or an error (trap, exit, host failure).
pub(crate) type GuestResult<T> = wasmtime::Result<Result<T, ExtensionError>>;

/// Runs `f` in a fresh store. `page` is pushed into the store's table and handed to `f` as the borrowed page.
/// `timeout` is the wall-clock allowance (rounded up to epoch ticks). `extension` names the guest in its log
/// lines.
pub(crate) fn run<T>(
    host: &ExtensionHost,
    extension: &str,
    limits: &Limits,
    page: Option<&Arc<PreparedPage>>,
    timeout: Duration,
    f: impl FnOnce(&mut Store<CallCtx>, Option<Resource<PageRef>>) -> GuestResult<T>,
) -> CallOutcome<T> {
    let start = Instant::now();
    let mut store = Store::new(host.engine(), CallCtx::new(limits.memory_bytes));
    store.limiter(|c| &mut c.limiter);
    let fuel_on = host.options().fuel;
    if fuel_on && let Err(e) = store.set_fuel(limits.fuel_per_call) {
        return host_failure(start, format!("cannot set fuel: {e}"));
    }
    if host.options().epochs {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        store.set_epoch_deadline(Limits::ticks(ms));
        store.epoch_deadline_trap();
    }
    let page = match page {
        Some(p) => match store.data_mut().table.push(PageRef(p.clone())) {
            Ok(r) => Some(r),
            Err(e) => return host_failure(start, format!("cannot lend the page: {e}")),
        },
        None => None,
    };

    let result = f(&mut store, page);

    let duration = start.elapsed();
    let used = if fuel_on {
        store
            .get_fuel()
            .ok()
            .map(|left| limits.fuel_per_call.saturating_sub(left))
    } else {
        None
    };
    let ctx = store.into_data();
    let stderr = ctx.stderr.text();
    let logs_truncated = ctx.logs.truncated || stderr.len() >= limits::STDERR_BYTES;
    let (outcome, fuel) = match result {
        Ok(Ok(value)) => (Ok(value), used),
        Ok(Err(ExtensionError::InvalidConfig(m))) => (
            Err(CallFailure {
                reason: Reason::InvalidConfig,
                detail: super::page::cut(&m, limits::MESSAGE_BYTES).to_string(),
            }),
            used,
        ),
        Ok(Err(ExtensionError::Internal(m))) => (
            Err(CallFailure {
                reason: Reason::ExtensionError,
                detail: super::page::cut(&m, limits::MESSAGE_BYTES).to_string(),
            }),
            used,
        ),
        Err(e) => {
            let reason = classify(&e, ctx.limiter.memory_denied);
            let fuel = (reason == Reason::FuelExhausted).then_some(used).flatten();
            let mut detail = describe_error(&e, reason, limits);
            let quoted = super::page::cut(stderr.trim_end(), limits::STDERR_IN_DIAGNOSTIC);
            if !quoted.is_empty() {
                detail = format!("{detail}\nstderr: {quoted}");
            }
            (Err(CallFailure { reason, detail }), fuel)
        }
    };
    for (level, line) in &ctx.logs.lines {
        log_guest_line(extension, *level, line);
    }
    crate::http::metrics::observe_extension_call(
        extension,
        outcome
            .as_ref()
            .map_or_else(|f| f.reason.as_str(), |_| "ok"),
        duration.as_secs_f64(),
    );
    CallOutcome {
        outcome,
        fuel,
        duration,
        logs_truncated,
        peak_memory: ctx.limiter.peak_memory,
    }
}

fn host_failure<T>(start: Instant, detail: String) -> CallOutcome<T> {
    CallOutcome {
        outcome: Err(CallFailure {
            reason: Reason::HostError,
            detail,
        }),
        fuel: None,
        duration: start.elapsed(),
        logs_truncated: false,
        peak_memory: 0,
    }
}

/// Why a call ended in an error. Denied memory growth wins: the guest's allocator aborts (a trap) after it.
fn classify(e: &wasmtime::Error, memory_denied: bool) -> Reason {
    if memory_denied {
        return Reason::MemoryLimit;
    }
    if e.downcast_ref::<wasmtime_wasi::I32Exit>().is_some() {
        return Reason::ExitCalled;
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Reason::FuelExhausted,
        Some(Trap::Interrupt) => Reason::Timeout,
        _ => Reason::Trap,
    }
}

/// A one-line account of how the call ended (no backtrace: the engine records none).
fn describe_error(e: &wasmtime::Error, reason: Reason, limits: &Limits) -> String {
    if reason == Reason::MemoryLimit {
        return format!(
            "memory growth beyond {} bytes was denied",
            limits.memory_bytes
        );
    }
    if let Some(exit) = e.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return format!("the extension called exit({})", exit.0);
    }
    match e.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => e.to_string(),
    }
}

/// A guest's log line goes to tracing at the guest's level, with the extension's id (§4.10).
fn log_guest_line(ext_id: &str, level: super::wit::v1_0_0::host::LogLevel, line: &str) {
    use super::wit::v1_0_0::host::LogLevel;
    match level {
        LogLevel::Debug => {
            tracing::debug!(extension.id = ext_id, "{line}")
        }
        LogLevel::Info => tracing::info!(extension.id = ext_id, "{line}"),
        LogLevel::Warn => tracing::warn!(extension.id = ext_id, "{line}"),
        LogLevel::Error => {
            tracing::error!(extension.id = ext_id, "{line}")
        }
    }
}
