//! Events over HTTP: the seed's examples date for date, previews equal to
//! applies, closed folios, halls, versions and roles.

mod common;

use common::{Client, Server};
use serde_json::{Value, json};

struct Ev {
    server: Server,
    em: Client,
    venue: i64,
    hall: i64,
    id: i64,
    hall_activity: i64,
    catering: i64,
    folio: i64,
}

async fn charge(em: &Client, folio: i64, date: &str, qty: Value, activity: Option<i64>) -> i64 {
    let mut body = json!({"description": "Кафе-пауза", "service_date": date, "quantity": qty, "unit_price": "25.50"});
    if let Some(a) = activity {
        body["activity_id"] = json!(a);
    }
    em.post(&format!("/api/v1/folios/{folio}/charges"), body).await.ok(201)["id"]
        .as_i64()
        .expect("charge")
}

/// The seed's event: 10.02–12.02, 100 PAX, a hall and a catering of 100,
/// charges 11.02 and 12.02 straight on the folio and through the catering.
async fn seed_event() -> Ev {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let em = server.user("event_manager", "Елена", "Димитрова").await;
    let venue = admin
        .post(
            "/api/v1/venues",
            json!({"name": "Хотел", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("venue");
    let hall = admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": venue, "name": "Зала за мероприятия", "kind": "hall"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("hall");
    let e = em.post("/api/v1/events", json!({"venue_id": venue, "name": "Конференция", "start_date": "2024-02-10", "end_date": "2024-02-12", "pax": 100})).await;
    let id = e.ok(201)["id"].as_i64().expect("event");
    let folio = e.body["folios"][0]["id"].as_i64().expect("folio");
    assert_eq!(e.body["folios"][0]["status"], "open");
    let hall_activity = em
        .post(
            &format!("/api/v1/events/{id}/activities"),
            json!({"kind": "hall", "name": "Зала", "date": "2024-02-10", "pax": 100, "premises_id": hall}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("activity");
    let catering = em
        .post(
            &format!("/api/v1/events/{id}/activities"),
            json!({"kind": "catering", "name": "Кетъринг", "date": "2024-02-11", "pax": 100}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("activity");
    em.post(
        &format!("/api/v1/events/{id}/blocks"),
        json!({"name": "Стаи", "rooms": 20}),
    )
    .await
    .ok(201);
    charge(&em, folio, "2024-02-11", json!(100), None).await;
    charge(&em, folio, "2024-02-12", json!("100"), None).await;
    charge(&em, folio, "2024-02-11", json!(100), Some(catering)).await;
    charge(&em, folio, "2024-02-12", json!(100), Some(catering)).await;
    Ev {
        server,
        em,
        venue,
        hall,
        id,
        hall_activity,
        catering,
        folio,
    }
}

fn dates_of(event: &Value, folio: usize) -> Vec<(String, String)> {
    event["folios"][folio]["charges"]
        .as_array()
        .expect("charges")
        .iter()
        .map(|c| {
            (
                c["service_date"].as_str().unwrap_or("").to_owned(),
                c["status"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn pax_100_to_110_preview_then_apply() {
    let ev = seed_event().await;
    let path = format!("/api/v1/events/{}/pax", ev.id);
    let preview = ev.em.post(&path, json!({"pax": 110, "dry_run": true})).await;
    let p = preview.ok(200);
    assert_eq!(p["activities"].as_array().map(Vec::len), Some(2));
    assert_eq!(p["charges"].as_array().map(Vec::len), Some(4));
    assert!(
        p["charges"]
            .as_array()
            .expect("charges")
            .iter()
            .all(|c| c["quantity_before"] == "100" && c["quantity_after"] == "110")
    );
    let before = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    assert_eq!(before.ok(200)["pax"], json!(100), "a preview changes nothing");
    let applied = ev.em.post(&path, json!({"pax": 110})).await;
    assert_eq!(
        applied.ok(200)["activities"],
        p["activities"],
        "the apply is the preview"
    );
    assert_eq!(applied.body["charges"], p["charges"]);
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let body = after.ok(200);
    assert_eq!(body["pax"], json!(110));
    // The audit trail names who changed what, with the plan it applied.
    let audit = ev.em.get(&format!("/api/v1/events/{}/audit", ev.id)).await;
    let last = audit.ok(200)["items"]
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .expect("audit line");
    assert_eq!(last["command"], "change_pax");
    assert_eq!(last["actor_id"], json!(ev.em.user_id));
    assert_eq!(last["detail"]["pax"], json!(110));
    let changed_charges: usize = last["detail"]["charges"]
        .as_array()
        .expect("charge groups")
        .iter()
        .map(|g| g["ids"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(changed_charges, 4, "every changed charge is in the audit line");
    assert_eq!(last["version"], body["version"]);
    assert!(
        body["activities"]
            .as_array()
            .expect("activities")
            .iter()
            .all(|a| a["pax"] == json!(110))
    );
    assert!(
        body["folios"][0]["charges"]
            .as_array()
            .expect("charges")
            .iter()
            .all(|c| c["quantity"] == "110")
    );
}

#[tokio::test]
async fn an_activity_off_the_default_keeps_its_pax_unless_typed_and_pinned_charges_stay() {
    let ev = seed_event().await;
    // Catering goes to 80 first; its charges at 100 follow it to 80.
    ev.em
        .raw(
            reqwest::Method::PATCH,
            &format!("/api/v1/events/{}/activities/{}", ev.id, ev.catering),
            Some(json!({"pax": 80}).to_string()),
            None,
        )
        .await
        .ok(200);
    let pinned = {
        let body = json!({"description": "Ръчно", "service_date": "2024-02-11", "quantity": 100, "unit_price": "1", "follows_pax": false});
        ev.em
            .post(&format!("/api/v1/folios/{}/charges", ev.folio), body)
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id")
    };
    let plan = ev
        .em
        .post(&format!("/api/v1/events/{}/pax", ev.id), json!({"pax": 110}))
        .await;
    let acts: Vec<i64> = plan.ok(200)["activities"]
        .as_array()
        .expect("a")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(acts, vec![ev.hall_activity], "catering at 80 keeps its PAX");
    let charged: Vec<i64> = plan.body["charges"]
        .as_array()
        .expect("c")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert!(!charged.contains(&pinned), "a pinned charge is never rewritten");
    assert_eq!(
        charged.len(),
        2,
        "the two straight charges follow the event: {charged:?}"
    );
    // Typed value for catering: its 80-charges follow to 90.
    let typed = ev
        .em
        .post(
            &format!("/api/v1/events/{}/pax", ev.id),
            json!({"pax": 120, "activities": {ev.catering.to_string(): 90}}),
        )
        .await;
    assert!(
        typed.ok(200)["charges"]
            .as_array()
            .expect("c")
            .iter()
            .any(|c| c["quantity_before"] == "80" && c["quantity_after"] == "90")
    );
}

#[tokio::test]
async fn move_shifts_everything_by_the_offset_as_the_seed_shows() {
    let ev = seed_event().await;
    let plan = ev
        .em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "move", "start_date": "2024-02-15"}),
        )
        .await;
    assert_eq!(plan.ok(200)["start_date"], "2024-02-15");
    assert_eq!(plan.body["end_date"], "2024-02-17");
    let e = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let body = e.ok(200);
    let d = dates_of(body, 0);
    // Straight charges 11.02 and 12.02 → 16.02 and 17.02.
    assert_eq!(d[0].0, "2024-02-16");
    assert_eq!(d[1].0, "2024-02-17");
    assert_eq!(body["blocks"][0]["start_date"], "2024-02-15");
    assert_eq!(body["blocks"][0]["end_date"], "2024-02-17");
}

#[tokio::test]
async fn an_activity_moved_takes_all_its_charges_to_its_new_date() {
    let ev = seed_event().await;
    ev.em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "extend", "start_date": "2024-02-10", "end_date": "2024-02-17"}),
        )
        .await
        .ok(200);
    let r = ev
        .em
        .raw(
            reqwest::Method::PATCH,
            &format!("/api/v1/events/{}/activities/{}", ev.id, ev.catering),
            Some(json!({"date": "2024-02-16"}).to_string()),
            None,
        )
        .await;
    let d = dates_of(r.ok(200), 0);
    assert_eq!(d[2].0, "2024-02-16");
    assert_eq!(d[3].0, "2024-02-16");
    assert_eq!(d[0].0, "2024-02-11", "straight charges stay");
}

#[tokio::test]
async fn shorten_cancels_and_never_deletes_and_extend_adds_empty_days() {
    let ev = seed_event().await;
    let plan = ev
        .em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "shorten", "start_date": "2024-02-10", "end_date": "2024-02-11"}),
        )
        .await;
    let statuses: Vec<&str> = plan.ok(200)["charges"]
        .as_array()
        .expect("c")
        .iter()
        .filter_map(|c| c["status_after"].as_str())
        .collect();
    // Removed 12.02: the straight charge and the catering charge of that day.
    assert_eq!(statuses, vec!["cancelled", "cancelled"]);
    let e = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let d = dates_of(e.ok(200), 0);
    assert_eq!(d.len(), 4, "nothing is deleted");
    assert_eq!(d.iter().filter(|(_, s)| s == "cancelled").count(), 2);
    let catering = e.body["activities"]
        .as_array()
        .expect("a")
        .iter()
        .find(|a| a["id"] == json!(ev.catering))
        .cloned()
        .expect("catering");
    assert_eq!(catering["status"], "active", "catering on 11.02 stays");
    let ext = ev
        .em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "extend", "start_date": "2024-02-09", "end_date": "2024-02-14"}),
        )
        .await;
    assert_eq!(ext.ok(200)["charges"], json!([]));
    assert_eq!(ext.body["activities"], json!([]));
}

#[tokio::test]
async fn a_closed_folio_keeps_its_charges_while_a_cascade_changes_everything_else() {
    let ev = seed_event().await;
    // A second, open folio with one charge straight on it and one through the catering.
    let f2 = ev
        .em
        .post(&format!("/api/v1/events/{}/folios", ev.id), json!({"name": "Гости"}))
        .await;
    let open = f2.ok(201)["id"].as_i64().expect("folio");
    assert_eq!(f2.body["name"], "Гости");
    let straight = charge(&ev.em, open, "2024-02-11", json!(100), None).await;
    let through = charge(&ev.em, open, "2024-02-11", json!(100), Some(ev.catering)).await;
    let closed = ev
        .em
        .post(&format!("/api/v1/folios/{}/close", ev.folio), json!({}))
        .await;
    assert_eq!(closed.ok(200)["status"], "closed");
    let before = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    let closed_charges = before["folios"][0]["charges"].clone();

    let move_to = json!({"mode": "move", "start_date": "2024-02-15"});
    let preview = ev
        .em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "move", "start_date": "2024-02-15", "dry_run": true}),
        )
        .await;
    let plan = preview.ok(200).clone();
    let moved: Vec<i64> = plan["charges"]
        .as_array()
        .expect("charges")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(moved, vec![straight, through], "only the open folio's charges move");
    let kept = plan["kept"].as_array().expect("kept");
    assert_eq!(kept.len(), 4, "the closed folio's four charges stay, listed: {plan}");
    assert!(kept.iter().all(|k| k["folio_id"] == json!(ev.folio)));
    assert_eq!(kept[0]["service_date"], "2024-02-11");
    assert_eq!(kept[0]["quantity"], "100");

    let applied = ev.em.post(&format!("/api/v1/events/{}/dates", ev.id), move_to).await;
    let mut body = applied.ok(200).clone();
    body["dry_run"] = json!(true);
    body["version"] = plan["version"].clone();
    assert_eq!(body, plan, "the apply is the preview");
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    assert_eq!(after["start_date"], "2024-02-15");
    assert_eq!(
        after["folios"][0]["charges"], closed_charges,
        "closed-folio charges never change"
    );
    assert_eq!(
        dates_of(&after, 1),
        vec![
            ("2024-02-16".to_owned(), "active".to_owned()),
            ("2024-02-16".to_owned(), "active".to_owned())
        ]
    );

    // A PAX change likewise: the open folio's charges at 100 follow, the closed ones stay.
    let pax = ev
        .em
        .post(&format!("/api/v1/events/{}/pax", ev.id), json!({"pax": 110}))
        .await;
    assert_eq!(pax.ok(200)["charges"].as_array().map(Vec::len), Some(2));
    assert_eq!(pax.body["kept"].as_array().map(Vec::len), Some(4));
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    assert_eq!(after["folios"][0]["charges"], closed_charges);

    // A closed folio takes no new charge, and names itself in the refusal.
    let refused = ev
        .em
        .clone()
        .lang("en")
        .post(
            &format!("/api/v1/folios/{}/charges", ev.folio),
            json!({"description": "x", "service_date": "2024-02-16", "quantity": 1, "unit_price": "1"}),
        )
        .await;
    let p = refused.problem(409);
    assert_eq!(
        p["type"].as_str().map(|t| t.ends_with("closed-folio")),
        Some(true),
        "{p}"
    );
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("Folio {} is closed", ev.folio))),
        "{p}"
    );
    assert!(p.get("charges").is_none(), "no charge ids posing as folio numbers: {p}");
}

