//! Importing parsed case rows in one transaction, and listing cases.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use uuid::Uuid;

use super::import::{self, Encoding, RowError};
use crate::db::begin_write;
use crate::entities::{case, team};
use crate::error::{ApiError, ApiResult};
use crate::org::service as org;
use juanzong_sync::CaseNumber;

/// Counts of one import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub encoding: &'static str,
    pub imported: usize,
    /// Cases already in the database with this case number; importing the same export twice
    /// changes nothing.
    pub already_present: usize,
}

/// Reason an import stored nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file could not be read at all.
    File(import::FileError),
    /// Some rows are bad; every one is listed.
    Rows(Vec<RowError>),
    /// The database or the court look-up failed.
    Api(ApiError),
}

impl From<ApiError> for ImportFailure {
    fn from(error: ApiError) -> Self {
        ImportFailure::Api(error)
    }
}

impl From<sea_orm::DbErr> for ImportFailure {
    fn from(error: sea_orm::DbErr) -> Self {
        ImportFailure::Api(error.into())
    }
}

/// Imports a CSV file of cases into the court: all rows or none.
pub async fn import_csv(
    db: &DatabaseConnection,
    bytes: &[u8],
    court_code: Option<&str>,
) -> Result<ImportReport, ImportFailure> {
    let court = org::resolve_court(db, court_code).await?;
    let parsed = import::parse(bytes, &court.code).map_err(ImportFailure::File)?;
    let mut errors = parsed.errors;

    let txn = begin_write(db).await?;
    let mut to_insert = Vec::new();
    let mut already_present = 0;
    for row in parsed.rows {
        let Some(team) = org::team_by_name(&txn, &court.id, &row.team_name).await? else {
            errors.push(RowError {
                line: row.line,
                reason: format!(
                    "执行团队“{}”不存在。请先用 juanzong team add 创建，或检查名称。",
                    row.team_name
                ),
            });
            continue;
        };
        if find_by_number(&txn, &row.case_number).await?.is_some() {
            already_present += 1;
            continue;
        }
        to_insert.push((row, team));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|error| error.line);
        return Err(ImportFailure::Rows(errors));
    }

    let now = Utc::now();
    let imported = to_insert.len();
    for (row, team) in to_insert {
        case::ActiveModel {
            id: Set(Uuid::new_v4().to_string()),
            case_number: Set(row.case_number.normal_form()),
            court_id: Set(court.id.clone()),
            year: Set(i32::from(row.case_number.year())),
            case_type: Set(row.case_number.case_type().word().to_string()),
            serial: Set(i64::from(row.case_number.serial())),
            judge_name: Set(row.judge_name),
            judge_user_id: Set(None),
            team_id: Set(team.id),
            parties: Set(row.parties),
            filed_on: Set(row.filed_on),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;

    Ok(ImportReport {
        encoding: match parsed.encoding {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
        },
        imported,
        already_present,
    })
}

pub async fn find_by_number<C: ConnectionTrait>(
    db: &C,
    number: &CaseNumber,
) -> ApiResult<Option<case::Model>> {
    Ok(case::Entity::find()
        .filter(case::Column::CaseNumber.eq(number.normal_form()))
        .one(db)
        .await?)
}

/// A case as shown in listings.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: String,
    pub case_number: String,
    pub judge_name: String,
    pub team_id: String,
    pub team_name: String,
    pub parties: Option<String>,
    pub filed_on: Option<chrono::NaiveDate>,
}

/// Lists cases, optionally only those of one team, by case number.
pub async fn list(db: &DatabaseConnection, team_id: Option<&str>) -> ApiResult<Vec<CaseView>> {
    let mut query = case::Entity::find().order_by_asc(case::Column::CaseNumber);
    if let Some(team_id) = team_id {
        query = query.filter(case::Column::TeamId.eq(team_id));
    }
    let cases = query.all(db).await?;
    let teams = team::Entity::find().all(db).await?;
    Ok(cases
        .into_iter()
        .map(|model| view(model, &teams))
        .collect())
}

/// Returns one case by case number in any accepted form.
pub async fn get(db: &DatabaseConnection, number_text: &str) -> ApiResult<CaseView> {
    let number = CaseNumber::parse(number_text).map_err(|error| {
        ApiError::bad_request("INVALID_CASE_NUMBER", format!("案号“{number_text}”无效：{error}"))
    })?;
    let model = find_by_number(db, &number).await?.ok_or_else(|| {
        ApiError::not_found(
            "CASE_NOT_FOUND",
            format!("找不到案件 {}。", number.normal_form()),
        )
    })?;
    let teams = team::Entity::find().all(db).await?;
    Ok(view(model, &teams))
}

fn view(model: case::Model, teams: &[team::Model]) -> CaseView {
    let team_name = teams
        .iter()
        .find(|team| team.id == model.team_id)
        .map(|team| team.name.clone())
        .unwrap_or_default();
    CaseView {
        id: model.id,
        case_number: model.case_number,
        judge_name: model.judge_name,
        team_id: model.team_id,
        team_name,
        parties: model.parties,
        filed_on: model.filed_on,
    }
}
