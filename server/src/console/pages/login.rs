//! Logging in and out of the console.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;
use serde::Deserialize;

use super::super::error::ConsoleResult;
use super::super::layout::{bare_page, see_other, WithStatus};
use super::super::session::{self, ConsoleUser};
use crate::auth::service;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
}

/// `GET /console/login?next=`.
pub async fn login_page(query: web::Query<LoginQuery>) -> HttpResponse {
    render("", &session::safe_next(query.next.as_deref()), None)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// `POST /console/login`: starts a session and redirects to the requested page.
pub async fn log_in(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> ConsoleResult<HttpResponse> {
    let next = session::safe_next(Some(&form.next));
    if form.username.trim().is_empty() || form.password.is_empty() {
        let error = ApiError::bad_request("FIELD_REQUIRED", "请输入用户名和密码。");
        return Ok(render(&form.username, &next, Some(error)));
    }
    match session::log_in(&state, &request, &form.username, &form.password).await {
        Ok((pair, device_id)) => {
            let mut response = see_other(&next);
            for cookie in session::cookies_for(&pair) {
                response.add_cookie(&cookie).map_err(ApiError::internal)?;
            }
            response
                .add_cookie(&session::device_cookie(device_id))
                .map_err(ApiError::internal)?;
            Ok(response)
        }
        Err(
            error @ (ApiError::Unauthorized { .. }
            | ApiError::Forbidden { .. }
            | ApiError::BadRequest { .. }),
        ) => Ok(render(&form.username, &next, Some(error))),
        Err(other) => Err(other.into()),
    }
}

/// `POST /console/logout`: ends the session on the server and removes the cookies.
pub async fn log_out(state: web::Data<AppState>, user: ConsoleUser) -> ConsoleResult<HttpResponse> {
    service::logout(&state.db, &user.caller.session_id).await?;
    let mut response = see_other("/console/login");
    for cookie in session::removal_cookies() {
        response.add_cookie(&cookie).map_err(ApiError::internal)?;
    }
    Ok(response)
}

fn render(username: &str, next: &str, error: Option<ApiError>) -> HttpResponse {
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, actix_web::ResponseError::status_code);
    if let Some(error) = &error {
        error.log();
    }
    let body = html! {
        @if let Some(error) = &error {
            div.notice.error #login-error role="alert" { p { (error.body().message) } }
        }
        form.login #login-form method="post" action="/console/login" {
            input type="hidden" name="next" value=(next);
            label.block { "用户名"
                input type="text" name="username" value=(username) autocomplete="username" required autofocus;
            }
            label.block { "密码"
                input type="password" name="password" autocomplete="current-password" required;
            }
            button.primary type="submit" { "登录" }
        }
        p.muted { "网页控制台供卷宗管理中心、执行局长和系统管理员使用。外勤人员请使用移动办案系统。" }
    };
    bare_page("登录", body).customize_status(status)
}
