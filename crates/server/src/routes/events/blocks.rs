//! Editing a room block: a new name or number of rooms, or cancelling it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tessera_domain::refusal::{Refusal, Thing};
use tessera_store::BlockEdit;
use utoipa::ToSchema;

use super::shapes::event_out;
use super::{EventManager, IfMatch, with_etag};
use crate::AppState;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::Json;
use crate::wire::{check, text_field};

/// A block's new name or size; what is left out stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockPatch {
    /// Name.
    #[schema(value_type = Option<crate::rules::Name>)]
    pub name: Option<String>,
    /// Rooms held.
    #[schema(value_type = Option<crate::rules::Rooms>)]
    #[serde(default, deserialize_with = "crate::rules::opt_int")]
    pub rooms: Option<i64>,
}

fn ids(id: &str, block_id: &str) -> Result<(i64, i64), Problem> {
    match (id.parse::<i64>(), block_id.parse::<i64>()) {
        (Ok(id), Ok(block)) => Ok((id, block)),
        _ => Err(Problem::NotFound(Thing::Block)),
    }
}

/// Renames or resizes a room block.
#[utoipa::path(patch, path = "/api/v1/events/{id}/blocks/{block_id}", tag = "events", request_body = BlockPatch, security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("block_id" = i64, Path, description = "Block id")),
    responses((status = 200, body = super::EventOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn patch_block(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path((id, block_id)): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
    Json(b): Json<BlockPatch>,
) -> Result<Response, Problem> {
    let (id, block_id) = ids(&id, &block_id)?;
    let mut errors = Vec::new();
    let name = b
        .name
        .as_deref()
        .map(|n| text_field("name", n, crate::rules::NAME_MAX, &mut errors));
    if b.rooms.is_some_and(|r| !(1..=crate::rules::ROOMS_MAX).contains(&r)) {
        errors.push(FieldFault {
            field: "rooms".into(),
            refusal: Refusal::AtLeastOne,
        });
    }
    check(errors)?;
    let edit = BlockEdit::Edit { name, rooms: b.rooms };
    let view = state
        .store
        .change_block(id, block_id, edit, v, m.user.id, state.clock.now().as_second())
        .await?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}

/// Cancels a room block (kept, never deleted).
#[utoipa::path(post, path = "/api/v1/events/{id}/blocks/{block_id}/cancel", tag = "events", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Event id"), ("block_id" = i64, Path, description = "Block id")),
    responses((status = 200, body = super::EventOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 412, body = ProblemBody)))]
pub async fn cancel_block(
    State(state): State<AppState>,
    EventManager(m): EventManager,
    axum::extract::Path((id, block_id)): axum::extract::Path<(String, String)>,
    IfMatch(v): IfMatch,
) -> Result<Response, Problem> {
    let (id, block_id) = ids(&id, &block_id)?;
    let view = state
        .store
        .change_block(
            id,
            block_id,
            BlockEdit::Cancel,
            v,
            m.user.id,
            state.clock.now().as_second(),
        )
        .await?;
    Ok(with_etag(StatusCode::OK, event_out(view)))
}
