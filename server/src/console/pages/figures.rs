//! 统计: the data manager's (数据管理岗) figures as charts with their numbers beside them. The
//! charts show the on-time rate per team over recent weeks, rejected items by reason, and the
//! daily volume received and still unprocessed. The API's CSV files are linked for download.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use maud::html;

use juanzong_center::check::RejectReason;
use juanzong_mobile_api::center::TeamFigures;

use super::super::charts::{self, Series};
use super::super::error::ConsoleResult;
use super::super::format::{date_zh, percent, query_period};
use super::super::layout::{page, Nav};
use super::super::session::ConsoleUser;
use super::handovers::team_label;
use super::team_names;
use crate::center::figures::{self, FiguresQuery};
use crate::state::AppState;

/// Weeks the on-time chart shows, ending with the period's last day.
const TREND_WEEKS: i64 = 8;

/// `GET /console/figures?from=&to=`.
pub async fn figures_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<HashMap<String, String>>,
) -> ConsoleResult<HttpResponse> {
    let (from, to) = query_period(&query)?;
    let current = figures::figures(&state.db, &user.caller, FiguresQuery { from, to }).await?;
    let period = current.period;
    let teams = team_names(&state).await?;

    // The trend calls the same service for each of the last weeks up to the period's end.
    let mut week_labels = Vec::new();
    let mut weekly: Vec<Vec<TeamFigures>> = Vec::new();
    for week in (0..TREND_WEEKS).rev() {
        let end = period.to - Duration::days(7 * week);
        let start = end - Duration::days(6);
        let figures = figures::figures(
            &state.db,
            &user.caller,
            FiguresQuery {
                from: Some(start),
                to: Some(end),
            },
        )
        .await?;
        week_labels.push(short_day(end));
        weekly.push(figures.teams);
    }
    let series: Vec<Series> = current
        .teams
        .iter()
        .map(|team| Series {
            name: team_label(&teams, &team.team_id),
            values: weekly
                .iter()
                .map(|week| {
                    week.iter()
                        .find(|figures| figures.team_id == team.team_id)
                        .and_then(on_time_rate)
                })
                .collect(),
        })
        .collect();

    let rejected: Vec<(String, u32)> = RejectReason::ALL
        .iter()
        .map(|reason| {
            let total = current
                .teams
                .iter()
                .map(|team| {
                    team.items_rejected_by_reason
                        .get(reason)
                        .copied()
                        .unwrap_or(0)
                })
                .sum();
            (reason.name_zh().to_string(), total)
        })
        .collect();
    let day_labels: Vec<String> = current.days.iter().map(|day| short_day(day.day)).collect();
    let received: Vec<u32> = current.days.iter().map(|day| day.items_received).collect();
    let unprocessed: Vec<u32> = current
        .days
        .iter()
        .map(|day| day.items_unprocessed)
        .collect();
    let csv_query = format!("from={}&to={}", period.from, period.to);

    let body = html! {
        form.filters method="get" action="/console/figures" {
            label { "统计期间 "
                input type="date" name="from" value=(period.from.to_string());
                " 至 "
                input type="date" name="to" value=(period.to.to_string());
            }
            button type="submit" { "统计" }
            span.downloads {
                a #teams-csv href=(format!("/console/figures/teams.csv?{csv_query}")) { "下载团队统计 CSV" }
                " "
                a #days-csv href=(format!("/console/figures/days.csv?{csv_query}")) { "下载每日统计 CSV" }
            }
        }
        p.summary { (date_zh(period.from)) " 至 " (date_zh(period.to)) }

        h2 { "各团队移送情况" }
        table.grid #team-figures {
            thead { tr {
                th { "团队" } th { "移送清单" } th { "按时" } th { "逾期" } th { "按时率" }
                th { "平均逾期（工作日）" } th { "缺失材料" } th { "不规范材料" } th { "未移送且已逾期" }
            } }
            tbody {
                @if current.teams.is_empty() {
                    tr { td colspan="9" { "本期间没有移送。" } }
                }
                @for team in &current.teams {
                    tr data-team-id=(team.team_id) {
                        td { (team_label(&teams, &team.team_id)) }
                        td.number { (team.lists_handed_over) }
                        td.number { (team.on_time) }
                        td.number.late { (team.late) }
                        td.number.on-time-rate { (percent(team.on_time, team.on_time + team.late).unwrap_or_else(|| "—".to_string())) }
                        td.number { (team.mean_working_days_late.map_or_else(|| "—".to_string(), |days| format!("{days:.1}"))) }
                        td.number { (team.items_missing) }
                        td.number { (team.items_rejected()) }
                        td.number { (team.open_overdue) }
                    }
                }
            }
        }

        div.chart-row {
            div.chart-box {
                h2 { "按时移送率（近 " (TREND_WEEKS) " 周，每周截至所示日期）" }
                (charts::percent_lines("chart-on-time", "各团队按时移送率", &week_labels, &series))
                ul.legend {
                    @for (index, line) in series.iter().enumerate() {
                        li { span.swatch style=(format!("background:{}", charts::colour(index))) {} (line.name) }
                    }
                }
            }
            table.grid.side #on-time-table {
                thead { tr { th { "团队" } @for label in &week_labels { th { (label) } } } }
                tbody {
                    @for line in &series {
                        tr {
                            td { (line.name) }
                            @for value in &line.values {
                                td.number { (value.map_or_else(|| "—".to_string(), |v| format!("{v:.0}%"))) }
                            }
                        }
                    }
                }
            }
        }

        div.chart-row {
            div.chart-box {
                h2 { "不规范材料的原因" }
                (charts::bars("chart-rejections", "不规范材料按原因", &rejected))
            }
            table.grid.side #rejection-table {
                thead { tr { th { "原因" } th { "件数" } } }
                tbody { @for (reason, count) in &rejected { tr { td { (reason) } td.number { (count) } } } }
            }
        }

        div.chart-row {
            div.chart-box {
                h2 { "每日接收量（日清日结）" }
                (charts::column_pairs("chart-daily", "每日接收与未处理", &day_labels,
                    ("已接收", &received), ("未处理", &unprocessed)))
                ul.legend {
                    li { span.swatch style=(format!("background:{}", charts::colour(0))) {} "已接收" }
                    li { span.swatch style=(format!("background:{}", charts::colour(4))) {} "其中未处理（未归目）" }
                }
            }
            table.grid.side #daily-table {
                thead { tr { th { "日期" } th { "已接收" } th { "未处理" } } }
                tbody {
                    @for day in current.days.iter().filter(|day| day.items_received > 0) {
                        tr { td { (date_zh(day.day)) } td.number { (day.items_received) } td.number { (day.items_unprocessed) } }
                    }
                }
            }
        }
    };
    Ok(page(&user, Nav::Figures, "统计", body))
}

/// Returns the share of a team's handovers with a deadline that came on time, in percent.
fn on_time_rate(team: &TeamFigures) -> Option<f64> {
    let judged = team.on_time + team.late;
    (judged > 0).then(|| f64::from(team.on_time) * 100.0 / f64::from(judged))
}

/// Formats a day as 12月4日, short enough for a chart's axis.
fn short_day(day: NaiveDate) -> String {
    format!("{}月{}日", day.month(), day.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_days_are_short() {
        assert_eq!(
            short_day(NaiveDate::from_ymd_opt(2026, 1, 9).unwrap()),
            "1月9日"
        );
    }
}
