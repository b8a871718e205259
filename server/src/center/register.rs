//! Registering a check: a receipt (接收), a supplement (补交) or a correction (更正).
//!
//! Each registration runs in one write transaction that holds the list's lock. Inside it the
//! server finds a repeated request by its client-made id, checks the entry against the ones
//! before it, allocates the register number, stores the entry and the filing rows of the paper it
//! keeps, marks the list 已接收 for a receipt, and tells the team on the feed.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, Set, Statement,
};
use uuid::Uuid;

use juanzong_calendar::HandoverState;
use juanzong_center::check::{
    self, CheckCounts, ExpectedItem, HandoverCheck, ItemCheck, ItemResult,
};
use juanzong_center::register::{
    self as rules, EntryKind, RegisterError, RegisterNumber, Timeliness,
};
use juanzong_mobile_api::center::{
    CorrectionRequest, RegisterEntryView, RegisterReceiptRequest, SupplementRequest, CENTER_TASK,
    RECEIPT_REGISTERED,
};
use juanzong_sync::materials::Catalogue;
use juanzong_sync::model::Status;

use super::entries::{self, StoredEntry};
use super::{access, catalogue, request_hash, required_text, shanghai_day};
use crate::auth::AuthUser;
use crate::db::begin_write;
use crate::deadlines::{calendar_store, handover};
use crate::entities::{handover_deadline, material_item, material_list, register_entry, team};
use crate::error::{ApiError, ApiResult};
use crate::lists::{center_write, feed, store};

/// A registration to store.
struct NewEntry {
    registration_id: Uuid,
    list_id: String,
    kind: EntryKind,
    /// The entry a supplement completes or a correction replaces.
    refers_to: Option<String>,
    handed_over_by: String,
    note: String,
    check: HandoverCheck,
    hash: String,
}

/// Registers the first check of a handed-over list.
pub async fn register_receipt(
    db: &DatabaseConnection,
    caller: &AuthUser,
    request: RegisterReceiptRequest,
) -> ApiResult<RegisterEntryView> {
    access::require_intake(caller)?;
    let handed_over_by = required_text(&request.handed_over_by, "移送人")?;
    let hash = request_hash(&request);
    register(
        db,
        caller,
        NewEntry {
            registration_id: request.registration_id,
            list_id: request.list_id.to_string(),
            kind: EntryKind::Receipt,
            refers_to: None,
            handed_over_by,
            note: String::new(),
            check: request.check,
            hash,
        },
    )
    .await
}

/// Registers paper handed over later for the list of `entry_id`.
pub async fn register_supplement(
    db: &DatabaseConnection,
    caller: &AuthUser,
    entry_id: Uuid,
    request: SupplementRequest,
) -> ApiResult<RegisterEntryView> {
    access::require_intake(caller)?;
    let handed_over_by = required_text(&request.handed_over_by, "移送人")?;
    let earlier = entries::find(db, entry_id).await?;
    let hash = request_hash(&(entry_id, &request));
    register(
        db,
        caller,
        NewEntry {
            registration_id: request.registration_id,
            list_id: earlier.list_id,
            kind: EntryKind::Supplement,
            refers_to: Some(earlier.entry_id),
            handed_over_by,
            note: String::new(),
            check: request.check,
            hash,
        },
    )
    .await
}

/// Registers a correction that replaces the check of `entry_id`.
pub async fn register_correction(
    db: &DatabaseConnection,
    caller: &AuthUser,
    entry_id: Uuid,
    request: CorrectionRequest,
) -> ApiResult<RegisterEntryView> {
    access::require_intake(caller)?;
    let note = required_text(&request.note, "更正原因")?;
    let target = entries::find(db, entry_id).await?;
    let hash = request_hash(&(entry_id, &request));
    register(
        db,
        caller,
        NewEntry {
            registration_id: request.registration_id,
            list_id: target.list_id,
            kind: EntryKind::Correction,
            refers_to: Some(target.entry_id),
            handed_over_by: target.handed_over_by,
            note,
            check: request.check,
            hash,
        },
    )
    .await
}

