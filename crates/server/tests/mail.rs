//! Mail end to end, to a real SMTP server (aiosmtpd, started per test):
//! orders mail their customer when made, confirmed and cancelled, a sent
//! ticket mails both people, a reset link arrives and works once — each in
//! the recipient's language with the pages' words and formats. Without
//! SMTP mail waits and goes out once an instance has it; a passing SMTP
//! trouble is retried, a refusal fails; two instances send each mail once.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::smtp::{Arrived, Sink};
use common::{Client, Server, World, days};
use serde_json::{Value, json};
use tessera_server::Config;
use tessera_server::mail::MailSettings;

const FROM: &str = "Tessera <noreply@tessera.test>";

fn with_mail(sink: &Sink) -> Config {
    Config {
        mail: Some(MailSettings::parse(&sink.url(), FROM).expect("settings")),
        public_url: "http://tessera.test".into(),
        ..Config::default()
    }
}

/// A visitor who reads mail in `locale`; answers the client and their e-mail.
async fn visitor(w: &World, first: &str, last: &str, locale: &str) -> (Client, String) {
    let v = w.server.user("visitor", first, last).await;
    let u = w
        .admin
        .patch(&format!("/api/v1/users/{}", v.user_id), json!({"locale": locale}))
        .await;
    let email = u.ok(200)["email"].as_str().expect("email").to_owned();
    (v, email)
}

/// The ticket as the API words it in `lang`.
async fn ticket_text(w: &World, number: i64, lang: &'static str) -> Value {
    w.manager
        .clone()
        .lang(lang)
        .get(&format!("/api/v1/coworking/tickets/{number}"))
        .await
        .ok(200)
        .clone()
}

fn to(mails: &[Arrived], address: &str) -> Vec<Arrived> {
    mails.iter().filter(|m| m.to == address).cloned().collect()
}

/// Lets the dispatcher run a few rounds, for asserting that nothing came.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

#[tokio::test]
async fn an_order_mails_its_customer_when_made_confirmed_and_cancelled_in_their_language() {
    let sink = Sink::start();
    let w = World::with_config(with_mail(&sink)).await;
    let (_v, email) = visitor(&w, "Мария", "Семенова", "bg").await;
    let customer = w.admin.get("/api/v1/users?search=Семенова").await.ok(200)["items"][0]["id"]
        .as_i64()
        .expect("id");
    let (order, ticket) = w.ticket(customer, w.workplaces[0], days(3, 4)).await;

    let made = sink.wait_for(1).await;
    let m = &made[0];
    assert_eq!(m.to, email);
    assert_eq!(m.from, "noreply@tessera.test");
    assert_eq!(m.subject, format!("Поръчка {order} е направена"));
    assert_eq!(m.content_language, "bg");
    assert!(m.message_id.starts_with("tessera."), "{}", m.message_id);
    // The ticket as the pages show it in Bulgarian: its period, place and the total.
    let t = ticket_text(&w, ticket, "bg").await;
    let period = t["period"]["text"].as_str().expect("period text");
    for part in [period, "PM №1", "Коворкинг №1", "Здравейте, Мария!", "Статус: Нова."]
    {
        assert!(m.text.contains(part), "text lacks {part:?}:\n{}", m.text);
        assert!(m.html.contains(part), "html lacks {part:?}:\n{}", m.html);
    }
    assert!(m.text.contains("3000,00"), "total: {}", m.text);
    assert!(m.text.contains("http://tessera.test/app"), "{}", m.text);
    assert!(
        !m.text.contains("Заказ") && !m.text.contains("Order"),
        "one language: {}",
        m.text
    );

    // Paying is not news; confirming is.
    w.set_order_status(order, "new_payment_in_progress").await.ok(200);
    w.set_order_status(order, "confirmed").await.ok(200);
    let mails = sink.wait_for(2).await;
    assert_eq!(mails[1].subject, format!("Поръчка {order} е потвърдена"));
    assert!(mails[1].text.contains("Моите билети"), "{}", mails[1].text);

    // A refused change mails nobody.
    w.set_order_status(order, "new").await.problem(409);
    w.set_order_status(order, "cancelled").await.ok(200);
    let mails = sink.wait_for(3).await;
    assert_eq!(mails[2].subject, format!("Поръчка {order} е отменена"));
    assert!(mails[2].text.contains("Статус: Отменена."), "{}", mails[2].text);
    // Moving on to the refund is not a second cancellation.
    w.set_order_status(order, "cancelled_refund_in_progress").await.ok(200);
    settle().await;
    assert_eq!(sink.arrived().len(), 3, "{:#?}", sink.arrived());

    let status = w.admin.get("/api/v1/mail/status").await;
    let s = status.ok(200);
    assert_eq!(s["configured"], json!(true));
    assert_eq!(s["sent"], json!(3));
    assert_eq!(s["pending"], json!(0));
    assert_eq!(s["from"], json!(FROM));
    assert_eq!(s["server"], json!(sink.url()));
}

