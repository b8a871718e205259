//! The processing queue in the `photos` table, shared by every server process on the database.
//!
//! A worker claims a photo with one conditional `UPDATE` that succeeds only while the row is
//! still 待处理 or its claim has expired, so two workers never hold one photo. The claim is a
//! lease: a worker of a process that crashed never finishes, its lease runs out, and another
//! worker takes the photo over. A worker stopped gracefully hands its photo back at once. Results
//! are written only while the writer still owns the claim.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::PhotoStatus;
use crate::entities::photo;
use crate::error::ApiResult;

/// Claims after which a photo whose lease keeps expiring is given up: each expiry means the
/// process holding it stopped without a word, and the photo may be what stops it.
pub const MAX_ATTEMPTS: i32 = 3;

/// Candidates read per claim attempt; others may take some of them first.
const CANDIDATES: u64 = 8;

/// Results a worker stores for a processed photo.
#[derive(Debug, Clone)]
pub struct Processed {
    pub format: String,
    pub original_width: i32,
    pub original_height: i32,
    pub working_width: i32,
    pub working_height: i32,
    /// JSON of `juanzong_photo::Upright`.
    pub upright: String,
    /// JSON of `juanzong_photo::Checks`.
    pub checks: String,
    pub ocr_text: String,
    pub ocr_confidence: i32,
    /// JSON array of case numbers in normal form.
    pub case_numbers: String,
    pub thumbnail_small: Vec<u8>,
    pub thumbnail_large: Vec<u8>,
}

/// A stable code and a Chinese reason for a photo that cannot be processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub message: String,
}

fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(photo::Column::Status.eq(PhotoStatus::Pending.code()))
        .add(
            Condition::all()
                .add(photo::Column::Status.eq(PhotoStatus::Processing.code()))
                .add(photo::Column::ClaimedUntil.lt(now)),
        )
}

