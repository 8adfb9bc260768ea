//! The real `tessera` binary as a child process on a fresh database (SQLite
//! or PostgreSQL, as `TESSERA_TEST_DATABASE` says), and a small client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub fn on_postgres() -> bool {
    std::env::var("TESSERA_TEST_DATABASE").as_deref() == Ok("postgres")
}

fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{name}_{}_{nanos}", std::process::id())
}

/// A fresh, empty database: a new SQLite file or a new PostgreSQL database.
pub async fn fresh_database_url(name: &str) -> String {
    let id = unique(name);
    if on_postgres() {
        let base = std::env::var("TESSERA_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let db = format!("tessera_t_proc_{id}");
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{base}/postgres"))
            .await
            .expect("postgres");
        sqlx::Executor::execute(&mut c, format!("CREATE DATABASE {db}").as_str())
            .await
            .expect("create database");
        format!("{base}/{db}")
    } else {
        let dir = std::env::temp_dir().join(format!("tessera-proc-{id}"));
        std::fs::create_dir_all(&dir).expect("dir");
        format!("sqlite://{}", dir.join("tessera.db").display())
    }
}

/// One integer from the database, read directly (not through the server).
pub async fn scalar(url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        let v: i64 = sqlx::query_scalar(sql).fetch_one(&mut c).await.expect(sql);
        v
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        let v: i64 = sqlx::query_scalar(sql).fetch_one(&mut c).await.expect(sql);
        v
    }
}

/// Runs a `tessera` command to its end.
pub fn tessera(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(args)
        .env("TESSERA_DATABASE_URL", url)
        .output()
        .expect("run tessera")
}

/// A running `tessera serve`.
pub struct Instance {
    pub child: Child,
    pub base: String,
    pub addr: String,
    /// Everything it wrote to standard error so far.
    pub log: Arc<Mutex<String>>,
    /// The thread copying standard error into `log`; joined once the
    /// process has exited, so the log then holds its last lines too.
    log_reader: Option<std::thread::JoinHandle<()>>,
}

impl Instance {
    /// Starts `tessera serve` on a free port and waits until it is ready.
    pub fn start(url: &str, extra: &[&str]) -> Instance {
        Instance::start_many(url, extra, 1).pop().expect("one instance")
    }

    /// Starts `n` servers on one database at once, then waits for each.
    pub fn start_many(url: &str, extra: &[&str], n: usize) -> Vec<Instance> {
        let spawned: Vec<_> = (0..n).map(|_| Instance::spawn(url, extra)).collect();
        spawned
            .into_iter()
            .map(|(mut child, log, log_reader, rx)| {
                let addr = match rx.recv_timeout(Duration::from_secs(60)) {
                    Ok(a) => a,
                    Err(_) => {
                        let _ = child.kill();
                        let log = log.lock().map(|l| l.clone()).unwrap_or_default();
                        panic!("tessera serve did not start:\n{log}");
                    }
                };
                Instance {
                    child,
                    base: format!("http://{addr}"),
                    addr,
                    log,
                    log_reader: Some(log_reader),
                }
            })
            .collect()
    }

    #[allow(
        clippy::type_complexity,
        reason = "the parts of a spawned server, taken apart at once"
    )]
    fn spawn(
        url: &str,
        extra: &[&str],
    ) -> (
        Child,
        Arc<Mutex<String>>,
        std::thread::JoinHandle<()>,
        std::sync::mpsc::Receiver<String>,
    ) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .env("TESSERA_DATABASE_URL", url)
            .env("RUST_LOG", "info,sqlx=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn tessera serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        let log_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = sink.lock() {
                    l.push_str(&line);
                    l.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("Tessera is listening on http://")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(addr.trim().to_owned());
                }
            }
        });
        (child, log, log_reader, rx)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Sends a signal by name (`TERM`, `KILL`) with the `kill` command.
    pub fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill -{name} failed");
    }

    /// Waits for the process to end, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.child.try_wait().expect("try_wait") {
                // Its standard error is closed: read it to the end.
                if let Some(reader) = self.log_reader.take() {
                    let _ = reader.join();
                }
                return s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("tessera did not exit within {limit:?}:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A client of one instance, maybe signed in.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
            token: None,
        }
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// Sends a request; `Err` when no answer came (connection refused or cut).
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<(u16, Value), String> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let text = res.text().await.map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// A request that must be answered with `status`; the body.
    pub async fn expect(&self, method: reqwest::Method, path: &str, body: Option<Value>, status: u16) -> Value {
        let (s, b) = self.send(method, path, body).await.expect("an answer");
        assert_eq!(s, status, "{path}: {b}");
        b
    }

    pub async fn post(&self, path: &str, body: Value, status: u16) -> Value {
        self.expect(reqwest::Method::POST, path, Some(body), status).await
    }

    pub async fn get(&self, path: &str, status: u16) -> Value {
        self.expect(reqwest::Method::GET, path, None, status).await
    }

    /// Signs in; the client with the token.
    pub async fn login(&self, email: &str, password: &str) -> Api {
        let b = self
            .post("/api/v1/auth/login", json!({"email": email, "password": password}), 200)
            .await;
        self.with_token(b["token"].as_str().expect("token"))
    }
}

/// The demo's admin.
pub const ADMIN: (&str, &str) = ("admin@tessera.local", "tessera-admin");
/// The demo's rental manager.
pub const MANAGER: (&str, &str) = ("marina@tessera.local", "tessera-marina");

/// A coworking of its own (not the demo's): ids to book against.
pub struct Coworking {
    pub workplaces: Vec<i64>,
    pub daily: i64,
    pub customer: i64,
}

/// Creates a venue in Moscow with `n` workplaces, a daily tariff and a visitor.
pub async fn coworking(admin: &Api, n: usize) -> Coworking {
    let venue = admin
        .post(
            "/api/v1/venues",
            json!({"name": "Нагрузка", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
            201,
        )
        .await["id"]
        .as_i64()
        .expect("venue");
    let premises = admin
        .post(
            "/api/v1/premises",
            json!({"venue_id": venue, "name": "Коворкинг", "kind": "coworking"}),
            201,
        )
        .await["id"]
        .as_i64()
        .expect("premises");
    let mut workplaces = Vec::new();
    for i in 0..n {
        let w = admin
            .post(
                &format!("/api/v1/premises/{premises}/workplaces"),
                json!({"name": format!("РМ №{}", i + 1)}),
                201,
            )
            .await;
        workplaces.push(w["id"].as_i64().expect("workplace"));
    }
    let daily = admin
        .post(
            "/api/v1/tariffs",
            json!({"venue_id": venue, "name": "Суточный", "unit": "day", "price": "1500.00"}),
            201,
        )
        .await["id"]
        .as_i64()
        .expect("tariff");
    let customer = admin
        .post(
            "/api/v1/users",
            json!({"first_name": "Нина", "last_name": "Нагрузкина", "email": format!("{}@example.test", unique("load")), "role": "visitor"}),
            201,
        )
        .await["id"]
        .as_i64()
        .expect("user");
    Coworking {
        workplaces,
        daily,
        customer,
    }
}

/// `today + d` in Moscow, `YYYY-MM-DD`.
pub fn day(d: i64) -> String {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Moscow").expect("zone"))
        .date();
    today.checked_add(jiff::Span::new().days(d)).expect("date").to_string()
}

/// An order of one whole-days item.
pub fn order(c: &Coworking, workplace: i64, from: i64, to: i64) -> Value {
    json!({"customer_id": c.customer, "items": [{"workplace_id": workplace, "period": {"start_date": day(from), "end_date": day(to)}, "tariff_id": c.daily}]})
}
