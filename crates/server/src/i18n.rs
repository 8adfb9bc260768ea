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

/// Why a door opened or stayed shut, in words for the person at it.
pub fn access_reason(r: tessera_domain::access::AccessReason, l: Locale) -> &'static str {
    use tessera_domain::access::AccessReason::*;
    match r {
        Allowed => pick(l, "Проходите", "Заповядайте", "Come in"),
        UnknownPass => pick(
            l,
            "Пропуск недействителен: покажите новый из приложения",
            "Пропускът е невалиден: покажете нов от приложението",
            "This pass is not valid: show a fresh one from the app",
        ),
        Cancelled => pick(l, "Заказ отменен", "Поръчката е отменена", "The order was cancelled"),
        WrongPremises => pick(
            l,
            "Билет в другое помещение",
            "Билетът е за друго помещение",
            "The ticket is for other premises",
        ),
        NotValidated => pick(
            l,
            "Нужна валидация: подойдите к менеджеру с паспортом",
            "Нужна е валидация: обърнете се към мениджъра с документ за самоличност",
            "Identity not checked yet: see the manager with your passport",
        ),
        NotConfirmed => pick(
            l,
            "Заказ ещё не подтвержден",
            "Поръчката още не е потвърдена",
            "The order is not confirmed yet",
        ),
        NotStarted => pick(
            l,
            "Период аренды ещё не начался",
            "Периодът на наема още не е започнал",
            "The rental period has not started",
        ),
        Ended => pick(
            l,
            "Период аренды закончился",
            "Периодът на наема е изтекъл",
            "The rental period has ended",
        ),
        Expired => pick(
            l,
            "Пропуск устарел: откройте билет в приложении онлайн",
            "Пропускът е изтекъл: отворете билета в приложението онлайн",
            "The pass has expired: open the ticket in the app while online",
        ),
    }
}

/// A door's direction in words.
pub fn direction(d: tessera_domain::access::Direction, l: Locale) -> &'static str {
    match d {
        tessera_domain::access::Direction::In => pick(l, "Вход", "Вход", "In"),
        tessera_domain::access::Direction::Out => pick(l, "Выход", "Изход", "Out"),
    }
}
