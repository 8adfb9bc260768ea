//! Running a cascade: the command's plan from the stored state; a preview
//! returns it, an apply writes exactly it in the same transaction.

use tessera_events::{EventCommand, EventState, Plan};

use super::audit::audit_detail;
use super::date;
use super::frame::{begin_change, finish_change};
use super::plan_writer::{alike_charges, write_plan};
use super::read::{cascade_state, other_halls};
use crate::{Result, Store, StoreError};

impl Store {
    /// Runs a cascade: computes its plan from the stored state and, unless
    /// `dry_run`, writes exactly that plan in the same transaction.
    pub async fn cascade(
        &self,
        id: i64,
        command: EventCommand,
        dry_run: bool,
        if_match: Option<i64>,
        actor: i64,
        at: i64,
    ) -> Result<(Plan, i64)> {
        // Read beside the writer, not in it: on SQLite every write waits
        // while the one writer reads 20,000 charges. A failure here is met
        // again, and answered, inside the transaction.
        if let Err(e) = self.remember_state(id).await {
            tracing::debug!(event = id, error = %e, "event state not read ahead");
        }
        let states = std::sync::Arc::clone(&self.event_states);
        let (plan, version, applied_to) = self
            .write(move |mut c| {
                Box::pin(async move {
                    let header = begin_change(&mut c, id, if_match).await?;
                    let day_zero = date(&header.charge_epoch)?;
                    // Not remembered only if a change landed since the read
                    // ahead (or it failed): read it here, under the lock.
                    let state = match states.get(id, header.version) {
                        Some(state) => state,
                        None => std::sync::Arc::new(cascade_state(&mut c, id, day_zero).await?),
                    };
                    let others = other_halls(&mut c, id).await?;
                    let plan = command.plan(&state, id, &others).map_err(StoreError::Cascade)?;
                    if dry_run {
                        return Ok((plan, header.version, None));
                    }
                    let alike = alike_charges(&plan.charges);
                    write_plan(&mut c, id, &plan, &alike, &state, day_zero).await?;
                    if !plan.charges.is_empty() {
                        let ids: Vec<i64> = plan.charges.iter().map(|ch| ch.id).collect();
                        let ids = serde_json::to_string(&ids)
                            .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))?;
                        crate::outbox::emit_charges(&mut c, ids, at).await?;
                    }
                    let version =
                        finish_change(&mut c, id, actor, at, command.change(), audit_detail(&plan, &alike)).await?;
                    Ok((plan, version, Some(state)))
                })
            })
            .await?;
        // Committed: what the plan made of the state is the stored state at
        // the version the apply made.
        if let Some(before) = applied_to {
            self.event_states
                .put(id, version, std::sync::Arc::new(state_after(&before, &plan)));
        }
        Ok((plan, version))
    }
}

/// The state a plan leaves, in the order [`cascade_state`] reads it.
pub(super) fn state_after(before: &EventState, plan: &Plan) -> EventState {
    let mut after = before.clone();
    plan.apply(&mut after);
    after.activities.sort_by_key(|a| (a.date, a.id));
    after
}
