//! State shared by all request handlers.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::auth::jwt::TokenKeys;
use crate::blobs::BlobStore;
use crate::config::Settings;

/// Handles to the database, the token keys, the settings, the blob store and the photo queue's
/// wake-up signal. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub keys: TokenKeys,
    pub settings: Arc<Settings>,
    pub blobs: BlobStore,
    /// Wakes this process's photo workers when an upload queues a photo. Workers of other
    /// processes find it at their next poll.
    pub photo_queue: Arc<Notify>,
}
