//! Accounts over HTTP (api.md §5.1, §5.2, §5.5; security.md PW-3..PW-6, CC-3): register, login, me, and the body
//! rejections every JSON route shares.

use serde_json::{Value, json};
use siloq_tests::{Resp, TestApp};

const USER_KEYS: [&str; 10] = [
    "id",
    "email",
    "username",
    "name",
    "first_name",
    "last_name",
    "is_staff",
    "is_superuser",
    "subscription_tier",
    "created_at",
];

fn assert_user_object(user: &Value) {
    let keys: Vec<&str> = user
        .as_object()
        .expect("user object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), USER_KEYS.len(), "{user}");
    for key in USER_KEYS {
        assert!(keys.contains(&key), "missing {key} in {user}");
    }
    let created = user["created_at"].as_str().unwrap();
    // 2026-11-26T06:28:06.863651Z
    assert_eq!(created.len(), 27, "{created}");
    assert!(
        created.ends_with('Z') && created.as_bytes()[19] == b'.',
        "{created}"
    );
    assert!(!user.to_string().contains("argon2"), "hash leaked: {user}");
}

fn assert_token_answer(r: &Resp) {
    let access = r.str("access");
    assert_eq!(r.str("token"), access, "token == access");
    assert_eq!(access.split('.').count(), 3, "a JWT");
    let refresh = r.str("refresh");
    assert!(refresh.starts_with("siloq_rt_"), "{refresh}");
    let body = &refresh["siloq_rt_".len()..];
    assert_eq!(body.len(), 43);
    assert!(
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_user_object(&r.json["user"]);
}

async fn register(app: &TestApp, body: Value) -> Resp {
    app.post("/api/v1/auth/register/").json(&body).send().await
}

#[tokio::test]
async fn register_creates_an_account_and_signs_in() {
    let app = TestApp::spawn().await;
    let r = register(
        &app,
        json!({"name":"  Alice   van Smith ","email":" Alice@Example.COM ","password":"correct horse"}),
    )
    .await
    .expect(201);
    assert_eq!(r.str("message"), "Registration successful");
    assert_token_answer(&r);
    let user = &r.json["user"];
    assert_eq!(user["email"], "alice@example.com");
    assert_eq!(user["username"], "alice@example.com");
    assert_eq!(user["first_name"], "Alice");
    assert_eq!(user["last_name"], "van Smith");
    assert_eq!(user["name"], "Alice van Smith");
    assert_eq!(user["is_staff"], false);
    assert_eq!(user["subscription_tier"], "free_trial");

    let me = app
        .get("/api/v1/auth/me")
        .bearer(r.str("access"))
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["user"], r.json["user"]);
    assert_eq!(me.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn explicit_first_and_last_names_win_over_name_when_not_blank() {
    let app = TestApp::spawn().await;
    let r = register(
        &app,
        json!({"name":"Ann Other","first_name":"Anna","last_name":"  ","email":"ann@x.test","password":"password-1"}),
    )
    .await
    .expect(201);
    assert_eq!(r.json["user"]["first_name"], "Anna");
    assert_eq!(r.json["user"]["last_name"], "Other");
    let r = register(&app, json!({"email":"bob@x.test","password":"password-1"}))
        .await
        .expect(201);
    assert_eq!(r.json["user"]["name"], "");
}

#[tokio::test]
async fn register_validation_errors_follow_the_field_table() {
    let app = TestApp::spawn().await;
    let r = register(&app, json!({"email":"not-an-email"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"email: Enter a valid email address.","code":"invalid","email":["Enter a valid email address."],"password":["This field is required."]})
    );
    let keys: Vec<&String> = r.json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["detail", "code", "email", "password"]);

    let r = register(&app, json!({"email":"a@x.test","password":"short12"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"password: Ensure this field has at least 8 characters.","code":"invalid","password":["Ensure this field has at least 8 characters."]})
    );
    let r = register(&app, json!({"email":"a@x.test","password":"p".repeat(129)}))
        .await
        .expect(400);
    assert_eq!(
        r.json["password"],
        json!(["Ensure this field has no more than 128 characters."])
    );
    let r = register(&app, json!({})).await.expect(400);
    assert_eq!(r.str("detail"), "email: This field is required.");
    let r = register(
        &app,
        json!({"email":"a@x.test","password":"password-1","name":"n".repeat(301),"last_name":null}),
    )
    .await
    .expect(400);
    assert_eq!(
        r.json["name"],
        json!(["Ensure this field has no more than 300 characters."])
    );
    assert_eq!(r.json["last_name"], json!(["This field may not be null."]));
    // None of these created an account.
    let r = register(&app, json!({"email":"a@x.test","password":"password-1"})).await;
    r.expect(201);
}

#[tokio::test]
async fn duplicate_email_is_refused_whatever_the_case() {
    let app = TestApp::spawn().await;
    register(&app, json!({"email":"dup@x.test","password":"password-1"}))
        .await
        .expect(201);
    let r = register(&app, json!({"email":"DUP@X.Test","password":"password-2"}))
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"email: A user with this email already exists.","code":"invalid","email":["A user with this email already exists."]})
    );
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_make_one_account() {
    let app = TestApp::spawn().await;
    for round in 0..3 {
        let emails = [format!("Ann{round}@x.test"), format!("ann{round}@x.test")];
        let tasks: Vec<_> = emails
            .iter()
            .map(|email| {
                let client = app.client.clone();
                let body = json!({"email": email, "password": "password-1"});
                tokio::spawn(async move {
                    client
                        .post("/api/v1/auth/register/")
                        .json(&body)
                        .send()
                        .await
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            let r = task.await.unwrap();
            if r.status() == 400 {
                assert_eq!(
                    r.json["email"],
                    json!(["A user with this email already exists."])
                );
            }
            statuses.push(r.status());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 400], "round {round}");
    }
}

#[tokio::test]
async fn mass_assignment_is_ignored() {
    let app = TestApp::spawn().await;
    let r = register(
        &app,
        json!({"email":"eve@x.test","password":"password-1","is_staff":true,"is_superuser":true,
               "subscription_tier":"pro","id":999,"is_active":false}),
    )
    .await
    .expect(201);
    let me = app
        .get("/api/v1/auth/me/")
        .bearer(r.str("token"))
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["user"]["is_staff"], false);
    assert_eq!(me.json["user"]["is_superuser"], false);
    assert_eq!(me.json["user"]["subscription_tier"], "free_trial");
    assert_ne!(me.json["user"]["id"], 999);
}

#[tokio::test]
async fn login_answers_tokens_and_the_user() {
    let app = TestApp::spawn().await;
    let a = app.user("Alice@x.test").await;
    let r = app
        .post("/api/v1/auth/login/")
        .json(&json!({"email":" ALICE@x.test ","password":a.password}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.str("message"), "Login successful");
    assert_token_answer(&r);
    assert_eq!(r.json["user"]["email"], "alice@x.test");
    app.get("/api/v1/auth/me")
        .bearer(r.str("access"))
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn login_failures_are_identical_for_every_cause() {
    let app = TestApp::spawn().await;
    let a = app.user("alice@x.test").await;
    let expected = json!({"detail":"Invalid email or password.","code":"invalid_credentials","non_field_errors":["Invalid email or password."]});
    let attempts = [
        json!({"email":"alice@x.test","password":"wrong-password"}),
        json!({"email":"ghost@x.test","password":"wrong-password"}),
        json!({"email":"alice@x.test","password":"p".repeat(129)}),
    ];
    let mut texts = Vec::new();
    for body in attempts {
        let r = app
            .post("/api/v1/auth/login")
            .json(&body)
            .send()
            .await
            .expect(400);
        assert_eq!(r.json, expected);
        texts.push(r.text);
    }
    assert!(texts.windows(2).all(|w| w[0] == w[1]));
    let r = app
        .post("/api/v1/auth/login")
        .json(&json!({"email":"alice@x.test"}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.json["password"], json!(["This field is required."]));
    // The right password still works: three failures are below the default limit, and nothing was truncated.
    app.post("/api/v1/auth/login")
        .json(&json!({"email":"alice@x.test","password":a.password}))
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn an_inactive_user_gets_the_same_login_failure() {
    let app = TestApp::spawn().await;
    let a = app.user("sleepy@x.test").await;
    app.state()
        .store
        .set_user_active(a.id, false)
        .await
        .unwrap();
    // The deactivation also cut off the session the harness had started (PW-7).
    app.get("/api/v1/auth/me")
        .bearer(&a.token)
        .send()
        .await
        .expect(401);
    let r = app
        .post("/api/v1/auth/login")
        .json(&json!({"email":"sleepy@x.test","password":a.password}))
        .send()
        .await
        .expect(400);
    assert_eq!(r.str("code"), "invalid_credentials");
}

#[tokio::test]
async fn me_patch_updates_names_and_ignores_other_keys() {
    let app = TestApp::spawn().await;
    let a = app.user("pat@x.test").await;
    let r = app
        .patch("/api/v1/auth/me")
        .bearer(&a.token)
        .json(&json!({"name":"Pat  Q Public","email":"other@x.test","is_staff":true}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["user"]["first_name"], "Pat");
    assert_eq!(r.json["user"]["last_name"], "Q Public");
    assert_eq!(r.json["user"]["name"], "Pat Q Public");
    assert_eq!(r.json["user"]["email"], "pat@x.test");
    assert_eq!(r.json["user"]["is_staff"], false);
    assert_user_object(&r.json["user"]);

    let r = app
        .patch("/api/v1/auth/me/")
        .bearer(&a.token)
        .json(&json!({"last_name":"Smith"}))
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["user"]["name"], "Pat Smith");
    let r = app
        .patch("/api/v1/auth/me/")
        .bearer(&a.token)
        .json(&json!({"first_name":"x".repeat(151)}))
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.str("detail"),
        "first_name: Ensure this field has no more than 150 characters."
    );
    let me = app
        .get("/api/v1/auth/me")
        .bearer(&a.token)
        .send()
        .await
        .expect(200);
    assert_eq!(me.json["user"]["name"], "Pat Smith");
    app.patch("/api/v1/auth/me")
        .json(&json!({"name":"x"}))
        .send()
        .await
        .expect(401);
}

#[tokio::test]
async fn register_rejects_bad_bodies_with_json_errors() {
    let app = TestApp::spawn().await;
    let path = "/api/v1/auth/register/";
    let big = vec![b' '; 3 * 1024 * 1024];
    let r = app
        .post(path)
        .body("application/json", big)
        .send()
        .await
        .expect(413);
    assert_eq!(
        r.json,
        json!({"detail":"Request body too large.","code":"payload_too_large"})
    );
    let r = app
        .post(path)
        .body("application/x-www-form-urlencoded", "email=a%40x.test")
        .send()
        .await
        .expect(415);
    assert_eq!(
        r.json,
        json!({"detail":"Unsupported media type \"application/x-www-form-urlencoded\" in request.","code":"unsupported_media_type"})
    );
    let r = app
        .post(path)
        .body("application/json", "{\"name\":")
        .send()
        .await
        .expect(400);
    assert_eq!(r.str("code"), "parse_error");
    assert!(r.str("detail").starts_with("JSON parse error - "));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let r = app
        .post(path)
        .body("application/json", deep)
        .send()
        .await
        .expect(400);
    assert_eq!(r.str("code"), "parse_error");
    let r = app
        .post(path)
        .body("application/json", "[]")
        .send()
        .await
        .expect(400);
    assert_eq!(
        r.json,
        json!({"detail":"Invalid data. Expected a dictionary, but got list.","code":"invalid",
               "non_field_errors":["Invalid data. Expected a dictionary, but got list."]})
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
}
