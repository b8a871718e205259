//! Material lists (材料清单): the Automerge documents as a snapshot plus incremental chunks,
//! per-device sync states, actor bindings, relational rows for lists and items, and the change
//! feed.
//!
//! The relational rows are derived from the merged document in the same transaction that stores
//! it, so queries, reconciliation and statistics never read Automerge bytes.

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
                    .table(Document::Table)
                    .col(string(Document::ListId).primary_key())
                    .col(string(Document::TeamId))
                    // `save()` output of the document at the last compaction.
                    .col(blob(Document::Snapshot))
                    .col(integer(Document::ChunkCount))
                    .col(big_integer(Document::ChunkBytes))
                    // Incremented on every stored change, for readers that cache documents.
                    .col(big_integer(Document::Version))
                    .col(timestamp_with_time_zone(Document::CreatedAt))
                    .col(timestamp_with_time_zone(Document::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DocumentChunk::Table)
                    .col(big_pk_auto(DocumentChunk::Id))
                    .col(string(DocumentChunk::ListId))
                    // Changes added since the snapshot or the previous chunk (`save_after`).
                    .col(blob(DocumentChunk::Data))
                    .col(timestamp_with_time_zone(DocumentChunk::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DocumentChunk::Table, DocumentChunk::ListId)
                            .to(Document::Table, Document::ListId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_document_chunk_list")
                    .table(DocumentChunk::Table)
                    .col(DocumentChunk::ListId)
                    .col(DocumentChunk::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SyncState::Table)
                    .col(string(SyncState::DeviceId))
                    .col(string(SyncState::ListId))
                    // `automerge::sync::State::encode` output: the heads both sides share.
                    .col(blob(SyncState::State))
                    .col(timestamp_with_time_zone(SyncState::UpdatedAt))
                    .primary_key(Index::create().col(SyncState::DeviceId).col(SyncState::ListId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActorBinding::Table)
                    // Automerge actor id, hex.
                    .col(string(ActorBinding::ActorId).primary_key())
                    .col(string(ActorBinding::DeviceId))
                    .col(timestamp_with_time_zone(ActorBinding::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MaterialList::Table)
                    .col(string(MaterialList::ListId).primary_key())
                    .col(string(MaterialList::CaseNumber))
                    .col(string(MaterialList::TeamId))
                    .col(string(MaterialList::Kind))
                    .col(string(MaterialList::Status))
                    .col(date_null(MaterialList::TripDate))
                    .col(string(MaterialList::TripPlace))
                    .col(text(MaterialList::Participants))
                    .col(timestamp_with_time_zone_null(MaterialList::DeclaredReturnAt))
                    .col(timestamp_with_time_zone_null(MaterialList::HandedOverAt))
                    .col(string_null(MaterialList::HandedOverBy))
                    .col(timestamp_with_time_zone_null(MaterialList::ReceivedAt))
                    .col(string_null(MaterialList::ReceivedBy))
                    .col(string(MaterialList::CreatedBy))
                    .col(timestamp_with_time_zone(MaterialList::CreatedAt))
                    .col(big_integer(MaterialList::ItemCount))
                    .col(big_integer(MaterialList::PageCount))
                    .col(timestamp_with_time_zone(MaterialList::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_material_list_team_status")
                    .table(MaterialList::Table)
                    .col(MaterialList::TeamId)
                    .col(MaterialList::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MaterialItem::Table)
                    .col(string(MaterialItem::ListId))
                    .col(string(MaterialItem::ItemId))
                    .col(string(MaterialItem::MaterialType))
                    .col(string(MaterialItem::Title))
                    .col(big_integer(MaterialItem::PageCount))
                    .col(string(MaterialItem::Originality))
                    .col(date_null(MaterialItem::ProducedOn))
                    .col(string(MaterialItem::ProducedBy))
                    .col(text(MaterialItem::Notes))
                    // JSON array of SHA-256 hex hashes, in page order.
                    .col(text(MaterialItem::Photos))
                    .col(boolean(MaterialItem::UploadedViaMobileSystem))
                    .col(string(MaterialItem::AddedBy))
                    .col(timestamp_with_time_zone(MaterialItem::AddedAt))
                    .col(string_null(MaterialItem::RemovedBy))
                    .col(timestamp_with_time_zone_null(MaterialItem::RemovedAt))
                    .primary_key(Index::create().col(MaterialItem::ListId).col(MaterialItem::ItemId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FeedEvent::Table)
                    .col(big_pk_auto(FeedEvent::Id))
                    .col(string(FeedEvent::TeamId))
                    .col(string_null(FeedEvent::ListId))
                    // Set when the event is for one device only, such as a rule notice.
                    .col(string_null(FeedEvent::DeviceId))
                    .col(string(FeedEvent::Kind))
                    .col(string_null(FeedEvent::Code))
                    .col(text_null(FeedEvent::Message))
                    .col(string_null(FeedEvent::ItemId))
                    .col(timestamp_with_time_zone(FeedEvent::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_feed_event_team")
                    .table(FeedEvent::Table)
                    .col(FeedEvent::TeamId)
                    .col(FeedEvent::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            FeedEvent::Table.into_iden(),
            MaterialItem::Table.into_iden(),
            MaterialList::Table.into_iden(),
            ActorBinding::Table.into_iden(),
            SyncState::Table.into_iden(),
            DocumentChunk::Table.into_iden(),
            Document::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Document {
    #[sea_orm(iden = "documents")]
    Table,
    ListId,
    TeamId,
    Snapshot,
    ChunkCount,
    ChunkBytes,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DocumentChunk {
    #[sea_orm(iden = "document_chunks")]
    Table,
    Id,
    ListId,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SyncState {
    #[sea_orm(iden = "sync_states")]
    Table,
    DeviceId,
    ListId,
    State,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ActorBinding {
    #[sea_orm(iden = "actor_bindings")]
    Table,
    ActorId,
    DeviceId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MaterialList {
    #[sea_orm(iden = "material_lists")]
    Table,
    ListId,
    CaseNumber,
    TeamId,
    Kind,
    Status,
    TripDate,
    TripPlace,
    Participants,
    DeclaredReturnAt,
    HandedOverAt,
    HandedOverBy,
    ReceivedAt,
    ReceivedBy,
    CreatedBy,
    CreatedAt,
    ItemCount,
    PageCount,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MaterialItem {
    #[sea_orm(iden = "material_items")]
    Table,
    ListId,
    ItemId,
    MaterialType,
    Title,
    PageCount,
    Originality,
    ProducedOn,
    ProducedBy,
    Notes,
    Photos,
    UploadedViaMobileSystem,
    AddedBy,
    AddedAt,
    RemovedBy,
    RemovedAt,
}

#[derive(DeriveIden)]
enum FeedEvent {
    #[sea_orm(iden = "feed_events")]
    Table,
    Id,
    TeamId,
    ListId,
    DeviceId,
    Kind,
    Code,
    Message,
    ItemId,
    CreatedAt,
}
