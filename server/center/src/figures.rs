//! The data manager's (数据管理岗) figures. Per team and period they count how lists were handed
//! over and what the checks found. Per day they count what the center received and what is still
//! unprocessed (日清日结: everything received is processed the day it arrives). Both tables are
//! also written as CSV for Excel.
//!
//! Dates are calendar days in Asia/Shanghai; the caller converts instants before passing them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::check::{CheckCounts, RejectReason};
use crate::register::Timeliness;

/// Byte order mark written before CSV text, so that Excel reads it as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Tells whether a day lies in the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// One handed-over list, as input to [`team_figures`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFact {
    pub team_id: String,
    pub list_id: Uuid,
    /// Day of the handover.
    pub handed_over_on: NaiveDate,
    pub timeliness: Timeliness,
    /// Current counts of the list's register entries; all zero before registration.
    pub counts: CheckCounts,
    /// Items currently 不规范, by reason.
    pub rejected_by_reason: BTreeMap<RejectReason, u32>,
}

/// Figures of one team over one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamFigures {
    pub team_id: String,
    pub period: Period,
    /// Lists handed over in the period.
    pub lists_handed_over: u32,
    pub on_time: u32,
    pub late: u32,
    /// Lists handed over without a known deadline.
    pub no_deadline: u32,
    /// Mean working days late over the late lists; `None` when none was late.
    pub mean_working_days_late: Option<f64>,
    /// Items currently 缺失.
    pub items_missing: u32,
    /// Items currently 不规范, by reason code; every reason is present.
    pub items_rejected_by_reason: BTreeMap<RejectReason, u32>,
    /// Handovers of the team that are overdue and not yet handed over, at the time of the report.
    pub open_overdue: u32,
}

impl TeamFigures {
    /// Returns the number of items currently 不规范, over all reasons.
    pub fn items_rejected(&self) -> u32 {
        self.items_rejected_by_reason.values().sum()
    }
}

/// Computes the figures of every team that handed over a list in the period or has an open
/// overdue handover, ordered by team id.
pub fn team_figures(
    facts: &[HandoverFact],
    open_overdue: &BTreeMap<String, u32>,
    period: Period,
) -> Vec<TeamFigures> {
    let mut teams: BTreeMap<&str, TeamFigures> = BTreeMap::new();
    let empty = |team_id: &str| TeamFigures {
        team_id: team_id.to_string(),
        period,
        lists_handed_over: 0,
        on_time: 0,
        late: 0,
        no_deadline: 0,
        mean_working_days_late: None,
        items_missing: 0,
        items_rejected_by_reason: RejectReason::ALL
            .into_iter()
            .map(|reason| (reason, 0))
            .collect(),
        open_overdue: open_overdue.get(team_id).copied().unwrap_or(0),
    };
    for team_id in open_overdue.keys() {
        teams.insert(team_id, empty(team_id));
    }

    let mut late_days: BTreeMap<&str, u64> = BTreeMap::new();
    for fact in facts
        .iter()
        .filter(|fact| period.contains(fact.handed_over_on))
    {
        let figures = teams
            .entry(&fact.team_id)
            .or_insert_with(|| empty(&fact.team_id));
        figures.lists_handed_over += 1;
        match fact.timeliness {
            Timeliness::OnTime => figures.on_time += 1,
            Timeliness::Late { working_days_late } => {
                figures.late += 1;
                *late_days.entry(&fact.team_id).or_default() += u64::from(working_days_late);
            }
            Timeliness::NoDeadline => figures.no_deadline += 1,
        }
        figures.items_missing += fact.counts.missing;
        for (reason, count) in &fact.rejected_by_reason {
            *figures.items_rejected_by_reason.entry(*reason).or_default() += count;
        }
    }
    for (team_id, total) in late_days {
        if let Some(figures) = teams.get_mut(team_id) {
            figures.mean_working_days_late = Some(total as f64 / f64::from(figures.late));
        }
    }
    teams.into_values().collect()
}

