//! The role × endpoint matrix: every route of the router, called by every
//! role (and by nobody) with a body that would succeed, answers exactly the
//! status its role earns — the success code for those allowed, 403 for a
//! role that may not, 404 for what is not the caller's, 401 without a token.

mod common;

use common::{Client, World, days};
use reqwest::Method;
use serde_json::{Value, json};

/// The callers, in the order of the status columns below.
const ROLES: [&str; 6] = [
    "admin",
    "rental_manager",
    "event_manager",
    "visitor",
    "gate",
    "anonymous",
];

/// One call and the status each caller must get, in [`ROLES`] order.
struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    expect: [u16; 6],
}

fn row(method: Method, path: impl Into<String>, body: Option<Value>, expect: [u16; 6]) -> Row {
    Row {
        method,
        path: path.into(),
        body,
        expect,
    }
}

/// What every caller shares: the world, the visitor whose tickets the
/// visitor's own endpoints act on, an event with a folio and an activity.
struct Fixture {
    w: World,
    clients: Vec<Client>,
    visitor_id: i64,
    other_visitor: (i64, String),
    login: (String, String),
    event: i64,
    folio: i64,
    activity: i64,
    /// A hall, for its calendar.
    hall: i64,
}

/// Fresh things for one caller to act on, so that every allowed call can
/// succeed whatever the callers before it did.
struct Targets {
    /// A mail waiting (no SMTP here), to retry.
    mail: i64,
    /// A `new` order to confirm.
    new_order: i64,
    /// A confirmed ticket to validate, re-assign and move.
    confirmed_ticket: i64,
    /// The visitor's own ticket (pass, send).
    own_ticket: i64,
    /// The visitor's own order (read).
    own_order: i64,
    /// Another order of the visitor's (cancel).
    cancel_order: i64,
    /// An open folio to close.
    folio_to_close: i64,
    /// A charge on that folio to correct, transfer and void.
    charge: i64,
    /// An activity of the shared event to cancel.
    activity_to_cancel: i64,
    /// A room block of the shared event to edit and cancel.
    block: i64,
    /// An event of its own to cancel.
    event_to_cancel: i64,
    /// A webhook of its own (to an address nobody answers) and one of its deliveries.
    webhook: i64,
    delivery: i64,
}

