//! The visitor's side: sending a ticket to someone else, and the door's
//! access checks, each logged.

use jiff::Timestamp;
use tessera_domain::access::{AccessReason, verdict};

use crate::tickets::{TicketCore, catch_up, set_visitor, ticket_view};
use tessera_domain::TicketStatus;

use crate::{Conflict, Result, Store, StoreError, TicketView, User, args, sql};

/// A pass as read from its token: which ticket, which generation.
#[derive(Debug, Clone, Copy)]
pub struct PassClaim {
    /// Ticket number.
    pub ticket: i64,
    /// Generation the pass was issued for.
    pub generation: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct DoorRow {
    number: i64,
    premises_id: i64,
    pass_generation: i64,
    validated_at: Option<i64>,
    status: String,
    start_at: i64,
    end_at: i64,
}

/// A door check: a pass (if its signature was good) shown at a door.
pub(crate) struct DoorCheck {
    pub pass: Option<PassClaim>,
    pub premises_id: i64,
    pub gate: i64,
    pub now: Timestamp,
}

/// A verdict and the ticket the pass belongs to (when it is a real pass).
pub(crate) type CheckAnswer = (AccessReason, Option<i64>);

impl DoorCheck {
    /// The verdict over the ticket's row (`None`: no such ticket).
    fn verdict(&self, row: Option<&DoorRow>) -> Result<CheckAnswer> {
        let Some(p) = self.pass else {
            return Ok((AccessReason::UnknownPass, None));
        };
        let Some(row) = row.filter(|r| r.number == p.ticket && r.pass_generation == p.generation) else {
            return Ok((AccessReason::UnknownPass, None));
        };
        let stored = TicketStatus::parse(&row.status).ok_or(StoreError::NotFound("ticket status"))?;
        let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        let status = stored.at(ts(row.start_at), ts(row.end_at), self.now);
        Ok((
            verdict(status, row.premises_id == self.premises_id, row.validated_at.is_some()),
            Some(p.ticket),
        ))
    }
}

/// Runs a group of door checks inside the SQLite writer's open transaction:
/// one read of every ticket named, then one round trip that logs every
/// check and records first visits (the earliest allowed entry of a ticket
/// without one), in a savepoint of its own. An error leaves nothing behind.
/// The answers come in the order of `checks`; a check whose ticket row is
/// unreadable fails alone (and is not logged), as it would on its own.
pub(crate) async fn run_checks(
    conn: &mut sqlx::SqliteConnection,
    checks: &[DoorCheck],
) -> Result<Vec<Result<CheckAnswer>>> {
    let numbers: Vec<i64> = checks.iter().filter_map(|c| c.pass.map(|p| p.ticket)).collect();
    let mut rows = std::collections::HashMap::new();
    if !numbers.is_empty() {
        let list = serde_json::Value::from(numbers).to_string();
        let found: Vec<DoorRow> = crate::Conn::Sqlite(&mut *conn)
            .all(
                "SELECT number, premises_id, pass_generation, validated_at, status, start_at, end_at FROM tickets
                     WHERE number IN (SELECT value FROM json_each(?1))",
                &args![list],
            )
            .await?;
        rows.extend(found.into_iter().map(|r| (r.number, r)));
    }
    let answers: Vec<Result<CheckAnswer>> = checks
        .iter()
        .map(|c| c.verdict(c.pass.and_then(|p| rows.get(&p.ticket))))
        .collect();
    let lines: Vec<serde_json::Value> = checks
        .iter()
        .zip(&answers)
        .filter_map(|(c, a)| {
            let (reason, ticket) = a.as_ref().ok()?;
            let allowed = i64::from(*reason == AccessReason::Allowed);
            Some(serde_json::json!([
                ticket,
                c.now.as_second(),
                allowed,
                c.premises_id,
                c.gate,
                reason.as_str()
            ]))
        })
        .collect();
    if lines.is_empty() {
        return Ok(answers);
    }
    let lines = serde_json::Value::from(lines).to_string();
    let mut c = crate::Conn::Sqlite(&mut *conn);
    c.exec("SAVEPOINT door", &[]).await?;
    // Both statements read the same one parameter.
    const LOG: &str = "INSERT INTO access_checks (ticket_number, at, allowed, premises_id, gate_id, reason)
            SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?1);
        UPDATE tickets SET first_visit_at = v.at
            FROM (SELECT value ->> 0 AS number, min(value ->> 1) AS at FROM json_each(?1)
                  WHERE value ->> 2 = 1 GROUP BY 1) AS v
            WHERE tickets.number = v.number AND tickets.first_visit_at IS NULL";
    match c.exec(LOG, &args![lines]).await {
        Ok(_) => {
            c.exec("RELEASE door", &[]).await?;
            Ok(answers)
        }
        Err(e) => {
            c.exec("ROLLBACK TO door; RELEASE door", &[]).await?;
            Err(e)
        }
    }
}

