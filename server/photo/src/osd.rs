//! Orientation detection (方向检测) of pixel-rotated pages with Tesseract's OSD model.
//!
//! The `tesseract` crate does not wrap `TessBaseAPIDetectOrientationScript`, so this module calls
//! the C API of the same libtesseract through `tesseract-sys`. Invariants: an `OsdApi` owns one
//! `TessBaseAPI` handle loaded with the `osd` language (Debian package tesseract-ocr-osd) and
//! deletes it exactly once, on drop. It is `Send` but not `Sync` (a raw pointer field), and every
//! call takes `&mut self`, so one thread at a time uses it.
//!
//! The page goes to Tesseract as a leptonica image that carries its resolution. OSD reads the
//! resolution from the binarised copy of that image, not from `SetSourceResolution`, and printed
//! "Warning. Invalid resolution 0 dpi. Using 70 instead." on stderr for every raw pixel buffer
//! (libtesseract 5.3.0).

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use image::GrayImage;
use tesseract::plumbing::leptonica_sys::{
    pixCreate, pixDestroy, pixGetData, pixGetWpl, pixSetResolution, Pix,
};
use tesseract_sys::{
    TessBaseAPI, TessBaseAPICreate, TessBaseAPIDelete, TessBaseAPIDetectOrientationScript,
    TessBaseAPIEnd, TessBaseAPIInit3, TessBaseAPISetImage2, TessBaseAPISetSourceResolution,
};

use crate::orient::QuarterTurn;

/// Resolution of the page given to OSD, in dots per inch. The preprocessed page of an A4 sheet is
/// about 300 dpi (see `OcrOptions::max_long_side`), and the OCR instance assumes the same.
pub const PAGE_DPI: c_int = 300;

/// Orientation and script that the OSD model found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct OsdResult {
    /// Clockwise turn that makes the page upright.
    pub correction: QuarterTurn,
    /// Tesseract's orientation confidence, an unbounded score (about 10 for a clear page).
    pub confidence: f32,
    /// Script name such as "Han" or "Latin".
    pub script: String,
}

/// A Tesseract handle loaded with the OSD model.
pub struct OsdApi {
    handle: *mut TessBaseAPI,
}

// SAFETY: a TessBaseAPI has no thread affinity. It must not be used by two threads at once, and
// `&mut self` on every use together with the missing `Sync` guarantees that.
unsafe impl Send for OsdApi {}

impl OsdApi {
    /// Loads `osd.traineddata` from Tesseract's default data path, or returns why it failed.
    pub fn new() -> Result<OsdApi, String> {
        // SAFETY: TessBaseAPICreate returns an owned handle or null.
        let handle = unsafe { TessBaseAPICreate() };
        if handle.is_null() {
            return Err("TessBaseAPICreate returned null".to_string());
        }
        let api = OsdApi { handle };

        let language = c"osd";
        // SAFETY: the handle is valid; null datapath means the default; the C string is static.
        let status = unsafe { TessBaseAPIInit3(api.handle, ptr::null(), language.as_ptr()) };
        if status != 0 {
            return Err("cannot load Tesseract language data \"osd\" (tesseract-ocr-osd)".into());
        }
        Ok(api)
    }

    /// Detects the orientation of a grayscale page, or `None` when Tesseract found too few
    /// characters to decide.
    pub fn detect(&mut self, page: &GrayImage) -> Option<OsdResult> {
        let pix = OwnedPix::from_gray(page, PAGE_DPI)?;

        let mut orientation_degrees: c_int = 0;
        let mut confidence: f32 = 0.0;
        let mut script_name: *const c_char = ptr::null();
        let mut script_confidence: f32 = 0.0;
        // SAFETY: the handle and the image are valid; SetImage2 takes its own reference to the
        // image, which outlives the call anyway. The out-pointers point to live locals.
        let found = unsafe {
            TessBaseAPISetImage2(self.handle, pix.0);
            TessBaseAPISetSourceResolution(self.handle, PAGE_DPI);
            TessBaseAPIDetectOrientationScript(
                self.handle,
                &mut orientation_degrees,
                &mut confidence,
                &mut script_name,
                &mut script_confidence,
            )
        };
        if found == 0 {
            return None;
        }

        let script = if script_name.is_null() {
            String::new()
        } else {
            // SAFETY: Tesseract returns a pointer to a NUL-terminated name in its static table.
            unsafe { CStr::from_ptr(script_name) }.to_string_lossy().into_owned()
        };

        // `orientation_degrees` is how far the page is turned clockwise; undo it.
        let correction = QuarterTurn::from_degrees(360 - orientation_degrees);
        Some(OsdResult { correction, confidence, script })
    }
}

/// An 8-bit leptonica image owned by this value and destroyed on drop.
struct OwnedPix(*mut Pix);

impl OwnedPix {
    /// Copies `page` into a new 8-bit image whose resolution is `dpi` both ways. Returns `None`
    /// when the page is too large for leptonica's sizes or the allocation fails.
    fn from_gray(page: &GrayImage, dpi: c_int) -> Option<OwnedPix> {
        let width = c_int::try_from(page.width()).ok()?;
        let height = c_int::try_from(page.height()).ok()?;
        // SAFETY: pixCreate returns a new zero-filled image or null; nothing else refers to it.
        let pix = OwnedPix(unsafe { pixCreate(width, height, 8) });
        if pix.0.is_null() {
            return None;
        }

        // SAFETY: the image is valid and 8 bits deep, so its data is `height` rows of `wpl`
        // 32-bit words and each row has room for `width` bytes.
        let words = unsafe {
            pixSetResolution(pix.0, dpi, dpi);
            let wpl = usize::try_from(pixGetWpl(pix.0)).ok()?;
            std::slice::from_raw_parts_mut(pixGetData(pix.0), wpl * page.height() as usize)
        };
        let wpl = words.len() / page.height().max(1) as usize;
        let row_bytes = page.width().max(1) as usize;
        for (row, pixels) in words.chunks_exact_mut(wpl).zip(page.as_raw().chunks(row_bytes)) {
            // Leptonica keeps the leftmost of four 8-bit pixels in a word's most significant byte.
            for (word, four) in row.iter_mut().zip(pixels.chunks(4)) {
                let mut bytes = [0u8; 4];
                bytes[..four.len()].copy_from_slice(four);
                *word = u32::from_be_bytes(bytes);
            }
        }
        Some(pix)
    }
}

impl Drop for OwnedPix {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the image came from pixCreate and is released only here; pixDestroy drops
            // this reference and frees the image when Tesseract holds none.
            unsafe { pixDestroy(&mut self.0) };
        }
    }
}

impl Drop for OsdApi {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is released only here.
        unsafe {
            TessBaseAPIEnd(self.handle);
            TessBaseAPIDelete(self.handle);
        }
    }
}
