//! One `#[utoipa::path]` per route and method of the router. The functions are never called: they carry the
//! documentation of handlers that live in their capability modules, so the document is assembled in one place
//! while handlers stay free of OpenAPI detail. `tests/tests/openapi.rs` fails when a route of the router has no
//! entry here (or an entry names a route that does not exist).

#![allow(
    dead_code,
    reason = "documentation-only functions, read by the OpenAPI derive"
)]

use super::schemas::*;

// ---------------------------------------------------------------- accounts (api.md §5)

#[utoipa::path(post, path = "/api/v1/auth/register/", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = SignedIn),
        (status = 400, description = "Validation error (duplicate email, short password, ...)", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address", body = ErrorBody),
    ))]
pub fn register() {}

#[utoipa::path(post, path = "/api/v1/auth/login/", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SignedIn),
        (status = 400, description = "Invalid email or password, or a field error", body = ErrorBody,
            example = json!({"detail":"Invalid email or password.","code":"invalid_credentials","non_field_errors":["Invalid email or password."]})),
        (status = 429, description = "Throttled", body = ErrorBody),
    ))]
pub fn login() {}

#[utoipa::path(post, path = "/api/v1/auth/token/refresh/", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens; the presented refresh token is spent", body = Refreshed),
        (status = 400, description = "Missing field", body = ErrorBody),
        (status = 401, description = "Token is invalid or expired", body = ErrorBody,
            example = json!({"detail":"Token is invalid or expired","code":"token_not_valid"})),
    ))]
pub fn token_refresh() {}

#[utoipa::path(post, path = "/api/v1/auth/refresh/", tag = "auth",
    description = "Alias of `/auth/token/refresh/`.",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = Refreshed),
        (status = 400, description = "Missing field", body = ErrorBody),
        (status = 401, description = "Token is invalid or expired", body = ErrorBody),
    ))]
pub fn refresh_alias() {}

#[utoipa::path(post, path = "/api/v1/auth/logout/", tag = "auth",
    request_body(content = Option<LogoutRequest>, description = "Optional"),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Logged out", body = Message, example = json!({"message":"Logged out successfully"})),
        (status = 400, description = "The refresh token was not the caller's; the logout still happened", body = ErrorBody,
            example = json!({"detail":"Logout failed","code":"logout_failed","error":"Logout failed"})),
        (status = 401, description = "Not authenticated", body = ErrorBody),
    ))]
pub fn logout() {}

#[utoipa::path(get, path = "/api/v1/auth/me/", tag = "auth",
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The current user", body = MeResponse),
        (status = 401, description = "Not authenticated", body = ErrorBody),
    ))]
pub fn me() {}

#[utoipa::path(patch, path = "/api/v1/auth/me/", tag = "auth",
    request_body = MeUpdate,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The updated user", body = MeResponse),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
    ))]
pub fn me_update() {}

#[utoipa::path(method(get, post), path = "/api/v1/auth/verify/", tag = "api-keys",
    description = "The plugin's \"Test connection\": checks a site key. The body is ignored.",
    security(("siteKey" = []), ("siteKeyHeader" = [])),
    responses(
        (status = 200, description = "The key is valid", body = VerifyOk),
        (status = 401, description = "Missing, malformed, unknown, revoked or expired key", body = VerifyFailed),
        (status = 429, description = "Throttled", body = ErrorBody),
    ))]
pub fn verify() {}

// ---------------------------------------------------------------- sites (api.md §6)

#[utoipa::path(get, path = "/api/v1/sites/", tag = "sites",
    params(("page" = Option<i64>, Query, description = "1-based page"), ("page_size" = Option<i64>, Query, description = "Items per page (max 1000)")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The caller's sites, newest first", body = SiteList),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Invalid page", body = ErrorBody),
    ))]
pub fn sites_list() {}

#[utoipa::path(post, path = "/api/v1/sites/", tag = "sites",
    request_body = SiteWrite,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "The new site", body = Site),
        (status = 400, description = "Validation error, duplicate URL or site limit", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
    ))]
pub fn sites_create() {}

#[utoipa::path(get, path = "/api/v1/sites/{id}/", tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The site", body = Site),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn sites_get() {}

#[utoipa::path(put, path = "/api/v1/sites/{id}/", tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    request_body = SiteWrite,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The updated site", body = Site),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn sites_put() {}

