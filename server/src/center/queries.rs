//! Reading the center's data: the handovers waiting for the clerk, the register, and a team's
//! receipts and tasks.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use juanzong_center::register as rules;
use juanzong_mobile_api::center::{
    ListResult, PhotoLink, RegisterPage, TeamResults, TeamTask, WaitingHandover, WaitingItem,
};
use juanzong_sync::materials::Catalogue;
use juanzong_sync::model::Status;
use juanzong_sync::CaseNumber;

use super::access;
use super::entries;
use super::register::{live_items, task_message};
use crate::auth::AuthUser;
use crate::deadlines::{calendar_store, handover};
use crate::entities::{handover_deadline, material_list, register_entry};
use crate::error::{ApiError, ApiResult};

/// Lists the handovers waiting for the clerk (已返回单位 or 已移送), the earliest deadline first,
/// with each list's items and links to their photos' processing results.
pub async fn waiting(
    db: &DatabaseConnection,
    caller: &AuthUser,
) -> ApiResult<Vec<WaitingHandover>> {
    access::require_center_reader(caller)?;
    let lists = material_list::Entity::find()
        .filter(
            material_list::Column::Status
                .is_in([Status::Returned.code(), Status::HandedOver.code()]),
        )
        .all(db)
        .await?;
    let ids: Vec<String> = lists.iter().map(|list| list.list_id.clone()).collect();
    let deadlines: BTreeMap<String, handover_deadline::Model> = handover_deadline::Entity::find()
        .filter(handover_deadline::Column::ListId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.list_id.clone(), row))
        .collect();
    let calendar = calendar_store::load(db).await?;
    let types = Catalogue::builtin().ok();
    let now = Utc::now();

    let mut waiting = Vec::with_capacity(lists.len());
    for list in lists {
        let deadline_row = deadlines.get(&list.list_id);
        let deadline = deadline_row
            .map(|row| handover::view(&calendar, row, now))
            .transpose()?;
        let items = live_items(db, &list.list_id)
            .await?
            .into_iter()
            .filter_map(|item| waiting_item(item, types))
            .collect();
        let status = Status::from_code(&list.status);
        waiting.push(WaitingHandover {
            list_id: Uuid::parse_str(&list.list_id).unwrap_or_default(),
            case_number: list.case_number,
            team_id: list.team_id,
            status: list.status.clone(),
            status_label: status.map(Status::name_zh).unwrap_or_default().to_string(),
            handed_over_by: list.handed_over_by,
            handed_over_at: list.handed_over_at,
            declared_return_at: list.declared_return_at,
            deadline,
            items,
        });
    }
    waiting.sort_by(|a, b| {
        let due = |w: &WaitingHandover| w.deadline.as_ref().map(|d| d.due_at);
        (due(a).is_none(), due(a), a.handed_over_at, a.list_id).cmp(&(
            due(b).is_none(),
            due(b),
            b.handed_over_at,
            b.list_id,
        ))
    });
    Ok(waiting)
}

/// Returns the clerk's view of a listed item; `None` when its stored id is not a UUID.
pub fn waiting_item(
    item: crate::entities::material_item::Model,
    types: Option<&Catalogue>,
) -> Option<WaitingItem> {
    let photos: Vec<String> = serde_json::from_str(&item.photos).unwrap_or_default();
    Some(WaitingItem {
        item_id: Uuid::parse_str(&item.item_id).ok()?,
        material_type_name: types
            .and_then(|types| types.get(&item.material_type))
            .map_or_else(|| item.material_type.clone(), |t| t.name.clone()),
        material_type: item.material_type,
        title: item.title,
        page_count: item.page_count,
        originality: item.originality,
        produced_on: item.produced_on,
        uploaded_via_mobile_system: item.uploaded_via_mobile_system,
        photos: photos
            .into_iter()
            .map(|sha256| PhotoLink {
                url: format!("/api/v1/photos/{sha256}"),
                sha256,
            })
            .collect(),
    })
}

/// Filters of the register search; all optional.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RegisterQuery {
    pub case_number: Option<String>,
    pub team_id: Option<String>,
    /// First day of receipt, Asia/Shanghai.
    pub from: Option<NaiveDate>,
    /// Last day of receipt, Asia/Shanghai, inclusive.
    pub to: Option<NaiveDate>,
}

/// Searches the register by case number, team and day of receipt, in register order.
pub async fn register(
    db: &DatabaseConnection,
    caller: &AuthUser,
    query: RegisterQuery,
) -> ApiResult<RegisterPage> {
    access::require_center_reader(caller)?;
    super::check_query_day(query.from, "起始日期")?;
    super::check_query_day(query.to, "截止日期")?;
    if let Some(team_id) = &query.team_id {
        super::reject_control_characters(team_id, "团队编号")?;
    }
    let mut select = register_entry::Entity::find()
        .order_by_asc(register_entry::Column::Year)
        .order_by_asc(register_entry::Column::Serial);
    if let Some(text) = query
        .case_number
        .as_deref()
        .filter(|text| !text.trim().is_empty())
    {
        let case_number = CaseNumber::parse(text).map_err(|error| {
            ApiError::bad_request("CASE_NUMBER_INVALID", format!("案号“{text}”无效：{error}"))
        })?;
        select = select.filter(register_entry::Column::CaseNumber.eq(case_number.normal_form()));
    }
    if let Some(team_id) = &query.team_id {
        select = select.filter(register_entry::Column::TeamId.eq(team_id.clone()));
    }
    if let Some(from) = query.from {
        let start = juanzong_calendar::shanghai_start_of_day(from).with_timezone(&Utc);
        select = select.filter(register_entry::Column::ReceivedAt.gte(start));
    }
    if let Some(to) = query.to {
        let next = to
            .succ_opt()
            .ok_or_else(|| ApiError::bad_request("INVALID_QUERY", "截止日期无效。"))?;
        let end = juanzong_calendar::shanghai_start_of_day(next).with_timezone(&Utc);
        select = select.filter(register_entry::Column::ReceivedAt.lt(end));
    }
    let rows = select.all(db).await?;
    let referenced = referenced_rows(db, &rows).await?;
    Ok(RegisterPage {
        entries: entries::views(&rows, &referenced)?,
    })
}

