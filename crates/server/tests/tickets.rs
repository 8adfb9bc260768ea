//! The coworking calendar: the list, the ticket page and its actions.

mod common;

use common::{World, days, numbers, slot};
use serde_json::{Value, json};

#[tokio::test]
async fn the_list_shows_number_period_visitor_status_workplace_newest_first() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Марина", "Спиридонова").await;
    let (_, a) = w.ticket(v.user_id, w.workplaces[0], days(7, 8)).await;
    let (_, b) = w.ticket(v.user_id, w.workplaces[1], days(2, 2)).await;
    let list = w.manager.get("/api/v1/coworking/tickets").await;
    let body = list.ok(200);
    assert_eq!(numbers(body), vec![b, a]);
    let row = &body["items"][1];
    assert_eq!(row["visitor"]["first_name"], "Марина");
    assert_eq!(row["visitor"]["last_name"], "Спиридонова");
    assert_eq!(row["workplace"]["name"], "PM №1");
    assert_eq!(row["status"], "new");
    assert_eq!(row["period"]["start_date"], common::day(7));
    assert_eq!(row["period"]["end_date"], common::day(8));
    assert!(body["next_cursor"].is_null());
}

#[tokio::test]
async fn period_text_follows_the_language_as_the_seed_shows_it() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Столповский").await;
    // The seed's own dates: 13.12.2022 - 14.12.2022 and 6 December 09:00-11:00.
    let importer = |period: Value| json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": period, "tariff_id": w.daily}]});
    // Walk-ins in the past are refused, so look at the seed's dates through the store.
    let _ = importer;
    let days_input = tessera_domain::PeriodInput::Days {
        start_date: jiff::civil::date(2022, 12, 13),
        end_date: jiff::civil::date(2022, 12, 14),
    };
    let slot_input = tessera_domain::PeriodInput::Slot {
        date: jiff::civil::date(2022, 12, 6),
        start_time: jiff::civil::time(9, 0, 0, 0),
        end_time: jiff::civil::time(11, 0, 0, 0),
    };
    for (input, number) in [(days_input, 31), (slot_input, 29)] {
        w.server
            .store
            .create_order(
                tessera_store::NewOrder {
                    customer_id: v.user_id,
                    items: vec![tessera_store::NewOrderItem {
                        workplace_id: w.workplaces[0],
                        period: input,
                        tariff_id: w.daily,
                        service_variant_id: None,
                        modifier_ids: vec![],
                    }],
                    created_by: w.manager.user_id,
                    booking: tessera_store::Booking::Import,
                    numbers: Some((number + 1000, vec![number])),
                    idempotency_key: None,
                    visitor_limits: tessera_domain::booking::VisitorLimits::DEFAULT,
                },
                jiff::Timestamp::now(),
            )
            .await
            .expect("import");
    }
    let ru = w.manager.clone().lang("ru").get("/api/v1/coworking/tickets").await;
    assert_eq!(ru.ok(200)["items"][0]["period"]["text"], "13.12.2022 - 14.12.2022");
    assert_eq!(
        ru.body["items"][1]["period"]["text"],
        "6 декабря 2022 г., с 09:00 до 11:00"
    );
    assert_eq!(ru.body["items"][1]["period"]["start"], "2022-12-06T09:00:00+03:00");
    assert_eq!(ru.body["items"][0]["status_text"], "Новый");
    let bg = w.manager.clone().lang("bg").get("/api/v1/coworking/tickets").await;
    assert_eq!(
        bg.ok(200)["items"][1]["period"]["text"],
        "6 декември 2022 г., от 09:00 ч. до 11:00 ч."
    );
    let en = w
        .manager
        .clone()
        .lang("en-GB,en;q=0.8")
        .get("/api/v1/coworking/tickets")
        .await;
    let text = en.ok(200)["items"][1]["period"]["text"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(text.starts_with("December 6, 2022, from 9:00"), "{text}");
    // New numbers continue above imported ones.
    let (_, next) = w.ticket(v.user_id, w.workplaces[1], days(3, 3)).await;
    assert!(next > 31, "{next}");
}

