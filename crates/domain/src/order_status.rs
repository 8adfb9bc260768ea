//! The ten order statuses and which moves between them make sense.

use serde::{Deserialize, Serialize};

/// An order's status, as the seed names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Новый.
    New,
    /// Новый. В процессе оплаты.
    NewPaymentInProgress,
    /// Новый. Ожидает выставления счета на оплату.
    NewAwaitingInvoice,
    /// Безналичный расчет. Счет выставлен.
    CashlessInvoiceIssued,
    /// Подтвержден.
    Confirmed,
    /// Выполнен — set by the system once every ticket's period has ended.
    Completed,
    /// Отменен.
    Cancelled,
    /// Отменен. Неуспешная оплата.
    CancelledPaymentFailed,
    /// Отменен. Выполняется возврат.
    CancelledRefundInProgress,
    /// Отменен. Выполнен возврат.
    CancelledRefunded,
}

/// Why an order cannot move to the asked status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The order already has that status.
    #[error("the order already has this status")]
    Unchanged,
    /// Nothing leaves `completed`.
    #[error("a completed order cannot change")]
    FromCompleted,
    /// `completed` is reached only by the system when the period ends.
    #[error("an order is completed by the system when its period ends")]
    ToCompleted,
    /// A cancelled order only moves on to refunds.
    #[error("a cancelled order can only move on to its refund")]
    FromCancelled,
    /// Any other move the product does not allow.
    #[error("this change of status is not allowed")]
    NotAllowed,
}

impl OrderStatus {
    /// Every status, in the seed's order.
    pub const ALL: [OrderStatus; 10] = [
        OrderStatus::New,
        OrderStatus::NewPaymentInProgress,
        OrderStatus::NewAwaitingInvoice,
        OrderStatus::CashlessInvoiceIssued,
        OrderStatus::Confirmed,
        OrderStatus::Completed,
        OrderStatus::Cancelled,
        OrderStatus::CancelledPaymentFailed,
        OrderStatus::CancelledRefundInProgress,
        OrderStatus::CancelledRefunded,
    ];