#[tokio::test]
async fn a_stale_version_is_refused_with_412() {
    let ev = seed_event().await;
    let e = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let version = e.ok(200)["version"].as_i64().expect("version");
    assert_eq!(
        e.headers.get("etag").and_then(|v| v.to_str().ok()),
        Some(format!("\"{version}\"").as_str())
    );
    let stale = ev
        .em
        .http
        .post(format!("{}/api/v1/events/{}/pax", ev.em.base, ev.id))
        .bearer_auth(ev.em.token.as_deref().unwrap_or(""))
        .header("if-match", format!("\"{}\"", version - 1))
        .json(&json!({"pax": 120}))
        .send()
        .await
        .expect("send");
    assert_eq!(stale.status().as_u16(), 412);
    let fresh = ev
        .em
        .http
        .post(format!("{}/api/v1/events/{}/pax", ev.em.base, ev.id))
        .bearer_auth(ev.em.token.as_deref().unwrap_or(""))
        .header("if-match", format!("\"{version}\""))
        .json(&json!({"pax": 120}))
        .send()
        .await
        .expect("send");
    assert_eq!(fresh.status().as_u16(), 200);
    assert_eq!(
        ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body["version"],
        json!(version + 1)
    );
}

#[tokio::test]
async fn a_hall_is_never_held_twice_a_day() {
    let ev = seed_event().await;
    let other = ev.em.post("/api/v1/events", json!({"venue_id": ev.venue, "name": "Сватба", "start_date": "2024-02-15", "end_date": "2024-02-15", "pax": 50})).await;
    let other_id = other.ok(201)["id"].as_i64().expect("id");
    ev.em
        .post(
            &format!("/api/v1/events/{other_id}/activities"),
            json!({"kind": "hall", "name": "Зала", "date": "2024-02-15", "pax": 50, "premises_id": ev.hall}),
        )
        .await
        .ok(201);
    let p = ev
        .em
        .post(
            &format!("/api/v1/events/{}/dates", ev.id),
            json!({"mode": "move", "start_date": "2024-02-15", "dry_run": true}),
        )
        .await;
    p.problem(409);
    ev.em
        .post(
            &format!("/api/v1/events/{other_id}/activities"),
            json!({"kind": "hall", "name": "Пак", "date": "2024-02-15", "pax": 5, "premises_id": ev.hall}),
        )
        .await
        .problem(409);
    let _ = &ev.server;
}

