//! What libtesseract prints on stderr while the pipeline inspects a photo. Tesseract writes its
//! warnings to file descriptor 2 directly, past Rust's test output capture, so the test runs the
//! inspection in a child process (this test binary, filtered to one ignored test) and reads the
//! child's stderr.

use std::io::Cursor;
use std::process::Command;

use image::{GrayImage, ImageFormat, Luma};
use juanzong_photo::{inspect, Limits, OcrEngine};

/// Name of the test the child process runs.
const CHILD_TEST: &str = "inspect_page_without_resolution";

/// Draws a white A4-shaped page at 150 dpi with dark bars laid out like lines of text.
fn text_like_page() -> GrayImage {
    GrayImage::from_fn(1240, 1754, |x, y| {
        let in_text_area = (150..1090).contains(&x) && (200..1500).contains(&y);
        let in_line = y.saturating_sub(200) % 60 < 24;
        let in_word = (x / 30) % 5 != 4;
        if in_text_area && in_line && in_word {
            Luma([30])
        } else {
            Luma([240])
        }
    })
}

/// Inspects a PNG that states no resolution, so Tesseract gets a pixel buffer without one.
#[test]
#[ignore = "run in a child process by tesseract_prints_no_resolution_warning"]
fn inspect_page_without_resolution() {
    let mut png = Vec::new();
    text_like_page()
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("encode the page");
    let mut engine = OcrEngine::new().expect("start Tesseract");

    let inspection = inspect(&png, &Limits::default(), &mut engine).expect("inspect the page");

    assert_eq!(inspection.working_width, 1240, "the page is neither cropped nor turned");
}

#[test]
fn tesseract_prints_no_resolution_warning() {
    let test_binary = std::env::current_exe().expect("path of this test binary");

    let output = Command::new(test_binary)
        .args([CHILD_TEST, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .expect("run the child test");

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "child test did not run:\n{stdout}");
    assert!(!stderr.contains("Invalid resolution"), "Tesseract warned:\n{stderr}");
    assert!(!stderr.contains("Warning"), "Tesseract warned:\n{stderr}");
}
