//! The catalogue: admins create, everybody signed in reads.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tessera_domain::booking::VenueLimits;
use tessera_domain::premises::PremisesKind;
use tessera_domain::pricing::TariffUnit;
use tessera_domain::refusal::Refusal;
use tessera_domain::refusal::Thing;
use tessera_domain::{Locale, Money};
use tessera_store::{NewModifier, NewPremises, NewTariff, NewVenue};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Admin, Person};
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number, Query};
use crate::rules::{DIRECTIONS_MAX, NAME_MAX, TIME_ZONE_MAX, WORKPLACE_NAME_MAX};
use crate::wire::{DecimalIn, Page, check, one_of, optional_text, text_field};

type Created<T> = Result<(StatusCode, axum::Json<T>), Problem>;
pub(crate) type Listed<T> = Result<axum::Json<Page<T>>, Problem>;

/// One page of a list ordered by id, as every list of the API pages:
/// `limit` (default 50, at most 500) and the `cursor` of the page before.
pub(crate) fn page<T: ToSchema, R>(
    rows: Vec<R>,
    paging: (Option<i64>, Option<&str>),
    id: impl Fn(&R) -> i64,
    f: impl Fn(R) -> T,
) -> Listed<T> {
    let limit = crate::wire::limit(paging.0)?;
    let after = paging.1.map(crate::wire::decode_cursor).transpose()?.unwrap_or(0);
    let rows: Vec<R> = rows.into_iter().filter(|r| id(r) > after).collect();
    let (rows, next_cursor) = crate::wire::page_of(rows, limit, id);
    Ok(axum::Json(Page {
        items: rows.into_iter().map(f).collect(),
        next_cursor,
    }))
}

pub(crate) fn price(field: &str, d: &DecimalIn, errors: &mut Vec<FieldFault>) -> String {
    match Money::parse(&d.text()) {
        Ok(m) => m.to_wire(),
        Err(e) => {
            errors.push(FieldFault {
                field: field.into(),
                refusal: e.into(),
            });
            String::new()
        }
    }
}

/// Filter by venue, and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VenueFilter {
    /// Only this venue's.
    #[serde(default, deserialize_with = "crate::rules::query_id")]
    pub venue_id: Option<i64>,
    /// `true` lists archived items too.
    #[serde(default, deserialize_with = "crate::rules::query_bool")]
    pub archived: Option<bool>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// Paging, and whether archived items are listed too.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    /// `true` lists archived items too.
    #[serde(default, deserialize_with = "crate::rules::query_bool")]
    pub archived: Option<bool>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// A catalogue row that can be archived.
pub trait Archivable {
    /// When it was archived.
    fn archived_at(&self) -> Option<i64>;
}

macro_rules! archivable {
    ($($t:ty),*) => {$(
        impl Archivable for $t {
            fn archived_at(&self) -> Option<i64> {
                self.archived_at
            }
        }
    )*};
}
archivable!(
    tessera_store::Venue,
    tessera_store::Premises,
    tessera_store::Workplace,
    tessera_store::Tariff,
    tessera_store::ServiceVariant,
    tessera_store::Modifier
);

/// Leaves archived rows out unless asked for.
fn shown<R: Archivable>(rows: Vec<R>, archived: Option<bool>) -> Vec<R> {
    if archived == Some(true) {
        rows
    } else {
        rows.into_iter().filter(|r| r.archived_at().is_none()).collect()
    }
}

/// A venue to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueIn {
    /// Name.
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// IANA time zone (`Europe/Moscow`).
    #[schema(value_type = crate::rules::TimeZone)]
    pub time_zone: String,
    /// ISO 4217 currency (`RUB`).
    #[schema(value_type = crate::rules::Currency)]
    pub currency: String,
    /// Default language: `ru`, `bg` or `en`.
    #[schema(value_type = crate::rules::Locale)]
    pub locale: String,
    /// A visitor's own booking ends at most this many days ahead (default 180).
    #[schema(minimum = 1, maximum = 3660)]
    #[serde(default, deserialize_with = "crate::rules::opt_int")]
    pub booking_horizon_days: Option<i64>,
    /// A visitor's own booking lasts at most this many days (default 31).
    #[schema(minimum = 1, maximum = 3660)]
    #[serde(default, deserialize_with = "crate::rules::opt_int")]
    pub longest_booking_days: Option<i64>,
    /// A visitor's own unpaid order is cancelled this many hours after it
    /// was made (default 24).
    #[schema(minimum = 1, maximum = 8760)]
    #[serde(default, deserialize_with = "crate::rules::opt_int")]
    pub payment_hours: Option<i64>,
}

