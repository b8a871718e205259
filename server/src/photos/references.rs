//! Photo references: the list items that show each photo, and the upload and read rights that
//! follow from them.
//!
//! Access rule: a photo belongs to the lists that refer to it. A caller may upload a photo only
//! when a list the caller may change refers to it: a field officer's own team's list, or any list
//! for the case-file center. A caller may read a photo when a list the caller may read refers to
//! it. So
//! the phone syncs the list first and uploads second, and no device can fill the disk with bytes
//! that no list of its own needs. A photo no list refers to any more stays readable by no one and
//! is removed after the grace period (see `blobs::gc`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use juanzong_sync::engine::Access;
use juanzong_sync::model::MaterialList;

use super::PhotoStatus;
use crate::auth::AuthUser;
use crate::blobs::lock_blob;
use crate::entities::{blob, material_list, photo, photo_reference};
use crate::error::{ApiError, ApiResult};
use crate::lists::access::{self, sees_all_teams};

/// Largest number of values put in one `IN (…)` list.
const IN_CHUNK: usize = 500;

/// One item page that shows a photo, with the list's team and case number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub list_id: String,
    pub item_id: String,
    /// Page index within the item, from 0.
    pub position: i32,
    pub removed: bool,
    pub team_id: String,
    pub case_number: String,
}

/// Rewrites the photo references of one list from its merged snapshot, and queues the photos
/// that are stored and newly referred to. Runs in the transaction that rewrites the item rows.
pub async fn replace_for_list<C: ConnectionTrait>(
    db: &C,
    snapshot: &MaterialList,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let list_id = snapshot.list_id.to_string();
    let old: BTreeSet<String> = photo_reference::Entity::find()
        .filter(photo_reference::Column::ListId.eq(list_id.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.sha256)
        .collect();

    let mut rows = Vec::new();
    for item in snapshot.items.values() {
        for (position, hash) in item.photos.iter().enumerate() {
            rows.push(photo_reference::ActiveModel {
                list_id: Set(list_id.clone()),
                item_id: Set(item.id.to_string()),
                position: Set(position as i32),
                sha256: Set(hash.to_ascii_lowercase()),
                removed: Set(item.is_removed()),
            });
        }
    }
    let new: BTreeSet<String> = rows.iter().map(|row| row.sha256.clone().unwrap()).collect();

    // Lock every blob whose references change, in sorted order, before touching its rows, so a
    // garbage-collection pass finds either none or all of this change.
    let changed: Vec<&String> = old
        .symmetric_difference(&new)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for hash in &changed {
        lock_blob(db, hash).await?;
    }

    photo_reference::Entity::delete_many()
        .filter(photo_reference::Column::ListId.eq(list_id.clone()))
        .exec(db)
        .await?;
    for chunk in rows.chunks(IN_CHUNK / 5) {
        photo_reference::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }

    for chunk in changed.chunks(IN_CHUNK) {
        blob::Entity::update_many()
            .col_expr(
                blob::Column::ReferencesChangedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(blob::Column::Sha256.is_in(chunk.iter().map(|hash| hash.to_string())))
            .exec(db)
            .await?;
    }
    let added: Vec<String> = new.difference(&old).cloned().collect();
    queue_stored(db, &added, now).await
}

/// Queues each of `hashes` that is stored and has no `photos` row yet.
pub async fn queue_stored<C: ConnectionTrait>(
    db: &C,
    hashes: &[String],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    for chunk in hashes.chunks(IN_CHUNK) {
        let stored: Vec<String> = blob::Entity::find()
            .select_only()
            .column(blob::Column::Sha256)
            .filter(blob::Column::Sha256.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        for hash in stored {
            queue(db, &hash, now).await?;
        }
    }
    Ok(())
}

/// Inserts a pending `photos` row unless one exists.
async fn queue<C: ConnectionTrait>(db: &C, hash: &str, now: DateTime<Utc>) -> ApiResult<()> {
    let row = photo::ActiveModel {
        sha256: Set(hash.to_string()),
        status: Set(PhotoStatus::Pending.code().to_string()),
        status_label: Set(PhotoStatus::Pending.label_zh().to_string()),
        failure_code: Set(None),
        failure_message: Set(None),
        attempts: Set(0),
        claimed_by: Set(None),
        claimed_until: Set(None),
        queued_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        format: Set(None),
        original_width: Set(None),
        original_height: Set(None),
        working_width: Set(None),
        working_height: Set(None),
        upright: Set(None),
        checks: Set(None),
        ocr_text: Set(None),
        ocr_confidence: Set(None),
        case_numbers: Set(None),
        thumbnail_small: Set(None),
        thumbnail_large: Set(None),
        updated_at: Set(now),
    };
    photo::Entity::insert(row)
        .on_conflict_do_nothing_on([photo::Column::Sha256])
        .exec(db)
        .await?;
    Ok(())
}

/// Returns every item page that shows the photo, with its list's team and case number.
pub async fn of_photo<C: ConnectionTrait>(db: &C, hash: &str) -> ApiResult<Vec<Reference>> {
    let rows = photo_reference::Entity::find()
        .filter(photo_reference::Column::Sha256.eq(hash))
        .all(db)
        .await?;
    let list_ids: BTreeSet<String> = rows.iter().map(|row| row.list_id.clone()).collect();
    let lists: BTreeMap<String, material_list::Model> = material_list::Entity::find()
        .filter(material_list::Column::ListId.is_in(list_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|list| (list.list_id.clone(), list))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let list = lists.get(&row.list_id)?;
            Some(Reference {
                list_id: row.list_id,
                item_id: row.item_id,
                position: row.position,
                removed: row.removed,
                team_id: list.team_id.clone(),
                case_number: list.case_number.clone(),
            })
        })
        .collect())
}

/// Allows an upload when a list the caller may change refers to the photo.
pub fn check_upload(caller: &AuthUser, references: &[Reference]) -> ApiResult<()> {
    if references.is_empty() {
        return Err(ApiError::conflict(
            "BLOB_NOT_REFERENCED",
            "还没有材料清单引用这张照片。请先同步材料清单，再上传照片。",
        ));
    }
    let writable = references.iter().any(|reference| {
        access::decide(caller, Some(&reference.team_id))
            .is_ok_and(|decided| decided.access == Access::ReadWrite)
    });
    if writable {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "BLOB_FORBIDDEN",
        "没有权限：引用这张照片的材料清单不属于您的团队。",
    ))
}

