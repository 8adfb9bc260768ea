//! The rules the server enforces on requests, stated once: the limits the
//! handlers check and the JSON Schemas the OpenAPI document gives for the
//! same fields (`#[schema(schema_with = …)]`), so that a client generated
//! from the document sends nothing refused for a reason it could have said.
//!
//! Text fields are trimmed before they are checked (Rust's `str::trim`, the
//! Unicode `White_Space` characters) and must not contain control
//! characters (`char::is_control`, category Cc) inside: the patterns spell
//! both classes out instead of `\s`, whose meaning differs between regex
//! engines, and bound the trimmed length inside the pattern (a `maxLength`
//! would count the surrounding spaces the server ignores).

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};

/// Longest name of a venue, premises, tariff, service variant, modifier, event, activity or block.
pub const NAME_MAX: usize = 200;
/// Longest workplace name.
pub const WORKPLACE_NAME_MAX: usize = 100;
/// Longest charge description.
pub const DESCRIPTION_MAX: usize = 500;
/// Longest first-visit directions.
pub const DIRECTIONS_MAX: usize = 2000;
/// A comment on an order's change of status.
pub const COMMENT_MAX: usize = 1000;
/// Longest notes on an activity.
pub const NOTES_MAX: usize = 2000;
/// Longest user search and visitor filter.
pub const SEARCH_MAX: usize = 100;
/// Longest pass token.
pub const TOKEN_MAX: usize = 512;
/// Longest time zone name, in bytes.
pub const TIME_ZONE_MAX: usize = 64;
/// Page size bounds and default.
pub const PAGE_MAX: i64 = 500;
/// The page size when none is given.
pub const PAGE_DEFAULT: i64 = 50;
/// Most items of an order.
pub const ITEMS_MAX: usize = 50;
/// Most modifiers of an item.
pub const MODIFIERS_MAX: usize = 50;
/// Most rooms in a block.
pub const ROOMS_MAX: i64 = 100_000;
/// Most PAX of an event or an activity.
pub const PAX_MAX: i64 = tessera_events::MAX_PAX;

/// What `str::trim` removes (`White_Space`), as a regex class body.
const WS: &str = r"\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// What `char::is_control` is (Cc), as a regex class body.
const CC: &str = r"\u0000-\u001F\u007F-\u009F";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A trimmed text of 1 to `max` characters without control characters
/// (`wire::text_field`).
pub fn text_pattern(max: usize) -> String {
    let inner = max.saturating_sub(2);
    format!("^[{WS}]*[^{WS}{CC}](?:[^{CC}]{{0,{inner}}}[^{WS}{CC}])?[{WS}]*$")
}

fn text(max: usize) -> ObjectBuilder {
    string().min_length(Some(1)).pattern(Some(text_pattern(max)))
}

/// A name of at most [`NAME_MAX`] characters.
pub fn name() -> Object {
    text(NAME_MAX).build()
}

/// A workplace name.
pub fn workplace_name() -> Object {
    text(WORKPLACE_NAME_MAX).build()
}

/// Why a charge is voided.
pub fn reason() -> Object {
    text(COMMENT_MAX).build()
}

/// A charge description.
pub fn description() -> Object {
    text(DESCRIPTION_MAX).build()
}

/// A first or last name of a person.
pub fn person_name() -> Object {
    text(tessera_domain::person::MAX_NAME).build()
}

/// Any text of at most `max` characters once trimmed; blank means none.
fn trimmed_up_to(max: usize) -> Object {
    let inner = max - 2;
    string()
        .pattern(Some(format!(
            r"^[{WS}]*(?:[^{WS}](?:[\s\S]{{0,{inner}}}[^{WS}])?)?[{WS}]*$"
        )))
        .build()
}

/// Directions: any text, trimmed; blank means none.
pub fn directions() -> Object {
    trimmed_up_to(DIRECTIONS_MAX)
}

/// Notes on an activity: any text, trimmed; blank means none.
pub fn notes() -> Object {
    trimmed_up_to(NOTES_MAX)
}

/// A comment on a change of status: any text, trimmed; blank means none.
pub fn comment() -> Object {
    trimmed_up_to(COMMENT_MAX)
}

