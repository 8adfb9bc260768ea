//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Tessera API", version = "1", description = "Venue operations: coworking tickets, orders, events and folios."),
    modifiers(&BearerAuth),
    paths(
        routes::health::healthz,
        routes::auth::login, routes::auth::logout, routes::auth::me,
        routes::users::create, routes::users::search,
        routes::catalogue::create_venue, routes::catalogue::list_venues,
        routes::catalogue::create_premises, routes::catalogue::list_premises,
        routes::catalogue::create_workplace, routes::catalogue::list_workplaces,
        routes::catalogue::create_tariff, routes::catalogue::list_tariffs,
        routes::catalogue::create_service_variant, routes::catalogue::list_service_variants,
        routes::catalogue::create_modifier, routes::catalogue::list_modifiers,
        routes::orders::create, routes::orders::quote, routes::orders::get_one, routes::orders::change_status,
        routes::tickets::list, routes::tickets::get_one, routes::tickets::validate, routes::tickets::reset_validation,
        routes::tickets::change_visitor, routes::tickets::change_workplace,
        routes::me::register, routes::me::my_tickets, routes::me::send, routes::me::pass, routes::me::cancel_order,
        routes::me::free_workplaces, routes::access::check,
        routes::events::create, routes::events::list, routes::events::get_one, routes::events::add_activity,
        routes::events::patch_activity, routes::events::preview_activity, routes::events::add_block, routes::events::add_folio, routes::events::add_charge,
        routes::events::close_folio, routes::events::pax, routes::events::dates, routes::events::audit,
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
