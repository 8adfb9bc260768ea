//! Every required field a body lacks, not only the first.
//!
//! serde stops at the first missing field; a form sent empty would then be
//! told about one field at a time. The OpenAPI document states each body's
//! required fields, so the body is walked against its operation's schema
//! and every absent one is named at once.

use std::sync::LazyLock;

use serde_json::{Map, Value};
use utoipa::OpenApi;

use crate::ApiDoc;

/// The API document as JSON, built once: walked, never served from here.
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null));

/// The required fields `body` lacks for the operation `method path` (a
/// route's pattern, as `/api/v1/orders/{number}`), as serde names paths
/// (`items[0].period.end_date`), in the order the schema lists them.
pub fn missing(method: &str, path: &str, body: &Value) -> Vec<String> {
    let schema = DOCUMENT
        .pointer(&format!("/paths/{}/{}", escape(path), method.to_ascii_lowercase()))
        .and_then(|op| op.pointer("/requestBody/content/application~1json/schema"));
    let mut out = Vec::new();
    if let Some(schema) = schema {
        walk(body, schema, "", &mut out, 0);
    }
    out
}

/// A JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `#/components/schemas/X` → its schema.
fn resolve(schema: &Value) -> &Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|pointer| DOCUMENT.pointer(pointer))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

fn walk(value: &Value, schema: &Value, at: &str, out: &mut Vec<String>, depth: u32) {
    // Schemas may refer to themselves; bodies are shallow.
    if depth > 16 {
        return;
    }
    let schema = resolve(schema);
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        walk(value, part, at, out, depth + 1);
    }
    // An optional value (`oneOf: [null, X]`): X when the value is there.
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let not_null: Vec<&Value> = alternatives
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [only] = not_null.as_slice() {
                walk(value, only, at, out, depth + 1);
            }
        }
    }
    match value {
        Value::Object(fields) => object(fields, schema, at, out, depth),
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(v, item, &format!("{at}[{i}]"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn object(fields: &Map<String, Value>, schema: &Value, at: &str, out: &mut Vec<String>, depth: u32) {
    let name = |field: &str| {
        if at.is_empty() {
            field.to_owned()
        } else {
            format!("{at}.{field}")
        }
    };
    for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
        if let Some(field) = required.as_str()
            && !fields.contains_key(field)
        {
            out.push(name(field));
        }
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (field, value) in fields {
            if let Some(property) = properties.get(field) {
                walk(value, property, &name(field), out, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_order_lacks_its_customer_and_items() {
        assert_eq!(missing("POST", "/api/v1/orders", &json!({})), ["customer_id", "items"]);
    }

    #[test]
    fn fields_of_items_are_named_by_their_index() {
        let body = json!({"customer_id": 1, "items": [{"workplace_id": 1, "tariff_id": 1, "period": {"start_date": "2026-12-10"}}, {}]});
        let found = missing("POST", "/api/v1/orders", &body);
        assert!(found.contains(&"items[1].workplace_id".to_owned()), "{found:?}");
        assert!(found.contains(&"items[1].period".to_owned()), "{found:?}");
        assert!(
            !found.iter().any(|f| f.starts_with("items[0].workplace_id")),
            "{found:?}"
        );
    }

    #[test]
    fn an_unknown_operation_names_nothing() {
        assert!(missing("POST", "/api/v1/nowhere", &json!({})).is_empty());
    }
}
