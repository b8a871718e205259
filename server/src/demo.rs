//! Preparing the demo's organisation (演示用的团队、账号和案件) on the server's database.
//!
//! The HTTP API has no route that creates courts, teams or users, so `juanzong demo` creates
//! them here, like `juanzong team add` and `juanzong user add` do, before it runs the scenario
//! over HTTP. Running it again reuses what exists: teams and cases stay, and the demo accounts
//! get fresh passwords, because the scenario must log in with them.

use chrono::{Datelike, FixedOffset, Utc};
use sea_orm::DatabaseConnection;

use juanzong_demo::organisation::{self as plan, DemoAccounts, DemoSetting};

use crate::auth::password;
use crate::cases::service::{self as case_service, ImportFailure};
use crate::error::{ApiError, ApiResult};
use crate::org::roles::Role;
use crate::org::service::{self as org, NewUser};

/// Creates what is missing of the demo's organisation and returns the accounts and cases.
///
/// `court_code` picks the court; without it the only court is used, or the default court
/// (豫13) is created in an empty database.
pub async fn prepare(
    db: &DatabaseConnection,
    court_code: Option<&str>,
) -> ApiResult<(DemoAccounts, DemoSetting)> {
    let court = match court_code {
        Some(code) => org::resolve_court(db, Some(code)).await?,
        None if org::list_courts(db).await?.is_empty() => {
            org::create_court(db, plan::DEFAULT_COURT_CODE, plan::DEFAULT_COURT_NAME).await?
        }
        None => org::resolve_court(db, None).await?,
    };

    let mut team_ids = Vec::new();
    for team in plan::TEAMS {
        let existing = org::team_by_name(db, &court.id, team.name).await?;
        let row = match existing {
            Some(row) if row.kind == team.kind => row,
            Some(row) => {
                return Err(ApiError::conflict(
                    "DEMO_TEAM_KIND_MISMATCH",
                    format!(
                        "团队“{}”已存在，但类型为 {}，演示需要 {}。",
                        team.name, row.kind, team.kind
                    ),
                ))
            }
            None => org::create_team(db, Some(&court.code), team.name, team.kind).await?,
        };
        team_ids.push((team.name, row.id));
    }

    let mut passwords = Vec::new();
    for user in plan::USERS {
        let password = password::generate();
        match org::user_by_username(db, user.username).await {
            Ok(_) => {
                org::reset_password(db, user.username, &password).await?;
                org::set_disabled(db, user.username, false).await?;
            }
            Err(ApiError::NotFound { .. }) => {
                let role: Role = user.role.parse().map_err(|bad| {
                    ApiError::internal(anyhow::anyhow!("demo role {bad} is not a role code"))
                })?;
                let team_id = team_ids
                    .iter()
                    .find(|(name, _)| *name == user.team)
                    .map(|(_, id)| id.clone());
                org::create_user(
                    db,
                    NewUser {
                        username: user.username.to_string(),
                        display_name: user.display_name.to_string(),
                        team: team_id,
                        roles: vec![role],
                        password: password.clone(),
                    },
                )
                .await?;
            }
            Err(other) => return Err(other),
        }
        passwords.push(password);
    }
    let passwords: [String; 5] = passwords
        .try_into()
        .map_err(|_| ApiError::internal(anyhow::anyhow!("the demo plan must list five users")))?;

    let year = Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .year();
    let csv = plan::cases_csv(year, &court.code);
    match case_service::import_csv(db, csv.as_bytes(), Some(&court.code)).await {
        Ok(_) => {}
        Err(ImportFailure::Api(error)) => return Err(error),
        Err(ImportFailure::File(error)) => {
            return Err(ApiError::internal(anyhow::anyhow!(
                "demo case file is invalid: {error}"
            )))
        }
        Err(ImportFailure::Rows(rows)) => {
            let reasons: Vec<String> = rows
                .iter()
                .map(|row| format!("第 {} 行：{}", row.line, row.reason))
                .collect();
            return Err(ApiError::internal(anyhow::anyhow!(
                "demo cases are invalid: {}",
                reasons.join("; ")
            )));
        }
    }

    Ok((
        DemoAccounts::from_passwords(passwords),
        DemoSetting::new(&court.code, &court.name, year),
    ))
}
