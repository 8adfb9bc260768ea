//! Extractors that turn bad input into problem+json instead of the
//! framework's plain-text rejections.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tessera_domain::Locale;

use crate::AppState;
use crate::error::{Problem, request_locale};

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
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|_| Problem::TooLarge)?;
        let is_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let not_object = || Problem::Malformed("the body must be a JSON object".into());
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Json::<T>::from_request(req, state).await {
            Ok(_) | Err(JsonRejection::JsonDataError(_)) if !is_object => Err(not_object()),
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(Problem::Malformed(format!(
                "the body is not valid JSON: {}",
                inner(&e.body_text())
            ))),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::UnsupportedMediaType),
            Err(JsonRejection::JsonDataError(e)) => Err(data_error(&e.body_text())),
            Err(JsonRejection::BytesRejection(_)) => Err(Problem::TooLarge),
            Err(other) => Err(Problem::Malformed(other.body_text())),
        }
    }
}

/// axum prefixes serde's message with its own words; keep serde's.
fn inner(text: &str) -> String {
    text.split_once(": ").map(|(_, rest)| rest).unwrap_or(text).to_owned()
}

/// serde's messages look like `items[0].period: invalid type: …` or
/// `unknown field `x`, expected …`.
fn data_error(text: &str) -> Problem {
    let message = inner(text);
    // The structure is wrong (not a value): judged by serde's own words, not
    // by a value that happens to quote them.
    let serde_words = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => rest,
        _ => message.as_str(),
    };
    if serde_words.starts_with("unknown field `") || serde_words.starts_with("duplicate field `") {
        return Problem::Malformed(message);
    }
    let (field, detail) = match message.split_once(": ") {
        // A field missing inside `items[0]` is `items[0].workplace_id`.
        Some((path, rest)) if !path.contains(' ') => match missing_field(rest) {
            Some(missing) => (format!("{path}.{missing}"), rest.to_owned()),
            None => (path.to_owned(), rest.to_owned()),
        },
        _ => (missing_field(&message).unwrap_or_default(), message.clone()),
    };
    Problem::field(field, detail)
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
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => Err(Problem::Malformed(e.body_text())),
            Err(other) => Err(Problem::Malformed(other.body_text())),
        }
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
            .map_err(|_| Problem::NotFound("resource"))?;
        raw.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Number)
            .ok_or(Problem::NotFound("resource"))
    }
}

/// The request's language.
pub struct Lang(pub Locale);

impl FromRequestParts<AppState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Lang(request_locale(&parts.headers, state.config.default_locale)))
    }
}
