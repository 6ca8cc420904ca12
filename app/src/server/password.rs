//! Password hashing: argon2id off the async runtime.
//!
//! Each hash takes ~15 ms of CPU and 19 MiB of memory, so it runs on the
//! blocking pool behind a semaphore sized to the cores. The permit moves into
//! the blocking task: a client that disconnects cannot free the slot while the
//! hash is still running.

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("server busy: no hashing slot within the time limit")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

#[derive(Clone, Debug)]
pub struct PasswordHasher {
    params: Params,
    slots: Arc<Semaphore>,
}

impl PasswordHasher {
    /// argon2id with memory `m_kib`, `t` iterations and parallelism `p`.
    pub fn new((m_kib, t, p): (u32, u32, u32)) -> Result<PasswordHasher, HashError> {
        let params =
            Params::new(m_kib, t, p, None).map_err(|e| HashError::Failed(e.to_string()))?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(PasswordHasher {
            params,
            slots: Arc::new(Semaphore::new(cores)),
        })
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(Argon2<'static>) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit =
            tokio::time::timeout(Duration::from_secs(5), self.slots.clone().acquire_owned())
                .await
                .map_err(|_| HashError::Busy)?
                .map_err(|_| HashError::Busy)?;
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job(Self::argon2(params))
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// The PHC string of `password` with a fresh salt.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move |a| {
            let salt = SaltString::generate(&mut OsRng);
            a.hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| HashError::Failed(e.to_string()))
        })
        .await?
    }

    /// Whether `password` matches the PHC string `phc` (false for a malformed hash).
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, HashError> {
        self.run(move |a| {
            PasswordHash::new(&phc)
                .map(|h| a.verify_password(password.as_bytes(), &h).is_ok())
                .unwrap_or(false)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify_with_production_parameters() {
        let h = PasswordHasher::new((19_456, 2, 1)).unwrap();
        let phc = h.hash("Hx7%&+?=中文".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify("Hx7%&+?=中文".into(), phc.clone()).await.unwrap());
        assert!(!h.verify("Hx7%&+?=中文 ".into(), phc).await.unwrap());
        assert!(!h.verify("x".into(), "not a hash".into()).await.unwrap());
    }
}
