//! Versioned migrations, one tree per backend, embedded in the binary.

use sqlx::{PgPool, SqliteConnection};

use crate::Result;

/// Brings a SQLite database to the newest schema.
pub async fn sqlite(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::migrate!("./migrations/sqlite").run(conn).await?;
    Ok(())
}

/// Brings a PostgreSQL database to the newest schema. Several instances may
/// start at once: sqlx takes an advisory lock, so one migrates and the
/// others wait.
pub async fn postgres(pool: &PgPool) -> Result<()> {
    sqlx::migrate!("./migrations/postgres").run(pool).await?;
    Ok(())
}
