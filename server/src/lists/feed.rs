//! The change feed: events a device reads to learn which lists in its scope changed, which of
//! its edits were undone, and which reminders concern it. Event ids increase, and a device's
//! cursor is the largest id it has processed.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sea_orm::sea_query::Condition;
use uuid::Uuid;

use juanzong_mobile_api::feed::{FeedEvent, FeedPage};

use crate::auth::AuthUser;
use crate::entities::feed_event;
use crate::error::ApiResult;
use crate::lists::access::sees_all_teams;

/// Largest page a device may ask for.
pub const MAX_PAGE: u64 = 500;

/// An event to append.
pub struct NewEvent<'a> {
    pub team_id: &'a str,
    pub list_id: Option<&'a str>,
    /// Only this device receives the event; `None` for the whole team (and the center).
    pub device_id: Option<&'a str>,
    pub kind: &'a str,
    pub code: Option<&'a str>,
    pub message: Option<&'a str>,
    pub item_id: Option<Uuid>,
}

pub async fn append<C: ConnectionTrait>(db: &C, event: NewEvent<'_>, now: DateTime<Utc>) -> ApiResult<()> {
    feed_event::ActiveModel {
        team_id: Set(event.team_id.to_string()),
        list_id: Set(event.list_id.map(str::to_string)),
        device_id: Set(event.device_id.map(str::to_string)),
        kind: Set(event.kind.to_string()),
        code: Set(event.code.map(str::to_string)),
        message: Set(event.message.map(str::to_string)),
        item_id: Set(event.item_id.map(|id| id.to_string())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Reads the caller's events after `after`, at most `limit`.
pub async fn read<C: ConnectionTrait>(db: &C, caller: &AuthUser, after: i64, limit: u64) -> ApiResult<FeedPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    let mut query = feed_event::Entity::find()
        .filter(feed_event::Column::Id.gt(after))
        .filter(
            Condition::any()
                .add(feed_event::Column::DeviceId.is_null())
                .add(feed_event::Column::DeviceId.eq(caller.device_id.clone())),
        )
        .order_by_asc(feed_event::Column::Id)
        .limit(limit + 1);
    if !sees_all_teams(caller) {
        let team = caller.team_id.clone().unwrap_or_default();
        query = query.filter(feed_event::Column::TeamId.eq(team));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let cursor = rows.last().map(|row| row.id).unwrap_or(after);
    Ok(FeedPage {
        events: rows
            .into_iter()
            .map(|row| FeedEvent {
                id: row.id,
                list_id: row.list_id.and_then(|id| Uuid::parse_str(&id).ok()),
                kind: row.kind,
                code: row.code,
                message: row.message,
                item_id: row.item_id.and_then(|id| Uuid::parse_str(&id).ok()),
                created_at: row.created_at,
            })
            .collect(),
        cursor,
        more,
    })
}
