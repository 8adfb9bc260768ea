//! The UI's stylesheet and script, built into the binary.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");
/// The design system's components (menus, pickers, dialogs, toasts).
const KIT_JS: &str = include_str!("../../static/kit.js");
/// Lucide icons as one sprite (`scripts/build-icons`).
const ICONS: &str = include_str!("../../static/icons.svg");
const VISITOR_JS: &str = include_str!("../../static/visitor.js");
const DOOR_JS: &str = include_str!("../../static/door.js");
const ICON: &str = include_str!("../../static/icon.svg");
/// jsQR, for doors whose browser has no `BarcodeDetector` (static/vendor/README.md).
const JSQR: &str = include_str!("../../static/vendor/jsqr.js");
/// The visitor app's service worker (served as `/app/sw.js`).
pub const SERVICE_WORKER: &str = include_str!("../../static/sw.js");

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut h = Sha256::new();
    for file in [CSS, JS, KIT_JS, ICONS, VISITOR_JS, DOOR_JS, ICON, JSQR, SERVICE_WORKER] {
        h.update(file.as_bytes());
    }
    hex::encode(&h.finalize()[..6])
});

/// Changes whenever a file does: pages link `…?v=<version>`, so a browser
/// may keep the files for long and still never run an old script.
pub fn version() -> &'static str {
    VERSION.as_str()
}

/// A static file.
pub async fn file(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        "kit.js" => (KIT_JS, "text/javascript; charset=utf-8"),
        "icons.svg" => (ICONS, "image/svg+xml"),
        "visitor.js" => (VISITOR_JS, "text/javascript; charset=utf-8"),
        "door.js" => (DOOR_JS, "text/javascript; charset=utf-8"),
        "icon.svg" => (ICON, "image/svg+xml"),
        "jsqr.js" => (JSQR, "text/javascript; charset=utf-8"),
        _ => {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain")],
                "not found",
            )
                .into_response();
        }
    };
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    res
}
