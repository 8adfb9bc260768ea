//! SQLite's single writer with group commit.
//!
//! SQLite allows one writer at a time and each durable commit costs an
//! fsync. Rather than have requests queue on the file lock, every write is
//! sent here: the writer takes all work waiting, runs each unit in its own
//! savepoint inside one transaction, commits once, and only then answers
//! each caller. A unit that fails rolls back to its savepoint alone. Under
//! load one fsync then serves many requests, and no acknowledged write is
//! ever lost: answers go out after the commit returns.
//!
//! The door's log lines ride along differently: they are data, not work, so
//! a batch writes all of them with one `INSERT … FROM json_each`, and a
//! batch of nothing else is a single round trip (begin, insert, first
//! visits, commit). The writer also counts the batches that may have
//! changed anything else ([`Writer::generation`]): a cache of what was read
//! is good only while that count stands still.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{Connection, Executor, SqliteConnection};
use tokio::sync::{mpsc, oneshot};

use crate::{Conn, Result, StoreError, conn::Work};

/// How many units one commit may carry.
const MAX_BATCH: usize = 512;

type Deliver = Box<dyn FnOnce(Result<()>) + Send>;

/// A unit of work with its reply channel, erased so one queue carries all.
trait Job: Send {
    /// Whether the unit keeps itself atomic (one multi-statement round trip
    /// that undoes itself on failure), so the writer need not wrap it.
    fn self_contained(&self) -> bool;
    /// Whether the unit writes only tables no cache reads (the outbox and
    /// its deliveries), so its batch need not move the generation.
    fn quiet(&self) -> bool;
    fn run<'c>(self: Box<Self>, conn: Conn<'c>) -> BoxFuture<'c, (bool, Deliver)>;
    fn fail(self: Box<Self>, error: StoreError);
}

struct Typed<T> {
    work: Work<T>,
    reply: oneshot::Sender<Result<T>>,
    self_contained: bool,
    quiet: bool,
}

impl<T: Send + 'static> Job for Typed<T> {
    fn self_contained(&self) -> bool {
        self.self_contained
    }

    fn quiet(&self) -> bool {
        self.quiet
    }

    fn run<'c>(self: Box<Self>, conn: Conn<'c>) -> BoxFuture<'c, (bool, Deliver)> {
        let Typed { work, reply, .. } = *self;
        Box::pin(async move {
            let result = match AssertUnwindSafe(work(conn)).catch_unwind().await {
                Ok(r) => r,
                Err(_) => Err(StoreError::WriterGone),
            };
            let ok = result.is_ok();
            let deliver: Deliver = Box::new(move |commit: Result<()>| {
                let _ = reply.send(commit.and(result));
            });
            (ok, deliver)
        })
    }

    fn fail(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(error));
    }
}

/// One check at a door, to be logged.
#[derive(Debug, Clone, Copy)]
pub struct DoorLine {
    /// The ticket the pass names, when it is a real pass.
    pub ticket: Option<i64>,
    /// When (Unix seconds).
    pub at: i64,
    /// The verdict.
    pub allowed: bool,
    /// The door's premises.
    pub premises_id: i64,
    /// The gate account that asked.
    pub gate_id: i64,
    /// Why (a fixed word, never client text).
    pub reason: &'static str,
    /// `in` or `out` (a fixed word).
    pub direction: &'static str,
}

enum Item {
    Job(Box<dyn Job>),
    Door(DoorLine, oneshot::Sender<Result<()>>),
}

/// A handle to send work to the writer.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Item>,
    generation: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer on its own connection.
    pub fn start(conn: SqliteConnection) -> Writer {
        let (queue, rx) = mpsc::channel(4096);
        let generation = Arc::new(AtomicU64::new(0));
        let counted = generation.clone();
        // The writer gets a thread and a runtime of its own, so that its
        // round trips to SQLite never wait behind HTTP work for a worker.
        let spawned = std::thread::Builder::new()
            .name("tessera-writer".into())
            .spawn(
                move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt.block_on(run(conn, rx, counted)),
                    Err(e) => tracing::error!(error = %e, "cannot start the writer's runtime"),
                },
            );
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the writer thread");
        }
        Writer { queue, generation }
    }

    /// Counts committed batches that held anything but door log lines. It
    /// moves after such a batch commits and before its callers are answered,
    /// so a value read before a read of the database, still the same when
    /// the read is used, proves nothing was written in between.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Logs a door check in the next batch; answers once it is committed.
    pub async fn log_door(&self, line: DoorLine) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Item::Door(line, reply))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `work` in the next batch; answers after that batch committed.
    /// A `self_contained` unit undoes its own writes when it fails.
    pub async fn write<T: Send + 'static>(&self, work: Work<T>, self_contained: bool) -> Result<T> {
        self.send(work, self_contained, false).await
    }

    /// Like [`Writer::write`] for a unit that writes only the outbox and its
    /// deliveries: its batch leaves the generation alone, so the door's
    /// cache stays good while webhooks go out.
    pub async fn write_quiet<T: Send + 'static>(&self, work: Work<T>) -> Result<T> {
        self.send(work, false, true).await
    }

    async fn send<T: Send + 'static>(&self, work: Work<T>, self_contained: bool, quiet: bool) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Item::Job(Box::new(Typed {
                work,
                reply,
                self_contained,
                quiet,
            })))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }
}

async fn run(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Item>, generation: Arc<AtomicU64>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    let mut doors: Vec<(DoorLine, oneshot::Sender<Result<()>>)> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(item) = next.take() {
            match item {
                Item::Job(job) => batch.push(job),
                Item::Door(line, reply) => doors.push((line, reply)),
            }
            if batch.len() + doors.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if batch.is_empty() {
            commit_doors(&mut conn, &mut doors).await;
        } else {
            commit_batch(&mut conn, &mut batch, &mut doors, &generation).await;
        }
    }
    let _ = conn.close().await;
}

