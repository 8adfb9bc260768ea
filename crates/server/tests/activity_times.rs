//! Activities with times over HTTP: a hall is held for exactly an
//! activity's half-open time in the venue's zone, by the database on every
//! backend, under concurrency; edits and moves re-check it; the hall diary
//! shows every event's activities in their halls.

mod common;

use common::{Client, Server};
use serde_json::{Value, json};

struct Venue {
    _server: Server,
    em: Client,
    venue: i64,
    hall: i64,
    second_hall: i64,
}

fn id_of(a: &common::Answer) -> i64 {
    a.ok(201)["id"].as_i64().expect("id")
}

async fn venue() -> Venue {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let em = server.user("event_manager", "Елена", "Димитрова").await;
    let venue = id_of(
        &admin
            .post(
                "/api/v1/venues",
                json!({"name": "Хотел", "time_zone": "Europe/Sofia", "currency": "EUR", "locale": "bg"}),
            )
            .await,
    );
    let hall = |name: &'static str| {
        let admin = admin.clone();
        async move {
            id_of(
                &admin
                    .post(
                        "/api/v1/premises",
                        json!({"venue_id": venue, "name": name, "kind": "hall"}),
                    )
                    .await,
            )
        }
    };
    let (hall, second_hall) = (hall("Зала А").await, hall("Зала Б").await);
    Venue {
        _server: server,
        em,
        venue,
        hall,
        second_hall,
    }
}

async fn event(v: &Venue, name: &str, start: &str, end: &str) -> i64 {
    id_of(
        &v.em
            .post(
                "/api/v1/events",
                json!({"venue_id": v.venue, "name": name, "start_date": start, "end_date": end, "pax": 40}),
            )
            .await,
    )
}

async fn session(v: &Venue, event: i64, date: &str, times: Option<(&str, &str)>) -> common::Answer {
    let mut body = json!({"kind": "hall", "name": "Сесия", "date": date, "pax": 40, "premises_id": v.hall});
    if let Some((s, e)) = times {
        body["start_time"] = json!(s);
        body["end_time"] = json!(e);
    }
    v.em.post(&format!("/api/v1/events/{event}/activities"), body).await
}

#[tokio::test]
async fn a_morning_and_an_afternoon_share_a_hall_and_overlaps_are_refused() {
    let v = venue().await;
    let e = event(&v, "Конференция", "2024-02-10", "2024-02-11").await;
    let morning = session(&v, e, "2024-02-10", Some(("09:00", "12:00"))).await;
    let m = morning.ok(201);
    assert_eq!(
        (m["start_time"].clone(), m["end_time"].clone()),
        (json!("09:00"), json!("12:00"))
    );
    session(&v, e, "2024-02-10", Some(("13:00", "17:00"))).await.ok(201);
    // Half-open: 12:00 ends the morning and may start the lunch.
    session(&v, e, "2024-02-10", Some(("12:00", "13:00"))).await.ok(201);
    let other = event(&v, "Семинар", "2024-02-10", "2024-02-10").await;
    for times in [Some(("11:00", "14:00")), Some(("16:59", "18:00")), None] {
        let a = session(&v, other, "2024-02-10", times).await;
        let p = a.problem(409);
        assert!(
            p["type"].as_str().is_some_and(|t| t.ends_with("hall-taken")),
            "{times:?}: {p}"
        );
    }
    session(&v, other, "2024-02-10", Some(("17:00", "22:00"))).await.ok(201);
    // Another hall, or another day, is free.
    v.em.post(
        &format!("/api/v1/events/{other}/activities"),
        json!({"kind": "hall", "name": "Б", "date": "2024-02-10", "pax": 5, "premises_id": v.second_hall}),
    )
    .await
    .ok(201);
    session(&v, e, "2024-02-11", None).await.ok(201);
    let event = v.em.get(&format!("/api/v1/events/{e}")).await;
    let activities = event.ok(200)["activities"].as_array().expect("activities").clone();
    let starts: Vec<Value> = activities.iter().map(|a| a["start_time"].clone()).collect();
    assert_eq!(
        starts,
        vec![json!("09:00"), json!("12:00"), json!("13:00"), Value::Null],
        "by day and start"
    );
    assert_eq!(activities[3]["end_time"], Value::Null, "no time: the whole day");
}

