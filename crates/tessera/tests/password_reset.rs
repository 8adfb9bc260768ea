//! A forgotten password, as the real binary handles it until mail exists:
//! the link is written to the server log at INFO, works once, and ends the
//! user's sessions.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{Api, Instance, MANAGER, fresh_database_url};

/// The token of the newest reset link in the log, waiting for it to appear.
fn logged_token(server: &Instance, seen: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = server.log();
        let tokens: Vec<String> = log
            .lines()
            .filter(|l| l.contains("password reset link") && l.contains("INFO"))
            .filter_map(|l| l.split("token=").nth(1))
            .map(|t| {
                t.split(|c: char| c.is_whitespace() || c == '"')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        if tokens.len() > seen {
            return tokens[tokens.len() - 1].clone();
        }
        assert!(Instant::now() < deadline, "no reset link in the log:\n{log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_reset_link_is_logged_works_once_and_ends_the_sessions() {
    let url = fresh_database_url("reset").await;
    let server = Instance::start(&url, &["--demo"]);
    let anon = Api::new(&server.base);
    let session = anon.login(MANAGER.0, MANAGER.1).await;

    anon.post(
        "/api/v1/auth/password-reset",
        json!({"email": "nobody@tessera.local"}),
        202,
    )
    .await;
    anon.post(
        "/api/v1/auth/password-reset",
        json!({"email": " Marina@Tessera.Local "}),
        202,
    )
    .await;
    let token = logged_token(&server, 0);
    assert!(token.len() >= 32, "a token worth guessing: {token}");
    assert_eq!(
        server.log().matches("password reset link").count(),
        1,
        "an unknown e-mail gets no link"
    );

    let set = json!({"token": token, "new_password": "marina's new long password"});
    let (status, _) = anon
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/password-reset/confirm",
            Some(set.clone()),
        )
        .await
        .expect("answer");
    assert_eq!(status, 204);
    session.get("/api/v1/me", 401).await;
    anon.login(MANAGER.0, "marina's new long password").await;
    let (status, _) = anon
        .send(reqwest::Method::POST, "/api/v1/auth/password-reset/confirm", Some(set))
        .await
        .expect("answer");
    assert_eq!(status, 422, "a link works once");
}
