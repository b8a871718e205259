//! 待接收 (waiting handovers) and a handover's check page, where the intake clerk records one
//! result per item and registers the receipt (接收材料登记).
//!
//! The pages call the same services as `/api/v1/center/...`, so roles, validation and the
//! register's rules are the API's. The check form carries a registration id made when the page
//! was drawn: sending the form twice (a double click, a reload) gives one register entry.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use uuid::Uuid;

use juanzong_center::check::{ExtraPaper, HandoverCheck, ItemCheck, ItemResult, RejectReason};
use juanzong_mobile_api::center::{RegisterReceiptRequest, WaitingHandover, WaitingItem};
use juanzong_mobile_api::photos::PhotoView;
use juanzong_sync::materials::Catalogue;

use super::super::error::{ConsoleError, ConsoleResult};
use super::super::format::{date_zh, datetime_zh};
use super::super::layout::{page, see_other, Nav, WithStatus};
use super::super::session::ConsoleUser;
use super::{photo_views, team_names, user_label, user_names};
use crate::center::{queries, register};
use crate::error::ApiError;
use crate::state::AppState;

/// Number of rows the form offers for paper not on the list. The page's script adds more.
pub const EXTRA_ROWS: usize = 3;

/// Maximum number of extra rows the form accepts, the API's own limit.
const MAX_EXTRA_ROWS: usize = 500;

/// Deadline states the waiting list marks.
const DUE_TODAY: &str = "DUE_TODAY";
const OVERDUE: &str = "OVERDUE";

/// `GET /console/handovers?team=&case=`: handovers waiting, the earliest deadline first.
pub async fn waiting(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<HashMap<String, String>>,
) -> ConsoleResult<HttpResponse> {
    let waiting = queries::waiting(&state.db, &user.caller).await?;
    let teams = team_names(&state).await?;
    let team_filter = query.get("team").filter(|team| !team.is_empty());
    let case_filter = query
        .get("case")
        .map(|case| case.trim().to_string())
        .filter(|case| !case.is_empty());
    let case_needle = case_filter.as_deref().map(case_search_form);

    let listed: Vec<&WaitingHandover> = waiting
        .iter()
        .filter(|handover| team_filter.is_none_or(|team| &handover.team_id == team))
        .filter(|handover| {
            case_needle
                .as_deref()
                .is_none_or(|needle| handover.case_number.contains(needle))
        })
        .collect();
    let due_today = listed
        .iter()
        .filter(|h| deadline_state(h) == Some(DUE_TODAY))
        .count();
    let overdue = listed
        .iter()
        .filter(|h| deadline_state(h) == Some(OVERDUE))
        .count();

    let body = html! {
        form.filters method="get" action="/console/handovers" {
            label { "团队 "
                select name="team" {
                    option value="" { "全部团队" }
                    @for (id, name) in &teams {
                        option value=(id) selected[team_filter == Some(id)] { (name) }
                    }
                }
            }
            label { "案号 "
                input type="search" name="case" value=[case_filter.as_deref()]
                    placeholder="案号的一部分，如 执123";
            }
            button type="submit" { "筛选" }
        }
        p.summary #waiting-summary {
            "共 " strong { (listed.len()) } " 份待接收"
            @if due_today > 0 { "，" span.badge.due-today { "今日到期 " (due_today) } }
            @if overdue > 0 { "，" span.badge.overdue { "已逾期 " (overdue) } }
            "。按移送期限排序，期限最早的在前。"
        }
        @if listed.is_empty() {
            p.empty { "没有待接收的移送。" }
        } @else {
            table.grid #waiting-table {
                thead { tr {
                    th { "案号" } th { "团队" } th { "状态" } th { "材料" }
                    th { "返回单位" } th { "移送期限" } th { "提示" } th { "操作" }
                } }
                tbody {
                    @for handover in &listed {
                        (waiting_row(handover, &teams))
                    }
                }
            }
        }
    };
    Ok(page(&user, Nav::Handovers, "待接收", body))
}

fn deadline_state(handover: &WaitingHandover) -> Option<&str> {
    handover
        .deadline
        .as_ref()
        .map(|deadline| deadline.state.as_str())
}

