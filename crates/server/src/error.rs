//! Every error leaves as `application/problem+json`, in the caller's
//! language. Handlers return a [`Problem`]; the `localize` middleware renders
//! it once the request's language is known. Server faults are logged in full
//! and answered without their details.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tessera_domain::Locale;
use tessera_domain::refusal::Thing;
use tessera_events::CascadeError;
use tessera_store::{Conflict, StoreError};

use tessera_domain::refusal::Refusal;

use crate::field_text::Malformed;
use crate::i18n::{order_status, pick, ticket_status};

/// A field that failed, with why: the reason, worded when the answer's
/// language is known.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFault {
    /// The request field (`items[0].period.end_date`).
    pub field: String,
    /// Why it is refused.
    pub refusal: Refusal,
}

/// A field that failed, as the answer states it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The request field (`items[0].period.end_date`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// The problem+json body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary in the caller's language.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, in the caller's language.
    pub detail: String,
    /// Invalid fields, when the problem is about them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Ticket numbers involved (a taken workplace).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<i64>,
    /// The statuses the order may move to instead (a refused change of status).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub next_statuses: Vec<String>,
}

/// What went wrong, before it is put into words.
#[derive(Debug, Clone)]
pub enum Problem {
    /// The body or query is not well-formed.
    Malformed(Malformed),
    /// Values are invalid.
    Invalid(Vec<FieldFault>),
    /// No or bad credentials.
    Unauthenticated,
    /// Wrong e-mail or password.
    BadCredentials,
    /// The role may not do this.
    Forbidden,
    /// Missing or not the caller's.
    NotFound(tessera_domain::refusal::Thing),
    /// A conflict with state.
    Conflict(Conflict),
    /// The body is too large.
    TooLarge,
    /// Not JSON.
    UnsupportedMediaType,
    /// A fault of ours.
    Internal,
    /// A request with the same Idempotency-Key is still running.
    KeyInProgress,
    /// The path exists, the method does not.
    MethodNotAllowed,
    /// An event change refused by its rules.
    Cascade(tessera_events::CascadeError),
    /// `If-Match` names an older version.
    Stale {
        /// The current version.
        current: i64,
    },
    /// Too many failed sign-ins; try again after this many seconds.
    TooManyAttempts {
        /// Seconds until the next attempt is allowed (`Retry-After`).
        retry_after: u64,
    },
    /// Too many accounts made from one address; try again after this many seconds.
    TooManySignUps {
        /// Seconds until another sign-up is allowed (`Retry-After`).
        retry_after: u64,
    },
    /// Every password check is taken; try again after this many seconds.
    Busy {
        /// Seconds to wait (`Retry-After`).
        retry_after: u64,
    },
}

impl Problem {
    /// One invalid field.
    pub fn field(field: impl Into<String>, refusal: impl Into<Refusal>) -> Problem {
        Problem::Invalid(vec![FieldFault {
            field: field.into(),
            refusal: refusal.into(),
        }])
    }

