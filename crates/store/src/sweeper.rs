//! The time-driven sweep: writes down the status changes the clock has made
//! (confirmed → active at the start, → completed at the end, and the order
//! completed with its last ticket), and cancels visitors' own orders still
//! unpaid at their venue's payment deadline. Readers never wait for it, since every
//! read derives the status from the clock; the sweep makes the history and
//! the stored status catch up. Safe on several instances at once.

use jiff::Timestamp;
use tessera_domain::OrderStatus;

use crate::orders::{Mover, move_order, set_order_status};
use crate::tickets::{TicketCore, catch_up};
use crate::{Conn, Dialect, Result, Store, args, sql};

/// Tickets moved per sweep, so one sweep never holds the writer long.
const BATCH: i64 = 500;

/// On PostgreSQL the sweep takes its rows with `FOR UPDATE SKIP LOCKED`:
/// another instance sweeping the same rows just now takes them, and this
/// one moves on to others. SQLite's single writer needs no lock.
fn skip_locked(c: &Conn<'_>, query: &str, of: &str) -> String {
    match c.dialect() {
        Dialect::Sqlite => query.to_owned(),
        Dialect::Postgres => format!("{query} FOR UPDATE{of} SKIP LOCKED"),
    }
}

async fn due(c: &mut Conn<'_>, now: i64) -> Result<Vec<TicketCore>> {
    let q1 = skip_locked(
        c,
        sql!(
            c,
            "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at
             FROM tickets WHERE status = 'confirmed' AND start_at <= $1 ORDER BY start_at LIMIT $2"
        ),
        "",
    );
    let q2 = skip_locked(
        c,
        sql!(
            c,
            "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at
             FROM tickets WHERE status IN ('confirmed','active') AND end_at <= $1 ORDER BY end_at LIMIT $2"
        ),
        "",
    );
    let mut rows: Vec<TicketCore> = c.all(&q1, &args![now, BATCH]).await?;
    let ending: Vec<TicketCore> = c.all(&q2, &args![now, BATCH]).await?;
    for t in ending {
        if !rows.iter().any(|r| r.number == t.number) {
            rows.push(t);
        }
    }
    Ok(rows)
}

async fn complete_orders(c: &mut Conn<'_>, orders: &[i64], now: i64) -> Result<()> {
    for &order in orders {
        let q = format!(
            "{}{}",
            sql!(
                c,
                "SELECT status, (SELECT MAX(end_at) FROM tickets WHERE order_number = $1) AS last_end FROM orders WHERE number = $1"
            ),
            c.for_update()
        );
        let row: Option<(String, i64)> = c.opt(&q, &args![order]).await?;
        let Some((status, last_end)) = row else { continue };
        if OrderStatus::try_from(status)? == OrderStatus::Confirmed
            && OrderStatus::Confirmed.as_of(Some(last_end), now) == OrderStatus::Completed
        {
            set_order_status(
                c,
                order,
                OrderStatus::Confirmed,
                OrderStatus::Completed,
                Mover::system("period_ended"),
                last_end,
            )
            .await?;
        }
    }
    Ok(())
}

/// Visitors' own orders (made by the customer, who is a visitor) still
/// unpaid at their venue's payment deadline; managers' orders have none.
async fn unpaid_past_deadline(c: &mut Conn<'_>, now: i64) -> Result<Vec<(i64,)>> {
    let q = skip_locked(
        c,
        sql!(
            c,
            "SELECT o.number FROM orders o
             JOIN users u ON u.id = o.customer_id
             JOIN venues v ON v.id = o.venue_id
             WHERE o.status IN ('new', 'new_payment_in_progress')
               AND o.created_by = o.customer_id AND u.role = 'visitor'
               AND o.created_at + v.payment_hours * 3600 <= $1
             ORDER BY o.created_at LIMIT $2"
        ),
        " OF o",
    );
    c.all(&q, &args![now, BATCH]).await
}

impl Store {
    /// Writes down what the clock changed up to `now`; how many tickets moved.
    pub async fn sweep(&self, now: Timestamp) -> Result<usize> {
        let now = now.as_second();
        self.write(move |mut c| {
            Box::pin(async move {
                crate::sign_in::forget_old_attempts(&mut c, now).await?;
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
                let mut cancelled = 0;
                for (order,) in unpaid_past_deadline(&mut c, now).await? {
                    // Read again under the lock: a payment that came in
                    // meanwhile wins, and the status decides where it goes.
                    let decide = |current: OrderStatus| Ok(current.at_payment_deadline());
                    if move_order(&mut c, order, decide, Mover::system("payment_deadline"), now)
                        .await?
                        .is_some()
                    {
                        cancelled += 1;
                    }
                }
                if cancelled > 0 {
                    tracing::info!(orders = cancelled, "unpaid orders cancelled at their payment deadline");
                }
                Ok(moved + cancelled)
            })
        })
        .await
    }
}
