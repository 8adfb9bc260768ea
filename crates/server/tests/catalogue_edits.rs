//! Catalogue edits: prices change without touching orders made, archived
//! items are refused for new orders and left out of lists, and the refusals
//! name what stands in the way.

mod common;

use common::*;
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_i64())
        .collect()
}

fn order(customer: i64, workplace: i64, period: Value, tariff: i64) -> Value {
    json!({"customer_id": customer, "items": [{"workplace_id": workplace, "period": period, "tariff_id": tariff}]})
}

#[tokio::test]
async fn a_new_price_prices_new_orders_and_leaves_orders_made_as_they_were() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let before = w.book(maria.user_id, w.workplaces[0], days(3, 4), w.daily).await;
    let number = before.ok(201)["number"].as_i64().expect("number");
    assert_eq!(before.body["total"], json!("3000.00"));

    let t = w
        .admin
        .patch(
            &format!("/api/v1/tariffs/{}", w.daily),
            json!({"price": "2000", "name": "Суточный+"}),
        )
        .await;
    assert_eq!(
        (t.ok(200)["price"].as_str(), t.body["name"].as_str()),
        (Some("2000.00"), Some("Суточный+"))
    );

    let kept = w.admin.get(&format!("/api/v1/orders/{number}")).await;
    assert_eq!(
        kept.ok(200)["total"],
        json!("3000.00"),
        "the order keeps the price it was made with"
    );
    let ticket = kept.body["tickets"][0]["number"].as_i64().expect("ticket");
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    assert_eq!(t.ok(200)["price"], json!("3000.00"));

    let quote = w
        .manager
        .post(
            "/api/v1/orders/quote",
            order(maria.user_id, w.workplaces[1], days(3, 4), w.daily),
        )
        .await;
    assert_eq!(
        quote.ok(200)["total"],
        json!("4000.00"),
        "a quote prices with the new price at once"
    );
    let after = w.book(maria.user_id, w.workplaces[1], days(3, 4), w.daily).await;
    assert_eq!(after.ok(201)["total"], json!("4000.00"));

    let m = w
        .admin
        .patch(&format!("/api/v1/modifiers/{}", w.locker), json!({"price": "0.50"}))
        .await;
    assert_eq!(m.ok(200)["price"], json!("0.50"));
}

#[tokio::test]
async fn archived_items_are_refused_for_new_orders_left_out_of_lists_and_restored() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let item = |tariff: i64, variant: Option<i64>, modifiers: Vec<i64>| {
        json!({"customer_id": maria.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(5, 5),
            "tariff_id": tariff, "service_variant_id": variant, "modifier_ids": modifiers}]})
    };
    for (path, body, field) in [
        (
            format!("/api/v1/tariffs/{}", w.daily),
            item(w.daily, None, vec![]),
            "items[0].tariff_id",
        ),
        (
            format!("/api/v1/service-variants/{}", w.variant),
            item(w.hourly, Some(w.variant), vec![]),
            "items[0].service_variant_id",
        ),
        (
            format!("/api/v1/modifiers/{}", w.locker),
            item(w.hourly, None, vec![w.locker]),
            "items[0].modifier_ids",
        ),
        (
            format!("/api/v1/workplaces/{}", w.workplaces[0]),
            item(w.hourly, None, vec![]),
            "items[0].workplace_id",
        ),
    ] {
        let archived = w.admin.patch(&path, json!({"archived": true})).await;
        assert_eq!(archived.ok(200)["archived"], json!(true), "{path}");
        for call in ["/api/v1/orders/quote", "/api/v1/orders"] {
            let refused = w.manager.clone().lang("ru").post(call, body.clone()).await;
            let p = refused.problem(422);
            assert_eq!(p["errors"][0]["field"], json!(field), "{call}: {p}");
            assert!(
                p["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("в архиве")),
                "{p}"
            );
        }
        w.admin.patch(&path, json!({"archived": false})).await.ok(200);
        w.manager.post("/api/v1/orders/quote", body).await.ok(200);
    }

    w.admin
        .patch(
            &format!("/api/v1/workplaces/{}", w.workplaces[2]),
            json!({"archived": true}),
        )
        .await
        .ok(200);
    let listed = w
        .admin
        .get(&format!("/api/v1/premises/{}/workplaces", w.premises))
        .await;
    assert_eq!(
        ids(listed.ok(200)),
        vec![w.workplaces[0], w.workplaces[1]],
        "archived left out"
    );
    let all = w
        .admin
        .get(&format!("/api/v1/premises/{}/workplaces?archived=true", w.premises))
        .await;
    assert_eq!(ids(all.ok(200)).len(), 3);
    assert_eq!(all.body["items"][2]["archived"], json!(true));
    let free = maria
        .get(&format!(
            "/api/v1/premises/{}/free-workplaces?start_date={}&end_date={}",
            w.premises,
            day(9),
            day(9)
        ))
        .await;
    assert!(
        !ids(free.ok(200)).contains(&w.workplaces[2]),
        "an archived workplace is not offered"
    );
    w.admin
        .get(&format!("/api/v1/premises/{}/workplaces?archived=maybe", w.premises))
        .await
        .problem(400);

    // A ticket moves to an archived workplace no more.
    let (_, ticket) = w.ticket(maria.user_id, w.workplaces[0], days(6, 6)).await;
    let moved = w
        .manager
        .put(
            &format!("/api/v1/coworking/tickets/{ticket}/workplace"),
            json!({"workplace_id": w.workplaces[2]}),
        )
        .await;
    assert_eq!(moved.problem(422)["errors"][0]["field"], json!("workplace_id"));

    // An archived venue takes its workplaces with it.
    w.admin
        .patch(&format!("/api/v1/venues/{}", w.venue), json!({"archived": true}))
        .await
        .ok(200);
    w.manager
        .post("/api/v1/orders/quote", item(w.hourly, None, vec![]))
        .await
        .problem(422);
    assert!(ids(w.admin.get("/api/v1/venues").await.ok(200)).is_empty());
}