async fn register(
    db: &DatabaseConnection,
    caller: &AuthUser,
    new: NewEntry,
) -> ApiResult<RegisterEntryView> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    store::lock_list(&txn, &new.list_id).await?;

    if let Some(existing) = register_entry::Entity::find_by_id(new.registration_id.to_string())
        .one(&txn)
        .await?
    {
        if existing.request_hash != new.hash {
            return Err(ApiError::conflict(
                "REGISTRATION_ID_REUSED",
                format!(
                    "登记编号 {} 已用于另一份不同的登记，请为新的登记生成新编号。",
                    new.registration_id
                ),
            ));
        }
        let view = view_with_reference(&txn, &existing).await?;
        txn.commit().await?;
        return Ok(view);
    }

    let list = material_list::Entity::find_by_id(new.list_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "LIST_NOT_FOUND",
                format!("材料清单 {} 不存在。", new.list_id),
            )
        })?;
    let stored = entries::of_list(&txn, &new.list_id).await?;
    let disputes = entries::disputes_of_list(&txn, &new.list_id).await?;
    let decisions = entries::decisions(&disputes, &stored);
    let listed = listed_items(&txn, &new.list_id).await?;
    let expected = expected_items(&new, &list, &stored, &decisions, &listed)?;

    let types = Catalogue::builtin().map_err(|error| {
        ApiError::internal(anyhow::anyhow!(
            "built-in material types are invalid: {error}"
        ))
    })?;
    let counts = check::validate(&expected, &new.check, |code| types.get(code).is_some()).map_err(
        |problems| {
            let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
            ApiError::unprocessable(
                "CHECK_INVALID",
                format!("核对结果有误：{}。", messages.join("；")),
            )
        },
    )?;

    let timeliness = match new.kind {
        EntryKind::Receipt => Some(timeliness_of_list(&txn, &new.list_id, now).await?),
        _ => None,
    };
    let court_id = court_of_team(&txn, &list.team_id).await?;
    let number = allocate_number(&txn, &court_id, shanghai_day(now).year()).await?;

    let row = insert_entry(
        &txn, &new, &list, caller, &court_id, number, counts, timeliness, now,
    )
    .await?;
    let all = entries::of_list(&txn, &new.list_id).await?;
    catalogue::file_kept_items(&txn, &list, &all, &decisions, now).await?;

    if new.kind == EntryKind::Receipt {
        center_write::mark_received(&txn, &new.list_id, &caller.user_id, now).await?;
    }
    let mut tasks = new_tasks(&all, &decisions, &row.entry_id);
    tasks.sort_by_key(|task| {
        new.check
            .items
            .iter()
            .position(|item| item.item_id == task.item_id)
            .unwrap_or(usize::MAX)
    });
    announce(
        &txn,
        &list,
        &row,
        &new.check,
        &tasks,
        &listed_titles(&txn, &new.list_id).await?,
        now,
    )
    .await?;

    let view = view_with_reference(&txn, &row).await?;
    txn.commit().await?;
    tracing::info!(entry_id = %row.entry_id, number = %row.number, list_id = %row.list_id, kind = %row.kind, "register entry stored");
    Ok(view)
}

fn expected_items(
    new: &NewEntry,
    list: &material_list::Model,
    stored: &[StoredEntry],
    decisions: &[rules::DisputeDecision],
    listed: &[ExpectedItem],
) -> ApiResult<Vec<ExpectedItem>> {
    let records: Vec<rules::EntryRecord> =
        stored.iter().map(|entry| entry.record.clone()).collect();
    let result = match new.kind {
        EntryKind::Receipt => {
            let status = Status::from_code(&list.status);
            // NOTE: a list still 已返回单位 appears in the clerk's queue but cannot be registered
            // until the team marks it 已移送 on a phone, because only the team may hand it over.
            if !matches!(status, Some(Status::HandedOver) | Some(Status::Received)) {
                let label = status.map(Status::name_zh).unwrap_or(list.status.as_str());
                return Err(ApiError::conflict(
                    "LIST_NOT_HANDED_OVER",
                    format!("清单状态为{label}，团队在手机上移送清单后才能登记接收。"),
                ));
            }
            rules::expected_for_receipt(&records, listed)
        }
        EntryKind::Supplement => rules::expected_for_supplement(&records, decisions, listed),
        EntryKind::Correction => {
            let target = new
                .refers_to
                .as_ref()
                .and_then(|id| stored.iter().find(|entry| &entry.row.entry_id == id))
                .ok_or_else(|| {
                    ApiError::not_found("REGISTER_ENTRY_NOT_FOUND", "要更正的登记不存在。")
                })?;
            rules::expected_for_correction(&records, target.record.number, listed)
        }
    };
    result.map_err(register_error)
}

/// Maps a register rule error to 409 (404 for an unknown entry).
pub fn register_error(error: RegisterError) -> ApiError {
    match error {
        RegisterError::EntryNotFound(_) => ApiError::not_found(error.code(), error.to_string()),
        other => ApiError::conflict(other.code(), format!("{other}。")),
    }
}

/// Returns the live items of a list as the check expects them.
async fn listed_items<C: ConnectionTrait>(db: &C, list_id: &str) -> ApiResult<Vec<ExpectedItem>> {
    Ok(live_items(db, list_id)
        .await?
        .iter()
        .filter_map(|item| {
            Some(ExpectedItem {
                item_id: Uuid::parse_str(&item.item_id).ok()?,
                page_count: item.page_count,
            })
        })
        .collect())
}

