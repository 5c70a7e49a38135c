//! Field validation in the style of api.md §2.3 and §2.7: coercing value rules, DRF-style field lists, and the
//! three input states of a field (absent, `null`, a value).
//!
//! Handlers read a body as a JSON object ([`super::body::JsonBody`]) and walk their field table with [`Fields`]
//! in the table's order, so the first error (the one `detail` repeats) is the first failing field of the table.

mod values;

pub use values::{parse_datetime, type_name, valid_email, valid_url};

/// The lenient integer rule of api.md §2.3 applied to a nested value.
pub fn as_integer_value(value: &Value) -> Option<i64> {
    values::as_integer(value).and_then(|n| i64::try_from(n).ok())
}

/// The lenient boolean rule of api.md §2.3 applied to a nested value.
pub fn as_bool_value(value: &Value) -> Option<bool> {
    values::as_bool(value)
}

use super::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Accumulated validation errors, in the order they were found.
#[derive(Debug, Default)]
pub struct FieldErrors {
    fields: Vec<(String, Vec<String>)>,
    non_field: Vec<String>,
    extra: Vec<(String, Value)>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: &str) {
        match self.fields.iter_mut().find(|(f, _)| f == field) {
            Some((_, messages)) => messages.push(message.to_string()),
            None => self
                .fields
                .push((field.to_string(), vec![message.to_string()])),
        }
    }

    pub fn add_non_field(&mut self, message: &str) {
        self.non_field.push(message.to_string());
    }

    /// A documented extra key of the error body (e.g. `error` for plugin B).
    pub fn extra(&mut self, key: &str, value: impl Into<Value>) {
        self.extra.push((key.to_string(), value.into()));
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|(f, _)| f == field)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.non_field.is_empty()
    }

    pub fn into_result(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    pub fn into_error(self) -> ApiError {
        let detail = match (self.fields.first(), self.non_field.first()) {
            (Some((field, messages)), _) => format!("{field}: {}", messages[0]),
            (None, Some(message)) => message.clone(),
            (None, None) => "Invalid input.".to_string(),
        };
        let mut body = Map::new();
        body.insert("detail".into(), Value::String(detail));
        body.insert("code".into(), Value::String("invalid".into()));
        for (field, messages) in self.fields {
            body.insert(field, Value::from(messages));
        }
        if !self.non_field.is_empty() {
            body.insert("non_field_errors".into(), Value::from(self.non_field));
        }
        for (key, value) in self.extra {
            body.insert(key, value);
        }
        ApiError::from_parts(StatusCode::BAD_REQUEST, body)
    }
}

/// A field's state in a request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<T> {
    Absent,
    Null,
    Value(T),
}

impl<T> Input<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Input::Value(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_absent(&self) -> bool {
        matches!(self, Input::Absent)
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Input<U> {
        match self {
            Input::Absent => Input::Absent,
            Input::Null => Input::Null,
            Input::Value(v) => Input::Value(f(v)),
        }
    }
}

impl Input<()> {
    /// Carries an absent/null state over to another value type.
    fn retype<T>(self) -> Input<T> {
        match self {
            Input::Null => Input::Null,
            Input::Absent | Input::Value(()) => Input::Absent,
        }
    }
}

/// Rules for a string field.
#[derive(Debug, Clone, Copy)]
pub struct Str {
    pub min: usize,
    pub max: usize,
    pub required: bool,
    pub nullable: bool,
    /// Keep surrounding whitespace (api.md: *raw*).
    pub raw: bool,
}

impl Str {
    pub const fn max(max: usize) -> Self {
        Self {
            min: 0,
            max,
            required: false,
            nullable: false,
            raw: false,
        }
    }
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }
    pub const fn min(mut self, min: usize) -> Self {
        self.min = min;
        self
    }
    pub const fn raw(mut self) -> Self {
        self.raw = true;
        self
    }
}

pub const REQUIRED: &str = "This field is required.";
pub const NOT_NULL: &str = "This field may not be null.";
pub const NOT_BLANK: &str = "This field may not be blank.";

/// Walks the fields of one JSON object, collecting errors.
pub struct Fields<'a> {
    obj: &'a Map<String, Value>,
    pub errors: FieldErrors,
}