#[tokio::test]
async fn bad_event_input_is_refused_and_changes_nothing() {
    let ev = seed_event().await;
    let before = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body;
    let pax = format!("/api/v1/events/{}/pax", ev.id);
    let dates = format!("/api/v1/events/{}/dates", ev.id);
    ev.em.post(&pax, json!({"pax": 0})).await.problem(422);
    ev.em.post(&pax, json!({"pax": -5})).await.problem(422);
    ev.em
        .post(&pax, json!({"pax": 110, "activities": {"999999": 5}}))
        .await
        .problem(422);
    ev.em
        .post(&pax, json!({"pax": 110, "activities": {"abc": 5}}))
        .await
        .problem(422);
    ev.em.post(&pax, json!({"pax": "many"})).await.problem(422);
    ev.em
        .post(
            &dates,
            json!({"mode": "shorten", "start_date": "2024-02-09", "end_date": "2024-02-11"}),
        )
        .await
        .problem(422);
    ev.em
        .post(
            &dates,
            json!({"mode": "extend", "start_date": "2024-02-11", "end_date": "2024-02-14"}),
        )
        .await
        .problem(422);
    ev.em
        .post(&dates, json!({"mode": "move", "start_date": "15.02.2024"}))
        .await
        .problem(422);
    ev.em
        .post(&dates, json!({"mode": "teleport", "start_date": "2024-02-15"}))
        .await
        .problem(422);
    ev.em
        .post(
            &dates,
            json!({"mode": "period_only", "start_date": "2024-02-15", "end_date": "2024-02-10"}),
        )
        .await
        .problem(422);
    let charges = format!("/api/v1/folios/{}/charges", ev.folio);
    ev.em
        .post(
            &charges,
            json!({"description": "x", "service_date": "2024-02-11", "quantity": -1, "unit_price": "1"}),
        )
        .await
        .problem(422);
    ev.em
        .post(
            &charges,
            json!({"description": "x", "service_date": "2024-02-11", "quantity": 1, "unit_price": "abc"}),
        )
        .await
        .problem(422);
    ev.em.post(&charges, json!({"description": "x", "service_date": "2024-02-11", "quantity": 1, "unit_price": "1", "activity_id": 424242})).await.problem(422);
    ev.em
        .post(
            &format!("/api/v1/events/{}/activities", ev.id),
            json!({"kind": "catering", "name": "x", "date": "2024-03-01", "pax": 10}),
        )
        .await
        .problem(422);
    ev.em
        .post("/api/v1/events/999999/pax", json!({"pax": 10}))
        .await
        .problem(404);
    ev.em.post("/api/v1/folios/999999/close", json!({})).await.problem(404);
    assert_eq!(ev.em.get(&format!("/api/v1/events/{}", ev.id)).await.body, before);
}

