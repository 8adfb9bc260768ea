//! A forgotten password, as the real binary handles it: started with
//! `--smtp-url` and `--mail-from`, it mails the link (to a real SMTP server)
//! pointing at the address it listens on; the link works once and ends the
//! user's sessions, and it is in no log.

#[path = "../../server/tests/common/smtp.rs"]
mod smtp;
mod support;

use serde_json::json;
use support::{Api, Instance, MANAGER, fresh_database_url};

#[tokio::test]
async fn a_reset_link_is_mailed_works_once_and_ends_the_sessions() {
    let sink = smtp::Sink::start();
    let url = fresh_database_url("reset").await;
    let smtp_url = sink.url();
    let server = Instance::start(
        &url,
        &[
            "--demo",
            "--smtp-url",
            &smtp_url,
            "--mail-from",
            "Tessera <noreply@tessera.local>",
        ],
    );
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
    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1, "an unknown e-mail gets no link: {mails:#?}");
    assert_eq!(mails[0].to, "marina@tessera.local");
    assert_eq!(mails[0].subject, "Смена пароля в Tessera");
    let prefix = format!("{}/password-reset?token=", server.base);
    let token = mails[0]
        .text
        .split_whitespace()
        .find_map(|w| w.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no link to {} in {}", server.base, mails[0].text))
        .to_owned();
    assert!(token.len() >= 32, "a token worth guessing: {token}");
    assert!(!server.log().contains(&token), "the link is in no log");

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

#[test]
fn smtp_settings_are_checked_at_start() {
    for (args, says) in [
        (vec!["--smtp-url", "http://mail.example"], "TESSERA_MAIL_FROM"),
        (
            vec!["--smtp-url", "http://mail.example", "--mail-from", "a@b.c"],
            "TESSERA_SMTP_URL",
        ),
        (
            vec!["--smtp-url", "smtp://mail.example", "--mail-from", "not an address"],
            "TESSERA_MAIL_FROM",
        ),
        (vec!["--mail-from", "a@b.c"], "TESSERA_SMTP_URL"),
        (vec!["--public-url", "tessera.example"], "TESSERA_PUBLIC_URL"),
    ] {
        let out = refused(&args);
        assert!(out.contains(says), "{args:?}: {out}");
    }
}

/// Runs `tessera serve` with these arguments, which it must refuse at once;
/// answers what it said.
fn refused(args: &[&str]) -> String {
    use std::time::{Duration, Instant};
    let dir = std::env::temp_dir().join(format!("tessera-refused-{}", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env(
            "TESSERA_DATABASE_URL",
            format!("sqlite://{}", dir.join("t.db").display()),
        )
        .env_remove("TESSERA_SMTP_URL")
        .env_remove("TESSERA_MAIL_FROM")
        .env_remove("TESSERA_PUBLIC_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run tessera");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tessera serve {args:?} was not refused");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = child.wait().expect("status");
    assert!(!status.success(), "{args:?} ended well");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err).expect("stderr");
    let _ = std::fs::remove_dir_all(&dir);
    err
}
