//! The catalogue an admin builds (venues, premises, workplaces, tariffs,
//! service variants, modifiers), the rules its values follow, the user
//! search, and the OpenAPI document against the router.

mod common;

use common::{Client, Server, World};
use serde_json::{Value, json};

/// The `items` of a list answer.
async fn items(c: &Client, path: &str) -> Vec<Value> {
    c.get(path).await.ok(200)["items"]
        .as_array()
        .expect("a list has items")
        .clone()
}

/// Asserts a 422 naming exactly this field first.
#[track_caller]
fn refused(a: &common::Answer, field: &str) {
    let p = a.problem(422);
    assert_eq!(p["errors"][0]["field"], field, "{p}");
    assert!(p["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{p}");
}

#[tokio::test]
async fn each_kind_is_created_and_listed() {
    let server = Server::start().await;
    let admin = server.user("admin", "Ада", "Админова").await;
    let reader = server.user("visitor", "Мария", "Семенова").await;

    let venue = admin
        .post(
            "/api/v1/venues",
            json!({"name": "  Бизнес-центр Арбат  ", "time_zone": "Europe/Moscow", "currency": "rub", "locale": "ru"}),
        )
        .await;
    let venue = venue.ok(201).clone();
    let v = venue["id"].clone();
    assert_eq!(
        venue,
        json!({"id": v, "name": "Бизнес-центр Арбат", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru",
            "booking_horizon_days": 180, "longest_booking_days": 31, "payment_hours": 24, "archived": false})
    );
    let sofia = admin
        .post(
            "/api/v1/venues",
            json!({"name": "София Хол", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg"}),
        )
        .await;
    let sofia = sofia.ok(201)["id"].clone();
    assert_eq!(
        items(&reader, "/api/v1/venues").await,
        vec![
            venue.clone(),
            json!({"id": sofia, "name": "София Хол", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg",
                "booking_horizon_days": 180, "longest_booking_days": 31, "payment_hours": 24, "archived": false})
        ]
    );

    let cowork = admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": v, "name": "Коворкинг на 2 этаже", "kind": "coworking", "directions": "2 этаж, налево"}),
        )
        .await;
    let cowork = cowork.ok(201).clone();
    assert_eq!(cowork["kind"], "coworking");
    assert_eq!(cowork["venue_id"], v);
    assert_eq!(cowork["directions"], "2 этаж, налево");
    let hall = admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": sofia, "name": "Зала 1", "kind": "hall"}),
        )
        .await;
    let hall = hall.ok(201).clone();
    assert_eq!(hall["directions"], Value::Null);
    assert_eq!(
        items(&reader, "/api/v1/premises").await,
        vec![cowork.clone(), hall.clone()]
    );
    assert_eq!(
        items(&reader, &format!("/api/v1/premises?venue_id={sofia}")).await,
        vec![hall.clone()]
    );

    let p = cowork["id"].as_i64().expect("premises id");
    let mut made = Vec::new();
    for name in ["PM №1", "PM №2", "РМ №10"] {
        let w = admin
            .post(&format!("/api/v1/premises/{p}/workplaces"), json!({"name": name}))
            .await;
        let w = w.ok(201).clone();
        assert_eq!(w["name"], name);
        assert_eq!(w["premises_id"], p);
        made.push(w);
    }
    assert_eq!(items(&reader, &format!("/api/v1/premises/{p}/workplaces")).await, made);

    let t = admin
        .post(
            "/api/v1/tariffs",
            json!({"venue_id": v, "name": "1-3 мес (7000 руб в месяц)", "unit": "month", "price": "7000"}),
        )
        .await;
    let t = t.ok(201).clone();
    assert_eq!(
        t,
        json!({"id": t["id"], "venue_id": v, "name": "1-3 мес (7000 руб в месяц)", "unit": "month", "price": "7000.00", "archived": false})
    );
    let daily = admin
        .post(
            "/api/v1/tariffs",
            json!({"venue_id": sofia, "name": "Дневен", "unit": "day", "price": "25.50"}),
        )
        .await;
    let daily = daily.ok(201).clone();
    assert_eq!(items(&reader, "/api/v1/tariffs").await, vec![t.clone(), daily.clone()]);
    assert_eq!(items(&reader, &format!("/api/v1/tariffs?venue_id={v}")).await, vec![t]);

    let s = admin
        .post("/api/v1/service-variants", json!({"venue_id": v, "name": "Резидент +"}))
        .await;
    let s = s.ok(201).clone();
    assert_eq!(
        s,
        json!({"id": s["id"], "venue_id": v, "name": "Резидент +", "archived": false})
    );
    assert_eq!(items(&reader, "/api/v1/service-variants").await, vec![s]);

    let m = admin
        .post(
            "/api/v1/modifiers",
            json!({"venue_id": v, "name": "Шкафчик", "price": 500}),
        )
        .await;
    let m = m.ok(201).clone();
    assert_eq!(
        m,
        json!({"id": m["id"], "venue_id": v, "name": "Шкафчик", "price": "500.00", "archived": false})
    );
    assert_eq!(items(&reader, "/api/v1/modifiers").await, vec![m.clone()]);
    assert_eq!(
        items(&reader, &format!("/api/v1/modifiers?venue_id={sofia}")).await,
        Vec::<Value>::new()
    );
}

#[tokio::test]
async fn catalogue_lists_page_by_limit_and_cursor_like_every_list() {
    let w = World::new().await; // 1 venue, 1 premises, 3 workplaces, 3 tariffs, 1 variant, 2 modifiers
    let visitor = w.server.user("visitor", "Мария", "Семенова").await;
    let second = w
        .admin
        .post(
            "/api/v1/venues",
            json!({"name": "Второй", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg"}),
        )
        .await;
    second.ok(201);
    let lists = [
        "/api/v1/venues".to_string(),
        "/api/v1/premises".into(),
        format!("/api/v1/premises/{}/workplaces", w.premises),
        "/api/v1/tariffs".into(),
        format!("/api/v1/tariffs?venue_id={}", w.venue),
        "/api/v1/service-variants".into(),
        "/api/v1/modifiers".into(),
    ];
    for path in &lists {
        let all = items(&visitor, path).await;
        let join = if path.contains('?') { '&' } else { '?' };
        let first = visitor.get(&format!("{path}{join}limit=1")).await;
        let first = first.ok(200).clone();
        assert_eq!(
            first["items"].as_array().map(Vec::len),
            Some(1.min(all.len())),
            "{path}"
        );
        // Walk the pages: every item once, in order.
        let mut walked = first["items"].as_array().expect("items").clone();
        let mut cursor = first["next_cursor"].clone();
        while let Some(c) = cursor.as_str() {
            let page = visitor.get(&format!("{path}{join}limit=1&cursor={c}")).await;
            let page = page.ok(200);
            walked.extend(page["items"].as_array().expect("items").iter().cloned());
            cursor = page["next_cursor"].clone();
            assert!(walked.len() <= all.len(), "{path}: paging does not end");
        }
        assert_eq!(walked, all, "{path}");
        let whole = visitor.get(&format!("{path}{join}limit=500")).await;
        assert_eq!(whole.ok(200)["next_cursor"], Value::Null, "{path}");
        for bad in ["limit=0", "limit=501", "limit=x", "cursor=garbage"] {
            visitor.get(&format!("{path}{join}{bad}")).await.problem(400);
        }
    }
}

#[tokio::test]
async fn a_venue_takes_an_iana_zone_an_iso_currency_and_ru_bg_or_en() {
    let w = World::new().await;
    let venue = |tz: &str, cur: &str, loc: &str| json!({"name": "V", "time_zone": tz, "currency": cur, "locale": loc});
    for (body, field) in [
        (venue("Moscow", "RUB", "ru"), "time_zone"),
        (venue("Mars/Olympus_Mons", "RUB", "ru"), "time_zone"),
        (venue("+03:00", "RUB", "ru"), "time_zone"),
        (venue("", "RUB", "ru"), "time_zone"),
        (venue("Europe/Moscow", "RUBL", "ru"), "currency"),
        (venue("Europe/Moscow", "R1B", "ru"), "currency"),
        (venue("Europe/Moscow", "руб", "ru"), "currency"),
        (venue("Europe/Moscow", "", "ru"), "currency"),
        (venue("Europe/Moscow", "RUB", "de"), "locale"),
        (venue("Europe/Moscow", "RUB", ""), "locale"),
        (venue("Europe/Moscow", "RUB", "russian"), "locale"),
    ] {
        let a = w.admin.post("/api/v1/venues", body.clone()).await;
        refused(&a, field);
    }
    // Every mistake at once is named at once.
    let a = w.admin.post("/api/v1/venues", venue("Nowhere", "", "xx")).await;
    let fields: Vec<&str> = a.problem(422)["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["time_zone", "currency", "locale"]);
    assert_eq!(
        items(&w.admin, "/api/v1/venues").await.len(),
        1,
        "refused venues are not stored"
    );
    for (tz, cur, loc) in [
        ("America/New_York", "USD", "en"),
        ("UTC", "EUR", "en"),
        ("Europe/Sofia", "bgn", "bg"),
    ] {
        let a = w.admin.post("/api/v1/venues", venue(tz, cur, loc)).await;
        assert_eq!(a.ok(201)["time_zone"], tz);
        assert_eq!(a.body["currency"], cur.to_uppercase());
        assert_eq!(a.body["locale"], loc);
    }
    // A zone's name is found whatever its case and kept as the zone database spells it.
    let a = w
        .admin
        .post("/api/v1/venues", venue(" europe/SOFIA ", "BGN", "bg"))
        .await;
    assert_eq!(a.ok(201)["time_zone"], "Europe/Sofia");
}

#[tokio::test]
async fn prices_are_decimals_with_at_most_two_places() {
    let w = World::new().await;
    for (path, extra) in [
        ("/api/v1/tariffs", json!({"unit": "day"})),
        ("/api/v1/modifiers", json!({})),
    ] {
        let body = |price: Value| {
            let mut b = json!({"venue_id": w.venue, "name": format!("P {price}"), "price": price});
            for (k, v) in extra.as_object().expect("extra fields") {
                b[k] = v.clone();
            }
            b
        };
        for (price, wire) in [
            (json!("7000"), "7000.00"),
            (json!("7000.50"), "7000.50"),
            (json!(7000), "7000.00"),
            (json!(12.5), "12.50"),
            (json!(" 99.9 "), "99.90"),
            (json!("0"), "0.00"),
        ] {
            let a = w.admin.post(path, body(price.clone())).await;
            assert_eq!(a.ok(201)["price"], wire, "{path} {price}");
        }
        let before = items(&w.admin, path).await;
        for price in [
            json!("abc"),
            json!("-1"),
            json!(-1),
            json!("1.234"),
            json!("1e3"),
            json!("7 000"),
            json!("7000,50"),
            json!(""),
            json!("NaN"),
        ] {
            let a = w.admin.post(path, body(price.clone())).await;
            refused(&a, "price");
        }
        for price in [json!(true), json!(null), json!([1]), json!({"amount": 1})] {
            let a = w.admin.post(path, body(price.clone())).await;
            refused(&a, "price");
        }
        assert_eq!(
            items(&w.admin, path).await,
            before,
            "{path}: a refused price was stored"
        );
    }
    // A tariff's unit is one of three.
    let a = w
        .admin
        .post(
            "/api/v1/tariffs",
            json!({"venue_id": w.venue, "name": "Недельный", "unit": "week", "price": "1"}),
        )
        .await;
    refused(&a, "unit");
}

#[tokio::test]
async fn workplaces_have_unique_names_within_their_coworking() {
    let w = World::new().await;
    let path = format!("/api/v1/premises/{}/workplaces", w.premises);
    let before = items(&w.admin, &path).await;
    for name in ["PM №1", "  PM №1  "] {
        let a = w.admin.post(&path, json!({"name": name})).await;
        refused(&a, "name");
    }
    assert_eq!(items(&w.admin, &path).await, before);
    // The same name is fine in other coworking premises.
    let other = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "Коворкинг №2", "kind": "coworking"}),
        )
        .await;
    let other = other.ok(201)["id"].as_i64().expect("id");
    let a = w
        .admin
        .post(
            &format!("/api/v1/premises/{other}/workplaces"),
            json!({"name": "PM №1"}),
        )
        .await;
    a.ok(201);
    // A hall has no workplaces.
    let hall = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "Большой зал", "kind": "hall"}),
        )
        .await;
    let hall = hall.ok(201)["id"].as_i64().expect("id");
    let a = w
        .admin
        .post(
            &format!("/api/v1/premises/{hall}/workplaces"),
            json!({"name": "Место 1"}),
        )
        .await;
    assert!(a.problem(422)["errors"][0]["field"].as_str().is_some());
    assert_eq!(
        items(&w.admin, &format!("/api/v1/premises/{hall}/workplaces")).await,
        Vec::<Value>::new()
    );
    // Premises are coworking or a hall.
    let a = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "Склад", "kind": "storage"}),
        )
        .await;
    refused(&a, "kind");
    // Unknown premises: 404, to read and to write.
    for id in ["999999", "0", "-1", "abc"] {
        w.admin
            .get(&format!("/api/v1/premises/{id}/workplaces"))
            .await
            .problem(404);
        w.admin
            .post(&format!("/api/v1/premises/{id}/workplaces"), json!({"name": "PM"}))
            .await
            .problem(404);
    }
}

