//! The case-file center (卷宗管理中心): waiting handovers, the register (登记簿), disputes, a team's
//! results, case catalogues (案卷目录) and figures. The services in `crate::center` check roles.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use uuid::Uuid;

use juanzong_mobile_api::center::{
    CorrectionRequest, DecideDisputeRequest, FileItemRequest, RaiseDisputeRequest,
    RegisterReceiptRequest, SupplementRequest,
};

use crate::auth::AuthUser;
use crate::center::figures::FiguresQuery;
use crate::center::queries::RegisterQuery;
use crate::center::{catalogue, disputes, figures, queries, register};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn parse_id(text: &str, label: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| {
        ApiError::bad_request("INVALID_ID", format!("{label}“{text}”无效，应为 UUID。"))
    })
}

pub async fn waiting_handovers(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(queries::waiting(&state.db, &caller).await?))
}

pub async fn register_receipt(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<RegisterReceiptRequest>,
) -> ApiResult<HttpResponse> {
    let entry = register::register_receipt(&state.db, &caller, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(entry))
}

pub async fn register_supplement(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    body: web::Json<SupplementRequest>,
) -> ApiResult<HttpResponse> {
    let entry_id = parse_id(&path.into_inner(), "登记编号")?;
    let entry =
        register::register_supplement(&state.db, &caller, entry_id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(entry))
}

pub async fn register_correction(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    body: web::Json<CorrectionRequest>,
) -> ApiResult<HttpResponse> {
    let entry_id = parse_id(&path.into_inner(), "登记编号")?;
    let entry =
        register::register_correction(&state.db, &caller, entry_id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(entry))
}

pub async fn search_register(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<RegisterQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(queries::register(&state.db, &caller, query.into_inner()).await?))
}

pub async fn get_entry(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let entry_id = parse_id(&path.into_inner(), "登记编号")?;
    Ok(HttpResponse::Ok().json(queries::entry(&state.db, &caller, entry_id).await?))
}

#[derive(Debug, Deserialize)]
pub struct DisputeQuery {
    #[serde(default)]
    pub open: bool,
}

pub async fn list_disputes(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<DisputeQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(disputes::list(&state.db, &caller, query.open).await?))
}

pub async fn raise_dispute(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<RaiseDisputeRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(disputes::raise(&state.db, &caller, body.into_inner()).await?))
}

pub async fn decide_dispute(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    body: web::Json<DecideDisputeRequest>,
) -> ApiResult<HttpResponse> {
    let dispute_id = parse_id(&path.into_inner(), "异议编号")?;
    Ok(HttpResponse::Ok()
        .json(disputes::decide(&state.db, &caller, dispute_id, body.into_inner()).await?))
}

#[derive(Debug, Deserialize)]
pub struct ResultsQuery {
    pub team_id: Option<String>,
}

pub async fn team_results(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ResultsQuery>,
) -> ApiResult<HttpResponse> {
    let results = queries::team_results(&state.db, &caller, query.team_id.as_deref()).await?;
    Ok(HttpResponse::Ok().json(results))
}

pub async fn case_catalogue(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let case_number = path.into_inner();
    Ok(HttpResponse::Ok().json(catalogue::case_catalogue(&state.db, &caller, &case_number).await?))
}

pub async fn file_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<String>,
    body: web::Json<FileItemRequest>,
) -> ApiResult<HttpResponse> {
    let item_id = parse_id(&path.into_inner(), "材料编号")?;
    Ok(HttpResponse::Ok()
        .json(catalogue::file_item(&state.db, &caller, item_id, body.into_inner()).await?))
}

pub async fn figures_json(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<FiguresQuery>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(figures::figures(&state.db, &caller, query.into_inner()).await?))
}

fn csv_response(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file_name.to_string())],
        })
        .body(bytes)
}

pub async fn figures_teams_csv(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<FiguresQuery>,
) -> ApiResult<HttpResponse> {
    let bytes = figures::teams_csv(&state.db, &caller, query.into_inner()).await?;
    Ok(csv_response(bytes, "center-teams.csv"))
}

pub async fn figures_days_csv(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<FiguresQuery>,
) -> ApiResult<HttpResponse> {
    let bytes = figures::days_csv(&state.db, &caller, query.into_inner()).await?;
    Ok(csv_response(bytes, "center-days.csv"))
}
