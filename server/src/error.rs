//! The one error type of the HTTP API.
//!
//! Every error response has the body `{"code": "...", "message": "..."}`: `code` is a stable
//! English identifier for programs and `message` is Chinese for people. Each variant fixes its
//! HTTP status. The cause of an internal error is logged once, with its whole chain, and never
//! sent to the client; client faults are logged at `debug` or `warn`, never at `error`.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

pub use juanzong_mobile_api::ErrorBody;

/// An API error: the body the client receives, and for internal errors the cause kept for the log.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed or a value is invalid.
    BadRequest { code: &'static str, message: String },
    /// 401: no valid credentials.
    Unauthorized { code: &'static str, message: String },
    /// 403: authenticated, but not allowed.
    Forbidden { code: &'static str, message: String },
    /// 404: the thing named in the request does not exist.
    NotFound { code: &'static str, message: String },
    /// 409: the request conflicts with the stored state.
    Conflict { code: &'static str, message: String },
    /// 413: the body is larger than allowed.
    PayloadTooLarge { code: &'static str, message: String },
    /// 415: the body's type is not accepted.
    UnsupportedMediaType { code: &'static str, message: String },
    /// 422: well-formed but breaks a rule.
    Unprocessable { code: &'static str, message: String },
    /// 503: a dependency such as the database is not available.
    Unavailable { code: &'static str, message: String },
    /// 500: a fault of the server. The cause is logged, never sent.
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unauthorized {
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    pub fn payload_too_large(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::PayloadTooLarge {
            code,
            message: message.into(),
        }
    }

    pub fn unsupported_media_type(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::UnsupportedMediaType {
            code,
            message: message.into(),
        }
    }

    /// Wraps a server fault, keeping its cause for the log.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(error.into())
    }

    /// Returns the stable code and the Chinese message sent to the client.
    pub fn body(&self) -> ErrorBody {
        let (code, message) = match self {
            ApiError::BadRequest { code, message }
            | ApiError::Unauthorized { code, message }
            | ApiError::Forbidden { code, message }
            | ApiError::NotFound { code, message }
            | ApiError::Conflict { code, message }
            | ApiError::PayloadTooLarge { code, message }
            | ApiError::UnsupportedMediaType { code, message }
            | ApiError::Unprocessable { code, message }
            | ApiError::Unavailable { code, message } => (*code, message.as_str()),
            ApiError::Internal(_) => ("INTERNAL_ERROR", "服务器内部错误，请稍后重试。如果问题持续，请联系系统管理员并提供请求编号。"),
        };
        ErrorBody {
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

impl ApiError {
    /// Logs the error once, where it becomes a response: an internal error at `error` with its
    /// whole cause, a refused caller at `warn`, other client faults at `debug`.
    pub fn log(&self) {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed with an internal error");
            }
            ApiError::Unauthorized { code, .. } | ApiError::Forbidden { code, .. } => {
                tracing::warn!(code = %code, "request rejected");
            }
            other => tracing::debug!(code = %other.body().code, "request rejected"),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Internal(error) => write!(f, "internal error: {error:#}"),
            other => {
                let body = other.body();
                write!(f, "{}: {}", body.code, body.message)
            }
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        HttpResponse::build(self.status_code()).json(self.body())
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::Internal(anyhow::Error::new(error).context("database operation failed"))
    }
}

/// Result type of handlers and services.
pub type ApiResult<T> = Result<T, ApiError>;

/// Turns actix's JSON extractor errors into Chinese 4xx responses.
pub fn json_error_handler(
    error: actix_web::error::JsonPayloadError,
    _request: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;

    let api_error = match &error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::PayloadTooLarge {
                code: "PAYLOAD_TOO_LARGE",
                message: "请求体太大。".to_string(),
            }
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType {
            code: "UNSUPPORTED_CONTENT_TYPE",
            message: "请求体应为 JSON，请设置 Content-Type: application/json。".to_string(),
        },
        JsonPayloadError::Deserialize(inner) => {
            tracing::debug!(error = %inner, "request body rejected");
            ApiError::bad_request(
                "INVALID_JSON",
                format!("请求体无效：{}。", describe_parse_error_zh(&inner.to_string())),
            )
        }
        _ => ApiError::bad_request("INVALID_JSON", "无法读取请求体，请检查 JSON 格式。"),
    };
    actix_web::error::InternalError::from_response(error, api_error.error_response()).into()
}

/// Turns path parameter errors into Chinese 400 responses.
pub fn path_error_handler(
    error: actix_web::error::PathError,
    _request: &actix_web::HttpRequest,
) -> actix_web::Error {
    tracing::debug!(%error, "path parameter rejected");
    let api_error = ApiError::bad_request(
        "INVALID_PATH",
        format!("路径参数无效：{}。", describe_parse_error_zh(&error.to_string())),
    );
    actix_web::error::InternalError::from_response(error, api_error.error_response()).into()
}

/// Turns query string errors into Chinese 400 responses.
pub fn query_error_handler(
    error: actix_web::error::QueryPayloadError,
    _request: &actix_web::HttpRequest,
) -> actix_web::Error {
    tracing::debug!(%error, "query string rejected");
    let api_error = ApiError::bad_request(
        "INVALID_QUERY",
        format!("查询参数无效：{}。", describe_parse_error_zh(&error.to_string())),
    );
    actix_web::error::InternalError::from_response(error, api_error.error_response()).into()
}

/// Turns a serde or parser error text into Chinese for people, keeping the field or value it
/// names and the position. Texts it does not recognise become a general description, because the
/// parser's English must not reach users.
pub fn describe_parse_error_zh(text: &str) -> String {
    let quoted = |text: &str| -> Option<String> {
        let start = text.find('`')? + 1;
        let end = start + text[start..].find('`')?;
        Some(text[start..end].to_string())
    };
    let position = text.rfind(" at line ").and_then(|index| {
        let mut numbers = text[index..]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty());
        Some(format!("（第 {} 行第 {} 列）", numbers.next()?, numbers.next()?))
    });

    let described = if text.contains("missing field") {
        match quoted(text) {
            Some(field) => format!("缺少必填字段 {field}"),
            None => "缺少必填字段".to_string(),
        }
    } else if text.contains("unknown field") {
        match quoted(text) {
            Some(field) => format!("不支持字段 {field}"),
            None => "含有不支持的字段".to_string(),
        }
    } else if text.contains("unknown variant") {
        match quoted(text) {
            Some(value) => format!("取值 {value} 无效"),
            None => "有字段的取值无效".to_string(),
        }
    } else if text.contains("invalid type") {
        "有字段的类型不对（例如应为数字却给了文字）".to_string()
    } else if text.contains("out of range") || text.contains("invalid value") || text.contains("invalid length") {
        "有字段的取值无效或超出范围".to_string()
    } else if text.contains("invalid character") || text.contains("invalid digit") || text.contains("premature end") || text.contains("input contains invalid") {
        "有字段的格式不对（例如日期应写作 2026-12-04，编号应为 UUID）".to_string()
    } else {
        "JSON 格式不正确或字段不符合要求".to_string()
    };
    format!("{described}{}", position.unwrap_or_default())
}

/// Returns the JSON 404 for routes that do not exist.
pub async fn route_not_found() -> ApiResult<HttpResponse> {
    Err(ApiError::not_found(
        "ROUTE_NOT_FOUND",
        "请求的接口不存在，请检查地址和请求方法。",
    ))
}

#[cfg(test)]
mod parse_error_tests {
    use super::describe_parse_error_zh;

    #[test]
    fn parser_errors_become_chinese() {
        let missing = describe_parse_error_zh("missing field `registration_id` at line 1 column 2");
        assert_eq!(missing, "缺少必填字段 registration_id（第 1 行第 2 列）");
        let variant = describe_parse_error_zh("unknown variant `lost`, expected `received` or `missing`");
        assert_eq!(variant, "取值 lost 无效");
        let range = describe_parse_error_zh("Query deserialize error: input is out of range");
        assert_eq!(range, "有字段的取值无效或超出范围");
        let other = describe_parse_error_zh("something else entirely");
        assert!(!other.is_ascii());
    }
}
