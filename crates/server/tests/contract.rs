//! The contract's cross-cutting promises: the OpenAPI document covers every
//! route, every role meets exactly the doors it should, and errors are
//! problem+json in the caller's language.

mod common;

use common::{Server, World};
use reqwest::Method;
use serde_json::json;

/// Every route of the router, as (method, OpenAPI path).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/register"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("put", "/api/v1/me/password"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/venues/{id}"),
    ("patch", "/api/v1/premises/{id}"),
    ("patch", "/api/v1/workplaces/{id}"),
    ("patch", "/api/v1/tariffs/{id}"),
    ("patch", "/api/v1/service-variants/{id}"),
    ("patch", "/api/v1/modifiers/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("put", "/api/v1/users/{id}/password"),
    ("get", "/api/v1/me/tickets"),
    ("post", "/api/v1/me/tickets/{number}/send"),
    ("get", "/api/v1/me/tickets/{number}/pass"),
    ("post", "/api/v1/me/orders/{number}/cancel"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/venues"),
    ("get", "/api/v1/venues"),
    ("post", "/api/v1/premises"),
    ("get", "/api/v1/premises"),
    ("post", "/api/v1/premises/{id}/workplaces"),
    ("get", "/api/v1/premises/{id}/workplaces"),
    ("get", "/api/v1/premises/{id}/free-workplaces"),
    ("post", "/api/v1/tariffs"),
    ("get", "/api/v1/tariffs"),
    ("post", "/api/v1/service-variants"),
    ("get", "/api/v1/service-variants"),
    ("post", "/api/v1/modifiers"),
    ("get", "/api/v1/modifiers"),
    ("post", "/api/v1/orders"),
    ("get", "/api/v1/orders"),
    ("get", "/api/v1/orders/{number}"),
    ("post", "/api/v1/orders/{number}/status"),
    ("get", "/api/v1/coworking/tickets"),
    ("get", "/api/v1/coworking/tickets/{number}"),
    ("post", "/api/v1/coworking/tickets/{number}/validation"),
    ("delete", "/api/v1/coworking/tickets/{number}/validation"),
    ("put", "/api/v1/coworking/tickets/{number}/visitor"),
    ("put", "/api/v1/coworking/tickets/{number}/workplace"),
    ("post", "/api/v1/access/check"),
    ("get", "/api/v1/access/keys"),
    ("post", "/api/v1/access/keys/rotate"),
    ("get", "/api/v1/access/checks"),
    ("post", "/api/v1/access/checks"),
    ("get", "/api/v1/premises/{id}/presence"),
    ("get", "/api/v1/me/tickets/{number}"),
    ("get", "/api/v1/me/orders"),
    ("post", "/api/v1/orders/quote"),
    ("post", "/api/v1/events"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/{id}"),
    ("post", "/api/v1/events/{id}/activities"),
    ("patch", "/api/v1/events/{id}/activities/{activity_id}"),
    ("post", "/api/v1/events/{id}/activities/{activity_id}/preview"),
    ("post", "/api/v1/events/{id}/blocks"),
    ("post", "/api/v1/events/{id}/folios"),
    ("post", "/api/v1/events/{id}/pax"),
    ("post", "/api/v1/events/{id}/dates"),
    ("get", "/api/v1/events/{id}/audit"),
    ("post", "/api/v1/folios/{id}/charges"),
    ("post", "/api/v1/folios/{id}/close"),
    ("get", "/api/v1/folios/{id}"),
    ("patch", "/api/v1/charges/{id}"),
    ("post", "/api/v1/charges/{id}/void"),
    ("post", "/api/v1/charges/{id}/transfer"),
    ("patch", "/api/v1/events/{id}"),
    ("post", "/api/v1/events/{id}/cancel"),
    ("post", "/api/v1/events/{id}/activities/{activity_id}/cancel"),
    ("patch", "/api/v1/events/{id}/blocks/{block_id}"),
    ("post", "/api/v1/events/{id}/blocks/{block_id}/cancel"),
    ("get", "/api/v1/halls/diary"),
    ("get", "/api/v1/coworking/tickets/export"),
    ("get", "/api/v1/orders/export"),
    ("get", "/api/v1/access/checks/export"),
    ("get", "/api/v1/events/{id}/charges/export"),
    ("post", "/api/v1/me/feed-key"),
    ("get", "/api/v1/me/calendar.ics"),
    ("get", "/api/v1/halls/{id}/calendar.ics"),
    ("post", "/api/v1/webhooks"),
    ("get", "/api/v1/webhooks"),
    ("patch", "/api/v1/webhooks/{id}"),
    ("delete", "/api/v1/webhooks/{id}"),
    ("post", "/api/v1/webhooks/{id}/test"),
    ("get", "/api/v1/webhooks/{id}/deliveries"),
    ("post", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry"),
    ("get", "/api/v1/mail/status"),
    ("get", "/api/v1/mail/messages"),
    ("post", "/api/v1/mail/messages/{id}/retry"),
    ("post", "/api/v1/mail/test"),
];

#[tokio::test]
async fn the_openapi_document_is_3_1_and_covers_every_route() {
    let server = Server::start().await;
    let doc = server.anonymous().get("/api/openapi.json").await;
    let body = doc.ok(200);
    assert!(
        body["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")),
        "{}",
        body["openapi"]
    );
    for (method, path) in ROUTES {
        assert!(
            body["paths"][path][method].is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
    }
    let documented: usize = body["paths"]
        .as_object()
        .map(|p| p.values().map(|v| v.as_object().map_or(0, |o| o.len())).sum())
        .unwrap_or(0);
    assert_eq!(
        documented,
        ROUTES.len(),
        "the document lists routes the server does not have, or the other way round"
    );
}

fn concrete(path: &str) -> String {
    path.replace("{number}", "1")
        .replace("{id}", "1")
        .replace("{activity_id}", "1")
        .replace("{block_id}", "1")
}

#[tokio::test]
async fn every_role_meets_exactly_its_doors() {
    let w = World::new().await;
    let s = &w.server;
    let roles = [
        ("admin", w.admin.clone()),
        ("rental_manager", w.manager.clone()),
        ("event_manager", s.user("event_manager", "Елена", "Димитрова").await),
        ("visitor", s.user("visitor", "Мария", "Семенова").await),
        ("gate", s.user("gate", "Турникет", "1").await),
    ];
    // Which roles pass the role check of each route (others get 403).
    let allowed = |method: &str, path: &str| -> &'static [&'static str] {
        let all: &'static [&'static str] = &["admin", "rental_manager", "event_manager", "visitor", "gate"];
        let people: &'static [&'static str] = &["admin", "rental_manager", "event_manager", "visitor"];
        match (method, path) {
            (_, p) if p.starts_with("/api/v1/coworking") => &["admin", "rental_manager"],
            // User 1 is the admin: a rental manager edits visitors only.
            ("patch", "/api/v1/users/{id}") | ("put", "/api/v1/users/{id}/password") => &["admin"],
            ("patch", p)
                if [
                    "/api/v1/venues/{id}",
                    "/api/v1/premises/{id}",
                    "/api/v1/workplaces/{id}",
                    "/api/v1/tariffs/{id}",
                    "/api/v1/service-variants/{id}",
                    "/api/v1/modifiers/{id}",
                ]
                .contains(&p) =>
            {
                &["admin"]
            }
            ("get", "/api/v1/users/{id}") => &["admin", "rental_manager"],
            ("patch", "/api/v1/me") | ("put", "/api/v1/me/password") => all,
            ("post", "/api/v1/orders/{number}/status")
            | ("get", "/api/v1/orders")
            | ("get", "/api/v1/orders/export")
            | ("get", "/api/v1/access/checks/export")
            | ("get", "/api/v1/users")
            | ("post", "/api/v1/users") => &["admin", "rental_manager"],
            ("post", "/api/v1/orders") | ("post", "/api/v1/orders/quote") | ("get", "/api/v1/orders/{number}") => {
                &["admin", "rental_manager", "visitor"]
            }
            (_, p)
                if p.starts_with("/api/v1/events")
                    || p.starts_with("/api/v1/folios")
                    || p.starts_with("/api/v1/charges")
                    || p.starts_with("/api/v1/halls") =>
            {
                &["admin", "event_manager"]
            }
            ("post", "/api/v1/access/check") | ("get", "/api/v1/access/keys") => &["admin", "gate"],
            ("post", "/api/v1/access/checks") => &["gate"],
            ("post", "/api/v1/access/keys/rotate") => &["admin"],
            (_, p) if p.starts_with("/api/v1/webhooks") || p.starts_with("/api/v1/mail") => &["admin"],
            ("get", "/api/v1/access/checks") | ("get", "/api/v1/premises/{id}/presence") => {
                &["admin", "rental_manager"]
            }
            ("post", p)
                if [
                    "/api/v1/venues",
                    "/api/v1/premises",
                    "/api/v1/tariffs",
                    "/api/v1/service-variants",
                    "/api/v1/modifiers",
                ]
                .contains(&p)
                    || p.ends_with("/workplaces") =>
            {
                &["admin"]
            }
            // Who a token belongs to, any account may ask; and its feeds.
            ("get", "/api/v1/me") | ("post", "/api/v1/me/feed-key") | ("get", "/api/v1/me/calendar.ics") => all,
            // A turnstile does nothing but check passes.
            _ => people,
        }
    };
    for (method, path) in ROUTES {
        if [
            "/healthz",
            "/api/v1/auth/login",
            "/api/v1/auth/register",
            "/api/v1/auth/logout",
            "/api/v1/auth/password-reset",
            "/api/v1/auth/password-reset/confirm",
        ]
        .contains(path)
        {
            continue;
        }
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let anon = s
            .anonymous()
            .raw(m.clone(), &concrete(path), Some("{}".into()), None)
            .await;
        anon.problem(401);
        for (role, client) in &roles {
            let a = client.raw(m.clone(), &concrete(path), Some("{}".into()), None).await;
            let expect_forbidden = !allowed(method, path).contains(role);
            if expect_forbidden {
                assert_eq!(
                    a.status.as_u16(),
                    403,
                    "{role} {method} {path}: {} {}",
                    a.status,
                    a.body
                );
            } else {
                assert_ne!(a.status.as_u16(), 403, "{role} {method} {path} was refused");
                assert!(
                    a.status.as_u16() < 500,
                    "{role} {method} {path}: {} {}",
                    a.status,
                    a.body
                );
            }
        }
    }
}

