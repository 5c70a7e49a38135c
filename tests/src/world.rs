//! Building a test's own world (users, sites, keys) directly through the kernel's public library API, so a test
//! of one capability does not depend on another capability's HTTP routes. Tests of those routes use HTTP.

use crate::TestApp;
use siloq_kernel::db::{NewApiKey, NewSite, NewUser, SiteId, UserId};
use siloq_kernel::sites::{keys, url::normalize_site_url};

/// A user with a live session.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: UserId,
    pub email: String,
    pub password: String,
    /// An access token of a fresh session.
    pub token: String,
}

impl TestApp {
    /// Creates a user (password `password-123`) and signs them in.
    pub async fn user(&self, email: &str) -> TestUser {
        self.user_with(email, false).await
    }

    pub async fn staff_user(&self, email: &str) -> TestUser {
        self.user_with(email, true).await
    }

    async fn user_with(&self, email: &str, staff: bool) -> TestUser {
        let state = self.state();
        let password = "password-123".to_string();
        let password_hash = state.hasher.hash(&password).await.expect("hash");
        let new = NewUser {
            email: email.to_lowercase(),
            password_hash,
            first_name: String::new(),
            last_name: String::new(),
            is_staff: staff,
            is_superuser: false,
        };
        let user = state.store.create_user(&new).await.expect("create user");
        let (token, _) = siloq_kernel::auth::session::start_session(state, user.id)
            .await
            .expect("session");
        TestUser {
            id: user.id,
            email: user.email,
            password,
            token,
        }
    }

    /// Creates a site owned by `owner`.
    pub async fn site(&self, owner: &TestUser, url: &str) -> SiteId {
        let site = NewSite {
            user_id: owner.id,
            name: format!("Site {url}"),
            url: url.to_string(),
            url_normalized: normalize_site_url(url),
        };
        self.state()
            .store
            .create_site(&site)
            .await
            .expect("create site")
    }

    /// Mints an API key for a site and returns the full key.
    pub async fn key(&self, site: SiteId) -> String {
        let minted = keys::mint();
        let key = NewApiKey {
            site_id: site,
            name: "Test key".into(),
            key_hash: minted.hash,
            key_prefix: minted.prefix,
            expires_at: None,
        };
        self.state()
            .store
            .insert_api_key(&key)
            .await
            .expect("insert key");
        minted.full
    }
}
