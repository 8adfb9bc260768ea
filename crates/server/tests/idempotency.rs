//! Idempotency-Key: a retry gets the first answer and books nothing new.

mod common;

use common::{World, days};
use reqwest::Method;
use serde_json::json;

async fn post_with_key(c: &common::Client, key: &str, body: &serde_json::Value) -> common::Answer {
    let res = c
        .http
        .request(Method::POST, format!("{}/api/v1/orders", c.base))
        .bearer_auth(c.token.as_deref().unwrap_or(""))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = res.status();
    let headers = res.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = res.json().await.unwrap_or(serde_json::Value::Null);
    common::Answer {
        status,
        content_type,
        body,
        headers,
    }
}

#[tokio::test]
async fn a_retry_gets_the_first_answer_and_books_nothing_new() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let body = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(5, 6), "tariff_id": w.daily}]});
    let first = post_with_key(&w.manager, "retry-1", &body).await;
    let number = first.ok(201)["number"].as_i64().expect("number");
    let again = post_with_key(&w.manager, "retry-1", &body).await;
    assert_eq!(again.ok(201)["number"], json!(number));
    assert_eq!(
        again.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    assert_eq!(list.ok(200)["items"].as_array().map(Vec::len), Some(1));
    // The same key with another body is refused and books nothing.
    let other = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[1], "period": days(5, 6), "tariff_id": w.daily}]});
    post_with_key(&w.manager, "retry-1", &other).await.problem(422);
    assert_eq!(
        w.manager.get("/api/v1/coworking/tickets").await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // A refused first answer is replayed as it was.
    let clash = post_with_key(&w.manager, "retry-2", &body).await;
    clash.problem(409);
    post_with_key(&w.manager, "retry-2", &body).await.problem(409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retries_racing_each_other_create_one_order() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Столповский").await;
    let body = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[2], "period": days(8, 8), "tariff_id": w.daily}]});
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (m, b) = (w.manager.clone(), body.clone());
        tasks.push(tokio::spawn(async move { post_with_key(&m, "race-key", &b).await }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        let a = t.await.expect("task");
        numbers.push(a.ok(201)["number"].as_i64().expect("number"));
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "every retry got the first order: {numbers:?}");
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    assert_eq!(list.ok(200)["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn keys_belong_to_their_user() {
    let w = World::new().await;
    let other_manager = w.server.user("rental_manager", "Ольга", "Смирнова").await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let a = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(3, 3), "tariff_id": w.daily}]});
    let b = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[1], "period": days(3, 3), "tariff_id": w.daily}]});
    let first = post_with_key(&w.manager, "same", &a).await.ok(201)["number"].as_i64();
    let second = post_with_key(&other_manager, "same", &b).await.ok(201)["number"].as_i64();
    assert_ne!(first, second);
    let bad = post_with_key(&w.manager, "", &a).await;
    bad.problem(422);
}

/// Runs one statement on the test's database, as a crash would leave it.
async fn tamper(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query(sql).execute(&mut c).await.expect(sql);
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query(sql).execute(&mut c).await.expect(sql);
    }
}

/// The process dies after the order commits and before the answer is kept:
/// the key then holds no answer. A retry, even long after, gets that order
/// back and books nothing new (before, it waited out the claim and booked a
/// second order).
#[tokio::test]
async fn a_retry_after_a_crash_between_commit_and_answer_gets_the_order_it_made() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let body = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[1], "period": days(7, 8), "tariff_id": w.daily}]});
    let first = post_with_key(&w.manager, "crash-1", &body).await;
    let number = first.ok(201)["number"].as_i64().expect("number");
    tamper(
        &w.server.database_url,
        "UPDATE idempotency_keys SET status = NULL, body = NULL, created_at = 0 WHERE key = 'crash-1'",
    )
    .await;
    let retry = post_with_key(&w.manager, "crash-1", &body).await;
    assert_eq!(retry.ok(201)["number"], json!(number), "{}", retry.body);
    assert_eq!(retry.body["tickets"], first.body["tickets"]);
    assert_eq!(
        retry.headers.get("idempotent-replayed").and_then(|h| h.to_str().ok()),
        Some("true")
    );
    let again = post_with_key(&w.manager, "crash-1", &body).await;
    assert_eq!(again.ok(201)["number"], json!(number), "the recovered answer is kept");
    let mine = v.get("/api/v1/me/tickets").await;
    assert_eq!(
        mine.ok(200)["items"].as_array().map(Vec::len),
        Some(1),
        "one order, one ticket"
    );
}
