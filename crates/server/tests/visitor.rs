//! The visitor's day: register, book, get confirmed and validated, enter,
//! send a ticket; and the door's verdicts.

mod common;

use common::{World, days, slot};
use serde_json::json;

async fn register(w: &World, email: &str, first: &str) -> common::Client {
    let a = w
        .server
        .anonymous()
        .post("/api/v1/auth/register", json!({"email": email, "password": "visitor-pass", "first_name": first, "last_name": "Гость", "phone": "+7 900 123-45-67"}))
        .await;
    let body = a.ok(201);
    common::Client {
        base: w.server.base.clone(),
        http: w.server.http.clone(),
        token: body["token"].as_str().map(str::to_owned),
        lang: None,
        user_id: body["user"]["id"].as_i64().expect("id"),
    }
}

fn moscow(d: i64, h: i8) -> jiff::Timestamp {
    let tz = jiff::tz::TimeZone::get("Europe/Moscow").expect("tz");
    jiff::Timestamp::now()
        .to_zoned(tz.clone())
        .date()
        .checked_add(jiff::Span::new().days(d))
        .expect("date")
        .at(h, 0, 0, 0)
        .to_zoned(tz)
        .expect("zoned")
        .timestamp()
}

#[tokio::test]
async fn a_visitors_whole_day() {
    let w = World::new().await;
    // Early morning, so the pass fetched today expires before tomorrow's slot.
    w.server.clock.set(moscow(0, 6));
    let gate = w.server.user("gate", "Турникет", "1").await;
    let maria = register(&w, "maria@example.test", "Мария").await;
    assert_eq!(maria.get("/api/v1/me").await.ok(200)["role"], "visitor");

    // Free workplaces for tomorrow 09-11; book one.
    let free = maria
        .get(&format!(
            "/api/v1/premises/{}/free-workplaces?date={}&start_time=09:00&end_time=11:00",
            w.premises,
            common::day(1)
        ))
        .await;
    assert_eq!(free.ok(200)["items"].as_array().map(Vec::len), Some(3));
    let order = maria
        .post("/api/v1/orders", json!({"customer_id": maria.user_id, "items": [{"workplace_id": w.workplaces[0], "period": slot(1, "09:00", "11:00"), "tariff_id": w.hourly, "modifier_ids": [w.locker]}]}))
        .await;
    let order_number = order.ok(201)["number"].as_i64().expect("order");
    assert_eq!(order.body["total"], "1100.00");
    let ticket = order.body["tickets"][0]["number"].as_i64().expect("ticket");
    let free = maria
        .get(&format!(
            "/api/v1/premises/{}/free-workplaces?date={}&start_time=10:00&end_time=12:00",
            w.premises,
            common::day(1)
        ))
        .await;
    assert_eq!(free.ok(200)["items"].as_array().map(Vec::len), Some(2));

    // The app shows first-visit information and the send action until validated.
    let mine = maria.get("/api/v1/me/tickets").await;
    let t = &mine.ok(200)["items"][0];
    assert_eq!(t["number"], json!(ticket));
    assert_eq!(t["can_send"], json!(true));
    assert_eq!(t["first_visit"]["premises"]["id"], json!(w.premises));

    // Confirmed and validated by a manager.
    w.set_order_status(order_number, "confirmed").await.ok(200);
    let pass = maria.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await;
    let token = pass.ok(200)["token"].as_str().expect("token").to_owned();
    assert!(
        pass.body["svg"].as_str().is_some_and(|s| s.contains("<svg")),
        "the pass comes as a QR code too"
    );
    let check = |premises: i64, token: String| {
        let g = gate.clone();
        async move {
            g.post("/api/v1/access/check", json!({"token": token, "premises_id": premises}))
                .await
        }
    };
    assert_eq!(check(w.premises, token.clone()).await.ok(200)["reason"], "not_started");
    w.server.clock.set(moscow(1, 9));
    let c = check(w.premises, token.clone()).await;
    assert_eq!(
        (c.ok(200)["allowed"].clone(), c.body["reason"].clone()),
        (json!(false), json!("not_validated"))
    );
    w.manager
        .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
        .await
        .ok(200);
    let mine = maria.get("/api/v1/me/tickets").await;
    assert!(mine.ok(200)["items"][0]["first_visit"].is_null());
    assert_eq!(mine.body["items"][0]["can_send"], json!(false));
    // The app fetches its pass afresh whenever online: the one fetched a day
    // ago may have expired (a pass lives at most 24 hours).
    let token = maria.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await.ok(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let c = check(w.premises, token.clone()).await;
    assert_eq!(
        (
            c.ok(200)["allowed"].clone(),
            c.body["reason"].clone(),
            c.body["ticket_number"].clone()
        ),
        (json!(true), json!("allowed"), json!(ticket))
    );
    // Wrong premises, forged and truncated passes.
    assert_eq!(
        check(w.premises + 1000, token.clone()).await.ok(200)["reason"],
        "wrong_premises"
    );
    let forged = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(check(w.premises, forged).await.ok(200)["reason"], "unknown_pass");
    assert_eq!(
        check(w.premises, token[..token.len() / 2].to_owned()).await.ok(200)["reason"],
        "unknown_pass"
    );
    assert_eq!(
        check(w.premises, format!("{ticket}.0.AAAA")).await.ok(200)["reason"],
        "unknown_pass"
    );
    // Resetting the validation invalidates passes issued before.
    w.manager
        .delete(&format!("/api/v1/coworking/tickets/{ticket}/validation"))
        .await
        .ok(200);
    assert_eq!(check(w.premises, token.clone()).await.ok(200)["reason"], "unknown_pass");
    // After the period: ended.
    w.manager
        .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
        .await
        .ok(200);
    let token = maria.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await.ok(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    w.server.clock.set(moscow(1, 11));
    assert_eq!(check(w.premises, token).await.ok(200)["reason"], "ended");
}

#[tokio::test]
async fn a_ticket_is_sent_only_while_not_validated_and_old_passes_stop() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "2").await;
    let maria = register(&w, "maria2@example.test", "Мария").await;
    let ivan = register(&w, "ivan2@example.test", "Иван").await;
    let (order, ticket) = w.ticket(maria.user_id, w.workplaces[1], days(2, 3)).await;
    let pass = maria.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await.ok(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    // Not to oneself, not to strangers, not someone else's ticket.
    maria
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "maria2@example.test"}),
        )
        .await
        .problem(422);
    maria
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "nobody@example.test"}),
        )
        .await
        .problem(422);
    ivan.post(
        &format!("/api/v1/me/tickets/{ticket}/send"),
        json!({"email": "maria2@example.test"}),
    )
    .await
    .problem(404);
    ivan.get(&format!("/api/v1/me/tickets/{ticket}/pass"))
        .await
        .problem(404);
    let sent = maria
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "IVAN2@example.test"}),
        )
        .await;
    assert_eq!(sent.ok(200)["visitor"]["id"], json!(ivan.user_id));
    assert_eq!(
        ivan.get("/api/v1/me/tickets").await.ok(200)["items"][0]["number"],
        json!(ticket)
    );
    assert_eq!(maria.get("/api/v1/me/tickets").await.ok(200)["items"], json!([]));
    maria
        .get(&format!("/api/v1/me/tickets/{ticket}/pass"))
        .await
        .problem(404);
    let old = gate
        .post(
            "/api/v1/access/check",
            json!({"token": pass, "premises_id": w.premises}),
        )
        .await;
    assert_eq!(old.ok(200)["reason"], "unknown_pass");
    let history = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    let sent_entry = history.ok(200)["history"]
        .as_array()
        .expect("history")
        .iter()
        .find(|h| h["kind"] == "sent")
        .cloned()
        .expect("sent in history");
    assert_eq!(sent_entry["actor_id"], json!(maria.user_id));
    assert!(
        sent_entry["detail"]
            .as_str()
            .unwrap_or("")
            .contains(&ivan.user_id.to_string())
    );
    // Once validated it cannot be sent.
    w.set_order_status(order, "confirmed").await.ok(200);
    w.manager
        .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
        .await
        .ok(200);
    ivan.post(
        &format!("/api/v1/me/tickets/{ticket}/send"),
        json!({"email": "maria2@example.test"}),
    )
    .await
    .problem(409);
}

