//! Relational rows for lists and items, rewritten from the merged document's snapshot in the
//! same transaction that stores the document, so they always agree with it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use juanzong_sync::model::MaterialList;

use crate::entities::{material_item, material_list};
use crate::error::ApiResult;

/// Replaces the list's row and its item rows with the content of `snapshot`.
pub async fn write<C: ConnectionTrait>(db: &C, snapshot: &MaterialList, now: DateTime<Utc>) -> ApiResult<()> {
    let list_id = snapshot.list_id.to_string();
    let live_items = snapshot.live_items();
    let row = material_list::Model {
        list_id: list_id.clone(),
        case_number: snapshot.case_number.clone(),
        team_id: snapshot.team_id.clone(),
        kind: snapshot.kind.code().to_string(),
        status: snapshot.status.code().to_string(),
        trip_date: snapshot.trip.date,
        trip_place: snapshot.trip.place.clone(),
        participants: serde_json::to_string(&snapshot.trip.participants).unwrap_or_default(),
        declared_return_at: snapshot.declared_return_at,
        handed_over_at: snapshot.handed_over_at,
        handed_over_by: snapshot.handed_over_by.clone(),
        received_at: snapshot.received_at,
        received_by: snapshot.received_by.clone(),
        created_by: snapshot.created_by.clone(),
        created_at: snapshot.created_at,
        item_count: live_items.len() as i64,
        page_count: live_items.iter().map(|item| item.page_count).sum(),
        updated_at: now,
    };

    let exists = material_list::Entity::find_by_id(list_id.clone()).one(db).await?.is_some();
    let mut active = row.into_active_model();
    if exists {
        active = mark_all_set(active);
        active.update(db).await?;
    } else {
        active.insert(db).await?;
    }

    material_item::Entity::delete_many()
        .filter(material_item::Column::ListId.eq(list_id.clone()))
        .exec(db)
        .await?;
    for item in snapshot.items.values() {
        material_item::ActiveModel {
            list_id: Set(list_id.clone()),
            item_id: Set(item.id.to_string()),
            material_type: Set(item.material_type.clone()),
            title: Set(item.title.clone()),
            page_count: Set(item.page_count),
            originality: Set(item.originality.code().to_string()),
            produced_on: Set(item.produced_on),
            produced_by: Set(item.produced_by.clone()),
            notes: Set(item.notes.clone()),
            photos: Set(serde_json::to_string(&item.photos).unwrap_or_else(|_| "[]".to_string())),
            uploaded_via_mobile_system: Set(item.uploaded_via_mobile_system),
            added_by: Set(item.added_by.clone()),
            added_at: Set(item.added_at),
            removed_by: Set(item.removed_by.clone()),
            removed_at: Set(item.removed_at),
        }
        .insert(db)
        .await?;
    }
    crate::photos::references::replace_for_list(db, snapshot, now).await
}

/// Marks every column of a model converted with `into_active_model` as changed, so `update`
/// writes all of them.
fn mark_all_set(active: material_list::ActiveModel) -> material_list::ActiveModel {
    use sea_orm::{ActiveValue, Iterable};
    let mut active = active;
    for column in material_list::Column::iter() {
        if let ActiveValue::Unchanged(value) = active.get(column) {
            active.set(column, value);
        }
    }
    active
}
