//! The orders list for managers: every filter, number descending, by cursor.

use axum::extract::State;
use serde::Deserialize;
use tessera_domain::OrderStatus;
use tessera_domain::period::day_number;
use tessera_store::OrderFilter;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::CoworkingManager;
use crate::error::{FieldFault, Problem, ProblemBody};
use crate::extract::{Lang, Query};
use crate::query_params::{positive_query_number, query_days, query_statuses, refuse_query};
use crate::wire::{OrderOut, Page, decode_cursor, encode_cursor, limit, order_out};

/// The list's filters, combined with AND.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderListQuery {
    /// Exact order number.
    pub number: Option<String>,
    /// Only this customer's orders (a user id).
    pub customer_id: Option<String>,
    /// Comma-separated statuses, as they read now.
    pub status: Option<String>,
    /// Orders with a ticket overlapping from this day (`YYYY-MM-DD`)…
    pub from: Option<String>,
    /// …to this day, included.
    pub to: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::rules::query_int")]
    pub limit: Option<i64>,
    /// From `next_cursor`.
    #[serde(default, deserialize_with = "crate::rules::empty_as_none")]
    pub cursor: Option<String>,
}

/// Parses the list's query into a filter; a bad value is a 400 naming it.
pub fn parse_order_filter(q: &OrderListQuery) -> Result<OrderFilter, Problem> {
    let mut errors: Vec<FieldFault> = Vec::new();
    let number = positive_query_number("number", q.number.as_deref(), &mut errors);
    let customer_id = positive_query_number("customer_id", q.customer_id.as_deref(), &mut errors);
    let statuses = query_statuses(q.status.as_deref(), OrderStatus::parse, OrderStatus::NAMES, &mut errors);
    let (from, to) = query_days(q.from.as_deref(), q.to.as_deref(), &mut errors);
    let before = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = limit(q.limit)?;
    refuse_query(errors)?;
    Ok(OrderFilter {
        number,
        customer_id,
        statuses,
        from_day: from.map(day_number),
        to_day: to.map(day_number),
        before,
        limit,
    })
}

/// The orders list, number descending, by cursor.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(OrderListQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<OrderOut>), (status = 400, body = ProblemBody), (status = 403, body = ProblemBody)))]
pub async fn list(
    State(state): State<AppState>,
    _m: CoworkingManager,
    Lang(l): Lang,
    Query(q): Query<OrderListQuery>,
) -> Result<axum::Json<Page<OrderOut>>, Problem> {
    let filter = parse_order_filter(&q)?;
    let page = state.store.list_orders(&filter, state.clock.now()).await?;
    Ok(axum::Json(Page {
        items: page.items.into_iter().map(|o| order_out(o, l)).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}
