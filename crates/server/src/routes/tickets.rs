//! The coworking calendar: the ticket list and the ticket page's actions.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tessera_domain::period::day_number;
use tessera_domain::refusal::Refusal;
use tessera_domain::refusal::Thing;
use tessera_domain::{Locale, TicketStatus};
use tessera_store::{TicketFilter, TicketListItem, TicketView, VisitorChange};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::CoworkingManager;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Json, Lang, Number, Query};
use crate::i18n;
use crate::query_params::{positive_query_number, query_days, query_statuses, refuse_query};
use crate::routes::catalogue::{ModifierOut, modifier_out};
use crate::routes::users::{UserIn, parse_user};
use crate::wire::{Named, Page, PeriodOut, PersonRef, decode_cursor, encode_cursor, instant_s, limit, zone};

/// A row of the ticket list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketListOut {
    /// Ticket number.
    pub number: i64,
    /// Rental period.
    pub period: PeriodOut,
    /// Visitor.
    pub visitor: PersonRef,
    /// `new`, `confirmed`, `active`, `cancelled` or `completed`.
    pub status: String,
    /// The status in words (`Подтвержден`).
    pub status_text: String,
    /// Workplace.
    pub workplace: Named,
}

/// Converts a list row.
pub fn list_out(t: TicketListItem, l: Locale) -> TicketListOut {
    TicketListOut {
        number: t.number,
        period: PeriodOut::new(&t.period, &zone(&t.time_zone), l),
        visitor: PersonRef {
            id: t.visitor.0,
            first_name: t.visitor.1,
            last_name: t.visitor.2,
        },
        status: t.status.as_str().into(),
        status_text: i18n::ticket_status(t.status, l).into(),
        workplace: Named {
            id: t.workplace.0,
            name: t.workplace.1,
        },
    }
}

/// The list's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Exact ticket number.
    pub number: Option<String>,
    /// Tickets whose period overlaps from this day (`YYYY-MM-DD`)…
    pub from: Option<String>,
    /// …to this day, included.
    pub to: Option<String>,
    /// Start of the visitor's first or last name, any case.
    pub visitor: Option<String>,
    /// Comma-separated statuses.
    pub status: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// Parses the list's query into a filter.
pub fn parse_filter(q: &ListQuery) -> Result<TicketFilter, Problem> {
    let mut errors: Vec<FieldFault> = Vec::new();
    let number = positive_query_number("number", q.number.as_deref(), &mut errors);
    let (from, to) = query_days(q.from.as_deref(), q.to.as_deref(), &mut errors);
    let visitor = q
        .visitor
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if visitor
        .as_deref()
        .is_some_and(|v| v.chars().count() > crate::rules::SEARCH_MAX)
    {
        errors.push(FieldFault {
            field: "visitor".into(),
            refusal: Refusal::TooLong(crate::rules::SEARCH_MAX),
        });
    }
    let statuses = query_statuses(
        q.status.as_deref(),
        TicketStatus::parse,
        TicketStatus::NAMES,
        &mut errors,
    );
    let before = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = limit(q.limit)?;
    refuse_query(errors)?;
    Ok(TicketFilter {
        number,
        from_day: from.map(day_number),
        to_day: to.map(day_number),
        visitor,
        statuses,
        visitor_id: None,
        before,
        limit,
    })
}

/// The ticket list, number descending, by cursor.
#[utoipa::path(get, path = "/api/v1/coworking/tickets", tag = "coworking", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<TicketListOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn list(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Page<TicketListOut>>, Problem> {
    let filter = parse_filter(&q)?;
    let page = state.store.list_tickets(&filter, state.clock.now()).await?;
    let items = page.items.into_iter().map(|t| list_out(t, l)).collect();
    Ok(axum::Json(Page {
        items,
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// The identity check of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationOut {
    /// When.
    pub checked_at: String,
    /// By whom.
    pub checked_by: Option<PersonRef>,
}

/// An order as a ticket shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketOrderOut {
    /// Number.
    pub number: i64,
    /// Status.
    pub status: String,
    /// Status in words.
    pub status_text: String,
}

/// A visitor as the ticket page shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitorOut {
    /// Id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
}

