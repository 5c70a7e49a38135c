//! The store suite: the same assertions against whichever backend the harness provides (SQLite by default,
//! PostgreSQL with SILOQ_TEST_DATABASE_URL).

use siloq_kernel::db::{self, Constraint, NewUser, StoreError, UserId};
use siloq_tests::{TestDatabase, test_config};

async fn store() -> (TestDatabase, db::DynStore) {
    let database = TestDatabase::create().await;
    let config = test_config(&database.url);
    let store = db::connect(&config.database).await.expect("connect");
    store.migrate().await.expect("migrate");
    assert!(store.migrations_current().await.unwrap());
    (database, store)
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        password_hash: "$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA".into(),
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        is_staff: false,
        is_superuser: false,
    }
}

#[tokio::test]
async fn users_round_trip_and_conflict_on_email() {
    let (_db, store) = store().await;
    let created = store.create_user(&new_user("ann@x.test")).await.unwrap();
    assert!(created.is_active && !created.is_staff);
    assert_eq!(created.subscription_tier, "free_trial");
    let by_email = store.user_by_email("ann@x.test").await.unwrap();
    assert_eq!(by_email.id, created.id);
    assert_eq!(
        store.user_by_id(created.id).await.unwrap().email,
        "ann@x.test"
    );

    match store.create_user(&new_user("ann@x.test")).await {
        Err(StoreError::Conflict(Constraint::UserEmail)) => {}
        other => panic!("expected a named email conflict, got {other:?}"),
    }
    let renamed = store
        .update_user_names(created.id, "Anne", "Leigh")
        .await
        .unwrap();
    assert_eq!(
        (renamed.first_name.as_str(), renamed.last_name.as_str()),
        ("Anne", "Leigh")
    );
    assert!(matches!(
        store.user_by_id(UserId(999_999)).await,
        Err(StoreError::NotFound)
    ));
    store.close().await;
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let (_db, store) = store().await;
    store.migrate().await.expect("second run is a no-op");
    store.ping().await.unwrap();
    store.close().await;
}

#[tokio::test]
async fn unknown_scheme_is_refused() {
    let mut config = test_config("mysql://x@y/z");
    config.database.url = "mysql://x@y/z".into();
    assert!(matches!(
        db::connect(&config.database).await,
        Err(StoreError::Other(_))
    ));
}
