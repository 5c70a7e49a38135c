//! Wire shapes for the OpenAPI document (api.md §4 and the route sections). Handlers build their JSON with
//! `serde_json`, so these types exist only to describe it; each mirrors one object of api.md. Objects stay open
//! (extra keys allowed) because several answers carry documented extra keys.

#![allow(
    dead_code,
    reason = "schema-only types: read by the OpenAPI derive, never constructed"
)]

use serde_json::Value;
use utoipa::ToSchema;

/// The error envelope of api.md §2.6. Validation errors (§2.7) add one array of messages per field and
/// `non_field_errors`; a few routes add `error`.
#[derive(ToSchema)]
#[schema(example = json!({"detail": "name: This field is required.", "code": "invalid", "name": ["This field is required."]}))]
pub struct ErrorBody {
    pub detail: String,
    /// A machine word: `invalid`, `parse_error`, `not_found`, `not_authenticated`, `throttled`, ...
    pub code: String,
}

/// `{"message": ...}` answers of deletes and actions.
#[derive(ToSchema)]
#[schema(example = json!({"message": "Site deleted successfully"}))]
pub struct Message {
    pub message: String,
}

/// A user (§4.1).
#[derive(ToSchema)]
#[schema(example = json!({"id":1,"email":"alice@example.com","username":"alice@example.com","name":"Alice Smith","first_name":"Alice",
 "last_name":"Smith","is_staff":false,"is_superuser":false,"subscription_tier":"free_trial","created_at":"2026-11-26T06:28:06.863651Z"}))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub is_staff: bool,
    pub is_superuser: bool,
    /// `free_trial`, `pro`, `builder_plus`, `architect` or `empire`.
    pub subscription_tier: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `POST /auth/register/` (§5.1).
#[derive(ToSchema)]
#[schema(example = json!({"name": "Alice Smith", "email": "alice@example.com", "password": "correct horse battery"}))]
pub struct RegisterRequest {
    pub email: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(max_length = 300)]
    pub name: Option<String>,
    #[schema(max_length = 150)]
    pub first_name: Option<String>,
    #[schema(max_length = 150)]
    pub last_name: Option<String>,
}

/// `POST /auth/login/` (§5.2).
#[derive(ToSchema)]
#[schema(example = json!({"email": "alice@example.com", "password": "correct horse battery"}))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The answer of register and login.
#[derive(ToSchema)]
#[schema(example = json!({"message":"Login successful","token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...","access":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
 "refresh":"siloq_rt_3qA0V2m8i0mB1o6YzZtV0vL9x0pQw7sR2dE5fG8hJ1k","user":{"id":1,"email":"alice@example.com","username":"alice@example.com",
 "name":"Alice Smith","first_name":"Alice","last_name":"Smith","is_staff":false,"is_superuser":false,"subscription_tier":"free_trial",
 "created_at":"2026-11-26T06:28:06.863651Z"}}))]
pub struct SignedIn {
    pub message: String,
    pub token: String,
    pub access: String,
    pub refresh: String,
    pub user: User,
}

/// `POST /auth/token/refresh/` (§5.3).
#[derive(ToSchema)]
#[schema(example = json!({"refresh": "siloq_rt_3qA0V2m8i0mB1o6YzZtV0vL9x0pQw7sR2dE5fG8hJ1k"}))]
pub struct RefreshRequest {
    pub refresh: String,
}

#[derive(ToSchema)]
#[schema(example = json!({"access":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...","refresh":"siloq_rt_Q2x8LkPz...","token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9..."}))]
pub struct Refreshed {
    pub access: String,
    pub refresh: String,
    pub token: String,
}

/// `POST /auth/logout/` (§5.4); the body is optional.
#[derive(ToSchema)]
pub struct LogoutRequest {
    pub refresh: Option<String>,
    pub refresh_token: Option<String>,
}

/// `GET|PATCH /auth/me/` (§5.5).
#[derive(ToSchema)]
#[schema(example = json!({"user":{"id":1,"email":"alice@example.com","username":"alice@example.com","name":"Alice Smith",
 "first_name":"Alice","last_name":"Smith","is_staff":false,"is_superuser":false,"subscription_tier":"free_trial",
 "created_at":"2026-11-26T06:28:06.863651Z"}}))]
