//! `/api/v1/center/...`: the case-file center's (卷宗管理中心) side of a handover. The intake clerk
//! checks and registers the paper, the team reads its results and tasks on its phones, the
//! director (执行局长) decides disputes, and the data manager (数据管理岗) reads the figures.
//!
//! Every registration carries an id made by the client (`registration_id`, `dispute_id`):
//! sending the same request again returns the stored result instead of a second entry.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use juanzong_center::check::{
    CheckCounts, ExtraPaper, HandoverCheck, ItemCheck, ItemResult, RejectReason,
};
pub use juanzong_center::duplicates::DuplicateReason;
pub use juanzong_center::figures::{DayFigures, Period, TeamFigures};
pub use juanzong_center::register::Timeliness;

use crate::lists::HandoverDeadlineView;

/// Feed event kind: the center registered a receipt, supplement or correction of a list.
pub const RECEIPT_REGISTERED: &str = "receipt_registered";
/// Feed event kind: an item the team must hand over again, or hand over at all.
pub const CENTER_TASK: &str = "center_task";
/// Feed event kind: the director decided a dispute.
pub const DISPUTE_DECIDED: &str = "dispute_decided";

/// A handover waiting for the clerk: a list marked 已返回单位 or 已移送.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WaitingHandover {
    pub list_id: Uuid,
    pub case_number: String,
    pub team_id: String,
    /// `returned` or `handed_over`.
    pub status: String,
    pub status_label: String,
    pub handed_over_by: Option<String>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub declared_return_at: Option<DateTime<Utc>>,
    /// The hand-over deadline; `None` when it could not be computed.
    pub deadline: Option<HandoverDeadlineView>,
    pub items: Vec<WaitingItem>,
}

/// One listed item of a waiting handover.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WaitingItem {
    pub item_id: Uuid,
    pub material_type: String,
    /// Chinese name of the material type; the code itself when the type is unknown.
    pub material_type_name: String,
    pub title: String,
    pub page_count: i64,
    /// `original` or `copy`.
    pub originality: String,
    pub produced_on: Option<NaiveDate>,
    pub uploaded_via_mobile_system: bool,
    pub photos: Vec<PhotoLink>,
}

/// A photo of an item and where its processing results (image checks, OCR) are read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhotoLink {
    pub sha256: String,
    /// `/api/v1/photos/{sha256}`.
    pub url: String,
}

/// `POST /api/v1/center/receipts`: the first check of a handed-over list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegisterReceiptRequest {
    pub registration_id: Uuid,
    pub list_id: Uuid,
    /// The person who brought the paper, as the clerk writes it.
    pub handed_over_by: String,
    pub check: HandoverCheck,
}

/// `POST /api/v1/center/entries/{entry_id}/supplements`: paper the team hands over later for the
/// same list. The check covers the items still missing or rejected.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SupplementRequest {
    pub registration_id: Uuid,
    pub handed_over_by: String,
    pub check: HandoverCheck,
}

/// `POST /api/v1/center/entries/{entry_id}/corrections`: replaces the check of an entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CorrectionRequest {
    pub registration_id: Uuid,
    /// Reason for the correction.
    pub note: String,
    pub check: HandoverCheck,
}

/// One register entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegisterEntryView {
    pub entry_id: Uuid,
    /// Such as 2026-接-000123.
    pub number: String,
    /// `receipt`, `supplement` or `correction`.
    pub kind: String,
    pub kind_label: String,
    pub list_id: Uuid,
    pub case_number: String,
    pub team_id: String,
    pub refers_to: Option<Uuid>,
    pub refers_to_number: Option<String>,
    pub handed_over_by: String,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub received_by: String,
    pub received_at: DateTime<Utc>,
    /// For receipts: on time, late with working days, or no deadline.
    pub timeliness: Option<Timeliness>,
    /// Such as 逾期移送（逾期 2 个工作日）.
    pub timeliness_label: Option<String>,
    /// Counts of this entry's own check.
    pub counts: CheckCounts,
    pub check: HandoverCheck,
    pub note: String,
}

/// `GET /api/v1/center/register`: entries in register order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegisterPage {
    pub entries: Vec<RegisterEntryView>,
}

/// `POST /api/v1/center/disputes`: the team disputes the 修改意见 of a rejected item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RaiseDisputeRequest {
    pub dispute_id: Uuid,
    /// The entry whose check rejected the item.
    pub entry_id: Uuid,
    pub item_id: Uuid,
    /// The team's reason for disagreeing.
    pub reason: String,
}