/// An e-mail as `person::parse_email` takes it: trimmed, a local part, `@`,
/// a dotted domain, no spaces or control characters.
pub fn email() -> Object {
    let x = format!("{WS}{CC}");
    // Not `format: email`: validators' idea of an address is stricter than
    // the server's (`a@b.c*` is one to the server), so the pattern says it.
    string()
        .max_length(Some(tessera_domain::person::MAX_EMAIL))
        .pattern(Some(format!(
            r"^[{WS}]*[^{x}]+@[^{x}@.](?:[^{x}@]*\.[^{x}@]*)[^{x}@.][{WS}]*$"
        )))
        .build()
}

/// A phone: digits (at least 5) with `+ ( ) - .` and spaces; blank means none.
pub fn phone() -> Object {
    string()
        .max_length(Some(tessera_domain::person::MAX_PHONE))
        .pattern(Some(format!(
            r"^[{WS}]*(?:(?:[ +().\-]*[0-9]){{5}}[0-9 +().\-]*[0-9+().\-])?[{WS}]*$"
        )))
        .build()
}

/// A password: 10 characters or more, not only spaces and control
/// characters. Its byte bound and guessability cannot be stated.
pub fn password() -> Object {
    string()
        .min_length(Some(tessera_domain::password::MIN_PASSWORD))
        .max_length(Some(tessera_domain::password::MAX_PASSWORD_BYTES))
        .pattern(Some(format!("[^{WS}{CC}]")))
        .build()
}

/// Month and day of `YYYY-MM-DD` (with `format: date` for the month's length):
/// a pattern of any two digits would make generators draw mostly invalid days.
const MONTH_DAY: &str = "-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$";

/// A day, `YYYY-MM-DD`.
pub fn date() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(format!("^[0-9]{{4}}{MONTH_DAY}")))
        .build()
}

fn event_date_builder() -> ObjectBuilder {
    // `tessera_events::FIRST_YEAR`..=`LAST_YEAR`: 1900 to 2199.
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(format!("^(?:19[0-9]{{2}}|2[01][0-9]{{2}}){MONTH_DAY}")))
        .description(Some(format!(
            "`YYYY-MM-DD`, in the years {} to {}",
            tessera_events::FIRST_YEAR,
            tessera_events::LAST_YEAR
        )))
}

/// A day of an event, an activity or a charge: in the years events may have.
pub fn event_date() -> Object {
    event_date_builder().build()
}

/// A query day: `YYYY-MM-DD`, or empty for none.
pub fn query_date() -> Schema {
    Schema::OneOf(
        OneOfBuilder::new()
            .item(string().max_length(Some(0)))
            .item(date())
            .description(Some("`YYYY-MM-DD`; empty means none"))
            .build(),
    )
}

/// `DatesIn` with `end_date` required for every mode that needs one, as
/// the domain's `DateMode` says (added around the derived schema).
pub fn dates_in(derived: RefOr<Schema>) -> Schema {
    use tessera_events::DateMode;
    let mode = |needs_end: bool| -> RefOr<Schema> {
        one_of(
            DateMode::ALL
                .into_iter()
                .filter(move |m| m.needs_end_date() == needs_end)
                .map(DateMode::as_str),
        )
        .into()
    };
    let moving = ObjectBuilder::new().property("mode", mode(false)).build();
    let others = ObjectBuilder::new()
        .property("mode", mode(true))
        .required("end_date")
        .build();
    Schema::AllOf(
        utoipa::openapi::schema::AllOfBuilder::new()
            .item(derived)
            .item(either(moving, others))
            .build(),
    )
}

/// A wall time, `HH:MM`.
pub fn time() -> Object {
    // Not `format: time`: that is RFC 3339's `HH:MM:SS` with an offset.
    string().pattern(Some("^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")).build()
}

/// One of a fixed set of words.
pub fn one_of(words: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    string().enum_values(Some(words))
}

/// An activity kind.
pub fn activity_kind() -> Object {
    one_of(tessera_events::ActivityKind::NAMES.iter().copied()).build()
}

/// A premises kind.
pub fn premises_kind() -> Object {
    one_of(tessera_domain::premises::PremisesKind::NAMES.iter().copied()).build()
}

