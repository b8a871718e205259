//! `/healthz`: the process is up. `/readyz`: the database responds and its migrations are current.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::db;
use crate::deadlines::calendar_store;
use crate::routes::calendar::calendar_warnings;
use crate::state::AppState;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match db::check_ready(&state.db).await {
        Ok(0) => {
            let warnings = match calendar_store::load(&state.db).await {
                Ok(calendar) => calendar_warnings(&calendar),
                Err(error) => {
                    tracing::warn!(%error, "calendar could not be loaded for the readiness check");
                    Vec::new()
                }
            };
            HttpResponse::Ok().json(json!({ "status": "ready", "warnings": warnings }))
        }
        Ok(pending) => HttpResponse::ServiceUnavailable().json(json!({
            "code": "MIGRATIONS_PENDING",
            "message": format!("数据库还有 {pending} 个迁移未执行，请运行 juanzong migrate。"),
        })),
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "code": "DATABASE_UNAVAILABLE",
                "message": "数据库无法访问，请检查数据库服务。",
            }))
        }
    }
}