#[tokio::test]
async fn a_sent_ticket_mails_its_new_holder_and_its_sender_each_in_their_language() {
    let sink = Sink::start();
    let w = World::with_config(with_mail(&sink)).await;
    let (maria, maria_email) = visitor(&w, "Мария", "Семенова", "ru").await;
    let (_ivan, ivan_email) = visitor(&w, "Ivan", "Stolpovsky", "en").await;
    let (_order, ticket) = w.ticket(maria.user_id, w.workplaces[1], days(5, 6)).await;
    sink.wait_for(1).await;
    maria
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": ivan_email}),
        )
        .await
        .ok(200);
    let mails = sink.wait_for(3).await;
    let got = to(&mails, &ivan_email);
    assert_eq!(got.len(), 1, "{mails:#?}");
    assert_eq!(got[0].subject, format!("Ticket {ticket} is yours"));
    assert!(
        got[0].text.contains("Мария Семенова sent you ticket"),
        "{}",
        got[0].text
    );
    let en_period = ticket_text(&w, ticket, "en").await["period"]["text"]
        .as_str()
        .expect("period")
        .to_owned();
    assert!(got[0].text.contains(&en_period), "{}", got[0].text);
    assert!(
        got[0]
            .text
            .contains(&format!("http://tessera.test/app/tickets/{ticket}"))
    );
    assert_eq!(got[0].content_language, "en");
    let sent = to(&mails, &maria_email);
    assert_eq!(sent.len(), 2, "the order's mail and the copy: {sent:#?}");
    assert_eq!(sent[1].subject, format!("Билет {ticket} передан"));
    assert!(sent[1].text.contains("Ivan Stolpovsky"), "{}", sent[1].text);

    // A send refused (to nobody) mails nobody.
    maria
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "nobody@example.test"}),
        )
        .await
        .problem(404);
    settle().await;
    assert_eq!(sink.arrived().len(), 3);
}

#[tokio::test]
async fn a_reset_link_arrives_by_mail_works_once_and_is_not_kept() {
    let sink = Sink::start();
    let server = Server::start_with(with_mail(&sink)).await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let created = admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Elena", "last_name": "Dimitrova", "email": "elena@example.test",
                   "role": "event_manager", "password": "old-password-long-1"}),
        )
        .await;
    let id = created.ok(201)["id"].as_i64().expect("id");
    admin
        .patch(&format!("/api/v1/users/{id}"), json!({"locale": "en"}))
        .await
        .ok(200);
    let anon = server.anonymous();
    anon.post("/api/v1/auth/password-reset", json!({"email": "unknown@example.test"}))
        .await
        .ok(202);
    anon.post("/api/v1/auth/password-reset", json!({"email": "Elena@Example.test"}))
        .await
        .ok(202);
    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1, "an unknown address is mailed nothing: {mails:#?}");
    let m = &mails[0];
    assert_eq!(m.to, "elena@example.test");
    assert_eq!(m.subject, "Your Tessera password");
    let link = m
        .text
        .split_whitespace()
        .find(|w| w.starts_with("http://tessera.test/password-reset?token="))
        .unwrap_or_else(|| panic!("no link in {}", m.text));
    assert!(m.html.contains(link), "the button carries the same link");
    let token = link.split("token=").nth(1).expect("token");
    anon.post(
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "new_password": "a-brand-new-secret-7"}),
    )
    .await
    .ok(204);
    anon.post(
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "new_password": "another-new-secret-8"}),
    )
    .await
    .problem(422);
    anon.post(
        "/api/v1/auth/login",
        json!({"email": "elena@example.test", "password": "a-brand-new-secret-7"}),
    )
    .await
    .ok(200);

    // Once sent, the link is nowhere in the database any more.
    let list = admin.get("/api/v1/mail/messages?state=sent").await;
    let item = list.ok(200)["items"][0].clone();
    assert_eq!(item["type"], json!("password_reset"));
    let retry = admin
        .post(&format!("/api/v1/mail/messages/{}/retry", item["id"]), json!({}))
        .await;
    retry.problem(409);
    let kept = common::scalar(
        &server,
        &format!("SELECT COUNT(*) FROM outbox WHERE detail LIKE '%{token}%'"),
    )
    .await;
    assert_eq!(kept, 0, "the token stays in the database");
}

