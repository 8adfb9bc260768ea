//! Adding to an event: the event itself, activities, blocks, folios and
//! charges, and closing a folio. Each runs in the change frame.

use tessera_domain::premises::PremisesKind;
use tessera_domain::refusal::{Refusal, Thing};
use tessera_events::{CascadeError, Change, EventState, FolioStatus, HallHolding, ItemStatus, PremisesFacts};

use super::frame::{begin_change, finish_change};
use super::read::{event_view, folio_row};
use super::shapes::{ChargeRow, EventView, FolioRow, NewActivity, NewCharge, NewEvent};
use super::{date, hall_taken_by_index, service_day};
use crate::{Result, Store, StoreError, args, sql};
use tessera_domain::webhooks::EventType;

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
                tessera_events::check_event_live(view.cancelled()).map_err(StoreError::Cascade)?;
                let period = EventState {
                    pax: 1,
                    start_date: date(&view.start_date)?,
                    end_date: date(&view.end_date)?,
                    activities: vec![],
                    blocks: vec![],
                    folios: vec![],
                    charges: vec![],
                    cancelled: false,
                };
                tessera_events::validate_new_activity(&period, a.date, a.pax).map_err(StoreError::Cascade)?;
                if let Some(p) = a.premises_id {
                    let premises = c
                        .opt::<(String, i64)>(sql!(c, "SELECT kind, venue_id FROM premises WHERE id = $1"), &args![p])
                        .await?
                        .map(|(kind, venue_id)| {
                            Ok::<_, StoreError>(PremisesFacts {
                                is_hall: PremisesKind::try_from(kind)? == PremisesKind::Hall,
                                venue_id,
                            })
                        })
                        .transpose()?;
                    let held_by = c
                        .opt::<(i64, i64, i64, i64)>(
                            sql!(c, "SELECT id, event_id, CAST(start_min AS BIGINT), CAST(end_min AS BIGINT) FROM activities
                                     WHERE premises_id = $1 AND date = $2 AND status = 'active' AND start_min < $4 AND $3 < end_min
                                     ORDER BY start_min LIMIT 1"),
                            &args![p, a.date.to_string(), i64::from(a.time.start), i64::from(a.time.end)],
                        )
                        .await?
                        .map(|(activity_id, event_id, start, end)| HallHolding {
                            event_id,
                            activity_id,
                            premises_id: p,
                            date: a.date,
                            time: tessera_events::DayTime::from_minutes(start, end).unwrap_or(a.time),
                        });
                    tessera_events::check_new_activity_hall(view.venue_id, p, a.date, a.time, premises, held_by.as_ref())
                        .map_err(|e| match e {
                            CascadeError::NotAHall => StoreError::unprocessable("premises_id", Refusal::NotAHall),
                            e => StoreError::Cascade(e),
                        })?;
                }
                let (aid,): (i64,) = c
                    .one(
                        sql!(c, "INSERT INTO activities (event_id, kind, name, date, pax, premises_id, status, start_min, end_min, notes)
                                 VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $9) RETURNING id"),
                        &args![
                            id,
                            a.kind.as_str(),
                            a.name.as_str(),
                            a.date.to_string(),
                            a.pax,
                            a.premises_id,
                            i64::from(a.time.start),
                            i64::from(a.time.end),
                            a.notes.as_str()
                        ],
                    )
                    .await
                    // Checked above, but a concurrent transaction on another
                    // connection may have taken the hall since: the index is
                    // the last word.
                    .map_err(|e| hall_taken_by_index(e, 0, a.premises_id.unwrap_or(0), a.date, a.time))?;
                let times = a.time.hh_mm();
                let detail = serde_json::json!({"activity": aid, "kind": a.kind.as_str(), "date": a.date.to_string(), "pax": a.pax,
                    "start_time": times.as_ref().map(|t| &t.0), "end_time": times.as_ref().map(|t| &t.1)}).to_string();
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
                tessera_events::check_event_live(view.cancelled()).map_err(StoreError::Cascade)?;
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

    /// Opens another folio, named ("Organiser") or not (blank).
    pub async fn add_folio(
        &self,
        id: i64,
        name: String,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<(i64, EventView)> {
        self.write(move |mut c| {
            Box::pin(async move {
                begin_change(&mut c, id, if_match).await?;
                let (fid,): (i64,) = c
                    .one(
                        sql!(
                            c,
                            "INSERT INTO folios (event_id, name, status) VALUES ($1, $2, 'open') RETURNING id"
                        ),
                        &args![id, name.as_str()],
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
                    return Err(StoreError::Cascade(CascadeError::ClosedFolio { folio_id }));
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
                    void_reason: None,
                    voided_at: None,
                    voided_by: None,
                };
                finish_change(&mut c, folio.event_id, actor, at, Change::AddCharge, serde_json::json!({"charge": row.id}).to_string()).await?;
                crate::outbox::emit(&mut c, EventType::ChargeChanged, row.id, at).await?;
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
                    crate::outbox::emit(&mut c, EventType::FolioClosed, folio_id, at).await?;
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
}

impl Store {
    /// Renames an event.
    pub async fn rename_event(
        &self,
        id: i64,
        name: String,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<EventView> {
        self.write(move |mut c| {
            Box::pin(async move {
                begin_change(&mut c, id, if_match).await?;
                let (before,): (String,) = c
                    .one(sql!(c, "SELECT name FROM events WHERE id = $1"), &args![id])
                    .await?;
                c.exec(
                    sql!(c, "UPDATE events SET name = $2 WHERE id = $1"),
                    &args![id, name.as_str()],
                )
                .await?;
                let detail = serde_json::json!({"name_before": before, "name_after": name}).to_string();
                finish_change(&mut c, id, actor, at, Change::RenameEvent, detail).await?;
                event_view(&mut c, id).await?.ok_or(StoreError::NotFound(Thing::Event))
            })
        })
        .await
    }

    /// Renames or resizes a room block (`None` keeps the value), or cancels
    /// it: an active block of a live event only.
    pub async fn change_block(
        &self,
        id: i64,
        block_id: i64,
        change: BlockEdit,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<EventView> {
        self.write(move |mut c| {
            Box::pin(async move {
                let header = begin_change(&mut c, id, if_match).await?;
                let (name, rooms, status): (String, i64, String) = c
                    .opt(
                        sql!(c, "SELECT name, rooms, status FROM blocks WHERE id = $1 AND event_id = $2"),
                        &args![block_id, id],
                    )
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Block))?;
                let status = ItemStatus::try_from(status)?;
                tessera_events::check_block_change(header.cancelled(), status).map_err(StoreError::Cascade)?;
                let (command, detail) = match &change {
                    BlockEdit::Edit { name: new_name, rooms: new_rooms } => {
                        c.exec(
                            sql!(c, "UPDATE blocks SET name = COALESCE($2, name), rooms = COALESCE($3, rooms) WHERE id = $1"),
                            &args![block_id, new_name.clone(), *new_rooms],
                        )
                        .await?;
                        let detail = serde_json::json!({
                            "block": block_id,
                            "before": {"name": name, "rooms": rooms},
                            "after": {"name": new_name.as_deref().unwrap_or(&name), "rooms": new_rooms.unwrap_or(rooms)},
                        });
                        (Change::EditBlock, detail)
                    }
                    BlockEdit::Cancel => {
                        c.exec(sql!(c, "UPDATE blocks SET status = 'cancelled' WHERE id = $1"), &args![block_id]).await?;
                        (Change::CancelBlock, serde_json::json!({"block": block_id}))
                    }
                };
                finish_change(&mut c, id, actor, at, command, detail.to_string()).await?;
                event_view(&mut c, id).await?.ok_or(StoreError::NotFound(Thing::Event))
            })
        })
        .await
    }
}

/// A change of one room block.
#[derive(Debug, Clone)]
pub enum BlockEdit {
    /// A new name or number of rooms (`None` keeps it).
    Edit {
        /// New name.
        name: Option<String>,
        /// New number of rooms.
        rooms: Option<i64>,
    },
    /// Cancel it (kept, never deleted).
    Cancel,
}
