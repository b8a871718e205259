//! Thumbnails (缩略图) of the working image, encoded as JPEG.
//!
//! Invariants: a thumbnail is never larger than its source; its long side is at most the
//! requested size and the aspect ratio is kept.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::RgbImage;

use crate::error::PhotoError;

/// Long sides of the thumbnails made for every photo, in pixels: list view and detail view.
pub const THUMBNAIL_LONG_SIDES: [u32; 2] = [256, 1024];
/// JPEG quality (1 to 100) of thumbnails and of the encoded working image.
pub const JPEG_QUALITY: u8 = 85;

/// A JPEG-encoded thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// Requested long side, in pixels; the actual one is smaller when the source is.
    pub long_side: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

/// Makes one thumbnail per entry of `THUMBNAIL_LONG_SIDES`.
pub fn make_thumbnails(image: &RgbImage) -> Result<Vec<Thumbnail>, PhotoError> {
    THUMBNAIL_LONG_SIDES.iter().map(|&long_side| make_thumbnail(image, long_side)).collect()
}

fn make_thumbnail(image: &RgbImage, long_side: u32) -> Result<Thumbnail, PhotoError> {
    let current = image.width().max(image.height()).max(1);
    let scaled = if current <= long_side {
        image.clone()
    } else {
        let factor = f64::from(long_side) / f64::from(current);
        let width = ((f64::from(image.width()) * factor).round() as u32).max(1);
        let height = ((f64::from(image.height()) * factor).round() as u32).max(1);
        image::imageops::resize(image, width, height, FilterType::Triangle)
    };

    let jpeg = encode_jpeg(&scaled, "thumbnail")?;
    Ok(Thumbnail { long_side, width: scaled.width(), height: scaled.height(), jpeg })
}

/// Encodes `image` as a baseline JPEG of quality `JPEG_QUALITY`.
pub fn encode_jpeg(image: &RgbImage, what: &'static str) -> Result<Vec<u8>, PhotoError> {
    let mut jpeg = Vec::new();
    let encoder = JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), JPEG_QUALITY);
    image.write_with_encoder(encoder).map_err(|source| PhotoError::Encode { what, source })?;
    Ok(jpeg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn thumbnails_keep_aspect_ratio() {
        let page = RgbImage::from_pixel(2000, 1000, Rgb([200, 200, 200]));

        let thumbnails = make_thumbnails(&page).unwrap_or_default();

        assert_eq!(thumbnails.len(), 2);
        assert_eq!((thumbnails[0].width, thumbnails[0].height), (256, 128));
        assert_eq!((thumbnails[1].width, thumbnails[1].height), (1024, 512));
        assert!(thumbnails[0].jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn small_source_is_not_enlarged() {
        let page = RgbImage::from_pixel(100, 300, Rgb([200, 200, 200]));

        let thumbnails = make_thumbnails(&page).unwrap_or_default();

        assert_eq!((thumbnails[0].width, thumbnails[0].height), (85, 256));
        assert_eq!((thumbnails[1].width, thumbnails[1].height), (100, 300));
    }
}