    fn status(&self) -> StatusCode {
        match self {
            Problem::Malformed(_) => StatusCode::BAD_REQUEST,
            Problem::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Problem::Unauthenticated | Problem::BadCredentials => StatusCode::UNAUTHORIZED,
            Problem::Forbidden => StatusCode::FORBIDDEN,
            Problem::NotFound(_) => StatusCode::NOT_FOUND,
            Problem::Conflict(_) => StatusCode::CONFLICT,
            Problem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Problem::KeyInProgress => StatusCode::CONFLICT,
            Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Problem::Cascade(e) if cascade_conflict(e) => StatusCode::CONFLICT,
            Problem::Cascade(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Problem::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            Problem::TooManyAttempts { .. } | Problem::TooManySignUps { .. } => StatusCode::TOO_MANY_REQUESTS,
            Problem::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Problem::Malformed(_) => "malformed-request",
            Problem::Invalid(_) => "invalid-fields",
            Problem::Unauthenticated => "unauthenticated",
            Problem::BadCredentials => "bad-credentials",
            Problem::Forbidden => "forbidden",
            Problem::NotFound(_) => "not-found",
            Problem::Conflict(Conflict::WorkplaceTaken { .. }) => "workplace-taken",
            Problem::Conflict(Conflict::OrderTransition { .. }) => "illegal-transition",
            Problem::Conflict(Conflict::TicketStatus { .. }) => "ticket-status",
            Problem::Conflict(Conflict::AlreadyValidated) => "already-validated",
            Problem::Conflict(Conflict::EmailTaken) => "email-taken",
            Problem::Conflict(Conflict::UnpaidOrders { .. }) => "too-many-unpaid-orders",
            Problem::Conflict(Conflict::LastAdmin) => "last-admin",
            Problem::Conflict(Conflict::VenueHasOrders { .. }) => "venue-has-orders",
            Problem::Conflict(Conflict::WorkplaceHeld { .. }) => "workplace-held",
            Problem::Conflict(Conflict::MailForgotten) => "mail-forgotten",
            Problem::TooLarge => "payload-too-large",
            Problem::UnsupportedMediaType => "unsupported-media-type",
            Problem::Internal => "internal",
            Problem::KeyInProgress => "idempotency-key-in-progress",
            Problem::MethodNotAllowed => "method-not-allowed",
            Problem::Cascade(CascadeError::ClosedFolio { .. }) => "closed-folio",
            Problem::Cascade(CascadeError::ChargeNotActive) => "charge-not-active",
            Problem::Cascade(CascadeError::EventCancelled) => "event-cancelled",
            Problem::Cascade(CascadeError::BlockCancelled) => "block-cancelled",
            Problem::Cascade(CascadeError::HallTaken { .. }) => "hall-taken",
            Problem::Cascade(CascadeError::ActivityCancelled) => "activity-cancelled",
            Problem::Cascade(_) => "invalid-fields",
            Problem::Stale { .. } => "stale-version",
            Problem::TooManyAttempts { .. } => "too-many-attempts",
            Problem::TooManySignUps { .. } => "too-many-sign-ups",
            Problem::Busy { .. } => "busy",
        }
    }

    /// The body in a language.
    pub fn render(&self, l: Locale) -> ProblemBody {
        let (title, detail): (&str, String) = match self {
            Problem::Malformed(m) => (
                pick(l, "Некорректный запрос", "Некоректна заявка", "Malformed request"),
                crate::field_text::malformed(m, l),
            ),
            Problem::Invalid(_) => (
                pick(l, "Недопустимые значения", "Невалидни стойности", "Invalid values"),
                pick(
                    l,
                    "Проверьте отмеченные поля.",
                    "Проверете отбелязаните полета.",
                    "Check the marked fields.",
                )
                .into(),
            ),
            Problem::Unauthenticated => (
                pick(l, "Требуется вход", "Необходим е вход", "Sign-in required"),
                pick(
                    l,
                    "Нет действительного токена доступа.",
                    "Липсва валиден токен за достъп.",
                    "No valid bearer token was sent.",
                )
                .into(),
            ),
            Problem::BadCredentials => (
                pick(
                    l,
                    "Неверные данные для входа",
                    "Грешни данни за вход",
                    "Wrong credentials",
                ),
                pick(
                    l,
                    "Неверный e-mail или пароль.",
                    "Грешен имейл или парола.",
                    "The e-mail or password is wrong.",
                )
                .into(),
            ),
            Problem::Forbidden => (
                pick(l, "Доступ запрещён", "Достъпът е забранен", "Forbidden"),
                pick(
                    l,
                    "Ваша роль не позволяет это действие.",
                    "Вашата роля не позволява това действие.",
                    "Your role may not do this.",
                )
                .into(),
            ),
            Problem::NotFound(what) => (
                pick(l, "Не найдено", "Не е намерено", "Not found"),
                crate::field_text::not_found(*what, l).to_owned(),
            ),
            Problem::Conflict(c) => conflict_text(c, l),
            Problem::TooLarge => (
                pick(l, "Слишком большой запрос", "Твърде голяма заявка", "Payload too large"),
                pick(
                    l,
                    "Тело запроса больше, чем принимает этот адрес (1 МиБ; выгрузка проверок двери — 16 МиБ).",
                    "Тялото на заявката е по-голямо, отколкото този адрес приема (1 МиБ; качването на проверки от входа — 16 МиБ).",
                    "The request body is larger than this endpoint takes (1 MiB; a door's upload of checks, 16 MiB).",
                )
                .into(),
            ),
            Problem::UnsupportedMediaType => (
                pick(
                    l,
                    "Неподдерживаемый формат",
                    "Неподдържан формат",
                    "Unsupported media type",
                ),
                pick(
                    l,
                    "Ожидается application/json.",
                    "Очаква се application/json.",
                    "Expected application/json.",
                )
                .into(),
            ),
            Problem::Internal => (
                pick(l, "Внутренняя ошибка", "Вътрешна грешка", "Internal error"),
                pick(
                    l,
                    "Ошибка на сервере; она записана в журнал.",
                    "Грешка в сървъра; записана е в дневника.",
                    "The server failed; the fault is logged.",
                )
                .into(),
            ),
            Problem::KeyInProgress => (
                pick(
                    l,
                    "Запрос ещё выполняется",
                    "Заявката още се изпълнява",
                    "Request still in progress",
                ),
                pick(
                    l,
                    "Запрос с этим Idempotency-Key ещё выполняется; повторите позже.",
                    "Заявка с този Idempotency-Key още се изпълнява; опитайте по-късно.",
                    "A request with this Idempotency-Key is still running; retry later.",
                )
                .into(),
            ),
            Problem::Cascade(e) => cascade_text(e, l),
            Problem::MethodNotAllowed => (
                pick(
                    l,
                    "Метод не поддерживается",
                    "Методът не се поддържа",
                    "Method not allowed",
                ),
                pick(
                    l,
                    "Этот путь не принимает такой метод.",
                    "Този път не приема такъв метод.",
                    "This path does not take this method.",
                )
                .into(),
            ),
            Problem::Stale { current } => (
                pick(l, "Данные устарели", "Данните са остарели", "Stale version"),
                format!(
                    "{} {current}",
                    pick(
                        l,
                        "Мероприятие изменено другим пользователем; текущая версия",
                        "Мероприятието е променено от друг потребител; текуща версия",
                        "The event was changed by someone else; current version"
                    )
                ),
            ),
            Problem::TooManyAttempts { retry_after } => (
                pick(
                    l,
                    "Слишком много попыток входа",
                    "Твърде много опити за вход",
                    "Too many sign-in attempts",
                ),
                match l {
                    Locale::Ru => format!("Слишком много неудачных попыток входа. Повторите через {retry_after} с."),
                    Locale::Bg => {
                        format!("Твърде много неуспешни опити за вход. Опитайте отново след {retry_after} с.")
                    }
                    Locale::En => format!("Too many failed sign-in attempts. Try again in {retry_after} s."),
                },
            ),
            Problem::TooManySignUps { retry_after } => (
                pick(
                    l,
                    "Слишком много регистраций",
                    "Твърде много регистрации",
                    "Too many sign-ups",
                ),
                match l {
                    Locale::Ru => format!(
                        "С этого адреса создано слишком много учётных записей. Повторите через {retry_after} с."
                    ),
                    Locale::Bg => format!(
                        "От този адрес са създадени твърде много профили. Опитайте отново след {retry_after} с."
                    ),
                    Locale::En => {
                        format!("Too many accounts were created from this address. Try again in {retry_after} s.")
                    }
                },
            ),
            Problem::Busy { retry_after } => (
                pick(l, "Сервер занят", "Сървърът е зает", "Server busy"),
                match l {
                    Locale::Ru => format!("Сейчас проверяется слишком много паролей. Повторите через {retry_after} с."),
                    Locale::Bg => {
                        format!("В момента се проверяват твърде много пароли. Опитайте отново след {retry_after} с.")
                    }
                    Locale::En => {
                        format!("Too many passwords are being checked right now. Try again in {retry_after} s.")
                    }
                },
            ),
        };
        ProblemBody {
            kind: format!("https://tessera.dev/problems/{}", self.slug()),
            title: title.into(),
            status: self.status().as_u16(),
            detail,
            errors: match self {
                Problem::Invalid(e) => e
                    .iter()
                    .map(|f| FieldError {
                        field: f.field.clone(),
                        message: crate::field_text::refusal(&f.refusal, l),
                    })
                    .collect(),
                // A bad query value is a 400, yet still names its parameter.
                Problem::Malformed(crate::field_text::Malformed::Values(values)) => values
                    .iter()
                    .map(|(field, refusal)| FieldError {
                        field: field.clone(),
                        message: crate::field_text::refusal(refusal, l),
                    })
                    .collect(),
                Problem::Cascade(e) if !cascade_conflict(e) => {
                    vec![FieldError {
                        field: cascade_field(e).into(),
                        message: crate::field_text::cascade(e, l),
                    }]
                }
                _ => vec![],
            },
            next_statuses: match self {
                Problem::Conflict(Conflict::OrderTransition { from, .. }) => {
                    from.next().iter().map(|s| s.as_str().to_owned()).collect()
                }
                _ => vec![],
            },
            tickets: match self {
                Problem::Conflict(Conflict::WorkplaceTaken { tickets, .. })
                | Problem::Conflict(Conflict::WorkplaceHeld { tickets }) => tickets.clone(),
                _ => vec![],
            },
        }
    }
}

fn list(numbers: &[i64]) -> String {
    numbers.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

fn conflict_text(c: &Conflict, l: Locale) -> (&'static str, String) {
    match c {
        Conflict::WorkplaceTaken { tickets, .. } => (
            pick(l, "Рабочее место занято", "Работното място е заето", "Workplace taken"),
            if tickets.is_empty() {
                pick(
                    l,
                    "Рабочее место уже занято на этот период.",
                    "Работното място вече е заето за този период.",
                    "The workplace is already taken for this period.",
                )
                .into()
            } else {
                format!(
                    "{} {}",
                    pick(
                        l,
                        "Рабочее место занято на этот период билетами:",
                        "Работното място е заето за този период от билети:",
                        "The workplace is taken for this period by tickets:"
                    ),
                    list(tickets)
                )
            },
        ),
        Conflict::OrderTransition { from, to, reason } => (
            pick(
                l,
                "Недопустимая смена статуса",
                "Недопустима смяна на статуса",
                "Status change not allowed",
            ),
            {
                let next: Vec<&str> = from.next().iter().map(|s| order_status(*s, l)).collect();
                let instead = if next.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {}: {}.",
                        pick(l, "Можно перевести в", "Може да се премине към", "It may move to"),
                        next.join(", ")
                    )
                };
                format!(
                    "{} → {}: {}{instead}",
                    order_status(*from, l),
                    order_status(*to, l),
                    transition_reason(*reason, l)
                )
            },
        ),
        Conflict::TicketStatus { status, action } => (
            pick(
                l,
                "Недопустимо в этом статусе",
                "Недопустимо в този статус",
                "Not allowed in this status",
            ),
            format!("{} {}.", ticket_action_refused(*action, l), ticket_status(*status, l)),
        ),
        Conflict::AlreadyValidated => (
            pick(
                l,
                "Билет уже валидирован",
                "Билетът вече е валидиран",
                "Ticket already validated",
            ),
            pick(
                l,
                "Сначала сбросьте валидацию.",
                "Първо нулирайте валидирането.",
                "Reset the validation first.",
            )
            .into(),
        ),
        Conflict::EmailTaken => (
            pick(
                l,
                "E-mail уже занят",
                "Имейлът вече е зает",
                "E-mail already registered",
            ),
            pick(
                l,
                "Пользователь с таким e-mail уже есть.",
                "Вече има потребител с този имейл.",
                "A user with this e-mail exists.",
            )
            .into(),
        ),
        Conflict::UnpaidOrders { limit } => (
            pick(
                l,
                "Слишком много неоплаченных заказов",
                "Твърде много неплатени поръчки",
                "Too many unpaid orders",
            ),
            match l {
                Locale::Ru => format!(
                    "Неоплаченных заказов может быть не больше {limit}. Оплатите или отмените один из них, чтобы сделать новый."
                ),
                Locale::Bg => format!(
                    "Може да имате най-много {limit} неплатени поръчки. Платете или откажете една от тях, за да направите нова."
                ),
                Locale::En => {
                    format!("You may have at most {limit} unpaid orders. Pay for or cancel one to make another.")
                }
            },
        ),
        Conflict::VenueHasOrders { orders } => (
            pick(
                l,
                "У площадки есть заказы",
                "Обектът има поръчки",
                "The venue has orders",
            ),
            match l {
                Locale::Ru => format!("Часовой пояс и валюту нельзя менять: по площадке уже есть заказы ({orders})."),
                Locale::Bg => format!("Часовата зона и валутата не могат да се сменят: обектът вече има поръчки ({orders})."),
                Locale::En => format!("The time zone and currency cannot change: the venue has orders ({orders})."),
            },
        ),
        Conflict::WorkplaceHeld { tickets } => (
            pick(
                l,
                "Рабочее место занято билетами",
                "Работното място е заето от билети",
                "The workplace is held by tickets",
            ),
            {
                let list = tickets.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                match l {
                    Locale::Ru => format!("Нельзя убрать в архив: место занято билетами {list}. Перенесите или отмените их."),
                    Locale::Bg => format!("Не може да се архивира: мястото е заето от билети {list}. Преместете ги или ги отменете."),
                    Locale::En => format!("It cannot be archived: tickets {list} hold it. Move or cancel them first."),
                }
            },
        ),
        Conflict::MailForgotten => (
            pick(
                l,
                "Письмо уже не отправить",
                "Писмото не може да се изпрати отново",
                "The mail cannot be sent again",
            ),
            pick(
                l,
                "Ссылка для смены пароля не хранится после отправки. Попросите пользователя запросить новую.",
                "Връзката за смяна на паролата не се пази след изпращане. Помолете потребителя да поиска нова.",
                "A password reset link is not kept once sent. Ask the user to request a new one.",
            )
            .into(),
        ),
        Conflict::LastAdmin => (
            pick(
                l,
                "Последний администратор",
                "Последен администратор",
                "The last admin",
            ),
            pick(
                l,
                "Нельзя отключить последнего активного администратора или сменить его роль: сначала назначьте другого.",
                "Последният активен администратор не може да бъде деактивиран или да смени ролята си: първо назначете друг.",
                "The last active admin cannot be deactivated or lose the role: make another admin first.",
            )
            .into(),
        ),
    }
}