pub struct MeResponse {
    pub user: User,
}

#[derive(ToSchema)]
#[schema(example = json!({"name": "Alice Smith"}))]
pub struct MeUpdate {
    #[schema(max_length = 300)]
    pub name: Option<String>,
    #[schema(max_length = 150)]
    pub first_name: Option<String>,
    #[schema(max_length = 150)]
    pub last_name: Option<String>,
}

/// A site (§4.2).
#[derive(ToSchema)]
#[schema(example = json!({"id":1,"name":"Acme Plumbing","url":"https://acme-plumbing.example","wp_site_id":null,"is_active":true,
 "page_count":42,"api_key_count":1,"health_score":77,"last_synced_at":"2026-11-26T06:29:01.912403Z","sync_requested_at":null,
 "business_type":null,"primary_services":[],"service_areas":[],"target_audience":"","business_description":"",
 "onboarding_complete":false,"needs_onboarding":true,"created_at":"2026-11-26T06:28:22.010468Z","updated_at":"2026-11-26T06:28:22.010486Z"}))]
pub struct Site {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub wp_site_id: Option<String>,
    pub is_active: bool,
    pub page_count: i64,
    pub api_key_count: i64,
    pub health_score: i64,
    #[schema(format = DateTime)]
    pub last_synced_at: Option<String>,
    pub sync_requested_at: Option<String>,
    pub business_type: Option<String>,
    pub primary_services: Vec<String>,
    pub service_areas: Vec<String>,
    pub target_audience: String,
    pub business_description: String,
    pub onboarding_complete: bool,
    pub needs_onboarding: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The fields of `POST /sites/`, `PUT` and `PATCH /sites/{id}/` (§6.2).
#[derive(ToSchema)]
#[schema(example = json!({"name": "Acme Plumbing", "url": "https://acme-plumbing.example"}))]
pub struct SiteWrite {
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    pub url: String,
    pub wp_site_id: Option<String>,
    pub is_active: Option<bool>,
    /// `local_service`, `ecommerce`, `content_blog`, `saas` or `other`.
    pub business_type: Option<String>,
    pub primary_services: Option<Vec<String>>,
    pub service_areas: Option<Vec<String>>,
    pub target_audience: Option<String>,
    pub business_description: Option<String>,
    pub onboarding_complete: Option<bool>,
}

/// A page of sites (§2.8).
#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":1,"name":"Acme Plumbing","url":"https://acme-plumbing.example","wp_site_id":null,"is_active":true,"page_count":42,"api_key_count":1,"health_score":77,"last_synced_at":"2026-11-26T06:29:01.912403Z","sync_requested_at":null,"business_type":null,"primary_services":[],"service_areas":[],"target_audience":"","business_description":"","onboarding_complete":false,"needs_onboarding":true,"created_at":"2026-11-26T06:28:22.010468Z","updated_at":"2026-11-26T06:28:22.010486Z"}]}))]
pub struct SiteList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<Site>,
}

/// `GET /sites/{id}/overview/` (§6.6).
#[derive(ToSchema)]
#[schema(example = json!({"site_id":1,"site_name":"Acme Plumbing","health_score":77,"total_pages":42,"total_issues":118,
 "last_synced_at":"2026-11-26T06:29:01.912403Z","pages_scored":40,
 "category_scores":{"technical":null,"content":78,"structure":70,"performance":null,"onpage":81},
 "issues_by_severity":{"critical":0,"high":12,"medium":61,"low":45},
 "top_issues":[{"type":"links.internal.none","category":"structure","severity":"high",
   "message":"The page links to no other page of the site.","pages_affected":14}],"ruleset":5}))]
pub struct SiteOverview {
    pub site_id: i64,
    pub site_name: String,
    pub health_score: i64,
    pub total_pages: i64,
    pub total_issues: i64,
    pub last_synced_at: Option<String>,
    pub pages_scored: i64,
    pub category_scores: Value,
    pub issues_by_severity: Value,
    pub top_issues: Vec<Value>,
    pub ruleset: Option<i64>,
}

