//! Holding under attack: the sign-in throttle under parallel guesses and
//! from other addresses, bounded password hashing, sign-up limits, the
//! password rule, visitors' booking limits, hall races, and who may be
//! given a ticket. Each test fails on a server without the guard it names.

mod common;

use common::{Answer, Client, World, days};
use futures::future::join_all;
use serde_json::json;
use tessera_domain::sign_in::SignUpLimits;
use tessera_server::Config;

async fn user_with_password(admin: &Client, email: &str, password: &str, role: &str) -> i64 {
    admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Ольга", "last_name": "Иванова", "email": email, "role": role, "password": password}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("user id")
}

async fn login(c: &Client, email: &str, password: &str) -> Answer {
    c.post("/api/v1/auth/login", json!({"email": email, "password": password}))
        .await
}

/// 40 parallel sign-ins at one e-mail from one address, the right password
/// among them: at most 5 passwords are checked (the rest are refused before
/// hashing), so a guess inside the burst has no better chance than the limit.
#[tokio::test]
async fn a_burst_of_parallel_guesses_checks_at_most_five_passwords() {
    let w = World::new().await;
    user_with_password(&w.admin, "olga@example.test", "right-password-7", "visitor").await;
    let c = w.server.anonymous();
    let answers = join_all((0..40).map(|i| {
        let c = c.clone();
        async move {
            let password = if i == 20 { "right-password-7" } else { "wrong-password" };
            login(&c, "olga@example.test", password).await
        }
    }))
    .await;
    let checked = answers.iter().filter(|a| a.status != 429).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    eprintln!("burst of 40: {checked} passwords checked, {refused} refused with 429");
    assert!(checked <= 5, "{checked} passwords checked in the burst");
    assert_eq!(checked + refused, 40, "every answer is a check or a 429");
    for a in answers.iter().filter(|a| a.status == 429) {
        a.problem(429);
        assert!(a.headers.get("retry-after").is_some());
    }
    // Once the burst is over the pair stays closed, right password or not
    // (unless the right one was among the first five and reopened it).
    let signed_in_in_burst = answers.iter().any(|a| a.status == 200);
    let after = login(&c, "olga@example.test", "right-password-7").await;
    if !signed_in_in_burst {
        after.problem(429);
    }
}

/// Five wrong passwords from one address close that address for the
/// e-mail, but the owner signing in from another address is never refused
/// for them (only delayed); and an `ip:port` X-Forwarded-For entry counts.
#[tokio::test]
async fn strangers_cannot_lock_an_account_out_from_their_address() {
    let w = World::new().await;
    user_with_password(&w.admin, "admin2@example.test", "owner-secret-42", "admin").await;
    let attacker = w.server.anonymous_from("127.0.0.1");
    for _ in 0..5 {
        login(&attacker, "admin2@example.test", "guess-guess-1")
            .await
            .problem(401);
    }
    login(&attacker, "admin2@example.test", "owner-secret-42")
        .await
        .problem(429);
    let owner = w.server.anonymous_from("127.0.0.2");
    let a = login(&owner, "admin2@example.test", "owner-secret-42").await;
    assert_eq!(a.status, 200, "the owner from another address: {}", a.body);
    // The owner's success does not reopen the attacker's pair.
    login(&attacker, "admin2@example.test", "owner-secret-42")
        .await
        .problem(429);
}