/// One line of history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryOut {
    /// When.
    pub at: String,
    /// `status`, `validated`, `validation_reset`, `visitor_changed`, `workplace_changed`, `sent`.
    pub kind: String,
    /// Status before.
    pub from_status: Option<String>,
    /// Status after.
    pub to_status: Option<String>,
    /// Who; `null` for the system.
    pub actor_id: Option<i64>,
    /// Why.
    pub cause: String,
    /// Details (JSON text).
    pub detail: Option<String>,
}

/// A ticket with everything its page shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketOut {
    /// Number.
    pub number: i64,
    /// Created at.
    pub created_at: String,
    /// Period.
    pub period: PeriodOut,
    /// Visitor.
    pub visitor: VisitorOut,
    /// Status.
    pub status: String,
    /// Status in words.
    pub status_text: String,
    /// Workplace.
    pub workplace: Named,
    /// Premises.
    pub premises: Named,
    /// The order.
    pub order: TicketOrderOut,
    /// Tariff.
    pub tariff: Named,
    /// Service variant.
    pub service_variant: Option<Named>,
    /// Modifiers.
    pub modifiers: Vec<ModifierOut>,
    /// Identity check; `null` until validated.
    pub validation: Option<ValidationOut>,
    /// The first entry through the door, if any.
    pub first_visit_at: Option<String>,
    /// Price of this ticket.
    pub price: String,
    /// Currency.
    pub currency: String,
    /// History, oldest first.
    pub history: Vec<HistoryOut>,
}

/// Converts a ticket view.
pub fn ticket_out(t: TicketView, l: Locale) -> TicketOut {
    let tz = zone(&t.time_zone);
    TicketOut {
        number: t.number,
        created_at: instant_s(t.created_at, &tz),
        period: PeriodOut::new(&t.period, &tz, l),
        visitor: VisitorOut {
            id: t.visitor.id,
            first_name: t.visitor.first_name,
            last_name: t.visitor.last_name,
            email: t.visitor.email,
            phone: t.visitor.phone,
        },
        status: t.status.as_str().into(),
        status_text: i18n::ticket_status(t.status, l).into(),
        workplace: Named {
            id: t.workplace.0,
            name: t.workplace.1,
        },
        premises: Named {
            id: t.premises.0,
            name: t.premises.1,
        },
        order: TicketOrderOut {
            number: t.order_number,
            status: t.order_status.as_str().into(),
            status_text: i18n::order_status(t.order_status, l).into(),
        },
        tariff: Named {
            id: t.tariff.0,
            name: t.tariff.1,
        },
        service_variant: t.service_variant.map(|(id, name)| Named { id, name }),
        modifiers: t.modifiers.into_iter().map(modifier_out).collect(),
        validation: t.validated_at.map(|at| ValidationOut {
            checked_at: instant_s(at, &tz),
            checked_by: t.validated_by.map(|u| PersonRef {
                id: u.id,
                first_name: u.first_name,
                last_name: u.last_name,
            }),
        }),
        first_visit_at: t.first_visit_at.map(|at| instant_s(at, &tz)),
        price: t.price,
        currency: t.currency,
        history: t
            .history
            .into_iter()
            .map(|h| HistoryOut {
                at: instant_s(h.at, &tz),
                kind: h.kind,
                from_status: h.from_status,
                to_status: h.to_status,
                actor_id: h.actor_id,
                cause: h.cause,
                detail: h.detail,
            })
            .collect(),
    }
}

type TicketResult = Result<axum::Json<TicketOut>, Problem>;

/// A ticket.
#[utoipa::path(get, path = "/api/v1/coworking/tickets/{number}", tag = "coworking", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = TicketOut), (status = 404, body = ProblemBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Number(n): Number,
) -> TicketResult {
    let t = state
        .store
        .ticket(n, state.clock.now())
        .await?
        .ok_or(Problem::NotFound(Thing::Ticket))?;
    Ok(axum::Json(ticket_out(t, l)))
}

