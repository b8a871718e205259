//! The TOML examples in the data READMEs must load, so the documentation cannot drift from the
//! format.

use juanzong_calendar::{parse_calendar_file, Calendar, DeadlineRules};

const README_EN: &str = include_str!("../../../data/calendar/README.md");
const README_ZH: &str = include_str!("../../../data/calendar/README.zh-CN.md");

/// Extracts the bodies of the ```toml blocks of a Markdown text.
fn toml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;

    for line in markdown.lines() {
        match (&mut current, line.trim()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn check_examples(name: &str, markdown: &str) {
    let blocks = toml_blocks(markdown);
    assert_eq!(blocks.len(), 4, "{name}: number of toml blocks");

    for (index, block) in blocks.iter().enumerate() {
        let label = format!("{name} block {}", index + 1);
        if block.contains("[[rule]]") {
            let rules = DeadlineRules::parse(&label, block);
            assert!(rules.is_ok(), "{label}: {rules:?}");
        } else {
            let file = parse_calendar_file(&label, block);
            assert!(file.is_ok(), "{label}: {file:?}");
        }
    }
}

#[test]
fn english_readme_examples_load() {
    check_examples("README.md", README_EN);
}

#[test]
fn chinese_readme_examples_load() {
    check_examples("README.zh-CN.md", README_ZH);
}

#[test]
fn new_year_example_imports_after_mainland() {
    let blocks = toml_blocks(README_EN);
    let new_year = blocks
        .iter()
        .find(|block| block.contains("year = 2027"))
        .unwrap();
    let mut calendar = Calendar::mainland().unwrap();

    let report = calendar.import(parse_calendar_file("2027.toml", new_year).unwrap());

    assert_eq!(report.years_added, vec![2027]);
    assert_eq!(calendar.loaded_years(), vec![2024, 2025, 2026, 2027]);
    assert_eq!(
        calendar.missing_next_year_warning(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
        None
    );
}
