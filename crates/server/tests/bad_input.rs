//! Bad input on every endpoint that takes a body, a query or an id in its
//! path: malformed JSON and unknown fields are 400s, wrong types, missing
//! fields, bad values and unknown ids in a body are 422s naming the field,
//! unknown ids in a path are 404s, other media types 415, big bodies 413 —
//! always problem+json, never a 500, and nothing changes.

mod common;

use common::{Answer, Client, World, days};
use reqwest::Method;
use serde_json::{Value, json};

/// A snapshot of everything a refused request could have changed.
async fn snapshot(w: &World, extra: &[String]) -> Value {
    let mut all = serde_json::Map::new();
    let fixed = [
        "/api/v1/coworking/tickets?limit=500",
        "/api/v1/venues",
        "/api/v1/premises",
        "/api/v1/tariffs",
        "/api/v1/modifiers",
        "/api/v1/service-variants",
        "/api/v1/events",
        "/api/v1/users?limit=500",
    ];
    for path in fixed.iter().map(|p| p.to_string()).chain(extra.iter().cloned()) {
        let a = w.admin.get(&path).await;
        a.ok(200);
        all.insert(path, a.body);
    }
    Value::Object(all)
}

/// Everything the cases act on.
struct Fx {
    w: World,
    visitor: Client,
    order: i64,
    ticket: i64,
    event: i64,
    folio: i64,
    activity: i64,
    /// Paths whose answers must not change either.
    watched: Vec<String>,
}

async fn fixture() -> Fx {
    let w = World::new().await;
    let visitor = w.server.user("visitor", "Мария", "Семенова").await;
    let (order, ticket) = w.ticket(visitor.user_id, w.workplaces[0], days(3, 4)).await;
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
    let watched = vec![
        format!("/api/v1/orders/{order}"),
        format!("/api/v1/coworking/tickets/{ticket}"),
        format!("/api/v1/premises/{}/workplaces", w.premises),
        format!("/api/v1/events/{event_id}"),
    ];
    Fx {
        w,
        visitor,
        order,
        ticket,
        event: event_id,
        folio,
        activity,
        watched,
    }
}

/// One endpoint with a body: a valid body, and how to break it.
struct Case {
    client: Client,
    method: Method,
    path: String,
    /// A body this endpoint would accept.
    valid: Value,
    /// (JSON pointer, the field the 422 must name) to give a wrong type.
    typed: Vec<(&'static str, &'static str)>,
    /// (JSON pointer, the field the 422 must name) to leave out.
    required: Vec<(&'static str, &'static str)>,
    /// (JSON pointer, the field the 422 must name) to make 10,000 characters long.
    long: Vec<(&'static str, &'static str)>,
    /// (JSON pointer, an id nobody has, the field the 422 must name).
    unknown: Vec<(&'static str, Value, &'static str)>,
}

fn case(client: &Client, method: Method, path: impl Into<String>, valid: Value) -> Case {
    Case {
        client: client.clone(),
        method,
        path: path.into(),
        valid,
        typed: vec![],
        required: vec![],
        long: vec![],
        unknown: vec![],
    }
}

impl Case {
    fn typed(mut self, v: &[(&'static str, &'static str)]) -> Case {
        self.typed = v.to_vec();
        self
    }
    fn required(mut self, v: &[(&'static str, &'static str)]) -> Case {
        self.required = v.to_vec();
        self
    }
    fn long(mut self, v: &[(&'static str, &'static str)]) -> Case {
        self.long = v.to_vec();
        self
    }
    fn unknown(mut self, v: Vec<(&'static str, Value, &'static str)>) -> Case {
        self.unknown = v;
        self
    }
    async fn send(&self, body: String) -> Answer {
        self.client.raw(self.method.clone(), &self.path, Some(body), None).await
    }
}

/// Replaces the value at a JSON pointer.
fn with(body: &Value, pointer: &str, value: Value) -> Value {
    let mut b = body.clone();
    *b.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in {body}")) = value;
    b
}

/// Removes the value at a JSON pointer.
fn without(body: &Value, pointer: &str) -> Value {
    let mut b = body.clone();
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let removed = b
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|o| o.remove(key));
    assert!(removed.is_some(), "{pointer} is not in {body}");
    b
}

/// Asserts a problem whose errors name this field, or a part of it (a
/// wrong element of a list names `items[0]` for `items`).
#[track_caller]
fn names_within(a: &Answer, status: u16, field: &str, what: &str) {
    let p = a.problem(status);
    let inside = |f: &str| f == field || f.strip_prefix(field).is_some_and(|rest| rest.starts_with(['[', '.']));
    let named = p["errors"]
        .as_array()
        .is_some_and(|e| e.iter().filter_map(|e| e["field"].as_str()).any(inside));
    assert!(named, "{what}: want field {field}, got {p}");
}

