//! Bounded decoding (受限解码) of the uploaded bytes into pixels.
//!
//! Invariants: the header dimensions are compared with `Limits` before any pixel buffer exists,
//! and the decoder enforces the memory budget itself. The input bytes are only read. A truncated
//! or corrupt file becomes `PhotoError::Corrupt` with the decoder's reason.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageReader};

use crate::error::PhotoError;
use crate::jpeg_markers::find_end_of_image;
use crate::limits::Limits;
use crate::sniff::PhotoFormat;

/// Pixels as stored in the file, plus the orientation the viewer is asked to apply.
pub(crate) struct Decoded {
    pub image: DynamicImage,
    /// Raw EXIF orientation value (1 to 8) when the file has a valid one; `None` otherwise.
    pub exif_orientation: Option<u8>,
}

/// Decodes raster formats through the `image` crate, HEIF through libheif.
pub(crate) fn decode(
    bytes: &[u8],
    format: PhotoFormat,
    limits: &Limits,
) -> Result<Decoded, PhotoError> {
    match format.to_image_format() {
        Some(image_format) => decode_raster(bytes, image_format, limits),
        None => crate::heic::decode_heif(bytes, limits),
    }
}

/// Rejects dimensions above the limits, and images whose pixel buffer alone exceeds the budget.
pub(crate) fn check_dimensions(
    width: u32,
    height: u32,
    bytes_per_pixel: u64,
    limits: &Limits,
) -> Result<(), PhotoError> {
    if width > limits.max_width || height > limits.max_height {
        return Err(PhotoError::TooManyPixels {
            width,
            height,
            max_width: limits.max_width,
            max_height: limits.max_height,
        });
    }
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt { reason: format!("image has size {width}x{height}") });
    }

    let buffer_bytes = u64::from(width) * u64::from(height) * bytes_per_pixel;
    if buffer_bytes > limits.max_alloc_bytes {
        return Err(PhotoError::MemoryLimit { limit: limits.max_alloc_bytes });
    }
    Ok(())
}

fn decode_raster(
    bytes: &[u8],
    image_format: image::ImageFormat,
    limits: &Limits,
) -> Result<Decoded, PhotoError> {
    if image_format == image::ImageFormat::Jpeg {
        find_end_of_image(bytes).map_err(|reason| PhotoError::Corrupt { reason })?;
    }

    // The decoder gets no dimension limits, so that it reads the header and the real size can be
    // reported. `check_dimensions` applies the limits before decoding starts.
    let mut decoder_limits = limits.to_image_limits();
    decoder_limits.max_image_width = None;
    decoder_limits.max_image_height = None;

    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(|error| map_image_error(error, limits))?;

    let (width, height) = decoder.dimensions();
    let bytes_per_pixel = u64::from(decoder.color_type().bytes_per_pixel());
    check_dimensions(width, height, bytes_per_pixel, limits)?;

    // An unreadable or invalid orientation is ignored: the pixels are still usable as stored.
    let exif_orientation = decoder.orientation().ok().map(|orientation| orientation.to_exif());
    let exif_orientation = exif_orientation.filter(|value| *value != 1);

    let image = DynamicImage::from_decoder(decoder).map_err(|error| map_image_error(error, limits))?;
    Ok(Decoded { image, exif_orientation })
}

/// Maps decoder errors: limit errors keep their meaning, everything else means a bad file.
pub(crate) fn map_image_error(error: ImageError, limits: &Limits) -> PhotoError {
    match error {
        ImageError::Limits(limit_error) => match limit_error.kind() {
            image::error::LimitErrorKind::InsufficientMemory => {
                PhotoError::MemoryLimit { limit: limits.max_alloc_bytes }
            }
            _ => PhotoError::Corrupt { reason: limit_error.to_string() },
        },
        other => PhotoError::Corrupt { reason: other.to_string() },
    }
}
