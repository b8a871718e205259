//! Administrator endpoints: devices (revoke a lost phone) and users.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::{service, AuthUser};
use crate::error::ApiResult;
use crate::org::roles::Role;
use crate::org::service as org;
use crate::state::AppState;

/// A device as listed to administrators.
#[derive(Debug, Serialize)]
pub struct DeviceView {
    pub id: String,
    pub device_key: String,
    pub user_id: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<crate::entities::device::Model> for DeviceView {
    fn from(model: crate::entities::device::Model) -> Self {
        DeviceView {
            id: model.id,
            device_key: model.device_key,
            user_id: model.user_id,
            name: model.name,
            created_at: model.created_at,
            last_seen_at: model.last_seen_at,
            revoked_at: model.revoked_at,
        }
    }
}

pub async fn list_devices(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    caller.require_any(&[Role::Admin])?;
    let devices: Vec<DeviceView> = service::list_devices(&state.db)
        .await?
        .into_iter()
        .map(DeviceView::from)
        .collect();
    Ok(HttpResponse::Ok().json(devices))
}

pub async fn revoke_device(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require_any(&[Role::Admin])?;
    let device = service::revoke_device(&state.db, &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(DeviceView::from(device)))
}

pub async fn list_users(state: web::Data<AppState>, caller: AuthUser) -> ApiResult<HttpResponse> {
    caller.require_any(&[Role::Admin, Role::CenterManager])?;
    Ok(HttpResponse::Ok().json(org::list_users(&state.db).await?))
}