#[utoipa::path(patch, path = "/api/v1/sites/{id}/", tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    request_body = SiteWrite,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The updated site", body = Site),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn sites_patch() {}

#[utoipa::path(delete, path = "/api/v1/sites/{id}/", tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Deleted with everything under it", body = Message,
            example = json!({"message":"Site deleted successfully"})),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn sites_delete() {}

#[utoipa::path(get, path = "/api/v1/sites/{id}/overview/", tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Health and issue summary", body = SiteOverview),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn sites_overview() {}

#[utoipa::path(get, path = "/api/v1/sites/{id}/usage/", tag = "usage",
    params(("id" = i64, Path, description = "Site id"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (UTC); default: `to` minus 29 days"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD (UTC); default: today")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Usage of every key of the site, revoked ones included", body = SiteUsage),
        (status = 400, description = "Bad date, `from` after `to`, or more than 366 days", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn sites_usage() {}

// ---------------------------------------------------------------- API keys (api.md §7)

#[utoipa::path(get, path = "/api/v1/api-keys/", tag = "api-keys",
    params(("site_id" = Option<i64>, Query, description = "Keys of one site"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("page_size" = Option<i64>, Query, description = "Items per page")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The caller's keys, newest first", body = ApiKeyList),
        (status = 400, description = "Malformed site_id", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Invalid page", body = ErrorBody),
    ))]
pub fn keys_list() {}

#[utoipa::path(post, path = "/api/v1/api-keys/", tag = "api-keys",
    request_body = ApiKeyCreate,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "The new key, shown once", body = ApiKeyCreated),
        (status = 400, description = "Validation error or key limit", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn keys_create() {}

#[utoipa::path(get, path = "/api/v1/api-keys/{id}/", tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The key", body = ApiKey),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's key", body = ErrorBody),
    ))]
pub fn keys_get() {}

#[utoipa::path(put, path = "/api/v1/api-keys/{id}/", tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = ApiKeyUpdate,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The updated key", body = ApiKey),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's key", body = ErrorBody),
    ))]
pub fn keys_put() {}

#[utoipa::path(patch, path = "/api/v1/api-keys/{id}/", tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = ApiKeyUpdate,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The updated key", body = ApiKey),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's key", body = ErrorBody),
    ))]
pub fn keys_patch() {}

#[utoipa::path(delete, path = "/api/v1/api-keys/{id}/", tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Revoked (idempotent)", body = Message,
            example = json!({"message":"API key revoked successfully"})),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's key", body = ErrorBody),
    ))]
pub fn keys_delete() {}

#[utoipa::path(post, path = "/api/v1/api-keys/{id}/rotate/", tag = "api-keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = RotateRequest,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "The replacement key, shown once, and the previous key", body = ApiKeyCreated),
        (status = 400, description = "Validation error or a revoked key", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's key", body = ErrorBody),
    ))]
pub fn keys_rotate() {}

#[utoipa::path(get, path = "/api/v1/api-keys/{id}/usage/", tag = "usage",
    params(("id" = i64, Path, description = "Key id"),
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (UTC); default: `to` minus 29 days"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD (UTC); default: today")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Requests and errors per day and per endpoint group", body = KeyUsage),
        (status = 400, description = "Bad date, `from` after `to`, or more than 366 days", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's key", body = ErrorBody),
    ))]
pub fn keys_usage() {}

// ---------------------------------------------------------------- pages (api.md §9, §10)

#[utoipa::path(post, path = "/api/v1/pages/sync/", tag = "pages",
    description = "Upserts one page of the key's site and scores it. Body limit 10 MiB.",
    request_body = PageSyncRequest,
    security(("siteKey" = []), ("siteKeyHeader" = [])),
    responses(
        (status = 200, description = "Page updated", body = PageSynced),
        (status = 201, description = "Page created", body = PageSynced),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 403, description = "Missing or rejected site key", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
    ))]
pub fn pages_sync() {}

#[utoipa::path(post, path = "/api/v1/pages/{id}/seo-data/", tag = "pages",
    params(("id" = i64, Path, description = "Siloq page id")),
    request_body = SeoDataRequest,
    security(("siteKey" = []), ("siteKeyHeader" = [])),
    responses(
        (status = 200, description = "SEO record updated and the page re-scored", body = SeoDataSynced),
        (status = 201, description = "SEO record created and the page re-scored", body = SeoDataSynced),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 403, description = "Missing or rejected site key", body = ErrorBody),
        (status = 404, description = "Not a page of the key's site", body = ErrorBody),
    ))]
