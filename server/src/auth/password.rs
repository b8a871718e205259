//! Password hashing with Argon2id (PHC strings) and generation of initial passwords.
//!
//! Hashing takes tens of milliseconds of CPU on purpose, so async callers use the `_blocking`
//! wrappers, which run it on tokio's blocking pool instead of stalling a request worker.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

/// Shortest password accepted when an administrator sets one.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Letters and digits without look-alikes (0/O, 1/l/I), so a printed password is typed right.
const PASSWORD_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// Hashes a password into an Argon2id PHC string with a random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("argon2 hashing failed: {error}"))
}

/// Checks a password against a stored PHC string. A malformed stored hash counts as a mismatch.
pub fn verify(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashes on the blocking pool.
pub async fn hash_blocking(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

/// Verifies on the blocking pool.
pub async fn verify_blocking(password: String, stored_hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &stored_hash))
        .await
        .unwrap_or(false)
}

/// Generates a random password of 16 characters from [`PASSWORD_ALPHABET`] (about 93 bits)
/// that also passes [`check_strength`].
pub fn generate() -> String {
    let mut rng = rand::thread_rng();
    loop {
        let password: String = (0..16)
            .map(|_| PASSWORD_ALPHABET[rng.gen_range(0..PASSWORD_ALPHABET.len())] as char)
            .collect();
        if check_strength(&password).is_ok() {
            return password;
        }
    }
}

/// Checks the strength rule for passwords set by people, returning a Chinese reason.
pub fn check_strength(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符。"));
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !has_letter || !has_digit {
        return Err("密码需要同时包含字母和数字。".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let stored = hash("correct horse 42").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse 42", &stored));
        assert!(!verify("correct horse 43", &stored));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn generated_passwords_are_strong() {
        for _ in 0..50 {
            let password = generate();
            assert_eq!(password.chars().count(), 16);
            assert!(password.bytes().all(|b| PASSWORD_ALPHABET.contains(&b)));
            assert!(check_strength(&password).is_ok(), "{password}");
        }
    }

    #[test]
    fn strength_rule() {
        assert!(check_strength("short1").is_err());
        assert!(check_strength("onlyletterslong").is_err());
        assert!(check_strength("letters123456").is_ok());
    }
}
