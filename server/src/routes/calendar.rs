//! The working-day calendar: loaded years and warnings, importing a new year, computing a
//! deadline by hand, and the center's list of overdue hand-overs.

use actix_web::{web, HttpResponse};
use chrono::{NaiveDateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use juanzong_calendar::{format_deadline_zh, shanghai_date, DeadlineRules, HandoverState};

use crate::auth::AuthUser;
use crate::deadlines::{calendar_store, handover};
use crate::entities::handover_deadline;
use crate::error::{ApiError, ApiResult};
use crate::org::roles::Role;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct CalendarStatus {
    pub years: Vec<i32>,
    pub warnings: Vec<WarningBody>,
}

#[derive(Debug, Serialize)]
pub struct WarningBody {
    pub code: String,
    pub message: String,
}

/// Returns the warnings the calendar raises today (Asia/Shanghai).
pub fn calendar_warnings(calendar: &juanzong_calendar::Calendar) -> Vec<WarningBody> {
    let today = shanghai_date(&Utc::now().fixed_offset());
    calendar
        .missing_next_year_warning(today)
        .into_iter()
        .map(|warning| WarningBody {
            code: warning.code.to_string(),
            message: warning.message,
        })
        .collect()
}

pub async fn status(state: web::Data<AppState>, _caller: AuthUser) -> ApiResult<HttpResponse> {
    let calendar = calendar_store::load(&state.db).await?;
    Ok(HttpResponse::Ok().json(CalendarStatus {
        years: calendar.loaded_years(),
        warnings: calendar_warnings(&calendar),
    }))
}

#[derive(Debug, Deserialize)]
pub struct ImportBody {
    /// A name for the file, such as `cn-mainland-2027.toml`; importing the same name replaces it.
    pub name: String,
    /// The calendar file's TOML text.
    pub content: String,
}

#[derive(Debug, Serialize)]
pub struct ImportResult {
    pub years_added: Vec<i32>,
    pub years_replaced: Vec<i32>,
    pub closures_added: usize,
    pub closures_replaced: usize,
    pub summary: String,
}

pub async fn import(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<ImportBody>,
) -> ApiResult<HttpResponse> {
    caller.require_any(&[Role::Admin])?;
    let report = calendar_store::import(&state.db, &body.name, &body.content, &caller.user_id).await?;
    let calendar = calendar_store::load(&state.db).await?;
    handover::backfill(&state.db, &calendar, chrono::Utc::now()).await?;
    Ok(HttpResponse::Ok().json(ImportResult {
        summary: report.summary_zh(),
        years_added: report.years_added,
        years_replaced: report.years_replaced,
        closures_added: report.closures_added,
        closures_replaced: report.closures_replaced,
    }))
}

#[derive(Debug, Deserialize)]
pub struct DeadlineQuery {
    pub rule: String,
    /// Local time in Asia/Shanghai, `2026-09-30 15:00`.
    pub from: String,
}

#[derive(Debug, Serialize)]
pub struct DeadlineAnswer {
    pub rule_id: String,
    pub rule_name: String,
    pub due_at: chrono::DateTime<chrono::FixedOffset>,
    pub last_day: chrono::NaiveDate,
    pub due_text: String,
}

/// Parses a Shanghai local time written as `2026-09-30 15:00` (seconds optional).
pub fn parse_local_time(text: &str) -> ApiResult<chrono::DateTime<chrono::FixedOffset>> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .map_err(|_| {
            ApiError::bad_request(
                "INVALID_TIME",
                format!("时间“{text}”无效，应为北京时间“2026-09-30 15:00”的格式。"),
            )
        })?;
    Ok(juanzong_calendar::shanghai_instant(naive.date(), naive.time()))
}

/// Computes a deadline by rule id and event time.
pub async fn compute_deadline(
    db: &sea_orm::DatabaseConnection,
    rule_id: &str,
    from: &str,
) -> ApiResult<DeadlineAnswer> {
    let event = parse_local_time(from)?;
    let calendar = calendar_store::load(db).await?;
    let rules = DeadlineRules::default_rules()
        .map_err(|error| ApiError::internal(anyhow::anyhow!("deadline rules invalid: {error}")))?;
    let rule = rules.get(rule_id).map_err(calendar_store::calendar_error)?;
    let deadline = calendar.deadline(rule, &event).map_err(calendar_store::calendar_error)?;
    Ok(DeadlineAnswer {
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        due_at: deadline.due,
        last_day: deadline.last_day,
        due_text: format_deadline_zh(&deadline),
    })
}

pub async fn deadline(
    state: web::Data<AppState>,
    _caller: AuthUser,
    params: web::Query<DeadlineQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(compute_deadline(&state.db, &params.rule, &params.from).await?))
}

/// One overdue or due-today hand-over, for the center manager.
#[derive(Debug, Serialize)]
pub struct OpenHandover {
    pub list_id: String,
    pub team_id: String,
    pub case_number: String,
    pub deadline: juanzong_mobile_api::lists::HandoverDeadlineView,
}

pub async fn open_handovers(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(open_handover_list(&state.db, &caller).await?))
}

/// Returns the hand-overs overdue or due today, the earliest deadline first, for center posts,
/// the director and the administrator.
pub async fn open_handover_list(
    db: &sea_orm::DatabaseConnection,
    caller: &AuthUser,
) -> ApiResult<Vec<OpenHandover>> {
    if !caller.is_center() && !caller.has_role(Role::Director) && !caller.has_role(Role::Admin) {
        return Err(ApiError::forbidden(
            "FORBIDDEN_ROLE",
            "没有权限：只有卷宗管理中心、执行局长和系统管理员可以查看逾期移送。",
        ));
    }
    let calendar = calendar_store::load(db).await?;
    let rows = handover_deadline::Entity::find()
        .filter(
            handover_deadline::Column::State
                .is_in([HandoverState::Overdue.code(), HandoverState::DueToday.code()]),
        )
        .order_by_asc(handover_deadline::Column::DueAt)
        .all(db)
        .await?;
    let now = Utc::now();
    let mut open = Vec::with_capacity(rows.len());
    for row in rows {
        open.push(OpenHandover {
            deadline: handover::view(&calendar, &row, now)?,
            list_id: row.list_id,
            team_id: row.team_id,
            case_number: row.case_number,
        });
    }
    Ok(open)
}
