//! Measures key-phrase recall of one preprocessing setting over the fixtures.
//! Usage: JUANZONG_FIXTURES=DIR cargo run --release --example tune -- MIN_LONG MAX_LONG BIN PSM
//! BIN: tesseract | otsu | adaptive:R:D; PSM: 3, 4, 6, 11.

use std::time::Instant;

use juanzong_photo::{
    inspect, without_whitespace, Binarization, Limits, OcrEngine, OcrOptions, PageSegMode,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::env::var("JUANZONG_FIXTURES").unwrap_or_default() + "/images";
    let mut options = OcrOptions::default();
    if args.len() >= 5 {
        options.min_long_side = args[1].parse().unwrap_or(options.min_long_side);
        options.max_long_side = args[2].parse().unwrap_or(options.max_long_side);
        options.binarization = match args[3].as_str() {
            "otsu" => Binarization::Otsu,
            other if other.starts_with("adaptive") => {
                let parts: Vec<&str> = other.split(':').collect();
                Binarization::Adaptive {
                    block_radius: parts.get(1).and_then(|p| p.parse().ok()).unwrap_or(25),
                    delta: parts.get(2).and_then(|p| p.parse().ok()).unwrap_or(10),
                }
            }
            _ => Binarization::Tesseract,
        };
        options.page_segmentation = match args[4].as_str() {
            "4" => PageSegMode::PsmSingleColumn,
            "6" => PageSegMode::PsmSingleBlock,
            "11" => PageSegMode::PsmSparseText,
            "12" => PageSegMode::PsmSparseTextOsd,
            _ => PageSegMode::PsmAuto,
        };
    }
    if let Some(height) = args.get(5).and_then(|value| value.parse().ok()) {
        options.max_blob_height = Some(height);
    }
    let only = std::env::var("ONLY").unwrap_or_default();
    let mut engine = OcrEngine::with_options(options).expect("engine");
    let phrases = std::fs::read_to_string(format!("{dir}/KEYPHRASES.tsv")).expect("phrases");
    let mut found = 0;
    let total_start = Instant::now();
    for line in phrases.lines().skip(1) {
        let Some((file, phrase)) = line.split_once('\t') else { continue };
        if !only.is_empty() && !file.contains(&only) {
            continue;
        }
        let bytes = std::fs::read(format!("{dir}/{file}")).expect("read");
        let start = Instant::now();
        let result = inspect(&bytes, &Limits::default(), &mut engine);
        let elapsed = start.elapsed().as_secs_f64();
        match result {
            Ok(inspection) => {
                let hit = without_whitespace(&inspection.ocr.text).contains(phrase);
                if hit {
                    found += 1;
                }
                println!(
                    "{} {file:45} {phrase:8} conf={:3} t={elapsed:5.2}s rot={:?}({:?}) skew={:?} border={:.3} flags={:?} wh={}x{}",
                    if hit { "HIT " } else { "miss" },
                    inspection.ocr.mean_confidence,
                    inspection.upright.detected_rotation,
                    inspection.upright.rotation_confidence,
                    inspection.upright.skew_degrees,
                    inspection.upright.border_fraction,
                    inspection.checks.flags,
                    inspection.working_width,
                    inspection.working_height,
                );
                if std::env::var("SHOW").is_ok() {
                    println!("{}", inspection.ocr.text);
                }
            }
            Err(error) => println!("ERR  {file} {error}"),
        }
    }
    println!("found {found} total {:.1}s options {:?}", total_start.elapsed().as_secs_f64(), engine.options());
}
