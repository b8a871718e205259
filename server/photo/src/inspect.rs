//! The inspection (照片检查) of one uploaded photo: the single entry point of this crate.
//!
//! Invariants: `inspect` reads the bytes and never changes them. Every failure is a `PhotoError`,
//! and so is a panic inside a third-party decoder, which is caught and reported as a corrupt file.

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::RgbImage;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analysis::{analysis_image, luminance_stats};
use crate::checks::{Checks, Measures};
use crate::decode::{decode, Decoded};
use crate::error::PhotoError;
use crate::limits::Limits;
use crate::ocr::{OcrEngine, OcrText};
use crate::quality::laplacian_variance;
use crate::sniff::{sniff, PhotoFormat};
use crate::thumbnail::{encode_jpeg, make_thumbnails, Thumbnail};
use crate::upright::{make_upright, Upright};

/// Everything learnt about one photo. All fields except the images serialise to JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inspection {
    /// Format detected from the bytes.
    pub format: PhotoFormat,
    /// SHA-256 of the uploaded bytes, lowercase hex.
    pub sha256: String,
    /// Size as stored in the file, before any orientation, in pixels.
    pub original_width: u32,
    pub original_height: u32,
    /// Orientation, border and skew steps that produced the working image.
    pub upright: Upright,
    /// Size of the working image, in pixels.
    pub working_width: u32,
    pub working_height: u32,
    pub checks: Checks,
    /// OCR result; empty text with confidence 0 when the page is blank (OCR is skipped).
    pub ocr: OcrText,
    /// The upright, cropped, straightened image that OCR read and thumbnails show.
    #[serde(skip)]
    pub working_image: RgbImage,
    /// JPEG thumbnails, one per `THUMBNAIL_LONG_SIDES` entry.
    #[serde(skip)]
    pub thumbnails: Vec<Thumbnail>,
}

impl Inspection {
    /// Encodes the working image as JPEG, for storage next to the untouched original.
    pub fn working_image_jpeg(&self) -> Result<Vec<u8>, PhotoError> {
        encode_jpeg(&self.working_image, "working image")
    }
}

/// Inspects one photo: sniffs and decodes it within `limits`, makes the upright working image,
/// runs the checks and OCR with `engine`, and makes thumbnails.
pub fn inspect(
    bytes: &[u8],
    limits: &Limits,
    engine: &mut OcrEngine,
) -> Result<Inspection, PhotoError> {
    let (format, decoded) = decode_checked(bytes, limits)?;
    let (original_width, original_height) = (decoded.image.width(), decoded.image.height());

    let (working_image, upright) = make_upright(&decoded.image, decoded.exif_orientation, engine);
    drop(decoded);

    let checks = run_checks(&working_image, &upright);
    let ocr = if checks.blank.flagged {
        OcrText { text: String::new(), mean_confidence: 0 }
    } else {
        engine.recognize(&image::DynamicImage::ImageRgb8(working_image.clone()))?
    };
    let thumbnails = make_thumbnails(&working_image)?;

    Ok(Inspection {
        format,
        sha256: hex::encode(Sha256::digest(bytes)),
        original_width,
        original_height,
        upright,
        working_width: working_image.width(),
        working_height: working_image.height(),
        checks,
        ocr,
        working_image,
        thumbnails,
    })
}

/// Checks the input size, sniffs the format and decodes, turning decoder panics into errors.
fn decode_checked(bytes: &[u8], limits: &Limits) -> Result<(PhotoFormat, Decoded), PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    let size = bytes.len() as u64;
    if size > limits.max_input_bytes {
        return Err(PhotoError::InputTooLarge { size, limit: limits.max_input_bytes });
    }

    let format = sniff(bytes).ok_or(PhotoError::UnknownFormat)?;
    let decoded = catch_unwind(AssertUnwindSafe(|| decode(bytes, format, limits)))
        .unwrap_or_else(|_| Err(PhotoError::Corrupt { reason: "decoder panicked".to_string() }))?;
    Ok((format, decoded))
}

fn run_checks(working_image: &RgbImage, upright: &Upright) -> Checks {
    let (analysis, _) = analysis_image(&image::DynamicImage::ImageRgb8(working_image.clone()));
    let (_, luminance_std_dev) = luminance_stats(&analysis);

    Checks::evaluate(&Measures {
        skew_degrees: upright.skew_degrees,
        border_fraction: upright.border_fraction,
        luminance_std_dev,
        working_long_side: working_image.width().max(working_image.height()),
        laplacian_variance: laplacian_variance(&analysis),
    })
}
