//! Orders: pricing, no double booking, status transitions carrying tickets.

mod common;

use common::{World, days, slot};
use serde_json::json;

#[tokio::test]
async fn an_order_is_priced_by_the_server_in_decimal() {
    let w = World::new().await;
    let visitor = w.server.user("visitor", "Мария", "Семенова").await;
    let a = w
        .manager
        .post(
            "/api/v1/orders",
            json!({"customer_id": visitor.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(10, 12),
                   "tariff_id": w.daily, "service_variant_id": w.variant, "modifier_ids": [w.locker, w.printer]}]}),
        )
        .await;
    let body = a.ok(201);
    // Three days at 1500.00 plus a locker (500) and a printer (300).
    assert_eq!(body["total"], "5300.00");
    assert_eq!(body["status"], "new");
    assert_eq!(body["tickets"].as_array().map(Vec::len), Some(1));
    let number = body["number"].as_i64().expect("number");
    let got = w.manager.get(&format!("/api/v1/orders/{number}")).await;
    assert_eq!(got.ok(200)["customer"]["id"], json!(visitor.user_id));
    assert_eq!(got.body["total"], "5300.00");
}

#[tokio::test]
async fn a_monthly_tariff_counts_started_months_and_an_hourly_one_minutes() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Столповский").await;
    // 22.12 – 25.01 is two started months at 7000.
    let start = common::day(30);
    let end = jiff::civil::Date::strptime("%Y-%m-%d", &start)
        .expect("date")
        .checked_add(jiff::Span::new().months(1).days(3))
        .expect("date")
        .to_string();
    let a = w
        .book(
            v.user_id,
            w.workplaces[1],
            json!({"start_date": start, "end_date": end}),
            w.monthly,
        )
        .await;
    assert_eq!(a.ok(201)["total"], "14000.00");
    let b = w
        .book(v.user_id, w.workplaces[2], slot(5, "09:00", "11:30"), w.hourly)
        .await;
    assert_eq!(b.ok(201)["total"], "750.00");
}

#[tokio::test]
async fn a_taken_workplace_is_refused_naming_the_ticket_that_holds_it() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let (_, first) = w.ticket(v.user_id, w.workplaces[0], days(5, 7)).await;
    let clash = w.book(v.user_id, w.workplaces[0], days(7, 9), w.daily).await;
    let p = clash.problem(409);
    assert_eq!(p["tickets"], json!([first]));
    assert!(p["detail"].as_str().unwrap_or("").contains(&first.to_string()), "{p}");
    // Half-open periods: a slot right after another is free.
    w.book(v.user_id, w.workplaces[1], slot(3, "09:00", "11:00"), w.hourly)
        .await
        .ok(201);
    w.book(v.user_id, w.workplaces[1], slot(3, "11:00", "12:00"), w.hourly)
        .await
        .ok(201);
    w.book(v.user_id, w.workplaces[1], slot(3, "10:59", "11:30"), w.hourly)
        .await
        .problem(409);
    // A whole day overlaps any slot that day.
    w.book(v.user_id, w.workplaces[1], days(3, 3), w.daily)
        .await
        .problem(409);
}

#[tokio::test]
async fn two_items_of_one_order_cannot_hold_one_workplace_twice() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Олег", "Ким").await;
    let item = json!({"workplace_id": w.workplaces[0], "period": days(4, 5), "tariff_id": w.daily});
    let a = w
        .manager
        .post(
            "/api/v1/orders",
            json!({"customer_id": v.user_id, "items": [item, item]}),
        )
        .await;
    a.problem(409);
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    assert_eq!(list.ok(200)["items"], json!([]), "nothing was written");
}

#[tokio::test]
async fn a_cancelled_order_frees_its_workplace() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let (order, _) = w.ticket(v.user_id, w.workplaces[0], days(5, 6)).await;
    w.set_order_status(order, "cancelled").await.ok(200);
    w.book(v.user_id, w.workplaces[0], days(5, 6), w.daily).await.ok(201);
}