/// An API key, list and detail form (§4.3).
#[derive(ToSchema)]
#[schema(example = json!({"id":4,"site":1,"site_id":1,"name":"Production","key_prefix":"sk_siloq_XSjY33o...","is_active":true,
 "created_at":"2026-11-26T06:28:29.307734Z","expires_at":null,"revoked_at":null,"last_used_at":"2026-11-26T07:02:11.120400Z","usage_count":318}))]
pub struct ApiKey {
    pub id: i64,
    pub site: i64,
    pub site_id: i64,
    pub name: String,
    pub key_prefix: String,
    pub is_active: bool,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
    pub usage_count: i64,
}

#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":4,"site":1,"site_id":1,"name":"Production",
 "key_prefix":"sk_siloq_XSjY33o...","is_active":true,"created_at":"2026-11-26T06:28:29.307734Z","expires_at":null,"revoked_at":null,
 "last_used_at":"2026-11-26T07:02:11.120400Z","usage_count":318}]}))]
pub struct ApiKeyList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<ApiKey>,
}

/// `POST /api-keys/` (§7.3).
#[derive(ToSchema)]
#[schema(example = json!({"site_id": 1, "name": "Production"}))]
pub struct ApiKeyCreate {
    /// An integer or a string of digits.
    pub site_id: i64,
    pub name: Option<String>,
    pub expires_at: Option<String>,
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

/// The one-time display of a new key (create and rotate).
#[derive(ToSchema)]
#[schema(example = json!({"message":"API key created successfully","key":{"id":4,"name":"Production","key_prefix":"sk_siloq_XSjY33o...",
 "created_at":"2026-11-26T06:28:29.307734Z","expires_at":null,"is_active":true,"key":"sk_siloq_XSjY33o7sXQ2KiPcefe3c4n9VA0RpI2xIoJes3yOgB0"}}))]
pub struct ApiKeyCreated {
    pub message: String,
    pub key: Value,
    /// Rotation only: the replaced key.
    pub previous_key: Option<Value>,
}

/// `PUT|PATCH /api-keys/{id}/` (§7.5).
#[derive(ToSchema)]
#[schema(example = json!({"name": "Staging"}))]
pub struct ApiKeyUpdate {
    pub name: Option<String>,
    pub is_active: Option<bool>,
}

/// `POST /api-keys/{id}/rotate/` (§7.7).
#[derive(ToSchema)]
#[schema(example = json!({"grace_period_seconds": 3600}))]
pub struct RotateRequest {
    #[schema(minimum = 0, maximum = 86400)]
    pub grace_period_seconds: Option<i64>,
}

/// `/auth/verify/` success (§8).
#[derive(ToSchema)]
#[schema(example = json!({"valid":true,"authenticated":true,"key_type":"site","site_id":1,"site_name":"Acme Plumbing",
 "site_url":"https://acme-plumbing.example","site":{"id":1,"name":"Acme Plumbing","url":"https://acme-plumbing.example","is_active":true},
 "key":{"name":"Production","key_prefix":"sk_siloq_XSjY33o...","created_at":"2026-11-26T06:28:29.307734Z","expires_at":null}}))]
pub struct VerifyOk {
    pub valid: bool,
    pub authenticated: bool,
    pub key_type: String,
    pub site_id: i64,
    pub site_name: String,
    pub site_url: String,
    pub site: Value,
    pub key: Value,
}

/// `/auth/verify/` failure (§8): the envelope plus `valid`, `authenticated` and `error`.
#[derive(ToSchema)]
#[schema(example = json!({"valid":false,"authenticated":false,"error":"Invalid or revoked API key","detail":"Invalid or revoked API key","code":"invalid_key"}))]
pub struct VerifyFailed {
    pub valid: bool,
    pub authenticated: bool,
    pub error: String,
    pub detail: String,
    pub code: String,
}

/// `POST /pages/sync/` (§9.1): the main fields; see api.md for aliases, `meta` flattening and defaults.
#[derive(ToSchema)]
#[schema(example = json!({"wp_post_id":42,"url":"https://acme-plumbing.example/services/drain-cleaning/","title":"Drain Cleaning",
 "content":"<h1>Drain</h1><p>We clean drains. <a href=\"/contact/\">Contact us</a></p>","excerpt":"We clean drains",
 "status":"publish","post_type":"page","published_at":"2024-01-02 03:04:05","modified_at":"2024-02-03 04:05:06",
 "slug":"drain-cleaning","parent_id":0,"menu_order":3,"is_homepage":false,"is_noindex":false,
 "meta":{"yoast_title":"Drain Cleaning | Acme","yoast_description":"Fast drain cleaning.","featured_image":"https://acme-plumbing.example/img.jpg"}}))]
