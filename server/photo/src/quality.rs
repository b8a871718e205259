//! Image quality measures (图像质量) behind the blank and blur checks.
//!
//! Invariants: both measures run on the analysis image (long side at most 1000 px), so their
//! values do not depend on the camera resolution.

use image::GrayImage;
use imageproc::filter::laplacian_filter;

/// Variance of the 3x3 Laplacian of `gray`: low when edges are soft (blur), high when sharp.
pub fn laplacian_variance(gray: &GrayImage) -> f64 {
    let laplacian = laplacian_filter(gray);
    let values = laplacian.as_raw();
    let count = values.len().max(1) as f64;

    let mean = values.iter().map(|&value| f64::from(value)).sum::<f64>() / count;
    values.iter().map(|&value| (f64::from(value) - mean).powi(2)).sum::<f64>() / count
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn flat_image_has_zero_variance() {
        let flat = GrayImage::from_pixel(50, 50, Luma([128]));

        assert_eq!(laplacian_variance(&flat), 0.0);
    }

    #[test]
    fn blurring_lowers_variance() {
        let checker = GrayImage::from_fn(200, 200, |x, y| {
            if (x / 4 + y / 4) % 2 == 0 {
                Luma([20])
            } else {
                Luma([230])
            }
        });
        let blurred = imageproc::filter::gaussian_blur_f32(&checker, 3.0);

        assert!(laplacian_variance(&blurred) < laplacian_variance(&checker) / 10.0);
    }
}
