//! Editing and archiving the catalogue. Nothing is deleted: an archived
//! item is refused for new orders but stays on the tickets that use it, and
//! tickets keep the prices they were made with (each stores its own).
//! Every edit bumps `catalogue_version`, so every instance's cached copy
//! of the catalogue is read again before the next order is priced.

use tessera_domain::refusal::{Refusal, Thing};

use crate::{
    Conflict, Conn, Modifier, Premises, Result, ServiceVariant, Store, StoreError, Tariff, Venue, Workplace, args, sql,
};

/// A change to a field: `None` leaves it.
pub type Edit<T> = Option<T>;

/// An edit of a venue.
#[derive(Debug, Clone, Default)]
pub struct VenuePatch {
    /// Name.
    pub name: Edit<String>,
    /// IANA time zone (refused while the venue has orders).
    pub time_zone: Edit<String>,
    /// ISO 4217 currency (refused while the venue has orders).
    pub currency: Edit<String>,
    /// Default locale.
    pub locale: Edit<String>,
    /// Archive or restore.
    pub archived: Edit<bool>,
}

/// An edit of premises.
#[derive(Debug, Clone, Default)]
pub struct PremisesPatch {
    /// Name.
    pub name: Edit<String>,
    /// First-visit directions; `Some(None)` removes them.
    pub directions: Edit<Option<String>>,
    /// Archive or restore.
    pub archived: Edit<bool>,
}

/// An edit of a named item (workplace, service variant) or a priced one
/// (tariff, modifier: `price` is a decimal already checked).
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    /// Name.
    pub name: Edit<String>,
    /// Decimal price (tariffs and modifiers).
    pub price: Edit<String>,
    /// Archive or restore.
    pub archived: Edit<bool>,
}

/// The new `archived_at`: set when archived now, kept when it was, cleared on restore.
fn archived_at(was: Option<i64>, edit: Edit<bool>, now: i64) -> Option<i64> {
    match edit {
        None => was,
        Some(true) => was.or(Some(now)),
        Some(false) => None,
    }
}

/// Marks the catalogue changed, in the edit's transaction.
pub(crate) async fn bump_version(c: &mut Conn<'_>) -> Result<()> {
    c.exec(
        sql!(c, "UPDATE catalogue_version SET version = version + 1 WHERE id = 1"),
        &[],
    )
    .await?;
    Ok(())
}

async fn locked<T: crate::conn::AnyRow>(c: &mut Conn<'_>, select: &str, id: i64, what: Thing) -> Result<T> {
    let q = format!("{select}{}", c.for_update());
    c.opt(&q, &args![id]).await?.ok_or(StoreError::NotFound(what))
}

impl Store {
    /// Edits a venue; its time zone or currency stays while it has orders.
    pub async fn update_venue(&self, id: i64, p: VenuePatch, now: i64) -> Result<Venue> {
        self.write(move |mut c| {
                Box::pin(async move {
                    let select = sql!(
                        c,
                        "SELECT id, name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours, archived_at FROM venues WHERE id = $1"
                    );
                    let before: Venue = locked(&mut c, select, id, Thing::Venue).await?;
                    let changes_money_or_time = p.time_zone.as_ref().is_some_and(|t| *t != before.time_zone)
                        || p.currency.as_ref().is_some_and(|x| *x != before.currency);
                    if changes_money_or_time {
                        let orders: i64 = c
                            .scalar(sql!(c, "SELECT COUNT(*) FROM orders WHERE venue_id = $1"), &args![id])
                            .await?;
                        if orders > 0 {
                            return Err(StoreError::conflict(Conflict::VenueHasOrders { orders }));
                        }
                    }
                    let v: Venue = c
                        .one(
                            sql!(
                                c,
                                "UPDATE venues SET name = $2, time_zone = $3, currency = $4, locale = $5, archived_at = $6 WHERE id = $1
                                 RETURNING id, name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours, archived_at"
                            ),
                            &args![
                                id,
                                p.name.unwrap_or(before.name),
                                p.time_zone.unwrap_or(before.time_zone),
                                p.currency.unwrap_or(before.currency),
                                p.locale.unwrap_or(before.locale),
                                archived_at(before.archived_at, p.archived, now)
                            ],
                        )
                        .await?;
                    bump_version(&mut c).await?;
                    Ok(v)
                })
            })
            .await
    }

    /// Edits premises (name, first-visit directions, archived).
    pub async fn update_premises(&self, id: i64, p: PremisesPatch, now: i64) -> Result<Premises> {
        self.write(move |mut c| {
            Box::pin(async move {
                let select = sql!(
                    c,
                    "SELECT id, venue_id, name, kind, directions, archived_at FROM premises WHERE id = $1"
                );
                let before: Premises = locked(&mut c, select, id, Thing::Premises).await?;
                let r: Premises = c
                    .one(
                        sql!(
                            c,
                            "UPDATE premises SET name = $2, directions = $3, archived_at = $4 WHERE id = $1
                                 RETURNING id, venue_id, name, kind, directions, archived_at"
                        ),
                        &args![
                            id,
                            p.name.unwrap_or(before.name),
                            p.directions.unwrap_or(before.directions),
                            archived_at(before.archived_at, p.archived, now)
                        ],
                    )
                    .await?;
                bump_version(&mut c).await?;
                Ok(r)
            })
        })
        .await
    }

