//! Garbage collection (清理) of blobs no list refers to, and of abandoned partial uploads.
//!
//! A blob is removed when no item of any list, removed items included, refers to it and its
//! references last changed (or it was stored) more than the grace period ago. Each removal runs
//! in a write transaction holding the blob's lock, the lock that the sync transaction takes
//! before it changes a blob's references, and checks both conditions again under it. So with
//! several server processes sweeping at once, a blob is removed once, and never while a list
//! begins to refer to it. The file is moved to the trash before the rows are deleted and put
//! back if the deletion does not commit, so a row never outlives its file.
//!
//! A file renamed into `objects/` by an upload whose transaction then failed has no row. The
//! sweep also removes such files once they are older than the grace period, under the blob's
//! lock and only while no row exists, the same lock an upload holds from the rename to its
//! commit.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::{lock_blob, BlobHash, BlobStore};
use crate::db::begin_write;
use crate::entities::{blob, photo};
use crate::error::{ApiError, ApiResult};
use crate::photos::references;

/// Blobs examined per pass; the rest wait for the next pass.
const MAX_PER_PASS: u64 = 500;

/// Counts of what one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub blobs_removed: usize,
    /// Files without a row, left by uploads whose transaction failed.
    pub orphans_removed: usize,
    pub partials_removed: usize,
}

/// Removes unreferenced blobs older than `grace` and partial uploads idle for `partial_max_age`,
/// as of `now`.
pub async fn sweep(
    db: &DatabaseConnection,
    store: &BlobStore,
    grace: Duration,
    partial_max_age: Duration,
    now: DateTime<Utc>,
) -> ApiResult<SweepReport> {
    let cutoff = now - chrono::Duration::from_std(grace).map_err(ApiError::internal)?;
    let candidates: Vec<String> = blob::Entity::find()
        .select_only()
        .column(blob::Column::Sha256)
        .filter(blob::Column::ReferencesChangedAt.lt(cutoff))
        .limit(MAX_PER_PASS)
        .into_tuple()
        .all(db)
        .await?;

    let mut report = SweepReport::default();
    for hash in candidates {
        if references::is_referenced(db, &hash).await? {
            continue;
        }
        if remove_if_unreferenced(db, store, BlobHash::from_trusted(hash), cutoff).await? {
            report.blobs_removed += 1;
        }
    }

    let system_now = std::time::SystemTime::UNIX_EPOCH
        + Duration::from_millis(now.timestamp_millis().max(0) as u64);
    let orphans = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || {
            store.objects_older_than(grace, system_now, MAX_PER_PASS as usize)
        })
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?
    };
    for hash in orphans {
        if remove_if_orphan(db, store, hash).await? {
            report.orphans_removed += 1;
        }
    }

    let store = store.clone();
    report.partials_removed = tokio::task::spawn_blocking(move || {
        store.remove_stale_partials(partial_max_age, system_now)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(report)
}

/// Removes a blob's file under its lock if no row exists for it.
async fn remove_if_orphan(
    db: &DatabaseConnection,
    store: &BlobStore,
    hash: BlobHash,
) -> ApiResult<bool> {
    let txn = begin_write(db).await?;
    lock_blob(&txn, hash.as_str()).await?;
    if blob::Entity::find_by_id(hash.to_string())
        .one(&txn)
        .await?
        .is_some()
    {
        return Ok(false);
    }

    let removed = {
        let store = store.clone();
        let key = hash.clone();
        tokio::task::spawn_blocking(move || store.remove_object(&key))
            .await
            .map_err(ApiError::internal)?
    };
    txn.commit().await?;
    removed.map_err(ApiError::internal)?;
    tracing::info!(sha256 = %hash, "removed a photo file that has no row");
    Ok(true)
}

/// Removes one blob under its lock if it is still unreferenced and older than `cutoff`.
async fn remove_if_unreferenced(
    db: &DatabaseConnection,
    store: &BlobStore,
    hash: BlobHash,
    cutoff: DateTime<Utc>,
) -> ApiResult<bool> {
    let txn = begin_write(db).await?;
    lock_blob(&txn, hash.as_str()).await?;
    let Some(row) = blob::Entity::find_by_id(hash.to_string()).one(&txn).await? else {
        return Ok(false);
    };
    if row.references_changed_at >= cutoff || references::is_referenced(&txn, hash.as_str()).await?
    {
        return Ok(false);
    }

    let trash = {
        let store = store.clone();
        let key = hash.clone();
        tokio::task::spawn_blocking(move || store.move_to_trash(&key))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?
    };
    photo::Entity::delete_by_id(hash.to_string())
        .exec(&txn)
        .await?;
    blob::Entity::delete_by_id(hash.to_string())
        .exec(&txn)
        .await?;
    if let Err(error) = txn.commit().await {
        if let Some(trash) = &trash {
            store.restore(&hash, trash).map_err(ApiError::internal)?;
        }
        return Err(error.into());
    }

    store
        .purge(&hash, trash.as_deref())
        .map_err(ApiError::internal)?;
    tracing::info!(sha256 = %hash, "removed a photo no list refers to");
    Ok(true)
}