/// Why an order's status may not change, in a language.
fn transition_reason(reason: tessera_domain::order_status::TransitionError, l: Locale) -> &'static str {
    use tessera_domain::order_status::TransitionError as T;
    match reason {
        T::Unchanged => pick(
            l,
            "у заказа уже этот статус",
            "поръчката вече е в този статус",
            "the order already has this status",
        ),
        T::FromCompleted => pick(
            l,
            "завершённый заказ изменить нельзя",
            "завършена поръчка не може да се променя",
            "a completed order cannot change",
        ),
        T::ToCompleted => pick(
            l,
            "заказ завершается системой, когда закончится период",
            "поръчката се завършва от системата, когато периодът изтече",
            "an order is completed by the system when its period ends",
        ),
        T::FromCancelled => pick(
            l,
            "отменённый заказ может перейти только к возврату средств",
            "отказана поръчка може да премине само към възстановяване на сумата",
            "a cancelled order can only move on to its refund",
        ),
        T::NotAllowed => pick(
            l,
            "такая смена статуса не допускается",
            "такава смяна на статуса не е допустима",
            "this change of status is not allowed",
        ),
    }
}

/// What a ticket's status refused, as the start of a sentence ending in the status.
fn ticket_action_refused(action: tessera_domain::ticket_status::TicketAction, l: Locale) -> &'static str {
    use tessera_domain::ticket_status::TicketAction as A;
    match action {
        A::Validate => pick(
            l,
            "Проверить личность нельзя: билет в статусе",
            "Самоличността не може да се провери: билетът е в статус",
            "The identity cannot be checked: the ticket is",
        ),
        A::ChangeVisitor => pick(
            l,
            "Сменить посетителя нельзя: билет в статусе",
            "Посетителят не може да се смени: билетът е в статус",
            "The visitor cannot be changed: the ticket is",
        ),
        A::ChangeWorkplace => pick(
            l,
            "Сменить рабочее место нельзя: билет в статусе",
            "Работното място не може да се смени: билетът е в статус",
            "The workplace cannot be changed: the ticket is",
        ),
        A::Send => pick(
            l,
            "Отправить билет нельзя: билет в статусе",
            "Билетът не може да се изпрати: билетът е в статус",
            "The ticket cannot be sent: it is",
        ),
    }
}

