//! The JSON shapes of the API contract (API.md), with their OpenAPI schemas.
//! Inputs take dates, times and money as strings and are parsed into domain
//! types with field-level errors; outputs are built from store views.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use tessera_domain::period_text::period_text;
use tessera_domain::refusal::Refusal;
use tessera_domain::{Locale, Period, PeriodInput};
use utoipa::ToSchema;

use crate::error::{FieldFault, Problem};
use crate::field_text::Malformed;
use crate::i18n;

/// A user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    /// Opaque id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Role.
    pub role: String,
    /// Whether the account may sign in.
    pub active: bool,
    /// The language of mail to them: `ru`, `bg` or `en`.
    pub locale: String,
}

impl From<tessera_store::User> for UserOut {
    fn from(u: tessera_store::User) -> Self {
        UserOut {
            active: u.is_active(),
            id: u.id,
            first_name: u.first_name,
            last_name: u.last_name,
            email: u.email,
            phone: u.phone,
            role: u.role,
            locale: u.locale,
        }
    }
}

/// A person named on a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRef {
    /// Id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// Something with an id and a name.
#[derive(Debug, Serialize, ToSchema)]
pub struct Named {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// A list page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    /// Items.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A rental period as sent: whole days (`start_date`, `end_date`) or a slot
/// (`date`, `start_time`, `end_time`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodIn {
    /// First day, `YYYY-MM-DD` (whole days).
    pub start_date: Option<String>,
    /// Last day, included (whole days).
    pub end_date: Option<String>,
    /// The day of a slot.
    pub date: Option<String>,
    /// Slot start, `HH:MM`.
    pub start_time: Option<String>,
    /// Slot end, `HH:MM`, excluded.
    pub end_time: Option<String>,
}

impl utoipa::PartialSchema for PeriodIn {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::rules::period().into()
    }
}

impl ToSchema for PeriodIn {}

/// Parses `YYYY-MM-DD` strictly.
pub fn parse_date(field: &str, s: &str, errors: &mut Vec<FieldFault>) -> Option<Date> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    match s.parse::<Date>() {
        Ok(d) if ok => Some(d),
        _ => {
            errors.push(FieldFault {
                field: field.into(),
                refusal: Refusal::NotDate,
            });
            None
        }
    }
}

/// Parses `HH:MM` strictly.
pub fn parse_time(field: &str, s: &str, errors: &mut Vec<FieldFault>) -> Option<Time> {
    let b = s.as_bytes();
    let ok = b.len() == 5 && b[2] == b':' && b.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit());
    let parsed = ok.then(|| s.parse::<Time>().ok()).flatten();
    if parsed.is_none() {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::NotTime,
        });
    }
    parsed
}

impl PeriodIn {
    /// Parses into a period input; `prefix` names the field in errors.
    pub fn parse(&self, prefix: &str) -> Result<PeriodInput, Problem> {
        let mut errors = Vec::new();
        let f = |name: &str| format!("{prefix}.{name}");
        let days = self.start_date.is_some() || self.end_date.is_some();
        let slot = self.date.is_some() || self.start_time.is_some() || self.end_time.is_some();
        if days == slot {
            return Err(Problem::field(prefix, Refusal::PeriodShape));
        }
        let need = |v: &Option<String>, name: &str, errors: &mut Vec<FieldFault>| -> Option<String> {
            if v.is_none() {
                errors.push(FieldFault {
                    field: f(name),
                    refusal: Refusal::Required,
                });
            }
            v.clone()
        };
        let input = if days {
            let s = need(&self.start_date, "start_date", &mut errors);
            let e = need(&self.end_date, "end_date", &mut errors);
            let s = s.and_then(|s| parse_date(&f("start_date"), &s, &mut errors));
            let e = e.and_then(|e| parse_date(&f("end_date"), &e, &mut errors));
            s.zip(e)
                .map(|(start_date, end_date)| PeriodInput::Days { start_date, end_date })
        } else {
            let d = need(&self.date, "date", &mut errors);
            let st = need(&self.start_time, "start_time", &mut errors);
            let et = need(&self.end_time, "end_time", &mut errors);
            let d = d.and_then(|d| parse_date(&f("date"), &d, &mut errors));
            let st = st.and_then(|t| parse_time(&f("start_time"), &t, &mut errors));
            let et = et.and_then(|t| parse_time(&f("end_time"), &t, &mut errors));
            match (d, st, et) {
                (Some(date), Some(start_time), Some(end_time)) => Some(PeriodInput::Slot {
                    date,
                    start_time,
                    end_time,
                }),
                _ => None,
            }
        };
        match input {
            Some(i) if errors.is_empty() => Ok(i),
            _ => Err(Problem::Invalid(errors)),
        }
    }
}

/// A period as answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodOut {
    /// First day (whole days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last day, included (whole days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// The day (slot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Slot start (slot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Slot end (slot).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// First instant, RFC 3339 with the venue's offset.
    pub start: String,
    /// End instant (excluded).
    pub end: String,
    /// As the list shows it: `13.12.2022 - 14.12.2022`.
    pub text: String,
}

/// An instant in RFC 3339 with the venue's offset.
pub fn instant(at: Timestamp, tz: &TimeZone) -> String {
    at.display_with_offset(tz.to_offset(at)).to_string()
}

/// An instant from UNIX seconds.
pub fn instant_s(seconds: i64, tz: &TimeZone) -> String {
    instant(Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH), tz)
}