/// A tariff unit.
pub fn tariff_unit() -> Object {
    use tessera_domain::pricing::TariffUnit;
    one_of(TariffUnit::NAMES.iter().copied()).build()
}

/// A role.
pub fn role() -> Object {
    one_of(tessera_domain::Role::NAMES.iter().copied()).build()
}

/// A role for a visitor's own registration or one created on a ticket.
pub fn visitor_role() -> RefOr<Schema> {
    // `null` is a choice of its own: in one schema, `enum` would refuse it.
    or_null(one_of([tessera_domain::Role::Visitor.as_str()]).build())
}

/// An order status.
pub fn order_status() -> Object {
    one_of(tessera_domain::OrderStatus::NAMES.iter().copied()).build()
}

/// Comma-separated ticket statuses (`style: form, explode: false`): each
/// one of the words, spaces around it and empty pieces ignored.
pub fn ticket_statuses() -> Schema {
    statuses(tessera_domain::TicketStatus::NAMES)
}

/// A comma-separated list of order statuses (the orders list's filter).
pub fn order_statuses() -> Schema {
    statuses(tessera_domain::OrderStatus::NAMES)
}

fn statuses(words: &'static [&'static str]) -> Schema {
    let loose = string().pattern(Some(format!("^[{WS}]*(?:{})?[{WS}]*$", words.join("|"))));
    let item = Schema::AnyOf(
        utoipa::openapi::schema::AnyOfBuilder::new()
            .item(one_of(words.iter().copied()))
            .item(loose)
            .build(),
    );
    Schema::Array(ArrayBuilder::new().items(RefOr::T(item)).build())
}

/// A language.
pub fn locale() -> Object {
    one_of(tessera_domain::Locale::NAMES.iter().copied()).build()
}

/// An IANA time zone of the server's database.
pub fn time_zone() -> Object {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.to_string())
        .filter(|n| n.len() <= TIME_ZONE_MAX && jiff::tz::TimeZone::get(n).is_ok_and(|tz| tz.iana_name().is_some()))
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        names.push("UTC".into());
    }
    string().enum_values(Some(names)).build()
}

/// An ISO 4217 code: three letters (stored upper-cased).
pub fn currency() -> Object {
    string()
        .pattern(Some(format!("^[{WS}]*[A-Za-z]{{3}}[{WS}]*$")))
        .examples(["RUB"])
        .build()
}

/// A pass token.
pub fn token() -> Object {
    string().max_length(Some(TOKEN_MAX)).build()
}

/// A user search: at most [`SEARCH_MAX`] characters.
pub fn search() -> Object {
    string().max_length(Some(SEARCH_MAX)).build()
}

/// The visitor filter: trimmed, at most [`SEARCH_MAX`] characters.
pub fn visitor_filter() -> Object {
    trimmed_up_to(SEARCH_MAX)
}

/// The exact ticket number filter: a positive integer, or empty for none.
pub fn number_filter() -> Object {
    string()
        .pattern(Some(format!(r"^[{WS}]*(?:\+?0*[1-9][0-9]{{0,17}})?[{WS}]*$")))
        .build()
}

/// A cursor as [`crate::wire::encode_cursor`] writes it (base64url of `n`
/// and a positive number of up to 18 digits), or empty for the first page.
pub fn cursor() -> Object {
    // Three digits are four characters; the first group holds `n` and two.
    let pair = "(?:[MN][DTjz]|O[DT])";
    let three = format!("{pair}[AEIMQUYcgk][w-z0-5]");
    let tail = format!("(?:[MN][AQgw]|O[AQ]|{pair}[AEIMQUYcgk])");
    string()
        .pattern(Some(format!(
            "^(?:bj[EIMQUYcgk](?:[w-z0-5](?:(?:{three}){{0,4}}{tail}?|(?:{three}){{5}}(?:[MN][AQgw]|O[AQ])?))?)?$"
        )))
        .description(Some("From `next_cursor`; empty or absent for the first page."))
        .build()
}

fn int64(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
}

/// An id: a positive integer.
pub fn id_schema() -> Object {
    int64(1, i64::MAX).build()
}

