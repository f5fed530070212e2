//! Credentials: admin tokens (secret, stored as SHA-256 hashes, compared in
//! constant time) and embed keys (public, named in every page's script tag).

use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

pub const ADMIN_TOKEN_PREFIX: &str = "adm_";
pub const EMBED_KEY_PREFIX: &str = "pk_";

/// A new admin token: `adm_` and 32 random bytes, hex.
pub fn new_admin_token() -> String {
    new_secret(ADMIN_TOKEN_PREFIX)
}

/// A new secret: `prefix` and 32 random bytes, hex.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", random_hex(32))
}

/// A new embed key: `pk_` and 16 random bytes, hex.
pub fn new_embed_key() -> String {
    format!("{EMBED_KEY_PREFIX}{}", random_hex(16))
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex(&buf)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The stored form of a token. Tokens carry 256 random bits, so a fast hash
/// is enough: there is nothing to brute-force.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `token` hashes to `stored_hash`, compared in constant time.
pub fn token_matches(token: &str, stored_hash: &str) -> bool {
    hash_token(token)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

/// Checks the shape of a token given by the operator (`ADACT_ADMIN_TOKEN`,
/// `ADACT_EMBED_KEY`), so a typo fails at start and not at first use.
pub fn check_operator_token(name: &str, value: &str, prefix: &str) -> anyhow::Result<()> {
    let rest = value.strip_prefix(prefix).unwrap_or("");
    if rest.len() < 16
        || !rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        anyhow::bail!(
            "{name} must be {prefix} followed by at least 16 letters, digits, '_' or '-'"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_their_prefix_and_are_unique() {
        let a = new_admin_token();
        assert!(a.starts_with("adm_") && a.len() == 4 + 64);
        assert_ne!(a, new_admin_token());
        assert!(new_embed_key().starts_with("pk_"));
    }

    #[test]
    fn hash_is_sha256_hex() {
        // Known vector: SHA-256("abc").
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn token_matches_only_its_own_hash() {
        let token = new_admin_token();
        let stored = hash_token(&token);
        assert!(token_matches(&token, &stored));
        assert!(!token_matches(&new_admin_token(), &stored));
        assert!(!token_matches(&token, ""));
    }

    #[test]
    fn operator_tokens_are_checked() {
        check_operator_token("ADACT_ADMIN_TOKEN", "adm_0123456789abcdef", "adm_").unwrap();
        assert!(check_operator_token("ADACT_ADMIN_TOKEN", "adm_short", "adm_").is_err());
        assert!(check_operator_token("ADACT_EMBED_KEY", "0123456789abcdefgh", "pk_").is_err());
        assert!(check_operator_token("ADACT_EMBED_KEY", "pk_0123456789abcdef<", "pk_").is_err());
    }
}
