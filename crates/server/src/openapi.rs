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

/// Every error is problem+json, and some can come from any operation of a
/// kind: a bad token (401) or role (403) wherever a token is needed; a
/// malformed (400), too large (413), non-JSON (415) or invalid (422) body
/// wherever one is read; a malformed query (400) or unknown id (404) wherever
/// parameters are. The handlers list the rest; this completes the document
/// so that it matches the server (found by `scripts/fuzz-api`).
struct ProblemResponses;

impl ProblemResponses {
    fn problem(description: &str) -> utoipa::openapi::Response {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ProblemBody")))
                    .build(),
            )
            .build()
    }

    fn complete(op: &mut utoipa::openapi::path::Operation) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::ParameterIn;
        // Documented errors: their body is problem+json, not json.
        for (status, response) in op.responses.responses.iter_mut() {
            if let (true, RefOr::T(r)) = (status.starts_with('4') || status.starts_with('5'), response)
                && let Some(content) = r.content.shift_remove("application/json")
            {
                r.content.insert("application/problem+json".into(), content);
            }
        }
        let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
        let params = op.parameters.as_deref().unwrap_or_default();
        let in_path = params.iter().any(|p| matches!(p.parameter_in, ParameterIn::Path));
        let in_query = params.iter().any(|p| matches!(p.parameter_in, ParameterIn::Query));
        let body = op.request_body.is_some();
        let mut add: Vec<(&str, &str)> = Vec::new();
        if secured {
            add.push(("401", "no or bad credentials"));
            add.push(("403", "the role may not do this"));
        }
        if body {
            add.push(("400", "malformed body"));
            add.push(("413", "body too large"));
            add.push(("415", "not JSON"));
            add.push(("422", "invalid values"));
        }
        if in_query {
            add.push(("400", "malformed query"));
        }
        if in_path {
            add.push(("400", "malformed path"));
            add.push(("404", "no such thing, or not yours"));
        }
        for (status, description) in add {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::T(Self::problem(description)));
        }
    }
}

/// Every operation of the document, whatever its method.
fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
    })
}

/// Query parameters get their rules by name from [`crate::rules::query_parameter`]
/// (`IntoParams` drops a field's description and style when given a schema).
struct QueryRules;

impl Modify for QueryRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterIn, ParameterStyle};
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for p in ops
                .into_iter()
                .flatten()
                .flat_map(|op| op.parameters.iter_mut().flatten())
            {
                if !matches!(p.parameter_in, ParameterIn::Query) {
                    continue;
                }
                if let Some((schema, list)) = crate::rules::query_parameter(path, &p.name) {
                    p.schema = Some(schema.into());
                    if list {
                        p.style = Some(ParameterStyle::Form);
                        p.explode = Some(false);
                    }
                }
            }
        }
    }
}

/// The rule of `DatesIn` its derive cannot carry: `end_date` required by every
/// mode but `move` (see [`crate::rules::dates_in`]).
struct DatesRules;

impl Modify for DatesRules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(schemas) = openapi.components.as_mut().map(|c| &mut c.schemas)
            && let Some(derived) = schemas.remove("DatesIn")
        {
            schemas.insert("DatesIn".into(), crate::rules::dates_in(derived).into());
        }
    }
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for op in operations(openapi) {
            Self::complete(op);
        }
    }
}

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Tessera API", version = "1", description = "Venue operations: coworking tickets, orders, events and folios."),
    modifiers(&BearerAuth, &QueryRules, &DatesRules, &ProblemResponses),
    paths(
        routes::health::healthz,
        routes::auth::login, routes::auth::logout, routes::auth::me,
        routes::users::create, routes::users::search,
        routes::people::get_one, routes::people::update, routes::people::set_password, routes::people::update_me,
        routes::people::change_mine, routes::people::request_reset, routes::people::confirm_reset,
        routes::catalogue::create_venue, routes::catalogue::list_venues,
        routes::catalogue::create_premises, routes::catalogue::list_premises,
        routes::catalogue::create_workplace, routes::catalogue::list_workplaces,
        routes::catalogue::create_tariff, routes::catalogue::list_tariffs,
        routes::catalogue::create_service_variant, routes::catalogue::list_service_variants,
        routes::catalogue::create_modifier, routes::catalogue::list_modifiers,
        routes::catalogue_edits::update_venue, routes::catalogue_edits::update_premises, routes::catalogue_edits::update_workplace,
        routes::catalogue_edits::update_tariff, routes::catalogue_edits::update_service_variant, routes::catalogue_edits::update_modifier,
        routes::order_list::list, routes::orders::create, routes::orders::quote, routes::orders::get_one, routes::orders::change_status,
        routes::tickets::list, routes::tickets::get_one, routes::tickets::validate, routes::tickets::reset_validation,
        routes::tickets::change_visitor, routes::tickets::change_workplace,
        routes::me::register, routes::me::my_tickets, routes::me::send, routes::me::pass, routes::me::cancel_order,
        routes::me::free_workplaces, routes::me::my_ticket, routes::me::my_orders,
        routes::access::check, routes::access::keys, routes::access::rotate_keys, routes::access::upload, routes::access::list, routes::access::presence,
        routes::events::create, routes::events::list, routes::events::get_one, routes::events::add_activity,
        routes::events::patch_activity, routes::events::preview_activity, routes::events::add_block, routes::events::add_folio, routes::events::add_charge,
        routes::events::close_folio, routes::events::get_folio, routes::events::edit_charge, routes::events::void_charge, routes::events::transfer_charge, routes::events::patch_event, routes::events::cancel_event, routes::events::cancel_activity, routes::events::patch_block, routes::events::cancel_block, routes::events::diary, routes::events::pax, routes::events::dates, routes::events::audit,
        routes::webhooks::create, routes::webhooks::list, routes::webhooks::patch, routes::webhooks::delete,
        routes::webhooks::test, routes::webhooks::deliveries, routes::webhooks::retry,
        routes::mail::get_status, routes::mail::list, routes::mail::retry, routes::mail::test,
        crate::exports::tickets, crate::exports::orders, crate::exports::checks, crate::exports::charges,
        routes::feeds::new_key, routes::feeds::my_calendar, routes::feeds::hall_calendar,
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
