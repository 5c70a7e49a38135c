//! Argon2id password hashing with explicit parameters (security.md PW-1), run off the async executor behind a
//! semaphore (PW-2).

use crate::config::AuthConfig;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Hashes and verifies passwords on the blocking pool, at most `permits` at a time.
#[derive(Clone)]
pub struct PasswordHasherPool {
    params: Params,
    permits: Arc<Semaphore>,
    /// A hash of a random password made with the configured parameters, verified against when an email is
    /// unknown so that login time does not reveal which emails exist (PW-3).
    dummy_hash: Arc<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// No permit within 5 s: the caller answers 503.
    #[error("password hashing is overloaded")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

impl PasswordHasherPool {
    pub fn new(config: &AuthConfig) -> Result<Self, HashError> {
        let params = Params::new(
            config.argon2_memory_kib,
            config.argon2_iterations,
            config.argon2_parallelism,
            Some(32),
        )
        .map_err(|e| HashError::Failed(e.to_string()))?;
        let permits = if config.hash_concurrency == 0 {
            2 * std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            config.hash_concurrency
        };
        let dummy_hash = hash_blocking(&params, &uuid::Uuid::new_v4().to_string())?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(permits)),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    /// A PHC string (`$argon2id$v=19$m=...`).
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let params = self.params.clone();
        let password = password.to_owned();
        self.run(move || hash_blocking(&params, &password)).await?
    }

    /// Verifies against `stored`, or against the dummy hash when `stored` is `None`; the latter is always false.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, HashError> {
        let is_dummy = stored.is_none();
        let stored = stored.map_or_else(|| self.dummy_hash.as_str().to_owned(), str::to_owned);
        let password = password.to_owned();
        let ok = self
            .run(move || verify_blocking(&password, &stored))
            .await?;
        Ok(ok && !is_dummy)
    }

    /// True when a stored hash uses weaker parameters than configured (it is replaced after a successful login).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        match PasswordHash::new(stored)
            .ok()
            .and_then(|h| Params::try_from(&h).ok())
        {
            Some(p) => {
                p.m_cost() < self.params.m_cost()
                    || p.t_cost() < self.params.t_cost()
                    || p.p_cost() < self.params.p_cost()
            }
            None => true,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit =
            tokio::time::timeout(Duration::from_secs(5), self.permits.clone().acquire_owned())
                .await
                .map_err(|_| HashError::Busy)?
                .map_err(|_| HashError::Busy)?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(result)
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn hash_blocking(params: &Params, password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2(params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Failed(e.to_string()))
}

fn verify_blocking(password: &str, stored: &str) -> bool {
    // The parameters are read from the stored PHC string, so old hashes still verify.
    PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn production_parameters_are_argon2id_v19() {
        let pool = PasswordHasherPool::new(&AuthConfig::default()).unwrap();
        let hash = pool.hash("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            pool.verify("correct horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!pool.verify("wrong", Some(&hash)).await.unwrap());
        assert!(!pool.verify("anything", None).await.unwrap());
        assert!(!pool.needs_rehash(&hash));
    }
}
