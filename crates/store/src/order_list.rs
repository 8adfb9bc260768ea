//! The orders list: by number, customer, status (as it reads now) and the
//! days its tickets cover, number descending, by cursor, fast at millions
//! of orders.
//!
//! It is planned as the ticket list is ([`crate::list_query`]): each
//! filter with an index offers a plan, the cheapest is driven and the
//! others are conditions. An order's span (`first_day`..`last_day` of its
//! tickets) narrows the period filter over an index; an order with tickets
//! either side of the period but none in it is left out by checking its
//! tickets. A status reads through the clock: a confirmed order whose last
//! ticket ended reads `completed` before the sweep writes it, and that
//! status plan adds the few from the partial index `orders_due_end`.

use jiff::Timestamp;
use tessera_domain::{OrderStatus, TicketStatus};

use crate::list_query::{Cond, Part, Query, any_of, arg, cheapest, cond};
use crate::{Dialect, OrderView, Result, Store, User};

/// The list's filters, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Exact order number.
    pub number: Option<i64>,
    /// Only this customer's orders.
    pub customer_id: Option<i64>,
    /// Any of these statuses (as they read now); empty means any.
    pub statuses: Vec<OrderStatus>,
    /// Orders with a ticket on or after this day (day number, included).
    pub from_day: Option<i64>,
    /// Orders with a ticket on or before this day (day number, included).
    pub to_day: Option<i64>,
    /// Only numbers below this (the cursor).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// One page.
#[derive(Debug, Clone)]
pub struct OrderPage {
    /// Rows, number descending.
    pub items: Vec<OrderView>,
    /// The number to continue below, if there may be more.
    pub next_before: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    number: i64,
    #[sqlx(try_from = "String")]
    status: OrderStatus,
    total: String,
    currency: String,
    created_at: i64,
    last_end_at: i64,
    time_zone: String,
    customer_id: i64,
    email: String,
    first_name: String,
    last_name: String,
    phone: Option<String>,
    role: String,
    locale: String,
    deactivated_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    order_number: i64,
    number: i64,
    #[sqlx(try_from = "String")]
    status: TicketStatus,
    start_at: i64,
    end_at: i64,
}

/// The parts of "reads as one of `statuses` at `now`", each over an index.
fn status_parts(statuses: &[OrderStatus], now: i64) -> Vec<Part> {
    use Cond::Sql;
    let stored = |s: OrderStatus, extra: Vec<Cond>| {
        let mut condition = vec![Sql(" AND o.status = "), arg(s.as_str())];
        condition.extend(extra);
        Part {
            index: Some("orders_status"),
            condition,
        }
    };
    let mut parts = Vec::new();
    for &s in statuses {
        match s {
            OrderStatus::Confirmed => parts.push(stored(s, vec![Sql(" AND o.last_end_at > "), arg(now)])),
            OrderStatus::Completed => {
                parts.push(stored(s, vec![]));
                parts.push(Part {
                    index: Some("orders_due_end"),
                    condition: vec![Sql(" AND o.status = 'confirmed' AND o.last_end_at <= "), arg(now)],
                });
            }
            _ => parts.push(stored(s, vec![])),
        }
    }
    parts
}

fn filters_status(f: &OrderFilter) -> bool {
    !f.statuses.is_empty() && f.statuses.len() < OrderStatus::ALL.len()
}

/// The plans the filter allows besides walking the numbers: the period's
/// ends, then the status (last, as [`Store::list_orders`] relies on).
fn plans(f: &OrderFilter, now: i64) -> Vec<Vec<Part>> {
    use Cond::Sql;
    let mut plans = Vec::new();
    if let Some(to) = f.to_day {
        plans.push(vec![Part {
            index: Some("orders_days"),
            condition: vec![Sql(" AND o.first_day <= "), arg(to)],
        }]);
    }
    if let Some(from) = f.from_day {
        plans.push(vec![Part {
            index: Some("orders_last_day"),
            condition: vec![Sql(" AND o.last_day >= "), arg(from)],
        }]);
    }
    if filters_status(f) {
        plans.push(status_parts(&f.statuses, now));
    }
    plans
}

