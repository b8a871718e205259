use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub team_id: String,
    pub list_id: Option<String>,
    pub device_id: Option<String>,
    pub kind: String,
    pub code: Option<String>,
    pub message: Option<String>,
    pub item_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
