//! 逾期与日清日结 for the center manager (管理岗): hand-overs overdue or due today, receipts of the
//! last 30 days that came late, and per day of the last week what the center received and what it
//! has not yet filed.

use actix_web::{web, HttpResponse};
use chrono::{Duration, Utc};
use maud::html;

use super::super::error::ConsoleResult;
use super::super::format::{date_weekday_zh, date_zh};
use super::super::layout::{page, Nav};
use super::super::session::ConsoleUser;
use super::handovers::team_label;
use super::team_names;
use juanzong_center::register::Timeliness;

use crate::center::figures::{self, FiguresQuery};
use crate::center::queries::{self, RegisterQuery};
use crate::center::shanghai_day;
use crate::routes::calendar::open_handover_list;
use crate::state::AppState;

/// Days the 日清日结 table covers, today included.
const DAYS_SHOWN: i64 = 7;

/// Days of receipts the late-handover table looks back over, today included.
const LATE_DAYS_SHOWN: i64 = 30;

/// `GET /console/overdue`.
pub async fn overdue_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> ConsoleResult<HttpResponse> {
    let open = open_handover_list(&state.db, &user.caller).await?;
    let teams = team_names(&state).await?;
    let today = shanghai_day(Utc::now());
    let week = figures::figures(
        &state.db,
        &user.caller,
        FiguresQuery {
            from: Some(today - Duration::days(DAYS_SHOWN - 1)),
            to: Some(today),
        },
    )
    .await?;
    let recent = queries::register(
        &state.db,
        &user.caller,
        RegisterQuery {
            from: Some(today - Duration::days(LATE_DAYS_SHOWN - 1)),
            to: Some(today),
            ..RegisterQuery::default()
        },
    )
    .await?;
    let late_receipts: Vec<_> = recent
        .entries
        .iter()
        .filter(|entry| matches!(entry.timeliness, Some(Timeliness::Late { .. })))
        .collect();
    let overdue: Vec<_> = open
        .iter()
        .filter(|h| h.deadline.state == "OVERDUE")
        .collect();
    let due_today: Vec<_> = open
        .iter()
        .filter(|h| h.deadline.state == "DUE_TODAY")
        .collect();
    let today_figures = week.days.iter().find(|day| day.day == today);

    let body = html! {
        p.summary { "今天是 " (date_weekday_zh(today)) "。" }
        h2 { "逾期未移送 " span.badge.overdue #overdue-count { (overdue.len()) } }
        p.muted { "团队已返回单位、移送期限已过，但还没有移送纸质材料的清单。" }
        table.grid #overdue-table {
            thead { tr { th { "案号" } th { "团队" } th { "返回单位" } th { "期限" } th { "状态" } } }
            tbody {
                @if overdue.is_empty() { tr { td colspan="5" { "没有逾期未移送的清单。" } } }
                @for handover in &overdue {
                    tr data-list-id=(handover.list_id) {
                        td { (handover.case_number) }
                        td { (team_label(&teams, &handover.team_id)) }
                        td { (super::super::format::datetime_zh(handover.deadline.declared_return_at)) }
                        td { (handover.deadline.due_text) }
                        td { span.badge.overdue { (handover.deadline.state_label) } }
                    }
                }
            }
        }
        h2 { "今日到期 " span.badge.due-today #due-today-count { (due_today.len()) } }
        table.grid #due-today-table {
            thead { tr { th { "案号" } th { "团队" } th { "期限" } } }
            tbody {
                @if due_today.is_empty() { tr { td colspan="3" { "今天没有到期的移送。" } } }
                @for handover in &due_today {
                    tr data-list-id=(handover.list_id) {
                        td { (handover.case_number) }
                        td { (team_label(&teams, &handover.team_id)) }
                        td { (handover.deadline.due_text) }
                    }
                }
            }
        }
        h2 { "近 " (LATE_DAYS_SHOWN) " 天逾期移送的接收 " span.badge.overdue #late-receipt-count { (late_receipts.len()) } }
        table.grid #late-receipts-table {
            thead { tr { th { "登记号" } th { "案号" } th { "团队" } th { "接收时间" } th { "逾期" } } }
            tbody {
                @if late_receipts.is_empty() { tr { td colspan="5" { "近期没有逾期移送的接收。" } } }
                @for entry in &late_receipts {
                    tr data-entry-number=(entry.number) {
                        td { a href=(format!("/console/register/{}/receipt", entry.entry_id)) { (entry.number) } }
                        td { (entry.case_number) }
                        td { (team_label(&teams, &entry.team_id)) }
                        td { (super::super::format::datetime_zh(entry.received_at)) }
                        td { (entry.timeliness_label.clone().unwrap_or_default()) }
                    }
                }
            }
        }
        h2 { "日清日结" }
        p #today-unprocessed {
            "今天接收 " strong { (today_figures.map_or(0, |day| day.items_received)) } " 件，其中 "
            strong { (today_figures.map_or(0, |day| day.items_unprocessed)) } " 件尚未归目。"
        }
        table.grid #daily-close-table {
            thead { tr { th { "日期" } th { "接收" } th { "尚未归目" } } }
            tbody {
                @for day in week.days.iter().rev() {
                    tr class=[(day.items_unprocessed > 0).then_some("open")] {
                        td { (date_zh(day.day)) }
                        td.number { (day.items_received) }
                        td.number { (day.items_unprocessed) }
                    }
                }
            }
        }
    };
    Ok(page(&user, Nav::Overdue, "逾期与日清日结", body))
}
