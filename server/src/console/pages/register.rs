//! 登记簿 (the register), searchable by case number, team and date, with each correction shown
//! against the entry it corrects. Also the printable receipt (回执) of one entry, which the team
//! signs.

use std::collections::{BTreeMap, HashMap};

use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use uuid::Uuid;

use juanzong_center::check::ItemResult;
use juanzong_mobile_api::center::RegisterEntryView;
use juanzong_sync::CaseNumber;

use super::super::error::ConsoleResult;
use super::super::format::{datetime_zh, query_period};
use super::super::layout::{page, Nav};
use super::super::session::ConsoleUser;
use super::handovers::{case_search_form, team_label};
use super::{team_names, user_label, user_names};
use crate::center::queries::{self, RegisterQuery};
use crate::center::register::live_items;
use crate::error::ApiError;
use crate::state::AppState;

/// `GET /console/register?case=&team=&from=&to=`.
pub async fn search(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<HashMap<String, String>>,
) -> ConsoleResult<HttpResponse> {
    let (from, to) = query_period(&query)?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(ApiError::bad_request(
                "INVALID_PERIOD",
                format!("起始日期 {from} 晚于截止日期 {to}，请调换后重新查询。"),
            )
            .into());
        }
    }
    let case_text = query
        .get("case")
        .map(|case| case.trim().to_string())
        .filter(|case| !case.is_empty());
    let team = query.get("team").filter(|team| !team.is_empty()).cloned();

    // A whole case number is searched in the database, and part of one filters the entries found.
    let whole_case = case_text
        .as_deref()
        .filter(|text| CaseNumber::parse(text).is_ok())
        .map(str::to_string);
    let found = queries::register(
        &state.db,
        &user.caller,
        RegisterQuery {
            case_number: whole_case.clone(),
            team_id: team.clone(),
            from,
            to,
        },
    )
    .await?;
    let needle = case_text.as_deref().map(case_search_form);
    let entries: Vec<&RegisterEntryView> = found
        .entries
        .iter()
        .filter(|entry| {
            whole_case.is_some()
                || needle
                    .as_deref()
                    .is_none_or(|part| entry.case_number.contains(part))
        })
        .collect();
    let corrected_by: HashMap<Uuid, &str> = found
        .entries
        .iter()
        .filter(|entry| entry.kind == "correction")
        .filter_map(|entry| Some((entry.refers_to?, entry.number.as_str())))
        .collect();
    let teams = team_names(&state).await?;
    let users = user_names(&state).await?;

    let body = html! {
        form.filters method="get" action="/console/register" {
            label { "案号 "
                input type="search" name="case" value=[case_text.as_deref()]
                    placeholder="完整案号或其中一部分";
            }
            label { "团队 "
                select name="team" {
                    option value="" { "全部团队" }
                    @for (id, name) in &teams {
                        option value=(id) selected[team.as_deref() == Some(id.as_str())] { (name) }
                    }
                }
            }
            label { "接收日期 "
                input type="date" name="from" value=[from.map(|day| day.to_string())];
                " 至 "
                input type="date" name="to" value=[to.map(|day| day.to_string())];
            }
            button type="submit" { "查询" }
        }
        p.summary #register-summary { "共 " strong { (entries.len()) } " 条登记。" }
        @if entries.is_empty() {
            p.empty { "没有符合条件的登记。" }
        } @else {
            table.grid #register-table {
                thead { tr {
                    th { "登记号" } th { "类型" } th { "案号" } th { "团队" } th { "移送人" }
                    th { "接收人" } th { "接收时间" } th { "已收" } th { "缺失" } th { "页数不符" }
                    th { "不规范" } th { "清单外" } th { "移送期限" } th { "更正" } th { "回执" }
                } }
                tbody {
                    @for entry in &entries {
                        (entry_row(entry, &teams, &users, corrected_by.get(&entry.entry_id).copied()))
                    }
                }
            }
        }
    };
    Ok(page(&user, Nav::Register, "登记簿", body))
}

fn entry_row(
    entry: &RegisterEntryView,
    teams: &BTreeMap<String, String>,
    users: &HashMap<String, String>,
    corrected_by: Option<&str>,
) -> Markup {
    let counts = &entry.counts;
    html! {
        tr data-entry-number=(entry.number) class=[corrected_by.map(|_| "corrected")] {
            td.nowrap { (entry.number) }
            td { (entry.kind_label) }
            td { (entry.case_number) }
            td { (team_label(teams, &entry.team_id)) }
            td { (entry.handed_over_by) }
            td { (user_label(users, &entry.received_by)) }
            td.nowrap { (datetime_zh(entry.received_at)) }
            td.number { (counts.received + counts.page_mismatch) }
            td.number { (counts.missing) }
            td.number { (counts.page_mismatch) }
            td.number { (counts.rejected) }
            td.number { (counts.extra) }
            td { (entry.timeliness_label.clone().unwrap_or_default()) }
            td {
                @if let Some(number) = &entry.refers_to_number {
                    span.badge.info { "更正 " (number) }
                    @if !entry.note.is_empty() { br; span.muted { (entry.note) } }
                }
                @if let Some(number) = corrected_by {
                    span.badge.warn { "已由 " (number) " 更正" }
                }
            }
            td { a href=(format!("/console/register/{}/receipt", entry.entry_id)) { "查看" } }
        }
    }
}

