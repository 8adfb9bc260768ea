//! The ticket list: every filter of the seed, number descending, by cursor,
//! fast at millions of tickets.
//!
//! A single query plan cannot be fast for every filter: scanning numbers
//! downward is ideal when many tickets match, hopeless when few do. So the
//! list first asks the narrowest index how many tickets it would visit, up to
//! a bound, and drives the query from it when that is few; otherwise it walks
//! numbers downward, where matches come quickly.

use jiff::Timestamp;
use tessera_domain::person::{name_key, prefix_upper_bound};
use tessera_domain::{Period, TicketStatus};

use crate::tickets::stored_period;
use crate::{Arg, Dialect, Result, Store, StoreError};

/// The list's filters, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Exact ticket number.
    pub number: Option<i64>,
    /// First day of the period filter (day number, included).
    pub from_day: Option<i64>,
    /// Last day of the period filter (day number, included).
    pub to_day: Option<i64>,
    /// Prefix of the visitor's first or last name.
    pub visitor: Option<String>,
    /// Any of these statuses (as they read now); empty means any.
    pub statuses: Vec<TicketStatus>,
    /// Only tickets of this visitor (the visitor's own list).
    pub visitor_id: Option<i64>,
    /// Only numbers below this (the cursor).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// One row of the list.
#[derive(Debug, Clone)]
pub struct TicketListItem {
    /// Number.
    pub number: i64,
    /// Period.
    pub period: Period,
    /// Visitor id, first and last name.
    pub visitor: (i64, String, String),
    /// Status as it reads now.
    pub status: TicketStatus,
    /// Workplace id and name.
    pub workplace: (i64, String),
    /// Validated at.
    pub validated_at: Option<i64>,
    /// Premises id and name.
    pub premises: (i64, String, Option<String>),
    /// Pass generation.
    pub pass_generation: i64,
    /// The venue's time zone.
    pub time_zone: String,
}

/// One page.
#[derive(Debug, Clone)]
pub struct TicketPage {
    /// Rows, number descending.
    pub items: Vec<TicketListItem>,
    /// The number to continue below, if there may be more.
    pub next_before: Option<i64>,
}

/// How many index entries a driving index may visit before the number scan
/// is the better plan.
const DRIVE_BOUND: i64 = 4000;

#[derive(sqlx::FromRow)]
struct Row {
    number: i64,
    start_date: String,
    end_date: String,
    start_time: Option<String>,
    end_time: Option<String>,
    start_at: i64,
    end_at: i64,
    status: String,
    validated_at: Option<i64>,
    pass_generation: i64,
    visitor_id: i64,
    first_name: String,
    last_name: String,
    workplace_id: i64,
    workplace_name: String,
    premises_id: i64,
    premises_name: String,
    directions: Option<String>,
    time_zone: String,
}

/// Builds SQL with numbered placeholders in the right dialect; every value
/// is bound, never spliced.
struct Query {
    dialect: Dialect,
    sql: String,
    args: Vec<Arg>,
}

impl Query {
    fn new(dialect: Dialect) -> Self {
        Query {
            dialect,
            sql: String::new(),
            args: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.sql.push_str(s);
        self
    }

    fn bind(&mut self, a: impl Into<Arg>) -> &mut Self {
        self.args.push(a.into());
        let mark = match self.dialect {
            Dialect::Sqlite => '?',
            Dialect::Postgres => '$',
        };
        self.sql.push(mark);
        self.sql.push_str(&self.args.len().to_string());
        self
    }
}

/// The SQL condition for "reads as `status` at `now`" over stored columns.
fn status_condition(q: &mut Query, statuses: &[TicketStatus], now: i64) {
    q.push(" AND (");
    for (i, s) in statuses.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        match s {
            TicketStatus::New => q.push("t.status = 'new'"),
            TicketStatus::Cancelled => q.push("t.status = 'cancelled'"),
            TicketStatus::Confirmed => q.push("(t.status = 'confirmed' AND t.start_at > ").bind(now).push(")"),
            TicketStatus::Active => q
                .push("(t.status IN ('confirmed','active') AND t.start_at <= ")
                .bind(now)
                .push(" AND t.end_at > ")
                .bind(now)
                .push(")"),
            TicketStatus::Completed => q
                .push("(t.status = 'completed' OR (t.status IN ('confirmed','active') AND t.end_at <= ")
                .bind(now)
                .push("))"),
        };
    }
    q.push(")");
}

