//! The value rules of api.md §2.3 (lenient scalar coercions) and §2.5 (datetimes), plus URL and email shapes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::Value;

pub const DATETIME_FORMAT_ERROR: &str = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";

/// The Python type names DRF-style messages use.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// A JSON string, or a JSON number as its decimal text.
pub fn as_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A JSON integer, a number with zero fraction, or a string of an optional `-` and ASCII digits.
pub fn as_integer(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i128::from(i))
            } else if let Some(u) = n.as_u64() {
                Some(i128::from(u))
            } else {
                let f = n.as_f64()?;
                // Out-of-range floats saturate to a value outside every range, which then fails the range check.
                (f.fract() == 0.0 && f.is_finite()).then(|| f.clamp(-1e30, 1e30) as i128)
            }
        }
        Value::String(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            s.parse::<i128>().ok()
        }
        _ => None,
    }
}

pub fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// `true`/`false`, `1`/`0`, and the strings `true false 1 0 yes no on off` in any case.
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Absolute URL, scheme http or https, a host, optional port, no whitespace, at most 2048 characters.
pub fn valid_url(text: &str) -> bool {
    if text.is_empty()
        || text.chars().count() > 2048
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return false;
    }
    match url::Url::parse(text) {
        Ok(url) => {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        }
        Err(_) => false,
    }
}

/// The email shape of api.md §5.1 (checked after trimming).
pub fn valid_email(text: &str) -> bool {
    if text.chars().count() > 254 || text.chars().any(char::is_control) {
        return false;
    }
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    if !local_ok {
        return false;
    }
    if domain.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()))
}

/// Parses a datetime of api.md §2.5. `Ok(None)` means the input stands for null (empty or a WordPress zero date).
/// A datetime that matches none of the accepted forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidDatetime;

pub fn parse_datetime(text: &str) -> Result<Option<DateTime<Utc>>, InvalidDatetime> {
    let text = text.trim();
    if text.is_empty()
        || text.starts_with("0000-00-00") && ["", " 00:00:00", "T00:00:00"].contains(&&text[10..])
    {
        return Ok(None);
    }
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !text.is_char_boundary(10) {
        return Err(InvalidDatetime);
    }
    let date = parse_date(&text[..10]).ok_or(InvalidDatetime)?;
    if bytes.len() == 10 {
        return Ok(Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))));
    }
    if !matches!(bytes[10], b'T' | b't' | b' ') {
        return Err(InvalidDatetime);
    }
    let rest = &text[11..];
    // Split the time from an optional offset.
    let (time_part, offset_secs) = split_offset(rest)?;
    let time = parse_time(time_part).ok_or(InvalidDatetime)?;
    let naive = NaiveDateTime::new(date, time) - chrono::Duration::seconds(i64::from(offset_secs));
    Ok(Some(Utc.from_utc_datetime(&naive)))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if y == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

fn split_offset(rest: &str) -> Result<(&str, i32), InvalidDatetime> {
    if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        return Ok((t, 0));
    }
    if let Some(pos) = rest.rfind(['+', '-']) {
        let (time, off) = rest.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
        let valid_shape = matches!(off.len(), 6 if off.as_bytes()[3] == b':')
            || (off.len() == 5 && !off.contains(':'));
        if !valid_shape || digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return Err(InvalidDatetime);
        }
        let hours: i32 = digits[..2].parse().map_err(|_| InvalidDatetime)?;
        let minutes: i32 = digits[2..].parse().map_err(|_| InvalidDatetime)?;
        if hours > 23 || minutes > 59 {
            return Err(InvalidDatetime);
        }
        return Ok((time, sign * (hours * 3600 + minutes * 60)));
    }
    Ok((rest, 0))
}

fn parse_time(s: &str) -> Option<NaiveTime> {
    let (hms, fraction) = match s.split_once('.') {
        Some((hms, f)) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => (hms, Some(f)),
        Some(_) => return None,
        None => (s, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    if !(parts.len() == 2 || parts.len() == 3)
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    if fraction.is_some() && parts.len() != 3 {
        return None;
    }
    let h: u32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let sec: u32 = if parts.len() == 3 {
        parts[2].parse().ok()?
    } else {
        0
    };
    // Digits beyond microseconds are dropped.
    let micros = fraction.map_or(0, |f| {
        let mut digits: String = f.chars().take(6).collect();
        while digits.len() < 6 {
            digits.push('0');
        }
        digits.parse::<u32>().unwrap_or(0)
    });
    NaiveTime::from_hms_micro_opt(h, m, sec, micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> String {
        crate::time::format(&parse_datetime(text).unwrap().unwrap())
    }

    #[test]
    fn datetimes_of_every_documented_form() {
        assert_eq!(ts("2024-01-02 03:04:05"), "2024-01-02T03:04:05.000000Z");
        assert_eq!(ts("2024-01-02T03:04"), "2024-01-02T03:04:00.000000Z");
        assert_eq!(
            ts("2024-01-02T03:04:05.1234567Z"),
            "2024-01-02T03:04:05.123456Z"
        );
        assert_eq!(
            ts("2024-01-02T03:04:05+02:00"),
            "2024-01-02T01:04:05.000000Z"
        );
        assert_eq!(
            ts("2024-01-02T03:04:05-0130"),
            "2024-01-02T04:34:05.000000Z"
        );
        assert_eq!(ts("2024-01-02"), "2024-01-02T00:00:00.000000Z");
        for null in [
            "",
            "0000-00-00 00:00:00",
            "0000-00-00T00:00:00",
            "0000-00-00",
        ] {
            assert_eq!(parse_datetime(null), Ok(None), "{null}");
        }
        for bad in [
            "yesterday",
            "2024-13-01",
            "2024-01-02X03:04",
            "0000-01-01",
            "2024-01-02T25:00",
            "2024-01-02T03:04+2",
        ] {
            assert_eq!(parse_datetime(bad), Err(InvalidDatetime), "{bad}");
        }
    }

    #[test]
    fn datetime_round_trip_is_stable() {
        for text in ["2024-02-29T23:59:59.999999Z", "1999-12-31 00:00:00"] {
            let once = ts(text);
            assert_eq!(ts(&once), once);
        }
    }

    #[test]
    fn emails_follow_the_documented_shape() {
        for ok in [
            "alice@example.com",
            "a.b+c@sub.example.co",
            "root@localhost",
        ] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a@b",
            "a..b@x.com",
            ".a@x.com",
            "a@-x.com",
            "a@x.123",
            "no-at.example",
            "a b@x.com",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(valid_url("https://acme.example/path?q=1"));
        assert!(valid_url("http://127.0.0.1:8080/"));
        for bad in [
            "ftp://x.example",
            "https://",
            "/relative",
            "https://a b.example",
            "javascript:alert(1)",
        ] {
            assert!(!valid_url(bad), "{bad}");
        }
    }

    #[test]
    fn lenient_scalars() {
        assert_eq!(as_integer(&serde_json::json!("042")), Some(42));
        assert_eq!(as_integer(&serde_json::json!(3.0)), Some(3));
        assert_eq!(as_integer(&serde_json::json!(3.5)), None);
        assert_eq!(as_integer(&serde_json::json!("4x")), None);
        assert_eq!(as_bool(&serde_json::json!("Yes")), Some(true));
        assert_eq!(as_bool(&serde_json::json!(2)), None);
        assert_eq!(as_string(&serde_json::json!(12)), Some("12".into()));
    }
}
