//! `kill -9` under load: every order the server acknowledged (201) is there
//! after a restart, with its ticket, and nothing is half-written; and its
//! `order.created` webhook reaches the endpoint once the server is back.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{ADMIN, Api, Coworking, Instance, coworking, fresh_database_url, order, scalar};

/// An acknowledged order: its number, its ticket, where and when.
#[derive(Debug, Clone)]
struct Acked {
    order: i64,
    ticket: i64,
    workplace: i64,
    day: i64,
}

#[derive(Default)]
struct Tally {
    tried: AtomicUsize,
    acked: AtomicUsize,
    unanswered: AtomicUsize,
}

/// Clients book distinct workplace-days (slot `k` is workplace `k % n` on day
/// `first_day + k / n`) until the server dies or `stop` is set.
async fn load(
    api: Api,
    cw: Arc<Coworking>,
    next: Arc<AtomicUsize>,
    first_day: i64,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
) -> Vec<Acked> {
    let n = cw.workplaces.len();
    let mut acked = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let k = next.fetch_add(1, Ordering::Relaxed);
        let workplace = cw.workplaces[k % n];
        let day = first_day + i64::try_from(k / n).unwrap_or(0);
        tally.tried.fetch_add(1, Ordering::Relaxed);
        match api
            .send(
                reqwest::Method::POST,
                "/api/v1/orders",
                Some(order(&cw, workplace, day, day)),
            )
            .await
        {
            Ok((201, body)) => {
                tally.acked.fetch_add(1, Ordering::Relaxed);
                acked.push(Acked {
                    order: body["number"].as_i64().expect("number"),
                    ticket: body["tickets"][0]["number"].as_i64().expect("ticket"),
                    workplace,
                    day,
                });
            }
            Ok((status, body)) => panic!("a free workplace-day was refused: {status} {body}"),
            // The server is gone: this request may or may not have committed.
            Err(_) => {
                tally.unanswered.fetch_add(1, Ordering::Relaxed);
                break;
            }
        }
    }
    acked
}

