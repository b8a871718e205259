//! Sync, the change feed and list reading for phones and the center.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use juanzong_mobile_api::sync::{frame, SyncRequest, BINARY_CONTENT_TYPE};

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::lists::{feed, query, sync};
use crate::state::AppState;

/// Largest sync body accepted, in bytes. A first sync of a long list with its history fits well
/// within it.
pub const MAX_SYNC_BODY_BYTES: usize = 16 * 1024 * 1024;

fn is_binary(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(BINARY_CONTENT_TYPE))
}

pub async fn sync_documents(
    state: web::Data<AppState>,
    caller: AuthUser,
    request: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let binary = is_binary(&request);
    let parsed: SyncRequest = if binary {
        frame::decode_request(&body).map_err(|error| ApiError::bad_request("SYNC_FRAME_INVALID", error.to_string()))?
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            ApiError::bad_request(
                "INVALID_JSON",
                format!(
                    "请求体不是有效的同步请求：{}。",
                    crate::error::describe_parse_error_zh(&error.to_string())
                ),
            )
        })?
    };

    let response = sync::sync(&state.db, &caller, parsed).await?;
    if binary {
        Ok(HttpResponse::Ok()
            .content_type(BINARY_CONTENT_TYPE)
            .body(frame::encode_response(&response)))
    } else {
        Ok(HttpResponse::Ok().json(response))
    }
}

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    pub after: i64,
    pub limit: Option<u64>,
}

pub async fn read_feed(
    state: web::Data<AppState>,
    caller: AuthUser,
    params: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    let page = feed::read(&state.db, &caller, params.after, params.limit.unwrap_or(100)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
}

pub async fn list_lists(
    state: web::Data<AppState>,
    caller: AuthUser,
    params: web::Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    let lists = query::summaries(&state.db, &caller, params.status.as_deref()).await?;
    Ok(HttpResponse::Ok().json(lists))
}

pub async fn get_list(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let text = path.into_inner();
    let list_id = Uuid::parse_str(&text).map_err(|_| {
        ApiError::bad_request("INVALID_LIST_ID", format!("材料清单编号“{text}”无效，应为 UUID。"))
    })?;
    Ok(HttpResponse::Ok().json(query::detail(&state.db, &caller, list_id).await?))
}