/// PAX: 1 to [`PAX_MAX`].
pub fn pax() -> Object {
    int64(1, PAX_MAX).build()
}

/// Rooms: 1 to [`ROOMS_MAX`].
pub fn rooms() -> Object {
    int64(1, ROOMS_MAX).build()
}

/// Page size.
pub fn limit() -> Object {
    int64(1, PAGE_MAX).build()
}

/// PAX typed for activities: activity id → PAX.
pub fn activity_pax() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(string().pattern(Some("^-?[0-9]{1,18}$"))))
        .additional_properties(Some(Schema::Object(pax())))
        .build()
}

/// A money amount as a string (`"7000.00"`) or a number: not negative, at
/// most two decimals, at most 1 000 000 000.
pub fn money() -> Schema {
    Schema::OneOf(
        OneOfBuilder::new()
            .item(string().pattern(Some(format!(
                r"^[{WS}]*\+?(?:[0-9]{{1,9}}(?:\.[0-9]{{1,2}}0{{0,20}})?|1000000000(?:\.0{{1,20}})?)[{WS}]*$"
            ))))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Number)
                    .minimum(Some(0))
                    .maximum(Some(1_000_000_000))
                    .multiple_of(Some(0.01)),
            )
            .examples(["7000.00"])
            .build(),
    )
}

/// A decimal as a string or a number: at most six decimals, no exponent.
pub fn decimal(negative: bool) -> Schema {
    let sign = if negative { r"[+\-]?" } else { r"\+?" };
    let number = ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(Some(if negative { -1e12 } else { 0.0 }))
        .maximum(Some(1e12))
        .multiple_of(Some(0.01));
    Schema::OneOf(
        OneOfBuilder::new()
            .item(string().pattern(Some(format!(r"^[{WS}]*{sign}[0-9]{{1,15}}(?:\.[0-9]{{1,6}})?[{WS}]*$"))))
            .item(number)
            .build(),
    )
}

/// A quantity: not negative.
pub fn quantity() -> Schema {
    decimal(false)
}

/// A unit price: not negative (a discount is a charge of its own, not a
/// negative price).
pub fn unit_price() -> Schema {
    decimal(false)
}

/// Requires one of two shapes of one object: `{a..}` xor `{b..}`.
pub fn either(first: Object, second: Object) -> Schema {
    Schema::OneOf(OneOfBuilder::new().item(first).item(second).build())
}

/// An object of `properties` of which `required` are required, nothing else.
pub fn closed(properties: Vec<(&str, RefOr<Schema>)>, required: &[&str]) -> Object {
    let mut b = ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for (n, s) in properties {
        b = b.property(n, s);
    }
    for r in required {
        b = b.required(*r);
    }
    b.build()
}

fn or_null(s: Object) -> RefOr<Schema> {
    Schema::OneOf(OneOfBuilder::new().item(null()).item(s).build()).into()
}

fn null() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::Null).into()
}

/// A rental period: whole days, or a slot of one day (`wire::PeriodIn`);
/// the other shape's fields absent or `null`.
pub fn period() -> Schema {
    let days = closed(
        vec![
            ("start_date", date().into()),
            ("end_date", date().into()),
            ("date", null()),
            ("start_time", null()),
            ("end_time", null()),
        ],
        &["start_date", "end_date"],
    );
    let slot = closed(
        vec![
            ("start_date", null()),
            ("end_date", null()),
            ("date", date().into()),
            ("start_time", time().into()),
            ("end_time", time().into()),
        ],
        &["date", "start_time", "end_time"],
    );
    let mut s = either(days, slot);
    if let Schema::OneOf(o) = &mut s {
        o.description = Some(
            "Whole days (`start_date`, `end_date`, `YYYY-MM-DD`, the last included) or a slot \
             (`date`, `start_time`, `end_time`, `HH:MM`, the end excluded)."
                .into(),
        );
    }
    s
}

/// A visitor created on a ticket: names, e-mail and phone only.
pub fn new_visitor() -> Object {
    closed(
        vec![
            ("first_name", person_name().into()),
            ("last_name", person_name().into()),
            ("email", email().into()),
            ("phone", or_null(phone())),
            ("role", visitor_role()),
        ],
        &["first_name", "last_name", "email"],
    )
}

