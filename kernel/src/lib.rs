//! Siloq kernel: identity, tenancy, storage, jobs and the HTTP surface of the Siloq SEO platform.
//!
//! Module map (see `README.md` and the architecture notes): `config` loads layered settings, `db` holds the
//! storage traits and their SQLite and PostgreSQL implementations, `http` assembles the router and owns the one
//! error-to-JSON mapping, and each capability module (`auth`, `sites`, `pages`, ...) owns its domain logic.
// Unsafe code is denied (Cargo.toml); only the generated WIT bindings in `extensions::wit` are exempt.
#![deny(unsafe_code)]

pub mod analysis;
pub mod analytics;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod egress;
pub mod extensions;
pub mod http;
pub mod jobs;
pub mod pages;
pub mod rulesets;
pub mod scanner;
pub mod scoring;
pub mod server;
pub mod sites;
pub mod telemetry;
pub mod time;
pub mod webhooks;
