//! Time as the API shows it: UTC, RFC 3339, exactly six fractional digits and `Z` (api.md §2.5).

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds so stored and returned values agree on both backends.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// `2026-11-26T06:28:06.863651Z`.
pub fn format(ts: &DateTime<Utc>) -> String {
    ts.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Serde helpers for response DTOs: `#[serde(with = "crate::time::wire")]`.
pub mod wire {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(ts: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(ts))
    }
}

/// Serde helpers for optional timestamps: `#[serde(with = "crate::time::wire_opt")]`.
pub mod wire_opt {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(ts: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match ts {
            Some(ts) => s.serialize_str(&super::format(ts)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn wire_format_has_six_digits_and_z() {
        let ts = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(format(&ts), "2024-01-02T03:04:05.000000Z");
        assert_eq!(now().timestamp_subsec_nanos() % 1000, 0);
    }
}