fn cascade_conflict(e: &CascadeError) -> bool {
    matches!(
        e,
        CascadeError::ClosedFolio { .. }
            | CascadeError::HallTaken { .. }
            | CascadeError::ActivityCancelled
            | CascadeError::ChargeNotActive
            | CascadeError::EventCancelled
            | CascadeError::BlockCancelled
    )
}

fn cascade_field(e: &CascadeError) -> &'static str {
    match e {
        CascadeError::InvalidPax => "pax",
        CascadeError::InvertedPeriod => "end_date",
        CascadeError::ExtendShrinks
        | CascadeError::ShortenNotInside
        | CascadeError::OutOfRange
        | CascadeError::YearOutOfRange => "start_date",
        CascadeError::UnknownActivities(_) => "activities",
        CascadeError::OutsidePeriod => "date",
        CascadeError::NegativeQuantity => "quantity",
        CascadeError::NotAHall => "premises_id",
        CascadeError::ServiceDateOutsidePeriod => "service_date",
        CascadeError::EndTimeNotAfterStart => "end_time",
        CascadeError::NegativePrice => "unit_price",
        CascadeError::NoReason => "reason",
        CascadeError::NotThisEventsFolio => "folio_id",
        _ => "",
    }
}

/// ` 09:00–12:00`, or nothing for the whole day.
fn at(t: tessera_events::DayTime) -> String {
    t.hh_mm().map(|(s, e)| format!(" {s}–{e}")).unwrap_or_default()
}

