//! Courts, teams, users with their roles, phones (devices), login sessions with rotating refresh
//! tokens, and enforcement cases (执行案件).
//!
//! Ids are UUIDs stored as text so that both backends and every client read them the same way.
//! Times are UTC.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Court::Table)
                    .col(string(Court::Id).primary_key())
                    // Court code as used in case numbers, such as 豫13.
                    .col(string_uniq(Court::Code))
                    .col(string(Court::Name))
                    .col(timestamp_with_time_zone(Court::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Team::Table)
                    .col(string(Team::Id).primary_key())
                    .col(string(Team::CourtId))
                    .col(string(Team::Name))
                    // Stable code of the team kind, e.g. `enforcement` for 执行实施团队.
                    .col(string(Team::Kind))
                    .col(timestamp_with_time_zone(Team::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Team::Table, Team::CourtId)
                            .to(Court::Table, Court::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_team_court_name")
                    .table(Team::Table)
                    .col(Team::CourtId)
                    .col(Team::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(string(User::Id).primary_key())
                    .col(string_uniq(User::Username))
                    .col(string(User::DisplayName))
                    // Null only for the system administrator, who belongs to no team.
                    .col(string_null(User::TeamId))
                    // Argon2id PHC string; never the password itself.
                    .col(string(User::PasswordHash))
                    .col(boolean(User::Disabled))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .col(timestamp_with_time_zone(User::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(User::Table, User::TeamId)
                            .to(Team::Table, Team::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserRole::Table)
                    .col(string(UserRole::UserId))
                    // Stable role code, e.g. `center_intake` for 卷宗管理中心接收岗.
                    .col(string(UserRole::Role))
                    .primary_key(Index::create().col(UserRole::UserId).col(UserRole::Role))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserRole::Table, UserRole::UserId)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Device::Table)
                    .col(string(Device::Id).primary_key())
                    // The id the phone sends at login; unique across all users.
                    .col(string_uniq(Device::DeviceKey))
                    .col(string(Device::UserId))
                    .col(string(Device::Name))
                    .col(timestamp_with_time_zone(Device::CreatedAt))
                    .col(timestamp_with_time_zone(Device::LastSeenAt))
                    // Set when an administrator revokes a lost phone.
                    .col(timestamp_with_time_zone_null(Device::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Device::Table, Device::UserId)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(string(Session::Id).primary_key())
                    .col(string(Session::DeviceId))
                    .col(string(Session::UserId))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone_null(Session::RevokedAt))
                    // Why the session ended: `logout`, `refresh_reuse`, `device_revoked`, ...
                    .col(string_null(Session::RevokeReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::DeviceId)
                            .to(Device::Table, Device::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshToken::Table)
                    .col(string(RefreshToken::Id).primary_key())
                    .col(string(RefreshToken::SessionId))
                    // SHA-256 of the token, hex; the token itself is never stored.
                    .col(string_uniq(RefreshToken::TokenHash))
                    .col(timestamp_with_time_zone(RefreshToken::IssuedAt))
                    .col(timestamp_with_time_zone(RefreshToken::ExpiresAt))
                    // Set when the token is exchanged; a second use is a reuse.
                    .col(timestamp_with_time_zone_null(RefreshToken::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshToken::Table, RefreshToken::SessionId)
                            .to(Session::Table, Session::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EnforcementCase::Table)
                    .col(string(EnforcementCase::Id).primary_key())
                    // Normal form with full-width brackets, e.g. （2026）豫13执123号.
                    .col(string_uniq(EnforcementCase::CaseNumber))
                    .col(string(EnforcementCase::CourtId))
                    .col(integer(EnforcementCase::Year))
                    .col(string(EnforcementCase::CaseType))
                    .col(big_integer(EnforcementCase::Serial))
                    .col(string(EnforcementCase::JudgeName))
                    .col(string_null(EnforcementCase::JudgeUserId))
                    .col(string(EnforcementCase::TeamId))
                    .col(string_null(EnforcementCase::Parties))
                    .col(date_null(EnforcementCase::FiledOn))
                    .col(timestamp_with_time_zone(EnforcementCase::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EnforcementCase::Table, EnforcementCase::CourtId)
                            .to(Court::Table, Court::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EnforcementCase::Table, EnforcementCase::TeamId)
                            .to(Team::Table, Team::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EnforcementCase::Table, EnforcementCase::JudgeUserId)
                            .to(User::Table, User::Id),
                    )
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EnforcementCase::Table.into_iden(),
            RefreshToken::Table.into_iden(),
            Session::Table.into_iden(),
            Device::Table.into_iden(),
            UserRole::Table.into_iden(),
            User::Table.into_iden(),
            Team::Table.into_iden(),
            Court::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Court {
    #[sea_orm(iden = "courts")]
    Table,
    Id,
    Code,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Team {
    #[sea_orm(iden = "teams")]
    Table,
    Id,
    CourtId,
    Name,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum User {
    #[sea_orm(iden = "users")]
    Table,
    Id,
    Username,
    DisplayName,
    TeamId,
    PasswordHash,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserRole {
    #[sea_orm(iden = "user_roles")]
    Table,
    UserId,
    Role,
}

#[derive(DeriveIden)]
enum Device {
    #[sea_orm(iden = "devices")]
    Table,
    Id,
    DeviceKey,
    UserId,
    Name,
    CreatedAt,
    LastSeenAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Session {
    #[sea_orm(iden = "sessions")]
    Table,
    Id,
    DeviceId,
    UserId,
    CreatedAt,
    RevokedAt,
    RevokeReason,
}

#[derive(DeriveIden)]
enum RefreshToken {
    #[sea_orm(iden = "refresh_tokens")]
    Table,
    Id,
    SessionId,
    TokenHash,
    IssuedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum EnforcementCase {
    #[sea_orm(iden = "cases")]
    Table,
    Id,
    CaseNumber,
    CourtId,
    Year,
    CaseType,
    Serial,
    JudgeName,
    JudgeUserId,
    TeamId,
    Parties,
    FiledOn,
    CreatedAt,
}
