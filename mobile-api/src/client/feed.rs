//! Pulling the feed (`GET /api/v1/feed`) into the store.
//!
//! Invariants: a page's effects (empty documents for unknown lists, notices and reminders) are
//! saved before the cursor moves past it. So a pull cut at any point repeats at most one page,
//! and repeated events are recognised by id and stored once.

use uuid::Uuid;

use juanzong_sync::MaterialListDocument;

use crate::client::error::ClientError;
use crate::client::http::Connection;
use crate::client::store::{OfflineStore, StoredNotice};
use crate::center::{CENTER_TASK, DISPUTE_DECIDED, RECEIPT_REGISTERED};
use crate::feed::{FeedPage, LIST_CHANGED, REMINDER, RULE_NOTICE};

/// Most pages read in one pull, so a server that always sets `more` cannot keep the client
/// busy; the rest is read by the next pull.
const MAX_PAGES: usize = 50;

/// Result of one pull.
#[derive(Debug, Default)]
pub(crate) struct Pulled {
    /// Lists this device did not have; an empty document was stored for each, to be synced.
    pub new_lists: Vec<Uuid>,
    /// Notices and reminders stored by this pull.
    pub notices: Vec<StoredNotice>,
    /// Whether the pull brought an event of the case-file center (receipt, task, decision).
    pub center_events: bool,
}

/// Reads the feed from the stored cursor to its end, or up to [`MAX_PAGES`] pages.
pub(crate) async fn pull(
    store: &OfflineStore,
    connection: &mut Connection<'_>,
    page_size: u32,
) -> Result<Pulled, ClientError> {
    let mut pulled = Pulled::default();
    for _ in 0..MAX_PAGES {
        let cursor = store.feed()?.cursor;
        let path = format!("/api/v1/feed?after={cursor}&limit={page_size}");
        let page: FeedPage = connection.get_json(&path).await?;
        let more = page.more && page.cursor > cursor;
        apply_page(store, page, &mut pulled)?;
        if !more {
            break;
        }
    }
    Ok(pulled)
}

/// Applies one page to the store; see the module header for the order of writes.
pub(crate) fn apply_page(
    store: &OfflineStore,
    page: FeedPage,
    pulled: &mut Pulled,
) -> Result<(), ClientError> {
    let mut feed = store.feed()?;
    for event in page.events {
        // Any event about a kept list (a change, a notice, a reminder, the center's results)
        // means its document or its server data may be newer on the server.
        if let Some(list_id) = event.list_id.filter(|id| store.has_list(*id)) {
            feed.stale.insert(list_id);
        }
        match (event.kind.as_str(), event.list_id) {
            (LIST_CHANGED, Some(list_id)) => {
                if !store.has_list(list_id) && !pulled.new_lists.contains(&list_id) {
                    let mut empty = MaterialListDocument::empty(store.actor()?);
                    store.save_document(list_id, &mut empty)?;
                    pulled.new_lists.push(list_id);
                }
            }
            (RULE_NOTICE | REMINDER | RECEIPT_REGISTERED | CENTER_TASK | DISPUTE_DECIDED, _) => {
                if [RECEIPT_REGISTERED, CENTER_TASK, DISPUTE_DECIDED].contains(&event.kind.as_str()) {
                    pulled.center_events = true;
                }
                if feed.notices.iter().all(|n| n.event_id != event.id) {
                    let notice = StoredNotice {
                        event_id: event.id,
                        kind: event.kind,
                        list_id: event.list_id,
                        item_id: event.item_id,
                        code: event.code,
                        message: event.message,
                        created_at: event.created_at,
                    };
                    feed.notices.push(notice.clone());
                    pulled.notices.push(notice);
                }
            }
            (kind, _) => tracing::debug!(kind, id = event.id, "feed event ignored"),
        }
    }
    feed.cursor = feed.cursor.max(page.cursor);
    store.save_feed(&feed)
}
