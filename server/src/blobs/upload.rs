//! The upload service behind `PUT /api/v1/blobs/{sha256}`; the protocol is described in
//! `juanzong_mobile_api::photos`.
//!
//! Order of checks: the caller's right to the hash, then whether it is stored already, so an
//! idempotent repeat reads no body. Then the declared sizes, so 413 comes before any byte is read.
//! Then the bytes as they stream in: the running size against the limit, and the type sniffed
//! from the first bytes. The bytes received stay in the partial file when the connection breaks,
//! and are flushed to disk when a request ends, so a later request continues from them.

use actix_web::http::header::{HeaderMap, CONTENT_LENGTH, CONTENT_RANGE};
use actix_web::web;
use chrono::Utc;
use futures_util::StreamExt;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use juanzong_mobile_api::photos::BlobStatus;
use juanzong_photo::{sniff, PhotoFormat};

use super::store::{PartialFile, PartialOpenError};
use super::{lock_blob, BlobHash, BlobStore};
use crate::auth::AuthUser;
use crate::db::begin_write;
use crate::entities::blob;
use crate::error::{ApiError, ApiResult};
use crate::photos::references;
use crate::state::AppState;

/// Bytes read before the type is sniffed. A HEIF `ftyp` box with its brands fits well within it.
const SNIFF_BYTES: u64 = 4096;
/// Bytes gathered in memory before they are written to the partial file.
const WRITE_BATCH_BYTES: usize = 256 * 1024;

/// A byte range of the whole photo, from `Content-Range: bytes START-END/TOTAL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadRange {
    pub start: u64,
    /// Last byte, inclusive.
    pub end: u64,
    pub total: u64,
}

impl UploadRange {
    fn len(&self) -> u64 {
        self.end - self.start + 1
    }
}

/// Outcome of an upload request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    /// Stored by this request (HTTP 201).
    Created(BlobStatus),
    /// Stored before; nothing was written (HTTP 200).
    AlreadyStored(BlobStatus),
    /// Part kept, more expected (HTTP 202).
    Partial(BlobStatus),
}

/// Parses `Content-Range: bytes START-END/TOTAL`; `None` when the header is absent.
pub fn parse_content_range(headers: &HeaderMap) -> ApiResult<Option<UploadRange>> {
    let Some(value) = headers.get(CONTENT_RANGE) else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::bad_request(
            "CONTENT_RANGE_INVALID",
            "Content-Range 请求头无效，应为 bytes 起始-结束/总长，例如 bytes 1048576-2097151/3145728。",
        )
    };
    let text = value.to_str().map_err(|_| invalid())?.trim();
    let spec = text.strip_prefix("bytes ").ok_or_else(invalid)?;
    let (range, total) = spec.split_once('/').ok_or_else(invalid)?;
    let (start, end) = range.split_once('-').ok_or_else(invalid)?;
    let parse = |part: &str| part.trim().parse::<u64>().map_err(|_| invalid());
    let range = UploadRange {
        start: parse(start)?,
        end: parse(end)?,
        total: parse(total)?,
    };
    if range.start > range.end || range.end >= range.total {
        return Err(invalid());
    }
    Ok(Some(range))
}

fn declared_length(headers: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(value) = headers.get(CONTENT_LENGTH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request("CONTENT_LENGTH_INVALID", "Content-Length 请求头无效。")
        })
}

fn too_large(limit: u64) -> ApiError {
    ApiError::payload_too_large(
        "BLOB_TOO_LARGE",
        format!(
            "照片文件过大：上限为 {} MB（{limit} 字节）。请压缩后重新上传。",
            limit / (1024 * 1024)
        ),
    )
}

fn unsupported_type() -> ApiError {
    ApiError::unsupported_media_type(
        "BLOB_TYPE_UNSUPPORTED",
        "无法识别照片格式：只接受 JPEG、PNG、WebP、TIFF 或 HEIC 格式的照片。请在手机上改用 JPEG 格式后重新上传。",
    )
}

