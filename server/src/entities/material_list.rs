use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "material_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub list_id: String,
    pub case_number: String,
    pub team_id: String,
    pub kind: String,
    pub status: String,
    pub trip_date: Option<Date>,
    pub trip_place: String,
    pub participants: String,
    pub declared_return_at: Option<DateTimeUtc>,
    pub handed_over_at: Option<DateTimeUtc>,
    pub handed_over_by: Option<String>,
    pub received_at: Option<DateTimeUtc>,
    pub received_by: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub item_count: i64,
    pub page_count: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
