//! HEIC/HEIF decoding (苹果手机照片格式) through the system libheif.
//!
//! Invariants: libheif applies the HEIF transform properties (`irot`, `imir`, `clap`) while
//! decoding, so the result is already upright and the EXIF orientation stored in the same file
//! must not be applied again. `Decoded::exif_orientation` is therefore always `None` here.
//! Dimensions are checked against `Limits` from the `ispe` property before decoding.

use crate::decode::Decoded;
use crate::error::PhotoError;
use crate::limits::Limits;

/// Decodes the primary image of a HEIF file to 8-bit RGB.
#[cfg(feature = "heic")]
pub(crate) fn decode_heif(bytes: &[u8], limits: &Limits) -> Result<Decoded, PhotoError> {
    use image::{DynamicImage, RgbImage};
    use libheif_rs::{ColorSpace, HeifContext, LibHeif, RgbChroma};

    let corrupt = |error: libheif_rs::HeifError| PhotoError::Corrupt { reason: error.message };

    // `read_from_bytes` keeps a pointer to `bytes` without copying them; `bytes` outlives
    // `context` because both live until the end of this function.
    let context = HeifContext::read_from_bytes(bytes).map_err(corrupt)?;
    let handle = context.primary_image_handle().map_err(corrupt)?;
    crate::decode::check_dimensions(handle.width(), handle.height(), 3, limits)?;

    let heif = LibHeif::new();
    let decoded = heif.decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), None).map_err(corrupt)?;
    let plane = decoded.planes().interleaved.ok_or_else(|| PhotoError::Corrupt {
        reason: "libheif returned no interleaved RGB plane".to_string(),
    })?;

    let (width, height) = (plane.width, plane.height);
    let row_bytes = width as usize * 3;
    let mut pixels = Vec::with_capacity(row_bytes * height as usize);
    for row in plane.data.chunks(plane.stride).take(height as usize) {
        let Some(visible) = row.get(..row_bytes) else {
            return Err(PhotoError::Corrupt { reason: "libheif plane row is too short".into() });
        };
        pixels.extend_from_slice(visible);
    }

    let image = RgbImage::from_raw(width, height, pixels).ok_or_else(|| PhotoError::Corrupt {
        reason: format!("libheif plane does not hold {width}x{height} pixels"),
    })?;
    Ok(Decoded { image: DynamicImage::ImageRgb8(image), exif_orientation: None })
}

/// Without the `heic` feature there is no decoder: the caller asks the user for JPEG.
#[cfg(not(feature = "heic"))]
pub(crate) fn decode_heif(_bytes: &[u8], _limits: &Limits) -> Result<Decoded, PhotoError> {
    Err(PhotoError::UnsupportedHeic)
}
