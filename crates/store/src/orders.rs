//! Orders: creation with pricing and the double-booking guard, status
//! changes that carry their tickets along.

use std::collections::BTreeSet;
use tessera_domain::refusal::Thing;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use tessera_domain::booking::{Booking, VisitorLimits, check_period, may_order_more};
use tessera_domain::pricing::{TariffUnit, item_total};
use tessera_domain::{Money, OrderStatus, Period, PeriodInput, TicketStatus};

use crate::booking::{Claim, archived_meanwhile, book, lock_workplaces, taken};
use crate::catalogue_cache::CatalogueCache;
use crate::tickets::{TicketCore, catch_up, record_status};
use crate::users::user_by_id;
use crate::{Conflict, Conn, Dialect, Result, Store, StoreError, User, args, sql};
use tessera_domain::refusal::Refusal;

/// One workplace to book.
#[derive(Debug, Clone)]
pub struct NewOrderItem {
    /// The workplace.
    pub workplace_id: i64,
    /// The period, in the venue's time zone.
    pub period: PeriodInput,
    /// The tariff.
    pub tariff_id: i64,
    /// The service variant.
    pub service_variant_id: Option<i64>,
    /// Modifiers (add-ons).
    pub modifier_ids: Vec<i64>,
}

/// An order to create.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// Whose order (and whose tickets).
    pub customer_id: i64,
    /// What to book.
    pub items: Vec<NewOrderItem>,
    /// Who creates it.
    pub created_by: i64,
    /// Which periods may be booked.
    pub booking: Booking,
    /// Numbers to give the order and its tickets (importing existing data,
    /// such as the demo's); new numbers when `None`.
    pub numbers: Option<(i64, Vec<i64>)>,
    /// The `Idempotency-Key` (its user and key) the request came with: the
    /// order is noted against it in the order's own transaction.
    pub idempotency_key: Option<(i64, String)>,
    /// A visitor's cap on unpaid orders (checked for [`Booking::Visitor`]).
    pub visitor_limits: VisitorLimits,
}

/// An order as read back.
#[derive(Debug, Clone)]
pub struct OrderView {
    /// Number.
    pub number: i64,
    /// Status as it reads now.
    pub status: OrderStatus,
    /// The customer.
    pub customer: User,
    /// Decimal total.
    pub total: String,
    /// Currency.
    pub currency: String,
    /// Created at (UNIX seconds).
    pub created_at: i64,
    /// Its venue's time zone (IANA name), for instants in answers.
    pub time_zone: String,
    /// Its tickets: number and status as they read now.
    pub tickets: Vec<(i64, TicketStatus)>,
}

/// One line of an order's history.
#[derive(Debug, Clone)]
pub struct OrderHistoryEntry {
    /// When (UNIX seconds).
    pub at: i64,
    /// The status before; `None` for the order's creation.
    pub from_status: Option<OrderStatus>,
    /// The status after.
    pub to_status: OrderStatus,
    /// Who; `None` for the system (a period that ended, a payment deadline).
    pub actor_id: Option<i64>,
    /// Their first name.
    pub actor_first_name: Option<String>,
    /// Their last name.
    pub actor_last_name: Option<String>,
    /// The manager's comment.
    pub comment: Option<String>,
}

/// The venue an order is in, as pricing found it.
struct OrderVenue {
    id: i64,
    currency: String,
    time_zone: String,
}

/// A checked item, ready to insert.
struct PricedItem {
    workplace_id: i64,
    premises_id: i64,
    period: Period,
    tariff_id: i64,
    service_variant_id: Option<i64>,
    modifier_ids: Vec<i64>,
    price: Money,
}

fn field(i: usize, name: &str) -> String {
    format!("items[{i}].{name}")
}

