//! State shared by all request handlers.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::jwt::TokenKeys;
use crate::config::Settings;

/// Handles to the database, the token keys and the settings. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub keys: TokenKeys,
    pub settings: Arc<Settings>,
}
