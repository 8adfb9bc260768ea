//! Why a value in a request is refused, without words: the store and the
//! handlers name the reason, and the server's catalogue words each one in
//! every language it serves (a reason without wording does not compile).
//! The `Display` text is English for logs and tests.

use crate::booking::BookingRefusal;
use crate::money::MoneyError;
use crate::password::PasswordError;
use crate::period::PeriodError;
use crate::person::PersonError;

/// The reason one field is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    // The shape of a value.
    /// Missing.
    #[error("is required")]
    Required,
    /// Of the wrong JSON type.
    #[error("has the wrong type")]
    WrongType,
    /// Not a whole number where one is expected (a fraction, text).
    #[error("must be a whole number")]
    NotWholeNumber,
    /// Not one of the names it may take.
    #[error("one of {}", .0.join(", "))]
    OneOf(&'static [&'static str]),
    /// Not one of the names the request's reader expected.
    #[error("one of {}", .0.join(", "))]
    Expected(Vec<String>),
    /// Not a date as `YYYY-MM-DD`.
    #[error("expected a date as YYYY-MM-DD")]
    NotDate,
    /// A date outside the years events may have.
    #[error("the date must be in the years 1900 to 2199")]
    YearOutOfRange,
    /// Not a time as `HH:MM`.
    #[error("expected a time as HH:MM")]
    NotTime,
    /// Not a decimal number.
    #[error("not a decimal number")]
    NotDecimal,
    /// Below zero.
    #[error("must not be negative")]
    Negative,
    /// Below one.
    #[error("must be at least 1")]
    AtLeastOne,
    /// Outside its bounds.
    #[error("must be from {min} to {max}")]
    Between {
        /// Lowest allowed.
        min: i64,
        /// Highest allowed.
        max: i64,
    },
    /// Longer than allowed.
    #[error("is too long (at most {0} characters)")]
    TooLong(usize),
    /// More entries than allowed.
    #[error("at most {0} entries")]
    TooMany(usize),
    /// A stretch of days longer than one answer covers.
    #[error("at most {0} days after the first day")]
    TooManyDays(i32),
    /// Not an IANA time zone.
    #[error("not an IANA time zone")]
    NotTimeZone,
    /// Not an ISO 4217 currency code.
    #[error("an ISO 4217 code such as RUB")]
    NotCurrency,
    /// Not a positive whole number.
    #[error("a positive whole number")]
    NotPositiveNumber,
    /// An `Idempotency-Key` that is not 1 to 255 visible ASCII characters.
    #[error("1 to 255 visible ASCII characters")]
    NotKey,
    /// An opaque list cursor the server did not issue.
    #[error("not a cursor this server issued")]
    NotCursor,

    // Values that go together.
    /// Needed by the mode chosen.
    #[error("is required for this mode")]
    RequiredForMode,
    /// A last day before the first.
    #[error("must not be before the first day")]
    BeforeStart,
    /// An end time not after its start time on the same day.
    #[error("the end time must be after the start time")]
    TimeNotAfterStart,
    /// A time given without the other of its pair (start and end).
    #[error("give both the start and the end time (or neither, for the whole day)")]
    TimePairIncomplete,
    /// A period given both ways or neither.
    #[error("give either start_date and end_date, or date, start_time and end_time")]
    PeriodShape,
    /// Neither or both of an existing and a new user.
    #[error("give either user_id or user")]
    UserOrNew,
    /// A visitor made on the way has more than names, e-mail and phone.
    #[error("a visitor created here has only names, e-mail and phone")]
    VisitorFieldsOnly,
    /// Signing up for a role other than visitor.
    #[error("visitors register themselves; other roles are given by an admin")]
    RoleGivenByAdmin,
    /// An idempotency key reused for another request.
    #[error("this key was used with another request")]
    KeyReused,

    // The domain's own rules.
    /// A period that cannot be.
    #[error("{0}")]
    Period(PeriodError),
    /// A booking outside the venue's window.
    #[error("{0}")]
    Booking(BookingRefusal),
    /// A password too weak or too long.
    #[error("{0}")]
    Password(PasswordError),
    /// A name, e-mail or phone that is not one.
    #[error("{0}")]
    Person(PersonError),
    /// A price that is not one.
    #[error("{0}")]
    Money(MoneyError),

    // What the value refers to.
    /// No such venue.
    #[error("no such venue")]
    NoSuchVenue,
    /// No such workplace.
    #[error("no such workplace")]
    NoSuchWorkplace,
    /// No such user.
    #[error("no such user")]
    NoSuchUser,
    /// No such tariff in the workplace's venue.
    #[error("no such tariff in this venue")]
    NoSuchTariff,
    /// No such service variant in the workplace's venue.
    #[error("no such service variant in this venue")]
    NoSuchServiceVariant,
    /// No such modifier in the workplace's venue.
    #[error("no such modifier in this venue: {0}")]
    NoSuchModifier(i64),
    /// No such active activity of the event.
    #[error("no such active activity of this event")]
    NoSuchActivity,
    /// No visitor has the e-mail.
    #[error("no visitor has this e-mail")]
    NoSuchVisitor,
    /// Premises that are not a hall of the event's venue.
    #[error("not a hall of the event's venue")]
    NotAHall,
    /// Workplaces are in coworking premises only.
    #[error("workplaces belong to coworking premises")]
    NotCoworking,
    /// The premises have a workplace of that name.
    #[error("these premises already have a workplace with this name")]
    WorkplaceNameTaken,
    /// A workplace of another venue than the ticket's.
    #[error("the workplace is in another venue")]
    OtherVenue,
    /// Workplaces of one order in several venues.
    #[error("all workplaces of an order must be in one venue")]
    OrderInOneVenue,
    /// An order with no workplace.
    #[error("an order books at least one workplace")]
    OrderBooksNothing,
    /// A webhook URL that is not http(s) with a host.
    #[error("an http:// or https:// address")]
    NotWebhookUrl,
    /// A webhook subscribed to a type that does not exist.
    #[error("not an event type")]
    UnknownEventType,
    /// `*` beside other types.
    #[error("\"*\" (every type) stands alone")]
    EveryTypeAlone,
    /// A visitor ordering for someone else.
    #[error("a visitor orders for themselves")]
    VisitorOrdersForThemselves,
    /// Sending a ticket to oneself.
    #[error("the ticket is yours already")]
    TicketYoursAlready,
    /// A ticket for someone who is not a visitor.
    #[error("only a visitor can hold a ticket")]
    OnlyVisitorsHoldTickets,
    /// A backup asked of PostgreSQL.
    #[error("back up PostgreSQL with pg_dump")]
    BackUpWithPgDump,
    /// An archived catalogue item, not offered for new orders.
    #[error("is archived: not offered for new orders")]
    Archived,
    /// The current password given is not the account's.
    #[error("this is not your current password")]
    WrongPassword,
    /// A password-reset link used, expired or never issued.
    #[error("this link is used, expired or unknown; ask for a new one")]
    ResetLinkInvalid,
    /// Not an instant (RFC 3339 with an offset) nor a date.
    #[error("expected an RFC 3339 instant with an offset, or a date as YYYY-MM-DD")]
    NotInstant,
    /// Not a UUID.
    #[error("expected a UUID")]
    NotUuid,
    /// An instant after now.
    #[error("is in the future")]
    InFuture,
    /// A ticket number nobody holds.
    #[error("no such ticket")]
    NoSuchTicket,
    /// Premises that do not exist.
    #[error("no such premises")]
    NoSuchPremises,
    /// A door cannot have let anyone in on a pass it could not verify.
    #[error("the pass was not signed by this server, so it cannot have let anyone in")]
    ForgedPassAllowed,
}

