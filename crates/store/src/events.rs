//! Events: loading an event's whole state, adding its parts, and applying
//! a cascade's plan in one transaction — the same plan a preview shows.

use std::str::FromStr;
use tessera_domain::refusal::Thing;

use jiff::civil::Date;
use rust_decimal::Decimal;
use tessera_events::{
    Activity, ActivityKind, Block, CascadeError, Change, Charge, EventCommand, EventState, Folio, FolioStatus,
    HallHolding, ItemStatus, Plan,
};

use crate::{Conn, Dialect, Result, Store, StoreError, args, sql};
use tessera_domain::refusal::Refusal;

/// An event as read, with everything on it.
#[derive(Debug, Clone)]
pub struct EventView {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Default PAX.
    pub pax: i64,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Activities.
    pub activities: Vec<ActivityRow>,
    /// Blocks.
    pub blocks: Vec<BlockRow>,
    /// Folios.
    pub folios: Vec<FolioRow>,
    /// Charges of every folio.
    pub charges: Vec<ChargeRow>,
}

/// An activity row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActivityRow {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: ActivityKind,
    /// Name.
    pub name: String,
    /// Date.
    pub date: String,
    /// PAX.
    pub pax: i64,
    /// Hall.
    pub premises_id: Option<i64>,
    /// Status.
    pub status: ItemStatus,
}

/// A block row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Rooms.
    pub rooms: i64,
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
}

/// A folio row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FolioRow {
    /// Id.
    pub id: i64,
    /// Event.
    pub event_id: i64,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: FolioStatus,
}

/// A charge row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChargeRow {
    /// Id.
    pub id: i64,
    /// Folio.
    pub folio_id: i64,
    /// Activity.
    pub activity_id: Option<i64>,
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: String,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Decimal,
    /// Currency.
    pub currency: String,
    /// Follows PAX (1) or pinned (0).
    pub follows_pax: i64,
    /// Status.
    pub status: ItemStatus,
}

/// One line of an event's audit trail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditEntry {
    /// Its place in the trail (for paging).
    pub id: i64,
    /// When (UNIX seconds).
    pub at: i64,
    /// Who.
    pub actor_id: i64,
    /// Which change.
    #[sqlx(try_from = "String")]
    pub command: Change,
    /// What changed (JSON: the plan, or the item added).
    pub detail: String,
    /// The version the change made.
    pub version_after: i64,
}

/// A new event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub start_date: Date,
    /// Last day.
    pub end_date: Date,
    /// Default PAX.
    pub pax: i64,
}

/// A new activity.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// Kind.
    pub kind: ActivityKind,
    /// Name.
    pub name: String,
    /// Date.
    pub date: Date,
    /// PAX.
    pub pax: i64,
    /// Hall.
    pub premises_id: Option<i64>,
}

/// A new charge.
#[derive(Debug, Clone)]
pub struct NewCharge {
    /// Description.
    pub description: String,
    /// Service date.
    pub service_date: Date,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Decimal,
    /// Posted through this activity.
    pub activity_id: Option<i64>,
    /// `false` pins the quantity.
    pub follows_pax: bool,
}

fn bad(what: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(format!("stored {what}").into()))
}

fn date(s: &str) -> Result<Date> {
    s.parse().map_err(|_| bad("date"))
}

/// A charge's service date: its event's day zero plus its day count.
fn service_date(day_zero: Date, day: i64) -> Result<Date> {
    let days = i32::try_from(day).map_err(|_| bad("service day"))?;
    day_zero
        .checked_add(jiff::Span::new().days(days))
        .map_err(|_| bad("service day"))
}

/// A date as days from the event's day zero.
fn service_day(day_zero: Date, date: Date) -> Result<i64> {
    day_zero
        .until(date)
        .map(|s| i64::from(s.get_days()))
        .map_err(|_| StoreError::Cascade(CascadeError::OutOfRange))
}

fn decimal(s: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|_| bad("decimal"))
}

/// The hall index's refusal as the cascade's "hall taken", its holder not
/// read (on PostgreSQL the failed statement aborted the transaction); any
/// other error as it is.
fn hall_taken_by_index(e: StoreError, activity_id: i64, premises_id: i64, date: jiff::civil::Date) -> StoreError {
    if !e.is_hall_taken() {
        return e;
    }
    StoreError::Cascade(CascadeError::HallTaken {
        activity_id,
        premises_id,
        date,
        other_activity_id: 0,
        other_event_id: 0,
    })
}

/// An event's many rows (activities, charges) as one row of JSON: SQLite's
/// driver hands rows over one by one between threads, and thousands of
/// hand-offs cost more than the query.
async fn json_rows<T: serde::de::DeserializeOwned>(
    c: &mut Conn<'_>,
    sqlite: &'static str,
    postgres: &'static str,
    event_id: i64,
) -> Result<Vec<T>> {
    let q = match c.dialect() {
        Dialect::Sqlite => sqlite,
        Dialect::Postgres => postgres,
    };
    let (json,): (String,) = c.one(q, &args![event_id]).await?;
    serde_json::from_str(&json).map_err(|_| bad("event rows"))
}

pub(crate) async fn event_view(c: &mut Conn<'_>, id: i64) -> Result<Option<EventView>> {
    event_parts(c, id, true).await
}

