//! Working-day calendar files imported by administrators, and the hand-over deadline of each
//! material list with its state.

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
                    .table(CalendarFile::Table)
                    // File name given at import; importing the same name again replaces it.
                    .col(string(CalendarFile::Name).primary_key())
                    // The TOML text as imported; parsed again on every load.
                    .col(text(CalendarFile::Content))
                    .col(string(CalendarFile::ImportedBy))
                    .col(timestamp_with_time_zone(CalendarFile::ImportedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(HandoverDeadline::Table)
                    .col(string(HandoverDeadline::ListId).primary_key())
                    .col(string(HandoverDeadline::TeamId))
                    .col(string(HandoverDeadline::CaseNumber))
                    .col(string(HandoverDeadline::RuleId))
                    // Return time declared on the phone, and when the server first saw it.
                    .col(timestamp_with_time_zone(HandoverDeadline::DeclaredReturnAt))
                    .col(timestamp_with_time_zone(HandoverDeadline::LearnedAt))
                    // The time the period counts from: the declared time unless it was in the future.
                    .col(timestamp_with_time_zone(HandoverDeadline::EventAt))
                    // First instant after the period (24:00 of the last day), and the last day.
                    .col(timestamp_with_time_zone(HandoverDeadline::DueAt))
                    .col(date(HandoverDeadline::LastDay))
                    // NOT_DUE, DUE_TODAY, OVERDUE, HANDED_OVER_ON_TIME or HANDED_OVER_LATE.
                    .col(string(HandoverDeadline::State))
                    .col(timestamp_with_time_zone_null(HandoverDeadline::HandedOverAt))
                    .col(integer_null(HandoverDeadline::WorkingDaysLate))
                    // DECLARED_IN_FUTURE or DECLARED_LONG_BEFORE, for the center to check.
                    .col(string_null(HandoverDeadline::Flag))
                    .col(timestamp_with_time_zone(HandoverDeadline::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_handover_deadline_state")
                    .table(HandoverDeadline::Table)
                    .col(HandoverDeadline::State)
                    .col(HandoverDeadline::DueAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(HandoverDeadline::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CalendarFile::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CalendarFile {
    #[sea_orm(iden = "calendar_files")]
    Table,
    Name,
    Content,
    ImportedBy,
    ImportedAt,
}

#[derive(DeriveIden)]
enum HandoverDeadline {
    #[sea_orm(iden = "handover_deadlines")]
    Table,
    ListId,
    TeamId,
    CaseNumber,
    RuleId,
    DeclaredReturnAt,
    LearnedAt,
    EventAt,
    DueAt,
    LastDay,
    State,
    HandedOverAt,
    WorkingDaysLate,
    Flag,
    UpdatedAt,
}
