//! The JWT signing secret: a type that cannot be printed, and the start-up rules of security.md SEC-1/SEC-2.

use super::{Config, ConfigError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The development secret. Never a configuration default; accepted only in debug mode with a warning.
pub const DEV_SECRET_KEY: &str = "siloq-development-secret-key-do-not-use-in-production";

/// A string that redacts itself in `Debug` and `Display`, so configuration dumps and logs never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    /// Accepts numbers too: `SECRET_KEY=1234...` arrives from figment's env parser as an integer.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::env::string_or_scalar(d).map(SecretString)
    }
}

/// Settles the signing secret before the server binds a port.
///
/// * configured: must be >= 32 bytes and not the development value, unless debug mode is on;
/// * absent, debug mode: the development value, with a warning;
/// * absent, embedded SQLite: 64 random bytes generated once and kept beside the database file (mode 0600);
/// * absent, PostgreSQL: an error, because instances must share one key.
pub fn resolve_secret_key(config: &mut Config) -> Result<(), ConfigError> {
    if let Some(secret) = &config.auth.secret_key {
        if !config.debug {
            if secret.expose().len() < 32 {
                return Err(ConfigError::Invalid(
                    "SECRET_KEY (auth.secret_key) must be at least 32 bytes long outside debug mode".into(),
                ));
            }
            if secret.expose() == DEV_SECRET_KEY {
                return Err(ConfigError::Invalid(
                    "SECRET_KEY (auth.secret_key) is the development value; set a real secret outside debug mode".into(),
                ));
            }
        }
        return Ok(());
    }
    if config.debug {
        tracing::warn!("no SECRET_KEY configured: using the development secret (debug mode only)");
        config.auth.secret_key = Some(SecretString::new(DEV_SECRET_KEY));
        return Ok(());
    }
    let Some(dir) = config.sqlite_dir() else {
        return Err(ConfigError::Invalid(
            "SECRET_KEY (auth.secret_key) is required with PostgreSQL: every instance must share the same key".into(),
        ));
    };
    let secret = load_or_create_secret_file(&dir.join("siloq.secret")).map_err(|e| {
        ConfigError::Invalid(format!(
            "cannot keep the generated secret beside the database: {e}"
        ))
    })?;
    config.auth.secret_key = Some(secret);
    Ok(())
}

fn load_or_create_secret_file(path: &std::path::Path) -> std::io::Result<SecretString> {
    use base64::Engine;
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            tracing::info!(path = %path.display(), "using the generated secret kept beside the database");
            return Ok(SecretString::new(existing));
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut bytes = [0u8; 64];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(path, &value)?;
    tracing::info!(path = %path.display(), "generated a new secret key and stored it beside the database");
    Ok(SecretString::new(value))
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, value: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(value.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, value: &str) -> std::io::Result<()> {
    std::fs::write(path, value)
}
