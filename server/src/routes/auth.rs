//! Login, refresh, logout and the caller's profile.

use actix_web::{web, HttpResponse};

use crate::auth::{service, AuthUser};
use crate::error::{ApiError, ApiResult};
use crate::org::service as org;
use crate::state::AppState;
use juanzong_mobile_api::auth::{LoginRequest, RefreshRequest, UserInfo};

pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let pair = service::login(&state, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(pair))
}

pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let pair = service::refresh(&state, &body.refresh_token).await?;
    Ok(HttpResponse::Ok().json(pair))
}

pub async fn logout(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    service::logout(&state.db, &caller.session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    let found = org::user_summary(&state.db, &caller.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("USER_NOT_FOUND", "找不到当前用户。"))?;
    Ok(HttpResponse::Ok().json(UserInfo {
        id: found.id,
        username: found.username,
        display_name: found.display_name,
        team_id: found.team_id,
        team_name: found.team_name,
        roles: found.roles.iter().map(|r| r.code().to_string()).collect(),
    }))
}
