//! Tickets: their time-driven status, the manager's actions on them, and the
//! full view the ticket page shows.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use tessera_domain::booking::check_workplace_move;
use tessera_domain::person::name_key;
use tessera_domain::refusal::Thing;
use tessera_domain::{OrderStatus, Period, PeriodInput, TicketStatus};

use crate::booking::{Claim, archived_meanwhile, book, lock_workplaces};
use crate::users::{insert_user, user_by_id};
use crate::{Conflict, Conn, Dialect, HistoryEntry, Modifier, NewUser, Result, Store, StoreError, User, args, sql};
use tessera_domain::refusal::Refusal;

/// The columns every status decision needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TicketCore {
    pub number: i64,
    pub order_number: i64,
    pub workplace_id: i64,
    pub visitor_id: i64,
    #[sqlx(try_from = "String")]
    pub status: TicketStatus,
    pub start_at: i64,
    pub end_at: i64,
    pub validated_at: Option<i64>,
}

const CORE: &str = "number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at";

fn ts(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl TicketCore {
    pub fn start(&self) -> Timestamp {
        ts(self.start_at)
    }

    pub fn end(&self) -> Timestamp {
        ts(self.end_at)
    }

    /// The status as it reads at `now`.
    pub fn status_at(&self, now: i64) -> TicketStatus {
        self.status.at(self.start(), self.end(), ts(now))
    }

    pub async fn of_order(c: &mut Conn<'_>, order: i64) -> Result<Vec<TicketCore>> {
        let q = match c.dialect() {
            Dialect::Sqlite => {
                "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at FROM tickets WHERE order_number = ?1 ORDER BY number"
            }
            Dialect::Postgres => {
                "SELECT number, order_number, workplace_id, visitor_id, status, start_at, end_at, validated_at FROM tickets WHERE order_number = $1 ORDER BY number"
            }
        };
        c.all(q, &args![order]).await
    }

    /// Loads one ticket, locked for the rest of the transaction on PostgreSQL
    /// (SQLite's single writer already serialises).
    pub async fn lock(c: &mut Conn<'_>, number: i64) -> Result<TicketCore> {
        let q = match c.dialect() {
            Dialect::Sqlite => format!("SELECT {CORE} FROM tickets WHERE number = ?1"),
            Dialect::Postgres => format!("SELECT {CORE} FROM tickets WHERE number = $1 FOR UPDATE"),
        };
        c.opt(&q, &args![number])
            .await?
            .ok_or(StoreError::NotFound(Thing::Ticket))
    }
}

/// Writes a status change into the ticket's history, once: the partial
/// unique index makes a second writer of the same change a no-op.
pub(crate) async fn record_status(
    c: &mut Conn<'_>,
    ticket: i64,
    at: i64,
    from: Option<TicketStatus>,
    to: TicketStatus,
    actor: Option<i64>,
    cause: &str,
) -> Result<u64> {
    c.exec(
        sql!(
            c,
            "INSERT INTO ticket_history (ticket_number, at, kind, from_status, to_status, actor_id, cause)
                 VALUES ($1, $2, 'status', $3, $4, $5, $6)
                 ON CONFLICT (ticket_number, to_status) WHERE kind = 'status' DO NOTHING"
        ),
        &args![ticket, at, from.map(TicketStatus::as_str), to.as_str(), actor, cause],
    )
    .await
}

async fn record_event(
    c: &mut Conn<'_>,
    ticket: i64,
    at: i64,
    kind: &str,
    actor: Option<i64>,
    cause: &str,
    detail: Option<String>,
) -> Result<()> {
    c.exec(
        sql!(c, "INSERT INTO ticket_history (ticket_number, at, kind, actor_id, cause, detail) VALUES ($1, $2, $3, $4, $5, $6)"),
        &args![ticket, at, kind, actor, cause, detail],
    )
    .await?;
    Ok(())
}

/// Moves one ticket along the clock (confirmed → active → completed),
/// writing each change at the instant it happened. Conditional updates make
/// it safe to run from several instances at once: only one wins each change.
pub(crate) async fn catch_up(c: &mut Conn<'_>, mut t: TicketCore, now: i64) -> Result<TicketCore> {
    if t.status == TicketStatus::Confirmed && t.start_at <= now {
        let n = c
            .exec(
                sql!(
                    c,
                    "UPDATE tickets SET status = 'active' WHERE number = $1 AND status = 'confirmed'"
                ),
                &args![t.number],
            )
            .await?;
        if n == 1 {
            record_status(
                c,
                t.number,
                t.start_at,
                Some(TicketStatus::Confirmed),
                TicketStatus::Active,
                None,
                "period_started",
            )
            .await?;
        }
        t.status = TicketStatus::Active;
    }
    if t.status == TicketStatus::Active && t.end_at <= now {
        let n = c
            .exec(
                sql!(
                    c,
                    "UPDATE tickets SET status = 'completed' WHERE number = $1 AND status = 'active'"
                ),
                &args![t.number],
            )
            .await?;
        if n == 1 {
            record_status(
                c,
                t.number,
                t.end_at,
                Some(TicketStatus::Active),
                TicketStatus::Completed,
                None,
                "period_ended",
            )
            .await?;
        }
        t.status = TicketStatus::Completed;
    }
    Ok(t)
}

/// Rebuilds a period from its stored columns.
pub(crate) fn stored_period(
    start_date: &str,
    end_date: &str,
    start_time: Option<&str>,
    end_time: Option<&str>,
    start_at: i64,
    end_at: i64,
) -> Result<Period> {
    let bad = |what: &str| StoreError::Database(sqlx::Error::Decode(format!("stored period: {what}").into()));
    let date = |s: &str| s.parse::<Date>().map_err(|_| bad(s));
    let time = |s: &str| s.parse::<Time>().map_err(|_| bad(s));
    let input = match (start_time, end_time) {
        (Some(st), Some(et)) => PeriodInput::Slot {
            date: date(start_date)?,
            start_time: time(st)?,
            end_time: time(et)?,
        },
        _ => PeriodInput::Days {
            start_date: date(start_date)?,
            end_date: date(end_date)?,
        },
    };
    Ok(Period::from_stored(input, ts(start_at), ts(end_at)))
}

/// How a manager changes a ticket's visitor.
#[derive(Debug, Clone)]
pub enum VisitorChange {
    /// To an existing user.
    Existing(i64),
    /// To a user created on the spot.
    New(NewUser),
}

/// Everything the ticket page shows.
#[derive(Debug, Clone)]
pub struct TicketView {
    /// Number.
    pub number: i64,
    /// Created at (UNIX seconds).
    pub created_at: i64,
    /// Status as it reads now.
    pub status: TicketStatus,
    /// Period.
    pub period: Period,
    /// Order number.
    pub order_number: i64,
    /// Order status as it reads now.
    pub order_status: OrderStatus,
    /// Workplace id and name.
    pub workplace: (i64, String),
    /// Premises id, name and first-visit directions.
    pub premises: (i64, String, Option<String>),
    /// The venue's time zone.
    pub time_zone: String,
    /// The venue's currency.
    pub currency: String,
    /// Visitor.
    pub visitor: User,
    /// Tariff id and name.
    pub tariff: (i64, String),
    /// Service variant id and name.
    pub service_variant: Option<(i64, String)>,
    /// Modifiers.
    pub modifiers: Vec<Modifier>,
    /// When the identity was checked.
    pub validated_at: Option<i64>,
    /// Who checked it.
    pub validated_by: Option<User>,
    /// Price of this ticket.
    pub price: String,
    /// Bumped whenever earlier passes must stop working.
    pub pass_generation: i64,
    /// First entry through the door.
    pub first_visit_at: Option<i64>,
    /// History, oldest first.
    pub history: Vec<HistoryEntry>,
}

#[derive(sqlx::FromRow)]
struct ViewRow {
    number: i64,
    created_at: i64,
    #[sqlx(try_from = "String")]
    status: TicketStatus,
    order_number: i64,
    #[sqlx(try_from = "String")]
    order_status: OrderStatus,
    order_last_end: i64,
    start_date: String,
    end_date: String,
    start_time: Option<String>,
    end_time: Option<String>,
    start_at: i64,
    end_at: i64,
    validated_at: Option<i64>,
    validated_by: Option<i64>,
    price: String,
    pass_generation: i64,
    first_visit_at: Option<i64>,
    workplace_id: i64,
    workplace_name: String,
    premises_id: i64,
    premises_name: String,
    directions: Option<String>,
    time_zone: String,
    currency: String,
    visitor_id: i64,
    tariff_id: i64,
    tariff_name: String,
    variant_id: Option<i64>,
    variant_name: Option<String>,
}

pub(crate) async fn ticket_view(c: &mut Conn<'_>, number: i64, now: i64) -> Result<Option<TicketView>> {
    let Some(r) = c
        .opt::<ViewRow>(
            sql!(c, "SELECT t.number, t.created_at, t.status, t.order_number, o.status AS order_status,
                            (SELECT MAX(t2.end_at) FROM tickets t2 WHERE t2.order_number = t.order_number) AS order_last_end,
                            t.start_date, t.end_date, t.start_time, t.end_time, t.start_at, t.end_at,
                            t.validated_at, t.validated_by, t.price, t.pass_generation, t.first_visit_at,
                            w.id AS workplace_id, w.name AS workplace_name,
                            p.id AS premises_id, p.name AS premises_name, p.directions,
                            v.time_zone, v.currency, t.visitor_id,
                            tr.id AS tariff_id, tr.name AS tariff_name,
                            sv.id AS variant_id, sv.name AS variant_name
                     FROM tickets t
                     JOIN orders o ON o.number = t.order_number
                     JOIN workplaces w ON w.id = t.workplace_id
                     JOIN premises p ON p.id = t.premises_id
                     JOIN venues v ON v.id = p.venue_id
                     JOIN tariffs tr ON tr.id = t.tariff_id
                     LEFT JOIN service_variants sv ON sv.id = t.service_variant_id
                     WHERE t.number = $1"),
            &args![number],
        )
        .await?
    else {
        return Ok(None);
    };
    let visitor = user_by_id(c, r.visitor_id)
        .await?
        .ok_or(StoreError::NotFound(Thing::Visitor))?;
    let validated_by = match r.validated_by {
        Some(id) => user_by_id(c, id).await?,
        None => None,
    };
    let modifiers: Vec<Modifier> = c
        .all(
            sql!(c, "SELECT m.id, m.venue_id, m.name, m.price, m.archived_at FROM ticket_modifiers tm JOIN modifiers m ON m.id = tm.modifier_id
                     WHERE tm.ticket_number = $1 ORDER BY m.id"),
            &args![number],
        )
        .await?;
    let history: Vec<HistoryEntry> = c
        .all(
            sql!(
                c,
                "SELECT at, kind, from_status, to_status, actor_id, cause, detail FROM ticket_history
                     WHERE ticket_number = $1 ORDER BY at, id"
            ),
            &args![number],
        )
        .await?;
    let period = stored_period(
        &r.start_date,
        &r.end_date,
        r.start_time.as_deref(),
        r.end_time.as_deref(),
        r.start_at,
        r.end_at,
    )?;
    let (stored, order_stored) = (r.status, r.order_status);
    Ok(Some(TicketView {
        number: r.number,
        created_at: r.created_at,
        status: stored.at(period.start(), period.end(), ts(now)),
        period,
        order_number: r.order_number,
        order_status: order_stored.as_of(Some(r.order_last_end), now),
        workplace: (r.workplace_id, r.workplace_name),
        premises: (r.premises_id, r.premises_name, r.directions),
        time_zone: r.time_zone,
        currency: r.currency,
        visitor,
        tariff: (r.tariff_id, r.tariff_name),
        service_variant: r.variant_id.zip(r.variant_name),
        modifiers,
        validated_at: r.validated_at,
        validated_by,
        price: r.price,
        pass_generation: r.pass_generation,
        first_visit_at: r.first_visit_at,
        history,
    }))
}

fn refuse(status: TicketStatus, action: tessera_domain::ticket_status::TicketAction) -> StoreError {
    StoreError::conflict(Conflict::TicketStatus { status, action })
}

impl Store {
    /// A ticket as its page shows it.
    pub async fn ticket(&self, number: i64, now: Timestamp) -> Result<Option<TicketView>> {
        let mut r = self.reader().await?;
        ticket_view(&mut r.conn(), number, now.as_second()).await
    }

    /// Runs a change on one locked, caught-up ticket and answers its new view.
    async fn change_ticket<F>(&self, number: i64, now: Timestamp, change: F) -> Result<TicketView>
    where
        F: for<'x> FnOnce(Conn<'x>, TicketCore, i64) -> futures::future::BoxFuture<'x, Result<()>> + Send + 'static,
    {
        let now = now.as_second();
        self.write(move |mut c| {
            Box::pin(async move {
                let t = TicketCore::lock(&mut c, number).await?;
                // The clock was read before the lock was won: a change that
                // waited for another must not be written before it in the
                // ticket's history (read in order of time), so its instant
                // is never earlier than the history's last.
                let (last,): (Option<i64>,) = c
                    .one(
                        sql!(c, "SELECT MAX(at) FROM ticket_history WHERE ticket_number = $1"),
                        &args![number],
                    )
                    .await?;
                let at = last.map_or(now, |last| now.max(last));
                let t = catch_up(&mut c, t, at).await?;
                change(c.reborrow(), t, at).await?;
                ticket_view(&mut c, number, at)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Ticket))
            })
        })
        .await
    }

    /// Records that a manager checked the visitor's identity.
    pub async fn validate_ticket(&self, number: i64, manager: i64, now: Timestamp) -> Result<TicketView> {
        self.change_ticket(number, now, move |mut c, t, at| {
            Box::pin(async move {
                use tessera_domain::ticket_status::{TicketAction, ValidationRefusal};
                match t.status_at(at).check_validation(t.validated_at.is_some()) {
                    Ok(()) => {}
                    Err(ValidationRefusal::Status(status)) => return Err(refuse(status, TicketAction::Validate)),
                    Err(ValidationRefusal::AlreadyValidated) => {
                        return Err(StoreError::conflict(Conflict::AlreadyValidated));
                    }
                }
                c.exec(
                    sql!(
                        c,
                        "UPDATE tickets SET validated_at = $2, validated_by = $3 WHERE number = $1"
                    ),
                    &args![t.number, at, manager],
                )
                .await?;
                record_event(
                    &mut c,
                    t.number,
                    at,
                    "validated",
                    Some(manager),
                    "identity_checked",
                    None,
                )
                .await
            })
        })
        .await
    }

    /// Clears the validation; passes issued before stop working.
    pub async fn reset_validation(&self, number: i64, manager: i64, now: Timestamp) -> Result<TicketView> {
        self.change_ticket(number, now, move |mut c, t, at| {
            Box::pin(async move {
                if t.validated_at.is_none() {
                    return Ok(());
                }
                c.exec(
                    sql!(c, "UPDATE tickets SET validated_at = NULL, validated_by = NULL, pass_generation = pass_generation + 1 WHERE number = $1"),
                    &args![t.number],
                )
                .await?;
                record_event(&mut c, t.number, at, "validation_reset", Some(manager), "validation_reset", None).await
            })
        })
        .await
    }

    /// Gives the ticket to another (or a new) user.
    pub async fn change_visitor(
        &self,
        number: i64,
        to: VisitorChange,
        manager: i64,
        now: Timestamp,
    ) -> Result<TicketView> {
        self.change_ticket(number, now, move |mut c, t, at| {
            Box::pin(async move {
                let status = t.status_at(at);
                if !status.may_change_visitor() {
                    return Err(refuse(
                        status,
                        tessera_domain::ticket_status::TicketAction::ChangeVisitor,
                    ));
                }
                let user = match to {
                    VisitorChange::Existing(id) => {
                        let user = user_by_id(&mut c, id)
                            .await?
                            .ok_or_else(|| StoreError::unprocessable("user_id", Refusal::NoSuchUser))?;
                        if !tessera_domain::Role::parse(&user.role).is_some_and(tessera_domain::Role::holds_tickets) {
                            return Err(StoreError::unprocessable("user_id", Refusal::OnlyVisitorsHoldTickets));
                        }
                        user
                    }
                    VisitorChange::New(new) => insert_user(&mut c, &new, at).await?,
                };
                set_visitor(&mut c, &t, &user, at, Some(manager), "visitor_changed").await
            })
        })
        .await
    }

    /// Moves the ticket to another workplace of its venue, free for its period.
    pub async fn change_workplace(
        &self,
        number: i64,
        workplace_id: i64,
        manager: i64,
        now: Timestamp,
    ) -> Result<TicketView> {
        self.change_ticket(number, now, move |mut c, t, at| {
            Box::pin(async move {
                let status = t.status_at(at);
                if !status.may_change_workplace() {
                    return Err(refuse(
                        status,
                        tessera_domain::ticket_status::TicketAction::ChangeWorkplace,
                    ));
                }
                if t.workplace_id == workplace_id {
                    return Ok(());
                }
                let target = crate::catalogue::workplace_in_venue(&mut c, workplace_id)
                    .await?
                    .ok_or_else(|| StoreError::unprocessable("workplace_id", Refusal::NoSuchWorkplace))?;
                if target.is_archived() {
                    return Err(StoreError::unprocessable("workplace_id", Refusal::Archived));
                }
                let current = crate::catalogue::workplace_in_venue(&mut c, t.workplace_id)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Workplace))?;
                check_workplace_move(current.venue.id, target.venue.id)
                    .map_err(|r| StoreError::unprocessable("workplace_id", r))?;
                lock_workplaces(&mut c, &[workplace_id]).await?;
                if archived_meanwhile(&mut c, &[workplace_id]).await?.is_some() {
                    return Err(StoreError::unprocessable("workplace_id", Refusal::Archived));
                }
                let move_ticket = sql!(
                    c,
                    "UPDATE tickets SET workplace_id = $2, premises_id = $3, pass_generation = pass_generation + CASE WHEN premises_id = $3 THEN 0 ELSE 1 END WHERE number = $1 RETURNING number"
                );
                book(
                    &mut c,
                    move_ticket,
                    &args![t.number, workplace_id, target.premises.id],
                    Claim {
                        workplace_id,
                        start: t.start_at,
                        end: t.end_at,
                        keeping: Some(t.number),
                    },
                )
                .await?;
                let detail = serde_json::json!({"from": t.workplace_id, "to": workplace_id}).to_string();
                record_event(
                    &mut c,
                    t.number,
                    at,
                    "workplace_changed",
                    Some(manager),
                    "workplace_changed",
                    Some(detail),
                )
                .await
            })
        })
        .await
    }
}

/// Hands the ticket to `user`; passes issued before stop working.
pub(crate) async fn set_visitor(
    c: &mut Conn<'_>,
    t: &TicketCore,
    user: &User,
    at: i64,
    actor: Option<i64>,
    cause: &str,
) -> Result<()> {
    if t.visitor_id == user.id {
        return Ok(());
    }
    c.exec(
        sql!(c, "UPDATE tickets SET visitor_id = $2, visitor_first_key = $3, visitor_last_key = $4, pass_generation = pass_generation + 1
                 WHERE number = $1"),
        &args![t.number, user.id, name_key(&user.first_name), name_key(&user.last_name)],
    )
    .await?;
    let detail = serde_json::json!({"from": t.visitor_id, "to": user.id}).to_string();
    // A visitor's own hand-over reads "sent"; a manager's change, "visitor_changed".
    let kind = if cause == "sent" { "sent" } else { "visitor_changed" };
    record_event(c, t.number, at, kind, actor, cause, Some(detail)).await
}
