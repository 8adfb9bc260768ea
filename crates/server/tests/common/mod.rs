//! A real server on port 0 over a fresh database, SQLite or PostgreSQL as
//! `TESSERA_TEST_DATABASE` says, and a small client for it.
#![allow(dead_code)]

pub mod smtp;

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tessera_server::{AppState, Clock, Config};
use tessera_store::{NewUser, Store};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Which backend the suite runs on.
pub fn backend() -> String {
    std::env::var("TESSERA_TEST_DATABASE").unwrap_or_else(|_| "sqlite".into())
}

async fn fresh_database_url() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let unique = format!(
        "{}_{}_{}",
        std::process::id(),
        n,
        Timestamp::now().as_nanosecond() % 1_000_000_000
    );
    if backend() == "postgres" {
        let base = std::env::var("TESSERA_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
        let name = format!("tessera_t_{unique}");
        let admin_url = format!("{base}/postgres");
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("PostgreSQL for tests");
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        format!("{base}/{name}")
    } else {
        let dir = std::env::temp_dir().join("tessera-tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        format!("sqlite://{}", dir.join(format!("t_{unique}.db")).display())
    }
}

/// A running server.
pub struct Server {
    pub base: String,
    pub store: Store,
    pub clock: Clock,
    pub http: reqwest::Client,
    pub database_url: String,
}

/// A signed-in client.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
    pub lang: Option<&'static str>,
    pub user_id: i64,
}

/// An answer: status, headers, and the JSON body (or `null`).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// Asserts a problem+json with this status; returns the body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {} {}",
            self.status,
            self.body
        );
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "not problem+json: {} {}",
            self.content_type,
            self.body
        );
        assert_eq!(self.body["status"], json!(status), "{}", self.body);
        assert!(
            self.body["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{}",
            self.body
        );
        assert!(self.body["type"].as_str().is_some(), "{}", self.body);
        &self.body
    }

    /// Asserts a success status; returns the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected {status}, got {} {}",
            self.status,
            self.body
        );
        &self.body
    }
}

impl Client {
    pub fn lang(mut self, lang: &'static str) -> Self {
        self.lang = Some(lang);
        self
    }

    pub async fn raw(&self, method: Method, path: &str, body: Option<String>, content_type: Option<&str>) -> Answer {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(l) = self.lang {
            req = req.header("accept-language", l);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", content_type.unwrap_or("application/json"))
                .body(b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            content_type,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.raw(Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.raw(Method::POST, path, Some(body.to_string()), None).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.raw(Method::PUT, path, Some(body.to_string()), None).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.raw(Method::PATCH, path, Some(body.to_string()), None).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.raw(Method::DELETE, path, None, None).await
    }

    pub async fn post_text(&self, path: &str, body: &str) -> Answer {
        self.raw(Method::POST, path, Some(body.to_owned()), None).await
    }
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(Config::default()).await
    }

    /// A server with these settings.
    pub async fn start_with(config: Config) -> Server {
        let database_url = fresh_database_url().await;
        Server::serve(database_url, Clock::system(), config).await
    }

    /// Another instance on the same database, with its own dispatcher (as
    /// several instances on one PostgreSQL run).
    pub async fn second_instance(&self) -> Server {
        Server::serve(self.database_url.clone(), self.clock.clone(), Config::default()).await
    }

    /// Another instance on the same database, with these settings.
    pub async fn instance_with(&self, config: Config) -> Server {
        Server::serve(self.database_url.clone(), self.clock.clone(), config).await
    }

    async fn serve(database_url: String, clock: Clock, config: Config) -> Server {
        let store = Store::open(&database_url).await.expect("open store");
        let state = AppState::new(store.clone(), clock.clone(), config);
        // Webhooks go out in every test, as they do in production.
        tessera_server::spawn_dispatcher(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let app = tessera_server::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
            let _ = axum::serve(listener, app).await;
        });
        Server {
            base: format!("http://{addr}"),
            store,
            clock,
            http: reqwest::Client::new(),
            database_url,
        }
    }

    /// A client without a token whose connections come from another
    /// loopback address (`127.0.0.2`, ...): another client address to the server.
    pub fn anonymous_from(&self, address: &str) -> Client {
        let local: std::net::IpAddr = address.parse().expect("address");
        Client {
            base: self.base.clone(),
            http: reqwest::Client::builder().local_address(local).build().expect("client"),
            token: None,
            lang: None,
            user_id: 0,
        }
    }

    pub fn anonymous(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: self.http.clone(),
            token: None,
            lang: None,
            user_id: 0,
        }
    }

    /// A client that sends this bearer token (e.g. one from a login).
    pub fn with_token(&self, token: &str, user_id: i64) -> Client {
        Client {
            base: self.base.clone(),
            http: self.http.clone(),
            token: Some(token.to_owned()),
            lang: None,
            user_id,
        }
    }

    /// Creates a user with a session directly in the store (fast: no
    /// password hashing) and answers a client signed in as them.
    pub async fn user(&self, role: &str, first: &str, last: &str) -> Client {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let user = self
            .store
            .create_user(
                NewUser {
                    email: format!("{role}{n}@example.test"),
                    first_name: first.into(),
                    last_name: last.into(),
                    phone: Some("+7 (900) 000-00-00".into()),
                    role: role.into(),
                    password_hash: None,
                    locale: "ru".into(),
                },
                Timestamp::now().as_second(),
            )
            .await
            .expect("create user");
        let token = format!("test-token-{n}-{}", user.id);
        let now = Timestamp::now().as_second();
        self.store
            .create_session(tessera_server::token_hash(&token), user.id, now, now + 10 * 365 * 86400)
            .await
            .expect("session");
        Client {
            base: self.base.clone(),
            http: self.http.clone(),
            token: Some(token),
            lang: None,
            user_id: user.id,
        }
    }
}

