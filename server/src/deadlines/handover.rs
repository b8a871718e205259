//! The hand-over deadline (移送期限) of a material list: field teams hand their paper to the
//! case-file center within 2 working days after returning to the unit.
//!
//! The period counts from the return time the phone declares, because that is when the officers
//! came back. The server also records when it learned of the return. A declared time in the
//! future is not trusted: the period counts from when the server learned of it instead. A
//! declared time long before the server learned of it is trusted (it gives the earlier deadline)
//! but flagged for the center, since a phone's clock or its user may be wrong.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use juanzong_calendar::{format_deadline_zh, rule_ids, Calendar, DeadlineRules, HandoverState};
use juanzong_mobile_api::lists::HandoverDeadlineView;
use juanzong_sync::model::{MaterialList, Status};

use super::calendar_store::calendar_error;
use crate::db::begin_write;
use crate::entities::{handover_deadline, material_list};
use crate::lists::store;
use crate::error::{ApiError, ApiResult};

/// A declared return time more than this far after the server learned of it is in the future.
pub const FUTURE_TOLERANCE_MINUTES: i64 = 10;
/// A declared return time more than this far before the server learned of it is flagged.
pub const LONG_BEFORE_HOURS: i64 = 72;

/// Flag: the declared return time was in the future; the period counts from the server's time.
pub const FLAG_DECLARED_IN_FUTURE: &str = "DECLARED_IN_FUTURE";
/// Flag: the declared return time was long before the server learned of it.
pub const FLAG_DECLARED_LONG_BEFORE: &str = "DECLARED_LONG_BEFORE";

/// Chooses the time the period counts from, and the flag for the center if any.
pub fn choose_event(declared: DateTime<Utc>, learned: DateTime<Utc>) -> (DateTime<Utc>, Option<&'static str>) {
    if declared > learned + Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        return (learned, Some(FLAG_DECLARED_IN_FUTURE));
    }
    if declared < learned - Duration::hours(LONG_BEFORE_HOURS) {
        return (declared, Some(FLAG_DECLARED_LONG_BEFORE));
    }
    (declared, None)
}

/// Returns the state of a deadline row at `now`.
pub fn state_at(calendar: &Calendar, row: &handover_deadline::Model, now: DateTime<Utc>) -> ApiResult<HandoverState> {
    let deadline = to_deadline(row);
    calendar
        .classify_handover(
            &deadline,
            row.handed_over_at.map(|at| at.fixed_offset()).as_ref(),
            &now.fixed_offset(),
        )
        .map_err(calendar_error)
}

fn to_deadline(row: &handover_deadline::Model) -> juanzong_calendar::Deadline {
    juanzong_calendar::Deadline {
        rule_id: row.rule_id.clone(),
        event_time: juanzong_calendar::to_shanghai(&row.event_at.fixed_offset()),
        due: juanzong_calendar::to_shanghai(&row.due_at.fixed_offset()),
        last_day: row.last_day,
    }
}