pub fn pages_seo_data() {}

#[utoipa::path(get, path = "/api/v1/pages/", tag = "pages",
    params(
        ("site_id" = Option<i64>, Query, description = "Pages of one site"),
        ("search" = Option<String>, Query, description = "Prefix search over title and text (max 200 characters)"),
        ("status" = Option<String>, Query, description = "Comma-separated statuses"),
        ("post_type" = Option<String>, Query, description = "Comma-separated post types"),
        ("min_score" = Option<i64>, Query, description = "0-100"),
        ("max_score" = Option<i64>, Query, description = "0-100"),
        ("has_issues" = Option<bool>, Query, description = "Keep pages with (true) or without (false) issues"),
        ("include_noindex" = Option<bool>, Query, description = "Include noindex pages"),
        ("is_money_page" = Option<bool>, Query, description = "Money pages only (true) or none (false)"),
        ("ordering" = Option<String>, Query, description = "created_at, id, title, url, seo_score, issue_count, published_at or last_synced_at, optionally prefixed with -"),
        ("page" = Option<i64>, Query, description = "1-based page"),
        ("page_size" = Option<i64>, Query, description = "Items per page (default 1000, max 5000)")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The caller's pages", body = PageList),
        (status = 400, description = "Malformed filter", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Invalid page", body = ErrorBody),
    ))]
pub fn pages_list() {}

#[utoipa::path(get, path = "/api/v1/pages/{id}/", tag = "pages",
    params(("id" = i64, Path, description = "Page id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The page with its content and `seo_data` (§10.2)", body = serde_json::Value,
            example = json!({"id":12,"site_id":1,"wp_post_id":42,"url":"https://acme-plumbing.example/services/drain-cleaning/",
                "title":"Drain Cleaning","slug":"drain-cleaning","status":"publish","post_type":"page","seo_score":76,"grade":"C",
                "issue_count":7,"is_money_page":false,"is_noindex":false,"is_homepage":false,
                "site":{"id":1,"name":"Acme Plumbing","url":"https://acme-plumbing.example","is_active":true},
                "content":"<h1>Drain</h1><p>We clean drains.</p>","content_format":"html","excerpt":"We clean drains",
                "created_at":"2026-11-26T06:28:45.140714Z","updated_at":"2026-11-26T06:28:45.140714Z","seo_data":null})),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not a page of the caller's sites", body = ErrorBody),
    ))]
pub fn pages_get() {}

#[utoipa::path(get, path = "/api/v1/pages/{id}/seo/", tag = "pages",
    params(("id" = i64, Path, description = "Page id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "SEO data, score, issues and recommendations", body = PageSeo),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not a page of the caller's sites", body = ErrorBody),
    ))]
pub fn pages_seo() {}

#[utoipa::path(post, path = "/api/v1/pages/{id}/toggle_money_page/", tag = "pages",
    params(("id" = i64, Path, description = "Page id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The flag flipped", body = MoneyPageToggled),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not a page of the caller's sites", body = ErrorBody),
    ))]
pub fn pages_toggle_money() {}

// ---------------------------------------------------------------- operations (api.md §15)

#[utoipa::path(get, path = "/api/v1/health/", tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = ErrorBody),
    ))]
pub fn health() {}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = serde_json::Value,
        example = json!({"openapi": "3.1.0", "info": {"title": "Siloq API", "version": "1.0.0"}, "paths": {}}))))]
pub fn openapi_json() {}

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process answers", body = Liveness)))]
pub fn healthz() {}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Not ready (database, migrations, ruleset or draining)", body = ErrorBody),
    ))]
pub fn readyz() {}

#[utoipa::path(get, path = "/metrics", tag = "operations",
    description = "Prometheus text format. Needs `Authorization: Bearer <metrics.token>` when a token is configured.",
    responses(
        (status = 200, description = "Prometheus exposition", content_type = "text/plain; version=0.0.4; charset=utf-8", body = String),
        (status = 401, description = "Token configured and not given", body = ErrorBody),
    ))]
pub fn metrics() {}

#[utoipa::path(get, path = "/api/docs", tag = "operations",
    responses((status = 200, description = "Interactive documentation (Swagger UI, served by Siloq itself)", content_type = "text/html", body = String)))]