/// One item the center kept, as input to [`day_figures`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceivedItemFact {
    pub received_on: NaiveDate,
    /// True once the item is filed into the case's catalogue (上传归目).
    pub processed: bool,
}

/// Figures of one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub day: NaiveDate,
    /// Items kept by the center that day: received, received with another page count, or extra.
    pub items_received: u32,
    /// Of those, the items not yet filed into their case's catalogue.
    pub items_unprocessed: u32,
}

/// Computes the figures of every day of the period, in order, including days with nothing.
pub fn day_figures(items: &[ReceivedItemFact], period: Period) -> Vec<DayFigures> {
    let mut days: BTreeMap<NaiveDate, DayFigures> = period
        .from
        .iter_days()
        .take_while(|day| *day <= period.to)
        .map(|day| {
            (
                day,
                DayFigures {
                    day,
                    items_received: 0,
                    items_unprocessed: 0,
                },
            )
        })
        .collect();
    for item in items {
        if let Some(figures) = days.get_mut(&item.received_on) {
            figures.items_received += 1;
            if !item.processed {
                figures.items_unprocessed += 1;
            }
        }
    }
    days.into_values().collect()
}

/// A CSV table that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("生成 CSV 失败：{0}")]
pub struct CsvError(#[from] csv::Error);

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, CsvError> {
    let body = writer
        .into_inner()
        .map_err(|error| CsvError(error.into_error().into()))?;
    let mut bytes = UTF8_BOM.to_vec();
    bytes.extend(body);
    Ok(bytes)
}

/// Writes team figures as CSV with Chinese headers and a UTF-8 byte order mark. `team_name`
/// returns the name shown for a team id.
pub fn team_figures_csv(
    figures: &[TeamFigures],
    team_name: impl Fn(&str) -> String,
) -> Result<Vec<u8>, CsvError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "团队",
        "起始日期",
        "截止日期",
        "移送清单数",
        "按时移送",
        "逾期移送",
        "无移送期限",
        "平均逾期工作日",
        "缺失材料数",
        "不规范材料数",
    ]
    .iter()
    .map(|text| text.to_string())
    .collect();
    header.extend(
        RejectReason::ALL
            .iter()
            .map(|reason| format!("不规范：{}", reason.name_zh())),
    );
    header.push("未结逾期移送".to_string());
    writer.write_record(&header)?;

    for team in figures {
        let mut row = vec![
            team_name(&team.team_id),
            team.period.from.to_string(),
            team.period.to.to_string(),
            team.lists_handed_over.to_string(),
            team.on_time.to_string(),
            team.late.to_string(),
            team.no_deadline.to_string(),
            team.mean_working_days_late
                .map(|mean| format!("{mean:.2}"))
                .unwrap_or_default(),
            team.items_missing.to_string(),
            team.items_rejected().to_string(),
        ];
        row.extend(RejectReason::ALL.iter().map(|reason| {
            team.items_rejected_by_reason
                .get(reason)
                .copied()
                .unwrap_or(0)
                .to_string()
        }));
        row.push(team.open_overdue.to_string());
        writer.write_record(&row)?;
    }
    finish(writer)
}

