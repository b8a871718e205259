//! The sync service behind `POST /api/v1/sync`.
//!
//! A request carries messages for several lists. Message decoding runs first for all lists,
//! then the access check for all lists. So a malformed message (400) or a list the device may not
//! touch (403) rejects the whole request before anything is stored. Each list is then synced in its own write transaction holding the
//! list's lock: load, check actor bindings, apply, store the new changes, the peer state, the
//! relational rows and the feed events, commit, and only then return the reply.
//!
//! On PostgreSQL up to [`LISTS_IN_PARALLEL`] lists of one request are synced at the same time,
//! each in its own transaction. On SQLite, which has one writer, they are synced one after another.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set};
use uuid::Uuid;

use juanzong_mobile_api::feed::{LIST_CHANGED, RULE_NOTICE};
use juanzong_mobile_api::sync::{DocumentReply, SyncNotice, SyncRequest, SyncResponse};
use juanzong_sync::engine::{self, InspectedMessage, ServerContext, SyncError};
use juanzong_sync::ActorId;

use super::access::{self, ListAccess};
use super::{feed, rows, store};
use crate::auth::AuthUser;
use crate::db::begin_write;
use crate::deadlines::{calendar_store, handover};
use crate::entities::{actor_binding, document, sync_state};
use crate::error::{ApiError, ApiResult};

/// Maximum number of lists in one request.
pub const MAX_DOCUMENTS_PER_REQUEST: usize = 100;

/// Lists of one request synced at the same time on PostgreSQL. Each uses a pooled connection
/// for its transaction, so this stays well below the pool size.
pub const LISTS_IN_PARALLEL: usize = 4;

struct Planned {
    list_id: Uuid,
    inspected: Option<InspectedMessage>,
    access: ListAccess,
    team_id: Option<String>,
}

/// Runs one sync round for every list in the request.
pub async fn sync(db: &DatabaseConnection, caller: &AuthUser, request: SyncRequest) -> ApiResult<SyncResponse> {
    let plans = plan(db, caller, request).await?;
    let single = plans.len() == 1;

    let mut replies = Vec::with_capacity(plans.len());
    for (list_id, result) in sync_all(db, caller, plans).await? {
        match result {
            Ok(reply) => replies.push(reply),
            // With one list, its failure is the request's failure and keeps its HTTP status.
            Err(error) if single => return Err(error),
            Err(ApiError::Internal(cause)) => return Err(ApiError::Internal(cause)),
            Err(error) => {
                tracing::debug!(%list_id, code = %error.body().code, "list sync rejected");
                replies.push(DocumentReply {
                    list_id,
                    error: Some(error.body()),
                    ..DocumentReply::default()
                });
            }
        }
    }
    Ok(SyncResponse { documents: replies })
}

/// Syncs every planned list, in the order planned, with [`LISTS_IN_PARALLEL`] at a time on
/// PostgreSQL.
async fn sync_all(
    db: &DatabaseConnection,
    caller: &AuthUser,
    plans: Vec<Planned>,
) -> ApiResult<Vec<(Uuid, ApiResult<DocumentReply>)>> {
    let mut results = Vec::with_capacity(plans.len());
    if db.get_database_backend() == DbBackend::Sqlite || plans.len() == 1 {
        for planned in plans {
            let list_id = planned.list_id;
            results.push((list_id, sync_one(db, caller, planned).await));
        }
        return Ok(results);
    }

    let mut plans = plans.into_iter().peekable();
    while plans.peek().is_some() {
        let mut running = tokio::task::JoinSet::new();
        for (index, planned) in plans.by_ref().take(LISTS_IN_PARALLEL).enumerate() {
            let (db, caller) = (db.clone(), caller.clone());
            running.spawn(async move {
                let list_id = planned.list_id;
                (index, list_id, sync_one(&db, &caller, planned).await)
            });
        }
        let mut batch = Vec::with_capacity(LISTS_IN_PARALLEL);
        while let Some(joined) = running.join_next().await {
            let (index, list_id, result) = joined.map_err(|error| ApiError::internal(anyhow::anyhow!(error)))?;
            batch.push((index, list_id, result));
        }
        batch.sort_by_key(|(index, _, _)| *index);
        results.extend(batch.into_iter().map(|(_, list_id, result)| (list_id, result)));
    }
    Ok(results)
}

