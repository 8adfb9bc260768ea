//! The event's dates cascade in its four modes: move, extend, shorten,
//! period only.

use axum::extract::State;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tessera_domain::refusal::Refusal;
use tessera_events::{DateMode, EventCommand, Plan};
use utoipa::ToSchema;

use super::{EventManager, IfMatch, req_date};
use crate::AppState;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Number};
use crate::wire::check;

/// A change of the event's dates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DatesIn {
    /// `move`, `extend`, `shorten` or `period_only`.
    #[schema(schema_with = date_mode_schema)]
    pub mode: DateMode,
    /// New first day.
    #[schema(value_type = crate::rules::EventDate)]
    pub start_date: String,
    /// New last day (not for `move`, which keeps the length).
    #[schema(value_type = Option<crate::rules::EventDate>)]
    pub end_date: Option<String>,
    /// Only show what would change.
    pub dry_run: Option<bool>,
}

/// The modes as the document states them: the domain's own list.
pub(super) fn date_mode_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(DateMode::ALL.map(DateMode::as_str)))
        .description(Some("`move`, `extend`, `shorten` or `period_only`."))
        .build()
}

/// One activity in a dates plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatesActivityOut {
    /// Id.
    pub id: i64,
    /// Before.
    #[schema(value_type = String, format = Date)]
    pub date_before: Date,
    /// After.
    #[schema(value_type = String, format = Date)]
    pub date_after: Date,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// One charge in a dates plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatesChargeOut {
    /// Id.
    pub id: i64,
    /// Before.
    #[schema(value_type = String, format = Date)]
    pub service_date_before: Date,
    /// After.
    #[schema(value_type = String, format = Date)]
    pub service_date_after: Date,
    /// `active` or `cancelled`.
    pub status_after: String,
}

/// What a change of dates does.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatesOut {
    /// `true` when nothing was written.
    pub dry_run: bool,
    /// The event's version after (or now, for a dry run).
    pub version: i64,
    /// New first day.
    #[schema(value_type = String, format = Date)]
    pub start_date: Date,
    /// New last day.
    #[schema(value_type = String, format = Date)]
    pub end_date: Date,
    /// Activities that move or are cancelled.
    pub activities: Vec<DatesActivityOut>,
    /// Charges that move or are cancelled.
    pub charges: Vec<DatesChargeOut>,
    /// Closed-folio charges that stay as they are.
    pub kept: Vec<super::shapes::KeptOut>,
}

pub(super) fn dates_out(plan: &Plan, dry_run: bool, version: i64) -> DatesOut {
    DatesOut {
        dry_run,
        version,
        start_date: plan.start_date,
        end_date: plan.end_date,
        activities: plan
            .activities
            .iter()
            .map(|a| DatesActivityOut {
                id: a.id,
                date_before: a.date_before,
                date_after: a.date_after,
                status_after: a.status_after.as_str().into(),
            })
            .collect(),
        charges: plan
            .charges
            .iter()
            .map(|c| DatesChargeOut {
                id: c.id,
                service_date_before: c.service_date_before,
                service_date_after: c.service_date_after,
                status_after: c.status_after.as_str().into(),
            })
            .collect(),
        kept: super::shapes::kept_out(plan),
    }
}

/// Changes the event's dates: move, extend, shorten or period only.
#[utoipa::path(post, path = "/api/v1/events/{id}/dates", tag = "events", request_body = DatesIn, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id")),
    responses((status = 200, body = DatesOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn dates(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    Number(id): Number,
    IfMatch(v): IfMatch,
    Json(b): Json<DatesIn>,
) -> Result<axum::Json<DatesOut>, Problem> {
    let mut errors = Vec::new();
    let start = req_date("start_date", &b.start_date, &mut errors);
    let end = b.end_date.as_deref().and_then(|e| req_date("end_date", e, &mut errors));
    if b.mode.needs_end_date() && b.end_date.is_none() {
        errors.push(FieldFault {
            field: "end_date".into(),
            refusal: Refusal::RequiredForMode,
        });
    }
    check(errors)?;
    let Some(start_date) = start else {
        return Err(Problem::field("start_date", Refusal::Required));
    };
    let change = b
        .mode
        .with(start_date, end)
        .map_err(|_| Problem::field("end_date", Refusal::RequiredForMode))?;
    let dry_run = b.dry_run.unwrap_or(false);
    let (plan, version) = state
        .store
        .cascade(
            id,
            EventCommand::ChangeDates(change),
            dry_run,
            v,
            m.user.id,
            state.clock.now().as_second(),
        )
        .await?;
    Ok(axum::Json(dates_out(&plan, dry_run, version)))
}
