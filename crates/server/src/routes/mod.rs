//! The route table.

pub(crate) mod access;
pub(crate) mod auth;
pub(crate) mod catalogue;
pub(crate) mod catalogue_edits;
pub(crate) mod events;
pub(crate) mod feeds;
pub(crate) mod health;
pub(crate) mod mail;
pub(crate) mod me;
pub(crate) mod order_list;
pub(crate) mod orders;
pub(crate) mod people;
pub(crate) mod tickets;
pub(crate) mod users;
pub(crate) mod webhooks;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Every route of the API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/openapi.json", get(crate::openapi::document))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/me", get(auth::me).patch(people::update_me))
        .route("/api/v1/me/password", axum::routing::put(people::change_mine))
        .route("/api/v1/auth/password-reset", post(people::request_reset))
        .route("/api/v1/auth/password-reset/confirm", post(people::confirm_reset))
        .route("/api/v1/auth/register", post(me::register))
        .route("/api/v1/me/tickets", get(me::my_tickets))
        .route("/api/v1/me/tickets/{number}/send", post(me::send))
        .route("/api/v1/me/tickets/{number}/pass", get(me::pass))
        .route("/api/v1/me/orders/{number}/cancel", post(me::cancel_order))
        .route("/api/v1/premises/{id}/free-workplaces", get(me::free_workplaces))
        .route("/api/v1/access/check", post(access::check))
        .route("/api/v1/access/keys", get(access::keys))
        .route("/api/v1/access/keys/rotate", post(access::rotate_keys))
        .route("/api/v1/access/checks", get(access::list))
        .route("/api/v1/premises/{id}/presence", get(access::presence))
        .route("/api/v1/me/tickets/{number}", get(me::my_ticket))
        .route("/api/v1/me/orders", get(me::my_orders))
        .route("/api/v1/events", post(events::create).get(events::list))
        .route("/api/v1/events/{id}", get(events::get_one).patch(events::patch_event))
        .route("/api/v1/events/{id}/cancel", post(events::cancel_event))
        .route(
            "/api/v1/events/{id}/activities/{activity_id}/cancel",
            post(events::cancel_activity),
        )
        .route(
            "/api/v1/events/{id}/blocks/{block_id}",
            axum::routing::patch(events::patch_block),
        )
        .route(
            "/api/v1/events/{id}/blocks/{block_id}/cancel",
            post(events::cancel_block),
        )
        .route("/api/v1/events/{id}/activities", post(events::add_activity))
        .route(
            "/api/v1/events/{id}/activities/{activity_id}",
            axum::routing::patch(events::patch_activity),
        )
        .route(
            "/api/v1/events/{id}/activities/{activity_id}/preview",
            post(events::preview_activity),
        )
        .route("/api/v1/events/{id}/blocks", post(events::add_block))
        .route("/api/v1/events/{id}/folios", post(events::add_folio))
        .route("/api/v1/events/{id}/pax", post(events::pax))
        .route("/api/v1/events/{id}/audit", get(events::audit))
        .route("/api/v1/events/{id}/dates", post(events::dates))
        .route("/api/v1/folios/{id}/charges", post(events::add_charge))
        .route("/api/v1/folios/{id}/close", post(events::close_folio))
        .route("/api/v1/folios/{id}", get(events::get_folio))
        .route("/api/v1/halls/diary", get(events::diary))
        .route("/api/v1/charges/{id}", axum::routing::patch(events::edit_charge))
        .route("/api/v1/charges/{id}/void", post(events::void_charge))
        .route("/api/v1/charges/{id}/transfer", post(events::transfer_charge))
        .route("/api/v1/users", post(users::create).get(users::search))
        .route("/api/v1/users/{id}", get(people::get_one).patch(people::update))
        .route("/api/v1/users/{id}/password", axum::routing::put(people::set_password))
        .route(
            "/api/v1/venues",
            post(catalogue::create_venue).get(catalogue::list_venues),
        )
        .route(
            "/api/v1/premises",
            post(catalogue::create_premises).get(catalogue::list_premises),
        )
        .route(
            "/api/v1/venues/{id}",
            axum::routing::patch(catalogue_edits::update_venue),
        )
        .route(
            "/api/v1/premises/{id}",
            axum::routing::patch(catalogue_edits::update_premises),
        )
        .route(
            "/api/v1/workplaces/{id}",
            axum::routing::patch(catalogue_edits::update_workplace),
        )
        .route(
            "/api/v1/tariffs/{id}",
            axum::routing::patch(catalogue_edits::update_tariff),
        )
        .route(
            "/api/v1/service-variants/{id}",
            axum::routing::patch(catalogue_edits::update_service_variant),
        )
        .route(
            "/api/v1/modifiers/{id}",
            axum::routing::patch(catalogue_edits::update_modifier),
        )
        .route(
            "/api/v1/premises/{id}/workplaces",
            post(catalogue::create_workplace).get(catalogue::list_workplaces),
        )
        .route(
            "/api/v1/tariffs",
            post(catalogue::create_tariff).get(catalogue::list_tariffs),
        )
        .route(
            "/api/v1/service-variants",
            post(catalogue::create_service_variant).get(catalogue::list_service_variants),
        )
        .route(
            "/api/v1/modifiers",
            post(catalogue::create_modifier).get(catalogue::list_modifiers),
        )
        .route("/api/v1/orders", get(order_list::list).post(orders::create))
        .route("/api/v1/orders/quote", post(orders::quote))
        .route("/api/v1/orders/{number}", get(orders::get_one))
        .route("/api/v1/orders/{number}/status", post(orders::change_status))
        .route("/api/v1/coworking/tickets", get(tickets::list))
        .route("/api/v1/coworking/tickets/{number}", get(tickets::get_one))
        .route(
            "/api/v1/coworking/tickets/{number}/validation",
            post(tickets::validate).delete(tickets::reset_validation),
        )
        .route(
            "/api/v1/coworking/tickets/{number}/visitor",
            axum::routing::put(tickets::change_visitor),
        )
        .route(
            "/api/v1/coworking/tickets/{number}/workplace",
            axum::routing::put(tickets::change_workplace),
        )
        .route("/api/v1/coworking/tickets/export", get(crate::exports::tickets))
        .route("/api/v1/orders/export", get(crate::exports::orders))
        .route("/api/v1/access/checks/export", get(crate::exports::checks))
        .route("/api/v1/events/{id}/charges/export", get(crate::exports::charges))
        .route("/api/v1/me/feed-key", post(feeds::new_key))
        .route("/api/v1/me/calendar.ics", get(feeds::my_calendar))
        .route("/api/v1/halls/{id}/calendar.ics", get(feeds::hall_calendar))
        .route("/api/v1/webhooks", post(webhooks::create).get(webhooks::list))
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::patch(webhooks::patch).delete(webhooks::delete),
        )
        .route("/api/v1/webhooks/{id}/test", post(webhooks::test))
        .route("/api/v1/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .route(
            "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
            post(webhooks::retry),
        )
        .route("/api/v1/mail/status", get(mail::get_status))
        .route("/api/v1/mail/messages", get(mail::list))
        .route("/api/v1/mail/messages/{id}/retry", post(mail::retry))
        .route("/api/v1/mail/test", post(mail::test))
}

/// The routes whose bodies may be larger than the API's 1 MiB: a turnstile's
/// offline checks (up to 20,000 of them in one upload).
pub fn bulk_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/access/checks", post(access::upload))
        // axum's own 2 MB limit on a JSON body would refuse them first; the
        // 16 MiB limit of `app` holds.
        .layer(axum::extract::DefaultBodyLimit::disable())
}
