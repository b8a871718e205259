//! Reading lists for the API: summaries from the relational rows, and one list's merged document
//! with the server's own data.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use juanzong_mobile_api::lists::{HandoverDeadlineView, ListDetail, ListSummary, ServerData};
use juanzong_mobile_api::ErrorBody;

use super::access::{self, sees_all_teams};
use super::store;
use crate::auth::AuthUser;
use crate::deadlines::{calendar_store, handover};
use crate::entities::{document, handover_deadline, material_list};
use crate::error::{ApiError, ApiResult};

/// Lists the caller's lists (own team, or all for the center), newest change first.
pub async fn summaries(
    db: &DatabaseConnection,
    caller: &AuthUser,
    status: Option<&str>,
) -> ApiResult<Vec<ListSummary>> {
    let mut query = material_list::Entity::find().order_by_desc(material_list::Column::UpdatedAt);
    if !sees_all_teams(caller) {
        let team = caller.team_id.clone().ok_or_else(|| {
            ApiError::forbidden("NO_TEAM", "当前用户不属于任何团队，无法查看材料清单。")
        })?;
        query = query.filter(material_list::Column::TeamId.eq(team));
    }
    if let Some(status) = status {
        query = query.filter(material_list::Column::Status.eq(status));
    }
    let rows = query.all(db).await?;
    Ok(rows.into_iter().filter_map(summary).collect())
}

fn summary(row: material_list::Model) -> Option<ListSummary> {
    Some(ListSummary {
        list_id: Uuid::parse_str(&row.list_id).ok()?,
        case_number: row.case_number,
        team_id: row.team_id,
        kind: row.kind,
        status: row.status,
        trip_date: row.trip_date,
        item_count: row.item_count,
        page_count: row.page_count,
        updated_at: row.updated_at,
    })
}

/// Returns one list as merged on the server, if the caller may read it.
pub async fn detail(db: &DatabaseConnection, caller: &AuthUser, list_id: Uuid) -> ApiResult<ListDetail> {
    let key = list_id.to_string();
    let row = document::Entity::find_by_id(key.clone())
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("LIST_NOT_FOUND", format!("找不到材料清单 {list_id}。"))
        })?;
    access::decide(caller, Some(&row.team_id))?;

    let mut loaded = store::load(db, &key).await?;
    let list = loaded.document.snapshot().map_err(|error| {
        ApiError::internal(anyhow::anyhow!("snapshot of stored list {key} failed: {error}"))
    })?;
    let heads = loaded
        .document
        .heads()
        .iter()
        .map(|head| head.to_string())
        .collect();
    let (handover_deadline, handover_deadline_error) = deadline_of(db, &list).await?;
    Ok(ListDetail {
        list,
        server: ServerData {
            heads,
            updated_at: Some(row.updated_at),
            handover_deadline,
            handover_deadline_error,
        },
    })
}

/// Returns the list's hand-over deadline with its state now, or why it cannot be computed.
async fn deadline_of(
    db: &DatabaseConnection,
    list: &juanzong_sync::model::MaterialList,
) -> ApiResult<(Option<HandoverDeadlineView>, Option<ErrorBody>)> {
    if list.declared_return_at.is_none() {
        return Ok((None, None));
    }
    let calendar = calendar_store::load(db).await?;
    let stored = handover_deadline::Entity::find_by_id(list.list_id.to_string())
        .one(db)
        .await?;
    let now = chrono::Utc::now();
    match stored {
        Some(row) => match handover::view(&calendar, &row, now) {
            Ok(view) => Ok((Some(view), None)),
            Err(error) => Ok((None, Some(error.body()))),
        },
        None => {
            // Not stored: the calendar lacked a year when the return was synced. Say which.
            let rules = juanzong_calendar::DeadlineRules::default_rules()
                .map_err(|e| ApiError::internal(anyhow::anyhow!("deadline rules invalid: {e}")))?;
            let rule = rules
                .get(juanzong_calendar::rule_ids::FIELD_HANDOVER)
                .map_err(calendar_store::calendar_error)?;
            let declared = list.declared_return_at.unwrap_or(now);
            match calendar.deadline(rule, &declared.fixed_offset()) {
                Ok(_) => Ok((None, None)),
                Err(error) => Ok((None, Some(calendar_store::calendar_error(error).body()))),
            }
        }
    }
}
