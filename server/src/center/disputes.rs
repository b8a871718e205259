//! Disputes over a 修改意见: the team that handed the paper over disputes the rejection of one
//! item, and the director (执行局长) decides. The decision is recorded and ends the dispute; an
//! overturned 修改意见 makes the item count as received.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use juanzong_center::check::ItemResult;
use juanzong_center::register::{self as rules, EntryKind};
use juanzong_mobile_api::center::{
    DecideDisputeRequest, DisputeList, DisputeView, RaiseDisputeRequest, DISPUTE_DECIDED,
};

use super::entries::{self, StoredEntry, OVERTURNED, UPHELD};
use super::{access, catalogue, request_hash};
use crate::auth::AuthUser;
use crate::db::begin_write;
use crate::entities::{dispute, material_list, register_entry};
use crate::error::{ApiError, ApiResult};
use crate::lists::{feed, store};


/// Returns the first entry of the correction chain `entry_id` belongs to.
fn chain_root<'a>(entries: &'a [StoredEntry], entry_id: &str) -> Option<&'a StoredEntry> {
    let mut current = entries
        .iter()
        .find(|entry| entry.row.entry_id == entry_id)?;
    while current.record.kind == EntryKind::Correction {
        let target = current.row.refers_to.as_deref()?;
        current = entries.iter().find(|entry| entry.row.entry_id == target)?;
    }
    Some(current)
}

/// Records a team's dispute of the 修改意见 of one rejected item.
pub async fn raise(
    db: &DatabaseConnection,
    caller: &AuthUser,
    request: RaiseDisputeRequest,
) -> ApiResult<DisputeView> {
    let reason = super::required_text(&request.reason, "异议理由")?;
    let entry = entries::find(db, request.entry_id).await?;
    access::require_team_member(caller, &entry.team_id)?;
    let hash = request_hash(&request);

    let txn = begin_write(db).await?;
    store::lock_list(&txn, &entry.list_id).await?;
    if let Some(existing) = dispute::Entity::find_by_id(request.dispute_id.to_string())
        .one(&txn)
        .await?
    {
        if existing.request_hash != hash {
            return Err(ApiError::conflict(
                "DISPUTE_ID_REUSED",
                format!(
                    "异议编号 {} 已用于另一项异议，请为新的异议生成新编号。",
                    request.dispute_id
                ),
            ));
        }
        let view = view_of(&txn, &existing).await?;
        txn.commit().await?;
        return Ok(view);
    }

    let stored = entries::of_list(&txn, &entry.list_id).await?;
    let root = chain_root(&stored, &entry.entry_id).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "entry {} has a broken correction chain",
            entry.entry_id
        ))
    })?;
    let disputes = entries::disputes_of_list(&txn, &entry.list_id).await?;
    if disputes
        .iter()
        .any(|row| row.entry_id == root.row.entry_id && row.item_id == request.item_id.to_string())
    {
        return Err(ApiError::conflict(
            "DISPUTE_EXISTS",
            "已对此材料的修改意见提出过异议，每项修改意见只能提出一次异议。",
        ));
    }
    let records: Vec<_> = stored.iter().map(|entry| entry.record.clone()).collect();
    let current = rules::current_results(&records, &entries::decisions(&disputes, &stored));
    let rejected_here = current.get(&request.item_id).is_some_and(|item| {
        item.entry == root.record.number && matches!(item.result, ItemResult::Rejected { .. })
    });
    if !rejected_here {
        return Err(ApiError::conflict(
            "ITEM_NOT_REJECTED",
            format!(
                "登记 {} 中的材料 {} 目前不是“不规范”，不能对其提出异议。",
                root.row.number, request.item_id
            ),
        ));
    }

    let row = dispute::ActiveModel {
        dispute_id: Set(request.dispute_id.to_string()),
        entry_id: Set(root.row.entry_id.clone()),
        item_id: Set(request.item_id.to_string()),
        list_id: Set(entry.list_id.clone()),
        team_id: Set(entry.team_id.clone()),
        reason: Set(reason),
        raised_by: Set(caller.user_id.clone()),
        raised_at: Set(Utc::now()),
        decision: Set(None),
        decision_note: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        request_hash: Set(hash),
    }
    .insert(&txn)
    .await?;
    let view = entries::dispute_view(&row, &root.row.number)?;
    txn.commit().await?;
    Ok(view)
}

