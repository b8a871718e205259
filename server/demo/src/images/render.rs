//! Printing a [`Document`] on a flat sheet at 300 dpi, laid out as Chinese court papers are: 16 pt
//! body text with about 28 characters a line, bold titles, right-aligned signatures, the court's
//! red seal over the date.

use ab_glyph::{FontVec, PxScale};
use image::{Rgb, RgbImage};

use super::documents::{Block, Document, Sheet};
use super::font::{blend, draw_text, scale_for_points, text_width, Fonts, PAGE_DPI};

/// A4 at 300 dpi, in pixels.
pub const A4_SIZE: (u32, u32) = (2480, 3508);
/// A seal strip of about 305 × 106 mm at 300 dpi. Its long side gives the frame more than 300
/// pixels per inch of an A4 long side, so the image check does not flag the photo as low resolution.
pub const SEAL_STRIP_SIZE: (u32, u32) = (3600, 1250);

const PAPER: Rgb<u8> = Rgb([247, 245, 239]);
const INK: Rgb<u8> = Rgb([28, 28, 34]);
const SEAL_RED: Rgb<u8> = Rgb([204, 32, 42]);

/// Type sizes in points: 三号 for body text, 二号 for titles.
const BODY_POINTS: f32 = 16.0;
const TITLE_POINTS: f32 = 22.0;
/// Seal strips are read from a distance and printed larger.
const SEAL_BODY_POINTS: f32 = 20.0;
const SEAL_TITLE_POINTS: f32 = 36.0;
/// Line pitch as a multiple of the type size.
const LINE_PITCH: f32 = 1.75;

/// Page margins in millimetres: top, right, bottom, left.
const A4_MARGINS_MM: (f32, f32, f32, f32) = (37.0, 26.0, 35.0, 28.0);
const SEAL_MARGINS_MM: (f32, f32, f32, f32) = (8.0, 20.0, 8.0, 20.0);

fn mm_to_px(mm: f32) -> f32 {
    mm / 25.4 * PAGE_DPI
}

/// Cursor state while laying blocks out.
struct Layout<'a> {
    fonts: &'a Fonts,
    image: RgbImage,
    left: f32,
    right: f32,
    /// Top of the next line.
    y: f32,
    body: PxScale,
    title: PxScale,
    body_pitch: f32,
    title_pitch: f32,
    /// Centre of the last right-aligned line, where a following stamp goes.
    last_right_line: Option<(f32, f32)>,
    ruled: bool,
}

/// Prints `document` on a fresh sheet.
pub fn print(document: &Document, fonts: &Fonts) -> RgbImage {
    let ((width, height), margins, body_points, title_points) = match document.sheet {
        Sheet::A4 => (A4_SIZE, A4_MARGINS_MM, BODY_POINTS, TITLE_POINTS),
        Sheet::SealStrip => (
            SEAL_STRIP_SIZE,
            SEAL_MARGINS_MM,
            SEAL_BODY_POINTS,
            SEAL_TITLE_POINTS,
        ),
    };
    let body = scale_for_points(&fonts.body, body_points);
    let title = scale_for_points(&fonts.title, title_points);
    let mut layout = Layout {
        fonts,
        image: RgbImage::from_pixel(width, height, PAPER),
        left: mm_to_px(margins.3),
        right: width as f32 - mm_to_px(margins.1),
        y: mm_to_px(margins.0),
        body,
        title,
        body_pitch: body_points * PAGE_DPI / 72.0 * LINE_PITCH,
        title_pitch: title_points * PAGE_DPI / 72.0 * 1.5,
        last_right_line: None,
        ruled: document.ruled,
    };
    for block in &document.blocks {
        layout.place(block);
    }
    layout.image
}

