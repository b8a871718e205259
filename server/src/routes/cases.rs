//! Enforcement cases: field roles see their own team's cases, center roles and the
//! administrator see all.

use actix_web::{web, HttpResponse};

use crate::auth::AuthUser;
use crate::cases::service;
use crate::error::{ApiError, ApiResult};
use crate::org::roles::Role;
use crate::state::AppState;

/// Returns the team the caller is limited to, or `None` when the caller may see every team.
fn team_scope(caller: &AuthUser) -> ApiResult<Option<String>> {
    if caller.is_center() || caller.has_role(Role::Admin) || caller.has_role(Role::Director) {
        return Ok(None);
    }
    caller.team_id.clone().map(Some).ok_or_else(|| {
        ApiError::forbidden("NO_TEAM", "当前用户不属于任何团队，无法查看案件。")
    })
}

pub async fn list(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    let scope = team_scope(&caller)?;
    let cases = service::list(&state.db, scope.as_deref()).await?;
    Ok(HttpResponse::Ok().json(cases))
}

pub async fn get(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let scope = team_scope(&caller)?;
    let found = service::get(&state.db, &path.into_inner()).await?;
    if let Some(team_id) = scope {
        if found.team_id != team_id {
            return Err(ApiError::forbidden(
                "CASE_OUT_OF_SCOPE",
                "没有权限：此案件不属于您的团队。",
            ));
        }
    }
    Ok(HttpResponse::Ok().json(found))
}
