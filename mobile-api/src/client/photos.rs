//! Photo upload: sends the server the photos it lacks, from the offline store's `photos/`
//! folder, resuming uploads that broke off.
//!
//! The server names the photos it lacks (`GET /api/v1/blobs/missing`); only those are sent. Before
//! each attempt the client asks how many bytes the server kept
//! (`GET /api/v1/blobs/{sha256}/status`) and sends only the rest, with `Content-Range`, so a
//! weak network costs the bytes lost in the last attempt, not the whole photo. The protocol is
//! described in [`crate::photos`].

use std::fs;
use std::io::ErrorKind;

use rand::Rng;
use reqwest::StatusCode;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::client::error::ClientError;
use crate::client::http::{api_error, Connection};
use crate::client::retry::{Failure, RetryPolicy};
use crate::client::store::OfflineStore;
use crate::photos::{BlobStatus, MissingBlobs};
use crate::ErrorBody;

/// Error codes after which another attempt, from the bytes the server kept, may succeed.
const RESUMABLE_CODES: [&str; 3] = [
    "UPLOAD_IN_PROGRESS",
    "UPLOAD_OFFSET_MISMATCH",
    "UPLOAD_INTERRUPTED",
];

/// Summary of one upload pass.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UploadReport {
    /// Hashes the server asked for.
    pub requested: usize,
    /// Photos stored by this pass.
    pub uploaded: Vec<String>,
    /// Of `uploaded`, those continued from bytes the server kept from an earlier attempt.
    pub resumed: Vec<String>,
    /// Photos the server had by the time they were sent.
    pub already_stored: Vec<String>,
    /// Photos the server asked for that this device does not have (taken on another phone).
    pub not_on_device: Vec<String>,
    /// Photos that could not be uploaded, with the reason.
    pub failed: Vec<UploadFailure>,
    /// Body bytes of the attempts that stored a photo; attempts that broke off are not counted.
    pub bytes_sent: u64,
}

/// A photo that could not be uploaded.
#[derive(Debug, Clone, Serialize)]
pub struct UploadFailure {
    pub sha256: String,
    pub code: String,
    pub message: String,
}

/// Outcome of one photo's upload.
enum Sent {
    Stored { resumed: bool },
    AlreadyStored,
}

/// Uploads every photo the server lacks that the store holds.
pub(crate) async fn upload_missing(
    store: &OfflineStore,
    connection: &mut Connection<'_>,
    policy: &RetryPolicy,
) -> Result<UploadReport, ClientError> {
    let missing: MissingBlobs = connection.get_json("/api/v1/blobs/missing").await?;
    let mut report = UploadReport {
        requested: missing.sha256.len(),
        ..UploadReport::default()
    };

    for hash in missing.sha256 {
        let path = store.photo_path(&hash);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == ErrorKind::NotFound => {
                report.not_on_device.push(hash);
                continue;
            }
            Err(source) => return Err(ClientError::StoreIo { path, source }),
        };
        if hex::encode(Sha256::digest(&bytes)) != hash {
            return Err(ClientError::StoreCorrupt {
                path,
                reason: "照片内容与文件名中的 SHA-256 不一致".to_string(),
            });
        }

        match upload_one(connection, policy, &hash, &bytes, &mut report.bytes_sent).await {
            Ok(Sent::Stored { resumed }) => {
                if resumed {
                    report.resumed.push(hash.clone());
                }
                report.uploaded.push(hash);
            }
            Ok(Sent::AlreadyStored) => report.already_stored.push(hash),
            Err(ClientError::Api { code, message, .. }) => {
                tracing::warn!(sha256 = %hash, %code, "photo upload rejected");
                report.failed.push(UploadFailure {
                    sha256: hash,
                    code,
                    message,
                });
            }
            Err(error) => return Err(error),
        }
    }
    tracing::info!(
        uploaded = report.uploaded.len(),
        resumed = report.resumed.len(),
        failed = report.failed.len(),
        "photo upload finished"
    );
    Ok(report)
}

/// Uploads one photo, resuming from the server's kept bytes on every attempt.
async fn upload_one(
    connection: &mut Connection<'_>,
    policy: &RetryPolicy,
    hash: &str,
    bytes: &[u8],
    bytes_sent: &mut u64,
) -> Result<Sent, ClientError> {
    let total = bytes.len() as u64;
    let mut attempt = 1;
    loop {
        let status: BlobStatus = connection
            .get_json(&format!("/api/v1/blobs/{hash}/status"))
            .await?;
        if status.stored {
            return Ok(if attempt == 1 {
                Sent::AlreadyStored
            } else {
                Sent::Stored { resumed: true }
            });
        }
        let start = if status.received_bytes < total {
            status.received_bytes
        } else {
            0
        };
        let range = format!("bytes {start}-{}/{total}", total.saturating_sub(1));
        let body = bytes[start as usize..].to_vec();
        let sent = body.len() as u64;

        let failure = match connection
            .put_bytes_once(&format!("/api/v1/blobs/{hash}"), Some(&range), body)
            .await
        {
            Ok((code, _)) if code == StatusCode::OK || code == StatusCode::CREATED => {
                *bytes_sent += sent;
                let resumed = start > 0 || attempt > 1;
                return Ok(if code == StatusCode::OK && !resumed {
                    Sent::AlreadyStored
                } else {
                    Sent::Stored { resumed }
                });
            }
            Ok((code, body)) => {
                let error = api_error(code, &body);
                let resumable = code.is_server_error()
                    || serde_json::from_slice::<ErrorBody>(&body)
                        .is_ok_and(|body| RESUMABLE_CODES.contains(&body.code.as_str()));
                if !resumable {
                    return Err(error);
                }
                (error, Failure::Status(code.as_u16()))
            }
            Err(error @ ClientError::Network { .. }) => (error, Failure::Network),
            Err(error) => return Err(error),
        };

        let (error, kind) = failure;
        if attempt >= policy.max_attempts {
            return Err(error);
        }
        tracing::warn!(
            sha256 = hash,
            attempt,
            ?kind,
            "photo upload broke off, resuming"
        );
        tokio::time::sleep(policy.delay(attempt, rand::thread_rng().gen::<f64>())).await;
        attempt += 1;
    }
}