#[tokio::test]
async fn behind_a_proxy_the_last_forwarded_entry_is_the_address_even_with_a_port() {
    let config = Config {
        trust_forwarded_for: true,
        ..Config::default()
    };
    let w = World::with_config(config).await;
    user_with_password(&w.admin, "olga@example.test", "right-password-7", "visitor").await;
    let base = w.server.base.clone();
    let http = reqwest::Client::new();
    let from = |forwarded: &'static str, password: &'static str| {
        http.post(format!("{base}/api/v1/auth/login"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"email": "olga@example.test", "password": password}))
            .send()
    };
    // The attacker varies the entry it chooses; the proxy appends ip:port.
    for i in 0..5 {
        let forwarded: &'static str = [
            "1.1.1.1, 203.0.113.9:4711",
            "2.2.2.2, 203.0.113.9:4712",
            "3.3.3.3, 203.0.113.9:1",
            "4.4.4.4, 203.0.113.9:2",
            "5.5.5.5, 203.0.113.9:3",
        ][i];
        assert_eq!(from(forwarded, "wrong-password").await.expect("request").status(), 401);
    }
    let closed = from("6.6.6.6, 203.0.113.9:9", "right-password-7")
        .await
        .expect("request");
    assert_eq!(
        closed.status(),
        429,
        "the proxy's entry is the address, whatever came before it"
    );
    let v6 = from("6.6.6.6, [2001:db8::7]:443", "right-password-7")
        .await
        .expect("request");
    assert_eq!(v6.status(), 200);
}

/// 200 parallel sign-ins (no account needed, each from its own address so
/// no throttle stops them) keep memory flat: hashes are bounded by the
/// cores, the rest wait in a bounded queue or get 503 with Retry-After.
#[tokio::test]
async fn a_burst_of_sign_ins_keeps_memory_flat() {
    fn rss_mb() -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
    let config = Config {
        trust_forwarded_for: true,
        ..Config::default()
    };
    let w = World::with_config(config).await;
    let base = w.server.base.clone();
    let http = reqwest::Client::new();
    // Warm up: one hash, so the allocator's first arenas are counted before.
    let _ = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "warm@example.test", "password": "warm-up-password"}))
        .send()
        .await;
    let before = rss_mb();
    let answers = join_all((0..200u32).map(|i| {
        let http = http.clone();
        let base = base.clone();
        async move {
            http.post(format!("{base}/api/v1/auth/login"))
                .header("x-forwarded-for", format!("198.51.{}.{}", i / 200, i % 200 + 1))
                .json(&json!({"email": format!("nobody{i}@example.test"), "password": "not-the-password"}))
                .send()
                .await
                .expect("request")
        }
    }))
    .await;
    let after = rss_mb();
    eprintln!("RSS {before:.0} → {after:.0} MB");
    let mut by_status = std::collections::BTreeMap::new();
    for a in &answers {
        *by_status.entry(a.status().as_u16()).or_insert(0) += 1;
        if a.status() == 503 {
            assert!(a.headers().get("retry-after").is_some());
        }
    }
    eprintln!("answers: {by_status:?}");
    assert!(
        by_status.keys().all(|s| *s == 401 || *s == 503),
        "only wrong-credential and busy answers: {by_status:?}"
    );
    assert!(
        after - before < 150.0,
        "RSS grew {:.0} MB ({before:.0} → {after:.0}) for 200 parallel sign-ins",
        after - before
    );
}

/// One address may register only so many accounts; the refusal is a 429
/// in the caller's language with Retry-After.
#[tokio::test]
async fn registration_is_throttled_per_address() {
    let config = Config {
        sign_up: SignUpLimits {
            per_address: 3,
            window_seconds: 3600,
        },
        ..Config::default()
    };
    let w = World::with_config(config).await;
    let c = w.server.anonymous().lang("ru");
    let register = |i: u32| {
        let c = c.clone();
        async move {
            c.post(
                "/api/v1/auth/register",
                json!({"first_name": "Гость", "last_name": format!("№{i}"), "email": format!("guest{i}@example.test"), "password": "guest-password-9"}),
            )
            .await
        }
    };
    for i in 0..3 {
        register(i).await.ok(201);
    }
    let refused = register(3).await;
    let p = refused.problem(429);
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("учётных записей")),
        "{p}"
    );
    assert!(refused.headers.get("retry-after").is_some());
    let other = w.server.anonymous_from("127.0.0.3");
    other
        .post(
            "/api/v1/auth/register",
            json!({"first_name": "Гость", "last_name": "Другой", "email": "guest-other@example.test", "password": "guest-password-9"}),
        )
        .await
        .ok(201);
}

