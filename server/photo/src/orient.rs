//! Orientation (方向校正): EXIF orientation and quarter turns of pixel-rotated pages.
//!
//! Invariants: each transform returns a new image and leaves its input untouched; rotations are
//! lossless (whole pixels are moved, none are interpolated).

use image::metadata::Orientation;
use image::DynamicImage;
use serde::{Deserialize, Serialize};

/// A clockwise quarter turn applied to make the page upright.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuarterTurn {
    #[serde(rename = "0")]
    None,
    #[serde(rename = "90")]
    Clockwise90,
    #[serde(rename = "180")]
    Clockwise180,
    #[serde(rename = "270")]
    Clockwise270,
}

impl QuarterTurn {
    /// Clockwise angle in degrees: 0, 90, 180 or 270.
    pub fn degrees(self) -> u16 {
        match self {
            QuarterTurn::None => 0,
            QuarterTurn::Clockwise90 => 90,
            QuarterTurn::Clockwise180 => 180,
            QuarterTurn::Clockwise270 => 270,
        }
    }

    /// Converts a clockwise angle, rounded to the nearest quarter turn.
    pub fn from_degrees(degrees: i32) -> QuarterTurn {
        match ((degrees as f64 / 90.0).round() as i32).rem_euclid(4) {
            1 => QuarterTurn::Clockwise90,
            2 => QuarterTurn::Clockwise180,
            3 => QuarterTurn::Clockwise270,
            _ => QuarterTurn::None,
        }
    }

    /// Turns `image` clockwise by this amount.
    pub fn apply(self, image: &DynamicImage) -> DynamicImage {
        match self {
            QuarterTurn::None => image.clone(),
            QuarterTurn::Clockwise90 => image.rotate90(),
            QuarterTurn::Clockwise180 => image.rotate180(),
            QuarterTurn::Clockwise270 => image.rotate270(),
        }
    }
}

/// Applies an EXIF orientation value (1 to 8); other values leave the image as stored.
pub fn apply_exif_orientation(image: DynamicImage, exif_value: u8) -> DynamicImage {
    let Some(orientation) = Orientation::from_exif(exif_value) else {
        return image;
    };

    let mut image = image;
    image.apply_orientation(orientation);
    image
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// Draws a 3x2 image whose top-left pixel is red and all others are black.
    fn marked_image() -> DynamicImage {
        let mut image = RgbImage::new(3, 2);
        image.put_pixel(0, 0, Rgb([255, 0, 0]));
        DynamicImage::ImageRgb8(image)
    }

    fn red_pixel_position(image: &DynamicImage) -> (u32, u32) {
        let rgb = image.to_rgb8();
        let found = rgb.enumerate_pixels().find(|(_, _, pixel)| pixel.0 == [255, 0, 0]);
        found.map(|(x, y, _)| (x, y)).unwrap_or((u32::MAX, u32::MAX))
    }

    #[test]
    fn exif_6_turns_clockwise() {
        let upright = apply_exif_orientation(marked_image(), 6);

        assert_eq!((upright.width(), upright.height()), (2, 3));
        assert_eq!(red_pixel_position(&upright), (1, 0));
    }

    #[test]
    fn exif_3_turns_half() {
        let upright = apply_exif_orientation(marked_image(), 3);

        assert_eq!(red_pixel_position(&upright), (2, 1));
    }

    #[test]
    fn invalid_exif_value_is_ignored() {
        let image = apply_exif_orientation(marked_image(), 9);

        assert_eq!(red_pixel_position(&image), (0, 0));
    }

    #[test]
    fn quarter_turn_from_degrees() {
        assert_eq!(QuarterTurn::from_degrees(0), QuarterTurn::None);
        assert_eq!(QuarterTurn::from_degrees(90), QuarterTurn::Clockwise90);
        assert_eq!(QuarterTurn::from_degrees(-90), QuarterTurn::Clockwise270);
        assert_eq!(QuarterTurn::from_degrees(540), QuarterTurn::Clockwise180);
    }

    #[test]
    fn quarter_turn_90_moves_corner() {
        let turned = QuarterTurn::Clockwise90.apply(&marked_image());

        assert_eq!(red_pixel_position(&turned), (1, 0));
    }
}
