//! The visitor's app: registering, their own tickets, sending one, its pass,
//! cancelling their order, and the free workplaces to book.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tessera_domain::person::parse_email;
use tessera_domain::refusal::Refusal;
use tessera_domain::refusal::Thing;
use tessera_domain::{Locale, Role, TicketStatus};
use tessera_store::{TicketFilter, TicketListItem, TicketView};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Person, hash_password, new_token, token_hash};
use crate::error::{Problem, ProblemBody};
use crate::extract::{Json, Lang, Number, Query};
use crate::i18n;
use crate::routes::auth::LoginOut;
use crate::routes::catalogue::WorkplaceOut;
use crate::routes::users::{UserIn, parse_user};
use crate::throttle::{ClientAddr, reserve_sign_up};
use crate::wire::{Named, Page, PeriodIn, PeriodOut, PersonRef, decode_cursor, encode_cursor, limit, zone};

/// First-visit information, shown until the ticket is validated.
#[derive(Debug, Serialize, ToSchema)]
pub struct FirstVisit {
    /// The premises to come to.
    pub premises: Named,
    /// How to find them and where to show the pass.
    pub directions: Option<String>,
}

/// One of the caller's tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyTicketOut {
    /// Number.
    pub number: i64,
    /// Period.
    pub period: PeriodOut,
    /// Status.
    pub status: String,
    /// Status in words.
    pub status_text: String,
    /// Workplace.
    pub workplace: Named,
    /// Premises.
    pub premises: Named,
    /// Whose ticket it is.
    pub visitor: PersonRef,
    /// Whether the identity was checked.
    pub validated: bool,
    /// Whether it may be sent to someone else now.
    pub can_send: bool,
    /// Until validated: how to find the premises; `null` once validated.
    pub first_visit: Option<FirstVisit>,
}

/// The seed's rule for "Send the ticket": `new` or `confirmed`, not validated.
pub(crate) fn can_send(status: TicketStatus, validated: bool) -> bool {
    status.may_change_visitor() && !validated
}

fn my_ticket_out(t: TicketListItem, l: Locale) -> MyTicketOut {
    let validated = t.validated_at.is_some();
    MyTicketOut {
        number: t.number,
        period: PeriodOut::new(&t.period, &zone(&t.time_zone), l),
        status: t.status.as_str().into(),
        status_text: i18n::ticket_status(t.status, l).into(),
        workplace: Named {
            id: t.workplace.0,
            name: t.workplace.1,
        },
        premises: Named {
            id: t.premises.0,
            name: t.premises.1.clone(),
        },
        visitor: PersonRef {
            id: t.visitor.0,
            first_name: t.visitor.1,
            last_name: t.visitor.2,
        },
        validated,
        can_send: can_send(t.status, validated),
        first_visit: (!validated).then_some(FirstVisit {
            premises: Named {
                id: t.premises.0,
                name: t.premises.1,
            },
            directions: t.premises.2,
        }),
    }
}

fn my_ticket_from_view(t: TicketView, l: Locale) -> MyTicketOut {
    let row = TicketListItem {
        number: t.number,
        period: t.period,
        visitor: (t.visitor.id, t.visitor.first_name, t.visitor.last_name),
        status: t.status,
        workplace: t.workplace,
        validated_at: t.validated_at,
        premises: t.premises,
        pass_generation: t.pass_generation,
        time_zone: t.time_zone,
    };
    my_ticket_out(row, l)
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// Registers a visitor and signs them in. One address may register 30
/// accounts an hour; past that, 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "visitor", request_body = crate::rules::RegisterIn,
    responses((status = 201, body = LoginOut), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody),
        (status = 429, body = ProblemBody, headers(("Retry-After" = u64, description = "seconds until another sign-up is allowed"))),
        (status = 503, body = ProblemBody, headers(("Retry-After" = u64, description = "seconds to wait")))))]