pub fn docs() {}

#[utoipa::path(get, path = "/api/docs/{file}", tag = "operations",
    params(("file" = String, Path, description = "`swagger-ui.css`, `swagger-ui-bundle.js`, `siloq-docs.js` or a favicon")),
    responses(
        (status = 200, description = "A documentation page asset", content_type = "text/javascript", body = String),
        (status = 404, description = "Not an asset", body = ErrorBody),
    ))]
pub fn docs_asset() {}

// ---------------------------------------------------------------- webhooks (api.md §12)

#[utoipa::path(get, path = "/api/v1/sites/{id}/webhooks/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("page_size" = Option<i64>, Query, description = "Items per page")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The site's endpoints", body = WebhookEndpointList),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site, or invalid page", body = ErrorBody),
    ))]
pub fn webhooks_list() {}

#[utoipa::path(post, path = "/api/v1/sites/{id}/webhooks/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id")),
    request_body = WebhookEndpointWrite,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "The endpoint (plus `signing_secret` when the site's secret was just generated)", body = WebhookEndpoint),
        (status = 400, description = "Validation error, blocked URL or endpoint limit", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn webhooks_create() {}

#[utoipa::path(get, path = "/api/v1/sites/{id}/webhooks/{webhook_id}/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"), ("webhook_id" = i64, Path, description = "Endpoint id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The endpoint", body = WebhookEndpoint),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    ))]
pub fn webhooks_get() {}

#[utoipa::path(put, path = "/api/v1/sites/{id}/webhooks/{webhook_id}/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"), ("webhook_id" = i64, Path, description = "Endpoint id")),
    request_body = WebhookEndpointWrite,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The endpoint (absent fields get the create defaults)", body = WebhookEndpoint),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    ))]
pub fn webhooks_put() {}

#[utoipa::path(patch, path = "/api/v1/sites/{id}/webhooks/{webhook_id}/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"), ("webhook_id" = i64, Path, description = "Endpoint id")),
    request_body = WebhookEndpointWrite,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The endpoint (only the fields sent change)", body = WebhookEndpoint),
        (status = 400, description = "Validation error", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    ))]
pub fn webhooks_patch() {}

#[utoipa::path(delete, path = "/api/v1/sites/{id}/webhooks/{webhook_id}/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"), ("webhook_id" = i64, Path, description = "Endpoint id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Deleted; its pending deliveries are cancelled", body = Message,
            example = json!({"message":"Webhook endpoint deleted successfully"})),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    ))]
pub fn webhooks_delete() {}

#[utoipa::path(post, path = "/api/v1/sites/{id}/webhooks/{webhook_id}/test/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"), ("webhook_id" = i64, Path, description = "Endpoint id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 202, description = "A `ping` delivery was queued", body = TestQueued),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    ))]
pub fn webhooks_test() {}

#[utoipa::path(get, path = "/api/v1/sites/{id}/webhooks/{webhook_id}/deliveries/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id"), ("webhook_id" = i64, Path, description = "Endpoint id"),
        ("status" = Option<String>, Query, description = "`pending`, `succeeded` or `failed`"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("page_size" = Option<i64>, Query, description = "Items per page")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The delivery log, newest first", body = WebhookDeliveryList),
        (status = 400, description = "Unknown status filter", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    ))]
pub fn webhooks_deliveries() {}

#[utoipa::path(get, path = "/api/v1/sites/{id}/webhook-secret/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Whether the site has a signing secret, and its prefix", body = WebhookSecretStatus),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn webhook_secret() {}

#[utoipa::path(post, path = "/api/v1/sites/{id}/webhook-secret/rotate/", tag = "webhooks",
    params(("id" = i64, Path, description = "Site id")),
    request_body = WebhookSecretRotate,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "The new secret, shown once (`Cache-Control: no-store`)", body = WebhookSecretShown),
        (status = 400, description = "A given secret is not 16-256 visible ASCII characters", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
    ))]
pub fn webhook_secret_rotate() {}

// ---------------------------------------------------------------- scans (api.md §11)

#[utoipa::path(post, path = "/api/v1/scans/", tag = "scans",
    request_body = ScanCreate,
    security(("siteKey" = []), ("siteKeyHeader" = []), ("bearerJWT" = [])),
    responses(
        (status = 201, description = "Scan queued (`pending`)", body = Scan),
        (status = 400, description = "Invalid or refused URL, bad scan type, missing `site_id` with a JWT", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's site", body = ErrorBody),
        (status = 429, description = "Scan quota of the site or the target host exceeded", body = ErrorBody),
    ))]
