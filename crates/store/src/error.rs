//! What can go wrong in storage, in the product's terms.

use tessera_domain::order_status::TransitionError;
use tessera_domain::{OrderStatus, TicketStatus};

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or is not the caller's).
    #[error("{0} not found")]
    NotFound(tessera_domain::refusal::Thing),
    /// The request conflicts with the current state.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A value refers to something unusable (e.g. a tariff of another venue).
    #[error("{field}: {refusal}")]
    Unprocessable {
        /// The request field.
        field: String,
        /// What is wrong with it.
        refusal: tessera_domain::refusal::Refusal,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A cascade (or an event's rule) refused the change.
    #[error("{0}")]
    Cascade(tessera_events::CascadeError),
    /// The client's `If-Match` version is not the current one.
    #[error("stale version; current is {current}")]
    PreconditionFailed {
        /// The current version.
        current: i64,
    },
    /// The caller's role may not make this change (decided by the domain
    /// inside the change's transaction, against the row as it is then).
    #[error("not allowed")]
    Forbidden,
    /// The single writer is gone (shutting down).
    #[error("the database writer has stopped")]
    WriterGone,
}

/// Conflicts with state, each a 409 with its reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Conflict {
    /// The workplace is held by these live tickets for an overlapping period.
    WorkplaceTaken {
        /// The workplace asked for.
        workplace_id: i64,
        /// Numbers of the tickets holding it.
        tickets: Vec<i64>,
    },
    /// The order cannot move to that status.
    OrderTransition {
        /// Current status.
        from: OrderStatus,
        /// Asked status.
        to: OrderStatus,
        /// Why not.
        reason: TransitionError,
    },
    /// The ticket's status does not allow the action.
    TicketStatus {
        /// The ticket's status now.
        status: TicketStatus,
        /// The action refused.
        action: tessera_domain::ticket_status::TicketAction,
    },
    /// The ticket is validated already.
    AlreadyValidated,
    /// An account with that e-mail exists.
    EmailTaken,
    /// A visitor has as many unpaid orders of their own as they may.
    UnpaidOrders {
        /// The cap.
        limit: u32,
    },
    /// The edit would leave no active admin.
    LastAdmin,
    /// A venue's time zone or currency cannot change: it has orders.
    VenueHasOrders {
        /// How many.
        orders: i64,
    },
    /// The workplace cannot be archived: live tickets hold it.
    WorkplaceHeld {
        /// Numbers of the tickets (the first hundred).
        tickets: Vec<i64>,
    },
    /// A sent mail with a secret in it (a reset link) keeps no text, so it
    /// cannot be sent again.
    MailForgotten,
}

/// A stored name this version does not know is a damaged row: refused as
/// the database's fault, never read as a default.
impl From<tessera_domain::stored::UnknownName> for StoreError {
    fn from(e: tessera_domain::stored::UnknownName) -> Self {
        StoreError::Database(sqlx::Error::Decode(Box::new(e)))
    }
}

impl StoreError {
    /// A conflict.
    pub fn conflict(c: Conflict) -> Self {
        StoreError::Conflict(c)
    }

    /// A 422 on a field.
    pub fn unprocessable(field: impl Into<String>, refusal: impl Into<tessera_domain::refusal::Refusal>) -> Self {
        StoreError::Unprocessable {
            field: field.into(),
            refusal: refusal.into(),
        }
    }

    /// Whether the database refused the row as a double booking: the
    /// PostgreSQL exclusion constraint, or the SQLite trigger that raises
    /// the same refusal under the name `workplace_taken`.
    pub fn is_double_booking(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                e.constraint() == Some("tickets_no_double_booking") || e.message() == "workplace_taken"
            }
            StoreError::Conflict(Conflict::WorkplaceTaken { .. }) => true,
            _ => false,
        }
    }

    /// Whether PostgreSQL broke a deadlock by failing this statement.
    pub fn is_deadlock(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.code().as_deref() == Some("40P01"))
    }

    /// Whether the database refused the row because the constraint (or
    /// unique index) of this name holds: PostgreSQL names it; SQLite names
    /// the index's columns instead, given as `sqlite_columns`.
    pub fn violates(&self, constraint: &str, sqlite_columns: &str) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                e.constraint() == Some(constraint) || (e.is_unique_violation() && e.message().contains(sqlite_columns))
            }
            _ => false,
        }
    }

    /// Whether the database refused the row because another live activity
    /// holds the hall at an overlapping time that day (PostgreSQL's
    /// exclusion constraint, SQLite's trigger of the same name).
    pub fn is_hall_taken(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                e.constraint() == Some("activities_hall_overlap") || e.message().contains("activities_hall_overlap")
            }
            _ => false,
        }
    }

    /// Whether the row's e-mail is another account's.
    pub fn is_email_taken(&self) -> bool {
        self.violates("users_email_key", "users.email")
    }

    /// Whether the premises have a workplace of that name.
    pub fn is_workplace_name_taken(&self) -> bool {
        self.violates(
            "workplaces_premises_id_name_key",
            "workplaces.premises_id, workplaces.name",
        )
    }
}