pub struct PageSyncRequest {
    /// An integer 1-2147483647 or a string of `[A-Za-z0-9_.:-]` (1-50).
    pub wp_post_id: Value,
    pub url: String,
    #[schema(max_length = 500)]
    pub title: String,
    pub content: Option<String>,
    pub excerpt: Option<String>,
    pub status: Option<String>,
    pub post_type: Option<String>,
    pub published_at: Option<String>,
    pub modified_at: Option<String>,
    pub slug: Option<String>,
    pub parent_id: Option<i64>,
    pub menu_order: Option<i64>,
    pub yoast_title: Option<String>,
    pub yoast_description: Option<String>,
    pub focus_keyphrase: Option<String>,
    pub featured_image: Option<String>,
    pub is_noindex: Option<bool>,
    pub is_homepage: Option<bool>,
    pub author: Option<String>,
    pub page_builder: Option<String>,
    pub headings_extracted: Option<Vec<Value>>,
    pub links_extracted: Option<Vec<Value>>,
    pub faq_questions: Option<Vec<String>>,
    pub meta: Option<Value>,
}

#[derive(ToSchema)]
#[schema(example = json!({"page_id":12,"id":12,"site_id":1,"message":"Page synced successfully","created":true,"seo_score":76,"issue_count":7}))]
pub struct PageSynced {
    pub page_id: i64,
    pub id: i64,
    pub site_id: i64,
    pub message: String,
    pub created: bool,
    pub seo_score: Option<i64>,
    pub issue_count: i64,
}

/// `POST /pages/{id}/seo-data/` (§9.2): every field optional.
#[derive(ToSchema)]
#[schema(example = json!({"meta_title":"Drain Cleaning | Acme","h1_count":1,"images_count":2,"images_without_alt":1,
 "images":[{"src":"https://acme-plumbing.example/a.jpg","alt":""}],"word_count":350,"has_canonical":true}))]
pub struct SeoDataRequest {
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub meta_keywords: Option<String>,
    pub h1_text: Option<String>,
    pub h1_count: Option<i64>,
    pub h2_count: Option<i64>,
    pub h3_count: Option<i64>,
    pub internal_links_count: Option<i64>,
    pub external_links_count: Option<i64>,
    pub images_count: Option<i64>,
    pub images_without_alt: Option<i64>,
    pub word_count: Option<i64>,
    pub h2_texts: Option<Vec<String>>,
    pub h3_texts: Option<Vec<String>>,
    pub internal_links: Option<Vec<String>>,
    pub external_links: Option<Vec<String>>,
    pub images: Option<Vec<Value>>,
    pub reading_time_minutes: Option<f64>,
    pub has_canonical: Option<bool>,
    pub has_schema: Option<bool>,
    pub canonical_url: Option<String>,
    pub schema_type: Option<String>,
}

#[derive(ToSchema)]
#[schema(example = json!({"seo_data_id":3,"message":"SEO data synced successfully","created":true,"seo_score":74,"issues":[],"recommendations":[]}))]
pub struct SeoDataSynced {
    pub seo_data_id: i64,
    pub message: String,
    pub created: bool,
    pub seo_score: Option<i64>,
    pub issues: Vec<Value>,
    pub recommendations: Vec<Value>,
}

/// A page, list form (§4.4).
#[derive(ToSchema)]
#[schema(example = json!({"id":12,"site_id":1,"wp_post_id":42,"url":"https://acme-plumbing.example/services/drain-cleaning/",
 "title":"Drain Cleaning","slug":"drain-cleaning","status":"publish","post_type":"page","published_at":"2024-01-02T03:04:05.000000Z",
 "modified_at":"2024-02-03T04:05:06.000000Z","last_synced_at":"2026-11-26T06:28:45.140714Z","seo_score":76,"grade":"C","issue_count":7,
 "is_money_page":false,"is_noindex":false,"is_homepage":false,"ruleset_revision":5,"scored_at":"2026-11-26T06:28:45.201000Z"}))]
