//! Benchmark of the photo pipeline against Tesseract's command line, over the key-phrase fixtures.
//!
//! Prints, per image, the time of `inspect` (decode, orientation, checks, OCR, thumbnails) and of
//! `tesseract FILE - -l chi_sim+eng` on the same file, their ratio, and then the throughput of a
//! pool of worker threads that each own an `OcrEngine`.
//!
//! Run: `JUANZONG_FIXTURES=/path/to/fixtures OMP_THREAD_LIMIT=1 cargo bench -p juanzong-photo`.
//! `BENCH_WORKERS` sets the pool size (default 2). libtesseract is built with OpenMP on Debian;
//! `OMP_THREAD_LIMIT=1` keeps each recognition on one core, which suits a pool of workers. The
//! command line inherits the same environment, so both sides run under the same setting.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use juanzong_photo::{inspect, without_whitespace, Limits, OcrEngine};

fn main() {
    let Some(root) = std::env::var_os("JUANZONG_FIXTURES") else {
        println!("skipped ocr benchmark: JUANZONG_FIXTURES is not set");
        return;
    };
    let images = PathBuf::from(root).join("images");
    let pairs = key_phrases(&images);
    let workers: usize =
        std::env::var("BENCH_WORKERS").ok().and_then(|value| value.parse().ok()).unwrap_or(2);
    let omp = std::env::var("OMP_THREAD_LIMIT").unwrap_or_else(|_| "unset".to_string());
    println!("OMP_THREAD_LIMIT={omp}, {} images, pool of {workers} workers", pairs.len());

    compare_with_command_line(&images, &pairs);
    measure_pool(&images, &pairs, workers);
}

fn compare_with_command_line(images: &Path, pairs: &[(String, String)]) {
    let mut engine = match OcrEngine::new() {
        Ok(engine) => engine,
        Err(error) => return println!("cannot start Tesseract: {error}"),
    };

    println!("{:45} {:>10} {:>10} {:>6} {:>6} {:>6}", "file", "pipeline s", "cli s", "ratio", "found", "cli");
    let (mut pipeline_total, mut cli_total) = (0.0, 0.0);
    let (mut pipeline_found, mut cli_found) = (0, 0);
    for (file, phrase) in pairs {
        let path = images.join(file);
        let Ok(bytes) = std::fs::read(&path) else {
            println!("{file}: cannot read");
            continue;
        };

        let start = Instant::now();
        let text = match inspect(&bytes, &Limits::default(), &mut engine) {
            Ok(inspection) => inspection.ocr.text,
            Err(error) => format!("error: {error}"),
        };
        let pipeline_seconds = start.elapsed().as_secs_f64();

        let start = Instant::now();
        let cli_text = run_command_line(&path);
        let cli_seconds = start.elapsed().as_secs_f64();

        let found = without_whitespace(&text).contains(phrase.as_str());
        let cli_hit = without_whitespace(&cli_text).contains(phrase.as_str());
        pipeline_found += usize::from(found);
        cli_found += usize::from(cli_hit);
        pipeline_total += pipeline_seconds;
        cli_total += cli_seconds;
        println!(
            "{file:45} {pipeline_seconds:>10.2} {cli_seconds:>10.2} {:>6.2} {:>6} {:>6}",
            pipeline_seconds / cli_seconds,
            found,
            cli_hit
        );
    }
    println!(
        "{:45} {pipeline_total:>10.2} {cli_total:>10.2} {:>6.2} {pipeline_found:>6} {cli_found:>6}",
        "total",
        pipeline_total / cli_total
    );
}

fn run_command_line(path: &Path) -> String {
    let output = Command::new("tesseract")
        .arg(path)
        .arg("-")
        .args(["-l", "chi_sim+eng"])
        .stderr(std::process::Stdio::null())
        .output();
    match output {
        Ok(output) => String::from_utf8_lossy(&output.stdout).into_owned(),
        Err(error) => format!("cannot run tesseract: {error}"),
    }
}

fn measure_pool(images: &Path, pairs: &[(String, String)], workers: usize) {
    let inputs: Vec<Vec<u8>> =
        pairs.iter().filter_map(|(file, _)| std::fs::read(images.join(file)).ok()).collect();
    let queue = Mutex::new(inputs.iter());

    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let Ok(mut engine) = OcrEngine::new() else {
                    return;
                };
                while let Some(bytes) = queue.lock().ok().and_then(|mut next| next.next()) {
                    let _ = inspect(bytes, &Limits::default(), &mut engine);
                }
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();

    println!(
        "pool of {workers}: {} photos in {seconds:.1} s, {:.2} photos/s",
        inputs.len(),
        inputs.len() as f64 / seconds
    );
}

fn key_phrases(images: &Path) -> Vec<(String, String)> {
    let table = std::fs::read_to_string(images.join("KEYPHRASES.tsv")).unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once('\t'))
        .map(|(file, phrase)| (file.trim().to_string(), phrase.trim().to_string()))
        .collect()
}