#[tokio::test]
async fn errors_speak_the_callers_language() {
    let server = Server::start().await;
    let anon = server.anonymous();
    let ru = anon.clone().lang("ru").get("/api/v1/me").await;
    assert_eq!(ru.problem(401)["title"], "Требуется вход");
    assert_eq!(
        ru.headers.get("content-language").and_then(|v| v.to_str().ok()),
        Some("ru")
    );
    let bg = anon.clone().lang("bg").get("/api/v1/me").await;
    assert_eq!(bg.problem(401)["title"], "Необходим е вход");
    let en = anon.clone().lang("en-US,en;q=0.9").get("/api/v1/me").await;
    assert_eq!(en.problem(401)["title"], "Sign-in required");
    anon.get("/api/v1/nowhere").await.problem(404);
    let wrong = anon.raw(Method::DELETE, "/api/v1/venues", None, None).await;
    wrong.problem(405);
    let bad = anon.post_text("/api/v1/auth/login", "{not json").await;
    bad.problem(400);
    let wrong_type = anon
        .post("/api/v1/auth/login", json!({"email": 5, "password": "x"}))
        .await;
    wrong_type.problem(422);
    let unknown = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "a@b.c", "password": "x", "extra": 1}),
        )
        .await;
    unknown.problem(400);
    let health = anon.get("/healthz").await;
    assert_eq!(health.status.as_u16(), 200);
    assert!(
        health.headers.get("x-request-id").is_some(),
        "every answer carries a request id"
    );
}