/// Every filter except the status (which a plan may carry).
fn common_conditions(q: &mut Query, f: &OrderFilter) {
    q.push(" WHERE 1 = 1");
    if let Some(n) = f.number {
        q.push(" AND o.number = ").bind(n);
    }
    if let Some(b) = f.before {
        q.push(" AND o.number < ").bind(b);
    }
    if let Some(c) = f.customer_id {
        q.push(" AND o.customer_id = ").bind(c);
    }
    if let Some(to) = f.to_day {
        q.push(" AND o.first_day <= ").bind(to);
    }
    if let Some(from) = f.from_day {
        q.push(" AND o.last_day >= ").bind(from);
    }
    if f.from_day.is_some() || f.to_day.is_some() {
        // The span says a ticket may overlap; one of them must.
        q.push(" AND EXISTS (SELECT 1 FROM tickets t WHERE t.order_number = o.number");
        if let Some(to) = f.to_day {
            q.push(" AND t.start_day <= ").bind(to);
        }
        if let Some(from) = f.from_day {
            q.push(" AND t.end_day >= ").bind(from);
        }
        q.push(")");
    }
}

const PAGE_COLUMNS: &str = "SELECT o.number, o.status, o.total, o.currency, o.created_at, o.last_end_at, v.time_zone,
        o.customer_id, u.email, u.first_name, u.last_name, u.phone, u.role, u.locale, u.deactivated_at FROM (";
const PAGE_JOINS: &str =
    ") o JOIN users u ON u.id = o.customer_id JOIN venues v ON v.id = o.venue_id ORDER BY o.number DESC";

impl Store {
    /// One page of the orders list.
    pub async fn list_orders(&self, f: &OrderFilter, now: Timestamp) -> Result<OrderPage> {
        let now = now.as_second();
        let dialect = self.dialect();
        let limit = f.limit.clamp(1, 500);
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let candidates = if f.number.is_some() || f.customer_id.is_some() || dialect == Dialect::Postgres {
            // A number or one customer's orders are few already; PostgreSQL's
            // planner picks among its indexes by itself.
            vec![]
        } else {
            plans(f, now)
        };
        let (plan, plan_is_status) = match cheapest(&mut c, "orders", "o", &candidates).await? {
            Some(i) => (candidates[i].clone(), filters_status(f) && i == candidates.len() - 1),
            // One customer's orders are read from their index, newest first.
            None if f.customer_id.is_some() && f.number.is_none() => (vec![Part::by("orders_customer")], false),
            None => (vec![Part::walk()], false),
        };
        let mut rows: Vec<Row> = Vec::new();
        for part in &plan {
            let mut q = Query::new(dialect);
            q.push("SELECT *").from("orders", "o", part);
            common_conditions(&mut q, f);
            cond(&part.condition, &mut q);
            if !plan_is_status && filters_status(f) {
                cond(&any_of(status_parts(&f.statuses, now)), &mut q);
            }
            q.push(" ORDER BY o.number DESC LIMIT ").bind(limit + 1);
            let sql = format!("{PAGE_COLUMNS}{}{PAGE_JOINS}", q.sql);
            rows.extend(c.all::<Row>(&sql, &q.args).await?);
        }
        if plan.len() > 1 {
            rows.sort_by_key(|o| std::cmp::Reverse(o.number));
            rows.dedup_by_key(|o| o.number);
        }
        let page = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = rows.len() > page;
        rows.truncate(page);

        let mut tickets: Vec<TicketRow> = Vec::new();
        if !rows.is_empty() {
            let mut q = Query::new(dialect);
            q.push("SELECT order_number, number, status, start_at, end_at FROM tickets WHERE order_number IN (");
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.bind(row.number);
            }
            q.push(") ORDER BY order_number, number");
            tickets = c.all::<TicketRow>(&q.sql, &q.args).await?;
        }
        let at = Timestamp::from_second(now).unwrap_or(Timestamp::UNIX_EPOCH);
        let instant = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        let items: Vec<OrderView> = rows
            .into_iter()
            .map(|row| {
                let from = tickets.partition_point(|t| t.order_number < row.number);
                let to = tickets.partition_point(|t| t.order_number <= row.number);
                OrderView {
                    number: row.number,
                    status: row.status.as_of(Some(row.last_end_at), now),
                    customer: User {
                        id: row.customer_id,
                        email: row.email,
                        first_name: row.first_name,
                        last_name: row.last_name,
                        phone: row.phone,
                        role: row.role,
                        locale: row.locale,
                        deactivated_at: row.deactivated_at,
                    },
                    total: row.total,
                    currency: row.currency,
                    created_at: row.created_at,
                    time_zone: row.time_zone,
                    tickets: tickets[from..to]
                        .iter()
                        .map(|t| (t.number, t.status.at(instant(t.start_at), instant(t.end_at), at)))
                        .collect(),
                }
            })
            .collect();
        let next_before = if more { items.last().map(|i| i.number) } else { None };
        Ok(OrderPage { items, next_before })
    }
}
