//! Prints the inspection of each photo given on the command line as one JSON line.
//! Usage: cargo run --release --example inspect -p juanzong-photo -- FILE...

use juanzong_photo::{inspect, Limits, OcrEngine};

fn main() {
    let mut engine = match OcrEngine::new() {
        Ok(engine) => engine,
        Err(error) => return eprintln!("cannot start Tesseract: {error}"),
    };

    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: cannot read: {error}");
                continue;
            }
        };
        match inspect(&bytes, &Limits::default(), &mut engine) {
            Ok(inspection) => {
                let json = serde_json::to_string(&inspection).unwrap_or_default();
                println!("{path}\t{json}");
            }
            Err(error) => println!("{path}\terror {}: {error}", error.code()),
        }
    }
}
