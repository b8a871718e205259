use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "filed_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: String,
    pub list_id: String,
    pub case_number: String,
    pub entry_id: String,
    pub extra: bool,
    pub material_type: Option<String>,
    pub node: Option<String>,
    pub standard_name: String,
    pub party: Option<String>,
    pub original_number: String,
    pub produced_on: Option<Date>,
    pub page_count: i64,
    pub received_on: Date,
    pub arrival: i64,
    pub filed_by: Option<String>,
    pub filed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
