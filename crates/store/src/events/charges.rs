//! One charge at a time: reading a folio with its charges, and the changes
//! that touch one charge only (edit, void, transfer), each checked by the
//! events domain and written in the event's change frame.

use tessera_domain::refusal::Thing;
use tessera_events::{ChargeCommand, ChargeFacts, ItemStatus, TargetFolio, check_charge_command};

use super::frame::{begin_change, finish_change};
use super::read::folio_row;
use super::shapes::{ChargeRow, FolioRow};
use super::{date, decimal, service_date, service_day};
use crate::{Conn, Result, Store, StoreError, args, sql};

/// A charge as stored, with its event's day zero.
#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    folio_id: i64,
    activity_id: Option<i64>,
    description: String,
    service_day: i64,
    quantity: String,
    unit_price: String,
    currency: String,
    follows_pax: i64,
    status: String,
    void_reason: Option<String>,
    voided_at: Option<i64>,
    voided_by: Option<i64>,
    charge_epoch: String,
}

impl Stored {
    fn row(self) -> Result<ChargeRow> {
        Ok(ChargeRow {
            id: self.id,
            folio_id: self.folio_id,
            activity_id: self.activity_id,
            description: self.description,
            service_date: service_date(date(&self.charge_epoch)?, self.service_day)?.to_string(),
            quantity: decimal(&self.quantity)?,
            unit_price: decimal(&self.unit_price)?,
            currency: self.currency,
            follows_pax: self.follows_pax,
            status: ItemStatus::parse(&self.status).ok_or_else(|| super::bad("charge status"))?,
            void_reason: self.void_reason,
            voided_at: self.voided_at,
            voided_by: self.voided_by,
        })
    }
}

/// The columns [`Stored`] reads, from a charge joined to its event.
macro_rules! stored_charges {
    ($where:literal) => {
        concat!(
            "SELECT ch.id, ch.folio_id, ch.activity_id, ch.description, CAST(ch.service_day AS BIGINT) AS service_day, ch.quantity,
                ch.unit_price, ch.currency, ch.follows_pax, ch.status, ch.void_reason, ch.voided_at, ch.voided_by,
                e.charge_epoch FROM charges ch JOIN events e ON e.id = ch.event_id ",
            $where
        )
    };
}

async fn stored_charge(c: &mut Conn<'_>, id: i64) -> Result<Option<Stored>> {
    c.opt(sql!(c, stored_charges!("WHERE ch.id = $1")), &args![id]).await
}

impl Store {
    /// One charge, whatever its status.
    pub async fn charge(&self, id: i64) -> Result<Option<ChargeRow>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        stored_charge(&mut c, id).await?.map(Stored::row).transpose()
    }

    /// A folio with its charges (every status), oldest first.
    pub async fn folio_with_charges(&self, folio_id: i64) -> Result<Option<(FolioRow, Vec<ChargeRow>)>> {
        self.read_snapshot(move |mut c| {
            Box::pin(async move {
                let Some(folio) = folio_row(&mut c, folio_id).await? else {
                    return Ok(None);
                };
                let rows: Vec<Stored> = c
                    .all(
                        sql!(c, stored_charges!("WHERE ch.folio_id = $1 ORDER BY ch.id")),
                        &args![folio_id],
                    )
                    .await?;
                let charges = rows.into_iter().map(Stored::row).collect::<Result<_>>()?;
                Ok(Some((folio, charges)))
            })
        })
        .await
    }

    /// Edits, voids or transfers one charge, as the events domain allows.
    pub async fn change_charge(
        &self,
        charge_id: i64,
        cmd: ChargeCommand,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<ChargeRow> {
        self.write(move |mut c| {
            Box::pin(async move {
                let (event_id,): (i64,) = c
                    .opt(sql!(c, "SELECT event_id FROM charges WHERE id = $1"), &args![charge_id])
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Charge))?;
                let header = begin_change(&mut c, event_id, if_match).await?;
                let before = stored_charge(&mut c, charge_id)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Charge))?
                    .row()?;
                let folio = folio_row(&mut c, before.folio_id)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Folio))?;
                let target = match &cmd {
                    ChargeCommand::Transfer { folio_id } => folio_row(&mut c, *folio_id).await?.map(|f| TargetFolio {
                        same_event: f.event_id == event_id,
                        status: f.status,
                    }),
                    _ => None,
                };
                let facts = ChargeFacts {
                    folio_id: folio.id,
                    folio_status: folio.status,
                    status: before.status,
                    start_date: date(&header.start_date)?,
                    end_date: date(&header.end_date)?,
                };
                check_charge_command(&facts, &cmd, target).map_err(StoreError::Cascade)?;
                let change = write_command(&mut c, charge_id, &cmd, date(&header.charge_epoch)?, actor, at).await?;
                let after = stored_charge(&mut c, charge_id)
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Charge))?
                    .row()?;
                let detail = serde_json::json!({
                    "charge": charge_id,
                    "before": audit_of(&before),
                    "after": audit_of(&after),
                })
                .to_string();
                finish_change(&mut c, event_id, actor, at, change, detail).await?;
                crate::outbox::emit(
                    &mut c,
                    tessera_domain::webhooks::EventType::ChargeChanged,
                    charge_id,
                    at,
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }
}

/// Writes a checked command; answers the audit's name for it.
async fn write_command(
    c: &mut Conn<'_>,
    id: i64,
    cmd: &ChargeCommand,
    day_zero: jiff::civil::Date,
    actor: i64,
    at: i64,
) -> Result<tessera_events::Change> {
    use tessera_events::Change;
    match cmd {
        ChargeCommand::Edit(e) => {
            let day = e.service_date.map(|d| service_day(day_zero, d)).transpose()?;
            let quantity = e.quantity.map(|q| q.normalize().to_string());
            let unit_price = e.unit_price.map(|p| p.to_string());
            c.exec(
                sql!(
                    c,
                    "UPDATE charges SET description = COALESCE($2, description), service_day = COALESCE($3, service_day),
                        quantity = COALESCE($4, quantity), unit_price = COALESCE($5, unit_price),
                        follows_pax = COALESCE($6, follows_pax) WHERE id = $1"
                ),
                &args![
                    id,
                    e.description.clone(),
                    day,
                    quantity,
                    unit_price,
                    e.follows_pax.map(i64::from)
                ],
            )
            .await?;
            Ok(Change::EditCharge)
        }
        ChargeCommand::Void { reason } => {
            c.exec(
                sql!(
                    c,
                    "UPDATE charges SET status = 'void', void_reason = $2, voided_at = $3, voided_by = $4 WHERE id = $1"
                ),
                &args![id, reason.trim().to_owned(), at, actor],
            )
            .await?;
            Ok(Change::VoidCharge)
        }
        ChargeCommand::Transfer { folio_id } => {
            c.exec(
                sql!(c, "UPDATE charges SET folio_id = $2 WHERE id = $1"),
                &args![id, *folio_id],
            )
            .await?;
            Ok(Change::TransferCharge)
        }
    }
}

/// What the audit keeps of a charge, before and after.
fn audit_of(c: &ChargeRow) -> serde_json::Value {
    serde_json::json!({
        "folio_id": c.folio_id,
        "description": c.description,
        "service_date": c.service_date,
        "quantity": c.quantity.normalize().to_string(),
        "unit_price": c.unit_price.to_string(),
        "follows_pax": c.follows_pax != 0,
        "status": c.status.as_str(),
        "void_reason": c.void_reason,
    })
}
