//! The API's catalogue of field messages, why a request is malformed and
//! what was not found, in Russian, Bulgarian and English. Every reason is a
//! typed value ([`Refusal`], [`CascadeError`], [`Malformed`], [`Thing`]) and
//! every match here is exhaustive: a reason without wording in every
//! language does not compile.

use tessera_domain::Locale;
use tessera_domain::booking::BookingRefusal;
use tessera_domain::money::MoneyError;
use tessera_domain::password::PasswordError;
use tessera_domain::period::PeriodError;
use tessera_domain::person::PersonError;
use tessera_domain::refusal::{Refusal, Thing};
use tessera_events::CascadeError;

use crate::i18n::pick;

/// One text in the three languages, chosen by the caller's.
pub(crate) fn say(l: Locale, ru: String, bg: String, en: String) -> String {
    match l {
        Locale::Ru => ru,
        Locale::Bg => bg,
        Locale::En => en,
    }
}

/// A refused field's message.
pub fn refusal(r: &Refusal, l: Locale) -> String {
    let p = |ru: &'static str, bg: &'static str, en: &'static str| pick(l, ru, bg, en).to_owned();
    match r {
        Refusal::Required => p("обязательное поле", "задължително поле", "is required"),
        Refusal::WrongType => p("значение не того типа", "стойност от грешен тип", "has the wrong type"),
        Refusal::NotWholeNumber => p("нужно целое число", "трябва да е цяло число", "must be a whole number"),
        Refusal::OneOf(names) => refusal_one_of(&names.join(", "), l),
        Refusal::Expected(names) => refusal_one_of(&names.join(", "), l),
        Refusal::NotDate => p(
            "ожидается дата в виде ГГГГ-ММ-ДД",
            "очаква се дата във вида ГГГГ-ММ-ДД",
            "expected a date as YYYY-MM-DD",
        ),
        Refusal::YearOutOfRange => cascade(&CascadeError::YearOutOfRange, l),
        Refusal::NotTime => p(
            "ожидается время в виде ЧЧ:ММ",
            "очаква се час във вида ЧЧ:ММ",
            "expected a time as HH:MM",
        ),
        Refusal::TimeNotAfterStart => p(
            "время окончания должно быть позже начала",
            "часът на края трябва да е след началото",
            "the end time must be after the start time",
        ),
        Refusal::TimePairIncomplete => p(
            "укажите и начало, и окончание (или ни того, ни другого — на весь день)",
            "посочете и начало, и край (или нито едното — за целия ден)",
            "give both the start and the end time (or neither, for the whole day)",
        ),
        Refusal::NotDecimal => p(
            "это не десятичное число",
            "това не е десетично число",
            "not a decimal number",
        ),
        Refusal::Negative => p(
            "не может быть отрицательным",
            "не може да е отрицателно",
            "must not be negative",
        ),
        Refusal::AtLeastOne => p("должно быть не меньше 1", "трябва да е поне 1", "must be at least 1"),
        Refusal::Between { min, max } => say(
            l,
            format!("от {min} до {max}"),
            format!("от {min} до {max}"),
            format!("must be from {min} to {max}"),
        ),
        Refusal::TooManyDays(n) => say(
            l,
            format!("не больше {n} дней после первого дня"),
            format!("не повече от {n} дни след първия ден"),
            format!("at most {n} days after the first day"),
        ),
        Refusal::TooLong(n) => say(
            l,
            format!("слишком длинно (не больше {n} символов)"),
            format!("твърде дълго (най-много {n} знака)"),
            format!("is too long (at most {n} characters)"),
        ),
        Refusal::TooMany(n) => say(
            l,
            format!("не больше {n} элементов"),
            format!("най-много {n} елемента"),
            format!("at most {n} entries"),
        ),
        Refusal::NotTimeZone => p(
            "это не часовой пояс IANA (например, Europe/Moscow)",
            "това не е часова зона по IANA (например Europe/Sofia)",
            "not an IANA time zone",
        ),
        Refusal::NotCurrency => p(
            "код валюты ISO 4217, например RUB",
            "код на валута по ISO 4217, например BGN",
            "an ISO 4217 code such as RUB",
        ),
        Refusal::NotPositiveNumber => p(
            "положительное целое число",
            "положително цяло число",
            "a positive whole number",
        ),
        Refusal::NotKey => p(
            "от 1 до 255 видимых символов ASCII",
            "от 1 до 255 видими знака ASCII",
            "1 to 255 visible ASCII characters",
        ),
        Refusal::NotCursor => p(
            "курсор выдан не этим сервером",
            "курсорът не е издаден от този сървър",
            "not a cursor this server issued",
        ),
        Refusal::RequiredForMode => p(
            "обязательно для этого режима",
            "задължително за този режим",
            "is required for this mode",
        ),
        Refusal::BeforeStart => p(
            "не может быть раньше первого дня",
            "не може да е преди първия ден",
            "must not be before the first day",
        ),
        Refusal::PeriodShape => p(
            "укажите либо даты начала и окончания, либо дату и время начала и окончания",
            "посочете или начална и крайна дата, или дата с начален и краен час",
            "give either start_date and end_date, or date, start_time and end_time",
        ),
        Refusal::UserOrNew => p(
            "выберите пользователя или создайте нового",
            "изберете потребител или създайте нов",
            "give either user_id or user",
        ),
        Refusal::VisitorFieldsOnly => p(
            "у нового посетителя только имя, фамилия, e-mail и телефон",
            "новият посетител има само име, фамилия, имейл и телефон",
            "a visitor created here has only names, e-mail and phone",
        ),
        Refusal::RoleGivenByAdmin => p(
            "посетители регистрируются сами; другие роли назначает администратор",
            "посетителите се регистрират сами; другите роли се дават от администратор",
            "visitors register themselves; other roles are given by an admin",
        ),
        Refusal::KeyReused => p(
            "этот ключ уже использован для другого запроса",
            "този ключ вече е използван за друга заявка",
            "this key was used with another request",
        ),
        Refusal::Period(e) => period(e, l),
        Refusal::Booking(e) => booking(*e, l),
        Refusal::Password(e) => password(*e, l),
        Refusal::Person(e) => person(e, l),
        Refusal::Money(e) => money(e, l),
        Refusal::NoSuchVenue => p("такой площадки нет", "няма такъв обект", "no such venue"),
        Refusal::NoSuchWorkplace => p(
            "такого рабочего места нет",
            "няма такова работно място",
            "no such workplace",
        ),
        Refusal::NoSuchUser => p("такого пользователя нет", "няма такъв потребител", "no such user"),
        Refusal::NoSuchTariff => p(
            "в этой площадке нет такого тарифа",
            "в този обект няма такава тарифа",
            "no such tariff in this venue",
        ),
        Refusal::NoSuchServiceVariant => p(
            "в этой площадке нет такого варианта услуги",
            "в този обект няма такъв вариант на услугата",
            "no such service variant in this venue",
        ),
        Refusal::NoSuchModifier(id) => say(
            l,
            format!("в этой площадке нет модификатора {id}"),
            format!("в този обект няма модификатор {id}"),
            format!("no such modifier in this venue: {id}"),
        ),
        Refusal::NoSuchActivity => p(
            "у мероприятия нет такой действующей активности",
            "мероприятието няма такава действаща дейност",
            "no such active activity of this event",
        ),
        Refusal::NoSuchVisitor => p(
            "нет посетителя с таким e-mail",
            "няма посетител с този имейл",
            "no visitor has this e-mail",
        ),
        Refusal::NotAHall => p(
            "это не зал площадки мероприятия",
            "това не е зала в обекта на мероприятието",
            "not a hall of the event's venue",
        ),
        Refusal::NotCoworking => p(
            "рабочие места бывают только в коворкинге",
            "работните места са само в коуъркинг",
            "workplaces belong to coworking premises",
        ),
        Refusal::WorkplaceNameTaken => p(
            "в этом помещении уже есть рабочее место с таким названием",
            "в това помещение вече има работно място с това име",
            "these premises already have a workplace with this name",
        ),
        Refusal::OtherVenue => p(
            "рабочее место в другой площадке",
            "работното място е в друг обект",
            "the workplace is in another venue",
        ),
        Refusal::OrderInOneVenue => p(
            "все рабочие места заказа должны быть в одной площадке",
            "всички работни места в поръчката трябва да са в един обект",
            "all workplaces of an order must be in one venue",
        ),
        Refusal::OrderBooksNothing => p(
            "заказ бронирует хотя бы одно рабочее место",
            "поръчката резервира поне едно работно място",
            "an order books at least one workplace",
        ),
        Refusal::NotWebhookUrl => p(
            "нужен веб-адрес, начинающийся с http:// или https://",
            "нужен е уеб адрес, започващ с http:// или https://",
            "an http:// or https:// address",
        ),
        Refusal::UnknownEventType => p("нет такого типа событий", "няма такъв вид събитие", "not an event type"),
        Refusal::EveryTypeAlone => p(
            "\"*\" (все типы) указывается один",
            "\"*\" (всички видове) се посочва самостоятелно",
            "\"*\" (every type) stands alone",
        ),
        Refusal::VisitorOrdersForThemselves => p(
            "посетитель оформляет заказ только на себя",
            "посетителят поръчва само за себе си",
            "a visitor orders for themselves",
        ),
        Refusal::TicketYoursAlready => p("билет уже ваш", "билетът вече е ваш", "the ticket is yours already"),
        Refusal::OnlyVisitorsHoldTickets => p(
            "билет может принадлежать только посетителю",
            "билет може да принадлежи само на посетител",
            "only a visitor can hold a ticket",
        ),
        Refusal::BackUpWithPgDump => p(
            "резервную копию PostgreSQL делает pg_dump",
            "резервно копие на PostgreSQL се прави с pg_dump",
            "back up PostgreSQL with pg_dump",
        ),
        Refusal::Archived => p(
            "в архиве: для новых заказов не предлагается",
            "в архива е: не се предлага за нови поръчки",
            "is archived: not offered for new orders",
        ),
        Refusal::WrongPassword => p(
            "это не ваш текущий пароль",
            "това не е текущата ви парола",
            "this is not your current password",
        ),
        Refusal::ResetLinkInvalid => p(
            "ссылка уже использована, устарела или неизвестна; запросите новую",
            "връзката вече е използвана, изтекла или непозната; поискайте нова",
            "this link is used, expired or unknown; ask for a new one",
        ),
        Refusal::NotInstant => p(
            "ожидается момент времени RFC 3339 со смещением или дата в виде ГГГГ-ММ-ДД",
            "очаква се момент RFC 3339 с отместване или дата във вида ГГГГ-ММ-ДД",
            "expected an RFC 3339 instant with an offset, or a date as YYYY-MM-DD",
        ),
        Refusal::NotUuid => p("ожидается UUID", "очаква се UUID", "expected a UUID"),
        Refusal::InFuture => p(
            "время ещё не наступило",
            "времето още не е настъпило",
            "is in the future",
        ),
        Refusal::NoSuchTicket => p("такого билета нет", "няма такъв билет", "no such ticket"),
        Refusal::NoSuchPremises => p("такого помещения нет", "няма такова помещение", "no such premises"),
        Refusal::ForgedPassAllowed => p(
            "пропуск не подписан этим сервером: по нему нельзя было пропустить",
            "пропускът не е подписан от този сървър: по него не може да се пуска",
            "the pass was not signed by this server, so it cannot have let anyone in",
        ),
    }
}