fn cascade_text(e: &CascadeError, l: Locale) -> (&'static str, String) {
    match e {
        CascadeError::ClosedFolio { folio_id } => (
            pick(l, "Фолио закрыто", "Фолиото е затворено", "Folio closed"),
            crate::field_text::say(
                l,
                format!("Фолио {folio_id} закрыто: его начисления не меняются, и новые в него не вносятся."),
                format!("Фолио {folio_id} е затворено: начисленията в него не се променят и не се добавят нови."),
                format!("Folio {folio_id} is closed: its charges never change and it takes no new ones."),
            ),
        ),
        CascadeError::EventCancelled => (
            pick(
                l,
                "Мероприятие отменено",
                "Мероприятието е анулирано",
                "Event cancelled",
            ),
            pick(
                l,
                "Мероприятие отменено: его активности, блоки и даты больше не меняются.",
                "Мероприятието е анулирано: дейностите, блоковете и датите му вече не се променят.",
                "The event is cancelled: its activities, blocks and dates change no more.",
            )
            .into(),
        ),
        CascadeError::BlockCancelled => (
            pick(l, "Блок отменён", "Блокът е анулиран", "Block cancelled"),
            pick(
                l,
                "Отменённый блок номеров изменить нельзя.",
                "Анулиран блок стаи не може да се променя.",
                "A cancelled room block cannot change.",
            )
            .into(),
        ),
        CascadeError::ChargeNotActive => (
            pick(
                l,
                "Начисление не действует",
                "Начислението не е активно",
                "Charge not active",
            ),
            pick(
                l,
                "Начисление аннулировано или отменено и больше не меняется.",
                "Начислението е анулирано или отменено и вече не се променя.",
                "The charge is voided or cancelled and changes no more.",
            )
            .into(),
        ),
        CascadeError::HallTaken {
            premises_id,
            date,
            time,
            other_activity_id,
            other_event_id,
            ..
        } => (
            pick(l, "Зал занят", "Залата е заета", "Hall taken"),
            if *other_activity_id == 0 {
                // Refused by the database's hall index: the holder is not known here.
                format!(
                    "{} {premises_id}, {date}{}.",
                    pick(
                        l,
                        "Зал занят другой активностью:",
                        "Залата е заета от друга дейност:",
                        "The hall is held by another activity:"
                    ),
                    at(*time)
                )
            } else {
                format!(
                    "{} {premises_id}, {date}{}: {other_activity_id} ({other_event_id})",
                    pick(
                        l,
                        "Зал занят другой активностью:",
                        "Залата е заета от друга дейност:",
                        "The hall is held by another activity:"
                    ),
                    at(*time)
                )
            },
        ),
        CascadeError::ActivityCancelled => (
            pick(l, "Активность отменена", "Дейността е анулирана", "Activity cancelled"),
            pick(
                l,
                "Отменённую активность изменить нельзя.",
                "Анулирана дейност не може да се променя.",
                "A cancelled activity cannot change.",
            )
            .into(),
        ),
        other => (
            pick(l, "Недопустимые значения", "Невалидни стойности", "Invalid values"),
            crate::field_text::cascade(other, l),
        ),
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Problem::NotFound(what),
            StoreError::Forbidden => Problem::Forbidden,
            StoreError::Conflict(c) => Problem::Conflict(c),
            StoreError::Unprocessable { field, refusal } => Problem::field(field, refusal),
            StoreError::Cascade(e) => Problem::Cascade(e),
            StoreError::PreconditionFailed { current } => Problem::Stale { current },
            other => {
                tracing::error!(error = %other, "store failure");
                Problem::Internal
            }
        }
    }
}

