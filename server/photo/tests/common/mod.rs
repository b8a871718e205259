//! Helpers shared by the integration tests: fixture lookup and a per-thread OCR engine.
//!
//! Fixtures live outside the repository; `JUANZONG_FIXTURES` names their folder (the one that
//! contains `images/`). Without it, tests that need them print that they were skipped and pass.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use juanzong_photo::{inspect, Inspection, Limits, OcrEngine, PhotoError};

/// Folder of the image fixtures, or `None` (after printing the skip) when the variable is unset.
pub fn fixture_images(test_name: &str) -> Option<PathBuf> {
    match std::env::var_os("JUANZONG_FIXTURES") {
        Some(root) => Some(PathBuf::from(root).join("images")),
        None => {
            println!("skipped {test_name}: JUANZONG_FIXTURES is not set");
            None
        }
    }
}

pub fn read_fixture(images: &Path, file: &str) -> Vec<u8> {
    let path = images.join(file);
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

pub fn new_engine() -> OcrEngine {
    OcrEngine::new().unwrap_or_else(|error| panic!("cannot start Tesseract: {error}"))
}

/// Inspects a fixture with default limits and a fresh engine.
pub fn inspect_fixture(images: &Path, file: &str) -> Result<Inspection, PhotoError> {
    let bytes = read_fixture(images, file);
    inspect(&bytes, &Limits::default(), &mut new_engine())
}

/// Pairs (file, phrase) of `KEYPHRASES.tsv`.
pub fn key_phrases(images: &Path) -> Vec<(String, String)> {
    let path = images.join("KEYPHRASES.tsv");
    let table = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once('\t'))
        .map(|(file, phrase)| (file.trim().to_string(), phrase.trim().to_string()))
        .collect()
}
