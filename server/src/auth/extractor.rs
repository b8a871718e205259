//! `AuthUser`, the extractor that every protected handler takes.
//!
//! It reads `Authorization: Bearer <token>`, verifies the JWT, then checks in the database that
//! the session, the device and the user are still active, so a revoked phone or a disabled user
//! is stopped at its next request rather than when the token expires.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use chrono::Utc;
use sea_orm::EntityTrait;

use super::jwt::{Claims, TokenError};
use crate::entities::{device, session, user};
use crate::error::{ApiError, ApiResult};
use crate::org::roles::Role;
use crate::state::AppState;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: String,
    pub team_id: Option<String>,
    pub roles: Vec<Role>,
    /// Server-side device id.
    pub device_id: String,
    pub session_id: String,
}

impl AuthUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// True for posts of the case-file center, which see every team's lists.
    pub fn is_center(&self) -> bool {
        self.roles.iter().any(|role| role.is_center())
    }

    /// Fails with 403 unless the caller has one of `allowed`.
    pub fn require_any(&self, allowed: &[Role]) -> ApiResult<()> {
        if self.roles.iter().any(|role| allowed.contains(role)) {
            return Ok(());
        }
        let names: Vec<&str> = allowed.iter().map(|role| role.label()).collect();
        Err(ApiError::forbidden(
            "FORBIDDEN_ROLE",
            format!("没有权限：此操作需要以下角色之一：{}。", names.join("、")),
        ))
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let header = request
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            let token = bearer_token(header.as_deref())?;
            authenticate(&state, token).await
        })
    }
}

/// Verifies an access token and checks in the database that its session, device and user are
/// still active. The web console calls it with the token from its cookie.
pub async fn authenticate(state: &AppState, token: &str) -> ApiResult<AuthUser> {
    let claims = state.keys.verify(token, Utc::now()).map_err(|error| match error {
        TokenError::Expired => ApiError::unauthorized(
            "TOKEN_EXPIRED",
            "访问令牌已过期，请用刷新令牌换取新令牌。",
        ),
        TokenError::Invalid(reason) => {
            tracing::debug!(%reason, "access token rejected");
            ApiError::unauthorized("INVALID_TOKEN", "访问令牌无效，请重新登录。")
        }
    })?;
    check_still_active(state, &claims).await?;

    let span = tracing::Span::current();
    span.record("user_id", claims.sub.as_str());
    span.record("device_id", claims.device.as_str());
    Ok(AuthUser {
        user_id: claims.sub,
        team_id: claims.team,
        roles: claims.roles,
        device_id: claims.device,
        session_id: claims.sid,
    })
}

fn bearer_token(header: Option<&str>) -> ApiResult<&str> {
    let missing = || {
        ApiError::unauthorized(
            "MISSING_TOKEN",
            "缺少访问令牌，请在 Authorization 请求头中提供 Bearer 令牌。",
        )
    };
    let header = header.ok_or_else(missing)?;
    let (scheme, token) = header.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(missing());
    }
    Ok(token.trim())
}

async fn check_still_active(state: &AppState, claims: &Claims) -> ApiResult<()> {
    let device = device::Entity::find_by_id(claims.device.clone())
        .one(&state.db)
        .await?;
    match device {
        Some(device) if device.revoked_at.is_some() => {
            return Err(ApiError::unauthorized(
                "DEVICE_REVOKED",
                "此设备已被管理员停用，请联系系统管理员。",
            ))
        }
        Some(device) if device.user_id != claims.sub => {
            return Err(ApiError::unauthorized(
                "SESSION_REVOKED",
                "登录已失效，请重新登录。",
            ))
        }
        Some(_) => {}
        None => {
            return Err(ApiError::unauthorized("INVALID_TOKEN", "访问令牌无效，请重新登录。"))
        }
    }
    let session = session::Entity::find_by_id(claims.sid.clone())
        .one(&state.db)
        .await?;
    if !matches!(session, Some(ref s) if s.revoked_at.is_none()) {
        return Err(ApiError::unauthorized(
            "SESSION_REVOKED",
            "登录已失效，请重新登录。",
        ));
    }
    let user = user::Entity::find_by_id(claims.sub.clone()).one(&state.db).await?;
    match user {
        Some(user) if !user.disabled => Ok(()),
        Some(_) => Err(ApiError::unauthorized(
            "ACCOUNT_DISABLED",
            "此账号已停用，请联系系统管理员。",
        )),
        None => Err(ApiError::unauthorized("INVALID_TOKEN", "访问令牌无效，请重新登录。")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_parsing() {
        assert_eq!(bearer_token(Some("Bearer abc")).unwrap(), "abc");
        assert_eq!(bearer_token(Some("bearer  abc ")).unwrap(), "abc");
        assert!(bearer_token(None).is_err());
        assert!(bearer_token(Some("Basic abc")).is_err());
        assert!(bearer_token(Some("Bearer ")).is_err());
    }
}
