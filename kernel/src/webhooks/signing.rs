//! The signing secret and the signature header (api.md §12.1, §12.2).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::Sha256;

/// `whsec_` followed by 43 base64url characters (32 random bytes from the operating system).
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The first 10 characters plus `...` (never the whole secret).
pub fn secret_prefix(secret: &str) -> String {
    let head: String = secret.chars().take(10).collect();
    format!("{head}...")
}

/// A secret a site owner may set: 16-256 visible ASCII characters.
pub fn acceptable_secret(secret: &str) -> bool {
    (16..=256).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic())
}

/// `sha256=<lowercase hex HMAC-SHA256 of the exact body, keyed with the secret's UTF-8 bytes>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_documented_shape() {
        let s = generate_secret();
        assert_eq!(s.len(), 6 + 43);
        assert!(acceptable_secret(&s));
        assert_eq!(secret_prefix(&s).len(), 13);
        assert!(!acceptable_secret("short"));
        assert!(!acceptable_secret("has a space in it ...."));
    }

    #[test]
    fn signature_is_rfc_4231_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