impl Layout<'_> {
    fn place(&mut self, block: &Block) {
        match block {
            Block::Title(text) => {
                let width = text_width(&self.fonts.title, self.title, text);
                let x = (self.left + self.right - width) / 2.0;
                self.line(Face::Title, x, text);
            }
            Block::Centered(text) => {
                let width = text_width(&self.fonts.body, self.body, text);
                let x = (self.left + self.right - width) / 2.0;
                self.line(Face::Body, x, text);
            }
            Block::Right(text) => {
                let width = text_width(&self.fonts.body, self.body, text);
                let x = self.right - width - self.em();
                let centre = (x + width / 2.0, self.y + self.body_pitch / 2.0);
                self.line(Face::Body, x, text);
                self.last_right_line = Some(centre);
            }
            Block::Paragraph { text, indent } => self.paragraph(text, *indent),
            Block::Table(rows) => self.table(rows),
            Block::Gap(lines) => self.y += self.body_pitch * lines,
            Block::Stamp => self.stamp(),
        }
    }

    fn em(&self) -> f32 {
        text_width(&self.fonts.body, self.body, "中")
    }

    /// Draws one line and moves the cursor below it.
    fn line(&mut self, face: Face, x: f32, text: &str) {
        let (font, scale, pitch) = match face {
            Face::Title => (&self.fonts.title, self.title, self.title_pitch),
            Face::Body => (&self.fonts.body, self.body, self.body_pitch),
        };
        let baseline = self.y + pitch * 0.72;
        draw_text(&mut self.image, font, scale, x, baseline, text, INK, 1.0);
        if self.ruled && matches!(face, Face::Body) {
            let rule_y = self.y + pitch * 0.9;
            self.rule(self.left, rule_y, self.right, rule_y);
        }
        self.y += pitch;
    }

    fn paragraph(&mut self, text: &str, indent: bool) {
        let first_indent = if indent { 2.0 * self.em() } else { 0.0 };
        let width = self.right - self.left;
        let lines = wrap(&self.fonts.body, self.body, text, width, first_indent);
        for (index, line) in lines.iter().enumerate() {
            let x = self.left + if index == 0 { first_indent } else { 0.0 };
            self.line(Face::Body, x, line);
        }
    }

    /// Draws a ruled form: a label column of a fifth of the width and a value column.
    fn table(&mut self, rows: &[(String, String)]) {
        let row_height = self.body_pitch * 1.5;
        let split = self.left + (self.right - self.left) * 0.26;
        let top = self.y;
        for (index, (label, value)) in rows.iter().enumerate() {
            let row_top = top + row_height * index as f32;
            let baseline = row_top + row_height * 0.62;
            let pad = self.em() * 0.5;
            draw_text(
                &mut self.image,
                &self.fonts.body,
                self.body,
                self.left + pad,
                baseline,
                label,
                INK,
                1.0,
            );
            draw_text(
                &mut self.image,
                &self.fonts.body,
                self.body,
                split + pad,
                baseline,
                value,
                INK,
                1.0,
            );
        }
        let bottom = top + row_height * rows.len() as f32;
        for index in 0..=rows.len() {
            let y = top + row_height * index as f32;
            self.rule(self.left, y, self.right, y);
        }
        for x in [self.left, split, self.right] {
            self.rule(x, top, x, bottom);
        }
        self.y = bottom;
    }

    /// Draws a 3-pixel horizontal or vertical rule.
    fn rule(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        let (x0, y0, x1, y1) = (x0 as i64, y0 as i64, x1 as i64, y1 as i64);
        for x in x0.min(x1) - 1..=x0.max(x1) + 1 {
            for y in y0.min(y1) - 1..=y0.max(y1) + 1 {
                blend(&mut self.image, x, y, INK, 0.9);
            }
        }
    }

    /// Stamps the court's round red seal over the last right-aligned line, or in the middle of
    /// the space used so far.
    fn stamp(&mut self) {
        let radius = mm_to_px(21.0);
        let (cx, cy) = self
            .last_right_line
            .unwrap_or(((self.left + self.right) / 2.0, self.y - radius));
        let ring = mm_to_px(1.2);
        let (x0, x1) = ((cx - radius - 2.0) as i64, (cx + radius + 2.0) as i64);
        let (y0, y1) = ((cy - radius - 2.0) as i64, (cy + radius + 2.0) as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let distance = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                if (distance - (radius - ring / 2.0)).abs() <= ring / 2.0 {
                    blend(&mut self.image, x, y, SEAL_RED, 0.8);
                }
            }
        }
        let star = scale_for_points(&self.fonts.body, 40.0);
        let star_width = text_width(&self.fonts.body, star, "★");
        draw_text(
            &mut self.image,
            &self.fonts.body,
            star,
            cx - star_width / 2.0,
            cy + star.y * 0.3,
            "★",
            SEAL_RED,
            0.8,
        );
    }
}

#[derive(Clone, Copy)]
enum Face {
    Title,
    Body,
}

/// Breaks `text` into lines no wider than `width`, the first starting `first_indent` pixels in.
/// Chinese text breaks between any two characters; a closing punctuation mark stays on its line.
fn wrap(font: &FontVec, scale: PxScale, text: &str, width: f32, first_indent: f32) -> Vec<String> {
    const NO_LINE_START: &str = "，。、；：！？）」』”’》";
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut available = width - first_indent;
    for c in text.chars() {
        let mut candidate = current.clone();
        candidate.push(c);
        let fits = text_width(font, scale, &candidate) <= available;
        if fits || current.is_empty() || NO_LINE_START.contains(c) {
            current = candidate;
            continue;
        }
        lines.push(std::mem::take(&mut current));
        current.push(c);
        available = width;
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}
