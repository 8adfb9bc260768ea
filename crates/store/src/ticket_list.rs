//! The ticket list: every filter of the seed, number descending, by cursor,
//! fast at millions of tickets.
//!
//! Each filter that has an index offers a plan ([`crate::list_query`]);
//! each part of the chosen plan is its own query sorted by number, and the
//! parts' pages are merged. Rows are fetched first from `tickets` alone and only the page
//! is joined to names, so the join never steers the plan.
//!
//! A status is read through the clock (a confirmed ticket whose period began
//! reads `active`); the background sweep writes such changes within seconds,
//! so the not-yet-written ones are few and each status plan adds them from
//! the small partial indexes `tickets_due_start` / `tickets_due_end`.

use jiff::Timestamp;
use tessera_domain::person::{name_key, prefix_upper_bound};
use tessera_domain::{Period, TicketStatus};

use crate::list_query::{Cond, Part, Query, any_of, arg, cheapest, cond};
use crate::tickets::stored_period;
use crate::{Dialect, Result, Store};

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

#[derive(sqlx::FromRow)]
struct Row {
    number: i64,
    start_date: String,
    end_date: String,
    start_time: Option<String>,
    end_time: Option<String>,
    start_at: i64,
    end_at: i64,
    #[sqlx(try_from = "String")]
    status: TicketStatus,
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

/// The parts of "reads as one of `statuses` at `now`", each over an index.
fn status_parts(statuses: &[TicketStatus], now: i64) -> Vec<Part> {
    use Cond::Sql;
    let by_status = |stored: &'static str, extra: Vec<Cond>| {
        let mut condition = vec![Sql(stored)];
        condition.extend(extra);
        Part {
            index: Some("tickets_status"),
            condition,
        }
    };
    let mut parts = Vec::new();
    for s in statuses {
        match s {
            TicketStatus::New => parts.push(by_status(" AND t.status = 'new'", vec![])),
            TicketStatus::Cancelled => parts.push(by_status(" AND t.status = 'cancelled'", vec![])),
            TicketStatus::Confirmed => parts.push(by_status(
                " AND t.status = 'confirmed' AND t.start_at > ",
                vec![arg(now)],
            )),
            TicketStatus::Active => {
                parts.push(by_status(" AND t.status = 'active' AND t.end_at > ", vec![arg(now)]));
                parts.push(Part {
                    index: Some("tickets_due_start"),
                    condition: vec![
                        Sql(" AND t.status = 'confirmed' AND t.start_at <= "),
                        arg(now),
                        Sql(" AND t.end_at > "),
                        arg(now),
                    ],
                });
            }
            TicketStatus::Completed => {
                parts.push(by_status(" AND t.status = 'completed'", vec![]));
                parts.push(Part {
                    index: Some("tickets_due_end"),
                    condition: vec![
                        Sql(" AND t.status IN ('confirmed','active') AND t.end_at <= "),
                        arg(now),
                    ],
                });
            }
        }
    }
    parts
}

/// The condition "reads as one of `statuses`", for plans driven by another index.
fn any_status(statuses: &[TicketStatus], now: i64) -> Vec<Cond> {
    any_of(status_parts(statuses, now))
}

/// The plans the filter allows, besides walking the numbers.
fn plans(f: &TicketFilter, now: i64) -> Vec<Vec<Part>> {
    use Cond::Sql;
    let mut plans = Vec::new();
    if let Some(prefix) = f.visitor.as_deref() {
        let key = name_key(prefix);
        let upper = prefix_upper_bound(&key);
        plans.push(vec![
            Part {
                index: Some("tickets_first_key"),
                condition: vec![
                    Sql(" AND t.visitor_first_key >= "),
                    arg(key.as_str()),
                    Sql(" AND t.visitor_first_key < "),
                    arg(upper.as_str()),
                ],
            },
            // Tickets matching by both names come from the first part only.
            Part {
                index: Some("tickets_last_key"),
                condition: vec![
                    Sql(" AND t.visitor_last_key >= "),
                    arg(key.as_str()),
                    Sql(" AND t.visitor_last_key < "),
                    arg(upper.as_str()),
                    Sql(" AND NOT (t.visitor_first_key >= "),
                    arg(key.as_str()),
                    Sql(" AND t.visitor_first_key < "),
                    arg(upper.as_str()),
                    Sql(")"),
                ],
            },
        ]);
    }
    if let Some(to) = f.to_day {
        plans.push(vec![Part {
            index: Some("tickets_days"),
            condition: vec![Sql(" AND t.start_day <= "), arg(to)],
        }]);
    }
    if let Some(from) = f.from_day {
        plans.push(vec![Part {
            index: Some("tickets_end_day"),
            condition: vec![Sql(" AND t.end_day >= "), arg(from)],
        }]);
    }
    if filters_status(f) {
        plans.push(status_parts(&f.statuses, now));
    }
    plans
}