fn refusal_one_of(names: &str, l: Locale) -> String {
    say(
        l,
        format!("одно из значений: {names}"),
        format!("една от стойностите: {names}"),
        format!("one of {names}"),
    )
}

fn period(e: &PeriodError, l: Locale) -> String {
    let p = |ru: &'static str, bg: &'static str, en: &'static str| pick(l, ru, bg, en).to_owned();
    match e {
        PeriodError::EndBeforeStart => p(
            "последний день не может быть раньше первого",
            "последният ден не може да е преди първия",
            "the last day must not be before the first day",
        ),
        PeriodError::TooLong => {
            let n = tessera_domain::period::MAX_DAYS;
            say(
                l,
                format!("период не длиннее {n} дн."),
                format!("периодът е най-много {n} дни"),
                format!("a period may span at most {n} days"),
            )
        }
        PeriodError::EndTimeNotAfterStart => p(
            "время окончания должно быть позже времени начала",
            "крайният час трябва да е след началния",
            "the end time must be after the start time",
        ),
        PeriodError::NotWholeMinutes => p(
            "время указывается в целых минутах (ЧЧ:ММ)",
            "часът се задава в цели минути (ЧЧ:ММ)",
            "times are whole minutes (HH:MM)",
        ),
        PeriodError::NonexistentLocalTime => p(
            "этого времени в этот день нет в часовом поясе площадки",
            "този час не съществува в този ден в часовата зона на обекта",
            "this time does not exist on that day in the venue's time zone",
        ),
        PeriodError::OutOfRange => p(
            "дата вне допустимого диапазона",
            "датата е извън допустимия диапазон",
            "the date is out of range",
        ),
    }
}