pub fn scans_create() {}

#[utoipa::path(get, path = "/api/v1/scans/", tag = "scans",
    params(("site_id" = Option<i64>, Query, description = "Only scans of this site"),
        ("status" = Option<String>, Query, description = "pending, processing, completed or failed"),
        ("page" = Option<i64>, Query, description = "1-based page"), ("page_size" = Option<i64>, Query, description = "Items per page")),
    security(("siteKey" = []), ("siteKeyHeader" = []), ("bearerJWT" = [])),
    responses(
        (status = 200, description = "The caller's scans, newest first", body = ScanList),
        (status = 400, description = "Malformed filter", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
    ))]
pub fn scans_list() {}

#[utoipa::path(get, path = "/api/v1/scans/{id}/", tag = "scans",
    params(("id" = i64, Path, description = "Scan id")),
    security(("siteKey" = []), ("siteKeyHeader" = []), ("bearerJWT" = [])),
    responses(
        (status = 200, description = "The scan with its progress and, once completed, its results", body = Scan),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's scan", body = ErrorBody),
    ))]
pub fn scans_get() {}

#[utoipa::path(get, path = "/api/v1/scans/{id}/report/", tag = "scans",
    params(("id" = i64, Path, description = "Scan id")),
    security(("siteKey" = []), ("siteKeyHeader" = []), ("bearerJWT" = [])),
    responses(
        (status = 200, description = "The report: category scores, top issues by impact, per-page scores, recommendations", body = ScanReport),
        (status = 400, description = "The scan has not completed (`not_completed`)", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 404, description = "Not the caller's scan", body = ErrorBody),
    ))]
pub fn scans_report() {}

#[utoipa::path(get, path = "/api/v1/scans/{id}/report.html", tag = "scans",
    params(("id" = i64, Path, description = "Scan id")),
    security(("siteKey" = []), ("siteKeyHeader" = []), ("bearerJWT" = [])),
    responses(
        (status = 200, description = "The report for people: one self-contained page", content_type = "text/html", body = String),
        (status = 400, description = "The scan has not completed", body = ErrorBody),
        (status = 404, description = "Not the caller's scan", body = ErrorBody),
    ))]
pub fn scans_report_html() {}

// ---------------------------------------------------------------- extensions and rulesets, staff (api.md §14)

#[utoipa::path(post, path = "/api/v1/extensions/", tag = "extensions",
    description = "The component is the raw body (`application/wasm` or `application/octet-stream`) or the one file \
        part of a `multipart/form-data` form, named `module`, `component` or `file` (other parts, such as `notes`, \
        are ignored). Both forms have the same size limit (`extensions.limits.max_upload_bytes`, 4 MiB by default) \
        and the same validation.",
    request_body(description = "The component (at most 4 MiB)",
        content(
            (Vec<u8> = "application/wasm"),
            (Vec<u8> = "application/octet-stream"),
            (ExtensionUploadForm = "multipart/form-data"),
        )),
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "Validated and stored", body = ExtensionVersion),
        (status = 200, description = "The same bytes were already stored", body = ExtensionVersion),
        (status = 400, description = "Refused: invalid component, forbidden import, unsupported WIT version, failed conformance run; \
            for a form: malformed, no file part, more than one, or a file part that is not application/wasm or application/octet-stream", body = ErrorBody,
            example = json!({"detail": "module: No file was submitted: send the component as a file part named `module`, `component` or `file`.",
                "code": "invalid", "module": ["No file was submitted: send the component as a file part named `module`, `component` or `file`."]})),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 413, description = "Too large", body = ErrorBody),
        (status = 415, description = "Neither application/wasm, application/octet-stream nor multipart/form-data", body = ErrorBody),
    ))]
pub fn extensions_upload() {}