async fn referenced_rows<C: ConnectionTrait>(
    db: &C,
    rows: &[register_entry::Model],
) -> ApiResult<Vec<register_entry::Model>> {
    let ids: Vec<String> = rows
        .iter()
        .filter_map(|row| row.refers_to.clone())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(register_entry::Entity::find()
        .filter(register_entry::Column::EntryId.is_in(ids))
        .all(db)
        .await?)
}

/// Returns one entry.
pub async fn entry(
    db: &DatabaseConnection,
    caller: &AuthUser,
    entry_id: Uuid,
) -> ApiResult<juanzong_mobile_api::center::RegisterEntryView> {
    let row = entries::find(db, entry_id).await?;
    if access::require_center_reader(caller).is_err() {
        access::results_team(caller, Some(&row.team_id))?;
    }
    let referenced = referenced_rows(db, std::slice::from_ref(&row)).await?;
    let mut views = entries::views(std::slice::from_ref(&row), &referenced)?;
    views
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("entry view missing")))
}

/// Returns a team's registered lists and its open tasks: items still missing or rejected after
/// every supplement, correction and decision.
pub async fn team_results(
    db: &DatabaseConnection,
    caller: &AuthUser,
    requested: Option<&str>,
) -> ApiResult<TeamResults> {
    if let Some(team_id) = requested {
        super::reject_control_characters(team_id, "团队编号")?;
    }
    let team_id = access::results_team(caller, requested)?;
    let rows = register_entry::Entity::find()
        .filter(register_entry::Column::TeamId.eq(team_id.clone()))
        .order_by_asc(register_entry::Column::Year)
        .order_by_asc(register_entry::Column::Serial)
        .all(db)
        .await?;
    let mut by_list: BTreeMap<String, Vec<register_entry::Model>> = BTreeMap::new();
    for row in rows {
        by_list.entry(row.list_id.clone()).or_default().push(row);
    }

    let mut lists = Vec::new();
    let mut tasks = Vec::new();
    for (list_id, rows) in by_list {
        let stored = entries::parse_all(rows)?;
        let disputes = entries::disputes_of_list(db, &list_id).await?;
        let decisions = entries::decisions(&disputes, &stored);
        let records: Vec<_> = stored.iter().map(|entry| entry.record.clone()).collect();
        let Some(receipt) = stored
            .iter()
            .find(|entry| entry.record.kind == rules::EntryKind::Receipt)
        else {
            continue;
        };
        let timeliness = entries::timeliness_of(&receipt.row);
        let list_uuid = Uuid::parse_str(&list_id).unwrap_or_default();
        lists.push(ListResult {
            list_id: list_uuid,
            case_number: receipt.row.case_number.clone(),
            receipt_number: receipt.row.number.clone(),
            received_at: receipt.row.received_at,
            timeliness_label: timeliness.map(|t| t.describe_zh()),
            timeliness,
            counts: rules::current_counts(&records, &decisions),
            entry_numbers: stored
                .iter()
                .map(|entry| entry.row.number.clone())
                .collect(),
        });

        let titles: BTreeMap<String, String> = live_items(db, &list_id)
            .await?
            .into_iter()
            .map(|item| (item.item_id, item.title))
            .collect();
        for (item_id, current) in rules::current_results(&records, &decisions) {
            if !current.result.is_outstanding() {
                continue;
            }
            let Some(entry) = stored
                .iter()
                .find(|entry| entry.record.number == current.entry)
            else {
                continue;
            };
            let title = titles
                .get(&item_id.to_string())
                .cloned()
                .unwrap_or_default();
            let dispute = disputes
                .iter()
                .find(|row| {
                    row.entry_id == entry.row.entry_id && row.item_id == item_id.to_string()
                })
                .map(|row| entries::dispute_view(row, &entry.row.number))
                .transpose()?;
            tasks.push(TeamTask {
                list_id: list_uuid,
                case_number: entry.row.case_number.clone(),
                item_id,
                message: task_message(&title, &current.result),
                title,
                result: current.result,
                entry_id: Uuid::parse_str(&entry.row.entry_id).unwrap_or_default(),
                entry_number: entry.row.number.clone(),
                dispute,
            });
        }
    }
    lists.sort_by(|a, b| a.receipt_number.cmp(&b.receipt_number));
    Ok(TeamResults {
        team_id,
        lists,
        tasks,
    })
}
