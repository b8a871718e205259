//! The photographed look: a printed sheet lying on a dark desk (or posted on a dark door), turned
//! slightly, lit unevenly, with a soft shadow along its edges and sensor noise.
//!
//! The sheet keeps its printed size and the frame adds a thin band of desk around it. An A4 photo
//! therefore has more than 300 pixels per inch of the page's long side, the minimum resolution of
//! the case-file center's image check. The desk is darker than luminance 60, which the image check
//! treats as a border, so the rows and columns of desk that the page does not reach are cropped
//! before the skew is measured. The thin band keeps the cropped share under the 5 % the check
//! flags.

use image::RgbImage;
use rand::rngs::StdRng;
use rand::Rng;

/// Band of background around the sheet, as a share of the sheet's size per side.
pub const BACKGROUND_BAND: f32 = 0.016;
/// Largest per-channel noise, in levels of 255.
const NOISE_LEVELS: i32 = 4;

/// Surface behind the sheet.
#[derive(Debug, Clone, Copy)]
pub enum Background {
    /// A dark walnut desk.
    Desk,
    /// A dark red-brown security door, for a posted seal.
    Door,
}

/// Settings of one shot.
#[derive(Debug, Clone, Copy)]
pub struct Shot {
    /// Clockwise turn of the sheet in the frame, in degrees.
    pub rotation_degrees: f32,
    pub background: Background,
}

/// Photographs `sheet`: returns a frame [`BACKGROUND_BAND`] larger per side with the sheet in
/// the middle, turned by the shot's rotation about the frame centre and lit unevenly.
pub fn photograph(sheet: &RgbImage, shot: Shot, rng: &mut StdRng) -> RgbImage {
    let (sheet_width, sheet_height) = sheet.dimensions();
    let band = |side: u32| (side as f32 * BACKGROUND_BAND).round() as u32;
    let (width, height) = (
        sheet_width + 2 * band(sheet_width),
        sheet_height + 2 * band(sheet_height),
    );
    let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
    let (sheet_cx, sheet_cy) = (sheet_width as f32 / 2.0, sheet_height as f32 / 2.0);
    let (sin, cos) = shot.rotation_degrees.to_radians().sin_cos();
    let light = Lighting::random(width, height, rng);
    let grain_phase: f32 = rng.gen_range(0.0..std::f32::consts::TAU);

    let mut frame = RgbImage::new(width, height);
    for (x, y, pixel) in frame.enumerate_pixels_mut() {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        // Inverse of a clockwise turn (y points down).
        let sheet_x = dx * cos + dy * sin + sheet_cx;
        let sheet_y = -dx * sin + dy * cos + sheet_cy;
        let colour = match sample(sheet, sheet_x, sheet_y) {
            Some(colour) => colour,
            None => {
                let outside =
                    distance_outside(sheet_x, sheet_y, sheet_width as f32, sheet_height as f32);
                background(shot.background, x, y, grain_phase, outside)
            }
        };
        let factor = light.factor(x as f32, y as f32);
        for (value, lit) in pixel.0.iter_mut().zip(colour) {
            let noise = rng.gen_range(-NOISE_LEVELS..=NOISE_LEVELS) as f32;
            *value = (lit * factor + noise).clamp(0.0, 255.0) as u8;
        }
    }
    frame
}

/// Bilinear sample of the sheet, or `None` outside it.
fn sample(sheet: &RgbImage, x: f32, y: f32) -> Option<[f32; 3]> {
    let (width, height) = sheet.dimensions();
    if x < 0.0 || y < 0.0 || x > (width - 1) as f32 || y > (height - 1) as f32 {
        return None;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(width - 1), (y0 + 1).min(height - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let at = |px: u32, py: u32, channel: usize| f32::from(sheet.get_pixel(px, py).0[channel]);
    let mut colour = [0.0; 3];
    for (channel, value) in colour.iter_mut().enumerate() {
        let top = at(x0, y0, channel) * (1.0 - fx) + at(x1, y0, channel) * fx;
        let bottom = at(x0, y1, channel) * (1.0 - fx) + at(x1, y1, channel) * fx;
        *value = top * (1.0 - fy) + bottom * fy;
    }
    Some(colour)
}

/// Distance in sheet pixels from a point outside the sheet to its nearest edge.
fn distance_outside(x: f32, y: f32, width: f32, height: f32) -> f32 {
    let dx = (-x).max(x - (width - 1.0)).max(0.0);
    let dy = (-y).max(y - (height - 1.0)).max(0.0);
    (dx * dx + dy * dy).sqrt()
}

/// Colour of the surface behind the sheet, darkened by the sheet's shadow near its edge.
fn background(kind: Background, x: u32, y: u32, phase: f32, distance_from_sheet: f32) -> [f32; 3] {
    let (x, y) = (x as f32, y as f32);
    let base = match kind {
        Background::Desk => {
            // Wood grain: slow bands along x, bent a little along y.
            let grain = (y * 0.021 + 2.5 * (x * 0.0041 + phase).sin()).sin() * 4.0;
            [62.0 + grain, 42.0 + grain * 0.8, 30.0 + grain * 0.6]
        }
        Background::Door => [74.0, 36.0, 30.0],
    };
    let shadow = 1.0 - 0.3 * (-distance_from_sheet / 12.0).exp();
    base.map(|value| value * shadow)
}

/// Light falling off from one corner, with a dimmer patch where the photographer's hand and
/// phone shade the page.
struct Lighting {
    width: f32,
    height: f32,
    /// Corner the light comes from, as 0 or 1 per axis.
    from: (f32, f32),
    falloff: f32,
    patch: (f32, f32, f32),
}

impl Lighting {
    fn random(width: u32, height: u32, rng: &mut StdRng) -> Lighting {
        let (width, height) = (width as f32, height as f32);
        Lighting {
            width,
            height,
            from: (rng.gen_range(0..2) as f32, rng.gen_range(0..2) as f32),
            falloff: rng.gen_range(0.14..0.22),
            patch: (
                rng.gen_range(0.3..0.8) * width,
                rng.gen_range(0.55..0.95) * height,
                rng.gen_range(0.2..0.3) * width,
            ),
        }
    }

    fn factor(&self, x: f32, y: f32) -> f32 {
        let u = (x / self.width - self.from.0).abs();
        let v = (y / self.height - self.from.1).abs();
        let gradient = 1.0 - self.falloff * (0.6 * u + 0.4 * v);
        let (px, py, radius) = self.patch;
        let distance_squared = ((x - px).powi(2) + (y - py).powi(2)) / (radius * radius);
        gradient * (1.0 - 0.08 * (-distance_squared).exp())
    }
}