async fn event_parts(c: &mut Conn<'_>, id: i64, with_charges: bool) -> Result<Option<EventView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        venue_id: i64,
        name: String,
        pax: i64,
        start_date: String,
        end_date: String,
        version: i64,
        charge_epoch: String,
    }
    let Some(e) = c
        .opt::<Row>(
            sql!(
                c,
                "SELECT id, venue_id, name, pax, start_date, end_date, version, charge_epoch FROM events WHERE id = $1"
            ),
            &args![id],
        )
        .await?
    else {
        return Ok(None);
    };
    type ActivityTuple = (i64, ActivityKind, String, String, i64, Option<i64>, ItemStatus);
    let activities = json_rows::<ActivityTuple>(
        c,
        "SELECT COALESCE(json_group_array(json_array(id, kind, name, date, pax, premises_id, status)), '[]')
         FROM (SELECT * FROM activities WHERE event_id = ?1 ORDER BY date, id)",
        "SELECT COALESCE(json_agg(json_build_array(id, kind, name, date, pax, premises_id, status) ORDER BY date, id), '[]')::text
         FROM activities WHERE event_id = $1",
        id,
    )
    .await?
    .into_iter()
    .map(|(id, kind, name, date, pax, premises_id, status)| ActivityRow {
        id,
        kind,
        name,
        date,
        pax,
        premises_id,
        status,
    })
    .collect();
    let blocks = c
        .all(
            sql!(
                c,
                "SELECT id, name, rooms, start_date, end_date FROM blocks WHERE event_id = $1 ORDER BY id"
            ),
            &args![id],
        )
        .await?;
    let folios = c
        .all(
            sql!(
                c,
                "SELECT id, event_id, status FROM folios WHERE event_id = $1 ORDER BY id"
            ),
            &args![id],
        )
        .await?;
    type ChargeTuple = (
        i64,
        i64,
        Option<i64>,
        String,
        i64,
        Decimal,
        Decimal,
        String,
        i64,
        ItemStatus,
    );
    let day_zero = date(&e.charge_epoch)?;
    let charges = if !with_charges {
        vec![]
    } else {
        json_rows::<ChargeTuple>(
            c,
            "SELECT COALESCE(json_group_array(json_array(id, folio_id, activity_id, description, service_day, quantity, unit_price, currency, follows_pax, status)), '[]')
             FROM (SELECT * FROM charges WHERE event_id = ?1 ORDER BY id)",
            "SELECT COALESCE(json_agg(json_build_array(id, folio_id, activity_id, description, service_day, quantity, unit_price, currency, follows_pax, status) ORDER BY id), '[]')::text
             FROM charges WHERE event_id = $1",
            id,
        )
        .await?
        .into_iter()
        .map(
            |(id, folio_id, activity_id, description, day, quantity, unit_price, currency, follows_pax, status)| {
                Ok(ChargeRow {
                    id,
                    folio_id,
                    activity_id,
                    description,
                    service_date: service_date(day_zero, day)?.to_string(),
                    quantity,
                    unit_price,
                    currency,
                    follows_pax,
                    status,
                })
            },
        )
        .collect::<Result<_>>()?
    };
    Ok(Some(EventView {
        id: e.id,
        venue_id: e.venue_id,
        name: e.name,
        pax: e.pax,
        start_date: e.start_date,
        end_date: e.end_date,
        version: e.version,
        activities,
        blocks,
        folios,
        charges,
    }))
}