/// Found by `scripts/fuzz-api` (Schemathesis): query parameters were
/// documented as required path parameters, and error answers as
/// `application/json` with statuses the server gives left out.
#[tokio::test]
async fn the_document_says_where_parameters_go_and_what_errors_look_like() {
    let s = Server::start().await;
    let doc = s.anonymous().get("/api/openapi.json").await;
    let paths = &doc.ok(200)["paths"];
    let params = paths["/api/v1/venues"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let limit = params.iter().find(|p| p["name"] == "limit").expect("limit");
    assert_eq!(limit["in"], "query");
    assert_ne!(limit["required"], json!(true));
    assert_eq!(limit["schema"]["maximum"], json!(500));
    for (path, item) in paths.as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let where_ = |p: &serde_json::Value| p["in"].as_str().map(str::to_owned);
            for p in op["parameters"].as_array().into_iter().flatten() {
                if where_(p).as_deref() == Some("path") {
                    let name = p["name"].as_str().unwrap_or("");
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is no path parameter"
                    );
                }
            }
            let responses = op["responses"].as_object().expect("responses");
            for (status, r) in responses {
                if status.starts_with('4') && r.get("content").is_some() {
                    assert!(
                        r["content"].get("application/problem+json").is_some(),
                        "{method} {path} {status}"
                    );
                    assert!(
                        r["content"].get("application/json").is_none(),
                        "{method} {path} {status}"
                    );
                }
            }
            if op
                .get("security")
                .is_some_and(|s| s.as_array().is_some_and(|a| !a.is_empty()))
            {
                assert!(responses.contains_key("401"), "{method} {path}");
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "415", "422"] {
                    assert!(responses.contains_key(status), "{method} {path} {status}");
                }
            }
        }
    }
}