impl From<PeriodError> for Refusal {
    fn from(e: PeriodError) -> Self {
        Refusal::Period(e)
    }
}

impl From<BookingRefusal> for Refusal {
    fn from(e: BookingRefusal) -> Self {
        Refusal::Booking(e)
    }
}

impl From<PasswordError> for Refusal {
    fn from(e: PasswordError) -> Self {
        Refusal::Password(e)
    }
}

impl From<PersonError> for Refusal {
    fn from(e: PersonError) -> Self {
        Refusal::Person(e)
    }
}

impl From<MoneyError> for Refusal {
    fn from(e: MoneyError) -> Self {
        Refusal::Money(e)
    }
}

/// What was asked for and does not exist (or is not the caller's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    /// An event.
    Event,
    /// An activity of an event.
    Activity,
    /// A folio.
    Folio,
    /// A charge on a folio.
    Charge,
    /// A room block of an event.
    Block,
    /// An order.
    Order,
    /// A ticket.
    Ticket,
    /// Premises.
    Premises,
    /// A venue.
    Venue,
    /// A workplace.
    Workplace,
    /// An order's customer.
    Customer,
    /// A visitor.
    Visitor,
    /// A user account.
    User,
    /// A tariff.
    Tariff,
    /// A service variant.
    ServiceVariant,
    /// A modifier.
    Modifier,
    /// A webhook endpoint.
    Webhook,
    /// A delivery of an event to a webhook.
    Delivery,
    /// A mail.
    Mail,
    /// An API path.
    Route,
    /// Anything an id in the path names.
    Resource,
}

impl Thing {
    /// Every thing, for catalogues and tests.
    pub const ALL: [Thing; 21] = [
        Thing::Event,
        Thing::Activity,
        Thing::Folio,
        Thing::Charge,
        Thing::Block,
        Thing::Order,
        Thing::Ticket,
        Thing::Premises,
        Thing::Venue,
        Thing::Workplace,
        Thing::Customer,
        Thing::Visitor,
        Thing::User,
        Thing::Tariff,
        Thing::ServiceVariant,
        Thing::Modifier,
        Thing::Webhook,
        Thing::Delivery,
        Thing::Mail,
        Thing::Route,
        Thing::Resource,
    ];
}

impl std::fmt::Display for Thing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Thing::Event => "event",
            Thing::Activity => "activity",
            Thing::Folio => "folio",
            Thing::Charge => "charge",
            Thing::Block => "block",
            Thing::Order => "order",
            Thing::Ticket => "ticket",
            Thing::Premises => "premises",
            Thing::Venue => "venue",
            Thing::Workplace => "workplace",
            Thing::Customer => "customer",
            Thing::Visitor => "visitor",
            Thing::User => "user",
            Thing::Tariff => "tariff",
            Thing::ServiceVariant => "service variant",
            Thing::Modifier => "modifier",
            Thing::Webhook => "webhook",
            Thing::Delivery => "delivery",
            Thing::Mail => "mail",
            Thing::Route => "route",
            Thing::Resource => "resource",
        })
    }
}
