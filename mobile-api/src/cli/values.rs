//! Parsers of option values. Each returns a Chinese message on bad input, which clap shows
//! with exit code 2.
//!
//! Local times are Beijing time (Asia/Shanghai). China has kept UTC+8 without daylight saving
//! time since 1991, so a fixed offset converts every date this program handles.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};

use juanzong_sync::TeamKind;

const BEIJING_OFFSET_SECONDS: i32 = 8 * 3600;

fn beijing() -> FixedOffset {
    FixedOffset::east_opt(BEIJING_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// Parses a team kind: 执行实施 (执行实施团队, enforcement) or 财产处置 (财产处置团队,
/// asset_disposal).
pub fn parse_kind(text: &str) -> Result<TeamKind, String> {
    match text.trim() {
        "执行实施" | "执行实施团队" | "enforcement" => Ok(TeamKind::Enforcement),
        "财产处置" | "财产处置团队" | "asset_disposal" => Ok(TeamKind::AssetDisposal),
        other => Err(format!("团队类型“{other}”无效，应为 执行实施 或 财产处置")),
    }
}

/// Parses a date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期“{text}”无效，格式应为 YYYY-MM-DD，例如 2026-12-03"))
}

/// Parses a Beijing time written `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS`, or an RFC 3339
/// time with its own offset.
pub fn parse_local_time(text: &str) -> Result<DateTime<Utc>, String> {
    let trimmed = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(time.with_timezone(&Utc));
    }
    let naive = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok())
        .ok_or_else(|| {
            format!("时间“{text}”无效，格式应为 \"YYYY-MM-DD HH:MM\"（北京时间），例如 \"2026-12-03 17:30\"")
        })?;
    beijing()
        .from_local_datetime(&naive)
        .single()
        .map(|time| time.with_timezone(&Utc))
        .ok_or_else(|| format!("时间“{text}”无效"))
}

/// Formats a time as Beijing time, `YYYY-MM-DD HH:MM`.
pub fn format_local(time: DateTime<Utc>) -> String {
    time.with_timezone(&beijing()).format("%Y-%m-%d %H:%M").to_string()
}

/// Parses 是 or 否 (also `true`/`false`, `yes`/`no`).
pub fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.trim() {
        "是" | "true" | "yes" => Ok(true),
        "否" | "false" | "no" => Ok(false),
        other => Err(format!("“{other}”无效，应为 是 或 否")),
    }
}