fn booking(e: BookingRefusal, l: Locale) -> String {
    match e {
        BookingRefusal::Ended => pick(
            l,
            "период уже закончился",
            "периодът вече е изтекъл",
            "the period has already ended",
        )
        .to_owned(),
        BookingRefusal::NotFuture => pick(
            l,
            "период должен начинаться в будущем",
            "периодът трябва да започва в бъдещето",
            "the period must start in the future",
        )
        .to_owned(),
        BookingRefusal::BeyondHorizon(n) => say(
            l,
            format!("бронирование должно заканчиваться не позже чем через {n} дн. от сегодняшнего дня"),
            format!("резервацията трябва да завършва най-много {n} дни от днес"),
            format!("bookings end at most {n} days from today"),
        ),
        BookingRefusal::TooLong(n) => say(
            l,
            format!("бронирование длится не больше {n} дн."),
            format!("резервацията трае най-много {n} дни"),
            format!("a booking lasts at most {n} days"),
        ),
    }
}

fn password(e: PasswordError, l: Locale) -> String {
    match e {
        PasswordError::TooShort => pick(
            l,
            "не короче 10 символов",
            "поне 10 знака",
            "must be at least 10 characters long",
        ),
        PasswordError::TooLong => pick(
            l,
            "не длиннее 1024 байт",
            "най-много 1024 байта",
            "must be at most 1024 bytes long",
        ),
        PasswordError::Blank => pick(
            l,
            "должен содержать не только пробелы и управляющие символы",
            "трябва да съдържа не само интервали и управляващи знаци",
            "must contain more than spaces and control characters",
        ),
        PasswordError::Guessable => pick(
            l,
            "слишком распространённый или легко угадываемый пароль: добавьте свои слова",
            "твърде разпространена или лесна за отгатване парола: добавете свои думи",
            "is too common or too easy to guess: add words of your own",
        ),
    }
    .to_owned()
}