/// A webhook endpoint in the test (it outlives the server's restarts): the
/// order numbers of the `order.created` events it got, and its URL.
async fn receiver() -> (Arc<std::sync::Mutex<std::collections::HashSet<i64>>>, String) {
    let got: Arc<std::sync::Mutex<std::collections::HashSet<i64>>> = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let seen = seen.clone();
            async move {
                let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                if v["type"] == "order.created"
                    && let Some(n) = v["data"]["number"].as_i64()
                {
                    seen.lock().expect("lock").insert(n);
                }
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (got, format!("http://{addr}/hook"))
}

async fn verify(api: &Api, acked: &[Acked]) {
    for a in acked {
        let o = api.get(&format!("/api/v1/orders/{}", a.order), 200).await;
        let tickets: Vec<i64> = o["tickets"]
            .as_array()
            .map(|t| t.iter().filter_map(|t| t["number"].as_i64()).collect())
            .unwrap_or_default();
        assert_eq!(tickets, vec![a.ticket], "order {}: {o}", a.order);
        let t = api.get(&format!("/api/v1/coworking/tickets/{}", a.ticket), 200).await;
        assert_eq!(t["workplace"]["id"], Value::from(a.workplace), "{t}");
        assert_eq!(t["period"]["start_date"], Value::from(support::day(a.day)), "{t}");
        assert_eq!(t["order"]["number"], Value::from(a.order), "{t}");
    }
}

/// No order without its ticket, no ticket without its order or its history.
async fn assert_nothing_half_written(url: &str) {
    let orphans = [
        "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.order_number = o.number)",
        "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.number = t.order_number)",
        "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_history h WHERE h.ticket_number = t.number)",
        "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_history h WHERE h.order_number = o.number)",
    ];
    for q in orphans {
        assert_eq!(scalar(url, q).await, 0, "{q}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_load_loses_no_acknowledged_order() {
    const CLIENTS: usize = 6;
    const ROUNDS: i64 = 3;
    const ACKED_BEFORE_KILL: usize = 150;
    let url = fresh_database_url("crash").await;
    let mut server = Instance::start(&url, &["--demo"]);
    let admin = Api::new(&server.base).login(ADMIN.0, ADMIN.1).await;
    let cw = Arc::new(coworking(&admin, 8).await);
    let (hooked, hook_url) = receiver().await;
    admin
        .post(
            "/api/v1/webhooks",
            serde_json::json!({"url": hook_url, "events": ["order.created"]}),
            201,
        )
        .await;
    let orders_before = scalar(&url, "SELECT COUNT(*) FROM orders").await;
    let mut all_acked: Vec<Acked> = Vec::new();
    let (mut tried, mut unanswered) = (0, 0);
    let token = admin.token.clone().expect("token");
    for round in 0..ROUNDS {
        let api = Api::new(&server.base).with_token(&token);
        let tally = Arc::new(Tally::default());
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(0));
        let first_day = 30 + round * 200;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                tokio::spawn(load(
                    api.clone(),
                    cw.clone(),
                    next.clone(),
                    first_day,
                    tally.clone(),
                    stop.clone(),
                ))
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(120);
        while tally.acked.load(Ordering::Relaxed) < ACKED_BEFORE_KILL {
            assert!(Instant::now() < deadline, "the load did not get going");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        // Mid-load: every client has a request out.
        server.child.kill().expect("kill -9");
        let _ = server.child.wait();
        let mut acked = Vec::new();
        for c in clients {
            acked.extend(c.await.expect("client"));
        }
        stop.store(true, Ordering::Relaxed);
        assert_eq!(
            tally.unanswered.load(Ordering::Relaxed),
            CLIENTS,
            "every client was cut off"
        );
        tried += tally.tried.load(Ordering::Relaxed);
        unanswered += tally.unanswered.load(Ordering::Relaxed);
        all_acked.extend(acked);
        // Restart on the same database: the token still works, and every
        // acknowledged order (of this round and the earlier ones) is there.
        server = Instance::start(&url, &[]);
        let api = Api::new(&server.base).with_token(&token);
        verify(&api, &all_acked).await;
        assert_nothing_half_written(&url).await;
    }
    // Every acknowledged order's event was committed with it, and goes out
    // once the server is back: none is lost to the kills.
    let deadline = Instant::now() + Duration::from_secs(120);
    let missing = loop {
        let got = hooked.lock().expect("lock").clone();
        let missing: Vec<i64> = all_acked.iter().map(|a| a.order).filter(|o| !got.contains(o)).collect();
        if missing.is_empty() || Instant::now() > deadline {
            break missing;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(missing.is_empty(), "order.created never delivered for {missing:?}");
    let stored = scalar(&url, "SELECT COUNT(*) FROM orders").await - orders_before;
    let acked = i64::try_from(all_acked.len()).unwrap_or(i64::MAX);
    assert!(stored >= acked);
    // Committed orders the clients never heard of can only be ones cut off.
    assert!(stored - acked <= i64::try_from(unanswered).unwrap_or(0));
    eprintln!(
        "crash test ({}): {ROUNDS} kill -9 under load by {CLIENTS} clients; {tried} orders tried, {} acknowledged, \
         {unanswered} cut off, {} committed unacknowledged, 0 acknowledged lost, 0 half-written, every order.created delivered",
        if support::on_postgres() { "postgres" } else { "sqlite" },
        all_acked.len(),
        stored - acked,
    );
}

/// The door logs its checks in batches, a batch of them one commit: a check
/// the turnstile got an answer for is in the log after `kill -9`, whichever
/// batch it rode in. (Unknown passes are logged like any other check.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_at_the_door_loses_no_answered_check() {
    const GATES: usize = 8;
    const ANSWERED_BEFORE_KILL: usize = 300;
    let url = fresh_database_url("crash_door").await;
    let mut server = Instance::start(&url, &["--demo"]);
    let admin = Api::new(&server.base).login(ADMIN.0, ADMIN.1).await;
    admin
        .post(
            "/api/v1/users",
            serde_json::json!({"first_name": "Gate", "last_name": "Crash", "email": "gate@crash.test",
                "role": "gate", "password": "gate-password"}),
            201,
        )
        .await;
    let gate = Api::new(&server.base).login("gate@crash.test", "gate-password").await;
    let logged_before = scalar(&url, "SELECT COUNT(*) FROM access_checks").await;
    let answered = Arc::new(AtomicUsize::new(0));
    let cut_off = Arc::new(AtomicUsize::new(0));
    let turnstiles: Vec<_> = (0..GATES)
        .map(|g| {
            let (gate, answered, cut_off) = (gate.clone(), answered.clone(), cut_off.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let body = serde_json::json!({"token": format!("{g}.{i}.forged"), "premises_id": 1});
                    match gate
                        .send(reqwest::Method::POST, "/api/v1/access/check", Some(body))
                        .await
                    {
                        Ok((200, v)) => {
                            assert_eq!(v["reason"], "unknown_pass", "{v}");
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok((status, v)) => panic!("a check was refused: {status} {v}"),
                        Err(_) => {
                            cut_off.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered.load(Ordering::Relaxed) < ANSWERED_BEFORE_KILL {
        assert!(Instant::now() < deadline, "the turnstiles did not get going");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.child.kill().expect("kill -9");
    let _ = server.child.wait();
    for t in turnstiles {
        t.await.expect("turnstile");
    }
    assert_eq!(cut_off.load(Ordering::Relaxed), GATES, "every turnstile was cut off");
    // Restart (it waits until ready), so SQLite recovers its WAL as a user's
    // restart would.
    let _server = Instance::start(&url, &[]);
    let logged = scalar(&url, "SELECT COUNT(*) FROM access_checks").await - logged_before;
    let answered = i64::try_from(answered.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
    assert!(logged >= answered, "{answered} checks answered, only {logged} logged");
    assert!(
        logged - answered <= i64::try_from(GATES).unwrap_or(0),
        "only checks cut off may be logged unanswered"
    );
    eprintln!("door crash test: {answered} checks answered before kill -9, {logged} logged, 0 lost");
}
