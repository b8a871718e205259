//! Photos and CSV files for console pages. They are the API's responses, served under `/console/`
//! so that the console's session (cookie, renewal, role check) applies to them as to every page.
//! The API itself only takes the `Authorization` header.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};

use super::super::error::ConsoleResult;
use super::super::format::query_period;
use super::super::session::ConsoleUser;
use crate::center::figures::FiguresQuery;
use crate::routes::{center, photos};
use crate::state::AppState;

/// `GET /console/photos/{sha256}/thumbnail`: the small thumbnail of a photo the user may read.
pub async fn thumbnail(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let query = web::Query(photos::ThumbnailQuery { size: None });
    Ok(photos::thumbnail(state, user.caller, path, query).await?)
}

/// `GET /console/photos/{sha256}/working`: the upright, cropped image that OCR read.
pub async fn working_image(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    Ok(photos::working_image(state, user.caller, path).await?)
}

/// `GET /console/figures/{teams|days}.csv?from=&to=`: the figures as CSV for Excel.
pub async fn figures_csv(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> ConsoleResult<HttpResponse> {
    let (from, to) = query_period(&query)?;
    let period = web::Query(FiguresQuery { from, to });
    match path.as_str() {
        "teams" => Ok(center::figures_teams_csv(state, user.caller, period).await?),
        _ => Ok(center::figures_days_csv(state, user.caller, period).await?),
    }
}