/// Runs one upload request.
pub async fn upload(
    state: &AppState,
    caller: &AuthUser,
    hash: BlobHash,
    headers: &HeaderMap,
    mut payload: web::Payload,
) -> ApiResult<UploadOutcome> {
    let found = references::of_photo(&state.db, hash.as_str()).await?;
    references::check_upload(caller, &found)?;
    if let Some(stored) = stored_status(state, &hash).await? {
        return Ok(UploadOutcome::AlreadyStored(stored));
    }

    let limit = state.settings.blob_max_bytes;
    let range = parse_content_range(headers)?;
    let length = declared_length(headers)?;
    if length.is_some_and(|length| length > limit) || range.is_some_and(|range| range.total > limit)
    {
        return Err(too_large(limit));
    }
    if let (Some(range), Some(length)) = (range, length) {
        if range.len() != length {
            return Err(ApiError::bad_request(
                "CONTENT_RANGE_MISMATCH",
                format!(
                    "Content-Range 声明 {} 字节，但 Content-Length 为 {length} 字节。",
                    range.len()
                ),
            ));
        }
    }

    let mut partial = open_partial(&state.blobs, &hash).await?;
    let start = range.map_or(0, |range| range.start);
    if start == 0 && !partial.is_empty() {
        partial = run_blocking(move || partial.truncate().map(|()| partial)).await?;
    } else if start != partial.len() {
        return Err(ApiError::conflict(
            "UPLOAD_OFFSET_MISMATCH",
            format!(
                "续传位置不对：服务器已收到 {} 字节，请从第 {} 字节（从 0 起算）继续上传。",
                partial.len(),
                partial.len()
            ),
        ));
    }

    let expected = range.map(|range| range.len());
    let (partial, received) = receive(&mut payload, partial, expected, limit).await?;
    if let Some(expected) = expected {
        if received != expected {
            return Err(ApiError::bad_request(
                "CONTENT_RANGE_MISMATCH",
                format!("请求体为 {received} 字节，与 Content-Range 声明的 {expected} 字节不符。"),
            ));
        }
    }

    let complete = range.is_none_or(|range| partial.len() == range.total);
    if !complete {
        let kept = partial.len();
        run_blocking(move || partial.sync()).await?;
        return Ok(UploadOutcome::Partial(BlobStatus {
            sha256: hash.to_string(),
            stored: false,
            received_bytes: kept,
            media_type: None,
        }));
    }
    finish(state, caller, hash, partial).await
}

/// Returns the blob's status when it is stored (row and file), `None` otherwise.
async fn stored_status(state: &AppState, hash: &BlobHash) -> ApiResult<Option<BlobStatus>> {
    let Some(row) = blob::Entity::find_by_id(hash.to_string())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if !state.blobs.contains(hash) {
        tracing::warn!(sha256 = %hash, "blob row without its file; accepting a new upload");
        return Ok(None);
    }
    Ok(Some(BlobStatus {
        sha256: row.sha256,
        stored: true,
        received_bytes: row.size as u64,
        media_type: Some(row.media_type),
    }))
}

/// Returns the blob's status for `GET /api/v1/blobs/{sha256}/status`.
pub async fn status(state: &AppState, caller: &AuthUser, hash: BlobHash) -> ApiResult<BlobStatus> {
    let found = references::of_photo(&state.db, hash.as_str()).await?;
    references::readable(caller, found)?;
    if let Some(stored) = stored_status(state, &hash).await? {
        return Ok(stored);
    }
    let store = state.blobs.clone();
    let key = hash.clone();
    let kept = run_blocking(move || store.partial_len(&key)).await?;
    Ok(BlobStatus {
        sha256: hash.to_string(),
        stored: false,
        received_bytes: kept,
        media_type: None,
    })
}

async fn open_partial(store: &BlobStore, hash: &BlobHash) -> ApiResult<PartialFile> {
    let store = store.clone();
    let key = hash.clone();
    let opened = tokio::task::spawn_blocking(move || store.lock_partial(&key))
        .await
        .map_err(ApiError::internal)?;
    match opened {
        Ok(partial) => Ok(partial),
        Err(PartialOpenError::Busy) => Err(ApiError::conflict(
            "UPLOAD_IN_PROGRESS",
            "这张照片正在由另一个请求上传，请稍后查询上传进度后再续传。",
        )),
        Err(PartialOpenError::Io(error)) => Err(ApiError::internal(error)),
    }
}