#[tokio::test]
async fn bad_times_are_refused_at_their_field_and_change_nothing() {
    let v = venue().await;
    let e = event(&v, "Конференция", "2024-02-10", "2024-02-11").await;
    let path = format!("/api/v1/events/{e}/activities");
    let base = json!({"kind": "other", "name": "Среща", "date": "2024-02-10", "pax": 10});
    let with = |extra: Value| {
        let mut b = base.clone();
        for (k, val) in extra.as_object().expect("object") {
            b[k] = val.clone();
        }
        b
    };
    for (extra, field) in [
        (json!({"start_time": "12:00", "end_time": "09:00"}), "end_time"),
        (json!({"start_time": "09:00", "end_time": "09:00"}), "end_time"),
        (json!({"start_time": "09:00"}), "end_time"),
        (json!({"end_time": "10:00"}), "start_time"),
        (json!({"start_time": "9:00", "end_time": "10:00"}), "start_time"),
        (json!({"start_time": "09:00", "end_time": "24:00"}), "end_time"),
    ] {
        let a = v.em.clone().lang("bg").post(&path, with(extra.clone())).await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{extra}: {p}");
        let message = p["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.chars().any(|c| ('а'..='я').contains(&c)), "in Bulgarian: {p}");
    }
    let event = v.em.get(&format!("/api/v1/events/{e}")).await;
    assert_eq!(event.ok(200)["activities"], json!([]), "nothing added");
    let noted =
        v.em.post(&path, with(json!({"notes": "  Проектор и два микрофона  "})))
            .await;
    assert_eq!(noted.ok(201)["notes"], "Проектор и два микрофона");
}

#[tokio::test]
async fn an_edit_of_times_re_checks_the_hall_and_names_and_notes_change_too() {
    let v = venue().await;
    let e = event(&v, "Конференция", "2024-02-10", "2024-02-11").await;
    let morning = id_of(&session(&v, e, "2024-02-10", Some(("09:00", "12:00"))).await);
    id_of(&session(&v, e, "2024-02-10", Some(("13:00", "17:00"))).await);
    let path = format!("/api/v1/events/{e}/activities/{morning}");
    let preview =
        v.em.post(
            &format!("{path}/preview"),
            json!({"start_time": "08:00", "end_time": "13:00"}),
        )
        .await;
    assert_eq!(preview.ok(200)["activities"][0]["start_time_after"], "08:00");
    let longer =
        v.em.patch(&path, json!({"start_time": "08:00", "end_time": "13:00"}))
            .await;
    let a = longer.ok(200)["activities"][0].clone();
    assert_eq!(
        (a["start_time"].clone(), a["end_time"].clone()),
        (json!("08:00"), json!("13:00"))
    );
    for body in [
        json!({"start_time": "08:00", "end_time": "13:30"}),
        json!({"start_time": null, "end_time": null}),
    ] {
        v.em.patch(&path, body.clone()).await.problem(409);
    }
    let p = v.em.patch(&path, json!({"end_time": "11:00"})).await;
    assert_eq!(p.problem(422)["errors"][0]["field"], "start_time");
    let renamed =
        v.em.patch(&path, json!({"name": "Пленарна сесия", "notes": "Сцена, 3 микрофона"}))
            .await;
    let a = renamed.ok(200)["activities"][0].clone();
    assert_eq!(a["name"], "Пленарна сесия");
    assert_eq!(a["notes"], "Сцена, 3 микрофона");
    assert_eq!(a["start_time"], "08:00", "a rename keeps the time");
    // Moved to the next day, it takes the whole day there (nothing else holds it).
    let moved =
        v.em.patch(
            &path,
            json!({"date": "2024-02-11", "start_time": null, "end_time": null}),
        )
        .await;
    let a = moved.ok(200)["activities"]
        .as_array()
        .and_then(|all| all.iter().find(|x| x["id"] == json!(morning)).cloned())
        .expect("the activity");
    assert_eq!(
        (a["date"].clone(), a["start_time"].clone()),
        (json!("2024-02-11"), Value::Null)
    );
    // A cancelled activity is edited no more.
    v.em.post(&format!("{path}/cancel"), json!({})).await.ok(200);
    v.em.patch(&path, json!({"name": "x"})).await.problem(409);
}

#[tokio::test]
async fn a_move_takes_the_times_along_and_respects_another_events_hours() {
    let v = venue().await;
    let e = event(&v, "Конференция", "2024-02-10", "2024-02-10").await;
    id_of(&session(&v, e, "2024-02-10", Some(("09:00", "12:00"))).await);
    id_of(&session(&v, e, "2024-02-10", Some(("13:00", "17:00"))).await);
    let wedding = event(&v, "Сватба", "2024-02-15", "2024-02-15").await;
    id_of(&session(&v, wedding, "2024-02-15", Some(("16:00", "23:00"))).await);
    let dates = format!("/api/v1/events/{e}/dates");
    let p =
        v.em.post(&dates, json!({"mode": "move", "start_date": "2024-02-15"}))
            .await;
    assert!(
        p.problem(409)["detail"].as_str().is_some_and(|d| d.contains("13:00")),
        "names the time"
    );
    v.em.post(&dates, json!({"mode": "move", "start_date": "2024-02-16"}))
        .await
        .ok(200);
    let diary =
        v.em.get(&format!(
            "/api/v1/halls/diary?venue_id={}&from=2024-02-15&to=2024-02-16",
            v.venue
        ))
        .await;
    let halls = diary.ok(200)["halls"].as_array().expect("halls").clone();
    assert_eq!(halls.len(), 2, "both halls, busy or not");
    assert_eq!(halls[0]["name"], "Зала А");
    let held: Vec<(String, String, String)> = halls[0]["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .map(|a| {
            (
                a["date"].as_str().unwrap_or("").to_owned(),
                a["start_time"].as_str().unwrap_or("").to_owned(),
                a["event"]["name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        held,
        vec![
            ("2024-02-15".into(), "16:00".into(), "Сватба".into()),
            ("2024-02-16".into(), "09:00".into(), "Конференция".into()),
            ("2024-02-16".into(), "13:00".into(), "Конференция".into()),
        ]
    );
    assert_eq!(halls[1]["activities"], json!([]));
}

#[tokio::test]
async fn twenty_four_clients_racing_for_one_hall_and_time_leave_exactly_one_winner() {
    let v = venue().await;
    let mut events = Vec::new();
    for i in 0..24 {
        events.push(event(&v, &format!("Събитие {i}"), "2024-03-01", "2024-03-01").await);
    }
    let tries = events.iter().map(|&e| {
        let em = v.em.clone();
        let hall = v.hall;
        tokio::spawn(async move {
            em.post(
                &format!("/api/v1/events/{e}/activities"),
                json!({"kind": "hall", "name": "Зала", "date": "2024-03-01", "pax": 10, "premises_id": hall,
                       "start_time": "10:00", "end_time": "12:00"}),
            )
            .await
            .status
            .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for t in tries {
        statuses.push(t.await.expect("task"));
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 23, "{statuses:?}");
    let diary =
        v.em.get(&format!(
            "/api/v1/halls/diary?venue_id={}&from=2024-03-01&to=2024-03-01",
            v.venue
        ))
        .await;
    assert_eq!(
        diary.ok(200)["halls"][0]["activities"].as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn the_diary_refuses_a_bad_range_and_an_unknown_venue() {
    let v = venue().await;
    let q = |query: &str| {
        let (em, path) = (v.em.clone(), format!("/api/v1/halls/diary?{query}"));
        async move { em.get(&path).await }
    };
    let venue = v.venue;
    for (query, field) in [
        (format!("venue_id={venue}&from=2024-02-10&to=2024-02-09"), "to"),
        (format!("venue_id={venue}&from=2024-01-01&to=2025-12-31"), "to"),
        (format!("venue_id={venue}&from=10.02.2024&to=2024-02-11"), "from"),
        ("venue_id=999999&from=2024-02-10&to=2024-02-11".to_owned(), "venue_id"),
    ] {
        let a = q(&query).await;
        assert_eq!(a.problem(422)["errors"][0]["field"], field, "{query}");
    }
    q(&format!("venue_id={venue}&from=2024-02-10")).await.problem(400);
}