async fn plan(db: &DatabaseConnection, caller: &AuthUser, request: SyncRequest) -> ApiResult<Vec<Planned>> {
    if request.documents.len() > MAX_DOCUMENTS_PER_REQUEST {
        return Err(ApiError::bad_request(
            "TOO_MANY_DOCUMENTS",
            format!("一次最多同步 {MAX_DOCUMENTS_PER_REQUEST} 份材料清单，请分批同步。"),
        ));
    }
    let mut seen = HashSet::new();
    let mut inspected = Vec::with_capacity(request.documents.len());
    for document in request.documents {
        if !seen.insert(document.list_id) {
            return Err(ApiError::bad_request(
                "DUPLICATE_LIST",
                format!("请求中材料清单 {} 出现了多次。", document.list_id),
            ));
        }
        let message = match &document.message {
            Some(bytes) => Some(engine::inspect(bytes).map_err(|error| {
                tracing::debug!(list_id = %document.list_id, %error, "malformed sync message");
                ApiError::bad_request(
                    "SYNC_MESSAGE_MALFORMED",
                    format!(
                        "材料清单 {} 的同步数据无效或不完整，未做任何修改。请重新同步。",
                        document.list_id
                    ),
                )
            })?),
            None => None,
        };
        inspected.push((document.list_id, message));
    }

    let mut plans = Vec::with_capacity(inspected.len());
    for (list_id, message) in inspected {
        let team_id = document::Entity::find_by_id(list_id.to_string())
            .one(db)
            .await?
            .map(|row| row.team_id);
        let access = access::decide(caller, team_id.as_deref())?;
        plans.push(Planned {
            list_id,
            inspected: message,
            access,
            team_id,
        });
    }
    Ok(plans)
}

async fn sync_one(db: &DatabaseConnection, caller: &AuthUser, planned: Planned) -> ApiResult<DocumentReply> {
    let list_key = planned.list_id.to_string();
    let now = Utc::now();
    let txn = begin_write(db).await?;
    store::lock_list(&txn, &list_key).await?;
    let mut loaded = store::load(&txn, &list_key).await?;

    // The list may have been created by another request since the plan was made.
    let access = match (&planned.team_id, &loaded.row) {
        (None, Some(row)) => access::decide(caller, Some(&row.team_id))?,
        _ => planned.access,
    };

    let peer_state = sync_state::Entity::find_by_id((caller.device_id.clone(), list_key.clone()))
        .one(&txn)
        .await?
        .map(|row| row.state)
        .unwrap_or_default();

    let Some(inspected) = planned.inspected else {
        // The phone sent no message, so reply with the server's message and keep the state.
        let reply = engine::server_generate(&mut loaded.document, &peer_state).map_err(sync_error)?;
        save_peer_state(&txn, &caller.device_id, &list_key, reply.peer_state, now).await?;
        let heads = hex_heads(&loaded.document.heads());
        txn.commit().await?;
        return Ok(DocumentReply {
            list_id: planned.list_id,
            message: reply.message,
            heads,
            ..DocumentReply::default()
        });
    };

    let new_actors = inspected.new_actors(&mut loaded.document);
    bind_actors(&txn, &caller.device_id, &new_actors, now).await?;

    let context = ServerContext {
        list_id: planned.list_id,
        role: access.rule_role,
        access: access.access,
        team_id: access.creates_for_team.clone(),
        now,
    };
    let outcome = engine::apply(&mut loaded.document, &peer_state, inspected, &context).map_err(sync_error)?;

    let team_id = match (&loaded.row, &outcome.snapshot) {
        (Some(row), _) => Some(row.team_id.clone()),
        (None, Some(snapshot)) => Some(snapshot.team_id.clone()),
        (None, None) => None,
    };
    if let Some(team_id) = &team_id {
        if loaded.row.is_some() || !outcome.new_changes.is_empty() {
            store::store_changes(&txn, &list_key, team_id, &mut loaded, &outcome.new_changes, now).await?;
        }
        if let Some(snapshot) = &outcome.snapshot {
            rows::write(&txn, snapshot, now).await?;
            if snapshot.declared_return_at.is_some() {
                let calendar = calendar_store::load(&txn).await?;
                handover::on_snapshot(&txn, &calendar, snapshot, now).await?;
            }
        }
        write_feed_events(&txn, caller, team_id, &list_key, &outcome, now).await?;
    }
    save_peer_state(&txn, &caller.device_id, &list_key, outcome.peer_state.clone(), now).await?;
    txn.commit().await?;

    Ok(DocumentReply {
        list_id: planned.list_id,
        message: outcome.reply,
        notices: outcome
            .notices
            .iter()
            .map(|notice| SyncNotice {
                code: notice.code.clone(),
                message: notice.message.clone(),
                item_id: notice.item_id,
            })
            .collect(),
        heads: hex_heads(&outcome.heads),
        error: None,
    })
}

