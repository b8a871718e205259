//! Document storage: a snapshot plus incremental chunks per list, read and written inside a
//! transaction that holds the list's lock.
//!
//! Locking: on PostgreSQL a transaction-scoped advisory lock keyed by the list id serialises
//! every writer of one document across all server processes, including the first writer that
//! creates it. On SQLite the write transaction (`BEGIN IMMEDIATE`) already excludes every other
//! writer. The server's undo changes come from one fixed actor, so two writers of one document
//! at once would both write the same sequence number; the lock prevents that.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Set, Statement,
};

use juanzong_sync::engine::{server_actor, StoredDocument};
use juanzong_sync::MaterialListDocument;

use crate::entities::{device, document, document_chunk, sync_state};
use crate::error::{ApiError, ApiResult};

/// Takes the per-list lock for the rest of the transaction.
pub async fn lock_list(txn: &DatabaseTransaction, list_id: &str) -> ApiResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [list_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// A loaded document and what is needed to store changes to it.
pub struct LoadedDocument {
    pub document: MaterialListDocument,
    /// The stored row, or `None` when the server has not seen the list.
    pub row: Option<document::Model>,
}

/// Loads the server's document for a list, or an empty one.
pub async fn load<C: ConnectionTrait>(db: &C, list_id: &str) -> ApiResult<LoadedDocument> {
    let Some(row) = document::Entity::find_by_id(list_id.to_string()).one(db).await? else {
        return Ok(LoadedDocument {
            document: MaterialListDocument::empty(server_actor()),
            row: None,
        });
    };
    let chunks = document_chunk::Entity::find()
        .filter(document_chunk::Column::ListId.eq(list_id))
        .order_by_asc(document_chunk::Column::Id)
        .all(db)
        .await?;
    let stored = StoredDocument {
        snapshot: row.snapshot.clone(),
        chunks: chunks.into_iter().map(|chunk| chunk.data).collect(),
    };
    let document = stored.load(server_actor()).map_err(|error| {
        ApiError::internal(anyhow::anyhow!("stored document {list_id} failed to load: {error}"))
    })?;
    Ok(LoadedDocument {
        document,
        row: Some(row),
    })
}

/// Stores the changes of one round: a first snapshot for a new list, or one more chunk.
pub async fn store_changes(
    txn: &DatabaseTransaction,
    list_id: &str,
    team_id: &str,
    loaded: &mut LoadedDocument,
    new_changes: &[u8],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    match &loaded.row {
        None => {
            let snapshot = loaded.document.save();
            document::ActiveModel {
                list_id: Set(list_id.to_string()),
                team_id: Set(team_id.to_string()),
                snapshot: Set(snapshot),
                chunk_count: Set(0),
                chunk_bytes: Set(0),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        Some(_) if new_changes.is_empty() => {}
        Some(_) => {
            document_chunk::ActiveModel {
                list_id: Set(list_id.to_string()),
                data: Set(new_changes.to_vec()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            document::Entity::update_many()
                .col_expr(
                    document::Column::ChunkCount,
                    Expr::col(document::Column::ChunkCount).add(1),
                )
                .col_expr(
                    document::Column::ChunkBytes,
                    Expr::col(document::Column::ChunkBytes).add(new_changes.len() as i64),
                )
                .col_expr(document::Column::Version, Expr::col(document::Column::Version).add(1))
                .col_expr(document::Column::UpdatedAt, Expr::value(now))
                .filter(document::Column::ListId.eq(list_id))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// Folds a document's chunks into a new snapshot. The caller holds the list's lock.
/// Returns whether anything was folded.
pub async fn compact(txn: &DatabaseTransaction, list_id: &str, now: DateTime<Utc>) -> ApiResult<bool> {
    let mut loaded = load(txn, list_id).await?;
    let Some(row) = &loaded.row else {
        return Ok(false);
    };
    if row.chunk_count == 0 {
        return Ok(false);
    }
    let snapshot = loaded.document.save();
    document_chunk::Entity::delete_many()
        .filter(document_chunk::Column::ListId.eq(list_id))
        .exec(txn)
        .await?;
    let mut active: document::ActiveModel = row.clone().into();
    active.snapshot = Set(snapshot);
    active.chunk_count = Set(0);
    active.chunk_bytes = Set(0);
    active.version = Set(row.version + 1);
    active.updated_at = Set(now);
    active.update(txn).await?;
    Ok(true)
}

/// Lists documents whose chunks should be folded: more than `max_chunks` chunks, or chunks
/// larger in total than the snapshot.
pub async fn needing_compaction<C: ConnectionTrait>(db: &C, max_chunks: i32) -> ApiResult<Vec<String>> {
    let rows = document::Entity::find()
        .filter(document::Column::ChunkCount.gt(0))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| row.chunk_count > max_chunks || row.chunk_bytes > row.snapshot.len() as i64)
        .map(|row| row.list_id)
        .collect())
}

/// Peer states (同步状态) unused for this many days are deleted. A device that syncs again after
/// that starts from a fresh state: its first message is larger, nothing is lost.
pub const PEER_STATE_MAX_AGE_DAYS: i64 = 180;

/// Deletes the peer states of revoked devices and those unused for [`PEER_STATE_MAX_AGE_DAYS`];
/// returns how many rows went. One statement each, so several server processes may run it at once.
pub async fn prune_peer_states<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> ApiResult<u64> {
    let cutoff = now - chrono::Duration::days(PEER_STATE_MAX_AGE_DAYS);
    let stale = sync_state::Entity::delete_many()
        .filter(sync_state::Column::UpdatedAt.lt(cutoff))
        .exec(db)
        .await?;

    let revoked_devices = sea_orm::sea_query::Query::select()
        .column(device::Column::Id)
        .from(device::Entity)
        .and_where(device::Column::RevokedAt.is_not_null())
        .to_owned();
    let revoked = sync_state::Entity::delete_many()
        .filter(sync_state::Column::DeviceId.in_subquery(revoked_devices))
        .exec(db)
        .await?;
    Ok(stale.rows_affected + revoked.rows_affected)
}
