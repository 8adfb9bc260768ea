//! `tessera-load`: measures Tessera the way users meet it.
//!
//! - `list`: the ticket list in-process on a data set of N tickets, every
//!   filter combination of the seed, first page and a deep cursor page.
//! - `order-list`: the orders list in-process on the same data set.
//! - `orders`: starts the real `tessera` binary on a fresh database and has
//!   C clients create one-ticket orders over HTTP, then checks the database
//!   for double bookings.
//!
//! Results print as Markdown tables; `--markdown FILE` also writes them
//! into FILE between `<!-- NAME:start -->` and `<!-- NAME:end -->`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use jiff::Timestamp;
use serde_json::{Value, json};
use tessera_bench::dataset;
use tessera_bench::stats::{latency_row, ms, percentiles};
use tessera_domain::TicketStatus;
use tessera_store::{Store, TicketFilter};

#[derive(Parser)]
#[command(about = "Tessera's load and latency tool")]
struct Cli {
    /// Also write the table into this Markdown file.
    #[arg(long, global = true)]
    markdown: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Ticket-list latency in-process.
    List {
        /// Tickets in the data set.
        #[arg(long, default_value_t = 1_000_000)]
        tickets: i64,
        /// Where to keep the generated data set (reused when present).
        #[arg(long, default_value = "target/bench-data")]
        dir: PathBuf,
        /// Runs per case.
        #[arg(long, default_value_t = 300)]
        runs: usize,
    },
    /// Orders-list latency in-process, on the ticket list's data set (one
    /// order per ticket).
    OrderList {
        /// Orders in the data set.
        #[arg(long, default_value_t = 1_000_000)]
        orders: i64,
        /// Where to keep the generated data set (reused when present).
        #[arg(long, default_value = "target/bench-data")]
        dir: PathBuf,
        /// Runs per case.
        #[arg(long, default_value_t = 300)]
        runs: usize,
    },
    /// Event cascades (preview and apply) in-process.
    Events {
        /// `sqlite` or a `postgres://…/db` URL (its database is emptied first).
        #[arg(long, default_value = "sqlite")]
        database: String,
        /// Runs per case.
        #[arg(long, default_value_t = 20)]
        runs: u32,
    },
    /// Access checks over HTTP against the real server.
    Access {
        /// The server binary.
        #[arg(long, default_value = "target/release/tessera")]
        server: PathBuf,
        /// Concurrent clients (turnstiles).
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Port for the server.
        #[arg(long, default_value_t = 18182)]
        port: u16,
        /// Webhook endpoints subscribed to `access.checked` (0: none).
        #[arg(long, default_value_t = 0)]
        webhooks: usize,
    },
    /// The ticket list with filters, validation and an event move over HTTP
    /// against the real server, on a generated data set.
    Calendar {
        /// The server binary.
        #[arg(long, default_value = "target/release/tessera")]
        server: PathBuf,
        /// Tickets in the data set.
        #[arg(long, default_value_t = 200_000)]
        tickets: i64,
        /// Where to keep the generated data set (reused when present).
        #[arg(long, default_value = "target/bench-data")]
        dir: PathBuf,
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds of load per operation.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Port for the server.
        #[arg(long, default_value_t = 18183)]
        port: u16,
    },
    /// A burst of parallel sign-ins (no account needed, each from its own
    /// address) against the real server: the server's memory before and
    /// after, and how the burst was answered.
    Signins {
        /// The server binary.
        #[arg(long, default_value = "target/release/tessera")]
        server: PathBuf,
        /// Sign-ins sent at once.
        #[arg(long, default_value_t = 200)]
        burst: usize,
        /// Bursts, one after another.
        #[arg(long, default_value_t = 3)]
        bursts: usize,
        /// Port for the server.
        #[arg(long, default_value_t = 18184)]
        port: u16,
    },
    /// The ticket list exported as CSV over HTTP from the real server, on
    /// the generated data set: time, rows, and the server's memory.
    Export {
        /// The server binary.
        #[arg(long, default_value = "target/release/tessera")]
        server: PathBuf,
        /// Tickets in the data set.
        #[arg(long, default_value_t = 1_000_000)]
        tickets: i64,
        /// Where to keep the generated data set (reused when present).
        #[arg(long, default_value = "target/bench-data")]
        dir: PathBuf,
        /// `csv` or `xlsx`.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Port for the server.
        #[arg(long, default_value_t = 18185)]
        port: u16,
    },
    /// Order creation over HTTP against the real server.
    Orders {
        /// The server binary.
        #[arg(long, default_value = "target/release/tessera")]
        server: PathBuf,
        /// `sqlite` or a `postgres://…/db` URL (its database is emptied first).
        #[arg(long, default_value = "sqlite")]
        database: String,
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Seconds of load.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Port for the server.
        #[arg(long, default_value_t = 18181)]
        port: u16,
        /// Webhook endpoints subscribed to every event, on a receiver run
        /// by the tool (0: none).
        #[arg(long, default_value_t = 0)]
        webhooks: usize,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let (name, table) = match cli.command {
        Cmd::List { tickets, dir, runs } => ("list", list(tickets, &dir, runs).await?),
        Cmd::OrderList { orders, dir, runs } => {
            let path = dataset::ensure(&dir, orders).await?;
            let store = Store::open(&format!("sqlite://{}", path.display())).await?;
            (
                "order-list",
                tessera_bench::order_list_bench::run(&store, orders, runs).await?,
            )
        }
        Cmd::Access {
            server,
            clients,
            seconds,
            port,
            webhooks,
        } => (
            if webhooks > 0 {
                "access-webhooks-sqlite"
            } else {
                "access-sqlite"
            },
            access(&server, clients, seconds, port, webhooks).await?,
        ),
        Cmd::Events { database, runs } => {
            let (label, url) = if database == "sqlite" {
                let dir = std::env::temp_dir().join(format!("tessera-events-{}", std::process::id()));
                std::fs::create_dir_all(&dir)?;
                ("events-sqlite", format!("sqlite://{}", dir.join("events.db").display()))
            } else {
                let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&database).await?;
                sqlx::Executor::execute(&mut c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;").await?;
                ("events-postgres", database.clone())
            };
            let store = Store::open(&url).await?;
            let backend = if database == "sqlite" { "SQLite" } else { "PostgreSQL" };
            let cascades = tessera_bench::events_bench::run(&store, &url, backend, runs).await?;
            let diary = tessera_bench::events_bench::diary(&store, 200).await?;
            (label, format!("{cascades}\n{diary}"))
        }
        Cmd::Calendar {
            server,
            tickets,
            dir,
            clients,
            seconds,
            port,
        } => (
            "calendar-sqlite",
            calendar(&server, tickets, &dir, clients, seconds, port).await?,
        ),
        Cmd::Signins {
            server,
            burst,
            bursts,
            port,
        } => ("signins-sqlite", signins(&server, burst, bursts, port).await?),
        Cmd::Export {
            server,
            tickets,
            dir,
            format,
            port,
        } => (
            if format == "xlsx" {
                "export-xlsx-sqlite"
            } else {
                "export-sqlite"
            },
            export(&server, tickets, &dir, &format, port).await?,
        ),
        Cmd::Orders {
            server,
            database,
            clients,
            seconds,
            port,
            webhooks,
        } => {
            let label = match (database == "sqlite", webhooks > 0) {
                (true, false) => "orders-sqlite",
                (false, false) => "orders-postgres",
                (true, true) => "orders-webhooks-sqlite",
                (false, true) => "orders-webhooks-postgres",
            };
            (
                label,
                orders(&server, &database, clients, seconds, port, webhooks).await?,
            )
        }
    };
    println!("{table}");
    if let Some(file) = cli.markdown {
        write_section(&file, name, &table)?;
    }
    Ok(())
}

fn write_section(file: &Path, name: &str, table: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let (start, end) = (format!("<!-- {name}:start -->"), format!("<!-- {name}:end -->"));
    let block = format!("{start}\n{table}\n{end}");
    let updated = match (text.find(&start), text.find(&end)) {
        (Some(a), Some(b)) if b > a => format!("{}{}{}", &text[..a], block, &text[b + end.len()..]),
        _ => format!("{text}\n{block}\n"),
    };
    std::fs::write(file, updated).with_context(|| format!("writing {}", file.display()))
}

async fn list(tickets: i64, dir: &Path, runs: usize) -> anyhow::Result<String> {
    let path = dataset::ensure(dir, tickets).await?;
    let now = Timestamp::now();
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    let today = tessera_domain::period::day_number(now.to_zoned(jiff::tz::TimeZone::get("Europe/Moscow")?).date());
    let deep = Some(tickets / 50);
    let base = TicketFilter {
        limit: 50,
        ..TicketFilter::default()
    };
    let cases: Vec<(&str, TicketFilter)> = vec![
        ("no filter", base.clone()),
        (
            "no filter, deep cursor",
            TicketFilter {
                before: deep,
                ..base.clone()
            },
        ),
        (
            "number",
            TicketFilter {
                number: Some(tickets / 3),
                ..base.clone()
            },
        ),
        (
            "visitor `ма` (common)",
            TicketFilter {
                visitor: Some("ма".into()),
                ..base.clone()
            },
        ),
        (
            "visitor `щу` (rare)",
            TicketFilter {
                visitor: Some("щу".into()),
                ..base.clone()
            },
        ),
        (
            "visitor `щу`, deep cursor",
            TicketFilter {
                visitor: Some("щу".into()),
                before: deep,
                ..base.clone()
            },
        ),
        (
            "period: one week ahead",
            TicketFilter {
                from_day: Some(today + 7),
                to_day: Some(today + 13),
                ..base.clone()
            },
        ),
        (
            "period: one day a year ago",
            TicketFilter {
                from_day: Some(today - 365),
                to_day: Some(today - 365),
                ..base.clone()
            },
        ),
        (
            "period, deep cursor",
            TicketFilter {
                from_day: Some(today - 400),
                to_day: Some(today - 300),
                before: deep,
                ..base.clone()
            },
        ),
        (
            "status active",
            TicketFilter {
                statuses: vec![TicketStatus::Active],
                ..base.clone()
            },
        ),
        (
            "status cancelled",
            TicketFilter {
                statuses: vec![TicketStatus::Cancelled],
                ..base.clone()
            },
        ),
        (
            "status new+confirmed",
            TicketFilter {
                statuses: vec![TicketStatus::New, TicketStatus::Confirmed],
                ..base.clone()
            },
        ),
        (
            "status completed, deep cursor",
            TicketFilter {
                statuses: vec![TicketStatus::Completed],
                before: deep,
                ..base.clone()
            },
        ),
        (
            "visitor `мар` + status cancelled",
            TicketFilter {
                visitor: Some("мар".into()),
                statuses: vec![TicketStatus::Cancelled],
                ..base.clone()
            },
        ),
        (
            "visitor `ив` + period month + status new,confirmed",
            TicketFilter {
                visitor: Some("ив".into()),
                from_day: Some(today),
                to_day: Some(today + 30),
                statuses: vec![TicketStatus::New, TicketStatus::Confirmed],
                ..base.clone()
            },
        ),
        (
            "all four filters, deep cursor",
            TicketFilter {
                number: None,
                visitor: Some("е".into()),
                from_day: Some(today - 700),
                to_day: Some(today - 10),
                statuses: vec![TicketStatus::Completed, TicketStatus::Cancelled],
                before: deep,
                ..base.clone()
            },
        ),
    ];
    let mut out = format!(
        "Ticket list in-process, SQLite, {tickets} tickets, 50 per page, {runs} runs per case (ms)\n\n| filter | rows | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n"
    );
    for (name, filter) in cases {
        let row = latency_row(name, runs, async || {
            Ok(store.list_tickets(&filter, now).await?.items.len())
        })
        .await?;
        out.push_str(&row);
    }
    Ok(out)
}

struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Value,
) -> anyhow::Result<(u16, Value)> {
    let mut req = http.request(method, url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    let value = res.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, value))
}

