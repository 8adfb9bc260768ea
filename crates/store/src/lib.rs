//! Tessera's storage: one API over SQLite (the embedded default) and
//! PostgreSQL (for several instances). Each backend has its own migrations;
//! queries are written once in portable SQL where that is cheap and per
//! backend where it matters.

mod args;
mod booking;
mod catalogue;
mod catalogue_cache;
mod catalogue_edits;
mod checkpointer;
mod conn;
mod door;
mod door_cache;
mod error;
mod event_states;
mod events;
mod feeds;
mod idempotency;
mod list_query;
mod mail;
mod migrate;
mod order_list;
mod orders;
mod outbox;
mod people;
mod rows;
mod sessions;
mod sign_in;
mod store;
mod sweeper;
mod ticket_list;
mod tickets;
mod users;
mod visits;
mod webhooks;
mod writer;

pub use args::Arg;
pub use catalogue::{NewModifier, NewPremises, NewTariff, NewVenue};
pub use catalogue_edits::{ItemPatch, PremisesPatch, VenuePatch};
pub use conn::{Conn, Dialect};
pub use door::{CheckFilter, CheckPage, CheckRow, OfflineCheck, PassKeyRow, Presence};
pub use error::{Conflict, StoreError};
pub use events::{
    ActivityRow, AuditEntry, BlockEdit, BlockRow, ChargeRow, DiaryEntry, DiaryHall, EventView, FolioRow, NewActivity,
    NewCharge, NewEvent,
};
pub use feeds::{HallActivity, HallInfo};
pub use idempotency::KeyState;
pub use mail::{DueMail, MailIntent, MailOutcome, MailRow};
pub use order_list::{OrderFilter, OrderPage};
pub use orders::{NewOrder, NewOrderItem, OrderHistoryEntry, OrderView};
pub use outbox::{Attempt, AttemptNext, DueDelivery, Fan, OutboxEvent};
pub use people::UserPatch;
pub use rows::*;
pub use sign_in::SignInAttempt;
pub use store::{DEFAULT_POSTGRES_POOL, Store};
pub use tessera_domain::booking::Booking;
pub use ticket_list::{TicketFilter, TicketListItem, TicketPage};
pub use tickets::{TicketView, VisitorChange};
pub use users::NewUser;
pub use visits::{PassClaim, PassState};
pub use webhooks::{DeliveryRow, NewWebhook, WebhookPatch, WebhookRow};

/// A result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