async fn fixture() -> Fixture {
    let w = World::new().await;
    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let visitor = w.server.user("visitor", "Мария", "Семенова").await;
    let gate = w.server.user("gate", "Турникет", "1").await;
    let other = w.server.user("visitor", "Иван", "Столповский").await;
    let other_email = other.get("/api/v1/me").await.ok(200)["email"]
        .as_str()
        .expect("the other visitor's e-mail")
        .to_owned();
    let created = w
        .admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Вход", "last_name": "Пароль", "email": "login@example.test", "password": "correct horse"}),
        )
        .await;
    created.ok(201);
    let event = w
        .admin
        .post(
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "Форум", "start_date": "2031-03-01", "end_date": "2031-03-03", "pax": 10}),
        )
        .await;
    let event_id = event.ok(201)["id"].as_i64().expect("event id");
    let folio = event.body["folios"][0]["id"].as_i64().expect("folio id");
    let activity = w
        .admin
        .post(
            &format!("/api/v1/events/{event_id}/activities"),
            json!({"kind": "catering", "name": "Кетъринг", "date": "2031-03-02", "pax": 10}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("activity id");
    let hall = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "Зал для календаря", "kind": "hall"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("hall id");
    // Callers of their own: the world's admin and manager set things up,
    // and the callers sign out at the end of their row.
    let clients = vec![
        w.server.user("admin", "Анна", "Главная").await,
        w.server.user("rental_manager", "Мария", "Арендная").await,
        em,
        visitor.clone(),
        gate,
        w.server.anonymous(),
    ];
    Fixture {
        visitor_id: visitor.user_id,
        other_visitor: (other.user_id, other_email),
        login: ("login@example.test".into(), "correct horse".into()),
        event: event_id,
        folio,
        activity,
        hall,
        clients,
        w,
    }
}

async fn targets(fx: &Fixture, i: i64) -> Targets {
    let w = &fx.w;
    let v = fx.visitor_id;
    let (new_order, _) = w.ticket(v, w.workplaces[0], days(10 + 2 * i, 10 + 2 * i)).await;
    let (confirmed_order, confirmed_ticket) = w.ticket(v, w.workplaces[1], days(10 + 2 * i, 10 + 2 * i)).await;
    w.set_order_status(confirmed_order, "confirmed").await.ok(200);
    let (own_order, own_ticket) = w.ticket(v, w.workplaces[0], days(11 + 2 * i, 11 + 2 * i)).await;
    let (cancel_order, _) = w.ticket(v, w.workplaces[1], days(11 + 2 * i, 11 + 2 * i)).await;
    let folio_to_close = w
        .admin
        .post(&format!("/api/v1/events/{}/folios", fx.event), json!({}))
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("folio id");
    let charge = w
        .admin
        .post(
            &format!("/api/v1/folios/{folio_to_close}/charges"),
            json!({"description": "Вода", "service_date": "2031-03-02", "quantity": 3, "unit_price": "1.20"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("charge id");
    let id_of = |a: &common::Answer| a.ok(201)["id"].as_i64().expect("id");
    let activity_to_cancel = id_of(
        &w.admin
            .post(
                &format!("/api/v1/events/{}/activities", fx.event),
                json!({"kind": "other", "name": "Экскурсия", "date": "2031-03-02", "pax": 10}),
            )
            .await,
    );
    let block = id_of(
        &w.admin
            .post(
                &format!("/api/v1/events/{}/blocks", fx.event),
                json!({"name": "Стаи", "rooms": 4}),
            )
            .await,
    );
    let event_to_cancel = id_of(
        &w.admin
            .post(
                "/api/v1/events",
                json!({"venue_id": w.venue, "name": "Отменяемое", "start_date": "2031-05-01", "end_date": "2031-05-01", "pax": 3}),
            )
            .await,
    );
    let webhook = id_of(
        &w.admin
            .post(
                "/api/v1/webhooks",
                json!({"url": format!("http://127.0.0.1:9/hook-{i}"), "events": ["order.created"]}),
            )
            .await,
    );
    w.admin
        .post(&format!("/api/v1/webhooks/{webhook}/test"), json!({}))
        .await
        .ok(202);
    let delivery = loop {
        let d = w.admin.get(&format!("/api/v1/webhooks/{webhook}/deliveries")).await;
        if let Some(id) = d.ok(200)["items"][0]["id"].as_i64() {
            break id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    w.admin.post("/api/v1/mail/test", json!({})).await.ok(202);
    let mail = loop {
        let m = w.admin.get("/api/v1/mail/messages").await;
        if let Some(id) = m.ok(200)["items"][0]["id"].as_i64() {
            break id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    Targets {
        mail,
        webhook,
        delivery,
        new_order,
        confirmed_ticket,
        own_ticket,
        own_order,
        cancel_order,
        folio_to_close,
        charge,
        activity_to_cancel,
        block,
        event_to_cancel,
    }
}

/// Every route of `routes/mod.rs`, with a body that succeeds for a caller
/// who may make the call.
fn matrix(fx: &Fixture, t: &Targets, i: i64, role: &str) -> Vec<Row> {
    use Method as M;
    let w = &fx.w;
    let (venue, premises, e) = (w.venue, w.premises, fx.event);
    let unique = |what: &str| format!("{what} {role}");
    let email = |what: &str| format!("{what}.{role}@example.test");
    const ALL: [u16; 6] = [200, 200, 200, 200, 200, 200];
    const PEOPLE: [u16; 6] = [200, 200, 200, 200, 403, 401];
    const ADMIN_201: [u16; 6] = [201, 403, 403, 403, 403, 401];
    const ADMIN_EDIT: [u16; 6] = [200, 403, 403, 403, 403, 401];
    const COWORKING: [u16; 6] = [200, 200, 403, 403, 403, 401];
    const EVENTS: [u16; 6] = [200, 403, 200, 403, 403, 401];
    const EVENTS_201: [u16; 6] = [201, 403, 201, 403, 403, 401];
    // The visitor's own things: others' are hidden (404), a gate is no person.
    const OWN: [u16; 6] = [404, 404, 404, 200, 403, 401];
    vec![
        row(M::GET, "/healthz", None, ALL),
        row(M::GET, "/api/openapi.json", None, ALL),
        row(
            M::POST,
            "/api/v1/auth/login",
            Some(json!({"email": fx.login.0, "password": fx.login.1})),
            ALL,
        ),
        row(
            M::POST,
            "/api/v1/auth/register",
            Some(
                json!({"first_name": "Новый", "last_name": "Гость", "email": email("register"), "password": "visitor-pass"}),
            ),
            [201, 201, 201, 201, 201, 201],
        ),
        row(M::GET, "/api/v1/me", None, [200, 200, 200, 200, 200, 401]),
        row(M::GET, "/api/v1/me/tickets", None, PEOPLE),
        row(M::GET, format!("/api/v1/me/tickets/{}/pass", t.own_ticket), None, OWN),
        row(M::GET, format!("/api/v1/me/tickets/{}", t.own_ticket), None, OWN),
        row(M::GET, "/api/v1/me/orders", None, PEOPLE),
        row(
            M::POST,
            format!("/api/v1/me/tickets/{}/send", t.own_ticket),
            Some(json!({"email": fx.other_visitor.1})),
            OWN,
        ),
        row(
            M::POST,
            format!("/api/v1/me/orders/{}/cancel", t.cancel_order),
            Some(json!({})),
            OWN,
        ),
        row(
            M::GET,
            format!(
                "/api/v1/premises/{premises}/free-workplaces?start_date={}&end_date={}",
                common::day(60),
                common::day(60)
            ),
            None,
            PEOPLE,
        ),
        row(
            M::POST,
            "/api/v1/access/check",
            Some(json!({"token": "not-a-pass", "premises_id": premises})),
            [200, 403, 403, 403, 200, 401],
        ),
        row(M::GET, "/api/v1/access/keys", None, [200, 403, 403, 403, 200, 401]),
        row(M::POST, "/api/v1/access/keys/rotate", Some(json!({})), ADMIN_EDIT),
        row(
            M::POST,
            "/api/v1/access/checks",
            Some(json!({"checks": []})),
            [403, 403, 403, 403, 200, 401],
        ),
        row(M::GET, "/api/v1/access/checks", None, COWORKING),
        row(M::GET, "/api/v1/access/checks/export", None, COWORKING),
        row(M::GET, "/api/v1/coworking/tickets/export", None, COWORKING),
        row(M::GET, "/api/v1/orders/export?format=xlsx", None, COWORKING),
        row(M::GET, format!("/api/v1/premises/{premises}/presence"), None, COWORKING),
        // Users: an admin creates any role, a rental manager visitors only.
        row(
            M::POST,
            "/api/v1/users",
            Some(json!({"first_name": "Пётр", "last_name": "Новиков", "email": email("visitor"), "role": "visitor"})),
            [201, 201, 403, 403, 403, 401],
        ),
        row(
            M::POST,
            "/api/v1/users",
            Some(
                json!({"first_name": "Елена", "last_name": "Новая", "email": email("manager"), "role": "event_manager"}),
            ),
            [201, 403, 403, 403, 403, 401],
        ),
        row(M::GET, "/api/v1/users?search=%D0%BC%D0%B0%D1%80", None, COWORKING),
        // People: a rental manager edits a visitor's contact data; passwords are the admin's.
        row(M::GET, format!("/api/v1/users/{}", fx.other_visitor.0), None, COWORKING),
        row(
            M::PATCH,
            format!("/api/v1/users/{}", fx.other_visitor.0),
            Some(json!({"phone": "+7 (900) 000-00-01"})),
            COWORKING,
        ),
        row(
            M::PUT,
            format!("/api/v1/users/{}/password", fx.other_visitor.0),
            Some(json!({"password": "set by the admin, long"})),
            [204, 403, 403, 403, 403, 401],
        ),
        row(
            M::PATCH,
            "/api/v1/me",
            Some(json!({"locale": "ru"})),
            [200, 200, 200, 200, 200, 401],
        ),
        // Nobody here has a password: the current one is wrong for everyone signed in.
        row(
            M::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": "not it", "new_password": "a long new password"})),
            [422, 422, 422, 422, 422, 401],
        ),
        row(
            M::POST,
            "/api/v1/auth/password-reset",
            Some(json!({"email": "nobody@example.test"})),
            [202; 6],
        ),
        row(
            M::POST,
            "/api/v1/auth/password-reset/confirm",
            Some(json!({"token": "never-issued", "new_password": "a long new password"})),
            [422; 6],
        ),
        // The catalogue: admins write, people read.
        row(
            M::POST,
            "/api/v1/venues",
            Some(json!({"name": unique("Venue"), "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg"})),
            ADMIN_201,
        ),
        row(M::GET, "/api/v1/venues", None, PEOPLE),
        // Catalogue edits are the admin's.
        row(
            M::PATCH,
            format!("/api/v1/venues/{venue}"),
            Some(json!({"name": unique("БЦ")})),
            ADMIN_EDIT,
        ),
        row(
            M::PATCH,
            format!("/api/v1/premises/{premises}"),
            Some(json!({"directions": unique("Налево")})),
            ADMIN_EDIT,
        ),
        row(
            M::PATCH,
            format!("/api/v1/workplaces/{}", w.workplaces[2]),
            Some(json!({"name": unique("Место")})),
            ADMIN_EDIT,
        ),
        row(
            M::PATCH,
            format!("/api/v1/tariffs/{}", w.hourly),
            Some(json!({"name": unique("Тариф")})),
            ADMIN_EDIT,
        ),
        row(
            M::PATCH,
            format!("/api/v1/service-variants/{}", w.variant),
            Some(json!({"name": unique("Вариант")})),
            ADMIN_EDIT,
        ),
        row(
            M::PATCH,
            format!("/api/v1/modifiers/{}", w.locker),
            Some(json!({"name": unique("Шкаф")})),
            ADMIN_EDIT,
        ),
        row(
            M::POST,
            "/api/v1/premises",
            Some(json!({"venue_id": venue, "name": unique("Зал"), "kind": "hall"})),
            ADMIN_201,
        ),
        row(M::GET, "/api/v1/premises", None, PEOPLE),
        row(
            M::POST,
            format!("/api/v1/premises/{premises}/workplaces"),
            Some(json!({"name": unique("PM")})),
            ADMIN_201,
        ),
        row(M::GET, format!("/api/v1/premises/{premises}/workplaces"), None, PEOPLE),
        row(
            M::POST,
            "/api/v1/tariffs",
            Some(json!({"venue_id": venue, "name": unique("T"), "unit": "hour", "price": "10"})),
            ADMIN_201,
        ),
        row(M::GET, "/api/v1/tariffs", None, PEOPLE),
        row(
            M::POST,
            "/api/v1/service-variants",
            Some(json!({"venue_id": venue, "name": unique("S")})),
            ADMIN_201,
        ),
        row(M::GET, "/api/v1/service-variants", None, PEOPLE),
        row(
            M::POST,
            "/api/v1/modifiers",
            Some(json!({"venue_id": venue, "name": unique("M"), "price": "1.50"})),
            ADMIN_201,
        ),
        row(M::GET, "/api/v1/modifiers", None, PEOPLE),
        // Orders: managers for anyone, a visitor for themselves.
        row(
            M::POST,
            "/api/v1/orders",
            Some(json!({"customer_id": fx.visitor_id, "items": [{
                "workplace_id": w.workplaces[2], "period": days(11 + 2 * i, 11 + 2 * i), "tariff_id": w.daily,
            }]})),
            [201, 201, 403, 201, 403, 401],
        ),
        row(
            M::GET,
            "/api/v1/orders?status=new",
            None,
            [200, 200, 403, 403, 403, 401],
        ),
        row(
            M::POST,
            "/api/v1/orders/quote",
            Some(json!({"customer_id": fx.visitor_id, "items": [{
                "workplace_id": w.workplaces[2], "period": days(40, 41), "tariff_id": w.daily,
            }]})),
            [200, 200, 403, 200, 403, 401],
        ),
        row(
            M::GET,
            format!("/api/v1/orders/{}", t.own_order),
            None,
            [200, 200, 403, 200, 403, 401],
        ),
        row(
            M::POST,
            format!("/api/v1/orders/{}/status", t.new_order),
            Some(json!({"status": "confirmed"})),
            COWORKING,
        ),
        // The coworking calendar.
        row(
            M::GET,
            "/api/v1/coworking/tickets?status=new,confirmed",
            None,
            COWORKING,
        ),
        row(
            M::GET,
            format!("/api/v1/coworking/tickets/{}", t.confirmed_ticket),
            None,
            COWORKING,
        ),
        row(
            M::POST,
            format!("/api/v1/coworking/tickets/{}/validation", t.confirmed_ticket),
            None,
            COWORKING,
        ),
        row(
            M::DELETE,
            format!("/api/v1/coworking/tickets/{}/validation", t.confirmed_ticket),
            None,
            COWORKING,
        ),
        row(
            M::PUT,
            format!("/api/v1/coworking/tickets/{}/visitor", t.confirmed_ticket),
            Some(json!({"user_id": fx.other_visitor.0})),
            COWORKING,
        ),
        row(
            M::PUT,
            format!("/api/v1/coworking/tickets/{}/workplace", t.confirmed_ticket),
            Some(json!({"workplace_id": w.workplaces[2]})),
            COWORKING,
        ),
        // Events and folios.
        row(
            M::POST,
            "/api/v1/events",
            Some(
                json!({"venue_id": venue, "name": unique("E"), "start_date": "2031-04-01", "end_date": "2031-04-02", "pax": 5}),
            ),
            EVENTS_201,
        ),
        row(M::GET, "/api/v1/events", None, EVENTS),
        row(M::GET, format!("/api/v1/events/{e}"), None, EVENTS),
        row(
            M::POST,
            format!("/api/v1/events/{e}/activities"),
            Some(json!({"kind": "other", "name": unique("A"), "date": "2031-03-02", "pax": 10})),
            EVENTS_201,
        ),
        row(
            M::PATCH,
            format!("/api/v1/events/{e}/activities/{}", fx.activity),
            Some(json!({"pax": 11})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/activities/{}/preview", fx.activity),
            Some(json!({"pax": 12})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/blocks"),
            Some(json!({"name": unique("B"), "rooms": 3})),
            EVENTS_201,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/folios"),
            Some(json!({})),
            EVENTS_201,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/pax"),
            Some(json!({"pax": 12, "dry_run": true})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/dates"),
            Some(json!({"mode": "period_only", "start_date": "2031-03-01", "end_date": "2031-03-04", "dry_run": true})),
            EVENTS,
        ),
        row(M::GET, format!("/api/v1/events/{e}/audit"), None, EVENTS),
        row(M::GET, format!("/api/v1/events/{e}/charges/export"), None, EVENTS),
        row(M::GET, format!("/api/v1/halls/{}/calendar.ics", fx.hall), None, EVENTS),
        row(M::POST, "/api/v1/me/feed-key", None, [200, 200, 200, 200, 200, 401]),
        row(M::GET, "/api/v1/me/calendar.ics", None, [200, 200, 200, 200, 200, 401]),
        row(
            M::POST,
            format!("/api/v1/folios/{}/charges", fx.folio),
            Some(
                json!({"description": unique("Кафе"), "service_date": "2031-03-02", "quantity": 10, "unit_price": "2.50"}),
            ),
            EVENTS_201,
        ),
        row(M::GET, format!("/api/v1/folios/{}", fx.folio), None, EVENTS),
        row(
            M::GET,
            format!("/api/v1/halls/diary?venue_id={venue}&from=2031-03-01&to=2031-03-31"),
            None,
            EVENTS,
        ),
        row(
            M::PATCH,
            format!("/api/v1/events/{e}"),
            Some(json!({"name": unique("Форум")})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/activities/{}/cancel", t.activity_to_cancel),
            Some(json!({})),
            EVENTS,
        ),
        row(
            M::PATCH,
            format!("/api/v1/events/{e}/blocks/{}", t.block),
            Some(json!({"rooms": 5})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{e}/blocks/{}/cancel", t.block),
            None,
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/events/{}/cancel", t.event_to_cancel),
            Some(json!({})),
            EVENTS,
        ),
        row(
            M::PATCH,
            format!("/api/v1/charges/{}", t.charge),
            Some(json!({"unit_price": "1.50"})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/charges/{}/transfer", t.charge),
            Some(json!({"folio_id": fx.folio})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/charges/{}/void", t.charge),
            Some(json!({"reason": unique("Ошибка")})),
            EVENTS,
        ),
        row(
            M::POST,
            format!("/api/v1/folios/{}/close", t.folio_to_close),
            None,
            EVENTS,
        ),
        // Integrations are the admin's.
        row(
            M::POST,
            "/api/v1/webhooks",
            Some(json!({"url": format!("https://example.com/{role}"), "events": ["*"]})),
            ADMIN_201,
        ),
        row(M::GET, "/api/v1/webhooks", None, ADMIN_EDIT),
        row(
            M::PATCH,
            format!("/api/v1/webhooks/{}", t.webhook),
            Some(json!({"description": unique("Бухгалтерия")})),
            ADMIN_EDIT,
        ),
        row(
            M::POST,
            format!("/api/v1/webhooks/{}/test", t.webhook),
            None,
            [202, 403, 403, 403, 403, 401],
        ),
        row(
            M::GET,
            format!("/api/v1/webhooks/{}/deliveries", t.webhook),
            None,
            ADMIN_EDIT,
        ),
        row(
            M::POST,
            format!("/api/v1/webhooks/{}/deliveries/{}/retry", t.webhook, t.delivery),
            None,
            ADMIN_EDIT,
        ),
        row(
            M::DELETE,
            format!("/api/v1/webhooks/{}", t.webhook),
            None,
            [204, 403, 403, 403, 403, 401],
        ),
        row(M::GET, "/api/v1/mail/status", None, ADMIN_EDIT),
        row(M::GET, "/api/v1/mail/messages", None, ADMIN_EDIT),
        row(
            M::POST,
            format!("/api/v1/mail/messages/{}/retry", t.mail),
            None,
            ADMIN_EDIT,
        ),
        row(M::POST, "/api/v1/mail/test", None, [202, 403, 403, 403, 403, 401]),
        // Last: signing out ends the caller's session.
        row(M::POST, "/api/v1/auth/logout", None, [204, 204, 204, 204, 204, 401]),
    ]
}

#[tokio::test]
async fn every_role_gets_exactly_its_status_on_every_route() {
    let fx = fixture().await;
    let mut failures = Vec::new();
    let mut covered = std::collections::BTreeSet::new();
    for (i, (role, client)) in ROLES.iter().zip(&fx.clients).enumerate() {
        let n = i64::try_from(i).expect("six roles");
        let t = targets(&fx, n).await;
        for r in matrix(&fx, &t, n, role) {
            let answer = client
                .raw(r.method.clone(), &r.path, r.body.as_ref().map(Value::to_string), None)
                .await;
            let want = r.expect[i];
            let got = answer.status.as_u16();
            if got != want {
                failures.push(format!(
                    "{role} {} {}: want {want}, got {got} {}",
                    r.method, r.path, answer.body
                ));
            } else if got >= 400 {
                // Refusals are problem+json like every error.
                answer.problem(want);
            }
            let shape = r.path.split('?').next().unwrap_or_default().to_owned();
            covered.insert(format!("{} {}", r.method, generic(&shape)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong statuses:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The matrix holds every route of the router.
    let routes = router_routes();
    let missing: Vec<_> = routes.iter().filter(|r| !covered.contains(*r)).collect();
    assert!(missing.is_empty(), "routes missing from the matrix: {missing:?}");
    // A refused write wrote nothing: only the allowed callers' things exist.
    let names = |path: &'static str, key: &'static str, prefix: &'static str| {
        let admin = fx.w.admin.clone();
        async move {
            let list = admin.get(path).await;
            let mut found: Vec<String> = list.ok(200)["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|v| v[key].as_str())
                .filter(|n| n.starts_with(prefix))
                .map(str::to_owned)
                .collect();
            found.sort();
            found
        }
    };
    assert_eq!(names("/api/v1/venues", "name", "Venue ").await, ["Venue admin"]);
    assert_eq!(
        names("/api/v1/users?limit=500", "email", "manager.").await,
        ["manager.admin@example.test"]
    );
    assert_eq!(
        names("/api/v1/users?limit=500", "email", "visitor.").await,
        ["visitor.admin@example.test", "visitor.rental_manager@example.test"]
    );
    assert_eq!(
        names("/api/v1/events", "name", "E ").await,
        ["E admin", "E event_manager"]
    );
    assert_eq!(names("/api/v1/tariffs", "name", "T ").await, ["T admin"]);
}

#[tokio::test]
async fn a_signed_out_caller_is_refused_everywhere_but_the_public_doors() {
    let fx = fixture().await;
    let t = targets(&fx, 0).await;
    for (role, client) in ROLES.iter().zip(&fx.clients).take(5) {
        client
            .raw(Method::POST, "/api/v1/auth/logout", None, None)
            .await
            .ok(204);
        for r in matrix(&fx, &t, 9, role) {
            let a = client
                .raw(r.method.clone(), &r.path, r.body.as_ref().map(Value::to_string), None)
                .await;
            // After signing out, the token is worth what no token is.
            if r.expect[5] == 401 {
                a.problem(401);
            } else {
                assert_ne!(a.status.as_u16(), 401, "{role} {} {}", r.method, r.path);
            }
        }
    }
}

/// Turns `/api/v1/orders/12/status` into `/api/v1/orders/{}/status`.
fn generic(path: &str) -> String {
    path.split('/')
        .map(|s| if s.parse::<i64>().is_ok() { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// `METHOD /path` of every route registered in `routes/mod.rs`, read from
/// its source so that a route added there and not here fails the test.
fn router_routes() -> Vec<String> {
    let source = include_str!("../src/routes/mod.rs");
    let mut out = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        let path = chunk.split('"').nth(1).expect("a route path");
        let path: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let calls = chunk;
        for (token, method) in [
            ("get(", "GET"),
            ("post(", "POST"),
            ("put(", "PUT"),
            ("patch(", "PATCH"),
            ("delete(", "DELETE"),
        ] {
            let found = calls
                .match_indices(token)
                .any(|(at, _)| at == 0 || !calls[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
            if found {
                out.push(format!("{method} {path}"));
            }
        }
    }
    assert!(out.len() > 40, "could not read the route table: {out:?}");
    out
}
