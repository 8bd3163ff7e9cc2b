//! argon2id hashing, always off the async executor.

use std::sync::OnceLock;

use anyhow::Context;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

/// Every argon2 run waits for one of these: as many as there are cores, so a flood of logins
/// queues here instead of filling the blocking pool (each run holds 19 MiB for ~50 ms).
fn permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores.max(2))
    })
}

/// How long a check waits for a free permit before the login is refused as busy.
const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// No permit came free within `QUEUE_WAIT`: the server is busy checking other passwords.
#[derive(Debug, thiserror::Error)]
#[error("password checks are all busy")]
pub struct Busy;

async fn permit() -> anyhow::Result<tokio::sync::SemaphorePermit<'static>> {
    match tokio::time::timeout(QUEUE_WAIT, permits().acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) | Err(_) => Err(Busy.into()),
    }
}

/// Hashes `password` with argon2id (default parameters) on a blocking thread.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .context("hashing task failed")?
}

/// Checks `password` against `stored`. With no stored hash (unknown user) it still runs one
/// verification against a dummy hash, so both answers take about as long.
/// Fails with [`Busy`] when every permit stayed taken for `QUEUE_WAIT`.
pub async fn verify_password(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash_text = stored.unwrap_or_else(|| dummy_hash().to_string());
        let hash = PasswordHash::new(&hash_text).map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .context("verification task failed")?
}

/// A hash of a random password nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(salt.as_str().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Computes the dummy hash ahead of the first login, so it does not skew that login's timing.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(dummy_hash).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!verify_password("wrong horse!".into(), Some(hash))
            .await
            .expect("verify"));
        assert!(!verify_password("anything at all".into(), None)
            .await
            .expect("verify"));
    }
}