/// Seconds an upload may go without receiving a byte before the server keeps what arrived and
/// ends the request. A phone whose connection half-died would otherwise hold the partial file's
/// lock, and block its own resumed upload, until TCP gives up hours later.
pub const BODY_IDLE_TIMEOUT_SECONDS: u64 = 30;

/// Streams the body into the partial file. Keeps what arrived when the body breaks off or stalls
/// for [`BODY_IDLE_TIMEOUT_SECONDS`].
async fn receive(
    payload: &mut web::Payload,
    mut partial: PartialFile,
    expected: Option<u64>,
    limit: u64,
) -> ApiResult<(PartialFile, u64)> {
    let mut received: u64 = 0;
    let mut batch: Vec<u8> = Vec::with_capacity(WRITE_BATCH_BYTES);
    let mut sniffed = partial.len() >= SNIFF_BYTES;

    let idle = std::time::Duration::from_secs(BODY_IDLE_TIMEOUT_SECONDS);
    loop {
        let next = match tokio::time::timeout(idle, payload.next()).await {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(_) => {
                tracing::debug!(received, "upload body stalled");
                let kept = flush(partial, std::mem::take(&mut batch)).await?;
                run_blocking(move || kept.sync()).await?;
                return Err(ApiError::bad_request(
                    "UPLOAD_STALLED",
                    format!("上传超过 {BODY_IDLE_TIMEOUT_SECONDS} 秒没有收到数据，已收到的部分已保存。请查询上传进度后续传。"),
                ));
            }
        };
        let chunk = match next {
            Ok(chunk) => chunk,
            Err(error) => {
                // The connection broke: keep the bytes that arrived for a resumed upload.
                tracing::debug!(%error, received, "upload body broke off");
                let kept = flush(partial, std::mem::take(&mut batch)).await?;
                run_blocking(move || kept.sync()).await?;
                return Err(ApiError::bad_request(
                    "UPLOAD_INTERRUPTED",
                    "上传中断，已收到的部分已保存。请查询上传进度后续传。",
                ));
            }
        };
        received += chunk.len() as u64;
        if expected.is_some_and(|expected| received > expected) {
            return Err(ApiError::bad_request(
                "CONTENT_RANGE_MISMATCH",
                "请求体比 Content-Range 声明的长度长。",
            ));
        }
        if partial.len() + batch.len() as u64 + chunk.len() as u64 > limit {
            run_blocking(move || {
                partial.discard();
                Ok(())
            })
            .await?;
            return Err(too_large(limit));
        }
        batch.extend_from_slice(&chunk);

        let reached_sniff = !sniffed && partial.len() + batch.len() as u64 >= SNIFF_BYTES;
        if batch.len() >= WRITE_BATCH_BYTES || reached_sniff {
            partial = flush(partial, std::mem::take(&mut batch)).await?;
        }
        if reached_sniff {
            sniffed = true;
            partial = check_type(partial).await?;
        }
    }
    let partial = flush(partial, batch).await?;
    Ok((partial, received))
}

async fn flush(mut partial: PartialFile, batch: Vec<u8>) -> ApiResult<PartialFile> {
    if batch.is_empty() {
        return Ok(partial);
    }
    run_blocking(move || partial.append(&batch).map(|()| partial)).await
}

/// Sniffs the type from the first bytes; removes the partial file and fails with 415 when it is
/// not a photo format.
async fn check_type(partial: PartialFile) -> ApiResult<PartialFile> {
    let (partial, format) = sniff_partial(partial).await?;
    match format {
        Some(_) => Ok(partial),
        None => {
            run_blocking(move || {
                partial.discard();
                Ok(())
            })
            .await?;
            Err(unsupported_type())
        }
    }
}

async fn sniff_partial(mut partial: PartialFile) -> ApiResult<(PartialFile, Option<PhotoFormat>)> {
    run_blocking(move || {
        let prefix = partial.prefix(SNIFF_BYTES as usize)?;
        Ok((partial, sniff(&prefix)))
    })
    .await
}

