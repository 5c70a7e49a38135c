//! Logging through the host (extensions.md §3.4): `siloq_sdk::log::info!("...")`. The kernel keeps at most 20
//! lines per call, each cut to 512 bytes, and drops `debug` unless an operator enables it. Natively the
//! macros print to standard error, so test output shows them.

pub use crate::bindings::rule::siloq::rules::host::LogLevel as Level;

/// Sends one line; the macros call this. The line is cut here so an over-long message costs no copying.
#[doc(hidden)]
pub fn emit(level: Level, message: String) {
    let message = crate::limits::cut(message, crate::limits::MAX_LOG_LINE_BYTES);
    #[cfg(target_arch = "wasm32")]
    crate::bindings::rule::siloq::rules::host::log(level, &message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

#[doc(hidden)]
#[macro_export]
macro_rules! __siloq_log_debug {
    ($($arg:tt)*) => { $crate::log::emit($crate::log::Level::Debug, ::std::format!($($arg)*)) };
}
#[doc(hidden)]
#[macro_export]
macro_rules! __siloq_log_info {
    ($($arg:tt)*) => { $crate::log::emit($crate::log::Level::Info, ::std::format!($($arg)*)) };
}
#[doc(hidden)]
#[macro_export]
macro_rules! __siloq_log_warn {
    ($($arg:tt)*) => { $crate::log::emit($crate::log::Level::Warn, ::std::format!($($arg)*)) };
}
#[doc(hidden)]
#[macro_export]
macro_rules! __siloq_log_error {
    ($($arg:tt)*) => { $crate::log::emit($crate::log::Level::Error, ::std::format!($($arg)*)) };
}

/// `debug!(fmt, args..)`: kept only when the operator enables debug logging for the extension.
pub use crate::__siloq_log_debug as debug;
/// `error!(fmt, args..)`.
pub use crate::__siloq_log_error as error;
/// `info!(fmt, args..)`.
pub use crate::__siloq_log_info as info;
/// `warn!(fmt, args..)`.
pub use crate::__siloq_log_warn as warn;
