//! OCR text clean-up (文本整理).
//!
//! Tesseract's `chi_sim` model separates every recognised Chinese character by a space. Invariant
//! of `tidy_ocr_text`: a run of spaces is removed when the character on either side of it is
//! Chinese (CJK ideographs, CJK punctuation or full-width forms) and kept, as one space, between
//! Latin words and digits. Lines keep their order; empty lines are dropped. An angle bracket
//! 《 or 〈 directly before a four-digit year and a closing bracket becomes （, because `chi_sim`
//! reads the opening bracket of a case number such as （2025）川01执456号 as one of those marks.

/// Removes the spaces between Chinese characters and the empty lines from Tesseract's output,
/// and restores the opening bracket of case numbers.
pub fn tidy_ocr_text(raw: &str) -> String {
    let lines: Vec<String> = raw
        .lines()
        .map(|line| restore_year_brackets(&tidy_line(line)))
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

/// Replaces 《 or 〈 with （ where four digits and a closing bracket follow, as in 《2025)川01.
fn restore_year_brackets(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut restored = String::with_capacity(line.len());
    for (index, &character) in chars.iter().enumerate() {
        let year = chars.get(index + 1..index + 5);
        let closing = chars.get(index + 5);
        let is_year_bracket = matches!(character, '《' | '〈')
            && year.is_some_and(|digits| digits.iter().all(char::is_ascii_digit))
            && matches!(closing, Some(')' | '）'));
        restored.push(if is_year_bracket { '（' } else { character });
    }
    restored
}

fn tidy_line(line: &str) -> String {
    let chars: Vec<char> = line.trim().chars().collect();
    let mut tidy = String::with_capacity(line.len());

    let mut index = 0;
    while index < chars.len() {
        let current = chars[index];
        if !current.is_whitespace() {
            tidy.push(current);
            index += 1;
            continue;
        }

        let run_end = (index..chars.len()).find(|&i| !chars[i].is_whitespace()).unwrap_or(chars.len());
        let before = tidy.chars().last();
        let after = chars.get(run_end).copied();
        let touches_chinese = before.is_some_and(is_chinese) || after.is_some_and(is_chinese);
        if !touches_chinese {
            tidy.push(' ');
        }
        index = run_end;
    }
    tidy
}

/// Han ideographs, CJK symbols and punctuation, and full-width forms.
fn is_chinese(character: char) -> bool {
    matches!(character as u32,
        0x3000..=0x303F      // CJK symbols and punctuation: 。、「」
        | 0x3400..=0x4DBF    // CJK unified ideographs extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF00..=0xFFEF    // half-width and full-width forms: ，：（）
        | 0x20000..=0x2FA1F  // supplementary ideographic planes
    )
}

/// `text` with every whitespace character removed, the form in which phrases are compared.
pub fn without_whitespace(text: &str) -> String {
    text.chars().filter(|character| !character.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_between_chinese_removed() {
        assert_eq!(tidy_ocr_text("委 托 协 议 书"), "委托协议书");
    }

    #[test]
    fn spaces_between_latin_words_kept() {
        assert_eq!(tidy_ocr_text("Bank  of   China"), "Bank of China");
    }

    #[test]
    fn spaces_next_to_chinese_removed_on_both_sides() {
        assert_eq!(tidy_ocr_text("金 额 100 元 ， 日 期 2012-10-23"), "金额100元，日期2012-10-23");
    }

    #[test]
    fn empty_lines_dropped() {
        assert_eq!(tidy_ocr_text("登 机 牌\n\n  \nMU 2379\n"), "登机牌\nMU 2379");
    }

    #[test]
    fn whitespace_removed_for_comparison() {
        assert_eq!(without_whitespace("我 是\n中国 人"), "我是中国人");
    }

    #[test]
    fn misread_case_number_bracket_restored() {
        assert_eq!(tidy_ocr_text("《2025)川01执456号"), "（2025)川01执456号");
        assert_eq!(tidy_ocr_text("依据〈2026）豫13民初456号"), "依据（2026）豫13民初456号");
        assert_eq!(tidy_ocr_text("《民事诉讼法》第255条"), "《民事诉讼法》第255条");
        assert_eq!(tidy_ocr_text("《2025》"), "《2025》");
    }
}
