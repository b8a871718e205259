//! Folds documents' incremental chunks into new snapshots, so loading a document stays fast, and
//! deletes peer states that can no longer be used (see [`store::prune_peer_states`]).
//!
//! Each document is compacted in its own write transaction holding the list's lock, so a sync
//! of the same list waits for it, and two server processes never compact one document at once.

use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use juanzong_sync::engine::DEFAULT_MAX_CHUNKS;

use crate::db::begin_write;
use crate::error::ApiResult;
use crate::lists::store;

/// Seconds between two passes.
pub const INTERVAL_SECONDS: u64 = 60;

/// Runs passes until `stopped` turns true.
pub async fn run(db: DatabaseConnection, interval: Duration, mut stopped: watch::Receiver<bool>) {
    loop {
        match compact_all(&db).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "compacted documents"),
            Err(error) => tracing::warn!(%error, "document compaction pass failed"),
        }
        match store::prune_peer_states(&db, Utc::now()).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "deleted unused peer states"),
            Err(error) => tracing::warn!(%error, "peer state pruning failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Compacts every document that needs it and returns how many were compacted.
pub async fn compact_all(db: &DatabaseConnection) -> ApiResult<usize> {
    let candidates = store::needing_compaction(db, DEFAULT_MAX_CHUNKS as i32).await?;
    let mut compacted = 0;
    for list_id in candidates {
        let txn = begin_write(db).await?;
        store::lock_list(&txn, &list_id).await?;
        if store::compact(&txn, &list_id, Utc::now()).await? {
            compacted += 1;
        }
        txn.commit().await?;
    }
    Ok(compacted)
}