/// Claims the oldest claimable photo for `worker` until `now + lease`; `None` when there is none.
pub async fn claim_next<C: ConnectionTrait>(
    db: &C,
    worker: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> ApiResult<Option<photo::Model>> {
    let candidates = photo::Entity::find()
        .filter(claimable(now))
        .order_by_asc(photo::Column::QueuedAt)
        .limit(CANDIDATES)
        .all(db)
        .await?;

    for candidate in candidates {
        if candidate.status == PhotoStatus::Processing.code() && candidate.attempts >= MAX_ATTEMPTS
        {
            give_up(db, &candidate.sha256, now).await?;
            continue;
        }
        let claimed = photo::Entity::update_many()
            .col_expr(
                photo::Column::Status,
                Expr::value(PhotoStatus::Processing.code()),
            )
            .col_expr(
                photo::Column::StatusLabel,
                Expr::value(PhotoStatus::Processing.label_zh()),
            )
            .col_expr(photo::Column::ClaimedBy, Expr::value(worker))
            .col_expr(photo::Column::ClaimedUntil, Expr::value(now + lease))
            .col_expr(
                photo::Column::Attempts,
                Expr::col(photo::Column::Attempts).add(1),
            )
            .col_expr(photo::Column::StartedAt, Expr::value(now))
            .col_expr(photo::Column::UpdatedAt, Expr::value(now))
            .filter(photo::Column::Sha256.eq(candidate.sha256.clone()))
            .filter(claimable(now))
            .exec(db)
            .await?;
        if claimed.rows_affected == 1 {
            let row = photo::Entity::find_by_id(candidate.sha256).one(db).await?;
            return Ok(row);
        }
    }
    Ok(None)
}

/// Returns an update that marks photos failed with `failure` and clears their claim; the caller
/// adds the filter that picks the photo.
fn mark_failed(failure: Failure, now: DateTime<Utc>) -> sea_orm::UpdateMany<photo::Entity> {
    photo::Entity::update_many()
        .col_expr(
            photo::Column::Status,
            Expr::value(PhotoStatus::Failed.code()),
        )
        .col_expr(
            photo::Column::StatusLabel,
            Expr::value(PhotoStatus::Failed.label_zh()),
        )
        .col_expr(photo::Column::FailureCode, Expr::value(failure.code))
        .col_expr(photo::Column::FailureMessage, Expr::value(failure.message))
        .col_expr(
            photo::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            photo::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(photo::Column::FinishedAt, Expr::value(now))
        .col_expr(photo::Column::UpdatedAt, Expr::value(now))
}

/// Marks a photo whose claims kept expiring as failed, unless someone claimed it meanwhile.
async fn give_up<C: ConnectionTrait>(db: &C, hash: &str, now: DateTime<Utc>) -> ApiResult<()> {
    let failure = Failure {
        code: "PHOTO_PROCESSING_INTERRUPTED".to_string(),
        message: format!("照片处理已中断 {MAX_ATTEMPTS} 次，不再自动重试。请重新拍摄，或联系系统管理员检查服务器日志。"),
    };
    let result = mark_failed(failure, now)
        .filter(photo::Column::Sha256.eq(hash))
        .filter(photo::Column::Status.eq(PhotoStatus::Processing.code()))
        .filter(photo::Column::ClaimedUntil.lt(now))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        tracing::warn!(
            sha256 = hash,
            "photo processing interrupted too often, marked failed"
        );
    }
    Ok(())
}

/// Stores the results of a claimed photo. Returns false when the claim was lost meanwhile (the
/// lease ran out and another worker took the photo), in which case nothing is written.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    hash: &str,
    worker: &str,
    processed: Processed,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let result = photo::Entity::update_many()
        .col_expr(photo::Column::Status, Expr::value(PhotoStatus::Done.code()))
        .col_expr(
            photo::Column::StatusLabel,
            Expr::value(PhotoStatus::Done.label_zh()),
        )
        .col_expr(
            photo::Column::FailureCode,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            photo::Column::FailureMessage,
            Expr::value(Option::<String>::None),
        )
        .col_expr(photo::Column::Format, Expr::value(processed.format))
        .col_expr(
            photo::Column::OriginalWidth,
            Expr::value(processed.original_width),
        )
        .col_expr(
            photo::Column::OriginalHeight,
            Expr::value(processed.original_height),
        )
        .col_expr(
            photo::Column::WorkingWidth,
            Expr::value(processed.working_width),
        )
        .col_expr(
            photo::Column::WorkingHeight,
            Expr::value(processed.working_height),
        )
        .col_expr(photo::Column::Upright, Expr::value(processed.upright))
        .col_expr(photo::Column::Checks, Expr::value(processed.checks))
        .col_expr(photo::Column::OcrText, Expr::value(processed.ocr_text))
        .col_expr(
            photo::Column::OcrConfidence,
            Expr::value(processed.ocr_confidence),
        )
        .col_expr(
            photo::Column::CaseNumbers,
            Expr::value(processed.case_numbers),
        )
        .col_expr(
            photo::Column::ThumbnailSmall,
            Expr::value(processed.thumbnail_small),
        )
        .col_expr(
            photo::Column::ThumbnailLarge,
            Expr::value(processed.thumbnail_large),
        )
        .col_expr(
            photo::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            photo::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(photo::Column::FinishedAt, Expr::value(now))
        .col_expr(photo::Column::UpdatedAt, Expr::value(now))
        .filter(held_by(hash, worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks a claimed photo as failed with `failure`. Returns false when the claim was lost.
pub async fn fail<C: ConnectionTrait>(
    db: &C,
    hash: &str,
    worker: &str,
    failure: Failure,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let result = mark_failed(failure, now)
        .filter(held_by(hash, worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Hands a claimed photo back to the queue, for a worker that stops before finishing or hit a
/// fault of the server rather than of the photo. The attempt stays counted.
pub async fn release<C: ConnectionTrait>(
    db: &C,
    hash: &str,
    worker: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let result = photo::Entity::update_many()
        .col_expr(
            photo::Column::Status,
            Expr::value(PhotoStatus::Pending.code()),
        )
        .col_expr(
            photo::Column::StatusLabel,
            Expr::value(PhotoStatus::Pending.label_zh()),
        )
        .col_expr(
            photo::Column::ClaimedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            photo::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(photo::Column::UpdatedAt, Expr::value(now))
        .filter(held_by(hash, worker))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn held_by(hash: &str, worker: &str) -> Condition {
    Condition::all()
        .add(photo::Column::Sha256.eq(hash))
        .add(photo::Column::Status.eq(PhotoStatus::Processing.code()))
        .add(photo::Column::ClaimedBy.eq(worker))
}
