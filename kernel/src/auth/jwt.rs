//! Access tokens: HS256 only, strictly typed claims, one validator per token kind (security.md JWT-1..JWT-5).

use crate::config::AuthConfig;
use crate::db::UserId;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The audience of dashboard access tokens.
pub const ACCESS_AUDIENCE: &str = "siloq-dashboard";
/// Clock leeway when checking `exp` (api.md §2.2: 30 s).
const LEEWAY_SECS: u64 = 30;

/// Claims of an access token. Every field is required and typed: a claim of the wrong JSON type fails
/// deserialisation, which fails validation (no "wrongly typed means absent").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub user_id: i64,
    pub token_type: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub sid: String,
}

impl AccessClaims {
    pub fn user_id(&self) -> UserId {
        UserId(self.user_id)
    }
}

/// Signing and verification keys with the fixed validation rules.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    access_ttl_secs: i64,
}

impl JwtKeys {
    /// `config.secret_key` must already be resolved (see `config::resolve_secret_key`).
    pub fn new(config: &AuthConfig) -> Self {
        let secret = config
            .secret_key
            .as_ref()
            .map(|s| s.expose().as_bytes().to_vec())
            .unwrap_or_default();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.set_audience(&[ACCESS_AUDIENCE]);
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            validation,
            issuer: config.issuer.clone(),
            access_ttl_secs: config.access_ttl_secs,
        }
    }

    /// Issues an access token for a user within session `sid`.
    pub fn issue_access(&self, user: UserId, sid: &str) -> (String, AccessClaims) {
        let now = chrono::Utc::now().timestamp();
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: ACCESS_AUDIENCE.into(),
            sub: user.0.to_string(),
            user_id: user.0,
            token_type: "access".into(),
            iat: now,
            exp: now + self.access_ttl_secs,
            jti: random_hex_id(),
            sid: sid.to_string(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing with an in-memory key cannot fail");
        (token, claims)
    }

    /// Signature, algorithm, issuer, audience, expiry, token kind and claim shapes. `None` on any failure: callers
    /// answer the same 401 whatever the cause.
    pub fn verify_access(&self, token: &str) -> Option<AccessClaims> {
        if token.is_empty() || token.len() > 8192 {
            return None;
        }
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation).ok()?;
        let claims = data.claims;
        let well_formed = claims.token_type == "access"
            && claims.sub == claims.user_id.to_string()
            && is_hex_id(&claims.jti)
            && is_hex_id(&claims.sid);
        well_formed.then_some(claims)
    }
}

/// 32 lowercase hex characters from the OS CSPRNG (jti and sid values).
pub fn random_hex_id() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    hex::encode(bytes)
}

fn is_hex_id(value: &str) -> bool {
    value.len() == 32
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SecretString;

    fn keys() -> JwtKeys {
        let config = AuthConfig {
            secret_key: Some(SecretString::new("k".repeat(40))),
            ..AuthConfig::default()
        };
        JwtKeys::new(&config)
    }

    #[test]
    fn round_trip_with_the_one_crypto_backend() {
        let keys = keys();
        let (token, claims) = keys.issue_access(UserId(7), &random_hex_id());
        let decoded = keys.verify_access(&token).expect("valid token");
        assert_eq!(decoded.user_id, 7);
        assert_eq!(decoded.jti, claims.jti);
        assert_eq!(decoded.sub, "7");
    }

    #[test]
    fn foreign_secret_and_other_algorithms_are_rejected() {
        let keys = keys();
        let (_, claims) = keys.issue_access(UserId(7), &random_hex_id());
        let foreign = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"another-secret-another-secret-xx"),
        )
        .unwrap();
        assert!(keys.verify_access(&foreign).is_none());
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret("k".repeat(40).as_bytes()),
        )
        .unwrap();
        assert!(keys.verify_access(&hs512).is_none());
    }

    #[test]
    fn wrongly_typed_claims_are_rejected() {
        use base64::Engine;
        let keys = keys();
        let (token, _) = keys.issue_access(UserId(7), &random_hex_id());
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let parts: Vec<&str> = token.split('.').collect();
        let mut payload: serde_json::Value =
            serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
        payload["exp"] = serde_json::json!("9999999999");
        let forged = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &payload,
            &EncodingKey::from_secret("k".repeat(40).as_bytes()),
        )
        .unwrap();
        assert!(keys.verify_access(&forged).is_none());
        let none_alg = format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            parts[1]
        );
        assert!(keys.verify_access(&none_alg).is_none());
    }
}
