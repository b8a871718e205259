//! Photo pipeline (照片处理流水线) of Juanzong Sync: from the bytes of an uploaded photo of a paper
//! document to an upright working image, quality checks, OCR text and thumbnails.
//!
//! Invariants: the input bytes are never modified. Bad input ends in a `PhotoError`, never in a
//! panic. A Tesseract engine (`OcrEngine`) belongs to one thread at a time. The entry point is
//! [`inspect`]:
//!
//! ```no_run
//! use juanzong_photo::{inspect, Limits, OcrEngine};
//!
//! let bytes = std::fs::read("page.jpg")?;
//! // One engine per worker thread; creating it loads chi_sim and osd (about a second).
//! let mut engine = OcrEngine::new()?;
//! let inspection = inspect(&bytes, &Limits::default(), &mut engine)?;
//! println!("{}", serde_json::to_string_pretty(&inspection)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Runtime needs (Debian 12 packages): libtesseract5 with tesseract-ocr-chi-sim,
//! tesseract-ocr-eng (for pages without Chinese) and tesseract-ocr-osd, and libheif1 for HEIC.
//! Building also needs libtesseract-dev, libleptonica-dev, libclang-dev, pkg-config and
//! libheif-dev. libtesseract on Debian uses OpenMP; with one engine per worker,
//! `OMP_THREAD_LIMIT=1` in the environment keeps each recognition on one core and was faster on a
//! 2-core machine.

mod analysis;
mod border;
mod checks;
mod decode;
mod error;
mod heic;
mod inspect;
mod jpeg_markers;
mod limits;
mod ocr;
mod orient;
mod osd;
mod quality;
mod skew;
mod sniff;
mod text;
mod thumbnail;
mod upright;

pub use border::Border;
pub use checks::{Check, Checks, Flag};
pub use error::PhotoError;
pub use inspect::{inspect, Inspection};
pub use limits::Limits;
pub use ocr::{preprocess, Binarization, OcrEngine, OcrOptions, OcrText, OCR_LANGUAGES};
pub use orient::QuarterTurn;
pub use osd::OsdResult;
pub use sniff::{sniff, PhotoFormat};
pub use tesseract::PageSegMode;
pub use text::{tidy_ocr_text, without_whitespace};
pub use thumbnail::{Thumbnail, JPEG_QUALITY, THUMBNAIL_LONG_SIDES};
pub use upright::Upright;
