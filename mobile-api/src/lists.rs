//! `GET /api/v1/lists` and `GET /api/v1/lists/{id}`: material lists as the server has merged
//! them, with the data only the server makes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use juanzong_sync::model::MaterialList;

/// A row of the list overview.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ListSummary {
    pub list_id: Uuid,
    pub case_number: String,
    pub team_id: String,
    /// `enforcement` or `asset_disposal`.
    pub kind: String,
    /// `draft`, `returned`, `handed_over` or `received`.
    pub status: String,
    pub trip_date: Option<NaiveDate>,
    pub item_count: i64,
    pub page_count: i64,
    pub updated_at: DateTime<Utc>,
}

/// One list with the server's own data about it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListDetail {
    pub list: MaterialList,
    pub server: ServerData,
}

/// Data the server makes about a list. It is not part of the team's document, so the team
/// cannot edit it and it does not grow the document's history.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ServerData {
    /// Heads of the server's document, hex.
    pub heads: Vec<String>,
    /// When the server last changed the document.
    pub updated_at: Option<DateTime<Utc>>,
    /// The hand-over deadline, once the list is marked 已返回单位.
    #[serde(default)]
    pub handover_deadline: Option<HandoverDeadlineView>,
    /// Error that prevented computing the deadline, such as `CALENDAR_YEAR_MISSING`.
    #[serde(default)]
    pub handover_deadline_error: Option<crate::ErrorBody>,
}

/// The hand-over deadline (移送期限) of a list, computed by the server from the working-day
/// calendar. Phones keep it for offline display.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HandoverDeadlineView {
    /// Deadline rule, `field_handover`.
    pub rule_id: String,
    /// Return time declared on the phone.
    pub declared_return_at: DateTime<Utc>,
    /// When the server first learned of the return.
    pub learned_at: DateTime<Utc>,
    /// First instant after the period: 24:00 Asia/Shanghai of `last_day`.
    pub due_at: DateTime<Utc>,
    /// Last working day of the period, a Shanghai date.
    pub last_day: NaiveDate,
    /// For people, e.g. 2026年12月7日 24:00（星期一）.
    pub due_text: String,
    /// NOT_DUE, DUE_TODAY, OVERDUE, HANDED_OVER_ON_TIME or HANDED_OVER_LATE.
    pub state: String,
    /// Chinese state, e.g. 逾期移送（逾期 2 个工作日）.
    pub state_label: String,
    /// Working days late, for HANDED_OVER_LATE.
    pub working_days_late: Option<u32>,
    /// DECLARED_IN_FUTURE or DECLARED_LONG_BEFORE: the declared return time needs a check.
    pub flag: Option<String>,
}