#[tokio::test]
async fn without_smtp_mail_waits_and_an_instance_with_smtp_sends_it() {
    let w = World::new().await;
    let (_v, email) = visitor(&w, "Анастасия", "Иванова", "ru").await;
    let customer = w.admin.get("/api/v1/users?search=Иванова").await.ok(200)["items"][0]["id"]
        .as_i64()
        .expect("id");
    let (order, _) = w.ticket(customer, w.workplaces[2], days(2, 2)).await;
    let mut waiting = Value::Null;
    for _ in 0..100 {
        waiting = w.admin.get("/api/v1/mail/status").await.ok(200).clone();
        if waiting["pending"] == json!(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(waiting["configured"], json!(false), "{waiting}");
    assert_eq!(waiting["pending"], json!(1), "{waiting}");
    assert_eq!(waiting["server"], Value::Null);
    let list = w.admin.get("/api/v1/mail/messages?state=pending").await;
    let item = list.ok(200)["items"][0].clone();
    assert_eq!(item["to"], json!(email));
    assert_eq!(item["type"], json!("order_made"));
    assert_eq!(item["locale"], json!("ru"));
    assert_eq!(item["subject"], Value::Null, "written out when it is sent");
    assert_eq!(item["attempts"], json!(0));

    let sink = Sink::start();
    let _second = w.server.instance_with(with_mail(&sink)).await;
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].subject, format!("Заказ {order} оформлен"));
    assert_eq!(mails[0].to, email);
}

