//! Which changes are mailed, and to whom. Mail rides the same outbox as
//! webhooks: each event that is fanned out is also asked here which mails it
//! makes, so a change that rolled back mails nobody and one that committed
//! mails its people even across a crash.

use crate::OrderStatus;

/// The outbox type of a password-reset request; it is mailed, never sent to
/// a webhook (the link in it is a secret).
pub const PASSWORD_RESET_EVENT: &str = "password.reset";

/// The outbox type of an admin's test mail (sent to the admin).
pub const MAIL_TEST_EVENT: &str = "mail.test";

/// A kind of mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// To the customer: their order was made.
    OrderMade,
    /// To the customer: their order was confirmed.
    OrderConfirmed,
    /// To the customer: their order was cancelled (on entering any cancelled
    /// status, not on moving between them).
    OrderCancelled,
    /// To a ticket's new holder: someone sent them the ticket.
    TicketReceived,
    /// To a ticket's sender: the ticket is now the other person's.
    TicketSentCopy,
    /// To a user who asked: a link to set a new password.
    PasswordReset,
    /// To an admin who asked: the mail settings work.
    Test,
}

impl MailKind {
    /// Every kind.
    pub const ALL: [MailKind; 7] = [
        MailKind::OrderMade,
        MailKind::OrderConfirmed,
        MailKind::OrderCancelled,
        MailKind::TicketReceived,
        MailKind::TicketSentCopy,
        MailKind::PasswordReset,
        MailKind::Test,
    ];

    /// The stored and answered name.
    pub const fn as_str(self) -> &'static str {
        match self {
            MailKind::OrderMade => "order_made",
            MailKind::OrderConfirmed => "order_confirmed",
            MailKind::OrderCancelled => "order_cancelled",
            MailKind::TicketReceived => "ticket_received",
            MailKind::TicketSentCopy => "ticket_sent",
            MailKind::PasswordReset => "password_reset",
            MailKind::Test => "test",
        }
    }

    /// The kind a stored name names.
    pub fn parse(s: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the mail carries a secret (a reset link), so that its text is
    /// forgotten once it has gone out.
    pub const fn is_secret(self) -> bool {
        matches!(self, MailKind::PasswordReset)
    }
}

/// Who a mail goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressee {
    /// The customer of the order the event is about.
    Customer,
    /// This user.
    User(i64),
}

/// What an outbox event says, as far as mail cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// An order was made.
    OrderCreated,
    /// An order moved between these statuses.
    OrderStatusChanged { from: OrderStatus, to: OrderStatus },
    /// A visitor sent a ticket from one user to another.
    TicketSent { from: i64, to: i64 },
    /// A user asked for a reset link.
    PasswordReset { user: i64 },
    /// An admin asked for a test mail.
    Test { user: i64 },
    /// Anything else: mailed to nobody.
    Other,
}

/// The mails an event makes.
pub fn mails_for(trigger: Trigger) -> Vec<(MailKind, Addressee)> {
    match trigger {
        Trigger::OrderCreated => vec![(MailKind::OrderMade, Addressee::Customer)],
        Trigger::OrderStatusChanged {
            to: OrderStatus::Confirmed,
            ..
        } => {
            vec![(MailKind::OrderConfirmed, Addressee::Customer)]
        }
        Trigger::OrderStatusChanged { from, to } if to.is_cancelled() && !from.is_cancelled() => {
            vec![(MailKind::OrderCancelled, Addressee::Customer)]
        }
        Trigger::OrderStatusChanged { .. } => Vec::new(),
        Trigger::TicketSent { from, to } if from != to => vec![
            (MailKind::TicketReceived, Addressee::User(to)),
            (MailKind::TicketSentCopy, Addressee::User(from)),
        ],
        Trigger::TicketSent { .. } => Vec::new(),
        Trigger::PasswordReset { user } => vec![(MailKind::PasswordReset, Addressee::User(user))],
        Trigger::Test { user } => vec![(MailKind::Test, Addressee::User(user))],
        Trigger::Other => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus as S;

    #[test]
    fn an_order_mails_its_customer_when_made_confirmed_and_cancelled() {
        assert_eq!(
            mails_for(Trigger::OrderCreated),
            vec![(MailKind::OrderMade, Addressee::Customer)]
        );
        let moved = |from, to| mails_for(Trigger::OrderStatusChanged { from, to });
        assert_eq!(
            moved(S::New, S::Confirmed),
            vec![(MailKind::OrderConfirmed, Addressee::Customer)]
        );
        assert_eq!(
            moved(S::CashlessInvoiceIssued, S::Confirmed),
            vec![(MailKind::OrderConfirmed, Addressee::Customer)]
        );
        for cancelled in [S::Cancelled, S::CancelledPaymentFailed, S::CancelledRefundInProgress] {
            assert_eq!(
                moved(S::New, cancelled),
                vec![(MailKind::OrderCancelled, Addressee::Customer)]
            );
        }
        // Paying, invoicing, completing and a refund's progress are not news
        // the customer is mailed about.
        assert!(moved(S::New, S::NewPaymentInProgress).is_empty());
        assert!(moved(S::Confirmed, S::Completed).is_empty());
        assert!(moved(S::Cancelled, S::CancelledRefundInProgress).is_empty());
        assert!(moved(S::CancelledRefundInProgress, S::CancelledRefunded).is_empty());
    }

    #[test]
    fn a_sent_ticket_mails_both_people() {
        assert_eq!(
            mails_for(Trigger::TicketSent { from: 4, to: 7 }),
            vec![
                (MailKind::TicketReceived, Addressee::User(7)),
                (MailKind::TicketSentCopy, Addressee::User(4))
            ]
        );
        assert!(mails_for(Trigger::TicketSent { from: 4, to: 4 }).is_empty());
    }

    #[test]
    fn resets_and_tests_go_to_their_user_and_nothing_else_is_mailed() {
        assert_eq!(
            mails_for(Trigger::PasswordReset { user: 3 }),
            vec![(MailKind::PasswordReset, Addressee::User(3))]
        );
        assert_eq!(
            mails_for(Trigger::Test { user: 1 }),
            vec![(MailKind::Test, Addressee::User(1))]
        );
        assert!(mails_for(Trigger::Other).is_empty());
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for k in MailKind::ALL {
            assert_eq!(MailKind::parse(k.as_str()), Some(k));
        }
        assert!(MailKind::PasswordReset.is_secret());
        assert!(!MailKind::OrderMade.is_secret());
    }
}