/// Writes day figures as CSV with Chinese headers and a UTF-8 byte order mark.
pub fn day_figures_csv(days: &[DayFigures]) -> Result<Vec<u8>, CsvError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["日期", "接收材料数", "未处理材料数"])?;
    for day in days {
        writer.write_record([
            day.day.to_string(),
            day.items_received.to_string(),
            day.items_unprocessed.to_string(),
        ])?;
    }
    finish(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).expect("valid day")
    }

    fn fact(
        team: &str,
        d: u32,
        timeliness: Timeliness,
        missing: u32,
        rejected: &[(RejectReason, u32)],
    ) -> HandoverFact {
        HandoverFact {
            team_id: team.to_string(),
            list_id: Uuid::new_v4(),
            handed_over_on: day(d),
            timeliness,
            counts: CheckCounts {
                missing,
                ..CheckCounts::default()
            },
            rejected_by_reason: rejected.iter().copied().collect(),
        }
    }

    fn period() -> Period {
        Period {
            from: day(1),
            to: day(7),
        }
    }

    fn figures() -> Vec<TeamFigures> {
        let facts = [
            fact(
                "t1",
                1,
                Timeliness::OnTime,
                1,
                &[(RejectReason::MissingSignature, 1)],
            ),
            fact(
                "t1",
                2,
                Timeliness::Late {
                    working_days_late: 1,
                },
                0,
                &[],
            ),
            fact(
                "t1",
                3,
                Timeliness::Late {
                    working_days_late: 4,
                },
                0,
                &[
                    (RejectReason::MissingSignature, 2),
                    (RejectReason::Illegible, 1),
                ],
            ),
            fact(
                "t1",
                9,
                Timeliness::Late {
                    working_days_late: 9,
                },
                5,
                &[],
            ),
            fact("t2", 4, Timeliness::NoDeadline, 0, &[]),
        ];
        let open = BTreeMap::from([("t1".to_string(), 1), ("t3".to_string(), 2)]);
        team_figures(&facts, &open, period())
    }

    #[test]
    fn team_figures_count_the_period_only() {
        let figures = figures();
        let ids: Vec<&str> = figures.iter().map(|team| team.team_id.as_str()).collect();
        assert_eq!(ids, ["t1", "t2", "t3"]);
        let t1 = &figures[0];
        assert_eq!(t1.lists_handed_over, 3);
        assert_eq!(t1.on_time, 1);
        assert_eq!(t1.late, 2);
        assert_eq!(t1.mean_working_days_late, Some(2.5));
        assert_eq!(t1.items_missing, 1);
        assert_eq!(
            t1.items_rejected_by_reason[&RejectReason::MissingSignature],
            3
        );
        assert_eq!(t1.items_rejected_by_reason[&RejectReason::Illegible], 1);
        assert_eq!(t1.items_rejected(), 4);
        assert_eq!(t1.open_overdue, 1);
        assert_eq!(figures[1].no_deadline, 1);
        assert_eq!(figures[1].mean_working_days_late, None);
        assert_eq!(figures[2].lists_handed_over, 0);
        assert_eq!(figures[2].open_overdue, 2);
    }

    #[test]
    fn team_csv_has_bom_and_chinese_headers() {
        let bytes = team_figures_csv(&figures(), |id| format!("团队{id}")).expect("csv");
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes[UTF8_BOM.len()..].to_vec()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("团队,起始日期,截止日期,移送清单数,按时移送,逾期移送"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].ends_with("不规范：其他,未结逾期移送"),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines[1],
            "团队t1,2026-12-01,2026-12-07,3,1,2,0,2.50,1,4,3,0,1,0,0,0,1"
        );
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn day_figures_cover_every_day() {
        let items = [
            ReceivedItemFact {
                received_on: day(2),
                processed: true,
            },
            ReceivedItemFact {
                received_on: day(2),
                processed: false,
            },
            ReceivedItemFact {
                received_on: day(5),
                processed: false,
            },
            ReceivedItemFact {
                received_on: day(8),
                processed: false,
            },
        ];
        let days = day_figures(
            &items,
            Period {
                from: day(1),
                to: day(5),
            },
        );
        assert_eq!(days.len(), 5);
        assert_eq!((days[1].items_received, days[1].items_unprocessed), (2, 1));
        assert_eq!((days[4].items_received, days[4].items_unprocessed), (1, 1));
        assert_eq!(days[0].items_received, 0);
        let csv = day_figures_csv(&days).expect("csv");
        let text = String::from_utf8(csv[UTF8_BOM.len()..].to_vec()).expect("utf-8");
        assert_eq!(text.lines().nth(2), Some("2026-12-02,2,1"));
    }
}
