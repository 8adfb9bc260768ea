//! What operations rely on: `/metrics` in Prometheus' format, security
//! headers on every answer, and sign-in throttling.

mod common;

use common::{Answer, Client, Server, World};
use reqwest::Method;
use serde_json::json;

/// The value of one sample line (`name{labels} value`), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
}

async fn scrape(server: &Server) -> String {
    let res = server
        .http
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .expect("scrape");
    assert_eq!(res.status().as_u16(), 200);
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    res.text().await.expect("body")
}

#[tokio::test]
async fn metrics_count_and_time_requests_by_method_matched_route_and_status() {
    let w = World::new().await;
    let missing = r#"http_requests_total{method="GET",route="/api/v1/orders/{number}",status="404"}"#;
    let created = r#"http_requests_total{method="POST",route="/api/v1/venues",status="201"}"#;
    let before = scrape(&w.server).await;
    for n in [987_654, 987_655, 987_656] {
        w.manager.get(&format!("/api/v1/orders/{n}")).await.problem(404);
    }
    w.manager.get("/no/such/path/424242").await.problem(404);
    let after = scrape(&w.server).await;
    let delta = sample(&after, missing).unwrap_or(0.0) - sample(&before, missing).unwrap_or(0.0);
    assert!(delta >= 3.0, "three 404s counted under the route pattern:\n{after}");
    // The World's setup created one venue as admin.
    assert!(sample(&after, created).is_some_and(|v| v >= 1.0), "{after}");
    // Raw paths never become labels; unmatched ones share one series.
    assert!(!after.contains("987654") && !after.contains("424242"), "{after}");
    assert!(
        sample(
            &after,
            r#"http_requests_total{method="GET",route="unmatched",status="404"}"#
        )
        .is_some_and(|v| v >= 1.0),
        "{after}"
    );
    // A latency histogram with buckets, per the same labels.
    let bucket =
        r#"http_request_duration_seconds_bucket{method="GET",route="/api/v1/orders/{number}",status="404",le="+Inf"}"#;
    assert!(sample(&after, bucket).is_some_and(|v| v >= 3.0), "{after}");
    let count = r#"http_request_duration_seconds_count{method="GET",route="/api/v1/orders/{number}",status="404"}"#;
    assert_eq!(sample(&after, count), sample(&after, bucket));
    assert!(
        after.contains("# TYPE http_request_duration_seconds histogram"),
        "{after}"
    );
    // The scrape itself is in flight while it renders.
    assert!(
        sample(&after, "http_requests_in_flight").is_some_and(|v| v >= 1.0),
        "{after}"
    );
}

