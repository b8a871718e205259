//! The case-file center (卷宗管理中心) on the server. It lists the handovers waiting for the intake
//! clerk and keeps the register (登记簿) of receipts, supplements and corrections. It records
//! disputes over a 修改意见, which the director (执行局长) decides. It reads out the team's results
//! and tasks, each case's catalogue (案卷目录) and the data manager's figures. The domain rules live in `juanzong-center`; this module stores
//! and reads what they describe.
//!
//! Several server processes may serve one database. Every registration runs in one write
//! transaction that holds the list's lock, and register numbers come from `register_counters` in
//! that transaction. Unique keys (client-made ids, one receipt per list, one correction per entry,
//! one dispute per rejected item) turn a repeated request into the stored result.

pub mod access;
pub mod catalogue;
pub mod disputes;
pub mod entries;
pub mod figures;
pub mod queries;
pub mod register;

use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use juanzong_center::check::has_control_character;

use crate::error::{ApiError, ApiResult};

/// Maximum length of a free text a person types (a name, a reason, a note), in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// Returns `text` trimmed, or a 400 when it is empty, longer than [`MAX_TEXT_CHARS`] or contains a
/// control character (PostgreSQL cannot store NUL). `field` names the field in the message.
pub fn required_text(text: &str, field: &str) -> ApiResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request("FIELD_REQUIRED", format!("请填写{field}。")));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request(
            "FIELD_TOO_LONG",
            format!("{field}不能超过 {MAX_TEXT_CHARS} 个字。"),
        ));
    }
    reject_control_characters(text, field)?;
    Ok(text.to_string())
}

/// Earliest and latest year a query day may name. Chrono panics on arithmetic near its own limits
/// (about ±262,000 years), and no register entry lies outside these years.
pub const QUERY_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Returns a 400 when a queried day lies outside [`QUERY_YEARS`].
pub fn check_query_day(day: Option<NaiveDate>, field: &str) -> ApiResult<()> {
    use chrono::Datelike;

    match day {
        Some(day) if !QUERY_YEARS.contains(&day.year()) => Err(ApiError::bad_request(
            "DATE_OUT_OF_RANGE",
            format!(
                "{field} {day} 超出可查询的范围（{} 年至 {} 年）。",
                QUERY_YEARS.start(),
                QUERY_YEARS.end()
            ),
        )),
        _ => Ok(()),
    }
}

/// Returns a 400 when `text` contains a control character other than a line break or tab.
pub fn reject_control_characters(text: &str, field: &str) -> ApiResult<()> {
    if has_control_character(text) {
        return Err(ApiError::bad_request(
            "CONTROL_CHARACTER",
            format!("{field}含有控制字符，请删除后重试。"),
        ));
    }
    Ok(())
}

/// Returns the Asia/Shanghai calendar day of an instant.
pub fn shanghai_day(at: DateTime<Utc>) -> NaiveDate {
    juanzong_calendar::shanghai_date(&at.fixed_offset())
}

/// Returns the SHA-256 (hex) of a request's JSON, to tell a repeated request from a reused id.
pub fn request_hash<T: serde::Serialize>(request: &T) -> String {
    let json = serde_json::to_vec(request).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}