/// A visitor registering themselves (`UserIn` with the role `visitor` only
/// and a password required).
pub fn register_in() -> Object {
    closed(
        vec![
            ("first_name", person_name().into()),
            ("last_name", person_name().into()),
            ("email", email().into()),
            ("phone", or_null(phone())),
            ("role", visitor_role()),
            ("password", password().into()),
        ],
        &["first_name", "last_name", "email", "password"],
    )
}

/// The new visitor of a ticket: `user_id` or `user`, not both.
pub fn visitor_change() -> Schema {
    either(
        closed(vec![("user_id", id_schema().into()), ("user", null())], &["user_id"]),
        closed(vec![("user_id", null()), ("user", new_visitor().into())], &["user"]),
    )
}

/// An integer request field: JSON Schema's `integer` admits `12437.0`, so
/// an integral number with a zero fraction is taken as the integer it is;
/// a fraction is refused as serde's `i64` refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Int(pub i64);

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = Int;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("i64")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
        Ok(Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
        i64::try_from(v)
            .map(Int)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
        // 2^63 is exact in f64; every integral f64 below it fits an i64.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.is_finite() && v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            #[allow(clippy::cast_possible_truncation)]
            Ok(Int(v as i64))
        } else {
            Err(E::invalid_type(Unexpected::Float(v), &self))
        }
    }
}

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

/// Request fields' schemas as components, for `#[schema(value_type = …)]`
/// (a field keeps its own description beside the reference).
macro_rules! components {
    ($($(#[$doc:meta])* $ty:ident = $f:expr;)*) => {$(
        $(#[$doc])*
        pub struct $ty;

        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                RefOr::T(Schema::from($f))
            }
        }

        impl utoipa::ToSchema for $ty {}
    )*};
}

components! {
    /// A name (1 to 200 characters, trimmed, no control characters).
    Name = name();
    /// A workplace name (1 to 100 characters, trimmed, no control characters).
    WorkplaceName = workplace_name();
    /// A charge description (1 to 500 characters, trimmed, no control characters).
    Description = description();
    /// A first or last name (1 to 100 characters, trimmed, no control characters).
    PersonName = person_name();
    /// First-visit directions (at most 2000 characters once trimmed; blank means none).
    Directions = directions();
    /// A comment on a change of status (at most 1000 characters once trimmed; blank means none).
    Comment = comment();
    /// Why a charge is voided (1 to 1000 characters, trimmed, no control characters).
    Reason = reason();
    /// Notes on an activity for the staff (at most 2000 characters once trimmed; blank means none).
    Notes = notes();
    /// A wall time, `HH:MM`.
    Time = time();
    /// An e-mail address.
    Email = email();
    /// A phone number (blank means none).
    Phone = phone();
    /// A password.
    Password = password();
    /// A day of an event.
    EventDate = event_date();
    /// An activity kind.
    ActivityKind = activity_kind();
    /// A premises kind.
    PremisesKind = premises_kind();
    /// A tariff unit.
    TariffUnit = tariff_unit();
    /// A role.
    Role = role();
    /// An order status.
    OrderStatus = order_status();
    /// A language.
    Locale = locale();
    /// An IANA time zone.
    TimeZone = time_zone();
    /// An ISO 4217 currency code.
    Currency = currency();
    /// A pass token.
    PassToken = token();
    /// An id.
    Id = id_schema();
    /// PAX.
    Pax = pax();
    /// Rooms of a block.
    Rooms = rooms();
    /// PAX by activity id.
    ActivityPax = activity_pax();
    /// A money amount.
    Money = money();
    /// A quantity.
    Quantity = quantity();
    /// A unit price.
    UnitPrice = unit_price();
    /// A visitor registering themselves.
    RegisterIn = register_in();
    /// A webhook endpoint's URL.
    WebhookUrl = webhook_url();
    /// The event types a webhook hears: `["*"]`, or types.
    EventTypes = event_types();
    /// An admin's note on a webhook (at most 500 characters once trimmed; blank means none).
    WebhookNote = trimmed_up_to(DESCRIPTION_MAX);
}

