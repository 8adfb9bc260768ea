//! Cancelling an activity or the whole event: cascades like the others,
//! previewed with `dry_run` and applied as the very same plan. Nothing is
//! deleted; closed-folio charges stay as they are and are listed in `kept`.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Thing;
use tessera_events::{EventCommand, Plan};
use utoipa::ToSchema;

use super::shapes::{KeptOut, kept_out};
use super::{EventManager, IfMatch};
use crate::AppState;
use crate::error::{Problem, ProblemBody};
use crate::extract::{Json, Number};

/// A cancellation, previewed or applied.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelIn {
    /// Only show what would be cancelled.
    pub dry_run: Option<bool>,
}

/// An item a cancellation changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct CancelledOut {
    /// Id.
    pub id: i64,
    /// `cancelled`.
    pub status_after: String,
}

/// What a cancellation does.
#[derive(Debug, Serialize, ToSchema)]
pub struct CancelOut {
    /// `true` when nothing was written.
    pub dry_run: bool,
    /// The event's version after (or now, for a dry run).
    pub version: i64,
    /// `cancelled` when the whole event is, else `active`.
    pub status: String,
    /// Activities cancelled.
    pub activities: Vec<CancelledOut>,
    /// Room blocks cancelled.
    pub blocks: Vec<CancelledOut>,
    /// Open-folio charges cancelled.
    pub charges: Vec<CancelledOut>,
    /// Closed-folio charges that stay as they are.
    pub kept: Vec<KeptOut>,
}

fn cancel_out(plan: &Plan, dry_run: bool, version: i64) -> CancelOut {
    let item = |id: i64, s: tessera_events::ItemStatus| CancelledOut {
        id,
        status_after: s.as_str().to_owned(),
    };
    CancelOut {
        dry_run,
        version,
        status: if plan.cancelled { "cancelled" } else { "active" }.to_owned(),
        activities: plan.activities.iter().map(|a| item(a.id, a.status_after)).collect(),
        blocks: plan.blocks.iter().map(|b| item(b.id, b.status_after)).collect(),
        charges: plan.charges.iter().map(|c| item(c.id, c.status_after)).collect(),
        kept: kept_out(plan),
    }
}

async fn run(
    state: &AppState,
    actor: i64,
    id: i64,
    command: EventCommand,
    if_match: Option<i64>,
    b: CancelIn,
) -> Result<axum::Json<CancelOut>, Problem> {
    let dry_run = b.dry_run.unwrap_or(false);
    let (plan, version) = state
        .store
        .cascade(id, command, dry_run, if_match, actor, state.clock.now().as_second())
        .await?;
    Ok(axum::Json(cancel_out(&plan, dry_run, version)))
}

/// Cancels the whole event: every active activity, block and open-folio charge.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "events", request_body = CancelIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = CancelOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody)))]
pub async fn cancel_event(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<CancelIn>,
) -> Result<axum::Json<CancelOut>, Problem> {
    let out = run(&state, m.user.id, id, EventCommand::CancelEvent, v, b).await?;
    if !out.dry_run {
        tracing::info!(actor = m.user.id, event = id, "event cancelled");
    }
    Ok(out)
}

/// Cancels one activity and its open-folio charges.
#[utoipa::path(post, path = "/api/v1/events/{id}/activities/{activity_id}/cancel", tag = "events", request_body = CancelIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("activity_id" = i64, Path, description = "Activity id")),
    responses((status = 200, body = CancelOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody)))]
pub async fn cancel_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path((id, aid)): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
    Json(b): Json<CancelIn>,
) -> Result<axum::Json<CancelOut>, Problem> {
    let (Ok(id), Ok(activity_id)) = (id.parse::<i64>(), aid.parse::<i64>()) else {
        return Err(Problem::NotFound(Thing::Activity));
    };
    // The plan, under the event's lock, finds the activity or not: no read
    // of the whole event (20,000 charges) beforehand to ask the same.
    run(
        &state,
        m.user.id,
        id,
        EventCommand::CancelActivity { activity_id },
        v,
        b,
    )
    .await
    .map_err(|p| match p {
        Problem::Cascade(tessera_events::CascadeError::UnknownActivities(_)) => Problem::NotFound(Thing::Activity),
        p => p,
    })
}