fn filters_status(f: &TicketFilter) -> bool {
    !f.statuses.is_empty() && f.statuses.len() < TicketStatus::ALL.len()
}

/// Every filter except the visitor name and status (which plans may carry).
fn common_conditions(q: &mut Query, f: &TicketFilter) {
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
}

/// The visitor-name condition for plans not driven by the name indexes.
fn visitor_condition(f: &TicketFilter) -> Vec<Cond> {
    use Cond::Sql;
    let Some(prefix) = f.visitor.as_deref() else {
        return vec![];
    };
    let key = name_key(prefix);
    let upper = prefix_upper_bound(&key);
    vec![
        Sql(" AND ((t.visitor_first_key >= "),
        arg(key.as_str()),
        Sql(" AND t.visitor_first_key < "),
        arg(upper.as_str()),
        Sql(") OR (t.visitor_last_key >= "),
        arg(key.as_str()),
        Sql(" AND t.visitor_last_key < "),
        arg(upper.as_str()),
        Sql("))"),
    ]
}

/// The ticket rows of one part, whole filter applied, newest first.
fn part_query(
    dialect: Dialect,
    f: &TicketFilter,
    now: i64,
    part: &Part,
    plan_is_visitor: bool,
    plan_is_status: bool,
    limit: i64,
) -> Query {
    let mut q = Query::new(dialect);
    q.push("SELECT *").from("tickets", "t", part);
    common_conditions(&mut q, f);
    cond(&part.condition, &mut q);
    if !plan_is_visitor {
        cond(&visitor_condition(f), &mut q);
    }
    if !plan_is_status && filters_status(f) {
        cond(&any_status(&f.statuses, now), &mut q);
    }
    q.push(" ORDER BY t.number DESC LIMIT ").bind(limit);
    q
}

const PAGE_COLUMNS: &str = "SELECT t.number, t.start_date, t.end_date, t.start_time, t.end_time, t.start_at, t.end_at, t.status,
        t.validated_at, t.pass_generation, t.visitor_id, u.first_name, u.last_name, t.workplace_id, w.name AS workplace_name,
        t.premises_id, p.name AS premises_name, p.directions, v.time_zone FROM (";
const PAGE_JOINS: &str = ") t JOIN users u ON u.id = t.visitor_id JOIN workplaces w ON w.id = t.workplace_id
        JOIN premises p ON p.id = t.premises_id JOIN venues v ON v.id = p.venue_id ORDER BY t.number DESC";

impl Store {
    /// One page of the ticket list.
    pub async fn list_tickets(&self, f: &TicketFilter, now: Timestamp) -> Result<TicketPage> {
        let now = now.as_second();
        let dialect = self.dialect();
        let limit = f.limit.clamp(1, 500);
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let candidates = if f.number.is_some() || f.visitor_id.is_some() || dialect == Dialect::Postgres {
            // A number or a visitor's own list is tiny already; PostgreSQL's
            // planner picks among its indexes by itself.
            vec![]
        } else {
            plans(f, now)
        };
        let (plan, is_visitor, is_status) = match cheapest(&mut c, "tickets", "t", &candidates).await? {
            Some(i) => (
                candidates[i].clone(),
                f.visitor.is_some() && i == 0,
                filters_status(f) && i == candidates.len() - 1,
            ),
            // A visitor's own tickets are read from their index, newest first.
            None if f.visitor_id.is_some() && f.number.is_none() => (vec![Part::by("tickets_visitor")], false, false),
            None => (vec![Part::walk()], false, false),
        };
        let mut rows: Vec<Row> = Vec::new();
        for part in &plan {
            let inner = part_query(dialect, f, now, part, is_visitor, is_status, limit + 1);
            let sql = format!("{PAGE_COLUMNS}{}{PAGE_JOINS}", inner.sql);
            rows.extend(c.all::<Row>(&sql, &inner.args).await?);
        }
        if plan.len() > 1 {
            rows.sort_by_key(|t| std::cmp::Reverse(t.number));
            rows.dedup_by_key(|t| t.number);
        }
        let page = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > page;
        rows.truncate(page);
        let mut items = Vec::with_capacity(rows.len());
        let at = Timestamp::from_second(now).unwrap_or(Timestamp::UNIX_EPOCH);
        for row in rows {
            let period = stored_period(
                &row.start_date,
                &row.end_date,
                row.start_time.as_deref(),
                row.end_time.as_deref(),
                row.start_at,
                row.end_at,
            )?;
            let stored = row.status;
            items.push(TicketListItem {
                number: row.number,
                status: stored.at(period.start(), period.end(), at),
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