/// Checks type and hash of a complete upload, moves it into place and records it, and queues
/// the photo for processing.
async fn finish(
    state: &AppState,
    caller: &AuthUser,
    hash: BlobHash,
    partial: PartialFile,
) -> ApiResult<UploadOutcome> {
    let (partial, format) = sniff_partial(partial).await?;
    // NOTE: HEIC passes here whatever the build. A server built without the photo crate's
    // `heic` feature stores it and fails it in processing (PHOTO_HEIC_UNSUPPORTED) instead of
    // returning 415.
    let Some(format) = format else {
        run_blocking(move || {
            partial.discard();
            Ok(())
        })
        .await?;
        return Err(unsupported_type());
    };
    let size = partial.len();
    let media_type = format_code(format);

    // Hash before taking the lock: on SQLite the lock is the database's single write lock.
    let store = state.blobs.clone();
    let key = hash.clone();
    let verified = tokio::task::spawn_blocking(move || store.verify_partial(partial, &key))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let Some(partial) = verified else {
        return Err(ApiError::bad_request(
            "BLOB_HASH_MISMATCH",
            format!(
                "上传内容的 SHA-256 与地址中的 {hash} 不一致，文件可能在传输中损坏，请重新上传。"
            ),
        ));
    };

    let now = Utc::now();
    let txn = begin_write(&state.db).await?;
    lock_blob(&txn, hash.as_str()).await?;
    if blob::Entity::find_by_id(hash.to_string())
        .one(&txn)
        .await?
        .is_some()
        && state.blobs.contains(&hash)
    {
        // Another process stored the same bytes while this one received them.
        txn.commit().await?;
        run_blocking(move || {
            partial.discard();
            Ok(())
        })
        .await?;
        return Ok(UploadOutcome::AlreadyStored(BlobStatus {
            sha256: hash.to_string(),
            stored: true,
            received_bytes: size,
            media_type: Some(media_type.to_string()),
        }));
    }

    let store = state.blobs.clone();
    let key = hash.clone();
    tokio::task::spawn_blocking(move || store.commit_partial(partial, &key))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;

    blob::Entity::delete_by_id(hash.to_string())
        .exec(&txn)
        .await?;
    blob::ActiveModel {
        sha256: Set(hash.to_string()),
        size: Set(size as i64),
        media_type: Set(media_type.to_string()),
        uploaded_by: Set(caller.user_id.clone()),
        stored_at: Set(now),
        references_changed_at: Set(now),
    }
    .insert(&txn)
    .await?;
    references::queue_stored(&txn, &[hash.to_string()], now).await?;
    txn.commit().await?;
    state.photo_queue.notify_waiters();
    tracing::info!(sha256 = %hash, size, media_type, "photo stored");

    Ok(UploadOutcome::Created(BlobStatus {
        sha256: hash.to_string(),
        stored: true,
        received_bytes: size,
        media_type: Some(media_type.to_string()),
    }))
}

/// Stable code of a sniffed format, as stored in `blobs.media_type`.
pub fn format_code(format: PhotoFormat) -> &'static str {
    match format {
        PhotoFormat::Jpeg => "jpeg",
        PhotoFormat::Png => "png",
        PhotoFormat::Webp => "webp",
        PhotoFormat::Tiff => "tiff",
        PhotoFormat::Heif => "heif",
    }
}

/// Runs blocking file work off the async threads; an I/O failure is a server fault.
async fn run_blocking<T, F>(work: F) -> ApiResult<T>
where
    F: FnOnce() -> std::io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)?
        .map_err(|error| {
            ApiError::internal(anyhow::Error::new(error).context("blob file operation failed"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(range: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(CONTENT_RANGE, HeaderValue::from_str(range).unwrap());
        map
    }

    #[test]
    fn content_range_is_parsed() {
        let range = parse_content_range(&headers("bytes 100-199/300"))
            .unwrap()
            .unwrap();
        assert_eq!(
            range,
            UploadRange {
                start: 100,
                end: 199,
                total: 300
            }
        );
        assert_eq!(range.len(), 100);
    }

    #[test]
    fn bad_content_ranges_are_rejected() {
        for bad in [
            "bytes 5-4/10",
            "bytes 0-10/10",
            "items 0-1/2",
            "bytes 0-1",
            "bytes a-b/c",
        ] {
            let error = parse_content_range(&headers(bad)).unwrap_err();
            assert_eq!(error.body().code, "CONTENT_RANGE_INVALID", "{bad}");
        }
    }
}
