//! Every refusal speaks the caller's language: a Russian or Bulgarian
//! caller reads no English sentence in a problem's title, detail or field
//! messages, whatever was wrong (JSON, types, names, values, ids, paths).

mod common;

use common::{Client, World};
use reqwest::Method;
use serde_json::{Value, json};

/// Latin words a Russian or Bulgarian answer may carry: field names and
/// values the client sent, formats, standards and the product's terms.
const LATIN_ALLOWED: &[&str] = &[
    "PAX",
    "JSON",
    "IANA",
    "ISO",
    "RUB",
    "BGN",
    "If-Match",
    "limit",
    "API",
    "e-mail",
    "Europe/Moscow",
    "Europe/Sofia",
    "move",
    "extend",
    "shorten",
    "period_only",
    "mode",
    "surprise",
    "pax",
    "name",
    "kind",
    "hall",
    "catering",
    "other",
    "start_date",
    "end_date",
    "venue_id",
    "status",
    "items",
    "workplace_id",
    "http",
    "https",
    "tessera",
    "dev",
    "problems",
    "invalid-fields",
    "malformed-request",
    "not-found",
    "type",
    "new",
    "confirmed",
    "cancelled",
    "completed",
    "active",
    "cursor",
    "from",
    "to",
];

fn english_words(answer: &Value) -> Vec<String> {
    let mut texts = vec![
        answer["title"].as_str().unwrap_or_default().to_owned(),
        answer["detail"].as_str().unwrap_or_default().to_owned(),
    ];
    for e in answer["errors"].as_array().into_iter().flatten() {
        texts.push(e["message"].as_str().unwrap_or_default().to_owned());
    }
    texts
        .iter()
        .flat_map(|t| t.split(|c: char| !(c.is_ascii_alphanumeric() || "-_/".contains(c))))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()) && !LATIN_ALLOWED.contains(w))
        .map(str::to_owned)
        .collect()
}

async fn refusals(c: &Client, event: i64) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let bodies: [(Method, String, Option<String>); 10] = [
        (Method::POST, "/api/v1/venues".into(), Some("{\"name\": ".into())),
        (Method::POST, "/api/v1/venues".into(), Some("[1, 2]".into())),
        (
            Method::POST,
            "/api/v1/venues".into(),
            Some(json!({"surprise": 1}).to_string()),
        ),
        (
            Method::POST,
            "/api/v1/venues".into(),
            Some(json!({"name": 5, "time_zone": "Mars/Olympus", "currency": "rub", "locale": "xx"}).to_string()),
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event}/dates"),
            Some(json!({"mode": "sideways", "start_date": "2030-01-01"}).to_string()),
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event}/dates"),
            Some(json!({"mode": "extend", "start_date": "2030-01-01"}).to_string()),
        ),
        (
            Method::POST,
            format!("/api/v1/events/{event}/pax"),
            Some(json!({"pax": 0}).to_string()),
        ),
        (
            Method::POST,
            "/api/v1/orders".into(),
            Some(json!({"customer_id": 999_999, "items": []}).to_string()),
        ),
        (Method::GET, "/api/v1/events/999999".into(), None),
        (
            Method::GET,
            "/api/v1/coworking/tickets?status=lost&from=someday".into(),
            None,
        ),
    ];
    for (method, path, body) in bodies {
        let a = c.raw(method, &path, body, Some("application/json")).await;
        assert!(a.status.is_client_error(), "{path}: {}", a.body);
        out.push((path, a.body.clone()));
    }
    out
}

#[tokio::test]
async fn russian_and_bulgarian_callers_read_no_english() {
    let w = World::new().await;
    let em = w.server.user("event_manager", "Ева", "Иванова").await;
    let event = em
        .post(
            "/api/v1/events",
            json!({"venue_id": w.venue, "name": "Конгресс", "start_date": "2030-02-01", "end_date": "2030-02-03", "pax": 10}),
        )
        .await;
    let event = event.ok(201)["id"].as_i64().expect("event id");
    for lang in ["ru", "bg"] {
        for (who, client) in [("admin", w.admin.clone()), ("event manager", em.clone())] {
            for (path, answer) in refusals(&client.lang(lang), event).await {
                let words = english_words(&answer);
                assert!(words.is_empty(), "{who} in {lang}, {path}: {words:?} in {answer}");
            }
        }
    }
    // And English callers read English.
    for (path, answer) in refusals(&em.clone().lang("en"), event).await {
        let text = answer.to_string();
        assert!(!text.chars().any(|c| matches!(c, 'а'..='я')), "{path}: {text}");
    }
}
