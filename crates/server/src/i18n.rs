//! Human-readable text of the API in Russian, Bulgarian and English.

use tessera_domain::{Locale, OrderStatus, TicketStatus};

/// A ticket status as the seed names it.
pub fn ticket_status(s: TicketStatus, l: Locale) -> &'static str {
    use TicketStatus::*;
    match (l, s) {
        (Locale::Ru, New) => "Новый",
        (Locale::Ru, Confirmed) => "Подтвержден",
        (Locale::Ru, Active) => "Активен",
        (Locale::Ru, Cancelled) => "Отменен",
        (Locale::Ru, Completed) => "Выполнен",
        (Locale::Bg, New) => "Нов",
        (Locale::Bg, Confirmed) => "Потвърден",
        (Locale::Bg, Active) => "Активен",
        (Locale::Bg, Cancelled) => "Отменен",
        (Locale::Bg, Completed) => "Изпълнен",
        (Locale::En, New) => "New",
        (Locale::En, Confirmed) => "Confirmed",
        (Locale::En, Active) => "Active",
        (Locale::En, Cancelled) => "Cancelled",
        (Locale::En, Completed) => "Completed",
    }
}

/// An order status as the seed names it.
pub fn order_status(s: OrderStatus, l: Locale) -> &'static str {
    use OrderStatus::*;
    match (l, s) {
        (Locale::Ru, New) => "Новый",
        (Locale::Ru, NewPaymentInProgress) => "Новый. В процессе оплаты",
        (Locale::Ru, NewAwaitingInvoice) => "Новый. Ожидает выставления счета на оплату",
        (Locale::Ru, CashlessInvoiceIssued) => "Безналичный расчет. Счет выставлен",
        (Locale::Ru, Confirmed) => "Подтвержден",
        (Locale::Ru, Completed) => "Выполнен",
        (Locale::Ru, Cancelled) => "Отменен",
        (Locale::Ru, CancelledPaymentFailed) => "Отменен. Неуспешная оплата",
        (Locale::Ru, CancelledRefundInProgress) => "Отменен. Выполняется возврат",
        (Locale::Ru, CancelledRefunded) => "Отменен. Выполнен возврат",
        (Locale::Bg, New) => "Нова",
        (Locale::Bg, NewPaymentInProgress) => "Нова. Плащането е в процес",
        (Locale::Bg, NewAwaitingInvoice) => "Нова. Очаква фактура",
        (Locale::Bg, CashlessInvoiceIssued) => "Безкасово плащане. Фактурата е издадена",
        (Locale::Bg, Confirmed) => "Потвърдена",
        (Locale::Bg, Completed) => "Изпълнена",
        (Locale::Bg, Cancelled) => "Отменена",
        (Locale::Bg, CancelledPaymentFailed) => "Отменена. Неуспешно плащане",
        (Locale::Bg, CancelledRefundInProgress) => "Отменена. Възстановяване в процес",
        (Locale::Bg, CancelledRefunded) => "Отменена. Сумата е възстановена",
        (Locale::En, New) => "New",
        (Locale::En, NewPaymentInProgress) => "New. Payment in progress",
        (Locale::En, NewAwaitingInvoice) => "New. Awaiting invoice",
        (Locale::En, CashlessInvoiceIssued) => "Cashless. Invoice issued",
        (Locale::En, Confirmed) => "Confirmed",
        (Locale::En, Completed) => "Completed",
        (Locale::En, Cancelled) => "Cancelled",
        (Locale::En, CancelledPaymentFailed) => "Cancelled. Payment failed",
        (Locale::En, CancelledRefundInProgress) => "Cancelled. Refund in progress",
        (Locale::En, CancelledRefunded) => "Cancelled. Refunded",
    }
}

/// Picks one of three translations.
pub fn pick(l: Locale, ru: &'static str, bg: &'static str, en: &'static str) -> &'static str {
    match l {
        Locale::Ru => ru,
        Locale::Bg => bg,
        Locale::En => en,
    }
}
