//! Direct SQL against a test application's database, for what no route may do: moving time (an expiry into the
//! past), seeding rows owned by capabilities not under test, and reading what a shut-down app left behind.

use crate::TestDatabase;
use chrono::{DateTime, Utc};
use sqlx::Connection;

/// A bind value; the same SQL text (`$1`, `$2`, ...) runs on both backends.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Bool(bool),
    Text(String),
    Time(DateTime<Utc>),
    NullTime,
    NullText,
    NullInt,
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Bool(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.clone()),
                Arg::Time(v) => query.bind(*v),
                Arg::NullTime => query.bind(Option::<DateTime<Utc>>::None),
                Arg::NullText => query.bind(Option::<String>::None),
                Arg::NullInt => query.bind(Option::<i64>::None),
            };
        }
        query
    }};
}

impl TestDatabase {
    /// Runs one statement; returns the rows affected.
    pub async fn execute(&self, sql: &str, args: &[Arg]) -> u64 {
        if self.is_postgres() {
            let mut conn = sqlx::PgConnection::connect(&self.url)
                .await
                .expect("connect");
            bind_all!(sqlx::query(sql), args)
                .execute(&mut conn)
                .await
                .expect("execute")
                .rows_affected()
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&self.url)
                .await
                .expect("connect");
            bind_all!(sqlx::query(sql), args)
                .execute(&mut conn)
                .await
                .expect("execute")
                .rows_affected()
        }
    }

    /// The first column of the first row as an integer (`None` for no row or NULL).
    pub async fn fetch_i64(&self, sql: &str, args: &[Arg]) -> Option<i64> {
        if self.is_postgres() {
            let mut conn = sqlx::PgConnection::connect(&self.url)
                .await
                .expect("connect");
            bind_all!(sqlx::query_scalar::<_, Option<i64>>(sql), args)
                .fetch_optional(&mut conn)
                .await
                .expect("fetch")
                .flatten()
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&self.url)
                .await
                .expect("connect");
            bind_all!(sqlx::query_scalar::<_, Option<i64>>(sql), args)
                .fetch_optional(&mut conn)
                .await
                .expect("fetch")
                .flatten()
        }
    }

    /// `CAST($n AS JSONB)` on PostgreSQL, `$n` on SQLite: JSON columns are JSONB there and TEXT here.
    pub fn json_param(&self, n: usize) -> String {
        if self.is_postgres() {
            format!("CAST(${n} AS JSONB)")
        } else {
            format!("${n}")
        }
    }
}