/// Validates the ticket: the manager checked the visitor's identity.
#[utoipa::path(post, path = "/api/v1/coworking/tickets/{number}/validation", tag = "coworking", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = TicketOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
pub async fn validate(
    State(state): State<AppState>,
    CoworkingManager(m): CoworkingManager,
    Lang(l): Lang,
    Number(n): Number,
) -> TicketResult {
    let t = state.store.validate_ticket(n, m.user.id, state.clock.now()).await?;
    tracing::info!(actor = m.user.id, ticket = n, "ticket validated");
    Ok(axum::Json(ticket_out(t, l)))
}

/// Resets the validation.
#[utoipa::path(delete, path = "/api/v1/coworking/tickets/{number}/validation", tag = "coworking", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = TicketOut), (status = 404, body = ProblemBody)))]
pub async fn reset_validation(
    State(state): State<AppState>,
    CoworkingManager(m): CoworkingManager,
    Lang(l): Lang,
    Number(n): Number,
) -> TicketResult {
    let t = state.store.reset_validation(n, m.user.id, state.clock.now()).await?;
    tracing::info!(actor = m.user.id, ticket = n, "ticket validation reset");
    Ok(axum::Json(ticket_out(t, l)))
}

/// The new visitor: an existing user, or one to create.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorIn {
    /// An existing user.
    #[serde(default, deserialize_with = "crate::rules::opt_id")]
    pub user_id: Option<i64>,
    /// A user to create on the spot.
    pub user: Option<UserIn>,
}

impl utoipa::PartialSchema for VisitorIn {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::rules::visitor_change().into()
    }
}

impl ToSchema for VisitorIn {}

/// Gives the ticket to another user; only `new` or `confirmed`.
#[utoipa::path(put, path = "/api/v1/coworking/tickets/{number}/visitor", tag = "coworking", request_body = VisitorIn, security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = TicketOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn change_visitor(
    State(state): State<AppState>,
    CoworkingManager(m): CoworkingManager,
    Lang(l): Lang,
    Number(n): Number,
    Json(b): Json<VisitorIn>,
) -> TicketResult {
    let change = match (b.user_id, b.user) {
        (Some(id), None) => VisitorChange::Existing(id),
        (None, Some(u)) => {
            if u.role.as_deref().is_some_and(|r| r != "visitor") || u.password.is_some() {
                return Err(Problem::field("user", Refusal::VisitorFieldsOnly));
            }
            VisitorChange::New(parse_user(&u, "user.", state.config.default_locale)?.0)
        }
        _ => return Err(Problem::field("user_id", Refusal::UserOrNew)),
    };
    let t = state
        .store
        .change_visitor(n, change, m.user.id, state.clock.now())
        .await?;
    tracing::info!(
        actor = m.user.id,
        ticket = n,
        visitor = t.visitor.id,
        "ticket visitor changed"
    );
    Ok(axum::Json(ticket_out(t, l)))
}

/// The new workplace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkplaceChangeIn {
    /// A workplace of the same venue, free for the ticket's period.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub workplace_id: i64,
}

/// Moves the ticket to another workplace.
#[utoipa::path(put, path = "/api/v1/coworking/tickets/{number}/workplace", tag = "coworking", request_body = WorkplaceChangeIn, security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = TicketOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn change_workplace(
    State(state): State<AppState>,
    CoworkingManager(m): CoworkingManager,
    Lang(l): Lang,
    Number(n): Number,
    Json(b): Json<WorkplaceChangeIn>,
) -> TicketResult {
    let t = state
        .store
        .change_workplace(n, b.workplace_id, m.user.id, state.clock.now())
        .await?;
    tracing::info!(
        actor = m.user.id,
        ticket = n,
        workplace = b.workplace_id,
        "ticket workplace changed"
    );
    Ok(axum::Json(ticket_out(t, l)))
}
