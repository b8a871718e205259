//! The CJK fonts (中文字体) the generated papers are printed with, from Debian's fonts-noto-cjk.
//!
//! The Noto CJK files are TrueType collections with one face per region (JP, KR, SC, TC, HK).
//! The Simplified Chinese face is found by its family name, not by a fixed index, so a repacked
//! collection with another order still prints Simplified glyph shapes.

use std::path::{Path, PathBuf};

use ab_glyph::{point, Font, FontVec, PxScale, ScaleFont};
use image::{Rgb, RgbImage};

use super::ImageError;

/// Debian package that provides the fonts.
pub const FONT_PACKAGE: &str = "fonts-noto-cjk";

/// Body text: a serif (宋体-like) face, as court papers are printed.
const BODY_FONT_PATHS: [&str; 2] = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];
/// Titles: a bold sans (黑体-like) face.
const TITLE_FONT_PATHS: [&str; 2] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
];

/// Print resolution of the pages, in dots per inch.
pub const PAGE_DPI: f32 = 300.0;

/// The body and title faces.
pub struct Fonts {
    pub body: FontVec,
    pub title: FontVec,
}

impl Fonts {
    /// Loads the Simplified Chinese faces of the first font files found.
    pub fn load() -> Result<Fonts, ImageError> {
        let body = load_first(&BODY_FONT_PATHS)?;
        // A machine without the bold files prints titles in the body face.
        let title = match load_first(&TITLE_FONT_PATHS) {
            Ok(font) => font,
            Err(ImageError::FontMissing { .. }) => load_first(&BODY_FONT_PATHS)?,
            Err(other) => return Err(other),
        };
        Ok(Fonts { body, title })
    }
}

fn load_first(paths: &[&str]) -> Result<FontVec, ImageError> {
    let Some(path) = paths.iter().map(Path::new).find(|path| path.exists()) else {
        return Err(ImageError::FontMissing {
            paths: paths.iter().map(PathBuf::from).collect(),
        });
    };
    let data = std::fs::read(path).map_err(|source| ImageError::FontUnreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let index = simplified_chinese_index(&data).ok_or_else(|| ImageError::FontInvalid {
        path: path.to_path_buf(),
        reason: "字体集合中没有简体中文（SC）字形".to_string(),
    })?;
    FontVec::try_from_vec_and_index(data, index).map_err(|error| ImageError::FontInvalid {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })
}

/// Returns the index of the face whose family name ends in " SC", such as "Noto Serif CJK SC".
fn simplified_chinese_index(data: &[u8]) -> Option<u32> {
    let faces = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..faces).find(|&index| {
        let Ok(face) = ttf_parser::Face::parse(data, index) else {
            return false;
        };
        face.names()
            .into_iter()
            .filter(|name| name.name_id == ttf_parser::name_id::FAMILY)
            .filter_map(|name| name.to_string())
            .any(|family| family.ends_with(" SC"))
    })
}

/// Converts a type size in points to ab_glyph's scale, which is the pixel height from the
/// lowest descender to the highest ascender rather than the em size.
pub fn scale_for_points(font: &FontVec, points: f32) -> PxScale {
    let em_pixels = points * PAGE_DPI / 72.0;
    let units_per_em = font.units_per_em().unwrap_or(1000.0);
    PxScale::from(em_pixels * font.height_unscaled() / units_per_em)
}

/// Measures the advance width of `text` in pixels.
pub fn text_width(font: &FontVec, scale: PxScale, text: &str) -> f32 {
    let scaled = font.as_scaled(scale);
    text.chars()
        .map(|c| scaled.h_advance(scaled.glyph_id(c)))
        .sum()
}

/// Draws `text` with its baseline at `baseline_y` starting at `x`, blending `color` by each
/// pixel's glyph coverage times `opacity`. Returns the x after the last glyph.
#[allow(clippy::too_many_arguments)]
pub fn draw_text(
    image: &mut RgbImage,
    font: &FontVec,
    scale: PxScale,
    x: f32,
    baseline_y: f32,
    text: &str,
    color: Rgb<u8>,
    opacity: f32,
) -> f32 {
    let scaled = font.as_scaled(scale);
    let mut caret = x;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        let glyph = id.with_scale_and_position(scale, point(caret, baseline_y));
        caret += scaled.h_advance(id);
        let Some(outlined) = font.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            blend(image, px, py, color, coverage * opacity);
        });
    }
    caret
}

/// Blends `color` over the pixel at (x, y) with weight `alpha`; pixels outside are skipped.
pub fn blend(image: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>, alpha: f32) {
    if x < 0 || y < 0 || x >= i64::from(image.width()) || y >= i64::from(image.height()) {
        return;
    }
    let alpha = alpha.clamp(0.0, 1.0);
    let pixel = image.get_pixel_mut(x as u32, y as u32);
    for channel in 0..3 {
        let under = f32::from(pixel.0[channel]);
        let over = f32::from(color.0[channel]);
        pixel.0[channel] = (under + (over - under) * alpha).round() as u8;
    }
}