fn waiting_row(handover: &WaitingHandover, teams: &BTreeMap<String, String>) -> Markup {
    let state = deadline_state(handover);
    let row_class = match state {
        Some(OVERDUE) => "overdue",
        Some(DUE_TODAY) => "due-today",
        _ => "",
    };
    html! {
        tr class=(row_class) data-list-id=(handover.list_id) {
            td { (handover.case_number) }
            td { (team_label(teams, &handover.team_id)) }
            td { (handover.status_label) }
            td.number { (handover.items.len()) " 件" }
            td { (handover.declared_return_at.map(datetime_zh).unwrap_or_default()) }
            td {
                @match &handover.deadline {
                    Some(deadline) => { (deadline.due_text) }
                    None => { span.muted { "无法计算（日历缺少年份）" } }
                }
            }
            td {
                @match state {
                    Some(OVERDUE) => { span.badge.overdue { "已逾期" } }
                    Some(DUE_TODAY) => { span.badge.due-today { "今日到期" } }
                    _ => {}
                }
                @if let Some(flag) = handover.deadline.as_ref().and_then(|d| d.flag.as_deref()) {
                    " " span.badge.warn title=(declared_return_flag(flag)) { "返回时间需核实" }
                }
            }
            td { a.button href=(format!("/console/handovers/{}", handover.list_id)) { "核对" } }
        }
    }
}

/// Returns a team's name, or its id when the team is unknown.
pub fn team_label(teams: &BTreeMap<String, String>, team_id: &str) -> String {
    teams
        .get(team_id)
        .cloned()
        .unwrap_or_else(|| team_id.to_string())
}

/// `GET /console/handovers/{list_id}`: the check page.
pub async fn check_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let handover = find_waiting(&state, &user, &path.into_inner()).await?;
    let users = user_names(&state).await?;
    let handed_over_by = handover
        .handed_over_by
        .as_deref()
        .map(|by| user_label(&users, by))
        .unwrap_or_default();
    let form = CheckForm::fresh(&handed_over_by);
    let target = CheckTarget::receipt(&handover);
    render_check(&state, &user, &handover, &target, &form, None).await
}

/// `POST /console/handovers/{list_id}`: registers the receipt and shows it, or draws the form
/// again with the typed values and the reason it was rejected.
pub async fn register_receipt(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let list_text = path.into_inner();
    let form = CheckForm::from_fields(form.into_inner());

    if let Some(repeated) = earlier_entry(&state, &user, &form, &list_text).await? {
        return Ok(repeated);
    }
    let handover = find_waiting(&state, &user, &list_text).await?;
    let target = CheckTarget::receipt(&handover);

    let outcome = match form.to_request(&handover) {
        Ok(request) => register::register_receipt(&state.db, &user.caller, request).await,
        Err(message) => Err(ApiError::bad_request("INVALID_FORM", message)),
    };
    finish_registration(&state, &user, &handover, &target, &form, outcome).await
}

