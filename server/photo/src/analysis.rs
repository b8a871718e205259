//! Analysis image (分析图): a small grayscale copy on which the page measurements run.
//!
//! Invariants: the long side is at most `ANALYSIS_LONG_SIDE` pixels, so measurements cost the same
//! for a 1 MP and a 48 MP photo, and values such as blur do not depend on the camera resolution.

use image::imageops::FilterType;
use image::{DynamicImage, GrayImage};

/// Long side of the analysis image, in pixels.
pub const ANALYSIS_LONG_SIDE: u32 = 1000;

/// Grayscale copy of `image` scaled down (never up) to `ANALYSIS_LONG_SIDE`, and the factor
/// from analysis pixels to `image` pixels (1.0 when no scaling happened).
pub fn analysis_image(image: &DynamicImage) -> (GrayImage, f64) {
    let long_side = image.width().max(image.height());
    if long_side <= ANALYSIS_LONG_SIDE {
        return (image.to_luma8(), 1.0);
    }

    let small = image.resize(ANALYSIS_LONG_SIDE, ANALYSIS_LONG_SIDE, FilterType::Triangle);
    let factor = f64::from(long_side) / f64::from(small.width().max(small.height()));
    (small.to_luma8(), factor)
}

/// Mean and standard deviation of the luminance, both in 0..=255.
pub fn luminance_stats(gray: &GrayImage) -> (f64, f64) {
    let count = gray.as_raw().len().max(1) as f64;
    let sum: f64 = gray.as_raw().iter().map(|&value| f64::from(value)).sum();
    let mean = sum / count;
    let squares: f64 = gray.as_raw().iter().map(|&value| (f64::from(value) - mean).powi(2)).sum();
    (mean, (squares / count).sqrt())
}
