//! Password hashing, bounded. Argon2id takes ~19 MiB and a core's time for
//! each hash on purpose; unbounded, a burst of sign-ins (no account needed)
//! runs hundreds at once and takes gigabytes. So at most one hash per core
//! runs at a time, a bounded queue waits for its turn, and whatever comes
//! past the queue is answered 503 with `Retry-After` at once.
//!
//! Hashes run on a fixed set of threads of their own, one per core: the
//! allocator keeps a freed 19 MiB block in the arena of the thread that
//! used it, so hashing on whichever thread of a growing pool is free would
//! leave one such block behind per thread, never given back.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::Problem;

/// Requests that may wait for a hash, per core.
const QUEUE_PER_CORE: usize = 32;
/// The longest wait in the queue before giving up.
const LONGEST_WAIT: Duration = Duration::from_secs(5);
/// What a refused caller is told to wait, in seconds.
const RETRY_AFTER: u64 = 1;

type Job = Box<dyn FnOnce() + Send>;

struct Hashing {
    running: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
    jobs: Mutex<Sender<Job>>,
}

static HASHING: LazyLock<Hashing> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let (jobs, queue) = channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for i in 0..cores {
        let queue = Arc::clone(&queue);
        let spawned = std::thread::Builder::new()
            .name(format!("tessera-hash-{i}"))
            .spawn(move || hash_thread(&queue));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "a password hashing thread could not start");
        }
    }
    Hashing {
        running: Semaphore::new(cores),
        waiting: AtomicUsize::new(0),
        max_waiting: cores.saturating_mul(QUEUE_PER_CORE),
        jobs: Mutex::new(jobs),
    }
});

fn hash_thread(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let queue = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.recv()
        };
        let Ok(job) = job else { return };
        // A job that panics loses its answer (the caller gets a 500), not the thread.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
    }
}

/// Leaves the queue however the wait ends (also when the request is dropped).
struct InQueue;

impl Drop for InQueue {
    fn drop(&mut self) {
        HASHING.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs one hash (or verification) when a core is free for it, on a
/// blocking thread; `Problem::Busy` when the queue is full or the wait too long.
pub(crate) async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Problem> {
    let h = &*HASHING;
    if h.waiting.fetch_add(1, Ordering::AcqRel) >= h.max_waiting {
        h.waiting.fetch_sub(1, Ordering::AcqRel);
        return Err(busy());
    }
    let queued = InQueue;
    let permit = match tokio::time::timeout(LONGEST_WAIT, h.running.acquire()).await {
        Ok(Ok(permit)) => permit,
        _ => return Err(busy()),
    };
    drop(queued);
    let (answer, answered) = tokio::sync::oneshot::channel();
    // The permit travels with the work: a caller that goes away does not
    // free its core before the hash is done.
    let job: Job = Box::new(move || {
        let _running = permit;
        let _ = answer.send(work());
    });
    let sent = h.jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).send(job);
    if sent.is_err() {
        tracing::error!("no password hashing thread is running");
        return Err(Problem::Internal);
    }
    answered.await.map_err(|_| Problem::Internal)
}

fn busy() -> Problem {
    metrics::counter!(crate::telemetry::HASHES_REFUSED).increment(1);
    tracing::warn!("password check refused: every core is hashing and the queue is full");
    Problem::Busy {
        retry_after: RETRY_AFTER,
    }
}
