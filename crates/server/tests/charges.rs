//! Correcting charges over HTTP: a folio with its totals, an edit, a void
//! with its reason, a transfer between open folios; closed folios refuse all
//! three by hand, and bad input changes nothing.

mod common;

use common::{Client, Server};
use serde_json::{Value, json};

struct Ev {
    _server: Server,
    em: Client,
    id: i64,
    folio: i64,
    other_folio: i64,
    coffee: i64,
    lunch: i64,
    venue: i64,
}

async fn post_charge(em: &Client, folio: i64, description: &str, qty: Value, price: &str) -> i64 {
    em.post(
        &format!("/api/v1/folios/{folio}/charges"),
        json!({"description": description, "service_date": "2024-02-11", "quantity": qty, "unit_price": price}),
    )
    .await
    .ok(201)["id"]
        .as_i64()
        .expect("charge")
}

/// An event 10.02–12.02 with two open folios; the first holds a coffee break
/// (100 × 25.50) and a lunch (100 × 40).
async fn event() -> Ev {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let em = server.user("event_manager", "Елена", "Димитрова").await;
    let venue = admin
        .post(
            "/api/v1/venues",
            json!({"name": "Хотел", "time_zone": "Europe/Sofia", "currency": "EUR", "locale": "bg"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("venue");
    let e = em
        .post(
            "/api/v1/events",
            json!({"venue_id": venue, "name": "Конференция", "start_date": "2024-02-10", "end_date": "2024-02-12", "pax": 100}),
        )
        .await;
    let id = e.ok(201)["id"].as_i64().expect("event");
    let folio = e.body["folios"][0]["id"].as_i64().expect("folio");
    let other = em
        .post(&format!("/api/v1/events/{id}/folios"), json!({"name": "Организатор"}))
        .await;
    let other_folio = other.ok(201)["id"].as_i64().expect("folio");
    let coffee = post_charge(&em, folio, "Кафе-пауза", json!(100), "25.50").await;
    let lunch = post_charge(&em, folio, "Обяд", json!(100), "40").await;
    Ev {
        _server: server,
        em,
        id,
        folio,
        other_folio,
        coffee,
        lunch,
        venue,
    }
}

fn totals(folio: &Value) -> Value {
    folio["totals"].clone()
}

#[tokio::test]
async fn a_folio_shows_every_charge_and_totals_of_the_active_ones() {
    let ev = event().await;
    let f = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await;
    let body = f.ok(200);
    assert_eq!(body["event_id"], json!(ev.id));
    assert_eq!(body["status"], "open");
    assert_eq!(body["charges"].as_array().map(Vec::len), Some(2));
    assert_eq!(totals(body), json!([{"currency": "EUR", "amount": "6550.00"}]));
    let named = ev.em.get(&format!("/api/v1/folios/{}", ev.other_folio)).await;
    assert_eq!(named.ok(200)["name"], "Организатор");
    assert_eq!(named.body["totals"], json!([]), "an empty folio totals nothing");
    let event = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    assert_eq!(
        event.ok(200)["folios"][0]["totals"],
        json!([{"currency": "EUR", "amount": "6550.00"}])
    );
    assert_eq!(event.body["folios"][1]["name"], "Организатор");
    ev.em.get("/api/v1/folios/999999").await.problem(404);
}

#[tokio::test]
async fn a_voided_charge_stays_with_who_when_and_why_and_counts_for_nothing() {
    let ev = event().await;
    let path = format!("/api/v1/charges/{}/void", ev.coffee);
    let blank = ev.em.clone().lang("ru").post(&path, json!({"reason": "   "})).await;
    let p = blank.problem(422);
    assert_eq!(p["errors"][0]["field"], "reason", "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.chars().any(|c| ('а'..='я').contains(&c))),
        "{p}"
    );

    let voided = ev
        .em
        .post(&path, json!({"reason": " Отменена по просьбе клиента "}))
        .await;
    let c = voided.ok(200);
    assert_eq!(c["status"], "void");
    assert_eq!(c["void_reason"], "Отменена по просьбе клиента");
    assert_eq!(c["voided_by"], json!(ev.em.user_id));
    assert!(
        c["voided_at"]
            .as_str()
            .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
        "{c}"
    );

    let f = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await;
    assert_eq!(
        f.ok(200)["charges"].as_array().map(Vec::len),
        Some(2),
        "kept, never deleted"
    );
    assert_eq!(
        totals(&f.body),
        json!([{"currency": "EUR", "amount": "4000.00"}]),
        "only the lunch counts"
    );

    let again = ev.em.clone().lang("en").post(&path, json!({"reason": "twice"})).await;
    let p = again.problem(409);
    assert!(
        p["type"].as_str().is_some_and(|t| t.ends_with("charge-not-active")),
        "{p}"
    );
    ev.em
        .patch(&format!("/api/v1/charges/{}", ev.coffee), json!({"quantity": 5}))
        .await
        .problem(409);
    // A PAX change leaves a voided charge where it is.
    let pax = ev
        .em
        .post(
            &format!("/api/v1/events/{}/pax", ev.id),
            json!({"pax": 120, "dry_run": true}),
        )
        .await;
    let moved: Vec<i64> = pax.ok(200)["charges"]
        .as_array()
        .expect("charges")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(moved, vec![ev.lunch]);

    let audit = ev.em.get(&format!("/api/v1/events/{}/audit?limit=500", ev.id)).await;
    let last = audit.ok(200)["items"]
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .expect("audit line");
    assert_eq!(last["command"], "void_charge");
    assert_eq!(last["actor_id"], json!(ev.em.user_id));
    assert_eq!(last["detail"]["before"]["status"], "active");
    assert_eq!(last["detail"]["after"]["void_reason"], "Отменена по просьбе клиента");
}

#[tokio::test]
async fn an_edit_corrects_a_charge_and_bad_values_change_nothing() {
    let ev = event().await;
    let path = format!("/api/v1/charges/{}", ev.coffee);
    let before = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await.body;
    for (body, field) in [
        (json!({"unit_price": "-1"}), "unit_price"),
        (json!({"quantity": "-2"}), "quantity"),
        (json!({"service_date": "2024-02-13"}), "service_date"),
        (json!({"service_date": "13.02.2024"}), "service_date"),
        (json!({"description": "  "}), "description"),
    ] {
        let a = ev.em.clone().lang("bg").patch(&path, body.clone()).await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    assert_eq!(
        ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await.body,
        before,
        "nothing changed"
    );

    let edited = ev
        .em
        .patch(
            &path,
            json!({"unit_price": "22.00", "service_date": "2024-02-12", "description": "Кафе-пауза сутрин", "follows_pax": false}),
        )
        .await;
    let c = edited.ok(200);
    assert_eq!(c["unit_price"], "22.00");
    assert_eq!(c["service_date"], "2024-02-12");
    assert_eq!(c["description"], "Кафе-пауза сутрин");
    assert_eq!(c["follows_pax"], false);
    assert_eq!(c["quantity"], "100", "what is left out stays");
    let f = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await;
    assert_eq!(totals(f.ok(200)), json!([{"currency": "EUR", "amount": "6200.00"}]));
    // Pinned now: a PAX change leaves its quantity.
    let pax = ev
        .em
        .post(
            &format!("/api/v1/events/{}/pax", ev.id),
            json!({"pax": 120, "dry_run": true}),
        )
        .await;
    assert!(
        !pax.ok(200)["charges"]
            .as_array()
            .expect("charges")
            .iter()
            .any(|c| c["id"] == json!(ev.coffee))
    );
    ev.em
        .patch("/api/v1/charges/999999", json!({"quantity": 1}))
        .await
        .problem(404);
}

#[tokio::test]
async fn a_transfer_goes_to_another_open_folio_of_the_same_event_only() {
    let ev = event().await;
    let path = format!("/api/v1/charges/{}/transfer", ev.lunch);
    let elsewhere = ev
        .em
        .post(
            "/api/v1/events",
            json!({"venue_id": ev.venue, "name": "Сватба", "start_date": "2024-02-10", "end_date": "2024-02-10", "pax": 10}),
        )
        .await;
    let foreign = elsewhere.ok(201)["folios"][0]["id"].as_i64().expect("folio");
    for target in [foreign, 999_999] {
        let p = ev.em.post(&path, json!({"folio_id": target})).await;
        assert_eq!(p.problem(422)["errors"][0]["field"], "folio_id");
    }
    let moved = ev.em.post(&path, json!({"folio_id": ev.other_folio})).await;
    assert_eq!(moved.ok(200)["folio_id"], json!(ev.other_folio));
    let to = ev.em.get(&format!("/api/v1/folios/{}", ev.other_folio)).await;
    assert_eq!(totals(to.ok(200)), json!([{"currency": "EUR", "amount": "4000.00"}]));
    let from = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await;
    assert_eq!(totals(from.ok(200)), json!([{"currency": "EUR", "amount": "2550.00"}]));

    // Into a closed folio: refused, naming it.
    ev.em
        .post(&format!("/api/v1/folios/{}/close", ev.folio), json!({}))
        .await
        .ok(200);
    let into_closed = ev
        .em
        .clone()
        .lang("en")
        .post(&path, json!({"folio_id": ev.folio}))
        .await;
    let p = into_closed.problem(409);
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("Folio {}", ev.folio))),
        "{p}"
    );
    // Out of a closed folio, and edits and voids there: refused, nothing changes.
    let closed_before = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await.body;
    let coffee = format!("/api/v1/charges/{}", ev.coffee);
    ev.em
        .post(&format!("{coffee}/transfer"), json!({"folio_id": ev.other_folio}))
        .await
        .problem(409);
    ev.em.patch(&coffee, json!({"unit_price": "1"})).await.problem(409);
    ev.em
        .post(&format!("{coffee}/void"), json!({"reason": "x"}))
        .await
        .problem(409);
    assert_eq!(
        ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await.body,
        closed_before
    );
}

#[tokio::test]
async fn a_stale_version_refuses_a_charge_change() {
    let ev = event().await;
    let event = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    let version = event.ok(200)["version"].as_i64().expect("version");
    let send = |v: i64| {
        ev.em
            .http
            .post(format!("{}/api/v1/charges/{}/void", ev.em.base, ev.coffee))
            .bearer_auth(ev.em.token.clone().unwrap_or_default())
            .header("if-match", format!("\"{v}\""))
            .json(&json!({"reason": "дубль"}))
            .send()
    };
    let stale = send(version - 1).await.expect("answer");
    assert_eq!(stale.status().as_u16(), 412);
    let fresh = send(version).await.expect("answer");
    assert_eq!(fresh.status().as_u16(), 200);
    let after = ev.em.get(&format!("/api/v1/events/{}", ev.id)).await;
    assert_eq!(after.ok(200)["version"], json!(version + 1), "one change, one version");
}

#[tokio::test]
async fn a_negative_unit_price_is_refused_when_posting_too() {
    let ev = event().await;
    let a = ev
        .em
        .post(
            &format!("/api/v1/folios/{}/charges", ev.folio),
            json!({"description": "Отстъпка", "service_date": "2024-02-11", "quantity": 1, "unit_price": "-10"}),
        )
        .await;
    assert_eq!(a.problem(422)["errors"][0]["field"], "unit_price");
    let f = ev.em.get(&format!("/api/v1/folios/{}", ev.folio)).await;
    assert_eq!(f.ok(200)["charges"].as_array().map(Vec::len), Some(2));
}
