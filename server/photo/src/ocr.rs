//! OCR (文字识别) with Tesseract `chi_sim` on the upright working image.
//!
//! Invariants: an `OcrEngine` owns its Tesseract instances and is `Send` but not `Sync`, because
//! Tesseract's `TessBaseAPI` keeps per-page state and must never be used by two threads at once.
//! A worker pool therefore creates one engine per worker thread and moves it there. The page given to
//! Tesseract is a preprocessed copy (`preprocess`); the working image itself is not changed.

use std::cell::Cell;
use std::marker::PhantomData;

use image::imageops::FilterType;
use image::{DynamicImage, GrayImage};
use imageproc::contrast::{adaptive_threshold, otsu_level, threshold, ThresholdType};
use imageproc::region_labelling::{connected_components, Connectivity};
use serde::{Deserialize, Serialize};
use tesseract::{PageSegMode, Tesseract};

use crate::error::PhotoError;
use crate::osd::{OsdApi, OsdResult};
use crate::text::tidy_ocr_text;

/// Tesseract language: simplified Chinese, whose model also reads digits and Latin letters.
///
/// `chi_sim+eng` was used before. On the demo's generated photos of court papers the English
/// model took over the part of a case number after the bracket, so （2026）豫13执123号 came out as
/// "(2026) #1341234", and it garbled Chinese names the same way. `chi_sim` alone read those case
/// numbers and found as many fixture key phrases (12 of 16, Tesseract 5.3.0 with the Debian
/// 4.1.0 models).
pub const OCR_LANGUAGES: &str = "chi_sim";

/// Languages of a second recognition of a page on which `chi_sim` found no Chinese character:
/// alone it misreads large Latin print (the fixture page "TEST" came out as "ES").
pub const LATIN_PAGE_LANGUAGES: &str = "chi_sim+eng";

/// Binarisation method applied to the grayscale page before recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Binarization {
    /// Tesseract binarises the grayscale page itself (its own Otsu thresholding).
    Tesseract,
    /// One global Otsu threshold for the whole page.
    Otsu,
    /// Mean of the `(2 * block_radius + 1)` square block minus `delta`: copes with shadows.
    Adaptive { block_radius: u32, delta: i32 },
}

/// Preprocessing and segmentation settings for one recognition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OcrOptions {
    /// Pages whose long side is shorter than this, in pixels, are scaled up to it.
    pub min_long_side: u32,
    /// Pages whose long side is longer than this, in pixels, are scaled down to it.
    pub max_long_side: u32,
    /// Largest upscaling factor, so tiny images are not blown up into noise.
    pub max_upscale: f64,
    /// Median height of ink blobs (strokes, radicals, letters), in pixels, above which a page is
    /// not scaled up: large print read worse when it was enlarged along with the page.
    pub max_blob_height: Option<f64>,
    pub binarization: Binarization,
    pub page_segmentation: PageSegMode,
}

/// Defaults measured with `examples/tune.rs` on 16 photos and scans of Chinese forms (430 to 2560
/// px long side), counting printed key phrases found. Tesseract's own binarisation with automatic
/// segmentation (PSM 3) found 7 to 8 at any scale, and adaptive binarisation with PSM 3 found 10.
/// Sparse text (PSM 11) found 10 to 11, and 12 with adaptive binarisation once large print was no
/// longer enlarged. Raising the adaptive offset from 12 to 20 kept the 12 phrases. On the demo's
/// generated photos of 16 pt court papers (six papers printed with four dates) it raised the
/// case numbers such as (2026)豫13执123号 read right from 14 to 21 of 24, because at 12 豫 came
/// out as 驳 or 耶. PSM 4 found 13 phrases but misread the ruling's case number on every date.
impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            min_long_side: 2000,
            max_long_side: 3600,
            max_upscale: 4.0,
            max_blob_height: Some(30.0),
            binarization: Binarization::Adaptive { block_radius: 20, delta: 20 },
            page_segmentation: PageSegMode::PsmSparseText,
        }
    }
}

/// Recognised text of one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrText {
    /// Text without the spaces Tesseract puts between Chinese characters.
    pub text: String,
    /// Tesseract's mean word confidence, 0 to 100 (0 when nothing was recognised).
    pub mean_confidence: i32,
}