#[tokio::test]
async fn a_request_that_is_still_running_shows_in_flight() {
    let w = World::new().await;
    // A body that never finishes keeps its request in flight.
    use tokio::io::AsyncWriteExt;
    let addr = w.server.base.trim_start_matches("http://").to_owned();
    let mut stalled = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/venues HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"name\":",
        w.admin.token.clone().unwrap_or_default()
    );
    stalled.write_all(head.as_bytes()).await.expect("write");
    let mut seen = 0.0;
    for _ in 0..100 {
        let text = scrape(&w.server).await;
        seen = sample(&text, "http_requests_in_flight").unwrap_or(0.0);
        if seen >= 2.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(seen >= 2.0, "the stalled request and the scrape: {seen}");
    drop(stalled);
    let mut settled = f64::MAX;
    for _ in 0..100 {
        settled = sample(&scrape(&w.server).await, "http_requests_in_flight").unwrap_or(f64::MAX);
        if settled <= 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(settled, 1.0, "finished requests leave the gauge");
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

#[track_caller]
fn assert_security_headers(what: &str, a: &Answer) {
    let h = |name: &str| {
        a.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_owned()
    };
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
    assert_eq!(h("content-security-policy"), CSP, "{what}");
    assert_eq!(a.headers.get_all("content-security-policy").iter().count(), 1, "{what}");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let w = World::new().await;
    let anon = w.server.anonymous();
    let cases: Vec<(&str, Answer)> = vec![
        ("health", anon.get("/healthz").await),
        ("openapi", anon.get("/api/openapi.json").await),
        ("metrics", anon.get("/metrics").await),
        ("json", w.admin.get("/api/v1/venues").await),
        (
            "created",
            w.admin
                .post("/api/v1/service-variants", json!({"venue_id": w.venue, "name": "X"}))
                .await,
        ),
        ("unauthenticated", anon.get("/api/v1/me").await),
        ("unknown route", anon.get("/nowhere").await),
        ("wrong method", anon.raw(Method::DELETE, "/healthz", None, None).await),
        ("malformed", w.admin.post_text("/api/v1/venues", "{").await),
        (
            "too large",
            w.admin.post_text("/api/v1/venues", &"x".repeat(1_100_000)).await,
        ),
    ];
    for (what, a) in &cases {
        assert_security_headers(what, a);
    }
    assert_eq!(cases[0].1.status.as_u16(), 200);
    assert_eq!(cases[5].1.status.as_u16(), 401);
    assert_eq!(cases[6].1.status.as_u16(), 404);
    assert_eq!(cases[7].1.status.as_u16(), 405);
    assert_eq!(cases[9].1.status.as_u16(), 413);
}

async fn user_with_password(admin: &Client, email: &str, password: &str) {
    admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Ольга", "last_name": "Иванова", "email": email, "role": "visitor", "password": password}),
        )
        .await
        .ok(201);
}

async fn login(server: &Server, email: &str, password: &str, lang: &'static str) -> Answer {
    server
        .anonymous()
        .lang(lang)
        .post("/api/v1/auth/login", json!({"email": email, "password": password}))
        .await
}

#[tokio::test]
async fn after_five_wrong_passwords_an_email_is_throttled_even_with_the_right_one() {
    let w = World::new().await;
    user_with_password(&w.admin, "olga@example.test", "right-password").await;
    user_with_password(&w.admin, "other@example.test", "other-password").await;
    // A success in between does not count, and clears the failures so far.
    for _ in 0..3 {
        login(&w.server, "olga@example.test", "wrong", "en").await.problem(401);
    }
    login(&w.server, "olga@example.test", "right-password", "en")
        .await
        .ok(200);
    for i in 0..5 {
        // The e-mail is counted as sign-in reads it: case and spaces aside.
        let email = if i % 2 == 0 {
            "olga@example.test"
        } else {
            " OLGA@Example.Test "
        };
        login(&w.server, email, "wrong", "en").await.problem(401);
    }
    let a = login(&w.server, "olga@example.test", "right-password", "en").await;
    let body = a.problem(429);
    assert_eq!(body["type"], "https://tessera.dev/problems/too-many-attempts");
    assert!(a.headers.get("www-authenticate").is_none());
    let retry: u64 = a
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains(&retry.to_string())),
        "{body}"
    );
    // In the caller's language.
    let ru = login(&w.server, "olga@example.test", "right-password", "ru").await;
    assert_eq!(ru.problem(429)["title"], "Слишком много попыток входа");
    let bg = login(&w.server, "olga@example.test", "right-password", "bg").await;
    assert_eq!(bg.problem(429)["title"], "Твърде много опити за вход");
    // Other e-mails from the same address are not affected.
    login(&w.server, "other@example.test", "other-password", "en")
        .await
        .ok(200);
    login(&w.server, "other@example.test", "wrong", "en").await.problem(401);
    // Once the window has passed, the right password works again.
    w.server
        .clock
        .set(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(15 * 60 + 1));
    login(&w.server, "olga@example.test", "right-password", "en")
        .await
        .ok(200);
}

#[tokio::test]
async fn after_twenty_failures_from_one_address_every_email_is_throttled_there() {
    let w = World::new().await;
    user_with_password(&w.admin, "late@example.test", "late-password").await;
    for i in 0..20 {
        // A spoofed X-Forwarded-For does not make another address.
        let a = w
            .server
            .http
            .post(format!("{}/api/v1/auth/login", w.server.base))
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .json(&json!({"email": format!("nobody{i}@example.test"), "password": "guess"}))
            .send()
            .await
            .expect("login");
        assert_eq!(a.status().as_u16(), 401);
    }
    let a = login(&w.server, "late@example.test", "late-password", "en").await;
    a.problem(429);
    assert!(a.headers.get("retry-after").is_some());
    // Signed-in clients are not affected: only sign-in is throttled.
    w.admin.get("/api/v1/me").await.ok(200);
    let metrics = scrape(&w.server).await;
    assert!(
        sample(&metrics, "tessera_logins_throttled_total").is_some_and(|v| v >= 1.0),
        "{metrics}"
    );
}
