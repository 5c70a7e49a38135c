//! The plain environment names of the original deployment, and lenient scalar parsing for env values.

use figment::{Figment, providers::Serialized};
use serde::{Deserialize, Deserializer};

/// Merges `SECRET_KEY`, `DEBUG`, `ALLOWED_HOSTS`, `CORS_ALLOWED_ORIGINS`, `DATABASE_URL`, `DB_*` and `PORT` on
/// top of everything else. Values are parsed here (not by figment's guessing) so that `DEBUG=True`, comma lists
/// and a numeric-looking `SECRET_KEY` all mean what an operator expects.
pub(super) fn merge_seed_names(mut fig: Figment) -> Figment {
    let var = |name: &str| std::env::var(name).ok();
    if let Some(secret) = var("SECRET_KEY").filter(|s| !s.is_empty()) {
        fig = fig.merge(Serialized::default("auth.secret_key", secret));
    }
    if let Some(debug) = var("DEBUG") {
        fig = fig.merge(Serialized::default("debug", parse_bool(&debug)));
    }
    if let Some(hosts) = var("ALLOWED_HOSTS") {
        fig = fig.merge(Serialized::default(
            "server.allowed_hosts",
            split_list(&hosts),
        ));
    }
    if let Some(origins) = var("CORS_ALLOWED_ORIGINS") {
        fig = fig.merge(Serialized::default(
            "cors.allowed_origins",
            split_list(&origins),
        ));
    }
    if let Some(url) = var("DATABASE_URL").filter(|s| !s.trim().is_empty()) {
        fig = fig.merge(Serialized::default("database.url", url.trim().to_string()));
    } else if let Some(url) = database_url_from_parts(&var) {
        fig = fig.merge(Serialized::default("database.url", url));
    }
    if let Some(port) = var("PORT").and_then(|p| p.trim().parse::<u16>().ok()) {
        fig = fig.merge(Serialized::default("server.port", port));
    }
    fig
}

/// `DB_ENGINE` + `DB_NAME`/`DB_USER`/`DB_PASSWORD`/`DB_HOST`/`DB_PORT`, as a Django deployment spells them.
fn database_url_from_parts(var: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let engine = var("DB_ENGINE")?.to_ascii_lowercase();
    let name = var("DB_NAME").unwrap_or_default();
    if engine.contains("sqlite") {
        let path = if name.is_empty() {
            "siloq.db".to_string()
        } else {
            name
        };
        return Some(format!("sqlite://{path}"));
    }
    if engine.contains("postgres") {
        let host = var("DB_HOST")
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        let port = var("DB_PORT")
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "5432".into());
        let db = if name.is_empty() {
            "siloq".to_string()
        } else {
            name
        };
        let mut url = url::Url::parse(&format!("postgres://{host}:{port}/{db}")).ok()?;
        // `Url` percent-encodes user and password, so any character is safe in them.
        url.set_username(&var("DB_USER").unwrap_or_else(|| "postgres".into()))
            .ok()?;
        if let Some(password) = var("DB_PASSWORD").filter(|p| !p.is_empty()) {
            url.set_password(Some(&password)).ok()?;
        }
        return Some(url.to_string());
    }
    None
}

/// `true`, `True`, `1`, `yes`, `on` (any case) are true; everything else is false.
pub(super) fn parse_bool(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on" | "t" | "y"
    )
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// A list given either as an array (TOML) or as one comma-separated string (environment).
pub(super) fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrString {
        List(Vec<String>),
        One(String),
    }
    Ok(match ListOrString::deserialize(d)? {
        ListOrString::List(items) => items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        ListOrString::One(s) => split_list(&s),
    })
}

/// A string that figment's env parser may have turned into a number or boolean.
pub(super) fn string_or_scalar<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        S(String),
        I(i128),
        U(u128),
        F(f64),
        B(bool),
    }
    Ok(match Scalar::deserialize(d)? {
        Scalar::S(s) => s,
        Scalar::I(i) => i.to_string(),
        Scalar::U(u) => u.to_string(),
        Scalar::F(f) => f.to_string(),
        Scalar::B(b) => b.to_string(),
    })
}

/// `SILOQ_*` variables that name no configuration key (typos), for a start-up warning.
pub(super) fn unknown_siloq_variables() -> Vec<String> {
    let known = known_env_keys();
    std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("SILOQ_"))
        .filter(|k| {
            let rest = &k["SILOQ_".len()..];
            // Variables read by the test harness, the build script and the `--config` fallback are not
            // configuration keys.
            let build_time = rest == "EXTENSIONS_SKIP" || rest == "EXTENSIONS_PREBUILT";
            !(rest == "CONFIG"
                || build_time
                || rest.starts_with("TEST_")
                || known.iter().any(|key| key == rest))
        })
        .collect()
}

fn known_env_keys() -> Vec<String> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        if let serde_json::Value::Object(map) = value {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.to_ascii_uppercase()
                } else {
                    format!("{prefix}__{}", k.to_ascii_uppercase())
                };
                out.push(key.clone());
                walk(&key, v, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(super::Config::default()) {
        walk("", &value, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bools_parse_like_django_settings() {
        for t in ["True", "true", "1", "yes", "ON"] {
            assert!(parse_bool(t), "{t}");
        }
        for f in ["False", "0", "no", "", "off"] {
            assert!(!parse_bool(f), "{f}");
        }
    }

    #[test]
    fn db_parts_build_a_postgres_url_with_an_encoded_password() {
        let vars = |name: &str| match name {
            "DB_ENGINE" => Some("django.db.backends.postgresql".to_string()),
            "DB_NAME" => Some("siloq".to_string()),
            "DB_USER" => Some("app".to_string()),
            "DB_PASSWORD" => Some("p@ss word".to_string()),
            "DB_HOST" => Some("db.internal".to_string()),
            "DB_PORT" => Some("6543".to_string()),
            _ => None,
        };
        assert_eq!(
            database_url_from_parts(&vars).unwrap(),
            "postgres://app:p%40ss%20word@db.internal:6543/siloq"
        );
    }

    #[test]
    fn known_keys_cover_nested_settings() {
        let keys = known_env_keys();
        assert!(keys.contains(&"DATABASE__URL".to_string()));
        assert!(keys.contains(&"AUTH__SECRET_KEY".to_string()));
    }
}
