//! Login, token refresh and the user's own profile.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// A stable id the phone makes once and keeps, such as a UUID.
    pub device_id: String,
    /// A name people recognise, such as 张三的华为手机.
    pub device_name: String,
}

/// `POST /api/v1/auth/refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The tokens returned by login and refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenPair {
    /// Always `Bearer`.
    pub token_type: String,
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    /// Exchangeable once; each refresh returns a new one.
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The server's id for this phone.
    pub device_id: String,
    pub user: UserInfo,
}

/// The logged-in user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UserInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    /// Role codes such as `field_officer`.
    pub roles: Vec<String>,
}
