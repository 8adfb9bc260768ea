//! Extractors that turn bad input into problem+json instead of the
//! framework's plain-text rejections.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tessera_domain::Locale;
use tessera_domain::refusal::Thing;

use crate::AppState;
use tessera_domain::refusal::Refusal;

use crate::error::{FieldFault, Problem, request_locale};
use crate::field_text::Malformed;

/// A JSON body; malformed → 400, unknown fields → 400, wrong types or
/// missing fields → 422 naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Json<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Problem> {
        // serde would read a struct from an array too (`["V", "UTC", …]`,
        // field by position) and `null` or `42` as a type error without a
        // field: every body of this API is a JSON object, anything else is
        // malformed.
        let (parts, body) = req.into_parts();
        // Kept for naming every missing field; both clones are cheap (no copy
        // of the text), as every JSON body passes here.
        let method = parts.method.clone();
        let route = parts.extensions.get::<axum::extract::MatchedPath>().cloned();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|_| Problem::TooLarge)?;
        let is_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let not_object = || Problem::Malformed(Malformed::NotObject);
        let req = Request::from_parts(parts, axum::body::Body::from(bytes.clone()));
        // Every required field the body lacks, for when serde names one.
        let all_missing = || match (&route, serde_json::from_slice::<serde_json::Value>(&bytes)) {
            (Some(route), Ok(body)) => crate::missing_fields::missing(method.as_str(), route.as_str(), &body),
            _ => Vec::new(),
        };
        match axum::Json::<T>::from_request(req, state).await {
            Ok(_) | Err(JsonRejection::JsonDataError(_)) if !is_object => Err(not_object()),
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(Problem::Malformed(not_json(&e.body_text()))),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::UnsupportedMediaType),
            Err(JsonRejection::JsonDataError(e)) => Err(data_error(&e.body_text(), all_missing)),
            Err(JsonRejection::BytesRejection(_)) => Err(Problem::TooLarge),
            Err(_) => Err(Problem::Malformed(Malformed::Request)),
        }
    }
}

/// serde_json ends its message with `at line 1 column 5`.
fn not_json(text: &str) -> Malformed {
    let number = |word: &str| {
        text.rsplit_once(word)
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    Malformed::NotJson {
        line: number(" line "),
        column: number(" column "),
    }
}

/// axum prefixes serde's message with its own words; keep serde's.
fn inner(text: &str) -> String {
    text.split_once(": ").map(|(_, rest)| rest).unwrap_or(text).to_owned()
}

/// serde's messages look like `items[0].period: invalid type: …`,
/// `unknown field `x`, expected …` or `unknown variant `x`, expected one of
/// `a`, `b``; each becomes a typed reason.
fn data_error(text: &str, all_missing: impl FnOnce() -> Vec<String>) -> Problem {
    let message = inner(text);
    // The path, when serde names one, and serde's own words after it: judged
    // by those words, not by a value that happens to quote them.
    let (path, words) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest),
        _ => (None, message.as_str()),
    };
    if let Some(f) = quoted_after(words, "unknown field `") {
        return Problem::Malformed(Malformed::UnknownField(f));
    }
    if let Some(f) = quoted_after(words, "duplicate field `") {
        return Problem::Malformed(Malformed::DuplicateField(f));
    }
    let at = |leaf: Option<String>| match (path, leaf) {
        (Some(p), Some(l)) => format!("{p}.{l}"),
        (Some(p), None) => p.to_owned(),
        (None, Some(l)) => l,
        (None, None) => String::new(),
    };
    if let Some(missing) = missing_field(words) {
        let first = at(Some(missing));
        // The schema's list when it agrees with serde on the first one.
        let all = all_missing();
        if all.contains(&first) {
            return Problem::Invalid(
                all.into_iter()
                    .map(|field| FieldFault {
                        field,
                        refusal: Refusal::Required,
                    })
                    .collect(),
            );
        }
        return Problem::field(first, Refusal::Required);
    }
    if words.starts_with("unknown variant `") {
        let names = words
            .split_once("expected ")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).map(str::to_owned).collect())
            .unwrap_or_default();
        return Problem::field(at(None), Refusal::Expected(names));
    }
    // A fraction or text where a whole number goes (PAX, rooms, an id).
    let expected = words.rsplit_once("expected ").map_or("", |(_, e)| e);
    if ["i64", "u32", "u64", "i32", "integer", "whole number"]
        .iter()
        .any(|w| expected.contains(w))
    {
        return Problem::field(at(None), Refusal::NotWholeNumber);
    }
    Problem::field(at(None), Refusal::WrongType)
}

fn quoted_after(words: &str, prefix: &str) -> Option<String> {
    Some(words.strip_prefix(prefix)?.split('`').next()?.to_owned())
}

fn missing_field(message: &str) -> Option<String> {
    let rest = message.split("missing field `").nth(1)?;
    Some(rest.split('`').next()?.to_owned())
}

/// A query string; anything it cannot hold is a 400.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(Problem::Malformed(Malformed::Query(query_field(&e.body_text()))))
            }
            Err(_) => Err(Problem::Malformed(Malformed::Request)),
        }
    }
}

/// serde_urlencoded names the parameter it could not read, if any
/// (`limit: invalid digit found in string`).
fn query_field(text: &str) -> String {
    let message = inner(text);
    match message.split_once(": ") {
        Some((field, _)) if !field.contains(' ') => field.to_owned(),
        _ => quoted_after(&message, "unknown field `")
            .or_else(|| missing_field(&message))
            .unwrap_or_default(),
    }
}

/// A path parameter that must be a positive integer; anything else is a 404
/// (no such thing can exist), never a 500.
pub struct Number(pub i64);

impl FromRequestParts<AppState> for Number {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::NotFound(Thing::Resource))?;
        raw.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Number)
            .ok_or(Problem::NotFound(Thing::Resource))
    }
}

/// The request's language.
pub struct Lang(pub Locale);

impl FromRequestParts<AppState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // A page's own download link (an export) carries the session cookie
        // and the browser's languages: the language picked on the pages wins.
        if parts.headers.get(axum::http::header::AUTHORIZATION).is_none()
            && crate::auth::session_cookie(&parts.headers).is_some()
        {
            return Ok(Lang(crate::web::page_locale(
                &parts.headers,
                state.config.default_locale,
            )));
        }
        Ok(Lang(request_locale(&parts.headers, state.config.default_locale)))
    }
}
