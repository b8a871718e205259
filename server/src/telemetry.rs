//! Logging with `tracing`, and the request span that gives every response and log line a
//! request id.
//!
//! The request span carries the request id, the method, the route template (never the raw URL,
//! which may carry ids people should not see in logs), the status, and the user and device ids
//! once the caller is authenticated. Tokens, passwords and OCR text are never recorded.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

/// Response header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Installs the global subscriber: text or JSON lines on stderr, filtered by `level`.
/// A second call (as in tests) leaves the first subscriber in place.
pub fn init(level: &str, json: bool) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
    drop(result);
}

/// The id of one request, kept in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Middleware: opens the request span, sets `x-request-id`, and logs one line per request.
pub async fn request_span(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = Uuid::now_v7().to_string();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        route = %route,
        status = tracing::field::Empty,
        user_id = tracing::field::Empty,
        device_id = tracing::field::Empty,
    );
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));

    let started = Instant::now();
    let result = next.call(request).instrument(span.clone()).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;

    let _entered = span.enter();
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            span.record("status", status);
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
            tracing::info!(elapsed_ms, "request finished");
            Ok(response)
        }
        Err(error) => {
            tracing::warn!(elapsed_ms, %error, "request failed before a response was built");
            Err(error)
        }
    }
}
