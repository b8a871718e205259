//! The deadline sweeper: moves hand-over deadlines to 今日到期 and 已逾期 as time passes, and puts
//! a reminder in the team's feed for each change.
//!
//! Every change is a conditional update from the state the sweeper read, so when two server
//! processes sweep at once only one update succeeds and only that one writes the reminder. The
//! state lives in the database, so a restart loses nothing: the next pass catches up.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use juanzong_calendar::{Calendar, HandoverState};
use juanzong_mobile_api::feed::REMINDER;

use super::{calendar_store, handover};
use crate::db::begin_write;
use crate::entities::handover_deadline;
use crate::error::ApiResult;
use crate::lists::feed;

/// Reminder code: the hand-over is due today.
pub const HANDOVER_DUE_TODAY: &str = "HANDOVER_DUE_TODAY";
/// Reminder code: the hand-over deadline has passed.
pub const HANDOVER_OVERDUE: &str = "HANDOVER_OVERDUE";

/// Counts of the state changes made in one pass.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub due_today: usize,
    pub overdue: usize,
}

/// Runs one pass at `now`.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> ApiResult<SweepReport> {
    let calendar = calendar_store::load(db).await?;
    let recorded = handover::backfill(db, &calendar, now).await?;
    if recorded > 0 {
        tracing::info!(recorded, "recorded hand-over deadlines missing a calendar year before");
    }

    let open = handover_deadline::Entity::find()
        .filter(handover_deadline::Column::HandedOverAt.is_null())
        .filter(
            handover_deadline::Column::State
                .is_in([HandoverState::NotDue.code(), HandoverState::DueToday.code()]),
        )
        .all(db)
        .await?;

    let mut report = SweepReport::default();
    for row in open {
        let state = match handover::state_at(&calendar, &row, now) {
            Ok(state) => state,
            Err(error) => {
                tracing::warn!(list_id = %row.list_id, error = %error, "deadline state not computable");
                continue;
            }
        };
        let code = state.code();
        if code == row.state {
            continue;
        }
        let txn = begin_write(db).await?;
        let updated = handover_deadline::Entity::update_many()
            .col_expr(handover_deadline::Column::State, Expr::value(code))
            .col_expr(handover_deadline::Column::UpdatedAt, Expr::value(now))
            .filter(handover_deadline::Column::ListId.eq(row.list_id.clone()))
            .filter(handover_deadline::Column::State.eq(row.state.clone()))
            .filter(handover_deadline::Column::HandedOverAt.is_null())
            .exec(&txn)
            .await?;
        if updated.rows_affected == 1 && remind(&txn, &calendar, &row, &state, now).await? {
            match state {
                HandoverState::DueToday => report.due_today += 1,
                HandoverState::Overdue => report.overdue += 1,
                _ => {}
            }
        }
        txn.commit().await?;
    }
    Ok(report)
}

/// Puts a reminder in the team's feed when `state` is 今日到期 or 已逾期; returns whether it did.
pub async fn remind<C: ConnectionTrait>(
    db: &C,
    calendar: &Calendar,
    row: &handover_deadline::Model,
    state: &HandoverState,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let due_text = handover::view(calendar, row, now)
        .map(|view| view.due_text)
        .unwrap_or_default();
    let (code, message) = match state {
        HandoverState::DueToday => (
            HANDOVER_DUE_TODAY,
            format!(
                "材料清单（{}）的移送期限是今天（{due_text}），请在今天内把纸质材料移交卷宗管理中心。",
                row.case_number
            ),
        ),
        HandoverState::Overdue => (
            HANDOVER_OVERDUE,
            format!(
                "材料清单（{}）已超过移送期限（{due_text}），请尽快把纸质材料移交卷宗管理中心。",
                row.case_number
            ),
        ),
        _ => return Ok(false),
    };
    feed::append(
        db,
        feed::NewEvent {
            team_id: &row.team_id,
            list_id: Some(&row.list_id),
            device_id: None,
            kind: REMINDER,
            code: Some(code),
            message: Some(&message),
            item_id: None,
        },
        now,
    )
    .await?;
    Ok(true)
}
