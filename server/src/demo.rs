//! Preparing the demo's organisation (演示用的团队、账号和案件) on the server's database.
//!
//! The HTTP API has no route that creates courts, teams or users, so `juanzong demo` creates
//! them here, like `juanzong team add` and `juanzong user add` do, before it runs the scenario
//! over HTTP. Running it again reuses the teams, gives the demo accounts fresh passwords (the
//! scenario must log in with them) and imports two new cases, so each run's lists start on cases
//! of their own.

use std::path::{Path, PathBuf};

use chrono::{Datelike, FixedOffset, Utc};
use sea_orm::DatabaseConnection;

use juanzong_demo::organisation::{self as plan, DemoAccounts, DemoSetting};
use juanzong_sync::CaseNumber;

use crate::auth::password;
use crate::cases::service::{self as case_service, ImportFailure};
use crate::config::{Backend, DatabaseUrl};
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
    let run = next_run(db, year, &court.code).await?;
    let csv = plan::cases_csv(year, &court.code, run);
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
        DemoSetting::new(&court.code, &court.name, year, run),
    ))
}

/// Most runs looked at when searching for unused case numbers.
const MAX_RUNS: u32 = 10_000;

/// Returns the first run number whose two case numbers are not in the database yet. Cases of
/// earlier runs, and real cases that happen to have such a number, are left alone.
async fn next_run(db: &DatabaseConnection, year: i32, court_code: &str) -> ApiResult<u32> {
    for run in 0..MAX_RUNS {
        let (seizure, survey) = plan::case_numbers(year, court_code, run);
        let mut in_use = false;
        for text in [&seizure, &survey] {
            let number = CaseNumber::parse(text).map_err(|error| {
                ApiError::internal(anyhow::anyhow!("demo case number {text} is invalid: {error}"))
            })?;
            in_use |= case_service::find_by_number(db, &number).await?.is_some();
        }
        if !in_use {
            return Ok(run);
        }
    }
    Err(ApiError::conflict(
        "DEMO_CASES_EXHAUSTED",
        format!("法院 {court_code} 在 {year} 年已有 {MAX_RUNS} 组演示案件，找不到未使用的案号。"),
    ))
}

/// The SQLite database the demo would prepare its organisation in does not exist.
#[derive(Debug, thiserror::Error)]
#[error(
    "找不到 SQLite 数据库文件 {}。演示要在正在运行的服务所用的数据库中准备团队和账号，不会新建数据库；\
     该文件由 juanzong serve 首次启动时创建。请先启动服务，再用与启动服务相同的 --data-dir（数据目录，默认 ./data）、\
     --database-url 或 --config 运行演示，例如：juanzong --data-dir ./data demo",
    .path.display()
)]
pub struct DatabaseMissing {
    pub path: PathBuf,
}

impl DatabaseMissing {
    /// Returns the stable English code of the error.
    pub fn code(&self) -> &'static str {
        "DEMO_DATABASE_NOT_FOUND"
    }
}

/// Checks that the SQLite database named by `url` exists, so that a mistyped `--data-dir` stops
/// the demo instead of creating an empty database that the running server does not use.
/// PostgreSQL URLs and in-memory SQLite pass unchecked.
pub fn require_existing_database(url: &DatabaseUrl) -> Result<(), DatabaseMissing> {
    if url.backend() != Some(Backend::Sqlite) {
        return Ok(());
    }
    let path = url
        .expose()
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" || Path::new(path).is_file() {
        return Ok(());
    }
    Err(DatabaseMissing {
        path: PathBuf::from(path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_sqlite_file_is_rejected() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("typo").join("juanzong.db");
        let url = DatabaseUrl::new(format!("sqlite://{}", path.display()));

        let error = require_existing_database(&url).expect_err("missing file");

        assert_eq!(error.code(), "DEMO_DATABASE_NOT_FOUND");
        assert_eq!(error.path, path);
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("--data-dir"), "{message}");
        assert!(!path.exists(), "the check must not create the file");
        assert!(!path.parent().unwrap().exists(), "nor its folder");
    }

    #[test]
    fn existing_sqlite_file_passes() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("juanzong.db");
        std::fs::write(&path, b"").expect("create the file");

        for url in [
            format!("sqlite://{}", path.display()),
            format!("sqlite://{}?mode=rwc", path.display()),
        ] {
            assert!(require_existing_database(&DatabaseUrl::new(url)).is_ok());
        }
    }

    #[test]
    fn postgres_and_memory_are_not_checked() {
        for url in ["postgres://postgres@127.0.0.1:5432/test", "sqlite::memory:"] {
            assert!(require_existing_database(&DatabaseUrl::new(url)).is_ok(), "{url}");
        }
    }
}
