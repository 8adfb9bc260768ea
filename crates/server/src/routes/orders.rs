//! Orders: managers book for a customer (walk-ins too), visitors for
//! themselves and the future only; status changes carry the tickets along.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tessera_domain::booking::VisitorLimits;
use tessera_domain::refusal::Refusal;
use tessera_domain::refusal::Thing;
use tessera_domain::{OrderStatus, Role};
use tessera_store::{Booking, Conflict, NewOrder, NewOrderItem, StoreError};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Booker, Caller, CoworkingManager};
use crate::error::{Problem, ProblemBody};
use crate::extract::{Json, Lang, Number};
use crate::i18n;
use crate::rules::COMMENT_MAX;
use crate::wire::{OrderOut, PeriodIn, PersonRef, check, instant_s, one_of, optional_text, order_out, zone};

/// One workplace to book.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderItemIn {
    /// Workplace.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub workplace_id: i64,
    /// Period.
    pub period: PeriodIn,
    /// Tariff of the workplace's venue.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub tariff_id: i64,
    /// Service variant.
    #[schema(value_type = Option<crate::rules::Id>)]
    #[serde(default, deserialize_with = "crate::rules::opt_id")]
    pub service_variant_id: Option<i64>,
    /// Modifiers.
    #[schema(value_type = Option<Vec<crate::rules::Id>>, max_items = 50)]
    #[serde(default, deserialize_with = "crate::rules::opt_ids")]
    pub modifier_ids: Option<Vec<i64>>,
}

/// An order to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    /// The customer, whose tickets they will be.
    #[schema(value_type = crate::rules::Id)]
    #[serde(deserialize_with = "crate::rules::id")]
    pub customer_id: i64,
    /// At least one item.
    #[schema(min_items = 1, max_items = 50)]
    pub items: Vec<OrderItemIn>,
}

/// Creates an order; 409 names the tickets holding a taken workplace.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderIn, security(("bearer" = [])),
    responses((status = 201, body = OrderOut), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn create(
    State(state): State<AppState>,
    Booker(caller): Booker,
    Lang(l): Lang,
    held: Option<axum::Extension<crate::idempotency::HeldKey>>,
    Json(b): Json<OrderIn>,
) -> Result<(StatusCode, axum::Json<OrderOut>), Problem> {
    let mut order = new_order(&b, &caller, state.config.visitor)?;
    order.idempotency_key = held.map(|axum::Extension(k)| (k.user, k.key));
    let created = state
        .store
        .create_order(order, state.clock.now())
        .await
        .map_err(|e| for_caller(e, &caller))?;
    tracing::info!(actor = caller.user.id, order = created.number, "order created");
    Ok((StatusCode::CREATED, axum::Json(order_out(created, l))))
}

/// A visitor is not told whose tickets hold a workplace (their numbers are
/// other visitors' business); managers are.
fn for_caller(e: StoreError, caller: &Caller) -> Problem {
    match e {
        StoreError::Conflict(Conflict::WorkplaceTaken { workplace_id, .. }) if !caller.role.manages_coworking() => {
            Problem::Conflict(Conflict::WorkplaceTaken {
                workplace_id,
                tickets: vec![],
            })
        }
        e => e.into(),
    }
}

/// Checks an order's body and who places it; the catalogue checks follow in the store.
fn new_order(b: &OrderIn, caller: &Caller, visitor_limits: VisitorLimits) -> Result<NewOrder, Problem> {
    let manager = caller.role.manages_coworking();
    if !manager && b.customer_id != caller.user.id {
        return Err(Problem::field("customer_id", Refusal::VisitorOrdersForThemselves));
    }
    if b.items.len() > crate::rules::ITEMS_MAX {
        return Err(Problem::field("items", Refusal::TooMany(crate::rules::ITEMS_MAX)));
    }
    let mut items = Vec::with_capacity(b.items.len());
    for (i, item) in b.items.iter().enumerate() {
        let modifier_ids = item.modifier_ids.clone().unwrap_or_default();
        if modifier_ids.len() > crate::rules::MODIFIERS_MAX {
            return Err(Problem::field(
                format!("items[{i}].modifier_ids"),
                Refusal::TooMany(crate::rules::MODIFIERS_MAX),
            ));
        }
        items.push(NewOrderItem {
            workplace_id: item.workplace_id,
            period: item.period.parse(&format!("items[{i}].period"))?,
            tariff_id: item.tariff_id,
            service_variant_id: item.service_variant_id,
            modifier_ids,
        });
    }
    let booking = if manager { Booking::Manager } else { Booking::Visitor };
    Ok(NewOrder {
        customer_id: b.customer_id,
        items,
        created_by: caller.user.id,
        booking,
        numbers: None,
        idempotency_key: None,
        visitor_limits,
    })
}

/// What an order would cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteOut {
    /// Decimal total.
    pub total: String,
    /// Currency.
    pub currency: String,
    /// The total for people (`7 000,00 ₽`), in the caller's language.
    pub total_text: String,
    /// Each item's price, in the order of `items`.
    pub items: Vec<QuoteItem>,
}

/// One item's price.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteItem {
    /// Decimal price.
    pub price: String,
}