/// Returns the references the caller may read, or an error when there is none.
pub fn readable(caller: &AuthUser, references: Vec<Reference>) -> ApiResult<Vec<Reference>> {
    if references.is_empty() {
        return Err(ApiError::not_found(
            "PHOTO_NOT_FOUND",
            "找不到这张照片：没有材料清单引用它。",
        ));
    }
    let visible: Vec<Reference> = references
        .into_iter()
        .filter(|reference| access::decide(caller, Some(&reference.team_id)).is_ok())
        .collect();
    if visible.is_empty() {
        return Err(ApiError::forbidden(
            "PHOTO_FORBIDDEN",
            "没有权限：引用这张照片的材料清单不属于您的团队。",
        ));
    }
    Ok(visible)
}

/// Returns the photo hashes that items (not removed) of the lists in the caller's scope refer to
/// and the server does not have yet, sorted. The scope is the caller's team, or every team for
/// the center, the director and the administrator, as for list reading.
pub async fn missing_for<C: ConnectionTrait>(db: &C, caller: &AuthUser) -> ApiResult<Vec<String>> {
    let mut lists = material_list::Entity::find()
        .select_only()
        .column(material_list::Column::ListId);
    if !sees_all_teams(caller) {
        let team = caller.team_id.clone().ok_or_else(|| {
            ApiError::forbidden("NO_TEAM", "当前用户不属于任何团队，无法查看材料清单。")
        })?;
        lists = lists.filter(material_list::Column::TeamId.eq(team));
    }
    let list_ids: Vec<String> = lists.into_tuple().all(db).await?;

    let mut referenced = BTreeSet::new();
    for chunk in list_ids.chunks(IN_CHUNK) {
        let hashes: Vec<String> = photo_reference::Entity::find()
            .select_only()
            .column(photo_reference::Column::Sha256)
            .filter(photo_reference::Column::ListId.is_in(chunk.to_vec()))
            .filter(photo_reference::Column::Removed.eq(false))
            .into_tuple()
            .all(db)
            .await?;
        referenced.extend(hashes);
    }

    let wanted: Vec<String> = referenced.into_iter().collect();
    let mut stored = BTreeSet::new();
    for chunk in wanted.chunks(IN_CHUNK) {
        let hashes: Vec<String> = blob::Entity::find()
            .select_only()
            .column(blob::Column::Sha256)
            .filter(blob::Column::Sha256.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        stored.extend(hashes);
    }
    Ok(wanted
        .into_iter()
        .filter(|hash| !stored.contains(hash))
        .collect())
}

/// Tells whether any list item, removed ones included, refers to the photo.
pub async fn is_referenced<C: ConnectionTrait>(db: &C, hash: &str) -> ApiResult<bool> {
    let found = photo_reference::Entity::find()
        .filter(photo_reference::Column::Sha256.eq(hash))
        .one(db)
        .await?;
    Ok(found.is_some())
}
