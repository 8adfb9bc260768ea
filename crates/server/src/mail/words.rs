//! Every word of Tessera's mail, in Russian, Bulgarian and English. One
//! struct per language, so a missing translation does not compile.
//! `{order}`, `{ticket}`, `{name}` and `{status}` are filled in by
//! [`fill`].

use tessera_domain::Locale;

/// The words of one kind of mail.
pub struct KindWords {
    /// Subject line.
    pub subject: &'static str,
    /// The first paragraph under the greeting.
    pub lead: &'static str,
}

/// Every word of the mail in one language.
pub struct MailWords {
    pub hello: &'static str,
    pub hello_nameless: &'static str,
    pub order_made: KindWords,
    pub order_confirmed: KindWords,
    pub order_cancelled: KindWords,
    pub ticket_received: KindWords,
    pub ticket_sent: KindWords,
    pub password_reset: KindWords,
    pub test: KindWords,
    pub status: &'static str,
    pub ticket: &'static str,
    pub period: &'static str,
    pub workplace: &'static str,
    pub total: &'static str,
    pub confirmed_hint: &'static str,
    pub open_ticket: &'static str,
    pub open_tickets: &'static str,
    pub reset_button: &'static str,
    pub reset_hint: &'static str,
    pub reset_ignore: &'static str,
    pub link_fallback: &'static str,
    pub footer: &'static str,
}

const RU: MailWords = MailWords {
    hello: "Здравствуйте, {name}!",
    hello_nameless: "Здравствуйте!",
    order_made: KindWords {
        subject: "Заказ {order} оформлен",
        lead: "Мы получили ваш заказ {order}. Статус: {status}.",
    },
    order_confirmed: KindWords {
        subject: "Заказ {order} подтвержден",
        lead: "Ваш заказ {order} подтвержден.",
    },
    order_cancelled: KindWords {
        subject: "Заказ {order} отменен",
        lead: "Ваш заказ {order} отменен. Статус: {status}.",
    },
    ticket_received: KindWords {
        subject: "Вам передан билет {ticket}",
        lead: "{name} передает вам билет {ticket}. Теперь он ваш.",
    },
    ticket_sent: KindWords {
        subject: "Билет {ticket} передан",
        lead: "Вы передали билет {ticket}. Теперь он принадлежит пользователю {name}.",
    },
    password_reset: KindWords {
        subject: "Смена пароля в Tessera",
        lead: "Вы запросили смену пароля. Чтобы задать новый, откройте ссылку.",
    },
    test: KindWords {
        subject: "Проверка почты Tessera",
        lead: "Почта настроена: это письмо отправил сервер Tessera.",
    },
    status: "Статус",
    ticket: "Билет",
    period: "Период аренды",
    workplace: "Рабочее место",
    total: "Сумма",
    confirmed_hint: "Пропуск для входа — в приложении, в разделе «Мои билеты». Перед первым визитом менеджер проверит вашу личность.",
    open_ticket: "Открыть билет",
    open_tickets: "Мои билеты",
    reset_button: "Задать новый пароль",
    reset_hint: "Ссылка действует 1 час и только один раз.",
    reset_ignore: "Если вы не запрашивали смену пароля, просто не обращайте внимания на это письмо: пароль останется прежним.",
    link_fallback: "Если кнопка не открывается, скопируйте ссылку в браузер:",
    footer: "Письмо отправлено автоматически, отвечать на него не нужно.",
};

const BG: MailWords = MailWords {
    hello: "Здравейте, {name}!",
    hello_nameless: "Здравейте!",
    order_made: KindWords {
        subject: "Поръчка {order} е направена",
        lead: "Получихме вашата поръчка {order}. Статус: {status}.",
    },
    order_confirmed: KindWords {
        subject: "Поръчка {order} е потвърдена",
        lead: "Вашата поръчка {order} е потвърдена.",
    },
    order_cancelled: KindWords {
        subject: "Поръчка {order} е отменена",
        lead: "Вашата поръчка {order} е отменена. Статус: {status}.",
    },
    ticket_received: KindWords {
        subject: "Получихте билет {ticket}",
        lead: "{name} ви изпрати билет {ticket}. Вече е ваш.",
    },
    ticket_sent: KindWords {
        subject: "Билет {ticket} е изпратен",
        lead: "Изпратихте билет {ticket}. Вече принадлежи на {name}.",
    },
    password_reset: KindWords {
        subject: "Смяна на паролата в Tessera",
        lead: "Поискахте смяна на паролата. За да зададете нова, отворете връзката.",
    },
    test: KindWords {
        subject: "Проверка на пощата на Tessera",
        lead: "Пощата е настроена: това писмо е изпратено от сървъра на Tessera.",
    },
    status: "Статус",
    ticket: "Билет",
    period: "Период на наема",
    workplace: "Работно място",
    total: "Сума",
    confirmed_hint: "Пропускът за вход е в приложението, в „Моите билети“. Преди първото посещение мениджърът ще провери самоличността ви.",
    open_ticket: "Отвори билета",
    open_tickets: "Моите билети",
    reset_button: "Задай нова парола",
    reset_hint: "Връзката е валидна 1 час и само веднъж.",
    reset_ignore: "Ако не сте поискали смяна на паролата, не обръщайте внимание на това писмо: паролата остава същата.",
    link_fallback: "Ако бутонът не се отваря, копирайте връзката в браузъра:",
    footer: "Писмото е изпратено автоматично, не е нужно да отговаряте.",
};

