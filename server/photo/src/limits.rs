//! Decoding limits (解码限制) that bound the work and memory spent on one upload.
//!
//! Invariants: dimensions are checked against the header before any pixel buffer is allocated,
//! and the same numbers are handed to the decoder so that it enforces them as well.

use serde::{Deserialize, Serialize};

/// Hard limits for one photo. `Default` suits phone photos and A4 scans at 600 dpi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted upload, in bytes.
    pub max_input_bytes: u64,
    /// Largest accepted width, in pixels, as declared by the file header.
    pub max_width: u32,
    /// Largest accepted height, in pixels, as declared by the file header.
    pub max_height: u32,
    /// Memory the decoder may allocate, in bytes. The pipeline needs several copies of the
    /// image (decoded, grayscale, scaled for OCR), so the whole inspection uses a few times this.
    pub max_alloc_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 40 * 1024 * 1024,
            max_width: 12_000,
            max_height: 12_000,
            // One 12,000 x 12,000 RGBA image needs 576 MB; a 48 megapixel RGB photo about 150 MB.
            max_alloc_bytes: 600 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Converts to the limits type of the `image` crate, which its decoders enforce.
    pub(crate) fn to_image_limits(self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_width);
        limits.max_image_height = Some(self.max_height);
        limits.max_alloc = Some(self.max_alloc_bytes);
        limits
    }
}
