//! The orders list: number descending by cursor, every filter, statuses as
//! they read now, bad queries refused with a 400 naming the parameter.

mod common;

use common::{World, day, days, numbers};
use serde_json::json;

#[tokio::test]
async fn orders_come_newest_first_page_by_page_with_customer_total_and_tickets() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(w.ticket(v.user_id, w.workplaces[0], days(i * 2 + 1, i * 2 + 1)).await);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/orders?limit=2".to_owned();
    loop {
        let page = w.manager.get(&path).await;
        let body = page.ok(200);
        assert!(body["items"].as_array().is_some_and(|i| i.len() <= 2), "{body}");
        seen.extend(numbers(body));
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/orders?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut expected: Vec<i64> = made.iter().map(|(o, _)| *o).collect();
    expected.reverse();
    assert_eq!(seen, expected, "every order once, number descending");

    let page = w.manager.clone().lang("ru").get("/api/v1/orders?limit=1").await;
    let first = &page.ok(200)["items"][0];
    let (order, ticket) = made[4];
    assert_eq!(first["number"], json!(order));
    assert_eq!(first["status"], "new");
    assert_eq!(first["status_text"], "Новый");
    assert_eq!(first["total"], "1500.00");
    assert_eq!(first["currency"], "RUB");
    assert_eq!(first["customer"]["id"], json!(v.user_id));
    assert_eq!(first["customer"]["last_name"], "Семенова");
    assert_eq!(first["tickets"], json!([{"number": ticket, "status": "new"}]));
    let created = first["created_at"].as_str().unwrap_or("");
    assert!(
        created.parse::<jiff::Timestamp>().is_ok() && created.ends_with("+03:00"),
        "an instant at the venue's offset: {created}"
    );
}

#[tokio::test]
async fn the_list_filters_by_number_customer_and_status() {
    let w = World::new().await;
    let anna = w.server.user("visitor", "Анна", "Кац").await;
    let ivan = w.server.user("visitor", "Иван", "Петров").await;
    let (a1, _) = w.ticket(anna.user_id, w.workplaces[0], days(1, 1)).await;
    let (i1, _) = w.ticket(ivan.user_id, w.workplaces[1], days(1, 1)).await;
    let (a2, _) = w.ticket(anna.user_id, w.workplaces[2], days(2, 2)).await;
    w.set_order_status(a2, "confirmed").await.ok(200);
    w.set_order_status(i1, "cancelled").await.ok(200);

    let got = |q: String| {
        let m = &w.manager;
        async move { numbers(m.get(&format!("/api/v1/orders?{q}")).await.ok(200)) }
    };
    assert_eq!(got(format!("number={a1}")).await, vec![a1]);
    assert_eq!(got(format!("customer_id={}", anna.user_id)).await, vec![a2, a1]);
    assert_eq!(got("status=confirmed".into()).await, vec![a2]);
    assert_eq!(got("status=new,cancelled".into()).await, vec![i1, a1]);
    assert_eq!(
        got(format!("customer_id={}&status=cancelled", anna.user_id)).await,
        Vec::<i64>::new()
    );
    assert_eq!(got("number=999999".into()).await, Vec::<i64>::new());
}

#[tokio::test]
async fn a_confirmed_order_whose_tickets_ended_is_listed_as_completed_before_the_sweep() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Олег", "Смирнов").await;
    let (order, _) = w.ticket(v.user_id, w.workplaces[0], days(1, 1)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    let in_three_days = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(72))
        .expect("time");
    w.server.clock.set(in_three_days);
    let completed = w.manager.get("/api/v1/orders?status=completed").await;
    assert_eq!(numbers(completed.ok(200)), vec![order]);
    assert_eq!(completed.body["items"][0]["status"], "completed");
    assert_eq!(completed.body["items"][0]["tickets"][0]["status"], "completed");
    let confirmed = w.manager.get("/api/v1/orders?status=confirmed").await;
    assert_eq!(numbers(confirmed.ok(200)), Vec::<i64>::new());
}

#[tokio::test]
async fn the_period_filter_keeps_orders_with_a_ticket_overlapping_it() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Елена", "Попова").await;
    // Tickets on days 1 and 10: the order spans day 5 but no ticket is on it.
    let around = w
        .manager
        .post(
            "/api/v1/orders",
            json!({"customer_id": v.user_id, "items": [
                {"workplace_id": w.workplaces[0], "period": days(1, 1), "tariff_id": w.daily},
                {"workplace_id": w.workplaces[0], "period": days(10, 10), "tariff_id": w.daily}]}),
        )
        .await;
    let around = around.ok(201)["number"].as_i64().expect("number");
    let (on_five, _) = w.ticket(v.user_id, w.workplaces[1], days(4, 6)).await;
    let (later, _) = w.ticket(v.user_id, w.workplaces[2], days(20, 21)).await;

    let got = |q: String| {
        let m = &w.manager;
        async move { numbers(m.get(&format!("/api/v1/orders?{q}")).await.ok(200)) }
    };
    assert_eq!(got(format!("from={}&to={}", day(5), day(5))).await, vec![on_five]);
    assert_eq!(
        got(format!("from={}&to={}", day(6), day(10))).await,
        vec![on_five, around]
    );
    assert_eq!(got(format!("from={}", day(11))).await, vec![later]);
    assert_eq!(got(format!("to={}", day(1))).await, vec![around]);
    assert_eq!(got(format!("from={}&to={}", day(7), day(9))).await, Vec::<i64>::new());
}

#[tokio::test]
async fn a_bad_query_is_a_400_naming_the_parameter_in_the_callers_language() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Иванов").await;
    w.ticket(v.user_id, w.workplaces[0], days(1, 1)).await;
    for (query, field) in [
        ("status=paid", "status"),
        ("customer_id=anna", "customer_id"),
        ("number=-3", "number"),
        ("from=2026-13-01", "from"),
        ("from=2026-05-10&to=2026-05-01", "to"),
    ] {
        let a = w
            .manager
            .clone()
            .lang("bg")
            .get(&format!("/api/v1/orders?{query}"))
            .await;
        let p = a.problem(400);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|f| f["field"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(fields, vec![field], "{query}: {p}");
        assert_eq!(a.headers["content-language"], "bg", "{query}");
    }
    let p = w.manager.get("/api/v1/orders?status=paid").await;
    let message = p.problem(400)["errors"][0]["message"].as_str().unwrap_or("").to_owned();
    assert!(
        message.contains("cancelled_refunded"),
        "names the statuses it knows: {message}"
    );
    w.manager.get("/api/v1/orders?limit=501").await.problem(400);
    w.manager.get("/api/v1/orders?cursor=forged").await.problem(400);
    w.manager.get("/api/v1/orders?customer=1").await.problem(400);
}

#[tokio::test]
async fn only_managers_read_the_orders_list() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Иванов").await;
    w.ticket(v.user_id, w.workplaces[0], days(1, 1)).await;
    v.get("/api/v1/orders").await.problem(403);
    let events = w.server.user("event_manager", "Ева", "Ли").await;
    events.get("/api/v1/orders").await.problem(403);
    w.server.anonymous().get("/api/v1/orders").await.problem(401);
    w.admin.get("/api/v1/orders").await.ok(200);
}