/// Checks every item against the catalogue and prices it.
async fn price_items(
    cache: &CatalogueCache,
    c: &mut Conn<'_>,
    order: &NewOrder,
    now: Timestamp,
) -> Result<(OrderVenue, Vec<PricedItem>)> {
    if order.items.is_empty() {
        return Err(StoreError::unprocessable("items", Refusal::OrderBooksNothing));
    }
    cache.sync(c).await?;
    let mut venue: Option<OrderVenue> = None;
    let mut priced: Vec<PricedItem> = Vec::with_capacity(order.items.len());
    for (i, item) in order.items.iter().enumerate() {
        let wp = cache
            .workplace(c, item.workplace_id)
            .await?
            .ok_or_else(|| StoreError::unprocessable(field(i, "workplace_id"), Refusal::NoSuchWorkplace))?;
        if wp.is_archived() {
            return Err(StoreError::unprocessable(field(i, "workplace_id"), Refusal::Archived));
        }
        match &venue {
            None => {
                venue = Some(OrderVenue {
                    id: wp.venue.id,
                    currency: wp.venue.currency.clone(),
                    time_zone: wp.venue.time_zone.clone(),
                })
            }
            Some(v) if v.id != wp.venue.id => {
                return Err(StoreError::unprocessable(
                    field(i, "workplace_id"),
                    Refusal::OrderInOneVenue,
                ));
            }
            Some(_) => {}
        }
        let tz = TimeZone::get(&wp.venue.time_zone).unwrap_or(TimeZone::UTC);
        let period = Period::new(item.period, &tz)
            .map_err(|e| StoreError::unprocessable(field(i, &format!("period.{}", e.field())), e))?;
        check_period(order.booking, &period, now, &wp.venue.limits())
            .map_err(|refusal| StoreError::unprocessable(field(i, "period"), refusal))?;
        let tariff = cache
            .tariff(c, item.tariff_id)
            .await?
            .filter(|t| t.venue_id == wp.venue.id)
            .ok_or_else(|| StoreError::unprocessable(field(i, "tariff_id"), Refusal::NoSuchTariff))?;
        if tariff.archived_at.is_some() {
            return Err(StoreError::unprocessable(field(i, "tariff_id"), Refusal::Archived));
        }
        if let Some(v) = item.service_variant_id {
            let variant = cache
                .variant(c, v)
                .await?
                .filter(|s| s.venue_id == wp.venue.id)
                .ok_or_else(|| {
                    StoreError::unprocessable(field(i, "service_variant_id"), Refusal::NoSuchServiceVariant)
                })?;
            if variant.archived_at.is_some() {
                return Err(StoreError::unprocessable(
                    field(i, "service_variant_id"),
                    Refusal::Archived,
                ));
            }
        }
        let ids: BTreeSet<i64> = item.modifier_ids.iter().copied().collect();
        let mut modifier_prices = Vec::with_capacity(ids.len());
        for id in &ids {
            let m = cache
                .modifier(c, *id)
                .await?
                .filter(|m| m.venue_id == wp.venue.id)
                .ok_or_else(|| StoreError::unprocessable(field(i, "modifier_ids"), Refusal::NoSuchModifier(*id)))?;
            if m.archived_at.is_some() {
                return Err(StoreError::unprocessable(field(i, "modifier_ids"), Refusal::Archived));
            }
            modifier_prices.push(stored_money(&m.price)?);
        }
        let unit = TariffUnit::try_from(tariff.unit.clone())?;
        let price = item_total(stored_money(&tariff.price)?, unit, &period, &modifier_prices);
        if priced
            .iter()
            .any(|p| p.workplace_id == item.workplace_id && p.period.overlaps(&period))
        {
            return Err(StoreError::conflict(Conflict::WorkplaceTaken {
                workplace_id: item.workplace_id,
                tickets: vec![],
            }));
        }
        priced.push(PricedItem {
            workplace_id: item.workplace_id,
            premises_id: wp.premises.id,
            period,
            tariff_id: tariff.id,
            service_variant_id: item.service_variant_id,
            modifier_ids: ids.into_iter().collect(),
            price,
        });
    }
    let venue = venue.ok_or_else(|| StoreError::unprocessable("items", Refusal::OrderBooksNothing))?;
    Ok((venue, priced))
}

/// A decimal stored by us; a bad one means the database was edited by hand.
pub(crate) fn stored_money(s: &str) -> Result<Money> {
    Money::parse(s).map_err(|e| StoreError::Database(sqlx::Error::Decode(format!("stored price {s:?}: {e}").into())))
}

