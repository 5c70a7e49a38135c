//! `GET /sites/{id}/overview` (api.md §6.6) and the figures the site object derives from stored pages
//! (`page_count`, `api_key_count`, `health_score`).

use serde_json::json;
use siloq_tests::{Arg, Seed, TestApp};

#[tokio::test]
async fn overview_of_a_site_without_pages() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let r = app
        .get(&format!("/api/v1/sites/{}/overview", site.0))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(
        r.json,
        json!({"site_id":site.0,"site_name":"Site https://a.example","health_score":0,"total_pages":0,
               "total_issues":0,"last_synced_at":null,"pages_scored":0,
               "category_scores":{"technical":null,"content":null,"structure":null,"performance":null,"onpage":null},
               "issues_by_severity":{"critical":0,"high":0,"medium":0,"low":0},"top_issues":[],"ruleset":null})
    );
}

#[tokio::test]
async fn overview_and_site_object_read_the_stored_score_cards() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    let cats = |content: i64, structure: i64, onpage: i64| json!({"technical":null,"content":content,"structure":structure,"performance":null,"onpage":onpage});
    let issue = |t: &str, sev: &str, msg: &str| json!({"type":t,"category":"structure","severity":sev,"message":msg,"points_lost":1.0,"details":{}});
    app.seed_page(
        site.0,
        Seed {
            wp: "1",
            status: "publish",
            noindex: false,
            score: Some(80),
            categories: Some(cats(80, 80, 80)),
            issues: json!([
                issue("links.internal.none", "high", "first page text"),
                issue("img.alt", "low", "alt")
            ]),
        },
    )
    .await;
    app.seed_page(
        site.0,
        Seed {
            wp: "2",
            status: "publish",
            noindex: false,
            score: Some(60),
            categories: Some(cats(60, 60, 60)),
            issues: json!([
                issue("links.internal.none", "high", "second page text"),
                issue("meta.x", "medium", "m"),
                issue("meta.x", "medium", "m again")
            ]),
        },
    )
    .await;
    // Left out of health (noindex, draft), but counted in totals and issues.
    app.seed_page(
        site.0,
        Seed {
            wp: "3",
            status: "publish",
            noindex: true,
            score: Some(40),
            categories: Some(cats(100, 100, 100)),
            issues: json!([issue("index.noindex", "critical", "noindex")]),
        },
    )
    .await;
    app.seed_page(
        site.0,
        Seed {
            wp: "4",
            status: "draft",
            noindex: false,
            score: Some(10),
            categories: Some(cats(10, 10, 10)),
            issues: json!([]),
        },
    )
    .await;
    app.seed_page(
        site.0,
        Seed {
            wp: "5",
            status: "publish",
            noindex: false,
            score: None,
            categories: None,
            issues: json!([]),
        },
    )
    .await;

    let r = app
        .get(&format!("/api/v1/sites/{}/overview/", site.0))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["health_score"], 70);
    assert_eq!(r.json["total_pages"], 5);
    assert_eq!(r.json["total_issues"], 6);
    assert_eq!(r.json["pages_scored"], 4);
    assert_eq!(r.json["category_scores"], cats(70, 70, 70));
    assert_eq!(
        r.json["issues_by_severity"],
        json!({"critical":1,"high":2,"medium":2,"low":1})
    );
    assert_eq!(
        r.json["top_issues"],
        json!([
            {"type":"index.noindex","category":"structure","severity":"critical","message":"noindex","pages_affected":1},
            {"type":"links.internal.none","category":"structure","severity":"high","message":"first page text","pages_affected":2},
            {"type":"meta.x","category":"structure","severity":"medium","message":"m","pages_affected":1},
            {"type":"img.alt","category":"structure","severity":"low","message":"alt","pages_affected":1},
        ])
    );
    let s = app
        .get(&format!("/api/v1/sites/{}", site.0))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(s.json["page_count"], 5);
    assert_eq!(s.json["health_score"], 70);
    let list = app
        .get("/api/v1/sites")
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(list.json["results"][0]["health_score"], 70);
}

#[tokio::test]
async fn api_key_count_counts_active_keys_only() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice@example.com").await;
    let site = app.site(&alice, "https://a.example").await;
    for _ in 0..3 {
        app.key(site).await;
    }
    let first = app
        .database
        .fetch_i64(
            "SELECT MIN(id) FROM api_keys WHERE site_id = $1",
            &[Arg::Int(site.0)],
        )
        .await
        .expect("a key");
    app.delete(&format!("/api/v1/api-keys/{first}"))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    app.database
        .execute(
            "UPDATE api_keys SET expires_at = $1 WHERE id = (SELECT MAX(id) FROM api_keys WHERE site_id = $2)",
            &[Arg::Time(chrono::Utc::now() - chrono::Duration::hours(1)), Arg::Int(site.0)],
        )
        .await;
    let r = app
        .get(&format!("/api/v1/sites/{}", site.0))
        .bearer(&alice.token)
        .send()
        .await
        .expect(200);
    assert_eq!(r.json["api_key_count"], 1);
}
