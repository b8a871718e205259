use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "register_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub court_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub last_serial: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
