//! Siloq kernel: identity, tenancy, storage, jobs and the HTTP surface of the Siloq SEO platform.
//!
//! Module map (see `README.md` and the architecture notes): `config` loads layered settings, `db` holds the
//! storage traits and their SQLite and PostgreSQL implementations, `http` assembles the router and owns the one
//! error-to-JSON mapping, and each capability module (`auth`, `sites`, `pages`, ...) owns its domain logic.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod http;
pub mod server;
pub mod telemetry;
pub mod time;