pub struct Page {
    pub id: i64,
    pub site_id: i64,
    /// A number when its text is all digits, else a string.
    pub wp_post_id: Value,
    pub url: String,
    pub title: String,
    pub slug: String,
    pub status: String,
    pub post_type: String,
    pub published_at: Option<String>,
    pub modified_at: Option<String>,
    pub last_synced_at: Option<String>,
    pub seo_score: Option<i64>,
    pub grade: Option<String>,
    pub issue_count: i64,
    pub is_money_page: bool,
    pub is_noindex: bool,
    pub is_homepage: bool,
    pub ruleset_revision: Option<i64>,
    pub scored_at: Option<String>,
}

#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":12,"site_id":1,"wp_post_id":42,
 "url":"https://acme-plumbing.example/services/drain-cleaning/","title":"Drain Cleaning","slug":"drain-cleaning","status":"publish",
 "post_type":"page","published_at":"2024-01-02T03:04:05.000000Z","modified_at":"2024-02-03T04:05:06.000000Z",
 "last_synced_at":"2026-11-26T06:28:45.140714Z","seo_score":76,"grade":"C","issue_count":7,"is_money_page":false,"is_noindex":false,
 "is_homepage":false,"ruleset_revision":5,"scored_at":"2026-11-26T06:28:45.201000Z"}]}))]
pub struct PageList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<Page>,
}

/// The SEO view of a page (§4.5); also nested as `seo_data` in the page detail (§10.2).
#[derive(ToSchema)]
#[schema(example = json!({"id":3,"page_id":12,"source":"plugin","meta_title":"Drain Cleaning | Acme","h1_count":1,"h1_text":"Drain Cleaning",
 "seo_score":76,"grade":"C","category_scores":{"technical":null,"content":85,"structure":64,"performance":null,"onpage":81},
 "issues":[{"type":"links.internal.none","category":"structure","severity":"high","message":"The page links to no other page of the site.","points_lost":5.19,"details":{"internal_links":0}}],
 "recommendations":[],"ruleset_revision":5,"scored_at":"2026-11-26T06:28:45.201000Z","scanned_at":"2026-11-26T06:29:02.340910Z"}))]
pub struct PageSeo {
    pub id: Option<i64>,
    pub page_id: i64,
    pub source: String,
    pub seo_score: Option<i64>,
    pub grade: Option<String>,
    pub category_scores: Value,
    pub issues: Vec<Value>,
    pub recommendations: Vec<Value>,
    pub ruleset_revision: Option<i64>,
    pub scored_at: Option<String>,
    pub scanned_at: Option<String>,
}

/// `POST /pages/{id}/toggle_money_page/` (§10.4).
#[derive(ToSchema)]
#[schema(example = json!({"success":true,"id":12,"is_money_page":true,"message":"Page \"Drain Cleaning\" is now a money page."}))]
pub struct MoneyPageToggled {
    pub success: bool,
    pub id: i64,
    pub is_money_page: bool,
    pub message: String,
}

/// One day of usage (§13).
#[derive(ToSchema)]
pub struct UsageDay {
    #[schema(format = Date)]
    pub date: String,
    pub requests: i64,
    pub errors: i64,
}

/// Usage of one endpoint group over the range.
#[derive(ToSchema)]
pub struct UsageGroup {
    /// The first path segment under `/api/v1/` (`pages`, `auth`, `scans`, ...).
    pub group: String,
    pub requests: i64,
    pub errors: i64,
}

/// `GET /api-keys/{id}/usage/` (§13).
#[derive(ToSchema)]
#[schema(example = json!({"key_id":4,"site_id":1,"from":"2026-11-24","to":"2026-11-26","total_requests":1531,"total_errors":12,
 "days":[{"date":"2026-11-24","requests":0,"errors":0},{"date":"2026-11-25","requests":812,"errors":3},{"date":"2026-11-26","requests":719,"errors":9}],
 "endpoint_groups":[{"group":"auth","requests":31,"errors":0},{"group":"pages","requests":1500,"errors":12}]}))]
pub struct KeyUsage {
    pub key_id: i64,
    pub site_id: i64,
    pub from: String,
    pub to: String,
    pub total_requests: i64,
    pub total_errors: i64,
    pub days: Vec<UsageDay>,
    pub endpoint_groups: Vec<UsageGroup>,
}

