//! Opening a store and running work on it.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, Postgres, Sqlite, SqlitePool};

use crate::catalogue_cache::CatalogueCache;
use crate::door_cache::DoorCache;
use crate::event_states::EventStates;
use crate::writer::Writer;
use crate::{Conn, Dialect, Result, migrate};
use tessera_domain::refusal::Refusal;

enum Backend {
    Sqlite {
        readers: SqlitePool,
        writer: Writer,
        door: DoorCache,
        /// The checkpointer runs while this lives.
        _alive: Arc<()>,
    },
    Postgres(PgPool),
}

/// Connections to PostgreSQL per instance, unless configured.
pub const DEFAULT_POSTGRES_POOL: u32 = 32;

/// The database, shared by every request.
#[derive(Clone)]
pub struct Store {
    backend: Arc<Backend>,
    pub(crate) catalogue: Arc<CatalogueCache>,
    pub(crate) event_states: Arc<EventStates>,
}

/// A pooled connection for reading.
pub enum Reader {
    /// SQLite, read-only.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

impl Reader {
    /// The connection.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Reader::Sqlite(c) => Conn::Sqlite(c),
            Reader::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl Store {
    /// Opens (creating and migrating) the database at `url`:
    /// `sqlite://path` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, DEFAULT_POSTGRES_POOL).await
    }

    /// Like [`Store::open`], with at most `postgres_pool` connections to
    /// PostgreSQL (several instances share the server's `max_connections`).
    pub async fn open_with(url: &str, postgres_pool: u32) -> Result<Store> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?.log_statements(tracing::log::LevelFilter::Trace);
            let pool = PgPoolOptions::new()
                .max_connections(postgres_pool.max(2))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            migrate::postgres(&pool).await?;
            Backend::Postgres(pool)
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // Durable: a commit returns only once the WAL is on disk.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-65536")
                .pragma("mmap_size", "1073741824")
                .log_statements(tracing::log::LevelFilter::Trace);
            // The checkpointer thread copies the WAL back; the writer checks
            // only as a backstop, when under steady writes the thread never
            // catches up (about 40 MB of WAL, where the default is 4 MB).
            let mut writer = options.clone().pragma("wal_autocheckpoint", "10000").connect().await?;
            migrate::sqlite(&mut writer).await?;
            let alive = Arc::new(());
            crate::checkpointer::start(options.connect().await?, Arc::downgrade(&alive));
            // A pooled SQLite connection is a thread of ours, not a socket: there
            // is nothing to test before handing it out, and the test costs a round trip.
            let readers = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .max_connections(8)
                .min_connections(1)
                .connect_with(options.read_only(true))
                .await?;
            Backend::Sqlite {
                readers,
                writer: Writer::start(writer),
                door: DoorCache::default(),
                _alive: alive,
            }
        };
        Ok(Store {
            backend: Arc::new(backend),
            catalogue: Arc::default(),
            event_states: Arc::default(),
        })
    }

    /// The backend's dialect.
    pub fn dialect(&self) -> Dialect {
        match *self.backend {
            Backend::Sqlite { .. } => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// On SQLite, the single writer and the door's cache.
    pub(crate) fn sqlite_door(&self) -> Option<(&Writer, &DoorCache)> {
        match &*self.backend {
            Backend::Sqlite { writer, door, .. } => Some((writer, door)),
            Backend::Postgres(_) => None,
        }
    }

    /// A connection for reading.
    pub async fn reader(&self) -> Result<Reader> {
        Ok(match &*self.backend {
            Backend::Sqlite { readers, .. } => Reader::Sqlite(readers.acquire().await?),
            Backend::Postgres(pool) => Reader::Postgres(pool.acquire().await?),
        })
    }

    /// Runs `work`'s reads in one snapshot (a read transaction; REPEATABLE
    /// READ on PostgreSQL), so everything it reads is of one moment.
    pub(crate) async fn read_snapshot<T, F>(&self, work: F) -> Result<T>
    where
        F: for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T>>,
    {
        let mut r = self.reader().await?;
        match &mut r {
            Reader::Sqlite(conn) => {
                let mut tx = sqlx::Connection::begin(&mut **conn).await?;
                let value = work(Conn::Sqlite(&mut tx)).await?;
                tx.commit().await?;
                Ok(value)
            }
            Reader::Postgres(conn) => {
                let mut tx = sqlx::Connection::begin(&mut **conn).await?;
                sqlx::Executor::execute(&mut *tx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").await?;
                let value = work(Conn::Postgres(&mut tx)).await?;
                tx.commit().await?;
                Ok(value)
            }
        }
    }

    /// Runs `work` in one transaction and answers once it is committed.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        match &*self.backend {
            Backend::Sqlite { writer, .. } => writer.write(Box::new(work), false).await,
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let value = work(Conn::Postgres(&mut tx)).await?;
                tx.commit().await?;
                Ok(value)
            }
        }
    }

    /// Like [`Store::write`], for a unit that writes only the outbox and
    /// webhook deliveries (see [`Writer::write_quiet`]).
    pub(crate) async fn write_quiet<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        match &*self.backend {
            Backend::Sqlite { writer, .. } => writer.write_quiet(Box::new(work)).await,
            Backend::Postgres(_) => self.write(work).await,
        }
    }

    /// Like [`Store::write`], for a unit that keeps itself atomic on SQLite
    /// (see `orders::insert_single_sqlite`): the writer skips its savepoint.
    pub(crate) async fn write_self_contained<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        match &*self.backend {
            Backend::Sqlite { writer, .. } => writer.write(Box::new(work), true).await,
            Backend::Postgres(_) => self.write(work).await,
        }
    }

    /// Writes an online, consistent copy of a SQLite database to `path`
    /// (`VACUUM INTO` reads one snapshot, so no write is half in the copy).
    /// PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn backup_sqlite(&self, path: String) -> Result<()> {
        if self.dialect() != Dialect::Sqlite {
            return Err(crate::StoreError::unprocessable("database", Refusal::BackUpWithPgDump));
        }
        let mut r = self.reader().await?;
        r.conn().exec("VACUUM INTO ?1", &[crate::Arg::Text(path)]).await?;
        Ok(())
    }

    /// Closes every connection (after in-flight work).
    pub async fn close(&self) {
        match &*self.backend {
            Backend::Sqlite { readers, .. } => readers.close().await,
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}
