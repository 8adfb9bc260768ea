//! SQLite's single writer with group commit.
//!
//! SQLite allows one writer at a time and each durable commit costs an
//! fsync. Rather than have requests queue on the file lock, every write is
//! sent here: the writer takes all work waiting, runs each unit in its own
//! savepoint inside one transaction, commits once, and only then answers
//! each caller. A unit that fails rolls back to its savepoint alone. Under
//! load one fsync then serves many requests, and no acknowledged write is
//! ever lost: answers go out after the commit returns.

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
    fn run<'c>(self: Box<Self>, conn: Conn<'c>) -> BoxFuture<'c, (bool, Deliver)>;
    fn fail(self: Box<Self>, error: StoreError);
}

struct Typed<T> {
    work: Work<T>,
    reply: oneshot::Sender<Result<T>>,
    self_contained: bool,
}

impl<T: Send + 'static> Job for Typed<T> {
    fn self_contained(&self) -> bool {
        self.self_contained
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

/// A handle to send work to the writer.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer on its own connection.
    pub fn start(conn: SqliteConnection) -> Writer {
        let (queue, rx) = mpsc::channel(4096);
        // The writer gets a thread and a runtime of its own, so that its
        // round trips to SQLite never wait behind HTTP work for a worker.
        let spawned = std::thread::Builder::new()
            .name("tessera-writer".into())
            .spawn(
                move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt.block_on(run(conn, rx)),
                    Err(e) => tracing::error!(error = %e, "cannot start the writer's runtime"),
                },
            );
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the writer thread");
        }
        Writer { queue }
    }

    /// Runs `work` in the next batch; answers after that batch committed.
    /// A `self_contained` unit undoes its own writes when it fails.
    pub async fn write<T: Send + 'static>(&self, work: Work<T>, self_contained: bool) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Box::new(Typed {
                work,
                reply,
                self_contained,
            }))
            .await
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }
}

async fn run(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Box<dyn Job>>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, &mut batch).await;
    }
    let _ = conn.close().await;
}

async fn commit_batch(conn: &mut SqliteConnection, batch: &mut Vec<Box<dyn Job>>) {
    if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
        tracing::error!(error = %e, "cannot begin a write transaction");
        for job in batch.drain(..) {
            job.fail(StoreError::Database(sqlx::Error::Protocol(format!(
                "begin failed: {e}"
            ))));
        }
        return;
    }
    let mut delivers = Vec::with_capacity(batch.len());
    for job in batch.drain(..) {
        let wrapped = !job.self_contained();
        if wrapped && let Err(e) = conn.execute("SAVEPOINT unit").await {
            job.fail(StoreError::Database(e));
            continue;
        }
        let (ok, deliver) = job.run(Conn::Sqlite(&mut *conn)).await;
        if !wrapped {
            delivers.push(deliver);
            continue;
        }
        let end = if ok {
            "RELEASE unit"
        } else {
            "ROLLBACK TO unit; RELEASE unit"
        };
        match conn.execute(end).await {
            Ok(_) => delivers.push(deliver),
            Err(e) => {
                tracing::error!(error = %e, "cannot close a savepoint");
                deliver(Err(StoreError::Database(e)));
            }
        }
    }
    let commit = match conn.execute("COMMIT").await {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, "commit failed; the batch is lost and every caller told");
            let _ = conn.execute("ROLLBACK").await;
            Err(e)
        }
    };
    for deliver in delivers {
        deliver(
            commit
                .as_ref()
                .map(|_| ())
                .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string()))),
        );
    }
}
