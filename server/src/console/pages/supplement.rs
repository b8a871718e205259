//! 补充移送 (supplement): paper a team hands over later for a registered list, the items that
//! were missing or rejected. The clerk checks them item by item on the same form as a first
//! receipt, and the register gets a supplement entry that refers to the earlier one.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use juanzong_mobile_api::center::{RegisterEntryView, SupplementRequest, WaitingHandover};
use juanzong_sync::materials::Catalogue;

use super::super::error::{ConsoleError, ConsoleResult};
use super::super::session::ConsoleUser;
use super::handovers::{earlier_entry, finish_registration, render_check, CheckForm, CheckTarget};
use crate::center::queries::{self, waiting_item};
use crate::center::register::{self, live_items};
use crate::error::ApiError;
use crate::state::AppState;

/// `GET /console/register/{entry_id}/supplement`: the form for the list's outstanding items.
pub async fn supplement_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
) -> ConsoleResult<HttpResponse> {
    let entry = find_entry(&state, &user, &path.into_inner()).await?;
    let (entry_id, handover, number) = outstanding(&state, &user, entry).await?;
    let form = CheckForm::fresh("");
    let target = target(entry_id, &handover, &number);
    render_check(&state, &user, &handover, &target, &form, None).await
}

/// `POST /console/register/{entry_id}/supplement`: registers the supplement and shows its
/// receipt, or draws the form again with the reason it was rejected.
pub async fn register_supplement(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let form = CheckForm::from_fields(form.into_inner());

    // A repeated form is found before the outstanding items, which it may have cleared.
    let entry = find_entry(&state, &user, &path.into_inner()).await?;
    if let Some(repeated) = earlier_entry(&state, &user, &form, &entry.list_id.to_string()).await? {
        return Ok(repeated);
    }
    let (entry_id, handover, number) = outstanding(&state, &user, entry).await?;
    let target = target(entry_id, &handover, &number);

    let outcome = match form.to_request(&handover) {
        Ok(request) => {
            let request = SupplementRequest {
                registration_id: request.registration_id,
                handed_over_by: request.handed_over_by,
                check: request.check,
            };
            register::register_supplement(&state.db, &user.caller, entry_id, request).await
        }
        Err(message) => Err(ApiError::bad_request("INVALID_FORM", message)),
    };
    finish_registration(&state, &user, &handover, &target, &form, outcome).await
}

fn target(entry_id: Uuid, handover: &WaitingHandover, number: &str) -> CheckTarget {
    CheckTarget {
        action: format!("/console/register/{entry_id}/supplement"),
        title: format!("补充移送 {}（补 {number}）", handover.case_number),
        button: "登记补充移送",
        receipt: false,
    }
}

/// Parses an entry id from the path and returns the entry, with the API's role check.
async fn find_entry(
    state: &AppState,
    user: &ConsoleUser,
    entry_text: &str,
) -> ConsoleResult<RegisterEntryView> {
    let entry_id = Uuid::parse_str(entry_text).map_err(|_| {
        ApiError::bad_request(
            "INVALID_ID",
            format!("登记编号“{entry_text}”无效，应为 UUID。"),
        )
    })?;
    Ok(queries::entry(&state.db, &user.caller, entry_id).await?)
}

/// Returns the entry id, the list's items still missing or rejected as a handover to check, and
/// the entry's number. A list with nothing outstanding gets a 404 page with that reason.
async fn outstanding(
    state: &AppState,
    user: &ConsoleUser,
    entry: RegisterEntryView,
) -> ConsoleResult<(Uuid, WaitingHandover, String)> {
    let entry_id = entry.entry_id;
    let results = queries::team_results(&state.db, &user.caller, Some(&entry.team_id)).await?;
    let owed: Vec<Uuid> = results
        .tasks
        .iter()
        .filter(|task| task.list_id == entry.list_id)
        .map(|task| task.item_id)
        .collect();
    if owed.is_empty() {
        return Err(ConsoleError::from(ApiError::not_found(
            "NOTHING_OUTSTANDING",
            format!(
                "{} 的清单没有缺失或不规范的材料，无需补充移送。",
                entry.number
            ),
        )));
    }

    let types = Catalogue::builtin().ok();
    let items = live_items(&state.db, &entry.list_id.to_string())
        .await?
        .into_iter()
        .filter_map(|item| waiting_item(item, types))
        .filter(|item| owed.contains(&item.item_id))
        .collect();
    let handover = WaitingHandover {
        list_id: entry.list_id,
        case_number: entry.case_number.clone(),
        team_id: entry.team_id.clone(),
        status: "received".to_string(),
        status_label: "已接收（补充移送）".to_string(),
        handed_over_by: None,
        handed_over_at: None,
        declared_return_at: None,
        deadline: None,
        items,
    };
    Ok((entry_id, handover, entry.number))
}
