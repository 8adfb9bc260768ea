//! Two `tessera serve` processes on one PostgreSQL database, raced by many
//! clients spread over both: no double booking, only 2xx or 409 answers, a
//! token from one instance works on the other, and the sweeps of both write
//! every time-driven status change exactly once.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use support::{ADMIN, Api, Instance, MANAGER, coworking, fresh_database_url, on_postgres, order, scalar, tessera};

const OVERLAPS: &str = "SELECT COUNT(*) FROM tickets a JOIN tickets b
     ON a.workplace_id = b.workplace_id AND a.number < b.number
    AND a.start_at < b.end_at AND b.start_at < a.end_at
    WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'";

/// Sends every request at once; the answers in order. Any answer but 2xx or
/// 409 fails the test (showing the servers' logs).
async fn race(servers: &[Instance], requests: Vec<(Api, Method, String, Option<Value>)>) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(api, method, path, body)| {
            tokio::spawn(async move {
                let answer = api.send(method.clone(), &path, body).await.expect("an answer");
                (method, path, answer)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        let (method, path, (status, body)) = t.await.expect("task");
        if !((200..300).contains(&status) || status == 409) {
            let logs: Vec<String> = servers.iter().map(Instance::log).collect();
            panic!("{method} {path}: {status} {body}\n{}", logs.join("\n-----\n"));
        }
        answers.push((status, body));
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_agree_under_races() {
    if !on_postgres() {
        eprintln!("skipped: two instances need PostgreSQL (TESSERA_TEST_DATABASE=postgres)");
        return;
    }
    let url = fresh_database_url("two").await;
    // Both start at once on an empty database: migrations run under a lock.
    let servers = Instance::start_many(&url, &["--sweep-seconds", "1"], 2);
    let demo = tessera(&url, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let (a, b) = (Api::new(&servers[0].base), Api::new(&servers[1].base));

    // A token from one instance works on the other, both ways.
    let admin_a = a.login(ADMIN.0, ADMIN.1).await;
    let admin_b = b.with_token(admin_a.token.as_deref().expect("token"));
    let me_a = admin_a.get("/api/v1/me", 200).await;
    assert_eq!(admin_b.get("/api/v1/me", 200).await, me_a);
    let manager_b = b.login(MANAGER.0, MANAGER.1).await;
    let manager_a = a.with_token(manager_b.token.as_deref().expect("token"));
    assert_eq!(manager_a.get("/api/v1/me", 200).await["role"], "rental_manager");
    let managers = [manager_a, manager_b];

    // A catalogue made on A is bookable on B.
    let cw = coworking(&admin_a, 26).await;
    let wp = &cw.workplaces;

    // 1. Orders racing for three workplaces over overlapping periods.
    let mut requests = Vec::new();
    for i in 0..40usize {
        let shift = i64::try_from((i / 3) % 5).unwrap_or(0);
        requests.push((
            managers[i % 2].clone(),
            Method::POST,
            "/api/v1/orders".to_owned(),
            Some(order(&cw, wp[i % 3], 10 + shift, 12 + shift)),
        ));
    }
    let answers = race(&servers, requests).await;
    let booked = answers.iter().filter(|(s, _)| *s == 201).count();
    let refused = answers.iter().filter(|(s, _)| *s == 409).count();
    assert!(booked >= 3, "each workplace was booked at least once");
    assert!(refused > 0, "overlapping periods were refused");
    assert_eq!(scalar(&url, OVERLAPS).await, 0, "no double booking");

    // 2. Three tickets of today, validated, reset and moved at once.
    let mut tickets = Vec::new();
    for (i, &w) in wp[3..6].iter().enumerate() {
        let o = managers[i % 2].post("/api/v1/orders", order(&cw, w, 0, 0), 201).await;
        let n = o["number"].as_i64().expect("order");
        managers[(i + 1) % 2]
            .post(
                &format!("/api/v1/orders/{n}/status"),
                json!({"status": "confirmed"}),
                200,
            )
            .await;
        tickets.push(o["tickets"][0]["number"].as_i64().expect("ticket"));
    }
    let targets = [wp[0], wp[1], wp[3], wp[4], wp[5]];
    let mut requests = Vec::new();
    for i in 0..48usize {
        let t = tickets[i % 3];
        let m = managers[(i / 3) % 2].clone();
        let (method, path, body) = match (i / 6) % 3 {
            0 => (
                Method::POST,
                format!("/api/v1/coworking/tickets/{t}/validation"),
                Some(json!({})),
            ),
            1 => (
                Method::DELETE,
                format!("/api/v1/coworking/tickets/{t}/validation"),
                None,
            ),
            _ => (
                Method::PUT,
                format!("/api/v1/coworking/tickets/{t}/workplace"),
                Some(json!({"workplace_id": targets[(i / 2) % targets.len()]})),
            ),
        };
        requests.push((m, method, path, body));
    }
    let answers = race(&servers, requests).await;
    let ok = answers.iter().filter(|(s, _)| (200..300).contains(s)).count();
    assert!(ok > 0);
    assert_eq!(scalar(&url, OVERLAPS).await, 0, "no double booking after moves");
    for &t in &tickets {
        // Validations and resets alternate in the history, and its last word
        // is the ticket's state: no update lost or doubled.
        let view = managers[1].get(&format!("/api/v1/coworking/tickets/{t}"), 200).await;
        let kinds: Vec<&str> = view["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter_map(|e| e["kind"].as_str())
            .filter(|k| *k == "validated" || *k == "validation_reset")
            .collect();
        for pair in kinds.windows(2) {
            assert_ne!(pair[0], pair[1], "ticket {t}: {kinds:?}");
        }
        assert_eq!(kinds.first().copied().unwrap_or("validated"), "validated", "{kinds:?}");
        let validated = kinds.last() == Some(&"validated");
        assert_eq!(view["validation"].is_null(), !validated, "ticket {t}: {view}");
        let other = managers[0].get(&format!("/api/v1/coworking/tickets/{t}"), 200).await;
        assert_eq!(other["workplace"], view["workplace"], "both instances read the same");
    }

    // 3. The sweeps of both instances race over due tickets. Ten confirmed
    // orders of two tickets for tomorrow; then two days pass for them (their
    // instants are moved back, as the clock would).
    let mut orders = Vec::new();
    for i in 0..10usize {
        let body = json!({"customer_id": cw.customer, "items": [
            {"workplace_id": wp[6 + 2 * i], "period": {"start_date": support::day(1), "end_date": support::day(1)}, "tariff_id": cw.daily},
            {"workplace_id": wp[7 + 2 * i], "period": {"start_date": support::day(1), "end_date": support::day(1)}, "tariff_id": cw.daily},
        ]});
        let o = managers[i % 2].post("/api/v1/orders", body, 201).await;
        let n = o["number"].as_i64().expect("order");
        managers[(i + 1) % 2]
            .post(
                &format!("/api/v1/orders/{n}/status"),
                json!({"status": "confirmed"}),
                200,
            )
            .await;
        orders.push(n);
    }
    let list = orders.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let moved = format!(
        "UPDATE tickets SET start_at = start_at - 172800, end_at = end_at - 172800 WHERE order_number IN ({list})"
    );
    {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
        let r = sqlx::query(&moved).execute(&mut c).await.expect("move back");
        assert_eq!(r.rows_affected(), 20);
    }
    let done = format!("SELECT COUNT(*) FROM orders WHERE number IN ({list}) AND status = 'completed'");
    let deadline = Instant::now() + Duration::from_secs(60);
    while scalar(&url, &done).await < 10 {
        assert!(Instant::now() < deadline, "the sweeps did not complete the orders");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let both sweep a few more times over the finished tickets.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let per_change = format!(
        "SELECT COUNT(*) FROM ticket_history h JOIN tickets t ON t.number = h.ticket_number
          WHERE t.order_number IN ({list}) AND h.kind = 'status' AND h.to_status = $STATUS"
    );
    for (status, expected) in [("'active'", 20), ("'completed'", 20)] {
        assert_eq!(
            scalar(&url, &per_change.replace("$STATUS", status)).await,
            expected,
            "{status}"
        );
    }
    let completed_orders =
        format!("SELECT COUNT(*) FROM order_history WHERE order_number IN ({list}) AND to_status = 'completed'");
    assert_eq!(scalar(&url, &completed_orders).await, 10, "each order completed once");
    let doubled = "SELECT COUNT(*) FROM (SELECT ticket_number, to_status FROM ticket_history
          WHERE kind = 'status' GROUP BY ticket_number, to_status HAVING COUNT(*) > 1) d";
    assert_eq!(scalar(&url, doubled).await, 0);
    let mut wrote = HashMap::new();
    for (name, s) in ["A", "B"].iter().zip(&servers) {
        let log = s.log();
        assert!(!log.contains("sweep failed"), "{name}: {log}");
        assert!(!log.contains("store failure"), "{name}: {log}");
        wrote.insert(*name, log.matches("time-driven statuses written").count());
    }
    eprintln!(
        "two instances: 40 racing orders ({booked} booked, {refused} refused), 48 racing ticket changes \
         ({ok} applied), 20 tickets swept by both (sweeps that wrote: {wrote:?}); 0 double bookings, 0 doubled status rows"
    );
}

/// `--pg-pool-size` bounds what one instance takes of PostgreSQL's
/// `max_connections`, however many requests wait. (SQLite has no pool to
/// bound: the test is PostgreSQL's.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instance_opens_no_more_postgres_connections_than_configured() {
    if !on_postgres() {
        return;
    }
    let url = fresh_database_url("pool").await;
    let database = url.rsplit('/').next().expect("database name").to_owned();
    let server = Instance::start(&url, &["--demo", "--pg-pool-size", "3"]);
    let admin = Api::new(&server.base).login(ADMIN.0, ADMIN.1).await;
    let busy: Vec<_> = (0..40)
        .map(|_| {
            let admin = admin.clone();
            tokio::spawn(async move { admin.send(Method::GET, "/api/v1/users?search=a", None).await })
        })
        .collect();
    for b in busy {
        let (status, body) = b.await.expect("task").expect("an answer");
        assert_eq!(status, 200, "{body}");
    }
    let open = scalar(
        &url,
        &format!("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()"),
    )
    .await;
    assert!((1..=3).contains(&open), "{open} connections open for a pool of 3");
}