/// One key in `GET /sites/{id}/usage/`.
#[derive(ToSchema)]
pub struct SiteKeyUsage {
    pub key_id: i64,
    pub name: String,
    pub key_prefix: String,
    pub is_active: bool,
    pub total_requests: i64,
    pub total_errors: i64,
    pub days: Vec<UsageDay>,
    pub endpoint_groups: Vec<UsageGroup>,
}

/// `GET /sites/{id}/usage/` (§13).
#[derive(ToSchema)]
#[schema(example = json!({"site_id":1,"from":"2026-11-25","to":"2026-11-26","total_requests":1531,"total_errors":12,
 "keys":[{"key_id":4,"name":"Production","key_prefix":"sk_siloq_XSjY33o...","is_active":true,"total_requests":1531,"total_errors":12,
   "days":[{"date":"2026-11-25","requests":812,"errors":3},{"date":"2026-11-26","requests":719,"errors":9}],
   "endpoint_groups":[{"group":"pages","requests":1531,"errors":12}]}]}))]
pub struct SiteUsage {
    pub site_id: i64,
    pub from: String,
    pub to: String,
    pub total_requests: i64,
    pub total_errors: i64,
    pub keys: Vec<SiteKeyUsage>,
}

/// `GET /api/v1/health/` (§15.1).
#[derive(ToSchema)]
#[schema(example = json!({"status":"healthy","version":"1.0.0","database":"ok","jobs":"ok","ruleset_revision":5,"celery":"ok","redis":"not_configured"}))]
pub struct Health {
    pub status: String,
    pub version: String,
    pub database: String,
    pub jobs: String,
    pub ruleset_revision: Option<i64>,
    pub celery: String,
    pub redis: String,
}

/// `GET /readyz` (§15.3).
#[derive(ToSchema)]
#[schema(example = json!({"status":"ready","checks":{"database":"ok","migrations":"ok","ruleset":"ok","accepting":"ok"}}))]
pub struct Readiness {
    pub status: String,
    pub checks: Value,
}

/// `GET /healthz` (§15.2).
#[derive(ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Liveness {
    pub status: String,
}

/// A webhook endpoint (§12.3).
#[derive(ToSchema)]
#[schema(example = json!({"id":3,"site_id":1,"url":"https://hooks.example.com/siloq","description":"CRM","events":["page.scored","scan.completed"],
 "is_active":true,"disabled_reason":null,"last_delivery_at":"2026-11-26T07:00:19.500000Z","last_delivery_status":"succeeded",
 "created_at":"2026-11-26T06:40:00.000000Z","updated_at":"2026-11-26T06:40:00.000000Z"}))]
pub struct WebhookEndpoint {
    pub id: i64,
    pub site_id: i64,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub is_active: bool,
    pub disabled_reason: Option<String>,
    pub last_delivery_at: Option<String>,
    pub last_delivery_status: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Only in the 201 answer that generated the site's secret.
    pub signing_secret: Option<String>,
}

/// The fields of create, PUT and PATCH (§12.3).
#[derive(ToSchema)]
#[schema(example = json!({"url":"https://hooks.example.com/siloq","description":"CRM","events":["page.scored","scan.completed"]}))]
pub struct WebhookEndpointWrite {
    /// `https` only unless `webhooks.allow_http`; the scanner's egress policy applies.
    pub url: String,
    #[schema(max_length = 255)]
    pub description: Option<String>,
    /// Event names (`page.synced`, `page.scored`, `scan.completed`, `scan.failed`, `ping`) or `["*"]`.
    pub events: Option<Vec<String>>,
    pub is_active: Option<bool>,
}

#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":3,"site_id":1,"url":"https://hooks.example.com/siloq",
 "description":"CRM","events":["*"],"is_active":true,"disabled_reason":null,"last_delivery_at":null,"last_delivery_status":null,
 "created_at":"2026-11-26T06:40:00.000000Z","updated_at":"2026-11-26T06:40:00.000000Z"}]}))]
pub struct WebhookEndpointList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<WebhookEndpoint>,
}

#[derive(ToSchema)]
#[schema(example = json!({"message":"Test event queued","delivery_id":982}))]
pub struct TestQueued {
    pub message: String,
    pub delivery_id: i64,
}