#[tokio::test]
async fn only_event_managers_and_admins_work_events() {
    let ev = seed_event().await;
    let rm = ev.server.user("rental_manager", "Марина", "Спиридонова").await;
    let visitor = ev.server.user("visitor", "Мария", "Семенова").await;
    for c in [&rm, &visitor] {
        c.get(&format!("/api/v1/events/{}", ev.id)).await.problem(403);
        c.post(&format!("/api/v1/events/{}/pax", ev.id), json!({"pax": 1}))
            .await
            .problem(403);
        c.post(
            "/api/v1/events",
            json!({"venue_id": ev.venue, "name": "x", "start_date": "2024-01-01", "end_date": "2024-01-01", "pax": 1}),
        )
        .await
        .problem(403);
    }
}

#[tokio::test]
async fn an_activity_preview_is_the_plan_its_patch_writes_and_changes_nothing() {
    let ev = seed_event().await;
    let before = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let version = before.ok(200)["version"].clone();
    let preview = ev
        .em
        .post(
            &format!("/api/v1/events/{}/activities/{}/preview", ev.id, ev.catering),
            json!({"date": "2024-02-12", "pax": 80}),
        )
        .await;
    let plan = preview.ok(200);
    assert_eq!(plan["dry_run"], json!(true));
    assert_eq!(plan["activities"][0]["pax_after"], json!(80));
    assert_eq!(plan["activities"][0]["date_after"], json!("2024-02-12"));
    let moved: Vec<&Value> = plan["charges"].as_array().expect("charges").iter().collect();
    assert_eq!(moved.len(), 2, "both catering charges follow: {plan}");
    assert!(
        moved
            .iter()
            .all(|c| c["service_date_after"] == json!("2024-02-12") && c["quantity_after"] == json!("80"))
    );
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    assert_eq!(after.ok(200)["version"], version, "a preview writes nothing");

    // The PATCH then writes exactly that plan.
    let r = ev
        .em
        .raw(
            reqwest::Method::PATCH,
            &format!("/api/v1/events/{}/activities/{}", ev.id, ev.catering),
            Some(json!({"date": "2024-02-12", "pax": 80}).to_string()),
            None,
        )
        .await;
    let event = r.ok(200);
    let charges = event["folios"][0]["charges"].as_array().expect("charges");
    for c in moved {
        let written = charges.iter().find(|x| x["id"] == c["id"]).expect("charge");
        assert_eq!(written["service_date"], c["service_date_after"]);
        assert_eq!(written["quantity"], c["quantity_after"]);
    }
}

