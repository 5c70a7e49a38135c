//! Helpers shared by the API-key suites.

use crate::{Resp, TestApp, TestUser};
use serde_json::Value;

/// The sorted keys of a JSON object (to compare response shapes field by field).
pub fn sorted_keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

pub fn well_formed(key: &str) -> bool {
    key.len() == 52
        && key.strip_prefix("sk_siloq_").is_some_and(|rest| {
            rest.len() == 43
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

pub async fn create_key(app: &TestApp, user: &TestUser, body: Value) -> Resp {
    app.post("/api/v1/api-keys/")
        .bearer(&user.token)
        .json(&body)
        .send()
        .await
}

pub async fn verify(app: &TestApp, key: &str) -> Resp {
    app.post("/api/v1/auth/verify").bearer(key).send().await
}

pub fn parse_time(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap().parse().unwrap()
}
