//! Password and secret hashing (argon2id), and refresh-token digests.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use sha2::{Digest, Sha256};

/// The argon2id cost of new hashes: 7 MiB of memory and 5 passes, one lane — one of the
/// equivalent configurations OWASP's Password Storage Cheat Sheet lists (with 19 MiB and 2
/// passes, the crate's default, and 12 MiB and 3 passes), about the same work per guess, the
/// one with the least memory per hash, so sign-ins do not swell the process (issue 20).
/// Hashes made with other parameters still verify: the PHC string carries its own.
pub const ARGON2_MEMORY_KIB: u32 = 7 * 1024;
/// Passes over the memory (see [`ARGON2_MEMORY_KIB`]).
pub const ARGON2_PASSES: u32 = 5;

fn hasher() -> Argon2<'static> {
    Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, None).unwrap_or_default(),
    )
}

/// argon2id PHC string of `password`.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// How many password hashes may run at once in the process: each argon2id hash takes its
/// memory cost ([`ARGON2_MEMORY_KIB`]) for its whole run, so a
/// burst of sign-ins on tokio's blocking pool (up to 512 threads) would hold that many blocks
/// at once and leave the allocator's high-water mark there. Bounded to the cores, hashing
/// throughput stays what the machine can give and the memory at most two blocks.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(cores.clamp(1, 2))
});

/// Runs `work` (a password hash or check) on the blocking pool, at most [`HASHING`]'s count
/// at once; the others wait their turn here.
pub async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed, so the permit is always granted.
    let _permit = HASHING.acquire().await.ok();
    tokio::task::spawn_blocking(work).await
}

/// True when `password` matches `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so the answer takes as long
/// as for a wrong password and the timing does not tell which was wrong.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-password-for-timing").unwrap_or_default())
}

/// SHA-256 of a refresh token, hex: what the database keeps.
pub fn token_digest(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new opaque token: 32 random bytes, base64url.
pub fn new_opaque_token() -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let h = hash_password("mật khẩu đủ dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu đủ dài", &h));
        assert!(!verify_password("mật khẩu khác", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn new_hashes_use_an_owasp_argon2id_configuration_with_7_mib_and_5_passes() {
        let h = hash_password("mật khẩu đủ dài").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{h}");
        // A hash made with the crate's default (19 MiB, 2 passes) still verifies.
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password("mật khẩu cũ".as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(old.contains("m=19456,t=2,p=1"), "{old}");
        assert!(verify_password("mật khẩu cũ", &old));
        assert!(!verify_password("mật khẩu khác", &old));
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_as_digests() {
        let (a, b) = (new_opaque_token(), new_opaque_token());
        assert_ne!(a, b);
        assert_eq!(token_digest(&a).len(), 64);
        assert_eq!(token_digest(&a), token_digest(&a));
    }
}