#[tokio::test]
async fn filters_combine_and_the_visitor_prefix_ignores_case_in_any_script() {
    let w = World::new().await;
    let marina = w.server.user("visitor", "Марина", "Спиридонова").await;
    let maria = w.server.user("visitor", "Мария", "Семенова").await;
    let ivan = w.server.user("visitor", "Иван", "Столповский").await;
    let anna = w.server.user("visitor", "Anna", "Marley").await;
    let (o1, t1) = w.ticket(marina.user_id, w.workplaces[0], days(3, 4)).await;
    let (_, t2) = w.ticket(maria.user_id, w.workplaces[1], days(3, 3)).await;
    let (_, t3) = w.ticket(ivan.user_id, w.workplaces[2], days(10, 12)).await;
    let (_, t4) = w.ticket(anna.user_id, w.workplaces[0], days(20, 20)).await;
    w.set_order_status(o1, "confirmed").await.ok(200);
    let get = |q: &str| {
        let m = w.manager.clone();
        let path = format!("/api/v1/coworking/tickets?{q}");
        async move { m.get(&path).await }
    };
    assert_eq!(
        numbers(get("visitor=%D0%BC%D0%B0%D1%80").await.ok(200)),
        vec![t2, t1],
        "мар"
    );
    assert_eq!(
        numbers(get("visitor=%D0%9C%D0%90%D0%A0%D0%98%D0%AF").await.ok(200)),
        vec![t2],
        "МАРИЯ"
    );
    assert_eq!(
        numbers(get("visitor=%D1%81%D1%82%D0%BE%D0%BB").await.ok(200)),
        vec![t3],
        "стол (last name)"
    );
    assert_eq!(numbers(get("visitor=mar").await.ok(200)), vec![t4], "Latin, last name");
    assert_eq!(numbers(get(&format!("number={t3}")).await.ok(200)), vec![t3]);
    let from = common::day(4);
    let to = common::day(10);
    assert_eq!(
        numbers(get(&format!("from={from}&to={to}")).await.ok(200)),
        vec![t3, t1],
        "overlap"
    );
    assert_eq!(numbers(get("status=confirmed").await.ok(200)), vec![t1]);
    assert_eq!(numbers(get("status=new,confirmed").await.ok(200)), vec![t4, t3, t2, t1]);
    assert_eq!(
        numbers(get("status=new&visitor=%D0%BC%D0%B0%D1%80").await.ok(200)),
        vec![t2]
    );
    assert_eq!(numbers(get("status=cancelled").await.ok(200)), Vec::<i64>::new());
}

#[tokio::test]
async fn cursor_pages_visit_every_ticket_once() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Анна", "Кац").await;
    let mut made = Vec::new();
    for i in 0..7 {
        made.push(
            w.ticket(v.user_id, w.workplaces[(i % 3) as usize], days(i + 1, i + 1))
                .await
                .1,
        );
    }
    made.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/v1/coworking/tickets?limit=3&cursor={c}"),
            None => "/api/v1/coworking/tickets?limit=3".into(),
        };
        let page = w.manager.get(&q).await;
        seen.extend(numbers(page.ok(200)));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, made);
}

#[tokio::test]
async fn bad_list_queries_are_400s() {
    let w = World::new().await;
    for q in [
        "status=bogus",
        "from=2022-13-01",
        "number=abc",
        "cursor=xyz",
        "limit=0",
        "limit=501",
        "from=2022-12-10&to=2022-12-01",
        "unknown=1",
    ] {
        w.manager
            .get(&format!("/api/v1/coworking/tickets?{q}"))
            .await
            .problem(400);
    }
}

#[tokio::test]
async fn the_ticket_page_shows_order_visitor_details_and_identification() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let a = w
        .manager
        .post(
            "/api/v1/orders",
            json!({"customer_id": v.user_id, "items": [{"workplace_id": w.workplaces[0], "period": days(16, 18),
                   "tariff_id": w.daily, "service_variant_id": w.variant, "modifier_ids": [w.printer, w.locker]}]}),
        )
        .await;
    let order = a.ok(201)["number"].as_i64().expect("order");
    let ticket = a.body["tickets"][0]["number"].as_i64().expect("ticket");
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    let body = t.ok(200);
    assert_eq!(body["order"]["number"], json!(order));
    assert_eq!(body["order"]["status"], "new");
    assert_eq!(body["premises"]["name"], "Коворкинг №1");
    assert_eq!(body["visitor"]["phone"], "+7 (900) 000-00-00");
    assert!(body["visitor"]["email"].as_str().is_some_and(|e| e.contains('@')));
    assert_eq!(body["tariff"]["name"], "Суточный");
    assert_eq!(body["service_variant"]["name"], "Резидент +");
    let mods: Vec<&str> = body["modifiers"]
        .as_array()
        .expect("modifiers")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert_eq!(mods, vec!["Шкафчик", "Принтер"]);
    assert!(body["validation"].is_null());
    assert!(body["created_at"].as_str().is_some_and(|c| c.ends_with("+03:00")));
    assert_eq!(body["history"][0]["to_status"], "new");
    w.manager.get("/api/v1/coworking/tickets/999999").await.problem(404);
    w.manager.get("/api/v1/coworking/tickets/abc").await.problem(404);
}

