//! The console's pages. Each handler reads through the services the API uses and draws HTML.

pub mod calendar;
pub mod figures;
pub mod files;
pub mod handovers;
pub mod login;
pub mod overdue;
pub mod register;
pub mod supplement;

use std::collections::{BTreeMap, HashMap};

use sea_orm::EntityTrait;

use juanzong_mobile_api::photos::PhotoView;

use crate::auth::AuthUser;
use crate::entities::photo;
use crate::error::ApiResult;
use crate::org;
use crate::photos::{references, view};
use crate::state::AppState;

/// Team ids and names, ordered by name.
pub async fn team_names(state: &AppState) -> ApiResult<BTreeMap<String, String>> {
    Ok(org::service::list_teams(&state.db)
        .await?
        .into_iter()
        .map(|team| (team.id, team.name))
        .collect())
}

/// Display names of users by id, for the register's 接收人, which stores the user id.
pub async fn user_names(state: &AppState) -> ApiResult<HashMap<String, String>> {
    Ok(org::service::list_users(&state.db)
        .await?
        .into_iter()
        .map(|user| (user.id, user.display_name))
        .collect())
}

/// Returns a user's display name, or the stored value itself when it names no user.
pub fn user_label(users: &HashMap<String, String>, user_id: &str) -> String {
    users
        .get(user_id)
        .cloned()
        .unwrap_or_else(|| user_id.to_string())
}

/// Returns the processing results of photos the caller may read, by hash. A photo not uploaded
/// yet, or not readable by the caller, is left out.
pub async fn photo_views(
    state: &AppState,
    caller: &AuthUser,
    hashes: &[String],
) -> ApiResult<HashMap<String, PhotoView>> {
    let mut views = HashMap::new();
    for hash in hashes {
        if views.contains_key(hash) {
            continue;
        }
        let Some(row) = photo::Entity::find_by_id(hash.clone())
            .one(&state.db)
            .await?
        else {
            continue;
        };
        let Ok(visible) =
            references::readable(caller, references::of_photo(&state.db, hash).await?)
        else {
            continue;
        };
        views.insert(hash.clone(), view::build(&row, &visible));
    }
    Ok(views)
}