pub(crate) fn period_columns(p: &Period) -> (String, String, Option<String>, Option<String>) {
    match p.input() {
        PeriodInput::Days { start_date, end_date } => (start_date.to_string(), end_date.to_string(), None, None),
        PeriodInput::Slot {
            date,
            start_time,
            end_time,
        } => (
            date.to_string(),
            date.to_string(),
            Some(start_time.strftime("%H:%M").to_string()),
            Some(end_time.strftime("%H:%M").to_string()),
        ),
    }
}

/// The days an order's tickets cover and when the last one ends, written
/// with the order for the orders list.
struct Span {
    first_day: i64,
    last_day: i64,
    last_end_at: i64,
}

impl Span {
    fn of(items: &[PricedItem]) -> Span {
        use tessera_domain::period::day_number;
        Span {
            first_day: items
                .iter()
                .map(|i| day_number(i.period.first_day()))
                .min()
                .unwrap_or(0),
            last_day: items.iter().map(|i| day_number(i.period.last_day())).max().unwrap_or(0),
            last_end_at: items.iter().map(|i| i.period.end().as_second()).max().unwrap_or(0),
        }
    }
}

async fn insert_order(
    c: &mut Conn<'_>,
    order: &NewOrder,
    venue_id: i64,
    currency: &str,
    items: &[PricedItem],
    customer: &User,
    now: i64,
) -> Result<(i64, Vec<i64>, Money)> {
    if order.booking == Booking::Visitor {
        check_unpaid_cap(c, order.customer_id, order.visitor_limits).await?;
    }
    let workplaces: Vec<i64> = items.iter().map(|i| i.workplace_id).collect();
    lock_workplaces(c, &workplaces).await?;
    if let Some(id) = archived_meanwhile(c, &workplaces).await? {
        let i = workplaces.iter().position(|w| *w == id).unwrap_or(0);
        return Err(StoreError::unprocessable(field(i, "workplace_id"), Refusal::Archived));
    }
    let total = items.iter().fold(Money::ZERO, |sum, i| sum.plus(i.price));
    let span = Span::of(items);
    let (given_order, given_tickets) = match &order.numbers {
        Some((o, t)) => (Some(*o), t.clone()),
        None => (None, vec![]),
    };
    let (number,): (i64,) = c
        .one(
            match c.dialect() {
                // NULL asks SQLite for the next rowid.
                Dialect::Sqlite => "INSERT INTO orders (number, customer_id, venue_id, status, total, currency, created_at, created_by,
                         first_day, last_day, last_end_at)
                     VALUES (?7, ?1, ?2, 'new', ?3, ?4, ?5, ?6, ?8, ?9, ?10) RETURNING number",
                Dialect::Postgres => "INSERT INTO orders (number, customer_id, venue_id, status, total, currency, created_at, created_by,
                         first_day, last_day, last_end_at)
                     VALUES (COALESCE($7, nextval(pg_get_serial_sequence('orders', 'number'))), $1, $2, 'new', $3, $4, $5, $6, $8, $9, $10)
                     RETURNING number",
            },
            &args![
                order.customer_id,
                venue_id,
                total.to_wire(),
                currency,
                now,
                order.created_by,
                given_order,
                span.first_day,
                span.last_day,
                span.last_end_at
            ],
        )
        .await?;
    let first_key = tessera_domain::person::name_key(&customer.first_name);
    let last_key = tessera_domain::person::name_key(&customer.last_name);
    let mut tickets = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let (start_date, end_date, start_time, end_time) = period_columns(&item.period);
        let ticket = book(
            c,
            match c.dialect() {
                        Dialect::Sqlite => "INSERT INTO tickets (number, order_number, workplace_id, premises_id, visitor_id, visitor_first_key, visitor_last_key,
                                 tariff_id, service_variant_id, price, start_date, end_date, start_time, end_time, start_day, end_day,
                                 start_at, end_at, status, created_at)
                             VALUES (?19, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 'new', ?18)
                             RETURNING number",
                        Dialect::Postgres => "INSERT INTO tickets (number, order_number, workplace_id, premises_id, visitor_id, visitor_first_key, visitor_last_key,
                                 tariff_id, service_variant_id, price, start_date, end_date, start_time, end_time, start_day, end_day,
                                 start_at, end_at, status, created_at)
                             VALUES (COALESCE($19, nextval(pg_get_serial_sequence('tickets', 'number'))), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'new', $18)
                             RETURNING number",
                    },
                    &args![
                        number,
                        item.workplace_id,
                        item.premises_id,
                        order.customer_id,
                        first_key.as_str(),
                        last_key.as_str(),
                        item.tariff_id,
                        item.service_variant_id,
                        item.price.to_wire(),
                        start_date.clone(),
                        end_date.clone(),
                        start_time.clone(),
                        end_time.clone(),
                        tessera_domain::period::day_number(item.period.first_day()),
                        tessera_domain::period::day_number(item.period.last_day()),
                        item.period.start().as_second(),
                        item.period.end().as_second(),
                        now,
                        given_tickets.get(i).copied()
                    ],
            Claim {
                workplace_id: item.workplace_id,
                start: item.period.start().as_second(),
                end: item.period.end().as_second(),
                keeping: None,
            },
        )
        .await?;
        for m in &item.modifier_ids {
            c.exec(
                sql!(
                    c,
                    "INSERT INTO ticket_modifiers (ticket_number, modifier_id) VALUES ($1, $2)"
                ),
                &args![ticket, *m],
            )
            .await?;
        }
        // The creation line of its history is written by a trigger.
        tickets.push(ticket);
    }
    if order.numbers.is_some() && c.dialect() == Dialect::Postgres {
        // Sequences do not notice explicit numbers; keep new ones above them.
        for q in [
            "SELECT setval(pg_get_serial_sequence('orders', 'number'), (SELECT MAX(number) FROM orders))",
            "SELECT setval(pg_get_serial_sequence('tickets', 'number'), (SELECT MAX(number) FROM tickets))",
        ] {
            c.exec(q, &[]).await?;
        }
    }
    if let Some((user, key)) = &order.idempotency_key {
        let noted = c
            .exec(
                sql!(
                    c,
                    "UPDATE idempotency_keys SET order_number = $3 WHERE user_id = $1 AND key = $2"
                ),
                &args![*user, key.as_str(), number],
            )
            .await?;
        if noted != 1 {
            // The key's claim is gone (released by a failing first request):
            // booking now would leave a retry nothing to find.
            return Err(StoreError::Database(sqlx::Error::Protocol(
                "the idempotency key to note the order against is not claimed".into(),
            )));
        }
    }
    Ok((number, tickets, total))
}

