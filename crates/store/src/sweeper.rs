//! The time-driven sweep: writes down the status changes the clock has made
//! (confirmed → active at the start, → completed at the end, and the order
//! completed with its last ticket). Readers never wait for it, since every
//! read derives the status from the clock; the sweep makes the history and
//! the stored status catch up. Safe on several instances at once.

use jiff::Timestamp;
use tessera_domain::OrderStatus;

use crate::orders::set_order_status;
use crate::tickets::{TicketCore, catch_up};
use crate::{Conn, Dialect, Result, Store, args};

/// Tickets moved per sweep, so one sweep never holds the writer long.
const BATCH: i64 = 500;

async fn due(c: &mut Conn<'_>, now: i64) -> Result<Vec<TicketCore>> {
    let (q1, q2) = match c.dialect() {
        Dialect::Sqlite => (
            "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at
             FROM tickets WHERE status = 'confirmed' AND start_at <= ?1 ORDER BY start_at LIMIT ?2",
            "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at
             FROM tickets WHERE status IN ('confirmed','active') AND end_at <= ?1 ORDER BY end_at LIMIT ?2",
        ),
        // SKIP LOCKED: another instance sweeping the same tickets just now
        // takes them; this one moves on to others.
        Dialect::Postgres => (
            "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at
             FROM tickets WHERE status = 'confirmed' AND start_at <= $1 ORDER BY start_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at
             FROM tickets WHERE status IN ('confirmed','active') AND end_at <= $1 ORDER BY end_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        ),
    };
    let mut rows: Vec<TicketCore> = c.all(q1, &args![now, BATCH]).await?;
    let ending: Vec<TicketCore> = c.all(q2, &args![now, BATCH]).await?;
    for t in ending {
        if !rows.iter().any(|r| r.number == t.number) {
            rows.push(t);
        }
    }
    Ok(rows)
}

async fn complete_orders(c: &mut Conn<'_>, orders: &[i64], now: i64) -> Result<()> {
    for &order in orders {
        let q = match c.dialect() {
            Dialect::Sqlite => {
                "SELECT status, (SELECT MAX(end_at) FROM tickets WHERE order_number = ?1) AS last_end FROM orders WHERE number = ?1"
            }
            Dialect::Postgres => {
                "SELECT status, (SELECT MAX(end_at) FROM tickets WHERE order_number = $1) AS last_end FROM orders WHERE number = $1 FOR UPDATE"
            }
        };
        let row: Option<(String, i64)> = c.opt(q, &args![order]).await?;
        let Some((status, last_end)) = row else { continue };
        if status == OrderStatus::Confirmed.as_str() && last_end <= now {
            set_order_status(
                c,
                order,
                OrderStatus::Confirmed,
                OrderStatus::Completed,
                None,
                "period_ended",
                last_end,
            )
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Writes down what the clock changed up to `now`; how many tickets moved.
    pub async fn sweep(&self, now: Timestamp) -> Result<usize> {
        let now = now.as_second();
        self.write(move |mut c| {
            Box::pin(async move {
                let tickets = due(&mut c, now).await?;
                let moved = tickets.len();
                let mut orders = Vec::new();
                for t in tickets {
                    let t = catch_up(&mut c, t, now).await?;
                    if t.status == tessera_domain::TicketStatus::Completed && !orders.contains(&t.order_number) {
                        orders.push(t.order_number);
                    }
                }
                complete_orders(&mut c, &orders, now).await?;
                Ok(moved)
            })
        })
        .await
    }
}