/// A venue.
#[derive(Debug, Serialize, ToSchema)]
pub struct VenueOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Currency.
    pub currency: String,
    /// Default language.
    pub locale: String,
    /// A visitor's own booking ends at most this many days ahead.
    pub booking_horizon_days: i64,
    /// A visitor's own booking lasts at most this many days.
    pub longest_booking_days: i64,
    /// A visitor's own unpaid order is cancelled this many hours after it was made.
    pub payment_hours: i64,
    /// Archived: kept on the tickets that use it, not offered for new orders.
    pub archived: bool,
}

pub(crate) fn venue_out(v: tessera_store::Venue) -> VenueOut {
    VenueOut {
        archived: v.archived_at.is_some(),
        id: v.id,
        name: v.name,
        time_zone: v.time_zone,
        currency: v.currency,
        locale: v.locale,
        booking_horizon_days: v.booking_horizon_days,
        longest_booking_days: v.longest_booking_days,
        payment_hours: v.payment_hours,
    }
}

/// An optional limit inside its bounds, or the default.
fn limit_field(
    field: &str,
    given: Option<i64>,
    (min, max): (u32, u32),
    default: u32,
    errors: &mut Vec<FieldFault>,
) -> u32 {
    match given {
        None => default,
        Some(v) => match u32::try_from(v) {
            Ok(v) if (min..=max).contains(&v) => v,
            _ => {
                errors.push(FieldFault {
                    field: field.into(),
                    refusal: Refusal::Between {
                        min: i64::from(min),
                        max: i64::from(max),
                    },
                });
                default
            }
        },
    }
}

/// An IANA time zone, looked up ignoring case; the venue keeps the
/// database's spelling ("europe/sofia" is stored as "Europe/Sofia").
pub(crate) fn time_zone_field(value: &str, errors: &mut Vec<FieldFault>) -> Option<String> {
    let tz = jiff::tz::TimeZone::get(value.trim())
        .ok()
        .filter(|_| value.len() <= TIME_ZONE_MAX)
        .and_then(|tz| tz.iana_name().map(str::to_owned));
    if tz.is_none() {
        errors.push(FieldFault {
            field: "time_zone".into(),
            refusal: Refusal::NotTimeZone,
        });
    }
    tz
}

/// An ISO 4217 code, upper-cased.
pub(crate) fn currency_field(value: &str, errors: &mut Vec<FieldFault>) -> String {
    let currency = value.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        errors.push(FieldFault {
            field: "currency".into(),
            refusal: Refusal::NotCurrency,
        });
    }
    currency
}

/// Creates a venue.
#[utoipa::path(post, path = "/api/v1/venues", tag = "catalogue", request_body = VenueIn, security(("bearer" = [])),
    responses((status = 201, body = VenueOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create_venue(State(state): State<AppState>, _a: Admin, Json(b): Json<VenueIn>) -> Created<VenueOut> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, NAME_MAX, &mut errors);
    // Names are looked up ignoring case; the venue keeps the database's
    // spelling ("europe/sofia" is stored as "Europe/Sofia").
    let time_zone = time_zone_field(&b.time_zone, &mut errors);
    let currency = currency_field(&b.currency, &mut errors);
    let locale = one_of(
        "locale",
        &b.locale,
        |s| Locale::parse(s).filter(|_| s.len() <= 16),
        Locale::NAMES,
        &mut errors,
    );
    let d = VenueLimits::DEFAULT;
    let limits = VenueLimits {
        horizon_days: limit_field(
            "booking_horizon_days",
            b.booking_horizon_days,
            VenueLimits::HORIZON_DAYS,
            d.horizon_days,
            &mut errors,
        ),
        longest_days: limit_field(
            "longest_booking_days",
            b.longest_booking_days,
            VenueLimits::LONGEST_DAYS,
            d.longest_days,
            &mut errors,
        ),
        payment_hours: limit_field(
            "payment_hours",
            b.payment_hours,
            VenueLimits::PAYMENT_HOURS,
            d.payment_hours,
            &mut errors,
        ),
    };
    check(errors)?;
    let v = state
        .store
        .create_venue(NewVenue {
            name,
            time_zone: time_zone.unwrap_or_default(),
            currency,
            locale: locale.map(|l| l.tag()).unwrap_or("ru").into(),
            limits,
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(venue_out(v))))
}