/// Sign-up, admin-set passwords: at least 10 characters, not blank, not a
/// common one; the refusal names the field in the caller's language.
#[tokio::test]
async fn weak_passwords_are_refused_everywhere_they_are_set() {
    let w = World::new().await;
    let c = w.server.anonymous().lang("ru");
    for (password, message) in [
        ("12345678", "не короче 10 символов"),
        (
            "1234567890",
            "слишком распространённый или легко угадываемый пароль: добавьте свои слова",
        ),
        (
            "password123",
            "слишком распространённый или легко угадываемый пароль: добавьте свои слова",
        ),
        (
            "            ",
            "должен содержать не только пробелы и управляющие символы",
        ),
    ] {
        let a = c
            .post(
                "/api/v1/auth/register",
                json!({"first_name": "Гость", "last_name": "Слабый", "email": "weak@example.test", "password": password}),
            )
            .await;
        let p = a.problem(422);
        assert_eq!(p["errors"][0]["field"], "password", "{password:?}: {p}");
        assert_eq!(p["errors"][0]["message"], message, "{password:?}");
        let by_admin = w
            .admin
            .clone()
            .lang("ru")
            .post(
                "/api/v1/users",
                json!({"first_name": "Гость", "last_name": "Слабый", "email": "weak@example.test", "password": password}),
            )
            .await;
        assert_eq!(by_admin.problem(422)["errors"][0]["message"], message, "{password:?}");
    }
    // Nothing was created.
    login(&w.server.anonymous(), "weak@example.test", "1234567890")
        .await
        .problem(401);
}

async fn visitor(w: &World, n: u32) -> Client {
    let c = w.server.anonymous();
    let a = c
        .post(
            "/api/v1/auth/register",
            json!({"first_name": "Гость", "last_name": format!("№{n}"), "email": format!("hoarder{n}@example.test"), "password": "hoarder-password-5"}),
        )
        .await;
    let body = a.ok(201);
    w.server.with_token(
        body["token"].as_str().expect("token"),
        body["user"]["id"].as_i64().expect("id"),
    )
}

async fn own_order(v: &Client, w: &World, workplace: i64, period: serde_json::Value) -> Answer {
    v.clone()
        .lang("ru")
        .post(
            "/api/v1/orders",
            json!({"customer_id": v.user_id, "items": [{"workplace_id": workplace, "period": period, "tariff_id": w.daily}]}),
        )
        .await
}

