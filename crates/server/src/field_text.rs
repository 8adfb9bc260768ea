//! Field-level messages in the caller's language. Handlers and the domain
//! word them in English (logs and tests read that); the answer carries the
//! caller's language, so the web UI shows them next to the field as is.

use tessera_domain::Locale;

/// Messages worded whole: (English, Russian, Bulgarian).
const WHOLE: &[(&str, &str, &str)] = &[
    ("is required", "обязательное поле", "задължително поле"),
    ("required", "обязательное поле", "задължително поле"),
    ("must not be empty", "не может быть пустым", "не може да е празно"),
    (
        "is not an e-mail address",
        "это не адрес электронной почты",
        "това не е имейл адрес",
    ),
    (
        "is not a phone number",
        "это не номер телефона",
        "това не е телефонен номер",
    ),
    (
        "must not contain control characters",
        "не должно содержать управляющих символов",
        "не трябва да съдържа управляващи символи",
    ),
    (
        "expected a date as YYYY-MM-DD",
        "ожидается дата в виде ГГГГ-ММ-ДД",
        "очаква се дата във вида ГГГГ-ММ-ДД",
    ),
    (
        "expected a time as HH:MM",
        "ожидается время в виде ЧЧ:ММ",
        "очаква се час във вида ЧЧ:ММ",
    ),
    (
        "the last day must not be before the first day",
        "последний день не может быть раньше первого",
        "последният ден не може да е преди първия",
    ),
    (
        "the end time must be after the start time",
        "время окончания должно быть позже времени начала",
        "крайният час трябва да е след началния",
    ),
    (
        "times are whole minutes (HH:MM)",
        "время указывается в целых минутах (ЧЧ:ММ)",
        "часът се задава в цели минути (ЧЧ:ММ)",
    ),
    (
        "this time does not exist on that day in the venue's time zone",
        "этого времени в этот день нет в часовом поясе площадки",
        "този час не съществува в този ден в часовата зона на обекта",
    ),
    (
        "the date is out of range",
        "дата вне допустимого диапазона",
        "датата е извън допустимия диапазон",
    ),
    (
        "not a decimal amount",
        "это не десятичная сумма",
        "това не е десетична сума",
    ),
    (
        "not a decimal number",
        "это не десятичное число",
        "това не е десетично число",
    ),
    (
        "must not be negative",
        "не может быть отрицательным",
        "не може да е отрицателно",
    ),
    (
        "the quantity must not be negative",
        "количество не может быть отрицательным",
        "количеството не може да е отрицателно",
    ),
    (
        "at most two digits after the decimal point",
        "не больше двух знаков после запятой",
        "най-много два знака след десетичната запетая",
    ),
    ("must be at least 1", "должно быть не меньше 1", "трябва да е поне 1"),
    (
        "PAX must be at least 1",
        "PAX должен быть не меньше 1",
        "PAX трябва да е поне 1",
    ),
    (
        "the period has already ended",
        "период уже закончился",
        "периодът вече е изтекъл",
    ),
    (
        "the period must start in the future",
        "период должен начинаться в будущем",
        "периодът трябва да започва в бъдещето",
    ),
    (
        "no such workplace",
        "такого рабочего места нет",
        "няма такова работно място",
    ),
    ("no such user", "такого пользователя нет", "няма такъв потребител"),
    (
        "no such tariff in this venue",
        "в этой площадке нет такого тарифа",
        "в този обект няма такава тарифа",
    ),
    (
        "no such service variant in this venue",
        "в этой площадке нет такого варианта услуги",
        "в този обект няма такъв вариант на услугата",
    ),
    (
        "no registered user has this e-mail",
        "нет пользователя с такой электронной почтой",
        "няма потребител с такъв имейл",
    ),
    (
        "give either user_id or user",
        "выберите пользователя или создайте нового",
        "изберете потребител или създайте нов",
    ),
    ("the ticket is yours already", "билет уже ваш", "билетът вече е ваш"),
    (
        "a visitor orders for themselves",
        "посетитель оформляет заказ только на себя",
        "посетителят поръчва само за себе си",
    ),
    (
        "all workplaces of an order must be in one venue",
        "все рабочие места заказа должны быть в одной площадке",
        "всички работни места в поръчката трябва да са в един обект",
    ),
    (
        "an order books at least one workplace",
        "заказ бронирует хотя бы одно рабочее место",
        "поръчката резервира поне едно работно място",
    ),
    (
        "the date is outside the event period",
        "дата вне периода мероприятия",
        "датата е извън периода на мероприятието",
    ),
    (
        "the activity is cancelled",
        "активность отменена",
        "дейността е анулирана",
    ),
    (
        "an extend must keep every day of the period and add at least one",
        "продление сохраняет все дни периода и добавляет хотя бы один",
        "удължаването запазва всички дни и добавя поне един",
    ),
    (
        "a shorten must stay inside the period and remove at least one day",
        "сокращение остаётся внутри периода и убирает хотя бы один день",
        "скъсяването остава в периода и премахва поне един ден",
    ),
    (
        "is required for this mode",
        "обязательно для этого режима",
        "задължително за този режим",
    ),
    (
        "must not be before start_date",
        "не может быть раньше даты начала",
        "не може да е преди началната дата",
    ),
    (
        "must not be before from",
        "не может быть раньше начала периода",
        "не може да е преди началото на периода",
    ),
    (
        "must be at least 10 characters long",
        "не короче 10 символов",
        "поне 10 знака",
    ),
    (
        "must be at most 1024 bytes long",
        "не длиннее 1024 байт",
        "най-много 1024 байта",
    ),
    (
        "must contain more than spaces and control characters",
        "должен содержать не только пробелы и управляющие символы",
        "трябва да съдържа не само интервали и управляващи знаци",
    ),
    (
        "is too common or too easy to guess: add words of your own",
        "слишком распространённый или легко угадываемый пароль: добавьте свои слова",
        "твърде разпространена или лесна за отгатване парола: добавете свои думи",
    ),
    (
        "the date must be in the years 1900 to 2199",
        "дата должна быть в пределах 1900–2199 годов",
        "датата трябва да е между 1900 и 2199 година",
    ),
    (
        "no visitor has this e-mail",
        "нет посетителя с таким e-mail",
        "няма посетител с този имейл",
    ),
    (
        "only a visitor can hold a ticket",
        "билет может принадлежать только посетителю",
        "билет може да принадлежи само на посетител",
    ),
    (
        "a positive ticket number",
        "положительный номер билета",
        "положителен номер на билет",
    ),
];