/// Lists venues.
#[utoipa::path(get, path = "/api/v1/venues", tag = "catalogue", params(CatalogueQuery), security(("bearer" = [])), responses((status = 200, body = Page<VenueOut>)))]
pub async fn list_venues(
    State(state): State<AppState>,
    _c: Person,
    Query(q): Query<CatalogueQuery>,
) -> Listed<VenueOut> {
    page(
        shown(state.store.venues().await?, q.archived),
        (q.limit, q.cursor.as_deref()),
        |v| v.id,
        venue_out,
    )
}

/// Premises to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PremisesIn {
    /// Venue.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub venue_id: i64,
    /// Name.
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// `coworking` or `hall`.
    #[schema(value_type = crate::rules::PremisesKind)]
    pub kind: String,
    /// How to find it and where to show the pass, for a first visit.
    #[schema(value_type = Option<crate::rules::Directions>)]
    pub directions: Option<String>,
}

/// Premises.
#[derive(Debug, Serialize, ToSchema)]
pub struct PremisesOut {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// `coworking` or `hall`.
    pub kind: String,
    /// First-visit directions.
    pub directions: Option<String>,
    /// Archived: kept on the tickets that use it, not offered for new orders.
    pub archived: bool,
}

pub(crate) fn premises_out(p: tessera_store::Premises) -> PremisesOut {
    PremisesOut {
        archived: p.archived_at.is_some(),
        id: p.id,
        venue_id: p.venue_id,
        name: p.name,
        kind: p.kind.as_str().to_owned(),
        directions: p.directions,
    }
}

/// Creates premises.
#[utoipa::path(post, path = "/api/v1/premises", tag = "catalogue", request_body = PremisesIn, security(("bearer" = [])),
    responses((status = 201, body = PremisesOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create_premises(
    State(state): State<AppState>,
    _a: Admin,
    Json(b): Json<PremisesIn>,
) -> Created<PremisesOut> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, NAME_MAX, &mut errors);
    let kind = one_of("kind", &b.kind, PremisesKind::parse, PremisesKind::NAMES, &mut errors);
    let directions = optional_text("directions", b.directions.as_deref(), DIRECTIONS_MAX, &mut errors);
    check(errors)?;
    let Some(kind) = kind else {
        return Err(Problem::field("kind", Refusal::OneOf(PremisesKind::NAMES)));
    };
    let p = state
        .store
        .create_premises(NewPremises {
            venue_id: b.venue_id,
            name,
            kind,
            directions,
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(premises_out(p))))
}

/// Lists premises.
#[utoipa::path(get, path = "/api/v1/premises", tag = "catalogue", params(VenueFilter), security(("bearer" = [])), responses((status = 200, body = Page<PremisesOut>)))]
pub async fn list_premises(
    State(state): State<AppState>,
    _c: Person,
    Query(q): Query<VenueFilter>,
) -> Listed<PremisesOut> {
    page(
        shown(state.store.premises_list(q.venue_id).await?, q.archived),
        (q.limit, q.cursor.as_deref()),
        |p| p.id,
        premises_out,
    )
}

/// A workplace to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkplaceIn {
    /// Name (`PM №1`).
    #[schema(value_type = crate::rules::WorkplaceName)]
    pub name: String,
}

