//! The `describe()` rules of extensions.md §2.3 that the WIT cannot express, checked natively by the test
//! runners (the kernel checks them at upload) so an author learns of a bad id before publishing.

use crate::limits;
use crate::types::*;

/// `^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$`, 3 to 64 bytes.
pub fn extension_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id.split('.').count() >= 2
        && id.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase())
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// `^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`, 3 to 64 bytes.
pub fn check_id(id: &str) -> bool {
    let part_ok = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let mut parts = id.split('.');
    let first = parts.next().unwrap_or("");
    (3..=64).contains(&id.len())
        && first.starts_with(|c: char| c.is_ascii_lowercase())
        && part_ok(first)
        && id.contains('.')
        && parts.all(part_ok)
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre-release` (and `+build`), numbers without leading zeros.
pub fn version(version: &str) -> bool {
    let core = version.split_once('+').map_or(version, |(v, _)| v);
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && (n.len() == 1 || !n.starts_with('0'))
        })
        && pre.is_none_or(|p| {
            p.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        })
}

/// Checks a `describe()` result against §2.3; the error names the first problem.
pub fn describe(info: &ExtensionInfo) -> Result<(), String> {
    if !extension_id(&info.id) {
        return Err(format!(
            "extension id {:?} does not match ^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$ (3-64 bytes)",
            info.id
        ));
    }
    if !version(&info.version) {
        return Err(format!(
            "version {:?} is not a semantic version",
            info.version
        ));
    }
    if info.kind == ExtensionKind::Scorer && !info.checks.is_empty() {
        return Err("a scorer declares no checks".into());
    }
    if info.checks.len() > limits::MAX_CHECKS {
        return Err(format!(
            "{} checks declared; at most {}",
            info.checks.len(),
            limits::MAX_CHECKS
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for check in &info.checks {
        if !check_id(&check.id) {
            return Err(format!(
                "check id {:?} does not match ^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+$ (3-64 bytes)",
                check.id
            ));
        }
        if !seen.insert(check.id.as_str()) {
            return Err(format!("check {:?} is declared twice", check.id));
        }
        if check.title.len() > limits::MAX_TITLE_BYTES {
            return Err(format!(
                "the title of {:?} is over {} bytes",
                check.id,
                limits::MAX_TITLE_BYTES
            ));
        }
    }
    match serde_json::from_str::<serde_json::Value>(&info.default_config) {
        Ok(serde_json::Value::Object(_)) => {}
        _ => {
            return Err(format!(
                "default config {:?} is not a JSON object",
                info.default_config
            ));
        }
    }
    if let Some(schema) = &info.config_schema
        && let Err(e) = serde_json::from_str::<serde_json::Value>(schema)
    {
        return Err(format!("config schema is not JSON: {e}"));
    }
    let size = info.id.len()
        + info.name.len()
        + info.version.len()
        + info.summary.len()
        + info.sdk_version.len()
        + info.default_config.len()
        + info.config_schema.as_ref().map_or(0, String::len)
        + info
            .checks
            .iter()
            .map(|c| c.id.len() + c.title.len() + 16 + c.requires.len())
            .sum::<usize>();
    if size > limits::MAX_DESCRIBE_BYTES {
        return Err(format!(
            "describe() is about {size} bytes; at most {}",
            limits::MAX_DESCRIBE_BYTES
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(extension_id("acme.local-business"));
        assert!(extension_id("siloq.core-rules"));
        assert!(!extension_id("acme"));
        assert!(!extension_id("Acme.x"));
        assert!(!extension_id("acme.1x"));
        assert!(check_id("meta.description.too_short"));
        assert!(check_id("links.h1.x2"));
        assert!(!check_id("meta"));
        assert!(!check_id("meta..x"));
        assert!(!check_id("1meta.x"));
        assert!(!check_id("meta.x-y"));
    }

    #[test]
    fn versions() {
        assert!(version("1.0.0"));
        assert!(version("0.1.0-alpha.1"));
        assert!(!version("1.0"));
        assert!(!version("01.0.0"));
        assert!(!version("1.0.0-"));
    }
}