#[tokio::test]
async fn visitors_cancel_their_own_orders_paid_ones_to_refund() {
    let w = World::new().await;
    let maria = register(&w, "maria3@example.test", "Мария").await;
    let ivan = register(&w, "ivan3@example.test", "Иван").await;
    let (unpaid, _) = w.ticket(maria.user_id, w.workplaces[0], days(2, 2)).await;
    let (paid, _) = w.ticket(maria.user_id, w.workplaces[1], days(2, 2)).await;
    w.set_order_status(paid, "confirmed").await.ok(200);
    ivan.post(&format!("/api/v1/me/orders/{unpaid}/cancel"), json!({}))
        .await
        .problem(404);
    assert_eq!(
        maria
            .post(&format!("/api/v1/me/orders/{unpaid}/cancel"), json!({}))
            .await
            .ok(200)["status"],
        "cancelled"
    );
    assert_eq!(
        maria
            .post(&format!("/api/v1/me/orders/{paid}/cancel"), json!({}))
            .await
            .ok(200)["status"],
        "cancelled_refund_in_progress"
    );
    maria
        .post(&format!("/api/v1/me/orders/{unpaid}/cancel"), json!({}))
        .await
        .problem(409);
}

#[tokio::test]
async fn visitors_and_gates_stay_in_their_lanes() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "3").await;
    let maria = register(&w, "maria4@example.test", "Мария").await;
    maria.get("/api/v1/coworking/tickets").await.problem(403);
    maria
        .post("/api/v1/access/check", json!({"token": "x", "premises_id": w.premises}))
        .await
        .problem(403);
    gate.get("/api/v1/me/tickets").await.problem(403);
    gate.get("/api/v1/coworking/tickets").await.problem(403);
    gate.post("/api/v1/orders", json!({"customer_id": gate.user_id, "items": []}))
        .await
        .problem(403);
    w.server
        .anonymous()
        .post("/api/v1/auth/register", json!({"email": "maria4@example.test", "password": "another-pass", "first_name": "Ещё", "last_name": "Раз"}))
        .await
        .problem(409);
    w.server
        .anonymous()
        .post("/api/v1/auth/register", json!({"email": "boss@example.test", "password": "another-pass", "first_name": "Злой", "last_name": "Умысел", "role": "admin"}))
        .await
        .problem(422);
}

