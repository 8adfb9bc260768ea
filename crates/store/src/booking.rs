//! The plumbing every booking shares, whether it creates a ticket (an order)
//! or moves one (a change of workplace): the workplace locks, the guard
//! around the statement that may clash, the deadlock retry and the lookup
//! of who holds the workplace when it does clash. The rule itself (no two
//! live tickets on one workplace at once) is the database's exclusion
//! constraint or trigger; this answers its refusal.

use crate::{Arg, Conflict, Conn, Dialect, Result, StoreError, args, sql};

/// What a booking statement takes: a workplace for `[start, end)`, and the
/// ticket it moves, which does not clash with itself.
pub(crate) struct Claim {
    pub workplace_id: i64,
    pub start: i64,
    pub end: i64,
    pub keeping: Option<i64>,
}

/// Runs a statement that books a workplace and returns a ticket number
/// (`RETURNING number`). A clash answers as the workplace taken, naming the
/// tickets that hold it. Two transactions booking one workplace at once may
/// each wait for the other inside PostgreSQL's exclusion check; it breaks
/// the deadlock by failing one, which tries again (up to three times) and
/// then sees the winner's ticket as a plain clash.
pub(crate) async fn book(c: &mut Conn<'_>, sql: &str, args: &[Arg], claim: Claim) -> Result<i64> {
    let mut deadlocks = 0;
    loop {
        guard(c).await?;
        match c.one::<(i64,)>(sql, args).await {
            Ok((number,)) => return Ok(number),
            Err(e) if e.is_deadlock() && deadlocks < 3 => {
                deadlocks += 1;
                unguard(c).await?;
            }
            Err(e) if e.is_double_booking() => {
                unguard(c).await?;
                return Err(taken(c, &claim).await);
            }
            Err(e) => return Err(e),
        }
    }
}

/// The conflict a clash answers with: the workplace, and the live tickets
/// holding it during the claim. For callers whose statement was refused
/// outside [`book`] (SQLite's one-statement order), after they have rolled
/// back to a point where reading is allowed.
pub(crate) async fn taken(c: &mut Conn<'_>, claim: &Claim) -> StoreError {
    match clashing_tickets(c, claim.workplace_id, claim.start, claim.end, claim.keeping).await {
        Ok(tickets) => StoreError::conflict(Conflict::WorkplaceTaken {
            workplace_id: claim.workplace_id,
            tickets,
        }),
        Err(e) => e,
    }
}

/// Marks a point to return to if the next statement is refused as a double
/// booking: PostgreSQL aborts the whole transaction on a constraint
/// violation, while SQLite's trigger aborts only the statement.
async fn guard(c: &mut Conn<'_>) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        c.exec("SAVEPOINT booking_guard", &[]).await?;
    }
    Ok(())
}

/// Serialises bookings of these workplaces until the transaction ends, on
/// PostgreSQL. Without it, concurrent inserts of clashing tickets deadlock
/// inside the exclusion check; each deadlock costs `deadlock_timeout` (1 s)
/// before PostgreSQL breaks it, and under a burst on one workplace (seen
/// with two instances and 60 clients) they chain past the pool's wait and
/// end in 500s. Taken in id order, so two bookers never wait on each other
/// in a cycle. SQLite has one writer and needs none.
pub(crate) async fn lock_workplaces(c: &mut Conn<'_>, ids: &[i64]) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            // Key space: a constant class ("tess") and the id folded into int4.
            c.exec(
                "SELECT pg_advisory_xact_lock(1953719155, ($1 % 2147483647)::int)",
                &args![id],
            )
            .await?;
        }
    }
    Ok(())
}

/// The first of `ids` archived by now, read under the workplaces' locks on
/// PostgreSQL: an order priced from the cache just before an archive
/// committed must not book the archived workplace. (SQLite's single writer
/// runs the archive and the order one after the other, and pricing reads the
/// catalogue version inside the same transaction.)
pub(crate) async fn archived_meanwhile(c: &mut Conn<'_>, ids: &[i64]) -> Result<Option<i64>> {
    if c.dialect() != Dialect::Postgres {
        return Ok(None);
    }
    for id in ids {
        let archived: Option<(i64,)> = c
            .opt(
                "SELECT id FROM workplaces WHERE id = $1 AND archived_at IS NOT NULL",
                &args![*id],
            )
            .await?;
        if archived.is_some() {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}

/// Returns to the guard after a refused statement.
async fn unguard(c: &mut Conn<'_>) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        c.exec("ROLLBACK TO SAVEPOINT booking_guard", &[]).await?;
    }
    Ok(())
}

/// Numbers of the live tickets holding a workplace during `[start, end)`.
async fn clashing_tickets(
    c: &mut Conn<'_>,
    workplace_id: i64,
    start: i64,
    end: i64,
    except: Option<i64>,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = c
        .all(
            sql!(
                c,
                "SELECT number FROM tickets
                     WHERE workplace_id = $1 AND end_at > $2 AND start_at < $3 AND status <> 'cancelled'
                       AND number <> $4 ORDER BY number"
            ),
            &args![workplace_id, start, end, except.unwrap_or(0)],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