/// Asserts a problem whose errors name exactly this field.
#[track_caller]
fn names(a: &Answer, status: u16, field: &str, what: &str) {
    let p = a.problem(status);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(fields.contains(&field), "{what}: want field {field}, got {p}");
}

fn cases(fx: &Fx) -> Vec<Case> {
    let w = &fx.w;
    let (admin, manager) = (&w.admin, &w.manager);
    let (order, ticket, event, folio, activity) = (fx.order, fx.ticket, fx.event, fx.folio, fx.activity);
    let nobody = json!(987_654_321);
    vec![
        case(
            &w.server.anonymous(),
            Method::POST,
            "/api/v1/auth/login",
            json!({"email": "nobody@example.test", "password": "whatever-it-is"}),
        )
        .typed(&[("/email", "email"), ("/password", "password")])
        .required(&[("/email", "email"), ("/password", "password")]),
        case(
            admin,
            Method::POST,
            "/api/v1/users",
            json!({"first_name": "А", "last_name": "Б", "email": "ab@example.test", "phone": "+7 900 1", "role": "visitor", "password": "long-enough"}),
        )
        .typed(&[
            ("/email", "email"),
            ("/first_name", "first_name"),
            ("/role", "role"),
            ("/phone", "phone"),
            ("/password", "password"),
        ])
        .required(&[
            ("/first_name", "first_name"),
            ("/last_name", "last_name"),
            ("/email", "email"),
        ])
        .long(&[
            ("/first_name", "first_name"),
            ("/last_name", "last_name"),
            ("/email", "email"),
            ("/phone", "phone"),
            ("/role", "role"),
            ("/password", "password"),
        ]),
        case(
            admin,
            Method::POST,
            "/api/v1/venues",
            json!({"name": "V", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
        )
        .typed(&[("/time_zone", "time_zone"), ("/name", "name"), ("/currency", "currency")])
        .required(&[
            ("/name", "name"),
            ("/time_zone", "time_zone"),
            ("/currency", "currency"),
            ("/locale", "locale"),
        ])
        .long(&[
            ("/name", "name"),
            ("/time_zone", "time_zone"),
            ("/currency", "currency"),
            ("/locale", "locale"),
        ]),
        case(
            admin,
            Method::POST,
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "P", "kind": "coworking", "directions": "2 этаж"}),
        )
        .typed(&[("/venue_id", "venue_id"), ("/kind", "kind"), ("/directions", "directions")])
        .required(&[("/venue_id", "venue_id"), ("/name", "name"), ("/kind", "kind")])
        .long(&[("/name", "name"), ("/kind", "kind"), ("/directions", "directions")])
        .unknown(vec![("/venue_id", nobody.clone(), "venue_id")]),
        case(
            admin,
            Method::POST,
            format!("/api/v1/premises/{}/workplaces", w.premises),
            json!({"name": "PM №9"}),
        )
        .typed(&[("/name", "name")])
        .required(&[("/name", "name")])
        .long(&[("/name", "name")]),
        case(
            admin,
            Method::POST,
            "/api/v1/tariffs",
            json!({"venue_id": w.venue, "name": "T", "unit": "day", "price": "10"}),
        )
        .typed(&[("/unit", "unit"), ("/venue_id", "venue_id"), ("/price", "price")])
        .required(&[
            ("/venue_id", "venue_id"),
            ("/name", "name"),
            ("/unit", "unit"),
            ("/price", "price"),
        ])
        .long(&[("/name", "name"), ("/unit", "unit"), ("/price", "price")])
        .unknown(vec![("/venue_id", nobody.clone(), "venue_id")]),
        case(
            admin,
            Method::POST,
            "/api/v1/service-variants",
            json!({"venue_id": w.venue, "name": "S"}),
        )
        .typed(&[("/venue_id", "venue_id"), ("/name", "name")])
        .required(&[("/venue_id", "venue_id"), ("/name", "name")])
        .long(&[("/name", "name")])
        .unknown(vec![("/venue_id", nobody.clone(), "venue_id")]),
        case(
            admin,
            Method::POST,
            "/api/v1/modifiers",
            json!({"venue_id": w.venue, "name": "M", "price": "1"}),
        )
        .typed(&[("/venue_id", "venue_id"), ("/price", "price")])
        .required(&[("/venue_id", "venue_id"), ("/name", "name"), ("/price", "price")])
        .long(&[("/name", "name"), ("/price", "price")])
        .unknown(vec![("/venue_id", nobody.clone(), "venue_id")]),
        case(
            manager,
            Method::POST,
            "/api/v1/orders",
            json!({"customer_id": fx.visitor.user_id, "items": [{
                "workplace_id": w.workplaces[1], "period": days(9, 9), "tariff_id": w.daily,
                "service_variant_id": w.variant, "modifier_ids": [w.locker],
            }]}),
        )
        .typed(&[
            ("/customer_id", "customer_id"),
            ("/items", "items"),
            ("/items/0/workplace_id", "items[0].workplace_id"),
            ("/items/0/tariff_id", "items[0].tariff_id"),
            ("/items/0/period", "items[0].period"),
            ("/items/0/period/start_date", "items[0].period.start_date"),
            ("/items/0/modifier_ids", "items[0].modifier_ids"),
            ("/items/0/modifier_ids/0", "items[0].modifier_ids[0]"),
        ])
        .required(&[
            ("/customer_id", "customer_id"),
            ("/items", "items"),
            ("/items/0/workplace_id", "items[0].workplace_id"),
            ("/items/0/period", "items[0].period"),
            ("/items/0/tariff_id", "items[0].tariff_id"),
            ("/items/0/period/end_date", "items[0].period.end_date"),
        ])
        .long(&[
            ("/items/0/period/start_date", "items[0].period.start_date"),
            ("/items/0/period/end_date", "items[0].period.end_date"),
        ])
        .unknown(vec![
            ("/customer_id", nobody.clone(), "customer_id"),
            ("/items/0/workplace_id", nobody.clone(), "items[0].workplace_id"),
            ("/items/0/tariff_id", nobody.clone(), "items[0].tariff_id"),
            ("/items/0/service_variant_id", nobody.clone(), "items[0].service_variant_id"),
            ("/items/0/modifier_ids/0", nobody.clone(), "items[0].modifier_ids"),
            ("/items", json!([]), "items"),
        ]),
        case(
            manager,
            Method::POST,
            format!("/api/v1/orders/{order}/status"),
            json!({"status": "confirmed"}),
        )
        .typed(&[("/status", "status")])
        .required(&[("/status", "status")])
        .long(&[("/status", "status")])
        .unknown(vec![("/status", json!("paid"), "status")]),
        case(
            manager,
            Method::PUT,
            format!("/api/v1/coworking/tickets/{ticket}/visitor"),
            json!({"user": {"first_name": "Пётр", "last_name": "Новиков", "email": "petr@example.test", "phone": "+7 900 111-22-33"}}),
        )
        .typed(&[
            ("/user", "user"),
            ("/user/email", "user.email"),
            ("/user/first_name", "user.first_name"),
        ])
        .required(&[
            ("/user/first_name", "user.first_name"),
            ("/user/last_name", "user.last_name"),
            ("/user/email", "user.email"),
        ])
        .long(&[
            ("/user/first_name", "user.first_name"),
            ("/user/last_name", "user.last_name"),
            ("/user/email", "user.email"),
            ("/user/phone", "user.phone"),
        ]),
        case(
            manager,
            Method::PUT,
            format!("/api/v1/coworking/tickets/{ticket}/visitor"),
            json!({"user_id": fx.visitor.user_id}),
        )
        .typed(&[("/user_id", "user_id")])
        .unknown(vec![("/user_id", nobody.clone(), "user_id")]),
        case(
            manager,
            Method::PUT,
            format!("/api/v1/coworking/tickets/{ticket}/workplace"),
            json!({"workplace_id": w.workplaces[2]}),
        )
        .typed(&[("/workplace_id", "workplace_id")])
        .required(&[("/workplace_id", "workplace_id")])
        .unknown(vec![("/workplace_id", nobody.clone(), "workplace_id")]),
        case(
            &fx.visitor,
            Method::POST,
            format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "someone@example.test"}),
        )
        .typed(&[("/email", "email")])
        .required(&[("/email", "email")])
        .long(&[("/email", "email")])
        .unknown(vec![("/email", json!("nobody@example.test"), "email")]),
        case(
            admin,
            Method::POST,
            "/api/v1/access/check",
            json!({"token": "a-pass", "premises_id": w.premises}),
        )
        .typed(&[("/token", "token"), ("/premises_id", "premises_id")])
        .required(&[("/token", "token"), ("/premises_id", "premises_id")])
        .long(&[("/token", "token")]),
        case(
            &w.server.anonymous(),
            Method::POST,
            "/api/v1/auth/register",
            json!({"first_name": "А", "last_name": "Б", "email": "reg@example.test", "password": "long-enough"}),
        )
        .typed(&[("/email", "email"), ("/password", "password")])
        .required(&[("/email", "email"), ("/first_name", "first_name")])
        .long(&[("/first_name", "first_name"), ("/password", "password")]),
        case(
            admin,
            Method::POST,
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "E2", "start_date": "2030-01-01", "end_date": "2030-01-02", "pax": 5}),
        )
        .typed(&[("/pax", "pax"), ("/start_date", "start_date")])
        .required(&[("/venue_id", "venue_id"), ("/start_date", "start_date")])
        .long(&[("/name", "name"), ("/end_date", "end_date")])
        .unknown(vec![("/venue_id", nobody.clone(), "venue_id")]),
        case(
            admin,
            Method::POST,
            format!("/api/v1/events/{event}/activities"),
            json!({"kind": "other", "name": "O", "date": "2030-01-02", "pax": 5}),
        )
        .typed(&[("/pax", "pax")])
        .long(&[("/name", "name")]),
        case(
            admin,
            Method::PATCH,
            format!("/api/v1/events/{event}/activities/{activity}"),
            json!({"pax": 7}),
        )
        .typed(&[("/pax", "pax")]),
        case(
            admin,
            Method::POST,
            format!("/api/v1/events/{event}/blocks"),
            json!({"name": "B", "rooms": 2}),
        )
        .typed(&[("/rooms", "rooms")])
        .long(&[("/name", "name")]),
        case(
            admin,
            Method::POST,
            format!("/api/v1/folios/{folio}/charges"),
            json!({"description": "D", "service_date": "2030-01-02", "quantity": 1, "unit_price": "1"}),
        )
        .typed(&[("/service_date", "service_date")])
        .long(&[("/description", "description")]),
        case(
            admin,
            Method::POST,
            format!("/api/v1/events/{event}/pax"),
            json!({"pax": 12}),
        )
        .typed(&[("/pax", "pax")]),
        case(
            admin,
            Method::POST,
            format!("/api/v1/events/{event}/dates"),
            json!({"mode": "move", "start_date": "2030-02-01"}),
        )
        .typed(&[("/start_date", "start_date")]),
    ]
}