#[utoipa::path(get, path = "/api/v1/extensions/", tag = "extensions",
    params(("kind" = Option<String>, Query, description = "rule, scorer or recommender"),
        ("extension" = Option<String>, Query, description = "Extension id"),
        ("page" = Option<i64>, Query, description = "1-based page")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Extension versions, newest first", body = StaffList),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn extensions_list() {}

#[utoipa::path(get, path = "/api/v1/extensions/uploads/", tag = "extensions",
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Every upload attempt (audit trail), newest first", body = StaffList),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn extensions_uploads() {}

#[utoipa::path(get, path = "/api/v1/extensions/{id}/", tag = "extensions",
    params(("id" = i64, Path, description = "Extension version id")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "One extension version with its validation report", body = ExtensionVersion),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such version", body = ErrorBody),
    ))]
pub fn extensions_get() {}

#[utoipa::path(get, path = "/api/v1/rulesets/", tag = "rulesets",
    params(("page" = Option<i64>, Query, description = "1-based page")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Ruleset revisions, newest first", body = StaffList),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn rulesets_list() {}

#[utoipa::path(post, path = "/api/v1/rulesets/", tag = "rulesets",
    request_body = RevisionCreate,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "A new immutable revision (not active yet)", body = Revision),
        (status = 200, description = "A revision with the same entries already exists", body = Revision),
        (status = 400, description = "Unknown extension version, bad config, no rule", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn rulesets_create() {}

#[utoipa::path(get, path = "/api/v1/rulesets/revisions/", tag = "rulesets",
    description = "Alias of `GET /rulesets/` (extensions.md §6.12).",
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Ruleset revisions, newest first", body = StaffList),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn revisions_list() {}

#[utoipa::path(post, path = "/api/v1/rulesets/revisions/", tag = "rulesets",
    description = "Alias of `POST /rulesets/` (extensions.md §6.12).",
    request_body = RevisionCreate,
    security(("bearerJWT" = [])),
    responses(
        (status = 201, description = "A new immutable revision", body = Revision),
        (status = 400, description = "Invalid entries", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn revisions_create() {}

#[utoipa::path(get, path = "/api/v1/rulesets/active/", tag = "rulesets",
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The active revision with each instance's convergence state and re-scoring progress", body = Revision),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn rulesets_active() {}

#[utoipa::path(get, path = "/api/v1/rulesets/activations/", tag = "rulesets",
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Activation history (who activated or rolled back what, when)", body = StaffList),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn rulesets_activations() {}

#[utoipa::path(post, path = "/api/v1/rulesets/rollback/", tag = "rulesets",
    request_body(content = Option<RollbackRequest>, description = "Optional target; default: the previously active revision"),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "The revision now active", body = Revision),
        (status = 400, description = "Nothing to roll back to, or an unknown revision", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub fn rulesets_rollback() {}

#[utoipa::path(post, path = "/api/v1/rulesets/preview/", tag = "rulesets",
    request_body = PreviewRequest,
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Per-page score deltas and issue changes; nothing is written", body = PreviewResult),
        (status = 400, description = "Invalid candidate", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such site", body = ErrorBody),
    ))]
pub fn rulesets_preview() {}

#[utoipa::path(get, path = "/api/v1/rulesets/{id}/", tag = "rulesets",
    params(("id" = i64, Path, description = "Revision")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "One revision", body = Revision),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such revision", body = ErrorBody),
    ))]
pub fn rulesets_get() {}

#[utoipa::path(get, path = "/api/v1/rulesets/revisions/{id}/", tag = "rulesets",
    description = "Alias of `GET /rulesets/{id}/`.",
    params(("id" = i64, Path, description = "Revision")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "One revision", body = Revision),
        (status = 404, description = "No such revision", body = ErrorBody),
    ))]
pub fn revisions_get() {}

#[utoipa::path(post, path = "/api/v1/rulesets/{id}/activate/", tag = "rulesets",
    params(("id" = i64, Path, description = "Revision"),
        ("wait" = Option<i64>, Query, description = "Seconds to wait for other instances to converge")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Active on this instance; others follow within seconds", body = Revision),
        (status = 400, description = "The revision cannot be loaded", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such revision", body = ErrorBody),
    ))]
pub fn rulesets_activate() {}

#[utoipa::path(post, path = "/api/v1/rulesets/revisions/{id}/activate/", tag = "rulesets",
    description = "Alias of `POST /rulesets/{id}/activate/`.",
    params(("id" = i64, Path, description = "Revision")),
    security(("bearerJWT" = [])),
    responses(
        (status = 200, description = "Active on this instance", body = Revision),
        (status = 404, description = "No such revision", body = ErrorBody),
    ))]
pub fn revisions_activate() {}