    /// Edits a workplace; archiving one that live tickets still hold is
    /// refused with their numbers.
    pub async fn update_workplace(&self, id: i64, p: ItemPatch, now: i64) -> Result<Workplace> {
        self.write(move |mut c| {
            Box::pin(async move {
                let select = sql!(
                    c,
                    "SELECT id, premises_id, name, archived_at FROM workplaces WHERE id = $1"
                );
                let before: Workplace = locked(&mut c, select, id, Thing::Workplace).await?;
                if p.archived == Some(true) && before.archived_at.is_none() {
                    // The bookings' lock: an order booking it now commits its
                    // ticket first (and is counted below) or sees the archive.
                    crate::booking::lock_workplaces(&mut c, &[id]).await?;
                    let held: Vec<(i64,)> = c
                        .all(
                            sql!(
                                c,
                                "SELECT number FROM tickets
                                 WHERE workplace_id = $1 AND status NOT IN ('cancelled', 'completed') AND end_at > $2
                                 ORDER BY number LIMIT 100"
                            ),
                            &args![id, now],
                        )
                        .await?;
                    if !held.is_empty() {
                        return Err(StoreError::conflict(Conflict::WorkplaceHeld {
                            tickets: held.into_iter().map(|t| t.0).collect(),
                        }));
                    }
                }
                let r = c
                    .one::<Workplace>(
                        sql!(
                            c,
                            "UPDATE workplaces SET name = $2, archived_at = $3 WHERE id = $1
                             RETURNING id, premises_id, name, archived_at"
                        ),
                        &args![
                            id,
                            p.name.unwrap_or(before.name),
                            archived_at(before.archived_at, p.archived, now)
                        ],
                    )
                    .await;
                let r = match r {
                    Err(e) if e.is_workplace_name_taken() => {
                        return Err(StoreError::unprocessable("name", Refusal::WorkplaceNameTaken));
                    }
                    other => other?,
                };
                bump_version(&mut c).await?;
                Ok(r)
            })
        })
        .await
    }

    /// Edits a tariff; orders made keep their prices.
    pub async fn update_tariff(&self, id: i64, p: ItemPatch, now: i64) -> Result<Tariff> {
        self.write(move |mut c| {
            Box::pin(async move {
                let select = sql!(
                    c,
                    "SELECT id, venue_id, name, unit, price, archived_at FROM tariffs WHERE id = $1"
                );
                let before: Tariff = locked(&mut c, select, id, Thing::Tariff).await?;
                let r = c
                    .one(
                        sql!(
                            c,
                            "UPDATE tariffs SET name = $2, price = $3, archived_at = $4 WHERE id = $1
                             RETURNING id, venue_id, name, unit, price, archived_at"
                        ),
                        &args![
                            id,
                            p.name.unwrap_or(before.name),
                            p.price.unwrap_or(before.price),
                            archived_at(before.archived_at, p.archived, now)
                        ],
                    )
                    .await?;
                bump_version(&mut c).await?;
                Ok(r)
            })
        })
        .await
    }

    /// Edits a service variant.
    pub async fn update_service_variant(&self, id: i64, p: ItemPatch, now: i64) -> Result<ServiceVariant> {
        self.write(move |mut c| {
            Box::pin(async move {
                let select = sql!(
                    c,
                    "SELECT id, venue_id, name, archived_at FROM service_variants WHERE id = $1"
                );
                let before: ServiceVariant = locked(&mut c, select, id, Thing::ServiceVariant).await?;
                let r = c
                    .one(
                        sql!(
                            c,
                            "UPDATE service_variants SET name = $2, archived_at = $3 WHERE id = $1
                             RETURNING id, venue_id, name, archived_at"
                        ),
                        &args![
                            id,
                            p.name.unwrap_or(before.name),
                            archived_at(before.archived_at, p.archived, now)
                        ],
                    )
                    .await?;
                bump_version(&mut c).await?;
                Ok(r)
            })
        })
        .await
    }

    /// Edits a modifier; orders made keep their prices.
    pub async fn update_modifier(&self, id: i64, p: ItemPatch, now: i64) -> Result<Modifier> {
        self.write(move |mut c| {
            Box::pin(async move {
                let select = sql!(
                    c,
                    "SELECT id, venue_id, name, price, archived_at FROM modifiers WHERE id = $1"
                );
                let before: Modifier = locked(&mut c, select, id, Thing::Modifier).await?;
                let r = c
                    .one(
                        sql!(
                            c,
                            "UPDATE modifiers SET name = $2, price = $3, archived_at = $4 WHERE id = $1
                             RETURNING id, venue_id, name, price, archived_at"
                        ),
                        &args![
                            id,
                            p.name.unwrap_or(before.name),
                            p.price.unwrap_or(before.price),
                            archived_at(before.archived_at, p.archived, now)
                        ],
                    )
                    .await?;
                bump_version(&mut c).await?;
                Ok(r)
            })
        })
        .await
    }
}
