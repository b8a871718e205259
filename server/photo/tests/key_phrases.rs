//! Key-phrase recall over the fixtures: each file of `KEYPHRASES.tsv` has a phrase printed on the
//! page, and the OCR text (whitespace removed) must contain it for at least 12 of the 16 files.
//! Tesseract's command line without preprocessing finds 6 of them.

mod common;

use std::sync::Mutex;

use juanzong_photo::without_whitespace;

/// Minimum number of phrases the pipeline must find.
const MIN_FOUND: usize = 12;
/// Worker threads, each with its own engine.
const WORKERS: usize = 2;

#[test]
fn pipeline_finds_key_phrases() {
    let Some(images) = common::fixture_images("pipeline_finds_key_phrases") else {
        return;
    };
    let pairs = common::key_phrases(&images);
    assert_eq!(pairs.len(), 16, "KEYPHRASES.tsv rows");

    let queue = Mutex::new(pairs.iter());
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                let mut engine = common::new_engine();
                while let Some((file, phrase)) = queue.lock().ok().and_then(|mut next| next.next()) {
                    let bytes = common::read_fixture(&images, file);
                    let result = juanzong_photo::inspect(&bytes, &Default::default(), &mut engine);
                    let text = match result {
                        Ok(inspection) => without_whitespace(&inspection.ocr.text),
                        Err(error) => format!("error: {error}"),
                    };
                    let found = text.contains(phrase.as_str());
                    if let Ok(mut outcomes) = outcomes.lock() {
                        outcomes.push((file.clone(), phrase.clone(), found));
                    }
                }
            });
        }
    });

    let mut outcomes = outcomes.into_inner().unwrap_or_default();
    outcomes.sort();
    for (file, phrase, found) in &outcomes {
        println!("{} {file} {phrase}", if *found { "found  " } else { "missing" });
    }
    let found = outcomes.iter().filter(|(_, _, found)| *found).count();
    println!("found {found} of {}", outcomes.len());
    assert_eq!(outcomes.len(), pairs.len());
    assert!(found >= MIN_FOUND, "found {found} of {}, need {MIN_FOUND}", pairs.len());
}