#[tokio::test]
async fn validation_only_for_confirmed_or_active_and_reset_clears_it() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 4)).await;
    let path = format!("/api/v1/coworking/tickets/{ticket}/validation");
    w.manager.post(&path, json!({})).await.problem(409);
    w.set_order_status(order, "confirmed").await.ok(200);
    let t = w.manager.post(&path, json!({})).await;
    let body = t.ok(200);
    assert_eq!(body["validation"]["checked_by"]["first_name"], "Марина");
    assert_eq!(body["validation"]["checked_by"]["id"], json!(w.manager.user_id));
    assert!(body["validation"]["checked_at"].as_str().is_some());
    w.manager.post(&path, json!({})).await.problem(409);
    let reset = w.manager.delete(&path).await;
    assert!(reset.ok(200)["validation"].is_null());
    let kinds: Vec<&str> = reset.body["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"validated") && kinds.contains(&"validation_reset"),
        "{kinds:?}"
    );
    w.manager.post(&path, json!({})).await.ok(200);
    // Cancelled: no validation.
    w.manager.delete(&path).await.ok(200);
    w.set_order_status(order, "cancelled").await.ok(200);
    w.manager.post(&path, json!({})).await.problem(409);
}

#[tokio::test]
async fn the_visitor_changes_to_an_existing_or_a_new_user_only_while_new_or_confirmed() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let other = w.server.user("visitor", "Иван", "Столповский").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 4)).await;
    let path = format!("/api/v1/coworking/tickets/{ticket}/visitor");
    let t = w.manager.put(&path, json!({"user_id": other.user_id})).await;
    assert_eq!(t.ok(200)["visitor"]["id"], json!(other.user_id));
    let t = w
        .manager
        .put(&path, json!({"user": {"first_name": "Пётр", "last_name": "Новиков", "email": "petr@example.test", "phone": "+7 900 111-22-33"}}))
        .await;
    assert_eq!(t.ok(200)["visitor"]["first_name"], "Пётр");
    let found = w.manager.get("/api/v1/users?search=%D0%BD%D0%BE%D0%B2").await;
    assert!(
        found.ok(200)["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|u| u["email"] == "petr@example.test"))
    );
    w.manager
        .put(
            &path,
            json!({"user": {"first_name": "Дубль", "last_name": "Почты", "email": "petr@example.test"}}),
        )
        .await
        .problem(409);
    w.manager.put(&path, json!({"user_id": 99_999_999})).await.problem(422);
    w.manager.put(&path, json!({})).await.problem(422);
    w.set_order_status(order, "cancelled").await.ok(200);
    w.manager.put(&path, json!({"user_id": v.user_id})).await.problem(409);
}

#[tokio::test]
async fn the_workplace_changes_only_to_a_free_one() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let (_, holder) = w.ticket(v.user_id, w.workplaces[1], days(4, 4)).await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 5)).await;
    let path = format!("/api/v1/coworking/tickets/{ticket}/workplace");
    let p = w.manager.put(&path, json!({"workplace_id": w.workplaces[1]})).await;
    assert_eq!(p.problem(409)["tickets"], json!([holder]));
    let t = w.manager.put(&path, json!({"workplace_id": w.workplaces[2]})).await;
    assert_eq!(t.ok(200)["workplace"]["name"], "PM №3");
    // The old workplace is free again.
    w.book(v.user_id, w.workplaces[0], days(3, 5), w.daily).await.ok(201);
    w.manager.put(&path, json!({"workplace_id": 424242})).await.problem(422);
    w.set_order_status(order, "cancelled").await.ok(200);
    w.manager
        .put(&path, json!({"workplace_id": w.workplaces[0]}))
        .await
        .problem(409);
}

