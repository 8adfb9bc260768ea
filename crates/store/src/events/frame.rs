//! The frame every change to an event runs in: lock the event and check
//! the client's version first; bump the version and write the audit line last.

use tessera_domain::refusal::Thing;
use tessera_events::Change;

use crate::{Conn, Result, StoreError, args, sql};

/// The event row alone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct Header {
    pub(super) venue_id: i64,
    pub(super) start_date: String,
    pub(super) end_date: String,
    pub(super) version: i64,
    /// The day charges' service days count from.
    pub(super) charge_epoch: String,
    /// `active` or `cancelled`.
    pub(super) status: String,
}

impl Header {
    /// Whether the event is cancelled.
    pub(super) fn cancelled(&self) -> bool {
        self.status == "cancelled"
    }
}

/// Locks the event for this transaction and checks the client's version.
pub(super) async fn begin_change(c: &mut Conn<'_>, id: i64, if_match: Option<i64>) -> Result<Header> {
    let q = format!(
        "{}{}",
        sql!(
            c,
            "SELECT venue_id, start_date, end_date, version, charge_epoch, status FROM events WHERE id = $1"
        ),
        c.for_update()
    );
    let header: Header = c.opt(&q, &args![id]).await?.ok_or(StoreError::NotFound(Thing::Event))?;
    if if_match.is_some_and(|v| v != header.version) {
        return Err(StoreError::PreconditionFailed {
            current: header.version,
        });
    }
    Ok(header)
}

/// Bumps the version and writes the audit line.
pub(super) async fn finish_change(
    c: &mut Conn<'_>,
    id: i64,
    actor: i64,
    at: i64,
    command: Change,
    detail: String,
) -> Result<i64> {
    let (version,): (i64,) = c
        .one(
            sql!(
                c,
                "UPDATE events SET version = version + 1 WHERE id = $1 RETURNING version"
            ),
            &args![id],
        )
        .await?;
    c.exec(
        sql!(c, "INSERT INTO event_audit (event_id, at, actor_id, command, detail, version_after) VALUES ($1, $2, $3, $4, $5, $6)"),
        &args![id, at, actor, command.as_str(), detail, version],
    )
    .await?;
    Ok(version)
}