/// The language of a request: `Accept-Language` or the configured default.
pub fn request_locale(headers: &axum::http::HeaderMap, default: Locale) -> Locale {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::negotiate)
        .unwrap_or(default)
}

/// Renders any [`Problem`] a handler or extractor returned, and turns the
/// framework's own bare errors (unknown route, wrong method, body limits)
/// into problem+json too.
pub async fn localize(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let locale = request_locale(req.headers(), state.config.default_locale);
    let res = next.run(req).await;
    let problem = match res.extensions().get::<Problem>() {
        Some(p) => Some(p.clone()),
        None if res.status().is_client_error() || res.status().is_server_error() => {
            let is_problem = res
                .headers()
                .get(header::CONTENT_TYPE)
                // The web UI's own error pages are finished answers too.
                .is_some_and(|v| {
                    v.as_bytes().starts_with(b"application/problem+json") || v.as_bytes().starts_with(b"text/html")
                });
            (!is_problem).then(|| match res.status() {
                StatusCode::NOT_FOUND => Problem::NotFound(Thing::Route),
                StatusCode::METHOD_NOT_ALLOWED => Problem::MethodNotAllowed,
                StatusCode::PAYLOAD_TOO_LARGE => Problem::TooLarge,
                StatusCode::REQUEST_TIMEOUT => Problem::Internal,
                s if s.is_server_error() => Problem::Internal,
                _ => Problem::Malformed(Malformed::Request),
            })
        }
        None => None,
    };
    let Some(problem) = problem else { return res };
    let status = if res.status() == StatusCode::METHOD_NOT_ALLOWED {
        Some(res.status())
    } else {
        None
    };
    let mut out = problem_response(&problem, locale, status);
    if let Some(allow) = res.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// A problem as a finished problem+json response in a language.
pub fn problem_response(problem: &Problem, locale: Locale, status: Option<StatusCode>) -> Response {
    let status = status.unwrap_or_else(|| problem.status());
    let body = problem.render(locale);
    let mut out = (status, axum::Json(body)).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    out.headers_mut()
        .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.tag()));
    if status == StatusCode::UNAUTHORIZED {
        out.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    if let Problem::TooManyAttempts { retry_after }
    | Problem::TooManySignUps { retry_after }
    | Problem::Busy { retry_after } = problem
    {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
    }
    out
}
