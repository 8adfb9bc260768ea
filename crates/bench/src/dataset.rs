//! A coworking with years of bookings: `tickets` tickets over 300 workplaces,
//! slots and day bookings, 20,000 visitors with Russian and Latin names,
//! statuses as time made them. Written straight into SQLite in large
//! transactions (the generator is not what is measured).

use anyhow::Context;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{Connection, Executor, SqliteConnection};
use tessera_domain::period::day_number;
use tessera_domain::person::name_key;
use tessera_store::Store;

const FIRST: &[&str] = &[
    "Марина",
    "Мария",
    "Иван",
    "Анастасия",
    "Алексей",
    "Ольга",
    "Дмитрий",
    "Екатерина",
    "Сергей",
    "Наталья",
    "Андрей",
    "Татьяна",
    "Михаил",
    "Елена",
    "Николай",
    "Юлия",
    "Павел",
    "Ксения",
    "Артём",
    "Светлана",
    "Георги",
    "Десислава",
    "Anna",
    "John",
    "Maria",
    "Peter",
    "Elena",
    "Martin",
    "Sofia",
    "Ivan",
    "Щукарь",
    "Эмиль",
];
const LAST: &[&str] = &[
    "Спиридонова",
    "Семенова",
    "Столповский",
    "Иванова",
    "Петров",
    "Смирнова",
    "Кузнецов",
    "Попова",
    "Васильев",
    "Соколова",
    "Михайлов",
    "Новикова",
    "Фёдоров",
    "Морозова",
    "Волков",
    "Алексеева",
    "Лебедев",
    "Егорова",
    "Козлов",
    "Степанова",
    "Николов",
    "Георгиева",
    "Димитров",
    "Smith",
    "Marley",
    "Brown",
    "Taylor",
    "Müller",
    "Юсупов",
    "Щербакова",
];

/// How many workplaces the data set spreads tickets over.
pub const WORKPLACES: i64 = 300;
/// How many visitors.
pub const VISITORS: i64 = 20_000;

