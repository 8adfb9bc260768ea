//! A connection (or transaction) on either backend, with the few ways we
//! run a query. Rows decode through `sqlx::FromRow`, derived once per row
//! type and valid for both backends.

use std::sync::OnceLock;

use futures::future::BoxFuture;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, PgConnection, SqliteConnection};

use crate::{Arg, Result};

/// Which SQL dialect a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: `?N` placeholders, one writer.
    Sqlite,
    /// PostgreSQL: `$N` placeholders, row locks.
    Postgres,
}

/// A borrowed connection, inside a transaction when writing.
pub enum Conn<'c> {
    /// On SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// On PostgreSQL.
    Postgres(&'c mut PgConnection),
}

/// A statement written once in PostgreSQL syntax; its SQLite form (`?N` for
/// `$N`) is made on first use and kept.
pub struct Sql {
    text: &'static str,
    sqlite: OnceLock<String>,
}

impl Sql {
    /// A statement in PostgreSQL syntax.
    pub const fn new(text: &'static str) -> Sql {
        Sql {
            text,
            sqlite: OnceLock::new(),
        }
    }

    /// The statement in a dialect.
    pub fn get(&'static self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Postgres => self.text,
            Dialect::Sqlite => self.sqlite.get_or_init(|| to_sqlite(self.text)).as_str(),
        }
    }
}

/// `$1` → `?1`: SQLite numbers `$NAME` parameters by first appearance, which
/// would silently reorder arguments, while `?N` keeps the explicit index.
pub fn to_sqlite(pg: &str) -> String {
    let mut out = String::with_capacity(pg.len());
    let mut chars = pg.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// A statement literal, in the dialect of `$conn`.
#[macro_export]
macro_rules! sql {
    ($conn:expr, $text:expr) => {{
        static STATEMENT: $crate::conn::Sql = $crate::conn::Sql::new($text);
        STATEMENT.get($conn.dialect())
    }};
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::OptInt(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::OptText(v) => q.bind(v.clone()),
            };
        }
        q
    }};
}

/// A row type both backends can decode.
pub trait AnyRow: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> AnyRow for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

impl Conn<'_> {
    /// The dialect this connection speaks.
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres(_) => Dialect::Postgres,
        }
    }

    /// What a `SELECT` adds to lock the rows it reads until the transaction
    /// ends: ` FOR UPDATE` on PostgreSQL; nothing on SQLite, whose single
    /// writer already keeps other writes out.
    pub fn for_update(&self) -> &'static str {
        match self.dialect() {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        }
    }

    /// A shorter-lived handle on the same connection.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }

    /// Runs a statement; the number of rows it touched.
    pub async fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<u64> {
        Ok(match self {
            Conn::Sqlite(c) => bind_all!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
            Conn::Postgres(c) => bind_all!(sqlx::query(sql), args)
                .execute(&mut **c)
                .await?
                .rows_affected(),
        })
    }

    /// All rows.
    pub async fn all<T: AnyRow>(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<T>> {
        Ok(match self {
            Conn::Sqlite(c) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(&mut **c).await?,
            Conn::Postgres(c) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_all(&mut **c).await?,
        })
    }

    /// At most one row.
    pub async fn opt<T: AnyRow>(&mut self, sql: &str, args: &[Arg]) -> Result<Option<T>> {
        Ok(match self {
            Conn::Sqlite(c) => {
                bind_all!(sqlx::query_as::<_, T>(sql), args)
                    .fetch_optional(&mut **c)
                    .await?
            }
            Conn::Postgres(c) => {
                bind_all!(sqlx::query_as::<_, T>(sql), args)
                    .fetch_optional(&mut **c)
                    .await?
            }
        })
    }

    /// Exactly one row.
    pub async fn one<T: AnyRow>(&mut self, sql: &str, args: &[Arg]) -> Result<T> {
        Ok(match self {
            Conn::Sqlite(c) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_one(&mut **c).await?,
            Conn::Postgres(c) => bind_all!(sqlx::query_as::<_, T>(sql), args).fetch_one(&mut **c).await?,
        })
    }

    /// One integer (a count, an id).
    pub async fn scalar(&mut self, sql: &str, args: &[Arg]) -> Result<i64> {
        let row: (i64,) = self.one(sql, args).await?;
        Ok(row.0)
    }
}

/// A unit of work run inside one transaction: on SQLite by the single
/// writer (batched with others, each in its own savepoint), on PostgreSQL
/// in a transaction of its own.
pub type Work<T> = Box<dyn for<'c> FnOnce(Conn<'c>) -> BoxFuture<'c, Result<T>> + Send>;

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_keep_their_index_on_sqlite() {
        assert_eq!(
            super::to_sqlite("a = $2 AND b = $1 AND c = '$x'"),
            "a = ?2 AND b = ?1 AND c = '$x'"
        );
    }
}
