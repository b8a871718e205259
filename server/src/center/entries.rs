//! Reading register entries and disputes back into the domain types and the wire views.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use juanzong_center::check::{CheckCounts, HandoverCheck};
use juanzong_center::register::{
    DisputeDecision, EntryKind, EntryRecord, RegisterNumber, Timeliness,
};
use juanzong_mobile_api::center::{DisputeView, RegisterEntryView};

use crate::entities::{dispute, register_entry};
use crate::error::{ApiError, ApiResult};

/// Decision code: the 修改意见 remains in force.
pub const UPHELD: &str = "upheld";
/// Decision code: the 修改意见 is overturned.
pub const OVERTURNED: &str = "overturned";

/// A stored entry with its parsed parts.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub row: register_entry::Model,
    pub record: EntryRecord,
}

/// Loads a list's entries in register order.
pub async fn of_list<C: ConnectionTrait>(db: &C, list_id: &str) -> ApiResult<Vec<StoredEntry>> {
    let rows = register_entry::Entity::find()
        .filter(register_entry::Column::ListId.eq(list_id))
        .order_by_asc(register_entry::Column::Year)
        .order_by_asc(register_entry::Column::Serial)
        .all(db)
        .await?;
    parse_all(rows)
}

/// Parses stored rows, which must all belong to one court.
pub fn parse_all(rows: Vec<register_entry::Model>) -> ApiResult<Vec<StoredEntry>> {
    let by_id: std::collections::BTreeMap<String, RegisterNumber> = rows
        .iter()
        .map(|row| (row.entry_id.clone(), number_of(row)))
        .collect();
    rows.into_iter()
        .map(|row| {
            let record = record_of(&row, &by_id)?;
            Ok(StoredEntry { row, record })
        })
        .collect()
}

/// Finds one entry by id, or 404.
pub async fn find<C: ConnectionTrait>(db: &C, entry_id: Uuid) -> ApiResult<register_entry::Model> {
    register_entry::Entity::find_by_id(entry_id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "REGISTER_ENTRY_NOT_FOUND",
                format!("登记簿中没有编号为 {entry_id} 的登记。"),
            )
        })
}

fn number_of(row: &register_entry::Model) -> RegisterNumber {
    RegisterNumber {
        year: row.year,
        serial: row.serial as u32,
    }
}

fn record_of(
    row: &register_entry::Model,
    numbers: &std::collections::BTreeMap<String, RegisterNumber>,
) -> ApiResult<EntryRecord> {
    let kind = EntryKind::from_code(&row.kind).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "register entry {} has unknown kind {}",
            row.entry_id,
            row.kind
        ))
    })?;
    Ok(EntryRecord {
        number: number_of(row),
        kind,
        refers_to: row
            .refers_to
            .as_ref()
            .and_then(|id| numbers.get(id).copied()),
        check: check_of(row)?,
    })
}

/// Parses the stored check of an entry.
pub fn check_of(row: &register_entry::Model) -> ApiResult<HandoverCheck> {
    serde_json::from_str(&row.check_json).map_err(|error| {
        ApiError::internal(anyhow::anyhow!(
            "register entry {} has an unreadable check: {error}",
            row.entry_id
        ))
    })
}

/// Returns the timeliness stored with a receipt.
pub fn timeliness_of(row: &register_entry::Model) -> Option<Timeliness> {
    match row.timeliness.as_deref()? {
        "on_time" => Some(Timeliness::OnTime),
        "late" => Some(Timeliness::Late {
            working_days_late: row.working_days_late.unwrap_or(0).max(0) as u32,
        }),
        _ => Some(Timeliness::NoDeadline),
    }
}

/// Returns the stored code of a timeliness.
pub fn timeliness_code(timeliness: &Timeliness) -> &'static str {
    match timeliness {
        Timeliness::OnTime => "on_time",
        Timeliness::Late { .. } => "late",
        Timeliness::NoDeadline => "no_deadline",
    }
}

fn parse_uuid(text: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|error| {
        ApiError::internal(anyhow::anyhow!(
            "stored {what} {text} is not a UUID: {error}"
        ))
    })
}