/// Creates (migrates) the database at `path` and fills it; `now` decides
/// which tickets are past, current or future.
pub async fn generate(path: &str, tickets: i64, now: Timestamp) -> anyhow::Result<()> {
    let url = format!("sqlite://{path}");
    let store = Store::open(&url).await?;
    store.close().await;
    drop(store);
    let mut c = SqliteConnection::connect(&url).await?;
    c.execute("PRAGMA synchronous = OFF; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = OFF;")
        .await?;
    let tz = TimeZone::get("Europe/Moscow")?;
    let mut rng = StdRng::seed_from_u64(20221206);
    c.execute("BEGIN").await?;
    sqlx::query(
        "INSERT INTO venues (id, name, time_zone, currency, locale) VALUES (1, 'БЦ', 'Europe/Moscow', 'RUB', 'ru')",
    )
    .execute(&mut c)
    .await?;
    for p in 1..=3i64 {
        sqlx::query("INSERT INTO premises (id, venue_id, name, kind) VALUES (?1, 1, ?2, 'coworking')")
            .bind(p)
            .bind(format!("Коворкинг №{p}"))
            .execute(&mut c)
            .await?;
    }
    for w in 1..=WORKPLACES {
        sqlx::query("INSERT INTO workplaces (id, premises_id, name) VALUES (?1, ?2, ?3)")
            .bind(w)
            .bind((w - 1) / 100 + 1)
            .bind(format!("PM №{w}"))
            .execute(&mut c)
            .await?;
    }
    sqlx::query("INSERT INTO tariffs (id, venue_id, name, unit, price) VALUES (1, 1, 'Суточный', 'day', '1500.00'), (2, 1, 'Почасовой', 'hour', '300.00')")
        .execute(&mut c)
        .await?;
    let mut names = Vec::with_capacity(VISITORS as usize);
    for u in 1..=VISITORS {
        let first = FIRST[rng.gen_range(0..FIRST.len())];
        let last = LAST[rng.gen_range(0..LAST.len())];
        sqlx::query(
            "INSERT INTO users (id, email, first_name, last_name, first_key, last_key, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'visitor', 0)",
        )
        .bind(u)
        .bind(format!("visitor{u}@bench.test"))
        .bind(first)
        .bind(last)
        .bind(name_key(first))
        .bind(name_key(last))
        .execute(&mut c)
        .await?;
        names.push((name_key(first), name_key(last)));
    }
    c.execute("COMMIT").await?;

    // Bookings walk forward in time per workplace, ending about a year from now.
    let per_workplace = (tickets + WORKPLACES - 1) / WORKPLACES;
    let days_needed = per_workplace * 10 / 25 + 1; // about 2.5 tickets a day
    let today = now.to_zoned(tz.clone()).date();
    let first_day = today.checked_sub((days_needed - 365).max(0).days())?;
    let mut number: i64 = 0;
    let mut batch = 0;
    c.execute("BEGIN").await?;
    'outer: for w in 1..=WORKPLACES {
        let mut day = first_day;
        let mut made = 0;
        while made < per_workplace {
            if number >= tickets {
                break 'outer;
            }
            if rng.gen_bool(0.15) {
                let len = rng.gen_range(0..3i64);
                let end = day.checked_add(len.days())?;
                number += 1;
                made += 1;
                insert(&mut c, &mut rng, &names, number, w, day, end, None, &tz, now).await?;
                day = end.checked_add(1.day())?;
            } else {
                for (from, to) in [(9, 11), (12, 14), (15, 18)] {
                    if made >= per_workplace || number >= tickets || rng.gen_bool(0.15) {
                        continue;
                    }
                    number += 1;
                    made += 1;
                    insert(
                        &mut c,
                        &mut rng,
                        &names,
                        number,
                        w,
                        day,
                        day,
                        Some((from, to)),
                        &tz,
                        now,
                    )
                    .await?;
                }
                day = day.checked_add(1.day())?;
            }
            batch += 1;
            if batch % 50_000 == 0 {
                c.execute("COMMIT; BEGIN").await?;
            }
        }
    }
    c.execute("COMMIT").await?;
    c.execute("PRAGMA foreign_keys = ON; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
        .await?;
    c.close().await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    c: &mut SqliteConnection,
    rng: &mut StdRng,
    names: &[(String, String)],
    number: i64,
    workplace: i64,
    first: Date,
    last: Date,
    slot: Option<(i8, i8)>,
    tz: &TimeZone,
    now: Timestamp,
) -> anyhow::Result<()> {
    let visitor = rng.gen_range(1..=VISITORS);
    let (fk, lk) = &names[(visitor - 1) as usize];
    let (start, end) = match slot {
        Some((a, b)) => (
            first.at(a, 0, 0, 0).to_zoned(tz.clone())?,
            first.at(b, 0, 0, 0).to_zoned(tz.clone())?,
        ),
        None => (
            first.to_zoned(tz.clone())?,
            last.checked_add(1.day())?.to_zoned(tz.clone())?,
        ),
    };
    let (start, end) = (start.timestamp().as_second(), end.timestamp().as_second());
    let roll: f64 = rng.r#gen();
    let (order_status, status) = if end <= now.as_second() {
        if roll < 0.1 {
            ("cancelled", "cancelled")
        } else {
            ("completed", "completed")
        }
    } else if start <= now.as_second() {
        if roll < 0.1 {
            ("new", "new")
        } else {
            ("confirmed", "active")
        }
    } else if roll < 0.4 {
        ("new", "new")
    } else if roll < 0.9 {
        ("confirmed", "confirmed")
    } else {
        ("cancelled", "cancelled")
    };
    sqlx::query("INSERT INTO orders (number, customer_id, venue_id, status, total, currency, created_at, created_by, first_day, last_day, last_end_at)
         VALUES (?1, ?2, 1, ?3, '1500.00', 'RUB', ?4, ?2, ?5, ?6, ?7)")
        .bind(number)
        .bind(visitor)
        .bind(order_status)
        .bind(start - 86_400)
        .bind(day_number(first))
        .bind(day_number(last))
        .bind(end)
        .execute(&mut *c)
        .await
        .context("order")?;
    let hm = |h: i8| format!("{h:02}:00");
    sqlx::query(
        "INSERT INTO tickets (number, order_number, workplace_id, premises_id, visitor_id, visitor_first_key, visitor_last_key, tariff_id,
             price, start_date, end_date, start_time, end_time, start_day, end_day, start_at, end_at, status, created_at)
         VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, '1500.00', ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )
    .bind(number)
    .bind(workplace)
    .bind((workplace - 1) / 100 + 1)
    .bind(visitor)
    .bind(fk)
    .bind(lk)
    .bind(if slot.is_some() { 2i64 } else { 1 })
    .bind(first.to_string())
    .bind(last.to_string())
    .bind(slot.map(|s| hm(s.0)))
    .bind(slot.map(|s| hm(s.1)))
    .bind(day_number(first))
    .bind(day_number(last))
    .bind(start)
    .bind(end)
    .bind(status)
    .bind(start - 86_400)
    .execute(&mut *c)
    .await
    .context("ticket")?;
    Ok(())
}

/// The data set of `tickets` tickets in `dir`, generated once (the cached
/// file is reused; its statuses are as time made them when it was made).
pub async fn ensure(dir: &std::path::Path, tickets: i64) -> anyhow::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("tickets-{tickets}.db"));
    if !path.exists() {
        eprintln!("generating {tickets} tickets into {} …", path.display());
        let started = std::time::Instant::now();
        let tmp = dir.join(format!("tickets-{tickets}.db.partial"));
        let _ = std::fs::remove_file(&tmp);
        generate(tmp.to_str().context("path")?, tickets, Timestamp::now()).await?;
        std::fs::rename(&tmp, &path)?;
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
        eprintln!("generated in {:.0} s", started.elapsed().as_secs_f64());
    }
    Ok(path)
}
