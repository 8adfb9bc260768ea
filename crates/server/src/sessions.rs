//! Recently checked sessions, so that a burst of requests with one token
//! (a turnstile, a busy manager) does not look it up every time. An entry
//! lives a few seconds: signing out on this instance drops it at once; on
//! another instance of a cluster it stops working within that time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tessera_store::User;

/// Seconds a checked session is trusted without asking the database.
pub const TRUST_SECONDS: i64 = 5;
const MAX_ENTRIES: usize = 100_000;

/// Token hash → (user, checked at).
#[derive(Clone, Default)]
pub struct SessionCache {
    entries: Arc<Mutex<HashMap<String, (User, i64)>>>,
}

impl SessionCache {
    /// The user of a session checked less than [`TRUST_SECONDS`] ago.
    pub fn get(&self, token_hash: &str, now: i64) -> Option<User> {
        let entries = self.entries.lock().ok()?;
        let (user, checked) = entries.get(token_hash)?;
        (now - checked < TRUST_SECONDS && now >= *checked).then(|| user.clone())
    }

    /// Remembers a session just checked.
    pub fn put(&self, token_hash: String, user: User, now: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, checked)| now - *checked < TRUST_SECONDS);
            }
            entries.insert(token_hash, (user, now));
        }
    }

    /// Forgets every session of a user (deactivated, new password, new role).
    pub fn forget_user(&self, user_id: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (user, _)| user.id != user_id);
        }
    }

    /// Forgets a session (signed out).
    pub fn forget(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }
}
