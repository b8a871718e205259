//! Skew (倾斜) measurement and correction of a page that is upright but slightly turned.
//!
//! Method: projection profiles. Dark (ink) pixels of the Otsu-binarised analysis image, without
//! the dark regions that touch the image edge, are projected onto the vertical axis of a frame
//! turned by each candidate angle. Text lines give the sharpest profile (largest sum of squared
//! differences between neighbouring bins) when the frame matches the lines. A coarse search over
//! ±`MAX_SKEW_DEGREES` is refined around its best angle.
//!
//! Sign: a positive angle means the content is turned clockwise (text lines descend to the
//! right); correction turns the image by the opposite angle.

use std::collections::HashSet;

use image::{GrayImage, ImageBuffer, Luma, Rgb, RgbImage};
use imageproc::contrast::otsu_level;
use imageproc::geometric_transformations::{rotate_about_center, Border, Interpolation};
use imageproc::region_labelling::{connected_components, Connectivity};

/// Largest skew searched for, in degrees. Larger angles are not "small skew" and are left alone.
pub const MAX_SKEW_DEGREES: f64 = 8.0;
/// Skews smaller than this, in degrees, are not corrected: the interpolation would only blur.
pub const MIN_CORRECTED_DEGREES: f64 = 0.3;
/// Ink shares outside this range give no usable profile (an empty page or a dark frame).
const INK_SHARE_RANGE: (f64, f64) = (0.002, 0.45);

/// Measures the skew of `gray` in degrees, or `None` when the page has too little or too much ink.
pub fn measure_skew(gray: &GrayImage) -> Option<f64> {
    let ink = ink_pixels(gray)?;

    let coarse = best_angle(&ink, gray.height(), -MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.5);
    let fine = best_angle(&ink, gray.height(), coarse - 0.5, coarse + 0.5, 0.05);
    Some((fine * 100.0).round() / 100.0)
}

/// Turns `image` by `-skew_degrees` about its centre, filling the uncovered corners with white.
pub fn correct_skew(image: &RgbImage, skew_degrees: f64) -> RgbImage {
    let theta = (-skew_degrees).to_radians() as f32;
    rotate_about_center(image, theta, Interpolation::Bilinear, Border::Constant(Rgb([255, 255, 255])))
}

/// Coordinates of the ink pixels: those at or below the Otsu level, except dark regions that
/// touch the image edge.
///
/// Such regions are the desk around a photographed page: the border crop removes whole dark rows
/// and columns, but a turned page leaves wedges of desk along the cut. Their straight edge along
/// the image's own rows gives a sharp profile at exactly 0 degrees, which outscored the text lines
/// of a plain text page turned by 0.5 to 2.5 degrees (ruled forms were measured right).
fn ink_pixels(gray: &GrayImage) -> Option<Vec<(f64, f64)>> {
    let level = otsu_level(gray);
    let dark = GrayImage::from_fn(gray.width(), gray.height(), |x, y| {
        Luma([if gray.get_pixel(x, y).0[0] <= level { 255 } else { 0 }])
    });
    let dark_count = dark.pixels().filter(|pixel| pixel.0[0] > 0).count();

    let total = (gray.width() as usize * gray.height() as usize).max(1);
    let share = dark_count as f64 / total as f64;
    if share < INK_SHARE_RANGE.0 || share > INK_SHARE_RANGE.1 {
        return None;
    }

    let labels = connected_components(&dark, Connectivity::Eight, Luma([0u8]));
    let touching_edge = edge_labels(&labels);
    let ink: Vec<(f64, f64)> = labels
        .enumerate_pixels()
        .filter(|(_, _, label)| label.0[0] != 0 && !touching_edge.contains(&label.0[0]))
        .map(|(x, y, _)| (f64::from(x), f64::from(y)))
        .collect();
    if (ink.len() as f64 / total as f64) < INK_SHARE_RANGE.0 {
        return None;
    }
    Some(ink)
}

/// Labels of the connected components that reach the first or last row or column.
fn edge_labels(labels: &ImageBuffer<Luma<u32>, Vec<u32>>) -> HashSet<u32> {
    let (width, height) = labels.dimensions();
    if width == 0 || height == 0 {
        return HashSet::new();
    }
    let rows = (0..width).flat_map(|x| [(x, 0), (x, height - 1)]);
    let columns = (0..height).flat_map(|y| [(0, y), (width - 1, y)]);
    rows.chain(columns)
        .map(|(x, y)| labels.get_pixel(x, y).0[0])
        .filter(|&label| label != 0)
        .collect()
}

