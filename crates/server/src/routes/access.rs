//! The door: a turnstile checks a pass.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Refusal;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Gatekeeper;
use crate::error::{Problem, ProblemBody};
use crate::extract::Json;

/// A pass shown at a door of some premises.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// The pass token from the QR code.
    #[schema(value_type = crate::rules::PassToken)]
    pub token: String,
    /// The premises the door leads into.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub premises_id: i64,
}

/// The verdict.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckOut {
    /// Open the door?
    pub allowed: bool,
    /// `allowed`, `not_validated`, `not_confirmed`, `not_started`, `ended`, `cancelled`, `wrong_premises` or `unknown_pass`.
    pub reason: String,
    /// The ticket the pass belongs to, when it is a real pass.
    pub ticket_number: Option<i64>,
}

/// Checks a pass; every check is logged, and the first allowed entry is the
/// ticket's first visit.
#[utoipa::path(post, path = "/api/v1/access/check", tag = "gate", request_body = CheckIn, security(("bearer" = [])),
    responses((status = 200, body = CheckOut), (status = 403, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn check(
    State(state): State<AppState>,
    Gatekeeper(caller): Gatekeeper,
    Json(b): Json<CheckIn>,
) -> Result<axum::Json<CheckOut>, Problem> {
    if b.token.len() > crate::rules::TOKEN_MAX {
        return Err(Problem::field("token", Refusal::TooLong(crate::rules::TOKEN_MAX)));
    }
    let claim = state.passes.verify(&state.store, &b.token).await;
    let (reason, ticket) = state
        .store
        .check_access(claim, b.premises_id, caller.user.id, state.clock.now())
        .await?;
    let allowed = reason == tessera_domain::access::AccessReason::Allowed;
    Ok(axum::Json(CheckOut {
        allowed,
        reason: reason.as_str().into(),
        ticket_number: ticket,
    }))
}
