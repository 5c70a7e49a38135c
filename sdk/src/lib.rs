//! `siloq-sdk`: the contract Siloq extensions are written against.
//!
//! The WIT world (`siloq:rules@1.0.0`), the `Rule` / `Scorer` / `Recommender` traits and their export macros land
//! with the extension platform; until then this crate only fixes its place in the workspace.

/// The WIT package version this SDK targets.
pub const WIT_VERSION: &str = "siloq:rules@1.0.0";
