//! Creating and listing courts, teams and users; disabling users and resetting passwords; the
//! administrator created on first start.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use uuid::Uuid;

use super::roles::{role_choices, team_kind_choices, Role, TeamKind};
use crate::auth::password;
use crate::db::begin_write;
use crate::entities::{court, team, user, user_role};
use crate::error::{ApiError, ApiResult};

/// User name of the administrator created on first start.
pub const ADMIN_USERNAME: &str = "admin";

/// A user with the names of its team and roles, for listings.
#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub roles: Vec<Role>,
    pub disabled: bool,
}

/// What is needed to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    /// Team name or id; required for everyone but the administrator.
    pub team: Option<String>,
    pub roles: Vec<Role>,
    pub password: String,
}

fn check_username(username: &str) -> ApiResult<()> {
    let valid_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(2..=32).contains(&username.len()) || !valid_chars {
        return Err(ApiError::bad_request(
            "INVALID_USERNAME",
            format!(
                "用户名“{username}”无效：应为 2 至 32 个英文字母、数字、下划线、点或连字符。"
            ),
        ));
    }
    Ok(())
}

/// Creates a court. The code must have the shape used in case numbers, such as 豫13.
pub async fn create_court(db: &DatabaseConnection, code: &str, name: &str) -> ApiResult<court::Model> {
    let code = code.trim();
    if !juanzong_sync::case_number::is_valid_court_code(code) {
        return Err(ApiError::bad_request(
            "INVALID_COURT_CODE",
            format!("法院代字“{code}”无效：应为省份简称加不超过四位数字，例如 豫13。"),
        ));
    }
    if name.trim().is_empty() {
        return Err(ApiError::bad_request("INVALID_COURT_NAME", "法院名称不能为空。"));
    }
    if court_by_code(db, code).await?.is_some() {
        return Err(ApiError::conflict(
            "COURT_EXISTS",
            format!("法院代字“{code}”已存在。"),
        ));
    }
    Ok(court::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        code: Set(code.to_string()),
        name: Set(name.trim().to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

pub async fn court_by_code<C: ConnectionTrait>(db: &C, code: &str) -> ApiResult<Option<court::Model>> {
    Ok(court::Entity::find()
        .filter(court::Column::Code.eq(code.trim()))
        .one(db)
        .await?)
}

pub async fn list_courts(db: &DatabaseConnection) -> ApiResult<Vec<court::Model>> {
    Ok(court::Entity::find()
        .order_by_asc(court::Column::Code)
        .all(db)
        .await?)
}

/// Finds the one court, or the court with this code when several exist.
pub async fn resolve_court<C: ConnectionTrait>(db: &C, code: Option<&str>) -> ApiResult<court::Model> {
    if let Some(code) = code {
        return court_by_code(db, code).await?.ok_or_else(|| {
            ApiError::not_found("COURT_NOT_FOUND", format!("找不到法院代字“{code}”。"))
        });
    }
    let courts = court::Entity::find().all(db).await?;
    match courts.len() {
        1 => Ok(courts.into_iter().next().expect("length checked")),
        0 => Err(ApiError::not_found(
            "COURT_NOT_FOUND",
            "还没有法院。请先运行 juanzong court add --code 豫13 --name 法院全称。",
        )),
        _ => Err(ApiError::bad_request(
            "COURT_REQUIRED",
            "系统中有多个法院，请用 --court 指定法院代字。",
        )),
    }
}

/// Creates a team in a court.
pub async fn create_team(
    db: &DatabaseConnection,
    court_code: Option<&str>,
    name: &str,
    kind: &str,
) -> ApiResult<team::Model> {
    let kind: TeamKind = kind.parse().map_err(|bad| {
        ApiError::bad_request(
            "INVALID_TEAM_KIND",
            format!("团队类型“{bad}”无效，可选：{}。", team_kind_choices()),
        )
    })?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(ApiError::bad_request(
            "INVALID_TEAM_NAME",
            "团队名称不能为空，且不超过 64 个字符。",
        ));
    }
    let court = resolve_court(db, court_code).await?;
    if team_by_name(db, &court.id, name).await?.is_some() {
        return Err(ApiError::conflict(
            "TEAM_EXISTS",
            format!("团队“{name}”已存在。"),
        ));
    }
    Ok(team::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        court_id: Set(court.id),
        name: Set(name.to_string()),
        kind: Set(kind.code().to_string()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

pub async fn team_by_name<C: ConnectionTrait>(
    db: &C,
    court_id: &str,
    name: &str,
) -> ApiResult<Option<team::Model>> {
    Ok(team::Entity::find()
        .filter(team::Column::CourtId.eq(court_id))
        .filter(team::Column::Name.eq(name.trim()))
        .one(db)
        .await?)
}

pub async fn team_by_id<C: ConnectionTrait>(db: &C, id: &str) -> ApiResult<Option<team::Model>> {
    Ok(team::Entity::find_by_id(id.to_string()).one(db).await?)
}

/// Finds a team by id, or by name in any court.
pub async fn find_team<C: ConnectionTrait>(db: &C, name_or_id: &str) -> ApiResult<team::Model> {
    if let Some(found) = team_by_id(db, name_or_id).await? {
        return Ok(found);
    }
    let mut matches = team::Entity::find()
        .filter(team::Column::Name.eq(name_or_id.trim()))
        .all(db)
        .await?;
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(ApiError::not_found(
            "TEAM_NOT_FOUND",
            format!("找不到团队“{name_or_id}”。可用 juanzong team list 查看现有团队。"),
        )),
        _ => Err(ApiError::bad_request(
            "TEAM_AMBIGUOUS",
            format!("有多个名为“{name_or_id}”的团队，请改用团队编号。"),
        )),
    }
}

pub async fn list_teams(db: &DatabaseConnection) -> ApiResult<Vec<team::Model>> {
    Ok(team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?)
}

/// Creates a user with roles. Everyone but an administrator must belong to a team.
pub async fn create_user(db: &DatabaseConnection, new: NewUser) -> ApiResult<user::Model> {
    let username = new.username.trim().to_string();
    check_username(&username)?;
    if new.display_name.trim().is_empty() {
        return Err(ApiError::bad_request("INVALID_DISPLAY_NAME", "姓名不能为空。"));
    }
    if new.roles.is_empty() {
        return Err(ApiError::bad_request(
            "ROLE_REQUIRED",
            format!("至少需要一个角色，可选：{}。", role_choices()),
        ));
    }
    password::check_strength(&new.password)
        .map_err(|reason| ApiError::bad_request("WEAK_PASSWORD", reason))?;
    let is_admin_only = new.roles == [Role::Admin];
    let team = match &new.team {
        Some(team) => Some(find_team(db, team).await?),
        None if is_admin_only => None,
        None => {
            return Err(ApiError::bad_request(
                "TEAM_REQUIRED",
                "除系统管理员外，每个用户都必须属于一个团队，请指定 --team。",
            ))
        }
    };

    let password_hash = password::hash_blocking(new.password.clone())
        .await
        .map_err(ApiError::internal)?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let exists = user::Entity::find()
        .filter(user::Column::Username.eq(&username))
        .count(&txn)
        .await?;
    if exists > 0 {
        return Err(ApiError::conflict(
            "USER_EXISTS",
            format!("用户名“{username}”已存在。"),
        ));
    }
    let created = user::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        username: Set(username),
        display_name: Set(new.display_name.trim().to_string()),
        team_id: Set(team.map(|t| t.id)),
        password_hash: Set(password_hash),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    for role in &new.roles {
        user_role::ActiveModel {
            user_id: Set(created.id.clone()),
            role: Set(role.code().to_string()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// Returns the roles of a user. Unknown codes in the database are skipped and logged.
pub async fn roles_of<C: ConnectionTrait>(db: &C, user_id: &str) -> ApiResult<Vec<Role>> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let mut roles = Vec::new();
    for row in rows {
        match row.role.parse::<Role>() {
            Ok(role) => roles.push(role),
            Err(_) => tracing::warn!(user_id, role = %row.role, "unknown role code in database"),
        }
    }
    roles.sort();
    Ok(roles)
}

pub async fn user_by_username<C: ConnectionTrait>(db: &C, username: &str) -> ApiResult<user::Model> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("USER_NOT_FOUND", format!("找不到用户“{username}”。"))
        })
}

/// Returns one user with team and roles.
pub async fn user_summary<C: ConnectionTrait>(db: &C, user_id: &str) -> ApiResult<Option<UserSummary>> {
    let Some(user) = user::Entity::find_by_id(user_id.to_string()).one(db).await? else {
        return Ok(None);
    };
    let team_name = match &user.team_id {
        Some(team_id) => team_by_id(db, team_id).await?.map(|t| t.name),
        None => None,
    };
    Ok(Some(UserSummary {
        roles: roles_of(db, &user.id).await?,
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        team_id: user.team_id,
        team_name,
        disabled: user.disabled,
    }))
}

/// Lists every user with team and roles, by user name.
pub async fn list_users(db: &DatabaseConnection) -> ApiResult<Vec<UserSummary>> {
    let users = user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?;
    let teams = team::Entity::find().all(db).await?;
    let mut summaries = Vec::with_capacity(users.len());
    for user in users {
        let team_name = user
            .team_id
            .as_ref()
            .and_then(|id| teams.iter().find(|t| &t.id == id))
            .map(|t| t.name.clone());
        summaries.push(UserSummary {
            roles: roles_of(db, &user.id).await?,
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            team_id: user.team_id,
            team_name,
            disabled: user.disabled,
        });
    }
    Ok(summaries)
}

/// Disables or re-enables a user. A disabled user's tokens stop working at the next request.
pub async fn set_disabled(db: &DatabaseConnection, username: &str, disabled: bool) -> ApiResult<()> {
    let found = user_by_username(db, username).await?;
    let mut active: user::ActiveModel = found.into();
    active.disabled = Set(disabled);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Sets a new password for a user.
pub async fn reset_password(db: &DatabaseConnection, username: &str, new_password: &str) -> ApiResult<()> {
    password::check_strength(new_password)
        .map_err(|reason| ApiError::bad_request("WEAK_PASSWORD", reason))?;
    let found = user_by_username(db, username).await?;
    let hash = password::hash_blocking(new_password.to_string())
        .await
        .map_err(ApiError::internal)?;
    let mut active: user::ActiveModel = found.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(())
}

/// Creates the administrator if no user exists yet, returning the generated password once.
///
/// Two processes starting together on one database both try; the unique user name lets only
/// one succeed, and the other returns `None`.
pub async fn ensure_admin(db: &DatabaseConnection) -> ApiResult<Option<String>> {
    let users = user::Entity::find().count(db).await?;
    if users > 0 {
        return Ok(None);
    }
    let password = password::generate();
    let created = create_user(
        db,
        NewUser {
            username: ADMIN_USERNAME.to_string(),
            display_name: "系统管理员".to_string(),
            team: None,
            roles: vec![Role::Admin],
            password: password.clone(),
        },
    )
    .await;
    match created {
        Ok(_) => Ok(Some(password)),
        // Another process created the administrator between the count and the insert.
        Err(_) if user::Entity::find().count(db).await? > 0 => Ok(None),
        Err(other) => Err(other),
    }
}