fn person(e: &PersonError, l: Locale) -> String {
    let p = |ru: &'static str, bg: &'static str, en: &'static str| pick(l, ru, bg, en).to_owned();
    match e {
        PersonError::Empty => p("не может быть пустым", "не може да е празно", "must not be empty"),
        PersonError::TooLong(n) => refusal(&Refusal::TooLong(*n), l),
        PersonError::NotEmail => p(
            "это не адрес электронной почты",
            "това не е имейл адрес",
            "is not an e-mail address",
        ),
        PersonError::NotPhone => p(
            "это не номер телефона",
            "това не е телефонен номер",
            "is not a phone number",
        ),
        PersonError::Control => p(
            "не должно содержать управляющих символов",
            "не трябва да съдържа управляващи символи",
            "must not contain control characters",
        ),
    }
}

fn money(e: &MoneyError, l: Locale) -> String {
    match e {
        MoneyError::NotDecimal => pick(
            l,
            "это не десятичная сумма",
            "това не е десетична сума",
            "not a decimal amount",
        ),
        MoneyError::Negative => pick(
            l,
            "не может быть отрицательным",
            "не може да е отрицателно",
            "must not be negative",
        ),
        MoneyError::TooPrecise => pick(
            l,
            "не больше двух знаков после запятой",
            "най-много два знака след десетичната запетая",
            "at most two digits after the decimal point",
        ),
        MoneyError::TooLarge => pick(
            l,
            "слишком большая сумма (не больше 1 000 000 000)",
            "твърде голяма сума (най-много 1 000 000 000)",
            "too large (at most 1,000,000,000)",
        ),
    }
    .to_owned()
}

/// An event rule's refusal, as the message of the field it is about.
pub fn cascade(e: &CascadeError, l: Locale) -> String {
    let p = |ru: &'static str, bg: &'static str, en: &'static str| pick(l, ru, bg, en).to_owned();
    match e {
        CascadeError::InvalidPax => {
            let max = tessera_domain::money_text::number_text(&tessera_events::MAX_PAX.to_string(), l);
            match l {
                Locale::Ru => format!("PAX — целое число от 1 до {max}"),
                Locale::Bg => format!("PAX е цяло число от 1 до {max}"),
                Locale::En => format!("PAX is a whole number from 1 to {max}"),
            }
        }
        CascadeError::InvertedPeriod => period(&PeriodError::EndBeforeStart, l),
        CascadeError::NotAHall => refusal(&Refusal::NotAHall, l),
        CascadeError::ExtendShrinks => p(
            "продление сохраняет все дни периода и добавляет хотя бы один",
            "удължаването запазва всички дни и добавя поне един",
            "an extend must keep every day of the period and add at least one",
        ),
        CascadeError::ShortenNotInside => p(
            "сокращение остаётся внутри периода и убирает хотя бы один день",
            "скъсяването остава в периода и премахва поне един ден",
            "a shorten must stay inside the period and remove at least one day",
        ),
        CascadeError::OutOfRange => period(&PeriodError::OutOfRange, l),
        CascadeError::YearOutOfRange => p(
            "дата должна быть в пределах 1900–2199 годов",
            "датата трябва да е между 1900 и 2199 година",
            "the date must be in the years 1900 to 2199",
        ),
        CascadeError::UnknownActivities(ids) => {
            let ids = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            say(
                l,
                format!("у мероприятия нет таких действующих активностей: {ids}"),
                format!("мероприятието няма такива действащи дейности: {ids}"),
                format!("unknown activities: {ids}"),
            )
        }
        CascadeError::ActivityCancelled => p(
            "активность отменена",
            "дейността е анулирана",
            "the activity is cancelled",
        ),
        CascadeError::OutsidePeriod => p(
            "дата вне периода мероприятия",
            "датата е извън периода на мероприятието",
            "the date is outside the event period",
        ),
        CascadeError::NegativeQuantity => p(
            "количество не может быть отрицательным",
            "количеството не може да е отрицателно",
            "the quantity must not be negative",
        ),
        CascadeError::ClosedFolio { folio_id } => say(
            l,
            format!("фолио {folio_id} закрыто"),
            format!("фолио {folio_id} е затворено"),
            format!("folio {folio_id} is closed"),
        ),
        CascadeError::EventCancelled => p(
            "мероприятие отменено",
            "мероприятието е анулирано",
            "the event is cancelled",
        ),
        CascadeError::BlockCancelled => p(
            "блок номеров отменён",
            "блокът стаи е анулиран",
            "the room block is cancelled",
        ),
        CascadeError::ChargeNotActive => p(
            "начисление аннулировано или отменено",
            "начислението е анулирано или отменено",
            "the charge is voided or cancelled",
        ),
        CascadeError::EndTimeNotAfterStart => refusal(&Refusal::TimeNotAfterStart, l),
        CascadeError::ServiceDateOutsidePeriod => p(
            "дата услуги вне периода мероприятия",
            "датата на услугата е извън периода на мероприятието",
            "the service date is outside the event period",
        ),
        CascadeError::NegativePrice => p(
            "цена не может быть отрицательной",
            "цената не може да е отрицателна",
            "the unit price must not be negative",
        ),
        CascadeError::NoReason => p("укажите причину", "посочете причина", "give a reason"),
        CascadeError::NotThisEventsFolio => p(
            "это не фолио этого мероприятия",
            "това не е фолио на това мероприятие",
            "this is not a folio of this event",
        ),
        CascadeError::HallTaken {
            premises_id,
            date,
            time,
            ..
        } => {
            let at = time.hh_mm().map(|(s, e)| format!(" {s}–{e}")).unwrap_or_default();
            say(
                l,
                format!("зал {premises_id} занят {date}{at}"),
                format!("зала {premises_id} е заета на {date}{at}"),
                format!("hall {premises_id} is held on {date}{at}"),
            )
        }
    }
}