async fn write_feed_events<C: ConnectionTrait>(
    db: &C,
    caller: &AuthUser,
    team_id: &str,
    list_id: &str,
    outcome: &engine::ServerOutcome,
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    if !outcome.new_changes.is_empty() {
        feed::append(
            db,
            feed::NewEvent {
                team_id,
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
    }
    for notice in &outcome.notices {
        feed::append(
            db,
            feed::NewEvent {
                team_id,
                list_id: Some(list_id),
                device_id: Some(&caller.device_id),
                kind: RULE_NOTICE,
                code: Some(&notice.code),
                message: Some(&notice.message),
                item_id: notice.item_id,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Binds each new actor to the calling device, refusing an actor bound to another device.
async fn bind_actors<C: ConnectionTrait>(
    db: &C,
    device_id: &str,
    actors: &[ActorId],
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    for actor in actors {
        let key = actor.to_hex_string();
        match actor_binding::Entity::find_by_id(key.clone()).one(db).await? {
            Some(binding) if binding.device_id != device_id => {
                tracing::warn!(actor = %key, device_id, "actor id already bound to another device");
                return Err(ApiError::forbidden(
                    "ACTOR_BOUND_TO_OTHER_DEVICE",
                    "同步被拒绝：此修改的作者标识属于另一台设备。请在本设备上重新登录后再同步。",
                ));
            }
            Some(_) => {}
            None => {
                actor_binding::ActiveModel {
                    actor_id: Set(key),
                    device_id: Set(device_id.to_string()),
                    created_at: Set(now),
                }
                .insert(db)
                .await?;
            }
        }
    }
    Ok(())
}

async fn save_peer_state<C: ConnectionTrait>(
    db: &C,
    device_id: &str,
    list_id: &str,
    state: Vec<u8>,
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    let existing = sync_state::Entity::find_by_id((device_id.to_string(), list_id.to_string()))
        .one(db)
        .await?;
    match existing {
        Some(row) => {
            let mut active: sync_state::ActiveModel = row.into();
            active.state = Set(state);
            active.updated_at = Set(now);
            active.update(db).await?;
        }
        None => {
            sync_state::ActiveModel {
                device_id: Set(device_id.to_string()),
                list_id: Set(list_id.to_string()),
                state: Set(state),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

fn hex_heads(heads: &[juanzong_sync::ChangeHash]) -> Vec<String> {
    heads.iter().map(|head| head.to_string()).collect()
}

/// Maps engine errors to API errors: the device's fault is 4xx, a stored document that cannot
/// be read is 500.
fn sync_error(error: SyncError) -> ApiError {
    let code = error.code();
    match code {
        "TEAM_MISMATCH" | "SERVER_ACTOR_FORGED" => ApiError::forbidden(code, error.to_string()),
        "STORED_CHUNK_CORRUPT" | "STORED_CHANGES_MISSING" => {
            ApiError::internal(anyhow::anyhow!("stored document unreadable: {error}"))
        }
        "SYNC_DOCUMENT_INVALID" => ApiError::unprocessable(code, error.to_string()),
        _ => ApiError::bad_request(code, error.to_string()),
    }
}
