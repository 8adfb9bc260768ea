//! What Tessera tells the world: the event types a change emits, which
//! endpoint hears which, and how a failed delivery is retried.

/// An event a change emits, as a webhook's `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// An order was made.
    OrderCreated,
    /// An order moved to another status.
    OrderStatusChanged,
    /// A ticket moved to another status (a manager's or the clock's doing).
    TicketStatusChanged,
    /// A manager checked the visitor's identity.
    TicketValidated,
    /// A manager took the validation back.
    TicketValidationReset,
    /// A manager gave the ticket to another visitor.
    TicketVisitorChanged,
    /// The ticket moved to another workplace.
    TicketWorkplaceChanged,
    /// The visitor sent the ticket to someone else.
    TicketSent,
    /// A pass was checked at a door.
    AccessChecked,
    /// An event (or one of its parts) changed.
    EventChanged,
    /// A charge was posted or changed.
    ChargeChanged,
    /// A folio was closed.
    FolioClosed,
}

impl EventType {
    /// Every type, in the order the documentation lists them.
    pub const ALL: [EventType; 12] = [
        EventType::OrderCreated,
        EventType::OrderStatusChanged,
        EventType::TicketStatusChanged,
        EventType::TicketValidated,
        EventType::TicketValidationReset,
        EventType::TicketVisitorChanged,
        EventType::TicketWorkplaceChanged,
        EventType::TicketSent,
        EventType::AccessChecked,
        EventType::EventChanged,
        EventType::ChargeChanged,
        EventType::FolioClosed,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::OrderCreated => "order.created",
            EventType::OrderStatusChanged => "order.status_changed",
            EventType::TicketStatusChanged => "ticket.status_changed",
            EventType::TicketValidated => "ticket.validated",
            EventType::TicketValidationReset => "ticket.validation_reset",
            EventType::TicketVisitorChanged => "ticket.visitor_changed",
            EventType::TicketWorkplaceChanged => "ticket.workplace_changed",
            EventType::TicketSent => "ticket.sent",
            EventType::AccessChecked => "access.checked",
            EventType::EventChanged => "event.changed",
            EventType::ChargeChanged => "charge.changed",
            EventType::FolioClosed => "folio.closed",
        }
    }

    /// The type a wire name names.
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The type of the event an endpoint's "send a test" emits; it goes to that
/// endpoint alone, whatever it subscribes to.
pub const TEST_EVENT: &str = "webhook.test";

/// Subscribes to every type.
pub const EVERY_TYPE: &str = "*";

/// Which events an endpoint hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    /// All of them (`["*"]`), including types added later.
    Every,
    /// These (never empty).
    Only(Vec<EventType>),
}

/// Why a subscription list is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionError {
    /// The list is empty.
    Empty,
    /// This entry is not a type (its index).
    Unknown(usize),
    /// `*` with other types beside it.
    EveryWithOthers,
}

impl Subscription {
    /// Reads `events` as a webhook's body gives it.
    pub fn parse<S: AsRef<str>>(events: &[S]) -> Result<Subscription, SubscriptionError> {
        if events.is_empty() {
            return Err(SubscriptionError::Empty);
        }
        if events.iter().any(|e| e.as_ref() == EVERY_TYPE) {
            return if events.len() == 1 {
                Ok(Subscription::Every)
            } else {
                Err(SubscriptionError::EveryWithOthers)
            };
        }
        let mut types = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            let t = EventType::parse(e.as_ref()).ok_or(SubscriptionError::Unknown(i))?;
            if !types.contains(&t) {
                types.push(t);
            }
        }
        types.sort();
        Ok(Subscription::Only(types))
    }

    /// Whether an event of this type goes to the endpoint.
    pub fn hears(&self, t: EventType) -> bool {
        match self {
            Subscription::Every => true,
            Subscription::Only(types) => types.contains(&t),
        }
    }

    /// The list as stored and answered.
    pub fn names(&self) -> Vec<&'static str> {
        match self {
            Subscription::Every => vec![EVERY_TYPE],
            Subscription::Only(types) => types.iter().map(|t| t.as_str()).collect(),
        }
    }
}

/// Why an endpoint's URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not `http://` or `https://` with a host.
    NotHttp,
    /// Longer than 2,000 characters.
    TooLong,
}

/// The longest endpoint URL, in characters.
pub const URL_MAX: usize = 2000;

/// The URL grammar [`check_url`] decides, as a regular expression for the
/// API's schema: a scheme, an optional user part, a host (or a bracketed
/// IPv6 address, which [`check_url`] also parses), an optional port and the
/// rest; no spaces or ASCII control characters anywhere.
pub const URL_PATTERN: &str = r"^https?://([^\x00-\x20\x7f/?#@\[\]]*@)?(\[[0-9A-Fa-f:.]+\]|[^\x00-\x20\x7f/?#@:\[\]]+)(:[0-9]*)?([/?#][^\x00-\x20\x7f]*)?$";

fn plain(c: char) -> bool {
    !(c <= ' ' || c == '\x7f')
}

