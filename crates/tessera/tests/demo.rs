//! `tessera demo` loads the seed's examples, and `tessera user add` reads the
//! password from standard input — run as the real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use tessera_domain::TicketStatus;
use tessera_store::{Store, TicketFilter};

async fn database_url(name: &str) -> String {
    if std::env::var("TESSERA_TEST_DATABASE").as_deref() == Ok("postgres") {
        let base = std::env::var("TESSERA_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let db = format!("tessera_t_cli_{name}_{}", std::process::id());
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{base}/postgres"))
            .await
            .expect("postgres");
        sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {db}").as_str())
            .await
            .expect("create database");
        format!("{base}/{db}")
    } else {
        let dir = std::env::temp_dir().join(format!("tessera-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        format!("sqlite://{}", dir.join("demo.db").display())
    }
}

fn tessera(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .env("TESSERA_DATABASE_URL", url)
        .output()
        .expect("run tessera")
}

#[tokio::test]
async fn the_demo_holds_the_seed_list_and_prints_logins() {
    let url = database_url("demo").await;
    let out = tessera(&url, &["demo"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    for role in ["admin", "rental_manager", "event_manager", "visitor", "gate"] {
        assert!(printed.contains(role), "{printed}");
    }
    let store = Store::open(&url).await.expect("store");
    let page = store
        .list_tickets(
            &TicketFilter {
                limit: 50,
                ..TicketFilter::default()
            },
            jiff::Timestamp::now(),
        )
        .await
        .expect("list");
    let numbers: Vec<i64> = page.items.iter().map(|t| t.number).collect();
    assert_eq!(numbers, vec![34, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22]);
    let status = |n: i64| page.items.iter().find(|t| t.number == n).map(|t| t.status);
    // The statuses the seed shows that do not depend on the hour of the day.
    assert_eq!(status(31), Some(TicketStatus::Confirmed));
    assert_eq!(status(30), Some(TicketStatus::New));
    assert_eq!(status(28), Some(TicketStatus::New));
    assert_eq!(status(26), Some(TicketStatus::Confirmed));
    assert_eq!(status(24), Some(TicketStatus::New));
    assert_eq!(status(23), Some(TicketStatus::Confirmed));
    assert_eq!(status(22), Some(TicketStatus::Cancelled));
    let t26 = store
        .ticket(26, jiff::Timestamp::now())
        .await
        .expect("read")
        .expect("ticket 26");
    assert_eq!(t26.order_number, 1215);
    assert_eq!(t26.visitor.last_name, "Семенова");
    assert_eq!(t26.tariff.1, "Суточный");
    let t34 = store
        .ticket(34, jiff::Timestamp::now())
        .await
        .expect("read")
        .expect("ticket 34");
    assert_eq!(t34.order_number, 1223);
    assert_eq!(t34.premises.1, "Коворкинг на 2 этаже");
    assert_eq!(t34.service_variant.map(|v| v.1), Some("Резидент +".into()));
    let mods: Vec<String> = t34.modifiers.iter().map(|m| m.name.clone()).collect();
    assert_eq!(mods, vec!["Шкафчик", "Юридическое сопровождение"]);
    let events = store.events(None, 50).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].4, 100, "the seed's event has 100 PAX");
    // A second demo into a full database is refused.
    assert!(!tessera(&url, &["demo"]).status.success());
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin() {
    let url = database_url("useradd").await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args([
            "user",
            "add",
            "--email",
            "Boss@Example.com",
            "--first-name",
            "Ada",
            "--last-name",
            "Admin",
            "--role",
            "admin",
        ])
        .env("TESSERA_DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a-long-password\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&url).await.expect("store");
    let (user, hash) = store
        .user_for_login("boss@example.com")
        .await
        .expect("read")
        .expect("user");
    assert_eq!(user.role, "admin");
    assert!(hash.is_some_and(|h| h.starts_with("$argon2")));
    let short = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args([
            "user",
            "add",
            "--email",
            "x@example.com",
            "--first-name",
            "X",
            "--last-name",
            "Y",
            "--role",
            "admin",
        ])
        .env("TESSERA_DATABASE_URL", &url)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(!short.status.success(), "an empty password is refused");
    let bad_role = tessera(
        &url,
        &[
            "user",
            "add",
            "--email",
            "z@example.com",
            "--first-name",
            "Z",
            "--last-name",
            "Z",
            "--role",
            "king",
        ],
    );
    assert!(!bad_role.status.success());
}

#[tokio::test]
async fn backup_writes_a_consistent_copy_that_opens() {
    if std::env::var("TESSERA_TEST_DATABASE").as_deref() == Ok("postgres") {
        // PostgreSQL is backed up with pg_dump; the command says so.
        let url = database_url("backup").await;
        let out = tessera(&url, &["backup", "--to", "/tmp/never-written.db"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    }
    let url = database_url("backup").await;
    assert!(tessera(&url, &["demo"]).status.success());
    let dir = std::env::temp_dir().join(format!("tessera-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let copy = dir.join("copy.db");
    let _ = std::fs::remove_file(&copy);
    let out = tessera(&url, &["backup", "--to", copy.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&format!("sqlite://{}", copy.display()))
        .await
        .expect("the copy opens");
    let t = store
        .ticket(26, jiff::Timestamp::now())
        .await
        .expect("read")
        .expect("ticket 26 is in the copy");
    assert_eq!(t.order_number, 1215);
    // A backup never overwrites.
    assert!(
        !tessera(&url, &["backup", "--to", copy.to_str().expect("path")])
            .status
            .success()
    );
}