fn best_angle(ink: &[(f64, f64)], height: u32, from: f64, to: f64, step: f64) -> f64 {
    let steps = ((to - from) / step).round() as i32;
    let mut best = (0.0, f64::MIN);
    for index in 0..=steps {
        let angle = from + f64::from(index) * step;
        let score = profile_sharpness(ink, height, angle);
        // Ties go to the angle closest to zero, so a featureless profile means "no skew".
        let better = score > best.1 || (score == best.1 && angle.abs() < f64::abs(best.0));
        if better {
            best = (angle, score);
        }
    }
    best.0
}

/// Sum of squared differences between neighbouring bins of the projection of `ink` onto the
/// vertical axis of a frame turned clockwise by `degrees`.
fn profile_sharpness(ink: &[(f64, f64)], height: u32, degrees: f64) -> f64 {
    let (sin, cos) = degrees.to_radians().sin_cos();

    // The turned y coordinate of any pixel lies within ±(width + height) of zero, so an offset of
    // twice the largest extent keeps every bin index positive.
    let max_x = ink.iter().map(|(x, _)| *x).fold(0.0, f64::max);
    let offset = max_x + f64::from(height);
    let mut bins = vec![0u32; (2.0 * offset) as usize + 2];
    for (x, y) in ink {
        let turned = y * cos - x * sin + offset;
        bins[turned as usize] += 1;
    }

    bins.windows(2).map(|pair| (f64::from(pair[1]) - f64::from(pair[0])).powi(2)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// White page with dark text-like lines that descend by `degrees` to the right.
    fn lined_page(degrees: f64) -> GrayImage {
        let slope = degrees.to_radians().tan();
        GrayImage::from_fn(600, 400, |x, y| {
            let line_y = f64::from(y) - f64::from(x) * slope;
            let in_line = line_y.rem_euclid(30.0) < 8.0;
            let in_margin = !(50..550).contains(&x) || !(40..360).contains(&y);
            if in_line && !in_margin {
                Luma([20])
            } else {
                Luma([235])
            }
        })
    }

    #[test]
    fn measures_clockwise_skew_as_positive() {
        let skew = measure_skew(&lined_page(3.0)).unwrap_or(f64::NAN);

        assert!((skew - 3.0).abs() < 0.2, "measured {skew}");
    }

    #[test]
    fn measures_counter_clockwise_skew_as_negative() {
        let skew = measure_skew(&lined_page(-1.5)).unwrap_or(f64::NAN);

        assert!((skew + 1.5).abs() < 0.2, "measured {skew}");
    }

    #[test]
    fn straight_page_has_no_skew() {
        let skew = measure_skew(&lined_page(0.0)).unwrap_or(f64::NAN);

        assert!(skew.abs() < 0.1, "measured {skew}");
    }

    /// The lined page under a shadow: brightness falls from 235 on the right to 120 on the
    /// left, as when a phone or a hand shades part of the page.
    fn shaded_page(degrees: f64) -> GrayImage {
        let mut page = lined_page(degrees);
        let width = f64::from(page.width());
        for (x, _, pixel) in page.enumerate_pixels_mut() {
            let light = 0.5 + 0.5 * f64::from(x) / width;
            pixel.0[0] = (f64::from(pixel.0[0]) * light) as u8;
        }
        page
    }

    #[test]
    fn measures_skew_under_a_shadow() {
        let skew = measure_skew(&shaded_page(1.2)).unwrap_or(f64::NAN);

        assert!((skew - 1.2).abs() < 0.2, "measured {skew}");
    }

    #[test]
    fn empty_page_has_no_measure() {
        let empty = GrayImage::from_pixel(300, 200, Luma([250]));

        assert_eq!(measure_skew(&empty), None);
    }

    #[test]
    fn correction_straightens_lines() {
        let skewed = image::DynamicImage::ImageLuma8(lined_page(4.0)).to_rgb8();

        let corrected = correct_skew(&skewed, 4.0);
        let gray = image::DynamicImage::ImageRgb8(corrected).to_luma8();
        let remaining = measure_skew(&gray).unwrap_or(f64::NAN);

        assert!(remaining.abs() < 0.3, "remaining skew {remaining}");
    }
}