/// One worker's Tesseract instances: `chi_sim` for text and `osd` for page orientation.
///
/// `Send` so that it can be moved into a worker thread; deliberately not `Sync`, so it cannot be
/// shared between threads:
///
/// ```compile_fail
/// fn shared_between_threads<T: Sync>() {}
/// shared_between_threads::<juanzong_photo::OcrEngine>();
/// ```
pub struct OcrEngine {
    /// `None` only after a failed call consumed the instance; the next call creates a new one.
    tesseract: Option<Tesseract>,
    /// The [`LATIN_PAGE_LANGUAGES`] instance, created on the first page without Chinese.
    latin: Option<Tesseract>,
    osd: OsdApi,
    options: OcrOptions,
    _not_sync: PhantomData<Cell<()>>,
}

impl OcrEngine {
    /// Loads the `chi_sim` and `osd` models from Tesseract's default data path (Debian packages
    /// tesseract-ocr-chi-sim and tesseract-ocr-osd). `eng` (tesseract-ocr-eng) is loaded on the
    /// first page without Chinese.
    pub fn new() -> Result<OcrEngine, PhotoError> {
        OcrEngine::with_options(OcrOptions::default())
    }

    /// Like `new`, with other preprocessing settings.
    pub fn with_options(options: OcrOptions) -> Result<OcrEngine, PhotoError> {
        let tesseract = new_tesseract(OCR_LANGUAGES)?;
        let osd = OsdApi::new().map_err(|reason| PhotoError::Ocr { reason })?;
        Ok(OcrEngine {
            tesseract: Some(tesseract),
            latin: None,
            osd,
            options,
            _not_sync: PhantomData,
        })
    }

    pub fn options(&self) -> &OcrOptions {
        &self.options
    }

    /// Recognises the text of an upright page with [`OCR_LANGUAGES`], and once more with
    /// [`LATIN_PAGE_LANGUAGES`] when that found no Chinese character.
    pub fn recognize(&mut self, page: &DynamicImage) -> Result<OcrText, PhotoError> {
        let prepared = preprocess(page, &self.options);
        let mode = self.options.page_segmentation;
        let chinese = recognize_with(&mut self.tesseract, OCR_LANGUAGES, &prepared, mode)?;
        if chinese.text.chars().any(is_chinese) {
            return Ok(chinese);
        }
        recognize_with(&mut self.latin, LATIN_PAGE_LANGUAGES, &prepared, mode)
    }

    /// Detects whether the page is stored turned by a quarter or half turn. Runs on the same
    /// preprocessed page as `recognize`.
    pub fn detect_orientation(&mut self, page: &DynamicImage) -> Option<OsdResult> {
        let prepared = preprocess(page, &self.options);
        self.osd.detect(&prepared)
    }
}

/// Runs the instance in `slot` (created for `languages` when empty) on a preprocessed page.
fn recognize_with(
    slot: &mut Option<Tesseract>,
    languages: &str,
    page: &GrayImage,
    mode: PageSegMode,
) -> Result<OcrText, PhotoError> {
    let tesseract = match slot.take() {
        Some(tesseract) => tesseract,
        None => new_tesseract(languages)?,
    };

    let (tesseract, raw_text, mean_confidence) = run_tesseract(tesseract, page, mode)?;
    *slot = Some(tesseract);

    let text = tidy_ocr_text(&raw_text);
    let mean_confidence = if text.is_empty() { 0 } else { mean_confidence };
    Ok(OcrText { text, mean_confidence })
}

/// Tells whether `c` is a CJK unified ideograph (the basic block or extension A).
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

fn new_tesseract(languages: &str) -> Result<Tesseract, PhotoError> {
    let tesseract = Tesseract::new(None, Some(languages)).map_err(|error| PhotoError::Ocr {
        reason: format!("cannot load Tesseract languages {languages}: {error}"),
    })?;
    // The page is scaled before recognition, so the resolution Tesseract assumes is a constant;
    // 300 dpi also silences its "invalid resolution" warning.
    tesseract.set_variable("user_defined_dpi", "300").map_err(|error| PhotoError::Ocr {
        reason: format!("cannot set user_defined_dpi: {error}"),
    })
}

