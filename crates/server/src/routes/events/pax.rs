//! The event's PAX cascade: activities and charges follow, as the seed says.

use std::collections::BTreeMap;

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Refusal;
use tessera_events::{ChangePax, EventCommand};
use utoipa::ToSchema;

use super::{EventManager, IfMatch};
use crate::AppState;
use crate::error::{Problem, ProblemBody};
use crate::extract::{Json, Number};

/// A PAX change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaxIn {
    /// The event's new PAX.
    #[schema(value_type = crate::rules::Pax)]
    #[serde(deserialize_with = "crate::rules::int")]
    pub pax: i64,
    /// "New PAX" typed for activities: activity id → PAX.
    #[schema(value_type = Option<crate::rules::ActivityPax>)]
    #[serde(default, deserialize_with = "crate::rules::opt_int_map")]
    pub activities: Option<BTreeMap<String, i64>>,
    /// Only show what would change.
    pub dry_run: Option<bool>,
}

/// One activity's PAX in a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaxActivityOut {
    /// Id.
    pub id: i64,
    /// Before.
    pub pax_before: u32,
    /// After.
    pub pax_after: u32,
}

/// One charge's quantity in a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaxChargeOut {
    /// Id.
    pub id: i64,
    /// Before.
    pub quantity_before: String,
    /// After.
    pub quantity_after: String,
}

/// What a PAX change does.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaxOut {
    /// `true` when nothing was written.
    pub dry_run: bool,
    /// The event's version after (or now, for a dry run).
    pub version: i64,
    /// PAX after.
    pub pax: u32,
    /// Activities whose PAX changes.
    pub activities: Vec<PaxActivityOut>,
    /// Charges whose quantity changes.
    pub charges: Vec<PaxChargeOut>,
    /// Closed-folio charges that stay as they are.
    pub kept: Vec<super::shapes::KeptOut>,
}

/// Changes the event's PAX; activities and charges follow as the seed says.
#[utoipa::path(post, path = "/api/v1/events/{id}/pax", tag = "events", request_body = PaxIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = PaxOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn pax(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<PaxIn>,
) -> Result<axum::Json<PaxOut>, Problem> {
    let mut activities = BTreeMap::new();
    for (k, p) in b.activities.unwrap_or_default() {
        let id = k
            .parse::<i64>()
            .map_err(|_| Problem::field(format!("activities.{k}"), Refusal::NoSuchActivity))?;
        activities.insert(id, p);
    }
    let cmd = ChangePax { pax: b.pax, activities };
    let dry_run = b.dry_run.unwrap_or(false);
    let (plan, version) = state
        .store
        .cascade(
            id,
            EventCommand::ChangePax(cmd),
            dry_run,
            v,
            m.user.id,
            state.clock.now().as_second(),
        )
        .await?;
    Ok(axum::Json(PaxOut {
        dry_run,
        version,
        pax: plan.pax,
        activities: plan
            .activities
            .iter()
            .map(|a| PaxActivityOut {
                id: a.id,
                pax_before: a.pax_before,
                pax_after: a.pax_after,
            })
            .collect(),
        charges: plan
            .charges
            .iter()
            .map(|c| PaxChargeOut {
                id: c.id,
                quantity_before: c.quantity_before.to_string(),
                quantity_after: c.quantity_after.to_string(),
            })
            .collect(),
        kept: super::shapes::kept_out(&plan),
    }))
}
