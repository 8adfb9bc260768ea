//! The catalogue: venues, premises, workplaces, tariffs, service variants
//! and modifiers. Values arrive parsed; this only stores and reads them.

use crate::{Conn, Modifier, Premises, Result, ServiceVariant, Store, StoreError, Tariff, Venue, Workplace, args, sql};
use tessera_domain::premises::PremisesKind;
use tessera_domain::refusal::Refusal;
use tessera_domain::refusal::Thing;

/// A venue to create.
#[derive(Debug, Clone)]
pub struct NewVenue {
    /// Name.
    pub name: String,
    /// IANA time zone, checked.
    pub time_zone: String,
    /// ISO 4217 currency, checked.
    pub currency: String,
    /// Locale tag, checked.
    pub locale: String,
    /// Limits on visitors' own bookings.
    pub limits: tessera_domain::booking::VenueLimits,
}

/// Premises to create.
#[derive(Debug, Clone)]
pub struct NewPremises {
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// A coworking or a hall.
    pub kind: PremisesKind,
    /// How to find it.
    pub directions: Option<String>,
}

/// A tariff to create.
#[derive(Debug, Clone)]
pub struct NewTariff {
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Decimal price.
    pub price: String,
}

/// A modifier to create.
#[derive(Debug, Clone)]
pub struct NewModifier {
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Decimal price.
    pub price: String,
}

async fn venue_exists(c: &mut Conn<'_>, id: i64) -> Result<()> {
    let found = c
        .opt::<(i64,)>(sql!(c, "SELECT id FROM venues WHERE id = $1"), &args![id])
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::unprocessable("venue_id", Refusal::NoSuchVenue))
}

/// A workplace with the premises and venue it belongs to.
#[derive(Debug, Clone)]
pub struct WorkplaceInVenue {
    /// The workplace.
    pub workplace: Workplace,
    /// Its premises.
    pub premises: Premises,
    /// Its venue.
    pub venue: Venue,
}

impl WorkplaceInVenue {
    /// Archived itself, or in archived premises or an archived venue: not bookable.
    pub fn is_archived(&self) -> bool {
        self.workplace.archived_at.is_some() || self.premises.archived_at.is_some() || self.venue.archived_at.is_some()
    }
}

pub(crate) async fn workplace_in_venue(c: &mut Conn<'_>, id: i64) -> Result<Option<WorkplaceInVenue>> {
    let Some(workplace) = c
        .opt::<Workplace>(
            sql!(
                c,
                "SELECT id, premises_id, name, archived_at FROM workplaces WHERE id = $1"
            ),
            &args![id],
        )
        .await?
    else {
        return Ok(None);
    };
    let premises: Premises = c
        .one(
            sql!(
                c,
                "SELECT id, venue_id, name, kind, directions, archived_at FROM premises WHERE id = $1"
            ),
            &args![workplace.premises_id],
        )
        .await?;
    let venue: Venue = c
        .one(
            sql!(
                c,
                "SELECT id, name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours, archived_at FROM venues WHERE id = $1"
            ),
            &args![premises.venue_id],
        )
        .await?;
    Ok(Some(WorkplaceInVenue {
        workplace,
        premises,
        venue,
    }))
}

pub(crate) async fn tariff_by_id(c: &mut Conn<'_>, id: i64) -> Result<Option<Tariff>> {
    c.opt(
        sql!(
            c,
            "SELECT id, venue_id, name, unit, price, archived_at FROM tariffs WHERE id = $1"
        ),
        &args![id],
    )
    .await
}

pub(crate) async fn variant_by_id(c: &mut Conn<'_>, id: i64) -> Result<Option<ServiceVariant>> {
    c.opt(
        sql!(
            c,
            "SELECT id, venue_id, name, archived_at FROM service_variants WHERE id = $1"
        ),
        &args![id],
    )
    .await
}

pub(crate) async fn modifier_by_id(c: &mut Conn<'_>, id: i64) -> Result<Option<Modifier>> {
    c.opt(
        sql!(
            c,
            "SELECT id, venue_id, name, price, archived_at FROM modifiers WHERE id = $1"
        ),
        &args![id],
    )
    .await
}

impl Store {
    /// Creates a venue.
    pub async fn create_venue(&self, v: NewVenue) -> Result<Venue> {
        self.write(move |mut c| {
            Box::pin(async move {
                c.one(
                    sql!(
                        c,
                        "INSERT INTO venues (name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)
                             RETURNING id, name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours, archived_at"
                    ),
                    &args![
                        v.name,
                        v.time_zone,
                        v.currency,
                        v.locale,
                        i64::from(v.limits.horizon_days),
                        i64::from(v.limits.longest_days),
                        i64::from(v.limits.payment_hours)
                    ],
                )
                .await
            })
        })
        .await
    }