fn run_tesseract(
    tesseract: Tesseract,
    page: &GrayImage,
    mode: PageSegMode,
) -> Result<(Tesseract, String, i32), PhotoError> {
    let failed = |step: &str, error: &dyn std::fmt::Display| PhotoError::Ocr {
        reason: format!("{step} failed: {error}"),
    };
    let width = i32::try_from(page.width()).map_err(|error| failed("page width", &error))?;
    let height = i32::try_from(page.height()).map_err(|error| failed("page height", &error))?;

    let mut tesseract = tesseract;
    tesseract.set_page_seg_mode(mode);
    let tesseract = tesseract
        .set_frame(page.as_raw(), width, height, 1, width)
        .map_err(|error| failed("set image", &error))?;
    let mut tesseract = tesseract.recognize().map_err(|error| failed("recognize", &error))?;

    let text = tesseract.get_text().map_err(|error| failed("get text", &error))?;
    let confidence = tesseract.mean_text_conf();
    Ok((tesseract, text, confidence))
}

/// Grayscale, scaled and binarised copy of `page` as Tesseract receives it.
pub fn preprocess(page: &DynamicImage, options: &OcrOptions) -> GrayImage {
    let gray = scale_for_ocr(&page.to_luma8(), options);

    match options.binarization {
        Binarization::Tesseract => gray,
        Binarization::Otsu => threshold(&gray, otsu_level(&gray), ThresholdType::Binary),
        Binarization::Adaptive { block_radius, delta } => {
            adaptive_threshold(&gray, block_radius.max(1), delta)
        }
    }
}

fn scale_for_ocr(gray: &GrayImage, options: &OcrOptions) -> GrayImage {
    let long_side = gray.width().max(gray.height());
    if long_side == 0 {
        return gray.clone();
    }

    let long = f64::from(long_side);
    let by_long_side = if long_side < options.min_long_side {
        (f64::from(options.min_long_side) / long).min(options.max_upscale)
    } else {
        1.0
    };
    let by_blob_height = options
        .max_blob_height
        .and_then(|max| median_blob_height(gray).map(|height| (max / height).max(1.0)));
    let factor = by_long_side.min(by_blob_height.unwrap_or(f64::MAX));
    let factor = factor.min(f64::from(options.max_long_side) / long);
    if (factor - 1.0).abs() < 0.01 {
        return gray.clone();
    }

    let width = ((f64::from(gray.width()) * factor).round() as u32).max(1);
    let height = ((f64::from(gray.height()) * factor).round() as u32).max(1);
    image::imageops::resize(gray, width, height, FilterType::CatmullRom)
}

/// Median height, in pixels of `gray`, of the ink blobs that can be parts of characters: connected
/// components of the Otsu-binarised analysis image that are neither specks nor ruling lines.
/// Returns `None` when there are fewer than `MIN_BLOBS` of them.
fn median_blob_height(gray: &GrayImage) -> Option<f64> {
    const MIN_BLOBS: usize = 5;

    let (analysis, factor) = crate::analysis::analysis_image(&DynamicImage::ImageLuma8(gray.clone()));
    let level = otsu_level(&analysis);
    let ink = GrayImage::from_fn(analysis.width(), analysis.height(), |x, y| {
        image::Luma([if analysis.get_pixel(x, y).0[0] <= level { 255 } else { 0 }])
    });
    let labels = connected_components(&ink, Connectivity::Eight, image::Luma([0u8]));

    // Bounding boxes per label: min x, min y, max x, max y.
    let mut boxes: Vec<[u32; 4]> = Vec::new();
    for (x, y, label) in labels.enumerate_pixels() {
        let label = label.0[0] as usize;
        if label == 0 {
            continue;
        }
        if boxes.len() < label {
            boxes.resize(label, [u32::MAX, u32::MAX, 0, 0]);
        }
        let bounds = &mut boxes[label - 1];
        bounds[0] = bounds[0].min(x);
        bounds[1] = bounds[1].min(y);
        bounds[2] = bounds[2].max(x);
        bounds[3] = bounds[3].max(y);
    }

    let max_height = analysis.height() / 5;
    let mut heights: Vec<u32> = boxes
        .iter()
        .filter(|bounds| bounds[0] != u32::MAX)
        .map(|bounds| (bounds[2] - bounds[0] + 1, bounds[3] - bounds[1] + 1))
        .filter(|&(width, height)| height >= 3 && height <= max_height && width <= 4 * height)
        .map(|(_, height)| height)
        .collect();
    if heights.len() < MIN_BLOBS {
        return None;
    }

    heights.sort_unstable();
    Some(f64::from(heights[heights.len() / 2]) * factor)
}