#[tokio::test]
async fn users_are_found_by_part_of_a_name_in_any_case_and_script_or_by_email_prefix() {
    let w = World::new().await; // its manager is Марина Спиридонова
    let s = &w.server;
    let maria = s.user("visitor", "Мария", "Семенова").await;
    let ivan = s.user("visitor", "Иван", "Столповский").await;
    let mark = s.user("visitor", "Mark", "Twain").await;
    let omar = s.user("visitor", "Ömer", "Umar").await;
    let created = w
        .admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Пётр", "last_name": "Марков", "email": "petr.markov@corp.example"}),
        )
        .await;
    let petr = created.ok(201)["id"].as_i64().expect("id");
    let found = |q: &'static str| {
        let c = w.manager.clone();
        async move {
            let mut ids: Vec<i64> = items(&c, &format!("/api/v1/users?search={q}"))
                .await
                .iter()
                .filter_map(|u| u["id"].as_i64())
                .collect();
            ids.sort_unstable();
            ids
        }
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort_unstable();
        v
    };
    let marina = w.manager.user_id;
    assert_eq!(found("мар").await, sorted(vec![marina, maria.user_id, petr]));
    assert_eq!(found("МАР").await, found("мар").await);
    assert_eq!(found("Мар").await, found("мар").await);
    // Part of a name, not only its start.
    assert_eq!(found("рин").await, vec![marina]);
    assert_eq!(found("ПОВСК").await, vec![ivan.user_id]);
    assert_eq!(found("mar").await, sorted(vec![mark.user_id, omar.user_id]));
    assert_eq!(found("ömer").await, vec![omar.user_id]);
    // An e-mail by its start.
    assert_eq!(found("petr.mar").await, vec![petr]);
    assert_eq!(found("PETR.MARKOV@CORP").await, vec![petr]);
    assert_eq!(found("corp.example").await, Vec::<i64>::new());
    // Wildcards are letters like any other.
    assert_eq!(found("%25").await, Vec::<i64>::new());
    assert_eq!(found("_").await, Vec::<i64>::new());
    assert_eq!(found("зззз").await, Vec::<i64>::new());
    // The answer is the user, as the contract shapes it.
    let one = items(&w.manager, "/api/v1/users?search=%D0%BF%D1%91%D1%82%D1%80").await;
    assert_eq!(
        one,
        vec![
            json!({"id": petr, "first_name": "Пётр", "last_name": "Марков", "email": "petr.markov@corp.example", "phone": null, "role": "visitor", "active": true, "locale": "ru"})
        ]
    );
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_of_the_router() {
    let server = Server::start().await;
    let doc = server.anonymous().get("/api/openapi.json").await;
    let doc = doc.ok(200);
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1.")),
        "{}",
        doc["openapi"]
    );
    assert!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"]
            .as_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
    );
    let source = include_str!("../src/routes/mod.rs");
    let mut seen = 0;
    for chunk in source.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).expect("a route path");
        for method in ["get", "post", "put", "patch", "delete"] {
            let call = format!("{method}(");
            let registered = chunk
                .match_indices(&call)
                .any(|(at, _)| at == 0 || !chunk[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if !registered || path == "/api/openapi.json" {
                continue;
            }
            seen += 1;
            let op = &doc["paths"][path][method];
            assert!(op.is_object(), "{method} {path} is not in the OpenAPI document");
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path} documents no answer"
            );
            // Every route but the public ones says it needs the bearer token.
            let public = [
                "/healthz",
                "/api/v1/auth/login",
                "/api/v1/auth/register",
                "/api/v1/auth/password-reset",
                "/api/v1/auth/password-reset/confirm",
            ]
            .contains(&path);
            assert_eq!(op["security"].is_array(), !public, "{method} {path}: security");
            // A path's parameters are declared.
            for param in path.split('{').skip(1).filter_map(|p| p.split('}').next()) {
                assert!(
                    op["parameters"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["name"] == param && p["in"] == "path")),
                    "{method} {path} does not declare {{{param}}}"
                );
            }
        }
    }
    assert!(seen > 40, "read only {seen} routes from routes/mod.rs");
    // The catalogue's bodies name their required fields as the server does.
    for (schema, required) in [
        ("VenueIn", &["name", "time_zone", "currency", "locale"][..]),
        ("PremisesIn", &["venue_id", "name", "kind"][..]),
        ("WorkplaceIn", &["name"][..]),
        ("TariffIn", &["venue_id", "name", "unit", "price"][..]),
        ("ServiceVariantIn", &["venue_id", "name"][..]),
        ("ModifierIn", &["venue_id", "name", "price"][..]),
        ("UserIn", &["first_name", "last_name", "email"][..]),
    ] {
        let mut listed: Vec<&str> = doc["components"]["schemas"][schema]["required"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has no required list"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        listed.sort_unstable();
        let mut want = required.to_vec();
        want.sort_unstable();
        assert_eq!(listed, want, "{schema}");
    }
}
