//! Photos (照片) of paper documents: stored blobs, which list items refer to them, and the
//! processing record of each photo.
//!
//! A blob's bytes live on disk, named by their SHA-256; the `blobs` row says the file is complete
//! and checked. `photo_references` mirrors the photo hashes of the list items, so the server finds
//! which lists use a photo without reading Automerge documents. `photos` is the work queue and the
//! result of processing: several server processes share the work by claiming rows with a lease.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Blob::Table)
                    // SHA-256 of the content, 64 lowercase hex characters; also the file name.
                    .col(string(Blob::Sha256).primary_key())
                    .col(big_integer(Blob::Size))
                    // Format sniffed from the bytes: jpeg, png, webp, tiff or heif.
                    .col(string(Blob::MediaType))
                    .col(string(Blob::UploadedBy))
                    .col(timestamp_with_time_zone(Blob::StoredAt))
                    // Last time a list started or stopped referring to the blob (the storage time
                    // before that). The grace period of garbage collection counts from here.
                    .col(timestamp_with_time_zone(Blob::ReferencesChangedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PhotoReference::Table)
                    .col(string(PhotoReference::ListId))
                    .col(string(PhotoReference::ItemId))
                    // Page index within the item, from 0.
                    .col(integer(PhotoReference::Position))
                    .col(string(PhotoReference::Sha256))
                    // True when the item is removed (a tombstone in the document); its photos
                    // are kept but no longer asked for.
                    .col(boolean(PhotoReference::Removed))
                    .primary_key(
                        Index::create()
                            .col(PhotoReference::ListId)
                            .col(PhotoReference::ItemId)
                            .col(PhotoReference::Position),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_photo_reference_sha256")
                    .table(PhotoReference::Table)
                    .col(PhotoReference::Sha256)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Photo::Table)
                    .col(string(Photo::Sha256).primary_key())
                    // pending, processing, done or failed; the Chinese label beside it
                    // (待处理, 处理中, 完成, 失败) for people reading the table.
                    .col(string(Photo::Status))
                    .col(string(Photo::StatusLabel))
                    // Stable English code and Chinese reason of a failure.
                    .col(string_null(Photo::FailureCode))
                    .col(text_null(Photo::FailureMessage))
                    // Claims so far, the current one included.
                    .col(integer(Photo::Attempts))
                    // Worker holding the claim, and until when; an expired claim is taken over.
                    .col(string_null(Photo::ClaimedBy))
                    .col(timestamp_with_time_zone_null(Photo::ClaimedUntil))
                    .col(timestamp_with_time_zone(Photo::QueuedAt))
                    .col(timestamp_with_time_zone_null(Photo::StartedAt))
                    .col(timestamp_with_time_zone_null(Photo::FinishedAt))
                    .col(string_null(Photo::Format))
                    .col(integer_null(Photo::OriginalWidth))
                    .col(integer_null(Photo::OriginalHeight))
                    .col(integer_null(Photo::WorkingWidth))
                    .col(integer_null(Photo::WorkingHeight))
                    // JSON of the orientation, border and skew steps (`juanzong_photo::Upright`).
                    .col(text_null(Photo::Upright))
                    // JSON of the checks with measured values, thresholds and flags
                    // (`juanzong_photo::Checks`).
                    .col(text_null(Photo::Checks))
                    .col(text_null(Photo::OcrText))
                    // Tesseract's mean word confidence, 0 to 100.
                    .col(integer_null(Photo::OcrConfidence))
                    // JSON array of the case numbers found in the OCR text, in normal form.
                    .col(text_null(Photo::CaseNumbers))
                    // JPEG thumbnails, 256 and 1024 pixels on the long side.
                    .col(blob_null(Photo::ThumbnailSmall))
                    .col(blob_null(Photo::ThumbnailLarge))
                    .col(timestamp_with_time_zone(Photo::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_photo_status")
                    .table(Photo::Table)
                    .col(Photo::Status)
                    .col(Photo::QueuedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Photo::Table.into_iden(),
            PhotoReference::Table.into_iden(),
            Blob::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Blob {
    #[sea_orm(iden = "blobs")]
    Table,
    Sha256,
    Size,
    MediaType,
    UploadedBy,
    StoredAt,
    ReferencesChangedAt,
}

#[derive(DeriveIden)]
enum PhotoReference {
    #[sea_orm(iden = "photo_references")]
    Table,
    ListId,
    ItemId,
    Position,
    Sha256,
    Removed,
}

#[derive(DeriveIden)]
enum Photo {
    #[sea_orm(iden = "photos")]
    Table,
    Sha256,
    Status,
    StatusLabel,
    FailureCode,
    FailureMessage,
    Attempts,
    ClaimedBy,
    ClaimedUntil,
    QueuedAt,
    StartedAt,
    FinishedAt,
    Format,
    OriginalWidth,
    OriginalHeight,
    WorkingWidth,
    WorkingHeight,
    Upright,
    Checks,
    OcrText,
    OcrConfidence,
    CaseNumbers,
    ThumbnailSmall,
    ThumbnailLarge,
    UpdatedAt,
}