/// The message in the language, or as it is when we have no wording for it.
pub fn field_message(message: &str, l: Locale) -> String {
    if l == Locale::En {
        return message.to_owned();
    }
    let pick = |ru: &str, bg: &str| if l == Locale::Ru { ru.to_owned() } else { bg.to_owned() };
    if let Some((_, ru, bg)) = WHOLE.iter().find(|(en, _, _)| *en == message) {
        return pick(ru, bg);
    }
    // Messages with a number in them.
    if let Some(rest) = message.strip_prefix("is too long (at most ")
        && let Some(n) = rest.strip_suffix(" characters)")
    {
        return pick(
            &format!("слишком длинно (не больше {n} символов)"),
            &format!("твърде дълго (най-много {n} знака)"),
        );
    }
    if let Some(n) = message
        .strip_prefix("bookings end at most ")
        .and_then(|r| r.strip_suffix(" days from today"))
    {
        return pick(
            &format!("бронирование должно заканчиваться не позже чем через {n} дн. от сегодняшнего дня"),
            &format!("резервацията трябва да завършва най-много {n} дни от днес"),
        );
    }
    if let Some(n) = message
        .strip_prefix("a booking lasts at most ")
        .and_then(|r| r.strip_suffix(" days"))
    {
        return pick(
            &format!("бронирование длится не больше {n} дн."),
            &format!("резервацията трае най-много {n} дни"),
        );
    }
    if let Some((min, max)) = message.strip_prefix("must be from ").and_then(|r| r.split_once(" to ")) {
        return pick(&format!("от {min} до {max}"), &format!("от {min} до {max}"));
    }
    if message.starts_with("missing field `") {
        return pick("обязательное поле", "задължително поле");
    }
    if message.starts_with("invalid type") {
        return pick("значение не того типа", "стойност от грешен тип");
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_messages_are_worded_per_language_and_unknown_ones_pass_through() {
        assert_eq!(
            field_message("is not an e-mail address", Locale::Ru),
            "это не адрес электронной почты"
        );
        assert_eq!(
            field_message("is not an e-mail address", Locale::En),
            "is not an e-mail address"
        );
        assert_eq!(
            field_message("is too long (at most 200 characters)", Locale::Bg),
            "твърде дълго (най-много 200 знака)"
        );
        assert_eq!(
            field_message("bookings end at most 180 days from today", Locale::Ru),
            "бронирование должно заканчиваться не позже чем через 180 дн. от сегодняшнего дня"
        );
        assert_eq!(
            field_message("a booking lasts at most 31 days", Locale::Bg),
            "резервацията трае най-много 31 дни"
        );
        for p in [
            tessera_domain::password::PasswordError::TooShort,
            tessera_domain::password::PasswordError::TooLong,
            tessera_domain::password::PasswordError::Blank,
            tessera_domain::password::PasswordError::Guessable,
        ] {
            for l in [Locale::Ru, Locale::Bg] {
                assert_ne!(field_message(&p.to_string(), l), p.to_string(), "{p:?} in {l:?}");
            }
        }
        assert_eq!(field_message("something new", Locale::Ru), "something new");
    }
}
