//! The site API key format (security.md KEY-1, KEY-2): `sk_siloq_` + 43 base64url characters of 32 CSPRNG bytes;
//! only the lowercase hex SHA-256 is stored, with a 19-character display prefix.

use base64::Engine;
use sha2::{Digest, Sha256};

pub const KEY_PREFIX: &str = "sk_siloq_";

/// A freshly minted key: the full value (shown once), its hash and its display prefix.
pub struct MintedKey {
    pub full: String,
    pub hash: String,
    pub prefix: String,
}

pub fn mint() -> MintedKey {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let full = format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    MintedKey {
        hash: hash(&full),
        prefix: display_prefix(&full),
        full,
    }
}

/// Lowercase hex SHA-256 of the key's UTF-8 bytes.
pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The first 16 characters followed by `...`.
pub fn display_prefix(key: &str) -> String {
    format!("{}...", key.chars().take(16).collect::<String>())
}

/// `^sk_siloq_[A-Za-z0-9_-]{43}$`, checked before any database lookup.
pub fn is_well_formed(candidate: &str) -> bool {
    candidate.strip_prefix(KEY_PREFIX).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_keys_match_the_pattern_and_differ() {
        let a = mint();
        let b = mint();
        assert!(is_well_formed(&a.full), "{}", a.full);
        assert_eq!(a.full.len(), 52);
        assert_eq!(a.prefix, format!("{}...", &a.full[..16]));
        assert_eq!(a.prefix.len(), 19);
        assert_eq!(a.hash, hash(&a.full));
        assert_eq!(a.hash.len(), 64);
        assert_ne!(a.full, b.full);
    }

    #[test]
    fn malformed_candidates_are_refused() {
        let good = mint().full;
        assert!(!is_well_formed(&good[..51]));
        assert!(!is_well_formed(&format!("{good}x")));
        assert!(!is_well_formed(&good.replace("sk_siloq_", "ak_siloq_")));
        assert!(!is_well_formed("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
        assert!(!is_well_formed(&format!("sk_siloq_{}", "+".repeat(43))));
    }
}
