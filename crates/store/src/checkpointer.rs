//! SQLite's WAL checkpoints, off the writer's path.
//!
//! By default the connection that commits also copies the WAL back into the
//! database file every thousand pages, fsyncing both: the writer then stops
//! for milliseconds every few dozen door batches, and every caller waiting
//! on that batch waits too. Instead this thread, on a connection of its own,
//! runs a passive checkpoint (which never blocks the writer or a reader) a
//! few times a second. A passive checkpoint copies only what was committed
//! when it began, so under steady writes it may never quite catch up and the
//! WAL would grow; the writer keeps a backstop (`wal_autocheckpoint` at
//! 10,000 pages, see `store.rs`) that then checkpoints between its batches.

use std::sync::Weak;
use std::time::Duration;

use sqlx::{Connection, Executor, SqliteConnection};

/// How often the WAL is copied back.
const EVERY: Duration = Duration::from_millis(250);

/// Runs until `alive` can no longer be upgraded (the store is gone).
pub fn start(mut conn: SqliteConnection, alive: Weak<()>) {
    let spawned = std::thread::Builder::new()
        .name("tessera-checkpoint".into())
        .spawn(
            move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt.block_on(async move {
                    while alive.upgrade().is_some() {
                        tokio::time::sleep(EVERY).await;
                        if let Err(e) = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
                            tracing::warn!(error = %e, "WAL checkpoint failed; retrying");
                        }
                    }
                    let _ = conn.close().await;
                }),
                Err(e) => tracing::error!(error = %e, "cannot start the checkpointer's runtime"),
            },
        );
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the checkpointer thread");
    }
}