#[tokio::test]
async fn time_moves_a_confirmed_ticket_to_active_then_completed_with_its_order() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], slot(1, "09:00", "11:00")).await;
    w.set_order_status(order, "confirmed").await.ok(200);
    let path = format!("/api/v1/coworking/tickets/{ticket}");
    let start = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Moscow").expect("tz"))
        .date();
    let at = |h: i8, m: i8| {
        start
            .checked_add(jiff::Span::new().days(1))
            .expect("date")
            .at(h, m, 0, 0)
            .to_zoned(jiff::tz::TimeZone::get("Europe/Moscow").expect("tz"))
            .expect("zoned")
            .timestamp()
    };
    w.server.clock.set(at(8, 59));
    assert_eq!(w.manager.get(&path).await.body["status"], "confirmed");
    w.server.clock.set(at(9, 0));
    // Never stale: the sweep has not run, yet the ticket reads active.
    assert_eq!(w.manager.get(&path).await.body["status"], "active");
    let active = w.manager.get("/api/v1/coworking/tickets?status=active").await;
    assert_eq!(numbers(active.ok(200)), vec![ticket]);
    w.server.clock.set(at(11, 0));
    assert_eq!(w.manager.get(&path).await.body["status"], "completed");
    assert_eq!(
        w.manager.get(&format!("/api/v1/orders/{order}")).await.body["status"],
        "completed"
    );
    // Two sweeps at once (as two instances would): each change is written once.
    let (a, b) = tokio::join!(w.server.store.sweep(at(11, 0)), w.server.store.sweep(at(11, 0)));
    assert!(a.is_ok() && b.is_ok());
    w.server.store.sweep(at(11, 5)).await.expect("sweep");
    let t = w.manager.get(&path).await;
    let history: Vec<(String, String)> = t.body["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["kind"] == "status")
        .map(|h| {
            (
                h["to_status"].as_str().unwrap_or("").to_owned(),
                h["at"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let to: Vec<&str> = history.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(to, vec!["new", "confirmed", "active", "completed"]);
    assert!(
        history[2].1.contains("T09:00:00+03:00"),
        "active at the start: {history:?}"
    );
    assert!(
        history[3].1.contains("T11:00:00+03:00"),
        "completed at the end: {history:?}"
    );
    // Nothing leaves completed.
    w.set_order_status(order, "cancelled").await.problem(409);
}

/// A refused status change or ticket action is worded whole in the
/// caller's language: no English reason or action name inside a Russian or
/// Bulgarian sentence.
#[tokio::test]
async fn refusals_by_status_are_worded_whole_in_the_callers_language() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 4)).await;
    w.set_order_status(order, "cancelled").await.ok(200);
    let english_word = |s: &str| s.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w.len() >= 3);
    for (lang, reason, action) in [
        (
            "ru",
            "отменённый заказ может перейти только к возврату средств",
            "Проверить личность нельзя: билет в статусе",
        ),
        (
            "bg",
            "отказана поръчка може да премине само към възстановяване на сумата",
            "Самоличността не може да се провери: билетът е в статус",
        ),
    ] {
        let m = w.manager.clone().lang(lang);
        let a = m
            .post(
                &format!("/api/v1/orders/{order}/status"),
                json!({"status": "confirmed"}),
            )
            .await;
        let detail = a.problem(409)["detail"].as_str().unwrap_or("").to_owned();
        assert!(detail.contains(reason) && !english_word(&detail), "{lang}: {detail}");
        let a = m
            .post(&format!("/api/v1/coworking/tickets/{ticket}/validation"), json!({}))
            .await;
        let detail = a.problem(409)["detail"].as_str().unwrap_or("").to_owned();
        assert!(detail.starts_with(action) && !english_word(&detail), "{lang}: {detail}");
    }
}

/// A ticket moves only within the venue it was booked in (its tariff and
/// price are that venue's): another venue's workplace is refused at the
/// field and the ticket keeps its place.
#[tokio::test]
async fn a_ticket_does_not_move_to_another_venues_workplace() {
    let w = World::new().await;
    let other_venue = w
        .admin
        .post(
            "/api/v1/venues",
            json!({"name": "БЦ Юг", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("venue");
    let premises = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": other_venue, "name": "Коворкинг Юг", "kind": "coworking"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("premises");
    let elsewhere = w
        .admin
        .post(
            &format!("/api/v1/premises/{premises}/workplaces"),
            json!({"name": "Юг №1"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("workplace");
    let v = w.server.user("visitor", "Мария", "Семенова").await;
    let (_, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 5)).await;
    let path = format!("/api/v1/coworking/tickets/{ticket}/workplace");
    let refused = w.manager.put(&path, json!({"workplace_id": elsewhere})).await;
    assert_eq!(refused.problem(422)["errors"][0]["field"], "workplace_id");
    let t = w.manager.get(&format!("/api/v1/coworking/tickets/{ticket}")).await;
    assert_eq!(t.ok(200)["workplace"]["name"], "PM №1");
}