/// `GET /console/register/{entry_id}/receipt`: the receipt to print on A4 and sign.
pub async fn receipt(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let text = path.into_inner();
    let entry_id = Uuid::parse_str(&text).map_err(|_| {
        ApiError::bad_request("INVALID_ID", format!("登记编号“{text}”无效，应为 UUID。"))
    })?;
    let entry = queries::entry(&state.db, &user.caller, entry_id).await?;
    let items: HashMap<String, (String, i64)> = live_items(&state.db, &entry.list_id.to_string())
        .await?
        .into_iter()
        .map(|item| (item.item_id, (item.title, item.page_count)))
        .collect();
    let teams = team_names(&state).await?;
    let received_by = user_label(&user_names(&state).await?, &entry.received_by);

    let body = html! {
        div.no-print.actions {
            button.primary type="button" data-action="print" { "打印回执" }
            " "
            a href="/console/register" { "返回登记簿" }
            " "
            a href="/console/handovers" { "返回待接收" }
            @if entry.counts.missing + entry.counts.rejected > 0 {
                " "
                a.button #supplement-link href=(format!("/console/register/{}/supplement", entry.entry_id)) {
                    "登记补充移送"
                }
            }
        }
        section.receipt #receipt {
            h2.receipt-title { "卷宗管理中心接收材料回执" }
            p.receipt-number { "登记号：" strong #receipt-number { (entry.number) }
                "（" (entry.kind_label) "）" }
            @if let Some(number) = &entry.refers_to_number {
                p { "本登记更正 " (number) "。更正原因：" (entry.note) }
            }
            table.facts-table {
                tr { th { "案号" } td { (entry.case_number) } th { "移送团队" } td { (team_label(&teams, &entry.team_id)) } }
                tr { th { "移送人" } td { (entry.handed_over_by) } th { "接收人" } td #received-by { (received_by) } }
                tr { th { "接收时间" } td { (datetime_zh(entry.received_at)) }
                     th { "移送期限" } td { (entry.timeliness_label.clone().unwrap_or_else(|| "—".to_string())) } }
            }
            table.grid.receipt-items {
                thead { tr { th { "序号" } th { "材料" } th { "清单页数" } th { "核对结果" } th { "说明" } } }
                tbody {
                    @for (index, check) in entry.check.items.iter().enumerate() {
                        @let (title, pages) = items.get(&check.item_id.to_string()).cloned()
                            .unwrap_or_else(|| (check.item_id.to_string(), 0));
                        tr data-result=(check.result.code()) {
                            td.number { (index + 1) }
                            td { (title) }
                            td.number { (pages) }
                            td { (check.result.name_zh()) }
                            td { (result_detail(&check.result)) }
                        }
                    }
                    @for (index, extra) in entry.check.extras.iter().enumerate() {
                        tr data-result="extra" {
                            td.number { (entry.check.items.len() + index + 1) }
                            td { (extra.title) }
                            td.number { "—" }
                            td { "清单外材料" }
                            td { "实收 " (extra.page_count) " 页" }
                        }
                    }
                }
            }
            p.receipt-counts #receipt-counts {
                "已收 " (entry.counts.received + entry.counts.page_mismatch) " 件（其中页数不符 "
                (entry.counts.page_mismatch) " 件），缺失 " (entry.counts.missing) " 件，不规范退回 "
                (entry.counts.rejected) " 件，清单外材料 " (entry.counts.extra) " 件。"
            }
            p.muted { "缺失和不规范的材料请在补正后作为补充移送交回；对修改意见有异议的，可在移动办案系统中提出，由执行局长决定。" }
            div.signatures {
                p { "移送人（签名）：" span.line {} }
                p { "接收人（签名）：" span.line {} }
                p { "日期：" span.line {} }
            }
        }
    };
    let title = format!("回执 {}", entry.number);
    Ok(page(&user, Nav::Register, &title, body))
}

fn result_detail(result: &ItemResult) -> String {
    match result {
        ItemResult::Received => String::new(),
        ItemResult::Missing => "清单已列，未交来".to_string(),
        ItemResult::PageMismatch { counted_pages } => format!("实收 {counted_pages} 页"),
        ItemResult::Rejected { reason, correction } => {
            format!("原因：{}；修改意见：{correction}", reason.name_zh())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juanzong_center::check::RejectReason;

    #[test]
    fn result_detail_names_pages_correction() {
        assert_eq!(
            result_detail(&ItemResult::PageMismatch { counted_pages: 3 }),
            "实收 3 页"
        );
        assert_eq!(
            result_detail(&ItemResult::Rejected {
                reason: RejectReason::MissingSignature,
                correction: "补签".to_string()
            }),
            "原因：缺少签名或盖章；修改意见：补签"
        );
        assert_eq!(result_detail(&ItemResult::Received), "");
    }
}