    /// Every wire name, in the order of [`OrderStatus::ALL`].
    pub const NAMES: &'static [&'static str] = &[
        "new",
        "new_payment_in_progress",
        "new_awaiting_invoice",
        "cashless_invoice_issued",
        "confirmed",
        "completed",
        "cancelled",
        "cancelled_payment_failed",
        "cancelled_refund_in_progress",
        "cancelled_refunded",
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::New => "new",
            OrderStatus::NewPaymentInProgress => "new_payment_in_progress",
            OrderStatus::NewAwaitingInvoice => "new_awaiting_invoice",
            OrderStatus::CashlessInvoiceIssued => "cashless_invoice_issued",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Completed => "completed",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::CancelledPaymentFailed => "cancelled_payment_failed",
            OrderStatus::CancelledRefundInProgress => "cancelled_refund_in_progress",
            OrderStatus::CancelledRefunded => "cancelled_refunded",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Any of the `new*` statuses or an issued invoice: the ticket reads `new`.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            OrderStatus::New
                | OrderStatus::NewPaymentInProgress
                | OrderStatus::NewAwaitingInvoice
                | OrderStatus::CashlessInvoiceIssued
        )
    }

    /// Any of the `cancelled*` statuses.
    pub fn is_cancelled(self) -> bool {
        matches!(
            self,
            OrderStatus::Cancelled
                | OrderStatus::CancelledPaymentFailed
                | OrderStatus::CancelledRefundInProgress
                | OrderStatus::CancelledRefunded
        )
    }

    /// The statuses a person (manager or payment flow) may move the order to.
    /// `completed` is not among them: the system completes orders.
    pub fn next(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            New => &[
                NewPaymentInProgress,
                NewAwaitingInvoice,
                CashlessInvoiceIssued,
                Confirmed,
                Cancelled,
            ],
            NewPaymentInProgress => &[New, Confirmed, CancelledPaymentFailed, Cancelled],
            NewAwaitingInvoice => &[CashlessInvoiceIssued, Cancelled],
            CashlessInvoiceIssued => &[Confirmed, Cancelled],
            Confirmed => &[Cancelled, CancelledRefundInProgress],
            Completed => &[],
            Cancelled => &[CancelledRefundInProgress],
            CancelledPaymentFailed => &[Cancelled],
            CancelledRefundInProgress => &[CancelledRefunded],
            CancelledRefunded => &[],
        }
    }

    /// Checks a move asked for by a person.
    pub fn transition_to(self, to: OrderStatus) -> Result<OrderStatus, TransitionError> {
        if self == to {
            return Err(TransitionError::Unchanged);
        }
        if self == OrderStatus::Completed {
            return Err(TransitionError::FromCompleted);
        }
        if self.next().contains(&to) {
            return Ok(to);
        }
        if to == OrderStatus::Completed {
            Err(TransitionError::ToCompleted)
        } else if self.is_cancelled() {
            Err(TransitionError::FromCancelled)
        } else {
            Err(TransitionError::NotAllowed)
        }
    }

    /// The status an order reads at `now`, given the end of its last ticket
    /// (UNIX seconds): a confirmed order whose every ticket has ended reads
    /// `completed` even before the sweep writes it down.
    pub fn as_of(self, last_end: Option<i64>, now: i64) -> OrderStatus {
        match (self, last_end) {
            (OrderStatus::Confirmed, Some(end)) if end <= now => OrderStatus::Completed,
            (s, _) => s,
        }
    }

    /// Where an order still unpaid at its payment deadline goes, as the
    /// state machine allows; `None` for an order that is not unpaid.
    pub fn at_payment_deadline(self) -> Option<OrderStatus> {
        match self {
            OrderStatus::New => Some(OrderStatus::Cancelled),
            OrderStatus::NewPaymentInProgress => Some(OrderStatus::CancelledPaymentFailed),
            _ => None,
        }
    }

    /// The status a visitor's own cancellation leads to: a paid order goes to refund.
    pub fn cancelled_by_visitor(self) -> Result<OrderStatus, TransitionError> {
        let to = if self == OrderStatus::Confirmed {
            OrderStatus::CancelledRefundInProgress
        } else {
            OrderStatus::Cancelled
        };
        self.transition_to(to)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_names_are_the_statuses_wire_names() {
        let names: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, OrderStatus::NAMES);
    }

    #[test]
    fn a_confirmed_order_reads_completed_once_its_last_ticket_has_ended() {
        assert_eq!(Confirmed.as_of(Some(100), 99), Confirmed);
        assert_eq!(Confirmed.as_of(Some(100), 100), Completed, "periods are half-open");
        assert_eq!(Confirmed.as_of(None, 100), Confirmed, "no tickets, nothing ends");
        for s in [New, NewPaymentInProgress, Cancelled, CancelledRefundInProgress] {
            assert_eq!(s.as_of(Some(100), 200), s, "{s:?} is not completed by the clock");
        }
    }

    #[test]
    fn unpaid_orders_at_the_deadline_are_cancelled_as_the_machine_allows() {
        assert_eq!(New.at_payment_deadline(), Some(Cancelled));
        assert_eq!(NewPaymentInProgress.at_payment_deadline(), Some(CancelledPaymentFailed));
        for s in [
            NewAwaitingInvoice,
            CashlessInvoiceIssued,
            Confirmed,
            Completed,
            Cancelled,
            CancelledPaymentFailed,
        ] {
            assert_eq!(s.at_payment_deadline(), None, "{s:?}");
        }
        for s in [New, NewPaymentInProgress] {
            let to = s.at_payment_deadline().expect("unpaid");
            assert_eq!(s.transition_to(to), Ok(to), "{s:?} may move to {to:?}");
        }
    }

    #[test]
    fn nothing_leaves_completed() {
        for to in OrderStatus::ALL {
            assert!(Completed.transition_to(to).is_err(), "completed -> {to:?}");
        }
    }

    #[test]
    fn cancelled_orders_only_move_between_cancelled_variants() {
        for from in OrderStatus::ALL.into_iter().filter(|s| s.is_cancelled()) {
            for to in OrderStatus::ALL {
                if from.transition_to(to).is_ok() {
                    assert!(to.is_cancelled(), "{from:?} -> {to:?}");
                }
            }
        }
        assert_eq!(Cancelled.transition_to(Confirmed), Err(TransitionError::FromCancelled));
    }

    #[test]
    fn completion_is_the_systems_and_sameness_is_refused() {
        assert_eq!(Confirmed.transition_to(Completed), Err(TransitionError::ToCompleted));
        assert_eq!(New.transition_to(New), Err(TransitionError::Unchanged));
        assert_eq!(New.transition_to(Confirmed), Ok(Confirmed));
        assert_eq!(Confirmed.transition_to(New), Err(TransitionError::NotAllowed));
    }

    #[test]
    fn wire_names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
    }
}
