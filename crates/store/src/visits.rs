//! The visitor's side: sending a ticket to someone else, and the door's
//! access checks, each logged.

use jiff::Timestamp;
use tessera_domain::access::{AccessReason, Direction, PassFacts, decide};
use tessera_domain::refusal::Thing;

use crate::door_cache::DoorTicket;
use crate::tickets::{TicketCore, catch_up, set_visitor, ticket_view};
use crate::writer::DoorLine;
use tessera_domain::refusal::Refusal;

use crate::{Conflict, Result, Store, StoreError, TicketView, User, args, sql};

/// A pass as read from its token (signature checked): which ticket, which
/// generation, until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassClaim {
    /// Ticket number.
    pub ticket: i64,
    /// Generation the pass was issued for.
    pub generation: i64,
    /// The premises it was issued for.
    pub premises_id: i64,
    /// The ticket's start (Unix seconds): an offline door refuses before.
    pub not_before: i64,
    /// When it stops opening the door (Unix seconds).
    pub expires_at: i64,
    /// Whether the ticket was validated when the pass was issued.
    pub validated: bool,
}

/// What a pass is issued from.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct PassState {
    /// Whose ticket it is.
    pub visitor_id: i64,
    /// The ticket's current pass generation.
    pub pass_generation: i64,
    /// The ticket's premises.
    pub premises_id: i64,
    /// The start of its period (Unix seconds).
    pub start_at: i64,
    /// The end of its period (Unix seconds).
    pub end_at: i64,
    /// 1 once the visitor's identity was checked.
    pub validated: i64,
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
                    return Err(StoreError::NotFound(Thing::Ticket));
                }
                let t = catch_up(&mut c, t, at).await?;
                let status = t.status_at(at);
                if !status.may_change_visitor() {
                    return Err(StoreError::conflict(Conflict::TicketStatus {
                        status,
                        action: tessera_domain::ticket_status::TicketAction::Send,
                    }));
                }
                if t.validated_at.is_some() {
                    return Err(StoreError::conflict(Conflict::AlreadyValidated));
                }
                if to.id == from {
                    return Err(StoreError::unprocessable("email", Refusal::TicketYoursAlready));
                }
                set_visitor(&mut c, &t, &to, at, Some(from), "sent").await?;
                ticket_view(&mut c, number, at)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Ticket))
            })
        })
        .await
    }

    /// Checks a pass at a door and logs the check; the first allowed entry
    /// is the ticket's first visit. The door's hot path: on SQLite the
    /// ticket comes from the door's cache when nothing was written since it
    /// was read, and the log line joins the writer's next batch as data; on
    /// PostgreSQL it is read and logged in a transaction of its own.
    pub async fn check_access(
        &self,
        pass: Option<PassClaim>,
        premises_id: i64,
        direction: Direction,
        gate: i64,
        now: Timestamp,
    ) -> Result<(AccessReason, Option<i64>)> {
        let mut ticket = None;
        let mut reason = AccessReason::UnknownPass;
        if let Some(p) = pass {
            let row = self.door_ticket(p.ticket, now).await?;
            if let Some(row) = row {
                let stored = row.status;
                let ts = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
                let status = stored.at(ts(row.start_at), ts(row.end_at), now);
                let facts = PassFacts {
                    current: row.pass_generation == p.generation,
                    expired: p.expires_at <= now.as_second(),
                };
                reason = decide(
                    direction,
                    facts,
                    status,
                    row.premises_id == premises_id,
                    row.validated_at.is_some(),
                );
                // An old generation's pass reads as no pass at all.
                ticket = facts.current.then_some(p.ticket);
            }
        }
        let line = DoorLine {
            ticket,
            at: now.as_second(),
            allowed: reason == AccessReason::Allowed,
            premises_id,
            gate_id: gate,
            reason: reason.as_str(),
            direction: direction.as_str(),
        };
        if let Some((writer, _)) = self.sqlite_door() {
            writer.log_door(line).await?;
        } else {
            let first_visit = i64::from(line.allowed && direction == Direction::In);
            let log = args![
                line.ticket,
                line.at,
                i64::from(line.allowed),
                premises_id,
                gate,
                line.reason,
                line.direction,
                first_visit
            ];
            self.write(move |mut c| {
                Box::pin(async move {
                    c.exec(
                        "INSERT INTO access_checks (ticket_number, at, allowed, premises_id, gate_id, reason, direction) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        &log[..7],
                    )
                    .await?;
                    c.exec(
                        "UPDATE tickets SET first_visit_at = $2 WHERE number = $1 AND $3 = 1 AND first_visit_at IS NULL",
                        &[log[0].clone(), log[1].clone(), log[7].clone()],
                    )
                    .await?;
                    Ok(())
                })
            })
            .await?;
        }
        Ok((reason, ticket))
    }

    /// A ticket as the door sees it: from the cache on SQLite while it holds.
    async fn door_ticket(&self, number: i64, now: Timestamp) -> Result<Option<DoorTicket>> {
        let cached = self.sqlite_door().map(|(w, cache)| (w.generation(), cache));
        if let Some((generation, cache)) = cached
            && let Some(hit) = cache.get(number, generation, now)
        {
            return Ok(Some(hit));
        }
        let row: Option<DoorTicket> = {
            let mut r = self.reader().await?;
            let mut c = r.conn();
            c.opt(
                sql!(c, "SELECT premises_id, pass_generation, validated_at, status, start_at, end_at FROM tickets WHERE number = $1"),
                &args![number],
            )
            .await?
        };
        if let (Some((generation, cache)), Some(row)) = (cached, &row) {
            cache.put(number, row.clone(), generation, now);
        }
        Ok(row)
    }

    /// What a ticket's pass is issued from.
    pub async fn pass_state(&self, number: i64) -> Result<Option<PassState>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT visitor_id, pass_generation, premises_id, start_at, end_at,
                        CAST(CASE WHEN validated_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS validated FROM tickets WHERE number = $1"
            ),
            &args![number],
        )
        .await
    }
}

impl Store {
    /// Workplaces of coworking premises free for a whole period, by id,
    /// from after `after`, at most `limit`.
    pub async fn free_workplaces(
        &self,
        premises_id: i64,
        period: tessera_domain::PeriodInput,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<crate::Workplace>> {
        let tz = self.premises_zone(premises_id).await?;
        let period = tessera_domain::Period::new(period, &tz)
            .map_err(|e| StoreError::unprocessable(format!("period.{}", e.field()), e))?;
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT w.id, w.premises_id, w.name, w.archived_at FROM workplaces w
                     WHERE w.premises_id = $1 AND w.id > $4 AND w.archived_at IS NULL AND NOT EXISTS (
                         SELECT 1 FROM tickets t WHERE t.workplace_id = w.id AND t.status <> 'cancelled'
                           AND t.end_at > $2 AND t.start_at < $3)
                     ORDER BY w.id LIMIT $5"
            ),
            &args![
                premises_id,
                period.start().as_second(),
                period.end().as_second(),
                after.unwrap_or(0),
                limit
            ],
        )
        .await
    }
}