#[tokio::test]
async fn every_body_endpoint_refuses_bad_bodies_and_changes_nothing() {
    let fx = fixture().await;
    let long = "я".repeat(10_000);
    let before = snapshot(&fx.w, &fx.watched).await;
    for c in cases(&fx) {
        let what = format!("{} {}", c.method, c.path);
        // Not JSON at all, or not quite.
        for text in [
            "{\"oops\": ",
            "",
            "{'name': 'x'}",
            "{\"a\": 1,}",
            "nul",
            "{\"a\": 1} {\"b\": 2}",
        ] {
            c.send(text.into()).await.problem(400);
        }
        // A field the endpoint does not know, at any depth.
        let mut unknown = c.valid.clone();
        unknown["surprise"] = json!(1);
        c.send(unknown.to_string()).await.problem(400);
        if c.valid.pointer("/items/0").is_some() {
            let mut nested = c.valid.clone();
            nested["items"][0]["surprise_id"] = json!(1);
            c.send(nested.to_string()).await.problem(400);
        }
        // Wrong JSON types name the field.
        for (pointer, field) in &c.typed {
            for wrong in [json!([true]), json!(true)] {
                let a = c.send(with(&c.valid, pointer, wrong.clone()).to_string()).await;
                names_within(&a, 422, field, &format!("{what} {pointer}={wrong}"));
            }
        }
        // Missing fields name the field.
        for (pointer, field) in &c.required {
            let a = c.send(without(&c.valid, pointer).to_string()).await;
            names(&a, 422, field, &format!("{what} without {pointer}"));
        }
        // Over-long text names the field.
        for (pointer, field) in &c.long {
            let a = c.send(with(&c.valid, pointer, json!(long)).to_string()).await;
            names(&a, 422, field, &format!("{what} long {pointer}"));
        }
        // Ids nobody has, in the body, name the field.
        for (pointer, id, field) in &c.unknown {
            let a = c.send(with(&c.valid, pointer, id.clone()).to_string()).await;
            names(&a, 422, field, &format!("{what} {pointer}={id}"));
        }
        // The body must be a JSON object: not its values by position, not a
        // bare value, and no key twice.
        let positional: Vec<Value> = c.valid.as_object().expect("an object").values().cloned().collect();
        for body in [
            Value::Array(positional).to_string(),
            "null".into(),
            "[]".into(),
            "\"text\"".into(),
            "42".into(),
        ] {
            let a = c.send(body.clone()).await;
            a.problem(400);
            assert!(
                a.body["detail"].as_str().is_some_and(|d| d.contains("объектом JSON")),
                "{what} {body}: {}",
                a.body
            );
        }
        let text = c.valid.to_string();
        let (key, rest) = text
            .strip_prefix('{')
            .and_then(|t| t.split_once(','))
            .map_or((text.clone(), String::new()), |(k, r)| (k.to_owned(), r.to_owned()));
        if !rest.is_empty() {
            c.send(format!("{{{key},{key},{rest}")).await.problem(400);
        }
        // Other media types.
        for media in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
            let a = c
                .client
                .raw(c.method.clone(), &c.path, Some(c.valid.to_string()), Some(media))
                .await;
            a.problem(415);
        }
        // More than 1 MiB.
        let mut huge = c.valid.clone();
        match first_text_pointer(&c.valid) {
            Some(pointer) => huge = with(&huge, &pointer, json!("x".repeat(1_100_000))),
            None => huge["padding"] = json!("x".repeat(1_100_000)),
        }
        c.send(huge.to_string()).await.problem(413);
    }
    assert_eq!(
        snapshot(&fx.w, &fx.watched).await,
        before,
        "a refused request changed something"
    );
}