const EN: MailWords = MailWords {
    hello: "Hello {name},",
    hello_nameless: "Hello,",
    order_made: KindWords {
        subject: "Order {order} is placed",
        lead: "We have your order {order}. Status: {status}.",
    },
    order_confirmed: KindWords {
        subject: "Order {order} is confirmed",
        lead: "Your order {order} is confirmed.",
    },
    order_cancelled: KindWords {
        subject: "Order {order} is cancelled",
        lead: "Your order {order} is cancelled. Status: {status}.",
    },
    ticket_received: KindWords {
        subject: "Ticket {ticket} is yours",
        lead: "{name} sent you ticket {ticket}. It is yours now.",
    },
    ticket_sent: KindWords {
        subject: "Ticket {ticket} is sent",
        lead: "You sent ticket {ticket}. It belongs to {name} now.",
    },
    password_reset: KindWords {
        subject: "Your Tessera password",
        lead: "You asked to change your password. Open the link to set a new one.",
    },
    test: KindWords {
        subject: "Tessera mail check",
        lead: "Mail works: this message was sent by the Tessera server.",
    },
    status: "Status",
    ticket: "Ticket",
    period: "Rental period",
    workplace: "Workplace",
    total: "Total",
    confirmed_hint: "Your pass is in the app, under \"My tickets\". Before your first visit a manager checks your identity.",
    open_ticket: "Open the ticket",
    open_tickets: "My tickets",
    reset_button: "Set a new password",
    reset_hint: "The link works once, for 1 hour.",
    reset_ignore: "If you did not ask for this, ignore this mail: your password stays as it is.",
    link_fallback: "If the button does not open, copy the link into your browser:",
    footer: "This mail was sent automatically; there is no need to reply.",
};

/// The mail's words in a language.
pub fn mail_words(l: Locale) -> &'static MailWords {
    match l {
        Locale::Ru => &RU,
        Locale::Bg => &BG,
        Locale::En => &EN,
    }
}

/// Values for a sentence's placeholders.
#[derive(Debug, Default, Clone)]
pub struct Fill<'a> {
    pub order: Option<i64>,
    pub ticket: Option<i64>,
    pub name: Option<&'a str>,
    pub status: Option<&'a str>,
}

/// A sentence with its placeholders filled in.
pub fn fill(template: &str, f: &Fill<'_>) -> String {
    let mut s = template.to_owned();
    if let Some(n) = f.order {
        s = s.replace("{order}", &n.to_string());
    }
    if let Some(n) = f.ticket {
        s = s.replace("{ticket}", &n.to_string());
    }
    if let Some(n) = f.name {
        s = s.replace("{name}", n);
    }
    if let Some(n) = f.status {
        s = s.replace("{status}", n);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_of_every_sentence_is_one_fill_knows() {
        for l in [Locale::Ru, Locale::Bg, Locale::En] {
            let w = mail_words(l);
            let f = Fill {
                order: Some(1223),
                ticket: Some(34),
                name: Some("Мария Семенова"),
                status: Some("Новый"),
            };
            for k in [
                &w.order_made,
                &w.order_confirmed,
                &w.order_cancelled,
                &w.ticket_received,
                &w.ticket_sent,
                &w.password_reset,
                &w.test,
            ] {
                for s in [k.subject, k.lead] {
                    let out = fill(s, &f);
                    assert!(!out.contains('{'), "{l:?}: {out}");
                }
            }
            assert!(!fill(w.hello, &f).contains('{'));
        }
    }
}