/// The document states the rules the server enforces on requests (so that
/// a client generated from it sends nothing refused for a stateable reason).
#[tokio::test]
async fn the_document_states_the_rules_of_requests() {
    let s = Server::start().await;
    let doc = s.anonymous().get("/api/openapi.json").await;
    let doc = doc.ok(200);
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Pax"]["minimum"], json!(1), "{}", schemas["Pax"]);
    assert_eq!(schemas["Pax"]["maximum"], json!(1_000_000));
    assert_eq!(schemas["Rooms"]["minimum"], json!(1));
    assert_eq!(schemas["Id"]["minimum"], json!(1));
    assert_eq!(schemas["Name"]["minLength"], json!(1));
    assert!(schemas["Name"]["pattern"].is_string());
    assert_eq!(schemas["ActivityKind"]["enum"], json!(["hall", "catering", "other"]));
    assert_eq!(schemas["TariffUnit"]["enum"], json!(["hour", "day", "month"]));
    assert_eq!(schemas["PremisesKind"]["enum"], json!(["coworking", "hall"]));
    assert_eq!(schemas["OrderStatus"]["enum"].as_array().map(Vec::len), Some(10));
    assert!(
        schemas["TimeZone"]["enum"]
            .as_array()
            .is_some_and(|z| z.contains(&json!("Europe/Moscow")))
    );
    assert_eq!(schemas["Password"]["minLength"], json!(10));
    assert_eq!(schemas["Email"]["maxLength"], json!(254));
    assert_eq!(schemas["OrderIn"]["properties"]["items"]["minItems"], json!(1));
    assert_eq!(schemas["OrderIn"]["properties"]["items"]["maxItems"], json!(50));
    assert_eq!(schemas["PeriodIn"]["oneOf"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        schemas["EventIn"]["properties"]["pax"]["$ref"],
        json!("#/components/schemas/Pax")
    );
    let tickets = doc["paths"]["/api/v1/coworking/tickets"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let param = |name: &str| tickets.iter().find(|p| p["name"] == name).expect(name).clone();
    let status = param("status");
    assert_eq!(status["explode"], json!(false));
    assert_eq!(
        status["schema"]["items"]["anyOf"][0]["enum"].as_array().map(Vec::len),
        Some(5)
    );
    assert!(param("cursor")["schema"]["pattern"].is_string());
    assert_eq!(param("limit")["schema"]["minimum"], json!(1));
    assert!(param("limit")["description"].is_string(), "descriptions stay");
    let dates = &schemas["DatesIn"]["allOf"];
    assert_eq!(dates.as_array().map(Vec::len), Some(2), "{dates}");
}

/// JSON Schema's `integer` admits `7.0`: the server takes it as 7, and
/// still refuses `7.5` and ids below 1; an empty `cursor=` is the first page.
#[tokio::test]
async fn integral_floats_are_integers_and_an_empty_cursor_is_the_first_page() {
    let w = World::new().await;
    let venue = w.venue as f64;
    let made = w
        .admin
        .post(
            "/api/v1/service-variants",
            json!({"venue_id": venue, "name": "Как float"}),
        )
        .await;
    assert_eq!(made.ok(201)["venue_id"], json!(w.venue));
    let bad = w
        .admin
        .post(
            "/api/v1/service-variants",
            json!({"venue_id": venue + 0.5, "name": "X"}),
        )
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["field"], "venue_id");
    let zero = w
        .admin
        .post("/api/v1/service-variants", json!({"venue_id": 0, "name": "X"}))
        .await;
    assert_eq!(zero.problem(422)["errors"][0]["field"], "venue_id");
    let first = w.admin.get("/api/v1/venues?cursor=&limit=1").await;
    let first = first.ok(200);
    let again = w.admin.get("/api/v1/venues?limit=1").await;
    assert_eq!(first, again.ok(200));
    w.admin.get("/api/v1/tariffs?venue_id=0").await.problem(400);
    let floats = w
        .admin
        .get(&format!("/api/v1/tariffs?venue_id={venue:.1}&limit=2.0"))
        .await;
    assert!(floats.ok(200)["items"].as_array().is_some_and(|i| !i.is_empty()));
    w.admin.get("/api/v1/tariffs?limit=2.5").await.problem(400);
}
