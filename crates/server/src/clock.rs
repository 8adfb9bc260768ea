//! The server's clock. Production reads the system time; tests move it to
//! watch time-driven statuses change without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};

/// Now, plus an offset tests may set.
#[derive(Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        let offset = SignedDuration::from_secs(self.offset_seconds.load(Ordering::Relaxed));
        Timestamp::now()
            .checked_add(offset)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// Moves the clock so that it reads `at` now (tests only).
    pub fn set(&self, at: Timestamp) {
        let offset = at.as_second() - Timestamp::now().as_second();
        self.offset_seconds.store(offset, Ordering::Relaxed);
    }
}
