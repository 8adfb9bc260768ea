//! Tessera's coworking domain: pure types and rules, no I/O, no async.
//!
//! Values are parsed at the edge into types that cannot hold an invalid value
//! (periods, money, names, e-mail), and every rule that decides a status or a
//! transition is a plain function here, so storage and HTTP only carry it out.

pub mod access;
pub mod booking;
pub mod locale;
pub mod mail;
pub mod money;
pub mod money_text;
pub mod order_status;
pub mod password;
pub mod people;
pub mod period;
pub mod period_text;
pub mod person;
pub mod premises;
pub mod pricing;
pub mod refusal;
pub mod role;
pub mod sign_in;
pub mod stored;
pub mod ticket_status;
pub mod webhooks;

pub use locale::Locale;
pub use money::Money;
pub use order_status::OrderStatus;
pub use period::{Period, PeriodError, PeriodInput};
pub use role::Role;
pub use ticket_status::TicketStatus;
