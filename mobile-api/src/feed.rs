//! `GET /api/v1/feed?after=CURSOR`: what changed in the device's scope since its cursor.
//!
//! A field device sees its own team's lists; center roles see all. Events are kept in order of
//! their id, which is the cursor: a device stores the largest id it has processed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One page of the feed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    /// Pass as `after` to get the next page; equals the request's `after` when nothing is new.
    pub cursor: i64,
    /// True when more events wait beyond this page.
    pub more: bool,
}

/// One event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeedEvent {
    pub id: i64,
    pub list_id: Option<Uuid>,
    /// `list_changed`, `rule_notice` (an edit the server undid) or `reminder`.
    pub kind: String,
    /// Stable code for `rule_notice` and `reminder` events, such as `LIST_FROZEN`.
    pub code: Option<String>,
    /// Chinese text for people.
    pub message: Option<String>,
    pub item_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Kind of a feed event: a list's document changed.
pub const LIST_CHANGED: &str = "list_changed";
/// Kind of a feed event: an edit broke a rule and the server undid it.
pub const RULE_NOTICE: &str = "rule_notice";
/// Kind of a feed event: a reminder, such as a hand-over due today.
pub const REMINDER: &str = "reminder";