impl PeriodOut {
    /// Builds the answer for a period.
    pub fn new(p: &Period, tz: &TimeZone, l: Locale) -> PeriodOut {
        let hm = |t: Time| t.strftime("%H:%M").to_string();
        let mut out = PeriodOut {
            start_date: None,
            end_date: None,
            date: None,
            start_time: None,
            end_time: None,
            start: instant(p.start(), tz),
            end: instant(p.end(), tz),
            text: period_text(&p.input(), l),
        };
        match p.input() {
            PeriodInput::Days { start_date, end_date } => {
                out.start_date = Some(start_date.to_string());
                out.end_date = Some(end_date.to_string());
            }
            PeriodInput::Slot {
                date,
                start_time,
                end_time,
            } => {
                out.date = Some(date.to_string());
                out.start_time = Some(hm(start_time));
                out.end_time = Some(hm(end_time));
            }
        }
        out
    }
}

/// A time zone by IANA name; unknown names fall back to UTC only for data
/// that was checked when stored.
pub fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// A decimal given as a JSON string (`"7000.00"`) or number (`7000`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DecimalIn {
    /// As a string.
    Text(String),
    /// As a number.
    Number(serde_json::Number),
}

impl DecimalIn {
    /// The text of the decimal.
    pub fn text(&self) -> String {
        match self {
            DecimalIn::Text(s) => s.clone(),
            DecimalIn::Number(n) => n.to_string(),
        }
    }
}

/// Collects field errors into one problem.
pub fn check(errors: Vec<FieldFault>) -> Result<(), Problem> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::Invalid(errors))
    }
}

/// A required text field: trimmed, non-empty, at most `max` characters.
pub fn text_field(field: &str, value: &str, max: usize, errors: &mut Vec<FieldFault>) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::Person(tessera_domain::person::PersonError::Empty),
        });
    } else if v.chars().count() > max {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::TooLong(max),
        });
    } else if v.chars().any(char::is_control) {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::Person(tessera_domain::person::PersonError::Control),
        });
    }
    v.to_owned()
}

/// A word from a fixed list (a kind, a unit, a role, a status) as its
/// type; anything else is refused at the field, naming the list.
pub fn one_of<T>(
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    names: &'static [&'static str],
    errors: &mut Vec<FieldFault>,
) -> Option<T> {
    let parsed = parse(value);
    if parsed.is_none() {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::OneOf(names),
        });
    }
    parsed
}

/// Optional free text (directions, a comment): trimmed, blank is none, at
/// most `max` characters; line breaks allowed.
pub fn optional_text(field: &str, value: Option<&str>, max: usize, errors: &mut Vec<FieldFault>) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > max {
        errors.push(FieldFault {
            field: field.into(),
            refusal: Refusal::TooLong(max),
        });
    }
    Some(v.to_owned())
}

/// Cursors are opaque to clients; inside they carry the last number seen.
pub fn encode_cursor(before: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("n{before}"))
}

/// Reads a cursor back; a forged or broken one is a 400.
pub fn decode_cursor(cursor: &str) -> Result<i64, Problem> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix('n').and_then(|n| n.parse::<i64>().ok()))
        .filter(|n| *n > 0)
        .ok_or(Problem::Malformed(Malformed::Cursor))
}

/// Rows fetched with `limit + 1`: the first `limit` of them, and the cursor
/// of the next page (the last row's key) when there was one more.
pub fn page_of<R>(mut rows: Vec<R>, limit: i64, key: impl Fn(&R) -> i64) -> (Vec<R>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|r| encode_cursor(key(r)))
    } else {
        None
    };
    (rows, next_cursor)
}

/// An instant (Unix seconds) as RFC 3339 in UTC, as the integration
/// answers give times.
pub fn utc_text(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

/// Page size: default 50, at most 500.
pub fn limit(l: Option<i64>) -> Result<i64, Problem> {
    match l {
        None => Ok(crate::rules::PAGE_DEFAULT),
        Some(n) if (1..=crate::rules::PAGE_MAX).contains(&n) => Ok(n),
        Some(_) => Err(Problem::Malformed(Malformed::Limit {
            min: 1,
            max: crate::rules::PAGE_MAX,
        })),
    }
}

/// A ticket of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderTicket {
    /// Ticket number.
    pub number: i64,
    /// Ticket status.
    pub status: String,
}

/// An order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderOut {
    /// Number.
    pub number: i64,
    /// Status (one of the ten).
    pub status: String,
    /// The status in words.
    pub status_text: String,
    /// The customer.
    pub customer: UserOut,
    /// Decimal total.
    pub total: String,
    /// Currency.
    pub currency: String,
    /// When it was made (RFC 3339, the venue's offset).
    pub created_at: String,
    /// Tickets.
    pub tickets: Vec<OrderTicket>,
}

/// An order as every answer gives it (also the idempotent replay's).
pub fn order_out(o: tessera_store::OrderView, l: tessera_domain::Locale) -> OrderOut {
    OrderOut {
        number: o.number,
        status: o.status.as_str().into(),
        status_text: i18n::order_status(o.status, l).into(),
        customer: o.customer.into(),
        total: o.total,
        currency: o.currency,
        created_at: instant_s(o.created_at, &zone(&o.time_zone)),
        tickets: o
            .tickets
            .into_iter()
            .map(|(number, s)| OrderTicket {
                number,
                status: s.as_str().into(),
            })
            .collect(),
    }
}