/// A visitor may hold only so many unpaid orders of their own. Counted
/// under a lock on the customer (PostgreSQL; SQLite's one writer does the
/// same), so parallel orders cannot all slip under the cap.
async fn check_unpaid_cap(c: &mut Conn<'_>, customer: i64, limits: VisitorLimits) -> Result<()> {
    if c.dialect() == Dialect::Postgres {
        c.exec("SELECT id FROM users WHERE id = $1 FOR UPDATE", &args![customer])
            .await?;
    }
    let unpaid = c
        .scalar(
            sql!(
                c,
                "SELECT COUNT(*) FROM orders WHERE customer_id = $1 AND created_by = $1
                   AND status IN ('new', 'new_payment_in_progress')"
            ),
            &args![customer],
        )
        .await?;
    if !may_order_more(&limits, u32::try_from(unpaid).unwrap_or(u32::MAX)) {
        return Err(StoreError::conflict(Conflict::UnpaidOrders {
            limit: limits.unpaid_orders,
        }));
    }
    Ok(())
}

/// SQLite's hot path: a one-workplace order in a single round trip to
/// SQLite's thread — the order, its ticket and the ticket's modifiers inside
/// a savepoint of their own (numbered parameters are shared by the
/// statements; a trigger files the modifier list). Each round trip is a thread hand-off, the dominant cost of a
/// booking; the general path takes five.
const INSERT_SINGLE_SQLITE: &str = "SAVEPOINT single_order;
    INSERT INTO orders (customer_id, venue_id, status, total, currency, created_at, created_by, first_day, last_day, last_end_at)
        VALUES (?1, ?2, 'new', ?3, ?4, ?5, ?6, ?18, ?19, ?21) RETURNING number;
    INSERT INTO tickets (order_number, workplace_id, premises_id, visitor_id, visitor_first_key, visitor_last_key,
            tariff_id, service_variant_id, price, start_date, end_date, start_time, end_time, start_day, end_day,
            start_at, end_at, status, created_at, modifier_list)
        VALUES (last_insert_rowid(), ?7, ?8, ?1, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, 'new', ?5, ?22)
        RETURNING number;
    RELEASE single_order";