/// `POST /api/v1/center/disputes/{dispute_id}/decision`: the director's decision.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DecideDisputeRequest {
    /// True: the 修改意见 remains in force. False: it is overturned and the item counts as received.
    pub upheld: bool,
    pub note: String,
}

/// A dispute over a 修改意见.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DisputeView {
    pub dispute_id: Uuid,
    pub entry_id: Uuid,
    pub entry_number: String,
    pub item_id: Uuid,
    pub list_id: Uuid,
    pub team_id: String,
    pub reason: String,
    pub raised_by: String,
    pub raised_at: DateTime<Utc>,
    /// `None` while open; then `upheld` or `overturned`.
    pub decision: Option<String>,
    /// 待执行局长决定, 维持修改意见 or 撤销修改意见.
    pub decision_label: String,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/center/disputes`: disputes in the order they were raised.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DisputeList {
    pub disputes: Vec<DisputeView>,
}

/// `GET /api/v1/center/results`: a team's receipts and tasks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TeamResults {
    pub team_id: String,
    /// Registered lists of the team, by receipt number.
    pub lists: Vec<ListResult>,
    /// Items the team still owes: missing or rejected, after supplements and decisions.
    pub tasks: Vec<TeamTask>,
}

/// Current register outcome of one list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListResult {
    pub list_id: Uuid,
    pub case_number: String,
    pub receipt_number: String,
    pub received_at: DateTime<Utc>,
    pub timeliness: Option<Timeliness>,
    pub timeliness_label: Option<String>,
    /// Counts after every supplement, correction and decision.
    pub counts: CheckCounts,
    /// Every entry number of the list, in register order.
    pub entry_numbers: Vec<String>,
}

/// An item the team must hand over (缺失) or hand over again (不规范).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TeamTask {
    pub list_id: Uuid,
    pub case_number: String,
    pub item_id: Uuid,
    pub title: String,
    #[serde(flatten)]
    pub result: ItemResult,
    /// Chinese text of the task, with the 修改意见 for a rejected item.
    pub message: String,
    /// The entry whose check gave the result.
    pub entry_id: Uuid,
    pub entry_number: String,
    pub dispute: Option<DisputeView>,
}

/// `GET /api/v1/center/cases/{case_number}/catalogue`: the case's received items in the order of
/// its catalogue (案卷目录), as rows of the table of contents (卷内目录).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaseCatalogue {
    pub case_number: String,
    pub rows: Vec<CatalogueRow>,
    /// Rows not yet filed by a clerk (上传归目).
    pub unfiled: u32,
}

/// One row of the table of contents with the item behind it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CatalogueRow {
    /// `main` (正卷) or `internal` (副卷).
    pub volume: String,
    pub volume_label: String,
    /// Node path; `None` for a material placed by the date it was produced.
    pub node: Option<String>,
    /// 序号 within the volume.
    pub number: u32,
    /// Standard name, such as 查封笔录-张某.
    pub title: String,
    pub original_number: String,
    pub date: Option<NaiveDate>,
    /// 页号, such as `3-5`; `None` without page numbers.
    pub pages: Option<String>,
    pub item_id: Uuid,
    pub list_id: Uuid,
    pub material_type: Option<String>,
    pub party: Option<String>,
    /// Paper not on the team's list.
    pub extra: bool,
    /// True once a clerk filed the item.
    pub filed: bool,
    pub flags: ItemFlags,
}

/// Flags the clerk checks before scanning and filing an item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ItemFlags {
    /// Already uploaded through the mobile case-handling system (移动办案系统): do not scan again.
    pub uploaded_via_mobile_system: bool,
    /// Other items of the case that are the same document.
    pub duplicates: Vec<DuplicateFlag>,
    /// Case numbers other than the item's own that its photos show.
    pub other_case_numbers: Vec<String>,
}

/// Another item of the case that duplicates this one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DuplicateFlag {
    pub other_item_id: Uuid,
    #[serde(flatten)]
    pub reason: DuplicateReason,
}

/// `POST /api/v1/center/items/{item_id}/filing`: the clerk files a received item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileItemRequest {
    /// Node path, `main/<name>` or `internal/<name>`; `None` to place it by date.
    pub node: Option<String>,
    pub standard_name: String,
    #[serde(default)]
    pub original_number: String,
}

/// `GET /api/v1/center/figures`: the data manager's figures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    pub period: Period,
    pub teams: Vec<TeamFigures>,
    pub days: Vec<DayFigures>,
}
