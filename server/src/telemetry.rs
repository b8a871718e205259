//! Logging with `tracing`, and the request span that gives every response and log line a
//! request id.
//!
//! The request span carries the request id, the method, the route template (never the raw URL,
//! which may carry ids people should not see in logs), the status, and the user and device ids
//! once the caller is authenticated. Tokens, passwords and OCR text are never recorded.

use std::io::IsTerminal;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing::{Instrument, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

/// Response header that carries the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Installs the global subscriber: text or JSON lines on stderr, filtered by `level`, with ANSI
/// colours only when stderr is a terminal. A second call (as in tests) leaves the first subscriber
/// in place.
pub fn init(level: &str, json: bool) {
    let stderr = std::io::stderr();
    let ansi = wants_colours(&stderr);
    drop(subscriber(level, json, std::io::stderr, ansi).try_init());
}

/// Tells whether log lines written to `output` get ANSI colour codes: only on a terminal, because
/// in a file or a pipe the codes are noise that `grep` and log collectors see.
fn wants_colours(output: &impl IsTerminal) -> bool {
    output.is_terminal()
}

/// Builds the subscriber that [`init`] installs, writing to `writer`.
fn subscriber<W>(
    level: &str,
    json: bool,
    writer: W,
    ansi: bool,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    if json {
        Box::new(builder.json().flatten_event(true).with_current_span(true).finish())
    } else {
        Box::new(builder.finish())
    }
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Seek};
    use std::sync::Mutex;

    use super::*;

    /// Logs one warning through the subscriber `init` would build for `file`, and returns what
    /// was written.
    fn log_to(file: std::fs::File, ansi: bool) -> String {
        let mut reader = file.try_clone().expect("clone the log file handle");
        let logger = subscriber("warn", false, Mutex::new(file), ansi);
        tracing::subscriber::with_default(logger, || {
            tracing::warn!(variable = "JUANZONG_BOGUS", "unknown variable ignored");
        });
        let mut text = String::new();
        reader.rewind().expect("rewind the log file");
        reader.read_to_string(&mut text).expect("read the log file");
        text
    }

    #[test]
    fn log_file_has_no_colour_codes() {
        let file = tempfile::tempfile().expect("temporary log file");
        let ansi = wants_colours(&file);

        let text = log_to(file, ansi);

        assert!(!ansi, "a file is not a terminal");
        assert!(text.contains("unknown variable ignored"), "log line written: {text:?}");
        assert!(!text.contains('\u{1b}'), "ANSI escape in {text:?}");
    }

    /// The check above can fail: with colours on, the same line carries escape codes.
    #[test]
    fn colours_add_escape_codes() {
        let text = log_to(tempfile::tempfile().expect("temporary log file"), true);

        assert!(text.contains('\u{1b}'), "no ANSI escape in {text:?}");
    }
}