/// The door's lines as one JSON array for `json_each`: numbers and fixed
/// reason words only, so nothing needs escaping.
fn door_rows(doors: &[(DoorLine, oneshot::Sender<Result<()>>)]) -> String {
    use std::fmt::Write;
    let mut rows = String::with_capacity(2 + doors.len() * 56);
    rows.push('[');
    for (i, (d, _)) in doors.iter().enumerate() {
        if i > 0 {
            rows.push(',');
        }
        let _ = match d.ticket {
            Some(t) => write!(rows, "[{t},"),
            None => write!(rows, "[null,"),
        };
        let _ = write!(
            rows,
            "{},{},{},{},\"{}\",\"{}\"]",
            d.at,
            u8::from(d.allowed),
            d.premises_id,
            d.gate_id,
            d.reason,
            d.direction
        );
    }
    rows.push(']');
    rows
}

/// Every line of a batch, and the first visits among them (a macro, so the
/// statements below are constant text the driver prepares once).
macro_rules! log_doors {
    () => {
        "INSERT INTO access_checks (ticket_number, at, allowed, premises_id, gate_id, reason, direction)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?1);
    UPDATE tickets SET first_visit_at = f.at
        FROM (SELECT value ->> 0 AS number, min(value ->> 1) AS at FROM json_each(?1)
              WHERE value ->> 2 = 1 AND value ->> 6 = 'in' GROUP BY 1) AS f
        WHERE tickets.number = f.number AND tickets.first_visit_at IS NULL"
    };
}

fn answer_doors(doors: &mut Vec<(DoorLine, oneshot::Sender<Result<()>>)>, outcome: &std::result::Result<(), String>) {
    for (_, reply) in doors.drain(..) {
        let _ = reply.send(
            outcome
                .clone()
                .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e))),
        );
    }
}

/// A batch of door lines alone: one round trip, begin to commit.
async fn commit_doors(conn: &mut SqliteConnection, doors: &mut Vec<(DoorLine, oneshot::Sender<Result<()>>)>) {
    let rows = door_rows(doors);
    const SQL: &str = concat!("BEGIN IMMEDIATE; ", log_doors!(), "; COMMIT");
    let outcome = match sqlx::query(SQL).bind(rows).execute(&mut *conn).await {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, "cannot log door checks");
            let _ = conn.execute("ROLLBACK").await;
            Err(e.to_string())
        }
    };
    answer_doors(doors, &outcome);
}

async fn commit_batch(
    conn: &mut SqliteConnection,
    batch: &mut Vec<Box<dyn Job>>,
    doors: &mut Vec<(DoorLine, oneshot::Sender<Result<()>>)>,
    generation: &AtomicU64,
) {
    if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
        tracing::error!(error = %e, "cannot begin a write transaction");
        for job in batch.drain(..) {
            job.fail(StoreError::Database(sqlx::Error::Protocol(format!(
                "begin failed: {e}"
            ))));
        }
        answer_doors(doors, &Err(format!("begin failed: {e}")));
        return;
    }
    let mut delivers = Vec::with_capacity(batch.len());
    let loud = batch.iter().any(|job| !job.quiet());
    // Once a savepoint cannot be opened or closed, SQLite may have rolled
    // the whole transaction back and be in autocommit, where every further
    // statement would commit alone: nothing more runs, and the batch fails.
    let mut broken: Option<String> = None;
    for job in batch.drain(..) {
        if let Some(why) = &broken {
            job.fail(StoreError::Database(sqlx::Error::Protocol(why.clone())));
            continue;
        }
        let wrapped = !job.self_contained();
        if wrapped && let Err(e) = conn.execute("SAVEPOINT unit").await {
            tracing::error!(error = %e, "cannot open a savepoint; the batch is abandoned");
            broken = Some(format!("cannot open a savepoint: {e}"));
            job.fail(StoreError::Database(e));
            continue;
        }
        let (ok, deliver) = job.run(Conn::Sqlite(&mut *conn)).await;
        delivers.push(deliver);
        if !wrapped {
            continue;
        }
        let end = if ok {
            "RELEASE unit"
        } else {
            "ROLLBACK TO unit; RELEASE unit"
        };
        if let Err(e) = conn.execute(end).await {
            tracing::error!(error = %e, "cannot close a savepoint; the batch is abandoned");
            broken = Some(format!("cannot close a savepoint: {e}"));
        }
    }
    // The door's lines go last, in a savepoint of their own.
    let mut door_outcome = Ok(());
    if !doors.is_empty() && broken.is_none() {
        const SQL: &str = concat!("SAVEPOINT door; ", log_doors!(), "; RELEASE door");
        if let Err(e) = sqlx::query(SQL).bind(door_rows(doors)).execute(&mut *conn).await {
            tracing::error!(error = %e, "cannot log door checks");
            door_outcome = Err(e.to_string());
            if let Err(e) = conn.execute("ROLLBACK TO door; RELEASE door").await {
                broken = Some(format!("cannot close a savepoint: {e}"));
            }
        }
    }
    let commit: std::result::Result<(), String> = match broken {
        Some(why) => {
            let _ = conn.execute("ROLLBACK").await;
            Err(why)
        }
        None => match conn.execute("COMMIT").await {
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, "commit failed; the batch is lost and every caller told");
                let _ = conn.execute("ROLLBACK").await;
                Err(e.to_string())
            }
        },
    };
    if loud {
        generation.fetch_add(1, Ordering::AcqRel);
    }
    answer_doors(doors, &door_outcome.and(commit.clone()));
    for deliver in delivers {
        deliver(
            commit
                .clone()
                .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e))),
        );
    }
}
