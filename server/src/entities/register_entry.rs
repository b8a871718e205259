use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "register_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub entry_id: String,
    pub court_id: String,
    pub year: i32,
    pub serial: i32,
    pub number: String,
    pub kind: String,
    pub list_id: String,
    pub case_number: String,
    pub team_id: String,
    pub refers_to: Option<String>,
    pub receipt_of_list: Option<String>,
    pub correction_of: Option<String>,
    pub handed_over_by: String,
    pub handed_over_at: Option<DateTimeUtc>,
    pub received_by: String,
    pub received_at: DateTimeUtc,
    pub timeliness: Option<String>,
    pub working_days_late: Option<i32>,
    pub count_received: i32,
    pub count_missing: i32,
    pub count_page_mismatch: i32,
    pub count_rejected: i32,
    pub count_extra: i32,
    pub check_json: String,
    pub note: String,
    pub request_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