/// Builds the wire view of an entry. `refers_to_number` is the number of the entry it refers to.
pub fn view(
    row: &register_entry::Model,
    refers_to_number: Option<String>,
) -> ApiResult<RegisterEntryView> {
    let kind = EntryKind::from_code(&row.kind);
    let timeliness = timeliness_of(row);
    Ok(RegisterEntryView {
        entry_id: parse_uuid(&row.entry_id, "entry id")?,
        number: row.number.clone(),
        kind: row.kind.clone(),
        kind_label: kind.map(EntryKind::name_zh).unwrap_or_default().to_string(),
        list_id: parse_uuid(&row.list_id, "list id")?,
        case_number: row.case_number.clone(),
        team_id: row.team_id.clone(),
        refers_to: row
            .refers_to
            .as_deref()
            .map(|id| parse_uuid(id, "entry id"))
            .transpose()?,
        refers_to_number,
        handed_over_by: row.handed_over_by.clone(),
        handed_over_at: row.handed_over_at,
        received_by: row.received_by.clone(),
        received_at: row.received_at,
        timeliness_label: timeliness.map(|t| t.describe_zh()),
        timeliness,
        counts: CheckCounts {
            received: row.count_received as u32,
            missing: row.count_missing as u32,
            page_mismatch: row.count_page_mismatch as u32,
            rejected: row.count_rejected as u32,
            extra: row.count_extra as u32,
        },
        check: check_of(row)?,
        note: row.note.clone(),
    })
}

/// Builds the views of entries, looking up the numbers they refer to among `all`.
pub fn views(
    rows: &[register_entry::Model],
    all: &[register_entry::Model],
) -> ApiResult<Vec<RegisterEntryView>> {
    rows.iter()
        .map(|row| {
            let refers = row
                .refers_to
                .as_ref()
                .and_then(|id| all.iter().find(|other| &other.entry_id == id))
                .map(|other| other.number.clone());
            view(row, refers)
        })
        .collect()
}

/// Loads the disputes of a list.
pub async fn disputes_of_list<C: ConnectionTrait>(
    db: &C,
    list_id: &str,
) -> ApiResult<Vec<dispute::Model>> {
    Ok(dispute::Entity::find()
        .filter(dispute::Column::ListId.eq(list_id))
        .order_by_asc(dispute::Column::RaisedAt)
        .all(db)
        .await?)
}

/// Returns the decided disputes as decisions on the entries they concern.
pub fn decisions(disputes: &[dispute::Model], entries: &[StoredEntry]) -> Vec<DisputeDecision> {
    disputes
        .iter()
        .filter_map(|row| {
            let upheld = match row.decision.as_deref()? {
                UPHELD => true,
                OVERTURNED => false,
                _ => return None,
            };
            let entry = entries
                .iter()
                .find(|entry| entry.row.entry_id == row.entry_id)?;
            Some(DisputeDecision {
                entry: entry.record.number,
                item_id: Uuid::parse_str(&row.item_id).ok()?,
                upheld,
            })
        })
        .collect()
}

/// Builds the wire view of a dispute.
pub fn dispute_view(row: &dispute::Model, entry_number: &str) -> ApiResult<DisputeView> {
    let decision_label = match row.decision.as_deref() {
        Some(UPHELD) => "维持修改意见",
        Some(OVERTURNED) => "撤销修改意见",
        _ => "待执行局长决定",
    };
    Ok(DisputeView {
        dispute_id: parse_uuid(&row.dispute_id, "dispute id")?,
        entry_id: parse_uuid(&row.entry_id, "entry id")?,
        entry_number: entry_number.to_string(),
        item_id: parse_uuid(&row.item_id, "item id")?,
        list_id: parse_uuid(&row.list_id, "list id")?,
        team_id: row.team_id.clone(),
        reason: row.reason.clone(),
        raised_by: row.raised_by.clone(),
        raised_at: row.raised_at,
        decision: row.decision.clone(),
        decision_label: decision_label.to_string(),
        decision_note: row.decision_note.clone(),
        decided_by: row.decided_by.clone(),
        decided_at: row.decided_at,
    })
}