impl Store {
    /// A shared setting, created with `candidate` if it is not set yet (the
    /// first instance to start decides; every other one reads it).
    pub async fn setting_or_init(&self, name: &'static str, candidate: String) -> Result<String> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    sql!(
                        c,
                        "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
                    ),
                    &args![name, candidate],
                )
                .await?;
                let (value,): (String,) = c
                    .one(sql!(c, "SELECT value FROM settings WHERE name = $1"), &args![name])
                    .await?;
                Ok(value)
            })
        })
        .await
    }

    /// The visitor hands a ticket to another registered user; passes issued
    /// before stop working. Only a ticket of theirs, not validated, `new` or
    /// `confirmed`.
    pub async fn send_ticket(&self, number: i64, from: i64, to: User, now: Timestamp) -> Result<TicketView> {
        let at = now.as_second();
        self.write(move |mut c| {
            Box::pin(async move {
                let t = TicketCore::lock(&mut c, number).await?;
                if t.visitor_id != from {
                    return Err(StoreError::NotFound("ticket"));
                }
                let t = catch_up(&mut c, t, at).await?;
                let status = t.status_at(at);
                if !status.may_change_visitor() {
                    return Err(StoreError::conflict(Conflict::TicketStatus { status, action: "send" }));
                }
                if t.validated_at.is_some() {
                    return Err(StoreError::conflict(Conflict::AlreadyValidated));
                }
                if to.id == from {
                    return Err(StoreError::unprocessable("email", "the ticket is yours already"));
                }
                set_visitor(&mut c, &t, &to, at, Some(from), "sent").await?;
                ticket_view(&mut c, number, at)
                    .await?
                    .ok_or(StoreError::NotFound("ticket"))
            })
        })
        .await
    }

    /// Checks a pass at a door and logs the check; the first allowed entry
    /// is the ticket's first visit. The door's hot path. On SQLite the check
    /// goes to the writer, which runs all checks of a group commit together
    /// inside its transaction (one read of their tickets, one statement for
    /// their log lines and first visits), so the verdict is read from the
    /// very state it is committed with. On PostgreSQL: a read, then a write.
    pub async fn check_access(
        &self,
        pass: Option<PassClaim>,
        premises_id: i64,
        gate: i64,
        now: Timestamp,
    ) -> Result<(AccessReason, Option<i64>)> {
        let check = DoorCheck {
            pass,
            premises_id,
            gate,
            now,
        };
        if let Some(writer) = self.sqlite_writer() {
            return writer.check(check).await;
        }
        let row: Option<DoorRow> = match pass {
            Some(p) => {
                let mut r = self.reader().await?;
                let mut c = r.conn();
                c.opt(
                    sql!(c, "SELECT number, premises_id, pass_generation, validated_at, status, start_at, end_at FROM tickets WHERE number = $1"),
                    &args![p.ticket],
                )
                .await?
            }
            None => None,
        };
        let (reason, ticket) = check.verdict(row.as_ref())?;
        let allowed = i64::from(reason == AccessReason::Allowed);
        let log = args![ticket, now.as_second(), allowed, premises_id, gate, reason.as_str()];
        self.write(move |mut c| {
            Box::pin(async move {
                c.exec(
                    "INSERT INTO access_checks (ticket_number, at, allowed, premises_id, gate_id, reason) VALUES ($1, $2, $3, $4, $5, $6)",
                    &log,
                )
                .await?;
                c.exec("UPDATE tickets SET first_visit_at = $2 WHERE number = $1 AND $3 = 1 AND first_visit_at IS NULL", &log[..3])
                    .await?;
                Ok(())
            })
        })
        .await?;
        Ok((reason, ticket))
    }

    /// The pass generation and visitor of a ticket (to issue a pass).
    pub async fn pass_state(&self, number: i64) -> Result<Option<(i64, i64)>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(c, "SELECT visitor_id, pass_generation FROM tickets WHERE number = $1"),
            &args![number],
        )
        .await
    }
}

impl Store {
    /// Workplaces of coworking premises free for a whole period.
    pub async fn free_workplaces(
        &self,
        premises_id: i64,
        period: tessera_domain::PeriodInput,
    ) -> Result<Vec<crate::Workplace>> {
        let premises = self
            .premises(premises_id)
            .await?
            .ok_or(StoreError::NotFound("premises"))?;
        let venue = self
            .venue(premises.venue_id)
            .await?
            .ok_or(StoreError::NotFound("venue"))?;
        let tz = jiff::tz::TimeZone::get(&venue.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let period = tessera_domain::Period::new(period, &tz)
            .map_err(|e| StoreError::unprocessable(format!("period.{}", e.field()), e.to_string()))?;
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT w.id, w.premises_id, w.name FROM workplaces w
                     WHERE w.premises_id = $1 AND NOT EXISTS (
                         SELECT 1 FROM tickets t WHERE t.workplace_id = w.id AND t.status <> 'cancelled'
                           AND t.end_at > $2 AND t.start_at < $3)
                     ORDER BY w.id"
            ),
            &args![premises_id, period.start().as_second(), period.end().as_second()],
        )
        .await
    }
}