/// A workplace.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkplaceOut {
    /// Id.
    pub id: i64,
    /// Premises.
    pub premises_id: i64,
    /// Name.
    pub name: String,
    /// Archived: kept on the tickets that use it, not offered for new orders.
    pub archived: bool,
}

pub(crate) fn workplace_out(w: tessera_store::Workplace) -> WorkplaceOut {
    WorkplaceOut {
        archived: w.archived_at.is_some(),
        id: w.id,
        premises_id: w.premises_id,
        name: w.name,
    }
}

/// Creates a workplace in coworking premises.
#[utoipa::path(post, path = "/api/v1/premises/{id}/workplaces", tag = "catalogue", request_body = WorkplaceIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Premises id")),
    responses((status = 201, body = WorkplaceOut), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create_workplace(
    State(state): State<AppState>,
    _a: Admin,
    Number(premises): Number,
    Json(b): Json<WorkplaceIn>,
) -> Created<WorkplaceOut> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, WORKPLACE_NAME_MAX, &mut errors);
    check(errors)?;
    let w = state.store.create_workplace(premises, name).await?;
    Ok((StatusCode::CREATED, axum::Json(workplace_out(w))))
}

/// Lists a premises' workplaces.
#[utoipa::path(get, path = "/api/v1/premises/{id}/workplaces", tag = "catalogue", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Premises id"), CatalogueQuery),
    responses((status = 200, body = Page<WorkplaceOut>), (status = 404, body = ProblemBody)))]
pub async fn list_workplaces(
    State(state): State<AppState>,
    _c: Person,
    Number(premises): Number,
    Query(q): Query<CatalogueQuery>,
) -> Listed<WorkplaceOut> {
    state
        .store
        .premises(premises)
        .await?
        .ok_or(Problem::NotFound(Thing::Premises))?;
    page(
        shown(state.store.workplaces(Some(premises)).await?, q.archived),
        (q.limit, q.cursor.as_deref()),
        |w| w.id,
        workplace_out,
    )
}

/// A tariff to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffIn {
    /// Venue.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub venue_id: i64,
    /// Name (`Суточный`).
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// `hour`, `day` or `month`.
    #[schema(value_type = crate::rules::TariffUnit)]
    pub unit: String,
    /// Decimal price per unit (`"7000.00"`).
    #[schema(value_type = crate::rules::Money)]
    pub price: DecimalIn,
}

/// A tariff.
#[derive(Debug, Serialize, ToSchema)]
pub struct TariffOut {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Decimal price per unit.
    pub price: String,
    /// Archived: kept on the tickets that use it, not offered for new orders.
    pub archived: bool,
}

pub(crate) fn tariff_out(t: tessera_store::Tariff) -> TariffOut {
    TariffOut {
        archived: t.archived_at.is_some(),
        id: t.id,
        venue_id: t.venue_id,
        name: t.name,
        unit: t.unit,
        price: t.price,
    }
}

/// Creates a tariff.
#[utoipa::path(post, path = "/api/v1/tariffs", tag = "catalogue", request_body = TariffIn, security(("bearer" = [])),
    responses((status = 201, body = TariffOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create_tariff(State(state): State<AppState>, _a: Admin, Json(b): Json<TariffIn>) -> Created<TariffOut> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, NAME_MAX, &mut errors);
    one_of("unit", &b.unit, TariffUnit::parse, TariffUnit::NAMES, &mut errors);
    let price = price("price", &b.price, &mut errors);
    check(errors)?;
    let t = state
        .store
        .create_tariff(NewTariff {
            venue_id: b.venue_id,
            name,
            unit: b.unit,
            price,
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(tariff_out(t))))
}

/// Lists tariffs.
#[utoipa::path(get, path = "/api/v1/tariffs", tag = "catalogue", params(VenueFilter), security(("bearer" = [])), responses((status = 200, body = Page<TariffOut>)))]
pub async fn list_tariffs(
    State(state): State<AppState>,
    _c: Person,
    Query(q): Query<VenueFilter>,
) -> Listed<TariffOut> {
    page(
        shown(state.store.tariffs(q.venue_id).await?, q.archived),
        (q.limit, q.cursor.as_deref()),
        |r| r.id,
        tariff_out,
    )
}

