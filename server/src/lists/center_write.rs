//! The server's own writes to a list document on behalf of the case-file center (卷宗管理中心).
//!
//! The server's actor (`SERVER_ACTOR`) writes the change inside the caller's write transaction,
//! under the list's lock. The same transaction stores the change, rewrites the list's rows and
//! announces it on the feed, the same way a sync round stores a device's change. Phones receive it at
//! their next sync.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use juanzong_mobile_api::feed::LIST_CHANGED;
use juanzong_sync::model::{MaterialList, Status};
use juanzong_sync::Editor;

use super::{feed, rows, store};
use crate::error::{ApiError, ApiResult};

/// Moves a list from 已移送 to 已接收, recording `user` as the receiver. A list already 已接收 is
/// left as it is. Returns the snapshot after the change.
///
/// Takes the list's lock; the caller holds the write transaction and commits it.
pub async fn mark_received(
    txn: &DatabaseTransaction,
    list_id: &str,
    user: &str,
    now: DateTime<Utc>,
) -> ApiResult<MaterialList> {
    store::lock_list(txn, list_id).await?;
    let mut loaded = store::load(txn, list_id).await?;
    let Some(row) = loaded.row.clone() else {
        return Err(ApiError::not_found(
            "LIST_NOT_FOUND",
            format!("材料清单 {list_id} 不存在。"),
        ));
    };
    let before = snapshot(&loaded.document, list_id)?;
    if before.status == Status::Received {
        return Ok(before);
    }

    let heads = loaded.document.heads();
    let editor = Editor {
        user: user.to_string(),
        at: now,
    };
    loaded.document.receive(&editor).map_err(|error| {
        ApiError::conflict(
            "LIST_NOT_HANDED_OVER",
            format!(
                "清单状态为{}，只有已移送的清单可以登记接收：{error}",
                before.status.name_zh()
            ),
        )
    })?;
    let changes = loaded.document.save_after(&heads);
    store::store_changes(txn, list_id, &row.team_id, &mut loaded, &changes, now).await?;

    let after = snapshot(&loaded.document, list_id)?;
    rows::write(txn, &after, now).await?;
    feed::append(
        txn,
        feed::NewEvent {
            team_id: &row.team_id,
            list_id: Some(list_id),
            device_id: None,
            kind: LIST_CHANGED,
            code: None,
            message: None,
            item_id: None,
        },
        now,
    )
    .await?;
    Ok(after)
}

fn snapshot(
    document: &juanzong_sync::MaterialListDocument,
    list_id: &str,
) -> ApiResult<MaterialList> {
    document.snapshot().map_err(|error| {
        ApiError::internal(anyhow::anyhow!(
            "stored document {list_id} has no readable list: {error}"
        ))
    })
}
