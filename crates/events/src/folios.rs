//! Closed folios are frozen: a plan touching any of their charges is refused whole.

use std::collections::HashSet;

use crate::error::CascadeError;
use crate::model::{EventState, FolioStatus, Id};
use crate::plan::Plan;

/// Refuses the plan if it alters or cancels a charge of a closed folio, naming every such charge.
pub(crate) fn refuse_closed(state: &EventState, plan: &Plan) -> Result<(), CascadeError> {
    let closed: HashSet<Id> = state
        .folios
        .iter()
        .filter(|f| f.status == FolioStatus::Closed)
        .map(|f| f.id)
        .collect();
    let mut charge_ids: Vec<Id> = plan
        .charges
        .iter()
        .filter(|c| closed.contains(&c.folio_id))
        .map(|c| c.id)
        .collect();
    if charge_ids.is_empty() {
        return Ok(());
    }
    charge_ids.sort_unstable();
    charge_ids.dedup();
    Err(CascadeError::ClosedFolio { charge_ids })
}
