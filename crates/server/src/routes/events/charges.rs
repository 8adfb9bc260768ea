//! A folio with its totals, and the changes to one charge: correct it, void
//! it with a reason, transfer it to another open folio of its event.

use axum::extract::State;
use serde::Deserialize;
use tessera_domain::refusal::{Refusal, Thing};
use tessera_events::{ChargeCommand, ChargeEdit};
use utoipa::ToSchema;

use super::shapes::*;
use super::{EventManager, IfMatch, req_date};
use crate::AppState;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::wire::{DecimalIn, check, text_field};

/// A folio with its charges (every status) and its totals per currency.
#[utoipa::path(get, path = "/api/v1/folios/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Folio id")),
    responses((status = 200, body = FolioDetailOut), (status = 404, body = ProblemBody)))]
pub async fn get_folio(
    State(state): State<AppState>,
    _m: EventManager,
    Number(id): Number,
) -> Result<axum::Json<FolioDetailOut>, Problem> {
    let (folio, charges) = state
        .store
        .folio_with_charges(id)
        .await?
        .ok_or(Problem::NotFound(Thing::Folio))?;
    Ok(axum::Json(folio_detail(folio, charges)))
}

/// A folio as its `GET` answers it.
pub(crate) fn folio_detail(folio: tessera_store::FolioRow, charges: Vec<tessera_store::ChargeRow>) -> FolioDetailOut {
    FolioDetailOut {
        id: folio.id,
        event_id: folio.event_id,
        name: folio.name,
        status: folio.status.as_str().to_owned(),
        totals: totals_of(&charges),
        charges: charges.into_iter().map(charge_out).collect(),
    }
}

/// A correction of a charge; what is left out stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChargePatch {
    /// Description.
    #[schema(value_type = Option<crate::rules::Description>)]
    pub description: Option<String>,
    /// Service date, within the event period.
    #[schema(value_type = Option<crate::rules::EventDate>)]
    pub service_date: Option<String>,
    /// Decimal quantity (not negative).
    #[schema(value_type = Option<crate::rules::Quantity>)]
    pub quantity: Option<DecimalIn>,
    /// Decimal unit price (not negative).
    #[schema(value_type = Option<crate::rules::UnitPrice>)]
    pub unit_price: Option<DecimalIn>,
    /// `false` pins the quantity against PAX changes.
    pub follows_pax: Option<bool>,
}

/// Corrects a charge of an open folio (a wrong price, a wrong day).
#[utoipa::path(patch, path = "/api/v1/charges/{id}", tag = "events", request_body = ChargePatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Charge id")),
    responses((status = 200, body = ChargeOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn edit_charge(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<ChargePatch>,
) -> Result<axum::Json<ChargeOut>, Problem> {
    let mut errors = Vec::new();
    let edit = ChargeEdit {
        description: b
            .description
            .as_deref()
            .map(|d| text_field("description", d, crate::rules::DESCRIPTION_MAX, &mut errors)),
        service_date: b
            .service_date
            .as_deref()
            .and_then(|d| req_date("service_date", d, &mut errors)),
        quantity: b.quantity.as_ref().map(|q| not_negative("quantity", q, &mut errors)),
        unit_price: b
            .unit_price
            .as_ref()
            .map(|p| not_negative("unit_price", p, &mut errors)),
        follows_pax: b.follows_pax,
    };
    check(errors)?;
    change(&state, m.user.id, id, v, ChargeCommand::Edit(edit)).await
}

/// A decimal that must not be negative, refused at its field.
pub(super) fn not_negative(field: &str, d: &DecimalIn, errors: &mut Vec<FieldFault>) -> rust_decimal::Decimal {
    let v = super::parts::decimal(field, d, errors);
    if v.is_sign_negative() && !v.is_zero() {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::Negative,
        });
    }
    v
}

/// Why a charge is voided.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidIn {
    /// The reason, kept with the charge.
    #[schema(value_type = crate::rules::Reason)]
    pub reason: String,
}

/// Voids a charge: it stays on its folio, greyed, with who, when and why, and no longer counts.
#[utoipa::path(post, path = "/api/v1/charges/{id}/void", tag = "events", request_body = VoidIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Charge id")),
    responses((status = 200, body = ChargeOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn void_charge(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<VoidIn>,
) -> Result<axum::Json<ChargeOut>, Problem> {
    let mut errors = Vec::new();
    let reason = text_field("reason", &b.reason, crate::rules::COMMENT_MAX, &mut errors);
    check(errors)?;
    change(&state, m.user.id, id, v, ChargeCommand::Void { reason }).await
}

/// Where a charge goes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferIn {
    /// An open folio of the same event.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub folio_id: i64,
}

/// Moves a charge to another open folio of its event (a charge on the wrong folio).
#[utoipa::path(post, path = "/api/v1/charges/{id}/transfer", tag = "events", request_body = TransferIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Charge id")),
    responses((status = 200, body = ChargeOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn transfer_charge(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<TransferIn>,
) -> Result<axum::Json<ChargeOut>, Problem> {
    let cmd = ChargeCommand::Transfer { folio_id: b.folio_id };
    change(&state, m.user.id, id, v, cmd).await
}

async fn change(
    state: &AppState,
    actor: i64,
    id: i64,
    if_match: Option<i64>,
    cmd: ChargeCommand,
) -> Result<axum::Json<ChargeOut>, Problem> {
    let row = state
        .store
        .change_charge(id, cmd, if_match, actor, state.clock.now().as_second())
        .await?;
    Ok(axum::Json(charge_out(row)))
}
