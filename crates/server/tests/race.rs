//! Many clients, one workplace-day: exactly one wins.

mod common;

use common::{World, days};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_of_one_workplace_day_admit_exactly_one() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Гонка", "Клиентов").await;
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let m = w.manager.clone();
        let body = serde_json::json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(9, 9), "tariff_id": w.daily}]});
        tasks.push(tokio::spawn(async move { m.post("/api/v1/orders", body).await }));
    }
    let mut won = 0;
    let mut lost = 0;
    for t in tasks {
        let a = t.await.expect("task");
        match a.status.as_u16() {
            201 => won += 1,
            409 => {
                a.problem(409);
                lost += 1
            }
            other => panic!("unexpected {other}: {}", a.body),
        }
    }
    assert_eq!((won, lost), (1, 23));
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
}