/// Records or updates the list's deadline after a sync stored a new snapshot.
///
/// Nothing happens before the list is marked 已返回单位. A calendar without the needed year is
/// logged and leaves the list without a stored deadline; reading the list then reports the
/// missing year, and [`backfill`] records the deadline once the year is imported.
pub async fn on_snapshot<C: ConnectionTrait>(
    db: &C,
    calendar: &Calendar,
    snapshot: &MaterialList,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(declared) = snapshot.declared_return_at else {
        return Ok(());
    };
    if snapshot.status < Status::Returned {
        return Ok(());
    }
    let list_id = snapshot.list_id.to_string();
    let existing = handover_deadline::Entity::find_by_id(list_id.clone()).one(db).await?;

    let handed_over_at = snapshot
        .handed_over_at
        .filter(|_| snapshot.status >= Status::HandedOver)
        .map(|at| at.min(now));
    match existing {
        Some(row) => {
            let changed_declared = row.declared_return_at != declared;
            let mut updated = if changed_declared {
                match compute(calendar, &list_id, snapshot, declared, row.learned_at)? {
                    Some(fresh) => fresh,
                    None => return Ok(()),
                }
            } else {
                row.clone()
            };
            updated.handed_over_at = handed_over_at;
            let state = state_at(calendar, &updated, now)?;
            updated.state = state.code().to_string();
            updated.working_days_late = late_days(&state);
            updated.updated_at = row.updated_at;
            if updated != row {
                if updated.state != row.state {
                    super::sweep::remind(db, calendar, &updated, &state, now).await?;
                }
                updated.updated_at = now;
                let mut active: handover_deadline::ActiveModel = updated.into();
                for column in <handover_deadline::Column as sea_orm::Iterable>::iter() {
                    if let sea_orm::ActiveValue::Unchanged(value) = active.get(column) {
                        active.set(column, value);
                    }
                }
                active.update(db).await?;
            }
        }
        None => {
            let Some(fresh) = compute(calendar, &list_id, snapshot, declared, now)? else {
                return Ok(());
            };
            insert(db, calendar, fresh, handed_over_at, now).await?;
        }
    }
    Ok(())
}

/// Completes a new deadline row with its state at `now`, reminds the team if it is already due,
/// and inserts it.
async fn insert<C: ConnectionTrait>(
    db: &C,
    calendar: &Calendar,
    mut fresh: handover_deadline::Model,
    handed_over_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    fresh.handed_over_at = handed_over_at;
    let state = state_at(calendar, &fresh, now)?;
    fresh.state = state.code().to_string();
    fresh.working_days_late = late_days(&state);
    fresh.updated_at = now;
    super::sweep::remind(db, calendar, &fresh, &state, now).await?;
    let active: handover_deadline::ActiveModel = fresh.into();
    active.insert(db).await?;
    Ok(())
}

/// Records the deadlines of returned lists that have none, because the calendar lacked the year
/// when they were synced. Returns how many were recorded; lists whose year is still missing are
/// left for a later call. Each list is written in its own transaction holding the list's lock, so
/// a sync of the list or another server process doing the same waits, then finds the row.
///
/// NOTE: the time the server first learned of the return is not stored for such lists. The
/// period therefore counts from the declared time, or from `now` when the declared time is in the
/// future, and the 72-hour "declared long before" flag is not set.
pub async fn backfill(db: &DatabaseConnection, calendar: &Calendar, now: DateTime<Utc>) -> ApiResult<usize> {
    let with_deadline = sea_orm::sea_query::Query::select()
        .column(handover_deadline::Column::ListId)
        .from(handover_deadline::Entity)
        .to_owned();
    let returned = [Status::Returned, Status::HandedOver, Status::Received].map(Status::code);
    let lists = material_list::Entity::find()
        .filter(material_list::Column::DeclaredReturnAt.is_not_null())
        .filter(material_list::Column::Status.is_in(returned))
        .filter(material_list::Column::ListId.not_in_subquery(with_deadline))
        .all(db)
        .await?;

    let mut recorded = 0;
    for list in lists {
        let Some(declared) = list.declared_return_at else {
            continue;
        };
        let facts = ListFacts {
            team_id: list.team_id.clone(),
            case_number: list.case_number.clone(),
        };
        let learned = declared.min(now);
        let Some(fresh) = compute_row(calendar, &list.list_id, &facts, declared, learned)? else {
            continue;
        };
        let handed_over_at = list.handed_over_at.filter(|_| list.status != Status::Returned.code());

        let txn = begin_write(db).await?;
        store::lock_list(&txn, &list.list_id).await?;
        let exists = handover_deadline::Entity::find_by_id(list.list_id.clone()).one(&txn).await?.is_some();
        if !exists {
            insert(&txn, calendar, fresh, handed_over_at.map(|at| at.min(now)), now).await?;
            recorded += 1;
        }
        txn.commit().await?;
    }
    Ok(recorded)
}

