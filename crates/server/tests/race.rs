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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_validations_of_one_ticket_record_exactly_one() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Гонка", "Валидаций").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[1], days(4, 4)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let m = w.manager.clone();
        let path = format!("/api/v1/coworking/tickets/{ticket}/validation");
        tasks.push(tokio::spawn(async move { m.post(&path, serde_json::json!({})).await }));
    }
    let mut ok = 0;
    for t in tasks {
        let a = t.await.expect("task");
        match a.status.as_u16() {
            200 => ok += 1,
            409 => {
                a.problem(409);
            }
            other => panic!("unexpected {other}: {}", a.body),
        }
    }
    assert_eq!(ok, 1);
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    let validated = t.body["history"]
        .as_array()
        .map(|h| h.iter().filter(|e| e["kind"] == "validated").count());
    assert_eq!(validated, Some(1), "no lost or doubled update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_tickets_moving_into_one_free_workplace_at_once_one_wins() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Гонка", "Мест").await;
    let (_, a) = w.ticket(v.user_id, w.workplaces[0], days(6, 6)).await;
    let (_, b) = w.ticket(v.user_id, w.workplaces[1], days(6, 6)).await;
    let target = w.workplaces[2];
    let (m1, m2) = (w.manager.clone(), w.manager.clone());
    let (pa, pb) = (
        format!("/api/v1/coworking/tickets/{a}/workplace"),
        format!("/api/v1/coworking/tickets/{b}/workplace"),
    );
    let (r1, r2) = tokio::join!(
        m1.put(&pa, serde_json::json!({"workplace_id": target})),
        m2.put(&pb, serde_json::json!({"workplace_id": target}))
    );
    let mut statuses = [r1.status.as_u16(), r2.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    let on_target = list.body["items"].as_array().map(|i| {
        i.iter()
            .filter(|t| t["workplace"]["id"] == serde_json::json!(target))
            .count()
    });
    assert_eq!(on_target, Some(1));
}