/// Returns a redirect to the receipt of the entry a repeated form made (a double click, a reload
/// after registering), or `None` for a new form. The form's registration id is the entry's id,
/// and the entry must belong to the list `list_text`.
pub async fn earlier_entry(
    state: &AppState,
    user: &ConsoleUser,
    form: &CheckForm,
    list_text: &str,
) -> ConsoleResult<Option<HttpResponse>> {
    let Some(entry_id) = form.registration_id() else {
        return Ok(None);
    };
    match queries::entry(&state.db, &user.caller, entry_id).await {
        Ok(entry) if entry.list_id.to_string() == list_text => Ok(Some(see_other(&format!(
            "/console/register/{entry_id}/receipt"
        )))),
        Ok(_) | Err(ApiError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// Shows the receipt of a registered entry, or draws the form again with the reason a client
/// fault (400, 409, 422) was rejected. Other errors become error pages.
pub async fn finish_registration(
    state: &AppState,
    user: &ConsoleUser,
    handover: &WaitingHandover,
    target: &CheckTarget,
    form: &CheckForm,
    outcome: Result<juanzong_mobile_api::center::RegisterEntryView, ApiError>,
) -> ConsoleResult<HttpResponse> {
    match outcome {
        Ok(entry) => Ok(see_other(&format!(
            "/console/register/{}/receipt",
            entry.entry_id
        ))),
        Err(
            error @ (ApiError::BadRequest { .. }
            | ApiError::Conflict { .. }
            | ApiError::Unprocessable { .. }),
        ) => render_check(state, user, handover, target, form, Some(error)).await,
        Err(other) => Err(other.into()),
    }
}

async fn find_waiting(
    state: &AppState,
    user: &ConsoleUser,
    list_id: &str,
) -> ConsoleResult<WaitingHandover> {
    let list_id = Uuid::parse_str(list_id).map_err(|_| {
        ApiError::bad_request(
            "INVALID_ID",
            format!("清单编号“{list_id}”无效，应为 UUID。"),
        )
    })?;
    // NOTE: reads every waiting handover to show one. A query by list id would be cheaper once
    // the waiting list grows beyond a few hundred.
    queries::waiting(&state.db, &user.caller)
        .await?
        .into_iter()
        .find(|handover| handover.list_id == list_id)
        .ok_or_else(|| {
            ConsoleError::from(ApiError::not_found(
                "HANDOVER_NOT_WAITING",
                "这份清单不在待接收之列：可能已经登记接收，或团队尚未返回单位。请在登记簿中按案号查找。",
            ))
        })
}

/// Values of the check form: fresh for a new page, or as the clerk sent them.
#[derive(Debug, Clone, Default)]
pub struct CheckForm {
    fields: HashMap<String, String>,
}

impl CheckForm {
    /// Creates a form with a new registration id, `handed_over_by` as the 移送人 and no results.
    pub fn fresh(handed_over_by: &str) -> CheckForm {
        let mut fields = HashMap::new();
        fields.insert("registration_id".to_string(), Uuid::new_v4().to_string());
        fields.insert("handed_over_by".to_string(), handed_over_by.to_string());
        fields.insert("extra_rows".to_string(), EXTRA_ROWS.to_string());
        for row in 0..EXTRA_ROWS {
            fields.insert(format!("extra_id_{row}"), Uuid::new_v4().to_string());
        }
        CheckForm { fields }
    }

    /// Builds the form from the sent fields. A repeated field keeps its last value.
    pub fn from_fields(pairs: Vec<(String, String)>) -> CheckForm {
        CheckForm {
            fields: pairs.into_iter().collect(),
        }
    }

    /// Returns the form's registration id when it is a UUID.
    pub fn registration_id(&self) -> Option<Uuid> {
        Uuid::parse_str(self.value("registration_id")).ok()
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    pub fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    fn extra_rows(&self) -> usize {
        self.get("extra_rows")
            .and_then(|rows| rows.parse::<usize>().ok())
            .unwrap_or(EXTRA_ROWS)
            .clamp(EXTRA_ROWS, MAX_EXTRA_ROWS)
    }

    /// Turns the form into the API's request. Items left without a result are left out, so the
    /// register's own check names them.
    pub fn to_request(&self, handover: &WaitingHandover) -> Result<RegisterReceiptRequest, String> {
        let registration_id = Uuid::parse_str(self.value("registration_id"))
            .map_err(|_| "表单已失效，请刷新页面后重新核对。".to_string())?;

        let mut items = Vec::new();
        for (index, item) in handover.items.iter().enumerate() {
            let number = index + 1;
            let id = item.item_id;
            let result = match self.value(&format!("result_{id}")) {
                "" => continue,
                "received" => ItemResult::Received,
                "missing" => ItemResult::Missing,
                "page_mismatch" => {
                    let typed = self.value(&format!("pages_{id}")).trim();
                    let counted_pages = typed.parse::<i64>().map_err(|_| {
                        format!(
                            "第 {number} 项“{}”选择了页数不符，请填写实收页数（整数）。",
                            item.title
                        )
                    })?;
                    ItemResult::PageMismatch { counted_pages }
                }
                "rejected" => {
                    let reason = RejectReason::from_code(self.value(&format!("reason_{id}")))
                        .ok_or_else(|| {
                            format!(
                                "第 {number} 项“{}”选择了不规范，请选择不规范的原因。",
                                item.title
                            )
                        })?;
                    ItemResult::Rejected {
                        reason,
                        correction: self.value(&format!("correction_{id}")).trim().to_string(),
                    }
                }
                other => return Err(format!("第 {number} 项的核对结果“{other}”无效。")),
            };
            items.push(ItemCheck {
                item_id: id,
                result,
            });
        }

        let mut extras = Vec::new();
        for row in 0..self.extra_rows() {
            let title = self.value(&format!("extra_title_{row}")).trim();
            let pages = self.value(&format!("extra_pages_{row}")).trim();
            if title.is_empty() && pages.is_empty() {
                continue;
            }
            let page_count = pages
                .parse::<i64>()
                .map_err(|_| format!("清单外材料第 {} 行请填写页数（整数）。", row + 1))?;
            let id = Uuid::parse_str(self.value(&format!("extra_id_{row}")))
                .map_err(|_| "表单已失效，请刷新页面后重新核对。".to_string())?;
            let material_type = Some(self.value(&format!("extra_type_{row}")).trim())
                .filter(|code| !code.is_empty())
                .map(str::to_string);
            extras.push(ExtraPaper {
                id,
                title: title.to_string(),
                material_type,
                page_count,
            });
        }

        Ok(RegisterReceiptRequest {
            registration_id,
            list_id: handover.list_id,
            handed_over_by: self.value("handed_over_by").to_string(),
            check: HandoverCheck { items, extras },
        })
    }
}

/// Registration a check form makes: the first receipt of a handed-over list, or a supplement to
/// an entry for paper handed over later.
pub struct CheckTarget {
    /// Address the form is sent to.
    pub action: String,
    pub title: String,
    pub button: &'static str,
    /// True for a first receipt, which needs the list to be 已移送.
    pub receipt: bool,
}

impl CheckTarget {
    fn receipt(handover: &WaitingHandover) -> CheckTarget {
        CheckTarget {
            action: format!("/console/handovers/{}", handover.list_id),
            title: format!("核对移送材料 {}", handover.case_number),
            button: "登记接收",
            receipt: true,
        }
    }
}

/// Draws a check form for `handover`'s items, with `error` from an earlier attempt.
pub async fn render_check(
    state: &AppState,
    user: &ConsoleUser,
    handover: &WaitingHandover,
    target: &CheckTarget,
    form: &CheckForm,
    error: Option<ApiError>,
) -> ConsoleResult<HttpResponse> {
    let teams = team_names(state).await?;
    let users = user_names(state).await?;
    let hashes: Vec<String> = handover
        .items
        .iter()
        .flat_map(|item| item.photos.iter().map(|photo| photo.sha256.clone()))
        .collect();
    let photos = photo_views(state, &user.caller, &hashes).await?;
    let types = Catalogue::builtin().ok();
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, actix_web::ResponseError::status_code);
    if let Some(error) = &error {
        error.log();
    }
    let may_register = user.may_register() && (!target.receipt || handover.status == "handed_over");

    let body = html! {
        @if let Some(error) = &error {
            div.notice.error #form-error role="alert" {
                p { (name_items(&error.body().message, handover)) }
                p.code { "错误代码：" (error.body().code) }
            }
        }
        dl.facts {
            dt { "案号" } dd #case-number { (handover.case_number) }
            dt { "团队" } dd { (team_label(&teams, &handover.team_id)) }
            dt { "状态" } dd { (handover.status_label) }
            dt { "返回单位" } dd { (handover.declared_return_at.map(datetime_zh).unwrap_or_default()) }
            dt { "移送" } dd {
                (handover.handed_over_by.as_deref().map(|by| user_label(&users, by)).unwrap_or_default()) " "
                (handover.handed_over_at.map(datetime_zh).unwrap_or_default())
            }
            dt { "移送期限" } dd {
                @match &handover.deadline {
                    Some(deadline) => { (deadline.due_text) "，" (deadline.state_label) }
                    None => { "无法计算（日历缺少年份）" }
                }
            }
            @if let Some(deadline) = &handover.deadline {
                @if let Some(flag) = &deadline.flag {
                    dt { "返回时间" } dd #return-flag {
                        span.badge.warn { "需核实" } " " (declared_return_flag(flag))
                        "，服务器首次收到返回记录的时间：" (datetime_zh(deadline.learned_at))
                    }
                }
            }
        }
        @if target.receipt && handover.status != "handed_over" {
            div.notice.warn { p { "团队已返回单位，但还没有在手机上标记“已移送”。标记之后才能登记接收。" } }
        }
        @if !user.may_register() {
            div.notice.warn { p { "只有卷宗管理中心接收岗、立案厅接收岗和管理岗可以登记接收；您可以查看，但不能提交。" } }
        }
        p.keys.no-print {
            "键盘：↑ ↓ 或 J K 换项，1 已收，2 缺失，3 页数不符，4 不规范，Ctrl+Enter 登记接收。"
        }
        form #check-form method="post" action=(target.action) {
            input type="hidden" name="registration_id" value=(form.value("registration_id"));
            input type="hidden" name="extra_rows" value=(form.extra_rows());
            ol.items {
                @for (index, item) in handover.items.iter().enumerate() {
                    (item_block(index + 1, item, form, &photos))
                }
            }
            h2 { "清单外材料" }
            p.muted { "交来的纸质材料不在清单上时，逐行填写标题和页数。" }
            table.grid #extras {
                thead { tr { th { "标题" } th { "材料类型" } th { "页数" } } }
                tbody {
                    @for row in 0..form.extra_rows() {
                        tr.extra-row {
                            td {
                                input type="hidden" name=(format!("extra_id_{row}"))
                                    value=(extra_id(form, row));
                                input type="text" name=(format!("extra_title_{row}"))
                                    value=(form.value(&format!("extra_title_{row}")))
                                    aria-label=(format!("清单外材料第 {} 行标题", row + 1));
                            }
                            td {
                                select name=(format!("extra_type_{row}")) {
                                    option value="" { "（未选择）" }
                                    @for material in types.map(|t| t.types()).unwrap_or_default() {
                                        option value=(material.code)
                                            selected[form.value(&format!("extra_type_{row}")) == material.code] {
                                            (material.name)
                                        }
                                    }
                                }
                            }
                            td {
                                input.pages type="number" min="1" name=(format!("extra_pages_{row}"))
                                    value=(form.value(&format!("extra_pages_{row}")))
                                    aria-label=(format!("清单外材料第 {} 行页数", row + 1));
                            }
                        }
                    }
                }
            }
            button.secondary.no-print type="button" #add-extra { "再加一行" }
            h2 { "登记" }
            label.block { "移送人 "
                input type="text" name="handed_over_by" required
                    value=(form.value("handed_over_by"));
            }
            p { "接收人：" (user.display_name) "（登记后写入登记簿，不可修改；如有错误请登记更正）" }
            button.primary #register-button type="submit" disabled[!may_register] { (target.button) }
        }
    };
    Ok(page(user, Nav::Handovers, &target.title, body).customize_status(status))
}