    /// Every venue.
    pub async fn venues(&self) -> Result<Vec<Venue>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours, archived_at FROM venues ORDER BY id"
            ),
            &[],
        )
        .await
    }

    /// A venue.
    pub async fn venue(&self, id: i64) -> Result<Option<Venue>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT id, name, time_zone, currency, locale, booking_horizon_days, longest_booking_days, payment_hours, archived_at FROM venues WHERE id = $1"
            ),
            &args![id],
        )
        .await
    }

    /// Creates premises in a venue.
    pub async fn create_premises(&self, p: NewPremises) -> Result<Premises> {
        self.write(move |mut c| {
            Box::pin(async move {
                venue_exists(&mut c, p.venue_id).await?;
                c.one(
                    sql!(
                        c,
                        "INSERT INTO premises (venue_id, name, kind, directions) VALUES ($1, $2, $3, $4)
                             RETURNING id, venue_id, name, kind, directions, archived_at"
                    ),
                    &args![p.venue_id, p.name, p.kind.as_str(), p.directions],
                )
                .await
            })
        })
        .await
    }

    /// Premises, optionally of one venue.
    pub async fn premises_list(&self, venue_id: Option<i64>) -> Result<Vec<Premises>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(c, "SELECT id, venue_id, name, kind, directions, archived_at FROM premises WHERE ($1 IS NULL OR venue_id = $1) ORDER BY id"),
            &args![venue_id],
        )
        .await
    }

    /// One premises.
    pub async fn premises(&self, id: i64) -> Result<Option<Premises>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.opt(
            sql!(
                c,
                "SELECT id, venue_id, name, kind, directions, archived_at FROM premises WHERE id = $1"
            ),
            &args![id],
        )
        .await
    }

    /// Creates a workplace in coworking premises.
    pub async fn create_workplace(&self, premises_id: i64, name: String) -> Result<Workplace> {
        self.write(move |mut c| {
            Box::pin(async move {
                let kind = c
                    .opt::<(String,)>(sql!(c, "SELECT kind FROM premises WHERE id = $1"), &args![premises_id])
                    .await?
                    .ok_or(StoreError::NotFound(Thing::Premises))?;
                if PremisesKind::try_from(kind.0)? != PremisesKind::Coworking {
                    return Err(StoreError::unprocessable("premises_id", Refusal::NotCoworking));
                }
                let r = c
                    .one(
                        sql!(
                            c,
                            "INSERT INTO workplaces (premises_id, name) VALUES ($1, $2) RETURNING id, premises_id, name, archived_at"
                        ),
                        &args![premises_id, name],
                    )
                    .await;
                match r {
                    Err(e) if e.is_workplace_name_taken() => {
                        Err(StoreError::unprocessable("name", Refusal::WorkplaceNameTaken))
                    }
                    other => other,
                }
            })
        })
        .await
    }

    /// Workplaces, optionally of one premises.
    pub async fn workplaces(&self, premises_id: Option<i64>) -> Result<Vec<Workplace>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, premises_id, name, archived_at FROM workplaces WHERE ($1 IS NULL OR premises_id = $1) ORDER BY id"
            ),
            &args![premises_id],
        )
        .await
    }

    /// A workplace with its premises and venue.
    pub async fn workplace(&self, id: i64) -> Result<Option<WorkplaceInVenue>> {
        let mut r = self.reader().await?;
        workplace_in_venue(&mut r.conn(), id).await
    }

    /// Creates a tariff.
    pub async fn create_tariff(&self, t: NewTariff) -> Result<Tariff> {
        self.write(move |mut c| {
            Box::pin(async move {
                venue_exists(&mut c, t.venue_id).await?;
                c.one(
                    sql!(
                        c,
                        "INSERT INTO tariffs (venue_id, name, unit, price) VALUES ($1, $2, $3, $4)
                             RETURNING id, venue_id, name, unit, price, archived_at"
                    ),
                    &args![t.venue_id, t.name, t.unit, t.price],
                )
                .await
            })
        })
        .await
    }

    /// Tariffs, optionally of one venue.
    pub async fn tariffs(&self, venue_id: Option<i64>) -> Result<Vec<Tariff>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, venue_id, name, unit, price, archived_at FROM tariffs WHERE ($1 IS NULL OR venue_id = $1) ORDER BY id"
            ),
            &args![venue_id],
        )
        .await
    }

    /// Creates a service variant.
    pub async fn create_service_variant(&self, venue_id: i64, name: String) -> Result<ServiceVariant> {
        self.write(move |mut c| {
            Box::pin(async move {
                venue_exists(&mut c, venue_id).await?;
                c.one(
                    sql!(
                        c,
                        "INSERT INTO service_variants (venue_id, name) VALUES ($1, $2) RETURNING id, venue_id, name, archived_at"
                    ),
                    &args![venue_id, name],
                )
                .await
            })
        })
        .await
    }

    /// Service variants, optionally of one venue.
    pub async fn service_variants(&self, venue_id: Option<i64>) -> Result<Vec<ServiceVariant>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, venue_id, name, archived_at FROM service_variants WHERE ($1 IS NULL OR venue_id = $1) ORDER BY id"
            ),
            &args![venue_id],
        )
        .await
    }

    /// Creates a modifier.
    pub async fn create_modifier(&self, m: NewModifier) -> Result<Modifier> {
        self.write(move |mut c| {
            Box::pin(async move {
                venue_exists(&mut c, m.venue_id).await?;
                c.one(
                    sql!(c, "INSERT INTO modifiers (venue_id, name, price) VALUES ($1, $2, $3) RETURNING id, venue_id, name, price, archived_at"),
                    &args![m.venue_id, m.name, m.price],
                )
                .await
            })
        })
        .await
    }

    /// Modifiers, optionally of one venue.
    pub async fn modifiers(&self, venue_id: Option<i64>) -> Result<Vec<Modifier>> {
        let mut r = self.reader().await?;
        let mut c = r.conn();
        c.all(
            sql!(
                c,
                "SELECT id, venue_id, name, price, archived_at FROM modifiers WHERE ($1 IS NULL OR venue_id = $1) ORDER BY id"
            ),
            &args![venue_id],
        )
        .await
    }
}
