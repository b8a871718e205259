use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "material_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub list_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: String,
    pub material_type: String,
    pub title: String,
    pub page_count: i64,
    pub originality: String,
    pub produced_on: Option<Date>,
    pub produced_by: String,
    pub notes: String,
    pub photos: String,
    pub uploaded_via_mobile_system: bool,
    pub added_by: String,
    pub added_at: DateTimeUtc,
    pub removed_by: Option<String>,
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
