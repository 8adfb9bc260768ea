//! Every endpoint that takes a body answers malformed JSON, unknown fields,
//! wrong types, missing fields and over-long strings with problem+json and
//! changes nothing.

mod common;

use common::{World, days};
use reqwest::Method;
use serde_json::{Value, json};

/// A snapshot of everything a refused request could have changed.
async fn snapshot(w: &World) -> Value {
    let mut all = serde_json::Map::new();
    for path in [
        "/api/v1/coworking/tickets",
        "/api/v1/venues",
        "/api/v1/premises",
        "/api/v1/tariffs",
        "/api/v1/modifiers",
        "/api/v1/service-variants",
        "/api/v1/events",
        "/api/v1/users?limit=500",
    ] {
        all.insert(path.into(), w.admin.get(path).await.body);
    }
    Value::Object(all)
}

#[tokio::test]
async fn every_body_endpoint_refuses_bad_bodies_and_changes_nothing() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 4)).await;
    let event = w
        .admin
        .post(
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "E", "start_date": "2030-01-01", "end_date": "2030-01-03", "pax": 10}),
        )
        .await;
    let event_id = event.ok(201)["id"].as_i64().expect("event");
    let folio = event.body["folios"][0]["id"].as_i64().expect("folio");
    let activity = w
        .admin
        .post(
            &format!("/api/v1/events/{event_id}/activities"),
            json!({"kind": "catering", "name": "C", "date": "2030-01-02", "pax": 10}),
        )
        .await;
    let activity = activity.ok(201)["id"].as_i64().expect("activity");
    let long = "я".repeat(10_000);
    // (method, path, a valid body, a field to break with a wrong type, a text field to make over-long)
    let cases: Vec<(Method, String, Value, &str, Option<&str>)> = vec![
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"first_name": "А", "last_name": "Б", "email": "ab@example.test"}),
            "email",
            Some("first_name"),
        ),
        (
            Method::POST,
            "/api/v1/venues".into(),
            json!({"name": "V", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
            "time_zone",
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/premises".into(),
            json!({"venue_id": w.venue, "name": "P", "kind": "coworking"}),
            "venue_id",
            Some("name"),
        ),
        (
            Method::POST,
            format!("/api/v1/premises/{}/workplaces", w.premises),
            json!({"name": "PM №9"}),
            "name",
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/tariffs".into(),
            json!({"venue_id": w.venue, "name": "T", "unit": "day", "price": "10"}),
            "unit",
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/service-variants".into(),
            json!({"venue_id": w.venue, "name": "S"}),
            "venue_id",
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/modifiers".into(),
            json!({"venue_id": w.venue, "name": "M", "price": "1"}),
            "venue_id",
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/orders".into(),
            json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[1], "period": days(9, 9), "tariff_id": w.daily}]}),
            "customer_id",
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/orders/{order}/status"),
            json!({"status": "confirmed"}),
            "status",
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/coworking/tickets/{ticket}/visitor"),
            json!({"user_id": v.user_id}),
            "user_id",
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/coworking/tickets/{ticket}/workplace"),
            json!({"workplace_id": w.workplaces[2]}),
            "workplace_id",
            None,
        ),
        (
            Method::POST,
            "/api/v1/events".into(),
            json!({"venue_id": w.venue, "name": "E2", "start_date": "2030-01-01", "end_date": "2030-01-02", "pax": 5}),
            "pax",
            Some("name"),
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event_id}/activities"),
            json!({"kind": "other", "name": "O", "date": "2030-01-02", "pax": 5}),
            "pax",
            Some("name"),
        ),
        (
            Method::PATCH,
            format!("/api/v1/events/{event_id}/activities/{activity}"),
            json!({"pax": 7}),
            "pax",
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event_id}/blocks"),
            json!({"name": "B", "rooms": 2}),
            "rooms",
            Some("name"),
        ),
        (
            Method::POST,
            format!("/api/v1/folios/{folio}/charges"),
            json!({"description": "D", "service_date": "2030-01-02", "quantity": 1, "unit_price": "1"}),
            "service_date",
            Some("description"),
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event_id}/pax"),
            json!({"pax": 12}),
            "pax",
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event_id}/dates"),
            json!({"mode": "move", "start_date": "2030-02-01"}),
            "start_date",
            None,
        ),
    ];
    let before = snapshot(&w).await;
    for (method, path, valid, typed, long_field) in &cases {
        let send = |body: String| w.admin.raw(method.clone(), path, Some(body), None);
        send("{\"oops\": ".into()).await.problem(400);
        let mut unknown = valid.clone();
        unknown["surprise"] = json!(1);
        send(unknown.to_string()).await.problem(400);
        let mut wrong = valid.clone();
        wrong[*typed] = json!([true]);
        let p = send(wrong.to_string()).await;
        assert_eq!(
            p.problem(422)["errors"][0]["field"],
            json!(typed),
            "{method} {path}: {}",
            p.body
        );
        if let Some(field) = long_field {
            let mut too_long = valid.clone();
            too_long[*field] = json!(long);
            send(too_long.to_string()).await.problem(422);
        }
        let not_json = w
            .admin
            .raw(method.clone(), path, Some(valid.to_string()), Some("text/plain"))
            .await;
        not_json.problem(415);
    }
    // Required fields: an empty object names what is missing.
    let missing = w.admin.post("/api/v1/venues", json!({})).await;
    assert!(
        missing.problem(422)["errors"][0]["field"]
            .as_str()
            .is_some_and(|f| !f.is_empty())
    );
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(1_100_000));
    w.admin
        .raw(Method::POST, "/api/v1/service-variants", Some(huge), None)
        .await
        .problem(413);
    assert_eq!(snapshot(&w).await, before, "a refused request changed something");
}

#[tokio::test]
async fn bad_dates_times_and_periods_name_their_field() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Столповский").await;
    let book = |period: Value| {
        let m = w.manager.clone();
        let body = json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": period, "tariff_id": w.daily}]});
        async move { m.post("/api/v1/orders", body).await }
    };
    let cases = [
        (
            json!({"start_date": "2030-13-01", "end_date": "2030-12-02"}),
            "items[0].period.start_date",
        ),
        (
            json!({"start_date": "13.12.2030", "end_date": "2030-12-14"}),
            "items[0].period.start_date",
        ),
        (
            json!({"start_date": "2030-02-30", "end_date": "2030-03-01"}),
            "items[0].period.start_date",
        ),
        (
            json!({"start_date": "2030-12-14", "end_date": "2030-12-13"}),
            "items[0].period.end_date",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "9:00", "end_time": "11:00"}),
            "items[0].period.start_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:00", "end_time": "25:00"}),
            "items[0].period.end_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "11:00", "end_time": "09:00"}),
            "items[0].period.end_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:00"}),
            "items[0].period.end_time",
        ),
        (
            json!({"start_date": "2030-12-06", "date": "2030-12-06"}),
            "items[0].period",
        ),
    ];
    for (period, field) in cases {
        let a = book(period.clone()).await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{period}: {p}");
    }
    assert_eq!(
        w.manager.get("/api/v1/coworking/tickets").await.body["items"],
        json!([])
    );
}