/// Why a request could not be read at all (a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// The body is not JSON; where the parser stopped.
    NotJson {
        /// Line of the fault.
        line: usize,
        /// Column of the fault.
        column: usize,
    },
    /// The body is JSON but not an object.
    NotObject,
    /// A field the operation does not take.
    UnknownField(String),
    /// A field given twice.
    DuplicateField(String),
    /// A query parameter that cannot be read.
    Query(String),
    /// `If-Match` is not an event version.
    IfMatch,
    /// `limit` outside its bounds.
    Limit {
        /// Lowest.
        min: i64,
        /// Highest.
        max: i64,
    },
    /// A search text too long.
    SearchTooLong(usize),
    /// A list cursor the server did not give.
    Cursor,
    /// A role filter that names no role.
    Role,
    /// Query values that cannot be taken: each parameter with why.
    Values(Vec<(String, Refusal)>),
    /// The framework refused the request before any handler saw it.
    Request,
}

/// What is wrong with the request (the problem's detail).
pub fn malformed(m: &Malformed, l: Locale) -> String {
    match m {
        Malformed::NotJson { line, column } => say(
            l,
            format!("Тело запроса не является корректным JSON (строка {line}, позиция {column})."),
            format!("Тялото на заявката не е валиден JSON (ред {line}, позиция {column})."),
            format!("The body is not valid JSON (line {line}, column {column})."),
        ),
        Malformed::NotObject => pick(
            l,
            "Тело запроса должно быть объектом JSON.",
            "Тялото на заявката трябва да е JSON обект.",
            "The body must be a JSON object.",
        )
        .to_owned(),
        Malformed::UnknownField(f) => say(
            l,
            format!("Неизвестное поле «{f}»."),
            format!("Непознато поле „{f}“."),
            format!("Unknown field `{f}`."),
        ),
        Malformed::DuplicateField(f) => say(
            l,
            format!("Поле «{f}» указано дважды."),
            format!("Полето „{f}“ е подадено два пъти."),
            format!("The field `{f}` is given twice."),
        ),
        Malformed::Query(p) => say(
            l,
            format!("Параметр запроса «{p}» не читается."),
            format!("Параметърът на заявката „{p}“ не може да се прочете."),
            format!("The query parameter `{p}` cannot be read."),
        ),
        Malformed::IfMatch => pick(
            l,
            "If-Match должен содержать версию мероприятия.",
            "If-Match трябва да съдържа версия на мероприятието.",
            "If-Match must be an event version.",
        )
        .to_owned(),
        Malformed::Limit { min, max } => say(
            l,
            format!("limit должен быть от {min} до {max}."),
            format!("limit трябва да е от {min} до {max}."),
            format!("limit must be between {min} and {max}."),
        ),
        Malformed::SearchTooLong(n) => say(
            l,
            format!("Строка поиска не длиннее {n} символов."),
            format!("Търсенето е най-много {n} знака."),
            format!("The search is at most {n} characters."),
        ),
        Malformed::Cursor => pick(
            l,
            "Курсор выдан не этим сервером.",
            "Курсорът не е издаден от този сървър.",
            "The cursor is not one this server gave.",
        )
        .to_owned(),
        Malformed::Role => pick(l, "Неизвестная роль.", "Непозната роля.", "Unknown role.").to_owned(),
        Malformed::Values(values) => values
            .iter()
            .map(|(field, r)| format!("{field}: {}", refusal(r, l)))
            .collect::<Vec<_>>()
            .join("; "),
        Malformed::Request => pick(
            l,
            "Запрос не может быть прочитан.",
            "Заявката не може да бъде прочетена.",
            "The request cannot be read.",
        )
        .to_owned(),
    }
}