#[tokio::test]
async fn an_activity_preview_is_for_event_managers_and_known_activities_only() {
    let ev = seed_event().await;
    let manager = ev.server.user("rental_manager", "Марина", "Спиридонова").await;
    let path = format!("/api/v1/events/{}/activities/{}/preview", ev.id, ev.catering);
    manager.post(&path, json!({"pax": 80})).await.problem(403);
    ev.em
        .post(
            &format!("/api/v1/events/{}/activities/999999/preview", ev.id),
            json!({"pax": 80}),
        )
        .await
        .problem(404);
    ev.em.post(&path, json!({"pax": 0})).await.problem(422);
    ev.em.post(&path, json!({"date": "12.02.2024"})).await.problem(422);
}

#[tokio::test]
async fn the_events_list_pages_newest_first_by_cursor() {
    let ev = seed_event().await;
    let mut ids = vec![ev.id];
    for i in 0..4 {
        let e = ev
            .em
            .post(
                "/api/v1/events",
                json!({"venue_id": ev.venue, "name": format!("Семинар {i}"), "start_date": "2024-03-01", "end_date": "2024-03-02", "pax": 10}),
            )
            .await;
        ids.push(e.ok(201)["id"].as_i64().expect("id"));
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut path = "/api/v1/events?limit=2".to_owned();
    loop {
        let page = ev.em.get(&path).await;
        let body = page.ok(200).clone();
        let items = body["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().filter_map(|e| e["id"].as_i64()));
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/events?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ids, "every event once, newest first");
    ev.em.get("/api/v1/events?limit=0").await.problem(400);
    ev.em.get("/api/v1/events?cursor=%%%").await.problem(400);
}

#[tokio::test]
async fn the_audit_trail_pages_oldest_first_by_limit_and_cursor() {
    let ev = seed_event().await;
    let path = format!("/api/v1/events/{}/audit", ev.id);
    let all = ev.em.get(&format!("{path}?limit=500")).await;
    let all = all.ok(200)["items"].as_array().expect("items").clone();
    assert!(all.len() >= 3, "creation, activities and charges are audited");
    let mut seen = Vec::new();
    let mut next = format!("{path}?limit=2");
    loop {
        let page = ev.em.get(&next).await;
        let body = page.ok(200);
        let items = body["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => next = format!("{path}?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, all, "the pages together are the whole trail, in order");
    let versions: Vec<i64> = seen.iter().filter_map(|a| a["version"].as_i64()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "oldest first: {versions:?}");
    ev.em.get(&format!("{path}?limit=0")).await.problem(400);
    ev.em.get(&format!("{path}?cursor=forged")).await.problem(400);
}

/// Each instance remembers event states by version; a change made by another
/// instance on the same database bumps the version, so the next preview and
/// apply here plan from what is stored, not from what was remembered.
#[tokio::test]
async fn a_change_by_another_instance_is_planned_from_at_once() {
    let ev = seed_event().await;
    let dates = format!("/api/v1/events/{}/dates", ev.id);
    // This instance reads the event (and remembers it) for a preview.
    let first = ev
        .em
        .post(
            &dates,
            json!({"mode": "move", "start_date": "2024-02-20", "dry_run": true}),
        )
        .await;
    assert_eq!(first.ok(200)["charges"].as_array().map(Vec::len), Some(4));
    // Another instance posts a charge and moves the event by a day.
    let other = tessera_store::Store::open(&ev.server.database_url)
        .await
        .expect("a second instance");
    let posted = other
        .add_charge(
            ev.folio,
            tessera_store::NewCharge {
                description: "Late booking".into(),
                service_date: jiff::civil::date(2024, 2, 12),
                quantity: rust_decimal::Decimal::from(100),
                unit_price: rust_decimal::Decimal::new(1000, 2),
                activity_id: None,
                follows_pax: true,
            },
            None,
            ev.em.user_id,
            0,
        )
        .await
        .expect("charge by the other instance");
    let start = jiff::civil::date(2024, 2, 11);
    other
        .cascade(
            ev.id,
            tessera_events::EventCommand::ChangeDates(tessera_events::DateChange::Move { start_date: start }),
            false,
            None,
            ev.em.user_id,
            0,
        )
        .await
        .expect("move by the other instance");
    other.close().await;
    // Here, the same preview now starts from 11.02 and carries five charges.
    let again = ev
        .em
        .post(
            &dates,
            json!({"mode": "move", "start_date": "2024-02-20", "dry_run": true}),
        )
        .await;
    let plan = again.ok(200);
    let charges = plan["charges"].as_array().expect("charges");
    assert_eq!(charges.len(), 5, "the other instance's charge is in the plan");
    let late = charges
        .iter()
        .find(|c| c["id"] == json!(posted.id))
        .expect("the late charge");
    assert_eq!(late["service_date_before"], "2024-02-13");
    assert_eq!(late["service_date_after"], "2024-02-22");
    // And the apply writes from there: every charge lands 9 days on.
    ev.em
        .post(&dates, json!({"mode": "move", "start_date": "2024-02-20"}))
        .await
        .ok(200);
    let event = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let body = event.ok(200);
    assert_eq!(body["start_date"], "2024-02-20");
    let d = dates_of(body, 0);
    assert_eq!(
        d.iter().map(|(date, _)| date.as_str()).collect::<Vec<_>>(),
        vec!["2024-02-21", "2024-02-22", "2024-02-21", "2024-02-22", "2024-02-22"]
    );
}

/// The state an apply leaves in memory plans exactly like the state read
/// back from the database: after a run of changes, the previews of this
/// instance and of a fresh one (which remembers nothing) are the same.
#[tokio::test]
async fn a_remembered_state_plans_exactly_like_a_fresh_read() {
    let ev = seed_event().await;
    let event = format!("/api/v1/events/{}", ev.id);
    ev.em.post(&format!("{event}/pax"), json!({"pax": 110})).await.ok(200);
    ev.em
        .post(
            &format!("{event}/dates"),
            json!({"mode": "extend", "start_date": "2024-02-09", "end_date": "2024-02-14"}),
        )
        .await
        .ok(200);
    // The catering moves before the hall: activities change their order.
    ev.em
        .raw(
            reqwest::Method::PATCH,
            &format!("{event}/activities/{}", ev.catering),
            Some(json!({"date": "2024-02-09", "pax": 120}).to_string()),
            None,
        )
        .await
        .ok(200);
    ev.em
        .post(
            &format!("{event}/dates"),
            json!({"mode": "shorten", "start_date": "2024-02-09", "end_date": "2024-02-11"}),
        )
        .await
        .ok(200);
    ev.em
        .post(
            &format!("{event}/dates"),
            json!({"mode": "move", "start_date": "2024-02-12"}),
        )
        .await
        .ok(200);
    // Another instance that has only read the event (and remembers what it
    // read), and one that remembers nothing.
    let reader = tessera_store::Store::open(&ev.server.database_url)
        .await
        .expect("a second instance");
    reader.event(ev.id).await.expect("read").expect("the event");
    let fresh = tessera_store::Store::open(&ev.server.database_url)
        .await
        .expect("a third instance");
    let version = ev.em.get(&event).await.ok(200)["version"].as_i64().expect("version");
    let pax = |pax: i64| {
        tessera_events::EventCommand::ChangePax(tessera_events::ChangePax {
            pax,
            activities: Default::default(),
        })
    };
    let move_to = |start: jiff::civil::Date| {
        tessera_events::EventCommand::ChangeDates(tessera_events::DateChange::Move { start_date: start })
    };
    let previews = [
        ("change_pax", json!({"pax": 130, "dry_run": true})),
        (
            "change_dates",
            json!({"mode": "move", "start_date": "2024-03-01", "dry_run": true}),
        ),
    ];
    for (name, body) in previews {
        let path = if name == "change_pax" {
            format!("{event}/pax")
        } else {
            format!("{event}/dates")
        };
        let here = ev.em.post(&path, body).await;
        let here = here.ok(200);
        assert!(
            here["charges"].as_array().is_some_and(|c| !c.is_empty()),
            "{name} changes charges"
        );
        for (instance, store) in [("read", &reader), ("fresh", &fresh)] {
            let command = if name == "change_pax" {
                pax(130)
            } else {
                move_to(jiff::civil::date(2024, 3, 1))
            };
            let (plan, read_at) = store
                .cascade(ev.id, command, true, None, ev.em.user_id, 0)
                .await
                .expect("a preview");
            assert_eq!(read_at, version);
            let there = serde_json::to_value(&plan).expect("plan as JSON");
            for part in ["activities", "charges", "blocks", "start_date", "end_date", "pax"] {
                if here[part].is_null() {
                    continue;
                }
                let (l, r) = shared(&here[part], &there[part]);
                assert_eq!(
                    l, r,
                    "{name}: {part} as remembered here = as planned by the {instance} instance"
                );
            }
        }
    }
    reader.close().await;
    fresh.close().await;
}

/// A plan part as the API and the domain both give it: objects keep the
/// fields both have, numbers and strings compare as text.
fn shared(a: &Value, b: &Value) -> (Value, Value) {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            let (l, r): (Vec<_>, Vec<_>) = x.iter().zip(y).map(|(p, q)| shared(p, q)).unzip();
            (Value::Array(l), Value::Array(r))
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys: Vec<&String> = x.keys().filter(|k| y.contains_key(*k)).collect();
            let (mut l, mut r) = (serde_json::Map::new(), serde_json::Map::new());
            for k in keys {
                let (p, q) = shared(&x[k], &y[k]);
                l.insert(k.clone(), p);
                r.insert(k.clone(), q);
            }
            (Value::Object(l), Value::Object(r))
        }
        (Value::Number(n), other) | (other, Value::Number(n)) if !other.is_number() => {
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            (json!(n.to_string()), json!(text(other)))
        }
        _ => (a.clone(), b.clone()),
    }
}

/// A Move shifts the active charges; those a Shorten cancelled stay on the
/// days they were cancelled on.
#[tokio::test]
async fn a_move_after_a_shorten_leaves_cancelled_charges_on_their_days() {
    let ev = seed_event().await;
    let dates = format!("/api/v1/events/{}/dates", ev.id);
    // More charges move than stay, so the move is kept as a shift of the
    // event's day zero, and the cancelled ones are counted back.
    charge(&ev.em, ev.folio, "2024-02-10", json!(5), None).await;
    ev.em
        .post(
            &dates,
            json!({"mode": "shorten", "start_date": "2024-02-10", "end_date": "2024-02-11"}),
        )
        .await
        .ok(200);
    ev.em
        .post(&dates, json!({"mode": "move", "start_date": "2024-02-20"}))
        .await
        .ok(200);
    let event = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let body = event.ok(200);
    assert_eq!(
        dates_of(body, 0),
        [
            ("2024-02-21", "active"),
            ("2024-02-12", "cancelled"),
            ("2024-02-21", "active"),
            ("2024-02-12", "cancelled"),
            ("2024-02-20", "active"),
        ]
        .map(|(d, s)| (d.to_owned(), s.to_owned()))
    );
    // And back: every date is where it was before the move.
    ev.em
        .post(&dates, json!({"mode": "move", "start_date": "2024-02-10"}))
        .await
        .ok(200);
    let event = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    assert_eq!(
        dates_of(event.ok(200), 0),
        [
            ("2024-02-11", "active"),
            ("2024-02-12", "cancelled"),
            ("2024-02-11", "active"),
            ("2024-02-12", "cancelled"),
            ("2024-02-10", "active"),
        ]
        .map(|(d, s)| (d.to_owned(), s.to_owned()))
    );
}