fn extra_id(form: &CheckForm, row: usize) -> String {
    form.get(&format!("extra_id_{row}"))
        .filter(|id| Uuid::parse_str(id).is_ok())
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_string)
}

/// The results a clerk can choose, with their keys.
const RESULTS: [(&str, &str, &str); 4] = [
    ("received", "已收", "1"),
    ("missing", "缺失", "2"),
    ("page_mismatch", "页数不符", "3"),
    ("rejected", "不规范", "4"),
];

fn item_block(
    number: usize,
    item: &WaitingItem,
    form: &CheckForm,
    photos: &HashMap<String, PhotoView>,
) -> Markup {
    let id = item.item_id;
    let chosen = form.value(&format!("result_{id}"));
    let originality = if item.originality == "original" {
        "原件"
    } else {
        "复印件"
    };
    html! {
        li.item tabindex="0" data-item-id=(id) data-result=(chosen) {
            div.item-head {
                span.item-number { (number) "." }
                strong.item-title { (item.title) }
                span.muted { " " (item.material_type_name) " · " (originality) " · 清单页数 "
                    span.listed-pages { (item.page_count) } " 页" }
                @if let Some(day) = item.produced_on { span.muted { " · " (date_zh(day)) } }
                @if item.uploaded_via_mobile_system {
                    " " span.badge.info { "已通过移动办案系统上传，无需重复扫描" }
                }
            }
            div.photos {
                @if item.photos.is_empty() { span.muted { "没有照片" } }
                @for (page_index, link) in item.photos.iter().enumerate() {
                    (photo_block(page_index + 1, &link.sha256, photos.get(&link.sha256)))
                }
            }
            fieldset.result {
                legend { "核对结果" }
                @for (code, label, key) in RESULTS {
                    label.choice {
                        input type="radio" name=(format!("result_{id}")) value=(code)
                            data-key=(key) checked[chosen == code];
                        " " (label) " " kbd { (key) }
                    }
                }
                label.detail.page-mismatch { "实收页数 "
                    input.pages type="number" min="1" name=(format!("pages_{id}"))
                        value=(form.value(&format!("pages_{id}")));
                }
                label.detail.rejected { "原因 "
                    select name=(format!("reason_{id}")) {
                        option value="" { "（请选择）" }
                        @for reason in RejectReason::ALL {
                            option value=(reason.code())
                                selected[form.value(&format!("reason_{id}")) == reason.code()] {
                                (reason.name_zh())
                            }
                        }
                    }
                }
                label.detail.rejected.wide { "修改意见 "
                    textarea name=(format!("correction_{id}")) rows="2" {
                        (form.value(&format!("correction_{id}")))
                    }
                }
            }
        }
    }
}

