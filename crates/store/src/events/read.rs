//! Reading an event: the whole view in one snapshot, the cascade's state,
//! the halls other events hold; and remembering the state for the next plan.

use jiff::civil::Date;
use rust_decimal::Decimal;
use tessera_domain::refusal::Thing;
use tessera_events::{Activity, ActivityKind, Block, Charge, DayTime, EventState, Folio, HallHolding, ItemStatus};

use super::shapes::{ActivityRow, ChargeRow, EventView, FolioRow};
use super::{bad, date, decimal, service_date};
use crate::{Conn, Dialect, Result, Store, StoreError, args, sql};

/// An event's many rows (activities, charges) as one row of JSON: SQLite's
/// driver hands rows over one by one between threads, and thousands of
/// hand-offs cost more than the query.
pub(super) async fn json_rows<T: serde::de::DeserializeOwned>(
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

pub(super) async fn event_view(c: &mut Conn<'_>, id: i64) -> Result<Option<EventView>> {
    event_parts(c, id, true).await
}

pub(super) async fn event_parts(c: &mut Conn<'_>, id: i64, with_charges: bool) -> Result<Option<EventView>> {
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
        #[sqlx(try_from = "String")]
        status: ItemStatus,
    }
    let Some(e) = c
        .opt::<Row>(
            sql!(
                c,
                "SELECT id, venue_id, name, pax, start_date, end_date, version, charge_epoch, status FROM events WHERE id = $1"
            ),
            &args![id],
        )
        .await?
    else {
        return Ok(None);
    };
    type ActivityTuple = (
        i64,
        ActivityKind,
        String,
        String,
        i64,
        Option<i64>,
        ItemStatus,
        i64,
        i64,
        String,
    );
    let activities = json_rows::<ActivityTuple>(
        c,
        "SELECT COALESCE(json_group_array(json_array(id, kind, name, date, pax, premises_id, status, start_min, end_min, notes)), '[]')
         FROM (SELECT * FROM activities WHERE event_id = ?1 ORDER BY date, start_min, id)",
        "SELECT COALESCE(json_agg(json_build_array(id, kind, name, date, pax, premises_id, status, start_min, end_min, notes) ORDER BY date, start_min, id), '[]')::text
         FROM activities WHERE event_id = $1",
        id,
    )
    .await?
    .into_iter()
    .map(
        |(id, kind, name, date, pax, premises_id, status, start, end, notes)| {
            Ok(ActivityRow {
                id,
                kind,
                name,
                date,
                pax,
                premises_id,
                time: DayTime::from_minutes(start, end).ok_or_else(|| bad("activity time"))?,
                notes,
                status,
            })
        },
    )
    .collect::<Result<_>>()?;
    let blocks = c
        .all(
            sql!(
                c,
                "SELECT id, name, rooms, start_date, end_date, status FROM blocks WHERE event_id = $1 ORDER BY id"
            ),
            &args![id],
        )
        .await?;
    let folios = c
        .all(
            sql!(
                c,
                "SELECT id, event_id, name, status FROM folios WHERE event_id = $1 ORDER BY id"
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
        Option<String>,
        Option<i64>,
        Option<i64>,
    );
    let day_zero = date(&e.charge_epoch)?;
    let charges = if !with_charges {
        vec![]
    } else {
        json_rows::<ChargeTuple>(
            c,
            "SELECT COALESCE(json_group_array(json_array(id, folio_id, activity_id, description, service_day, quantity, unit_price, currency, follows_pax, status, void_reason, voided_at, voided_by)), '[]')
             FROM (SELECT * FROM charges WHERE event_id = ?1 ORDER BY id)",
            "SELECT COALESCE(json_agg(json_build_array(id, folio_id, activity_id, description, service_day, quantity, unit_price, currency, follows_pax, status, void_reason, voided_at, voided_by) ORDER BY id), '[]')::text
             FROM charges WHERE event_id = $1",
            id,
        )
        .await?
        .into_iter()
        .map(
            |(
                id,
                folio_id,
                activity_id,
                description,
                day,
                quantity,
                unit_price,
                currency,
                follows_pax,
                status,
                void_reason,
                voided_at,
                voided_by,
            )| {
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
                    void_reason,
                    voided_at,
                    voided_by,
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
        status: e.status,
        activities,
        blocks,
        folios,
        charges,
    }))
}

/// The cascade's view of a stored event.
pub(super) fn state_of(v: &EventView) -> Result<EventState> {
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
                    time: a.time,
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
                    status: b.status,
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
        cancelled: v.status == ItemStatus::Cancelled,
    })
}

/// What a cascade reads, and nothing more: the event's page also shows
/// descriptions and prices, which no cascade needs.
pub(super) async fn cascade_state(c: &mut Conn<'_>, id: i64, day_zero: Date) -> Result<EventState> {
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

pub(super) async fn event_view_without_charges(c: &mut Conn<'_>, id: i64) -> Result<EventView> {
    event_parts(c, id, false)
        .await?
        .ok_or(StoreError::NotFound(Thing::Event))
}

/// Halls held by other events' live activities.
pub(super) async fn other_halls(c: &mut Conn<'_>, event_id: i64) -> Result<Vec<HallHolding>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        event_id: i64,
        id: i64,
        premises_id: i64,
        date: String,
        start_min: i64,
        end_min: i64,
    }
    let rows: Vec<Row> = c
        .all(
            sql!(
                c,
                "SELECT event_id, id, premises_id, date, CAST(start_min AS BIGINT) AS start_min, CAST(end_min AS BIGINT) AS end_min
                     FROM activities WHERE premises_id IS NOT NULL AND status = 'active' AND event_id <> $1"
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
                time: DayTime::from_minutes(r.start_min, r.end_min).ok_or_else(|| bad("activity time"))?,
            })
        })
        .collect()
}

/// A folio by id.
pub(super) async fn folio_row(c: &mut Conn<'_>, folio_id: i64) -> Result<Option<FolioRow>> {
    c.opt(
        sql!(c, "SELECT id, event_id, name, status FROM folios WHERE id = $1"),
        &args![folio_id],
    )
    .await
}

impl Store {
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

    /// The event a folio belongs to.
    pub async fn folio(&self, folio_id: i64) -> Result<Option<FolioRow>> {
        let mut r = self.reader().await?;
        folio_row(&mut r.conn(), folio_id).await
    }

    /// Makes sure the event's state at its current version is remembered,
    /// reading it in one snapshot if it is not.
    pub(super) async fn remember_state(&self, id: i64) -> Result<()> {
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