/// Which index drives the query.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Driver {
    Numbers,
    FirstName,
    LastName,
    Days,
    EndDays,
    Status,
}

fn conditions(q: &mut Query, f: &TicketFilter, now: i64, driver: Driver) {
    q.push(" WHERE 1 = 1");
    if let Some(n) = f.number {
        q.push(" AND t.number = ").bind(n);
    }
    if let Some(b) = f.before {
        q.push(" AND t.number < ").bind(b);
    }
    if let Some(v) = f.visitor_id {
        q.push(" AND t.visitor_id = ").bind(v);
    }
    if let Some(to) = f.to_day {
        q.push(" AND t.start_day <= ").bind(to);
    }
    if let Some(from) = f.from_day {
        q.push(" AND t.end_day >= ").bind(from);
    }
    if let Some(prefix) = f.visitor.as_deref() {
        let key = name_key(prefix);
        let upper = prefix_upper_bound(&key);
        match driver {
            Driver::FirstName => {
                q.push(" AND t.visitor_first_key >= ")
                    .bind(key.as_str())
                    .push(" AND t.visitor_first_key < ")
                    .bind(upper.as_str());
            }
            Driver::LastName => {
                q.push(" AND t.visitor_last_key >= ")
                    .bind(key.as_str())
                    .push(" AND t.visitor_last_key < ")
                    .bind(upper.as_str());
                // A ticket matching by both names is found by the first-name pass.
                q.push(" AND NOT (t.visitor_first_key >= ")
                    .bind(key.as_str())
                    .push(" AND t.visitor_first_key < ")
                    .bind(upper.as_str())
                    .push(")");
            }
            _ => {
                q.push(" AND ((t.visitor_first_key >= ")
                    .bind(key.as_str())
                    .push(" AND t.visitor_first_key < ")
                    .bind(upper.as_str())
                    .push(") OR (t.visitor_last_key >= ")
                    .bind(key.as_str())
                    .push(" AND t.visitor_last_key < ")
                    .bind(upper.as_str())
                    .push("))");
            }
        }
    }
    if !f.statuses.is_empty() && f.statuses.len() < TicketStatus::ALL.len() {
        status_condition(q, &f.statuses, now);
    }
}

fn index_hint(dialect: Dialect, driver: Driver) -> &'static str {
    if dialect == Dialect::Postgres {
        return "";
    }
    match driver {
        Driver::Numbers => "",
        Driver::FirstName => " INDEXED BY tickets_first_key",
        Driver::LastName => " INDEXED BY tickets_last_key",
        Driver::Days => " INDEXED BY tickets_days",
        Driver::EndDays => " INDEXED BY tickets_end_day",
        Driver::Status => " INDEXED BY tickets_status",
    }
}

const SELECT: &str = "SELECT t.number, t.start_date, t.end_date, t.start_time, t.end_time, t.start_at, t.end_at, t.status,
        t.validated_at, t.pass_generation, t.visitor_id, u.first_name, u.last_name, t.workplace_id, w.name AS workplace_name,
        t.premises_id, p.name AS premises_name, p.directions, v.time_zone
    FROM tickets t";
const JOINS: &str = " JOIN users u ON u.id = t.visitor_id JOIN workplaces w ON w.id = t.workplace_id JOIN premises p ON p.id = t.premises_id JOIN venues v ON v.id = p.venue_id";