pub async fn register(
    State(state): State<AppState>,
    addr: ClientAddr,
    Lang(l): Lang,
    Json(body): Json<UserIn>,
) -> Result<(StatusCode, axum::Json<LoginOut>), Problem> {
    if body.role.as_deref().is_some_and(|r| r != Role::Visitor.as_str()) {
        return Err(Problem::field("role", Refusal::RoleGivenByAdmin));
    }
    // Their mail speaks the language they signed up in.
    let (mut user, password) = parse_user(&body, "", l)?;
    let password = password.ok_or_else(|| Problem::field("password", Refusal::Required))?;
    reserve_sign_up(&state, addr, state.config.sign_up).await?;
    user.password_hash = Some(hash_password(password).await?);
    let now = state.clock.now().as_second();
    let created = state.store.create_user(user, now).await?;
    let token = new_token();
    let ttl = i64::try_from(state.config.session_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    state
        .store
        .create_session(token_hash(&token), created.id, now, now.saturating_add(ttl))
        .await?;
    tracing::info!(user = created.id, "visitor registered");
    Ok((
        StatusCode::CREATED,
        axum::Json(LoginOut {
            token,
            user: created.into(),
        }),
    ))
}

/// The caller's tickets, newest first.
#[utoipa::path(get, path = "/api/v1/me/tickets", tag = "visitor", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<MyTicketOut>), (status = 401, body = ProblemBody)))]
pub async fn my_tickets(
    State(state): State<AppState>,
    Person(caller): Person,
    Lang(l): Lang,
    Query(q): Query<PageQuery>,
) -> Result<axum::Json<Page<MyTicketOut>>, Problem> {
    let filter = TicketFilter {
        visitor_id: Some(caller.user.id),
        before: q.cursor.as_deref().map(decode_cursor).transpose()?,
        limit: limit(q.limit)?,
        ..TicketFilter::default()
    };
    let page = state.store.list_tickets(&filter, state.clock.now()).await?;
    Ok(axum::Json(Page {
        items: page.items.into_iter().map(|t| my_ticket_out(t, l)).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// One of the caller's tickets, with whether it may be cancelled now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyTicketDetailOut {
    /// The ticket as in the list.
    #[serde(flatten)]
    pub ticket: MyTicketOut,
    /// Its order.
    pub order: crate::routes::tickets::TicketOrderOut,
    /// Whether the caller may cancel its order now.
    pub can_cancel: bool,
}

/// Whether the visitor may cancel the order of a ticket now: the order can
/// go to a cancelled status from where it is, and the ticket is not over.
pub(crate) fn can_cancel(order: tessera_domain::OrderStatus, ticket: TicketStatus) -> bool {
    order.cancelled_by_visitor().is_ok() && !matches!(ticket, TicketStatus::Completed | TicketStatus::Cancelled)
}

/// One of the caller's tickets.
#[utoipa::path(get, path = "/api/v1/me/tickets/{number}", tag = "visitor", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = MyTicketDetailOut), (status = 404, body = ProblemBody)))]
pub async fn my_ticket(
    State(state): State<AppState>,
    Person(caller): Person,
    Lang(l): Lang,
    Number(n): Number,
) -> Result<axum::Json<MyTicketDetailOut>, Problem> {
    let t = state
        .store
        .ticket(n, state.clock.now())
        .await?
        .filter(|t| t.visitor.id == caller.user.id)
        .ok_or(Problem::NotFound(Thing::Ticket))?;
    let order = crate::routes::tickets::TicketOrderOut {
        number: t.order_number,
        status: t.order_status.as_str().into(),
        status_text: i18n::order_status(t.order_status, l).into(),
    };
    let can_cancel = can_cancel(t.order_status, t.status);
    Ok(axum::Json(MyTicketDetailOut {
        ticket: my_ticket_from_view(t, l),
        order,
        can_cancel,
    }))
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/api/v1/me/orders", tag = "visitor", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<crate::wire::OrderOut>), (status = 401, body = ProblemBody)))]
pub async fn my_orders(
    State(state): State<AppState>,
    Person(caller): Person,
    Lang(l): Lang,
    Query(q): Query<PageQuery>,
) -> Result<axum::Json<Page<crate::wire::OrderOut>>, Problem> {
    let filter = tessera_store::OrderFilter {
        customer_id: Some(caller.user.id),
        before: q.cursor.as_deref().map(decode_cursor).transpose()?,
        limit: limit(q.limit)?,
        ..tessera_store::OrderFilter::default()
    };
    let page = state.store.list_orders(&filter, state.clock.now()).await?;
    Ok(axum::Json(Page {
        items: page.items.into_iter().map(|o| crate::wire::order_out(o, l)).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Whom to send a ticket to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendIn {
    /// E-mail of a registered user.
    #[schema(value_type = crate::rules::Email)]
    pub email: String,
}

/// Sends one of the caller's tickets to another registered user.
#[utoipa::path(post, path = "/api/v1/me/tickets/{number}/send", tag = "visitor", request_body = SendIn, security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = MyTicketOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn send(
    State(state): State<AppState>,
    Person(caller): Person,
    Lang(l): Lang,
    Number(n): Number,
    Json(b): Json<SendIn>,
) -> Result<axum::Json<MyTicketOut>, Problem> {
    // Another visitor's ticket does not exist for the caller, whatever the e-mail says.
    match state.store.pass_state(n).await? {
        Some(p) if p.visitor_id == caller.user.id => {}
        _ => return Err(Problem::NotFound(Thing::Ticket)),
    }
    let email = parse_email(&b.email).map_err(|e| Problem::field("email", e))?;
    let to = state
        .store
        .user_by_email(&email)
        .await?
        // A staff or gate account is answered like an unknown e-mail: the
        // answer must not tell a visitor who works here.
        .filter(|u| Role::parse(&u.role).is_some_and(Role::holds_tickets))
        .ok_or_else(|| Problem::field("email", Refusal::NoSuchVisitor))?;
    let t = state
        .store
        .send_ticket(n, caller.user.id, to, state.clock.now())
        .await?;
    tracing::info!(ticket = n, from = caller.user.id, to = t.visitor.id, "ticket sent");
    Ok(axum::Json(my_ticket_from_view(t, l)))
}

/// A pass.
#[derive(Debug, Serialize, ToSchema)]
pub struct PassOut {
    /// Show as a QR code at the door.
    pub token: String,
    /// The ticket it opens.
    pub ticket_number: i64,
    /// The premises it opens.
    #[schema(value_type = crate::rules::Id)]
    pub premises_id: i64,
    /// When it stops opening the door (at most a day from now, never after
    /// the ticket's end): fetch a fresh one before.
    pub expires_at: String,
    /// The token as a QR code, an SVG image.
    pub svg: String,
}

/// A pass for one of the caller's tickets.
#[utoipa::path(get, path = "/api/v1/me/tickets/{number}/pass", tag = "visitor", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Ticket number")),
    responses((status = 200, body = PassOut), (status = 404, body = ProblemBody)))]
pub async fn pass(
    State(state): State<AppState>,
    Person(caller): Person,
    Number(n): Number,
) -> Result<axum::Json<PassOut>, Problem> {
    let pass = state
        .store
        .pass_state(n)
        .await?
        .ok_or(Problem::NotFound(Thing::Ticket))?;
    if pass.visitor_id != caller.user.id {
        return Err(Problem::NotFound(Thing::Ticket));
    }
    let now = state.clock.now().as_second();
    let token = state
        .passes
        .issue(&state.store, n, pass, now)
        .await
        .ok_or(Problem::Internal)?;
    let expires_at = tessera_domain::access::pass_expiry(now, pass.end_at);
    let svg = qrcode::QrCode::new(token.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(240, 240)
                .build()
        })
        .map_err(|_| Problem::Internal)?;
    Ok(axum::Json(PassOut {
        token,
        ticket_number: n,
        premises_id: pass.premises_id,
        expires_at: crate::wire::instant_s(expires_at, &jiff::tz::TimeZone::UTC),
        svg,
    }))
}

/// Cancels one of the caller's orders: `cancelled`, or
/// `cancelled_refund_in_progress` when it was paid (confirmed).
#[utoipa::path(post, path = "/api/v1/me/orders/{number}/cancel", tag = "visitor", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Order number")),
    responses((status = 200, body = crate::wire::OrderOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody)))]
pub async fn cancel_order(
    State(state): State<AppState>,
    Person(caller): Person,
    Lang(l): Lang,
    Number(n): Number,
) -> Result<axum::Json<crate::wire::OrderOut>, Problem> {
    let now = state.clock.now();
    let order = state
        .store
        .order(n, now)
        .await?
        .ok_or(Problem::NotFound(Thing::Order))?;
    if order.customer.id != caller.user.id {
        return Err(Problem::NotFound(Thing::Order));
    }
    let to = order.status.cancelled_by_visitor().map_err(|reason| {
        Problem::Conflict(tessera_store::Conflict::OrderTransition {
            from: order.status,
            to: tessera_domain::OrderStatus::Cancelled,
            reason,
        })
    })?;
    let changed = state
        .store
        .change_order_status(n, to, None, caller.user.id, now)
        .await?;
    Ok(axum::Json(crate::wire::order_out(changed, l)))
}

/// Workplaces of coworking premises free for a whole period.
#[utoipa::path(get, path = "/api/v1/premises/{id}/free-workplaces", tag = "visitor", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Premises id"), FreeQuery),
    responses((status = 200, body = Page<WorkplaceOut>), (status = 404, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn free_workplaces(
    State(state): State<AppState>,
    _c: Person,
    Number(premises): Number,
    Query(q): Query<FreeQuery>,
) -> Result<axum::Json<Page<WorkplaceOut>>, Problem> {
    let period = PeriodIn {
        start_date: q.start_date,
        end_date: q.end_date,
        date: q.date,
        start_time: q.start_time,
        end_time: q.end_time,
    }
    .parse("period")?;
    let limit = limit(q.limit)?;
    let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let free = state.store.free_workplaces(premises, period, after, limit + 1).await?;
    let (free, next_cursor) = crate::wire::page_of(free, limit, |w| w.id);
    Ok(axum::Json(Page {
        items: free
            .into_iter()
            .map(|w| WorkplaceOut {
                id: w.id,
                premises_id: w.premises_id,
                name: w.name,
                archived: w.archived_at.is_some(),
            })
            .collect(),
        next_cursor,
    }))
}

/// A period as query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FreeQuery {
    /// First day (whole days).
    pub start_date: Option<String>,
    /// Last day, included (whole days).
    pub end_date: Option<String>,
    /// The day of a slot.
    pub date: Option<String>,
    /// Slot start, `HH:MM`.
    pub start_time: Option<String>,
    /// Slot end, `HH:MM`.
    pub end_time: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}