async fn insert_single_sqlite(
    c: &mut Conn<'_>,
    order: &NewOrder,
    venue_id: i64,
    currency: &str,
    item: &PricedItem,
    customer: &User,
    now: i64,
) -> Result<(i64, Vec<i64>, Money)> {
    let (start_date, end_date, start_time, end_time) = period_columns(&item.period);
    let modifiers = format!(
        "[{}]",
        item.modifier_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let rows = c
        .all::<(i64,)>(
            INSERT_SINGLE_SQLITE,
            &args![
                order.customer_id,
                venue_id,
                item.price.to_wire(),
                currency,
                now,
                order.created_by,
                item.workplace_id,
                item.premises_id,
                tessera_domain::person::name_key(&customer.first_name),
                tessera_domain::person::name_key(&customer.last_name),
                item.tariff_id,
                item.service_variant_id,
                item.price.to_wire(),
                start_date,
                end_date,
                start_time,
                end_time,
                tessera_domain::period::day_number(item.period.first_day()),
                tessera_domain::period::day_number(item.period.last_day()),
                item.period.start().as_second(),
                item.period.end().as_second(),
                modifiers
            ],
        )
        .await;
    match rows {
        Ok(rows) if rows.len() == 2 => Ok((rows[0].0, vec![rows[1].0], item.price)),
        other => {
            c.exec("ROLLBACK TO single_order; RELEASE single_order", &[]).await?;
            match other {
                Err(e) if e.is_double_booking() => Err(taken(
                    c,
                    &Claim {
                        workplace_id: item.workplace_id,
                        start: item.period.start().as_second(),
                        end: item.period.end().as_second(),
                        keeping: None,
                    },
                )
                .await),
                Err(e) => Err(e),
                Ok(_) => Err(StoreError::Database(sqlx::Error::Protocol(
                    "single order insert returned no numbers".into(),
                ))),
            }
        }
    }
}

impl Store {
    /// Creates an order, one ticket per item; `409` if a workplace is taken.
    pub async fn create_order(&self, order: NewOrder, now: Timestamp) -> Result<OrderView> {
        // The catalogue is only ever added to, so it is checked on a reader
        // and the single writer spends its time on the inserts alone.
        let (customer, venue_id, currency, time_zone, items) = {
            let mut r = self.reader().await?;
            let mut c = r.conn();
            let customer = self
                .catalogue
                .user(&mut c, order.customer_id)
                .await?
                .ok_or_else(|| StoreError::unprocessable("customer_id", Refusal::NoSuchUser))?;
            let (venue, items) = price_items(&self.catalogue, &mut c, &order, now).await?;
            (customer, venue.id, venue.currency, venue.time_zone, items)
        };
        let at = now.as_second();
        let (view_customer, view_currency) = (customer.clone(), currency.clone());
        // A visitor's order counts their unpaid ones first: the general path.
        let single = self.dialect() == Dialect::Sqlite
            && order.booking != Booking::Visitor
            && items.len() == 1
            && order.numbers.is_none()
            && order.idempotency_key.is_none();
        let (number, tickets, total) = if single {
            self.write_self_contained(move |mut c| {
                Box::pin(async move {
                    insert_single_sqlite(&mut c, &order, venue_id, &currency, &items[0], &customer, at).await
                })
            })
            .await?
        } else {
            self.write(move |mut c| {
                Box::pin(async move { insert_order(&mut c, &order, venue_id, &currency, &items, &customer, at).await })
            })
            .await?
        };
        Ok(OrderView {
            number,
            status: OrderStatus::New,
            customer: view_customer,
            total: total.to_wire(),
            currency: view_currency,
            created_at: at,
            time_zone,
            tickets: tickets.into_iter().map(|t| (t, TicketStatus::New)).collect(),
        })
    }

    /// What an order would cost, priced exactly as [`Store::create_order`]
    /// prices it (same checks, same rounding), without writing anything:
    /// total, currency and each item's price.
    pub async fn quote_order(&self, order: &NewOrder, now: Timestamp) -> Result<(String, String, Vec<String>)> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        let (venue, items) = price_items(&self.catalogue, &mut c, order, now).await?;
        let currency = venue.currency;
        let total = items.iter().fold(Money::ZERO, |sum, i| sum.plus(i.price));
        Ok((
            total.to_wire(),
            currency,
            items.iter().map(|i| i.price.to_wire()).collect(),
        ))
    }

    /// An order as it reads now.
    pub async fn order(&self, number: i64, now: Timestamp) -> Result<Option<OrderView>> {
        let mut r = self.reader().await?;
        order_view(&mut r.conn(), number, now.as_second()).await
    }

    /// An order with its history, oldest first (each change of status, by
    /// whom, with the manager's comment), read in one snapshot so that the
    /// two agree.
    pub async fn order_with_history(
        &self,
        number: i64,
        now: Timestamp,
    ) -> Result<Option<(OrderView, Vec<OrderHistoryEntry>)>> {
        self.read_snapshot(move |mut c| {
            Box::pin(async move {
                let Some(order) = order_view(&mut c, number, now.as_second()).await? else {
                    return Ok(None);
                };
                Ok(Some((order, order_history(&mut c, number).await?)))
            })
        })
        .await
    }

    /// Moves an order to another status (as a person asks); its tickets follow.
    pub async fn change_order_status(
        &self,
        number: i64,
        to: OrderStatus,
        comment: Option<String>,
        actor: i64,
        now: Timestamp,
    ) -> Result<OrderView> {
        let at = now.as_second();
        self.write(move |mut c| {
            Box::pin(async move {
                let decide = |current: OrderStatus| {
                    current.transition_to(to).map(Some).map_err(|reason| {
                        StoreError::conflict(Conflict::OrderTransition {
                            from: current,
                            to,
                            reason,
                        })
                    })
                };
                move_order(
                    &mut c,
                    number,
                    decide,
                    Mover {
                        actor: Some(actor),
                        cause: "order_status",
                        comment: comment.as_deref(),
                    },
                    at,
                )
                .await?;
                order_view(&mut c, number, at)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Order))
            })
        })
        .await
    }
}

