//! The durable job queue on both backends: exclusive claims, leases that expire and move work to another
//! worker, fencing tokens, retries and exhaustion (security.md §13).

use chrono::{Duration, Utc};
use serde_json::json;
use siloq_kernel::db::{self, DynStore, NewJob, Retry};
use siloq_tests::{TestDatabase, test_config};

async fn store() -> (TestDatabase, DynStore) {
    let database = TestDatabase::create().await;
    let store = db::connect(&test_config(&database.url).database)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    (database, store)
}

fn job(kind: &str, key: Option<&str>, max_attempts: i64) -> NewJob {
    NewJob {
        kind: kind.into(),
        payload: json!({"n": 1}),
        unique_key: key.map(String::from),
        run_at: Utc::now(),
        max_attempts,
    }
}

fn kinds(k: &str) -> Vec<String> {
    vec![k.to_string()]
}

#[tokio::test]
async fn pending_jobs_are_deduplicated_by_unique_key_until_they_finish() {
    let (_db, store) = store().await;
    assert!(
        store
            .enqueue_job(&job("k", Some("page:1"), 3))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .enqueue_job(&job("k", Some("page:1"), 3))
            .await
            .unwrap()
            .is_none(),
        "a duplicate pending job is a no-op"
    );
    let claimed = store
        .claim_job(&kinds("k"), "w1", Utc::now() + Duration::seconds(60))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .complete_job(claimed.id, &claimed.lease_token)
            .await
            .unwrap()
    );
    assert!(
        store
            .enqueue_job(&job("k", Some("page:1"), 3))
            .await
            .unwrap()
            .is_some(),
        "after completion the key is free again"
    );
    assert_eq!(store.pending_jobs("k").await.unwrap(), 1);
}

#[tokio::test]
async fn concurrent_claims_never_share_a_job() {
    let (_db, store) = store().await;
    for _ in 0..10 {
        store.enqueue_job(&job("k", None, 3)).await.unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            while let Some(j) = store
                .claim_job(
                    &kinds("k"),
                    &format!("w{w}"),
                    Utc::now() + Duration::seconds(60),
                )
                .await
                .unwrap()
            {
                ids.push(j.id);
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(before, 10, "every job claimed once");
    assert_eq!(all.len(), 10, "no job claimed twice");
}

#[tokio::test]
async fn an_expired_lease_moves_the_job_and_fences_the_old_owner() {
    let (_db, store) = store().await;
    store.enqueue_job(&job("k", None, 3)).await.unwrap();
    // The first worker "dies": its lease is already over.
    let first = store
        .claim_job(&kinds("k"), "dead", Utc::now() - Duration::seconds(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.attempts, 1);
    let second = store
        .claim_job(&kinds("k"), "alive", Utc::now() + Duration::seconds(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.attempts, 2);
    assert!(
        !store
            .complete_job(first.id, &first.lease_token)
            .await
            .unwrap(),
        "the old token is fenced off"
    );
    assert!(
        !store
            .heartbeat_job(
                first.id,
                &first.lease_token,
                Utc::now() + Duration::seconds(60)
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .heartbeat_job(
                second.id,
                &second.lease_token,
                Utc::now() + Duration::seconds(60)
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .complete_job(second.id, &second.lease_token)
            .await
            .unwrap()
    );
    assert_eq!(store.pending_jobs("k").await.unwrap(), 0);
}

#[tokio::test]
async fn failures_retry_later_then_exhaust() {
    let (_db, store) = store().await;
    store.enqueue_job(&job("k", None, 2)).await.unwrap();
    let j = store
        .claim_job(&kinds("k"), "w", Utc::now() + Duration::seconds(60))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .fail_job(
                j.id,
                &j.lease_token,
                "boom",
                Retry::At(Utc::now() + Duration::hours(1))
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_job(&kinds("k"), "w", Utc::now() + Duration::seconds(60))
            .await
            .unwrap()
            .is_none(),
        "not due before its retry time"
    );
    assert_eq!(store.pending_jobs("k").await.unwrap(), 1);

    // A job whose lease expires after its last attempt ends failed, not processing forever.
    store.enqueue_job(&job("x", None, 1)).await.unwrap();
    store
        .claim_job(&kinds("x"), "dead", Utc::now() - Duration::seconds(1))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .claim_job(&kinds("x"), "w", Utc::now() + Duration::seconds(60))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.pending_jobs("x").await.unwrap(),
        0,
        "exhausted: attempts_exhausted"
    );
}

#[tokio::test]
async fn a_released_job_is_claimable_at_once_and_its_attempt_is_not_counted() {
    let (_db, store) = store().await;
    // One attempt allowed: a hand-back must not use it up.
    store.enqueue_job(&job("k", None, 1)).await.unwrap();
    let lease = Utc::now() + Duration::seconds(600);
    let first = store
        .claim_job(&kinds("k"), "a", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.attempts, 1);
    assert!(
        !store.release_job(first.id, "not-the-token").await.unwrap(),
        "only the lease holder hands a job back"
    );
    assert!(
        store
            .release_job(first.id, &first.lease_token)
            .await
            .unwrap()
    );
    assert!(
        !store
            .release_job(first.id, &first.lease_token)
            .await
            .unwrap(),
        "released once"
    );
    // Due now despite the long lease, and the attempt was given back.
    let second = store
        .claim_job(&kinds("k"), "b", lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.attempts, 1);
    assert_ne!(second.lease_token, first.lease_token);
    // The old token is fenced off.
    assert!(
        !store
            .complete_job(first.id, &first.lease_token)
            .await
            .unwrap()
    );
    assert!(
        store
            .complete_job(second.id, &second.lease_token)
            .await
            .unwrap()
    );
    assert_eq!(store.pending_jobs("k").await.unwrap(), 0);
}