/// Prices an order exactly as creating it would, and creates nothing (the
/// price shown before saving).
#[utoipa::path(post, path = "/api/v1/orders/quote", tag = "orders", request_body = OrderIn, security(("bearer" = [])),
    responses((status = 200, body = QuoteOut), (status = 403, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn quote(
    State(state): State<AppState>,
    Booker(caller): Booker,
    Lang(l): Lang,
    Json(b): Json<OrderIn>,
) -> Result<axum::Json<QuoteOut>, Problem> {
    let order = new_order(&b, &caller, state.config.visitor)?;
    let (total, currency, prices) = state
        .store
        .quote_order(&order, state.clock.now())
        .await
        .map_err(|e| for_caller(e, &caller))?;
    Ok(axum::Json(QuoteOut {
        total_text: tessera_domain::money_text::money_text(&total, &currency, l),
        total,
        currency,
        items: prices.into_iter().map(|price| QuoteItem { price }).collect(),
    }))
}

/// An order; a visitor sees only their own (404 otherwise).
#[utoipa::path(get, path = "/api/v1/orders/{number}", tag = "orders", security(("bearer" = [])),
    params(("number" = i64, Path, description = "Order number")),
    responses((status = 200, body = OrderDetailOut), (status = 404, body = ProblemBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Lang(l): Lang,
    Number(n): Number,
) -> Result<axum::Json<OrderDetailOut>, Problem> {
    if !caller.role.manages_coworking() && caller.role != Role::Visitor {
        return Err(Problem::Forbidden);
    }
    let (order, history) = state
        .store
        .order_with_history(n, state.clock.now())
        .await?
        .ok_or(Problem::NotFound(Thing::Order))?;
    let visible =
        caller.role.manages_coworking() || (caller.role == Role::Visitor && order.customer.id == caller.user.id);
    if !visible {
        return Err(if caller.role == Role::Visitor {
            Problem::NotFound(Thing::Order)
        } else {
            Problem::Forbidden
        });
    }
    Ok(axum::Json(order_detail(
        order,
        history,
        caller.role.manages_coworking(),
        l,
    )))
}

/// An order as its `GET` answers it; `managing` says whether the caller
/// moves it along (a manager) or may only cancel it (its visitor).
pub(crate) fn order_detail(
    order: tessera_store::OrderView,
    history: Vec<tessera_store::OrderHistoryEntry>,
    managing: bool,
    l: tessera_domain::Locale,
) -> OrderDetailOut {
    let tz = zone(&order.time_zone);
    // Managers move an order along its state machine; a visitor may only
    // cancel their own (`POST /api/v1/me/orders/{number}/cancel`).
    let next: Vec<OrderStatus> = if managing {
        order.status.next().to_vec()
    } else {
        order.status.cancelled_by_visitor().into_iter().collect()
    };
    let next_statuses = next.iter().map(|s| s.as_str().to_owned()).collect();
    let history = history
        .into_iter()
        .map(|h| OrderHistoryOut {
            at: instant_s(h.at, &tz),
            from_status: h.from_status.map(|s| s.as_str().to_owned()),
            status: h.to_status.as_str().to_owned(),
            status_text: i18n::order_status(h.to_status, l).to_owned(),
            by: h.actor_id.map(|id| PersonRef {
                id,
                first_name: h.actor_first_name.unwrap_or_default(),
                last_name: h.actor_last_name.unwrap_or_default(),
            }),
            comment: h.comment,
        })
        .collect();
    OrderDetailOut {
        order: order_out(order, l),
        history,
        next_statuses,
    }
}

/// A status to move an order to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// One of the ten order statuses.
    #[schema(value_type = crate::rules::OrderStatus)]
    pub status: String,
    /// Why, for the order's history.
    #[schema(value_type = Option<crate::rules::Comment>)]
    #[serde(default)]
    pub comment: Option<String>,
}

/// One line of an order's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderHistoryOut {
    /// When.
    pub at: String,
    /// The status before; null for the order's creation.
    pub from_status: Option<String>,
    /// The status after.
    pub status: String,
    /// The status after, in words.
    pub status_text: String,
    /// Who; null for the system (a period that ended, a payment deadline).
    pub by: Option<PersonRef>,
    /// The manager's comment.
    pub comment: Option<String>,
}

/// An order with its history and the statuses the caller may move it to.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetailOut {
    /// The order.
    #[serde(flatten)]
    pub order: OrderOut,
    /// Every change of status, oldest first.
    pub history: Vec<OrderHistoryOut>,
    /// The statuses the caller may move the order to now.
    pub next_statuses: Vec<String>,
}

/// Moves an order to another status; 409 when that move is not allowed.
#[utoipa::path(post, path = "/api/v1/orders/{number}/status", tag = "orders", request_body = StatusIn, security(("bearer" = [])),
    params(("number" = i64, Path, description = "Order number")),
    responses((status = 200, body = OrderOut), (status = 404, body = ProblemBody), (status = 409, body = ProblemBody), (status = 422, body = ProblemBody)))]
pub async fn change_status(
    State(state): State<AppState>,
    CoworkingManager(caller): CoworkingManager,
    Lang(l): Lang,
    Number(n): Number,
    Json(b): Json<StatusIn>,
) -> Result<axum::Json<OrderOut>, Problem> {
    let mut errors = Vec::new();
    let to = one_of("status", &b.status, OrderStatus::parse, OrderStatus::NAMES, &mut errors);
    let comment = optional_text("comment", b.comment.as_deref(), COMMENT_MAX, &mut errors);
    check(errors)?;
    let Some(to) = to else {
        return Err(Problem::field("status", Refusal::OneOf(OrderStatus::NAMES)));
    };
    let order = state
        .store
        .change_order_status(n, to, comment, caller.user.id, state.clock.now())
        .await?;
    tracing::info!(
        actor = caller.user.id,
        order = n,
        status = to.as_str(),
        "order status changed"
    );
    Ok(axum::Json(order_out(order, l)))
}
