//! API usage analytics (api.md §13): requests authenticated by each site key, per UTC day and per endpoint group,
//! with the errors among them (status 400 or higher), exposed to the key's owner.
//!
//! The site-key check ([`crate::sites::key_auth::authenticate`]) notes the key in a task-local slot that the
//! [`count`] middleware opened for the request; once the response exists the middleware adds one request (and
//! one error when the status is 400+) to an in-memory [`UsageCounter`], which the periodic flush writes in one
//! batch (at most a few seconds behind) and which the usage routes flush before they read.

mod counter;
mod routes;

pub use counter::{UsageCounter, count, note_key};
pub use routes::routes;

/// Days of usage kept (api.md §13).
pub const RETENTION_DAYS: i64 = 400;