/// Who moves an order, why (the history's cause), and what they said.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mover<'a> {
    /// The person; `None` for the system.
    pub actor: Option<i64>,
    pub cause: &'a str,
    pub comment: Option<&'a str>,
}

impl Mover<'_> {
    /// The system, for a reason of its own (a period ended, a deadline).
    pub(crate) const fn system(cause: &'static str) -> Mover<'static> {
        Mover {
            actor: None,
            cause,
            comment: None,
        }
    }
}

/// Moves an order to the status `decide` picks from the one it reads now
/// (`None`: leave it), and its tickets with it. The order row is locked
/// first, so a person and the sweep never both move it.
pub(crate) async fn move_order(
    c: &mut Conn<'_>,
    number: i64,
    decide: impl FnOnce(OrderStatus) -> Result<Option<OrderStatus>>,
    by: Mover<'_>,
    at: i64,
) -> Result<Option<OrderStatus>> {
    let row: Option<(String,)> = c
        .opt(
            &format!(
                "{}{}",
                sql!(c, "SELECT status FROM orders WHERE number = $1"),
                c.for_update()
            ),
            &args![number],
        )
        .await?;
    let (stored,) = row.ok_or(StoreError::NotFound(Thing::Order))?;
    let stored = OrderStatus::try_from(stored)?;
    let tickets = TicketCore::of_order(c, number).await?;
    let mut tickets_now = Vec::with_capacity(tickets.len());
    for t in tickets {
        tickets_now.push(catch_up(c, t, at).await?);
    }
    let last_end = tickets_now.iter().map(|t| t.end_at).max();
    let current = stored.as_of(last_end, at);
    if current != stored {
        set_order_status(c, number, stored, current, Mover::system("period_ended"), at).await?;
    }
    let Some(to) = decide(current)? else {
        return Ok(None);
    };
    set_order_status(c, number, current, to, by, at).await?;
    let now = Timestamp::from_second(at).unwrap_or(Timestamp::UNIX_EPOCH);
    for t in tickets_now {
        let next = TicketStatus::derive(to, t.start(), t.end(), now);
        // A ticket whose period is over stays completed whatever the order does.
        if next != t.status && t.status != TicketStatus::Completed {
            c.exec(
                sql!(c, "UPDATE tickets SET status = $2 WHERE number = $1"),
                &args![t.number, next.as_str()],
            )
            .await?;
            record_status(c, t.number, at, Some(t.status), next, by.actor, by.cause).await?;
        }
    }
    Ok(Some(to))
}

