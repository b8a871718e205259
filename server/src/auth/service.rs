//! Login, refresh-token rotation with reuse detection, logout and device revocation.
//!
//! A login creates a session for one device. Each refresh token is stored only as its SHA-256
//! hash, can be exchanged once, and is replaced by a new one in the same session. Presenting a
//! token that was already exchanged means it was copied: every session of that device is revoked
//! and the phone must log in again.

use std::sync::LazyLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::password;
use crate::db::begin_write;
use crate::entities::{device, refresh_token, session, user};
use crate::error::{ApiError, ApiResult};
use crate::org::service as org;
use crate::state::AppState;
use juanzong_mobile_api::auth::{LoginRequest, TokenPair, UserInfo};

/// Maximum length of a device key or device name from a phone, in characters.
const MAX_DEVICE_FIELD_CHARS: usize = 128;

/// A hash of a random password, verified when the user name is unknown so that a failed login
/// takes the same time whether or not the user exists.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash(&password::generate()).unwrap_or_default());

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("INVALID_CREDENTIALS", "用户名或密码错误。")
}

fn device_revoked() -> ApiError {
    ApiError::unauthorized(
        "DEVICE_REVOKED",
        "此设备已被管理员停用，请联系系统管理员。",
    )
}

/// Returns the hex SHA-256 of a refresh token, the only form stored.
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn check_device_field(value: &str, field: &str) -> ApiResult<()> {
    let chars = value.trim().chars().count();
    if chars == 0 || chars > MAX_DEVICE_FIELD_CHARS {
        return Err(ApiError::bad_request(
            "INVALID_DEVICE",
            format!("{field} 不能为空，且不超过 {MAX_DEVICE_FIELD_CHARS} 个字符。"),
        ));
    }
    Ok(())
}