impl<'a> Fields<'a> {
    pub fn new(obj: &'a Map<String, Value>) -> Self {
        Self {
            obj,
            errors: FieldErrors::default(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.obj.get(name)
    }

    pub fn finish(self) -> Result<(), ApiError> {
        self.errors.into_result()
    }

    /// Absent/null handling shared by every typed accessor; returns the value to convert, if any.
    fn present(
        &mut self,
        name: &str,
        required: bool,
        nullable: bool,
    ) -> Result<&'a Value, Input<()>> {
        match self.obj.get(name) {
            None => {
                if required {
                    self.errors.add(name, REQUIRED);
                }
                Err(Input::Absent)
            }
            Some(Value::Null) => {
                if !nullable {
                    self.errors.add(name, NOT_NULL);
                }
                Err(Input::Null)
            }
            Some(value) => Ok(value),
        }
    }

    pub fn string(&mut self, name: &str, rule: Str) -> Input<String> {
        let value = match self.present(name, rule.required, rule.nullable) {
            Ok(v) => v,
            Err(state) => return state.retype(),
        };
        let Some(text) = values::as_string(value) else {
            self.errors.add(name, "Not a valid string.");
            return Input::Absent;
        };
        let text = if rule.raw {
            text
        } else {
            text.trim().to_string()
        };
        let len = text.chars().count();
        if len == 0 && rule.min > 0 {
            self.errors.add(name, NOT_BLANK);
        } else if len < rule.min {
            self.errors.add(
                name,
                &format!("Ensure this field has at least {} characters.", rule.min),
            );
        } else if len > rule.max {
            self.errors.add(
                name,
                &format!(
                    "Ensure this field has no more than {} characters.",
                    rule.max
                ),
            );
        } else {
            return Input::Value(text);
        }
        Input::Absent
    }

    pub fn integer(
        &mut self,
        name: &str,
        min: i64,
        max: i64,
        required: bool,
        nullable: bool,
    ) -> Input<i64> {
        let value = match self.present(name, required, nullable) {
            Ok(v) => v,
            Err(state) => return state.retype(),
        };
        match values::as_integer(value) {
            None => self.errors.add(name, "A valid integer is required."),
            Some(n) if n < i128::from(min) => self.errors.add(
                name,
                &format!("Ensure this value is greater than or equal to {min}."),
            ),
            Some(n) if n > i128::from(max) => self.errors.add(
                name,
                &format!("Ensure this value is less than or equal to {max}."),
            ),
            Some(n) => return Input::Value(n as i64),
        }
        Input::Absent
    }

    pub fn number(
        &mut self,
        name: &str,
        min: f64,
        max: f64,
        required: bool,
        nullable: bool,
    ) -> Input<f64> {
        let value = match self.present(name, required, nullable) {
            Ok(v) => v,
            Err(state) => return state.retype(),
        };
        match values::as_number(value) {
            None => self.errors.add(name, "A valid number is required."),
            Some(n) if n < min => self.errors.add(
                name,
                &format!("Ensure this value is greater than or equal to {min}."),
            ),
            Some(n) if n > max => self.errors.add(
                name,
                &format!("Ensure this value is less than or equal to {max}."),
            ),
            Some(n) => return Input::Value(n),
        }
        Input::Absent
    }

    pub fn boolean(&mut self, name: &str, required: bool, nullable: bool) -> Input<bool> {
        let value = match self.present(name, required, nullable) {
            Ok(v) => v,
            Err(state) => return state.retype(),
        };
        match values::as_bool(value) {
            Some(b) => Input::Value(b),
            None => {
                self.errors.add(name, "Must be a valid boolean.");
                Input::Absent
            }
        }
    }

    /// An absolute http(s) URL of at most 2048 characters (api.md §2.3).
    pub fn url(&mut self, name: &str, required: bool, nullable: bool) -> Input<String> {
        match self.string(
            name,
            Str {
                min: 0,
                max: usize::MAX,
                required,
                nullable,
                raw: false,
            },
        ) {
            Input::Value(url) if valid_url(&url) => Input::Value(url),
            Input::Value(_) => {
                self.errors.add(name, "Enter a valid URL.");
                Input::Absent
            }
            other => other,
        }
    }

    pub fn email(&mut self, name: &str, required: bool) -> Input<String> {
        match self.string(
            name,
            Str {
                min: 0,
                max: usize::MAX,
                required,
                nullable: false,
                raw: false,
            },
        ) {
            Input::Value(email) if valid_email(&email) => Input::Value(email.to_lowercase()),
            Input::Value(_) => {
                self.errors.add(name, "Enter a valid email address.");
                Input::Absent
            }
            other => other,
        }
    }

    pub fn choice(
        &mut self,
        name: &str,
        choices: &[&str],
        required: bool,
        nullable: bool,
    ) -> Input<String> {
        match self.string(
            name,
            Str {
                min: 0,
                max: usize::MAX,
                required,
                nullable,
                raw: true,
            },
        ) {
            Input::Value(v) if choices.contains(&v.as_str()) => Input::Value(v),
            Input::Value(v) => {
                self.errors
                    .add(name, &format!("\"{v}\" is not a valid choice."));
                Input::Absent
            }
            other => other,
        }
    }

    /// A datetime (api.md §2.5). WordPress zero dates and `""` read as null.
    pub fn datetime(&mut self, name: &str, required: bool, nullable: bool) -> Input<DateTime<Utc>> {
        let value = match self.present(name, required, nullable) {
            Ok(v) => v,
            Err(state) => return state.retype(),
        };
        let Some(text) = value.as_str() else {
            self.errors.add(name, values::DATETIME_FORMAT_ERROR);
            return Input::Absent;
        };
        match parse_datetime(text) {
            Ok(Some(ts)) => Input::Value(ts),
            Ok(None) => {
                if !nullable {
                    self.errors.add(name, NOT_NULL);
                }
                Input::Null
            }
            Err(values::InvalidDatetime) => {
                self.errors.add(name, values::DATETIME_FORMAT_ERROR);
                Input::Absent
            }
        }
    }

    /// An array of strings; items that are not strings (or numbers) are dropped, long items and extra items too.
    pub fn string_list(
        &mut self,
        name: &str,
        max_items: usize,
        max_len: usize,
    ) -> Input<Vec<String>> {
        let value = match self.present(name, false, false) {
            Ok(v) => v,
            Err(state) => return state.retype(),
        };
        match value {
            Value::Array(items) => Input::Value(
                items
                    .iter()
                    .filter_map(values::as_string)
                    .map(|s| s.trim().to_string())
                    .filter(|s| s.chars().count() <= max_len)
                    .take(max_items)
                    .collect(),
            ),
            Value::Object(map) if map.is_empty() => Input::Value(Vec::new()),
            other => {
                self.errors.add(
                    name,
                    &format!(
                        "Expected a list of items but got type \"{}\".",
                        values::type_name(other)
                    ),
                );
                Input::Absent
            }
        }
    }
}