/// A service variant to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceVariantIn {
    /// Venue.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub venue_id: i64,
    /// Name (`Резидент +`).
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
}

/// A service variant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceVariantOut {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Archived: kept on the tickets that use it, not offered for new orders.
    pub archived: bool,
}

pub(crate) fn variant_out(v: tessera_store::ServiceVariant) -> ServiceVariantOut {
    ServiceVariantOut {
        archived: v.archived_at.is_some(),
        id: v.id,
        venue_id: v.venue_id,
        name: v.name,
    }
}

/// Creates a service variant.
#[utoipa::path(post, path = "/api/v1/service-variants", tag = "catalogue", request_body = ServiceVariantIn, security(("bearer" = [])),
    responses((status = 201, body = ServiceVariantOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create_service_variant(
    State(state): State<AppState>,
    _a: Admin,
    Json(b): Json<ServiceVariantIn>,
) -> Created<ServiceVariantOut> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, NAME_MAX, &mut errors);
    check(errors)?;
    let v = state.store.create_service_variant(b.venue_id, name).await?;
    Ok((StatusCode::CREATED, axum::Json(variant_out(v))))
}

/// Lists service variants.
#[utoipa::path(get, path = "/api/v1/service-variants", tag = "catalogue", params(VenueFilter), security(("bearer" = [])), responses((status = 200, body = Page<ServiceVariantOut>)))]
pub async fn list_service_variants(
    State(state): State<AppState>,
    _c: Person,
    Query(q): Query<VenueFilter>,
) -> Listed<ServiceVariantOut> {
    page(
        shown(state.store.service_variants(q.venue_id).await?, q.archived),
        (q.limit, q.cursor.as_deref()),
        |r| r.id,
        variant_out,
    )
}

/// A modifier to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModifierIn {
    /// Venue.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub venue_id: i64,
    /// Name (`Шкафчик`).
    #[schema(value_type = crate::rules::Name)]
    pub name: String,
    /// Decimal price per ticket.
    #[schema(value_type = crate::rules::Money)]
    pub price: DecimalIn,
}

/// A modifier.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModifierOut {
    /// Id.
    pub id: i64,
    /// Venue.
    pub venue_id: i64,
    /// Name.
    pub name: String,
    /// Decimal price.
    pub price: String,
    /// Archived: kept on the tickets that use it, not offered for new orders.
    pub archived: bool,
}

/// Converts a stored modifier.
pub fn modifier_out(m: tessera_store::Modifier) -> ModifierOut {
    ModifierOut {
        archived: m.archived_at.is_some(),
        id: m.id,
        venue_id: m.venue_id,
        name: m.name,
        price: m.price,
    }
}

/// Creates a modifier.
#[utoipa::path(post, path = "/api/v1/modifiers", tag = "catalogue", request_body = ModifierIn, security(("bearer" = [])),
    responses((status = 201, body = ModifierOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create_modifier(
    State(state): State<AppState>,
    _a: Admin,
    Json(b): Json<ModifierIn>,
) -> Created<ModifierOut> {
    let mut errors = Vec::new();
    let name = text_field("name", &b.name, NAME_MAX, &mut errors);
    let price = price("price", &b.price, &mut errors);
    check(errors)?;
    let m = state
        .store
        .create_modifier(NewModifier {
            venue_id: b.venue_id,
            name,
            price,
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(modifier_out(m))))
}

/// Lists modifiers.
#[utoipa::path(get, path = "/api/v1/modifiers", tag = "catalogue", params(VenueFilter), security(("bearer" = [])), responses((status = 200, body = Page<ModifierOut>)))]
pub async fn list_modifiers(
    State(state): State<AppState>,
    _c: Person,
    Query(q): Query<VenueFilter>,
) -> Listed<ModifierOut> {
    page(
        shown(state.store.modifiers(q.venue_id).await?, q.archived),
        (q.limit, q.cursor.as_deref()),
        |r| r.id,
        modifier_out,
    )
}
