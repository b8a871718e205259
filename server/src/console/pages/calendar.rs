//! 工作日历: the working-day calendar's loaded years, the warning when next year's holiday notice
//! is missing, and importing a new year (administrator only, as in the API).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::html;
use serde::Deserialize;

use super::super::error::ConsoleResult;
use super::super::layout::{page, Nav, WithStatus};
use super::super::session::ConsoleUser;
use crate::deadlines::{calendar_store, handover};
use crate::error::ApiError;
use crate::org::roles::Role;
use crate::routes::calendar::calendar_warnings;
use crate::state::AppState;

/// `GET /console/calendar`.
pub async fn calendar_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> ConsoleResult<HttpResponse> {
    render(&state, &user, &ImportForm::default(), Outcome::None).await
}

/// The import form.
#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub content: String,
}

enum Outcome {
    None,
    Imported(String),
    Refused(ApiError),
}

/// `POST /console/calendar`: imports a calendar file, then recomputes the deadlines that were
/// waiting for its years.
pub async fn import(
    state: web::Data<AppState>,
    user: ConsoleUser,
    form: web::Form<ImportForm>,
) -> ConsoleResult<HttpResponse> {
    user.caller.require_any(&[Role::Admin])?;
    let form = form.into_inner();
    let outcome = match calendar_store::import(
        &state.db,
        form.name.trim(),
        &form.content,
        &user.caller.user_id,
    )
    .await
    {
        Ok(report) => {
            let calendar = calendar_store::load(&state.db).await?;
            let recomputed = handover::backfill(&state.db, &calendar, Utc::now()).await?;
            let mut summary = report.summary_zh();
            if recomputed > 0 {
                summary.push_str(&format!("已重新计算 {recomputed} 份清单的移送期限。"));
            }
            Outcome::Imported(summary)
        }
        Err(
            error @ (ApiError::BadRequest { .. }
            | ApiError::Unprocessable { .. }
            | ApiError::Conflict { .. }),
        ) => Outcome::Refused(error),
        Err(other) => return Err(other.into()),
    };
    let form = match outcome {
        Outcome::Imported(_) => ImportForm::default(),
        _ => form,
    };
    render(&state, &user, &form, outcome).await
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: &ImportForm,
    outcome: Outcome,
) -> ConsoleResult<HttpResponse> {
    let calendar = calendar_store::load(&state.db).await?;
    let years = calendar.loaded_years();
    let warnings = calendar_warnings(&calendar);
    let status = match &outcome {
        Outcome::Refused(error) => {
            error.log();
            actix_web::ResponseError::status_code(error)
        }
        _ => StatusCode::OK,
    };

    let body = html! {
        @match &outcome {
            Outcome::Imported(summary) => { div.notice.ok #import-result role="status" { p { (summary) } } }
            Outcome::Refused(error) => {
                div.notice.error #form-error role="alert" {
                    p { (error.body().message) }
                    p.code { "错误代码：" (error.body().code) }
                }
            }
            Outcome::None => {}
        }
        @for warning in &warnings {
            div.notice.warn.calendar-warning data-code=(warning.code) { p { (warning.message) } }
        }
        h2 { "已载入的年份" }
        p #loaded-years {
            @if years.is_empty() { "没有载入任何年份。" }
            @for (index, year) in years.iter().enumerate() {
                @if index > 0 { "、" }
                (year) "年"
            }
        }
        p.muted { "移送期限按国务院办公厅发布的节假日安排（含调休上班日）计算；缺少某一年时，该年的期限无法计算。" }
        h2 { "导入新的年份" }
        @if user.is_admin() {
            form #calendar-import method="post" action="/console/calendar" {
                label.block { "文件名 "
                    input type="text" name="name" required value=(form.name) placeholder="例如 cn-mainland-2027.toml";
                }
                label.block.no-print { "选择日历文件 "
                    input type="file" #calendar-file accept=".toml,text/plain";
                }
                label.block { "日历文件内容（TOML）"
                    textarea name="content" rows="14" required { (form.content) }
                }
                button.primary type="submit" { "导入" }
            }
        } @else {
            p.muted { "只有系统管理员可以导入日历。" }
        }
    };
    Ok(page(user, Nav::Calendar, "工作日历", body).customize_status(status))
}
