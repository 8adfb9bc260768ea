//! Catalogue edits (admin): rename, reprice, archive and restore. Orders
//! keep the prices they were made with; archived items are refused for new
//! orders, quotes and workplace changes.

use axum::extract::State;
use serde::Deserialize;
use tessera_domain::Locale;
use tessera_store::{ItemPatch, PremisesPatch, VenuePatch};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Admin;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::routes::catalogue::{
    ModifierOut, PremisesOut, ServiceVariantOut, TariffOut, VenueOut, WorkplaceOut, currency_field, modifier_out,
    premises_out, price, tariff_out, time_zone_field, variant_out, venue_out, workplace_out,
};
use crate::rules::{DIRECTIONS_MAX, NAME_MAX, WORKPLACE_NAME_MAX};
use crate::wire::{DecimalIn, check, one_of, optional_text, text_field};

type Edited<T> = Result<axum::Json<T>, Problem>;

fn now(state: &AppState) -> i64 {
    state.clock.now().as_second()
}

fn name(value: Option<&str>, max: usize, errors: &mut Vec<FieldFault>) -> Option<String> {
    value.map(|v| text_field("name", v, max, errors))
}

/// An edit of a venue; fields left out stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenuePatchIn {
    /// Name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
    /// IANA time zone; refused (409) while the venue has orders.
    #[schema(value_type = Option<crate::rules::TimeZone>)]
    pub time_zone: Option<String>,
    /// ISO 4217 currency; refused (409) while the venue has orders.
    #[schema(value_type = Option<crate::rules::Currency>)]
    pub currency: Option<String>,
    /// Default language: `ru`, `bg` or `en`.
    #[schema(value_type = Option<crate::rules::Locale>)]
    pub locale: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

/// Edits a venue.
#[utoipa::path(patch, path = "/api/v1/venues/{id}", tag = "catalogue", request_body = VenuePatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Venue id")),
    responses((status = 200, body = VenueOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_venue(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<VenuePatchIn>,
) -> Edited<VenueOut> {
    let mut errors = Vec::new();
    let patch = VenuePatch {
        name: name(b.name.as_deref(), NAME_MAX, &mut errors),
        time_zone: b.time_zone.as_deref().and_then(|t| time_zone_field(t, &mut errors)),
        currency: b.currency.as_deref().map(|c| currency_field(c, &mut errors)),
        locale: b
            .locale
            .as_deref()
            .and_then(|v| one_of("locale", v, Locale::parse, Locale::NAMES, &mut errors))
            .map(|l| l.tag().to_owned()),
        archived: b.archived,
    };
    check(errors)?;
    let v = state.store.update_venue(id, patch, now(&state)).await?;
    Ok(axum::Json(venue_out(v)))
}

/// An edit of premises; fields left out stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PremisesPatchIn {
    /// Name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
    /// How to find it, shown as the ticket's first-visit information; `null` or empty removes it.
    #[schema(value_type = Option<crate::rules::Directions>)]
    #[serde(default, deserialize_with = "crate::rules::present")]
    pub directions: Option<Option<String>>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

/// Edits premises.
#[utoipa::path(patch, path = "/api/v1/premises/{id}", tag = "catalogue", request_body = PremisesPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Premises id")),
    responses((status = 200, body = PremisesOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_premises(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<PremisesPatchIn>,
) -> Edited<PremisesOut> {
    let mut errors = Vec::new();
    let patch = PremisesPatch {
        name: name(b.name.as_deref(), NAME_MAX, &mut errors),
        directions: b
            .directions
            .as_ref()
            .map(|d| optional_text("directions", d.as_deref(), DIRECTIONS_MAX, &mut errors)),
        archived: b.archived,
    };
    check(errors)?;
    let p = state.store.update_premises(id, patch, now(&state)).await?;
    Ok(axum::Json(premises_out(p)))
}

/// An edit of a workplace or a service variant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedPatchIn {
    /// Name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

/// Edits a workplace; archiving one that live tickets hold is refused (409 naming them).
#[utoipa::path(patch, path = "/api/v1/workplaces/{id}", tag = "catalogue", request_body = NamedPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Workplace id")),
    responses((status = 200, body = WorkplaceOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody),
        (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_workplace(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<NamedPatchIn>,
) -> Edited<WorkplaceOut> {
    let mut errors = Vec::new();
    let patch = ItemPatch {
        name: name(b.name.as_deref(), WORKPLACE_NAME_MAX, &mut errors),
        price: None,
        archived: b.archived,
    };
    check(errors)?;
    let w = state.store.update_workplace(id, patch, now(&state)).await?;
    Ok(axum::Json(workplace_out(w)))
}

/// Edits a service variant.
#[utoipa::path(patch, path = "/api/v1/service-variants/{id}", tag = "catalogue", request_body = NamedPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service variant id")),
    responses((status = 200, body = ServiceVariantOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_service_variant(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<NamedPatchIn>,
) -> Edited<ServiceVariantOut> {
    let mut errors = Vec::new();
    let patch = ItemPatch {
        name: name(b.name.as_deref(), NAME_MAX, &mut errors),
        price: None,
        archived: b.archived,
    };
    check(errors)?;
    let v = state.store.update_service_variant(id, patch, now(&state)).await?;
    Ok(axum::Json(variant_out(v)))
}

/// An edit of a tariff or a modifier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PricedPatchIn {
    /// Name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
    /// Decimal price in the venue's currency; orders already made keep theirs.
    #[schema(value_type = Option<crate::rules::Money>)]
    pub price: Option<DecimalIn>,
    /// Archive (`true`) or restore (`false`).
    pub archived: Option<bool>,
}

fn priced_patch(b: &PricedPatchIn) -> Result<ItemPatch, Problem> {
    let mut errors = Vec::new();
    let patch = ItemPatch {
        name: name(b.name.as_deref(), NAME_MAX, &mut errors),
        price: b.price.as_ref().map(|p| price("price", p, &mut errors)),
        archived: b.archived,
    };
    check(errors)?;
    Ok(patch)
}

/// Edits a tariff.
#[utoipa::path(patch, path = "/api/v1/tariffs/{id}", tag = "catalogue", request_body = PricedPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Tariff id")),
    responses((status = 200, body = TariffOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_tariff(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<PricedPatchIn>,
) -> Edited<TariffOut> {
    let patch = priced_patch(&b)?;
    let t = state.store.update_tariff(id, patch, now(&state)).await?;
    Ok(axum::Json(tariff_out(t)))
}

/// Edits a modifier.
#[utoipa::path(patch, path = "/api/v1/modifiers/{id}", tag = "catalogue", request_body = PricedPatchIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Modifier id")),
    responses((status = 200, body = ModifierOut), (status = 403, body = ProblemBody), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn update_modifier(
    State(state): State<AppState>,
    _a: Admin,
    Number(id): Number,
    Json(b): Json<PricedPatchIn>,
) -> Edited<ModifierOut> {
    let patch = priced_patch(&b)?;
    let m = state.store.update_modifier(id, patch, now(&state)).await?;
    Ok(axum::Json(modifier_out(m)))
}
