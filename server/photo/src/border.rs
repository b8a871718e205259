//! Black border detection (黑边检测): dark bands along the edges left by scanners, phone cases or
//! a page photographed on a dark table.
//!
//! Invariants: a row or column belongs to the border only if nearly all of its pixels are dark.
//! Detection stops at the first row or column that is not. When the dark bands would leave less
//! than `MIN_CONTENT_SIDE` of either side, the frame is dark rather than bordered and no border is
//! reported (the blank check deals with such frames).

use image::GrayImage;
use serde::{Deserialize, Serialize};

/// Luminance (0..=255) below which a pixel counts as dark.
const DARK_LUMINANCE: u8 = 60;
/// Share of dark pixels that makes a whole row or column dark.
const DARK_LINE_SHARE: f64 = 0.9;
/// Smallest share of the width and of the height that must remain inside the border.
const MIN_CONTENT_SIDE: f64 = 0.25;

/// Widths of the dark bands on each side, in pixels of the measured image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Border {
    pub left: u32,
    pub top: u32,
    pub right: u32,
    pub bottom: u32,
}

impl Border {
    /// Share of the image area (0.0 to 1.0) covered by the border of an image of this size.
    pub fn area_fraction(&self, width: u32, height: u32) -> f64 {
        let inner_width = width.saturating_sub(self.left + self.right);
        let inner_height = height.saturating_sub(self.top + self.bottom);
        let total = f64::from(width) * f64::from(height);
        if total == 0.0 {
            return 0.0;
        }
        1.0 - f64::from(inner_width) * f64::from(inner_height) / total
    }

    /// Scales the border to an image `factor` times larger, clamped to that image's size.
    pub fn scaled(&self, factor: f64, width: u32, height: u32) -> Border {
        let scale = |value: u32| (f64::from(value) * factor).round() as u32;
        let left = scale(self.left).min(width / 2);
        let right = scale(self.right).min(width / 2);
        let top = scale(self.top).min(height / 2);
        let bottom = scale(self.bottom).min(height / 2);
        Border { left, top, right, bottom }
    }

    pub fn is_empty(&self) -> bool {
        *self == Border::default()
    }
}

/// Measures the dark bands of `gray`.
pub fn detect_border(gray: &GrayImage) -> Border {
    let (width, height) = gray.dimensions();
    let dark_row = |y: u32| dark_share((0..width).map(|x| gray.get_pixel(x, y).0[0])) >= DARK_LINE_SHARE;
    let dark_column =
        |x: u32| dark_share((0..height).map(|y| gray.get_pixel(x, y).0[0])) >= DARK_LINE_SHARE;

    let top = (0..height).take_while(|&y| dark_row(y)).count() as u32;
    let bottom = (0..height).rev().take_while(|&y| dark_row(y)).count() as u32;
    let left = (0..width).take_while(|&x| dark_column(x)).count() as u32;
    let right = (0..width).rev().take_while(|&x| dark_column(x)).count() as u32;

    let inner_width = f64::from(width.saturating_sub(left + right));
    let inner_height = f64::from(height.saturating_sub(top + bottom));
    let too_dark = inner_width < f64::from(width) * MIN_CONTENT_SIDE
        || inner_height < f64::from(height) * MIN_CONTENT_SIDE;
    if too_dark {
        return Border::default();
    }
    Border { left, top, right, bottom }
}

fn dark_share(values: impl Iterator<Item = u8>) -> f64 {
    let (mut dark, mut total) = (0usize, 0usize);
    for value in values {
        total += 1;
        if value < DARK_LUMINANCE {
            dark += 1;
        }
    }
    if total == 0 {
        return 0.0;
    }
    dark as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Draws a white 100x80 page with a black band of the given widths on each side.
    fn page_with_bands(left: u32, top: u32, right: u32, bottom: u32) -> GrayImage {
        GrayImage::from_fn(100, 80, |x, y| {
            let inside = x >= left && x < 100 - right && y >= top && y < 80 - bottom;
            if inside {
                Luma([240])
            } else {
                Luma([10])
            }
        })
    }

    #[test]
    fn bands_are_measured_per_side() {
        let border = detect_border(&page_with_bands(5, 3, 7, 0));

        assert_eq!(border, Border { left: 5, top: 3, right: 7, bottom: 0 });
    }

    #[test]
    fn area_fraction_of_bands() {
        let border = Border { left: 10, top: 0, right: 10, bottom: 0 };

        assert!((border.area_fraction(100, 80) - 0.2).abs() < 1e-9);
    }

    #[test]
    fn dark_frame_is_not_a_border() {
        let dark = GrayImage::from_pixel(100, 80, Luma([5]));

        assert!(detect_border(&dark).is_empty());
    }

    #[test]
    fn text_row_is_not_dark() {
        let mut page = GrayImage::from_pixel(100, 80, Luma([240]));
        for x in (0..100).step_by(2) {
            page.put_pixel(x, 0, Luma([0]));
        }

        assert!(detect_border(&page).is_empty());
    }
}
