//! The checks every request passes before its handler, and the headers every response
//! carries. The `Host` must be the server's own address (a page elsewhere that points
//! its own name at 127.0.0.1, DNS rebinding, is refused); a request that is not a `GET`
//! must come from the server's own pages when it says where it comes from (`Origin`); a
//! request has a time limit. Must not read files or look at what a request is for.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::workspace::Workspace;

/// The policy of every page: nothing but the server's own scripts, styles and forms.
pub(super) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                              form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// How long a request may take before it is answered 503.
const REQUEST_TIME: Duration = Duration::from_secs(30);

/// Refuses a request from elsewhere, runs the others within the time limit, and adds the
/// safety headers to every response.
pub(super) async fn check(State(workspace): State<Workspace>, request: Request, next: Next) -> Response {
    let response = match refusal(&workspace, &request) {
        Some(refused) => refused,
        None => match tokio::time::timeout(REQUEST_TIME, next.run(request)).await {
            Ok(response) => response,
            Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "The request took too long.\n").into_response(),
        },
    };
    with_headers(response)
}

/// Why `request` is refused, as the response, if it is.
fn refusal(workspace: &Workspace, request: &Request) -> Option<Response> {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    let known = |host: &str| workspace.answers_to(host);
    if !host.is_some_and(known) {
        let message = "This server answers only to its own address (such as 127.0.0.1 with its port).\n";
        return Some((StatusCode::MISDIRECTED_REQUEST, message).into_response());
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let origin = request.headers().get(header::ORIGIN).map(|o| o.to_str().unwrap_or("?"));
        let own = |origin: &str| origin.strip_prefix("http://").is_some_and(known);
        if origin.is_some_and(|origin| !own(origin)) {
            let message = "A page from another site cannot send this server a form.\n";
            return Some((StatusCode::FORBIDDEN, message).into_response());
        }
    }
    None
}

/// `response` with the headers every response has: the content security policy (unless
/// the handler set one of its own), no guessing of types, no referrer.
fn with_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // `same-origin`, not `no-referrer`: under `no-referrer` a browser sends the page's own
    // forms with `Origin: null`, which the check above must refuse (a sandboxed frame of
    // another site sends the same), so no question could be answered in place.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