/// One number a query answers, read straight from the server's database
/// (to see what no API shows).
pub async fn scalar(server: &Server, q: &str) -> i64 {
    use sqlx::Connection;
    if server.database_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&server.database_url)
            .await
            .expect("connect");
        sqlx::query_scalar::<_, i64>(q).fetch_one(&mut c).await.expect(q)
    } else {
        let mut c = sqlx::SqliteConnection::connect(&server.database_url)
            .await
            .expect("connect");
        sqlx::query_scalar::<_, i64>(q).fetch_one(&mut c).await.expect(q)
    }
}

/// A venue with a coworking of three workplaces, tariffs and add-ons.
pub struct World {
    pub server: Server,
    pub admin: Client,
    pub manager: Client,
    pub venue: i64,
    pub premises: i64,
    pub workplaces: Vec<i64>,
    pub hourly: i64,
    pub daily: i64,
    pub monthly: i64,
    pub variant: i64,
    pub locker: i64,
    pub printer: i64,
}

impl World {
    pub async fn new() -> World {
        World::with_config(Config::default()).await
    }

    /// The same world on a server with these settings.
    pub async fn with_config(config: Config) -> World {
        let server = Server::start_with(config).await;
        let admin = server.user("admin", "Ада", "Админова").await;
        let manager = server.user("rental_manager", "Марина", "Спиридонова").await;
        let venue = admin
            .post(
                "/api/v1/venues",
                json!({"name": "БЦ", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
            )
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("venue id");
        let premises = admin
            .post(
                "/api/v1/premises",
                json!({"venue_id": venue, "name": "Коворкинг №1", "kind": "coworking"}),
            )
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("premises id");
        let mut workplaces = Vec::new();
        for name in ["PM №1", "PM №2", "PM №3"] {
            let w = admin
                .post(
                    &format!("/api/v1/premises/{premises}/workplaces"),
                    json!({"name": name}),
                )
                .await;
            workplaces.push(w.ok(201)["id"].as_i64().expect("workplace id"));
        }
        let tariff = |name: &str, unit: &str, price: &str| json!({"venue_id": venue, "name": name, "unit": unit, "price": price});
        let hourly = admin
            .post("/api/v1/tariffs", tariff("Почасовой", "hour", "300.00"))
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id");
        let daily = admin
            .post("/api/v1/tariffs", tariff("Суточный", "day", "1500.00"))
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id");
        let monthly = admin
            .post("/api/v1/tariffs", tariff("1-3 мес", "month", "7000"))
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id");
        let variant = admin
            .post(
                "/api/v1/service-variants",
                json!({"venue_id": venue, "name": "Резидент +"}),
            )
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id");
        let locker = admin
            .post(
                "/api/v1/modifiers",
                json!({"venue_id": venue, "name": "Шкафчик", "price": "500"}),
            )
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id");
        let printer = admin
            .post(
                "/api/v1/modifiers",
                json!({"venue_id": venue, "name": "Принтер", "price": "300.00"}),
            )
            .await
            .ok(201)["id"]
            .as_i64()
            .expect("id");
        World {
            server,
            admin,
            manager,
            venue,
            premises,
            workplaces,
            hourly,
            daily,
            monthly,
            variant,
            locker,
            printer,
        }
    }

    /// Books one item as the manager; the raw answer.
    pub async fn book(&self, customer: i64, workplace: i64, period: Value, tariff: i64) -> Answer {
        self.manager
            .post("/api/v1/orders", json!({"customer_id": customer, "items": [{"workplace_id": workplace, "period": period, "tariff_id": tariff}]}))
            .await
    }

    /// Books and answers the ticket number.
    pub async fn ticket(&self, customer: i64, workplace: i64, period: Value) -> (i64, i64) {
        let a = self.book(customer, workplace, period, self.daily).await;
        let body = a.ok(201);
        (
            body["number"].as_i64().expect("order"),
            body["tickets"][0]["number"].as_i64().expect("ticket"),
        )
    }

    pub async fn set_order_status(&self, order: i64, status: &str) -> Answer {
        self.manager
            .post(&format!("/api/v1/orders/{order}/status"), json!({"status": status}))
            .await
    }
}

/// Whole days from `today + a` to `today + b` in the venue's zone.
pub fn days(a: i64, b: i64) -> Value {
    json!({"start_date": day(a), "end_date": day(b)})
}

/// A slot on `today + d`.
pub fn slot(d: i64, from: &str, to: &str) -> Value {
    json!({"date": day(d), "start_time": from, "end_time": to})
}

/// The date `today + d` in Moscow, as text.
pub fn day(d: i64) -> String {
    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Moscow").expect("zone"))
        .date();
    today.checked_add(jiff::Span::new().days(d)).expect("date").to_string()
}

/// The `number`s of a list page's items, in order.
pub fn numbers(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|o| o["number"].as_i64()).collect())
        .unwrap_or_default()
}
