//! Calendar feeds: a visitor's tickets and a hall's activities as RFC 5545
//! (read back with the icalendar crate's parser), opened by a feed key
//! instead of a token — and not by a key that was replaced.

mod common;

use common::{World, days, slot};
use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};
use serde_json::json;

async fn raw(base: &str, path: &str, token: Option<&str>) -> (u16, String, String) {
    let mut req = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("feed");
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, ct, res.text().await.expect("text"))
}

fn events(text: &str) -> Vec<icalendar::Event> {
    let cal: Calendar = text.parse().expect("an iCalendar feed");
    cal.components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_visitors_tickets_open_with_a_key_whole_days_as_all_day_and_cancelled_marked() {
    let w = World::new().await;
    let visitor = w.server.user("visitor", "Мария", "Семенова").await;
    let (_, days_ticket) = w.ticket(visitor.user_id, w.workplaces[0], days(3, 4)).await;
    let slotted = w
        .book(visitor.user_id, w.workplaces[1], slot(5, "09:00", "11:00"), w.hourly)
        .await;
    let slot_ticket = slotted.ok(201)["tickets"][0]["number"].as_i64().expect("ticket");
    let (cancelled_order, cancelled_ticket) = w.ticket(visitor.user_id, w.workplaces[2], days(6, 6)).await;
    w.set_order_status(cancelled_order, "cancelled").await.ok(200);

    // Without a token or a key: 401.
    assert_eq!(raw(&w.server.base, "/api/v1/me/calendar.ics", None).await.0, 401);
    let key = visitor.post("/api/v1/me/feed-key", json!({})).await.ok(200)["key"]
        .as_str()
        .expect("key")
        .to_owned();
    let (status, ct, text) = raw(&w.server.base, &format!("/api/v1/me/calendar.ics?key={key}"), None).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(ct, "text/calendar; charset=utf-8");
    let evs = events(&text);
    assert_eq!(evs.len(), 3, "{text}");
    let by_uid = |n: i64| {
        evs.iter()
            .find(|e| e.get_uid() == Some(&format!("ticket-{n}@tessera")))
            .expect("the ticket's event")
    };
    let whole = by_uid(days_ticket);
    assert!(
        matches!(whole.get_start(), Some(DatePerhapsTime::Date(_))),
        "all day: {text}"
    );
    match (whole.get_start(), whole.get_end()) {
        (Some(DatePerhapsTime::Date(a)), Some(DatePerhapsTime::Date(b))) => {
            assert_eq!((b - a).num_days(), 2, "two days, the end excluded")
        }
        other => panic!("{other:?}"),
    }
    let timed = by_uid(slot_ticket);
    assert!(
        matches!(
            timed.get_start(),
            Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(_)))
        ),
        "a slot in UTC: {text}"
    );
    assert!(text.contains("X-TESSERA-TIME-ZONE:Europe/Moscow"), "{text}");
    assert_eq!(
        by_uid(cancelled_ticket).get_status(),
        Some(icalendar::EventStatus::Cancelled)
    );
    assert!(text.contains("X-WR-TIMEZONE:Europe/Moscow"));

    // A new key ends the old one.
    let newer = visitor.post("/api/v1/me/feed-key", json!({})).await.ok(200)["key"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_ne!(newer, key);
    assert_eq!(
        raw(&w.server.base, &format!("/api/v1/me/calendar.ics?key={key}"), None)
            .await
            .0,
        401
    );
    assert_eq!(
        raw(&w.server.base, &format!("/api/v1/me/calendar.ics?key={newer}"), None)
            .await
            .0,
        200
    );
    assert_eq!(
        raw(&w.server.base, "/api/v1/me/calendar.ics?key=made-up", None).await.0,
        401
    );
    // The token works too, and an unknown parameter is refused.
    let token = visitor.token.as_deref();
    assert_eq!(raw(&w.server.base, "/api/v1/me/calendar.ics", token).await.0, 200);
    assert_eq!(
        raw(&w.server.base, "/api/v1/me/calendar.ics?format=pdf", token).await.0,
        400
    );
}

#[tokio::test]
async fn a_halls_activities_open_for_event_managers_with_their_key() {
    let w = World::new().await;
    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let hall = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "Зал Витоша", "kind": "hall"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("hall");
    let e = em
        .post(
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "Форум", "start_date": "2030-02-10", "end_date": "2030-02-12", "pax": 100}),
        )
        .await;
    let event = e.ok(201)["id"].as_i64().expect("event");
    let morning = em
        .post(
            &format!("/api/v1/events/{event}/activities"),
            json!({"kind": "hall", "name": "Пленарная", "date": "2030-02-10", "pax": 100, "premises_id": hall,
                   "start_time": "09:00", "end_time": "12:00", "notes": "Проектор"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("activity");
    let whole = em
        .post(
            &format!("/api/v1/events/{event}/activities"),
            json!({"kind": "hall", "name": "Выставка", "date": "2030-02-11", "pax": 100, "premises_id": hall}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("activity");
    em.post(
        &format!("/api/v1/events/{event}/activities/{whole}/cancel"),
        json!({"dry_run": false}),
    )
    .await;
    let key = em.post("/api/v1/me/feed-key", json!({})).await.ok(200)["key"]
        .as_str()
        .expect("key")
        .to_owned();
    let (status, _, text) = raw(
        &w.server.base,
        &format!("/api/v1/halls/{hall}/calendar.ics?key={key}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let evs = events(&text);
    assert_eq!(evs.len(), 2, "{text}");
    let m = evs
        .iter()
        .find(|e| e.get_uid() == Some(&format!("activity-{morning}@tessera")))
        .expect("morning");
    assert_eq!(m.get_summary(), Some("Форум · Пленарная"));
    assert_eq!(m.get_description(), Some("Проектор"));
    // 09:00 in Moscow is 06:00 UTC.
    match m.get_start() {
        Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) => {
            assert_eq!(t.to_rfc3339(), "2030-02-10T06:00:00+00:00")
        }
        other => panic!("{other:?}"),
    }
    let x = evs
        .iter()
        .find(|e| e.get_uid() == Some(&format!("activity-{whole}@tessera")))
        .expect("whole day");
    assert!(matches!(x.get_start(), Some(DatePerhapsTime::Date(_))));
    assert_eq!(x.get_status(), Some(icalendar::EventStatus::Cancelled));

    // A rental manager's key does not open a hall; coworking premises are no hall.
    let rental_key = w.manager.post("/api/v1/me/feed-key", json!({})).await.ok(200)["key"]
        .as_str()
        .expect("key")
        .to_owned();
    assert_eq!(
        raw(
            &w.server.base,
            &format!("/api/v1/halls/{hall}/calendar.ics?key={rental_key}"),
            None
        )
        .await
        .0,
        403
    );
    assert_eq!(
        raw(
            &w.server.base,
            &format!("/api/v1/halls/{}/calendar.ics?key={key}", w.premises),
            None
        )
        .await
        .0,
        404
    );
}
