//! Printing what happened, step by step, in Chinese.

use std::io::Write;

use chrono::{DateTime, FixedOffset, Utc};

use juanzong_mobile_api::center::{
    CaseCatalogue, DuplicateFlag, DuplicateReason, RegisterEntryView, TeamFigures,
};
use juanzong_mobile_api::lists::{HandoverDeadlineView, MaterialList};
use juanzong_mobile_api::photos::PhotoView;

/// Writes numbered steps and their lines. Write errors (a closed pipe) are ignored: the report
/// the scenario returns is the result, the text only shows it.
pub struct Narrator<'a> {
    out: &'a mut (dyn Write + Send),
    step: u32,
}

impl<'a> Narrator<'a> {
    pub fn new(out: &'a mut (dyn Write + Send)) -> Narrator<'a> {
        Narrator { out, step: 0 }
    }

    /// Starts a new numbered step.
    pub fn step(&mut self, title: &str) {
        self.step += 1;
        let _ = writeln!(self.out, "\n【第 {} 步】{title}", self.step);
    }

    pub fn line(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.out, "  {}", text.as_ref());
        let _ = self.out.flush();
    }
}

/// Formats an instant as Beijing time, such as 2026-12-02 17:30.
pub fn beijing(at: DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Prints the live items of a list with their pages and photos.
pub fn list_lines(list: &MaterialList) -> Vec<String> {
    let mut lines = vec![format!(
        "案号 {}，状态：{}，共 {} 项 {} 页",
        list.case_number,
        list.status.name_zh(),
        list.live_items().len(),
        list.total_pages()
    )];
    let catalogue = juanzong_sync::materials::Catalogue::builtin().ok();
    for item in list.live_items() {
        let type_name = catalogue
            .and_then(|catalogue| catalogue.get(&item.material_type))
            .map_or(item.material_type.as_str(), |material| material.name.as_str());
        lines.push(format!(
            "  · {}（{}）{} 页，照片 {} 张{}",
            item.title,
            type_name,
            item.page_count,
            item.photos.len(),
            if item.uploaded_via_mobile_system {
                "，已通过移动办案系统上传"
            } else {
                ""
            }
        ));
    }
    lines
}

/// Describes a hand-over deadline.
pub fn deadline_line(deadline: &HandoverDeadlineView) -> String {
    let mut text = format!(
        "申报返回时间 {}，移送期限至 {}，状态：{}",
        beijing(deadline.declared_return_at),
        deadline.due_text,
        deadline.state_label
    );
    if let Some(flag) = &deadline.flag {
        let meaning = match flag.as_str() {
            "DECLARED_LONG_BEFORE" => "申报的返回时间远早于服务器得知的时间，请核实",
            "DECLARED_IN_FUTURE" => "申报的返回时间晚于服务器时间，按服务器得知的时间起算",
            _ => "需要核实",
        };
        text.push_str(&format!("；提示 {flag}：{meaning}"));
    }
    text
}

/// Describes a photo's processing result.
pub fn photo_lines(title: &str, origin: &str, view: &PhotoView) -> Vec<String> {
    let mut lines = vec![format!("{title}：{origin}")];
    let mut status = format!("    处理状态：{}", view.status_label);
    if let Some(failure) = &view.failure {
        status.push_str(&format!("（{}：{}）", failure.code, failure.message));
    }
    lines.push(status);
    if let Some(checks) = &view.checks {
        lines.push(format!(
            "    倾斜 {:.2} 度，按 A4 估算 {:.0} dpi，OCR 置信度 {}",
            checks.skew_degrees.value,
            checks.effective_dpi.value,
            view.ocr_confidence.unwrap_or(0)
        ));
    }
    let numbers = if view.case_numbers.is_empty() {
        "无".to_string()
    } else {
        view.case_numbers.join("、")
    };
    lines.push(format!("    识别出的案号：{numbers}"));
    let flags: Vec<String> = view
        .flags
        .iter()
        .map(|flag| format!("{}（{}）", flag.label, flag.code))
        .collect();
    lines.push(format!(
        "    问题标记：{}",
        if flags.is_empty() {
            "无".to_string()
        } else {
            flags.join("、")
        }
    ));
    if let Some(text) = &view.ocr_text {
        let first: String = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .take(3)
            .collect::<Vec<_>>()
            .join(" / ");
        lines.push(format!("    OCR 文字（前几行）：{first}"));
    }
    lines
}

/// Describes a register entry.
pub fn entry_lines(
    entry: &RegisterEntryView,
    titles: &dyn Fn(uuid::Uuid) -> String,
) -> Vec<String> {
    let counts = &entry.counts;
    let mut lines = vec![format!(
        "登记号 {}（{}），案号 {}，移送人 {}，{}",
        entry.number,
        entry.kind_label,
        entry.case_number,
        entry.handed_over_by,
        entry.timeliness_label.clone().unwrap_or_default()
    )];
    lines.push(format!(
        "    已收 {} 项，页数不符 {} 项，缺失 {} 项，不规范 {} 项，清单外 {} 项",
        counts.received, counts.page_mismatch, counts.missing, counts.rejected, counts.extra
    ));
    for item in &entry.check.items {
        let detail = match &item.result {
            juanzong_mobile_api::center::ItemResult::PageMismatch { counted_pages } => {
                format!("（清点 {counted_pages} 页）")
            }
            _ => String::new(),
        };
        lines.push(format!(
            "    · {}：{}{detail}",
            titles(item.item_id),
            item.result.name_zh()
        ));
    }
    for extra in &entry.check.extras {
        lines.push(format!(
            "    · {}：清单外材料，{} 页",
            extra.title, extra.page_count
        ));
    }
    lines
}

/// Describes one team's figures.
pub fn figures_line(team_name: &str, figures: &TeamFigures) -> String {
    let mean = figures
        .mean_working_days_late
        .map(|days| format!("，平均逾期 {days:.1} 个工作日"))
        .unwrap_or_default();
    format!(
        "{team_name}：移送清单 {} 份，按期 {} 份，逾期 {} 份{mean}，缺失材料 {} 项，未移送已逾期 {} 份",
        figures.lists_handed_over, figures.on_time, figures.late, figures.items_missing, figures.open_overdue
    )
}

/// Describes the rows of a case catalogue.
pub fn catalogue_lines(catalogue: &CaseCatalogue) -> Vec<String> {
    let mut lines = vec![format!(
        "{} 的卷内目录（待上传归目 {} 项）：",
        catalogue.case_number, catalogue.unfiled
    )];
    for row in &catalogue.rows {
        let mut notes = Vec::new();
        if row.extra {
            notes.push("清单外".to_string());
        }
        if row.flags.uploaded_via_mobile_system {
            notes.push("已通过移动办案系统上传，不必重复扫描".to_string());
        }
        for duplicate in &row.flags.duplicates {
            notes.push(duplicate_note(catalogue, duplicate));
        }
        if !row.flags.other_case_numbers.is_empty() {
            notes.push(format!(
                "照片中有其他案号 {}",
                row.flags.other_case_numbers.join("、")
            ));
        }
        lines.push(format!(
            "  {} {}. {}，页号 {}{}",
            row.volume_label,
            row.number,
            row.title,
            row.pages.clone().unwrap_or_else(|| "-".to_string()),
            if notes.is_empty() {
                String::new()
            } else {
                format!("（{}）", notes.join("；"))
            }
        ));
    }
    lines
}

/// Describes a duplicate flag plainly: which row the item repeats, and why the server thinks so.
fn duplicate_note(catalogue: &CaseCatalogue, duplicate: &DuplicateFlag) -> String {
    let other = catalogue
        .rows
        .iter()
        .find(|row| row.item_id == duplicate.other_item_id)
        .map(|row| format!("{} {}. {}", row.volume_label, row.number, row.title))
        .unwrap_or_else(|| format!("材料 {}", duplicate.other_item_id));
    let reason = match &duplicate.reason {
        DuplicateReason::SamePhoto { .. } => "同一张照片".to_string(),
        DuplicateReason::SimilarText { similarity } => {
            format!("OCR 文字相似度 {similarity:.2}")
        }
    };
    format!("疑似与 {other} 重复（{reason}），归档前请核对")
}

#[cfg(test)]
mod tests {
    use juanzong_mobile_api::center::{CatalogueRow, ItemFlags};
    use uuid::Uuid;

    use super::*;

    fn row(number: u32, title: &str, flags: ItemFlags) -> CatalogueRow {
        CatalogueRow {
            volume: "main".to_string(),
            volume_label: "正卷".to_string(),
            node: None,
            number,
            title: title.to_string(),
            original_number: String::new(),
            date: None,
            pages: Some(format!("{number}")),
            item_id: Uuid::new_v4(),
            list_id: Uuid::new_v4(),
            material_type: None,
            party: None,
            extra: false,
            filed: false,
            flags,
        }
    }

    #[test]
    fn catalogue_names_duplicates() {
        let first = row(1, "查封笔录-张某", ItemFlags::default());
        let flags = ItemFlags {
            duplicates: vec![DuplicateFlag {
                other_item_id: first.item_id,
                reason: DuplicateReason::SimilarText { similarity: 0.91 },
            }],
            ..ItemFlags::default()
        };
        let catalogue = CaseCatalogue {
            case_number: "（2026）豫13执123号".to_string(),
            rows: vec![first, row(2, "查封笔录-张某", flags)],
            unfiled: 2,
        };

        let lines = catalogue_lines(&catalogue);

        assert_eq!(lines.len(), 3);
        assert!(!lines[1].contains("重复"), "{}", lines[1]);
        assert!(
            lines[2].contains("疑似与 正卷 1. 查封笔录-张某 重复（OCR 文字相似度 0.91）"),
            "{}",
            lines[2]
        );
    }
}