fn photo_block(page: usize, sha256: &str, view: Option<&PhotoView>) -> Markup {
    let Some(view) = view else {
        return html! { div.photo { span.muted { "第 " (page) " 页：照片尚未上传" } } };
    };
    let done = view.status == "done";
    html! {
        div.photo data-sha256=(sha256) {
            @if done {
                a href=(format!("/console/photos/{sha256}/working")) target="_blank"
                    title="打开校正后的完整图像" {
                    img src=(format!("/console/photos/{sha256}/thumbnail"))
                        alt=(format!("第 {page} 页缩略图")) loading="lazy";
                }
            } @else {
                div.placeholder { "第 " (page) " 页：" (view.status_label) }
            }
            div.flags {
                @for flag in &view.flags {
                    span.badge.flag data-flag=(flag.code) { (flag.label) }
                }
                @if done && view.flags.is_empty() { span.badge.ok { "图像检查通过" } }
                @if let Some(failure) = &view.failure { span.badge.flag { (failure.message) } }
            }
            @if !view.case_numbers.is_empty() {
                div.muted { "识别出的案号：" (view.case_numbers.join("、")) }
            }
            @if let Some(text) = view.ocr_text.as_deref().filter(|text| !text.trim().is_empty()) {
                details.ocr {
                    summary { "识别文字"
                        @if let Some(confidence) = view.ocr_confidence { "（置信度 " (confidence) "）" }
                    }
                    pre { (text) }
                }
            }
        }
    }
}