/// The first string in a body, to blow it up.
fn first_text_pointer(v: &Value) -> Option<String> {
    fn walk(v: &Value, at: String) -> Option<String> {
        match v {
            Value::String(_) => Some(at),
            Value::Object(o) => o.iter().find_map(|(k, v)| walk(v, format!("{at}/{k}"))),
            Value::Array(a) => a.iter().enumerate().find_map(|(i, v)| walk(v, format!("{at}/{i}"))),
            _ => None,
        }
    }
    walk(v, String::new())
}

#[tokio::test]
async fn odd_bytes_and_limits_are_told_apart() {
    let fx = fixture().await;
    let w = &fx.w;
    let before = snapshot(w, &fx.watched).await;
    let url = format!("{}/api/v1/service-variants", w.server.base);
    let token = w.admin.token.clone().expect("token");
    let post = |body: Vec<u8>, content_type: Option<&'static str>| {
        let mut req = w.server.http.post(&url).bearer_auth(&token).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        async move {
            let res = req.send().await.expect("request");
            let status = res.status().as_u16();
            let ct = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            (status, ct)
        }
    };
    let problem = |(status, ct): (u16, String), want: u16, what: &str| {
        assert_eq!(status, want, "{what}");
        assert!(ct.starts_with("application/problem+json"), "{what}: {ct}");
    };
    // No content type at all.
    problem(
        post(br#"{"venue_id": 1, "name": "S"}"#.to_vec(), None).await,
        415,
        "no content type",
    );
    // Not UTF-8.
    let mut latin1 = br#"{"venue_id": 1, "name": ""#.to_vec();
    latin1.extend([0xC0, 0xFF, 0xFE]);
    latin1.extend(br#""}"#);
    problem(post(latin1, Some("application/json")).await, 400, "not UTF-8");
    // Deeply nested.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (status, ct) = post(deep.into_bytes(), Some("application/json")).await;
    assert!([400, 422].contains(&status), "deep: {status}");
    problem((status, ct), status, "deep");
    // A control character in a name.
    let a = w
        .admin
        .post(
            "/api/v1/service-variants",
            json!({"venue_id": w.venue, "name": "S\u{0}x"}),
        )
        .await;
    names(&a, 422, "name", "NUL in a name");
    // An id that is not an integer, or does not fit one.
    for id in [
        "1.5",
        "99999999999999999999",
        "-99999999999999999999",
        "\"1\"",
        "1e3",
        "\"unknown field `x`\"",
    ] {
        let body = format!(r#"{{"venue_id": {id}, "name": "S"}}"#);
        let a = w.admin.post_text("/api/v1/service-variants", &body).await;
        names(&a, 422, "venue_id", id);
    }
    for id in ["0", "-1"] {
        let body = format!(r#"{{"venue_id": {id}, "name": "S"}}"#);
        let a = w.admin.post_text("/api/v1/service-variants", &body).await;
        names(&a, 422, "venue_id", id);
    }
    // Just under 1 MiB is read (and its name is too long); just over is refused unread.
    let name_under = "x".repeat(1024 * 1024 - 100);
    let a = w
        .admin
        .post(
            "/api/v1/service-variants",
            json!({"venue_id": w.venue, "name": name_under}),
        )
        .await;
    names(&a, 422, "name", "a big body under the limit");
    let name_over = "x".repeat(1024 * 1024);
    w.admin
        .post(
            "/api/v1/service-variants",
            json!({"venue_id": w.venue, "name": name_over}),
        )
        .await
        .problem(413);
    // A JSON content type with parameters is JSON.
    let a = w
        .admin
        .raw(
            Method::POST,
            "/api/v1/service-variants",
            Some(json!({"venue_id": w.venue, "name": ""}).to_string()),
            Some("application/json; charset=utf-8"),
        )
        .await;
    names(&a, 422, "name", "an empty name");
    assert_eq!(
        snapshot(w, &fx.watched).await,
        before,
        "a refused request changed something"
    );
}

#[tokio::test]
async fn unknown_ids_in_a_path_are_404_and_change_nothing() {
    let fx = fixture().await;
    let w = &fx.w;
    let before = snapshot(w, &fx.watched).await;
    let admin_email = w.admin.get("/api/v1/me").await.ok(200)["email"].clone();
    let calls: Vec<(&Client, Method, &str, Option<Value>)> = vec![
        (&w.admin, Method::GET, "/api/v1/premises/{}/workplaces", None),
        (
            &w.admin,
            Method::POST,
            "/api/v1/premises/{}/workplaces",
            Some(json!({"name": "PM №7"})),
        ),
        (
            &w.admin,
            Method::GET,
            "/api/v1/premises/{}/free-workplaces?start_date=2030-01-01&end_date=2030-01-01",
            None,
        ),
        (&w.manager, Method::GET, "/api/v1/orders/{}", None),
        (
            &w.manager,
            Method::POST,
            "/api/v1/orders/{}/status",
            Some(json!({"status": "confirmed"})),
        ),
        (&w.manager, Method::GET, "/api/v1/coworking/tickets/{}", None),
        (
            &w.manager,
            Method::POST,
            "/api/v1/coworking/tickets/{}/validation",
            None,
        ),
        (
            &w.manager,
            Method::DELETE,
            "/api/v1/coworking/tickets/{}/validation",
            None,
        ),
        (
            &w.manager,
            Method::PUT,
            "/api/v1/coworking/tickets/{}/visitor",
            Some(json!({"user_id": fx.visitor.user_id})),
        ),
        (
            &w.manager,
            Method::PUT,
            "/api/v1/coworking/tickets/{}/workplace",
            Some(json!({"workplace_id": w.workplaces[2]})),
        ),
        (
            &fx.visitor,
            Method::POST,
            "/api/v1/me/tickets/{}/send",
            Some(json!({"email": admin_email})),
        ),
        (&fx.visitor, Method::GET, "/api/v1/me/tickets/{}/pass", None),
        (
            &fx.visitor,
            Method::POST,
            "/api/v1/me/orders/{}/cancel",
            Some(json!({})),
        ),
        (&w.admin, Method::GET, "/api/v1/events/{}", None),
        (&w.admin, Method::GET, "/api/v1/events/{}/audit", None),
        (&w.admin, Method::POST, "/api/v1/events/{}/pax", Some(json!({"pax": 3}))),
        (
            &w.admin,
            Method::POST,
            "/api/v1/events/{}/blocks",
            Some(json!({"name": "B", "rooms": 1})),
        ),
        (&w.admin, Method::POST, "/api/v1/events/{}/folios", Some(json!({}))),
        (&w.admin, Method::POST, "/api/v1/folios/{}/close", None),
    ];
    for (client, method, template, body) in &calls {
        for id in [
            "987654321",
            "0",
            "-1",
            "abc",
            "1.5",
            "99999999999999999999",
            "%20",
            "1%2F2",
        ] {
            let path = template.replace("{}", id);
            let a = client
                .raw(method.clone(), &path, body.as_ref().map(Value::to_string), None)
                .await;
            assert_eq!(
                a.problem(404)["type"],
                "https://tessera.dev/problems/not-found",
                "{method} {path}"
            );
        }
    }
    assert_eq!(
        snapshot(w, &fx.watched).await,
        before,
        "a refused request changed something"
    );
}

#[tokio::test]
async fn bad_queries_are_400s() {
    let fx = fixture().await;
    let w = &fx.w;
    let long = "я".repeat(10_000);
    let long_ascii = "a".repeat(10_000);
    let mut calls: Vec<(&Client, String)> = Vec::new();
    for q in [
        "limit=abc".to_string(),
        "limit=0".into(),
        "limit=501".into(),
        "limit=-1".into(),
        "limit=99999999999999999999".into(),
        "cursor=not-a-cursor".into(),
        "role=boss".into(),
        "unknown=1".into(),
        format!("search={long}"),
    ] {
        calls.push((&w.manager, format!("/api/v1/users?{q}")));
    }
    for q in [
        "from=13.12.2022".to_string(),
        "from=2022-02-30".into(),
        "to=2022-13-01".into(),
        "to=2022-1-1".into(),
        "number=-5".into(),
        "number=99999999999999999999".into(),
        "status=new,bogus".into(),
        "limit=abc".into(),
        format!("visitor={long}"),
        format!("cursor={long_ascii}"),
    ] {
        calls.push((&w.manager, format!("/api/v1/coworking/tickets?{q}")));
    }
    for q in ["limit=0", "cursor=zzz", "limit=x", "page=2"] {
        calls.push((&fx.visitor, format!("/api/v1/me/tickets?{q}")));
    }
    for path in [
        "/api/v1/premises?venue_id=abc",
        "/api/v1/tariffs?venue_id=1.5",
        "/api/v1/modifiers?venue_id=&x=1",
        "/api/v1/service-variants?kind=coworking",
    ] {
        calls.push((&w.admin, path.to_string()));
    }
    for (client, path) in &calls {
        let a = client.get(path).await;
        let shown: String = path.chars().take(80).collect();
        assert_eq!(
            a.problem(400)["type"],
            "https://tessera.dev/problems/malformed-request",
            "{shown}"
        );
    }
    // Free workplaces take a period in the query: each part is checked.
    let free = format!("/api/v1/premises/{}/free-workplaces", w.premises);
    for (q, field) in [
        ("start_date=2030-13-01&end_date=2030-12-02", "period.start_date"),
        ("start_date=2030-12-02&end_date=2030-12-01", "period.end_date"),
        ("date=2030-12-02&start_time=9:00&end_time=11:00", "period.start_time"),
        ("date=2030-12-02&start_time=09:00&end_time=25:00", "period.end_time"),
        ("date=2030-12-02&start_time=11:00&end_time=09:00", "period.end_time"),
        ("", "period"),
    ] {
        let a = fx.visitor.get(&format!("{free}?{q}")).await;
        names(&a, 422, field, q);
    }
}

#[tokio::test]
async fn bad_dates_times_and_periods_name_their_field() {
    let w = World::new().await;
    let v = w.server.user("visitor", "Иван", "Столповский").await;
    let book = |period: Value| {
        let m = w.manager.clone();
        let body = json!({"customer_id": v.user_id, "items": [
            {"workplace_id": w.workplaces[1], "period": days(5, 5), "tariff_id": w.daily},
            {"workplace_id": w.workplaces[0], "period": period, "tariff_id": w.daily},
        ]});
        async move { m.post("/api/v1/orders", body).await }
    };
    let cases = [
        (
            json!({"start_date": "2030-13-01", "end_date": "2030-12-02"}),
            "items[1].period.start_date",
        ),
        (
            json!({"start_date": "13.12.2030", "end_date": "2030-12-14"}),
            "items[1].period.start_date",
        ),
        (
            json!({"start_date": "2030-02-30", "end_date": "2030-03-01"}),
            "items[1].period.start_date",
        ),
        (
            json!({"start_date": "2030-03-01", "end_date": "2031-02-29"}),
            "items[1].period.end_date",
        ),
        (
            json!({"start_date": "2030-12-01", "end_date": "2030-12-1"}),
            "items[1].period.end_date",
        ),
        (
            json!({"start_date": "2030-12-01T00:00:00Z", "end_date": "2030-12-02"}),
            "items[1].period.start_date",
        ),
        (
            json!({"start_date": "2030-12-14", "end_date": "2030-12-13"}),
            "items[1].period.end_date",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "9:00", "end_time": "11:00"}),
            "items[1].period.start_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:00", "end_time": "25:00"}),
            "items[1].period.end_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:60", "end_time": "11:00"}),
            "items[1].period.start_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:00:00", "end_time": "11:00"}),
            "items[1].period.start_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "11:00", "end_time": "09:00"}),
            "items[1].period.end_time",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:00", "end_time": "09:00"}),
            "items[1].period.end_time",
        ),
        (
            json!({"date": "06.12.2030", "start_time": "09:00", "end_time": "11:00"}),
            "items[1].period.date",
        ),
        (
            json!({"date": "2030-12-06", "start_time": "09:00"}),
            "items[1].period.end_time",
        ),
        (json!({"start_date": "2030-12-06"}), "items[1].period.end_date"),
        (
            json!({"start_date": "2030-12-06", "date": "2030-12-06"}),
            "items[1].period",
        ),
        (json!({}), "items[1].period"),
    ];
    for (period, field) in cases {
        let a = book(period.clone()).await;
        names(&a, 422, field, &period.to_string());
    }
    assert_eq!(
        w.manager.get("/api/v1/coworking/tickets").await.ok(200)["items"],
        json!([]),
        "the good first item was not booked either"
    );
}