/// A webhook URL, as `tessera_domain::webhooks::check_url` takes it.
pub fn webhook_url() -> Object {
    string()
        .max_length(Some(tessera_domain::webhooks::URL_MAX))
        .pattern(Some(tessera_domain::webhooks::URL_PATTERN))
        .build()
}

/// `["*"]` or a list of event types.
pub fn event_types() -> Schema {
    let names = std::iter::once(tessera_domain::webhooks::EVERY_TYPE)
        .chain(tessera_domain::webhooks::EventType::ALL.iter().map(|t| t.as_str()));
    Schema::Array(
        ArrayBuilder::new()
            .items(RefOr::T(Schema::from(one_of(names))))
            .min_items(Some(1))
            .max_items(Some(tessera_domain::webhooks::EventType::ALL.len() + 1))
            .build(),
    )
}

/// The schema of a query parameter by its name (the same name means the
/// same rule in every operation, but for `status`, whose words are the
/// listed thing's), and whether it is a comma-separated list (`style: form,
/// explode: false`).
pub fn query_parameter(path: &str, name: &str) -> Option<(Schema, bool)> {
    let one = |o: Object| Some((Schema::Object(o), false));
    match name {
        "limit" => one(limit()),
        "cursor" => one(cursor()),
        "venue_id" => one(id_schema()),
        "search" => one(search()),
        "role" => one(role()),
        "number" => one(number_filter()),
        "from" | "to" if path == "/api/v1/halls/diary" => one(date()),
        "from" | "to" => Some((query_date(), false)),
        "visitor" => one(visitor_filter()),
        "status" if path == "/api/v1/orders" || path == "/api/v1/orders/export" => Some((order_statuses(), true)),
        "status" => Some((ticket_statuses(), true)),
        "customer_id" | "premises_id" | "ticket_number" => one(number_filter()),
        // Empty means absent (an HTML form's unticked filter), so the
        // schema states the same three spellings the parser takes.
        "allowed" | "archived" | "active" => one(string().pattern(Some("^(true|false)?$")).build()),
        "key" => one(string().max_length(Some(256)).build()),
        "format" => one(string().pattern(Some("^[ \\t]*(csv|xlsx)?[ \\t]*$")).build()),
        "state" => one(string().pattern(Some("^[ \\t]*(pending|sent|failed)?[ \\t]*$")).build()),
        "start_date" | "end_date" | "date" => one(date()),
        "start_time" | "end_time" => one(time()),
        _ => None,
    }
}

/// `#[serde(deserialize_with = "crate::rules::int")]` for an `i64` field.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Int::deserialize(d).map(|i| i.0)
}

/// An id field: an [`Int`] of at least 1 (as the document states; no row
/// has another id).
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    positive(int(d)?)
}

fn positive<E: de::Error>(v: i64) -> Result<i64, E> {
    if v >= 1 {
        Ok(v)
    } else {
        Err(E::invalid_value(Unexpected::Signed(v), &"a positive id"))
    }
}

/// An optional id field (with `#[serde(default)]`).
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    opt_int(d)?.map(positive).transpose()
}

/// Optional id list field (with `#[serde(default)]`).
pub fn opt_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    opt_ints(d)?.map(|v| v.into_iter().map(positive).collect()).transpose()
}

/// An optional integer in a query string (`limit=20`, or `limit=20.0` as
/// for bodies).
pub fn query_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => match s.parse::<i64>() {
            Ok(v) => Ok(Some(v)),
            Err(_) => s
                .parse::<f64>()
                .ok()
                .filter(|_| s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-'))
                .and_then(|f| IntVisitor.visit_f64::<D::Error>(f).ok())
                .map(|i| Some(i.0))
                .ok_or_else(|| de::Error::invalid_type(Unexpected::Str(&s), &IntVisitor)),
        },
    }
}

/// `#[serde(default, deserialize_with = "crate::rules::present")]`: `Some(None)`
/// for a field sent as `null` (it removes the value), `None` for one left out.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// An optional `true` or `false` in a query string (`archived=true`).
pub fn query_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref() {
        None | Some("") => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(de::Error::invalid_value(Unexpected::Str(other), &"true or false")),
    }
}

