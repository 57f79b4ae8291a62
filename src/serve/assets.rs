//! The stylesheets and scripts of the pages, built into the binary and served from
//! `/assets/...`: nothing is fetched from elsewhere, and the pages work offline. Must not
//! serve anything but this fixed list.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The assets: name, content type, content.
const ASSETS: [(&str, &str, &str); 5] = [
    ("report.css", "text/css; charset=utf-8", include_str!("../report/report.css")),
    ("serve.css", "text/css; charset=utf-8", include_str!("assets/serve.css")),
    ("live.js", "text/javascript; charset=utf-8", include_str!("assets/live.js")),
    ("form.css", "text/css; charset=utf-8", super::form::STYLESHEET),
    ("form.js", "text/javascript; charset=utf-8", super::form::SCRIPT),
];

/// `GET /assets/NAME`.
pub(super) async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(known, _, _)| *known == name) {
        Some((_, kind, content)) => {
            ([(header::CONTENT_TYPE, *kind), (header::CACHE_CONTROL, "no-cache")], *content).into_response()
        }
        None => (StatusCode::NOT_FOUND, "No such asset.\n").into_response(),
    }
}