/// A delivery record (§12.3).
#[derive(ToSchema)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub response_status: Option<i64>,
    /// The first KiB of the answer.
    pub response_body: Option<String>,
    /// `timeout`, `connect_error`, `destination_blocked`, `http_status`, ... when the last attempt failed.
    pub error: Option<String>,
    pub next_attempt_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub created_at: String,
    /// The envelope that was sent.
    pub payload: Value,
}

#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":981,"endpoint_id":3,"event":"page.scored","status":"succeeded",
 "attempts":1,"response_status":200,"response_body":"ok","error":null,"next_attempt_at":null,"last_attempt_at":"2026-11-26T07:00:19.500000Z",
 "created_at":"2026-11-26T07:00:19.000000Z","payload":{"event":"page.scored","event_type":"page.scored","delivery_id":981,"site_id":1,
 "created_at":"2026-11-26T07:00:19.000000Z","data":{"page_id":12,"seo_score":80,"previous_score":76}}}]}))]
pub struct WebhookDeliveryList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<WebhookDelivery>,
}

#[derive(ToSchema)]
#[schema(example = json!({"site_id":1,"has_secret":true,"secret_prefix":"whsec_9fA2...","updated_at":"2026-11-26T06:40:00.000000Z"}))]
pub struct WebhookSecretStatus {
    pub site_id: i64,
    pub has_secret: bool,
    pub secret_prefix: Option<String>,
    pub updated_at: Option<String>,
}

/// `POST /sites/{id}/webhook-secret/rotate/`: without `secret` one is generated.
#[derive(ToSchema)]
#[schema(example = json!({"secret": "plugin-shown-secret-0123456789"}))]
pub struct WebhookSecretRotate {
    #[schema(min_length = 16, max_length = 256)]
    pub secret: Option<String>,
}

#[derive(ToSchema)]
#[schema(example = json!({"site_id":1,"signing_secret":"whsec_9fA2b...","secret_prefix":"whsec_9fA2...","updated_at":"2026-11-26T06:40:00.000000Z"}))]
pub struct WebhookSecretShown {
    pub site_id: i64,
    pub signing_secret: String,
    pub secret_prefix: String,
    pub updated_at: String,
}

/// A scan (§4.9), in both result shapes (`score`/`results` and the plugin's `overall_score`/`grade`/...).
#[derive(ToSchema)]
#[schema(example = json!({"id":7,"site_id":1,"url":"https://competitor.example","final_url":"https://www.competitor.example/",
 "scan_type":"full","max_pages":25,"status":"completed","score":77,"overall_score":77,"grade":"C",
 "pages_discovered":40,"pages_analyzed":25,"pages_crawled":25,"scan_duration_seconds":18.42,
 "technical_score":88,"content_score":78,"structure_score":70,"performance_score":74,"seo_score":73,
 "category_scores":{"technical":88,"content":78,"structure":70,"performance":74,"onpage":73},
 "results":{"technical_score":88,"content_score":78,"structure_score":70,"performance_score":74,"seo_score":73,"issues":[],"recommendations":[]},
 "recommendations":[],"ruleset_revision":1,"error_message":"","created_at":"2026-11-26T07:00:00.000000Z",
 "started_at":"2026-11-26T07:00:00.412000Z","completed_at":"2026-11-26T07:00:18.830000Z"}))]
pub struct Scan {
    pub id: i64,
    pub url: String,
    pub scan_type: String,
    pub status: String,
    pub score: Option<i64>,
    pub overall_score: Option<i64>,
    pub grade: Option<String>,
    pub error_message: String,
}

/// `POST /scans/` body (§11.2): `site_id` is required with a JWT and implied by a site key.
#[derive(ToSchema)]
#[schema(example = json!({"url":"https://competitor.example","scan_type":"full","site_id":1}))]
pub struct ScanCreate {
    pub url: String,
    /// `quick` or `full` (default `full`).
    pub scan_type: Option<String>,
    pub site_id: Option<i64>,
}

/// A page of scans (§2.8 pagination).
#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":7,"url":"https://competitor.example","status":"pending"}]}))]
pub struct ScanList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<Value>,
}