/// An endpoint's URL, as [`URL_PATTERN`] says.
pub fn check_url(url: &str) -> Result<(), UrlError> {
    if url.chars().count() > URL_MAX {
        return Err(UrlError::TooLong);
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(UrlError::NotHttp)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if !tail.chars().all(plain) {
        return Err(UrlError::NotHttp);
    }
    let host_port = match authority.split_once('@') {
        Some((user, host)) if user.chars().all(|c| plain(c) && c != '[' && c != ']') => host,
        Some(_) => return Err(UrlError::NotHttp),
        None => authority,
    };
    let port = if let Some(inner) = host_port.strip_prefix('[') {
        let (v6, after) = inner.split_once(']').ok_or(UrlError::NotHttp)?;
        // An IP literal is an IPv6 address and nothing else (RFC 3986).
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(UrlError::NotHttp);
        }
        after
    } else {
        let end = host_port.find(':').unwrap_or(host_port.len());
        let (host, after) = host_port.split_at(end);
        let ok = |c: char| plain(c) && !matches!(c, '@' | '[' | ']');
        if host.is_empty() || !host.chars().all(ok) {
            return Err(UrlError::NotHttp);
        }
        after
    };
    match port.strip_prefix(':') {
        None if port.is_empty() => Ok(()),
        Some(digits) if digits.chars().all(|c| c.is_ascii_digit()) => Ok(()),
        _ => Err(UrlError::NotHttp),
    }
}

/// Why an attempt at a webhook or a mail failed, when Tessera itself says
/// so (a server's own answer is kept as it came); the admin pages word them.
pub mod failure {
    /// No answer in time.
    pub const TIMED_OUT: &str = "timed out";
    /// The server could not be reached.
    pub const NO_CONNECTION: &str = "could not connect";
    /// Still not sent a day after it was made.
    pub const EXPIRED: &str = "not sent within 24 hours";
    /// What the mail was about no longer exists.
    pub const GONE: &str = "nothing to send: what it was about is gone";
}

/// How long a delivery keeps being retried after its event.
pub const RETRY_FOR_SECONDS: i64 = 24 * 3600;

/// What happens after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this instant (Unix seconds).
    RetryAt(i64),
    /// Give up: the delivery is `failed`.
    GiveUp,
}

/// The schedule after the `attempts`-th failed attempt of a delivery made
/// at `created_at`: waits of 5 s, 10 s, 20 s … doubling up to an hour, each
/// shortened by up to a fifth by `jitter` (0.0–1.0) so that endpoints that
/// failed together do not come back together; none after 24 hours.
pub fn after_failure(attempts: u32, created_at: i64, now: i64, jitter: f64) -> AfterFailure {
    let exponent = attempts.saturating_sub(1).min(20);
    let wait = (5_i64 << exponent).min(3600);
    let cut = (wait as f64 * 0.2 * jitter.clamp(0.0, 1.0)) as i64;
    let at = now + (wait - cut).max(1);
    if at - created_at > RETRY_FOR_SECONDS {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryAt(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_reads_back_from_its_name() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EventType::parse("order.deleted"), None);
    }

    #[test]
    fn a_subscription_is_every_type_or_known_types() {
        assert_eq!(Subscription::parse(&["*"]), Ok(Subscription::Every));
        assert_eq!(Subscription::parse::<&str>(&[]), Err(SubscriptionError::Empty));
        assert_eq!(
            Subscription::parse(&["order.created", "nope"]),
            Err(SubscriptionError::Unknown(1))
        );
        assert_eq!(
            Subscription::parse(&["*", "order.created"]),
            Err(SubscriptionError::EveryWithOthers)
        );
        let s = Subscription::parse(&["ticket.sent", "order.created", "ticket.sent"]).unwrap_or(Subscription::Every);
        assert_eq!(s.names(), vec!["order.created", "ticket.sent"]);
        assert!(s.hears(EventType::TicketSent));
        assert!(!s.hears(EventType::AccessChecked));
        assert!(Subscription::Every.hears(EventType::AccessChecked));
    }

    #[test]
    fn only_http_urls_with_a_host_are_endpoints() {
        assert_eq!(check_url("https://example.com/hook"), Ok(()));
        assert_eq!(check_url("http://127.0.0.1:8080"), Ok(()));
        assert_eq!(check_url("http://[::1]:9/x"), Ok(()));
        assert_eq!(check_url("ftp://example.com"), Err(UrlError::NotHttp));
        assert_eq!(check_url("https://"), Err(UrlError::NotHttp));
        assert_eq!(check_url("https:///path"), Err(UrlError::NotHttp));
        assert_eq!(check_url("https://a b"), Err(UrlError::NotHttp));
        assert_eq!(check_url("javascript:alert(1)"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://a:b"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://a@b@c"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://u:p@host:8080/x?y#z"), Ok(()));
        assert_eq!(check_url("http://[]"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://[0]"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://[1.2.3.4]/"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://[fe80::1]:8080/x"), Ok(()));
        assert_eq!(check_url("http://a[@host"), Err(UrlError::NotHttp));
        assert_eq!(check_url("http://h/\u{1}"), Err(UrlError::NotHttp));
        assert_eq!(
            check_url(&format!("https://e.com/{}", "a".repeat(2000))),
            Err(UrlError::TooLong)
        );
    }

    #[test]
    fn retries_back_off_and_stop_after_a_day() {
        assert_eq!(after_failure(1, 0, 0, 0.0), AfterFailure::RetryAt(5));
        assert_eq!(after_failure(2, 0, 100, 0.0), AfterFailure::RetryAt(110));
        assert_eq!(after_failure(3, 0, 100, 1.0), AfterFailure::RetryAt(116));
        assert_eq!(after_failure(30, 0, 1000, 0.0), AfterFailure::RetryAt(4600));
        assert_eq!(after_failure(30, 0, RETRY_FOR_SECONDS - 10, 0.0), AfterFailure::GiveUp);
        // Jitter only ever shortens the wait, by at most a fifth.
        for j in [0.0, 0.3, 0.99, 1.0] {
            match after_failure(5, 0, 0, j) {
                AfterFailure::RetryAt(at) => assert!((64..=80).contains(&at), "{at}"),
                AfterFailure::GiveUp => panic!("gave up early"),
            }
        }
    }
}
