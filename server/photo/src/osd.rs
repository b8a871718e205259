//! Orientation detection (方向检测) of pixel-rotated pages with Tesseract's OSD model.
//!
//! The `tesseract` crate does not wrap `TessBaseAPIDetectOrientationScript`, so this module calls
//! the C API of the same libtesseract through `tesseract-sys`. Invariants: an `OsdApi` owns one
//! `TessBaseAPI` handle loaded with the `osd` language (Debian package tesseract-ocr-osd) and
//! deletes it exactly once, on drop. It is `Send` but not `Sync` (a raw pointer field), and every
//! call takes `&mut self`, so one thread at a time uses it.

use std::ffi::{c_char, c_int, CStr};
use std::ptr;

use image::GrayImage;
use tesseract_sys::{
    TessBaseAPI, TessBaseAPICreate, TessBaseAPIDelete, TessBaseAPIDetectOrientationScript,
    TessBaseAPIEnd, TessBaseAPIInit3, TessBaseAPISetImage, TessBaseAPISetSourceResolution,
};

use crate::orient::QuarterTurn;

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
        let width = c_int::try_from(page.width()).ok()?;
        let height = c_int::try_from(page.height()).ok()?;

        let mut orientation_degrees: c_int = 0;
        let mut confidence: f32 = 0.0;
        let mut script_name: *const c_char = ptr::null();
        let mut script_confidence: f32 = 0.0;
        // SAFETY: the handle is valid. SetImage copies `width * height` one-byte pixels, which is
        // the size of `page`'s buffer. The out-pointers point to live locals.
        let found = unsafe {
            TessBaseAPISetImage(self.handle, page.as_raw().as_ptr(), width, height, 1, width);
            TessBaseAPISetSourceResolution(self.handle, 300);
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

impl Drop for OsdApi {
    fn drop(&mut self) {
        // SAFETY: the handle came from TessBaseAPICreate and is released only here.
        unsafe {
            TessBaseAPIEnd(self.handle);
            TessBaseAPIDelete(self.handle);
        }
    }
}