#[tokio::test]
async fn refused_writes_leave_nothing_behind() {
    let fx = fixture().await;
    let w = &fx.w;
    let v = fx.visitor.user_id;
    let item = |d: i64| json!({"workplace_id": w.workplaces[2], "period": days(d, d), "tariff_id": w.daily});
    // Too many items, too many modifiers.
    let many: Vec<Value> = (0..51).map(|d| item(20 + d)).collect();
    let a = w
        .manager
        .post("/api/v1/orders", json!({"customer_id": v, "items": many}))
        .await;
    names(&a, 422, "items", "51 items");
    let mut one = item(20);
    one["modifier_ids"] = json!((0..51).map(|_| w.locker).collect::<Vec<_>>());
    let a = w
        .manager
        .post("/api/v1/orders", json!({"customer_id": v, "items": [one]}))
        .await;
    names(&a, 422, "items[0].modifier_ids", "51 modifiers");
    // A visitor's own order for somebody else.
    let a = fx
        .visitor
        .post(
            "/api/v1/orders",
            json!({"customer_id": w.manager.user_id, "items": [item(20)]}),
        )
        .await;
    names(&a, 422, "customer_id", "a visitor ordering for another");
    // Both an existing and a new visitor, or a new one with a role or password.
    let path = format!("/api/v1/coworking/tickets/{}/visitor", fx.ticket);
    let newcomer = json!({"first_name": "Пётр", "last_name": "Новиков", "email": "petr@example.test"});
    for body in [
        json!({"user_id": v, "user": newcomer}),
        json!({"user": {"first_name": "Пётр", "last_name": "Новиков", "email": "petr@example.test", "role": "admin"}}),
        json!({"user": {"first_name": "Пётр", "last_name": "Новиков", "email": "petr@example.test", "password": "secret-pass"}}),
        json!({"user": {"first_name": "Пётр", "last_name": "Новиков", "email": "not-an-email"}}),
        json!({"user_id": null, "user": null}),
    ] {
        let a = w.manager.put(&path, body.clone()).await;
        assert!(
            a.problem(422)["errors"][0]["field"]
                .as_str()
                .is_some_and(|f| f.starts_with("user")),
            "{body}: {}",
            a.body
        );
    }
    let before = snapshot(w, &fx.watched).await;
    // A new visitor for a ticket that may not change (cancelled): 409, and
    // the would-be visitor is not created either.
    w.set_order_status(fx.order, "cancelled").await.ok(200);
    let before_cancelled = snapshot(w, &fx.watched).await;
    assert_ne!(before, before_cancelled);
    w.manager.put(&path, json!({"user": newcomer})).await.problem(409);
    let found = w.manager.get("/api/v1/users?search=petr@").await;
    assert_eq!(found.ok(200)["items"], json!([]), "a refused change created its user");
    w.manager
        .put(
            &format!("/api/v1/coworking/tickets/{}/workplace", fx.ticket),
            json!({"workplace_id": w.workplaces[2]}),
        )
        .await
        .problem(409);
    w.set_order_status(fx.order, "confirmed").await.problem(409);
    assert_eq!(
        snapshot(w, &fx.watched).await,
        before_cancelled,
        "a refused request changed something"
    );
}