/// Explains a declared-return flag of a hand-over deadline in Chinese.
pub fn declared_return_flag(code: &str) -> &'static str {
    match code {
        "DECLARED_IN_FUTURE" => "手机上申报的返回时间晚于服务器收到的时间",
        "DECLARED_LONG_BEFORE" => "手机上申报的返回时间远早于服务器首次收到返回记录的时间",
        _ => "手机上申报的返回时间与服务器收到的时间不符",
    }
}

/// Replaces the item ids in a register message with the item's number and title as the page
/// shows them, such as 第 2 项“送达回证”, and extra-paper ids with their row.
pub fn name_items(message: &str, handover: &WaitingHandover) -> String {
    let mut named = message.to_string();
    for (index, item) in handover.items.iter().enumerate() {
        let label = format!("第 {} 项“{}”", index + 1, item.title);
        named = named.replace(&format!("材料 {} ", item.item_id), &label);
        named = named.replace(&format!("材料 {}", item.item_id), &label);
        named = named.replace(&item.item_id.to_string(), &label);
    }
    named
}

/// Turns typed case-number text into the form stored case numbers use: full-width brackets and
/// half-width digits, so （2026）豫13执123号, (2026)豫13执123号 and （２０２６） find the same lists.
pub fn case_search_form(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// Today's date in Asia/Shanghai, as the pages print it.
pub fn today_zh() -> String {
    date_zh(crate::center::shanghai_day(Utc::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handover() -> WaitingHandover {
        let item = |title: &str| WaitingItem {
            item_id: Uuid::new_v4(),
            material_type: "seizure_record".to_string(),
            material_type_name: "查封笔录".to_string(),
            title: title.to_string(),
            page_count: 2,
            originality: "original".to_string(),
            produced_on: None,
            uploaded_via_mobile_system: false,
            photos: Vec::new(),
        };
        WaitingHandover {
            list_id: Uuid::new_v4(),
            case_number: "（2026）豫13执123号".to_string(),
            team_id: "team".to_string(),
            status: "handed_over".to_string(),
            status_label: "已移送".to_string(),
            handed_over_by: Some("张警官".to_string()),
            handed_over_at: None,
            declared_return_at: None,
            deadline: None,
            items: vec![item("查封笔录"), item("送达回证")],
        }
    }

    #[test]
    fn check_form_builds_api_request() {
        let handover = handover();
        let mut form = CheckForm::fresh("张警官");
        let [first, second] = [handover.items[0].item_id, handover.items[1].item_id];
        let set = |form: &mut CheckForm, name: String, value: &str| {
            form.fields.insert(name, value.to_string());
        };
        set(&mut form, format!("result_{first}"), "page_mismatch");
        set(&mut form, format!("pages_{first}"), " 3 ");
        set(&mut form, format!("result_{second}"), "rejected");
        set(&mut form, format!("reason_{second}"), "missing_signature");
        set(&mut form, format!("correction_{second}"), " 请补签名 ");
        set(&mut form, "extra_title_1".to_string(), "查封公告");
        set(&mut form, "extra_pages_1".to_string(), "1");

        let request = form.to_request(&handover).unwrap();

        assert_eq!(request.handed_over_by, "张警官");
        assert_eq!(request.list_id, handover.list_id);
        assert_eq!(
            request.check.items,
            vec![
                ItemCheck {
                    item_id: first,
                    result: ItemResult::PageMismatch { counted_pages: 3 }
                },
                ItemCheck {
                    item_id: second,
                    result: ItemResult::Rejected {
                        reason: RejectReason::MissingSignature,
                        correction: "请补签名".to_string(),
                    },
                },
            ]
        );
        assert_eq!(request.check.extras.len(), 1);
        assert_eq!(request.check.extras[0].title, "查封公告");
        assert_eq!(request.check.extras[0].page_count, 1);
        assert_eq!(request.check.extras[0].material_type, None);
    }

    #[test]
    fn check_form_resent_keeps_ids() {
        let handover = handover();
        let form = CheckForm::fresh("张警官");
        let mut sent = form.clone();
        sent.fields
            .insert("extra_title_0".to_string(), "公告".to_string());
        sent.fields
            .insert("extra_pages_0".to_string(), "2".to_string());
        let resent = CheckForm::from_fields(sent.fields.clone().into_iter().collect());

        let first = sent.to_request(&handover).unwrap();
        let second = resent.to_request(&handover).unwrap();

        assert_eq!(first, second);
    }

    #[test]
    fn typing_errors_are_explained_in_chinese() {
        let handover = handover();
        let first = handover.items[0].item_id;
        let mut form = CheckForm::fresh("张警官");
        form.fields
            .insert(format!("result_{first}"), "page_mismatch".to_string());
        form.fields
            .insert(format!("pages_{first}"), "三".to_string());
        let error = form.to_request(&handover).unwrap_err();
        assert!(error.contains("第 1 项“查封笔录”"), "{error}");

        let mut form = CheckForm::fresh("张警官");
        form.fields
            .insert("registration_id".to_string(), "x".to_string());
        assert!(form.to_request(&handover).unwrap_err().contains("刷新页面"));
    }

    #[test]
    fn name_items_uses_number_title() {
        let handover = handover();
        let second = handover.items[1].item_id;
        let message = format!("核对结果有误：材料 {second} 标记为不规范，但没有填写修改意见。");
        assert_eq!(
            name_items(&message, &handover),
            "核对结果有误：第 2 项“送达回证”标记为不规范，但没有填写修改意见。"
        );
    }

    #[test]
    fn case_search_normalises_brackets_digits() {
        assert_eq!(
            case_search_form(" (2026)豫13执123号 "),
            "（2026）豫13执123号"
        );
        assert_eq!(case_search_form("（２０２６）"), "（2026）");
        assert_eq!(case_search_form("执123"), "执123");
    }

    #[test]
    fn check_form_omits_unchecked_items() {
        let handover = handover();
        let request = CheckForm::fresh("张警官").to_request(&handover).unwrap();
        assert!(request.check.items.is_empty());
        assert!(request.check.extras.is_empty());
    }
}
