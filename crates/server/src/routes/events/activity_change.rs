//! One activity's change of date or PAX, applied or previewed: the same
//! plan either way.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Thing;
use tessera_events::{ChangeActivity, EventCommand, Plan};
use utoipa::ToSchema;

use super::shapes::*;
use super::{EventManager, IfMatch, req_date, with_etag};
use crate::AppState;
use crate::error::{Problem, ProblemBody};
use crate::extract::Json;
use crate::wire::check;

/// A change of one activity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityPatch {
    /// New date (its charges follow).
    #[schema(value_type = Option<crate::rules::EventDate>)]
    pub date: Option<String>,
    /// New PAX (its charges at the old PAX follow).
    #[schema(value_type = Option<crate::rules::Pax>)]
    #[serde(default, deserialize_with = "crate::rules::opt_int")]
    pub pax: Option<i64>,
    /// New name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
    /// New start, `HH:MM`, sent with `end_time`; both `null` make it the whole day.
    #[schema(value_type = Option<crate::rules::Time>)]
    #[serde(default, deserialize_with = "crate::rules::present")]
    pub start_time: Option<Option<String>>,
    /// New end, `HH:MM`, excluded; sent with `start_time`.
    #[schema(value_type = Option<crate::rules::Time>)]
    #[serde(default, deserialize_with = "crate::rules::present")]
    pub end_time: Option<Option<String>>,
    /// New notes for the staff; blank clears them.
    #[schema(value_type = Option<crate::rules::Notes>)]
    pub notes: Option<String>,
}

/// The activity's new time, if the patch sets one: both fields or neither.
fn patched_time(b: &ActivityPatch, errors: &mut Vec<crate::error::FieldFault>) -> Option<tessera_events::DayTime> {
    match (&b.start_time, &b.end_time) {
        (None, None) => None,
        (Some(s), Some(e)) if s.is_some() == e.is_some() => super::activity_time(s.as_deref(), e.as_deref(), errors),
        (s, _) => {
            let field = if s.as_ref().is_some_and(Option::is_some) {
                "end_time"
            } else {
                "start_time"
            };
            errors.push(crate::error::FieldFault {
                field: field.into(),
                refusal: tessera_domain::refusal::Refusal::TimePairIncomplete,
            });
            None
        }
    }
}

/// The activity cascade, previewed or applied: one plan either way.
pub(super) async fn activity_change(
    state: &AppState,
    actor: i64,
    (id, aid): (String, String),
    if_match: Option<i64>,
    b: ActivityPatch,
    dry_run: bool,
) -> Result<(i64, Plan, i64), Problem> {
    let (Ok(id), Ok(aid)) = (id.parse::<i64>(), aid.parse::<i64>()) else {
        return Err(Problem::NotFound(Thing::Activity));
    };
    let view = state.store.event(id).await?.ok_or(Problem::NotFound(Thing::Event))?;
    if !view.activities.iter().any(|a| a.id == aid) {
        return Err(Problem::NotFound(Thing::Activity));
    }
    let mut errors = Vec::new();
    let date = b.date.as_deref().and_then(|d| req_date("date", d, &mut errors));
    let time = patched_time(&b, &mut errors);
    let name = b
        .name
        .as_deref()
        .map(|n| crate::wire::text_field("name", n, crate::rules::NAME_MAX, &mut errors));
    let notes = b.notes.as_deref().map(|n| {
        crate::wire::optional_text("notes", Some(n), crate::rules::NOTES_MAX, &mut errors).unwrap_or_default()
    });
    check(errors)?;
    let command = EventCommand::ChangeActivity {
        activity_id: aid,
        change: ChangeActivity {
            date,
            pax: b.pax,
            time,
            name,
            notes,
        },
    };
    let (plan, version) = state
        .store
        .cascade(id, command, dry_run, if_match, actor, state.clock.now().as_second())
        .await?;
    Ok((id, plan, version))
}

/// Changes an activity's date or PAX; its charges follow.
#[utoipa::path(patch, path = "/api/v1/events/{id}/activities/{activity_id}", tag = "events", request_body = ActivityPatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("activity_id" = i64, Path, description = "Activity id")),
    responses((status = 200, body = EventOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn patch_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
    Json(b): Json<ActivityPatch>,
) -> Result<Response, Problem> {
    let (id, _, _) = activity_change(&state, m.user.id, ids, v, b, false).await?;
    let view = state.store.event(id).await?.ok_or(Problem::NotFound(Thing::Event))?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}

/// One activity in an activity-change plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPlanItem {
    /// Id.
    pub id: i64,
    /// Date before.
    #[schema(value_type = String, format = Date)]
    pub date_before: Date,
    /// Date after.
    #[schema(value_type = String, format = Date)]
    pub date_after: Date,
    /// PAX before.
    pub pax_before: u32,
    /// PAX after.
    pub pax_after: u32,
    /// Start after, `HH:MM` (`null`: the whole day).
    pub start_time_after: Option<String>,
    /// End after, `HH:MM` (`null`: the whole day).
    pub end_time_after: Option<String>,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// One charge in an activity-change plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPlanCharge {
    /// Id.
    pub id: i64,
    /// Service date before.
    #[schema(value_type = String, format = Date)]
    pub service_date_before: Date,
    /// Service date after.
    #[schema(value_type = String, format = Date)]
    pub service_date_after: Date,
    /// Quantity before.
    pub quantity_before: String,
    /// Quantity after.
    pub quantity_after: String,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// What an activity change would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityPlanOut {
    /// Always `true`: a preview writes nothing.
    pub dry_run: bool,
    /// The event's version now.
    pub version: i64,
    /// Activities that change.
    pub activities: Vec<ActivityPlanItem>,
    /// Charges that change.
    pub charges: Vec<ActivityPlanCharge>,
    /// Closed-folio charges that stay as they are.
    pub kept: Vec<super::shapes::KeptOut>,
}

/// Previews an activity's change of date or PAX: the very plan the `PATCH` would write.
#[utoipa::path(post, path = "/api/v1/events/{id}/activities/{activity_id}/preview", tag = "events", request_body = ActivityPatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("activity_id" = i64, Path, description = "Activity id")),
    responses((status = 200, body = ActivityPlanOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn preview_activity(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path(ids): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
    Json(b): Json<ActivityPatch>,
) -> Result<axum::Json<ActivityPlanOut>, Problem> {
    let (_, plan, version) = activity_change(&state, m.user.id, ids, v, b, true).await?;
    Ok(axum::Json(ActivityPlanOut {
        dry_run: true,
        version,
        activities: plan
            .activities
            .iter()
            .map(|a| ActivityPlanItem {
                id: a.id,
                date_before: a.date_before,
                date_after: a.date_after,
                pax_before: a.pax_before,
                pax_after: a.pax_after,
                start_time_after: a.time_after.hh_mm().map(|t| t.0),
                end_time_after: a.time_after.hh_mm().map(|t| t.1),
                status_after: a.status_after.as_str().into(),
            })
            .collect(),
        charges: plan
            .charges
            .iter()
            .map(|c| ActivityPlanCharge {
                id: c.id,
                service_date_before: c.service_date_before,
                service_date_after: c.service_date_after,
                quantity_before: c.quantity_before.to_string(),
                quantity_after: c.quantity_after.to_string(),
                status_after: c.status_after.as_str().into(),
            })
            .collect(),
        kept: super::shapes::kept_out(&plan),
    }))
}