#[tokio::test]
async fn only_sensible_status_changes_are_allowed() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(5, 6)).await;
    let path = format!("/api/v1/coworking/tickets/{ticket}");
    for s in ["new_payment_in_progress", "new"] {
        w.set_order_status(order, s).await.ok(200);
        assert_eq!(w.manager.get(&path).await.body["status"], "new");
    }
    w.set_order_status(order, "new").await.problem(409);
    w.set_order_status(order, "completed").await.problem(409);
    w.set_order_status(order, "confirmed").await.ok(200);
    assert_eq!(w.manager.get(&path).await.body["status"], "confirmed");
    // The refusal names where the order may go instead, in the caller's language.
    let refused = w
        .manager
        .clone()
        .lang("en")
        .post(&format!("/api/v1/orders/{order}/status"), json!({"status": "new"}))
        .await;
    let p = refused.problem(409);
    assert_eq!(
        p["next_statuses"],
        json!(["cancelled", "cancelled_refund_in_progress"]),
        "{p}"
    );
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("It may move to: Cancelled, Cancelled. Refund in progress")),
        "{p}"
    );
    let r = w.set_order_status(order, "cancelled_refund_in_progress").await;
    assert_eq!(r.ok(200)["status"], "cancelled_refund_in_progress");
    assert_eq!(w.manager.get(&path).await.body["status"], "cancelled");
    // A cancelled order only moves between its cancelled variants.
    w.set_order_status(order, "confirmed").await.problem(409);
    w.set_order_status(order, "cancelled_refunded").await.ok(200);
    w.set_order_status(order, "cancelled").await.problem(409);
    w.set_order_status(order, "bogus").await.problem(422);
    w.set_order_status(999_999, "confirmed").await.problem(404);
}

#[tokio::test]
async fn an_invoice_keeps_the_ticket_new() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(5, 6)).await;
    for s in ["new_awaiting_invoice", "cashless_invoice_issued"] {
        w.set_order_status(order, s).await.ok(200);
        let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
        assert_eq!(t.body["status"], "new", "order {s}");
    }
}

#[tokio::test]
async fn managers_book_walk_ins_but_not_ended_periods() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    // Today as a whole day has started already.
    w.book(v.user_id, w.workplaces[0], days(0, 0), w.daily).await.ok(201);
    let p = w.book(v.user_id, w.workplaces[1], days(-3, -2), w.daily).await;
    assert_eq!(p.problem(422)["errors"][0]["field"], "items[0].period");
}

#[tokio::test]
async fn visitors_book_for_themselves_and_the_future_only() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let other = w.server.user("visitor", "Олег", "Ким").await;
    let order = |customer: i64, period: serde_json::Value| json!({"customer_id": customer, "items": [{"workplace_id": w.workplaces[0], "period": period, "tariff_id": w.daily}]});
    v.post("/api/v1/orders", order(v.user_id, days(3, 4))).await.ok(201);
    v.post("/api/v1/orders", order(other.user_id, days(6, 7)))
        .await
        .problem(422);
    v.post("/api/v1/orders", order(v.user_id, days(0, 1)))
        .await
        .problem(422);
    // Another visitor's order is hidden.
    let mine = v.post("/api/v1/orders", order(v.user_id, days(10, 10))).await;
    let n = mine.ok(201)["number"].as_i64().expect("number");
    other.get(&format!("/api/v1/orders/{n}")).await.problem(404);
}