/// What was not found (the 404's detail).
pub fn not_found(t: Thing, l: Locale) -> &'static str {
    match t {
        Thing::Event => pick(
            l,
            "Мероприятие не найдено.",
            "Мероприятието не е намерено.",
            "No such event.",
        ),
        Thing::Activity => pick(
            l,
            "Активность не найдена.",
            "Дейността не е намерена.",
            "No such activity.",
        ),
        Thing::Folio => pick(l, "Фолио не найдено.", "Фолиото не е намерено.", "No such folio."),
        Thing::Charge => pick(
            l,
            "Начисление не найдено.",
            "Начислението не е намерено.",
            "No such charge.",
        ),
        Thing::Block => pick(
            l,
            "Блок номеров не найден.",
            "Блокът стаи не е намерен.",
            "No such room block.",
        ),
        Thing::Order => pick(l, "Заказ не найден.", "Поръчката не е намерена.", "No such order."),
        Thing::Ticket => pick(l, "Билет не найден.", "Билетът не е намерен.", "No such ticket."),
        Thing::Premises => pick(
            l,
            "Помещение не найдено.",
            "Помещението не е намерено.",
            "No such premises.",
        ),
        Thing::Venue => pick(l, "Площадка не найдена.", "Обектът не е намерен.", "No such venue."),
        Thing::Workplace => pick(
            l,
            "Рабочее место не найдено.",
            "Работното място не е намерено.",
            "No such workplace.",
        ),
        Thing::Customer => pick(l, "Клиент не найден.", "Клиентът не е намерен.", "No such customer."),
        Thing::Visitor => pick(
            l,
            "Посетитель не найден.",
            "Посетителят не е намерен.",
            "No such visitor.",
        ),
        Thing::User => pick(
            l,
            "Пользователь не найден.",
            "Потребителят не е намерен.",
            "No such user.",
        ),
        Thing::Tariff => pick(l, "Тариф не найден.", "Тарифата не е намерена.", "No such tariff."),
        Thing::ServiceVariant => pick(
            l,
            "Вариант услуги не найден.",
            "Вариантът на услугата не е намерен.",
            "No such service variant.",
        ),
        Thing::Modifier => pick(
            l,
            "Модификатор не найден.",
            "Модификаторът не е намерен.",
            "No such modifier.",
        ),
        Thing::Webhook => pick(l, "Вебхук не найден.", "Уебхукът не е намерен.", "No such webhook."),
        Thing::Delivery => pick(
            l,
            "Доставка не найдена.",
            "Доставката не е намерена.",
            "No such delivery.",
        ),
        Thing::Mail => pick(l, "Письмо не найдено.", "Писмото не е намерено.", "No such mail."),
        Thing::Route => pick(
            l,
            "Такого адреса в API нет.",
            "Такъв адрес в API няма.",
            "No such path in the API.",
        ),
        Thing::Resource => pick(l, "Не найдено.", "Не е намерено.", "Not found."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every reason. The match below has no wildcard, so a new
    /// reason fails to compile here until it is listed.
    fn every_refusal() -> Vec<Refusal> {
        let all = vec![
            Refusal::Required,
            Refusal::WrongType,
            Refusal::NotWholeNumber,
            Refusal::OneOf(&["hall", "catering", "other"]),
            Refusal::Expected(vec!["move".into(), "extend".into()]),
            Refusal::NotDate,
            Refusal::NotTime,
            Refusal::TimeNotAfterStart,
            Refusal::TimePairIncomplete,
            Refusal::YearOutOfRange,
            Refusal::NotDecimal,
            Refusal::Negative,
            Refusal::AtLeastOne,
            Refusal::Between { min: 1, max: 3650 },
            Refusal::TooLong(200),
            Refusal::TooManyDays(366),
            Refusal::TooMany(50),
            Refusal::NotTimeZone,
            Refusal::NotCurrency,
            Refusal::NotPositiveNumber,
            Refusal::NotKey,
            Refusal::NotCursor,
            Refusal::RequiredForMode,
            Refusal::BeforeStart,
            Refusal::PeriodShape,
            Refusal::UserOrNew,
            Refusal::VisitorFieldsOnly,
            Refusal::RoleGivenByAdmin,
            Refusal::KeyReused,
            Refusal::Period(PeriodError::EndBeforeStart),
            Refusal::Period(PeriodError::TooLong),
            Refusal::Period(PeriodError::EndTimeNotAfterStart),
            Refusal::Period(PeriodError::NotWholeMinutes),
            Refusal::Period(PeriodError::NonexistentLocalTime),
            Refusal::Period(PeriodError::OutOfRange),
            Refusal::Booking(BookingRefusal::Ended),
            Refusal::Booking(BookingRefusal::NotFuture),
            Refusal::Booking(BookingRefusal::BeyondHorizon(180)),
            Refusal::Booking(BookingRefusal::TooLong(31)),
            Refusal::Password(PasswordError::TooShort),
            Refusal::Password(PasswordError::TooLong),
            Refusal::Password(PasswordError::Blank),
            Refusal::Password(PasswordError::Guessable),
            Refusal::Person(PersonError::Empty),
            Refusal::Person(PersonError::TooLong(100)),
            Refusal::Person(PersonError::NotEmail),
            Refusal::Person(PersonError::NotPhone),
            Refusal::Person(PersonError::Control),
            Refusal::Money(MoneyError::NotDecimal),
            Refusal::Money(MoneyError::Negative),
            Refusal::Money(MoneyError::TooPrecise),
            Refusal::Money(MoneyError::TooLarge),
            Refusal::NoSuchVenue,
            Refusal::NoSuchWorkplace,
            Refusal::NoSuchUser,
            Refusal::NoSuchTariff,
            Refusal::NoSuchServiceVariant,
            Refusal::NoSuchModifier(7),
            Refusal::NoSuchActivity,
            Refusal::NoSuchVisitor,
            Refusal::NotAHall,
            Refusal::NotCoworking,
            Refusal::WorkplaceNameTaken,
            Refusal::OtherVenue,
            Refusal::OrderInOneVenue,
            Refusal::OrderBooksNothing,
            Refusal::NotWebhookUrl,
            Refusal::UnknownEventType,
            Refusal::EveryTypeAlone,
            Refusal::VisitorOrdersForThemselves,
            Refusal::TicketYoursAlready,
            Refusal::OnlyVisitorsHoldTickets,
            Refusal::BackUpWithPgDump,
            Refusal::WrongPassword,
            Refusal::ResetLinkInvalid,
            Refusal::Archived,
            Refusal::NotInstant,
            Refusal::NotUuid,
            Refusal::InFuture,
            Refusal::NoSuchTicket,
            Refusal::NoSuchPremises,
            Refusal::ForgedPassAllowed,
        ];
        for r in &all {
            match r {
                Refusal::Required
                | Refusal::WrongType
                | Refusal::NotWholeNumber
                | Refusal::OneOf(_)
                | Refusal::Expected(_)
                | Refusal::NotDate
                | Refusal::NotTime
                | Refusal::TimeNotAfterStart
                | Refusal::TimePairIncomplete
                | Refusal::YearOutOfRange
                | Refusal::NotDecimal
                | Refusal::Negative
                | Refusal::AtLeastOne
                | Refusal::Between { .. }
                | Refusal::TooLong(_)
                | Refusal::TooManyDays(_)
                | Refusal::TooMany(_)
                | Refusal::NotTimeZone
                | Refusal::NotCurrency
                | Refusal::NotPositiveNumber
                | Refusal::NotKey
                | Refusal::NotCursor
                | Refusal::RequiredForMode
                | Refusal::BeforeStart
                | Refusal::PeriodShape
                | Refusal::UserOrNew
                | Refusal::VisitorFieldsOnly
                | Refusal::RoleGivenByAdmin
                | Refusal::KeyReused
                | Refusal::Period(_)
                | Refusal::Booking(_)
                | Refusal::Password(_)
                | Refusal::Person(_)
                | Refusal::Money(_)
                | Refusal::NoSuchVenue
                | Refusal::NoSuchWorkplace
                | Refusal::NoSuchUser
                | Refusal::NoSuchTariff
                | Refusal::NoSuchServiceVariant
                | Refusal::NoSuchModifier(_)
                | Refusal::NoSuchActivity
                | Refusal::NoSuchVisitor
                | Refusal::NotAHall
                | Refusal::NotCoworking
                | Refusal::WorkplaceNameTaken
                | Refusal::OtherVenue
                | Refusal::OrderInOneVenue
                | Refusal::OrderBooksNothing
                | Refusal::NotWebhookUrl
                | Refusal::UnknownEventType
                | Refusal::EveryTypeAlone
                | Refusal::VisitorOrdersForThemselves
                | Refusal::TicketYoursAlready
                | Refusal::OnlyVisitorsHoldTickets
                | Refusal::WrongPassword
                | Refusal::Archived
                | Refusal::ResetLinkInvalid
                | Refusal::NotInstant
                | Refusal::NotUuid
                | Refusal::InFuture
                | Refusal::NoSuchTicket
                | Refusal::NoSuchPremises
                | Refusal::ForgedPassAllowed
                | Refusal::BackUpWithPgDump => {}
            }
        }
        all
    }

    fn every_cascade_error() -> Vec<CascadeError> {
        let date = jiff::civil::date(2026, 3, 2);
        let all = vec![
            CascadeError::InvalidPax,
            CascadeError::InvertedPeriod,
            CascadeError::ExtendShrinks,
            CascadeError::ShortenNotInside,
            CascadeError::OutOfRange,
            CascadeError::YearOutOfRange,
            CascadeError::UnknownActivities(vec![4]),
            CascadeError::ActivityCancelled,
            CascadeError::OutsidePeriod,
            CascadeError::NegativeQuantity,
            CascadeError::NotAHall,
            CascadeError::ClosedFolio { folio_id: 9 },
            CascadeError::ChargeNotActive,
            CascadeError::EventCancelled,
            CascadeError::BlockCancelled,
            CascadeError::ServiceDateOutsidePeriod,
            CascadeError::EndTimeNotAfterStart,
            CascadeError::NegativePrice,
            CascadeError::NoReason,
            CascadeError::NotThisEventsFolio,
            CascadeError::HallTaken {
                activity_id: 1,
                premises_id: 2,
                date,
                time: tessera_events::DayTime::WHOLE_DAY,
                other_activity_id: 3,
                other_event_id: 4,
            },
        ];
        // A new kind of refusal stops the build here until it is listed above.
        for e in &all {
            match e {
                CascadeError::InvalidPax
                | CascadeError::InvertedPeriod
                | CascadeError::ExtendShrinks
                | CascadeError::ShortenNotInside
                | CascadeError::OutOfRange
                | CascadeError::YearOutOfRange
                | CascadeError::UnknownActivities(_)
                | CascadeError::ActivityCancelled
                | CascadeError::OutsidePeriod
                | CascadeError::NegativeQuantity
                | CascadeError::NotAHall
                | CascadeError::ClosedFolio { .. }
                | CascadeError::ChargeNotActive
                | CascadeError::EventCancelled
                | CascadeError::BlockCancelled
                | CascadeError::ServiceDateOutsidePeriod
                | CascadeError::EndTimeNotAfterStart
                | CascadeError::NegativePrice
                | CascadeError::NoReason
                | CascadeError::NotThisEventsFolio
                | CascadeError::HallTaken { .. } => {}
            }
        }
        all
    }

    fn every_malformed() -> Vec<Malformed> {
        vec![
            Malformed::NotJson { line: 1, column: 2 },
            Malformed::NotObject,
            Malformed::UnknownField("x".into()),
            Malformed::DuplicateField("x".into()),
            Malformed::Query("limit".into()),
            Malformed::IfMatch,
            Malformed::Limit { min: 1, max: 500 },
            Malformed::SearchTooLong(100),
            Malformed::Cursor,
            Malformed::Role,
            Malformed::Values(vec![("limit".into(), Refusal::NotDate)]),
            Malformed::Request,
        ]
    }

    /// Latin words a Russian or Bulgarian message may carry: names of
    /// fields, formats, standards and the product's own terms.
    const LATIN_ALLOWED: &[&str] = &[
        "PAX",
        "http",
        "https",
        "UUID",
        "RFC",
        "IANA",
        "ISO",
        "RUB",
        "BGN",
        "ASCII",
        "JSON",
        "If-Match",
        "limit",
        "pg_dump",
        "PostgreSQL",
        "API",
        "e-mail",
        "Europe/Moscow",
        "Europe/Sofia",
        "hall",
        "catering",
        "other",
        "move",
        "extend",
        "x",
    ];

    fn assert_in_language(text: &str, l: Locale, what: &str) {
        assert!(!text.trim().is_empty(), "{what} has no {l:?} wording");
        if l == Locale::En {
            assert!(
                !text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я')),
                "{what}: {text}"
            );
            return;
        }
        assert!(
            text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я')),
            "{what} in {l:?} is not in {l:?}: {text}"
        );
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_/".contains(c))) {
            if word.chars().any(|c| c.is_ascii_alphabetic()) {
                assert!(
                    LATIN_ALLOWED.contains(&word),
                    "{what} in {l:?} carries `{word}`: {text}"
                );
            }
        }
    }

    #[test]
    fn every_field_message_is_worded_in_every_language() {
        for r in every_refusal() {
            for l in Locale::ALL {
                assert_in_language(&refusal(&r, l), l, &format!("{r:?}"));
            }
            assert_eq!(refusal(&r, Locale::En), r.to_string(), "English wording is the log's");
        }
        for e in every_cascade_error() {
            for l in Locale::ALL {
                assert_in_language(&cascade(&e, l), l, &format!("{e:?}"));
            }
        }
    }

    #[test]
    fn every_malformed_request_and_missing_thing_is_worded_in_every_language() {
        for m in every_malformed() {
            for l in Locale::ALL {
                assert_in_language(&malformed(&m, l), l, &format!("{m:?}"));
            }
        }
        for t in Thing::ALL {
            for l in Locale::ALL {
                assert_in_language(not_found(t, l), l, &format!("{t:?}"));
            }
        }
    }

    #[test]
    fn the_words_differ_between_languages() {
        // Bounds read alike in both ("от 1 до 31").
        for r in every_refusal()
            .into_iter()
            .filter(|r| !matches!(r, Refusal::Between { .. }))
        {
            assert_ne!(refusal(&r, Locale::Ru), refusal(&r, Locale::Bg), "{r:?}");
        }
    }
}