/// Returns the items of a list that were not removed.
pub async fn live_items<C: ConnectionTrait>(
    db: &C,
    list_id: &str,
) -> ApiResult<Vec<material_item::Model>> {
    let mut items = material_item::Entity::find()
        .filter(material_item::Column::ListId.eq(list_id))
        .filter(material_item::Column::RemovedAt.is_null())
        .all(db)
        .await?;
    items.sort_by(|a, b| (a.added_at, &a.item_id).cmp(&(b.added_at, &b.item_id)));
    Ok(items)
}

async fn listed_titles<C: ConnectionTrait>(
    db: &C,
    list_id: &str,
) -> ApiResult<Vec<(String, String)>> {
    Ok(live_items(db, list_id)
        .await?
        .into_iter()
        .map(|item| (item.item_id, item.title))
        .collect())
}

/// Reads whether the list met its hand-over deadline, from the deadline the server computed.
async fn timeliness_of_list<C: ConnectionTrait>(
    db: &C,
    list_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Timeliness> {
    let Some(row) = handover_deadline::Entity::find_by_id(list_id.to_string())
        .one(db)
        .await?
    else {
        return Ok(Timeliness::NoDeadline);
    };
    let calendar = calendar_store::load(db).await?;
    Ok(match handover::state_at(&calendar, &row, now)? {
        HandoverState::HandedOverLate { working_days_late } => {
            Timeliness::Late { working_days_late }
        }
        HandoverState::HandedOverOnTime => Timeliness::OnTime,
        // The deadline row has no hand-over time yet, so the paper counts as handed over now.
        HandoverState::Overdue => Timeliness::Late {
            working_days_late: row.working_days_late.unwrap_or(0).max(0) as u32,
        },
        HandoverState::NotDue | HandoverState::DueToday => Timeliness::OnTime,
    })
}

async fn court_of_team<C: ConnectionTrait>(db: &C, team_id: &str) -> ApiResult<String> {
    team::Entity::find_by_id(team_id.to_string())
        .one(db)
        .await?
        .map(|team| team.court_id)
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "team {team_id} of a material list does not exist"
            ))
        })
}