/// The cascade's view of a stored event.
fn state_of(v: &EventView) -> Result<EventState> {
    Ok(EventState {
        pax: u32::try_from(v.pax).map_err(|_| bad("pax"))?,
        start_date: date(&v.start_date)?,
        end_date: date(&v.end_date)?,
        activities: v
            .activities
            .iter()
            .map(|a| {
                Ok(Activity {
                    id: a.id,
                    kind: a.kind,
                    date: date(&a.date)?,
                    pax: u32::try_from(a.pax).map_err(|_| bad("pax"))?,
                    premises_id: a.premises_id,
                    status: a.status,
                })
            })
            .collect::<Result<_>>()?,
        blocks: v
            .blocks
            .iter()
            .map(|b| {
                Ok(Block {
                    id: b.id,
                    start_date: date(&b.start_date)?,
                    end_date: date(&b.end_date)?,
                })
            })
            .collect::<Result<_>>()?,
        folios: v
            .folios
            .iter()
            .map(|f| Folio {
                id: f.id,
                status: f.status,
            })
            .collect(),
        charges: v
            .charges
            .iter()
            .map(|ch| {
                Ok(Charge {
                    id: ch.id,
                    folio_id: ch.folio_id,
                    activity_id: ch.activity_id,
                    service_date: date(&ch.service_date)?,
                    quantity: ch.quantity,
                    follows_pax: ch.follows_pax != 0,
                    status: ch.status,
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// What a cascade reads, and nothing more: the event's page also shows
/// descriptions and prices, which no cascade needs.
async fn cascade_state(c: &mut Conn<'_>, id: i64, day_zero: Date) -> Result<EventState> {
    let q = match c.dialect() {
        Dialect::Sqlite => {
            "SELECT COALESCE(json_group_array(json_array(id, folio_id, activity_id, service_day, quantity, follows_pax, status)), '[]')
             FROM (SELECT * FROM charges WHERE event_id = ?1 ORDER BY id)"
        }
        Dialect::Postgres => {
            "SELECT COALESCE(json_agg(json_build_array(id, folio_id, activity_id, service_day, quantity, follows_pax, status) ORDER BY id), '[]')::text
             FROM charges WHERE event_id = $1"
        }
    };
    let (json,): (String,) = c.one(q, &args![id]).await?;
    // Borrowed: decimals and status words are written by us and hold no
    // escapes, so 40,000 small strings need not be allocated.
    type Lean<'a> = (i64, i64, Option<i64>, i64, &'a str, i64, &'a str);
    let rows: Vec<Lean<'_>> = serde_json::from_str(&json).map_err(|_| bad("charges"))?;
    let view = event_view_without_charges(c, id).await?;
    let mut state = state_of(&view)?;
    state.charges = rows
        .into_iter()
        .map(|(id, folio_id, activity_id, day, quantity, follows_pax, status)| {
            Ok(Charge {
                id,
                folio_id,
                activity_id,
                service_date: service_date(day_zero, day)?,
                quantity: decimal(quantity)?,
                follows_pax: follows_pax != 0,
                status: ItemStatus::parse(status).ok_or_else(|| bad("status"))?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(state)
}

async fn event_view_without_charges(c: &mut Conn<'_>, id: i64) -> Result<EventView> {
    event_parts(c, id, false)
        .await?
        .ok_or(StoreError::NotFound(Thing::Event))
}

/// Halls held by other events' live activities.
async fn other_halls(c: &mut Conn<'_>, event_id: i64) -> Result<Vec<HallHolding>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        event_id: i64,
        id: i64,
        premises_id: i64,
        date: String,
    }
    let rows: Vec<Row> = c
        .all(
            sql!(
                c,
                "SELECT event_id, id, premises_id, date FROM activities
                     WHERE premises_id IS NOT NULL AND status = 'active' AND event_id <> $1"
            ),
            &args![event_id],
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(HallHolding {
                event_id: r.event_id,
                activity_id: r.id,
                premises_id: r.premises_id,
                date: date(&r.date)?,
            })
        })
        .collect()
}

/// The event row alone.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Header {
    venue_id: i64,
    start_date: String,
    end_date: String,
    version: i64,
    /// The day charges' service days count from.
    charge_epoch: String,
}

/// Locks the event for this transaction and checks the client's version.
async fn begin_change(c: &mut Conn<'_>, id: i64, if_match: Option<i64>) -> Result<Header> {
    let q = format!(
        "{}{}",
        sql!(
            c,
            "SELECT venue_id, start_date, end_date, version, charge_epoch FROM events WHERE id = $1"
        ),
        c.for_update()
    );
    let header: Header = c.opt(&q, &args![id]).await?.ok_or(StoreError::NotFound(Thing::Event))?;
    if if_match.is_some_and(|v| v != header.version) {
        return Err(StoreError::PreconditionFailed {
            current: header.version,
        });
    }
    Ok(header)
}

/// A folio by id.
async fn folio_row(c: &mut Conn<'_>, folio_id: i64) -> Result<Option<FolioRow>> {
    c.opt(
        sql!(c, "SELECT id, event_id, status FROM folios WHERE id = $1"),
        &args![folio_id],
    )
    .await
}

/// Bumps the version and writes the audit line.
async fn finish_change(c: &mut Conn<'_>, id: i64, actor: i64, at: i64, command: Change, detail: String) -> Result<i64> {
    let (version,): (i64,) = c
        .one(
            sql!(
                c,
                "UPDATE events SET version = version + 1 WHERE id = $1 RETURNING version"
            ),
            &args![id],
        )
        .await?;
    c.exec(
        sql!(c, "INSERT INTO event_audit (event_id, at, actor_id, command, detail, version_after) VALUES ($1, $2, $3, $4, $5, $6)"),
        &args![id, at, actor, command.as_str(), detail, version],
    )
    .await?;
    Ok(version)
}

/// The plan as the audit trail keeps it: every changed item with its values
/// before and after. Activities and blocks are rows (`[id, date before,
/// date after, PAX before, PAX after, status after]`); charges, which run to
/// tens of thousands, are grouped by the change they share (a Move of
/// 20,000 charges over a month is some thirty groups of ids, not 20,000
/// rows), so the line stays a few hundred kilobytes and exact.
fn audit_detail(plan: &Plan, alike: &[AlikeCharges]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(256 + plan.charges.len() * 8 + plan.activities.len() * 48);
    let _ = write!(
        out,
        "{{\"pax\":{},\"start_date\":\"{}\",\"end_date\":\"{}\",\"rows\":\"[id, date_before, date_after, pax_before, pax_after, status_after]\",\"activities\":[",
        plan.pax, plan.start_date, plan.end_date
    );
    for (i, a) in plan.activities.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(
            out,
            "{sep}[{},\"{}\",\"{}\",{},{},\"{}\"]",
            a.id,
            a.date_before,
            a.date_after,
            a.pax_before,
            a.pax_after,
            a.status_after.as_str()
        );
    }
    out.push_str("],\"charges\":[");
    for (i, g) in alike.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(out, "{sep}{{\"ids\":[");
        for (k, id) in g.ids.iter().enumerate() {
            let sep = if k > 0 { "," } else { "" };
            let _ = write!(out, "{sep}{id}");
        }
        let _ = write!(
            out,
            "],\"date_before\":\"{}\",\"date_after\":\"{}\",\"quantity_before\":\"{}\",\"quantity_after\":\"{}\",\"status_after\":\"{}\"}}",
            g.date_before,
            g.date_after,
            g.quantity_before.normalize(),
            g.quantity_after.normalize(),
            g.status_after.as_str(),
        );
    }
    out.push_str("],\"blocks\":[");
    for (i, b) in plan.blocks.iter().enumerate() {
        let sep = if i > 0 { "," } else { "" };
        let _ = write!(out, "{sep}[{},\"{}\",\"{}\"]", b.id, b.start_date, b.end_date);
    }
    out.push_str("]}");
    out
}

/// Charges whose stored row changes alike: the same days added to their
/// day count, the same new quantity (or none), the same status after (or
/// none).
#[derive(Debug, PartialEq)]
struct ChargeGroup {
    days: i32,
    quantity: Option<String>,
    status: Option<ItemStatus>,
    /// Their ids as a JSON array.
    ids: String,
    count: u64,
}

/// Days a group of alike charges shift by.
fn shift_of(a: &AlikeCharges) -> i32 {
    (a.date_after - a.date_before).get_days()
}

/// How far the event's day zero moves with a plan: by the shift most of its
/// charges make (those the plan leaves alone make none), so that most
/// charges keep their stored day count. A Move moves day zero by its offset
/// and rewrites no charge; anything else leaves day zero where it is.
fn day_zero_shift(state: &EventState, alike: &[AlikeCharges]) -> i32 {
    let mut counts: std::collections::HashMap<i32, usize> = Default::default();
    let mut changed = 0;
    for a in alike {
        *counts.entry(shift_of(a)).or_default() += a.ids.len();
        changed += a.ids.len();
    }
    *counts.entry(0).or_default() += state.charges.len().saturating_sub(changed);
    counts
        .into_iter()
        .max_by_key(|&(days, n)| (n, days == 0, -days.abs(), days))
        .map_or(0, |(days, _)| days)
}

/// The rows a plan rewrites, in groups written one statement each: given
/// that day zero moves by `zero_shift`, each planned charge's day count moves
/// by its own shift less that, and every charge the plan leaves alone moves
/// back by it. A Move is then no charge at all (or only its cancelled ones),
/// a PAX change one group per new quantity, a Shorten one for the cancelled.
/// Updating 20,000 rows from per-row JSON instead makes SQLite build and
/// join a 20,000-row table first, at twice the cost.
fn charge_groups(state: &EventState, alike: &[AlikeCharges], zero_shift: i32) -> Vec<ChargeGroup> {
    use std::fmt::Write;
    let mut groups: Vec<ChargeGroup> = Vec::new();
    let mut index: std::collections::HashMap<(i32, Option<String>, Option<&'static str>), usize> = Default::default();
    let mut add = |days: i32, quantity: Option<String>, status: Option<ItemStatus>, id: i64| {
        let key = (days, quantity, status.map(ItemStatus::as_str));
        let at = *index.entry(key.clone()).or_insert_with(|| {
            groups.push(ChargeGroup {
                days,
                quantity: key.1,
                status,
                ids: String::from("["),
                count: 0,
            });
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(at) {
            if group.count > 0 {
                group.ids.push(',');
            }
            let _ = write!(group.ids, "{id}");
            group.count += 1;
        }
    };
    // Charges are read in id order; one not found is written to be sure.
    let stored_status = |id: i64| {
        state
            .charges
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .and_then(|at| state.charges.get(at))
            .map(|c| c.status)
    };
    for a in alike {
        let days = shift_of(a) - zero_shift;
        let quantity = (a.quantity_after != a.quantity_before).then(|| a.quantity_after.normalize().to_string());
        for &id in &a.ids {
            if days == 0 && quantity.is_none() && stored_status(id) == Some(a.status_after) {
                continue;
            }
            add(days, quantity.clone(), Some(a.status_after), id);
        }
    }
    if zero_shift != 0 {
        let planned: std::collections::HashSet<i64> = alike.iter().flat_map(|a| a.ids.iter().copied()).collect();
        for c in state.charges.iter().filter(|c| !planned.contains(&c.id)) {
            add(-zero_shift, None, None, c.id);
        }
    }
    for g in &mut groups {
        g.ids.push(']');
    }
    groups
}

/// Charges that changed exactly alike (the same dates and quantities before
/// and after, the same status after), with their ids in plan order. Found
/// once per apply: the audit line lists them, and the write merges them
/// further into [`ChargeGroup`]s.
struct AlikeCharges {
    date_before: Date,
    date_after: Date,
    quantity_before: Decimal,
    quantity_after: Decimal,
    status_after: ItemStatus,
    ids: Vec<i64>,
}

fn alike_charges(changes: &[tessera_events::ChargeChange]) -> Vec<AlikeCharges> {
    type Key = (Date, Date, Decimal, Decimal, &'static str);
    let mut groups: Vec<AlikeCharges> = Vec::new();
    let mut index: std::collections::HashMap<Key, usize> = Default::default();
    for c in changes {
        let key = (
            c.service_date_before,
            c.service_date_after,
            c.quantity_before,
            c.quantity_after,
            c.status_after.as_str(),
        );
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(AlikeCharges {
                date_before: c.service_date_before,
                date_after: c.service_date_after,
                quantity_before: c.quantity_before,
                quantity_after: c.quantity_after,
                status_after: c.status_after,
                ids: Vec::new(),
            });
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(at) {
            g.ids.push(c.id);
        }
    }
    groups
}

/// One statement per group of charges whose rows change alike.
async fn write_charges(c: &mut Conn<'_>, groups: Vec<ChargeGroup>) -> Result<()> {
    let q = match c.dialect() {
        Dialect::Sqlite => {
            "UPDATE charges SET service_day = service_day + ?1, quantity = COALESCE(?2, quantity), status = COALESCE(?3, status)
             WHERE id IN (SELECT value FROM json_each(?4))"
        }
        Dialect::Postgres => {
            "UPDATE charges SET service_day = service_day + $1, quantity = COALESCE($2, quantity), status = COALESCE($3, status)
             WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($4::jsonb))"
        }
    };
    for group in groups {
        let n = c
            .exec(
                q,
                &args![
                    i64::from(group.days),
                    group.quantity,
                    group.status.map(ItemStatus::as_str),
                    group.ids
                ],
            )
            .await?;
        if n != group.count {
            return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "a charge group touched {n} charges, not {}",
                group.count
            ))));
        }
    }
    Ok(())
}

/// Writes a plan: the event row (with its day zero), activities in one
/// statement fed the plan as JSON, charges in one statement per group that
/// changes alike (20,000 charges are a few round trips, not 20,000).
/// Hall activities go one by one, latest first when moving forward, so the
/// unique hall index never sees a hall on its own next day mid-way.
async fn write_plan(
    c: &mut Conn<'_>,
    id: i64,
    plan: &Plan,
    alike: &[AlikeCharges],
    state: &EventState,
    day_zero: Date,
) -> Result<()> {
    let zero_shift = day_zero_shift(state, alike);
    let day_zero_after = day_zero
        .checked_add(jiff::Span::new().days(zero_shift))
        .map_err(|_| StoreError::Cascade(CascadeError::OutOfRange))?;
    c.exec(
        sql!(
            c,
            "UPDATE events SET pax = $2, start_date = $3, end_date = $4, charge_epoch = $5 WHERE id = $1"
        ),
        &args![
            id,
            i64::from(plan.pax),
            plan.start_date.to_string(),
            plan.end_date.to_string(),
            day_zero_after.to_string()
        ],
    )
    .await?;
    let halls: std::collections::HashSet<i64> = state
        .activities
        .iter()
        .filter(|a| a.premises_id.is_some())
        .map(|a| a.id)
        .collect();
    let (mut hall_changes, rest): (Vec<_>, Vec<_>) = plan.activities.iter().partition(|a| halls.contains(&a.id));
    let forward = hall_changes.iter().any(|a| a.date_after > a.date_before);
    hall_changes.sort_by_key(|a| a.date_before);
    if forward {
        hall_changes.reverse();
    }
    for a in hall_changes {
        let r = c
            .exec(
                sql!(
                    c,
                    "UPDATE activities SET date = $2, pax = $3, status = $4 WHERE id = $1"
                ),
                &args![
                    a.id,
                    a.date_after.to_string(),
                    i64::from(a.pax_after),
                    a.status_after.as_str()
                ],
            )
            .await;
        if let Err(e) = r {
            // The unique hall index refused it: a concurrent change won.
            return Err(hall_taken_by_index(e, a.id, 0, a.date_after));
        }
    }
    if !rest.is_empty() {
        let rows: Vec<serde_json::Value> = rest
            .iter()
            .map(|a| serde_json::json!([a.id, a.date_after.to_string(), a.pax_after, a.status_after.as_str()]))
            .collect();
        let q = match c.dialect() {
            Dialect::Sqlite => {
                "UPDATE activities SET date = j.d, pax = j.p, status = j.s
                 FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS d,
                              json_extract(value, '$[2]') AS p, json_extract(value, '$[3]') AS s FROM json_each(?1)) AS j
                 WHERE activities.id = j.id"
            }
            Dialect::Postgres => {
                "UPDATE activities SET date = j.v->>1, pax = (j.v->>2)::bigint, status = j.v->>3
                 FROM jsonb_array_elements($1::jsonb) AS j(v) WHERE activities.id = (j.v->>0)::bigint"
            }
        };
        c.exec(q, &args![serde_json::Value::Array(rows).to_string()]).await?;
    }
    write_charges(c, charge_groups(state, alike, zero_shift)).await?;
    for b in &plan.blocks {
        c.exec(
            sql!(c, "UPDATE blocks SET start_date = $2, end_date = $3 WHERE id = $1"),
            &args![b.id, b.start_date.to_string(), b.end_date.to_string()],
        )
        .await?;
    }
    Ok(())
}

impl Store {
    /// Creates an event with its first, open folio.
    pub async fn create_event(&self, e: NewEvent, actor: i64, at: i64) -> Result<EventView> {
        self.write(move |mut c| {
            Box::pin(async move {
                if c.opt::<(i64,)>(sql!(c, "SELECT id FROM venues WHERE id = $1"), &args![e.venue_id]).await?.is_none() {
                    return Err(StoreError::unprocessable("venue_id", Refusal::NoSuchVenue));
                }
                let (id,): (i64,) = c
                    .one(
                        sql!(c, "INSERT INTO events (venue_id, name, pax, start_date, end_date, created_at, charge_epoch) VALUES ($1, $2, $3, $4, $5, $6, $4) RETURNING id"),
                        &args![e.venue_id, e.name.as_str(), e.pax, e.start_date.to_string(), e.end_date.to_string(), at],
                    )
                    .await?;
                c.exec(sql!(c, "INSERT INTO folios (event_id, status) VALUES ($1, 'open')"), &args![id]).await?;
                c.exec(
                    sql!(c, "INSERT INTO event_audit (event_id, at, actor_id, command, detail, version_after) VALUES ($1, $2, $3, $4, '{}', 1)"),
                    &args![id, at, actor, Change::Create.as_str()],
                )
                .await?;
                event_view(&mut c, id).await?.ok_or(StoreError::NotFound(Thing::Event))
            })
        })
        .await
    }

    /// An event.
    ///
    /// Read in one snapshot, so what it shows is the stored state at its
    /// version; that state is remembered for the next change's plan (a
    /// manager looks at an event before changing it).
    pub async fn event(&self, id: i64) -> Result<Option<EventView>> {
        let view = self
            .read_snapshot(move |mut c| Box::pin(async move { event_view(&mut c, id).await }))
            .await?;
        if let Some(v) = &view
            && self.event_states.get(v.id, v.version).is_none()
            && let Ok(state) = state_of(v)
        {
            self.event_states.put(v.id, v.version, std::sync::Arc::new(state));
        }
        Ok(view)
    }

    /// The event's audit trail, oldest first: who, when, which command, what
    /// changed (the plan, as JSON), and the version it made.
    pub async fn event_audit(&self, id: i64, after: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, at, actor_id, command, detail, version_after FROM event_audit
                 WHERE event_id = $1 AND id > $2 ORDER BY id LIMIT $3"
            ),
            &args![id, after.unwrap_or(0), limit],
        )
        .await
    }

    /// The newest `limit` lines of an event's audit trail, newest first.
    pub async fn event_audit_newest(&self, id: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, at, actor_id, command, detail, version_after FROM event_audit
                 WHERE event_id = $1 ORDER BY id DESC LIMIT $2"
            ),
            &args![id, limit],
        )
        .await
    }

    /// Events, newest first.
    pub async fn events(&self, before: Option<i64>, limit: i64) -> Result<Vec<(i64, String, String, String, i64)>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, name, start_date, end_date, pax FROM events WHERE id < $1 ORDER BY id DESC LIMIT $2"
            ),
            &args![before.unwrap_or(i64::MAX), limit],
        )
        .await
    }

    /// Adds an activity; a hall must be free that day.
    pub async fn add_activity(
        &self,
        id: i64,
        a: NewActivity,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<(i64, EventView)> {
        self.write(move |mut c| {
            Box::pin(async move {
                let view = begin_change(&mut c, id, if_match).await?;
                let period = EventState {
                    pax: 1,
                    start_date: date(&view.start_date)?,
                    end_date: date(&view.end_date)?,
                    activities: vec![],
                    blocks: vec![],
                    folios: vec![],
                    charges: vec![],
                };
                tessera_events::validate_new_activity(&period, a.date, a.pax).map_err(StoreError::Cascade)?;
                if let Some(p) = a.premises_id {
                    let kind = c
                        .opt::<(String, i64)>(sql!(c, "SELECT kind, venue_id FROM premises WHERE id = $1"), &args![p])
                        .await?;
                    if !matches!(kind, Some((k, v)) if k == "hall" && v == view.venue_id) {
                        return Err(StoreError::unprocessable("premises_id", Refusal::NotAHall));
                    }
                    let holder = c
                        .opt::<(i64, i64)>(
                            sql!(c, "SELECT id, event_id FROM activities WHERE premises_id = $1 AND date = $2 AND status = 'active'"),
                            &args![p, a.date.to_string()],
                        )
                        .await?;
                    if let Some((other, event)) = holder {
                        return Err(StoreError::Cascade(CascadeError::HallTaken {
                            activity_id: 0,
                            premises_id: p,
                            date: a.date,
                            other_activity_id: other,
                            other_event_id: event,
                        }));
                    }
                }
                let (aid,): (i64,) = c
                    .one(
                        sql!(c, "INSERT INTO activities (event_id, kind, name, date, pax, premises_id, status) VALUES ($1, $2, $3, $4, $5, $6, 'active') RETURNING id"),
                        &args![id, a.kind.as_str(), a.name.as_str(), a.date.to_string(), a.pax, a.premises_id],
                    )
                    .await
                    // Checked above, but a concurrent transaction on another
                    // connection may have taken the hall since: the index is
                    // the last word.
                    .map_err(|e| hall_taken_by_index(e, 0, a.premises_id.unwrap_or(0), a.date))?;
                let detail = serde_json::json!({"activity": aid, "kind": a.kind.as_str(), "date": a.date.to_string(), "pax": a.pax}).to_string();
                finish_change(&mut c, id, actor, at, Change::AddActivity, detail).await?;
                Ok((aid, event_view(&mut c, id).await?.ok_or(StoreError::NotFound(Thing::Event))?))
            })
        })
        .await
    }

    /// Adds a room block; its dates are the event's.
    pub async fn add_block(
        &self,
        id: i64,
        name: String,
        rooms: i64,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<(i64, EventView)> {
        self.write(move |mut c| {
            Box::pin(async move {
                let view = begin_change(&mut c, id, if_match).await?;
                let (bid,): (i64,) = c
                    .one(
                        sql!(c, "INSERT INTO blocks (event_id, name, rooms, start_date, end_date) VALUES ($1, $2, $3, $4, $5) RETURNING id"),
                        &args![id, name.as_str(), rooms, view.start_date.as_str(), view.end_date.as_str()],
                    )
                    .await?;
                finish_change(&mut c, id, actor, at, Change::AddBlock, serde_json::json!({"block": bid}).to_string()).await?;
                Ok((bid, event_view(&mut c, id).await?.ok_or(StoreError::NotFound(Thing::Event))?))
            })
        })
        .await
    }

    /// Opens another folio.
    pub async fn add_folio(&self, id: i64, if_match: Option<i64>, actor: i64, at: i64) -> Result<(i64, EventView)> {
        self.write(move |mut c| {
            Box::pin(async move {
                begin_change(&mut c, id, if_match).await?;
                let (fid,): (i64,) = c
                    .one(
                        sql!(
                            c,
                            "INSERT INTO folios (event_id, status) VALUES ($1, 'open') RETURNING id"
                        ),
                        &args![id],
                    )
                    .await?;
                finish_change(
                    &mut c,
                    id,
                    actor,
                    at,
                    Change::AddFolio,
                    serde_json::json!({"folio": fid}).to_string(),
                )
                .await?;
                Ok((
                    fid,
                    event_view(&mut c, id)
                        .await?
                        .ok_or(StoreError::NotFound(Thing::Event))?,
                ))
            })
        })
        .await
    }

    /// The event a folio belongs to.
    pub async fn folio(&self, folio_id: i64) -> Result<Option<FolioRow>> {
        let mut r = self.reader().await?;
        folio_row(&mut r.conn(), folio_id).await
    }

    /// Posts a charge to an open folio, straight or through an activity.
    pub async fn add_charge(
        &self,
        folio_id: i64,
        ch: NewCharge,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<ChargeRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                let folio = folio_row(&mut c, folio_id).await?.ok_or(StoreError::NotFound(Thing::Folio))?;
                let view = begin_change(&mut c, folio.event_id, if_match).await?;
                if folio.status == FolioStatus::Closed {
                    return Err(StoreError::Cascade(CascadeError::ClosedFolio(vec![])));
                }
                tessera_events::validate_new_charge(ch.quantity).map_err(StoreError::Cascade)?;
                let live = match ch.activity_id {
                    Some(aid) => c
                        .opt::<(i64,)>(
                            sql!(c, "SELECT id FROM activities WHERE id = $1 AND event_id = $2 AND status = 'active'"),
                            &args![aid, folio.event_id],
                        )
                        .await?
                        .is_some(),
                    None => true,
                };
                if !live {
                    return Err(StoreError::unprocessable("activity_id", Refusal::NoSuchActivity));
                }
                let (currency,): (String,) =
                    c.one(sql!(c, "SELECT currency FROM venues WHERE id = $1"), &args![view.venue_id]).await?;
                let day = service_day(date(&view.charge_epoch)?, ch.service_date)?;
                let quantity = ch.quantity.normalize().to_string();
                let unit_price = ch.unit_price.to_string();
                let follows_pax = i64::from(ch.follows_pax);
                let (charge_id,): (i64,) = c
                    .one(
                        sql!(c, "INSERT INTO charges (folio_id, event_id, activity_id, description, service_day, quantity, unit_price, currency, follows_pax, status)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active') RETURNING id"),
                        &args![
                            folio_id,
                            folio.event_id,
                            ch.activity_id,
                            ch.description.as_str(),
                            day,
                            quantity.as_str(),
                            unit_price.as_str(),
                            currency.as_str(),
                            follows_pax
                        ],
                    )
                    .await?;
                let row = ChargeRow {
                    id: charge_id,
                    folio_id,
                    activity_id: ch.activity_id,
                    description: ch.description,
                    service_date: ch.service_date.to_string(),
                    quantity: ch.quantity.normalize(),
                    unit_price: ch.unit_price,
                    currency,
                    follows_pax,
                    status: ItemStatus::Active,
                };
                finish_change(&mut c, folio.event_id, actor, at, Change::AddCharge, serde_json::json!({"charge": row.id}).to_string()).await?;
                Ok(row)
            })
        })
        .await
    }

    /// Closes a folio: its charges are frozen for good.
    pub async fn close_folio(&self, folio_id: i64, if_match: Option<i64>, actor: i64, at: i64) -> Result<FolioRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                let folio = folio_row(&mut c, folio_id)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Folio))?;
                begin_change(&mut c, folio.event_id, if_match).await?;
                c.exec(
                    sql!(c, "UPDATE folios SET status = 'closed' WHERE id = $1"),
                    &args![folio_id],
                )
                .await?;
                if folio.status != FolioStatus::Closed {
                    finish_change(
                        &mut c,
                        folio.event_id,
                        actor,
                        at,
                        Change::CloseFolio,
                        serde_json::json!({"folio": folio_id}).to_string(),
                    )
                    .await?;
                }
                Ok(FolioRow {
                    status: FolioStatus::Closed,
                    ..folio
                })
            })
        })
        .await
    }

    /// Runs a cascade: computes its plan from the stored state and, unless
    /// `dry_run`, writes exactly that plan in the same transaction.
    pub async fn cascade(
        &self,
        id: i64,
        command: EventCommand,
        dry_run: bool,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<(Plan, i64)> {
        // Read beside the writer, not in it: on SQLite every write waits
        // while the one writer reads 20,000 charges. A failure here is met
        // again, and answered, inside the transaction.
        if let Err(e) = self.remember_state(id).await {
            tracing::debug!(event = id, error = %e, "event state not read ahead");
        }
        let states = std::sync::Arc::clone(&self.event_states);
        let (plan, version, applied_to) = self
            .write(move |mut c| {
                Box::pin(async move {
                    let header = begin_change(&mut c, id, if_match).await?;
                    let day_zero = date(&header.charge_epoch)?;
                    // Not remembered only if a change landed since the read
                    // ahead (or it failed): read it here, under the lock.
                    let state = match states.get(id, header.version) {
                        Some(state) => state,
                        None => std::sync::Arc::new(cascade_state(&mut c, id, day_zero).await?),
                    };
                    let others = other_halls(&mut c, id).await?;
                    let plan = command.plan(&state, id, &others).map_err(StoreError::Cascade)?;
                    if dry_run {
                        return Ok((plan, header.version, None));
                    }
                    let alike = alike_charges(&plan.charges);
                    write_plan(&mut c, id, &plan, &alike, &state, day_zero).await?;
                    let version =
                        finish_change(&mut c, id, actor, at, command.change(), audit_detail(&plan, &alike)).await?;
                    Ok((plan, version, Some(state)))
                })
            })
            .await?;
        // Committed: what the plan made of the state is the stored state at
        // the version the apply made.
        if let Some(before) = applied_to {
            self.event_states
                .put(id, version, std::sync::Arc::new(state_after(&before, &plan)));
        }
        Ok((plan, version))
    }
}

