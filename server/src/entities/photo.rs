use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: String,
    pub status: String,
    pub status_label: String,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
    pub queued_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub format: Option<String>,
    pub original_width: Option<i32>,
    pub original_height: Option<i32>,
    pub working_width: Option<i32>,
    pub working_height: Option<i32>,
    pub upright: Option<String>,
    pub checks: Option<String>,
    pub ocr_text: Option<String>,
    pub ocr_confidence: Option<i32>,
    pub case_numbers: Option<String>,
    pub thumbnail_small: Option<Vec<u8>>,
    pub thumbnail_large: Option<Vec<u8>>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
