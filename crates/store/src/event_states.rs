//! Events' cascade states kept in memory, by version.
//!
//! Every change to an event's activities, blocks, folios or charges goes
//! through `begin_change`/`finish_change`, which lock the event row and bump
//! its `version`; versions only grow, and each is committed once. So the
//! state read (or computed from a committed plan) at version `v` *is* the
//! stored state for as long as the row still says `v`, on any instance:
//! other instances' writes bump the version in the database, which every
//! cascade reads under its lock before it looks here. Entries go in only
//! after their transaction committed. Restoring an older copy of the database
//! under a running server would break this, which is why a restore stops the
//! server first (docs/operations.md).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tessera_events::EventState;

/// At most this many events are remembered...
const MAX_EVENTS: usize = 64;
/// ...holding at most this many charges together (about 60 bytes each).
const MAX_CHARGES: usize = 500_000;

struct Entry {
    version: i64,
    state: Arc<EventState>,
    used: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<i64, Entry>,
    clock: u64,
}

/// Committed event states by event id and version.
#[derive(Default)]
pub struct EventStates {
    inner: Mutex<Inner>,
}

impl EventStates {
    /// The event's state at `version`, if remembered.
    pub fn get(&self, event_id: i64, version: i64) -> Option<Arc<EventState>> {
        let mut inner = self.inner.lock().ok()?;
        inner.clock += 1;
        let now = inner.clock;
        let entry = inner.entries.get_mut(&event_id)?;
        if entry.version != version {
            return None;
        }
        entry.used = now;
        Some(Arc::clone(&entry.state))
    }

    /// Remembers the committed state of an event at `version`; an older
    /// version never replaces a newer one.
    pub fn put(&self, event_id: i64, version: i64, state: Arc<EventState>) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if inner.entries.get(&event_id).is_some_and(|e| e.version > version) {
            return;
        }
        inner.clock += 1;
        let used = inner.clock;
        inner.entries.insert(event_id, Entry { version, state, used });
        // Least recently used go first, never the one just put.
        loop {
            let charges: usize = inner.entries.values().map(|e| e.state.charges.len()).sum();
            if inner.entries.len() <= MAX_EVENTS && charges <= MAX_CHARGES {
                break;
            }
            let oldest = inner
                .entries
                .iter()
                .filter(|(id, _)| **id != event_id)
                .min_by_key(|(_, e)| e.used)
                .map(|(id, _)| *id);
            match oldest {
                Some(id) => inner.entries.remove(&id),
                None => break,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn state(pax: u32, charges: usize) -> Arc<EventState> {
        let charge = tessera_events::Charge {
            id: 1,
            folio_id: 1,
            activity_id: None,
            service_date: date(2030, 3, 1),
            quantity: 1.into(),
            follows_pax: true,
            status: tessera_events::ItemStatus::Active,
        };
        Arc::new(EventState {
            pax,
            start_date: date(2030, 3, 1),
            end_date: date(2030, 3, 2),
            activities: vec![],
            blocks: vec![],
            folios: vec![],
            charges: vec![charge; charges],
            cancelled: false,
        })
    }

    #[test]
    fn a_state_is_used_only_at_the_version_it_was_put_under() {
        let states = EventStates::default();
        states.put(7, 3, state(100, 0));
        assert_eq!(states.get(7, 3).map(|s| s.pax), Some(100));
        assert!(states.get(7, 4).is_none(), "a newer version was written elsewhere");
        assert!(states.get(8, 3).is_none());
        states.put(7, 2, state(90, 0));
        assert_eq!(states.get(7, 3).map(|s| s.pax), Some(100), "an older state never wins");
        states.put(7, 4, state(110, 0));
        assert!(states.get(7, 3).is_none());
        assert_eq!(states.get(7, 4).map(|s| s.pax), Some(110));
    }

    #[test]
    fn the_least_recently_used_go_when_too_many_charges_are_held() {
        let states = EventStates::default();
        states.put(1, 1, state(1, MAX_CHARGES / 2));
        states.put(2, 1, state(2, MAX_CHARGES / 2));
        assert!(states.get(1, 1).is_some());
        states.put(3, 1, state(3, 10));
        assert!(states.get(2, 1).is_none(), "event 2 was used least recently");
        assert!(states.get(1, 1).is_some());
        assert!(states.get(3, 1).is_some());
    }
}