/// A visitor books inside the venue's horizon and longest booking; a
/// manager is exempt. The refusal states the limit, in the user's language.
#[tokio::test]
async fn visitors_cannot_book_years_ahead_or_for_months() {
    let w = World::new().await;
    let v = visitor(&w, 1).await;
    let far = own_order(&v, &w, w.workplaces[0], days(200, 201)).await;
    let p = far.problem(422);
    assert_eq!(p["errors"][0]["field"], "items[0].period", "{p}");
    assert_eq!(
        p["errors"][0]["message"],
        "бронирование должно заканчиваться не позже чем через 180 дн. от сегодняшнего дня"
    );
    let year_2999 = own_order(
        &v,
        &w,
        w.workplaces[0],
        json!({"start_date": "2999-01-01", "end_date": "2999-01-02"}),
    )
    .await;
    year_2999.problem(422);
    let long = own_order(&v, &w, w.workplaces[0], days(1, 40)).await;
    assert_eq!(
        long.problem(422)["errors"][0]["message"],
        "бронирование длится не больше 31 дн."
    );
    own_order(&v, &w, w.workplaces[0], days(1, 31)).await.ok(201);
    // The manager books for the visitor without these limits.
    w.book(v.user_id, w.workplaces[1], days(200, 300), w.daily)
        .await
        .ok(201);
    // A venue may set its own.
    let strict = w
        .admin
        .post(
            "/api/v1/venues",
            json!({"name": "Строгий", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru", "booking_horizon_days": 7, "longest_booking_days": 2, "payment_hours": 1}),
        )
        .await;
    let body = strict.ok(201);
    assert_eq!(body["booking_horizon_days"], 7);
    assert_eq!(body["longest_booking_days"], 2);
    assert_eq!(body["payment_hours"], 1);
    let bad = w
        .admin
        .clone()
        .lang("bg")
        .post(
            "/api/v1/venues",
            json!({"name": "Лош", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg", "booking_horizon_days": 0}),
        )
        .await;
    assert_eq!(bad.problem(422)["errors"][0]["message"], "от 1 до 3660");
}

/// A visitor may hold 3 unpaid orders of their own; the 4th is refused
/// (409, naming the cap) even when sent in parallel.
#[tokio::test]
async fn a_visitor_holds_at_most_three_unpaid_orders_even_in_parallel() {
    let w = World::new().await;
    let v = visitor(&w, 2).await;
    let answers = join_all((0..6u8).map(|i| {
        let (v, w) = (&v, &w);
        async move {
            own_order(
                v,
                w,
                w.workplaces[usize::from(i % 3)],
                days(i64::from(2 + 2 * i), i64::from(2 + 2 * i)),
            )
            .await
        }
    }))
    .await;
    let made = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(made, 3, "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    for a in answers.iter().filter(|a| a.status != 201) {
        let p = a.problem(409);
        assert!(p["detail"].as_str().is_some_and(|d| d.contains('3')), "{p}");
    }
    // Paying one makes room; managers' orders for the visitor never count.
    let first = answers.iter().find(|a| a.status == 201).expect("an order").body["number"]
        .as_i64()
        .expect("number");
    w.set_order_status(first, "confirmed").await.ok(200);
    own_order(&v, &w, w.workplaces[0], days(20, 20)).await.ok(201);
    w.book(v.user_id, w.workplaces[1], days(21, 21), w.daily).await.ok(201);
}

/// A visitor's own order still unpaid at the venue's payment deadline is
/// cancelled by the sweep, its tickets with it; a manager's is not.
#[tokio::test]
async fn the_sweep_cancels_a_visitors_unpaid_order_at_the_payment_deadline() {
    let w = World::new().await;
    let v = visitor(&w, 3).await;
    let own = own_order(&v, &w, w.workplaces[0], days(5, 6)).await;
    let own_number = own.ok(201)["number"].as_i64().expect("order");
    let in_progress = own_order(&v, &w, w.workplaces[1], days(5, 6)).await;
    let in_progress_number = in_progress.ok(201)["number"].as_i64().expect("order");
    w.set_order_status(in_progress_number, "new_payment_in_progress")
        .await
        .ok(200);
    let by_manager = w.book(v.user_id, w.workplaces[2], days(5, 6), w.daily).await;
    let manager_number = by_manager.ok(201)["number"].as_i64().expect("order");

    let now = w.server.clock.now();
    w.server.store.sweep(now).await.expect("sweep");
    let status = |n: i64| {
        let m = w.manager.clone();
        async move { m.get(&format!("/api/v1/orders/{n}")).await.ok(200).clone() }
    };
    assert_eq!(status(own_number).await["status"], "new", "before the deadline");

    w.server
        .clock
        .set(now.checked_add(jiff::SignedDuration::from_hours(25)).expect("later"));
    w.server.store.sweep(w.server.clock.now()).await.expect("sweep");
    let o = status(own_number).await;
    assert_eq!(o["status"], "cancelled");
    assert_eq!(o["tickets"][0]["status"], "cancelled");
    // The history shows the system, not a person, as the one who cancelled.
    let last = &o["history"][1];
    assert_eq!(
        (&last["from_status"], &last["status"]),
        (&json!("new"), &json!("cancelled"))
    );
    assert_eq!(last["by"], json!(null));
    assert_eq!(status(in_progress_number).await["status"], "cancelled_payment_failed");
    assert_eq!(
        status(manager_number).await["status"],
        "new",
        "a manager's order has no deadline"
    );
    // The workplace is free again.
    own_order(&v, &w, w.workplaces[0], days(5, 6)).await.ok(201);
}

/// A visitor is told a workplace is taken, not by whose tickets; a manager is.
#[tokio::test]
async fn a_visitor_is_not_told_other_visitors_ticket_numbers() {
    let w = World::new().await;
    let other = w.server.user("visitor", "Мария", "Семенова").await;
    let (_, ticket) = w.ticket(other.user_id, w.workplaces[0], days(3, 4)).await;
    let v = visitor(&w, 4).await;
    let a = own_order(&v, &w, w.workplaces[0], days(3, 3)).await;
    let p = a.problem(409);
    assert!(p.get("tickets").is_none(), "{p}");
    assert!(!p["detail"].as_str().unwrap_or("").contains(&ticket.to_string()), "{p}");
    let m = w.book(v.user_id, w.workplaces[0], days(3, 3), w.daily).await;
    assert_eq!(m.problem(409)["tickets"], json!([ticket]));
}

/// A ticket goes only to a visitor: sending it to a staff e-mail answers
/// like an unknown e-mail (no name, no id), and a manager cannot put a gate
/// or a staff account on it.
#[tokio::test]
async fn tickets_go_only_to_visitors() {
    let w = World::new().await;
    let v = visitor(&w, 5).await;
    let (_, ticket) = w.ticket(v.user_id, w.workplaces[0], days(3, 4)).await;
    let gate = user_with_password(&w.admin, "gate-north@example.test", "gate-north-42x", "gate").await;
    let unknown = v
        .clone()
        .lang("en")
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "nobody@example.test"}),
        )
        .await;
    let staff = v
        .clone()
        .lang("en")
        .post(
            &format!("/api/v1/me/tickets/{ticket}/send"),
            json!({"email": "gate-north@example.test"}),
        )
        .await;
    let (u, s) = (unknown.problem(422).clone(), staff.problem(422).clone());
    assert_eq!(u, s, "a staff e-mail reads like an unknown one");
    assert!(!s.to_string().contains("Ольга"), "{s}");
    let mine = v.get("/api/v1/me/tickets").await;
    assert_eq!(mine.ok(200)["items"][0]["number"], ticket, "still the visitor's");

    let put = w
        .manager
        .clone()
        .lang("ru")
        .put(
            &format!("/api/v1/coworking/tickets/{ticket}/visitor"),
            json!({"user_id": gate}),
        )
        .await;
    assert_eq!(
        put.problem(422)["errors"][0]["message"],
        "билет может принадлежать только посетителю"
    );
    let put_admin = w
        .manager
        .put(
            &format!("/api/v1/coworking/tickets/{ticket}/visitor"),
            json!({"user_id": w.admin.user_id}),
        )
        .await;
    put_admin.problem(422);
}

async fn event_world() -> (World, Client, i64, i64) {
    let w = World::new().await;
    let em = w.server.user("event_manager", "Елена", "Димитрова").await;
    let hall = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": w.venue, "name": "Большой зал", "kind": "hall"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("hall");
    let venue = w.venue;
    (w, em, venue, hall)
}

/// 24 events ask for one hall on one day at once: exactly one gets it, the
/// others a 409, never a 500, on either backend.
#[tokio::test]
async fn a_hall_taken_in_a_race_is_a_409_for_every_loser() {
    let (_w, em, venue, hall) = event_world().await;
    let mut events = Vec::new();
    for i in 0..24 {
        let e = em
            .post(
                "/api/v1/events",
                json!({"venue_id": venue, "name": format!("Событие {i}"), "start_date": "2031-05-01", "end_date": "2031-05-02", "pax": 10}),
            )
            .await;
        events.push(e.ok(201)["id"].as_i64().expect("event"));
    }
    let answers = join_all(events.iter().map(|id| {
        let em = em.clone();
        async move {
            em.post(
                &format!("/api/v1/events/{id}/activities"),
                json!({"kind": "hall", "name": "Пленарная", "date": "2031-05-01", "pax": 10, "premises_id": hall}),
            )
            .await
        }
    }))
    .await;
    let won = answers.iter().filter(|a| a.status == 201).count();
    let lost = answers.iter().filter(|a| a.status == 409).count();
    eprintln!("hall race of 24: {won} got it, {lost} got 409");
    assert_eq!(
        (won, lost),
        (1, 23),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    for a in answers.iter().filter(|a| a.status == 409) {
        assert_eq!(a.problem(409)["type"], "https://tessera.dev/problems/hall-taken");
    }
}

/// Event dates stay within 1900–2199: creating outside is refused, and so
/// is a move that would leave them; nothing changes.
#[tokio::test]
async fn event_dates_stay_within_the_years_1900_to_2199() {
    let (_w, em, venue, _) = event_world().await;
    let em = em.lang("ru");
    for (start, end) in [
        ("2999-01-01", "2999-01-02"),
        ("1899-12-31", "1900-01-02"),
        ("2199-12-31", "2200-01-01"),
    ] {
        let a = em
            .post(
                "/api/v1/events",
                json!({"venue_id": venue, "name": "Далеко", "start_date": start, "end_date": end, "pax": 10}),
            )
            .await;
        assert_eq!(
            a.problem(422)["errors"][0]["message"],
            "дата должна быть в пределах 1900–2199 годов",
            "{start}–{end}"
        );
    }
    let e = em
        .post(
            "/api/v1/events",
            json!({"venue_id": venue, "name": "Под конец", "start_date": "2199-12-20", "end_date": "2199-12-30", "pax": 10}),
        )
        .await;
    let id = e.ok(201)["id"].as_i64().expect("event");
    for (mode, start, end) in [
        ("move", "2199-12-25", None),
        ("extend", "2199-12-20", Some("2200-01-05")),
        ("period_only", "1899-12-01", Some("2199-12-30")),
    ] {
        let mut body = json!({"mode": mode, "start_date": start});
        if let Some(end) = end {
            body["end_date"] = json!(end);
        }
        let a = em.post(&format!("/api/v1/events/{id}/dates"), body).await;
        assert_eq!(
            a.problem(422)["errors"][0]["message"],
            "дата должна быть в пределах 1900–2199 годов",
            "{mode}"
        );
    }
    let now = em.get(&format!("/api/v1/events/{id}")).await;
    let body = now.ok(200);
    assert_eq!(
        (body["start_date"].as_str(), body["end_date"].as_str()),
        (Some("2199-12-20"), Some("2199-12-30"))
    );
}

/// An activity's premises must be a hall of the event's own venue: a
/// coworking, or another venue's hall, is refused at the field and adds
/// nothing.
#[tokio::test]
async fn an_activity_is_held_only_in_a_hall_of_the_events_venue() {
    let (w, em, venue, _hall) = event_world().await;
    let other_venue = w
        .admin
        .post(
            "/api/v1/venues",
            json!({"name": "Хотел", "time_zone": "Europe/Sofia", "currency": "BGN", "locale": "bg"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("venue");
    let far_hall = w
        .admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": other_venue, "name": "Зала Витоша", "kind": "hall"}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("hall");
    let event = em
        .post(
            "/api/v1/events",
            json!({"venue_id": venue, "name": "Форум", "start_date": "2031-05-01", "end_date": "2031-05-02", "pax": 10}),
        )
        .await
        .ok(201)["id"]
        .as_i64()
        .expect("event");
    for premises in [w.premises, far_hall] {
        let r = em
            .post(
                &format!("/api/v1/events/{event}/activities"),
                json!({"kind": "hall", "name": "Пленарная", "date": "2031-05-01", "pax": 10, "premises_id": premises}),
            )
            .await;
        assert_eq!(
            r.problem(422)["errors"][0]["field"],
            "premises_id",
            "premises {premises}"
        );
    }
    let e = em.get(&format!("/api/v1/events/{event}")).await;
    assert_eq!(e.ok(200)["activities"], json!([]));
}
