//! `StoreError` and the single place where driver errors become meaning.

/// Named unique constraints of the schema (same names in both dialects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    UserEmail,
    SiteUserUrl,
    ApiKeyHash,
    PageSiteWpPost,
    PageSiteHomepage,
    SeoDataPage,
    JobUniqueKey,
    Other,
}

impl Constraint {
    /// The index name used in both migration folders.
    pub fn name(self) -> &'static str {
        match self {
            Self::UserEmail => "users_email_key",
            Self::SiteUserUrl => "sites_user_url_key",
            Self::ApiKeyHash => "api_keys_key_hash_key",
            Self::PageSiteWpPost => "pages_site_wp_post_key",
            Self::PageSiteHomepage => "pages_site_homepage_key",
            Self::SeoDataPage => "seo_data_page_key",
            Self::JobUniqueKey => "jobs_unique_key",
            Self::Other => "other",
        }
    }

    const ALL: [Constraint; 7] = [
        Self::UserEmail,
        Self::SiteUserUrl,
        Self::ApiKeyHash,
        Self::PageSiteWpPost,
        Self::PageSiteHomepage,
        Self::SeoDataPage,
        Self::JobUniqueKey,
    ];

    fn from_name(name: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .unwrap_or(Self::Other)
    }

    /// SQLite reports the columns, not the index name: "UNIQUE constraint failed: users.email".
    fn from_sqlite_message(message: &str) -> Self {
        let columns = message.rsplit("failed: ").next().unwrap_or("");
        match columns {
            "users.email" => Self::UserEmail,
            "sites.user_id, sites.url_normalized" => Self::SiteUserUrl,
            "api_keys.key_hash" => Self::ApiKeyHash,
            "pages.site_id, pages.wp_post_id" => Self::PageSiteWpPost,
            "pages.site_id" => Self::PageSiteHomepage,
            "seo_data.page_id" => Self::SeoDataPage,
            "jobs.unique_key" => Self::JobUniqueKey,
            _ => Self::Other,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("unique constraint {} violated", .0.name())]
    Conflict(Constraint),
    /// The database cannot be reached, timed out, or stayed busy: the request may be retried later (503).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match &err {
            E::RowNotFound => StoreError::NotFound,
            E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => {
                StoreError::Unavailable(err.to_string())
            }
            E::Database(db) => {
                if db.is_unique_violation() {
                    let constraint = match db.constraint() {
                        Some(name) => Constraint::from_name(name),
                        None => Constraint::from_sqlite_message(db.message()),
                    };
                    return StoreError::Conflict(constraint);
                }
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                // SQLITE_BUSY (5), SQLITE_LOCKED (6); PostgreSQL serialization failure, deadlock, connection
                // exceptions (08xxx), admin shutdown (57P01..03), statement timeout (57014).
                let transient = matches!(
                    code.as_str(),
                    "5" | "6" | "517" | "40001" | "40P01" | "57014" | "57P01" | "57P02" | "57P03"
                ) || code.starts_with("08");
                if transient {
                    StoreError::Unavailable(db.message().to_string())
                } else {
                    StoreError::Other(err.to_string())
                }
            }
            _ => StoreError::Other(err.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        match err {
            sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
            other => StoreError::Other(other.to_string()),
        }
    }
}