/// A form sent empty is told about every field it lacks at once, in the
/// caller's language, not one field per try.
#[tokio::test]
async fn an_empty_body_names_every_missing_field_at_once() {
    let w = World::new().await;
    let fields = |a: &Answer| -> Vec<(String, String)> {
        a.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["field"].as_str().unwrap_or_default().to_owned(),
                    e["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let a = w.manager.clone().lang("en").post("/api/v1/orders", json!({})).await;
    a.problem(422);
    assert_eq!(
        fields(&a),
        [
            ("customer_id".to_owned(), "is required".to_owned()),
            ("items".to_owned(), "is required".to_owned())
        ]
    );
    // Inside items too, each item by its index; what is there is not named.
    let a = w
        .manager
        .clone()
        .lang("bg")
        .post(
            "/api/v1/orders",
            json!({"items": [{"workplace_id": w.workplaces[0]}, {}]}),
        )
        .await;
    a.problem(422);
    let named: Vec<String> = fields(&a).into_iter().map(|(f, _)| f).collect();
    for want in [
        "customer_id",
        "items[0].period",
        "items[0].tariff_id",
        "items[1].workplace_id",
        "items[1].period",
    ] {
        assert!(named.contains(&want.to_owned()), "{want} in {named:?}");
    }
    assert!(!named.contains(&"items[0].workplace_id".to_owned()), "{named:?}");
    assert!(
        fields(&a).iter().all(|(_, m)| m == "задължително поле"),
        "{:?}",
        fields(&a)
    );
    // The event form alike.
    let events = w.server.user("event_manager", "Елена", "Events").await.lang("ru");
    let a = events.post("/api/v1/events", json!({})).await;
    a.problem(422);
    assert!(fields(&a).len() > 1, "{:?}", fields(&a));
}
