//! HTTP handlers. Each handler checks the caller, calls a service, and shapes the response;
//! the work itself happens in the services.
//!
//! Every route is declared once in the table below, which both registers it and lists it in
//! [`ROUTES`]; a test compares [`ROUTES`] with `openapi/openapi.json`, so the description cannot
//! drift from what the server serves.

pub mod admin;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod center;
pub mod health;
pub mod photos;
pub mod sync;

use actix_web::web;

/// Declares the route table: `method "path" => handler`.
macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        /// Every route served, as (HTTP method in lower case, path template).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// Registers every route of [`ROUTES`].
        pub fn configure(config: &mut web::ServiceConfig) {
            config.app_data(web::PayloadConfig::new(sync::MAX_SYNC_BODY_BYTES));
            $(config.route($path, web::$method().to($handler));)*
        }
    };
}

route_table! {
    get "/healthz" => health::healthz,
    get "/readyz" => health::readyz,
    post "/api/v1/auth/login" => auth::login,
    post "/api/v1/auth/refresh" => auth::refresh,
    post "/api/v1/auth/logout" => auth::logout,
    get "/api/v1/me" => auth::me,
    get "/api/v1/cases" => cases::list,
    get "/api/v1/cases/{case_number}" => cases::get,
    post "/api/v1/sync" => sync::sync_documents,
    get "/api/v1/feed" => sync::read_feed,
    get "/api/v1/lists" => sync::list_lists,
    get "/api/v1/lists/{list_id}" => sync::get_list,
    get "/api/v1/blobs/missing" => photos::missing_blobs,
    put "/api/v1/blobs/{sha256}" => photos::upload_blob,
    get "/api/v1/blobs/{sha256}" => photos::download_blob,
    get "/api/v1/blobs/{sha256}/status" => photos::blob_status,
    get "/api/v1/photos/{sha256}" => photos::get_photo,
    get "/api/v1/photos/{sha256}/thumbnail" => photos::thumbnail,
    get "/api/v1/photos/{sha256}/working" => photos::working_image,
    get "/api/v1/calendar" => calendar::status,
    get "/api/v1/calendar/deadline" => calendar::deadline,
    get "/api/v1/center/handovers/open" => calendar::open_handovers,
    get "/api/v1/center/handovers/waiting" => center::waiting_handovers,
    post "/api/v1/center/receipts" => center::register_receipt,
    get "/api/v1/center/register" => center::search_register,
    get "/api/v1/center/entries/{entry_id}" => center::get_entry,
    post "/api/v1/center/entries/{entry_id}/supplements" => center::register_supplement,
    post "/api/v1/center/entries/{entry_id}/corrections" => center::register_correction,
    get "/api/v1/center/disputes" => center::list_disputes,
    post "/api/v1/center/disputes" => center::raise_dispute,
    post "/api/v1/center/disputes/{dispute_id}/decision" => center::decide_dispute,
    get "/api/v1/center/results" => center::team_results,
    get "/api/v1/center/cases/{case_number}/catalogue" => center::case_catalogue,
    post "/api/v1/center/items/{item_id}/filing" => center::file_item,
    get "/api/v1/center/figures" => center::figures_json,
    get "/api/v1/center/figures/teams.csv" => center::figures_teams_csv,
    get "/api/v1/center/figures/days.csv" => center::figures_days_csv,
    get "/api/v1/admin/devices" => admin::list_devices,
    post "/api/v1/admin/devices/{device_id}/revoke" => admin::revoke_device,
    get "/api/v1/admin/users" => admin::list_users,
    post "/api/v1/admin/calendar" => calendar::import,
}
