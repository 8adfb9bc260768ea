"""Schemathesis hooks of scripts/fuzz-api (loaded through SCHEMATHESIS_HOOKS).

positive_data_acceptance runs with 400 and 422 among its expected answers
(schemathesis.toml next to this file), because some rules cannot be said in
JSON Schema: an id that must exist, a tariff of the workplace's venue, a
period inside the event, a local time that does not exist in the venue's
zone, a guessable password. The check below keeps that meaningful: a 400 or
422 answer to data the document calls valid must name only fields (or, for
a 400 on a query, a rule) listed here, each with why the document cannot
state it. Anything else means the document is missing a rule the server
enforces, and fails the run.
"""

import re

import schemathesis

try:
    from schemathesis.specs.openapi.checks import is_unexpected_http_status_case
except ImportError:  # another Schemathesis than the pinned one
    def is_unexpected_http_status_case(case):
        return False

# Field paths as the server names them, with list indices as [N] and map
# keys as {K}. Each entry: why JSON Schema cannot state the rule.
UNSTATEABLE_FIELDS = {
    # Ids that must name an existing row (of the right kind, the caller's):
    "venue_id": "must name an existing venue",
    "premises_id": "must name existing premises of the right kind (coworking for workplaces, a hall of the event's venue)",
    "customer_id": "must name an existing user; a visitor may only order for themselves",
    "user_id": "must name an existing user who may hold tickets",
    "workplace_id": "must name an existing workplace of the ticket's venue",
    "activity_id": "must name an active activity of the folio's event",
    "items[N].workplace_id": "must name an existing workplace, all of one venue",
    "items[N].tariff_id": "must name a tariff of the workplace's venue",
    "items[N].service_variant_id": "must name a service variant of the workplace's venue",
    "items[N].modifier_ids": "must name modifiers of the workplace's venue",
    "activities": "keys must be active activities of the event",
    "email": "must belong to a visitor (sending a ticket), or it lower-cases past 254 characters",
    "user.email": "lower-cased it may pass 254 characters",
    # Rules between fields or against stored state:
    "password": "guessable (zxcvbn), or over 1024 bytes in UTF-8 (JSON Schema counts characters)",
    "new_password": "guessable (zxcvbn), or over 1024 bytes in UTF-8 (JSON Schema counts characters)",
    "current_password": "must be the account's password now",
    "token": "must be a reset link issued within the hour and not used yet",
    "end_date": "must not be before start_date; an event's new dates depend on its current ones",
    "start_date": "an extend/shorten/move depends on the event's current dates",
    "date": "must be inside the event's period",
    "service_date": "a corrected charge's day must be inside its event's period",
    "start_time": "an activity's times come both or neither (a PATCH may send one null and the other not)",
    "end_time": "must be after start_time, and both or neither",
    "folio_id": "must name an open folio of the charge's own event",
    "to": "the diary's last day must not be before from, nor more than 366 days after it",
    "name": "must be unique among the premises' workplaces",
    "items[N].period": "a visitor's booking limits (horizon, length, not in the past) are the venue's settings and the clock",
    "items[N].period.end_date": "must not be before start_date, nor the period too long",
    "items[N].period.end_time": "must be after start_time",
    "items[N].period.start_time": "must exist in the venue's time zone (DST gaps)",
    "items[N].period.start_date": "the instant must be representable in the venue's time zone",
    "period": "query parameters cannot say 'either start_date and end_date, or date, start_time and end_time'",
    "period.end_date": "must not be before start_date; the either/or of query parameters",
    "period.start_date": "the either/or of query parameters",
    "period.date": "the either/or of query parameters",
    "period.start_time": "the either/or of query parameters; must exist in the venue's time zone",
    "period.end_time": "the either/or of query parameters; must be after start_time",
    "url": "a bracketed host must be an IPv6 address, which a regular expression can only approximate",
    "events": "\"*\" (every type) stands alone, which JSON Schema cannot say of an array's items",
}

# A 400 is a malformed query; only these rules between parameters may be
# broken by data the document calls valid. The run asks for English
# (`Accept-Language: en` in scripts/fuzz-api), so details read as here.
UNSTATEABLE_QUERY_RULES = {
    "to: must not be before the first day": "a range of two parameters",
    # The door log's cursor is an opaque (instant, id) pair the server gave.
    "The cursor is not one this server gave.": "an opaque position only the server's own answers hold",
}


def _normalize(field):
    return re.sub(r"\[\d+\]", "[N]", field)


@schemathesis.check
def refused_only_for_unstateable_rules(ctx, response, case):
    """Schema-valid data is refused (400/422) only for a rule the document cannot state."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    # Request-shape probes (another content type, no body) are not data.
    if is_unexpected_http_status_case(case):
        return None
    # Every body of this API is a JSON object. Schemathesis 4.32.5's coverage
    # phase pairs some path-parameter values ("Near-boundary number") with a
    # body of `0` and still calls the case positive: that is not valid data.
    if case.operation.body and not isinstance(case.body, dict) and case.media_type == "application/json":
        return None
    if response.status_code not in (400, 422):
        return None
    try:
        body = response.json()
    except Exception:
        raise AssertionError(f"{response.status_code} without a problem+json body")
    where = f" ({meta.phase.name}: {getattr(meta.phase.data, 'description', '') or ''})"
    if response.status_code == 400:
        detail = body.get("detail", "")
        if detail in UNSTATEABLE_QUERY_RULES:
            return None
        raise AssertionError(
            f"Schema-valid data refused with 400: {detail!r}. "
            "State the rule in the OpenAPI document, or list it in UNSTATEABLE_QUERY_RULES with why it cannot be stated."
            + where
        )
    fields = [e.get("field", "") for e in body.get("errors", [])]
    if not fields:
        raise AssertionError(f"Schema-valid data refused with 422 naming no field: {body.get('detail')!r}")
    stateable = [f for f in fields if _normalize(f) not in UNSTATEABLE_FIELDS]
    if stateable:
        raise AssertionError(
            f"Schema-valid data refused with 422 for {', '.join(stateable)}: "
            f"{[e.get('message') for e in body.get('errors', [])]!r}. "
            "State the rule in the OpenAPI document, or list the field in UNSTATEABLE_FIELDS with why it cannot be stated."
            + where
        )
    return None
