//! Password hashing: argon2id off the async runtime.
//!
//! Each hash takes ~15 ms of CPU and 19 MiB of memory, so it runs on the
//! blocking pool behind a semaphore sized to the cores. The permit moves into
//! the blocking task: a client that disconnects cannot free the slot while the
//! hash is still running.
//!
//! The 19 MiB working memory is allocated once per slot and reused: letting
//! argon2 allocate it for every hash made the allocator keep the freed blocks
//! per thread, and 20 concurrent logins grew the process from 16 MB to 369 MB
//! resident. With the pool, resident memory stays at cores × 19 MiB however
//! many logins arrive.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::{rand_core::OsRng, Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("server busy: no hashing slot within the time limit")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    slots: Arc<Semaphore>,
    /// One working memory per slot, taken by the job that holds the slot's permit.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish()
    }
}

impl PasswordHasher {
    /// argon2id with memory `m_kib`, `t` iterations and parallelism `p`.
    pub fn new((m_kib, t, p): (u32, u32, u32)) -> Result<PasswordHasher, HashError> {
        let params =
            Params::new(m_kib, t, p, None).map_err(|e| HashError::Failed(e.to_string()))?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let blocks = params.block_count();
        Ok(PasswordHasher {
            params,
            slots: Arc::new(Semaphore::new(cores)),
            memory: Arc::new(Mutex::new(
                (0..cores).map(|_| vec![Block::default(); blocks]).collect(),
            )),
        })
    }

    /// Runs `job` on the blocking pool with a slot's working memory.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit =
            tokio::time::timeout(Duration::from_secs(5), self.slots.clone().acquire_owned())
                .await
                .map_err(|_| HashError::Busy)?
                .map_err(|_| HashError::Busy)?;
        let memory = self.memory.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            // A permit guarantees a free buffer; the fallback only guards a poisoned lock.
            let mut blocks = memory
                .lock()
                .ok()
                .and_then(|mut m| m.pop())
                .unwrap_or_default();
            let out = job(&mut blocks);
            if let Ok(mut m) = memory.lock() {
                m.push(blocks);
            }
            out
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// The raw argon2 output of `password` under `params` and `salt`, in `blocks`.
    fn compute(
        algorithm: Algorithm,
        version: Version,
        params: Params,
        password: &[u8],
        salt: &[u8],
        out_len: usize,
        blocks: &mut Vec<Block>,
    ) -> Result<Vec<u8>, HashError> {
        // An old hash may ask for more memory than the configured cost: grow, once.
        if blocks.len() < params.block_count() {
            blocks.resize(params.block_count(), Block::default());
        }
        let mut out = vec![0u8; out_len];
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password, salt, &mut out, &mut blocks[..])
            .map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(out)
    }

    /// The PHC string of `password` with a fresh salt.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let params = self.params.clone();
        self.run(move |blocks| {
            let salt = SaltString::generate(&mut OsRng);
            let mut raw = [0u8; 64];
            let salt_bytes = salt
                .decode_b64(&mut raw)
                .map_err(|e| HashError::Failed(e.to_string()))?;
            let out = Self::compute(
                Algorithm::Argon2id,
                Version::V0x13,
                params.clone(),
                password.as_bytes(),
                salt_bytes,
                Params::DEFAULT_OUTPUT_LEN,
                blocks,
            )?;
            let output = Output::new(&out).map_err(|e| HashError::Failed(e.to_string()))?;
            Ok(format!(
                "$argon2id$v=19$m={},t={},p={}${}${}",
                params.m_cost(),
                params.t_cost(),
                params.p_cost(),
                salt.as_str(),
                output
            ))
        })
        .await?
    }

    /// Whether `password` matches the PHC string `phc` (false for a malformed hash).
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, HashError> {
        self.run(move |blocks| {
            let Ok(h) = PasswordHash::new(&phc) else {
                return false;
            };
            let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
                Algorithm::try_from(h.algorithm),
                Params::try_from(&h),
                h.salt,
                h.hash,
            ) else {
                return false;
            };
            let version = h
                .version
                .and_then(|v| Version::try_from(v).ok())
                .unwrap_or_default();
            let mut raw = [0u8; 64];
            let Ok(salt) = salt.decode_b64(&mut raw) else {
                return false;
            };
            Self::compute(
                algorithm,
                version,
                params,
                password.as_bytes(),
                salt,
                expected.len(),
                blocks,
            )
            .ok()
            .and_then(|out| Output::new(&out).ok())
            // Output's equality is constant-time.
            .is_some_and(|out| out == expected)
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

    #[tokio::test]
    async fn pooled_hashes_are_standard_phc_strings() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let ours = PasswordHasher::new((1024, 1, 1)).unwrap();
        let theirs = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        );
        // Ours verifies with the crate's own verifier, and the other way round.
        let phc = ours.hash("Abc-12345".into()).await.unwrap();
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(theirs.verify_password(b"Abc-12345", &parsed).is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let other = theirs
            .hash_password(b"Abc-12345", &salt)
            .unwrap()
            .to_string();
        assert!(ours
            .verify("Abc-12345".into(), other.clone())
            .await
            .unwrap());
        assert!(!ours.verify("Abc-12346".into(), other).await.unwrap());
        // A hash with a higher memory cost than the pool's still verifies.
        let big = PasswordHasher::new((4096, 1, 1)).unwrap();
        let phc = big.hash("Abc-12345".into()).await.unwrap();
        assert!(ours.verify("Abc-12345".into(), phc).await.unwrap());
    }
}