/// Allocates the next register number of a court and year in the database: an upsert on
/// `register_counters` that every server process serialises on the counter row.
async fn allocate_number(
    txn: &DatabaseTransaction,
    court_id: &str,
    year: i32,
) -> ApiResult<RegisterNumber> {
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO register_counters (court_id, year, last_serial) VALUES ($1, $2, 1) \
             ON CONFLICT (court_id, year) DO UPDATE SET last_serial = register_counters.last_serial + 1 \
             RETURNING last_serial"
        }
        _ => {
            "INSERT INTO register_counters (court_id, year, last_serial) VALUES (?, ?, 1) \
             ON CONFLICT (court_id, year) DO UPDATE SET last_serial = register_counters.last_serial + 1 \
             RETURNING last_serial"
        }
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [court_id.into(), year.into()],
        ))
        .await?
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("register counter upsert returned no row"))
        })?;
    let serial: i32 = row.try_get("", "last_serial")?;
    Ok(RegisterNumber {
        year,
        serial: serial as u32,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_entry(
    txn: &DatabaseTransaction,
    new: &NewEntry,
    list: &material_list::Model,
    caller: &AuthUser,
    court_id: &str,
    number: RegisterNumber,
    counts: CheckCounts,
    timeliness: Option<Timeliness>,
    now: DateTime<Utc>,
) -> ApiResult<register_entry::Model> {
    let check_json = serde_json::to_string(&new.check).map_err(|error| {
        ApiError::internal(anyhow::anyhow!("check does not serialise: {error}"))
    })?;
    let row = register_entry::ActiveModel {
        entry_id: Set(new.registration_id.to_string()),
        court_id: Set(court_id.to_string()),
        year: Set(number.year),
        serial: Set(number.serial as i32),
        number: Set(number.to_string()),
        kind: Set(new.kind.code().to_string()),
        list_id: Set(new.list_id.clone()),
        case_number: Set(list.case_number.clone()),
        team_id: Set(list.team_id.clone()),
        refers_to: Set(new.refers_to.clone()),
        receipt_of_list: Set((new.kind == EntryKind::Receipt).then(|| new.list_id.clone())),
        correction_of: Set(new
            .refers_to
            .clone()
            .filter(|_| new.kind == EntryKind::Correction)),
        handed_over_by: Set(new.handed_over_by.clone()),
        handed_over_at: Set(list.handed_over_at),
        received_by: Set(caller.user_id.clone()),
        received_at: Set(now),
        timeliness: Set(timeliness
            .as_ref()
            .map(|t| entries::timeliness_code(t).to_string())),
        working_days_late: Set(timeliness.map(|t| t.working_days_late() as i32)),
        count_received: Set(counts.received as i32),
        count_missing: Set(counts.missing as i32),
        count_page_mismatch: Set(counts.page_mismatch as i32),
        count_rejected: Set(counts.rejected as i32),
        count_extra: Set(counts.extra as i32),
        check_json: Set(check_json),
        note: Set(new.note.clone()),
        request_hash: Set(new.hash.clone()),
    };
    Ok(row.insert(txn).await?)
}

async fn view_with_reference<C: ConnectionTrait>(
    db: &C,
    row: &register_entry::Model,
) -> ApiResult<RegisterEntryView> {
    let refers_to_number = match &row.refers_to {
        Some(id) => register_entry::Entity::find_by_id(id.clone())
            .one(db)
            .await?
            .map(|other| other.number),
        None => None,
    };
    entries::view(row, refers_to_number)
}

/// Returns the items still missing or rejected because of the entry `entry_id`: those whose
/// current result comes from the entry's correction chain. A correction of an early entry whose
/// items a later supplement settled therefore gives no tasks.
fn new_tasks(
    all: &[StoredEntry],
    decisions: &[rules::DisputeDecision],
    entry_id: &str,
) -> Vec<ItemCheck> {
    let mut root = all.iter().find(|entry| entry.row.entry_id == entry_id);
    while let Some(entry) = root.filter(|entry| entry.record.kind == EntryKind::Correction) {
        let target = entry.row.refers_to.as_deref();
        root = all
            .iter()
            .find(|other| Some(other.row.entry_id.as_str()) == target);
    }
    let Some(root) = root else {
        return Vec::new();
    };
    let records: Vec<rules::EntryRecord> = all.iter().map(|entry| entry.record.clone()).collect();
    rules::current_results(&records, decisions)
        .into_iter()
        .filter(|(_, current)| {
            current.entry == root.record.number && current.result.is_outstanding()
        })
        .map(|(item_id, current)| ItemCheck {
            item_id,
            result: current.result,
        })
        .collect()
}

/// Tells the team on the feed: one event for the entry with the counts of its check, and one
/// task event per item in `tasks`.
async fn announce<C: ConnectionTrait>(
    db: &C,
    list: &material_list::Model,
    row: &register_entry::Model,
    check: &HandoverCheck,
    tasks: &[ItemCheck],
    titles: &[(String, String)],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let counts = CheckCounts::of(check);
    let mut message = format!(
        "卷宗管理中心已登记{}（{}，案号{}）：已收 {} 项，页数不符 {} 项，缺失 {} 项，不规范 {} 项，清单外 {} 项。",
        EntryKind::from_code(&row.kind).map(EntryKind::name_zh).unwrap_or("接收"),
        row.number,
        row.case_number,
        counts.received,
        counts.page_mismatch,
        counts.missing,
        counts.rejected,
        counts.extra,
    );
    if let Some(timeliness) = entries::timeliness_of(row) {
        message.push_str(&timeliness.describe_zh());
        message.push('。');
    }
    let code = row.kind.to_uppercase();
    feed::append(
        db,
        feed::NewEvent {
            team_id: &list.team_id,
            list_id: Some(&list.list_id),
            device_id: None,
            kind: RECEIPT_REGISTERED,
            code: Some(&code),
            message: Some(&message),
            item_id: None,
        },
        now,
    )
    .await?;

    for item in tasks {
        let title = titles
            .iter()
            .find(|(id, _)| *id == item.item_id.to_string())
            .map(|(_, title)| title.as_str())
            .unwrap_or("");
        let text = task_message(title, &item.result);
        let code = task_code(&item.result);
        feed::append(
            db,
            feed::NewEvent {
                team_id: &list.team_id,
                list_id: Some(&list.list_id),
                device_id: None,
                kind: CENTER_TASK,
                code: Some(code),
                message: Some(&text),
                item_id: Some(item.item_id),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Returns the stable code of a task: `ITEM_MISSING` or `ITEM_REJECTED`.
pub fn task_code(result: &ItemResult) -> &'static str {
    match result {
        ItemResult::Rejected { .. } => "ITEM_REJECTED",
        _ => "ITEM_MISSING",
    }
}

/// Returns the Chinese text of a task for the team.
pub fn task_message(title: &str, result: &ItemResult) -> String {
    match result {
        ItemResult::Rejected { reason, correction } => format!(
            "材料“{title}”不符合规范（{}），未予签收。修改意见：{correction}。请修改后作为补交材料重新移送。",
            reason.name_zh()
        ),
        _ => format!("材料“{title}”列在清单中但未移送，请补交。"),
    }
}
