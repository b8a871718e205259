use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub case_number: String,
    pub court_id: String,
    pub year: i32,
    pub case_type: String,
    pub serial: i64,
    pub judge_name: String,
    pub judge_user_id: Option<String>,
    pub team_id: String,
    pub parties: Option<String>,
    pub filed_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
