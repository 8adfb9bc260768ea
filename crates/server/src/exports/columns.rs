//! The exports' header rows, in every language.

use tessera_domain::Locale;

/// A column of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Ticket,
    Order,
    Period,
    Start,
    End,
    Visitor,
    Status,
    Workplace,
    Customer,
    Email,
    Total,
    Currency,
    Created,
    Tickets,
    At,
    Premises,
    Gate,
    Direction,
    Allowed,
    Reason,
    Offline,
    Charge,
    Folio,
    Description,
    ServiceDate,
    Quantity,
    UnitPrice,
    Amount,
    VoidReason,
}

impl Column {
    /// The column's name in a language.
    pub fn text(self, l: Locale) -> &'static str {
        use Column::*;
        let (ru, bg, en) = match self {
            Ticket => ("Билет", "Билет", "Ticket"),
            Order => ("Заказ", "Поръчка", "Order"),
            Period => ("Период аренды", "Период на наема", "Rental period"),
            Start => ("Начало", "Начало", "Start"),
            End => ("Окончание", "Край", "End"),
            Visitor => ("Посетитель", "Посетител", "Visitor"),
            Status => ("Статус", "Статус", "Status"),
            Workplace => ("Рабочее место", "Работно място", "Workplace"),
            Customer => ("Заказчик", "Клиент", "Customer"),
            Email => ("E-mail", "Имейл", "E-mail"),
            Total => ("Сумма", "Сума", "Total"),
            Currency => ("Валюта", "Валута", "Currency"),
            Created => ("Создан", "Създадена", "Made"),
            Tickets => ("Билеты", "Билети", "Tickets"),
            At => ("Время", "Час", "Time"),
            Premises => ("Помещение", "Помещение", "Premises"),
            Gate => ("Турникет", "Турникет", "Gate"),
            Direction => ("Направление", "Посока", "Direction"),
            Allowed => ("Пропущен", "Пропуснат", "Let in"),
            Reason => ("Причина", "Причина", "Reason"),
            Offline => ("Офлайн", "Офлайн", "Offline"),
            Charge => ("Начисление", "Начисление", "Charge"),
            Folio => ("Фолио", "Фолио", "Folio"),
            Description => ("Описание", "Описание", "Description"),
            ServiceDate => ("Дата услуги", "Дата на услугата", "Service date"),
            Quantity => ("Количество", "Количество", "Quantity"),
            UnitPrice => ("Цена", "Цена", "Unit price"),
            Amount => ("Стоимость", "Стойност", "Amount"),
            VoidReason => ("Причина аннулирования", "Причина за анулиране", "Why voided"),
        };
        match l {
            Locale::Ru => ru,
            Locale::Bg => bg,
            Locale::En => en,
        }
    }
}

/// A header row.
pub fn header(columns: &[Column], l: Locale) -> Vec<&'static str> {
    columns.iter().map(|c| c.text(l)).collect()
}

/// Yes or no, in words.
pub fn yes_no(v: bool, l: Locale) -> &'static str {
    match (l, v) {
        (Locale::Ru, true) => "да",
        (Locale::Ru, false) => "нет",
        (Locale::Bg, true) => "да",
        (Locale::Bg, false) => "не",
        (Locale::En, true) => "yes",
        (Locale::En, false) => "no",
    }
}
