//! Renaming an event, cancelling an activity or the whole event, editing and
//! cancelling room blocks, over HTTP: previews equal applies, nothing is
//! deleted, closed folios keep their charges, a cancelled event stays put.

mod common;

use common::{Client, Server};
use serde_json::{Value, json};

struct Ev {
    _server: Server,
    em: Client,
    venue: i64,
    hall: i64,
    id: i64,
    hall_activity: i64,
    catering: i64,
    folio: i64,
    block: i64,
}

fn id_of(a: common::Answer) -> i64 {
    a.ok(201)["id"].as_i64().expect("id")
}

/// 10.02–12.02, 100 PAX: a hall on 10.02, a catering on 11.02 with two
/// charges through it, a coffee break straight on the folio, a block.
async fn event() -> Ev {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let em = server.user("event_manager", "Елена", "Димитрова").await;
    let venue = id_of(
        admin
            .post(
                "/api/v1/venues",
                json!({"name": "Хотел", "time_zone": "Europe/Sofia", "currency": "EUR", "locale": "bg"}),
            )
            .await,
    );
    let hall = id_of(
        admin
            .post(
                "/api/v1/premises",
                json!({"venue_id": venue, "name": "Зала", "kind": "hall"}),
            )
            .await,
    );
    let e = em
        .post(
            "/api/v1/events",
            json!({"venue_id": venue, "name": "Конференция", "start_date": "2024-02-10", "end_date": "2024-02-12", "pax": 100}),
        )
        .await;
    let id = e.ok(201)["id"].as_i64().expect("event");
    let folio = e.body["folios"][0]["id"].as_i64().expect("folio");
    let hall_activity = id_of(
        em.post(
            &format!("/api/v1/events/{id}/activities"),
            json!({"kind": "hall", "name": "Пленарна", "date": "2024-02-10", "pax": 100, "premises_id": hall}),
        )
        .await,
    );
    let catering = id_of(
        em.post(
            &format!("/api/v1/events/{id}/activities"),
            json!({"kind": "catering", "name": "Кетъринг", "date": "2024-02-11", "pax": 100}),
        )
        .await,
    );
    for (activity, date) in [
        (Some(catering), "2024-02-11"),
        (Some(catering), "2024-02-12"),
        (None, "2024-02-11"),
    ] {
        let mut body =
            json!({"description": "Кафе-пауза", "service_date": date, "quantity": 100, "unit_price": "25.50"});
        if let Some(a) = activity {
            body["activity_id"] = json!(a);
        }
        em.post(&format!("/api/v1/folios/{folio}/charges"), body).await.ok(201);
    }
    let block = id_of(
        em.post(
            &format!("/api/v1/events/{id}/blocks"),
            json!({"name": "Стаи", "rooms": 20}),
        )
        .await,
    );
    Ev {
        _server: server,
        em,
        venue,
        hall,
        id,
        hall_activity,
        catering,
        folio,
        block,
    }
}