#[tokio::test]
async fn an_order_must_stay_in_one_venue_with_its_own_catalogue() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let other_venue = w
        .admin
        .post(
            "/api/v1/venues",
            json!({"name": "Sofia Hall", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("id");
    let foreign_tariff = w
        .admin
        .post(
            "/api/v1/tariffs",
            json!({"venue_id": other_venue, "name": "Дневен", "unit": "day", "price": "50"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("id");
    let p = w.book(v.user_id, w.workplaces[0], days(3, 4), foreign_tariff).await;
    assert_eq!(p.problem(422)["errors"][0]["field"], "items[0].tariff_id");
    let p = w
        .manager
        .post("/api/v1/orders", json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(3, 4), "tariff_id": w.daily, "modifier_ids": [987654]}]}))
        .await;
    assert_eq!(p.problem(422)["errors"][0]["field"], "items[0].modifier_ids");
}

/// The order page's history: each step with who made it and the comment
/// given, oldest first; and the statuses the caller may choose next.
#[tokio::test]
async fn an_orders_history_shows_each_step_with_its_comment_and_what_may_come_next() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let (order, _) = w.ticket(v.user_id, w.workplaces[0], days(5, 6)).await;
    let path = format!("/api/v1/orders/{order}");
    let fresh = w.manager.get(&path).await;
    let fresh = fresh.ok(200);
    assert_eq!(fresh["history"].as_array().map(Vec::len), Some(1));
    assert_eq!(fresh["history"][0]["from_status"], json!(null));
    assert_eq!(fresh["history"][0]["status"], "new");
    assert_eq!(fresh["history"][0]["by"]["id"], json!(w.manager.user_id));
    assert_eq!(
        fresh["next_statuses"],
        json!([
            "new_payment_in_progress",
            "new_awaiting_invoice",
            "cashless_invoice_issued",
            "confirmed",
            "cancelled"
        ])
    );
    // The visitor may only cancel their own order.
    assert_eq!(v.get(&path).await.ok(200)["next_statuses"], json!(["cancelled"]));

    let steps = [
        ("new_payment_in_progress", "  Оплата картой  "),
        ("confirmed", ""),
        ("cancelled_refund_in_progress", "Клиент\nотказался"),
        ("cancelled_refunded", "Возврат 1500.00"),
    ];
    for (status, comment) in steps {
        w.manager
            .post(&format!("{path}/status"), json!({"status": status, "comment": comment}))
            .await
            .ok(200);
    }
    let done = w.manager.get(&path).await;
    let h = done.ok(200)["history"].as_array().expect("history").clone();
    let seen: Vec<(&str, &str)> = h
        .iter()
        .map(|l| {
            (
                l["from_status"].as_str().unwrap_or("-"),
                l["status"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("-", "new"),
            ("new", "new_payment_in_progress"),
            ("new_payment_in_progress", "confirmed"),
            ("confirmed", "cancelled_refund_in_progress"),
            ("cancelled_refund_in_progress", "cancelled_refunded"),
        ]
    );
    // Comments are trimmed; a blank one is none; line breaks stay.
    assert_eq!(h[1]["comment"], "Оплата картой");
    assert_eq!(h[2]["comment"], json!(null));
    assert_eq!(h[3]["comment"], "Клиент\nотказался");
    assert!(h.iter().skip(1).all(|l| l["by"]["id"] == json!(w.manager.user_id)));
    assert_eq!(h[4]["status_text"], "Отменен. Выполнен возврат");
    assert!(
        h[1]["at"].as_str().is_some_and(|at| at.ends_with("+03:00")),
        "an instant in the venue's zone: {}",
        h[1]["at"]
    );
    assert_eq!(done.body["next_statuses"], json!([]));
}

#[tokio::test]
async fn an_over_long_comment_is_refused_and_changes_nothing() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let (order, _) = w.ticket(v.user_id, w.workplaces[0], days(5, 6)).await;
    let path = format!("/api/v1/orders/{order}");
    let long = "я".repeat(1001);
    let r = w
        .manager
        .post(
            &format!("{path}/status"),
            json!({"status": "confirmed", "comment": long}),
        )
        .await;
    assert_eq!(r.problem(422)["errors"][0]["field"], "comment");
    let after = w.manager.get(&path).await;
    assert_eq!(after.ok(200)["status"], "new");
    assert_eq!(after.body["history"].as_array().map(Vec::len), Some(1));
    // At the limit it is kept whole.
    let limit = "я".repeat(1000);
    w.manager
        .post(
            &format!("{path}/status"),
            json!({"status": "confirmed", "comment": limit}),
        )
        .await
        .ok(200);
    assert_eq!(w.manager.get(&path).await.body["history"][1]["comment"], json!(limit));
}