/// An optional id in a query string (`venue_id=7`).
pub fn query_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    query_int(d)?.map(positive).transpose()
}

/// The same for an `Option<i64>` field (with `#[serde(default)]`).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<Int>::deserialize(d).map(|o| o.map(|i| i.0))
}

/// The same for an `Option<Vec<i64>>` field (with `#[serde(default)]`).
pub fn opt_ints<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    Option::<Vec<Int>>::deserialize(d).map(|o| o.map(|v| v.into_iter().map(|i| i.0).collect()))
}

/// The same for an `Option<BTreeMap<String, i64>>` field (with `#[serde(default)]`).
pub fn opt_int_map<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<std::collections::BTreeMap<String, i64>>, D::Error> {
    Option::<std::collections::BTreeMap<String, Int>>::deserialize(d)
        .map(|o| o.map(|m| m.into_iter().map(|(k, v)| (k, v.0)).collect()))
}

/// A query string value where empty means absent (`cursor=`).
pub fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d).map(|o| o.filter(|s| !s.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(pattern: &str) -> regex::Regex {
        regex::Regex::new(pattern).expect("a valid pattern")
    }

    #[test]
    fn integral_floats_are_integers_and_fractions_are_refused() {
        let v: Int = serde_json::from_str("12437.0").expect("integral");
        assert_eq!(v, Int(12437));
        let v: Int = serde_json::from_str("-3").expect("integer");
        assert_eq!(v, Int(-3));
        let e = serde_json::from_str::<Int>("1.5").expect_err("fraction");
        assert!(
            e.to_string()
                .starts_with("invalid type: floating point `1.5`, expected i64"),
            "{e}"
        );
        let e = serde_json::from_str::<Int>("\"7\"").expect_err("string");
        assert!(
            e.to_string().starts_with("invalid type: string \"7\", expected i64"),
            "{e}"
        );
        assert!(serde_json::from_str::<Int>("1e300").is_err());
        assert!(serde_json::from_str::<Int>("18446744073709551615").is_err());
    }

    #[test]
    fn the_text_pattern_is_the_text_check() {
        let p = re(&text_pattern(5));
        for (s, ok) in [
            ("a", true),
            ("  abcde \n", true),
            ("a b\u{a0}c", true),
            ("", false),
            (" \t\u{3000} ", false),
            ("abcdef", false),
            ("a\tb", false),
            ("a\u{85}b", false),
            ("\u{85}ab\u{85}", true),
        ] {
            let mut errors = Vec::new();
            crate::wire::text_field("f", s, 5, &mut errors);
            assert_eq!(errors.is_empty(), ok, "server on {s:?}");
            assert_eq!(p.is_match(s), ok, "pattern on {s:?}");
        }
    }

    #[test]
    fn cursors_the_server_writes_match_the_stated_pattern() {
        let p = re(&cursor().pattern.expect("a pattern"));
        let mut n: i64 = 1;
        while n < 1_000_000_000_000_000_000 {
            for k in [n, n + 7, n * 3 - 1, n * 9] {
                let c = crate::wire::encode_cursor(k);
                assert!(p.is_match(&c), "{k} → {c}");
                assert_eq!(crate::wire::decode_cursor(&c).ok(), Some(k));
            }
            n *= 10;
        }
        assert!(p.is_match(""), "empty is the first page");
        for forged in ["x", "bjE=", "bjA", "bjEwA", "MTIz", "bmFi"] {
            assert!(!p.is_match(forged), "{forged}");
        }
    }

    #[test]
    fn the_email_pattern_is_the_email_check() {
        let p = re(&email().pattern.expect("a pattern"));
        for s in ["a@b.c", " a@b.c ", "a@b@c.d", "a@b..c", "ж@пример.бг"] {
            assert!(tessera_domain::person::parse_email(s).is_ok(), "{s}");
            assert!(p.is_match(s), "{s}");
        }
        for s in ["", "a", "a@b", "@b.c", "a@.b", "a@b.", "a b@c.d", "a@b.c\u{0}"] {
            assert!(tessera_domain::person::parse_email(s).is_err(), "{s}");
            assert!(!p.is_match(s), "{s}");
        }
    }
}
