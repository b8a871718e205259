//! Photo upload and results: `/api/v1/blobs/…` and `/api/v1/photos/…`.
//!
//! Upload protocol. A photo is a blob named by the SHA-256 of its bytes (64 lowercase hex):
//!
//! 1. `GET /api/v1/blobs/missing` returns the hashes that lists in the device's scope refer to
//!    and the server lacks ([`MissingBlobs`]).
//! 2. `PUT /api/v1/blobs/{sha256}` with the bytes as the body. Without `Content-Range` the body is
//!    the whole photo. To resume, the device reads `GET /api/v1/blobs/{sha256}/status` for the
//!    number of bytes the server kept ([`BlobStatus::received_bytes`]) and sends the rest with
//!    `Content-Range: bytes START-END/TOTAL`, where START equals that count. The server returns
//!    201 when the photo is stored now, 200 when it was stored already (nothing is stored twice),
//!    and 202 when it kept a part and expects more. A START other than the kept count gets 409
//!    `UPLOAD_OFFSET_MISMATCH`, and START 0 always starts over.
//!
//! The type comes from the bytes, never from a name or a `Content-Type` header.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Response header of `PUT` and `GET …/status` with the number of bytes kept, for clients that
/// read headers rather than bodies.
pub const UPLOAD_OFFSET_HEADER: &str = "Upload-Offset";

/// `GET /api/v1/blobs/missing`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct MissingBlobs {
    /// Hashes to upload, sorted.
    pub sha256: Vec<String>,
}

/// The server's copy of one blob: response of `PUT /api/v1/blobs/{sha256}` and of
/// `GET /api/v1/blobs/{sha256}/status`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlobStatus {
    pub sha256: String,
    /// True when the whole photo is stored and its hash checked.
    pub stored: bool,
    /// Bytes kept: the size of the stored photo, or of the part of an unfinished upload.
    pub received_bytes: u64,
    /// Format read from the bytes once stored: jpeg, png, webp, tiff or heif.
    #[serde(default)]
    pub media_type: Option<String>,
}

/// One measured check of the image standard, with the threshold it was compared with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckView {
    pub value: f64,
    pub threshold: f64,
    pub flagged: bool,
}

/// The checks of one photo.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChecksView {
    /// Degrees before correction, positive when turned clockwise; flagged above 2.
    pub skew_degrees: CheckView,
    /// Share of the area covered by black borders, 0 to 1.
    pub black_border: CheckView,
    /// Luminance standard deviation; flagged (blank page) below the threshold.
    pub blank: CheckView,
    /// Dots per inch if the page is A4; flagged below 300.
    pub effective_dpi: CheckView,
    /// Laplacian variance; flagged (blurred) below the threshold.
    pub blur: CheckView,
}

/// A problem found on a photo: stable code and Chinese label.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FlagView {
    /// SKEWED, BLACK_BORDER, BLANK, LOW_RESOLUTION, BLURRED or OTHER_CASE.
    pub code: String,
    pub label: String,
}

/// Code of the flag raised when OCR found case numbers on the photo and none of them is the
/// case number of a list that shows it.
pub const OTHER_CASE_FLAG: &str = "OTHER_CASE";

/// A list item page that shows the photo, among the lists the caller may read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhotoUse {
    pub list_id: Uuid,
    pub item_id: Uuid,
    /// Page number within the item, from 1.
    pub page: u32,
    pub case_number: String,
    /// True when the item is removed from the list.
    pub removed: bool,
    /// True when OCR found case numbers and none is this list's.
    pub other_case: bool,
}

/// `GET /api/v1/photos/{sha256}`: processing status and results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhotoView {
    pub sha256: String,
    /// pending, processing, done or failed.
    pub status: String,
    /// 待处理, 处理中, 完成 or 失败.
    pub status_label: String,
    /// Reason processing failed, with a stable code.
    pub failure: Option<crate::ErrorBody>,
    pub attempts: i32,
    pub queued_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub format: Option<String>,
    pub original_width: Option<i32>,
    pub original_height: Option<i32>,
    pub working_width: Option<i32>,
    pub working_height: Option<i32>,
    /// EXIF orientation applied (2 to 8), when there was one.
    pub exif_orientation: Option<u8>,
    /// Clockwise quarter turn detected on the page and applied: 0, 90, 180 or 270.
    pub rotation_degrees: Option<u16>,
    pub checks: Option<ChecksView>,
    pub ocr_text: Option<String>,
    /// Tesseract's mean word confidence, 0 to 100.
    pub ocr_confidence: Option<i32>,
    /// Case numbers found in the OCR text, in normal form such as （2026）豫13执123号.
    #[serde(default)]
    pub case_numbers: Vec<String>,
    /// The check flags and OTHER_CASE.
    #[serde(default)]
    pub flags: Vec<FlagView>,
    /// Item pages that show the photo, among the lists the caller may read.
    #[serde(default)]
    pub used_in: Vec<PhotoUse>,
}
