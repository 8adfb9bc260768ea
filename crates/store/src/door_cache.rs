//! What the door needs to know about a ticket, kept in memory on SQLite.
//!
//! On SQLite every write goes through this process's one writer, which
//! counts the batches that could change a ticket ([`Writer::generation`]).
//! An entry remembers the count it was read under and is used only while the
//! count stands still, so a validation reset, a send or a cancellation is
//! seen by the very next check. An entry also lives at most [`TRUST_MS`],
//! which bounds how long a write by another process on the same file (the
//! `tessera` command line) goes unseen. PostgreSQL, where other instances
//! write too, has no such cache.
//!
//! [`Writer::generation`]: crate::writer::Writer::generation

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::Timestamp;

/// How long an entry is trusted at most, in milliseconds.
pub const TRUST_MS: i64 = 1_000;
const MAX_ENTRIES: usize = 100_000;

/// A ticket as the door sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DoorTicket {
    pub premises_id: i64,
    pub pass_generation: i64,
    pub validated_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: tessera_domain::TicketStatus,
    pub start_at: i64,
    pub end_at: i64,
}

#[derive(Default)]
pub struct DoorCache {
    entries: Mutex<HashMap<i64, (DoorTicket, u64, Timestamp)>>,
}

impl DoorCache {
    /// The ticket, if it was read under `generation` less than
    /// [`TRUST_MS`] before `now`.
    pub fn get(&self, number: i64, generation: u64, now: Timestamp) -> Option<DoorTicket> {
        let entries = self.entries.lock().ok()?;
        let (ticket, read_under, read_at) = entries.get(&number)?;
        let age = now.as_millisecond() - read_at.as_millisecond();
        (*read_under == generation && (0..TRUST_MS).contains(&age)).then(|| ticket.clone())
    }

    /// Remembers a ticket read under `generation` (taken before the read).
    pub fn put(&self, number: i64, ticket: DoorTicket, generation: u64, now: Timestamp) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, g, _)| *g == generation);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(number, (ticket, generation, now));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> DoorTicket {
        DoorTicket {
            premises_id: 1,
            pass_generation: 0,
            validated_at: Some(1),
            status: tessera_domain::TicketStatus::Active,
            start_at: 0,
            end_at: 10,
        }
    }

    #[test]
    fn an_entry_read_before_a_write_is_never_used_after_it() {
        let cache = DoorCache::default();
        let now = Timestamp::from_second(100).unwrap_or(Timestamp::UNIX_EPOCH);
        cache.put(7, ticket(), 3, now);
        assert!(cache.get(7, 3, now).is_some());
        assert!(cache.get(7, 4, now).is_none(), "a later batch invalidates it");
    }

    #[test]
    fn an_entry_expires_so_other_processes_writes_are_seen() {
        let cache = DoorCache::default();
        let now = Timestamp::from_second(100).unwrap_or(Timestamp::UNIX_EPOCH);
        cache.put(7, ticket(), 3, now);
        let later = Timestamp::from_millisecond(now.as_millisecond() + TRUST_MS).unwrap_or(now);
        assert!(cache.get(7, 3, later).is_none());
        let earlier = Timestamp::from_millisecond(now.as_millisecond() - 1).unwrap_or(now);
        assert!(
            cache.get(7, 3, earlier).is_none(),
            "a clock that went back trusts nothing"
        );
    }
}
