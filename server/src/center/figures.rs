//! Gathering the data manager's (数据管理岗) figures from lists, deadlines, the register and the
//! filing rows. The counting itself is `juanzong_center::figures`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use juanzong_calendar::HandoverState;
use juanzong_center::check::ItemResult;
use juanzong_center::figures::{self as counting, HandoverFact, Period, ReceivedItemFact};
use juanzong_center::register::{self as rules, Timeliness};
use juanzong_mobile_api::center::Figures;

use super::{access, catalogue, entries, shanghai_day};
use crate::auth::AuthUser;
use crate::deadlines::{calendar_store, handover};
use crate::entities::{filed_item, handover_deadline, material_list, team};
use crate::error::{ApiError, ApiResult};

/// Maximum period of one report, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// Days of the default period, which ends today.
pub const DEFAULT_PERIOD_DAYS: i64 = 30;

/// The period of a report; both days Asia/Shanghai and inclusive.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FiguresQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn period_of(query: &FiguresQuery) -> ApiResult<Period> {
    super::check_query_day(query.from, "起始日期")?;
    super::check_query_day(query.to, "截止日期")?;
    let to = query.to.unwrap_or_else(|| shanghai_day(Utc::now()));
    let from = query
        .from
        .unwrap_or(to - Duration::days(DEFAULT_PERIOD_DAYS - 1));
    if from > to {
        return Err(ApiError::bad_request(
            "PERIOD_INVALID",
            format!("起始日期 {from} 晚于截止日期 {to}。"),
        ));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(ApiError::bad_request(
            "PERIOD_TOO_LONG",
            format!("统计期间不能超过 {MAX_PERIOD_DAYS} 天，请缩短起止日期。"),
        ));
    }
    Ok(Period { from, to })
}

/// Computes the figures of a period.
pub async fn figures(
    db: &DatabaseConnection,
    caller: &AuthUser,
    query: FiguresQuery,
) -> ApiResult<Figures> {
    access::require_center_reader(caller)?;
    let period = period_of(&query)?;
    let facts = handover_facts(db, period).await?;
    let open = open_overdue(db).await?;
    let days = received_items(db, period).await?;
    Ok(Figures {
        period,
        teams: counting::team_figures(&facts, &open, period),
        days: counting::day_figures(&days, period),
    })
}

/// Returns the team figures as CSV for Excel.
pub async fn teams_csv(
    db: &DatabaseConnection,
    caller: &AuthUser,
    query: FiguresQuery,
) -> ApiResult<Vec<u8>> {
    let figures = figures(db, caller, query).await?;
    let names: BTreeMap<String, String> = team::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|team| (team.id, team.name))
        .collect();
    counting::team_figures_csv(&figures.teams, |id| {
        names.get(id).cloned().unwrap_or_else(|| id.to_string())
    })
    .map_err(ApiError::internal)
}

/// Returns the day figures as CSV for Excel.
pub async fn days_csv(
    db: &DatabaseConnection,
    caller: &AuthUser,
    query: FiguresQuery,
) -> ApiResult<Vec<u8>> {
    let figures = figures(db, caller, query).await?;
    counting::day_figures_csv(&figures.days).map_err(ApiError::internal)
}

/// Collects one fact per list handed over in the period: its timeliness from the receipt (or from
/// its deadline before registration) and the current counts of its register entries.
async fn handover_facts(db: &DatabaseConnection, period: Period) -> ApiResult<Vec<HandoverFact>> {
    let start = juanzong_calendar::shanghai_start_of_day(period.from).with_timezone(&Utc);
    let end =
        juanzong_calendar::shanghai_start_of_day(period.to + Duration::days(1)).with_timezone(&Utc);
    let lists = material_list::Entity::find()
        .filter(material_list::Column::HandedOverAt.gte(start))
        .filter(material_list::Column::HandedOverAt.lt(end))
        .all(db)
        .await?;

    // NOTE: each list costs two more queries (entries, disputes), so the report's time grows
    // with the number of lists. It was not measured on a large database.
    let mut facts = Vec::with_capacity(lists.len());
    for list in lists {
        let Some(handed_over_at) = list.handed_over_at else {
            continue;
        };
        let stored = entries::of_list(db, &list.list_id).await?;
        let disputes = entries::disputes_of_list(db, &list.list_id).await?;
        let decisions = entries::decisions(&disputes, &stored);
        let records: Vec<_> = stored.iter().map(|entry| entry.record.clone()).collect();
        let receipt = stored
            .iter()
            .find(|entry| entry.record.kind == rules::EntryKind::Receipt);
        let timeliness = match receipt.and_then(|entry| entries::timeliness_of(&entry.row)) {
            Some(timeliness) => timeliness,
            None => deadline_timeliness(db, &list.list_id).await?,
        };
        let mut rejected_by_reason = BTreeMap::new();
        for current in rules::current_results(&records, &decisions).values() {
            if let ItemResult::Rejected { reason, .. } = current.result {
                *rejected_by_reason.entry(reason).or_insert(0) += 1;
            }
        }
        facts.push(HandoverFact {
            team_id: list.team_id.clone(),
            list_id: Uuid::parse_str(&list.list_id).unwrap_or_default(),
            handed_over_on: shanghai_day(handed_over_at),
            timeliness,
            counts: rules::current_counts(&records, &decisions),
            rejected_by_reason,
        });
    }
    Ok(facts)
}

async fn deadline_timeliness(db: &DatabaseConnection, list_id: &str) -> ApiResult<Timeliness> {
    let Some(row) = handover_deadline::Entity::find_by_id(list_id.to_string())
        .one(db)
        .await?
    else {
        return Ok(Timeliness::NoDeadline);
    };
    let late = HandoverState::HandedOverLate {
        working_days_late: 0,
    }
    .code();
    Ok(if row.state == late {
        Timeliness::Late {
            working_days_late: row.working_days_late.unwrap_or(0).max(0) as u32,
        }
    } else if row.state == HandoverState::HandedOverOnTime.code() {
        Timeliness::OnTime
    } else {
        Timeliness::NoDeadline
    })
}

/// Counts, per team, the lists whose deadline has passed and that are still not handed over.
async fn open_overdue(db: &DatabaseConnection) -> ApiResult<BTreeMap<String, u32>> {
    let rows = handover_deadline::Entity::find()
        .filter(handover_deadline::Column::HandedOverAt.is_null())
        .all(db)
        .await?;
    let calendar = calendar_store::load(db).await?;
    let now = Utc::now();
    let mut open = BTreeMap::new();
    for row in rows {
        if handover::state_at(&calendar, &row, now)? == HandoverState::Overdue {
            *open.entry(row.team_id.clone()).or_insert(0) += 1;
        }
    }
    Ok(open)
}

/// Collects the items the center keeps that arrived in the period, and whether each is filed yet.
async fn received_items(
    db: &DatabaseConnection,
    period: Period,
) -> ApiResult<Vec<ReceivedItemFact>> {
    let rows = filed_item::Entity::find()
        .filter(filed_item::Column::ReceivedOn.gte(period.from))
        .filter(filed_item::Column::ReceivedOn.lte(period.to))
        .all(db)
        .await?;
    let list_ids: Vec<String> = rows
        .iter()
        .map(|row| row.list_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let kept = catalogue::kept_ids_of_lists(db, &list_ids).await?;
    Ok(rows
        .into_iter()
        .filter(|row| kept.contains(&row.item_id))
        .map(|row| ReceivedItemFact {
            received_on: row.received_on,
            processed: row.filed_at.is_some(),
        })
        .collect())
}
