//! Webhooks end to end: a receiver in the test, on a port of its own,
//! checks every delivery's Standard Webhooks signature. Each change emits
//! its event with the change and a refused one emits nothing; a failing or
//! slow endpoint is retried with backoff and holds back no other; a paused
//! endpoint's events wait for it; with two instances on one database every event
//! reaches the endpoint exactly once.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Client, Server, World, days};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// One delivery as the receiver saw it.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    body: Value,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    /// Answers to give, in turn, before answering 204 for good.
    answers: Arc<Mutex<Vec<u16>>>,
    /// How long to wait before answering.
    delay: Arc<Mutex<Duration>>,
    secret: Arc<Mutex<String>>,
    bad_signatures: Arc<Mutex<u32>>,
}

impl Receiver {
    fn got(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    fn of_type(&self, t: &str) -> Vec<Received> {
        self.got().into_iter().filter(|r| r.body["type"] == t).collect()
    }

    /// Waits until `ok` holds of what arrived (at most 20 s).
    async fn wait_for(&self, what: &str, ok: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        for _ in 0..400 {
            let got = self.got();
            if ok(&got) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("waited in vain for {what}; got {:#?}", self.got());
    }
}

fn verify(secret: &str, headers: &HeaderMap, body: &str) -> bool {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let Ok(key) = STANDARD.decode(secret.trim_start_matches("whsec_")) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return false;
    };
    mac.update(format!("{}.{}.{}", h("webhook-id"), h("webhook-timestamp"), body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    h("webhook-signature").split(' ').any(|s| s == expected)
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let delay = *r.delay.lock().expect("lock");
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let secret = r.secret.lock().expect("lock").clone();
    if !verify(&secret, &headers, &body) {
        *r.bad_signatures.lock().expect("lock") += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let answer = {
        let mut answers = r.answers.lock().expect("lock");
        if answers.is_empty() { 204 } else { answers.remove(0) }
    };
    if answer < 300 {
        let id = headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        r.got.lock().expect("lock").push(Received { id, body });
    }
    StatusCode::from_u16(answer).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A receiver on a port of its own; its URL.
async fn receiver() -> (Receiver, String) {
    let r = Receiver::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (r, format!("http://{addr}/hook"))
}

/// Subscribes `r` at `url` to `events`; the webhook's id.
async fn subscribe(admin: &Client, r: &Receiver, url: &str, events: Value) -> i64 {
    let a = admin
        .post("/api/v1/webhooks", json!({"url": url, "events": events}))
        .await;
    let body = a.ok(201);
    let secret = body["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    *r.secret.lock().expect("lock") = secret;
    body["id"].as_i64().expect("id")
}

async fn outbox_count(server: &Server) -> i64 {
    common::scalar(server, "SELECT COUNT(*) FROM outbox").await
}

#[tokio::test]
async fn coworking_changes_reach_the_endpoint_signed_with_the_resource_and_the_change() {
    let w = World::new().await;
    let (r, url) = receiver().await;
    subscribe(&w.admin, &r, &url, json!(["*"])).await;
    let customer = w.server.user("visitor", "Иван", "Петров").await;
    let other = w.server.user("visitor", "Пётр", "Иванов").await;
    let (order, ticket) = w.ticket(customer.user_id, w.workplaces[0], days(1, 2)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    w.manager
        .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
        .await
        .ok(200);
    w.manager
        .delete(&format!("/api/v1/coworking/tickets/{ticket}/validation"))
        .await
        .ok(200);
    w.manager
        .put(
            &format!("/api/v1/coworking/tickets/{ticket}/workplace"),
            json!({"workplace_id": w.workplaces[1]}),
        )
        .await
        .ok(200);
    w.manager
        .put(
            &format!("/api/v1/coworking/tickets/{ticket}/visitor"),
            json!({"user_id": other.user_id}),
        )
        .await
        .ok(200);
    let types = [
        "order.created",
        "order.status_changed",
        "ticket.status_changed",
        "ticket.validated",
        "ticket.validation_reset",
        "ticket.workplace_changed",
        "ticket.visitor_changed",
    ];
    let got = r
        .wait_for("every coworking event", |got| {
            types.iter().all(|t| got.iter().any(|g| g.body["type"] == *t))
        })
        .await;
    let created = &r.of_type("order.created")[0];
    assert_eq!(created.body["data"]["number"], order);
    assert_eq!(created.body["data"]["customer"]["id"], customer.user_id);
    assert_eq!(created.id, created.body["id"].as_str().expect("id"));
    assert!(created.body["at"].as_str().expect("at").ends_with('Z'));
    let confirmed = &r.of_type("order.status_changed")[0];
    assert_eq!(confirmed.body["change"], json!({"from": "new", "to": "confirmed"}));
    let ticket_confirmed = &r.of_type("ticket.status_changed")[0];
    assert_eq!(ticket_confirmed.body["data"]["number"], ticket);
    assert_eq!(ticket_confirmed.body["change"]["to"], "confirmed");
    let moved = &r.of_type("ticket.workplace_changed")[0];
    assert_eq!(
        moved.body["change"],
        json!({"from": w.workplaces[0], "to": w.workplaces[1]})
    );
    // Every message has an id of its own, and every signature held.
    let mut ids: Vec<&str> = got.iter().map(|g| g.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), got.len());
    assert_eq!(*r.bad_signatures.lock().expect("lock"), 0);
}

#[tokio::test]
async fn a_refused_change_emits_nothing() {
    let w = World::new().await;
    let customer = w.server.user("visitor", "Иван", "Петров").await;
    w.ticket(customer.user_id, w.workplaces[0], days(1, 2)).await;
    let before = outbox_count(&w.server).await;
    // The workplace is taken, the order does not exist, the move is not allowed.
    w.book(customer.user_id, w.workplaces[0], days(1, 2), w.daily)
        .await
        .problem(409);
    w.set_order_status(999_999, "confirmed").await.problem(404);
    let (order, _) = w.ticket(customer.user_id, w.workplaces[1], days(1, 2)).await;
    let after_one = outbox_count(&w.server).await;
    assert_eq!(after_one, before + 1, "one order made, one event");
    w.set_order_status(order, "cancelled_refunded").await.problem(409);
    assert_eq!(outbox_count(&w.server).await, after_one);
}

#[tokio::test]
async fn an_endpoint_hears_only_its_types_and_a_paused_one_gets_its_events_when_resumed() {
    let w = World::new().await;
    let (orders, orders_url) = receiver().await;
    let (tickets, tickets_url) = receiver().await;
    subscribe(&w.admin, &orders, &orders_url, json!(["order.created"])).await;
    let paused = subscribe(&w.admin, &tickets, &tickets_url, json!(["ticket.status_changed"])).await;
    w.admin
        .patch(&format!("/api/v1/webhooks/{paused}"), json!({"active": false}))
        .await
        .ok(200);
    let customer = w.server.user("visitor", "Иван", "Петров").await;
    let (order, _) = w.ticket(customer.user_id, w.workplaces[0], days(1, 2)).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    orders.wait_for("order.created", |g| !g.is_empty()).await;
    // Later events are fanned out after this one: by the time a later
    // order arrives, the paused endpoint would have had its ticket event.
    let (second, _) = w.ticket(customer.user_id, w.workplaces[1], days(1, 2)).await;
    orders.wait_for("the second order", |g| g.len() == 2).await;
    assert!(orders.got().iter().all(|g| g.body["type"] == "order.created"));
    assert_eq!(orders.got()[1].body["data"]["number"], second);
    assert!(tickets.got().is_empty(), "{:?}", tickets.got());
    let list = w.admin.get("/api/v1/webhooks").await;
    let items = &list.ok(200)["items"];
    assert_eq!(items[1]["active"], false);
    assert!(items[0].get("secret").is_none(), "the secret is shown once");
    // Paused, its events waited: running again, it gets them.
    let waiting = w.admin.get(&format!("/api/v1/webhooks/{paused}/deliveries")).await;
    assert_eq!(waiting.ok(200)["items"][0]["state"], "pending");
    w.admin
        .patch(&format!("/api/v1/webhooks/{paused}"), json!({"active": true}))
        .await
        .ok(200);
    let got = tickets
        .wait_for("the ticket event kept while paused", |g| !g.is_empty())
        .await;
    assert_eq!(got[0].body["type"], "ticket.status_changed");
    assert_eq!(got[0].body["change"]["to"], "confirmed");
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_with_backoff_and_holds_back_no_other() {
    let w = World::new().await;
    let (failing, failing_url) = receiver().await;
    let (slow, slow_url) = receiver().await;
    let (healthy, healthy_url) = receiver().await;
    *failing.answers.lock().expect("lock") = vec![500, 503];
    *slow.delay.lock().expect("lock") = Duration::from_secs(30);
    let hook = subscribe(&w.admin, &failing, &failing_url, json!(["order.created"])).await;
    subscribe(&w.admin, &slow, &slow_url, json!(["order.created"])).await;
    subscribe(&w.admin, &healthy, &healthy_url, json!(["order.created"])).await;
    let customer = w.server.user("visitor", "Иван", "Петров").await;
    let started = std::time::Instant::now();
    let (order, _) = w.ticket(customer.user_id, w.workplaces[0], days(1, 2)).await;
    healthy
        .wait_for("the healthy endpoint's delivery", |g| g.len() == 1)
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "a slow endpoint held the healthy one back"
    );
    // The failing one was tried, refused, and waits for its next attempt.
    let deliveries = loop {
        let d = w.admin.get(&format!("/api/v1/webhooks/{hook}/deliveries")).await;
        let d = d.ok(200)["items"].clone();
        if d[0]["attempts"] == 1 {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(deliveries[0]["state"], "pending");
    assert_eq!(deliveries[0]["last_status"], 500);
    assert_eq!(deliveries[0]["last_error"], "HTTP 500");
    assert!(deliveries[0]["next_attempt_at"].is_string());
    // Time passes: the second attempt fails too, the third lands.
    for attempts in [2, 3] {
        w.server
            .clock
            .set(w.server.clock.now() + jiff::SignedDuration::from_secs(3600));
        loop {
            let d = w.admin.get(&format!("/api/v1/webhooks/{hook}/deliveries")).await;
            if d.ok(200)["items"][0]["attempts"] == attempts {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let got = failing.wait_for("the third attempt", |g| g.len() == 1).await;
    assert_eq!(got[0].body["data"]["number"], order);
    let d = w.admin.get(&format!("/api/v1/webhooks/{hook}/deliveries")).await;
    let d = &d.ok(200)["items"][0];
    assert_eq!(d["state"], "delivered");
    assert!(d["delivered_at"].is_string());
    assert!(d["next_attempt_at"].is_null());
}

#[tokio::test]
async fn a_delivery_fails_after_a_day_and_a_retry_by_hand_delivers_it() {
    let w = World::new().await;
    let (r, url) = receiver().await;
    *r.answers.lock().expect("lock") = vec![500; 200];
    let hook = subscribe(&w.admin, &r, &url, json!(["order.created"])).await;
    let customer = w.server.user("visitor", "Иван", "Петров").await;
    w.ticket(customer.user_id, w.workplaces[0], days(1, 2)).await;
    let state = loop {
        let d = w.admin.get(&format!("/api/v1/webhooks/{hook}/deliveries")).await;
        let item = d.ok(200)["items"][0].clone();
        if item["state"] == "failed" {
            break item;
        }
        // A day and an hour later on each round: past the retries' day.
        if item["attempts"].as_i64().unwrap_or(0) >= 1 {
            w.server
                .clock
                .set(w.server.clock.now() + jiff::SignedDuration::from_secs(25 * 3600));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(state["next_attempt_at"].is_null());
    r.answers.lock().expect("lock").clear();
    let delivery = state["id"].as_i64().expect("id");
    let retried = w
        .admin
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{delivery}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(retried.ok(200)["state"], "pending");
    r.wait_for("the retried delivery", |g| g.len() == 1).await;
    // Unknown ids are 404s in the caller's language.
    let missing = w
        .admin
        .clone()
        .lang("bg")
        .post(&format!("/api/v1/webhooks/{hook}/deliveries/999999/retry"), json!({}))
        .await;
    assert_eq!(missing.problem(404)["detail"], "Доставката не е намерена.");
}

#[tokio::test]
async fn the_test_button_reaches_that_endpoint_alone() {
    let w = World::new().await;
    let (a, a_url) = receiver().await;
    let (b, b_url) = receiver().await;
    let first = subscribe(&w.admin, &a, &a_url, json!(["*"])).await;
    subscribe(&w.admin, &b, &b_url, json!(["*"])).await;
    w.admin
        .post(&format!("/api/v1/webhooks/{first}/test"), json!({}))
        .await
        .ok(202);
    let got = a.wait_for("the test event", |g| !g.is_empty()).await;
    assert_eq!(got[0].body["type"], "webhook.test");
    assert_eq!(got[0].body["data"]["webhook_id"], first);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(b.got().is_empty());
}

#[tokio::test]
async fn bad_webhooks_are_refused_at_the_field_and_change_nothing() {
    let w = World::new().await;
    let bad = [
        (json!({"url": "ftp://example.com/x", "events": ["*"]}), "url"),
        (json!({"url": "javascript:alert(1)", "events": ["*"]}), "url"),
        (json!({"url": "https://example.com", "events": []}), "events"),
        (
            json!({"url": "https://example.com", "events": ["order.created", "order.deleted"]}),
            "events[1]",
        ),
        (
            json!({"url": "https://example.com", "events": ["*", "order.created"]}),
            "events",
        ),
    ];
    for (body, field) in bad {
        let a = w.admin.clone().lang("en").post("/api/v1/webhooks", body.clone()).await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{body}");
    }
    let ru = w
        .admin
        .clone()
        .lang("ru")
        .post("/api/v1/webhooks", json!({"url": "ftp://x", "events": ["*"]}))
        .await;
    assert_eq!(
        ru.problem(422)["errors"][0]["message"],
        "нужен веб-адрес, начинающийся с http:// или https://"
    );
    assert_eq!(w.admin.get("/api/v1/webhooks").await.ok(200)["items"], json!([]));
    // Only admins manage webhooks.
    w.manager
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://example.com", "events": ["*"]}),
        )
        .await
        .problem(403);
    w.admin.delete("/api/v1/webhooks/424242").await.problem(404);
}

#[tokio::test]
async fn event_changes_and_door_checks_are_emitted_too() {
    let w = World::new().await;
    let (r, url) = receiver().await;
    subscribe(
        &w.admin,
        &r,
        &url,
        json!(["event.changed", "charge.changed", "folio.closed", "access.checked"]),
    )
    .await;
    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let e = em
        .post(
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "Конференция", "start_date": "2030-02-10", "end_date": "2030-02-12", "pax": 100}),
        )
        .await;
    let event = e.ok(201)["id"].as_i64().expect("event");
    let folio = e.body["folios"][0]["id"].as_i64().expect("folio");
    let charge = em
        .post(
            &format!("/api/v1/folios/{folio}/charges"),
            json!({"description": "Кафе-пауза", "service_date": "2030-02-11", "quantity": 100, "unit_price": "25.50"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("charge");
    em.post(&format!("/api/v1/events/{event}/pax"), json!({"pax": 120}))
        .await
        .ok(200);
    em.post(&format!("/api/v1/folios/{folio}/close"), json!({}))
        .await
        .ok(200);
    let gate = w.server.user("gate", "Турникет", "1").await;
    gate.post(
        "/api/v1/access/check",
        json!({"token": "forged", "premises_id": w.premises, "direction": "in"}),
    )
    .await
    .ok(200);
    let got = r
        .wait_for("events, charges, the folio and the door", |g| {
            ["event.changed", "charge.changed", "folio.closed", "access.checked"]
                .iter()
                .all(|t| g.iter().any(|x| x.body["type"] == *t))
        })
        .await;
    // The PAX change rewrote the coffee break: a second charge.changed.
    let charges: Vec<&Received> = got.iter().filter(|g| g.body["type"] == "charge.changed").collect();
    assert!(charges.len() >= 2, "{charges:#?}");
    assert!(charges.iter().all(|c| c.body["data"]["id"] == charge));
    let closed = got.iter().find(|g| g.body["type"] == "folio.closed").expect("closed");
    assert_eq!(closed.body["data"]["status"], "closed");
    assert_eq!(closed.body["data"]["id"], folio);
    let door = got.iter().find(|g| g.body["type"] == "access.checked").expect("door");
    assert_eq!(door.body["data"]["allowed"], false);
    assert_eq!(door.body["data"]["premises"]["id"], w.premises);
    let changed = got.iter().filter(|g| g.body["type"] == "event.changed").count();
    assert!(changed >= 4, "created, charge, pax, close: {changed}");
}

#[tokio::test]
async fn two_instances_deliver_every_event_once() {
    let w = World::new().await;
    let second = w.server.second_instance().await;
    let (r, url) = receiver().await;
    subscribe(&w.admin, &r, &url, json!(["order.created"])).await;
    let customer = w.server.user("visitor", "Иван", "Петров").await;
    let other = second.with_token(w.manager.token.as_deref().expect("token"), w.manager.user_id);
    let mut orders = Vec::new();
    for d in 0..30 {
        let by = if d % 2 == 0 { &w.manager } else { &other };
        let a = by
            .post(
                "/api/v1/orders",
                json!({"customer_id": customer.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(d + 1, d + 1), "tariff_id": w.daily}]}),
            )
            .await;
        orders.push(a.ok(201)["number"].as_i64().expect("order"));
    }
    let got = r.wait_for("30 orders", |g| g.len() >= 30).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got_after = r.got();
    assert_eq!(got_after.len(), got.len().max(30), "nothing arrives twice");
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for g in &got_after {
        *per_id.entry(g.id.clone()).or_default() += 1;
    }
    assert!(per_id.values().all(|&n| n == 1), "{per_id:?}");
    let mut numbers: Vec<i64> = got_after
        .iter()
        .map(|g| g.body["data"]["number"].as_i64().expect("number"))
        .collect();
    numbers.sort();
    orders.sort();
    assert_eq!(numbers, orders);
}
