//! Host bindings of the WIT contract, one module per supported `siloq:rules` version (extensions.md §4.1, §7).
//! Only 1.0.0 exists; a future minor version gets its own module and the loader picks by export name.

pub mod v1_0_0;

/// The versions of `siloq:rules` this kernel runs, exactly (a component's export names one of them).
pub const SUPPORTED_API_VERSIONS: [&str; 1] = ["1.0.0"];