impl Store {
    /// Makes sure the event's state at its current version is remembered,
    /// reading it in one snapshot if it is not.
    async fn remember_state(&self, id: i64) -> Result<()> {
        let states = std::sync::Arc::clone(&self.event_states);
        let read = self
            .read_snapshot(move |mut c| {
                Box::pin(async move {
                    let Some((version, epoch)) = c
                        .opt::<(i64, String)>(
                            sql!(c, "SELECT version, charge_epoch FROM events WHERE id = $1"),
                            &args![id],
                        )
                        .await?
                    else {
                        return Ok(None);
                    };
                    if states.get(id, version).is_some() {
                        return Ok(None);
                    }
                    Ok(Some((version, cascade_state(&mut c, id, date(&epoch)?).await?)))
                })
            })
            .await?;
        if let Some((version, state)) = read {
            self.event_states.put(id, version, std::sync::Arc::new(state));
        }
        Ok(())
    }
}

/// The state a plan leaves, in the order [`cascade_state`] reads it.
fn state_after(before: &EventState, plan: &Plan) -> EventState {
    let mut after = before.clone();
    plan.apply(&mut after);
    after.activities.sort_by_key(|a| (a.date, a.id));
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_events::{ActivityChange, ChargeChange};

    fn charge(id: i64, before: &str, after: &str, quantity: (i64, i64), status: ItemStatus) -> ChargeChange {
        let d = |s: &str| s.parse::<Date>().expect("date");
        ChargeChange {
            id,
            service_date_before: d(before),
            service_date_after: d(after),
            quantity_before: Decimal::from(quantity.0),
            quantity_after: Decimal::from(quantity.1),
            status_after: status,
        }
    }

    fn state_with(charges: &[(i64, &str, ItemStatus)]) -> EventState {
        let d = |s: &str| s.parse::<Date>().expect("date");
        EventState {
            pax: 100,
            start_date: d("2024-02-10"),
            end_date: d("2024-02-28"),
            activities: vec![],
            blocks: vec![],
            folios: vec![],
            charges: charges
                .iter()
                .map(|&(id, date, status)| Charge {
                    id,
                    folio_id: 1,
                    activity_id: None,
                    service_date: d(date),
                    quantity: Decimal::from(100),
                    follows_pax: true,
                    status,
                })
                .collect(),
        }
    }

    /// A group as days, quantity, status, ids, count.
    type Seen<'a> = (i32, Option<&'a str>, Option<&'a str>, &'a str, u64);

    fn seen(groups: &[ChargeGroup]) -> Vec<Seen<'_>> {
        groups
            .iter()
            .map(|g| {
                (
                    g.days,
                    g.quantity.as_deref(),
                    g.status.map(ItemStatus::as_str),
                    g.ids.as_str(),
                    g.count,
                )
            })
            .collect()
    }

    #[test]
    fn a_move_shifts_day_zero_and_rewrites_only_the_charges_it_leaves_behind() {
        let (active, cancelled) = (ItemStatus::Active, ItemStatus::Cancelled);
        let state = state_with(&[
            (1, "2024-02-11", active),
            (2, "2024-02-13", active),
            (3, "2024-02-28", active),
            (4, "2024-02-14", cancelled),
        ]);
        let changes = [
            charge(1, "2024-02-11", "2024-02-16", (100, 100), active),
            charge(2, "2024-02-13", "2024-02-18", (100, 100), active),
            charge(3, "2024-02-28", "2024-03-04", (100, 100), active),
        ];
        let alike = alike_charges(&changes);
        assert_eq!(day_zero_shift(&state, &alike), 5);
        assert_eq!(
            seen(&charge_groups(&state, &alike, 5)),
            vec![(-5, None, None, "[4]", 1)],
            "the cancelled charge stays on its day; the moved ones are not written"
        );
    }

    #[test]
    fn other_changes_keep_day_zero_and_write_each_alike_group_once() {
        let (active, cancelled) = (ItemStatus::Active, ItemStatus::Cancelled);
        let state = state_with(&[
            (1, "2024-02-11", active),
            (2, "2024-02-13", active),
            (4, "2024-02-12", active),
            (5, "2024-02-12", active),
            (6, "2024-02-14", active),
            (7, "2024-02-14", active),
            (8, "2024-02-15", active),
        ]);
        let changes = [
            charge(1, "2024-02-11", "2024-02-16", (100, 100), active),
            charge(4, "2024-02-12", "2024-02-12", (100, 110), active),
            charge(5, "2024-02-12", "2024-02-12", (100, 110), active),
            charge(6, "2024-02-14", "2024-02-14", (100, 100), cancelled),
            charge(7, "2024-02-14", "2024-02-10", (100, 100), active),
        ];
        let alike = alike_charges(&changes);
        assert_eq!(day_zero_shift(&state, &alike), 0);
        assert_eq!(
            seen(&charge_groups(&state, &alike, 0)),
            vec![
                (5, None, Some("active"), "[1]", 1),
                (0, Some("110"), Some("active"), "[4,5]", 2),
                (0, None, Some("cancelled"), "[6]", 1),
                (-4, None, Some("active"), "[7]", 1),
            ]
        );
    }

    #[test]
    fn the_audit_keeps_every_changed_item_before_and_after_as_json() {
        let d = |s: &str| s.parse::<Date>().expect("date");
        let plan = Plan {
            pax: 110,
            start_date: d("2024-02-15"),
            end_date: d("2024-02-17"),
            activities: vec![ActivityChange {
                id: 7,
                date_before: d("2024-02-11"),
                date_after: d("2024-02-16"),
                pax_before: 100,
                pax_after: 110,
                status_after: ItemStatus::Active,
            }],
            charges: vec![
                charge(9, "2024-02-12", "2024-02-17", (100, 110), ItemStatus::Cancelled),
                charge(12, "2024-02-12", "2024-02-17", (100, 110), ItemStatus::Cancelled),
                charge(10, "2024-02-12", "2024-02-12", (100, 110), ItemStatus::Active),
            ],
            blocks: vec![],
        };
        let v: serde_json::Value =
            serde_json::from_str(&audit_detail(&plan, &alike_charges(&plan.charges))).expect("valid JSON");
        assert_eq!(v["pax"], 110);
        assert_eq!(v["start_date"], "2024-02-15");
        assert_eq!(
            v["activities"][0],
            serde_json::json!([7, "2024-02-11", "2024-02-16", 100, 110, "active"])
        );
        assert_eq!(
            v["charges"][0],
            serde_json::json!({"ids": [9, 12], "date_before": "2024-02-12", "date_after": "2024-02-17",
                "quantity_before": "100", "quantity_after": "110", "status_after": "cancelled"})
        );
        assert_eq!(v["charges"][1]["ids"], serde_json::json!([10]));
        assert_eq!(v["charges"][1]["date_after"], "2024-02-12");
        assert_eq!(v["blocks"], serde_json::json!([]));
    }
}