/// Checks a user name and password and starts a session on the phone's device.
pub async fn login(state: &AppState, request: LoginRequest) -> ApiResult<TokenPair> {
    check_device_field(&request.device_id, "device_id")?;
    check_device_field(&request.device_name, "device_name")?;

    let found = user::Entity::find()
        .filter(user::Column::Username.eq(request.username.trim()))
        .one(&state.db)
        .await?;
    let stored_hash = found
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password_ok = password::verify_blocking(request.password.clone(), stored_hash).await;
    let user = match found {
        Some(user) if password_ok => user,
        _ => return Err(invalid_credentials()),
    };
    if user.disabled {
        return Err(ApiError::unauthorized(
            "ACCOUNT_DISABLED",
            "此账号已停用，请联系系统管理员。",
        ));
    }

    let now = Utc::now();
    let txn = begin_write(&state.db).await?;
    let device = upsert_device(&txn, &user, &request, now).await?;
    let session_id = Uuid::new_v4().to_string();
    session::ActiveModel {
        id: Set(session_id.clone()),
        device_id: Set(device.id.clone()),
        user_id: Set(user.id.clone()),
        created_at: Set(now),
        revoked_at: Set(None),
        revoke_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    let (refresh_token, refresh_expires) =
        insert_refresh_token(&txn, &session_id, now, state.settings.refresh_token_days).await?;
    txn.commit().await?;

    tracing::info!(user_id = %user.id, device_id = %device.id, "login succeeded");
    token_pair(state, &user, &device.id, &session_id, refresh_token, refresh_expires, now).await
}

/// Finds the phone's device row or creates it. A phone handed to another user keeps its row,
/// and the earlier user's sessions on it end.
async fn upsert_device<C: ConnectionTrait>(
    txn: &C,
    user: &user::Model,
    request: &LoginRequest,
    now: DateTime<Utc>,
) -> ApiResult<device::Model> {
    let existing = device::Entity::find()
        .filter(device::Column::DeviceKey.eq(request.device_id.trim()))
        .one(txn)
        .await?;
    match existing {
        Some(found) if found.revoked_at.is_some() => Err(device_revoked()),
        Some(found) => {
            if found.user_id != user.id {
                revoke_device_sessions(txn, &found.id, "device_reassigned", now).await?;
            }
            let mut active: device::ActiveModel = found.into();
            active.user_id = Set(user.id.clone());
            active.name = Set(request.device_name.trim().to_string());
            active.last_seen_at = Set(now);
            Ok(active.update(txn).await?)
        }
        None => Ok(device::ActiveModel {
            id: Set(Uuid::new_v4().to_string()),
            device_key: Set(request.device_id.trim().to_string()),
            user_id: Set(user.id.clone()),
            name: Set(request.device_name.trim().to_string()),
            created_at: Set(now),
            last_seen_at: Set(now),
            revoked_at: Set(None),
        }
        .insert(txn)
        .await?),
    }
}

async fn insert_refresh_token<C: ConnectionTrait>(
    txn: &C,
    session_id: &str,
    now: DateTime<Utc>,
    lifetime_days: i64,
) -> ApiResult<(String, DateTime<Utc>)> {
    let token = new_refresh_token();
    let expires_at = now + Duration::days(lifetime_days);
    refresh_token::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        session_id: Set(session_id.to_string()),
        token_hash: Set(hash_refresh_token(&token)),
        issued_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(txn)
    .await?;
    Ok((token, expires_at))
}

async fn token_pair(
    state: &AppState,
    user: &user::Model,
    device_id: &str,
    session_id: &str,
    refresh_token: String,
    refresh_expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let roles = org::roles_of(&state.db, &user.id).await?;
    let (access_token, access_expires) = state
        .keys
        .issue(
            &user.id,
            user.team_id.as_deref(),
            &roles,
            device_id,
            session_id,
            now,
        )
        .map_err(ApiError::internal)?;
    let team_name = match &user.team_id {
        Some(team_id) => org::team_by_id(&state.db, team_id).await?.map(|t| t.name),
        None => None,
    };
    Ok(TokenPair {
        token_type: "Bearer".to_string(),
        access_token,
        access_token_expires_at: access_expires,
        refresh_token,
        refresh_token_expires_at: refresh_expires,
        device_id: device_id.to_string(),
        user: UserInfo {
            id: user.id.clone(),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            team_id: user.team_id.clone(),
            team_name,
            roles: roles.iter().map(|r| r.code().to_string()).collect(),
        },
    })
}

/// Exchanges a refresh token for a new pair. A token used twice revokes the device's sessions.
pub async fn refresh(state: &AppState, presented: &str) -> ApiResult<TokenPair> {
    let invalid = || {
        ApiError::unauthorized(
            "INVALID_REFRESH_TOKEN",
            "刷新令牌无效，请重新登录。",
        )
    };
    let now = Utc::now();
    let txn = begin_write(&state.db).await?;

    let token = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_refresh_token(presented)))
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    let session = session::Entity::find_by_id(token.session_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    let device = device::Entity::find_by_id(session.device_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    if device.revoked_at.is_some() {
        return Err(device_revoked());
    }
    if session.revoked_at.is_some() {
        return Err(ApiError::unauthorized(
            "SESSION_REVOKED",
            "登录已失效，请重新登录。",
        ));
    }

    // Mark the token used only if it is still unused, because a lost race is a reuse too.
    let marked = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(token.id.clone()))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if token.used_at.is_some() || marked.rows_affected == 0 {
        revoke_device_sessions(&txn, &device.id, "refresh_reuse", now).await?;
        txn.commit().await?;
        tracing::warn!(device_id = %device.id, "refresh token reused; device sessions revoked");
        return Err(ApiError::unauthorized(
            "REFRESH_TOKEN_REUSED",
            "刷新令牌已被使用过，为安全起见此设备已退出登录，请重新登录。",
        ));
    }
    if token.expires_at <= now {
        return Err(ApiError::unauthorized(
            "REFRESH_TOKEN_EXPIRED",
            "登录已过期，请重新登录。",
        ));
    }

    let user = user::Entity::find_by_id(session.user_id.clone())
        .one(&txn)
        .await?
        .ok_or_else(invalid)?;
    if user.disabled {
        return Err(ApiError::unauthorized(
            "ACCOUNT_DISABLED",
            "此账号已停用，请联系系统管理员。",
        ));
    }
    let (new_token, new_expires) =
        insert_refresh_token(&txn, &session.id, now, state.settings.refresh_token_days).await?;
    device::Entity::update_many()
        .col_expr(device::Column::LastSeenAt, Expr::value(now))
        .filter(device::Column::Id.eq(device.id.clone()))
        .exec(&txn)
        .await?;
    txn.commit().await?;

    token_pair(state, &user, &device.id, &session.id, new_token, new_expires, now).await
}

/// Ends one session (logout).
pub async fn logout(db: &DatabaseConnection, session_id: &str) -> ApiResult<()> {
    let now = Utc::now();
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .col_expr(session::Column::RevokeReason, Expr::value("logout"))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn revoke_device_sessions<C: ConnectionTrait>(
    db: &C,
    device_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .col_expr(session::Column::RevokeReason, Expr::value(reason))
        .filter(session::Column::DeviceId.eq(device_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes a lost phone: its sessions end and its next request gets `DEVICE_REVOKED`.
///
/// `device` is the server's device id or the phone's own device key.
pub async fn revoke_device(db: &DatabaseConnection, device: &str) -> ApiResult<device::Model> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let found = device::Entity::find()
        .filter(
            device::Column::Id
                .eq(device)
                .or(device::Column::DeviceKey.eq(device)),
        )
        .one(&txn)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("DEVICE_NOT_FOUND", format!("找不到设备“{device}”。"))
        })?;
    revoke_device_sessions(&txn, &found.id, "device_revoked", now).await?;
    let mut active: device::ActiveModel = found.into();
    active.revoked_at = Set(Some(now));
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(device_id = %updated.id, "device revoked");
    Ok(updated)
}

/// Lists devices with their users, newest first.
pub async fn list_devices(db: &DatabaseConnection) -> ApiResult<Vec<device::Model>> {
    use sea_orm::QueryOrder;
    Ok(device::Entity::find()
        .order_by_desc(device::Column::CreatedAt)
        .all(db)
        .await?)
}