/// Records the director's decision, which ends the dispute. Sending the same decision again
/// returns it; a different decision on a decided dispute is a conflict.
pub async fn decide(
    db: &DatabaseConnection,
    caller: &AuthUser,
    dispute_id: Uuid,
    request: DecideDisputeRequest,
) -> ApiResult<DisputeView> {
    access::require_director(caller)?;
    let note = super::required_text(&request.note, "决定意见")?;
    let decision = if request.upheld { UPHELD } else { OVERTURNED };
    let found = find(db, dispute_id).await?;

    let txn = begin_write(db).await?;
    store::lock_list(&txn, &found.list_id).await?;
    let now = Utc::now();
    let updated = dispute::Entity::update_many()
        .col_expr(dispute::Column::Decision, Expr::value(decision))
        .col_expr(dispute::Column::DecisionNote, Expr::value(note))
        .col_expr(
            dispute::Column::DecidedBy,
            Expr::value(caller.user_id.clone()),
        )
        .col_expr(dispute::Column::DecidedAt, Expr::value(now))
        .filter(dispute::Column::DisputeId.eq(dispute_id.to_string()))
        .filter(dispute::Column::Decision.is_null())
        .exec(&txn)
        .await?;
    let row = find(&txn, dispute_id).await?;
    if updated.rows_affected == 0 {
        if row.decision.as_deref() != Some(decision) {
            return Err(ApiError::conflict(
                "DISPUTE_ALREADY_DECIDED",
                "此异议已由执行局长作出决定，不能再次决定。",
            ));
        }
        let view = view_of(&txn, &row).await?;
        txn.commit().await?;
        return Ok(view);
    }

    let list = material_list::Entity::find_by_id(row.list_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!(
                "list {} of dispute {dispute_id} does not exist",
                row.list_id
            ))
        })?;
    if !request.upheld {
        let stored = entries::of_list(&txn, &row.list_id).await?;
        let disputes = entries::disputes_of_list(&txn, &row.list_id).await?;
        let decisions = entries::decisions(&disputes, &stored);
        catalogue::file_kept_items(&txn, &list, &stored, &decisions, now).await?;
    }
    let view = view_of(&txn, &row).await?;
    let message = format!(
        "执行局长已对登记 {} 中材料的修改意见异议作出决定：{}。{}",
        view.entry_number,
        view.decision_label,
        row.decision_note.clone().unwrap_or_default()
    );
    feed::append(
        &txn,
        feed::NewEvent {
            team_id: &row.team_id,
            list_id: Some(&row.list_id),
            device_id: None,
            kind: DISPUTE_DECIDED,
            code: Some(if request.upheld {
                "DISPUTE_UPHELD"
            } else {
                "DISPUTE_OVERTURNED"
            }),
            message: Some(&message),
            item_id: Uuid::parse_str(&row.item_id).ok(),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(%dispute_id, decision, "dispute decided");
    Ok(view)
}

async fn find<C: sea_orm::ConnectionTrait>(db: &C, dispute_id: Uuid) -> ApiResult<dispute::Model> {
    dispute::Entity::find_by_id(dispute_id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("DISPUTE_NOT_FOUND", format!("异议 {dispute_id} 不存在。"))
        })
}

async fn view_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    row: &dispute::Model,
) -> ApiResult<DisputeView> {
    let number = register_entry::Entity::find_by_id(row.entry_id.clone())
        .one(db)
        .await?
        .map(|entry| entry.number)
        .unwrap_or_default();
    entries::dispute_view(row, &number)
}

/// Lists disputes, open ones only when `open_only`: every team's for center posts, the director
/// and the administrator, the caller's own team's for a field role.
pub async fn list(
    db: &DatabaseConnection,
    caller: &AuthUser,
    open_only: bool,
) -> ApiResult<DisputeList> {
    let mut query = dispute::Entity::find().order_by_asc(dispute::Column::RaisedAt);
    if access::require_center_reader(caller).is_err() {
        let team = access::results_team(caller, None)?;
        query = query.filter(dispute::Column::TeamId.eq(team));
    }
    if open_only {
        query = query.filter(dispute::Column::Decision.is_null());
    }
    let rows = query.all(db).await?;
    let mut disputes = Vec::with_capacity(rows.len());
    for row in &rows {
        disputes.push(view_of(db, row).await?);
    }
    Ok(DisputeList { disputes })
}
