//! The photo processing pool: `photo_workers` workers, each a tokio task that claims photos from
//! the database queue (`photos::queue`) and a dedicated thread that owns one Tesseract engine and
//! runs the pipeline. An engine is never shared: it is created on its thread, at the first photo,
//! and only that thread uses it.
//!
//! A failure caused by the photo (corrupt, too large, unknown format) marks it 失败 with the
//! pipeline's Chinese reason. A fault of the server (OCR engine missing, encoder failure) hands
//! the photo back for another attempt, up to `queue::MAX_ATTEMPTS` claims. A worker that receives
//! the stop signal hands its photo back at once, so the status never stays 处理中 after a graceful
//! stop. After a crash the lease expires and another worker takes the photo over.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use juanzong_photo::{inspect, Limits, OcrEngine, PhotoError};
use juanzong_sync::CaseNumber;

use crate::blobs::upload::format_code;
use crate::blobs::BlobHash;
use crate::entities::photo;
use crate::error::{ApiError, ApiResult};
use crate::photos::queue::{self, Failure, Processed, MAX_ATTEMPTS};
use crate::state::AppState;

/// Seconds between two looks at the queue when nothing woke the worker.
pub const POLL_SECONDS: u64 = 2;

/// Long sides of the stored thumbnails, in pixels (the pipeline's `THUMBNAIL_LONG_SIDES`).
const SMALL_THUMBNAIL: u32 = 256;
const LARGE_THUMBNAIL: u32 = 1024;

/// Starts the pool's workers; none when `photo_workers` is 0.
pub fn start(state: &AppState, stopped: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let process = format!(
        "pid{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let limits = Limits {
        max_input_bytes: state.settings.blob_max_bytes,
        ..Limits::default()
    };
    (0..state.settings.photo_workers)
        .filter_map(|index| {
            let worker_id = format!("{process}-w{index}");
            match EngineThread::spawn(&worker_id) {
                Ok(engine) => {
                    let task = run(state.clone(), worker_id, engine, limits, stopped.clone());
                    Some(tokio::spawn(task))
                }
                Err(error) => {
                    let worker = &worker_id;
                    tracing::error!(%error, %worker, "cannot start a photo worker thread");
                    None
                }
            }
        })
        .collect()
}

/// The result of the pipeline for one photo, ready to store.
struct ProcessedPhoto {
    row: Processed,
    working_jpeg: Vec<u8>,
}

/// Reason the pipeline produced no result.
enum JobFailure {
    Photo(PhotoError),
    Panicked,
    EngineUnavailable(String),
}

struct Job {
    bytes: Vec<u8>,
    limits: Limits,
    reply: oneshot::Sender<Result<ProcessedPhoto, JobFailure>>,
}

/// The thread that owns one engine; it ends when this handle is dropped and its job is done.
struct EngineThread {
    jobs: mpsc::Sender<Job>,
}

impl EngineThread {
    fn spawn(name: &str) -> std::io::Result<EngineThread> {
        let (jobs, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(format!("photo-{name}"))
            .spawn(move || engine_loop(receiver))?;
        Ok(EngineThread { jobs })
    }
}

fn engine_loop(jobs: mpsc::Receiver<Job>) {
    let mut engine: Option<OcrEngine> = None;
    for job in jobs {
        if engine.is_none() {
            match OcrEngine::new() {
                Ok(created) => engine = Some(created),
                Err(error) => {
                    let _ = job
                        .reply
                        .send(Err(JobFailure::EngineUnavailable(error.to_string())));
                    continue;
                }
            }
        }
        let Some(current) = engine.as_mut() else {
            continue;
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            process(&job.bytes, &job.limits, current)
        }));
        let result = match outcome {
            Ok(result) => result,
            Err(_) => {
                // The engine may be in any state after a panic; the next photo gets a new one.
                engine = None;
                Err(JobFailure::Panicked)
            }
        };
        let _ = job.reply.send(result);
    }
}

fn process(
    bytes: &[u8],
    limits: &Limits,
    engine: &mut OcrEngine,
) -> Result<ProcessedPhoto, JobFailure> {
    let inspection = inspect(bytes, limits, engine).map_err(JobFailure::Photo)?;
    let working_jpeg = inspection.working_image_jpeg().map_err(JobFailure::Photo)?;
    let case_numbers: Vec<String> = CaseNumber::find_all(&inspection.ocr.text)
        .iter()
        .map(CaseNumber::normal_form)
        .collect();
    let thumbnail = |long_side: u32| {
        inspection
            .thumbnails
            .iter()
            .find(|thumbnail| thumbnail.long_side == long_side)
            .map(|thumbnail| thumbnail.jpeg.clone())
            .unwrap_or_default()
    };
    let json = |value: serde_json::Result<String>| value.unwrap_or_else(|_| "null".to_string());

    let row = Processed {
        format: format_code(inspection.format).to_string(),
        original_width: inspection.original_width as i32,
        original_height: inspection.original_height as i32,
        working_width: inspection.working_width as i32,
        working_height: inspection.working_height as i32,
        upright: json(serde_json::to_string(&inspection.upright)),
        checks: json(serde_json::to_string(&inspection.checks)),
        ocr_text: inspection.ocr.text.clone(),
        ocr_confidence: inspection.ocr.mean_confidence,
        case_numbers: json(serde_json::to_string(&case_numbers)),
        thumbnail_small: thumbnail(SMALL_THUMBNAIL),
        thumbnail_large: thumbnail(LARGE_THUMBNAIL),
    };
    Ok(ProcessedPhoto { row, working_jpeg })
}