fn statuses(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["status"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_event_is_renamed_and_a_blank_name_changes_nothing() {
    let ev = event().await;
    let path = format!("/api/v1/events/{}", ev.id);
    let p = ev.em.clone().lang("bg").patch(&path, json!({"name": "  "})).await;
    assert_eq!(p.problem(422)["errors"][0]["field"], "name");
    let renamed = ev.em.patch(&path, json!({"name": "Годишна конференция"})).await;
    assert_eq!(renamed.ok(200)["name"], "Годишна конференция");
    assert_eq!(
        renamed.headers.get("etag").and_then(|v| v.to_str().ok()),
        Some(format!("\"{}\"", renamed.body["version"]).as_str())
    );
    assert_eq!(ev.em.get(&path).await.ok(200)["name"], "Годишна конференция");
    ev.em
        .patch("/api/v1/events/999999", json!({"name": "x"}))
        .await
        .problem(404);
}

#[tokio::test]
async fn cancelling_an_activity_cancels_its_charges_keeps_a_closed_folios_and_frees_the_hall() {
    let ev = event().await;
    // One of the catering's charges moves to a second folio, which is closed.
    let f2 = id_of(ev.em.post(&format!("/api/v1/events/{}/folios", ev.id), json!({})).await);
    let event = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    let through: Vec<i64> = event["folios"][0]["charges"]
        .as_array()
        .expect("charges")
        .iter()
        .filter(|c| c["activity_id"] == json!(ev.catering))
        .filter_map(|c| c["id"].as_i64())
        .collect();
    ev.em
        .post(
            &format!("/api/v1/charges/{}/transfer", through[1]),
            json!({"folio_id": f2}),
        )
        .await
        .ok(200);
    ev.em
        .post(&format!("/api/v1/folios/{f2}/close"), json!({}))
        .await
        .ok(200);

    let path = format!("/api/v1/events/{}/activities/{}/cancel", ev.id, ev.catering);
    let preview = ev.em.post(&path, json!({"dry_run": true})).await;
    let plan = preview.ok(200).clone();
    assert_eq!(
        plan["activities"],
        json!([{"id": ev.catering, "status_after": "cancelled"}])
    );
    assert_eq!(
        plan["charges"],
        json!([{"id": through[0], "status_after": "cancelled"}])
    );
    assert_eq!(plan["kept"][0]["id"], json!(through[1]));
    assert_eq!(plan["kept"][0]["folio_id"], json!(f2));
    assert_eq!(plan["status"], "active", "the event itself stays");
    let unchanged = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    assert_eq!(
        unchanged["activities"][1]["status"], "active",
        "a preview writes nothing"
    );

    let applied = ev.em.post(&path, json!({})).await;
    let mut body = applied.ok(200).clone();
    body["dry_run"] = json!(true);
    body["version"] = plan["version"].clone();
    assert_eq!(body, plan, "the apply is the preview");
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    assert_eq!(
        statuses(&after, "activities"),
        vec!["active", "cancelled"],
        "kept, never deleted"
    );
    assert_eq!(
        after["folios"][1]["charges"][0]["status"], "active",
        "the closed folio's charge stays"
    );
    ev.em.post(&path, json!({})).await.problem(409);

    // The hall activity cancelled, its hall is free that day for another event.
    ev.em
        .post(
            &format!("/api/v1/events/{}/activities/{}/cancel", ev.id, ev.hall_activity),
            json!({}),
        )
        .await
        .ok(200);
    let other = ev
        .em
        .post(
            "/api/v1/events",
            json!({"venue_id": ev.venue, "name": "Семинар", "start_date": "2024-02-10", "end_date": "2024-02-10", "pax": 20}),
        )
        .await;
    let other = other.ok(201)["id"].as_i64().expect("event");
    ev.em
        .post(
            &format!("/api/v1/events/{other}/activities"),
            json!({"kind": "hall", "name": "Зала", "date": "2024-02-10", "pax": 20, "premises_id": ev.hall}),
        )
        .await
        .ok(201);
    ev.em
        .post(&format!("/api/v1/events/{}/activities/999999/cancel", ev.id), json!({}))
        .await
        .problem(404);
}

#[tokio::test]
async fn a_cancelled_event_keeps_everything_cancelled_and_changes_no_more() {
    let ev = event().await;
    let path = format!("/api/v1/events/{}/cancel", ev.id);
    let plan = ev.em.post(&path, json!({"dry_run": true})).await.ok(200).clone();
    assert_eq!(plan["status"], "cancelled");
    assert_eq!(plan["activities"].as_array().map(Vec::len), Some(2));
    assert_eq!(plan["charges"].as_array().map(Vec::len), Some(3));
    assert_eq!(plan["blocks"], json!([{"id": ev.block, "status_after": "cancelled"}]));
    let applied = ev.em.post(&path, json!({})).await.ok(200).clone();
    assert_eq!(applied["charges"], plan["charges"]);
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    assert_eq!(after["status"], "cancelled");
    assert_eq!(statuses(&after, "activities"), vec!["cancelled", "cancelled"]);
    assert_eq!(statuses(&after, "blocks"), vec!["cancelled"]);
    assert_eq!(statuses(&after["folios"][0], "charges"), vec!["cancelled"; 3]);
    assert_eq!(after["folios"][0]["totals"], json!([]));

    let en = ev.em.clone().lang("en");
    for (p, body) in [
        (format!("/api/v1/events/{}/pax", ev.id), json!({"pax": 5})),
        (
            format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "move", "start_date": "2024-03-01"}),
        ),
        (path.clone(), json!({})),
        (
            format!("/api/v1/events/{}/activities", ev.id),
            json!({"kind": "other", "name": "x", "date": "2024-02-10", "pax": 1}),
        ),
        (
            format!("/api/v1/events/{}/blocks", ev.id),
            json!({"name": "x", "rooms": 1}),
        ),
    ] {
        let a = en.post(&p, body).await;
        let problem = a.problem(409);
        assert!(
            problem["type"].as_str().is_some_and(|t| t.ends_with("event-cancelled")),
            "{p}: {problem}"
        );
        assert!(
            problem["detail"].as_str().is_some_and(|d| d.contains("cancelled")),
            "{problem}"
        );
    }
    // A cancellation fee still goes on the folio.
    ev.em
        .post(
            &format!("/api/v1/folios/{}/charges", ev.folio),
            json!({"description": "Такса за анулиране", "service_date": "2024-02-10", "quantity": 1, "unit_price": "500"}),
        )
        .await
        .ok(201);
    let audit = ev.em.get(&format!("/api/v1/events/{}/audit?limit=500", ev.id)).await;
    let commands: Vec<&str> = audit.ok(200)["items"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|a| a["command"].as_str())
        .collect();
    assert!(commands.contains(&"cancel_event"), "{commands:?}");
}

#[tokio::test]
async fn a_block_is_resized_renamed_and_cancelled_and_a_cancelled_one_stays_put() {
    let ev = event().await;
    let path = format!("/api/v1/events/{}/blocks/{}", ev.id, ev.block);
    for body in [json!({"rooms": 0}), json!({"name": ""})] {
        ev.em.patch(&path, body).await.problem(422);
    }
    let edited = ev.em.patch(&path, json!({"rooms": 25})).await;
    assert_eq!(edited.ok(200)["blocks"][0]["rooms"], 25);
    assert_eq!(edited.body["blocks"][0]["name"], "Стаи", "what is left out stays");
    let renamed = ev.em.patch(&path, json!({"name": "Делегати"})).await;
    assert_eq!(renamed.ok(200)["blocks"][0]["name"], "Делегати");
    let cancelled = ev.em.post(&format!("{path}/cancel"), json!({})).await;
    assert_eq!(cancelled.ok(200)["blocks"][0]["status"], "cancelled");
    ev.em.patch(&path, json!({"rooms": 3})).await.problem(409);
    ev.em.post(&format!("{path}/cancel"), json!({})).await.problem(409);
    // A move leaves the cancelled block where it was.
    ev.em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "move", "start_date": "2024-02-20"}),
        )
        .await
        .ok(200);
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    assert_eq!(after["start_date"], "2024-02-20");
    assert_eq!(after["blocks"][0]["start_date"], "2024-02-10");
    ev.em
        .patch(&format!("/api/v1/events/{}/blocks/999999", ev.id), json!({"rooms": 3}))
        .await
        .problem(404);
}