#[tokio::test]
async fn a_passing_smtp_trouble_is_retried() {
    let sink = Sink::start_with(&["--fail-first", "1"]);
    let server = Server::start_with(with_mail(&sink)).await;
    let admin = server.user("admin", "Ада", "Админова").await;
    admin.post("/api/v1/mail/test", json!({})).await.ok(202);
    // The first attempt is answered 451; the retry comes about 5 s later.
    let mut first = Value::Null;
    for _ in 0..200 {
        first = admin.get("/api/v1/mail/messages").await.ok(200)["items"][0].clone();
        if first["attempts"] == json!(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(first["state"], json!("pending"), "{first}");
    assert_eq!(first["attempts"], json!(1), "{first}");
    assert!(
        first["last_error"].as_str().is_some_and(|e| e.contains("451")),
        "{first}"
    );
    assert!(first["next_attempt_at"].is_string(), "{first}");
    let mails = sink.wait_for(1).await;
    assert_eq!(mails[0].subject, "Проверка почты Tessera");
    assert_eq!(mails.len(), 1);
}

#[tokio::test]
async fn a_refusal_fails_the_mail_at_once_until_an_admin_retries_it() {
    let refusing = Sink::start_with(&["--reject"]);
    let server = Server::start_with(with_mail(&refusing)).await;
    let admin = server.user("admin", "Ада", "Админова").await;
    admin.post("/api/v1/mail/test", json!({})).await.ok(202);
    let mut failed = Value::Null;
    for _ in 0..400 {
        let page = admin.get("/api/v1/mail/messages?state=failed").await;
        if let Some(f) = page.ok(200)["items"].get(0) {
            failed = f.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        failed["last_error"].as_str().is_some_and(|e| e.contains("550")),
        "a 550 fails the mail at once: {failed}"
    );
    assert_eq!(failed["attempts"], json!(1));
    assert_eq!(failed["next_attempt_at"], Value::Null);
    let again = admin
        .post(&format!("/api/v1/mail/messages/{}/retry", failed["id"]), json!({}))
        .await;
    let again = again.ok(200);
    assert_eq!(again["state"], json!("pending"));
    assert!(again["next_attempt_at"].is_string());
    assert_eq!(admin.get("/api/v1/mail/status").await.ok(200)["failed"], json!(0));
}

#[tokio::test]
async fn two_instances_send_every_mail_exactly_once() {
    let sink = Sink::start();
    let w = World::with_config(with_mail(&sink)).await;
    let _second = w.server.instance_with(with_mail(&sink)).await;
    let (v, _) = visitor(&w, "Иван", "Столповский", "ru").await;
    let mut orders = Vec::new();
    for d in 0..20 {
        let (order, _) = w
            .ticket(v.user_id, w.workplaces[(d % 3) as usize], days(10 + d, 10 + d))
            .await;
        orders.push(order);
    }
    let mails = sink.wait_for(20).await;
    settle().await;
    let mails_now = sink.arrived();
    assert_eq!(mails_now.len(), 20, "{:#?}", mails_now.len());
    let subjects: HashSet<String> = mails.iter().map(|m| m.subject.clone()).collect();
    for o in orders {
        assert!(subjects.contains(&format!("Заказ {o} оформлен")), "order {o}");
    }
}

#[tokio::test]
async fn the_mail_api_is_the_admins_and_refuses_bad_filters() {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let manager = server.user("rental_manager", "Марина", "Спиридонова").await;
    manager.get("/api/v1/mail/status").await.problem(403);
    manager.get("/api/v1/mail/messages").await.problem(403);
    manager.post("/api/v1/mail/test", json!({})).await.problem(403);
    let bad = admin.clone().lang("en").get("/api/v1/mail/messages?state=lost").await;
    let body = bad.problem(400);
    assert!(body["detail"].as_str().is_some_and(|d| d.contains("pending")), "{body}");
    admin
        .post("/api/v1/mail/messages/999999/retry", json!({}))
        .await
        .problem(404);
    admin.post("/api/v1/mail/test", json!({})).await.ok(202);
    // Without SMTP the test mail waits, in the admin's language.
    let mut item = Value::Null;
    for _ in 0..100 {
        if let Some(i) = admin.get("/api/v1/mail/messages").await.ok(200)["items"].get(0) {
            item = i.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(item["type"], json!("test"), "{item}");
    assert_eq!(item["state"], json!("pending"));
    assert_eq!(item["locale"], json!("ru"));
}

#[tokio::test]
async fn mail_that_waited_a_day_fails_and_a_reset_link_in_it_is_forgotten() {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    admin.post("/api/v1/mail/test", json!({})).await.ok(202);
    server
        .anonymous()
        .post("/api/v1/auth/password-reset", json!({"email": "nobody@example.test"}))
        .await
        .ok(202);
    let created = admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Vera", "last_name": "Z", "email": "vera@example.test",
                   "role": "rental_manager", "password": "vera-long-password-1"}),
        )
        .await;
    created.ok(201);
    server
        .anonymous()
        .post("/api/v1/auth/password-reset", json!({"email": "vera@example.test"}))
        .await
        .ok(202);
    for _ in 0..100 {
        if admin.get("/api/v1/mail/status").await.ok(200)["pending"] == json!(2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(admin.get("/api/v1/mail/status").await.ok(200)["pending"], json!(2));
    // A day and an hour later, the dispatcher's hourly upkeep gives up on them.
    let later = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(25))
        .expect("later");
    server.clock.set(later);
    let mut status = Value::Null;
    for _ in 0..100 {
        status = admin.get("/api/v1/mail/status").await.ok(200).clone();
        if status["failed"] == json!(2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status["failed"], json!(2), "{status}");
    assert_eq!(status["pending"], json!(0), "{status}");
    let items = admin.get("/api/v1/mail/messages?state=failed").await.ok(200)["items"].clone();
    assert!(
        items
            .as_array()
            .is_some_and(|a| a.iter().all(|m| m["last_error"] == json!("not sent within 24 hours"))),
        "{items}"
    );
    let kept = common::scalar(&server, "SELECT COUNT(*) FROM outbox WHERE detail LIKE '%token=%'").await;
    assert_eq!(kept, 0, "the expired reset link is forgotten");
}