pub(crate) async fn set_order_status(
    c: &mut Conn<'_>,
    number: i64,
    from: OrderStatus,
    to: OrderStatus,
    by: Mover<'_>,
    at: i64,
) -> Result<()> {
    c.exec(
        sql!(c, "UPDATE orders SET status = $2 WHERE number = $1"),
        &args![number, to.as_str()],
    )
    .await?;
    c.exec(
        sql!(c, "INSERT INTO order_history (order_number, at, from_status, to_status, actor_id, cause, comment) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
        &args![number, at, from.as_str(), to.as_str(), by.actor, by.cause, by.comment],
    )
    .await?;
    Ok(())
}

/// An order's history, oldest first; `None` as the actor is the system.
async fn order_history(c: &mut Conn<'_>, number: i64) -> Result<Vec<OrderHistoryEntry>> {
    type Row = (
        i64,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = c
        .all(
            sql!(
                c,
                "SELECT h.at, h.from_status, h.to_status, h.actor_id, u.first_name, u.last_name, h.comment
                 FROM order_history h LEFT JOIN users u ON u.id = h.actor_id
                 WHERE h.order_number = $1 ORDER BY h.at, h.id"
            ),
            &args![number],
        )
        .await?;
    rows.into_iter()
        .map(|(at, from, to, actor_id, first, last, comment)| {
            Ok(OrderHistoryEntry {
                at,
                from_status: from.map(OrderStatus::try_from).transpose()?,
                to_status: OrderStatus::try_from(to)?,
                actor_id,
                actor_first_name: first,
                actor_last_name: last,
                comment,
            })
        })
        .collect()
}

pub(crate) async fn order_view(c: &mut Conn<'_>, number: i64, now: i64) -> Result<Option<OrderView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        number: i64,
        #[sqlx(try_from = "String")]
        status: OrderStatus,
        customer_id: i64,
        total: String,
        currency: String,
        created_at: i64,
        time_zone: String,
    }
    let Some(row) = c
        .opt::<Row>(
            sql!(
                c,
                "SELECT o.number, o.status, o.customer_id, o.total, o.currency, o.created_at, v.time_zone
                 FROM orders o JOIN venues v ON v.id = o.venue_id WHERE o.number = $1"
            ),
            &args![number],
        )
        .await?
    else {
        return Ok(None);
    };
    let customer = user_by_id(c, row.customer_id)
        .await?
        .ok_or(StoreError::NotFound(Thing::Customer))?;
    let tickets = TicketCore::of_order(c, number).await?;
    let stored = row.status;
    let last_end = tickets.iter().map(|t| t.end_at).max();
    Ok(Some(OrderView {
        number: row.number,
        status: stored.as_of(last_end, now),
        customer,
        total: row.total,
        currency: row.currency,
        created_at: row.created_at,
        time_zone: row.time_zone,
        tickets: tickets.iter().map(|t| (t.number, t.status_at(now))).collect(),
    }))
}