#[tokio::test]
async fn another_visitors_ticket_is_not_found_whatever_the_email() {
    let w = World::new().await;
    let maria = register(&w, "maria5@example.test", "Мария").await;
    let ivan = register(&w, "ivan5@example.test", "Иван").await;
    let (_, ticket) = w.ticket(maria.user_id, w.workplaces[0], common::days(3, 4)).await;
    for email in ["nobody@example.test", "not an e-mail", "maria5@example.test"] {
        ivan.post(&format!("/api/v1/me/tickets/{ticket}/send"), json!({"email": email}))
            .await
            .problem(404);
    }
    ivan.post(
        "/api/v1/me/tickets/999999/send",
        json!({"email": "nobody@example.test"}),
    )
    .await
    .problem(404);
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    assert_eq!(t.ok(200)["visitor"]["id"], json!(maria.user_id), "nothing changed");
}

/// Checks arriving together are judged and logged together (on SQLite in
/// one group commit): each gets its own verdict, every one is logged, and
/// the first visit is recorded once.
#[tokio::test]
async fn simultaneous_checks_each_get_their_verdict_and_log_line() {
    let w = World::new().await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let maria = register(&w, "maria@example.test", "Мария").await;
    let order = maria
        .post("/api/v1/orders", json!({"customer_id": maria.user_id, "items": [{"workplace_id": w.workplaces[0], "period": slot(1, "09:00", "11:00"), "tariff_id": w.hourly}]}))
        .await;
    let order_number = order.ok(201)["number"].as_i64().expect("order");
    let ticket = order.body["tickets"][0]["number"].as_i64().expect("ticket");
    w.set_order_status(order_number, "confirmed").await.ok(200);
    w.server.clock.set(moscow(1, 9));
    w.manager
        .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
        .await
        .ok(200);
    let token = maria.get(&format!("/api/v1/me/tickets/{ticket}/pass")).await.ok(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let checks = (0..40).map(|i| {
        let (g, token, premises) = (gate.clone(), token.clone(), w.premises);
        async move {
            let (token, premises, expected) = match i % 4 {
                0 => (token, premises + 1000, "wrong_premises"),
                1 => ("garbage".to_owned(), premises, "unknown_pass"),
                _ => (token, premises, "allowed"),
            };
            let c = g
                .post("/api/v1/access/check", json!({"token": token, "premises_id": premises}))
                .await;
            (c.ok(200)["reason"].clone(), expected)
        }
    });
    for (got, expected) in futures::future::join_all(checks).await {
        assert_eq!(got, json!(expected));
    }
    let (logged, allowed, first_visit, first_allowed): (i64, i64, Option<i64>, Option<i64>) = {
        let mut r = w.server.store.reader().await.expect("reader");
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM access_checks), (SELECT COUNT(*) FROM access_checks WHERE allowed = 1), \
             (SELECT first_visit_at FROM tickets WHERE number = {ticket}), \
             (SELECT MIN(at) FROM access_checks WHERE allowed = 1)"
        );
        r.conn().opt(&sql, &[]).await.expect("count").expect("a row")
    };
    assert_eq!((logged, allowed), (40, 20), "every check is logged");
    // The clock runs on from 09:00, so a slow machine's checks land a
    // second or two later: the first visit is the first allowed check's.
    assert_eq!(first_visit, first_allowed, "the first visit is recorded");
    assert!(
        first_visit.is_some_and(|at| (0..60).contains(&(at - moscow(1, 9).as_second()))),
        "the first visit is this morning's: {first_visit:?}"
    );
    // Resetting the validation refuses the old pass at once.
    w.manager
        .delete(&format!("/api/v1/coworking/tickets/{ticket}/validation"))
        .await
        .ok(200);
    let c = gate
        .post(
            "/api/v1/access/check",
            json!({"token": token, "premises_id": w.premises}),
        )
        .await;
    assert_eq!(c.ok(200)["reason"], "unknown_pass");
}

#[tokio::test]
async fn free_workplaces_page_by_limit_and_cursor() {
    let w = World::new().await;
    let maria = register(&w, "maria@example.test", "Мария").await;
    let path = format!(
        "/api/v1/premises/{}/free-workplaces?date={}&start_time=09:00&end_time=11:00",
        w.premises,
        common::day(1)
    );
    let first = maria.get(&format!("{path}&limit=2")).await;
    let first = first.ok(200).clone();
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    let cursor = first["next_cursor"].as_str().expect("a next page").to_owned();
    let second = maria.get(&format!("{path}&limit=2&cursor={cursor}")).await;
    let second = second.ok(200).clone();
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert!(second["next_cursor"].is_null());
    let ids: Vec<i64> = first["items"]
        .as_array()
        .into_iter()
        .chain(second["items"].as_array())
        .flatten()
        .filter_map(|i| i["id"].as_i64())
        .collect();
    let mut expected = w.workplaces.clone();
    expected.sort_unstable();
    assert_eq!(ids, expected, "every free workplace once, by id");
    maria.get(&format!("{path}&limit=0")).await.problem(400);
    maria.get(&format!("{path}&limit=501")).await.problem(400);
}