async fn run(
    state: AppState,
    worker: String,
    engine: EngineThread,
    limits: Limits,
    mut stopped: watch::Receiver<bool>,
) {
    let lease = chrono::Duration::seconds(state.settings.photo_lease_seconds as i64);
    while !*stopped.borrow() {
        match queue::claim_next(&state.db, &worker, lease, Utc::now()).await {
            Ok(Some(row)) => {
                let hash = row.sha256.clone();
                if let Err(error) =
                    process_claimed(&state, &worker, &engine, limits, row, &mut stopped).await
                {
                    tracing::warn!(%error, sha256 = %hash, "photo processing step failed");
                    wait(&state, &mut stopped).await;
                }
            }
            Ok(None) => wait(&state, &mut stopped).await,
            Err(error) => {
                tracing::warn!(%error, "cannot claim a photo");
                wait(&state, &mut stopped).await;
            }
        }
    }
}

async fn wait(state: &AppState, stopped: &mut watch::Receiver<bool>) {
    let notified = state.photo_queue.notified();
    tokio::select! {
        _ = notified => {}
        _ = tokio::time::sleep(Duration::from_secs(POLL_SECONDS)) => {}
        _ = stopped.changed() => {}
    }
}

async fn process_claimed(
    state: &AppState,
    worker: &str,
    engine: &EngineThread,
    limits: Limits,
    row: photo::Model,
    stopped: &mut watch::Receiver<bool>,
) -> ApiResult<()> {
    let hash = BlobHash::from_trusted(row.sha256.clone());
    let store = state.blobs.clone();
    let key = hash.clone();
    let bytes = tokio::task::spawn_blocking(move || store.read(&key))
        .await
        .map_err(ApiError::internal)?;
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let failure = Failure {
                code: "BLOB_MISSING".to_string(),
                message: "服务器上找不到这张照片的文件，请重新上传。".to_string(),
            };
            queue::fail(&state.db, hash.as_str(), worker, failure, Utc::now()).await?;
            return Ok(());
        }
        Err(error) => {
            queue::release(&state.db, hash.as_str(), worker, Utc::now()).await?;
            return Err(ApiError::internal(
                anyhow::Error::new(error).context("cannot read a stored photo"),
            ));
        }
    };

    let (reply, result) = oneshot::channel();
    if engine
        .jobs
        .send(Job {
            bytes,
            limits,
            reply,
        })
        .is_err()
    {
        queue::release(&state.db, hash.as_str(), worker, Utc::now()).await?;
        return Err(ApiError::internal(anyhow::anyhow!(
            "photo engine thread {worker} has ended"
        )));
    }
    let result = tokio::select! {
        result = result => result,
        _ = stopped.changed() => {
            queue::release(&state.db, hash.as_str(), worker, Utc::now()).await?;
            tracing::info!(sha256 = %hash, "photo handed back to the queue at shutdown");
            return Ok(());
        }
    };
    let Ok(result) = result else {
        queue::release(&state.db, hash.as_str(), worker, Utc::now()).await?;
        return Err(ApiError::internal(anyhow::anyhow!(
            "photo engine thread {worker} dropped a job"
        )));
    };
    store_result(state, worker, &hash, row.attempts, result).await
}

async fn store_result(
    state: &AppState,
    worker: &str,
    hash: &BlobHash,
    attempts: i32,
    result: Result<ProcessedPhoto, JobFailure>,
) -> ApiResult<()> {
    let now = Utc::now();
    let failure = match result {
        Ok(processed) => {
            let store = state.blobs.clone();
            let key = hash.clone();
            let jpeg = processed.working_jpeg;
            tokio::task::spawn_blocking(move || store.write_working_image(&key, &jpeg))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?;
            if queue::complete(&state.db, hash.as_str(), worker, processed.row, now).await? {
                tracing::info!(sha256 = %hash, "photo processed");
            } else {
                tracing::warn!(sha256 = %hash, "photo claim lost before its results were stored");
            }
            return Ok(());
        }
        Err(JobFailure::Photo(error)) if error.http_status() < 500 => Failure {
            code: error.code().to_string(),
            message: error.message_zh(),
        },
        Err(JobFailure::Panicked) => Failure {
            code: "PHOTO_PROCESSING_PANICKED".to_string(),
            message: "照片处理时发生内部错误，已停止处理这张照片。请重新拍摄，或联系系统管理员。"
                .to_string(),
        },
        Err(JobFailure::Photo(error)) if attempts >= MAX_ATTEMPTS => Failure {
            code: error.code().to_string(),
            message: error.message_zh(),
        },
        Err(JobFailure::EngineUnavailable(reason)) if attempts >= MAX_ATTEMPTS => {
            tracing::error!(%reason, "Tesseract cannot start; photos are not processed");
            Failure {
                code: "PHOTO_OCR_UNAVAILABLE".to_string(),
                message: "服务器的文字识别组件无法启动，照片未能处理。请联系系统管理员。"
                    .to_string(),
            }
        }
        Err(JobFailure::Photo(error)) => {
            let sha256 = hash.as_str();
            tracing::warn!(%error, sha256, attempts, "photo failed on the server side, will retry");
            queue::release(&state.db, hash.as_str(), worker, now).await?;
            return Ok(());
        }
        Err(JobFailure::EngineUnavailable(reason)) => {
            tracing::error!(%reason, attempts, "Tesseract cannot start, will retry");
            queue::release(&state.db, hash.as_str(), worker, now).await?;
            return Err(ApiError::internal(anyhow::anyhow!(
                "Tesseract cannot start: {reason}"
            )));
        }
    };
    tracing::info!(sha256 = %hash, code = %failure.code, "photo processing failed");
    queue::fail(&state.db, hash.as_str(), worker, failure, now).await?;
    Ok(())
}