fn late_days(state: &HandoverState) -> Option<i32> {
    match state {
        HandoverState::HandedOverLate { working_days_late } => Some(*working_days_late as i32),
        _ => None,
    }
}

/// The list's fields a deadline row copies.
struct ListFacts {
    team_id: String,
    case_number: String,
}

/// Computes a new deadline row from a snapshot, or `None` (logged) when the calendar lacks a year.
fn compute(
    calendar: &Calendar,
    list_id: &str,
    snapshot: &MaterialList,
    declared: DateTime<Utc>,
    learned: DateTime<Utc>,
) -> ApiResult<Option<handover_deadline::Model>> {
    let facts = ListFacts {
        team_id: snapshot.team_id.clone(),
        case_number: snapshot.case_number.to_string(),
    };
    compute_row(calendar, list_id, &facts, declared, learned)
}

/// Computes a new deadline row, or `None` (logged) when the calendar lacks a year.
fn compute_row(
    calendar: &Calendar,
    list_id: &str,
    facts: &ListFacts,
    declared: DateTime<Utc>,
    learned: DateTime<Utc>,
) -> ApiResult<Option<handover_deadline::Model>> {
    let rules = DeadlineRules::default_rules().map_err(|error| {
        ApiError::internal(anyhow::anyhow!("shipped deadline rules are invalid: {error}"))
    })?;
    let rule = rules.get(rule_ids::FIELD_HANDOVER).map_err(calendar_error)?;
    let (event, flag) = choose_event(declared, learned);
    let deadline = match calendar.deadline(rule, &event.fixed_offset()) {
        Ok(deadline) => deadline,
        Err(error) => {
            tracing::warn!(list_id, %error, "hand-over deadline cannot be computed");
            return Ok(None);
        }
    };
    Ok(Some(handover_deadline::Model {
        list_id: list_id.to_string(),
        team_id: facts.team_id.clone(),
        case_number: facts.case_number.clone(),
        rule_id: rule.id.clone(),
        declared_return_at: declared,
        learned_at: learned,
        event_at: event,
        due_at: deadline.due.with_timezone(&Utc),
        last_day: deadline.last_day,
        state: String::new(),
        handed_over_at: None,
        working_days_late: None,
        flag: flag.map(str::to_string),
        updated_at: learned,
    }))
}

/// Returns the deadline as shown to phones and the center, with its state at `now`.
pub fn view(calendar: &Calendar, row: &handover_deadline::Model, now: DateTime<Utc>) -> ApiResult<HandoverDeadlineView> {
    let state = state_at(calendar, row, now)?;
    Ok(HandoverDeadlineView {
        rule_id: row.rule_id.clone(),
        declared_return_at: row.declared_return_at,
        learned_at: row.learned_at,
        due_at: row.due_at,
        last_day: row.last_day,
        due_text: format_deadline_zh(&to_deadline(row)),
        state: state.code().to_string(),
        state_label: state.describe_zh(),
        working_days_late: late_days(&state).map(|days| days as u32),
        flag: row.flag.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, hour, 0, 0).unwrap()
    }

    #[test]
    fn declared_time_is_used_when_plausible() {
        assert_eq!(choose_event(at(1), at(5)), (at(1), None));
    }

    #[test]
    fn future_declared_time_counts_from_server_time() {
        assert_eq!(choose_event(at(9), at(5)), (at(5), Some(FLAG_DECLARED_IN_FUTURE)));
        let slightly_ahead = at(5) + Duration::minutes(3);
        assert_eq!(choose_event(slightly_ahead, at(5)), (slightly_ahead, None));
    }

    #[test]
    fn long_before_is_flagged_but_used() {
        let week_before = at(5) - Duration::days(7);
        assert_eq!(choose_event(week_before, at(5)), (week_before, Some(FLAG_DECLARED_LONG_BEFORE)));
    }
}