/// The scan report (§11.5): category scores, top issues by impact, per-page scores and recommendations.
#[derive(ToSchema)]
#[schema(example = json!({"scan_id":7,"url":"https://competitor.example","overall_score":77,"grade":"C",
 "category_scores":{"technical":88,"content":78,"structure":70,"performance":74,"onpage":73},
 "top_issues":[],"pages":[{"url":"https://www.competitor.example/","score":81,"grade":"B"}],"recommendations":[]}))]
pub struct ScanReport {
    pub overall_score: Option<i64>,
    pub grade: Option<String>,
    pub category_scores: Value,
    pub pages: Vec<Value>,
}

/// An extension version (§14.2).
#[derive(ToSchema)]
#[schema(example = json!({"id":12,"extension":"acme-local-rules","name":"Acme local rules","version":"1.2.0","kind":"rule",
 "api_version":"1.0.0","source":"upload","sha256":"9f2c4a0d5e...","size_bytes":84211,"status":"validated",
 "categories":["content"],"validation_report":{"compile_ms":84,"fixtures":[]},"in_active_revision":false,
 "created_by":{"id":1,"email":"ops@example.com"},"created_at":"2026-11-26T06:50:00.000000Z"}))]
pub struct ExtensionVersion {
    pub id: i64,
    pub extension: String,
    pub version: String,
    pub kind: String,
    pub sha256: String,
    pub status: String,
}

/// The `multipart/form-data` form of `POST /extensions/`: one file part (named `module`, `component` or `file`).
#[derive(ToSchema)]
pub struct ExtensionUploadForm {
    /// The component's bytes (`application/wasm` or `application/octet-stream`). `component` and `file` are
    /// accepted as names too.
    #[schema(content_media_type = "application/wasm")]
    pub module: Vec<u8>,
    /// Ignored.
    pub notes: Option<String>,
}

/// A page of extension versions, upload attempts, revisions or activations (§2.8 pagination).
#[derive(ToSchema)]
#[schema(example = json!({"count":1,"next":null,"previous":null,"results":[{"id":12}]}))]
pub struct StaffList {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<Value>,
}

/// A ruleset revision (§14.5); `GET /rulesets/active/` adds `instances`, `rescore_pending` and `rescoring`.
#[derive(ToSchema)]
#[schema(example = json!({"id":5,"revision":5,"is_active":true,"comment":"Add Acme local rules",
 "created_by":{"id":1,"email":"ops@example.com"},"created_at":"2026-11-26T06:55:00.000000Z",
 "activated_at":"2026-11-26T06:55:00.120000Z",
 "entries":[{"extension_version_id":1,"extension":"siloq.core-rules","version":"1.0.0","kind":"rule","enabled":true,"config":{}}]}))]
pub struct Revision {
    pub id: i64,
    pub revision: i64,
    pub is_active: bool,
    pub entries: Vec<Value>,
}

/// `POST /rulesets/` body (§14.6).
#[derive(ToSchema)]
#[schema(example = json!({"comment":"Add Acme local rules","entries":[{"extension_version_id":12,"enabled":true,"config":{}}]}))]
pub struct RevisionCreate {
    pub comment: Option<String>,
    pub entries: Vec<Value>,
}

/// `POST /rulesets/rollback/` body (§14.7): optional target revision.
#[derive(ToSchema)]
#[schema(example = json!({"revision":4}))]
pub struct RollbackRequest {
    pub revision: Option<i64>,
}

/// `POST /rulesets/preview/` body (§14.8): a site and a candidate (`revision` or `entries`).
#[derive(ToSchema)]
#[schema(example = json!({"site_id":1,"revision":6}))]
pub struct PreviewRequest {
    pub site_id: i64,
    pub revision: Option<i64>,
    pub entries: Option<Vec<Value>>,
}

/// Preview answer (§14.8): per-page score deltas and issue changes; nothing is written.
#[derive(ToSchema)]
#[schema(example = json!({"site_id":1,"active_revision":5,"candidate":{"revision":6},"pages":[{"page_id":3,"url":"https://example.com/a/",
 "score_before":81,"score_after":78,"delta":-3,"issues_added":["acme.local.nap_missing"],"issues_removed":[]}]}))]
pub struct PreviewResult {
    pub site_id: i64,
    pub pages: Vec<Value>,
}
