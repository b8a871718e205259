//! The case-file center's (卷宗管理中心) register (登记簿) of received paper, the filing of received
//! items into their case's catalogue (案卷目录), and disputes over a 修改意见 (requested correction).
//!
//! The register is append-only: a correction or a supplement is a new row that refers to an
//! earlier one. Register numbers are allocated from `register_counters` inside the registering
//! transaction, so several server processes never hand out the same number.

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
                    .table(RegisterCounter::Table)
                    .col(string(RegisterCounter::CourtId))
                    // Calendar year in Asia/Shanghai.
                    .col(integer(RegisterCounter::Year))
                    // Largest serial handed out in that court and year.
                    .col(integer(RegisterCounter::LastSerial))
                    .primary_key(
                        Index::create()
                            .col(RegisterCounter::CourtId)
                            .col(RegisterCounter::Year),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RegisterEntry::Table)
                    // Id made by the clerk's client; sending the same registration again finds it.
                    .col(string(RegisterEntry::EntryId).primary_key())
                    .col(string(RegisterEntry::CourtId))
                    .col(integer(RegisterEntry::Year))
                    .col(integer(RegisterEntry::Serial))
                    // The number as shown, such as 2026-接-000123.
                    .col(string(RegisterEntry::Number).unique_key())
                    // receipt (接收), supplement (补交) or correction (更正).
                    .col(string(RegisterEntry::Kind))
                    .col(string(RegisterEntry::ListId))
                    .col(string(RegisterEntry::CaseNumber))
                    .col(string(RegisterEntry::TeamId))
                    // The entry a supplement completes or a correction replaces.
                    .col(string_null(RegisterEntry::RefersTo))
                    // Equal to `list_id` for a receipt and NULL otherwise: one receipt per list.
                    .col(string_null(RegisterEntry::ReceiptOfList).unique_key())
                    // Equal to `refers_to` for a correction and NULL otherwise: one correction per entry.
                    .col(string_null(RegisterEntry::CorrectionOf).unique_key())
                    // Person who brought the paper, as the clerk wrote it, and the list's hand-over.
                    .col(string(RegisterEntry::HandedOverBy))
                    .col(timestamp_with_time_zone_null(RegisterEntry::HandedOverAt))
                    .col(string(RegisterEntry::ReceivedBy))
                    .col(timestamp_with_time_zone(RegisterEntry::ReceivedAt))
                    // on_time, late or no_deadline, for receipts; NULL for other entries.
                    .col(string_null(RegisterEntry::Timeliness))
                    .col(integer_null(RegisterEntry::WorkingDaysLate))
                    // What this entry's check counts.
                    .col(integer(RegisterEntry::CountReceived))
                    .col(integer(RegisterEntry::CountMissing))
                    .col(integer(RegisterEntry::CountPageMismatch))
                    .col(integer(RegisterEntry::CountRejected))
                    .col(integer(RegisterEntry::CountExtra))
                    // The check as JSON: one result per item, and the extra papers.
                    .col(text(RegisterEntry::CheckJson))
                    // Why a correction was made; empty for other entries.
                    .col(text(RegisterEntry::Note))
                    // SHA-256 of the request, to tell a repeated request from a reused id.
                    .col(string(RegisterEntry::RequestHash))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_register_entry_list", RegisterEntry::ListId),
            ("ix_register_entry_team", RegisterEntry::TeamId),
            ("ix_register_entry_case", RegisterEntry::CaseNumber),
            ("ix_register_entry_received", RegisterEntry::ReceivedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(RegisterEntry::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(FiledItem::Table)
                    // The list item's id, or the id of an extra paper.
                    .col(string(FiledItem::ItemId).primary_key())
                    .col(string(FiledItem::ListId))
                    .col(string(FiledItem::CaseNumber))
                    // The entry whose check first kept the paper.
                    .col(string(FiledItem::EntryId))
                    .col(boolean(FiledItem::Extra))
                    .col(string_null(FiledItem::MaterialType))
                    // Catalogue node path, main/<name> or internal/<name>; NULL: placed by date.
                    .col(string_null(FiledItem::Node))
                    // Standard name, such as 查封笔录-张某; suggested at receipt, confirmed at filing.
                    .col(string(FiledItem::StandardName))
                    .col(string_null(FiledItem::Party))
                    // 文件原编号; empty when none.
                    .col(string(FiledItem::OriginalNumber))
                    .col(date_null(FiledItem::ProducedOn))
                    .col(big_integer(FiledItem::PageCount))
                    // Day the center kept the paper, Asia/Shanghai.
                    .col(date(FiledItem::ReceivedOn))
                    .col(big_integer(FiledItem::Arrival))
                    // Set when a clerk filed the item into the catalogue (上传归目): processed.
                    .col(string_null(FiledItem::FiledBy))
                    .col(timestamp_with_time_zone_null(FiledItem::FiledAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_filed_item_case", FiledItem::CaseNumber),
            ("ix_filed_item_received_on", FiledItem::ReceivedOn),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(FiledItem::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Dispute::Table)
                    // Id made by the team's client.
                    .col(string(Dispute::DisputeId).primary_key())
                    .col(string(Dispute::EntryId))
                    .col(string(Dispute::ItemId))
                    .col(string(Dispute::ListId))
                    .col(string(Dispute::TeamId))
                    .col(text(Dispute::Reason))
                    .col(string(Dispute::RaisedBy))
                    .col(timestamp_with_time_zone(Dispute::RaisedAt))
                    // NULL while open; then upheld (修改意见 stands) or overturned.
                    .col(string_null(Dispute::Decision))
                    .col(text_null(Dispute::DecisionNote))
                    .col(string_null(Dispute::DecidedBy))
                    .col(timestamp_with_time_zone_null(Dispute::DecidedAt))
                    .col(string(Dispute::RequestHash))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_dispute_entry_item")
                    .table(Dispute::Table)
                    .col(Dispute::EntryId)
                    .col(Dispute::ItemId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Dispute::Table.into_iden(),
            FiledItem::Table.into_iden(),
            RegisterEntry::Table.into_iden(),
            RegisterCounter::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum RegisterCounter {
    #[sea_orm(iden = "register_counters")]
    Table,
    CourtId,
    Year,
    LastSerial,
}

#[derive(DeriveIden)]
enum RegisterEntry {
    #[sea_orm(iden = "register_entries")]
    Table,
    EntryId,
    CourtId,
    Year,
    Serial,
    Number,
    Kind,
    ListId,
    CaseNumber,
    TeamId,
    RefersTo,
    ReceiptOfList,
    CorrectionOf,
    HandedOverBy,
    HandedOverAt,
    ReceivedBy,
    ReceivedAt,
    Timeliness,
    WorkingDaysLate,
    CountReceived,
    CountMissing,
    CountPageMismatch,
    CountRejected,
    CountExtra,
    CheckJson,
    Note,
    RequestHash,
}

#[derive(DeriveIden)]
enum FiledItem {
    #[sea_orm(iden = "filed_items")]
    Table,
    ItemId,
    ListId,
    CaseNumber,
    EntryId,
    Extra,
    MaterialType,
    Node,
    StandardName,
    Party,
    OriginalNumber,
    ProducedOn,
    PageCount,
    ReceivedOn,
    Arrival,
    FiledBy,
    FiledAt,
}

#[derive(DeriveIden)]
enum Dispute {
    #[sea_orm(iden = "disputes")]
    Table,
    DisputeId,
    EntryId,
    ItemId,
    ListId,
    TeamId,
    Reason,
    RaisedBy,
    RaisedAt,
    Decision,
    DecisionNote,
    DecidedBy,
    DecidedAt,
    RequestHash,
}