#[tokio::test]
async fn a_workplace_held_by_live_tickets_stays_and_the_refusal_names_them() {
    let w = World::new().await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(maria.user_id, w.workplaces[0], days(3, 4)).await;
    let path = format!("/api/v1/workplaces/{}", w.workplaces[0]);
    let refused = w.admin.clone().lang("en").patch(&path, json!({"archived": true})).await;
    let p = refused.problem(409);
    assert_eq!(p["tickets"], json!([ticket]), "{p}");
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains(&ticket.to_string())),
        "{p}"
    );
    let still = w
        .admin
        .get(&format!("/api/v1/premises/{}/workplaces", w.premises))
        .await;
    assert!(ids(still.ok(200)).contains(&w.workplaces[0]), "nothing changed");

    w.set_order_status(order, "cancelled").await.ok(200);
    w.admin.patch(&path, json!({"archived": true})).await.ok(200);
    // The cancelled ticket keeps its workplace.
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    assert_eq!(t.ok(200)["workplace"]["id"], json!(w.workplaces[0]));
}

#[tokio::test]
async fn a_venue_with_orders_keeps_its_time_zone_and_currency() {
    let w = World::new().await;
    let path = format!("/api/v1/venues/{}", w.venue);
    // No orders yet: anything goes.
    let v = w
        .admin
        .patch(&path, json!({"time_zone": "europe/sofia", "currency": "bgn"}))
        .await;
    assert_eq!(
        (v.ok(200)["time_zone"].as_str(), v.body["currency"].as_str()),
        (Some("Europe/Sofia"), Some("BGN"))
    );
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    w.ticket(maria.user_id, w.workplaces[0], days(3, 4)).await;
    for body in [json!({"time_zone": "Europe/Moscow"}), json!({"currency": "RUB"})] {
        let refused = w.admin.clone().lang("bg").patch(&path, body).await;
        let p = refused.problem(409);
        assert!(
            p["type"].as_str().is_some_and(|t| t.ends_with("venue-has-orders")),
            "{p}"
        );
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("поръчки")), "{p}");
    }
    // Sending what it is already, or just a new name, is fine.
    let renamed = w
        .admin
        .patch(
            &path,
            json!({"name": "БЦ Север", "time_zone": "Europe/Sofia", "locale": "bg"}),
        )
        .await;
    assert_eq!(renamed.ok(200)["name"], json!("БЦ Север"));
    assert_eq!(renamed.body["currency"], json!("BGN"));
}

#[tokio::test]
async fn bad_edits_are_refused_at_the_field_and_change_nothing() {
    let w = World::new().await;
    let tariff = format!("/api/v1/tariffs/{}", w.daily);
    for (body, field) in [
        (json!({"price": "abc"}), "price"),
        (json!({"price": "-5"}), "price"),
        (json!({"price": "1.005"}), "price"),
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(500)}), "name"),
    ] {
        let refused = w.admin.clone().lang("ru").patch(&tariff, body.clone()).await;
        assert_eq!(refused.problem(422)["errors"][0]["field"], json!(field), "{body}");
    }
    let t = w.admin.get("/api/v1/tariffs").await;
    let daily = t.ok(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["id"] == json!(w.daily))
        .cloned()
        .expect("daily");
    assert_eq!(
        (daily["price"].as_str(), daily["name"].as_str()),
        (Some("1500.00"), Some("Суточный"))
    );

    let taken = w
        .admin
        .clone()
        .lang("ru")
        .patch(
            &format!("/api/v1/workplaces/{}", w.workplaces[1]),
            json!({"name": "PM №1"}),
        )
        .await;
    let p = taken.problem(422);
    assert_eq!(p["errors"][0]["field"], json!("name"));
    w.admin
        .patch(
            &format!("/api/v1/venues/{}", w.venue),
            json!({"time_zone": "Mars/Olympus", "currency": "RUBLES"}),
        )
        .await
        .problem(422);
    w.admin
        .patch("/api/v1/tariffs/999999", json!({"price": "1"}))
        .await
        .problem(404);
    w.admin.patch("/api/v1/workplaces/abc", json!({})).await.problem(404);
    w.admin.patch(&tariff, json!({"unit": "day"})).await.problem(400);
    w.manager.patch(&tariff, json!({"price": "1"})).await.problem(403);

    // Directions: set, shown, removed with null.
    let p = format!("/api/v1/premises/{}", w.premises);
    let set = w
        .admin
        .patch(&p, json!({"directions": "2 этаж, налево от лифта"}))
        .await;
    assert_eq!(set.ok(200)["directions"], json!("2 этаж, налево от лифта"));
    let cleared = w.admin.patch(&p, json!({"directions": null})).await;
    assert_eq!(cleared.ok(200)["directions"], json!(null));
}
