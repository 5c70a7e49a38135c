//! Id newtypes: every id of the API is a 64-bit signed integer, and the types keep them from being mixed up.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);
    )*};
}

id_type!(
    /// A user.
    UserId,
    /// A site (owned by one user).
    SiteId,
    /// A site API key.
    ApiKeyId,
    /// A synced page.
    PageId,
);
