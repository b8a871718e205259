//! Loading the calendar (shipped file plus imported files) and importing new files.
//!
//! Imports are stored as their TOML text and parsed again on each load, so a new year is used by
//! every server process from the next request on, without a restart.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};

use juanzong_calendar::{parse_calendar_file, Calendar, CalendarError, ImportReport};

use crate::entities::calendar_file;
use crate::error::{ApiError, ApiResult};

/// Turns a calendar error into an API error with its stable code.
pub fn calendar_error(error: CalendarError) -> ApiError {
    let code = error.code();
    match error {
        CalendarError::YearMissing { .. } => ApiError::unprocessable(code, error.to_string()),
        CalendarError::UnknownRule { .. } => ApiError::not_found(code, error.to_string()),
        _ => ApiError::bad_request(code, error.to_string()),
    }
}

/// Returns the shipped calendar with every imported file applied, oldest import first.
pub async fn load<C: ConnectionTrait>(db: &C) -> ApiResult<Calendar> {
    let mut calendar = Calendar::mainland().map_err(|error| {
        ApiError::internal(anyhow::anyhow!("shipped calendar file is invalid: {error}"))
    })?;
    let files = calendar_file::Entity::find()
        .order_by_asc(calendar_file::Column::ImportedAt)
        .all(db)
        .await?;
    for file in files {
        match parse_calendar_file(&file.name, &file.content) {
            Ok(parsed) => {
                calendar.import(parsed);
            }
            // Files are validated at import, so this only happens after a format change.
            Err(error) => tracing::error!(name = %file.name, %error, "stored calendar file no longer parses"),
        }
    }
    Ok(calendar)
}

/// Validates and stores a calendar file; a file of the same name is replaced. Returns what the
/// import changed in the calendar.
pub async fn import<C: ConnectionTrait>(
    db: &C,
    name: &str,
    content: &str,
    imported_by: &str,
) -> ApiResult<ImportReport> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 128 {
        return Err(ApiError::bad_request(
            "CALENDAR_FILE_NAME_INVALID",
            "日历文件名不能为空，且不超过 128 个字符。",
        ));
    }
    let parsed = parse_calendar_file(name, content).map_err(calendar_error)?;
    let mut calendar = load(db).await?;
    let report = calendar.import(parsed);

    let now = Utc::now();
    let existing = calendar_file::Entity::find_by_id(name.to_string()).one(db).await?;
    match existing {
        Some(row) => {
            let mut active: calendar_file::ActiveModel = row.into();
            active.content = Set(content.to_string());
            active.imported_by = Set(imported_by.to_string());
            active.imported_at = Set(now);
            active.update(db).await?;
        }
        None => {
            calendar_file::ActiveModel {
                name: Set(name.to_string()),
                content: Set(content.to_string()),
                imported_by: Set(imported_by.to_string()),
                imported_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    tracing::info!(name, years_added = ?report.years_added, years_replaced = ?report.years_replaced, "calendar file imported");
    Ok(report)
}
