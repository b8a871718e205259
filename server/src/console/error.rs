//! Errors of console pages. A service's [`ApiError`] becomes a page in Chinese with the same HTTP
//! status and the stable code in small print. A missing or ended session becomes a redirect to
//! the login page, which then returns to the requested page.

use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use super::layout::{self, WithStatus};
use crate::error::ApiError;

/// Error of a console page.
#[derive(Debug)]
pub enum ConsoleError {
    /// No session, or it ended: log in, then return to `next`.
    LoginRequired { next: String },
    /// An error of the service the page called.
    Api(ApiError),
}

/// Result type of console handlers.
pub type ConsoleResult<T> = Result<T, ConsoleError>;

impl From<ApiError> for ConsoleError {
    fn from(error: ApiError) -> Self {
        ConsoleError::Api(error)
    }
}

impl From<sea_orm::DbErr> for ConsoleError {
    fn from(error: sea_orm::DbErr) -> Self {
        ConsoleError::Api(error.into())
    }
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsoleError::LoginRequired { next } => write!(f, "login required for {next}"),
            ConsoleError::Api(error) => error.fmt(f),
        }
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            ConsoleError::Api(error) => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ConsoleError::LoginRequired { next } => {
                let query =
                    serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, format!("/console/login?{query}")))
                    .finish()
            }
            ConsoleError::Api(error) => {
                error.log();
                let body = error.body();
                let markup = html! {
                    div.notice.error role="alert" {
                        p #error-message { (body.message) }
                        p.code { "错误代码：" (body.code) }
                    }
                    p { a href="/console/handovers" { "返回待接收" } }
                };
                layout::bare_page("出错了", markup).customize_status(error.status_code())
            }
        }
    }
}

/// Returns the page for a console address that does not exist, in Chinese rather than the API's
/// JSON.
pub async fn page_not_found() -> ConsoleResult<HttpResponse> {
    Err(ConsoleError::Api(ApiError::not_found(
        "PAGE_NOT_FOUND",
        "页面不存在，请从菜单进入需要的页面。",
    )))
}

/// Turns a form body the console cannot read into a Chinese page with the matching status.
pub fn form_error(
    error: actix_web::error::UrlencodedError,
    _request: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::UrlencodedError;

    let api_error = match &error {
        UrlencodedError::Overflow { .. } | UrlencodedError::UnknownLength => {
            ApiError::PayloadTooLarge {
                code: "FORM_TOO_LARGE",
                message: "提交的内容太多，请分次提交。".to_string(),
            }
        }
        UrlencodedError::ContentType => ApiError::UnsupportedMediaType {
            code: "UNSUPPORTED_CONTENT_TYPE",
            message: "请通过网页控制台的表单提交。".to_string(),
        },
        _ => ApiError::bad_request("INVALID_FORM", "表单内容无法读取，请刷新页面后重新填写。"),
    };
    tracing::debug!(%error, "console form rejected");
    ConsoleError::Api(api_error).into()
}
