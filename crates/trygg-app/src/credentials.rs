//! Secrets: API tokens and session cookies (32 random bytes shown once as hex, stored only as
//! SHA-256, so a leaked database does not leak working tokens) and passwords (argon2id with a
//! random salt). Every door — the pages, the API and `trygg user add` — checks a new password
//! with the same [`Password`] rule.

use sha2::{Digest, Sha256};

use crate::AppError;

/// The fewest characters a new password may have.
pub const PASSWORD_MIN_CHARS: usize = 8;

/// A new random token (64 hex characters).
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    hex(&bytes)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

/// HMAC-SHA-256 (RFC 2104) of `message` under `key` (at most 64 bytes), in hex: a value a
/// page hands out and takes back unchanged (the tip form's render time).
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    assert!(key.len() <= 64, "an HMAC key of at most one block");
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    hex(&Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A password that keeps the rule for new passwords.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

impl Password {
    /// Checks a new password: at least [`PASSWORD_MIN_CHARS`] characters.
    pub fn new(password: &str) -> Result<Self, AppError> {
        if password.chars().count() < PASSWORD_MIN_CHARS {
            return Err(AppError::invalid(
                "password",
                format!(
                    "A password needs at least {PASSWORD_MIN_CHARS} characters (lösenordet behöver minst {PASSWORD_MIN_CHARS} tecken)."
                ),
            ));
        }
        Ok(Self(password.to_string()))
    }

    /// The demo's shared password `demo`, printed by `trygg demo`: the one password that is
    /// shorter than the rule, and only ever stored by the demo.
    pub fn demo() -> Self {
        Self("demo".into())
    }

    /// Hashes it with argon2id and a random salt (PHC string).
    pub fn hash(&self) -> Result<String, AppError> {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| AppError::Internal(format!("random source: {e}")))?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(format!("salt: {e}")))?;
        argon2::Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    }
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// An argon2id hash of a random password, checked against when the account does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3ZbhqT5rj8W7XCiWRSVmZXzwGbyXArB0AgmJfYY0dfk";

/// Spends the time of a real password check on an account that does not exist, so the answer's
/// timing does not tell which e-mail addresses have accounts.
pub fn verify_nobody(password: &str) {
    let _ = verify_password(password, DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        assert_eq!(
            hmac_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (generate_token(), generate_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_token(&format!(" {a}\n")));
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let h = Password::new("rätt häst batteri").unwrap().hash().unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rätt häst batteri", &h));
        assert!(!verify_password("Rätt häst batteri", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(verify_password("demo", &Password::demo().hash().unwrap()));
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(!verify_password("x", DUMMY_HASH));
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn one_rule_for_new_passwords() {
        let e = Password::new("1234567").unwrap_err();
        assert!(e.to_string().contains("at least 8"), "{e}");
        assert!(Password::new("12345678").is_ok());
        // Characters, not bytes: eight Swedish letters are eight.
        assert!(Password::new("åäöåäöåä").is_ok());
    }
}