/// Sends a request and reads its whole answer: whether it succeeded. The body
/// is read so that its time is counted and the connection is reused.
async fn succeeded(request: reqwest::RequestBuilder) -> bool {
    match request.send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// Subscribes `n` endpoints of a fresh receiver to `events`.
async fn subscribe(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    n: usize,
    events: Value,
) -> anyhow::Result<Option<tessera_bench::receiver::Receiver>> {
    if n == 0 {
        return Ok(None);
    }
    let (receiver, url) = tessera_bench::receiver::start().await?;
    for i in 0..n {
        let (status, _) = call(
            http,
            reqwest::Method::POST,
            &format!("{base}/api/v1/webhooks"),
            Some(token),
            json!({"url": format!("{url}?endpoint={i}"), "events": events}),
        )
        .await?;
        if status != 201 {
            bail!("cannot add a webhook: {status}");
        }
    }
    Ok(Some(receiver))
}

/// Waits for `expected` deliveries after the load; a table row of what
/// arrived and how fast the backlog drained.
async fn drained(receiver: &tessera_bench::receiver::Receiver, expected: u64, load_started: Instant) -> String {
    let at_end = receiver.count();
    let end = Instant::now();
    while receiver.count() < expected && end.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drain = end.elapsed().as_secs_f64();
    let all = receiver.count();
    let overall = all as f64 / load_started.elapsed().as_secs_f64();
    let backlog = all.saturating_sub(at_end);
    format!(
        "\nWebhooks: {all} of {expected} delivered ({at_end} during the load); the backlog of {backlog} drained in {drain:.2} s ({:.0}/s); {overall:.0}/s from the load's start to the last delivery\n",
        if drain > 0.0 { backlog as f64 / drain } else { 0.0 }
    )
}

async fn orders(
    server: &Path,
    database: &str,
    clients: usize,
    seconds: u64,
    port: u16,
    webhooks: usize,
) -> anyhow::Result<String> {
    if !server.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p tessera`",
            server.display()
        );
    }
    let work = std::env::temp_dir().join(format!("tessera-load-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let url = if database == "sqlite" {
        format!("sqlite://{}", work.join("load.db").display())
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(database).await?;
        sqlx::Executor::execute(&mut c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;").await?;
        database.to_owned()
    };
    let (_server, base, http, token) = start_server(server, port, &url).await?;
    let post = reqwest::Method::POST;
    let t = Some(token.as_str());
    let (_, venue) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/venues"),
        t,
        json!({"name": "Load", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
    )
    .await?;
    let venue = venue["id"].as_i64().context("venue")?;
    let (_, premises) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/premises"),
        t,
        json!({"venue_id": venue, "name": "Open space", "kind": "coworking"}),
    )
    .await?;
    let premises = premises["id"].as_i64().context("premises")?;
    let mut workplaces = Vec::new();
    for i in 0..200 {
        let (_, w) = call(
            &http,
            post.clone(),
            &format!("{base}/api/v1/premises/{premises}/workplaces"),
            t,
            json!({"name": format!("PM №{i}")}),
        )
        .await?;
        workplaces.push(w["id"].as_i64().context("workplace")?);
    }
    let (_, tariff) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/tariffs"),
        t,
        json!({"venue_id": venue, "name": "Суточный", "unit": "day", "price": "1500"}),
    )
    .await?;
    let tariff = tariff["id"].as_i64().context("tariff")?;
    let (_, customer) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/users"),
        t,
        json!({"first_name": "Мария", "last_name": "Семенова", "email": "maria@bench.test"}),
    )
    .await?;
    let customer = customer["id"].as_i64().context("customer")?;
    let receiver = subscribe(&http, &base, &token, webhooks, json!(["*"])).await?;

    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Moscow")?)
        .date();
    let workplaces = Arc::new(workplaces);
    let next = Arc::new(AtomicI64::new(0));
    let conflicts = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, base, token, workplaces, next, conflicts, errors) = (
            http.clone(),
            base.clone(),
            token.clone(),
            workplaces.clone(),
            next.clone(),
            conflicts.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                // Every request a distinct workplace-day, plus every tenth a
                // deliberate repeat of an earlier one, which must be refused.
                let i = next.fetch_add(1, Ordering::Relaxed);
                let slot = if i % 10 == 9 { i - 5 } else { i };
                let w = workplaces[(slot % workplaces.len() as i64) as usize];
                let day = today.checked_add(jiff::Span::new().days(1 + slot / workplaces.len() as i64)).map(|d| d.to_string()).unwrap_or_default();
                let body = json!({"customer_id": customer, "items": [{"workplace_id": w, "period": {"start_date": day, "end_date": day}, "tariff_id": tariff}]});
                let started = Instant::now();
                match call(&http, reqwest::Method::POST, &format!("{base}/api/v1/orders"), Some(&token), body).await {
                    Ok((201, _)) => samples.push(started.elapsed()),
                    Ok((409, _)) => {
                        conflicts.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            samples
        }));
    }
    let started = Instant::now();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let created = samples.len();
    let p = percentiles(&mut samples);
    let delivered = match &receiver {
        Some(r) => drained(r, created as u64 * webhooks as u64, started).await,
        None => String::new(),
    };
    let doubles = double_bookings(&url).await?;
    let _ = std::fs::remove_dir_all(&work);
    let backend = if database == "sqlite" {
        "SQLite (synchronous=FULL, WAL)"
    } else {
        "PostgreSQL"
    };
    let hooks = if webhooks > 0 {
        format!(", {webhooks} webhook endpoints on every event")
    } else {
        String::new()
    };
    Ok(format!(
        "Order creation over HTTP, {backend}, {clients} clients, {seconds} s{hooks}\n\n| created | orders/s | p50 ms | p90 ms | p99 ms | refused (409) | errors | double bookings |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| {created} | {:.0} | {} | {} | {} | {} | {} | {doubles} |\n{delivered}",
        created as f64 / elapsed,
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        conflicts.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
    ))
}

async fn export(server: &Path, tickets: i64, dir: &Path, format: &str, port: u16) -> anyhow::Result<String> {
    let data = dataset::ensure(dir, tickets).await?;
    let work = std::env::temp_dir().join(format!("tessera-export-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let db = work.join("export.db");
    std::fs::copy(&data, &db)?;
    let url = format!("sqlite://{}", db.display());
    let (process, base, http, token) = start_server(server, port, &url).await?;
    let pid = process.0.id();
    // Warm: the first answer of a fresh process reads its caches.
    let _ = call(
        &http,
        reqwest::Method::GET,
        &format!("{base}/api/v1/coworking/tickets"),
        Some(&token),
        json!(null),
    )
    .await;
    let before = anon_mib(pid)?;
    let rss_before = rss_mib(pid)?;
    let peak = Arc::new(std::sync::Mutex::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Ok(now) = anon_mib(pid)
                    && let Ok(mut p) = peak.lock()
                {
                    *p = p.max(now);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let started = Instant::now();
    let mut res = http
        .get(format!("{base}/api/v1/coworking/tickets/export?format={format}"))
        .bearer_auth(&token)
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "export: {}", res.status());
    let first_byte = started.elapsed();
    let (mut bytes, mut lines) = (0u64, 0u64);
    while let Some(chunk) = res.chunk().await? {
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let peak = peak.lock().map(|p| *p).unwrap_or(before);
    let rss_after = rss_mib(pid)?;
    let _ = std::fs::remove_dir_all(&work);
    let rows = if format == "csv" {
        lines.saturating_sub(1).to_string()
    } else {
        "—".into()
    };
    Ok(format!(
        "The ticket list exported over HTTP ({format}), SQLite, {tickets} tickets\n\n| rows | MB | first byte ms | seconds | rows/s | server's own memory before MiB | peak MiB | growth MiB |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| {rows} | {:.1} | {:.0} | {:.2} | {:.0} | {before:.1} | {peak:.1} | {:.1} |\n\n(\"Own memory\" is RssAnon: resident heap and stacks. The whole RSS went from {rss_before:.0} to {rss_after:.0} MiB, the difference being the pages of the memory-mapped database file that the export read, which the kernel reclaims at will.)\n",
        bytes as f64 / 1e6,
        first_byte.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64(),
        lines as f64 / elapsed.as_secs_f64(),
        peak - before,
    ))
}

/// The resident memory of a process, in MiB (Linux).
fn rss_mib(pid: u32) -> anyhow::Result<f64> {
    status_mib(pid, "VmRSS:")
}

/// A process's memory of its own (heap and stacks: RSS less the pages of
/// mapped files, such as SQLite's memory-mapped database), in MiB.
fn anon_mib(pid: u32) -> anyhow::Result<f64> {
    status_mib(pid, "RssAnon:")
}

fn status_mib(pid: u32, field: &str) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .context("process status")?;
    Ok(kb / 1024.0)
}

async fn signins(server: &Path, burst: usize, bursts: usize, port: u16) -> anyhow::Result<String> {
    let work = std::env::temp_dir().join(format!("tessera-signins-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let url = format!("sqlite://{}", work.join("load.db").display());
    let (process, base, http, _) = start_server(server, port, &url).await?;
    let pid = process.0.id();
    let before = rss_mib(pid)?;
    let mut rows = String::new();
    let mut peak = before;
    for round in 0..bursts {
        let started = Instant::now();
        let answers = futures::future::join_all((0..burst).map(|i| {
            let http = http.clone();
            let url = format!("{base}/api/v1/auth/login");
            async move {
                let sent = Instant::now();
                let status = http
                    .post(url)
                    .header(
                        "x-forwarded-for",
                        format!("198.51.{}.{}", (round * burst + i) / 250, (round * burst + i) % 250 + 1),
                    )
                    .json(&json!({"email": format!("nobody{i}@bench.test"), "password": "not-the-password"}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                (status, sent.elapsed())
            }
        }))
        .await;
        let took = started.elapsed();
        let after = rss_mib(pid)?;
        peak = peak.max(after);
        let count = |s: u16| answers.iter().filter(|(status, _)| *status == s).count();
        let mut checked: Vec<Duration> = answers.iter().filter(|(s, _)| *s == 401).map(|(_, d)| *d).collect();
        let mut busy: Vec<Duration> = answers.iter().filter(|(s, _)| *s == 503).map(|(_, d)| *d).collect();
        let (pc, pb) = (percentiles(&mut checked), percentiles(&mut busy));
        let other = burst - count(401) - count(503);
        rows.push_str(&format!(
            "| {} | {} | {} | {other} | {} | {} | {} | {:.0} | {:.0} |\n",
            round + 1,
            count(401),
            count(503),
            ms(pc.p50),
            ms(pb.p50),
            ms(took),
            after,
            after - before,
        ));
    }
    drop(process);
    let _ = std::fs::remove_dir_all(&work);
    Ok(format!(
        "Parallel sign-ins over HTTP (no account, each from its own address), {burst} at once, SQLite; server RSS before: {before:.0} MiB, peak after a burst: {peak:.0} MiB\n\n| burst | checked (401) | busy (503) | other | checked p50 ms | busy p50 ms | burst took ms | RSS after MiB | growth MiB |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n{rows}"
    ))
}

/// Pairs of live tickets holding one workplace at overlapping instants.
async fn double_bookings(url: &str) -> anyhow::Result<i64> {
    let q = "SELECT COUNT(*) FROM tickets a JOIN tickets b ON a.workplace_id = b.workplace_id AND a.number < b.number
             AND a.start_at < b.end_at AND b.start_at < a.end_at WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'";
    if url.starts_with("sqlite") {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(url).await?;
        Ok(sqlx::query_scalar::<_, i64>(q).fetch_one(&mut c).await?)
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(url).await?;
        Ok(sqlx::query_scalar::<_, i64>(q).fetch_one(&mut c).await?)
    }
}

/// Starts the server on a fresh SQLite database with an admin; answers the
/// process guard, the base URL, a client and the admin's token.
async fn start_server(
    server: &Path,
    port: u16,
    url: &str,
) -> anyhow::Result<(ServerProcess, String, reqwest::Client, String)> {
    let mut add = Command::new(server)
        .args([
            "user",
            "add",
            "--email",
            "load@bench.test",
            "--first-name",
            "Load",
            "--last-name",
            "Admin",
            "--role",
            "admin",
        ])
        .env("TESSERA_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = add.stdin.take() {
        use std::io::Write;
        stdin.write_all(b"load-password\n")?;
    }
    if !add.wait()?.success() {
        bail!("tessera user add failed");
    }
    let process = ServerProcess(
        Command::new(server)
            .arg("serve")
            .env("TESSERA_DATABASE_URL", url)
            .env("TESSERA_LISTEN", format!("127.0.0.1:{port}"))
            // The load registers its visitors from one address, and the
            // sign-in burst gives each attempt an address of its own.
            .env("TESSERA_SIGN_UPS_PER_HOUR", "1000000")
            .env("TESSERA_TRUST_FORWARDED_FOR", "true")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    for _ in 0..100 {
        if http
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, login) = call(
        &http,
        reqwest::Method::POST,
        &format!("{base}/api/v1/auth/login"),
        None,
        json!({"email": "load@bench.test", "password": "load-password"}),
    )
    .await?;
    let token = login["token"].as_str().context("login")?.to_owned();
    Ok((process, base, http, token))
}

async fn access(server: &Path, clients: usize, seconds: u64, port: u16, webhooks: usize) -> anyhow::Result<String> {
    let work = std::env::temp_dir().join(format!("tessera-access-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let url = format!("sqlite://{}", work.join("load.db").display());
    let (_process, base, http, admin) = start_server(server, port, &url).await?;
    let post = reqwest::Method::POST;
    let t = Some(admin.as_str());
    let (_, venue) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/venues"),
        t,
        json!({"name": "Door", "time_zone": "Europe/Moscow", "currency": "RUB", "locale": "ru"}),
    )
    .await?;
    let venue = venue["id"].as_i64().context("venue")?;
    let (_, premises) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/premises"),
        t,
        json!({"venue_id": venue, "name": "Open space", "kind": "coworking"}),
    )
    .await?;
    let premises = premises["id"].as_i64().context("premises")?;
    let (_, tariff) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/tariffs"),
        t,
        json!({"venue_id": venue, "name": "Day", "unit": "day", "price": "1500"}),
    )
    .await?;
    let tariff = tariff["id"].as_i64().context("tariff")?;
    let (_, gate) = call(&http, post.clone(), &format!("{base}/api/v1/users"), t, json!({"first_name": "Gate", "last_name": "One", "email": "gate@bench.test", "role": "gate", "password": "gate-password"})).await?;
    gate["id"].as_i64().context("gate")?;
    let (_, login) = call(
        &http,
        post.clone(),
        &format!("{base}/api/v1/auth/login"),
        None,
        json!({"email": "gate@bench.test", "password": "gate-password"}),
    )
    .await?;
    let gate_token = login["token"].as_str().context("gate login")?.to_owned();
    // 100 visitors, each with a ticket for today, confirmed and validated.
    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Moscow")?)
        .date()
        .to_string();
    let mut passes = Vec::new();
    for i in 0..100 {
        let (_, w) = call(
            &http,
            post.clone(),
            &format!("{base}/api/v1/premises/{premises}/workplaces"),
            t,
            json!({"name": format!("PM {i}")}),
        )
        .await?;
        let w = w["id"].as_i64().context("workplace")?;
        let (_, reg) = call(&http, post.clone(), &format!("{base}/api/v1/auth/register"), None, json!({"first_name": "V", "last_name": format!("{i}"), "email": format!("v{i}@bench.test"), "password": "visitor-password"})).await?;
        let (visitor, vtoken) = (
            reg["user"]["id"].as_i64().context("visitor")?,
            reg["token"].as_str().context("token")?.to_owned(),
        );
        let (_, order) = call(&http, post.clone(), &format!("{base}/api/v1/orders"), t, json!({"customer_id": visitor, "items": [{"workplace_id": w, "period": {"start_date": today, "end_date": today}, "tariff_id": tariff}]})).await?;
        let (number, ticket) = (
            order["number"].as_i64().context("order")?,
            order["tickets"][0]["number"].as_i64().context("ticket")?,
        );
        call(
            &http,
            post.clone(),
            &format!("{base}/api/v1/orders/{number}/status"),
            t,
            json!({"status": "confirmed"}),
        )
        .await?;
        call(
            &http,
            post.clone(),
            &format!("{base}/api/v1/coworking/tickets/{ticket}/validation"),
            t,
            json!({}),
        )
        .await?;
        let res = http
            .get(format!("{base}/api/v1/me/tickets/{ticket}/pass"))
            .bearer_auth(&vtoken)
            .send()
            .await?
            .json::<Value>()
            .await?;
        passes.push(res["token"].as_str().context("pass")?.to_owned());
    }
    let passes = Arc::new(passes);
    let receiver = subscribe(&http, &base, &admin, webhooks, json!(["access.checked"])).await?;
    // The floor: the same turnstiles asking who they are (`GET /api/v1/me`,
    // authenticated, no database), so the checks' figures read against what
    // HTTP alone costs on this machine.
    let floor = {
        let (http, base, gate_token) = (http.clone(), base.clone(), gate_token.clone());
        phase("HTTP floor: GET /api/v1/me", clients, seconds, move |_, _| {
            let (http, base, gate_token) = (http.clone(), base.clone(), gate_token.clone());
            async move { succeeded(http.get(format!("{base}/api/v1/me")).bearer_auth(&gate_token)).await }
        })
        .await?
    };
    let allowed = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for n in 0..clients {
        let (http, base, gate_token, passes, allowed, refused, errors) = (
            http.clone(),
            base.clone(),
            gate_token.clone(),
            passes.clone(),
            allowed.clone(),
            refused.clone(),
            errors.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut i = n;
            while Instant::now() < deadline {
                i += clients;
                // Every tenth check is at the wrong door, which must refuse.
                let door = if i % 10 == 0 { premises + 1000 } else { premises };
                let body = json!({"token": passes[i % passes.len()], "premises_id": door});
                let started = Instant::now();
                match call(
                    &http,
                    reqwest::Method::POST,
                    &format!("{base}/api/v1/access/check"),
                    Some(&gate_token),
                    body,
                )
                .await
                {
                    Ok((200, v)) if v["allowed"] == json!(true) => {
                        allowed.fetch_add(1, Ordering::Relaxed);
                        samples.push(started.elapsed());
                    }
                    Ok((200, _)) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        samples.push(started.elapsed());
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            samples
        }));
    }
    let started = Instant::now();
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let checks = samples.len();
    let p = percentiles(&mut samples);
    let delivered = match &receiver {
        Some(r) => drained(r, checks as u64 * webhooks as u64, started).await,
        None => String::new(),
    };
    // A turnstile back online uploads what it decided offline: 10,000 checks in one request.
    let now = jiff::Timestamp::now();
    let offline: Vec<serde_json::Value> = (0..10_000u32)
        .map(|i| {
            let id: u128 = rand::random();
            let id = format!("{:032x}", id);
            let at = now - jiff::SignedDuration::from_secs(i64::from(i % 3600));
            json!({
                "id": format!("{}-{}-4{}-8{}-{}", &id[0..8], &id[8..12], &id[13..16], &id[17..20], &id[20..32]),
                "token": passes[i as usize % passes.len()], "premises_id": premises,
                "at": at.to_string(), "allowed": true, "reason": "allowed",
            })
        })
        .collect();
    let upload_started = Instant::now();
    let (upload_status, upload) = call(
        &http,
        reqwest::Method::POST,
        &format!("{base}/api/v1/access/checks"),
        Some(&gate_token),
        json!({ "checks": offline }),
    )
    .await?;
    let upload_ms = upload_started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(upload_status == 200, "offline upload: {upload_status} {upload}");
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await?;
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_checks WHERE offline = 0")
        .fetch_one(&mut c)
        .await?;
    let _ = std::fs::remove_dir_all(&work);
    let hooks = if webhooks > 0 {
        format!(", {webhooks} webhook endpoints on access.checked")
    } else {
        String::new()
    };
    Ok(format!(
        "Access checks over HTTP, SQLite (each logged durably), {clients} turnstiles, {seconds} s{hooks}\n\n| checks | checks/s | p50 ms | p90 ms | p99 ms | allowed | refused | errors | logged |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n| {checks} | {:.0} | {} | {} | {} | {} | {} | {} | {logged} |\n\nThe same turnstiles on an endpoint without the database, for comparison:\n\n| operation | requests | per s | p50 ms | p90 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|\n{}\nOffline upload: 10,000 checks in one request, {} recorded in {upload_ms:.0} ms.\n{delivered}",
        checks as f64 / elapsed,
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        allowed.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        floor.row(),
        upload["recorded"],
    ))
}

/// One operation's samples over HTTP.
struct Phase {
    name: &'static str,
    samples: Vec<Duration>,
    errors: u64,
    seconds: f64,
}

impl Phase {
    fn row(mut self) -> String {
        let n = self.samples.len();
        let p = percentiles(&mut self.samples);
        format!(
            "| {} | {n} | {:.0} | {} | {} | {} | {} |\n",
            self.name,
            n as f64 / self.seconds.max(1e-9),
            ms(p.p50),
            ms(p.p90),
            ms(p.p99),
            self.errors
        )
    }
}

/// Runs `clients` loops of `step` for `seconds`; a step answers whether it succeeded.
async fn phase<F, Fut>(name: &'static str, clients: usize, seconds: u64, step: F) -> anyhow::Result<Phase>
where
    F: Fn(usize, u64) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let step = step.clone();
        tasks.push(tokio::spawn(async move {
            let (mut samples, mut errors, mut i) = (Vec::new(), 0u64, 0u64);
            while Instant::now() < deadline {
                let t = Instant::now();
                if step(client, i).await {
                    samples.push(t.elapsed());
                } else {
                    errors += 1;
                }
                i += 1;
            }
            (samples, errors)
        }));
    }
    let mut out = Phase {
        name,
        samples: Vec::new(),
        errors: 0,
        seconds: 0.0,
    };
    for t in tasks {
        let (s, e) = t.await?;
        out.samples.extend(s);
        out.errors += e;
    }
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// The rental manager's calendar and an event move over HTTP against the
/// real server, on a generated data set of `tickets` tickets (SQLite).
async fn calendar(
    server: &Path,
    tickets: i64,
    dir: &Path,
    clients: usize,
    seconds: u64,
    port: u16,
) -> anyhow::Result<String> {
    if !server.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p tessera`",
            server.display()
        );
    }
    let data = dataset::ensure(dir, tickets).await?;
    // A fresh copy per run: the load writes into it.
    let work = std::env::temp_dir().join(format!("tessera-calendar-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let db = work.join("calendar.db");
    std::fs::copy(&data, &db)?;
    let url = format!("sqlite://{}", db.display());
    let event = {
        let store = Store::open(&url).await?;
        eprintln!("adding an event of 500 activities and 20,000 charges …");
        let id = tessera_bench::events_bench::build(&store).await?;
        store.close().await;
        id
    };
    let (_process, base, http, token) = start_server(server, port, &url).await?;
    let get = {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        move |path: String| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            async move { succeeded(http.get(format!("{base}{path}")).bearer_auth(token)).await }
        }
    };

    // The list as managers filter it: name prefixes, status subsets, periods.
    let filters: Arc<Vec<String>> = Arc::new(vec![
        "/api/v1/coworking/tickets".into(),
        "/api/v1/coworking/tickets?visitor=%D0%BC%D0%B0%D1%80&status=new,confirmed".into(),
        "/api/v1/coworking/tickets?status=active".into(),
        "/api/v1/coworking/tickets?visitor=%D0%B8%D0%B2".into(),
        format!("/api/v1/coworking/tickets?number={}", tickets / 2),
        "/api/v1/coworking/tickets?status=cancelled,completed&visitor=an".into(),
    ]);
    let list = {
        let (filters, get) = (filters.clone(), get.clone());
        phase("ticket list, six filter mixes", clients, seconds, move |c, i| {
            let path = filters[(c + i as usize) % filters.len()].clone();
            get(path)
        })
        .await?
    };

    // Validation and its reset, each client on tickets of its own.
    let (_, confirmed) = call(
        &http,
        reqwest::Method::GET,
        &format!("{base}/api/v1/coworking/tickets?status=confirmed,active&limit=500"),
        Some(&token),
        json!(null),
    )
    .await?;
    let numbers: Vec<i64> = confirmed["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["number"].as_i64()).collect())
        .unwrap_or_default();
    if numbers.len() < clients {
        bail!("the data set has only {} confirmed or active tickets", numbers.len());
    }
    let numbers = Arc::new(numbers);
    let validation = {
        let (http, base, token, numbers) = (http.clone(), base.clone(), token.clone(), numbers.clone());
        phase("validate / reset validation", clients, seconds, move |c, i| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            // Client c owns tickets c, c + clients, …; it alternates validate and reset on each.
            let own = numbers.len() / clients;
            let number = numbers[c + clients * ((i as usize / 2) % own.max(1))];
            let method = if i % 2 == 0 {
                reqwest::Method::POST
            } else {
                reqwest::Method::DELETE
            };
            async move {
                succeeded(
                    http.request(method, format!("{base}/api/v1/coworking/tickets/{number}/validation"))
                        .bearer_auth(token),
                )
                .await
            }
        })
        .await?
    };

    // Moves of the big event, back and forth, one manager at a time.
    let moves = {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        let (_, e) = call(
            &http,
            reqwest::Method::GET,
            &format!("{base}/api/v1/events/{event}"),
            Some(&token),
            json!(null),
        )
        .await?;
        let start: jiff::civil::Date = e["start_date"].as_str().context("start")?.parse()?;
        phase("event move (20,000 charges)", 1, seconds, move |_, i| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            let day = if i % 2 == 0 { start.tomorrow() } else { Ok(start) };
            async move {
                let Ok(day) = day else { return false };
                succeeded(
                    http.post(format!("{base}/api/v1/events/{event}/dates"))
                        .bearer_auth(token)
                        .json(&json!({"mode": "move", "start_date": day.to_string()})),
                )
                .await
            }
        })
        .await?
    };
    let _ = std::fs::remove_dir_all(&work);
    Ok(format!(
        "The calendar over HTTP, SQLite, {tickets} tickets, {clients} clients, {seconds} s per operation\n\n| operation | requests | per s | p50 ms | p90 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|\n{}{}{}",
        list.row(),
        validation.row(),
        moves.row()
    ))
}
