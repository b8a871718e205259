use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "handover_deadlines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub list_id: String,
    pub team_id: String,
    pub case_number: String,
    pub rule_id: String,
    pub declared_return_at: DateTimeUtc,
    pub learned_at: DateTimeUtc,
    pub event_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub last_day: Date,
    pub state: String,
    pub handed_over_at: Option<DateTimeUtc>,
    pub working_days_late: Option<i32>,
    pub flag: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
