//! SIGTERM: the real binary stops taking connections, finishes every request
//! in flight with a whole answer, and exits 0.

mod support;

use std::time::{Duration, Instant};

use support::{ADMIN, Api, Instance, fresh_database_url};

/// `http_requests_in_flight` from `/metrics`.
async fn in_flight(api: &Api) -> f64 {
    let text = api
        .http
        .get(format!("{}/metrics", api.base))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("body");
    text.lines()
        .find_map(|l| l.strip_prefix("http_requests_in_flight "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_requests_in_flight_then_exits_zero() {
    let url = fresh_database_url("shutdown").await;
    let mut server = Instance::start(&url, &["--demo"]);
    let api = Api::new(&server.base);
    // Sign-ins check an argon2 hash each (tens of milliseconds of CPU): a
    // batch of them is still running when the signal comes.
    const N: usize = 24;
    let mut logins = Vec::new();
    for i in 0..N {
        // Each from its own loopback address: one address may have only 5
        // sign-ins of one e-mail in flight (the throttle counts them).
        let local: std::net::IpAddr = format!("127.0.0.{}", i + 2).parse().expect("address");
        let api = Api {
            http: reqwest::Client::builder().local_address(local).build().expect("client"),
            ..api.clone()
        };
        logins.push(tokio::spawn(async move {
            api.send(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                Some(serde_json::json!({"email": ADMIN.0, "password": ADMIN.1})),
            )
            .await
        }));
    }
    // Wait until the server holds every one of them (plus this scrape).
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = 0.0;
    while Instant::now() < deadline {
        seen = in_flight(&api).await;
        if seen >= (N + 1) as f64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(seen >= (N + 1) as f64, "only {seen} requests seen in flight");
    server.signal("TERM");
    // The listener closes: new connections are refused (the sign-ins may
    // still be running).
    let deadline = Instant::now() + Duration::from_secs(30);
    let refused = loop {
        match tokio::net::TcpStream::connect(&server.addr).await {
            // A connection caught in the backlog as the listener closes is
            // reset; the next one finds no listener.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(5)).await
            }
            Err(e) => break e,
            Ok(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(5)).await,
            Ok(_) => panic!("still accepting connections 30 s after SIGTERM"),
        }
    };
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    let mut answered = 0;
    for l in logins {
        let (status, body) = l.await.expect("task").expect("a whole answer, not a cut connection");
        assert_eq!(status, 200, "{body}");
        assert!(body["token"].as_str().is_some_and(|t| t.len() >= 32), "{body}");
        answered += 1;
    }
    let status = server.wait(Duration::from_secs(30));
    let log = server.log();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("finishing requests in flight"), "{log}");
    assert!(log.contains("stopped"), "{log}");
    assert!(tokio::net::TcpStream::connect(&server.addr).await.is_err());
    eprintln!("graceful shutdown: {N} sign-ins in flight at SIGTERM, {answered} answered 200, exit 0");
}