impl Store {
    /// One page of the ticket list.
    pub async fn list_tickets(&self, f: &TicketFilter, now: Timestamp) -> Result<TicketPage> {
        let now = now.as_second();
        let dialect = self.dialect();
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let drivers = candidate_drivers(f, dialect);
        let mut chosen = Driver::Numbers;
        if f.number.is_none() && f.visitor_id.is_none() && dialect == Dialect::Sqlite {
            let mut best = DRIVE_BOUND;
            for d in drivers {
                let visited = probe(&mut c, f, now, d, dialect).await?;
                if visited < best {
                    best = visited;
                    chosen = d;
                }
            }
        }
        let limit = f.limit.clamp(1, 500);
        let rows: Vec<Row> = if chosen == Driver::FirstName || chosen == Driver::LastName {
            // Visitor prefix: both name indexes, each range sorted by number.
            let mut all = fetch(&mut c, f, now, Driver::FirstName, dialect, limit + 1).await?;
            all.extend(fetch(&mut c, f, now, Driver::LastName, dialect, limit + 1).await?);
            all.sort_by_key(|t| std::cmp::Reverse(t.number));
            all.truncate(usize::try_from(limit + 1).unwrap_or(usize::MAX));
            all
        } else {
            fetch(&mut c, f, now, chosen, dialect, limit + 1).await?
        };
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        let mut items = Vec::with_capacity(rows.len());
        for row in rows.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX)) {
            let period = stored_period(
                &row.start_date,
                &row.end_date,
                row.start_time.as_deref(),
                row.end_time.as_deref(),
                row.start_at,
                row.end_at,
            )?;
            let stored = TicketStatus::parse(&row.status).ok_or(StoreError::NotFound("ticket status"))?;
            items.push(TicketListItem {
                number: row.number,
                status: stored.at(
                    period.start(),
                    period.end(),
                    Timestamp::from_second(now).unwrap_or(Timestamp::UNIX_EPOCH),
                ),
                period,
                visitor: (row.visitor_id, row.first_name, row.last_name),
                workplace: (row.workplace_id, row.workplace_name),
                validated_at: row.validated_at,
                premises: (row.premises_id, row.premises_name, row.directions),
                pass_generation: row.pass_generation,
                time_zone: row.time_zone,
            });
        }
        let next_before = if more { items.last().map(|i| i.number) } else { None };
        Ok(TicketPage { items, next_before })
    }
}

fn candidate_drivers(f: &TicketFilter, dialect: Dialect) -> Vec<Driver> {
    let mut d = Vec::new();
    if dialect == Dialect::Postgres {
        return d;
    }
    if f.visitor.is_some() {
        d.push(Driver::FirstName);
    }
    if f.to_day.is_some() {
        d.push(Driver::Days);
    }
    if f.from_day.is_some() {
        d.push(Driver::EndDays);
    }
    let cheap = [TicketStatus::New, TicketStatus::Cancelled];
    if !f.statuses.is_empty() && f.statuses.iter().all(|s| cheap.contains(s)) {
        d.push(Driver::Status);
    }
    d
}

/// How many rows the driver's index range holds (up to the bound).
async fn probe(c: &mut crate::Conn<'_>, f: &TicketFilter, now: i64, d: Driver, dialect: Dialect) -> Result<i64> {
    let mut q = Query::new(dialect);
    q.push("SELECT COUNT(*) FROM (SELECT 1 FROM tickets t")
        .push(index_hint(dialect, d));
    let narrow = TicketFilter {
        number: None,
        visitor_id: None,
        from_day: if d == Driver::EndDays { f.from_day } else { None },
        to_day: if d == Driver::Days { f.to_day } else { None },
        visitor: if d == Driver::FirstName {
            f.visitor.clone()
        } else {
            None
        },
        statuses: if d == Driver::Status {
            f.statuses.clone()
        } else {
            vec![]
        },
        before: f.before,
        limit: 0,
    };
    conditions(&mut q, &narrow, now, d);
    q.push(" LIMIT ").bind(DRIVE_BOUND).push(") x");
    let n = c.scalar(&q.sql, &q.args).await?;
    if d == Driver::FirstName {
        // The visitor filter reads two indexes; count both.
        let mut q2 = Query::new(dialect);
        q2.push("SELECT COUNT(*) FROM (SELECT 1 FROM tickets t")
            .push(index_hint(dialect, Driver::LastName));
        conditions(&mut q2, &narrow, now, Driver::LastName);
        q2.push(" LIMIT ").bind(DRIVE_BOUND).push(") x");
        return Ok(n + c.scalar(&q2.sql, &q2.args).await?);
    }
    Ok(n)
}

async fn fetch(
    c: &mut crate::Conn<'_>,
    f: &TicketFilter,
    now: i64,
    d: Driver,
    dialect: Dialect,
    limit: i64,
) -> Result<Vec<Row>> {
    let mut q = Query::new(dialect);
    q.push(SELECT).push(index_hint(dialect, d)).push(JOINS);
    conditions(&mut q, f, now, d);
    q.push(" ORDER BY t.number DESC LIMIT ").bind(limit);
    c.all(&q.sql, &q.args).await
}
