//! Layered configuration (figment).
//!
//! Precedence, lowest first: built-in defaults < `config/default.toml` (when present in the working directory) <
//! the file named by `--config FILE` or `SILOQ_CONFIG` < `SILOQ_*` environment variables (`__` separates levels,
//! e.g. `SILOQ_DATABASE__URL`) < the plain names the original deployment used (`SECRET_KEY`, `DEBUG`,
//! `ALLOWED_HOSTS`, `CORS_ALLOWED_ORIGINS`, `DATABASE_URL`, `DB_*`, `PORT`). Every key is documented with its
//! default in `config/default.toml`.

mod env;
mod limits;
mod secret;
mod types;

pub use limits::RateLimitConfig;
pub use secret::{DEV_SECRET_KEY, SecretString, resolve_secret_key};
pub use types::*;

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use std::path::{Path, PathBuf};

/// Where configuration comes from, apart from the process environment.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--config FILE` (falls back to `SILOQ_CONFIG`).
    pub file: Option<PathBuf>,
    /// Directory searched for `config/default.toml`; the working directory when `None`.
    pub base_dir: Option<PathBuf>,
}

/// Errors that stop start-up. Messages name settings, never their values.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
    #[error("configuration: {0}")]
    Figment(#[from] Box<figment::Error>),
}

/// Builds the figment for the given sources and the current process environment.
pub fn figment(sources: &Sources) -> Figment {
    let base = sources
        .base_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    let default_file = base.join("config/default.toml");
    if default_file.is_file() {
        fig = fig.merge(Toml::file(default_file));
    }
    let file = sources
        .file
        .clone()
        .or_else(|| std::env::var_os("SILOQ_CONFIG").map(PathBuf::from));
    if let Some(file) = file {
        fig = fig.merge(Toml::file_exact(file));
    }
    // `SILOQ_CONFIG` names the file, `SILOQ_TEST_*` belongs to the test harness and `SILOQ_EXTENSIONS_SKIP` /
    // `SILOQ_EXTENSIONS_PREBUILT` to the build script: none is a setting.
    let env = Env::prefixed("SILOQ_")
        .ignore(&["CONFIG", "EXTENSIONS_SKIP", "EXTENSIONS_PREBUILT"])
        .filter(|key| !key.as_str().to_ascii_lowercase().starts_with("test_"))
        .split("__");
    fig = fig.merge(env);
    env::merge_seed_names(fig)
}

/// Loads and validates the configuration (secret key rules included).
pub fn load(sources: &Sources) -> Result<Config, ConfigError> {
    if let Some(file) = &sources.file
        && !file.is_file()
    {
        return Err(ConfigError::Invalid(format!(
            "config file {} does not exist",
            file.display()
        )));
    }
    let config: Config = figment(sources).extract().map_err(Box::new)?;
    for name in env::unknown_siloq_variables() {
        tracing::warn!(variable = %name, "unknown SILOQ_ environment variable ignored");
    }
    config.validate()?;
    Ok(config)
}

/// Loads configuration from an explicit figment (tests use this with `figment::Jail`).
pub fn from_figment(fig: Figment) -> Result<Config, ConfigError> {
    let config: Config = fig.extract().map_err(Box::new)?;
    config.validate()?;
    Ok(config)
}

impl Config {
    fn validate(&self) -> Result<(), ConfigError> {
        if !self.debug {
            let a = &self.auth;
            if a.argon2_memory_kib < 19456 || a.argon2_iterations < 2 || a.argon2_parallelism < 1 {
                return Err(ConfigError::Invalid(
                    "auth.argon2_* below the minimum (m=19456 KiB, t=2, p=1) is only allowed with DEBUG on".into(),
                ));
            }
        }
        self.extensions
            .limits
            .check()
            .map_err(ConfigError::Invalid)?;
        let ceiling = crate::extensions::limits::QUEUE_WAIT_MS_CEILING;
        if self.extensions.queue_wait_ms > ceiling {
            return Err(ConfigError::Invalid(format!(
                "extensions.queue_wait_ms ({}) is above its ceiling ({ceiling})",
                self.extensions.queue_wait_ms
            )));
        }
        if self.database.url.trim().is_empty() {
            return Err(ConfigError::Invalid(
                "database.url (DATABASE_URL) must not be empty".into(),
            ));
        }
        limits::validate(self)?;
        Ok(())
    }

    /// Directory that holds the SQLite database file (where a generated secret is kept), if SQLite is used.
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        let path = crate::db::sqlite_path(&self.database.url)?;
        Some(
            path.parent()
                .map(Path::to_path_buf)
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| ".".into()),
        )
    }
}

#[cfg(test)]
mod tests;
