//! Photo upload (blobs) and processing results. The upload protocol is described in
//! `juanzong_mobile_api::photos`; access follows the lists that refer to a photo (see
//! `photos::references`).

use actix_web::http::header::{CacheControl, CacheDirective, CONTENT_TYPE};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use sea_orm::EntityTrait;
use serde::Deserialize;

use juanzong_mobile_api::photos::{BlobStatus, MissingBlobs, UPLOAD_OFFSET_HEADER};

use crate::auth::AuthUser;
use crate::blobs::upload::{self, UploadOutcome};
use crate::blobs::BlobHash;
use crate::entities::{blob, photo};
use crate::error::{ApiError, ApiResult};
use crate::photos::{references, view, PhotoStatus};
use crate::state::AppState;

fn status_response(status: StatusCode, body: &BlobStatus) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((UPLOAD_OFFSET_HEADER, body.received_bytes.to_string()))
        .json(body)
}

pub async fn upload_blob(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let hash = BlobHash::parse(&path.into_inner())?;
    let outcome = upload::upload(&state, &caller, hash, request.headers(), payload).await?;
    Ok(match outcome {
        UploadOutcome::Created(body) => status_response(StatusCode::CREATED, &body),
        UploadOutcome::AlreadyStored(body) => status_response(StatusCode::OK, &body),
        UploadOutcome::Partial(body) => status_response(StatusCode::ACCEPTED, &body),
    })
}

pub async fn blob_status(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let hash = BlobHash::parse(&path.into_inner())?;
    let body = upload::status(&state, &caller, hash).await?;
    Ok(status_response(StatusCode::OK, &body))
}

pub async fn missing_blobs(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<HttpResponse> {
    let sha256 = references::missing_for(&state.db, &caller).await?;
    Ok(HttpResponse::Ok().json(MissingBlobs { sha256 }))
}

/// Sends the original bytes, unchanged, with the type sniffed at upload.
pub async fn download_blob(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (hash, _) = readable_photo(&state, &caller, &path.into_inner()).await?;
    let row = blob::Entity::find_by_id(hash.to_string())
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("BLOB_NOT_FOUND", "服务器还没有这张照片，请先上传。"))?;
    let store = state.blobs.clone();
    let key = hash.clone();
    let bytes = tokio::task::spawn_blocking(move || store.read(&key))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| {
            ApiError::internal(anyhow::Error::new(error).context("cannot read a stored blob"))
        })?;
    Ok(image_response(media_type(&row.media_type), bytes))
}

pub async fn get_photo(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (hash, visible) = readable_photo(&state, &caller, &path.into_inner()).await?;
    let row = find_photo(&state, &hash).await?;
    Ok(HttpResponse::Ok().json(view::build(&row, &visible)))
}

#[derive(Debug, Deserialize)]
pub struct ThumbnailQuery {
    /// `small` (256 pixels on the long side, the default) or `large` (1024).
    pub size: Option<String>,
}

pub async fn thumbnail(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    query: web::Query<ThumbnailQuery>,
) -> ApiResult<HttpResponse> {
    let (hash, _) = readable_photo(&state, &caller, &path.into_inner()).await?;
    let row = processed_photo(&state, &hash).await?;
    let bytes = match query.size.as_deref().unwrap_or("small") {
        "small" => row.thumbnail_small,
        "large" => row.thumbnail_large,
        other => {
            return Err(ApiError::bad_request(
                "INVALID_THUMBNAIL_SIZE",
                format!("缩略图尺寸“{other}”无效，应为 small 或 large。"),
            ))
        }
    };
    let bytes = bytes
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(not_processed)?;
    Ok(image_response("image/jpeg", bytes))
}

/// Sends the upright, cropped and straightened working image that OCR read.
pub async fn working_image(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (hash, _) = readable_photo(&state, &caller, &path.into_inner()).await?;
    processed_photo(&state, &hash).await?;
    let store = state.blobs.clone();
    let key = hash.clone();
    let bytes = tokio::task::spawn_blocking(move || store.read_working_image(&key))
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| {
            ApiError::internal(anyhow::Error::new(error).context("cannot read a working image"))
        })?
        .ok_or_else(not_processed)?;
    Ok(image_response("image/jpeg", bytes))
}

/// Parses a photo hash from the path and returns it with the references the caller may read,
/// or a 403 when the caller may read none of them.
async fn readable_photo(
    state: &AppState,
    caller: &AuthUser,
    text: &str,
) -> ApiResult<(BlobHash, Vec<references::Reference>)> {
    let hash = BlobHash::parse(text)?;
    let visible = references::readable(
        caller,
        references::of_photo(&state.db, hash.as_str()).await?,
    )?;
    Ok((hash, visible))
}

async fn find_photo(state: &AppState, hash: &BlobHash) -> ApiResult<photo::Model> {
    photo::Entity::find_by_id(hash.to_string())
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("PHOTO_NOT_UPLOADED", "服务器还没有这张照片，请先上传。")
        })
}

async fn processed_photo(state: &AppState, hash: &BlobHash) -> ApiResult<photo::Model> {
    let row = find_photo(state, hash).await?;
    if row.status != PhotoStatus::Done.code() {
        return Err(not_processed());
    }
    Ok(row)
}

fn not_processed() -> ApiError {
    ApiError::not_found(
        "PHOTO_NOT_PROCESSED",
        "照片尚未处理完成（或处理失败），暂无缩略图和校正后的图像。请查看照片的处理状态。",
    )
}

fn media_type(code: &str) -> &'static str {
    match code {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "tiff" => "image/tiff",
        "heif" => "image/heic",
        _ => "application/octet-stream",
    }
}

/// Content never changes under one hash, so clients may keep it.
fn image_response(content_type: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header(CacheControl(vec![
            CacheDirective::Private,
            CacheDirective::MaxAge(86_400),
        ]))
        .body(bytes)
}
